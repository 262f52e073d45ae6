//! Evaluating the dialect's expressions on a row: columns (ROWTIME among them), literals,
//! arithmetic, comparisons, AND / OR / NOT, IS [NOT] NULL, BETWEEN, IN, LIKE, CASE, CAST,
//! `FLOOR(ts TO unit)`, `STEP(ts BY INTERVAL …)` and the scalar functions AWS's examples use.
//! A grouped row answers aggregates and grouped expressions itself, through [`Env::grouped`].

use super::sql::query::{arguments, function_name, interval_of, unit_ms};
use super::value::{SqlType, Value};
use sqlparser::ast::{self, BinaryOperator, CeilFloorKind, Expr, UnaryOperator};

/// What an expression can see.
pub trait Env {
    /// A column's value; the error names what is unknown.
    fn column(&self, name: &str) -> Result<Value, String>;
    /// A column named with what it belongs to (`"c"."Company"`, `"S".ROWTIME`): the stream or
    /// joined table called `qualifier`, if the row has one by that name, or else the column.
    fn qualified(&self, _qualifier: &str, name: &str) -> Result<Value, String> {
        self.column(name)
    }
    /// The value a grouped row holds for `expr` (an aggregate or a GROUP BY expression).
    fn grouped(&self, _expr: &Expr) -> Option<Value> {
        None
    }
}

/// An identifier as the dialect resolves it: quoted as written, bare upper-cased.
pub fn identifier(ident: &ast::Ident) -> String {
    match ident.quote_style {
        Some(_) => ident.value.clone(),
        None => ident.value.to_ascii_uppercase(),
    }
}

fn number(text: &str) -> Result<Value, String> {
    if let Ok(i) = text.parse::<i64>() {
        return Ok(Value::Int(i));
    }
    text.parse::<f64>()
        .map(Value::Double)
        .map_err(|_| format!("{text} is not a number"))
}

fn truth(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        _ => None,
    }
}

/// `value` floored to a multiple of `size_ms` (a timestamp stays a timestamp).
pub fn floor_to(value: &Value, size_ms: i64) -> Value {
    match value {
        Value::Timestamp(t) => Value::Timestamp(t.div_euclid(size_ms) * size_ms),
        Value::Int(i) => Value::Int(i.div_euclid(size_ms) * size_ms),
        _ => Value::Null,
    }
}

fn arithmetic(op: &BinaryOperator, a: Value, b: Value) -> Result<Value, String> {
    if a.is_null() || b.is_null() {
        return Ok(Value::Null);
    }
    if let (Value::Int(x), Value::Int(y)) = (&a, &b) {
        return Ok(match op {
            BinaryOperator::Plus => Value::Int(x.wrapping_add(*y)),
            BinaryOperator::Minus => Value::Int(x.wrapping_sub(*y)),
            BinaryOperator::Multiply => Value::Int(x.wrapping_mul(*y)),
            BinaryOperator::Divide if *y == 0 => return Err("division by zero".into()),
            BinaryOperator::Divide => Value::Int(x.wrapping_div(*y)),
            BinaryOperator::Modulo if *y == 0 => return Err("division by zero".into()),
            _ => Value::Int(x.wrapping_rem(*y)),
        });
    }
    if let (Value::Timestamp(t), Value::Int(ms)) | (Value::Int(ms), Value::Timestamp(t)) = (&a, &b)
    {
        return match op {
            BinaryOperator::Plus => Ok(Value::Timestamp(t.wrapping_add(*ms))),
            BinaryOperator::Minus => Ok(Value::Timestamp(t.wrapping_sub(*ms))),
            _ => Err(format!("{op} does not apply to a timestamp")),
        };
    }
    let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) else {
        return Err(format!("{op} needs numbers, not {a:?} and {b:?}"));
    };
    Ok(Value::Double(match op {
        BinaryOperator::Plus => x + y,
        BinaryOperator::Minus => x - y,
        BinaryOperator::Multiply => x * y,
        BinaryOperator::Divide => x / y,
        _ => x % y,
    }))
}

