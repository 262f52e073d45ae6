//! The Kinesis Data Analytics SQL dialect (reference D, F's notes): `statements` splits
//! application code into its CREATE STREAM and CREATE PUMP statements (sqlparser has no AST for
//! them), `query` hands each pump's SELECT — with `STREAM` taken out and `STEP(… BY …)` made a
//! plain call — to sqlparser and turns it into a plan. Errors name their line and column in the
//! application code.

pub mod flink_statements;
pub mod query;
pub mod stagger;
pub mod statements;
pub mod window_tvf;

/// Why application code cannot run, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct SqlError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl SqlError {
    /// An error at byte `offset` of `code`.
    pub fn at(code: &str, offset: usize, message: impl Into<String>) -> Self {
        let mut offset = offset.min(code.len());
        while !code.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &code[..offset];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Self {
            line,
            column,
            message: message.into(),
        }
    }
}
