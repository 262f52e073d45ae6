//! Writing a recorded demo as frames arrive, on a thread of its own: an animated GIF (the `image`
//! crate's encoder, frames at half size so the file stays small) or an H.264 MP4 (libx264 through
//! ffmpeg-next). The window's frames never wait for the encoder.

use ffmpeg::format::Pixel;
use ffmpeg::software::scaling;
use ffmpeg_next as ffmpeg;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

/// The formats a demo is written in, by the file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoFormat {
    Gif,
    Mp4,
}

impl DemoFormat {
    /// The format `path`'s extension names.
    pub fn of(path: &Path) -> Result<DemoFormat, String> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
        {
            Some(e) if e == "gif" => Ok(DemoFormat::Gif),
            Some(e) if e == "mp4" => Ok(DemoFormat::Mp4),
            _ => Err(format!("{}: a demo is a .gif or an .mp4", path.display())),
        }
    }

    /// Frames a second: fewer for a GIF (size), video's usual for an MP4.
    pub fn fps(self) -> u32 {
        match self {
            DemoFormat::Gif => 10,
            DemoFormat::Mp4 => 25,
        }
    }
}

/// The writing thread: frames in, a file out.
pub struct DemoWriter {
    frames: Sender<Arc<egui::ColorImage>>,
    done: Receiver<Result<String, String>>,
}

impl DemoWriter {
    /// Starts writing `path` (GIF or MP4, by its extension).
    pub fn start(path: PathBuf) -> Result<DemoWriter, String> {
        let format = DemoFormat::of(&path)?;
        let (frames, incoming) = channel::<Arc<egui::ColorImage>>();
        let (finished, done) = channel();
        std::thread::Builder::new()
            .name("kinescope-demo".into())
            .spawn(move || {
                let result = match format {
                    DemoFormat::Gif => write_gif(&path, incoming),
                    DemoFormat::Mp4 => write_mp4(&path, incoming),
                };
                let _ = finished.send(result);
            })
            .map_err(|e| format!("cannot start the demo writer: {e}"))?;
        Ok(DemoWriter { frames, done })
    }

    /// Hands a frame to the writer.
    pub fn push(&self, frame: Arc<egui::ColorImage>) {
        let _ = self.frames.send(frame);
    }

    /// No more frames: waits for the file and says what was written.
    pub fn finish(self) -> Result<String, String> {
        drop(self.frames);
        self.done
            .recv()
            .unwrap_or_else(|_| Err("the demo writer stopped".into()))
    }
}

fn write_gif(path: &Path, frames: Receiver<Arc<egui::ColorImage>>) -> Result<String, String> {
    use image::codecs::gif::{GifEncoder, Repeat};
    let file = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    // Speed 30: the fastest colour quantizer, good enough for flat UI colours.
    let mut encoder = GifEncoder::new_with_speed(std::io::BufWriter::new(file), 30);
    encoder
        .set_repeat(Repeat::Infinite)
        .map_err(|e| e.to_string())?;
    let delay = image::Delay::from_numer_denom_ms(1_000, DemoFormat::Gif.fps());
    let mut count = 0;
    let mut size = None;
    for frame in frames {
        if frame.size.contains(&0) {
            continue;
        }
        // A window resized while recording (full screen entered): fitted to the first size.
        let frame = fitted(&frame, *size.get_or_insert(frame.size));
        let half = half_size(&frame);
        encoder
            .encode_frame(image::Frame::from_parts(half, 0, 0, delay))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        count += 1;
    }
    Ok(format!(
        "Wrote a GIF of {count} frames to {}",
        path.display()
    ))
}

/// `frame` at `size` (nearest pixels), or as it is when it has that size.
fn fitted(frame: &Arc<egui::ColorImage>, size: [usize; 2]) -> Arc<egui::ColorImage> {
    if frame.size == size {
        return Arc::clone(frame);
    }
    let [w, h] = frame.size;
    let pixels = (0..size[1])
        .flat_map(|y| {
            (0..size[0]).map(move |x| frame.pixels[(y * h / size[1]) * w + x * w / size[0]])
        })
        .collect();
    Arc::new(egui::ColorImage::new(size, pixels))
}

/// Every other pixel of every other row.
fn half_size(frame: &egui::ColorImage) -> image::RgbaImage {
    let [w, h] = frame.size;
    let (hw, hh) = ((w / 2).max(1), (h / 2).max(1));
    image::RgbaImage::from_fn(hw as u32, hh as u32, |x, y| {
        let p = frame.pixels[(y as usize * 2).min(h - 1) * w + (x as usize * 2).min(w - 1)];
        image::Rgba(p.to_array())
    })
}