fn like(text: &str, pattern: &str) -> bool {
    fn matches(t: &[char], p: &[char]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some(('%', rest)) => (0..=t.len()).any(|i| matches(&t[i..], rest)),
            Some(('_', rest)) => !t.is_empty() && matches(&t[1..], rest),
            Some((c, rest)) => t.first() == Some(c) && matches(&t[1..], rest),
        }
    }
    let t: Vec<char> = text.chars().collect();
    let p: Vec<char> = pattern.chars().collect();
    matches(&t, &p)
}

/// Evaluates `expr` against `env`.
pub fn eval(expr: &Expr, env: &dyn Env) -> Result<Value, String> {
    if let Some(value) = env.grouped(expr) {
        return Ok(value);
    }
    Ok(match expr {
        Expr::Identifier(ident) => env.column(&identifier(ident))?,
        Expr::CompoundIdentifier(parts) => match &parts[..] {
            [.., qualifier, last] => env.qualified(&identifier(qualifier), &identifier(last))?,
            [last] => env.column(&identifier(last))?,
            [] => return Err("an empty name".into()),
        },
        Expr::Nested(inner) => eval(inner, env)?,
        Expr::Value(v) => match &v.value {
            ast::Value::Number(n, _) => number(n)?,
            ast::Value::SingleQuotedString(s) => Value::Text(s.clone()),
            ast::Value::Boolean(b) => Value::Bool(*b),
            ast::Value::Null => Value::Null,
            other => return Err(format!("the literal {other} is not supported")),
        },
        Expr::Interval(_) => {
            return Err("an INTERVAL stands only in STEP(… BY INTERVAL …)".into());
        }
        Expr::UnaryOp { op, expr } => {
            let value = eval(expr, env)?;
            match (op, value) {
                (_, Value::Null) => Value::Null,
                (UnaryOperator::Not, Value::Bool(b)) => Value::Bool(!b),
                (UnaryOperator::Minus, Value::Int(i)) => Value::Int(i.wrapping_neg()),
                (UnaryOperator::Minus, Value::Double(d)) => Value::Double(-d),
                (UnaryOperator::Plus, v) => v,
                (op, v) => return Err(format!("{op} does not apply to {v:?}")),
            }
        }
        Expr::BinaryOp { left, op, right } => {
            let a = eval(left, env)?;
            match op {
                BinaryOperator::And | BinaryOperator::Or => {
                    let b = eval(right, env)?;
                    let and = matches!(op, BinaryOperator::And);
                    match (truth(&a), truth(&b), and) {
                        (Some(false), _, true) | (_, Some(false), true) => Value::Bool(false),
                        (Some(true), _, false) | (_, Some(true), false) => Value::Bool(true),
                        (Some(x), Some(y), _) => Value::Bool(if and { x && y } else { x || y }),
                        _ => Value::Null,
                    }
                }
                BinaryOperator::Eq
                | BinaryOperator::NotEq
                | BinaryOperator::Lt
                | BinaryOperator::LtEq
                | BinaryOperator::Gt
                | BinaryOperator::GtEq => {
                    let b = eval(right, env)?;
                    match a.compare(&b) {
                        None => Value::Null,
                        Some(order) => Value::Bool(match op {
                            BinaryOperator::Eq => order.is_eq(),
                            BinaryOperator::NotEq => order.is_ne(),
                            BinaryOperator::Lt => order.is_lt(),
                            BinaryOperator::LtEq => order.is_le(),
                            BinaryOperator::Gt => order.is_gt(),
                            _ => order.is_ge(),
                        }),
                    }
                }
                BinaryOperator::StringConcat => match (a, eval(right, env)?) {
                    (Value::Null, _) | (_, Value::Null) => Value::Null,
                    (a, b) => Value::Text(format!("{a}{b}")),
                },
                BinaryOperator::Plus
                | BinaryOperator::Minus
                | BinaryOperator::Multiply
                | BinaryOperator::Divide
                | BinaryOperator::Modulo => arithmetic(op, a, eval(right, env)?)?,
                other => return Err(format!("the operator {other} is not supported")),
            }
        }
        Expr::IsNull(inner) => Value::Bool(eval(inner, env)?.is_null()),
        Expr::IsNotNull(inner) => Value::Bool(!eval(inner, env)?.is_null()),
        Expr::Between {
            expr,
            negated,
            low,
            high,
        } => {
            let value = eval(expr, env)?;
            let (low, high) = (eval(low, env)?, eval(high, env)?);
            match (value.compare(&low), value.compare(&high)) {
                (Some(l), Some(h)) => Value::Bool((l.is_ge() && h.is_le()) != *negated),
                _ => Value::Null,
            }
        }
        Expr::In {
            expr,
            target: ast::InTarget::List(list),
            negated,
            ..
        } => {
            let value = eval(expr, env)?;
            let mut found = false;
            for item in list {
                found |= value.compare(&eval(item, env)?).is_some_and(|o| o.is_eq());
            }
            Value::Bool(found != *negated)
        }
        Expr::Like {
            negated,
            expr,
            pattern,
            ..
        } => match (eval(expr, env)?, eval(pattern, env)?) {
            (Value::Text(t), Value::Text(p)) => Value::Bool(like(&t, &p) != *negated),
            _ => Value::Null,
        },
        Expr::Case {
            operand,
            conditions,
            else_result,
            ..
        } => {
            let subject = operand.as_ref().map(|o| eval(o, env)).transpose()?;
            for when in conditions {
                let hit = match &subject {
                    Some(subject) => subject
                        .compare(&eval(&when.condition, env)?)
                        .is_some_and(|o| o.is_eq()),
                    None => truth(&eval(&when.condition, env)?) == Some(true),
                };
                if hit {
                    return eval(&when.result, env);
                }
            }
            match else_result {
                Some(e) => eval(e, env)?,
                None => Value::Null,
            }
        }
        Expr::Cast {
            expr, data_type, ..
        } => {
            let kind = SqlType::parse(&data_type.to_string())
                .ok_or_else(|| format!("CAST to {data_type} is not supported"))?;
            eval(expr, env)?.cast(kind)
        }
        Expr::Floor {
            expr,
            field: CeilFloorKind::DateTimeField(field),
        } => {
            let size =
                unit_ms(field).ok_or_else(|| format!("FLOOR to {field} is not supported"))?;
            floor_to(&eval(expr, env)?, size)
        }
        Expr::Function(function) => call(function, env)?,
        other => return Err(format!("{other} is not supported")),
    })
}

