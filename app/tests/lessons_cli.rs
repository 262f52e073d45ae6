//! `kinescope lessons` as a teacher uses it: `check` runs every shipped lesson headless and every
//! number each teaches holds (exit 0); a lesson whose number the engine does not produce fails
//! with exit 1 and says which; an unknown lesson is exit 2; `list` names them all.

use std::process::{Command, Output};

fn kinescope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kinescope"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// A directory of this test's own, removed when dropped.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!("kinescope-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn every_shipped_lesson_runs_headless_and_every_number_it_teaches_holds() {
    let dir = TempDir::new("lessons-report");
    let report = dir.path().join("lessons.json");
    let out = kinescope(&["lessons", "check", "--report", report.to_str().unwrap()]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("15 lessons checked, 0 failed"), "{stdout}");
    let outcomes: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let outcomes = outcomes.as_array().unwrap();
    assert_eq!(outcomes.len(), 15);
    for lesson in outcomes {
        let steps = lesson["steps"].as_array().unwrap();
        assert!(
            steps.len() >= 3,
            "{}: at least three steps",
            lesson["lesson"]
        );
        let asked = steps
            .iter()
            .filter(|s| s["correct_choice"].is_string())
            .count();
        assert!(asked >= 2, "{}: at least two questions", lesson["lesson"]);
        for step in steps {
            let expects = step["expects"].as_array().unwrap();
            assert!(
                !expects.is_empty(),
                "{}: every step asserts a number",
                step["title"]
            );
            assert!(expects.iter().all(|e| e["ok"] == true), "{step}");
        }
    }
    let listed = text(&kinescope(&["lessons", "list"]).stdout);
    assert_eq!(listed.lines().count(), 15, "{listed}");
    assert!(listed.contains("hot-shards"), "{listed}");
}

#[test]
fn a_number_the_engine_does_not_produce_fails_the_check_by_name() {
    let dir = TempDir::new("lessons-wrong");
    let shipped = include_str!("../../assets/lessons/hot-shards.md");
    let wrong = shipped.replace(
        "expect: max(rate(/streams/0/shards/*/IncomingRecords)) = 1,000 ± 1%",
        "expect: max(rate(/streams/0/shards/*/IncomingRecords)) = 2,000 ± 1%",
    );
    assert_ne!(wrong, shipped);
    std::fs::write(dir.path().join("hot-shards.md"), wrong).unwrap();
    let out = kinescope(&["lessons", "check", "--dir", dir.path().to_str().unwrap()]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(
            "FAIL max(rate(/streams/0/shards/*/IncomingRecords)) = 2,000 ± 1%  (engine: 1000)"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("1 lessons checked, 1 failed"), "{stdout}");

    std::fs::write(dir.path().join("broken.md"), "no front matter").unwrap();
    let out = kinescope(&[
        "lessons",
        "check",
        "--dir",
        dir.path().to_str().unwrap(),
        "broken",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("FAIL broken — line 1: a lesson starts with its front matter")
    );

    let out = kinescope(&["lessons", "check", "no-such-lesson"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no lesson named [\"no-such-lesson\"]"));
}

#[test]
fn every_quiz_question_parses_claims_its_choices_and_shows_a_moment_its_scenario_reaches() {
    let out = kinescope(&["quiz", "check"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(!stdout.contains("FAIL"), "{stdout}");
    let total: usize = stdout
        .lines()
        .find_map(|l| l.strip_prefix("total"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(total >= 200, "{stdout}");
    for topic in [
        "Data Streams",
        "Firehose",
        "Video Streams",
        "Analytics",
        "Choosing a service",
    ] {
        assert!(
            stdout.contains(topic),
            "every service has questions: {stdout}"
        );
    }

    // A question marking two right choices without "(Choose two.)", a Show me past its scenario's
    // end: both named.
    let dir = TempDir::new("quiz-wrong");
    let wrong = "## bad-count
topic: Firehose
Which is right?
- [x] this
- [x] that
- [ ] not this
- [ ] nor this
> Only one may be.

## too-late
topic: Firehose
show: firehose-buffering at 99999
Which is right?
- [x] this
- [ ] that
- [ ] not this
- [ ] nor this
> Because.
";
    std::fs::write(dir.path().join("bad.md"), wrong).unwrap();
    let out = kinescope(&["quiz", "check", "--dir", dir.path().to_str().unwrap()]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("bad-count: 2 choices are marked [x], but the stem asks for 1"),
        "{stdout}"
    );
    let fixed = wrong.replace(
        "Which is right?\n- [x] this\n- [x] that",
        "Which are right? (Choose two.)\n- [x] this\n- [x] that",
    );
    std::fs::write(dir.path().join("bad.md"), fixed).unwrap();
    let out = kinescope(&["quiz", "check", "--dir", dir.path().to_str().unwrap()]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("too-late: show: firehose-buffering at 99999 is past the scenario's end"),
        "{stdout}"
    );
}
