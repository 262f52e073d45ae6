//! What one frame shows, copied out of the engine under its lock: panels draw from this and never
//! touch the engine, so drawing can take its time without holding the world.

use kinescope_core::clock::Speed;
use kinescope_core::metrics::MetricName;
use kinescope_core::sim::kcl::Checkpoint;
use kinescope_core::sim::lambda_failures::FailedBatch;
use kinescope_core::sim::producer::ProducerSpec;
use kinescope_core::sim::scenario::ConsumerSpec;
use kinescope_core::sim::simulation::{ConsumerApp, Simulation};
use kinescope_core::streams::capacity;
use kinescope_core::streams::hashkey::{HashKeyRange, hash_partition_key};
use kinescope_core::streams::readers::{ReaderKind, ReaderPosition};
use kinescope_core::streams::shapes::{ShardId, StreamMode};
use kinescope_core::streams::stream::StreamState;
use kinescope_core::world::World;
use std::collections::HashMap;
use std::sync::Arc;

/// A shard's write limit in bytes per second, as the engine enforces it (reference A.4).
pub const SHARD_WRITE_BYTES: f64 = capacity::WRITE_BYTES_PER_SECOND as f64;
/// Records per second a shard accepts.
pub const SHARD_WRITE_RECORDS: f64 = capacity::WRITE_RECORDS_PER_SECOND as f64;
/// How much history the throughput charts show, in seconds.
pub const CHART_SECONDS: i64 = 300;

/// Newest events listed.
const EVENTS_SHOWN: usize = 300;

/// One shard as drawn.
#[derive(Debug, Clone)]
pub struct ShardView {
    pub id: ShardId,
    pub range: HashKeyRange,
    pub open: bool,
    pub parents: Vec<ShardId>,
    /// Share of the write limit used in the last full second (the larger of bytes and records).
    pub write_share: f64,
    pub records_last_second: f64,
    pub bytes_last_second: f64,
    /// Whether a write was throttled in the last full second.
    pub throttled: bool,
    pub records_total: u64,
    /// Whether a read was throttled in the last full second.
    pub read_throttled: bool,
    /// (hash key, age in ms) of the newest records, for the dots falling into the lane.
    pub recent: Vec<(u128, i64)>,
}

/// One stream as drawn.
#[derive(Debug, Clone)]
pub struct StreamView {
    pub name: String,
    pub mode: StreamMode,
    pub status: String,
    /// The asynchronous change under way (UPDATING, CREATING, DELETING), if any.
    pub change: Option<ChangeView>,
    pub retention_hours: u32,
    pub shards: Vec<ShardView>,
    /// `[second, IncomingRecords]` for the last [`CHART_SECONDS`].
    pub incoming_records: Vec<[f64; 2]>,
    /// `[second, WriteProvisionedThroughputExceeded]`.
    pub write_throttles: Vec<[f64; 2]>,
}

/// An asynchronous stream change as drawn: what it does and how far along it is.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeView {
    /// A few words ("splitting shardId-000000000001").
    pub what: String,
    /// Share of its time that has passed, 0.0 to 1.0.
    pub progress: f32,
    /// Virtual milliseconds left.
    pub remaining_ms: i64,
}

impl StreamView {
    /// Shards accepting writes.
    pub fn open_shards(&self) -> impl Iterator<Item = &ShardView> {
        self.shards.iter().filter(|s| s.open)
    }
}

/// A consumer application as drawn.
#[derive(Debug, Clone)]
pub struct ConsumerView {
    pub name: String,
    pub kind: &'static str,
    pub stream: String,
    pub records_processed: u64,
    pub duplicates: u64,
    pub millis_behind: i64,
    pub paused: bool,
    pub invariants_ok: bool,
    /// A KCL application's lease table.
    pub leases: Vec<LeaseView>,
    /// A KCL application's workers: id, alive, shards held.
    pub workers: Vec<(String, bool, usize)>,
    /// A Lambda trigger's latest batches given up (its on-failure destination), newest first.
    pub failures: Vec<FailedBatch>,
    /// Its settings, as the scenario format has them (the simulator editor starts from these).
    pub spec: ConsumerSpec,
}

/// Batches of a Lambda trigger the app lists.
pub const FAILURES_SHOWN: usize = 20;

/// One row of a KCL lease table.
#[derive(Debug, Clone)]
pub struct LeaseView {
    pub shard: ShardId,
    pub owner: Option<String>,
    pub counter: u64,
    pub checkpoint: String,
    /// How old the checkpointed record is (arrival second, from its sequence number).
    pub checkpoint_age_ms: Option<i64>,
}

/// A producer as drawn.
#[derive(Debug, Clone)]
pub struct ProducerView {
    pub name: String,
    pub stream: String,
    pub sent: u64,
    pub acknowledged: u64,
    pub throttled: u64,
    pub dropped: u64,
    /// Records per second it is making now.
    pub rate_now: f64,
    pub paused: bool,
    /// Its settings, as the scenario format has them.
    pub spec: ProducerSpec,
}

