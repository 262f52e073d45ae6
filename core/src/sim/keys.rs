//! Partition keys a simulated producer uses: uniform over N keys, Zipf(s), one hot key taking a share
//! of traffic, random UUIDs, or explicit hash keys (spread evenly, or pinned to one point so every
//! record hits one shard).

use crate::streams::hashkey::{ExplicitHashKey, hash_partition_key};
use crate::streams::shared_str::SharedStr;
use rand::Rng;
use rand_distr::{Distribution, Zipf};
use serde::{Deserialize, Serialize};

/// How records are keyed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum KeyDistribution {
    /// Uniform over `keys` distinct keys.
    Uniform { keys: u64 },
    /// Zipf over `keys` keys with exponent `s` (a few keys get most of the traffic).
    Zipf { keys: u64, s: f64 },
    /// One key takes `hot_percent` % of records; the rest spread uniformly over `keys` keys.
    HotKey { keys: u64, hot_percent: f64 },
    /// A fresh random UUID per record.
    RandomUuid,
    /// Random explicit hash keys over the whole space (the partition key is then a label).
    ExplicitHashKeys,
    /// Every record carries this explicit hash key (decimal), so it lands in one shard.
    Pinned { explicit_hash_key: ExplicitHashKey },
}

/// A key chosen for one record.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChosenKey {
    /// The partition key.
    pub partition_key: SharedStr,
    /// The explicit hash key, if the distribution sets one.
    pub explicit_hash_key: Option<ExplicitHashKey>,
}

impl ChosenKey {
    /// The hash key that routes the record: the explicit one, or the MD5 of the partition key.
    pub fn hash_key(&self) -> u128 {
        self.explicit_hash_key
            .as_ref()
            .and_then(ExplicitHashKey::value)
            .unwrap_or_else(|| hash_partition_key(&self.partition_key))
    }

    /// A partition key written in `scratch` first, so it is allocated once, at its size.
    fn plain(scratch: &mut Vec<u8>, text: std::fmt::Arguments<'_>) -> Self {
        use std::io::Write;
        scratch.clear();
        // Writing into a Vec cannot fail.
        let _ = scratch.write_fmt(text);
        Self {
            partition_key: std::str::from_utf8(scratch)
                .map_or_else(|_| SharedStr::default(), SharedStr::from),
            explicit_hash_key: None,
        }
    }
}

impl KeyDistribution {
    /// Draws the key of one record (`scratch` is room to write it in).
    pub fn sample(&self, rng: &mut impl Rng, scratch: &mut Vec<u8>) -> ChosenKey {
        match self {
            KeyDistribution::Uniform { keys } => ChosenKey::plain(
                scratch,
                format_args!("key-{}", rng.random_range(0..(*keys).max(1))),
            ),
            KeyDistribution::Zipf { keys, s } => {
                let rank = Zipf::new((*keys).max(1) as f64, *s).map_or(1.0, |z| z.sample(rng));
                ChosenKey::plain(scratch, format_args!("key-{}", rank as u64 - 1))
            }
            KeyDistribution::HotKey { keys, hot_percent } => {
                if rng.random_range(0.0..100.0) < *hot_percent {
                    ChosenKey {
                        partition_key: SharedStr::from_static("hot-key"),
                        explicit_hash_key: None,
                    }
                } else {
                    let key = rng.random_range(0..(*keys).max(1));
                    ChosenKey::plain(scratch, format_args!("key-{key}"))
                }
            }
            KeyDistribution::RandomUuid => {
                // 32 random hex digits as 8-4-4-4-12, the version digit (the 13th) set to 4.
                let bits: u128 = rng.random();
                ChosenKey::plain(
                    scratch,
                    format_args!(
                        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
                        bits >> 96,
                        (bits >> 80) & 0xffff,
                        (bits >> 64) & 0xfff,
                        (bits >> 48) & 0xffff,
                        bits & 0xffff_ffff_ffff
                    ),
                )
            }
            KeyDistribution::ExplicitHashKeys => ChosenKey {
                partition_key: SharedStr::from_static("explicit"),
                // Uniform over [0, 2^128 − 1]; written as text only if a request is serialized.
                explicit_hash_key: Some(ExplicitHashKey::from(rng.random::<u128>())),
            },
            KeyDistribution::Pinned { explicit_hash_key } => ChosenKey {
                partition_key: SharedStr::from_static("pinned"),
                explicit_hash_key: Some(explicit_hash_key.clone()),
            },
        }
    }

