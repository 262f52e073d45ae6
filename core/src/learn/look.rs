//! What a lesson's step points at (`look:` lines): a lane, a stream, a simulator, a buffer, a
//! player, a chart — with the span of time to read on it — or a table row. The app switches to
//! the view that shows it and outlines it there once the step's moment is reached; the headless
//! check makes sure it is in the run at that moment.
//!
//! ```text
//! look: lane clicks/shardId-000000000002
//! look: consumer ledger-app
//! look: chart lag 20..80
//! look: chart throughput 30..
//! look: row readers ledger-app/shardId-000000000001
//! look: row leases ledger-app/shardId-000000000000
//! ```

use serde_json::Value;
use std::fmt;

/// What the app highlights at a step.
#[derive(Debug, Clone, PartialEq)]
pub enum Look {
    /// A shard's lane on the stream map.
    Lane { stream: String, shard: String },
    /// A stream's whole map.
    Stream(String),
    /// A producer's row among the simulators.
    Producer(String),
    /// A consumer application's row in the lag table.
    Consumer(String),
    /// A delivery stream's buffer gauge.
    Firehose(String),
    /// A video stream's player.
    Video(String),
    /// An analytics application's charts.
    Application(String),
    /// A chart, and the span of the scenario's seconds to read on it (open ends run to the
    /// chart's edge).
    Chart {
        chart: Chart,
        from_s: Option<f64>,
        to_s: Option<f64>,
    },
    /// One application's row on one shard, in the per-shard lag table.
    Reader { consumer: String, shard: String },
    /// A KCL application's lease of a shard, in its lease table (Simulators).
    Lease { consumer: String, shard: String },
}

/// The charts a lesson can point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chart {
    /// IncomingRecords per second against the write limit (stream map, Throughput tab).
    Throughput,
    /// Consumer lag over time (Consumers & lag).
    Lag,
    /// Firehose's flushes by reason (Firehose).
    Flushes,
    /// Firehose's DataFreshness (Firehose).
    Freshness,
    /// An analytics application's tumbling windows.
    Windows,
    /// RANDOM_CUT_FOREST's input and scores.
    Anomaly,
    /// HOTSPOTS over their points.
    Hotspots,
}

impl Chart {
    pub const ALL: [Chart; 7] = [
        Chart::Throughput,
        Chart::Lag,
        Chart::Flushes,
        Chart::Freshness,
        Chart::Windows,
        Chart::Anomaly,
        Chart::Hotspots,
    ];

    /// The name a lesson writes.
    pub fn name(self) -> &'static str {
        match self {
            Chart::Throughput => "throughput",
            Chart::Lag => "lag",
            Chart::Flushes => "flushes",
            Chart::Freshness => "freshness",
            Chart::Windows => "windows",
            Chart::Anomaly => "anomaly",
            Chart::Hotspots => "hotspots",
        }
    }

    /// The report's list that must not be empty for the chart to draw anything.
    fn drawn_from(self) -> &'static str {
        match self {
            Chart::Throughput => "streams",
            Chart::Lag => "consumers",
            Chart::Flushes | Chart::Freshness => "firehoses",
            Chart::Windows | Chart::Anomaly | Chart::Hotspots => "analytics",
        }
    }
}

/// The views a lesson's looks are shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    StreamMap,
    Simulators,
    ConsumersAndLag,
    Firehose,
    Video,
    Analytics,
}

impl View {
    fn name(self) -> &'static str {
        match self {
            View::StreamMap => "the stream map",
            View::Simulators => "Simulators",
            View::ConsumersAndLag => "Consumers & lag",
            View::Firehose => "Firehose",
            View::Video => "Video",
            View::Analytics => "Analytics",
        }
    }
}

impl Look {
    /// The view that shows it.
    pub fn view(&self) -> View {
        match self {
            Look::Lane { .. } | Look::Stream(_) => View::StreamMap,
            Look::Producer(_) | Look::Lease { .. } => View::Simulators,
            Look::Consumer(_) | Look::Reader { .. } => View::ConsumersAndLag,
            Look::Firehose(_) => View::Firehose,
            Look::Video(_) => View::Video,
            Look::Application(_) => View::Analytics,
            Look::Chart { chart, .. } => match chart {
                Chart::Throughput => View::StreamMap,
                Chart::Lag => View::ConsumersAndLag,
                Chart::Flushes | Chart::Freshness => View::Firehose,
                Chart::Windows | Chart::Anomaly | Chart::Hotspots => View::Analytics,
            },
        }
    }

