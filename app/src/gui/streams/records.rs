//! The record browser: a shard, one of the five starting positions, 50 records a page with Next,
//! raw / JSON / hex views, KPL de-aggregation, a filter and "follow live". Peek mode reads the
//! shard's log without touching its read limits; faithful mode reads with GetShardIterator and
//! GetRecords, which count against the shard's 5 reads/s and 2 MiB/s like any consumer.

use crate::gui::top_bar::clock_text;
use crate::gui::{Inspector, produce};
use kinescope_core::live::SharedWorld;
use kinescope_core::sim::kpl::{self, UserRecord};
use kinescope_core::streams::ops::read::{GetRecordsInput, GetShardIteratorInput};
use kinescope_core::streams::sequence::SequenceNumber;
use kinescope_core::streams::shapes::{ShardId, ShardIteratorType};
use kinescope_core::time::Timestamp;

/// Records a page holds.
pub const PAGE: usize = 50;
/// Rows kept while following live.
const FOLLOW_ROWS: usize = 200;

/// Where reading starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    TrimHorizon,
    Latest,
    AtSequenceNumber,
    AfterSequenceNumber,
    AtTimestamp,
}

impl Position {
    const ALL: [Position; 5] = [
        Position::TrimHorizon,
        Position::Latest,
        Position::AtSequenceNumber,
        Position::AfterSequenceNumber,
        Position::AtTimestamp,
    ];

    fn iterator_type(self) -> ShardIteratorType {
        match self {
            Position::TrimHorizon => ShardIteratorType::TrimHorizon,
            Position::Latest => ShardIteratorType::Latest,
            Position::AtSequenceNumber => ShardIteratorType::AtSequenceNumber,
            Position::AfterSequenceNumber => ShardIteratorType::AfterSequenceNumber,
            Position::AtTimestamp => ShardIteratorType::AtTimestamp,
        }
    }
}

/// How record data is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DataView {
    #[default]
    Raw,
    Json,
    Hex,
}

/// One record as listed.
#[derive(Debug, Clone)]
pub struct RecordRow {
    pub sequence: SequenceNumber,
    pub arrival_ms: i64,
    pub partition_key: String,
    pub data: Vec<u8>,
    /// The user records inside, when the record is a KPL aggregate.
    pub users: Option<Vec<UserRecord>>,
}

#[derive(Debug, Clone)]
enum Cursor {
    /// Peek: the next ordinal of the log.
    Ordinal(u64),
    /// Faithful: the NextShardIterator.
    Iterator(String),
}

/// What the browser asks the next `logic()` to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    Start,
    Next,
}

/// The browser's state.
#[derive(Debug, Clone)]
pub struct Browser {
    pub shard: Option<ShardId>,
    pub position: Position,
    pub sequence: String,
    pub timestamp: String,
    pub view: DataView,
    pub filter: String,
    pub follow: bool,
    pub faithful: bool,
    pub rows: Vec<RecordRow>,
    cursor: Option<Cursor>,
    pub request: Option<Request>,
    pub error: Option<String>,
}

impl Default for Browser {
    fn default() -> Self {
        Self {
            shard: None,
            position: Position::TrimHorizon,
            sequence: String::new(),
            timestamp: String::new(),
            view: DataView::Raw,
            filter: String::new(),
            follow: false,
            faithful: false,
            rows: Vec::new(),
            cursor: None,
            request: None,
            error: None,
        }
    }
}

impl Browser {
    /// Runs the pending request (or the follow-live read) against `world`.
    pub fn logic(&mut self, world: &SharedWorld, stream: Option<&str>) {
        // A request waits until the panel has chosen a shard.
        let (Some(stream), Some(shard)) = (stream, self.shard) else {
            return;
        };
        let request = self
            .request
            .take()
            .or((self.follow && self.cursor.is_some()).then_some(Request::Next));
        let Some(request) = request else {
            return;
        };
        let result = match request {
            Request::Start => {
                self.rows.clear();
                self.start(world, stream, shard)
            }
            Request::Next => self.next(world, stream, shard),
        };
        match result {
            Ok(()) => self.error = None,
            Err(message) => {
                self.error = Some(message);
                self.follow = false;
            }
        }
        if self.rows.len() > FOLLOW_ROWS {
            self.rows.drain(..self.rows.len() - FOLLOW_ROWS);
        }
    }

