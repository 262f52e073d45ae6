//! A table function between a pump's source and its SELECT (reference D):
//! `TABLE(F(CURSOR(SELECT STREAM … FROM source), …))`. Each source row goes through the cursor's
//! query, then the function: RANDOM_CUT_FOREST scores its numeric columns (ANOMALY_SCORE, and
//! ANOMALY_EXPLANATION), HOTSPOTS adds HOTSPOTS_RESULT, and TOP_K_ITEMS_TUMBLING /
//! COUNT_DISTINCT_ITEMS_TUMBLING count a column and give their rows when a window closes.

use super::eval::{Env, eval};
use super::hotspots::{Hotspots, result_json};
use super::program::Row;
use super::rcf::{Forest, ForestParams};
use super::sql::query::{Plan, TableFunction};
use super::tumbling_items::TumblingItems;
use super::value::{SqlType, Value};
use sqlparser::ast::Expr;

/// What the function does with the cursor's rows.
#[derive(Debug)]
pub enum Kernel {
    Forest {
        /// The cursor's numeric columns: their places and names.
        numeric: Vec<(usize, String)>,
        forest: Box<Forest>,
    },
    Hotspots {
        numeric: Vec<usize>,
        detector: Hotspots,
    },
    Items(TumblingItems),
}

/// A table function at work.
#[derive(Debug)]
pub struct FunctionStage {
    cursor: Plan,
    /// The cursor's columns.
    cursor_columns: Vec<(String, SqlType)>,
    /// What the function's rows hold.
    pub output_columns: Vec<(String, SqlType)>,
    pub kernel: Kernel,
}

/// The type a cursor projection has: a column's own, or DOUBLE for what it computes.
fn projection_type(expr: &Expr, columns: &[(String, SqlType)]) -> SqlType {
    let name = match expr {
        Expr::Identifier(ident) => Some(super::eval::identifier(ident)),
        Expr::CompoundIdentifier(parts) => parts.last().map(super::eval::identifier),
        _ => None,
    };
    name.and_then(|n| columns.iter().find(|(c, _)| *c == n).map(|(_, t)| *t))
        .unwrap_or(SqlType::Double)
}

/// The numeric columns (DOUBLE, INTEGER, … — not TIMESTAMP) the forest and HOTSPOTS read.
fn numeric_columns(
    name: &str,
    columns: &[(String, SqlType)],
) -> Result<Vec<(usize, String)>, String> {
    let numeric: Vec<(usize, String)> = columns
        .iter()
        .enumerate()
        .filter(|(_, (_, t))| matches!(t, SqlType::Integer | SqlType::Double))
        .map(|(i, (name, _))| (i, name.clone()))
        .collect();
    if numeric.is_empty() {
        return Err(format!(
            "{name} needs numeric columns (DOUBLE, INTEGER, …) in its cursor"
        ));
    }
    if numeric.len() > 30 {
        return Err(format!("{name} takes up to 30 numeric columns"));
    }
    Ok(numeric)
}

impl FunctionStage {
    /// The stage of `function` over a source of `columns` (the cursor's `*` already expanded).
    pub fn new(function: &TableFunction, columns: &[(String, SqlType)]) -> Result<Self, String> {
        let cursor = function.cursor.clone();
        let cursor_columns: Vec<(String, SqlType)> = cursor
            .projections
            .iter()
            .enumerate()
            .map(|(i, (expr, name))| {
                let name = name.clone().unwrap_or_else(|| format!("EXPR${i}"));
                (name, projection_type(expr, columns))
            })
            .collect();
        let name = function.name.as_str();
        let mut output_columns = cursor_columns.clone();
        let kernel = match name {
            "HOTSPOTS" => {
                let numeric = numeric_columns(name, &cursor_columns)?;
                let detector = Hotspots::new(&function.args).map_err(|e| format!("{name}: {e}"))?;
                output_columns.push(("HOTSPOTS_RESULT".into(), SqlType::Varchar));
                Kernel::Hotspots {
                    numeric: numeric.into_iter().map(|(i, _)| i).collect(),
                    detector,
                }
            }
            "TOP_K_ITEMS_TUMBLING" | "COUNT_DISTINCT_ITEMS_TUMBLING" => {
                let items = TumblingItems::new(name, &function.args, &cursor_columns)
                    .map_err(|e| format!("{name}: {e}"))?;
                output_columns = items.output_columns(&cursor_columns);
                Kernel::Items(items)
            }
            _ => {
                let numeric = numeric_columns(name, &cursor_columns)?;
                let explain = name.ends_with("_WITH_EXPLANATION");
                let params = ForestParams::parse(explain, &function.args)
                    .map_err(|e| format!("{name}: {e}"))?;
                output_columns.push(("ANOMALY_SCORE".into(), SqlType::Double));
                if explain {
                    output_columns.push(("ANOMALY_EXPLANATION".into(), SqlType::Varchar));
                }
                let forest = Box::new(Forest::new(params, numeric.len())?);
                Kernel::Forest { numeric, forest }
            }
        };
        Ok(Self {
            cursor,
            cursor_columns,
            output_columns,
            kernel,
        })
    }

    /// A source row through the cursor and the function: the function's rows now (none when
    /// the cursor's WHERE leaves the row out, or the function gives rows only as windows close).
    pub fn feed(&mut self, env: &dyn Env, rowtime_ms: i64) -> Result<Vec<Row>, String> {
        if let Some(filter) = &self.cursor.filter
            && eval(filter, env)? != Value::Bool(true)
        {
            return Ok(Vec::new());
        }
        let mut values: Vec<Value> = self
            .cursor
            .projections
            .iter()
            .map(|(e, _)| eval(e, env))
            .collect::<Result<_, _>>()?;
        let number = |v: &Value| v.as_f64().unwrap_or(0.0);
        match &mut self.kernel {
            Kernel::Forest { numeric, forest } => {
                let point: Vec<f32> = numeric
                    .iter()
                    .map(|(i, _)| number(&values[*i]) as f32)
                    .collect();
                let names: Vec<String> = numeric.iter().map(|(_, n)| n.clone()).collect();
                let scored = forest.score_and_learn(&point, &names);
                values.push(Value::Double(scored.score));
                if let Some(explanation) = scored.explanation {
                    values.push(Value::Text(explanation));
                }
            }
            Kernel::Hotspots { numeric, detector } => {
                let point = numeric.iter().map(|i| number(&values[*i])).collect();
                values.push(Value::Text(result_json(&detector.add(point))));
            }
            Kernel::Items(items) => {
                items.count(&values, rowtime_ms);
                return Ok(Vec::new());
            }
        }
        Ok(vec![Row { rowtime_ms, values }])
    }

    /// The rows of every window the function closes at or before `now`.
    pub fn close_until(&mut self, now: i64) -> Vec<Row> {
        let Kernel::Items(items) = &mut self.kernel else {
            return Vec::new();
        };
        let item_kind = self.cursor_columns[items.column].1;
        items
            .close_until(now, item_kind)
            .into_iter()
            .map(|(rowtime_ms, values)| Row { rowtime_ms, values })
            .collect()
    }
}