    /// Reads what follows `look:`.
    pub fn parse(text: &str) -> Result<Look, String> {
        let (kind, target) = text
            .split_once(' ')
            .map(|(k, t)| (k, t.trim()))
            .ok_or_else(|| {
                format!("look: {text:?} names a kind and a target (lane STREAM/SHARD)")
            })?;
        let name = target.to_owned();
        Ok(match kind {
            "lane" => {
                let (stream, shard) = pair(target, "lane", "STREAM/SHARD")?;
                Look::Lane { stream, shard }
            }
            "stream" => Look::Stream(name),
            "producer" => Look::Producer(name),
            "consumer" => Look::Consumer(name),
            "firehose" => Look::Firehose(name),
            "video" => Look::Video(name),
            "application" => Look::Application(name),
            "chart" => parse_chart(target)?,
            "row" => parse_row(target)?,
            other => {
                return Err(format!(
                    "look: {other:?} is not lane, stream, producer, consumer, firehose, video, \
                     application, chart or row"
                ));
            }
        })
    }

    /// Why this cannot be shown in `report` (the run at the step's moment), if it cannot.
    pub fn missing_in(&self, report: &Value) -> Option<String> {
        let list = |name: &str| report[name].as_array().map_or(&[][..], Vec::as_slice);
        let named = |kind: &str, name: &str| list(kind).iter().any(|i| i["name"] == name);
        let has_shard = |stream: &str, shard: &str| {
            list("streams").iter().any(|s| {
                s["name"] == stream
                    && s["shards"]
                        .as_array()
                        .is_some_and(|shards| shards.iter().any(|h| h["shard_id"] == shard))
            })
        };
        let (found, what) = match self {
            Look::Lane { stream, shard } => {
                (has_shard(stream, shard), format!("lane {stream}/{shard}"))
            }
            Look::Stream(n) => (named("streams", n), format!("stream {n}")),
            Look::Producer(n) => (named("producers", n), format!("producer {n}")),
            Look::Consumer(n) => (named("consumers", n), format!("consumer {n}")),
            Look::Firehose(n) => (named("firehoses", n), format!("firehose {n}")),
            Look::Video(n) => (named("video_streams", n), format!("video {n}")),
            Look::Application(n) => (named("analytics", n), format!("application {n}")),
            Look::Chart { chart, .. } => (
                !list(chart.drawn_from()).is_empty(),
                format!("chart {} (no {})", chart.name(), chart.drawn_from()),
            ),
            Look::Reader { consumer, shard } => {
                let stream = list("consumers")
                    .iter()
                    .find(|c| c["name"] == consumer.as_str())
                    .and_then(|c| c["stream"].as_str());
                (
                    stream.is_some_and(|s| has_shard(s, shard)),
                    format!("row readers {consumer}/{shard} (a shard of the stream it reads)"),
                )
            }
            Look::Lease { consumer, shard } => {
                let leases = list("consumers")
                    .iter()
                    .find(|c| c["name"] == consumer.as_str())
                    .and_then(|c| c["leases"].as_array());
                (
                    leases
                        .is_some_and(|l| l.iter().any(|lease| lease["leaseKey"] == shard.as_str())),
                    format!("row leases {consumer}/{shard} (a KCL application's lease)"),
                )
            }
        };
        (!found).then(|| format!("look: {what} is not in the run at this moment"))
    }

    /// Why this cannot be shown at a step whose moment is `at_seconds`, if it cannot: a chart's
    /// span ends after the moment (the chart has not drawn it yet) or runs backwards.
    fn misplaced(&self, at_seconds: f64) -> Option<String> {
        let Look::Chart {
            chart,
            from_s,
            to_s,
        } = self
        else {
            return None;
        };
        let name = chart.name();
        match (from_s, to_s) {
            (Some(from), Some(to)) if from > to => Some(format!(
                "look: chart {name} {from}..{to} ends before it begins"
            )),
            (_, Some(to)) if *to > at_seconds => Some(format!(
                "look: chart {name} ends at {to} s, after the step's moment ({at_seconds} s)"
            )),
            (Some(from), _) if *from > at_seconds => Some(format!(
                "look: chart {name} begins at {from} s, after the step's moment ({at_seconds} s)"
            )),
            _ => None,
        }
    }
}

/// Why a step's `looks` cannot be shown together at its moment `at_seconds`, if they cannot: a
/// chart's span after the moment or backwards, looks on different views (the learner sees one
/// view), or a chart without the look naming what it draws (the stream, delivery stream or
/// application it is of: the view shows the selected one).
pub fn check_step(looks: &[Look], at_seconds: f64) -> Result<(), String> {
    if let Some(problem) = looks.iter().find_map(|look| look.misplaced(at_seconds)) {
        return Err(problem);
    }
    if let [first, rest @ ..] = looks
        && let Some(other) = rest.iter().find(|l| l.view() != first.view())
    {
        return Err(format!(
            "look: {first} is on {} and {other} on {}: a step's looks share one view",
            first.view().name(),
            other.view().name()
        ));
    }
    for look in looks {
        let Look::Chart { chart, .. } = look else {
            continue;
        };
        let (named, kind) = match chart {
            Chart::Lag => continue,
            Chart::Throughput => (
                looks
                    .iter()
                    .any(|l| matches!(l, Look::Lane { .. } | Look::Stream(_))),
                "stream (or lane)",
            ),
            Chart::Flushes | Chart::Freshness => (
                looks.iter().any(|l| matches!(l, Look::Firehose(_))),
                "firehose",
            ),
            Chart::Windows | Chart::Anomaly | Chart::Hotspots => (
                looks.iter().any(|l| matches!(l, Look::Application(_))),
                "application",
            ),
        };
        if !named {
            return Err(format!(
                "look: chart {} needs the {kind} it draws: add a look: {kind} line",
                chart.name()
            ));
        }
    }
    Ok(())
}

