//! What the Analytics tab shows, copied out of the engine: every application in a line, and for
//! the selected one its code and configuration, each in-application stream's newest rows, the
//! windows its pumps closed, the anomaly scores and hotspots it computed.

use kinescope_core::World;
use kinescope_core::analytics::application::Application;
use kinescope_core::analytics::flink_translation::agreement;
use kinescope_core::analytics::program::{Program, Row, SCORE_COLUMN};
use kinescope_core::analytics::shapes::{Input, ReferenceDataSource};
use kinescope_core::analytics::value::{SqlType, Value};

/// Rows of each stream shown in its table.
const ROWS_SHOWN: usize = 60;
/// Points of each series drawn.
const POINTS_SHOWN: usize = 1_000;

/// An application in the resource tree.
#[derive(Debug, Clone, PartialEq)]
pub struct AppSummary {
    pub name: String,
    pub status: String,
    pub records_in: u64,
}

/// One in-application stream as a table.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamTable {
    pub name: String,
    pub columns: Vec<String>,
    /// The newest rows, newest last: ROWTIME (epoch ms) and each value as text.
    pub rows: Vec<(i64, Vec<String>)>,
    pub total: u64,
}

/// A closed tumbling window, with the rows it gave.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowBox {
    pub pump: String,
    pub start_ms: i64,
    pub end_ms: i64,
    pub lines: Vec<String>,
}

/// RANDOM_CUT_FOREST's work: the input series, the scores beneath it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScoreView {
    pub stream: String,
    pub input_name: String,
    /// [epoch seconds, value], a point per row (empty when the rows have no other number).
    pub input: Vec<[f64; 2]>,
    /// [epoch seconds, score], a point per row, beside `input`'s.
    pub scores: Vec<[f64; 2]>,
    pub max: f64,
    /// The column the newest explanation says moved most, with its direction.
    pub strongest: Option<String>,
}

/// HOTSPOTS' work: the points, and the boxes of the newest result.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HotspotView {
    pub x_name: String,
    pub y_name: String,
    pub points: Vec<[f64; 2]>,
    /// Each hotspot: its lower and upper corners, and its density.
    pub boxes: Vec<([f64; 2], [f64; 2], f64)>,
}

/// The application as Flink SQL, and how the two agree.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FlinkView {
    pub sql: String,
    /// What did not carry over, by line of the original code.
    pub notes: Vec<String>,
    /// For each stream both run: the stream, rows that agree, rows compared.
    pub agreement: Vec<(String, usize, usize)>,
    /// Whether the Flink SQL runs here beside the original.
    pub running: bool,
    pub error: Option<String>,
}

/// The selected application.
#[derive(Debug, Clone, PartialEq)]
pub struct AppDetail {
    pub name: String,
    pub status: String,
    pub version: i64,
    pub code: String,
    pub source: String,
    pub input_id: Option<String>,
    pub input: Option<Input>,
    pub references: Vec<(String, ReferenceDataSource)>,
    pub outputs: Vec<String>,
    pub records_in: u64,
    pub records_rejected: u64,
    pub errors_total: u64,
    pub source_error: Option<String>,
    /// The newest runtime errors, newest last.
    pub errors: Vec<String>,
    pub streams: Vec<StreamTable>,
    pub windows: Vec<WindowBox>,
    pub scores: Option<ScoreView>,
    pub hotspots: Option<HotspotView>,
    pub flink: Option<FlinkView>,
    pub create_timestamp_ms: i64,
}

/// Every application, in a line each.
pub fn summaries(world: &World) -> Vec<AppSummary> {
    world
        .analytics_applications()
        .values()
        .map(|app| AppSummary {
            name: app.name.clone(),
            status: app.status.as_str().to_owned(),
            records_in: app.runtime.as_ref().map_or(0, |r| r.records_in),
        })
        .collect()
}

fn source_label(app: &Application) -> String {
    let Some(input) = app.inputs.first().map(|i| &i.input) else {
        return "no input yet".into();
    };
    let arn = input.source_arn();
    let name = arn.rsplit_once(':').map_or(arn, |(_, r)| r);
    format!("{name} into {}", Application::in_app_stream_name(input))
}

/// A value as a table shows it: numbers to four decimals at most.
fn shown(value: &Value) -> String {
    match value {
        Value::Double(d) if d.is_finite() => {
            let text = format!("{d:.4}");
            text.trim_end_matches('0').trim_end_matches('.').to_owned()
        }
        other => other.to_string(),
    }
}