    fn start(&mut self, world: &SharedWorld, stream: &str, shard: ShardId) -> Result<(), String> {
        let sequence = match self.position {
            Position::AtSequenceNumber | Position::AfterSequenceNumber => Some(
                SequenceNumber::parse(self.sequence.trim())
                    .ok_or("Type a sequence number of this shard (digits only)")?,
            ),
            _ => None,
        };
        let timestamp = match self.position {
            Position::AtTimestamp => Some(
                Timestamp::parse(self.timestamp.trim())
                    .ok_or("Type a time as epoch seconds or 2026-11-25T10:42:17Z (virtual time)")?,
            ),
            _ => None,
        };
        if self.faithful {
            let mut input =
                GetShardIteratorInput::new(stream, shard, self.position.iterator_type());
            if let Some(sequence) = &sequence {
                input = input.at_sequence(sequence);
            }
            if let Some(timestamp) = timestamp {
                input = input.at_time(timestamp);
            }
            input.reader_label = Some("record browser".into());
            let out = world
                .apply(input)
                .map_err(|e| format!("{e} ({})", e.code()))?;
            self.cursor = out.shard_iterator.map(Cursor::Iterator);
            return self.next(world, stream, shard);
        }
        let start = world.read_running(|w, _| {
            let log = &w.stream(stream)?.shard(shard)?.log;
            Some(match self.position {
                Position::TrimHorizon => log.trim_ordinal(),
                Position::Latest => log.end_ordinal(),
                Position::AtSequenceNumber => log.first_at_or_after_counter(sequence?.counter),
                Position::AfterSequenceNumber => {
                    log.first_at_or_after_counter(sequence?.counter + 1)
                }
                Position::AtTimestamp => log.first_at_or_after_time(timestamp?.millis()),
            })
        });
        let start = start.ok_or(format!("{shard} of {stream} is gone"))?;
        self.cursor = Some(Cursor::Ordinal(start));
        self.next(world, stream, shard)
    }

    fn next(&mut self, world: &SharedWorld, stream: &str, shard: ShardId) -> Result<(), String> {
        match self.cursor.clone() {
            None => Err("The shard is closed and read to its end".into()),
            Some(Cursor::Iterator(iterator)) => {
                let page = world
                    .apply(GetRecordsInput::new(&iterator, Some(PAGE as u32)))
                    .map_err(|e| format!("{e} ({})", e.code()))?;
                self.rows
                    .extend(page.records.to_records().into_iter().map(|r| RecordRow {
                        users: kpl::deaggregate(&r.data.0),
                        sequence: r.sequence_number,
                        arrival_ms: r.approximate_arrival_timestamp.millis(),
                        partition_key: r.partition_key.into(),
                        data: r.data.0.to_vec(),
                    }));
                self.cursor = page.next_shard_iterator.map(Cursor::Iterator);
                Ok(())
            }
            Some(Cursor::Ordinal(from)) => {
                let (rows, next) = world.read_running(|w, _| {
                    let Some(state) = w.stream(stream).and_then(|s| s.shard(shard)) else {
                        return (Vec::new(), from);
                    };
                    let rows: Vec<RecordRow> = state
                        .log
                        .iter_from(from)
                        .take(PAGE)
                        .map(|r| RecordRow {
                            sequence: state.sequence_number(r.counter, r.arrival_ms),
                            arrival_ms: r.arrival_ms,
                            partition_key: r.partition_key.to_owned(),
                            users: kpl::deaggregate(r.data),
                            data: r.data.to_vec(),
                        })
                        .collect();
                    let next = state.log.first_at_or_after_counter(
                        rows.last().map_or(0, |r| r.sequence.counter + 1),
                    );
                    let next = if rows.is_empty() {
                        from
                    } else {
                        next.max(from)
                    };
                    (rows, next)
                });
                self.rows.extend(rows);
                self.cursor = Some(Cursor::Ordinal(next));
                Ok(())
            }
        }
    }
}

/// The data as the chosen view shows it.
pub fn render(data: &[u8], view: DataView) -> String {
    match view {
        DataView::Hex => data
            .iter()
            .take(512)
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(" "),
        DataView::Json => match serde_json::from_slice::<serde_json::Value>(data) {
            Ok(value) => serde_json::to_string_pretty(&value).unwrap_or_default(),
            Err(_) => format!("(not JSON) {}", escaped(data)),
        },
        DataView::Raw => escaped(data),
    }
}

/// UTF-8 with escapes for everything else, cut at 400 characters.
fn escaped(data: &[u8]) -> String {
    let text: String = data.utf8_chunks().fold(String::new(), |mut out, chunk| {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
        out
    });
    match text.char_indices().nth(400) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text,
    }
}