/// As a learner reads it: `lane clicks/shardId-000000000002`, `chart lag 20–80 s`.
impl fmt::Display for Look {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Look::Lane { stream, shard } => write!(f, "lane {stream}/{shard}"),
            Look::Stream(n) => write!(f, "stream {n}"),
            Look::Producer(n) => write!(f, "producer {n}"),
            Look::Consumer(n) => write!(f, "consumer {n}"),
            Look::Firehose(n) => write!(f, "the buffer of {n}"),
            Look::Video(n) => write!(f, "video {n}"),
            Look::Application(n) => write!(f, "application {n}"),
            Look::Reader { consumer, shard } => write!(f, "{consumer} on {shard}"),
            Look::Lease { consumer, shard } => write!(f, "{consumer}'s lease of {shard}"),
            Look::Chart {
                chart,
                from_s,
                to_s,
            } => {
                write!(f, "chart {}", chart.name())?;
                match (from_s, to_s) {
                    (None, None) => Ok(()),
                    (Some(from), Some(to)) => write!(f, " {from}–{to} s"),
                    (Some(from), None) => write!(f, " from {from} s"),
                    (None, Some(to)) => write!(f, " to {to} s"),
                }
            }
        }
    }
}

/// `A/B` of a look whose target is written that way.
fn pair(target: &str, kind: &str, shape: &str) -> Result<(String, String), String> {
    target
        .split_once('/')
        .filter(|(a, b)| !a.is_empty() && !b.is_empty())
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .ok_or_else(|| format!("look: {kind} {target:?} is {shape}"))
}

/// `NAME`, `NAME FROM..TO`, `NAME FROM..` or `NAME ..TO` (seconds of the scenario).
fn parse_chart(target: &str) -> Result<Look, String> {
    let (name, span) = match target.split_once(' ') {
        Some((name, span)) => (name, Some(span.trim())),
        None => (target, None),
    };
    let chart = Chart::ALL
        .into_iter()
        .find(|c| c.name() == name)
        .ok_or_else(|| {
            let names: Vec<&str> = Chart::ALL.iter().map(|c| c.name()).collect();
            format!("look: chart {name:?} is not one of {}", names.join(", "))
        })?;
    let (from_s, to_s) = match span {
        None => (None, None),
        Some(_) if chart == Chart::Hotspots => {
            return Err("look: chart hotspots takes no span: its axes are not time".into());
        }
        Some(span) => {
            let (from, to) = span
                .split_once("..")
                .ok_or_else(|| format!("look: chart {name} {span:?} is FROM..TO in seconds"))?;
            (seconds(from)?, seconds(to)?)
        }
    };
    Ok(Look::Chart {
        chart,
        from_s,
        to_s,
    })
}

fn seconds(text: &str) -> Result<Option<f64>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && s >= 0.0 => Ok(Some(s)),
        _ => Err(format!("look: {text:?} is not 0 or more seconds")),
    }
}

