//! What ships inside the binary: the scenarios of `assets/scenarios/` and the lessons of
//! `assets/lessons/` and the questions of `assets/quiz/`, so the Learn tab and `kinescope lessons check` work wherever the binary is.

use super::lesson::{Lesson, LessonError};
use super::quiz::{self, QuizQuestion};
use crate::sim::scenario::Scenario;

/// The shipped scenarios, by name (the file name without `.json`).
pub const SCENARIOS: &[(&str, &str)] = &[
    (
        "anomaly-detection",
        include_str!("../../../assets/scenarios/anomaly-detection.json"),
    ),
    ("demo", include_str!("../../../assets/scenarios/demo.json")),
    (
        "firehose-buffering",
        include_str!("../../../assets/scenarios/firehose-buffering.json"),
    ),
    (
        "firehose-transform-parquet",
        include_str!("../../../assets/scenarios/firehose-transform-parquet.json"),
    ),
    (
        "hot-shard",
        include_str!("../../../assets/scenarios/hot-shard.json"),
    ),
    (
        "hotspots",
        include_str!("../../../assets/scenarios/hotspots.json"),
    ),
    (
        "kcl-failover-duplicates",
        include_str!("../../../assets/scenarios/kcl-failover-duplicates.json"),
    ),
    (
        "kpl-aggregation",
        include_str!("../../../assets/scenarios/kpl-aggregation.json"),
    ),
    (
        "lambda-poison-pill",
        include_str!("../../../assets/scenarios/lambda-poison-pill.json"),
    ),
    (
        "partition-keys",
        include_str!("../../../assets/scenarios/partition-keys.json"),
    ),
    (
        "on-demand-hot-shards",
        include_str!("../../../assets/scenarios/on-demand-hot-shards.json"),
    ),
    (
        "on-demand-scaling",
        include_str!("../../../assets/scenarios/on-demand-scaling.json"),
    ),
    (
        "resharding-under-load",
        include_str!("../../../assets/scenarios/resharding-under-load.json"),
    ),
    (
        "retention-and-replay",
        include_str!("../../../assets/scenarios/retention-and-replay.json"),
    ),
    (
        "shared-vs-efo",
        include_str!("../../../assets/scenarios/shared-vs-efo.json"),
    ),
    (
        "slow-consumer-lag",
        include_str!("../../../assets/scenarios/slow-consumer-lag.json"),
    ),
    (
        "throttling-and-backoff",
        include_str!("../../../assets/scenarios/throttling-and-backoff.json"),
    ),
    (
        "tumbling-window-metrics",
        include_str!("../../../assets/scenarios/tumbling-window-metrics.json"),
    ),
    (
        "video-retention",
        include_str!("../../../assets/scenarios/video-retention.json"),
    ),
];

/// The shipped lessons in teaching order, by name (the file name without `.md`).
pub const LESSONS: &[(&str, &str)] = &[
    (
        "partition-keys",
        include_str!("../../../assets/lessons/partition-keys.md"),
    ),
    (
        "hot-shards",
        include_str!("../../../assets/lessons/hot-shards.md"),
    ),
    (
        "retries-backoff-jitter",
        include_str!("../../../assets/lessons/retries-backoff-jitter.md"),
    ),
    (
        "kpl-aggregation",
        include_str!("../../../assets/lessons/kpl-aggregation.md"),
    ),
    (
        "resharding",
        include_str!("../../../assets/lessons/resharding.md"),
    ),
    (
        "shared-vs-enhanced-fan-out",
        include_str!("../../../assets/lessons/shared-vs-enhanced-fan-out.md"),
    ),
    (
        "consumer-lag-and-retention",
        include_str!("../../../assets/lessons/consumer-lag-and-retention.md"),
    ),
    (
        "kcl-leases",
        include_str!("../../../assets/lessons/kcl-leases.md"),
    ),
    (
        "lambda-batches",
        include_str!("../../../assets/lessons/lambda-batches.md"),
    ),
    (
        "on-demand-vs-provisioned",
        include_str!("../../../assets/lessons/on-demand-vs-provisioned.md"),
    ),
    (
        "firehose-buffering",
        include_str!("../../../assets/lessons/firehose-buffering.md"),
    ),
    (
        "firehose-transform-convert",
        include_str!("../../../assets/lessons/firehose-transform-convert.md"),
    ),
    (
        "video-retention-playback",
        include_str!("../../../assets/lessons/video-retention-playback.md"),
    ),
    (
        "windowed-sql",
        include_str!("../../../assets/lessons/windowed-sql.md"),
    ),
    (
        "anomaly-detection",
        include_str!("../../../assets/lessons/anomaly-detection.md"),
    ),
];

/// The exam-practice files, by name (the file name without `.md`).
pub const QUIZ: &[(&str, &str)] = &[
    (
        "data-streams",
        include_str!("../../../assets/quiz/data-streams.md"),
    ),
    ("firehose", include_str!("../../../assets/quiz/firehose.md")),
    (
        "video-streams",
        include_str!("../../../assets/quiz/video-streams.md"),
    ),
    (
        "analytics",
        include_str!("../../../assets/quiz/analytics.md"),
    ),
    ("choosing", include_str!("../../../assets/quiz/choosing.md")),
];

/// Every shipped question, parsed (a file that does not parse is an error naming it).
pub fn questions() -> Result<Vec<QuizQuestion>, String> {
    let mut all = Vec::new();
    for (name, text) in QUIZ {
        all.extend(quiz::parse(text).map_err(|e| format!("quiz {name}: {e}"))?);
    }
    Ok(all)
}

/// A shipped scenario's text.
pub fn scenario_text(name: &str) -> Option<&'static str> {
    SCENARIOS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

/// A shipped scenario, parsed.
pub fn scenario(name: &str) -> Result<Scenario, String> {
    let text =
        scenario_text(name).ok_or_else(|| format!("no shipped scenario is named {name:?}"))?;
    Scenario::from_json(text).map_err(|e| format!("scenario {name}: {e}"))
}

/// Every shipped lesson, parsed (a lesson that does not parse is an error naming it).
pub fn lessons() -> Result<Vec<Lesson>, String> {
    LESSONS
        .iter()
        .map(|(name, text)| {
            Lesson::parse(name, text).map_err(|e: LessonError| format!("lesson {name}: {e}"))
        })
        .collect()
}

/// A shipped lesson by name.
pub fn lesson(name: &str) -> Result<Lesson, String> {
    let text = LESSONS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
        .ok_or_else(|| {
            let known: Vec<&str> = LESSONS.iter().map(|(n, _)| *n).collect();
            format!(
                "no lesson is named {name:?} (there are: {})",
                known.join(", ")
            )
        })?;
    Lesson::parse(name, text).map_err(|e| format!("lesson {name}: {e}"))
}