/// Draws the browser.
pub fn show(ui: &mut egui::Ui, app: &mut Inspector) {
    let Some(stream) = app.selected_stream(ui) else {
        return;
    };
    let browser = &mut app.browser;
    if browser.shard.is_none() {
        browser.shard = app.selection.shard.or(stream.shards.first().map(|s| s.id));
    }
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Shard");
        egui::ComboBox::from_id_salt("browser_shard")
            .selected_text(browser.shard.map_or("none".into(), |s| s.to_string()))
            .show_ui(ui, |ui| {
                for shard in &stream.shards {
                    ui.selectable_value(&mut browser.shard, Some(shard.id), shard.id.to_string());
                }
            })
            .response
            .labelled_by(label.id);
        ui.separator();
        for position in Position::ALL {
            ui.selectable_value(
                &mut browser.position,
                position,
                position.iterator_type().to_string(),
            );
        }
    });
    ui.horizontal_wrapped(|ui| {
        match browser.position {
            Position::AtSequenceNumber | Position::AfterSequenceNumber => {
                let label = ui.label("Sequence number");
                ui.add(
                    egui::TextEdit::singleline(&mut browser.sequence)
                        .desired_width(420.0)
                        .hint_text("a record's sequence number"),
                )
                .labelled_by(label.id);
            }
            Position::AtTimestamp => {
                let label = ui.label("Timestamp");
                ui.add(
                    egui::TextEdit::singleline(&mut browser.timestamp)
                        .desired_width(220.0)
                        .hint_text("epoch seconds or RFC 3339"),
                )
                .labelled_by(label.id);
            }
            _ => {}
        }
        if ui.button("Read").on_hover_text("Read 50 records from the position").clicked() {
            browser.request = Some(Request::Start);
        }
        if ui.button("Next 50").clicked() {
            browser.request = Some(Request::Next);
        }
        ui.checkbox(&mut browser.follow, "Follow live")
            .on_hover_text("Keep reading new records as they arrive");
        ui.checkbox(&mut browser.faithful, "Faithful reads")
            .on_hover_text("Read with GetShardIterator and GetRecords: the calls count against the shard's 5 reads/s and 2 MiB/s and can be throttled. Off: peek at the log without touching any limit.");
    });
    ui.horizontal(|ui| {
        ui.label("Show");
        ui.selectable_value(&mut browser.view, DataView::Raw, "Raw");
        ui.selectable_value(&mut browser.view, DataView::Json, "JSON");
        ui.selectable_value(&mut browser.view, DataView::Hex, "Hex");
        ui.separator();
        let label = ui.label("Filter");
        ui.add(
            egui::TextEdit::singleline(&mut browser.filter)
                .desired_width(200.0)
                .hint_text("partition key or text"),
        )
        .labelled_by(label.id);
    });
    if let Some(error) = &browser.error {
        ui.colored_label(ui.visuals().warn_fg_color, error);
    }
    let filter = browser.filter.clone();
    let view = browser.view;
    let rows: Vec<&RecordRow> = browser
        .rows
        .iter()
        .filter(|r| {
            filter.is_empty()
                || r.partition_key.contains(&filter)
                || String::from_utf8_lossy(&r.data).contains(&filter)
        })
        .collect();
    ui.label(format!("{} records", rows.len()));
    let mut reproduce = None;
    egui::ScrollArea::vertical().show(ui, |ui| {
        crate::gui::widgets::table::unwrapped(ui, |ui| {
            egui::Grid::new("records").striped(true).show(ui, |ui| {
                for title in [
                    "Sequence number",
                    "Arrived",
                    "Partition key",
                    "Bytes",
                    "Data",
                    "",
                ] {
                    ui.strong(title);
                }
                ui.end_row();
                for row in rows {
                    ui.monospace(row.sequence.to_string());
                    ui.label(clock_text(row.arrival_ms));
                    ui.label(&row.partition_key);
                    ui.label(row.data.len().to_string());
                    match &row.users {
                        Some(users) => {
                            ui.vertical(|ui| {
                                ui.label(format!("KPL aggregate of {} user records", users.len()));
                                for (sub, user) in users.iter().enumerate().take(20) {
                                    ui.monospace(format!(
                                        "{sub}: {} · {}",
                                        user.partition_key,
                                        render(&user.data, view)
                                    ));
                                }
                            });
                        }
                        None => {
                            let full = render(&row.data, view);
                            let short = match full.char_indices().nth(110) {
                                Some((cut, _)) if view != DataView::Json => {
                                    format!("{}...", &full[..cut])
                                }
                                _ => full.clone(),
                            };
                            // Pretty JSON keeps its lines; nothing else wraps.
                            ui.add(
                                egui::Label::new(egui::RichText::new(short).monospace()).extend(),
                            )
                            .on_hover_text(full);
                        }
                    }
                    if ui
                        .small_button("Re-produce")
                        .on_hover_text("Copy this record into the Produce panel")
                        .clicked()
                    {
                        reproduce = Some(row.clone());
                    }
                    ui.end_row();
                }
            })
        });
    });
    if let Some(row) = reproduce {
        produce::fill_from(app, &row);
    }
}
