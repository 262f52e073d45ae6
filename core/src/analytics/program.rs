//! Application code compiled and running (reference D): in-application streams holding rows
//! (each with its ROWTIME), and pumps moving rows between them — a row at a time for a plain
//! SELECT, a window at a time for a GROUP BY over a tumbling window, which closes once ROWTIME
//! passes its end. Rows enter through `SOURCE_SQL_STREAM_001`; everything runs on the clock the
//! caller gives, so the same input gives the same output.

use super::function_stage::FunctionStage;
use super::ordering::OrderedBuffer;
use super::pump::Pump;
use super::sql::SqlError;
use super::sql::query::{AGGREGATES, arguments, expr_offset, function_name, plan};
use super::sql::statements::{self, Statement};
use super::value::{SqlType, Value};
use sqlparser::ast::{Expr, Ident};
use std::collections::{BTreeMap, VecDeque};

/// The input's in-application stream.
pub const SOURCE_STREAM: &str = "SOURCE_SQL_STREAM_001";
/// Rows each stream keeps for people to look at.
const ROWS_KEPT: usize = 1_000;

/// One row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub rowtime_ms: i64,
    pub values: Vec<Value>,
}

/// An in-application stream.
#[derive(Debug, Clone, PartialEq)]
pub struct InAppStream {
    pub name: String,
    pub columns: Vec<(String, SqlType)>,
    /// The newest rows.
    pub rows: VecDeque<Row>,
    pub rows_total: u64,
    /// A Flink table's processing-time column, filled with each row's ROWTIME.
    pub proctime: Option<usize>,
}

/// The in-application stream runtime errors go to.
pub const ERROR_STREAM: &str = "error_stream";

/// A row of the `error_stream`: a record that did not fit the input schema, or a row a pump could
/// not compute.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorRecord {
    pub error_time_ms: i64,
    /// What went wrong, in a word or two (`Unable to parse`, `Pump error`).
    pub error_name: String,
    pub message: String,
    /// The ROWTIME of the row at fault.
    pub data_rowtime_ms: i64,
    /// The row (or record) at fault, as text (hex-encoded in the stream's DATA_ROW).
    pub data_row: String,
    /// The pump that failed, if one did.
    pub pump_name: Option<String>,
}

/// The column RANDOM_CUT_FOREST adds.
pub const SCORE_COLUMN: &str = "ANOMALY_SCORE";
/// Scores each stream keeps for charts and reports.
const SCORES_KEPT: usize = 100_000;

/// The ANOMALY_SCORE values a stream received: the highest, and each with its ROWTIME.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScoreTrack {
    pub max: f64,
    pub scores: VecDeque<(i64, f64)>,
}

/// Application code, compiled.
#[derive(Debug)]
pub struct Program {
    pub streams: Vec<InAppStream>,
    pub pumps: Vec<Pump>,
    /// The `error_stream`'s newest rows.
    pub errors: VecDeque<ErrorRecord>,
    pub errors_total: u64,
    /// Streams whose rows are also kept for an output to take.
    tapped: Vec<String>,
    outbox: Vec<(String, Row)>,
    /// The scores of every stream with an ANOMALY_SCORE column, by stream.
    pub score_tracks: BTreeMap<String, ScoreTrack>,
    /// Reference tables (from S3), which queries join.
    pub tables: Vec<InAppStream>,
}