fn table(stream: &kinescope_core::analytics::program::InAppStream) -> StreamTable {
    let skip = stream.rows.len().saturating_sub(ROWS_SHOWN);
    StreamTable {
        name: stream.name.clone(),
        columns: stream.columns.iter().map(|(c, _)| c.clone()).collect(),
        rows: stream
            .rows
            .iter()
            .skip(skip)
            .map(|r| (r.rowtime_ms, r.values.iter().map(shown).collect()))
            .collect(),
        total: stream.rows_total,
    }
}

/// The windows each tumbling pump closed, from the rows its target received (a window's rows
/// leave at its end).
fn windows(program: &Program) -> Vec<WindowBox> {
    let mut boxes: Vec<WindowBox> = Vec::new();
    for pump in &program.pumps {
        let (Some(size), Some(target)) = (pump.window_ms(), program.stream(&pump.target)) else {
            continue;
        };
        for row in &target.rows {
            let line: Vec<String> = row.values.iter().map(shown).collect();
            let line = line.join(" · ");
            match boxes
                .iter_mut()
                .find(|b| b.pump == pump.name && b.end_ms == row.rowtime_ms)
            {
                Some(window) => window.lines.push(line),
                None => boxes.push(WindowBox {
                    pump: pump.name.clone(),
                    start_ms: row.rowtime_ms - size,
                    end_ms: row.rowtime_ms,
                    lines: vec![line],
                }),
            }
        }
    }
    boxes
}

fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Int(_) | Value::Double(_) => value.as_f64(),
        _ => None,
    }
}

fn seconds(ms: i64) -> f64 {
    ms as f64 / 1_000.0
}

/// Epoch seconds for each row: rows that share a ROWTIME (read in the same poll) spread evenly
/// over the second after it, so a series draws as a line rather than a column.
fn spread_times<'a>(rows: impl Iterator<Item = &'a Row>) -> Vec<f64> {
    let times: Vec<i64> = rows.map(|r| r.rowtime_ms).collect();
    let mut out = Vec::with_capacity(times.len());
    let mut start = 0;
    while start < times.len() {
        let end = start
            + times[start..]
                .iter()
                .take_while(|t| **t == times[start])
                .count();
        let n = (end - start) as f64;
        for k in 0..end - start {
            out.push(seconds(times[start]) + k as f64 / n);
        }
        start = end;
    }
    out
}

/// The anomaly scores of the first stream that receives them (its rows in the order they were
/// scored), with the input series beside them, row for row.
fn scores(program: &Program) -> Option<ScoreView> {
    let stream = program
        .streams
        .iter()
        .find(|s| s.columns.iter().any(|(c, _)| c == SCORE_COLUMN))?;
    let columns = &stream.columns;
    let score_at = columns.iter().position(|(c, _)| c == SCORE_COLUMN)?;
    let input_at = columns
        .iter()
        .position(|(c, k)| c != SCORE_COLUMN && matches!(k, SqlType::Integer | SqlType::Double));
    let explanation_at = columns.iter().position(|(c, _)| c == "ANOMALY_EXPLANATION");
    let skip = stream.rows.len().saturating_sub(POINTS_SHOWN);
    let rows: Vec<&Row> = stream.rows.iter().skip(skip).collect();
    let times = spread_times(rows.iter().copied());
    let series = |at: usize| -> Vec<[f64; 2]> {
        rows.iter()
            .zip(&times)
            .map(|(r, t)| [*t, number(&r.values[at]).unwrap_or(f64::NAN)])
            .collect()
    };
    let track = program.score_tracks.get(&stream.name);
    Some(ScoreView {
        stream: stream.name.clone(),
        input_name: input_at.map(|i| columns[i].0.clone()).unwrap_or_default(),
        input: input_at.map(series).unwrap_or_default(),
        scores: series(score_at),
        max: track.map_or(0.0, |t| t.max),
        strongest: explanation_at.and_then(|i| {
            let newest = stream.rows.iter().rev().find_map(|r| match &r.values[i] {
                Value::Text(t) if !t.is_empty() => Some(t.clone()),
                _ => None,
            })?;
            strongest_column(&newest)
        }),
    })
}

