//! How many records a simulated producer sends per second over virtual time: constant, step, ramp,
//! sine or bursty schedules, with seeded jitter, turned into whole records per tick without drift.

use rand::Rng;
use serde::{Deserialize, Serialize};

/// A records-per-second schedule, as a function of virtual time since the producer started.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum RateSchedule {
    /// The same rate throughout.
    Constant { per_second: f64 },
    /// `before` until `at_ms`, then `after`.
    Step { before: f64, after: f64, at_ms: i64 },
    /// From `from` to `to`, linearly over `over_ms`, then `to`.
    Ramp { from: f64, to: f64, over_ms: i64 },
    /// `mean` ± `amplitude`, one full wave every `period_ms`.
    Sine {
        mean: f64,
        amplitude: f64,
        period_ms: i64,
    },
    /// `base`, and `burst` for `burst_ms` at the start of every `every_ms`.
    Bursty {
        base: f64,
        burst: f64,
        every_ms: i64,
        burst_ms: i64,
    },
}

/// The highest rate a scenario may ask for, records per second.
pub const MAX_RATE: f64 = 1_000_000.0;

impl RateSchedule {
    /// Records per second at `elapsed_ms` since the start (never negative).
    pub fn rate_at(&self, elapsed_ms: i64) -> f64 {
        let rate = match *self {
            RateSchedule::Constant { per_second } => per_second,
            RateSchedule::Step {
                before,
                after,
                at_ms,
            } => {
                if elapsed_ms < at_ms {
                    before
                } else {
                    after
                }
            }
            RateSchedule::Ramp { from, to, over_ms } => {
                let progress = if over_ms <= 0 {
                    1.0
                } else {
                    (elapsed_ms as f64 / over_ms as f64).clamp(0.0, 1.0)
                };
                from + (to - from) * progress
            }
            RateSchedule::Sine {
                mean,
                amplitude,
                period_ms,
            } => {
                let phase = if period_ms <= 0 {
                    0.0
                } else {
                    elapsed_ms as f64 / period_ms as f64
                };
                mean + amplitude * (phase * std::f64::consts::TAU).sin()
            }
            RateSchedule::Bursty {
                base,
                burst,
                every_ms,
                burst_ms,
            } => {
                let in_burst = every_ms > 0 && elapsed_ms.rem_euclid(every_ms) < burst_ms;
                if in_burst { burst } else { base }
            }
        };
        rate.max(0.0)
    }

    /// Checks the values a scenario gave; the error names the field, the value and the allowed range.
    pub fn validate(&self) -> Result<(), String> {
        // A million records a second is 1,000 shards' worth, and keeps a tick's work bounded.
        let non_negative = |name: &str, v: f64| {
            if !(v.is_finite() && v >= 0.0) {
                Err(format!("{name} = {v} must be a number ≥ 0"))
            } else if v > MAX_RATE {
                Err(format!("{name} = {v} must be at most {MAX_RATE} records/s"))
            } else {
                Ok(())
            }
        };
        let positive_ms = |name: &str, v: i64| {
            if v > 0 {
                Ok(())
            } else {
                Err(format!("{name} = {v} must be > 0"))
            }
        };
        match *self {
            RateSchedule::Constant { per_second } => non_negative("per_second", per_second),
            RateSchedule::Step {
                before,
                after,
                at_ms,
            } => {
                non_negative("before", before)?;
                non_negative("after", after)?;
                if at_ms < 0 {
                    Err(format!("at_ms = {at_ms} must be ≥ 0"))
                } else {
                    Ok(())
                }
            }
            RateSchedule::Ramp { from, to, over_ms } => {
                non_negative("from", from)?;
                non_negative("to", to)?;
                positive_ms("over_ms", over_ms)
            }
            RateSchedule::Sine {
                mean,
                amplitude,
                period_ms,
            } => {
                non_negative("mean", mean)?;
                non_negative("amplitude", amplitude)?;
                positive_ms("period_ms", period_ms)
            }
            RateSchedule::Bursty {
                base,
                burst,
                every_ms,
                burst_ms,
            } => {
                non_negative("base", base)?;
                non_negative("burst", burst)?;
                positive_ms("every_ms", every_ms)?;
                if (0..=every_ms).contains(&burst_ms) {
                    Ok(())
                } else {
                    Err(format!(
                        "burst_ms = {burst_ms} must be between 0 and every_ms ({every_ms})"
                    ))
                }
            }
        }
    }
}

