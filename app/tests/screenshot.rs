//! The real binary under Xvfb with Mesa's software OpenGL: `--screenshot` must write a real
//! picture of the window. `make test` installs xvfb and sets KINESCOPE_REQUIRE_XVFB=1 so this
//! cannot be skipped there; elsewhere a missing xvfb-run skips it with a note.

use std::process::Command;

#[test]
fn screenshot_writes_a_picture_of_the_window() {
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