fn write_mp4(path: &Path, frames: Receiver<Arc<egui::ColorImage>>) -> Result<String, String> {
    let fail = |e: ffmpeg::Error| format!("{}: {e}", path.display());
    kinescope_core::video::codec::camera::init();
    let mut frames = frames.into_iter().peekable();
    let Some(first) = frames.peek() else {
        return Err("no frame was recorded".into());
    };
    // H.264 in 4:2:0 wants even sizes, of two pixels at least.
    let (width, height) = (
        (first.size[0] & !1).max(2) as u32,
        (first.size[1] & !1).max(2) as u32,
    );
    let fps = DemoFormat::Mp4.fps() as i32;
    let mut output = ffmpeg::format::output(&path).map_err(fail)?;
    let codec = ffmpeg::encoder::find_by_name("libx264")
        .ok_or("FFmpeg has no libx264 encoder (install libavcodec with libx264)")?;
    let global_header = output
        .format()
        .flags()
        .contains(ffmpeg::format::Flags::GLOBAL_HEADER);
    let mut video = ffmpeg::codec::context::Context::new_with_codec(codec)
        .encoder()
        .video()
        .map_err(fail)?;
    video.set_width(width);
    video.set_height(height);
    video.set_format(Pixel::YUV420P);
    video.set_time_base(ffmpeg::Rational(1, fps));
    video.set_frame_rate(Some(ffmpeg::Rational(fps, 1)));
    // No B-frames: every frame's time is its decode time, and every player shows the first one.
    video.set_max_b_frames(0);
    if global_header {
        video.set_flags(ffmpeg::codec::Flags::GLOBAL_HEADER);
    }
    let mut options = ffmpeg::Dictionary::new();
    options.set("preset", "veryfast");
    options.set("crf", "23");
    let mut encoder = video.open_as_with(codec, options).map_err(fail)?;
    let index = {
        let mut stream = output.add_stream(codec).map_err(fail)?;
        stream.set_parameters(&encoder);
        stream.set_time_base(ffmpeg::Rational(1, fps));
        stream.index()
    };
    // Without an edit list: with one, players drop the last frame as outside it.
    let mut muxer_options = ffmpeg::Dictionary::new();
    muxer_options.set("use_editlist", "0");
    output.write_header_with(muxer_options).map_err(fail)?;
    let stream_base = output
        .stream(index)
        .map(|s| s.time_base())
        .unwrap_or(ffmpeg::Rational(1, fps));
    let mut scaler = scaling::Context::get(
        Pixel::RGBA,
        width,
        height,
        Pixel::YUV420P,
        width,
        height,
        scaling::Flags::BILINEAR,
    )
    .map_err(fail)?;
    let write_packets = |encoder: &mut ffmpeg::encoder::Video,
                         output: &mut ffmpeg::format::context::Output|
     -> Result<(), String> {
        let mut packet = ffmpeg::Packet::empty();
        while encoder.receive_packet(&mut packet).is_ok() {
            packet.set_stream(index);
            packet.rescale_ts(ffmpeg::Rational(1, fps), stream_base);
            packet.write_interleaved(output).map_err(fail)?;
        }
        Ok(())
    };
    let mut count = 0i64;
    let size = first.size;
    for frame in frames {
        if frame.size.contains(&0) {
            continue;
        }
        let frame = fitted(&frame, size);
        let mut rgba = ffmpeg::frame::Video::new(Pixel::RGBA, width, height);
        let stride = rgba.stride(0);
        let row = width as usize * 4;
        let data = rgba.data_mut(0);
        for y in 0..height as usize {
            let pixels = &frame.pixels[y * frame.size[0]..y * frame.size[0] + width as usize];
            let line = &mut data[y * stride..y * stride + row];
            for (out, pixel) in line.chunks_exact_mut(4).zip(pixels) {
                out.copy_from_slice(&pixel.to_array());
            }
        }
        let mut yuv = ffmpeg::frame::Video::empty();
        scaler.run(&rgba, &mut yuv).map_err(fail)?;
        yuv.set_pts(Some(count));
        count += 1;
        encoder.send_frame(&yuv).map_err(fail)?;
        write_packets(&mut encoder, &mut output)?;
    }
    encoder.send_eof().map_err(fail)?;
    write_packets(&mut encoder, &mut output)?;
    output.write_trailer().map_err(fail)?;
    Ok(format!(
        "Wrote an MP4 of {count} frames to {}",
        path.display()
    ))
}