/// An engine event as listed.
#[derive(Debug, Clone)]
pub struct EventView {
    pub at_ms: i64,
    pub kind: String,
    pub stream: Option<String>,
    pub detail: String,
}

/// One reader's position on one shard (a polling app's iterator or an EFO subscription).
#[derive(Debug, Clone)]
pub struct ReaderView {
    /// The application (or "unnamed reader" when the caller gave no name).
    pub reader: Arc<str>,
    pub stream: Arc<str>,
    pub shard: ShardId,
    /// As of its last read (AWS reports them with each read).
    pub millis_behind: i64,
    pub records_behind: u64,
    /// Virtual time of its last read: a shard nobody reads any more keeps its old numbers.
    pub last_read_ms: i64,
    /// Enhanced fan-out (its own pipe) rather than shared polling.
    pub enhanced: bool,
}

/// A call from a real client, as listed.
#[derive(Debug, Clone)]
pub struct CallView {
    pub at_ms: i64,
    pub client: String,
    /// boto3, aws-cli, aws-sdk-rust, KPL, ... (from the User-Agent).
    pub client_kind: &'static str,
    pub operation: String,
    pub stream: Option<String>,
    pub status: u16,
    pub error: Option<String>,
    pub latency_us: u64,
    pub bytes: usize,
}

/// Everything a frame shows.
#[derive(Debug, Clone, Default)]
pub struct View {
    pub now_ms: i64,
    pub speed: Speed,
    pub scenario: Option<String>,
    /// Virtual time since the running scenario started (a lesson's clock).
    pub scenario_elapsed_ms: i64,
    pub streams: Vec<StreamView>,
    pub consumers: Vec<ConsumerView>,
    pub producers: Vec<ProducerView>,
    pub events: Vec<EventView>,
    /// API calls, newest first.
    pub calls: Vec<CallView>,
    /// Every reader's position, by application then shard; shared with the previous view while
    /// no position changed (with 20 applications on 500 shards the copy is most of a frame).
    pub readers: Arc<Vec<ReaderView>>,
    /// The engine's reader generation the copy was made at.
    pub readers_generation: u64,
    /// The Throughput panel's charts, while it is open.
    pub charts: Option<super::streams::throughput_data::Charts>,
    /// Every Firehose delivery stream.
    pub firehoses: Vec<super::firehose::view::FirehoseView>,
    /// The selected delivery stream's objects, while the Firehose tab is open.
    pub firehose_objects: Vec<super::firehose::view::ObjectRow>,
    /// The selected delivery stream's metrics over time, while the Firehose tab is open.
    pub firehose_series: super::firehose::view::SeriesView,
    /// Every Kinesis video stream.
    pub video_streams: Vec<super::video::view::VideoStreamView>,
    /// The selected video stream's fragments, while the Video tab is open.
    pub video_archive: Vec<super::video::view::FragmentMark>,
    /// Every analytics application.
    pub analytics: Vec<super::analytics::view::AppSummary>,
    /// The selected application, while the Analytics tab is open.
    pub analytics_detail: Option<super::analytics::view::AppDetail>,
}