/// Turns a rate into whole records per tick, carrying fractions so nothing drifts, with optional
/// multiplicative jitter (e.g. 0.1 = ±10%) drawn from the caller's seeded generator.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RateAccumulator {
    carry: f64,
}

impl RateAccumulator {
    /// Records due in a tick of `dt_ms` at `rate` records/s.
    pub fn due(&mut self, rate: f64, dt_ms: i64, jitter: f64, rng: &mut impl Rng) -> u64 {
        let factor = if jitter > 0.0 {
            1.0 + rng.random_range(-jitter..=jitter)
        } else {
            1.0
        };
        self.carry += (rate * factor).max(0.0) * dt_ms.max(0) as f64 / 1_000.0;
        let whole = self.carry.floor();
        self.carry -= whole;
        whole as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn schedules_give_the_rate_of_each_moment() {
        assert_eq!(RateSchedule::Constant { per_second: 5.0 }.rate_at(123), 5.0);
        let step = RateSchedule::Step {
            before: 1.0,
            after: 9.0,
            at_ms: 1_000,
        };
        assert_eq!((step.rate_at(999), step.rate_at(1_000)), (1.0, 9.0));
        let ramp = RateSchedule::Ramp {
            from: 0.0,
            to: 100.0,
            over_ms: 10_000,
        };
        assert_eq!((ramp.rate_at(5_000), ramp.rate_at(60_000)), (50.0, 100.0));
        let sine = RateSchedule::Sine {
            mean: 100.0,
            amplitude: 50.0,
            period_ms: 4_000,
        };
        assert!((sine.rate_at(1_000) - 150.0).abs() < 1e-9);
        assert!((sine.rate_at(3_000) - 50.0).abs() < 1e-9);
        let bursty = RateSchedule::Bursty {
            base: 10.0,
            burst: 1_000.0,
            every_ms: 10_000,
            burst_ms: 1_000,
        };
        assert_eq!(
            (
                bursty.rate_at(500),
                bursty.rate_at(1_500),
                bursty.rate_at(10_200)
            ),
            (1_000.0, 10.0, 1_000.0)
        );
    }

    #[test]
    fn fractions_carry_so_a_second_of_small_ticks_sends_exactly_the_rate() {
        let mut acc = RateAccumulator::default();
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let sent: u64 = (0..100).map(|_| acc.due(333.0, 10, 0.0, &mut rng)).sum();
        assert_eq!(sent, 333);
    }

    #[test]
    fn jitter_varies_ticks_but_keeps_the_mean_and_is_reproducible() {
        let run = |seed| {
            let mut acc = RateAccumulator::default();
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            (0..1_000)
                .map(|_| acc.due(1_000.0, 100, 0.2, &mut rng))
                .collect::<Vec<_>>()
        };
        let a = run(5);
        assert_eq!(a, run(5));
        let total: u64 = a.iter().sum();
        assert!((95_000..105_000).contains(&total), "{total}");
        assert!(a.iter().any(|&n| n != 100));
    }

    #[test]
    fn bad_values_name_the_field_and_the_range() {
        let bad = RateSchedule::Bursty {
            base: 1.0,
            burst: 2.0,
            every_ms: 100,
            burst_ms: 500,
        };
        assert_eq!(
            bad.validate().unwrap_err(),
            "burst_ms = 500 must be between 0 and every_ms (100)"
        );
        assert!(
            RateSchedule::Constant { per_second: -1.0 }
                .validate()
                .is_err()
        );
        let parsed: RateSchedule =
            serde_json::from_str(r#"{"kind":"ramp","from":0,"to":10,"over_ms":1000}"#).unwrap();
        assert_eq!(parsed.rate_at(500), 5.0);
        assert!(
            serde_json::from_str::<RateSchedule>(r#"{"kind":"constant","per_second":1,"oops":2}"#)
                .is_err()
        );
    }
}
