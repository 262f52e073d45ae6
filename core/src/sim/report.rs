//! The JSON report of a headless run (`kinescope run --report FILE`).

use super::firehose_report::{FirehoseReport, firehose_reports};
use super::lambda::LambdaStats;
use super::simulation::{ConsumerApp, Simulation};
use crate::metrics::MetricName;
use crate::streams::shapes::{ShardId, StreamMode};
use crate::streams::shard::ShardPhase;
use serde::Serialize;

/// Totals of one shard.
#[derive(Debug, Clone, Serialize)]
#[allow(non_snake_case)]
pub struct ShardReport {
    pub shard_id: ShardId,
    pub state: ShardPhase,
    pub parent_shard_ids: Vec<ShardId>,
    pub IncomingRecords: f64,
    pub IncomingBytes: f64,
    pub WriteProvisionedThroughputExceeded: f64,
    pub ReadProvisionedThroughputExceeded: f64,
    pub OutgoingRecords: f64,
}

/// One stream.
#[derive(Debug, Clone, Serialize)]
pub struct StreamReport {
    pub name: String,
    pub mode: StreamMode,
    pub shards: Vec<ShardReport>,
}

/// One producer.
#[derive(Debug, Clone, Serialize)]
pub struct ProducerReport {
    pub name: String,
    pub records_sent: u64,
    pub records_acknowledged: u64,
    pub records_throttled: u64,
    pub retries: u64,
    pub dropped: u64,
}

/// One consumer application.
#[derive(Debug, Clone, Serialize)]
pub struct ConsumerReport {
    pub name: String,
    pub kind: &'static str,
    /// The stream it reads.
    pub stream: String,
    pub records_processed: u64,
    pub duplicates: u64,
    pub max_millis_behind_latest: i64,
    pub final_millis_behind_latest: i64,
    /// GetRecords calls refused with ProvisionedThroughputExceededException.
    pub read_throttles: u64,
    /// Records that passed retention before the application read them.
    pub records_expired_unread: u64,
    /// Lambda triggers only: invocations, function errors, discarded records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lambda: Option<LambdaStats>,
    /// KCL applications only: the lease table at the end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub leases: Option<Vec<LeaseReport>>,
}

/// One row of a KCL application's lease table.
#[derive(Debug, Clone, Serialize)]
#[allow(non_snake_case)]
pub struct LeaseReport {
    pub leaseKey: ShardId,
    pub leaseOwner: Option<String>,
    pub leaseCounter: u64,
    pub checkpoint: String,
    pub ownerSwitchesSinceCheckpoint: u64,
    pub parentShardId: Vec<ShardId>,
}

/// One invariant check.
#[derive(Debug, Clone, Serialize)]
pub struct InvariantReport {
    pub name: String,
    pub ok: bool,
    pub detail: String,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub scenario: String,
    pub seed: u64,
    pub virtual_ms: i64,
    pub wall_ms: u64,
    pub streams: Vec<StreamReport>,
    pub producers: Vec<ProducerReport>,
    pub consumers: Vec<ConsumerReport>,
    pub firehoses: Vec<FirehoseReport>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub video_streams: Vec<super::video_report::VideoStreamReport>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cameras: Vec<super::video_report::CameraReport>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub analytics: Vec<super::analytics_report::AnalyticsReport>,
    pub invariants: Vec<InvariantReport>,
    pub timeline_errors: Vec<String>,
}

impl Report {
    /// The report of `simulation` so far; `wall_ms` is measured by the caller.
    pub fn of(simulation: &Simulation, seed: u64, wall_ms: u64) -> Report {
        let world = simulation.world();
        let streams = world
            .streams()
            .values()
            .map(|s| StreamReport {
                name: s.name.clone(),
                mode: s.mode,
                shards: s
                    .shards
                    .iter()
                    .map(|shard| {
                        let sum = |m| shard.metrics.lifetime_sum(m);
                        ShardReport {
                            shard_id: shard.id,
                            state: shard.phase(),
                            parent_shard_ids: shard
                                .parent
                                .into_iter()
                                .chain(shard.adjacent_parent)
                                .collect(),
                            IncomingRecords: sum(MetricName::IncomingRecords),
                            IncomingBytes: sum(MetricName::IncomingBytes),
                            WriteProvisionedThroughputExceeded: sum(
                                MetricName::WriteProvisionedThroughputExceeded,
                            ),
                            ReadProvisionedThroughputExceeded: sum(
                                MetricName::ReadProvisionedThroughputExceeded,
                            ),
                            OutgoingRecords: sum(MetricName::OutgoingRecords),
                        }
                    })
                    .collect(),
            })
            .collect();
        let producers = simulation
            .producers()
            .iter()
            .map(|p| {
                let s = p.stats();
                ProducerReport {
                    name: p.spec().name.clone(),
                    records_sent: s.records_sent,
                    records_acknowledged: s.records_acknowledged,
                    records_throttled: s.records_throttled,
                    retries: s.retries,
                    dropped: s.dropped,
                }
            })
            .collect();
        let consumers = simulation
            .consumers()
            .iter()
            .map(|(name, kind, app)| {
                let s = app.stats();
                ConsumerReport {
                    name: name.clone(),
                    kind,
                    stream: app.stream().to_owned(),
                    records_processed: s.records_processed,
                    duplicates: s.duplicates,
                    max_millis_behind_latest: s.max_millis_behind_latest,
                    final_millis_behind_latest: s.final_millis_behind_latest,
                    read_throttles: s.read_throttles,
                    records_expired_unread: s.records_expired_unread,
                    lambda: match app {
                        ConsumerApp::Lambda(l) => Some(l.lambda_stats()),
                        _ => None,
                    },
                    leases: match app {
                        ConsumerApp::Kcl(k) => Some(
                            k.leases()
                                .map(|l| LeaseReport {
                                    leaseKey: l.lease_key,
                                    leaseOwner: l.lease_owner.clone(),
                                    leaseCounter: l.lease_counter,
                                    checkpoint: l.checkpoint.to_string(),
                                    ownerSwitchesSinceCheckpoint: l.owner_switches_since_checkpoint,
                                    parentShardId: l.parent_shard_ids.clone(),
                                })
                                .collect(),
                        ),
                        _ => None,
                    },
                }
            })
            .collect();
        Report {
            scenario: simulation.scenario().name.clone(),
            seed,
            virtual_ms: simulation.elapsed_ms(),
            wall_ms,
            streams,
            producers,
            consumers,
            firehoses: firehose_reports(world, world.now_ms() - simulation.elapsed_ms()),
            video_streams: super::video_report::video_stream_reports(simulation),
            cameras: super::video_report::camera_reports(simulation),
            analytics: super::analytics_report::analytics_reports(simulation),
            invariants: simulation
                .checks()
                .into_iter()
                .map(|c| InvariantReport {
                    name: c.name,
                    ok: c.ok,
                    detail: c.detail,
                })
                .collect(),
            timeline_errors: simulation.event_errors.clone(),
        }
    }
}