/// The column an ANOMALY_EXPLANATION gives the highest attribution, and its direction.
pub fn strongest_column(explanation: &str) -> Option<String> {
    let json: serde_json::Value = serde_json::from_str(explanation).ok()?;
    let attribution = |v: &serde_json::Value| {
        v["ATTRIBUTION_SCORE"]
            .as_str()
            .and_then(|s| s.parse::<f64>().ok())
            .or_else(|| v["ATTRIBUTION_SCORE"].as_f64())
            .unwrap_or(0.0)
    };
    let (name, detail) = json
        .as_object()?
        .iter()
        .max_by(|a, b| attribution(a.1).total_cmp(&attribution(b.1)))?;
    let direction = detail["DIRECTION"].as_str().unwrap_or("");
    Some(format!("{name} ({direction})"))
}

/// The points and newest hotspots of the stream HOTSPOTS writes.
fn hotspots(program: &Program) -> Option<HotspotView> {
    let stream = program
        .streams
        .iter()
        .rev()
        .find(|s| s.columns.iter().any(|(c, _)| c == "HOTSPOTS_RESULT"))?;
    let columns = &stream.columns;
    let result_at = columns.iter().position(|(c, _)| c == "HOTSPOTS_RESULT")?;
    let numeric: Vec<usize> = columns
        .iter()
        .enumerate()
        .filter(|(_, (_, k))| matches!(k, SqlType::Integer | SqlType::Double))
        .map(|(i, _)| i)
        .take(2)
        .collect();
    let [x, y] = numeric[..] else {
        return None;
    };
    let points = stream
        .rows
        .iter()
        .filter_map(|r| Some([number(&r.values[x])?, number(&r.values[y])?]))
        .collect();
    let boxes = match stream.rows.back().map(|r| &r.values[result_at]) {
        Some(Value::Text(json)) => {
            let json: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
            json["hotspots"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|h| {
                    let corner = |key: &str| -> Option<[f64; 2]> {
                        Some([h[key][0].as_f64()?, h[key][1].as_f64()?])
                    };
                    Some((
                        corner("minValues")?,
                        corner("maxValues")?,
                        h["density"].as_f64()?,
                    ))
                })
                .collect()
        }
        _ => Vec::new(),
    };
    Some(HotspotView {
        x_name: columns[x].0.clone(),
        y_name: columns[y].0.clone(),
        points,
        boxes,
    })
}

/// The application called `name`, if there is one.
pub fn detail(world: &World, name: &str) -> Option<AppDetail> {
    let app = world.analytics_applications().get(name)?;
    let runtime = app.runtime.as_ref();
    let program = runtime.map(|r| &r.program);
    Some(AppDetail {
        name: app.name.clone(),
        status: app.status.as_str().to_owned(),
        version: app.version_id,
        code: app.code.clone().unwrap_or_default(),
        source: source_label(app),
        input_id: app.inputs.first().map(|i| i.id.clone()),
        input: app.inputs.first().map(|i| i.input.clone()),
        references: app.references.clone(),
        outputs: app
            .outputs
            .iter()
            .map(|(_, o)| {
                let target = o.destination_arn();
                let target = target.rsplit_once(':').map_or(target, |(_, r)| r);
                let stream = o.name.clone().unwrap_or_default();
                let written = runtime
                    .and_then(|r| r.outputs.iter().find(|w| w.stream == stream))
                    .map_or(0, |w| w.records_out);
                format!("{stream} to {target} · {written} written")
            })
            .collect(),
        records_in: runtime.map_or(0, |r| r.records_in),
        records_rejected: runtime.map_or(0, |r| r.records_rejected),
        errors_total: program.map_or(0, |p| p.errors_total),
        source_error: runtime.and_then(|r| r.source_error.clone()),
        errors: program
            .map(|p| {
                let skip = p.errors.len().saturating_sub(5);
                p.errors
                    .iter()
                    .skip(skip)
                    .map(|e| format!("{}: {}", e.error_name, e.message))
                    .collect()
            })
            .unwrap_or_default(),
        streams: program
            .map(|p| p.streams.iter().map(table).collect())
            .unwrap_or_default(),
        windows: program.map(windows).unwrap_or_default(),
        scores: program.and_then(scores),
        hotspots: program.and_then(hotspots),
        flink: runtime.and_then(|r| {
            let mirror = r.flink.as_ref()?;
            let agreement = mirror
                .program
                .as_ref()
                .map(|p| agreement(&r.program, p, &r.input_stream))
                .unwrap_or_default();
            Some(FlinkView {
                sql: mirror.translation.sql.clone(),
                notes: mirror
                    .translation
                    .notes
                    .iter()
                    .map(|(line, note)| format!("line {line}: {note}"))
                    .collect(),
                agreement,
                running: mirror.program.is_some(),
                error: mirror.error.clone(),
            })
        }),
        create_timestamp_ms: app.created_ms,
    })
}
