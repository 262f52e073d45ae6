//! A Flink view's columns (reference D): a view has no declaration of its own, so each column of
//! its query is named as the view (or the query) names it and typed by what it is — a column of
//! the source has the source's type, a window's bounds are timestamps, COUNT is an integer, a
//! CAST its type, a string literal text, and any other computation a DOUBLE.

use super::program::InAppStream;
use super::sql::query::{Plan, function_name, is_window_column};
use super::value::SqlType;
use sqlparser::ast::Expr;

/// The columns of `plan`'s rows, named by `names` when the view gives them.
pub fn infer(
    plan: &Plan,
    streams: &[InAppStream],
    names: &Option<Vec<String>>,
) -> Vec<(String, SqlType)> {
    let source = streams.iter().find(|s| s.name == plan.source);
    let source_columns: &[(String, SqlType)] = source.map_or(&[], |s| &s.columns);
    if plan.wildcard {
        return source_columns.to_vec();
    }
    plan.projections
        .iter()
        .enumerate()
        .map(|(i, (expr, name))| {
            let name = names
                .as_ref()
                .and_then(|n| n.get(i).cloned())
                .or_else(|| name.clone())
                .unwrap_or_else(|| format!("EXPR${i}"));
            (name, type_of(expr, source_columns))
        })
        .collect()
}

fn type_of(expr: &Expr, columns: &[(String, SqlType)]) -> SqlType {
    if is_window_column(expr) {
        return SqlType::Timestamp;
    }
    let column = match expr {
        Expr::Identifier(i) => Some(crate::analytics::eval::identifier(i)),
        Expr::CompoundIdentifier(parts) => parts.last().map(crate::analytics::eval::identifier),
        _ => None,
    };
    if let Some(column) = column {
        if column == "ROWTIME" {
            return SqlType::Timestamp;
        }
        if let Some((_, kind)) = columns.iter().find(|(c, _)| *c == column) {
            return *kind;
        }
    }
    match expr {
        Expr::Function(f) if function_name(f) == "COUNT" => SqlType::Integer,
        Expr::Cast { data_type, .. } => {
            SqlType::parse(&data_type.to_string()).unwrap_or(SqlType::Double)
        }
        Expr::Value(v) if matches!(v.value, sqlparser::ast::Value::SingleQuotedString(_)) => {
            SqlType::Varchar
        }
        _ => SqlType::Double,
    }
}
