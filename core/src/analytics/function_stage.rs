//! A table function between a pump's source and its SELECT (reference D):
//! `TABLE(RANDOM_CUT_FOREST(CURSOR(SELECT STREAM … FROM source), …))`. Each source row goes
//! through the cursor's query, its numeric columns are scored by the forest, and the row comes out
//! with ANOMALY_SCORE (and ANOMALY_EXPLANATION) added, for the query around it.

use super::eval::{Env, eval};
use super::program::Row;
use super::rcf::{Forest, ForestParams};
use super::sql::query::{Plan, TableFunction};
use super::value::{SqlType, Value};
use sqlparser::ast::Expr;

/// A table function at work.
#[derive(Debug)]
pub struct FunctionStage {
    cursor: Plan,
    /// What the function's rows hold: the cursor's columns, then the score (and explanation).
    pub output_columns: Vec<(String, SqlType)>,
    /// The cursor's numeric columns: their places and names.
    numeric: Vec<(usize, String)>,
    pub forest: Forest,
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

impl FunctionStage {
    /// The stage of `function` over a source of `columns` (the cursor's `*` already expanded).
    pub fn new(function: &TableFunction, columns: &[(String, SqlType)]) -> Result<Self, String> {
        let cursor = function.cursor.clone();
        let mut output_columns: Vec<(String, SqlType)> = cursor
            .projections
            .iter()
            .enumerate()
            .map(|(i, (expr, name))| {
                let name = name.clone().unwrap_or_else(|| format!("EXPR${i}"));
                (name, projection_type(expr, columns))
            })
            .collect();
        let numeric: Vec<(usize, String)> = output_columns
            .iter()
            .enumerate()
            .filter(|(_, (_, t))| matches!(t, SqlType::Integer | SqlType::Double))
            .map(|(i, (name, _))| (i, name.clone()))
            .collect();
        if numeric.is_empty() {
            return Err(format!(
                "{} needs numeric columns (DOUBLE, INTEGER, …) in its cursor",
                function.name
            ));
        }
        if numeric.len() > 30 {
            return Err(format!("{} takes up to 30 numeric columns", function.name));
        }
        let explain = function.name.ends_with("_WITH_EXPLANATION");
        let params = ForestParams::parse(explain, &function.args)
            .map_err(|e| format!("{}: {e}", function.name))?;
        output_columns.push(("ANOMALY_SCORE".into(), SqlType::Double));
        if explain {
            output_columns.push(("ANOMALY_EXPLANATION".into(), SqlType::Varchar));
        }
        let forest = Forest::new(params, numeric.len())?;
        Ok(Self {
            cursor,
            output_columns,
            numeric,
            forest,
        })
    }

    /// A source row through the cursor and the forest: the function's row, or none when the
    /// cursor's WHERE leaves it out.
    pub fn feed(&mut self, env: &dyn Env, rowtime_ms: i64) -> Result<Option<Row>, String> {
        if let Some(filter) = &self.cursor.filter
            && eval(filter, env)? != Value::Bool(true)
        {
            return Ok(None);
        }
        let mut values: Vec<Value> = self
            .cursor
            .projections
            .iter()
            .map(|(e, _)| eval(e, env))
            .collect::<Result<_, _>>()?;
        let point: Vec<f32> = self
            .numeric
            .iter()
            .map(|(i, _)| values[*i].as_f64().unwrap_or(0.0) as f32)
            .collect();
        let names: Vec<String> = self.numeric.iter().map(|(_, n)| n.clone()).collect();
        let scored = self.forest.score_and_learn(&point, &names);
        values.push(Value::Double(scored.score));
        if let Some(explanation) = scored.explanation {
            values.push(Value::Text(explanation));
        }
        Ok(Some(Row { rowtime_ms, values }))
    }
}