    /// Checks the values a scenario gave.
    pub fn validate(&self) -> Result<(), String> {
        let keys_ok = |keys: u64| {
            if keys >= 1 {
                Ok(())
            } else {
                Err(format!("keys = {keys} must be ≥ 1"))
            }
        };
        match self {
            KeyDistribution::Uniform { keys } => keys_ok(*keys),
            KeyDistribution::Zipf { keys, s } => {
                keys_ok(*keys)?;
                if s.is_finite() && *s > 0.0 {
                    Ok(())
                } else {
                    Err(format!("s = {s} must be > 0"))
                }
            }
            KeyDistribution::HotKey { keys, hot_percent } => {
                keys_ok(*keys)?;
                if (0.0..=100.0).contains(hot_percent) {
                    Ok(())
                } else {
                    Err(format!(
                        "hot_percent = {hot_percent} must be between 0 and 100"
                    ))
                }
            }
            KeyDistribution::RandomUuid | KeyDistribution::ExplicitHashKeys => Ok(()),
            // The model's pattern too (no leading zeros), as the service would judge it.
            KeyDistribution::Pinned { explicit_hash_key } => {
                explicit_hash_key.value().map(|_| ()).ok_or_else(|| {
                    format!(
                        "explicit_hash_key = {:?} must be a decimal number in [0, 2^128-1]",
                        explicit_hash_key.text()
                    )
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_hash_keys_spread_over_the_whole_space() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut quarters = [0u32; 4];
        for _ in 0..10_000 {
            let key = KeyDistribution::ExplicitHashKeys.sample(&mut rng, &mut Vec::new());
            let value = key.hash_key();
            assert_eq!(key.explicit_hash_key.and_then(|k| k.value()), Some(value));
            quarters[(value >> 126) as usize] += 1;
        }
        assert!(
            quarters.iter().all(|&n| (2_300..2_700).contains(&n)),
            "{quarters:?}"
        );
    }
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;
    use std::collections::BTreeMap;

    fn counts(dist: &KeyDistribution, n: usize) -> BTreeMap<String, usize> {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let mut out = BTreeMap::new();
        for _ in 0..n {
            let key = dist.sample(&mut rng, &mut Vec::new()).partition_key;
            *out.entry(key.into()).or_default() += 1;
        }
        out
    }

    #[test]
    fn a_hot_key_takes_its_share() {
        let c = counts(
            &KeyDistribution::HotKey {
                keys: 100,
                hot_percent: 60.0,
            },
            10_000,
        );
        let hot = c["hot-key"];
        assert!((5_700..6_300).contains(&hot), "{hot}");
    }

    #[test]
    fn zipf_favours_the_first_keys_and_uniform_spreads() {
        let z = counts(
            &KeyDistribution::Zipf {
                keys: 1_000,
                s: 1.2,
            },
            10_000,
        );
        assert!(z["key-0"] > 1_000, "{}", z["key-0"]);
        let u = counts(&KeyDistribution::Uniform { keys: 10 }, 10_000);
        assert_eq!(u.len(), 10);
        assert!(u.values().all(|&n| (800..1_200).contains(&n)));
    }

    #[test]
    fn uuid_keys_are_the_random_hex_digits_with_version_4() {
        let mut rng = ChaCha8Rng::seed_from_u64(8);
        let key = KeyDistribution::RandomUuid
            .sample(&mut rng, &mut Vec::new())
            .partition_key;
        let bits: u128 = ChaCha8Rng::seed_from_u64(8).random();
        let hex = format!("{bits:032x}");
        let expected = format!(
            "{}-{}-4{}-{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[13..16],
            &hex[16..20],
            &hex[20..]
        );
        assert_eq!(key, expected);
    }

    #[test]
    fn pinned_keys_carry_their_hash_and_uuids_differ() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let pinned = KeyDistribution::Pinned {
            explicit_hash_key: "42".into(),
        };
        assert_eq!(
            pinned
                .sample(&mut rng, &mut Vec::new())
                .explicit_hash_key
                .and_then(|k| k.value()),
            Some(42)
        );
        let a = KeyDistribution::RandomUuid
            .sample(&mut rng, &mut Vec::new())
            .partition_key;
        assert_eq!(a.len(), 36);
        assert_ne!(
            a,
            KeyDistribution::RandomUuid
                .sample(&mut rng, &mut Vec::new())
                .partition_key
        );
        for refused in ["-1", "042", "340282366920938463463374607431768211456"] {
            assert!(
                KeyDistribution::Pinned {
                    explicit_hash_key: refused.into()
                }
                .validate()
                .is_err(),
                "{refused}"
            );
        }
        assert_eq!(
            KeyDistribution::HotKey {
                keys: 5,
                hot_percent: 120.0
            }
            .validate()
            .unwrap_err(),
            "hot_percent = 120 must be between 0 and 100"
        );
    }
}