impl View {
    /// Copies what the panels need out of `world` (and the scenario's simulators, if one runs).
    pub fn build(
        world: &World,
        simulation: Option<&Simulation>,
        speed: Speed,
        previous: Option<&View>,
    ) -> View {
        let now_ms = world.now_ms();
        let last_second = now_ms / 1_000 - 1;
        let streams = world
            .streams()
            .values()
            .map(|s| stream_view(s, last_second, now_ms))
            .collect();
        let (consumers, producers) = simulation.map_or_else(Default::default, |sim| {
            let consumers = sim
                .consumers()
                .iter()
                .map(|(name, kind, app)| {
                    let stats = app.stats();
                    ConsumerView {
                        name: name.clone(),
                        kind,
                        stream: app.stream().to_owned(),
                        records_processed: stats.records_processed,
                        duplicates: stats.duplicates,
                        millis_behind: stats.final_millis_behind_latest,
                        paused: app.is_paused(),
                        invariants_ok: app.checks(world).iter().all(|c| c.ok),
                        spec: app.spec(),
                        leases: match app {
                            ConsumerApp::Kcl(kcl) => kcl
                                .leases()
                                .map(|l| LeaseView {
                                    shard: l.lease_key,
                                    owner: l.lease_owner.clone(),
                                    counter: l.lease_counter,
                                    checkpoint: l.checkpoint.to_string(),
                                    checkpoint_age_ms: match &l.checkpoint {
                                        Checkpoint::Sequence(seq) => {
                                            Some((now_ms - seq.record_s as i64 * 1_000).max(0))
                                        }
                                        _ => None,
                                    },
                                })
                                .collect(),
                            _ => Vec::new(),
                        },
                        workers: match app {
                            ConsumerApp::Kcl(kcl) => kcl
                                .workers()
                                .iter()
                                .map(|w| (w.id.clone(), w.alive, w.shards().count()))
                                .collect(),
                            _ => Vec::new(),
                        },
                        failures: match app {
                            ConsumerApp::Lambda(lambda) => lambda
                                .failures()
                                .rev()
                                .take(FAILURES_SHOWN)
                                .cloned()
                                .collect(),
                            _ => Vec::new(),
                        },
                    }
                })
                .collect();
            let producers = sim
                .producers()
                .iter()
                .map(|p| {
                    let stats = p.stats();
                    ProducerView {
                        name: p.spec().name.clone(),
                        // A producer writes to a stream, or to a Firehose delivery stream.
                        stream: match &p.spec().firehose {
                            Some(firehose) => format!("firehose {firehose}"),
                            None => p.spec().stream.clone(),
                        },
                        sent: stats.records_sent,
                        acknowledged: stats.records_acknowledged,
                        throttled: stats.records_throttled,
                        dropped: stats.dropped,
                        rate_now: p.spec().rate.rate_at(sim.elapsed_ms()),
                        paused: p.paused,
                        spec: p.spec().clone(),
                    }
                })
                .collect();
            (consumers, producers)
        });
        let all: Vec<_> = world.events().iter().collect();
        let mut events: Vec<EventView> = all
            .iter()
            .rev()
            .take(EVENTS_SHOWN)
            .map(|e| EventView {
                at_ms: e.at_ms,
                kind: format!("{:?}", e.kind),
                stream: e.stream.clone(),
                detail: e.detail.clone(),
            })
            .collect();
        if let Some(sim) = simulation {
            events.extend(
                sim.activity()
                    .events()
                    .rev()
                    .take(EVENTS_SHOWN)
                    .map(|e| EventView {
                        at_ms: e.at_ms,
                        kind: e.kind.to_owned(),
                        stream: Some(e.stream.clone()),
                        detail: e.detail.clone(),
                    }),
            );
            // Newest first; the engine's and the simulators' events interleaved by time.
            events.sort_by_key(|e| std::cmp::Reverse(e.at_ms));
            events.truncate(EVENTS_SHOWN);
        }
        let all: Vec<_> = world.traffic().iter().collect();
        let calls = all
            .iter()
            .rev()
            .take(500)
            .map(|t| CallView {
                at_ms: t.at_ms,
                client: t.client.clone(),
                client_kind: t.client_kind,
                operation: t.operation.clone(),
                stream: t.stream.clone(),
                status: t.status,
                error: t.error.clone(),
                latency_us: t.latency_us,
                bytes: t.request_bytes + t.response_bytes,
            })
            .collect();
        let readers_generation = world.readers().generation();
        let readers = match previous {
            Some(view) if view.readers_generation == readers_generation => view.readers.clone(),
            _ => Arc::new(reader_views(world)),
        };
        View {
            charts: None,
            firehoses: super::firehose::view::firehose_views(world),
            firehose_objects: Vec::new(),
            firehose_series: Default::default(),
            video_streams: Vec::new(),
            video_archive: Vec::new(),
            analytics: Vec::new(),
            analytics_detail: None,
            readers,
            readers_generation,
            calls,
            now_ms,
            speed,
            scenario: simulation.map(|s| s.scenario().name.clone()),
            scenario_elapsed_ms: simulation.map_or(0, |s| s.elapsed_ms()),
            streams,
            consumers,
            producers,
            events,
        }
    }

    /// The stream named `name`.
    pub fn stream(&self, name: &str) -> Option<&StreamView> {
        self.streams.iter().find(|s| s.name == name)
    }
}

