//! Virtual time. The engine's only source of "now": milliseconds since the Unix epoch that move only
//! when the world is stepped. [`Driver`] turns wall time × speed into steps for interactive use.

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The virtual clock: epoch milliseconds, moved only by [`VirtualClock::advance_to`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VirtualClock {
    now_ms: i64,
}

impl VirtualClock {
    /// A clock reading `start_ms` epoch milliseconds.
    pub fn starting_at(start_ms: i64) -> Self {
        Self { now_ms: start_ms }
    }

    /// The current virtual time in epoch milliseconds.
    pub fn now_ms(&self) -> i64 {
        self.now_ms
    }

    /// Moves time forward; time never moves backwards.
    pub(crate) fn advance_to(&mut self, ms: i64) {
        self.now_ms = self.now_ms.max(ms);
    }
}

/// How fast virtual time runs relative to wall time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub enum Speed {
    /// Time stands still; every limit window and retention countdown is paused too.
    Paused,
    /// Virtual time runs `factor` times as fast as wall time (1, 10, 60, 3600, ...).
    Factor(f64),
    /// Run as fast as the machine allows, in steps of [`Driver::MAX_SPEED_STEP_MS`].
    #[default]
    AsFastAsPossible,
}

impl Speed {
    /// Real time.
    pub const REAL_TIME: Speed = Speed::Factor(1.0);

    /// Parses `paused`, `max`, or a factor such as `60` / `60x`.
    pub fn parse(text: &str) -> Option<Speed> {
        match text.trim().to_ascii_lowercase().as_str() {
            "paused" | "pause" | "0" => Some(Speed::Paused),
            "max" | "fast" | "asap" => Some(Speed::AsFastAsPossible),
            other => {
                let factor: f64 = other.trim_end_matches('x').parse().ok()?;
                (factor.is_finite() && factor > 0.0).then_some(Speed::Factor(factor))
            }
        }
    }
}

/// Maps elapsed wall time onto virtual-time steps at a chosen [`Speed`]. It never reads the wall
/// clock itself: the caller measures wall time and passes it in, so the mapping is testable.
#[derive(Debug, Clone, Default)]
pub struct Driver {
    speed: Speed,
    /// Virtual microseconds owed but not yet stepped (sub-millisecond remainders).
    carry_us: f64,
}

impl Driver {
    /// The virtual step taken per call when running as fast as possible.
    pub const MAX_SPEED_STEP_MS: u64 = 1_000;

    /// A driver at `speed`.
    pub fn new(speed: Speed) -> Self {
        Self {
            speed,
            carry_us: 0.0,
        }
    }

    /// The current speed.
    pub fn speed(&self) -> Speed {
        self.speed
    }

    /// Changes speed; a pending remainder is dropped so a pause takes effect at once.
    pub fn set_speed(&mut self, speed: Speed) {
        self.speed = speed;
        self.carry_us = 0.0;
    }

    /// Virtual milliseconds one wall second is worth at this speed (a step when running as fast
    /// as possible).
    pub fn virtual_ms_for_a_second(&self) -> u64 {
        match self.speed {
            Speed::Paused => 0,
            Speed::AsFastAsPossible => Self::MAX_SPEED_STEP_MS,
            Speed::Factor(factor) => (1_000.0 * factor).max(1.0) as u64,
        }
    }

    /// How many virtual milliseconds to step after `wall_elapsed` of wall time.
    pub fn virtual_ms_for(&mut self, wall_elapsed: Duration) -> u64 {
        match self.speed {
            Speed::Paused => 0,
            Speed::AsFastAsPossible => Self::MAX_SPEED_STEP_MS,
            Speed::Factor(factor) => {
                self.carry_us += wall_elapsed.as_secs_f64() * 1_000_000.0 * factor;
                let whole_ms = (self.carry_us / 1_000.0).floor();
                self.carry_us -= whole_ms * 1_000.0;
                whole_ms as u64
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_factor_60_when_one_wall_second_passes_should_step_one_virtual_minute() {
        let mut driver = Driver::new(Speed::Factor(60.0));
        assert_eq!(driver.virtual_ms_for(Duration::from_secs(1)), 60_000);
    }

    #[test]
    fn given_real_time_when_frames_are_sub_millisecond_should_carry_the_remainder() {
        let mut driver = Driver::new(Speed::REAL_TIME);
        let steps: u64 = (0..10)
            .map(|_| driver.virtual_ms_for(Duration::from_micros(400)))
            .sum();
        assert_eq!(steps, 4);
    }

    #[test]
    fn given_paused_should_not_move() {
        let mut driver = Driver::new(Speed::Paused);
        assert_eq!(driver.virtual_ms_for(Duration::from_secs(100)), 0);
    }

    #[test]
    fn speed_parses_user_text() {
        assert_eq!(Speed::parse("3600x"), Some(Speed::Factor(3600.0)));
        assert_eq!(Speed::parse("max"), Some(Speed::AsFastAsPossible));
        assert_eq!(Speed::parse("paused"), Some(Speed::Paused));
        assert_eq!(Speed::parse("-1"), None);
        assert_eq!(Speed::parse("fast-ish"), None);
    }
}
