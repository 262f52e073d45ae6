//! Application code compiled and running (reference D): in-application streams holding rows
//! (each with its ROWTIME), and pumps moving rows between them — a row at a time for a plain
//! SELECT, a window at a time for a GROUP BY over a tumbling window, which closes once ROWTIME
//! passes its end. Rows enter through `SOURCE_SQL_STREAM_001`; everything runs on the clock the
//! caller gives, so the same input gives the same output.

use super::aggregate::Accumulator;
use super::eval::{Env, eval, floor_to};
use super::function_stage::FunctionStage;
use super::ordering::OrderedBuffer;
use super::sql::SqlError;
use super::sql::query::{AGGREGATES, Extent, Plan, arguments, expr_offset, function_name, plan};
use super::sql::statements::{self, Statement};
use super::value::{SqlType, Value};
use sqlparser::ast::{Expr, Ident};
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

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
}

/// A row as an expression sees it.
struct RowEnv<'a> {
    columns: &'a [(String, SqlType)],
    row: &'a Row,
}

impl Env for RowEnv<'_> {
    fn column(&self, name: &str) -> Result<Value, String> {
        if name == "ROWTIME" {
            return Ok(Value::Timestamp(self.row.rowtime_ms));
        }
        self.columns
            .iter()
            .position(|(c, _)| c == name)
            .map(|i| self.row.values[i].clone())
            .ok_or_else(|| format!("unknown column {name}"))
    }
}

/// One group of an open window.
#[derive(Debug, Clone, PartialEq)]
struct Group {
    keys: Vec<Value>,
    accumulators: Vec<Accumulator>,
    /// A row of the group, for projections of its plain columns.
    first: Row,
}

/// A group's row as a projection sees it: keys and aggregates answered, the rest from a row.
struct GroupEnv<'a> {
    pump: &'a Pump,
    group: &'a Group,
    window_start: Value,
    columns: &'a [(String, SqlType)],
}

impl Env for GroupEnv<'_> {
    fn column(&self, name: &str) -> Result<Value, String> {
        // A window's row enters the next stream when the window closes: at its end.
        if let (true, Value::Timestamp(start), Some(window)) = (
            name == "ROWTIME",
            &self.window_start,
            &self.pump.plan.window,
        ) {
            return Ok(Value::Timestamp(start.saturating_add(window.size_ms)));
        }
        RowEnv {
            columns: self.columns,
            row: &self.group.first,
        }
        .column(name)
    }

    fn grouped(&self, expr: &Expr) -> Option<Value> {
        if let Some(window) = &self.pump.plan.window
            && *expr == window.group_expr
        {
            return Some(self.window_start.clone());
        }
        if let Some(i) = self.pump.plan.group_keys.iter().position(|k| k == expr) {
            return Some(self.group.keys[i].clone());
        }
        let i = self
            .pump
            .aggregates
            .iter()
            .position(|(e, _, _)| e == expr)?;
        Some(self.group.accumulators[i].result())
    }
}

/// A pump and, for a windowed one, its open windows.
#[derive(Debug)]
pub struct Pump {
    pub name: String,
    pub source: String,
    pub target: String,
    /// The target column each projection fills.
    target_columns: Vec<usize>,
    plan: Plan,
    /// Every aggregate call: the call, its name, its argument (`None` for `COUNT(*)`).
    aggregates: Vec<(Expr, String, Option<Expr>)>,
    /// Open windows by start, each with its groups by key.
    windows: BTreeMap<i64, BTreeMap<String, Group>>,
    pub windows_closed: u64,
    /// Rows that came for a window already closed.
    pub late_rows: u64,
    /// The latest window closed, by its start.
    closed_until: i64,
    /// Open stagger windows by partition key: when each opened, and its group.
    staggered: BTreeMap<String, (i64, Group)>,
    /// Rows held for a streaming ORDER BY.
    ordered: OrderedBuffer,
    /// A sliding window's recent rows by partition: ROWTIME and the aggregates' arguments.
    partitions: BTreeMap<String, VecDeque<(i64, Vec<Value>)>>,
    /// A table function (RANDOM_CUT_FOREST) between the source and the SELECT.
    pub function: Option<FunctionStage>,
    /// The columns the SELECT sees: the source's, or the function's.
    input_columns: Arc<[(String, SqlType)]>,
}

