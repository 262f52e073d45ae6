//! Demo files as players read them: a GIF and an MP4 written from frames, read back by the
//! `image` crate and by ffprobe (frames, size, codec); wrong paths and lengths refused.

use super::Recorder;
use super::writer::{DemoFormat, DemoWriter};
use std::path::PathBuf;
use std::sync::Arc;

/// A frame of `width`×`height`, one colour changing with `n`.
fn frame(n: u8, width: usize, height: usize) -> Arc<egui::ColorImage> {
    let pixels = vec![egui::Color32::from_rgb(n.wrapping_mul(40), 90, 200); width * height];
    Arc::new(egui::ColorImage::new([width, height], pixels))
}

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("kinescope-{}-{name}", std::process::id()))
}

fn ffprobe(path: &std::path::Path) -> Option<String> {
    let out = std::process::Command::new("ffprobe")
        .args(["-v", "error", "-count_frames", "-show_entries"])
        .arg("stream=codec_name,width,height,nb_read_frames")
        .args(["-of", "compact=p=0:nk=0"])
        .arg(path)
        .output()
        .ok()?;
    Some(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

#[test]
fn a_gif_and_an_mp4_are_written_as_frames_arrive() {
    let gif = temp("demo.gif");
    let writer = DemoWriter::start(gif.clone()).unwrap();
    for n in 0..12 {
        writer.push(frame(n, 320, 200));
    }
    writer.push(frame(0, 100, 100)); // a resized window's frame: fitted to the first size
    writer.push(frame(0, 0, 0)); // an empty picture: left out
    assert_eq!(
        writer.finish(),
        Ok(format!("Wrote a GIF of 13 frames to {}", gif.display()))
    );
    let file = std::io::BufReader::new(std::fs::File::open(&gif).unwrap());
    let decoder = image::codecs::gif::GifDecoder::new(file).unwrap();
    let frames = image::AnimationDecoder::into_frames(decoder)
        .collect_frames()
        .unwrap();
    assert_eq!(frames.len(), 13);
    assert_eq!(frames[0].buffer().dimensions(), (160, 100), "half size");
    assert_eq!(frames[12].buffer().dimensions(), (160, 100));

    let mp4 = temp("demo.mp4");
    let writer = DemoWriter::start(mp4.clone()).unwrap();
    for n in 0..25 {
        writer.push(frame(n, 321, 201)); // odd sizes: cut to even for H.264
    }
    assert!(writer.finish().unwrap().contains("MP4 of 25 frames"));
    if let Some(probe) = ffprobe(&mp4) {
        assert_eq!(
            probe,
            "codec_name=h264|width=320|height=200|nb_read_frames=25"
        );
    }
    let _ = std::fs::remove_file(gif);
    let _ = std::fs::remove_file(mp4);
}

#[test]
fn a_demo_needs_a_gif_or_mp4_path_and_a_sensible_length() {
    assert_eq!(
        DemoFormat::of(std::path::Path::new("demo.avi")),
        Err("demo.avi: a demo is a .gif or an .mp4".into())
    );
    let mut recorder = Recorder::default();
    let error = recorder.start(temp("x.gif"), 0.0, false).unwrap_err();
    assert!(error.contains("give 0.1 to 600 seconds"), "{error}");
    assert!(recorder.start(temp("x.webm"), 5.0, false).is_err());
    assert!(recorder.recording.is_none());
}
