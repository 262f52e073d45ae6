//! The real binary under Xvfb with Mesa's software OpenGL: `--screenshot` must write a real
//! picture of the window, and `--record` a real animated GIF of it (a lesson in presenter's
//! mode). `make test` installs xvfb and sets KINESCOPE_REQUIRE_XVFB=1 so this
//! cannot be skipped there; elsewhere a missing xvfb-run skips it with a note.

use std::process::Command;

/// Whether xvfb-run is here (it must be under `make test`).
fn has_xvfb() -> bool {
    let has_xvfb = Command::new("sh")
        .args(["-c", "command -v xvfb-run"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_xvfb {
        assert!(
            std::env::var_os("KINESCOPE_REQUIRE_XVFB").is_none(),
            "xvfb-run is missing: make test installs it (apt-get install xvfb)"
        );
        eprintln!("skipped: xvfb-run is not installed");
    }
    has_xvfb
}

#[test]
fn a_lesson_presented_is_recorded_as_an_animated_gif() {
    if !has_xvfb() {
        return;
    }
    let path = std::env::temp_dir().join(format!("kinescope-demo-{}.gif", std::process::id()));
    let out = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1920x1200x24"])
        .arg(env!("CARGO_BIN_EXE_kinescope"))
        .args(["--no-api", "--present", "--lesson", "hot-shards"])
        .args(["--record-seconds", "2", "--record"])
        .arg(&path)
        .env("LIBGL_ALWAYS_SOFTWARE", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // Ten frames a second for two seconds, and the first: the recording keeps time.
    assert!(stderr.contains("Wrote a GIF of 21 frames"), "{stderr}");
    let file = std::io::BufReader::new(std::fs::File::open(&path).unwrap());
    let decoder = image::codecs::gif::GifDecoder::new(file).unwrap();
    let frames = image::AnimationDecoder::into_frames(decoder)
        .collect_frames()
        .unwrap();
    assert_eq!(frames.len(), 21);
    assert_eq!(
        frames[0].buffer().dimensions(),
        (800, 500),
        "half the window"
    );
    let mut colours: Vec<[u8; 4]> = frames[20].buffer().pixels().map(|p| p.0).collect();
    colours.sort_unstable();
    colours.dedup();
    assert!(
        colours.len() > 8,
        "a picture of the window ({} colours)",
        colours.len()
    );
    std::fs::remove_file(&path).ok();
}

#[test]
fn screenshot_writes_a_picture_of_the_window() {
    if !has_xvfb() {
        return;
    }
    let path = std::env::temp_dir().join(format!("kinescope-shot-{}.png", std::process::id()));
    let out = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1920x1200x24"])
        .arg(env!("CARGO_BIN_EXE_kinescope"))
        .args(["--after", "15", "--screenshot"])
        .arg(&path)
        .env("LIBGL_ALWAYS_SOFTWARE", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let image = image::open(&path).unwrap().to_rgba8();
    assert_eq!(image.dimensions(), (1600, 1000));
    let mut colours: Vec<[u8; 4]> = image.pixels().map(|p| p.0).collect();
    colours.sort_unstable();
    colours.dedup();
    assert!(
        colours.len() > 50,
        "a real picture, not a blank window ({} colours)",
        colours.len()
    );
    let lane_fill = image
        .pixels()
        .filter(|p| p.0[..3] == [70, 130, 180])
        .count();
    assert!(
        lane_fill > 1_000,
        "the stream map's shard lanes are drawn ({lane_fill} px)"
    );
    std::fs::remove_file(&path).ok();
}
