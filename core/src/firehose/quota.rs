//! The Direct PUT quota of a delivery stream (reference B.2): records, requests and bytes per
//! second, PutRecord and PutRecordBatch combined, as one-second sliding windows.

use crate::streams::capacity::SlidingWindow;

/// The regions with the larger default quota.
const LARGE_QUOTA_REGIONS: [&str; 3] = ["us-east-1", "us-west-2", "eu-west-1"];

/// Per-second limits of one delivery stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PutLimits {
    pub records: u64,
    pub requests: u64,
    pub bytes: u64,
}

impl PutLimits {
    /// AWS's default quota in `region`.
    pub fn for_region(region: &str) -> Self {
        if LARGE_QUOTA_REGIONS.contains(&region) {
            Self {
                records: 500_000,
                requests: 2_000,
                bytes: 5 * 1024 * 1024,
            }
        } else {
            Self {
                records: 100_000,
                requests: 1_000,
                bytes: 1024 * 1024,
            }
        }
    }
}

/// What a delivery stream has taken in over the last second.
#[derive(Debug, Clone, PartialEq)]
pub struct PutQuota {
    pub limits: PutLimits,
    records: SlidingWindow,
    requests: SlidingWindow,
    bytes: SlidingWindow,
}

impl PutQuota {
    /// A quota with `limits`, nothing taken yet.
    pub fn new(limits: PutLimits) -> Self {
        Self {
            limits,
            records: SlidingWindow::new(limits.records),
            requests: SlidingWindow::new(limits.requests),
            bytes: SlidingWindow::new(limits.bytes),
        }
    }

    /// Admits one request, or refuses it when the request rate is used up.
    pub fn admit_request(&mut self, now_ms: i64) -> bool {
        if !self.requests.has_room_for(1, now_ms) {
            return false;
        }
        self.requests.spend(1, now_ms);
        true
    }

    /// Admits one record of `bytes`, or refuses it when records or bytes are used up.
    pub fn admit_record(&mut self, bytes: u64, now_ms: i64) -> bool {
        if !self.records.has_room_for(1, now_ms) || !self.bytes.has_room_for(bytes, now_ms) {
            return false;
        }
        self.records.spend(1, now_ms);
        self.bytes.spend(bytes, now_ms);
        true
    }
}
