//! A pump at work (reference D): each row of its source through its table function, WHERE and
//! projections — straight on for a plain SELECT, into a window's groups for a GROUP BY (tumbling),
//! a partition's recent rows (sliding) or a key's window (stagger) — and windows closed once
//! ROWTIME passes them, their rows sent on at the window's end.

use super::aggregate::Accumulator;
use super::eval::{Env, eval, floor_to};
use super::function_stage::FunctionStage;
use super::ordering::OrderedBuffer;
use super::program::{InAppStream, Row};
use super::sql::query::{Extent, Plan};
use super::value::{SqlType, Value};
use sqlparser::ast::Expr;
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

/// A row as an expression sees it.
pub(super) struct RowEnv<'a> {
    pub(super) columns: &'a [(String, SqlType)],
    pub(super) row: &'a Row,
}

impl Env for RowEnv<'_> {
    fn column(&self, name: &str) -> Result<Value, String> {
        if name == "ROWTIME" {
            return Ok(Value::Timestamp(self.row.rowtime_ms));
        }
        // A joined table's columns go by `qualifier.name`; named alone, the stream's come first.
        let joined = |c: &str| c.rsplit_once('.').is_some_and(|(_, n)| n == name);
        self.columns
            .iter()
            .position(|(c, _)| c == name)
            .or_else(|| self.columns.iter().position(|(c, _)| joined(c)))
            .map(|i| self.row.values.get(i).cloned().unwrap_or(Value::Null))
            .ok_or_else(|| format!("unknown column {name}"))
    }

    fn qualified(&self, qualifier: &str, name: &str) -> Result<Value, String> {
        let full = format!("{qualifier}.{name}");
        match self.columns.iter().position(|(c, _)| *c == full) {
            Some(i) => Ok(self.row.values.get(i).cloned().unwrap_or(Value::Null)),
            None => self.column(name),
        }
    }
}

/// One group of an open window.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Group {
    pub(super) keys: Vec<Value>,
    pub(super) accumulators: Vec<Accumulator>,
    /// A row of the group, for projections of its plain columns.
    pub(super) first: Row,
}

/// A group's row as a projection sees it: keys and aggregates answered, the rest from a row.
pub(super) struct GroupEnv<'a> {
    pub(super) pump: &'a Pump,
    pub(super) group: &'a Group,
    pub(super) window_start: Value,
    /// The window's end, for a windowing function's `window_end` and `window_time`.
    pub(super) window_end: Option<i64>,
    pub(super) columns: &'a [(String, SqlType)],
}

impl Env for GroupEnv<'_> {
    fn column(&self, name: &str) -> Result<Value, String> {
        if let (Value::Timestamp(start), Some(end)) = (&self.window_start, self.window_end) {
            match name {
                "WINDOW_START" => return Ok(Value::Timestamp(*start)),
                "WINDOW_END" | "ROWTIME" => return Ok(Value::Timestamp(end)),
                "WINDOW_TIME" => return Ok(Value::Timestamp(end.saturating_sub(1))),
                _ => {}
            }
        }
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
    pub(super) target_columns: Vec<usize>,
    pub(super) plan: Plan,
    /// Every aggregate call: the call, its name, its argument (`None` for `COUNT(*)`).
    pub(super) aggregates: Vec<(Expr, String, Option<Expr>)>,
    /// Open windows by start, each with its groups by key.
    pub(super) windows: BTreeMap<i64, BTreeMap<String, Group>>,
    pub windows_closed: u64,
    /// Rows that came for a window already closed.
    pub late_rows: u64,
    /// The latest window closed, by its start.
    pub(super) closed_until: i64,
    /// Open stagger windows by partition key: when each opened, and its group.
    pub(super) staggered: BTreeMap<String, (i64, Group)>,
    /// Rows held for a streaming ORDER BY.
    pub(super) ordered: OrderedBuffer,
    /// The open windows of a Flink windowing function, and the end of the latest one closed.
    pub(super) tvf_windows: super::pump_tvf::TvfWindows,
    pub(super) tvf_closed_until: i64,
    /// A sliding window's recent rows by partition: ROWTIME and the aggregates' arguments.
    pub(super) partitions: BTreeMap<String, VecDeque<(i64, Vec<Value>)>>,
    /// A table function (RANDOM_CUT_FOREST, HOTSPOTS, …) between the source and the SELECT.
    pub function: Option<FunctionStage>,
    /// The columns the SELECT sees: the source's, or the function's.
    pub(super) input_columns: Arc<[(String, SqlType)]>,
}