fn call(function: &ast::Function, env: &dyn Env) -> Result<Value, String> {
    let name = function_name(function);
    let args: Vec<&Expr> = arguments(function).into_iter().flatten().collect();
    let arg = |n: usize| -> Result<Value, String> {
        eval(
            args.get(n)
                .ok_or_else(|| format!("{name} needs argument {}", n + 1))?,
            env,
        )
    };
    Ok(match name.as_str() {
        "UPPER" => match arg(0)? {
            Value::Text(t) => Value::Text(t.to_uppercase()),
            v => v,
        },
        "LOWER" => match arg(0)? {
            Value::Text(t) => Value::Text(t.to_lowercase()),
            v => v,
        },
        "CHAR_LENGTH" | "CHARACTER_LENGTH" => match arg(0)? {
            Value::Text(t) => Value::Int(t.chars().count() as i64),
            _ => Value::Null,
        },
        "ABS" => match arg(0)? {
            Value::Int(i) => Value::Int(i.wrapping_abs()),
            Value::Double(d) => Value::Double(d.abs()),
            _ => Value::Null,
        },
        "STEP" => {
            let size = match args.get(1) {
                Some(Expr::Interval(_)) => interval_of(args[1]),
                _ => None,
            }
            .ok_or("STEP takes (time BY INTERVAL 'n' unit)")?;
            floor_to(&arg(0)?, size)
        }
        "COALESCE" => {
            for n in 0..args.len() {
                let value = arg(n)?;
                if !value.is_null() {
                    return Ok(value);
                }
            }
            Value::Null
        }
        other if super::sql::query::AGGREGATES.contains(&other) => {
            return Err(format!(
                "{other} is an aggregate: it needs a GROUP BY window"
            ));
        }
        other => return Err(format!("unknown function {other}")),
    })
}
