//! PutRecord and PutRecordBatch (B.2): sizes, counts, the Direct PUT quota and per-entry failures.

use super::*;

#[test]
fn records_and_batches_are_held_to_aws_sizes() {
    let mut world = world();
    active_hose(&mut world, s3(128, 900));
    world.apply(put(&vec![0u8; 1_024_000])).unwrap();
    let too_big = world.apply(put(&vec![0u8; 1_024_001])).unwrap_err();
    assert_eq!(
        too_big.to_string(),
        "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1024001 cap=1024001]' at 'record.data' failed to satisfy constraint: Member must have length less than or equal to 1024000"
    );
    let too_many = world.apply(batch(501, 1)).unwrap_err();
    assert_eq!(too_many.code(), "ValidationException");
    assert!(too_many.to_string().contains(
        "'records' failed to satisfy constraint: Member must have length less than or equal to 500"
    ));
    let over_4_mib = world.apply(batch(5, 900_000)).unwrap_err();
    assert_eq!(over_4_mib.code(), "InvalidArgumentException");
    let out = world.apply(batch(500, 8_000)).unwrap();
    assert_eq!(out.failed_put_count, 0);
    assert_eq!(out.request_responses.len(), 500);
    assert!(out.request_responses.iter().all(|r| r.record_id.is_some()));
}

#[test]
fn the_byte_quota_fails_entries_and_the_request_quota_fails_calls() {
    let mut world = world();
    active_hose(&mut world, s3(128, 900));
    // 5 MiB/s in us-east-1: the sixth batch of 1,000,000 bytes fits only partly.
    let mut failed = 0;
    for _ in 0..6 {
        let out = world.apply(batch(100, 10_000)).unwrap();
        failed += out.failed_put_count;
        for entry in out
            .request_responses
            .iter()
            .filter(|r| r.error_code.is_some())
        {
            assert_eq!(
                entry.error_code.as_deref(),
                Some("ServiceUnavailableException")
            );
            assert_eq!(entry.error_message.as_deref(), Some("Slow down."));
        }
    }
    assert_eq!(failed, 600 - 524);
    assert_eq!(world.delivery_stream(HOSE).unwrap().counters.throttled, 76);
    world.step(1_000);
    // 2,000 requests/s: the 2,001st call in one second is refused whole.
    for _ in 0..2_000 {
        world.apply(put(b"r")).unwrap();
    }
    let refused = world.apply(put(b"r")).unwrap_err();
    assert_eq!(refused.code(), "ServiceUnavailableException");
    assert_eq!(refused.to_string(), "Slow down.");
    world.step(1_000);
    world.apply(put(b"r")).unwrap();
}

#[test]
fn a_region_with_the_smaller_quota_takes_one_mib_a_second() {
    let mut world = World::new(Settings::for_region("ap-south-1"), 7);
    active_hose(&mut world, s3(128, 900));
    let out = world.apply(batch(200, 10_000)).unwrap();
    assert_eq!(out.failed_put_count, 200 - 104);
}

#[test]
fn unthrottled_worlds_lift_the_direct_put_quota_too() {
    let settings = Settings {
        default_throttle: kinescope_core::streams::capacity::ThrottleMode::Unthrottled,
        ..Settings::default()
    };
    let mut world = World::new(settings, 7);
    active_hose(&mut world, s3(128, 900));
    for _ in 0..2_500 {
        world.apply(put(b"r")).unwrap();
    }
    assert_eq!(
        world.apply(batch(500, 20_000)).unwrap_err().code(),
        "InvalidArgumentException"
    );
    // 8 MB in one second: over 5 MiB/s, refused only with the quota on.
    for _ in 0..2 {
        let out = world.apply(batch(200, 20_000)).unwrap();
        assert_eq!(out.failed_put_count, 0);
    }
}
