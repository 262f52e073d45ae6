//! A Flink view's columns (reference D): a view has no declaration of its own, so each column of
//! its query is named as the view (or the query) names it and typed by what it is — a column of
//! the source has the source's type, a window's bounds are timestamps, COUNT is an integer, a
//! CAST its type, text functions and `||` text, comparisons booleans, MIN / MAX / SUM their
//! argument's type, and any other computation a DOUBLE.

use super::program::InAppStream;
use super::sql::query::{Plan, arguments, function_name, is_window_column};
use super::value::SqlType;
use sqlparser::ast::{BinaryOperator, Expr, UnaryOperator, Value};

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
        Expr::Nested(inner) => type_of(inner, columns),
        Expr::Function(f) => function_type(f, columns),
        Expr::Cast { data_type, .. } => {
            SqlType::parse(&data_type.to_string()).unwrap_or(SqlType::Double)
        }
        Expr::Value(v) => match &v.value {
            Value::SingleQuotedString(_) => SqlType::Varchar,
            Value::Boolean(_) => SqlType::Boolean,
            Value::Number(n, _) if !n.contains(['.', 'e', 'E']) => SqlType::Integer,
            _ => SqlType::Double,
        },
        Expr::BinaryOp { op, left, .. } => match op {
            BinaryOperator::StringConcat => SqlType::Varchar,
            BinaryOperator::Plus
            | BinaryOperator::Minus
            | BinaryOperator::Multiply
            | BinaryOperator::Divide
            | BinaryOperator::Modulo => match type_of(left, columns) {
                SqlType::Integer => SqlType::Integer,
                _ => SqlType::Double,
            },
            _ => SqlType::Boolean,
        },
        Expr::UnaryOp { op, expr } => match op {
            UnaryOperator::Not => SqlType::Boolean,
            _ => type_of(expr, columns),
        },
        Expr::IsNull(_)
        | Expr::IsNotNull(_)
        | Expr::IsTrue(_)
        | Expr::IsFalse(_)
        | Expr::Between { .. }
        | Expr::In { .. }
        | Expr::Like { .. }
        | Expr::ILike { .. } => SqlType::Boolean,
        Expr::Case {
            conditions,
            else_result,
            ..
        } => conditions
            .first()
            .map(|when| &when.result)
            .or(else_result.as_deref())
            .map_or(SqlType::Double, |result| type_of(result, columns)),
        Expr::Substring { .. } | Expr::Trim { .. } => SqlType::Varchar,
        _ => SqlType::Double,
    }
}

/// What a function returns: text functions text, COUNT and lengths integers, MIN / MAX / SUM /
/// COALESCE their first argument's type, anything else a DOUBLE.
fn function_type(function: &sqlparser::ast::Function, columns: &[(String, SqlType)]) -> SqlType {
    let first = || {
        arguments(function)
            .first()
            .copied()
            .flatten()
            .map_or(SqlType::Double, |arg| type_of(arg, columns))
    };
    match function_name(function).as_str() {
        "COUNT" | "CHAR_LENGTH" | "CHARACTER_LENGTH" => SqlType::Integer,
        "UPPER" | "LOWER" | "TRIM" | "SUBSTRING" | "CONCAT" | "INITCAP" => SqlType::Varchar,
        "MIN" | "MAX" | "SUM" | "COALESCE" | "ABS" | "FIRST_VALUE" | "LAST_VALUE" => first(),
        _ => SqlType::Double,
    }
}
