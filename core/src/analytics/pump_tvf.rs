//! A pump reading a Flink windowing table function (reference D): each row added to every
//! window its time falls in — one for TUMBLE, size/slide for HOP, each cumulative window still
//! open for CUMULATE — or to its partition's session (SESSION: opened by a row, extended by each
//! row within the gap, closed a gap after the last). A window's rows leave when ROWTIME passes its
//! end, with `window_start`, `window_end` and `window_time` (the end less 1 ms) to select.

use super::aggregate::Accumulator;
use super::eval::Env;
use super::program::Row;
use super::pump::{Group, GroupEnv, Output, Pump, RowEnv};
use super::sql::window_tvf::{WindowKind, WindowTvf};
use super::value::{SqlType, Value};
use std::collections::BTreeMap;

/// The open windows of a windowing function.
#[derive(Debug, Default)]
pub struct TvfWindows {
    /// Fixed windows (TUMBLE, HOP, CUMULATE) by (end, start), each with its groups by key.
    fixed: BTreeMap<(i64, i64), BTreeMap<String, Group>>,
    /// SESSION windows by partition (all rows, without PARTITION BY): when each opened, its last
    /// row, and its groups by key.
    sessions: BTreeMap<String, Session>,
    /// Sessions a row found over (its gap passed before it came), waiting to be let out.
    ended: Vec<Session>,
}

/// One session window.
#[derive(Debug)]
struct Session {
    start: i64,
    last: i64,
    gap_ms: i64,
    groups: BTreeMap<String, Group>,
}

impl Session {
    fn end(&self) -> i64 {
        self.last.saturating_add(self.gap_ms)
    }
}

/// The time a row has in the function's time column: its ROWTIME when the column is the
/// processing time (`PROCTIME()`, or ROWTIME itself).
fn row_time(tvf: &WindowTvf, env: &dyn Env, row: &Row) -> Result<i64, String> {
    if matches!(
        tvf.time_column.as_str(),
        "ROWTIME" | "PROC_TIME" | "PROCTIME"
    ) {
        return Ok(row.rowtime_ms);
    }
    match env.column(&tvf.time_column)? {
        Value::Timestamp(t) => Ok(t),
        other => Err(format!(
            "the time column {} holds {other:?}, not a timestamp",
            tvf.time_column
        )),
    }
}

impl Pump {
    /// Adds `row` to the windows of the pump's windowing function.
    pub(super) fn take_windowed(
        &mut self,
        tvf: &WindowTvf,
        columns: &[(String, SqlType)],
        row: &Row,
    ) -> Result<(), String> {
        let env = RowEnv { columns, row };
        let time = row_time(tvf, &env, row)?;
        let (keys, arguments) = self.keys_and_arguments(&self.plan.group_keys, &env)?;
        let new_group = |pump: &Pump| Group {
            keys: keys.clone(),
            accumulators: pump
                .aggregates
                .iter()
                .map(|(_, name, _)| Accumulator::new(name))
                .collect(),
            first: row.clone(),
        };
        let key = format!("{keys:?}");
        if let WindowKind::Session { gap_ms } = tvf.kind {
            let partition: Vec<Value> = tvf
                .partition_by
                .iter()
                .map(|p| env.column(p))
                .collect::<Result<_, _>>()?;
            let partition = format!("{partition:?}");
            let sessions = &mut self.tvf_windows.sessions;
            if sessions
                .get(&partition)
                .is_some_and(|s| time.saturating_sub(s.last) >= gap_ms)
                && let Some(over) = sessions.remove(&partition)
            {
                // Its gap passed before this row: that session is over, this row opens the next.
                self.tvf_windows.ended.push(over);
            }
            let group = new_group(self);
            let session = self
                .tvf_windows
                .sessions
                .entry(partition)
                .or_insert_with(|| Session {
                    start: time,
                    last: time,
                    gap_ms,
                    groups: BTreeMap::new(),
                });
            session.start = session.start.min(time);
            session.last = session.last.max(time);
            let group = session.groups.entry(key).or_insert(group);
            for (accumulator, value) in group.accumulators.iter_mut().zip(arguments) {
                accumulator.add(value);
            }
            return Ok(());
        }
        let windows = tvf.windows_of(time);
        let open: Vec<(i64, i64)> = windows
            .into_iter()
            .filter(|(_, end)| *end > self.tvf_closed_until)
            .collect();
        if open.is_empty() {
            self.late_rows += 1;
            return Ok(());
        }
        for (start, end) in open {
            let fresh = new_group(self);
            let group = self
                .tvf_windows
                .fixed
                .entry((end, start))
                .or_default()
                .entry(key.clone())
                .or_insert(fresh);
            for (accumulator, value) in group.accumulators.iter_mut().zip(arguments.iter()) {
                accumulator.add(value.clone());
            }
        }
        Ok(())
    }

    /// The rows of every window of the windowing function that ends at or before `now`.
    pub(super) fn close_windowed(&mut self, tvf: &WindowTvf, now: i64) -> Output {
        let columns = self.input_columns.clone();
        let mut closed: Vec<(i64, i64, Group)> = Vec::new();
        let due: Vec<(i64, i64)> = self
            .tvf_windows
            .fixed
            .keys()
            .copied()
            .take_while(|(end, _)| *end <= now)
            .collect();
        for (end, start) in due {
            let Some(groups) = self.tvf_windows.fixed.remove(&(end, start)) else {
                continue;
            };
            self.windows_closed += 1;
            self.tvf_closed_until = self.tvf_closed_until.max(end);
            closed.extend(groups.into_values().map(|g| (start, end, g)));
        }
        if matches!(tvf.kind, WindowKind::Session { .. }) {
            let over: Vec<String> = self
                .tvf_windows
                .sessions
                .iter()
                .filter(|(_, s)| s.end() <= now)
                .map(|(key, _)| key.clone())
                .collect();
            let mut sessions: Vec<Session> = std::mem::take(&mut self.tvf_windows.ended);
            sessions.extend(
                over.iter()
                    .filter_map(|key| self.tvf_windows.sessions.remove(key)),
            );
            sessions.sort_by_key(|s| (s.end(), s.start));
            self.windows_closed += sessions.len() as u64;
            for session in sessions {
                let (start, end) = (session.start, session.end());
                closed.extend(session.groups.into_values().map(|g| (start, end, g)));
            }
        }
        let (mut out, mut errors) = (Vec::new(), Vec::new());
        for (start, end, group) in closed {
            let env = GroupEnv {
                pump: self,
                group: &group,
                window_start: Value::Timestamp(start),
                window_end: Some(end),
                columns: &columns,
            };
            match self.project(&env) {
                Ok(values) => out.push((end, values)),
                Err(e) => errors.push(format!("pump {}: {e}", self.name)),
            }
        }
        (out, errors)
    }
}