/// `TABLE KEY`: `readers CONSUMER/SHARD`, `leases CONSUMER/SHARD`, `consumers NAME` or
/// `producers NAME`.
fn parse_row(target: &str) -> Result<Look, String> {
    let (table, key) = target
        .split_once(' ')
        .map(|(t, k)| (t, k.trim()))
        .ok_or_else(|| format!("look: row {target:?} is TABLE KEY (readers CONSUMER/SHARD)"))?;
    Ok(match table {
        "readers" => {
            let (consumer, shard) = pair(key, "row readers", "CONSUMER/SHARD")?;
            Look::Reader { consumer, shard }
        }
        "leases" => {
            let (consumer, shard) = pair(key, "row leases", "CONSUMER/SHARD")?;
            Look::Lease { consumer, shard }
        }
        "consumers" => Look::Consumer(key.to_owned()),
        "producers" => Look::Producer(key.to_owned()),
        other => {
            return Err(format!(
                "look: row {other:?}: the tables are readers, leases, consumers and producers"
            ));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn charts_take_an_optional_span_of_seconds() {
        assert_eq!(
            Look::parse("chart lag 20..80"),
            Ok(Look::Chart {
                chart: Chart::Lag,
                from_s: Some(20.0),
                to_s: Some(80.0)
            })
        );
        assert_eq!(
            Look::parse("chart throughput 30.."),
            Ok(Look::Chart {
                chart: Chart::Throughput,
                from_s: Some(30.0),
                to_s: None
            })
        );
        assert_eq!(
            Look::parse("chart windows"),
            Ok(Look::Chart {
                chart: Chart::Windows,
                from_s: None,
                to_s: None
            })
        );
        assert!(
            Look::parse("chart pie")
                .unwrap_err()
                .contains("throughput, lag")
        );
        assert!(Look::parse("chart lag 20-80").is_err());
        assert!(Look::parse("chart lag -5..").is_err());
        assert!(Look::parse("chart hotspots 0..5").is_err());
        let lag = Look::parse("chart lag 20..80").unwrap();
        assert_eq!(lag.to_string(), "chart lag 20–80 s");
    }

    #[test]
    fn rows_name_their_table() {
        assert_eq!(
            Look::parse("row readers app/shardId-000000000001"),
            Ok(Look::Reader {
                consumer: "app".into(),
                shard: "shardId-000000000001".into()
            })
        );
        assert_eq!(
            Look::parse("row producers web"),
            Ok(Look::Producer("web".into()))
        );
        assert!(Look::parse("row readers app").is_err());
        assert_eq!(
            Look::parse("row leases app/shardId-000000000000"),
            Ok(Look::Lease {
                consumer: "app".into(),
                shard: "shardId-000000000000".into()
            })
        );
        assert!(
            Look::parse("row objects x")
                .unwrap_err()
                .contains("readers")
        );
        assert!(Look::parse("lane /x").is_err());
    }

    #[test]
    fn a_span_after_the_moment_or_backwards_is_misplaced() {
        let span = |from, to| Look::Chart {
            chart: Chart::Lag,
            from_s: from,
            to_s: to,
        };
        assert_eq!(span(Some(10.0), Some(30.0)).misplaced(30.0), None);
        assert!(span(Some(10.0), Some(31.0)).misplaced(30.0).is_some());
        assert!(span(Some(31.0), None).misplaced(30.0).is_some());
        assert!(span(Some(20.0), Some(10.0)).misplaced(30.0).is_some());
        assert_eq!(span(None, None).misplaced(0.0), None);
    }

    #[test]
    fn a_step_shows_one_view_and_names_what_its_charts_draw() {
        let looks = |lines: &[&str]| -> Vec<Look> {
            lines.iter().map(|l| Look::parse(l).unwrap()).collect()
        };
        let shown = looks(&["lane s/shardId-000000000000", "chart throughput 0..10"]);
        assert_eq!(check_step(&shown, 10.0), Ok(()));
        let two_views = looks(&["lane s/shardId-000000000000", "consumer app"]);
        assert!(
            check_step(&two_views, 10.0)
                .unwrap_err()
                .contains("share one view")
        );
        let unnamed = looks(&["chart windows 0..59"]);
        assert!(
            check_step(&unnamed, 60.0)
                .unwrap_err()
                .contains("look: application")
        );
        assert_eq!(check_step(&looks(&["chart lag"]), 60.0), Ok(()));
        assert!(check_step(&looks(&["chart lag 0..61"]), 60.0).is_err());
    }

    #[test]
    fn what_is_not_in_the_run_is_missing() {
        let report = json!({
            "streams": [
                {"name": "orders", "shards": [{"shard_id": "shardId-000000000000"}]},
                {"name": "other", "shards": [{"shard_id": "shardId-000000000001"}]},
            ],
            "consumers": [{"name": "app", "stream": "orders",
                           "leases": [{"leaseKey": "shardId-000000000000"}]}],
            "firehoses": [],
        });
        let reader = |shard: &str| Look::Reader {
            consumer: "app".into(),
            shard: shard.into(),
        };
        assert_eq!(reader("shardId-000000000000").missing_in(&report), None);
        assert!(reader("shardId-000000000009").missing_in(&report).is_some());
        // A shard of another stream than the one the application reads.
        assert!(reader("shardId-000000000001").missing_in(&report).is_some());
        let lease = |shard: &str| Look::Lease {
            consumer: "app".into(),
            shard: shard.into(),
        };
        assert_eq!(lease("shardId-000000000000").missing_in(&report), None);
        assert!(lease("shardId-000000000001").missing_in(&report).is_some());
        let chart = |chart| Look::Chart {
            chart,
            from_s: None,
            to_s: None,
        };
        assert_eq!(chart(Chart::Lag).missing_in(&report), None);
        assert!(chart(Chart::Flushes).missing_in(&report).is_some());
        assert!(chart(Chart::Anomaly).missing_in(&report).is_some());
    }
}