/// Application code, compiled.
#[derive(Debug)]
pub struct Program {
    pub streams: Vec<InAppStream>,
    pub pumps: Vec<Pump>,
    /// Rows a pump could not compute (the `error_stream`), newest last.
    pub errors: VecDeque<String>,
    pub errors_total: u64,
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
    let mut unknown = None;
    let _ = sqlparser::ast::visit_expressions(expr, |e| {
        let ident = match e {
            Expr::Identifier(i) => Some(i),
            Expr::CompoundIdentifier(parts) => parts.last(),
            _ => None,
        };
        if let Some(ident) = ident {
            let name = super::eval::identifier(ident);
            let known = name == "ROWTIME" || columns.iter().any(|(c, _)| *c == name);
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
        let mut streams = vec![InAppStream {
            name: SOURCE_STREAM.into(),
            columns: source_columns.to_vec(),
            rows: VecDeque::new(),
            rows_total: 0,
        }];
        let mut pumps = Vec::new();
        for statement in statements::parse(code)? {
            match statement {
                Statement::Stream(decl) => {
                    streams.retain(|s| s.name != decl.name);
                    streams.push(InAppStream {
                        name: decl.name,
                        columns: decl.columns,
                        rows: VecDeque::new(),
                        rows_total: 0,
                    });
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
                        None => (None, source.columns.clone()),
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
                        check_names(&decl.query, expr, &input_columns, &input_name)
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
        })
    }

    /// The stream called `name`.
    pub fn stream(&self, name: &str) -> Option<&InAppStream> {
        self.streams.iter().find(|s| s.name == name)
    }

    fn error(&mut self, message: String) {
        self.errors.push_back(message);
        self.errors_total += 1;
        if self.errors.len() > ROWS_KEPT {
            self.errors.pop_front();
        }
    }

    /// A row enters stream `name` (ROWTIME given), and flows on through the pumps reading it.
    pub fn insert(&mut self, name: &str, row: Row) {
        let Some(stream) = self.streams.iter_mut().find(|s| s.name == name) else {
            return;
        };
        stream.rows_total += 1;
        stream.rows.push_back(row.clone());
        if stream.rows.len() > ROWS_KEPT {
            stream.rows.pop_front();
        }
        let columns = stream.columns.clone();
        for index in 0..self.pumps.len() {
            if self.pumps[index].source != name {
                continue;
            }
            let (out, errors) = self.pumps[index].take(&columns, &row);
            for message in errors {
                self.error(message);
            }
            self.deliver(index, out);
        }
    }

    /// Closes every window that ROWTIME `now` has passed, sending its rows on.
    pub fn advance(&mut self, now: i64) {
        for index in 0..self.pumps.len() {
            let (out, errors) = self.pumps[index].close_until(now);
            for message in errors {
                self.error(message);
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
                row[slot] = value.cast(kinds[slot]);
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

/// What a pump gives: rows (ROWTIME, values) for its target, and errors.
type Output = (Vec<(i64, Vec<Value>)>, Vec<String>);

/// What pump `name` gives when a row fails: the error, for the error stream.
fn failure(name: &str, error: String) -> Output {
    (Vec::new(), vec![format!("pump {name}: {error}")])
}

impl Pump {
    /// Takes one row of its source: through the table function first, if it has one.
    fn take(&mut self, source_columns: &[(String, SqlType)], row: &Row) -> Output {
        let columns = self.input_columns.clone();
        let Some(mut stage) = self.function.take() else {
            return self.take_row(&columns, row);
        };
        let env = RowEnv {
            columns: source_columns,
            row,
        };
        let fed = stage.feed(&env, row.rowtime_ms);
        self.function = Some(stage);
        match fed {
            Ok(Some(row)) => self.take_row(&columns, &row),
            Ok(None) => (Vec::new(), Vec::new()),
            Err(e) => (Vec::new(), vec![format!("pump {}: {e}", self.name)]),
        }
    }

    /// `keys` and the aggregates' arguments (1 for `COUNT(*)`) evaluated in `env`.
    fn keys_and_arguments(
        &self,
        keys: &[Expr],
        env: &dyn Env,
    ) -> Result<(Vec<Value>, Vec<Value>), String> {
        let keys = keys
            .iter()
            .map(|k| eval(k, env))
            .collect::<Result<_, _>>()?;
        let arguments = self
            .aggregates
            .iter()
            .map(|(_, _, arg)| arg.as_ref().map_or(Ok(Value::Int(1)), |a| eval(a, env)))
            .collect::<Result<_, _>>()?;
        Ok((keys, arguments))
    }

    /// The row `row` makes through a sliding window: its partition's recent rows aggregated.
    fn slide(&mut self, columns: &[(String, SqlType)], row: &Row) -> Result<Vec<Value>, String> {
        let Some(sliding) = &self.plan.sliding else {
            return Err("no sliding window".into());
        };
        let env = RowEnv { columns, row };
        let (keys, arguments) = self.keys_and_arguments(&sliding.partition_by, &env)?;
        let extent = sliding.extent;
        let recent = self.partitions.entry(format!("{keys:?}")).or_default();
        recent.push_back((row.rowtime_ms, arguments));
        match extent {
            Extent::Range(ms) => {
                while recent
                    .front()
                    .is_some_and(|(t, _)| *t < row.rowtime_ms - ms)
                {
                    recent.pop_front();
                }
            }
            Extent::Rows(n) => {
                while recent.len() > n + 1 {
                    recent.pop_front();
                }
            }
        }
        let mut accumulators: Vec<Accumulator> = self
            .aggregates
            .iter()
            .map(|(_, name, _)| Accumulator::new(name))
            .collect();
        for (_, values) in recent.iter() {
            for (accumulator, value) in accumulators.iter_mut().zip(values) {
                accumulator.add(value.clone());
            }
        }
        let group = Group {
            keys: Vec::new(),
            accumulators,
            first: row.clone(),
        };
        let env = GroupEnv {
            pump: self,
            group: &group,
            window_start: Value::Null,
            columns,
        };
        self.project(&env)
    }

    /// Adds `row` to its partition's stagger window, opening one with it if there is none.
    fn stagger(&mut self, columns: &[(String, SqlType)], row: &Row) -> Result<(), String> {
        let env = RowEnv { columns, row };
        let (keys, arguments) = self.keys_and_arguments(&self.plan.group_keys, &env)?;
        let accumulators = self.aggregates.iter().map(|(_, n, _)| Accumulator::new(n));
        let (_, group) = self
            .staggered
            .entry(format!("{keys:?}"))
            .or_insert_with(|| {
                let group = Group {
                    keys,
                    accumulators: accumulators.collect(),
                    first: row.clone(),
                };
                (row.rowtime_ms, group)
            });
        for (accumulator, value) in group.accumulators.iter_mut().zip(arguments) {
            accumulator.add(value);
        }
        Ok(())
    }

    /// The rows of the stagger windows `range_ms` old by `now`, oldest first.
    fn close_staggered(&mut self, now: i64, range_ms: i64) -> Output {
        let columns = self.input_columns.clone();
        let mut due: Vec<(i64, String)> = self
            .staggered
            .iter()
            .filter(|(_, (opened, _))| opened.saturating_add(range_ms) <= now)
            .map(|(key, (opened, _))| (*opened, key.clone()))
            .collect();
        due.sort();
        let (mut out, mut errors) = (Vec::new(), Vec::new());
        for (opened, key) in due {
            let Some((_, group)) = self.staggered.remove(&key) else {
                continue;
            };
            self.windows_closed += 1;
            let env = GroupEnv {
                pump: self,
                group: &group,
                window_start: Value::Null,
                columns: &columns,
            };
            match self.project(&env) {
                Ok(values) => out.push((opened.saturating_add(range_ms), values)),
                Err(e) => errors.push(format!("pump {}: {e}", self.name)),
            }
        }
        (out, errors)
    }

    /// The projections, evaluated in `env`.
    fn project(&self, env: &dyn Env) -> Result<Vec<Value>, String> {
        self.plan
            .projections
            .iter()
            .map(|(e, _)| eval(e, env))
            .collect()
    }

    /// Takes one row: projected at once, or added to its window's group.
    fn take_row(&mut self, columns: &[(String, SqlType)], row: &Row) -> Output {
        let env = RowEnv { columns, row };
        if let Some(filter) = &self.plan.filter {
            match eval(filter, &env) {
                Ok(Value::Bool(true)) => {}
                Ok(_) => return (Vec::new(), Vec::new()),
                Err(e) => return failure(&self.name, e),
            }
        }
        if self.plan.stagger.is_some() {
            return match self.stagger(columns, row) {
                Ok(()) => (Vec::new(), Vec::new()),
                Err(e) => failure(&self.name, e),
            };
        }
        if self.plan.sliding.is_some() {
            return match self.slide(columns, row) {
                Ok(values) => (vec![(row.rowtime_ms, values)], Vec::new()),
                Err(e) => failure(&self.name, e),
            };
        }
        let Some(window) = &self.plan.window else {
            let values = match self.project(&env) {
                Ok(values) => values,
                Err(e) => return failure(&self.name, e),
            };
            let Some(ordering) = &self.plan.ordering else {
                return (vec![(row.rowtime_ms, values)], Vec::new());
            };
            let bucket =
                eval(&ordering.bucket.expr, &env).map(|t| floor_to(&t, ordering.bucket.size_ms));
            let keys: Result<Vec<Value>, String> =
                ordering.keys.iter().map(|(k, _)| eval(k, &env)).collect();
            return match (bucket, keys) {
                (Ok(Value::Timestamp(bucket)), Ok(keys)) => {
                    self.ordered.hold(bucket, keys, row.rowtime_ms, values);
                    (Vec::new(), Vec::new())
                }
                (Err(e), _) | (_, Err(e)) => failure(&self.name, e),
                (Ok(other), _) => failure(&self.name, format!("ORDER BY's bucket is {other:?}")),
            };
        };
        let start = match eval(&window.expr, &env).map(|t| floor_to(&t, window.size_ms)) {
            Ok(Value::Timestamp(t)) => t,
            Ok(other) => {
                return failure(
                    &self.name,
                    format!("the window's time is {other:?}, not a timestamp"),
                );
            }
            Err(e) => return failure(&self.name, e),
        };
        if start <= self.closed_until {
            self.late_rows += 1;
            return (Vec::new(), Vec::new());
        }
        let keys: Result<Vec<Value>, String> =
            self.plan.group_keys.iter().map(|k| eval(k, &env)).collect();
        let keys = match keys {
            Ok(keys) => keys,
            Err(e) => return failure(&self.name, e),
        };
        let mut arguments = Vec::new();
        for (_, _, arg) in &self.aggregates {
            match arg {
                None => arguments.push(Value::Int(1)),
                Some(arg) => match eval(arg, &env) {
                    Ok(v) => arguments.push(v),
                    Err(e) => return failure(&self.name, e),
                },
            }
        }
        let key_text = format!("{keys:?}");
        let groups = self.windows.entry(start).or_default();
        let group = groups.entry(key_text).or_insert_with(|| Group {
            keys,
            accumulators: self
                .aggregates
                .iter()
                .map(|(_, name, _)| Accumulator::new(name))
                .collect(),
            first: row.clone(),
        });
        for (accumulator, value) in group.accumulators.iter_mut().zip(arguments) {
            accumulator.add(value);
        }
        (Vec::new(), Vec::new())
    }

    /// The rows of every window that ends at or before `now`.
    fn close_until(&mut self, now: i64) -> Output {
        if let Some(range) = self.plan.stagger.as_ref().map(|s| s.range_ms) {
            return self.close_staggered(now, range);
        }
        if let Some(ordering) = &self.plan.ordering {
            let descending: Vec<bool> = ordering.keys.iter().map(|(_, d)| *d).collect();
            let size = ordering.bucket.size_ms;
            return (self.ordered.release(now, size, &descending), Vec::new());
        }
        let columns = self.input_columns.clone();
        let columns = &columns[..];
        let Some(size) = self.plan.window.as_ref().map(|w| w.size_ms) else {
            return (Vec::new(), Vec::new());
        };
        let mut out = Vec::new();
        let mut errors = Vec::new();
        let due: Vec<i64> = self
            .windows
            .keys()
            .copied()
            .take_while(|start| start.saturating_add(size) <= now)
            .collect();
        for start in due {
            let Some(groups) = self.windows.remove(&start) else {
                continue;
            };
            self.windows_closed += 1;
            self.closed_until = self.closed_until.max(start);
            for group in groups.values() {
                let env = GroupEnv {
                    pump: self,
                    group,
                    window_start: Value::Timestamp(start),
                    columns,
                };
                match self.project(&env) {
                    Ok(values) => out.push((start.saturating_add(size), values)),
                    Err(e) => errors.push(format!("pump {}: {e}", self.name)),
                }
            }
        }
        (out, errors)
    }
}
