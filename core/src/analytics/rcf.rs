//! RANDOM_CUT_FOREST and RANDOM_CUT_FOREST_WITH_EXPLANATION (reference D, F) on Amazon's Random
//! Cut Forest library: AWS's parameters and ranges (numberOfTrees 100, subSampleSize 256,
//! timeDecay 100,000, shingleSize 1, withDirectionality FALSE), mapped as F says — capacity =
//! subSampleSize, time decay = 1 / timeDecay, the first subSampleSize records scored 0. Each row is
//! scored, then learnt from; the forest's seed is fixed, so a run repeats.

use rcflib::rcf::{RCF, RCFBuilder, RCFOptionsBuilder};

/// The function's arguments after the cursor.
#[derive(Debug, Clone, PartialEq)]
pub struct ForestParams {
    pub trees: usize,
    pub sub_sample_size: usize,
    pub time_decay: u64,
    pub shingle_size: usize,
    pub explain: bool,
    pub directionality: bool,
}

impl ForestParams {
    /// The parameters given (as SQL text), AWS's defaults for the rest; the error names the
    /// parameter and its range.
    pub fn parse(explain: bool, args: &[String]) -> Result<Self, String> {
        let number = |i: usize, name: &str, default: u64, min: u64, max: u64| {
            let Some(text) = args.get(i).map(|a| a.trim()) else {
                return Ok(default);
            };
            let value: u64 = text
                .parse()
                .map_err(|_| format!("{name} must be a whole number, not {text}"))?;
            match (min..=max).contains(&value) {
                true => Ok(value),
                false => Err(format!("{name} = {value} must be between {min} and {max}")),
            }
        };
        let params = Self {
            trees: number(0, "numberOfTrees", 100, 1, 1_000)? as usize,
            sub_sample_size: number(1, "subSampleSize", 256, 10, 1_000)? as usize,
            time_decay: number(2, "timeDecay", 100_000, 1, 2_147_483_647)?,
            shingle_size: number(3, "shingleSize", 1, 1, 30)? as usize,
            explain,
            directionality: match args.get(4).map(|a| a.trim().to_ascii_uppercase()) {
                None => false,
                Some(flag) if flag == "TRUE" => true,
                Some(flag) if flag == "FALSE" => false,
                Some(other) => {
                    return Err(format!(
                        "withDirectionality must be TRUE or FALSE, not {other}"
                    ));
                }
            },
        };
        let most = if explain { 5 } else { 4 };
        if args.len() > most {
            return Err(format!(
                "the function takes at most {most} parameters after the cursor"
            ));
        }
        if params.sub_sample_size as u64 >= params.time_decay {
            return Err("subSampleSize must be less than timeDecay".into());
        }
        Ok(params)
    }
}

/// A forest learning one stream.
pub struct Forest {
    forest: Box<dyn RCF + Send + Sync>,
    pub params: ForestParams,
    pub seen: u64,
}

impl std::fmt::Debug for Forest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Forest")
            .field("params", &self.params)
            .field("seen", &self.seen)
            .finish()
    }
}

/// A row's score, and its explanation when asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub score: f64,
    pub explanation: Option<String>,
}

impl Forest {
    /// A forest over points of `dimensions` numeric columns.
    pub fn new(params: ForestParams, dimensions: usize) -> Result<Self, String> {
        let forest = RCFBuilder::new(dimensions.max(1), params.shingle_size)
            .tree_capacity(params.sub_sample_size)
            .number_of_trees(params.trees)
            .time_decay(1.0 / params.time_decay as f64)
            // Ready once it has seen more than this: the first subSampleSize rows score 0.
            .output_after(params.sub_sample_size - 1)
            .internal_shingling(true)
            .random_seed(42)
            .parallel_enabled(false)
            .build_default()
            .map_err(|e| format!("the forest cannot be built: {e:?}"))?;
        Ok(Self {
            forest,
            params,
            seen: 0,
        })
    }

    /// Scores `point` (0 while the forest is learning), explained per column of `names`, then
    /// learns it.
    pub fn score_and_learn(&mut self, point: &[f32], names: &[String]) -> Scored {
        let ready = self.forest.is_output_ready();
        let score = match ready {
            true => self.forest.score(point).unwrap_or(0.0),
            false => 0.0,
        };
        let explanation = self.params.explain.then(|| {
            let attribution = ready.then(|| self.forest.attribution(point).ok()).flatten();
            explain(
                names,
                attribution.as_ref(),
                score,
                self.params.directionality,
            )
        });
        let _ = self.forest.update(point, 0);
        self.seen += 1;
        Scored { score, explanation }
    }
}

/// ANOMALY_EXPLANATION: per column its ATTRIBUTION_SCORE (summing to the score), its STRENGTH
/// (its share of the score) and, with directionality, whether it was HIGH or LOW.
fn explain(
    names: &[String],
    attribution: Option<&rcflib::common::divector::DiVector>,
    score: f64,
    directionality: bool,
) -> String {
    let dimensions = names.len().max(1);
    let mut out = serde_json::Map::new();
    for (i, name) in names.iter().enumerate() {
        let (high, low) = attribution.map_or((0.0, 0.0), |a| {
            // Shingled points hold each column once per shingle: add its places up.
            let places = (i..a.high.len()).step_by(dimensions);
            places.fold((0.0, 0.0), |(h, l), p| (h + a.high[p], l + a.low[p]))
        });
        let total = high + low;
        let mut column = serde_json::Map::new();
        if directionality {
            let direction = if high > low { "HIGH" } else { "LOW" };
            column.insert("DIRECTION".into(), direction.into());
        }
        let strength = if score > 0.0 { total / score } else { 0.0 };
        column.insert("STRENGTH".into(), format!("{strength:.4}").into());
        column.insert("ATTRIBUTION_SCORE".into(), format!("{total:.4}").into());
        out.insert(name.clone(), column.into());
    }
    serde_json::Value::Object(out).to_string()
}