fn stream_view(stream: &StreamState, last_second: i64, now_ms: i64) -> StreamView {
    // Enough dots to show where keys land, few enough to stay cheap with hundreds of shards.
    let dots_per_shard = (300 / stream.open_shard_count().max(1) as usize).clamp(2, 24) as u64;
    let shards = stream
        .shards
        .iter()
        .filter(|s| !s.expired)
        .map(|shard| {
            let at = |metric| shard.metrics.series(metric).at_second(last_second).sum;
            let records = at(MetricName::IncomingRecords);
            let bytes = at(MetricName::IncomingBytes);
            ShardView {
                id: shard.id,
                range: shard.range,
                open: shard.is_open(),
                parents: shard
                    .parent
                    .into_iter()
                    .chain(shard.adjacent_parent)
                    .collect(),
                write_share: (records / SHARD_WRITE_RECORDS).max(bytes / SHARD_WRITE_BYTES),
                records_last_second: records,
                bytes_last_second: bytes,
                throttled: at(MetricName::WriteProvisionedThroughputExceeded) > 0.0,
                records_total: shard.metrics.lifetime_sum(MetricName::IncomingRecords) as u64,
                read_throttled: at(MetricName::ReadProvisionedThroughputExceeded) > 0.0,
                recent: if shard.is_open() {
                    let end = shard.log.end_ordinal();
                    shard
                        .log
                        .iter_from(end.saturating_sub(dots_per_shard))
                        .filter(|r| now_ms - r.arrival_ms < 2_000)
                        .map(|r| (hash_partition_key(r.partition_key), now_ms - r.arrival_ms))
                        .filter(|(hash, _)| shard.range.contains(*hash))
                        .collect()
                } else {
                    Vec::new()
                },
            }
        })
        .collect();
    StreamView {
        name: stream.name.clone(),
        mode: stream.mode,
        status: format!("{:?}", stream.status).to_uppercase(),
        change: stream.pending.as_ref().map(|p| ChangeView {
            what: p.change.describe(),
            progress: p.progress(now_ms) as f32,
            remaining_ms: (p.due_ms - now_ms).max(0),
        }),
        retention_hours: stream.retention_hours,
        shards,
        incoming_records: chart(stream, MetricName::IncomingRecords, last_second),
        write_throttles: chart(
            stream,
            MetricName::WriteProvisionedThroughputExceeded,
            last_second,
        ),
    }
}

/// The last [`CHART_SECONDS`] of a stream metric, from the stream's creation at the earliest.
fn chart(stream: &StreamState, metric: MetricName, last_second: i64) -> Vec<[f64; 2]> {
    let series = stream.metrics.series(metric);
    let first = (last_second - CHART_SECONDS + 1).max(stream.created_ms / 1_000);
    (first..=last_second)
        .map(|s| [s as f64, series.at_second(s).sum])
        .collect()
}

/// One row per application and shard, sorted by application, stream and shard: an application's
/// several iterators over time (KCL workers taking a lease over, say) show as its newest read.
/// Names are interned: with 20 applications on 500 shards this runs every frame.
fn reader_views(world: &World) -> Vec<ReaderView> {
    let mut names = Interner::default();
    let mut streams = Interner::default();
    let mut rows: Vec<(usize, usize, ShardId, &ReaderPosition)> = world
        .readers()
        .iter()
        .map(|(_, r)| {
            let name = match (&r.label, &r.kind) {
                (Some(label), _) => label.as_str(),
                (None, ReaderKind::EnhancedFanOut { consumer }) => consumer.as_str(),
                (None, _) => "unnamed reader",
            };
            (names.index(name), streams.index(&r.stream), r.shard, r)
        })
        .collect();
    let (name_rank, name_text) = names.ranked();
    let (stream_rank, stream_text) = streams.ranked();
    rows.sort_unstable_by_key(|(n, s, shard, r)| {
        (name_rank[*n], stream_rank[*s], *shard, r.last_read_ms)
    });
    // Sorted oldest read first within a key: keep the last of each run.
    rows.reverse();
    rows.dedup_by_key(|(n, s, shard, _)| (*n, *s, *shard));
    rows.reverse();
    rows.into_iter()
        .map(|(n, s, shard, r)| ReaderView {
            reader: name_text[n].clone(),
            stream: stream_text[s].clone(),
            shard,
            millis_behind: r.millis_behind_latest,
            records_behind: r.records_behind,
            last_read_ms: r.last_read_ms,
            enhanced: matches!(r.kind, ReaderKind::EnhancedFanOut { .. }),
        })
        .collect()
}

/// Small integers for the few distinct strings of many rows. Hashing every row's string cost more
/// than the rest of the copy, and rows come in runs of one application, so the last string is
/// checked first.
#[derive(Default)]
struct Interner<'a> {
    texts: Vec<&'a str>,
    lookup: HashMap<&'a str, usize>,
    last: usize,
}

impl<'a> Interner<'a> {
    fn index(&mut self, text: &'a str) -> usize {
        if self.texts.get(self.last) == Some(&text) {
            return self.last;
        }
        let next = self.texts.len();
        let index = *self.lookup.entry(text).or_insert(next);
        if index == next {
            self.texts.push(text);
        }
        self.last = index;
        index
    }

    /// Each index's alphabetical rank, and its text.
    fn ranked(self) -> (Vec<usize>, Vec<Arc<str>>) {
        let mut alphabetical: Vec<usize> = (0..self.texts.len()).collect();
        alphabetical.sort_unstable_by_key(|i| self.texts[*i]);
        let mut rank = vec![0; self.texts.len()];
        for (position, index) in alphabetical.into_iter().enumerate() {
            rank[index] = position;
        }
        (rank, self.texts.iter().map(|t| Arc::from(*t)).collect())
    }
}
