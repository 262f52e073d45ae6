//! The simulated camera's encoder: pictures in, H.264 frames out (libx264 through FFmpeg, no
//! B-frames, a key frame every `gop` frames), in AVCC framing with the stream's
//! AVCDecoderConfigurationRecord — what a Matroska `V_MPEG4/ISO/AVC` track carries.

use super::h264::{self, NAL_PPS, NAL_SPS};
use super::pattern::Picture;
use ffmpeg::format::Pixel;
use ffmpeg::software::scaling;
use ffmpeg_next as ffmpeg;

/// Why video could not be encoded or decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodecError {
    #[error("FFmpeg has no {0} codec (install libavcodec with libx264)")]
    MissingCodec(&'static str),
    #[error("FFmpeg: {0}")]
    Ffmpeg(String),
    #[error("the track has no H.264 parameter sets (CodecPrivate)")]
    MissingParameterSets,
}

impl From<ffmpeg::Error> for CodecError {
    fn from(e: ffmpeg::Error) -> Self {
        CodecError::Ffmpeg(e.to_string())
    }
}

/// FFmpeg's one-time set-up.
pub fn init() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = ffmpeg::init();
        ffmpeg::util::log::set_level(ffmpeg::util::log::Level::Error);
    });
}

/// One encoded frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedFrame {
    /// Its index in the camera's frames.
    pub index: i64,
    pub keyframe: bool,
    /// AVCC: NAL units with 4-byte lengths (parameter sets left out: they are in the config).
    pub avcc: Vec<u8>,
}

/// An H.264 encoder of pictures of one size and rate.
pub struct CameraEncoder {
    encoder: ffmpeg::encoder::Video,
    scaler: scaling::Context,
    width: u32,
    height: u32,
    next_index: i64,
    config: Option<Vec<u8>>,
}

impl CameraEncoder {
    /// An encoder of `width`×`height` at `fps`, a key frame every `gop` frames, aiming at
    /// `bitrate` bits a second.
    pub fn new(
        width: u32,
        height: u32,
        fps: u32,
        gop: u32,
        bitrate: usize,
    ) -> Result<Self, CodecError> {
        init();
        let codec =
            ffmpeg::encoder::find_by_name("libx264").ok_or(CodecError::MissingCodec("libx264"))?;
        let mut video = ffmpeg::codec::context::Context::new_with_codec(codec)
            .encoder()
            .video()?;
        video.set_width(width);
        video.set_height(height);
        video.set_format(Pixel::YUV420P);
        video.set_time_base(ffmpeg::Rational(1, fps as i32));
        video.set_frame_rate(Some(ffmpeg::Rational(fps as i32, 1)));
        video.set_gop(gop);
        video.set_max_b_frames(0);
        video.set_bit_rate(bitrate);
        let mut options = ffmpeg::Dictionary::new();
        options.set("preset", "ultrafast");
        options.set("tune", "zerolatency");
        options.set(
            "x264-params",
            &format!("keyint={gop}:min-keyint={gop}:scenecut=0"),
        );
        let encoder = video.open_as_with(codec, options)?;
        let scaler = scaling::Context::get(
            Pixel::RGB24,
            width,
            height,
            Pixel::YUV420P,
            width,
            height,
            scaling::Flags::BILINEAR,
        )?;
        Ok(Self {
            encoder,
            scaler,
            width,
            height,
            next_index: 0,
            config: None,
        })
    }

    /// The stream's AVCDecoderConfigurationRecord, once the first key frame is out.
    pub fn codec_private(&self) -> Option<&[u8]> {
        self.config.as_deref()
    }

    /// Encodes the next picture; the frames that came out.
    pub fn encode(&mut self, picture: &Picture) -> Result<Vec<EncodedFrame>, CodecError> {
        let mut rgb = ffmpeg::frame::Video::new(Pixel::RGB24, self.width, self.height);
        let stride = rgb.stride(0);
        let row = (self.width * 3) as usize;
        let data = rgb.data_mut(0);
        for (y, line) in picture
            .rgb
            .chunks(row)
            .enumerate()
            .take(self.height as usize)
        {
            data[y * stride..y * stride + row].copy_from_slice(line);
        }
        let mut yuv = ffmpeg::frame::Video::empty();
        self.scaler.run(&rgb, &mut yuv)?;
        yuv.set_pts(Some(self.next_index));
        self.next_index += 1;
        self.encoder.send_frame(&yuv)?;
        self.receive()
    }

    /// The frames still inside the encoder.
    pub fn flush(&mut self) -> Result<Vec<EncodedFrame>, CodecError> {
        self.encoder.send_eof()?;
        self.receive()
    }

    fn receive(&mut self) -> Result<Vec<EncodedFrame>, CodecError> {
        let mut frames = Vec::new();
        let mut packet = ffmpeg::Packet::empty();
        while self.encoder.receive_packet(&mut packet).is_ok() {
            let data = packet.data().unwrap_or_default();
            let units = h264::annex_b_units(data);
            let find = |kind| units.iter().find(|u| h264::unit_type(u) == kind).copied();
            if let (None, Some(sps), Some(pps)) = (&self.config, find(NAL_SPS), find(NAL_PPS)) {
                self.config = Some(h264::avc_config(sps, pps));
            }
            // Parameter sets travel in the track's config; access unit delimiters nowhere.
            let kept = units
                .iter()
                .filter(|u| !matches!(h264::unit_type(u), NAL_SPS | NAL_PPS | 9))
                .copied();
            frames.push(EncodedFrame {
                index: packet.pts().unwrap_or(self.next_index - 1),
                keyframe: packet.is_key(),
                avcc: h264::to_avcc(kept),
            });
        }
        Ok(frames)
    }
}