/// What a pump gives: rows (ROWTIME, values) for its target, and errors.
pub(super) type Output = (Vec<(i64, Vec<Value>)>, Vec<String>);

/// What pump `name` gives when a row fails: the error, for the error stream.
fn failure(name: &str, error: String) -> Output {
    (Vec::new(), vec![format!("pump {name}: {error}")])
}

impl Pump {
    /// The length of its tumbling windows (STEP or FLOOR), if it groups rows in them.
    pub fn window_ms(&self) -> Option<i64> {
        self.plan.window.as_ref().map(|w| w.size_ms)
    }

    /// Takes one row of its source: through the table function first, if it has one.
    pub(super) fn take(
        &mut self,
        source_columns: &[(String, SqlType)],
        row: &Row,
        tables: &[InAppStream],
    ) -> Output {
        let columns = self.input_columns.clone();
        if let Some(join) = &self.plan.join {
            let table = tables.iter().find(|t| t.name == join.table);
            return match self.joined(&columns, row, table) {
                Ok(rows) => self.take_rows(&columns, &rows),
                Err(e) => (Vec::new(), vec![format!("pump {}: {e}", self.name)]),
            };
        }
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
            Ok(rows) => self.take_rows(&columns, &rows),
            Err(e) => (Vec::new(), vec![format!("pump {}: {e}", self.name)]),
        }
    }

    /// `row` with each row of the joined table that matches it (ON), or — for a LEFT JOIN that
    /// matches nothing — with NULLs.
    fn joined(
        &self,
        columns: &[(String, SqlType)],
        row: &Row,
        table: Option<&InAppStream>,
    ) -> Result<Vec<Row>, String> {
        let Some(join) = &self.plan.join else {
            return Ok(vec![row.clone()]);
        };
        let width = columns.len().saturating_sub(row.values.len());
        let mut matched = Vec::new();
        for reference in table.iter().flat_map(|t| t.rows.iter()) {
            let mut values = row.values.clone();
            values.extend(reference.values.iter().cloned());
            let candidate = Row {
                rowtime_ms: row.rowtime_ms,
                values,
            };
            let env = RowEnv {
                columns,
                row: &candidate,
            };
            if eval(&join.on, &env)? == Value::Bool(true) {
                matched.push(candidate);
            }
        }
        if matched.is_empty() && join.left {
            let mut values = row.values.clone();
            values.extend(std::iter::repeat_n(Value::Null, width));
            matched.push(Row {
                rowtime_ms: row.rowtime_ms,
                values,
            });
        }
        Ok(matched)
    }

    fn take_rows(&mut self, columns: &[(String, SqlType)], rows: &[Row]) -> Output {
        let (mut out, mut errors) = (Vec::new(), Vec::new());
        for row in rows {
            let (rows, failures) = self.take_row(columns, row);
            out.extend(rows);
            errors.extend(failures);
        }
        (out, errors)
    }

    /// `keys` and the aggregates' arguments (1 for `COUNT(*)`) evaluated in `env`.
    pub(super) fn keys_and_arguments(
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
                while recent.len() > n.saturating_add(1) {
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
            window_end: None,
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
                window_end: None,
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
    pub(super) fn project(&self, env: &dyn Env) -> Result<Vec<Value>, String> {
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
        if let Some(tvf) = self.plan.tvf.clone() {
            return match self.take_windowed(&tvf, columns, row) {
                Ok(()) => (Vec::new(), Vec::new()),
                Err(e) => failure(&self.name, e),
            };
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

    /// The rows of every window that ends at or before `now`: the table function's first (they
    /// go on through the SELECT), then the pump's own.
    pub(super) fn close_until(&mut self, now: i64) -> Output {
        let released = match self.function.as_mut() {
            Some(stage) => stage.close_until(now),
            None => Vec::new(),
        };
        let columns = self.input_columns.clone();
        let (mut out, mut errors) = self.take_rows(&columns, &released);
        let (windows, failures) = match self.plan.tvf.clone() {
            Some(tvf) => self.close_windowed(&tvf, now),
            None => self.close_windows(now),
        };
        out.extend(windows);
        errors.extend(failures);
        (out, errors)
    }

    fn close_windows(&mut self, now: i64) -> Output {
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
                    window_end: None,
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
