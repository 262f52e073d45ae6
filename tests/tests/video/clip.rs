//! GetClip (C.5): the fragments starting within the range as one MP4, read back by ffprobe.

use super::*;
use kinescope_core::time::Timestamp;
use kinescope_core::video::ops::clip::GetClipInput;
use kinescope_core::video::ops::fragments::{FragmentSelector, TimestampRange};

fn clip(world: &mut World, from_ms: i64, to_ms: i64) -> Result<Vec<u8>, String> {
    world
        .apply(GetClipInput {
            stream_name: Some(CAMERA.into()),
            clip_fragment_selector: Some(FragmentSelector {
                fragment_selector_type: Some("PRODUCER_TIMESTAMP".into()),
                timestamp_range: Some(TimestampRange {
                    start_timestamp: Some(Timestamp(START_MS + from_ms)),
                    end_timestamp: Some(Timestamp(START_MS + to_ms)),
                }),
            }),
            ..GetClipInput::default()
        })
        .map(|c| c.mp4)
        .map_err(|e| format!("{}: {}", e.code(), e.message()))
}

#[test]
fn a_clip_is_an_mp4_of_the_fragments_starting_in_the_range() {
    let mut world = world();
    recorded_camera(&mut world, 24, 6);
    let whole = clip(&mut world, 0, 6_000).unwrap();
    assert_eq!(&whole[4..8], b"ftyp");
    assert_eq!(probe(&whole, "mp4"), "h264,320,180,90");
    // The fragment starting before the range is left out.
    let later = clip(&mut world, 1_000, 6_000).unwrap();
    assert_eq!(probe(&later, "mp4"), "h264,320,180,60");
    let empty = clip(&mut world, 10_000, 20_000).unwrap_err();
    assert!(empty.starts_with("ResourceNotFoundException"), "{empty}");
    let long = clip(&mut world, 0, 25 * 3_600_000).unwrap_err();
    assert!(long.starts_with("InvalidArgumentException"), "{long}");
}
