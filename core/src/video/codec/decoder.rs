//! Decoding H.264 frames (AVCC, as stored) to RGBA pictures through FFmpeg: the track's parameter
//! sets go in ahead of each key frame, so a decode may start at any fragment.

use super::camera::{CodecError, init};
use super::h264;
use ffmpeg::format::Pixel;
use ffmpeg::software::scaling;
use ffmpeg_next as ffmpeg;

/// A decoded picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RgbaFrame {
    pub width: u32,
    pub height: u32,
    /// Its time, as the frame that carried it said (milliseconds).
    pub timecode_ms: i64,
    pub rgba: Vec<u8>,
}

impl RgbaFrame {
    /// The colour at `(x, y)`, without alpha.
    pub fn rgb_at(&self, x: u32, y: u32) -> [u8; 3] {
        let at = ((y * self.width + x) * 4) as usize;
        [self.rgba[at], self.rgba[at + 1], self.rgba[at + 2]]
    }
}

/// A decoder of one H.264 track.
pub struct FrameDecoder {
    decoder: ffmpeg::decoder::Video,
    /// SPS and PPS in Annex B, sent ahead of key frames.
    parameter_sets: Vec<u8>,
    scaler: Option<(scaling::Context, Pixel, u32, u32)>,
    /// Pictures outside this range are decoded (later ones may need them) but not converted.
    convert: std::ops::RangeInclusive<i64>,
}

impl FrameDecoder {
    /// A decoder of a track with `codec_private` (an AVCDecoderConfigurationRecord).
    pub fn h264(codec_private: &[u8]) -> Result<Self, CodecError> {
        init();
        let sets = h264::parameter_sets(codec_private);
        if sets.len() < 2 {
            return Err(CodecError::MissingParameterSets);
        }
        let codec = ffmpeg::decoder::find(ffmpeg::codec::Id::H264)
            .ok_or(CodecError::MissingCodec("H.264 decoder"))?;
        let mut context = ffmpeg::codec::context::Context::new_with_codec(codec);
        // Both cores: slices and frames decode in parallel (FFmpeg picks what the stream allows).
        context.set_threading(ffmpeg::threading::Config::kind(
            ffmpeg::threading::Type::Frame,
        ));
        let decoder = context.decoder().video()?;
        Ok(Self {
            decoder,
            parameter_sets: h264::to_annex_b(sets),
            scaler: None,
            convert: i64::MIN..=i64::MAX,
        })
    }

    /// Converts only pictures in `range` (a seek decodes from the key frame before it).
    pub fn convert_only(&mut self, range: std::ops::RangeInclusive<i64>) {
        self.convert = range;
    }

    /// Decodes one stored frame; the pictures that came out (decoders may hold some back).
    pub fn decode(
        &mut self,
        avcc: &[u8],
        keyframe: bool,
        timecode_ms: i64,
    ) -> Result<Vec<RgbaFrame>, CodecError> {
        let units = h264::avcc_units(avcc)
            .ok_or_else(|| CodecError::Ffmpeg("a frame's NAL lengths run past its end".into()))?;
        let mut data = if keyframe {
            self.parameter_sets.clone()
        } else {
            Vec::new()
        };
        data.extend(h264::to_annex_b(units));
        let mut packet = ffmpeg::Packet::copy(&data);
        packet.set_pts(Some(timecode_ms));
        packet.set_dts(Some(timecode_ms));
        self.decoder.send_packet(&packet)?;
        self.receive()
    }

    /// The pictures still inside the decoder.
    pub fn flush(&mut self) -> Result<Vec<RgbaFrame>, CodecError> {
        self.decoder.send_eof()?;
        self.receive()
    }

    fn receive(&mut self) -> Result<Vec<RgbaFrame>, CodecError> {
        let mut out = Vec::new();
        let mut frame = ffmpeg::frame::Video::empty();
        while self.decoder.receive_frame(&mut frame).is_ok() {
            let timecode_ms = frame.timestamp().or(frame.pts()).unwrap_or(0);
            if !self.convert.contains(&timecode_ms) {
                continue;
            }
            let (format, width, height) = (frame.format(), frame.width(), frame.height());
            let reuse = matches!(&self.scaler, Some((_, f, w, h)) if *f == format && *w == width && *h == height);
            if !reuse {
                let scaler = scaling::Context::get(
                    format,
                    width,
                    height,
                    Pixel::RGBA,
                    width,
                    height,
                    scaling::Flags::BILINEAR,
                )?;
                self.scaler = Some((scaler, format, width, height));
            }
            let Some((scaler, ..)) = self.scaler.as_mut() else {
                continue;
            };
            let mut rgba = ffmpeg::frame::Video::empty();
            scaler.run(&frame, &mut rgba)?;
            let stride = rgba.stride(0);
            let row = (width * 4) as usize;
            let mut pixels = Vec::with_capacity(row * height as usize);
            for y in 0..height as usize {
                pixels.extend_from_slice(&rgba.data(0)[y * stride..y * stride + row]);
            }
            out.push(RgbaFrame {
                width,
                height,
                timecode_ms,
                rgba: pixels,
            });
        }
        Ok(out)
    }
}