fn aggregates_in(expr: &Expr, found: &mut Vec<(Expr, String, Option<Expr>)>) {
    let _ = sqlparser::ast::visit_expressions(expr, |e| {
        if let Expr::Function(f) = e {
            let name = function_name(f);
            if AGGREGATES.contains(&name.as_str()) && !found.iter().any(|(x, _, _)| x == e) {
                let arg = arguments(f).first().copied().flatten().cloned();
                found.push((e.clone(), name, arg));
            }
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
}

/// `SELECT *` of `columns`, as projections.
fn all_columns(columns: &[(String, SqlType)]) -> Vec<(Expr, Option<String>)> {
    columns
        .iter()
        .map(|(name, _)| {
            (
                Expr::Identifier(Ident::with_quote('"', name)),
                Some(name.clone()),
            )
        })
        .collect()
}

/// Checks that the names `expr` uses are `columns` of stream `stream` (or ROWTIME); the error's
/// offset is within the query.
fn check_names(
    query: &str,
    expr: &Expr,
    columns: &[(String, SqlType)],
    stream: &str,
) -> Result<(), (usize, String)> {
    check_names_with(query, expr, columns, stream, false)
}

/// [`check_names`], also knowing a windowing function's `window_start`, `window_end` and
/// `window_time` when `windowed`.
fn check_names_with(
    query: &str,
    expr: &Expr,
    columns: &[(String, SqlType)],
    stream: &str,
    windowed: bool,
) -> Result<(), (usize, String)> {
    let mut unknown = None;
    let _ = sqlparser::ast::visit_expressions(expr, |e| {
        let ident = match e {
            Expr::Identifier(i) => Some(i),
            Expr::CompoundIdentifier(parts) => parts.last(),
            _ => None,
        };
        if let Some(ident) = ident {
            let name = super::eval::identifier(ident);
            let joined = |c: &str| c.rsplit_once('.').is_some_and(|(_, n)| n == name);
            let window = windowed && super::sql::query::WINDOW_COLUMNS.contains(&name.as_str());
            let known =
                name == "ROWTIME" || window || columns.iter().any(|(c, _)| *c == name || joined(c));
            if !known && unknown.is_none() {
                unknown = Some(e.clone());
            }
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    match unknown {
        Some(e) => {
            let name = match &e {
                Expr::Identifier(i) => super::eval::identifier(i),
                Expr::CompoundIdentifier(parts) => parts
                    .last()
                    .map(super::eval::identifier)
                    .unwrap_or_default(),
                _ => String::new(),
            };
            Err((
                expr_offset(query, &e),
                format!("stream {stream} has no column {name}"),
            ))
        }
        None => Ok(()),
    }
}

impl Program {
    /// Compiles `code` for a source of `source_columns`.
    pub fn compile(code: &str, source_columns: &[(String, SqlType)]) -> Result<Self, SqlError> {
        Self::compile_for(code, SOURCE_STREAM, source_columns)
    }

    /// Compiles `code` whose input enters in-application stream `source` with `source_columns`.
    pub fn compile_for(
        code: &str,
        source: &str,
        source_columns: &[(String, SqlType)],
    ) -> Result<Self, SqlError> {
        Self::compile_with_tables(code, source, source_columns, &[])
    }

    /// Compiles `code` as [`Self::compile_for`] does, with reference `tables` (name and
    /// columns; their rows come with [`Self::set_table_rows`]) that queries may join.
    pub fn compile_with_tables(
        code: &str,
        source: &str,
        source_columns: &[(String, SqlType)],
        tables: &[(String, Vec<(String, SqlType)>)],
    ) -> Result<Self, SqlError> {
        let tables: Vec<InAppStream> = tables
            .iter()
            .map(|(name, columns)| InAppStream {
                name: name.clone(),
                columns: columns.clone(),
                rows: VecDeque::new(),
                rows_total: 0,
                proctime: None,
            })
            .collect();
        let mut streams = vec![InAppStream {
            name: source.into(),
            columns: source_columns.to_vec(),
            rows: VecDeque::new(),
            rows_total: 0,
            proctime: None,
        }];
        let mut pumps = Vec::new();
        let mut work: VecDeque<Statement> = statements::parse(code)?.into();
        while let Some(statement) = work.pop_front() {
            match statement {
                Statement::Stream(decl) => {
                    streams.retain(|s| s.name != decl.name);
                    streams.push(InAppStream {
                        name: decl.name,
                        columns: decl.columns,
                        rows: VecDeque::new(),
                        rows_total: 0,
                        proctime: decl.proctime,
                    });
                }
                // A view is a stream of its query's columns, and a pump filling it.
                Statement::View(view) => {
                    let plan = plan(code, view.query_offset, &view.query)?;
                    let columns = super::view_columns::infer(&plan, &streams, &view.columns);
                    work.push_front(Statement::Pump(statements::PumpDecl {
                        name: format!("VIEW {}", view.name),
                        target: view.name.clone(),
                        columns: None,
                        query: view.query,
                        query_offset: view.query_offset,
                    }));
                    work.push_front(Statement::Stream(statements::StreamDecl {
                        name: view.name,
                        columns,
                        proctime: None,
                    }));
                }
                Statement::Pump(decl) => {
                    let at = |offset: usize, message: String| {
                        SqlError::at(code, decl.query_offset + offset, message)
                    };
                    let mut plan = plan(code, decl.query_offset, &decl.query)?;
                    let source_name = match &plan.function {
                        Some(function) => function.cursor.source.clone(),
                        None => plan.source.clone(),
                    };
                    let source = streams
                        .iter()
                        .find(|s| s.name == source_name)
                        .ok_or_else(|| at(0, format!("no stream {source_name:?} is declared")))?;
                    let target =
                        streams
                            .iter()
                            .find(|s| s.name == decl.target)
                            .ok_or_else(|| {
                                SqlError::at(
                                    code,
                                    decl.query_offset,
                                    format!(
                                        "pump {}: no stream {:?} is declared",
                                        decl.name, decl.target
                                    ),
                                )
                            })?;
                    let (function, input_columns) = match plan.function.as_mut() {
                        Some(function) => {
                            let cursor = &mut function.cursor;
                            if cursor.wildcard {
                                cursor.projections = all_columns(&source.columns);
                            }
                            let cursor_text = &decl.query[function.cursor_offset..];
                            let exprs = cursor.projections.iter().map(|(e, _)| e);
                            for expr in exprs.chain(&cursor.filter) {
                                check_names(cursor_text, expr, &source.columns, &source.name)
                                    .map_err(|(offset, m)| {
                                        at(function.cursor_offset + offset, m)
                                    })?;
                            }
                            let stage = FunctionStage::new(function, &source.columns)
                                .map_err(|m| at(0, m))?;
                            let columns = stage.output_columns.clone();
                            (Some(stage), columns)
                        }
                        None => match &plan.join {
                            Some(join) => {
                                let table =
                                    tables.iter().find(|t| t.name == join.table).ok_or_else(
                                        || at(0, format!("no reference table {:?}", join.table)),
                                    )?;
                                let mut columns = source.columns.clone();
                                columns.extend(
                                    table
                                        .columns
                                        .iter()
                                        .map(|(c, k)| (format!("{}.{c}", join.qualifier), *k)),
                                );
                                check_names(&decl.query, &join.on, &columns, &source.name)
                                    .map_err(|(offset, m)| at(offset, m))?;
                                (None, columns)
                            }
                            None => (None, source.columns.clone()),
                        },
                    };
                    if plan.wildcard {
                        plan.projections = all_columns(&input_columns);
                    }
                    let input_name = match function {
                        Some(_) => super::sql::query::FUNCTION_INPUT.to_owned(),
                        None => source.name.clone(),
                    };
                    let target_columns: Vec<usize> = match &decl.columns {
                        Some(names) => names
                            .iter()
                            .map(|n| {
                                target
                                    .columns
                                    .iter()
                                    .position(|(c, _)| c == n)
                                    .ok_or_else(|| {
                                        at(0, format!("stream {} has no column {n}", target.name))
                                    })
                            })
                            .collect::<Result<_, _>>()?,
                        None => (0..target.columns.len()).collect(),
                    };
                    if target_columns.len() != plan.projections.len() {
                        return Err(at(
                            0,
                            format!(
                                "the SELECT gives {} columns for the {} of {}",
                                plan.projections.len(),
                                target_columns.len(),
                                target.name
                            ),
                        ));
                    }
                    let order_keys = plan
                        .ordering
                        .iter()
                        .flat_map(|o| o.keys.iter().map(|(k, _)| k));
                    let exprs = plan
                        .projections
                        .iter()
                        .map(|(e, _)| e)
                        .chain(&plan.filter)
                        .chain(&plan.group_keys)
                        .chain(order_keys);
                    for expr in exprs {
                        let windowed = plan.tvf.is_some();
                        check_names_with(&decl.query, expr, &input_columns, &input_name, windowed)
                            .map_err(|(offset, m)| at(offset, m))?;
                    }
                    plan.source = source_name;
                    // Rows flow on as they are inserted: a loop of pumps would never end.
                    let mut reached = vec![decl.target.clone()];
                    while let Some(stream) = reached.pop() {
                        if stream == plan.source {
                            return Err(at(
                                0,
                                format!(
                                    "pump {} would feed {} back into itself",
                                    decl.name, plan.source
                                ),
                            ));
                        }
                        reached.extend(
                            pumps
                                .iter()
                                .filter(|p: &&Pump| p.source == stream && p.name != decl.name)
                                .map(|p| p.target.clone()),
                        );
                    }
                    pumps.retain(|p: &Pump| p.name != decl.name);
                    let mut aggregates = Vec::new();
                    for (expr, _) in &plan.projections {
                        aggregates_in(expr, &mut aggregates);
                    }
                    pumps.push(Pump {
                        name: decl.name,
                        source: plan.source.clone(),
                        target: decl.target,
                        target_columns,
                        plan,
                        aggregates,
                        windows: BTreeMap::new(),
                        windows_closed: 0,
                        late_rows: 0,
                        closed_until: i64::MIN,
                        partitions: BTreeMap::new(),
                        ordered: OrderedBuffer::default(),
                        staggered: BTreeMap::new(),
                        tvf_windows: Default::default(),
                        tvf_closed_until: i64::MIN,
                        function,
                        input_columns: input_columns.into(),
                    });
                }
            }
        }
        Ok(Self {
            streams,
            pumps,
            errors: VecDeque::new(),
            errors_total: 0,
            tapped: Vec::new(),
            outbox: Vec::new(),
            score_tracks: BTreeMap::new(),
            tables,
        })
    }

    /// The stream called `name`.
    pub fn stream(&self, name: &str) -> Option<&InAppStream> {
        self.streams.iter().find(|s| s.name == name)
    }

    /// Keeps the rows stream `name` (or `error_stream`) gets from now on for [`Self::take_output`].
    pub fn tap(&mut self, name: &str) {
        if !self.tapped.iter().any(|t| t == name) {
            self.tapped.push(name.to_owned());
        }
    }

    /// The rows tapped streams got since the last call, in order, with their stream's name.
    pub fn take_output(&mut self) -> Vec<(String, Row)> {
        std::mem::take(&mut self.outbox)
    }

    /// The rows of reference table `name` (all of them: a reference table is read whole).
    pub fn set_table_rows(&mut self, name: &str, rows: Vec<Vec<Value>>) {
        if let Some(table) = self.tables.iter_mut().find(|t| t.name == name) {
            table.rows_total = rows.len() as u64;
            table.rows = rows
                .into_iter()
                .map(|values| Row {
                    rowtime_ms: 0,
                    values,
                })
                .collect();
        }
    }

    /// A row of the `error_stream`.
    pub fn report(&mut self, error: ErrorRecord) {
        if self.tapped.iter().any(|t| t == ERROR_STREAM) {
            let values = vec![
                Value::Timestamp(error.error_time_ms),
                Value::Text("ERROR".into()),
                Value::Text(error.error_name.clone()),
                Value::Text(error.message.clone()),
                Value::Timestamp(error.data_rowtime_ms),
                // AWS writes the row at fault hex-encoded.
                Value::Text(error.data_row.bytes().map(|b| format!("{b:02x}")).collect()),
                error.pump_name.clone().map_or(Value::Null, Value::Text),
            ];
            let row = Row {
                rowtime_ms: error.error_time_ms,
                values,
            };
            self.outbox.push((ERROR_STREAM.into(), row));
        }
        self.errors.push_back(error);
        self.errors_total += 1;
        if self.errors.len() > ROWS_KEPT {
            self.errors.pop_front();
        }
    }

    fn pump_failed(&mut self, pump: usize, message: String, at_ms: i64, row: Option<&Row>) {
        let pump_name = self.pumps[pump].name.clone();
        let columns = self
            .stream(&self.pumps[pump].source)
            .map(|s| s.columns.clone())
            .unwrap_or_default();
        let data_row = row.map_or_else(String::new, |row| {
            let fields: Vec<String> = columns
                .iter()
                .zip(&row.values)
                .map(|((name, _), value)| format!("{name}={value}"))
                .collect();
            fields.join(", ")
        });
        self.report(ErrorRecord {
            error_time_ms: at_ms,
            error_name: "Pump error".into(),
            message,
            data_rowtime_ms: row.map_or(at_ms, |r| r.rowtime_ms),
            data_row,
            pump_name: Some(pump_name),
        });
    }

    /// A row enters stream `name` (ROWTIME given), and flows on through the pumps reading it.
    pub fn insert(&mut self, name: &str, mut row: Row) {
        let Some(stream) = self.streams.iter_mut().find(|s| s.name == name) else {
            return;
        };
        // A Flink table's processing time is the row's ROWTIME (given, or added in its place).
        if let Some(at) = stream.proctime {
            let time = Value::Timestamp(row.rowtime_ms);
            if row.values.len() < stream.columns.len() {
                row.values.insert(at.min(row.values.len()), time);
            } else {
                row.values[at] = time;
            }
        }
        // Code may declare the input stream again with other columns: a row has as many values
        // as its stream has columns, missing ones NULL.
        row.values.resize(stream.columns.len(), Value::Null);
        stream.rows_total += 1;
        stream.rows.push_back(row.clone());
        if stream.rows.len() > ROWS_KEPT {
            stream.rows.pop_front();
        }
        let columns = stream.columns.clone();
        let score = columns.iter().position(|(c, _)| c == SCORE_COLUMN);
        if let Some(score) = score.and_then(|i| row.values[i].as_f64()) {
            let track = self.score_tracks.entry(name.to_owned()).or_default();
            track.max = track.max.max(score);
            track.scores.push_back((row.rowtime_ms, score));
            if track.scores.len() > SCORES_KEPT {
                track.scores.pop_front();
            }
        }
        if self.tapped.iter().any(|t| t == name) {
            self.outbox.push((name.to_owned(), row.clone()));
        }
        for index in 0..self.pumps.len() {
            if self.pumps[index].source != name {
                continue;
            }
            let (out, errors) = self.pumps[index].take(&columns, &row, &self.tables);
            for message in errors {
                self.pump_failed(index, message, row.rowtime_ms, Some(&row));
            }
            self.deliver(index, out);
        }
    }

    /// Closes every window that ROWTIME `now` has passed, sending its rows on.
    pub fn advance(&mut self, now: i64) {
        for index in 0..self.pumps.len() {
            let (out, errors) = self.pumps[index].close_until(now);
            for message in errors {
                self.pump_failed(index, message, now, None);
            }
            self.deliver(index, out);
        }
    }

    fn deliver(&mut self, pump: usize, rows: Vec<(i64, Vec<Value>)>) {
        let target = self.pumps[pump].target.clone();
        let Some(stream) = self.stream(&target) else {
            return;
        };
        let kinds: Vec<SqlType> = stream.columns.iter().map(|(_, k)| *k).collect();
        let slots = self.pumps[pump].target_columns.clone();
        for (rowtime_ms, values) in rows {
            let mut row = vec![Value::Null; kinds.len()];
            for (value, &slot) in values.into_iter().zip(&slots) {
                // A stream declared again with fewer columns leaves a pump's slots behind.
                if let (Some(cell), Some(kind)) = (row.get_mut(slot), kinds.get(slot)) {
                    *cell = value.cast(*kind);
                }
            }
            self.insert(
                &target,
                Row {
                    rowtime_ms,
                    values: row,
                },
            );
        }
    }
}
