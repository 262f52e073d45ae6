//! What a headless run reports of stream analytics (`analytics[]` of `kinescope run --report`):
//! each application's status, the records it read, the rows each in-application stream received,
//! the windows its pumps closed, its errors — and, where RANDOM_CUT_FOREST scores rows, the
//! highest score and when rows scored above the scenario's threshold (milliseconds since the
//! scenario started).

use super::simulation::Simulation;
use crate::analytics::output_writer::Destination;
use serde::Serialize;
use std::collections::BTreeMap;

/// Anomalies listed at most (the count is always whole).
const ANOMALIES_LISTED: usize = 1_000;

/// One output.
#[derive(Debug, Clone, Serialize)]
pub struct AnalyticsOutputReport {
    pub output_id: String,
    pub stream: String,
    pub destination: String,
    pub records_out: u64,
    pub waiting: usize,
    pub dropped: u64,
    pub last_error: Option<String>,
}

/// One application.
#[derive(Debug, Clone, Serialize)]
pub struct AnalyticsReport {
    pub name: String,
    pub status: String,
    pub records_in: u64,
    pub rows_out: BTreeMap<String, u64>,
    pub windows_closed: u64,
    pub errors: u64,
    pub late_rows: u64,
    pub outputs: Vec<AnalyticsOutputReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_anomaly_score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anomaly_threshold: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anomalies: Option<usize>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub anomaly_times_ms: Vec<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_error: Option<String>,
}

/// The applications of `simulation`'s world.
pub fn analytics_reports(simulation: &Simulation) -> Vec<AnalyticsReport> {
    let world = simulation.world();
    let started = world.now_ms() - simulation.elapsed_ms();
    let threshold_of = |name: &str| {
        simulation
            .scenario()
            .analytics
            .iter()
            .find(|s| s.name() == name)
            .map_or(super::analytics_spec::DEFAULT_ANOMALY_THRESHOLD, |s| {
                s.anomaly_threshold
            })
    };
    world
        .analytics_applications()
        .values()
        .map(|app| {
            let mut report = AnalyticsReport {
                name: app.name.clone(),
                status: app.status.as_str().to_owned(),
                records_in: 0,
                rows_out: BTreeMap::new(),
                windows_closed: 0,
                errors: 0,
                late_rows: 0,
                outputs: Vec::new(),
                max_anomaly_score: None,
                anomaly_threshold: None,
                anomalies: None,
                anomaly_times_ms: Vec::new(),
                source_error: None,
            };
            let Some(runtime) = &app.runtime else {
                return report;
            };
            let program = &runtime.program;
            report.records_in = runtime.records_in;
            report.rows_out = program
                .streams
                .iter()
                .filter(|s| s.name != runtime.input_stream)
                .map(|s| (s.name.clone(), s.rows_total))
                .collect();
            report.windows_closed = program.pumps.iter().map(|p| p.windows_closed).sum();
            report.late_rows = program.pumps.iter().map(|p| p.late_rows).sum();
            report.errors = program.errors_total;
            report.source_error = runtime.source_error.clone();
            report.outputs = runtime
                .outputs
                .iter()
                .map(|w| AnalyticsOutputReport {
                    output_id: w.output_id.clone(),
                    stream: w.stream.clone(),
                    destination: match &w.destination {
                        Destination::KinesisStream(name) => format!("stream/{name}"),
                        Destination::DeliveryStream(name) => format!("deliverystream/{name}"),
                    },
                    records_out: w.records_out,
                    waiting: w.waiting(),
                    dropped: w.dropped,
                    last_error: w.last_error.clone(),
                })
                .collect();
            // The scores an output writes out, or else the first stream's that has them.
            let written = |name: &String| runtime.outputs.iter().any(|w| w.stream == *name);
            let track = program
                .score_tracks
                .iter()
                .find(|(name, _)| written(name))
                .or_else(|| program.score_tracks.iter().next())
                .map(|(_, track)| track);
            if let Some(track) = track {
                let threshold = threshold_of(&app.name);
                let above: Vec<i64> = track
                    .scores
                    .iter()
                    .filter(|(_, score)| *score > threshold)
                    .map(|(at, _)| at - started)
                    .collect();
                report.max_anomaly_score = Some(track.max);
                report.anomaly_threshold = Some(threshold);
                report.anomalies = Some(above.len());
                report.anomaly_times_ms = above.into_iter().take(ANOMALIES_LISTED).collect();
            }
            report
        })
        .collect()
}
