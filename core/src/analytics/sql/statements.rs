//! The pre-parser: application code split into statements (at `;` outside quotes and comments),
//! each recognised as `CREATE [OR REPLACE] STREAM name (columns)` or `CREATE [OR REPLACE] PUMP
//! name AS INSERT INTO target [(columns)] SELECT STREAM …` — or, in Flink SQL, `CREATE TABLE name
//! (columns, t AS PROCTIME()) WITH (…)`, `CREATE [TEMPORARY] VIEW name [(columns)] AS SELECT …`
//! and `INSERT INTO target [(columns)] SELECT …`. Unquoted identifiers are upper-cased, quoted
//! ones kept as written (reference D).

use super::SqlError;
use super::flink_statements::{insert, table, view};
use crate::analytics::value::SqlType;

/// A declared in-application stream (or Flink table).
#[derive(Debug, Clone, PartialEq)]
pub struct StreamDecl {
    pub name: String,
    pub columns: Vec<(String, SqlType)>,
    /// The column holding the processing time (`t AS PROCTIME()`): each row's ROWTIME.
    pub proctime: Option<usize>,
}

/// A Flink view: a named query whose rows form a stream.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewDecl {
    pub name: String,
    /// The names it gives the query's columns, if it gives them.
    pub columns: Option<Vec<String>>,
    pub query: String,
    pub query_offset: usize,
}

/// A pump: a continuous INSERT INTO … SELECT.
#[derive(Debug, Clone, PartialEq)]
pub struct PumpDecl {
    pub name: String,
    pub target: String,
    /// The target's columns it fills, in order (all of them, in order, when not named).
    pub columns: Option<Vec<String>>,
    /// `SELECT …` with `STREAM` taken out, and where it starts in the code.
    pub query: String,
    pub query_offset: usize,
}

/// One statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    Stream(StreamDecl),
    Pump(PumpDecl),
    View(ViewDecl),
}

/// A statement's text, without its comments, and where it starts in the code.
fn split(code: &str) -> Result<Vec<(usize, String)>, SqlError> {
    let bytes = code.as_bytes();
    let mut statements = Vec::new();
    let mut current = String::new();
    let mut start = None;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'-' && bytes.get(i + 1) == Some(&b'-') {
            while i < bytes.len() && bytes[i] != b'\n' {
                current.push(' ');
                i += 1;
            }
            continue;
        }
        if c == b'/' && bytes.get(i + 1) == Some(&b'*') {
            let end = code[i + 2..]
                .find("*/")
                .ok_or_else(|| SqlError::at(code, i, "a comment opened here is never closed"))?;
            for &b in &bytes[i..i + 2 + end + 2] {
                current.push(if b == b'\n' { '\n' } else { ' ' });
            }
            i += 2 + end + 2;
            continue;
        }
        if c == b'\'' || c == b'"' {
            let end = code[i + 1..]
                .find(c as char)
                .ok_or_else(|| SqlError::at(code, i, "a quote opened here is never closed"))?;
            if start.is_none() {
                start = Some(i);
                current.clear();
            }
            current.push_str(&code[i..i + 1 + end + 1]);
            i += end + 2;
            continue;
        }
        if c == b';' {
            if let Some(at) = start.take() {
                statements.push((at, std::mem::take(&mut current)));
            }
            current.clear();
            i += 1;
            continue;
        }
        let ch = code[i..].chars().next().unwrap_or(' ');
        if start.is_none() && !ch.is_whitespace() {
            start = Some(i);
            current.clear();
        }
        if start.is_some() {
            current.push(ch);
        }
        i += ch.len_utf8();
    }
    if let Some(at) = start
        && !current.trim().is_empty()
    {
        statements.push((at, current));
    }
    Ok(statements)
}

/// A cursor over one statement's text, reading words and identifiers.
pub(super) struct Words<'a> {
    pub(super) text: &'a str,
    pub(super) at: usize,
}

impl<'a> Words<'a> {
    pub(super) fn skip_space(&mut self) {
        while self.text[self.at..].starts_with(char::is_whitespace) {
            self.at += self.text[self.at..]
                .chars()
                .next()
                .map_or(1, char::len_utf8);
        }
    }

    /// Takes `word` (any case) if it comes next.
    pub(super) fn keyword(&mut self, word: &str) -> bool {
        self.skip_space();
        let rest = &self.text[self.at..];
        let matches = rest
            .get(..word.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(word))
            && !rest[word.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_');
        if matches {
            self.at += word.len();
        }
        matches
    }

    /// A quoted (kept as written) or bare (upper-cased) identifier.
    pub(super) fn identifier(&mut self) -> Option<String> {
        self.skip_space();
        let rest = &self.text[self.at..];
        if let Some(quoted) = rest.strip_prefix('"') {
            let end = quoted.find('"')?;
            self.at += end + 2;
            return Some(quoted[..end].to_owned());
        }
        let len = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if len == 0 {
            return None;
        }
        self.at += len;
        Some(rest[..len].to_ascii_uppercase())
    }

    /// The text inside the parentheses that come next, and where it starts.
    pub(super) fn parenthesised(&mut self) -> Option<(usize, &'a str)> {
        self.skip_space();
        if !self.text[self.at..].starts_with('(') {
            return None;
        }
        let mut depth = 0;
        for (i, c) in self.text[self.at..].char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        let inner = (self.at + 1, &self.text[self.at + 1..self.at + i]);
                        self.at += i + 1;
                        return Some(inner);
                    }
                }
                _ => {}
            }
        }
        None
    }
}

