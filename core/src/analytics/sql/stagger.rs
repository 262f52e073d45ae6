//! `WINDOWED BY STAGGER (PARTITION BY keys RANGE INTERVAL 'n' unit)` (reference D): sqlparser
//! has no such clause, so it is read here and blanked out of the query (positions kept). A
//! stagger window opens for a partition with its first row and closes RANGE later.

use super::query::{closing, interval_of};
use sqlparser::ast::{Expr, SelectItem, SetExpr, Statement};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;

/// The clause's partition keys and range.
#[derive(Debug, Clone, PartialEq)]
pub struct Stagger {
    pub partition_by: Vec<Expr>,
    pub range_ms: i64,
}

/// The expressions `SELECT <list>` would select.
fn expressions(list: &str) -> Option<Vec<Expr>> {
    let mut statements = Parser::parse_sql(&GenericDialect {}, &format!("SELECT {list}")).ok()?;
    let Some(Statement::Query(query)) = statements.pop() else {
        return None;
    };
    let SetExpr::Select(select) = *query.body else {
        return None;
    };
    select
        .projection
        .into_iter()
        .map(|item| match item {
            SelectItem::UnnamedExpr(e) => Some(e),
            _ => None,
        })
        .collect()
}

/// Takes the STAGGER clause out of `text`, if it has one; an error is its offset and message.
pub fn take_stagger(text: &mut String) -> Result<Option<Stagger>, (usize, String)> {
    let upper = text.to_ascii_uppercase();
    let Some(at) = upper.find("WINDOWED BY STAGGER") else {
        return Ok(None);
    };
    let open = upper[at..].find('(').map(|i| at + i).ok_or((
        at,
        "STAGGER takes (PARTITION BY … RANGE INTERVAL …)".to_owned(),
    ))?;
    let close = closing(text, open).ok_or((open, "this parenthesis is never closed".to_owned()))?;
    let inner = &text[open + 1..close];
    let inner_upper = inner.to_ascii_uppercase();
    let malformed = || {
        (
            open + 1,
            "STAGGER takes (PARTITION BY keys RANGE INTERVAL 'n' unit)".to_owned(),
        )
    };
    let keys_at = inner_upper.find("PARTITION BY").ok_or_else(malformed)? + "PARTITION BY".len();
    let range_at = inner_upper.rfind(" RANGE ").ok_or_else(malformed)?;
    if range_at < keys_at {
        return Err(malformed());
    }
    let partition_by = expressions(&inner[keys_at..range_at]).ok_or_else(malformed)?;
    let range_ms = expressions(&inner[range_at + " RANGE ".len()..])
        .and_then(|e| e.first().and_then(interval_of))
        .ok_or((
            open + 1 + range_at,
            "STAGGER's RANGE takes INTERVAL 'n' SECOND, MINUTE, HOUR or DAY".to_owned(),
        ))?;
    let blank: String = text[at..=close]
        .chars()
        .map(|c| if c == '\n' { '\n' } else { ' ' })
        .collect();
    // The blanks keep byte lengths only for ASCII; a clause with other letters was refused above.
    if blank.len() != close + 1 - at {
        return Err(malformed());
    }
    text.replace_range(at..=close, &blank);
    Ok(Some(Stagger {
        partition_by,
        range_ms,
    }))
}
