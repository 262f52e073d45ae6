//! A stored fragment (reference C.3, C.5): one Matroska Cluster with its frames, the fragment
//! number AWS's way (a 47-digit decimal that only grows), producer and server timestamps,
//! duration and size; and the archive of a stream, ordered by arrival so a time is found by
//! binary search, trimmed by retention on the clock.

use super::mkv::reader::{Frame, TrackHeader};
use std::collections::VecDeque;
use std::sync::Arc;

/// How long fragments of a stream without retention stay readable (the host buffer, C.2).
pub const HOST_BUFFER_MS: i64 = 5 * 60 * 1_000;

/// One fragment.
#[derive(Debug, Clone, PartialEq)]
pub struct Fragment {
    /// 47 decimal digits, fixed width, so text order is number order.
    pub number: String,
    pub producer_ms: i64,
    pub server_ms: i64,
    pub duration_ms: i64,
    pub size: u64,
    /// The tracks its document declared.
    pub header: Arc<TrackHeader>,
    /// Its frames, at producer time (epoch milliseconds).
    pub frames: Vec<Frame>,
    /// Stored (retention > 0), not only buffered.
    pub persisted: bool,
}

impl Fragment {
    /// When it stops being readable: retention after its arrival, or the host buffer's 5 minutes.
    pub fn expires_ms(&self, retention_hours: i64) -> i64 {
        match self.persisted {
            true => self.server_ms + retention_hours * 3_600_000,
            false => self.server_ms + HOST_BUFFER_MS,
        }
    }
}

/// A fragment number for the `seq`-th fragment a world took, at server time `server_ms`.
pub fn fragment_number(server_ms: i64, seq: u64) -> String {
    let value = u128::from(server_ms.max(0) as u64) * 1_000_000 + u128::from(seq % 1_000_000);
    format!("91343852333{value:036}")
}

/// A stream's fragments, oldest first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Archive {
    pub fragments: VecDeque<Fragment>,
}

impl Archive {
    /// The first fragment that arrived at or after `server_ms`.
    pub fn first_at_or_after(&self, server_ms: i64) -> usize {
        self.fragments.partition_point(|f| f.server_ms < server_ms)
    }

    /// The fragment with `number`, if kept.
    pub fn find(&self, number: &str) -> Option<&Fragment> {
        let at = self
            .fragments
            .partition_point(|f| f.number.as_str() < number);
        self.fragments.get(at).filter(|f| f.number == number)
    }

    /// Drops what expired by `now`; how many went.
    pub fn trim(&mut self, now: i64, retention_hours: i64) -> usize {
        let before = self.fragments.len();
        while self
            .fragments
            .front()
            .is_some_and(|f| f.expires_ms(retention_hours) <= now)
        {
            self.fragments.pop_front();
        }
        before - self.fragments.len()
    }

    /// When the oldest fragment expires.
    pub fn next_expiry(&self, retention_hours: i64) -> Option<i64> {
        self.fragments
            .front()
            .map(|f| f.expires_ms(retention_hours))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragment_numbers_are_47_digits_in_arrival_order() {
        let a = fragment_number(1_767_225_600_000, 1);
        let b = fragment_number(1_767_225_600_000, 2);
        let c = fragment_number(1_767_225_600_001, 0);
        assert_eq!(a.len(), 47);
        assert!(a.bytes().all(|b| b.is_ascii_digit()));
        assert!(a < b && b < c);
    }
}