/// `text` split at commas outside parentheses, each part with its offset.
pub(super) fn top_level_parts(text: &str) -> Vec<(usize, &str)> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push((start, &text[start..i]));
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push((start, &text[start..]));
    parts
}

/// The type `text` names for column `name`, or an error at `place` saying it is unknown.
pub(super) fn column_type(
    code: &str,
    place: usize,
    name: &str,
    text: &str,
) -> Result<SqlType, SqlError> {
    SqlType::parse(text).ok_or_else(|| {
        SqlError::at(
            code,
            place,
            format!("unknown type {text:?} for column {name}"),
        )
    })
}

/// Every statement of `code`.
pub fn parse(code: &str) -> Result<Vec<Statement>, SqlError> {
    split(code)?
        .into_iter()
        .map(|(offset, text)| statement(code, offset, &text))
        .collect()
}

fn statement(code: &str, offset: usize, text: &str) -> Result<Statement, SqlError> {
    let mut words = Words { text, at: 0 };
    let error = |at: usize, message: &str| SqlError::at(code, offset + at, message);
    if words.keyword("INSERT") {
        return insert(code, offset, text, words);
    }
    if !words.keyword("CREATE") {
        return Err(error(
            0,
            "expected CREATE STREAM or CREATE PUMP: application code is made of those statements",
        ));
    }
    let _ = words.keyword("OR") && words.keyword("REPLACE");
    let _ = words.keyword("TEMPORARY");
    if words.keyword("TABLE") {
        return table(code, offset, words);
    }
    if words.keyword("VIEW") {
        return view(code, offset, text, words);
    }
    if words.keyword("STREAM") {
        let name = words
            .identifier()
            .ok_or_else(|| error(words.at, "expected the stream's name"))?;
        let (inner_at, inner) = words
            .parenthesised()
            .ok_or_else(|| error(words.at, "expected the stream's columns in parentheses"))?;
        let mut columns = Vec::new();
        for (at, part) in top_level_parts(inner) {
            let mut column = Words { text: part, at: 0 };
            let column_name = column
                .identifier()
                .ok_or_else(|| error(inner_at + at, "expected a column name"))?;
            let kind_text = part[column.at..].trim();
            let place = offset + inner_at + at + column.at;
            let kind = column_type(code, place, &column_name, kind_text)?;
            columns.push((column_name, kind));
        }
        return Ok(Statement::Stream(StreamDecl {
            name,
            columns,
            proctime: None,
        }));
    }
    if words.keyword("PUMP") {
        let name = words
            .identifier()
            .ok_or_else(|| error(words.at, "expected the pump's name"))?;
        if !(words.keyword("AS") && words.keyword("INSERT") && words.keyword("INTO")) {
            return Err(error(
                words.at,
                "expected AS INSERT INTO after the pump's name",
            ));
        }
        let target = words
            .identifier()
            .ok_or_else(|| error(words.at, "expected the stream the pump inserts into"))?;
        let columns = words.parenthesised().map(|(_, inner)| {
            top_level_parts(inner)
                .into_iter()
                .filter_map(|(_, part)| Words { text: part, at: 0 }.identifier())
                .collect()
        });
        words.skip_space();
        let select_at = words.at;
        // AWS's own HOTSPOTS example selects from its table function without STREAM.
        let selects = words.keyword("SELECT");
        if !(selects && (words.keyword("STREAM") || reads_table_function(&text[words.at..]))) {
            return Err(error(
                select_at,
                "expected SELECT STREAM: a pump selects from a stream",
            ));
        }
        // `SELECT STREAM x` → `SELECT        x`: the same length, so positions stay true.
        let mut query = String::from("SELECT");
        query.push_str(&" ".repeat(words.at - select_at - "SELECT".len()));
        query.push_str(&text[words.at..]);
        return Ok(Statement::Pump(PumpDecl {
            name,
            target,
            columns,
            query,
            query_offset: offset + select_at,
        }));
    }
    Err(error(
        words.at,
        "expected STREAM or PUMP after CREATE (other statements are not supported)",
    ))
}

/// Where `TABLE (` starts in `text` (any case, any space before the parenthesis).
pub fn table_call_at(text: &str) -> Option<usize> {
    let upper = text.to_ascii_uppercase();
    let mut from = 0;
    while let Some(found) = upper[from..].find("TABLE") {
        let at = from + found;
        let before_ok = upper[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_' || c == '"'));
        if before_ok && upper[at + "TABLE".len()..].trim_start().starts_with('(') {
            return Some(at);
        }
        from = at + "TABLE".len();
    }
    None
}

fn reads_table_function(query: &str) -> bool {
    table_call_at(query).is_some()
}
