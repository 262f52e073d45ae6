//! Record sizes a simulated producer draws: fixed, uniform or normal (clamped to 1 byte..1 MiB).

use rand::Rng;
use rand_distr::{Distribution, Normal};
use serde::{Deserialize, Serialize};

/// Largest record a producer makes by default (the classic 1 MiB limit).
pub const MAX_RECORD_BYTES: u64 = 1_048_576;

/// A distribution of data sizes in bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum SizeDistribution {
    /// Always `bytes`.
    Fixed { bytes: u64 },
    /// Uniform in `min..=max`.
    Uniform { min: u64, max: u64 },
    /// Normal with `mean` and `std_dev`, clamped to 1..=1 MiB.
    Normal { mean: f64, std_dev: f64 },
}

impl SizeDistribution {
    /// Draws one size.
    pub fn sample(&self, rng: &mut impl Rng) -> u64 {
        match *self {
            SizeDistribution::Fixed { bytes } => bytes,
            SizeDistribution::Uniform { min, max } => rng.random_range(min..=max.max(min)),
            SizeDistribution::Normal { mean, std_dev } => {
                let value = Normal::new(mean, std_dev.max(0.0)).map_or(mean, |n| n.sample(rng));
                value.round().clamp(1.0, MAX_RECORD_BYTES as f64) as u64
            }
        }
    }

    /// Checks the values a scenario gave.
    pub fn validate(&self) -> Result<(), String> {
        let in_range = |name: &str, v: u64| {
            if (1..=MAX_RECORD_BYTES).contains(&v) {
                Ok(())
            } else {
                Err(format!(
                    "{name} = {v} must be between 1 and {MAX_RECORD_BYTES}"
                ))
            }
        };
        match *self {
            SizeDistribution::Fixed { bytes } => in_range("bytes", bytes),
            SizeDistribution::Uniform { min, max } => {
                in_range("min", min)?;
                in_range("max", max)?;
                if min <= max {
                    Ok(())
                } else {
                    Err(format!("min = {min} must not exceed max = {max}"))
                }
            }
            SizeDistribution::Normal { mean, std_dev } => {
                if !(1.0..=MAX_RECORD_BYTES as f64).contains(&mean) {
                    return Err(format!(
                        "mean = {mean} must be between 1 and {MAX_RECORD_BYTES}"
                    ));
                }
                if std_dev.is_finite() && std_dev >= 0.0 {
                    Ok(())
                } else {
                    Err(format!("std_dev = {std_dev} must be ≥ 0"))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn sizes_follow_their_distribution() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        assert_eq!(SizeDistribution::Fixed { bytes: 100 }.sample(&mut rng), 100);
        let uniform = SizeDistribution::Uniform { min: 10, max: 20 };
        assert!((0..1_000).all(|_| (10..=20).contains(&uniform.sample(&mut rng))));
        let normal = SizeDistribution::Normal {
            mean: 500.0,
            std_dev: 50.0,
        };
        let mean = (0..10_000)
            .map(|_| normal.sample(&mut rng) as f64)
            .sum::<f64>()
            / 10_000.0;
        assert!((490.0..510.0).contains(&mean), "{mean}");
    }

    #[test]
    fn bad_sizes_are_explained() {
        assert_eq!(
            SizeDistribution::Fixed { bytes: 0 }.validate().unwrap_err(),
            "bytes = 0 must be between 1 and 1048576"
        );
        assert!(
            SizeDistribution::Uniform { min: 5, max: 1 }
                .validate()
                .is_err()
        );
    }
}
