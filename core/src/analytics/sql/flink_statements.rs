//! Flink SQL's statements, read by the same pre-parser (reference D): `CREATE TABLE name (columns)
//! WITH (…)` — a computed `t AS PROCTIME()` column is the processing time (each row's ROWTIME),
//! a `METADATA` column is read by its type, WATERMARK and PRIMARY KEY lines are left aside, and the
//! connector options are not needed to run here —, `CREATE [TEMPORARY] VIEW name [(columns)] AS
//! SELECT …` and `INSERT INTO target [(columns)] SELECT …`, each a pump without a name.

use super::SqlError;
use super::statements::{
    PumpDecl, Statement, StreamDecl, ViewDecl, Words, column_type, top_level_parts,
};
use crate::analytics::value::SqlType;

/// `CREATE TABLE name (columns) [WITH (…)]`, after `CREATE TABLE`.
pub(super) fn table(code: &str, offset: usize, mut words: Words) -> Result<Statement, SqlError> {
    let error = |at: usize, message: &str| SqlError::at(code, offset + at, message);
    let name = words
        .identifier()
        .ok_or_else(|| error(words.at, "expected the table's name"))?;
    let (inner_at, inner) = words
        .parenthesised()
        .ok_or_else(|| error(words.at, "expected the table's columns in parentheses"))?;
    let mut columns = Vec::new();
    let mut proctime = None;
    for (at, part) in top_level_parts(inner) {
        let upper = part.trim().to_ascii_uppercase();
        if ["WATERMARK ", "PRIMARY ", "CONSTRAINT "]
            .iter()
            .any(|w| upper.starts_with(w))
        {
            continue;
        }
        let mut column = Words { text: part, at: 0 };
        let column_name = column
            .identifier()
            .ok_or_else(|| error(inner_at + at, "expected a column name"))?;
        let rest = part[column.at..].trim();
        let rest_upper = rest.to_ascii_uppercase();
        if rest_upper.starts_with("AS ") {
            if rest_upper.replace(' ', "") != "ASPROCTIME()" {
                return Err(error(
                    inner_at + at + column.at,
                    "a computed column here is the processing time: name AS PROCTIME()",
                ));
            }
            proctime = Some(columns.len());
            columns.push((column_name, SqlType::Timestamp));
            continue;
        }
        let end = [" METADATA", " NOT NULL", " PRIMARY"]
            .iter()
            .filter_map(|w| rest_upper.find(w))
            .min()
            .unwrap_or(rest.len());
        let place = offset + inner_at + at + column.at;
        let kind = column_type(code, place, &column_name, rest[..end].trim())?;
        columns.push((column_name, kind));
    }
    Ok(Statement::Stream(StreamDecl {
        name,
        columns,
        proctime,
    }))
}

/// The column names in parentheses that may come next.
fn names(words: &mut Words) -> Option<Vec<String>> {
    let before = words.at;
    let (_, inner) = words.parenthesised()?;
    let names: Vec<String> = top_level_parts(inner)
        .into_iter()
        .filter_map(|(_, part)| Words { text: part, at: 0 }.identifier())
        .collect();
    if names.is_empty() {
        words.at = before;
        return None;
    }
    Some(names)
}

/// `SELECT …` next: its text and where it starts.
fn select<'a>(
    code: &str,
    offset: usize,
    text: &'a str,
    words: &mut Words,
) -> Result<(&'a str, usize), SqlError> {
    words.skip_space();
    let select_at = words.at;
    if !words.keyword("SELECT") {
        return Err(SqlError::at(code, offset + select_at, "expected SELECT"));
    }
    Ok((&text[select_at..], offset + select_at))
}

/// `CREATE [TEMPORARY] VIEW name [(columns)] AS SELECT …`, after `VIEW`.
pub(super) fn view(
    code: &str,
    offset: usize,
    text: &str,
    mut words: Words,
) -> Result<Statement, SqlError> {
    let name = words
        .identifier()
        .ok_or_else(|| SqlError::at(code, offset + words.at, "expected the view's name"))?;
    let columns = names(&mut words);
    if !words.keyword("AS") {
        return Err(SqlError::at(
            code,
            offset + words.at,
            "expected AS SELECT …",
        ));
    }
    let (query, query_offset) = select(code, offset, text, &mut words)?;
    Ok(Statement::View(ViewDecl {
        name,
        columns,
        query: query.to_owned(),
        query_offset,
    }))
}

/// `INSERT INTO target [(columns)] SELECT …`, after `INSERT`.
pub(super) fn insert(
    code: &str,
    offset: usize,
    text: &str,
    mut words: Words,
) -> Result<Statement, SqlError> {
    if !words.keyword("INTO") {
        return Err(SqlError::at(
            code,
            offset + words.at,
            "expected INSERT INTO",
        ));
    }
    let target = words.identifier().ok_or_else(|| {
        SqlError::at(
            code,
            offset + words.at,
            "expected the table INSERT INTO writes",
        )
    })?;
    let columns = names(&mut words);
    let (query, query_offset) = select(code, offset, text, &mut words)?;
    let line = code[..offset.min(code.len())].matches('\n').count() + 1;
    Ok(Statement::Pump(PumpDecl {
        name: format!("INSERT INTO {target} (line {line})"),
        target,
        columns,
        query: query.to_owned(),
        query_offset,
    }))
}
