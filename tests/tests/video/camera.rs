//! The simulated camera of scenarios: a fragment per fragment length of virtual time, gaps,
//! bitrate spikes and clock skew, and AWS's own errors for a bad video stream.

use kinescope_core::sim::scenario::Scenario;
use kinescope_core::sim::simulation::Simulation;

fn scenario(camera: &str) -> Result<Scenario, String> {
    let text = format!(
        r#"{{"name": "camera", "description": "", "duration_seconds": 60, "streams": [],
            "video_streams": [{{"StreamName": "cam", "DataRetentionInHours": 2}}],
            "cameras": [{camera}]}}"#
    );
    Scenario::from_json(&text).map_err(|e| e.to_string())
}

#[test]
fn spikes_make_bigger_fragments_and_skew_moves_producer_time() {
    let camera = r#"{"name": "c", "stream": "cam", "clock_skew_ms": 2500,
        "bitrate_spikes": [{"at_seconds": 10, "seconds": 10, "factor": 8}]}"#;
    let mut simulation = Simulation::new(scenario(camera).unwrap(), 3);
    simulation.step(30_000);
    let fragments = &simulation.world().video_streams()["cam"].archive.fragments;
    assert_eq!(fragments.len(), 15);
    for f in fragments {
        assert_eq!(
            f.producer_ms - f.server_ms,
            2_500 - 2_000,
            "skew, less the fragment's length"
        );
    }
    let quiet: u64 = fragments.iter().take(5).map(|f| f.size).sum();
    let spiked: u64 = fragments.iter().skip(5).take(5).map(|f| f.size).sum();
    assert!(spiked > 2 * quiet, "{spiked} vs {quiet}");
}

#[test]
fn a_stopped_camera_sends_nothing_until_resumed() {
    use kinescope_core::sim::scenario::TimelineAction;
    let mut simulation = Simulation::new(
        scenario(r#"{"name": "c", "stream": "cam", "stopped": true}"#).unwrap(),
        3,
    );
    simulation.step(10_000);
    assert!(
        simulation.world().video_streams()["cam"]
            .archive
            .fragments
            .is_empty()
    );
    simulation
        .act(&TimelineAction::Resume { name: "c".into() })
        .unwrap();
    simulation.step(10_000);
    assert_eq!(simulation.cameras()[0].fragments_sent, 5);
    // Saved as it runs now: switched on.
    assert!(!simulation.current_scenario().cameras[0].stopped);
}

#[test]
fn bad_cameras_and_video_streams_are_refused_when_the_scenario_loads() {
    let unknown = scenario(r#"{"name": "c", "stream": "nope"}"#).unwrap_err();
    assert!(
        unknown.contains("not declared in video_streams"),
        "{unknown}"
    );
    let odd = scenario(r#"{"name": "c", "stream": "cam", "width": 321}"#).unwrap_err();
    assert!(odd.contains("must be even"), "{odd}");
    let long = scenario(r#"{"name": "c", "stream": "cam", "fragment_seconds": 12}"#).unwrap_err();
    assert!(long.contains("fragment_seconds"), "{long}");
    let text = r#"{"name": "v", "description": "", "duration_seconds": 1, "streams": [],
        "video_streams": [{"StreamName": "bad name!"}]}"#;
    let refused = Scenario::from_json(text).unwrap_err().to_string();
    assert!(
        refused.starts_with("video_streams[\"bad name!\"]: InvalidArgumentException"),
        "{refused}"
    );
}
