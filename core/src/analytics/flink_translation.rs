//! Migration (reference D): AWS retired the Kinesis Data Analytics SQL dialect and points its users
//! to Managed Service for Apache Flink. An application's code is written here as the equivalent
//! Flink SQL: the input stream a `CREATE TABLE … WITH ('connector' = 'kinesis', …)` with the
//! processing time as `proc_time AS PROCTIME()`, each output a Kinesis (or Firehose) sink table,
//! an in-application stream between pumps a view, and each pump an `INSERT INTO … SELECT`, a
//! tumbling window becoming `TABLE(TUMBLE(TABLE …, DESCRIPTOR(proc_time), INTERVAL …))` grouped
//! by `window_start, window_end`. What has no Flink SQL form (RANDOM_CUT_FOREST, HOTSPOTS, stagger
//! windows, a streaming ORDER BY, …) is said at its line, as a comment in the text.

use super::sql::SqlError;
use super::sql::query::{Plan, plan};
use super::sql::statements::{self, Statement};
use super::value::SqlType;
use sqlparser::ast::{Expr, Ident};
use std::ops::ControlFlow;

/// Where the application's input and outputs are, for the tables' WITH options.
#[derive(Debug, Clone, Default)]
pub struct Connectors {
    pub region: String,
    /// The input: a Kinesis stream's ARN (or a delivery stream's, which Flink cannot read).
    pub source_arn: String,
    /// Each output: the in-application stream, its destination ARN, JSON or CSV.
    pub outputs: Vec<(String, String, String)>,
}

/// Flink SQL for an application, and the lines it could not carry over.
#[derive(Debug, Clone, PartialEq)]
pub struct Translation {
    pub sql: String,
    /// (line of the original code, what has no Flink SQL equivalent there).
    pub notes: Vec<(usize, String)>,
}

impl Translation {
    /// Whether every statement carried over, so the Flink SQL does what the original does.
    pub fn complete(&self) -> bool {
        self.notes.is_empty()
    }
}

/// The processing-time column the translation adds to the source table.
pub const PROCTIME_COLUMN: &str = "proc_time";

fn flink_type(kind: SqlType) -> &'static str {
    match kind {
        SqlType::Boolean => "BOOLEAN",
        SqlType::Integer => "BIGINT",
        SqlType::Double => "DOUBLE",
        SqlType::Varchar => "STRING",
        SqlType::Timestamp => "TIMESTAMP(3)",
    }
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn column_list(columns: &[(String, SqlType)]) -> Vec<String> {
    columns
        .iter()
        .map(|(name, kind)| format!("  {} {}", quoted(name), flink_type(*kind)))
        .collect()
}

fn sink_options(arn: &str, format: &str, region: &str) -> String {
    let format = format.to_ascii_lowercase();
    match arn.split_once(":deliverystream/") {
        Some((_, name)) => format!(
            "  'connector' = 'firehose',\n  'delivery-stream' = '{name}',\n  'aws.region' = '{region}',\n  'format' = '{format}'"
        ),
        None => format!(
            "  'connector' = 'kinesis',\n  'stream.arn' = '{arn}',\n  'aws.region' = '{region}',\n  'format' = '{format}'"
        ),
    }
}

/// 1-based line of byte `offset` in `code`.
fn line_of(code: &str, offset: usize) -> usize {
    code[..offset.min(code.len())].matches('\n').count() + 1
}

/// What in `plan` has no Flink SQL form, if anything.
fn untranslatable(plan: &Plan) -> Option<String> {
    if let Some(function) = &plan.function {
        return Some(match function.name.as_str() {
            "RANDOM_CUT_FOREST" | "RANDOM_CUT_FOREST_WITH_EXPLANATION" => format!(
                "{} has no Flink SQL equivalent: in Managed Service for Apache Flink, score \
                 anomalies in a DataStream application (a Random Cut Forest library, or \
                 SageMaker's RCF through an async call)",
                function.name
            ),
            "HOTSPOTS" => "HOTSPOTS has no Flink SQL equivalent: cluster the points in a \
                           DataStream application"
                .into(),
            "TOP_K_ITEMS_TUMBLING" => {
                "TOP_K_ITEMS_TUMBLING becomes Flink's window Top-N: COUNT(*) \
                 per item over TUMBLE, then ROW_NUMBER() OVER (PARTITION BY window_start, \
                 window_end ORDER BY the count DESC) <= K"
                    .into()
            }
            other => format!(
                "{other} becomes COUNT(DISTINCT column) over TUMBLE(…) grouped by window_start, \
                 window_end"
            ),
        });
    }
    if plan.stagger.is_some() {
        return Some(
            "WINDOWED BY STAGGER has no Flink SQL form; SESSION(TABLE t PARTITION BY key, \
             DESCRIPTOR(proc_time), gap) is the nearest"
                .into(),
        );
    }
    if plan.sliding.is_some() {
        return Some(
            "a sliding window is an OVER aggregation in Flink SQL: AGG(x) OVER (PARTITION BY key \
             ORDER BY proc_time RANGE BETWEEN INTERVAL '1' MINUTE PRECEDING AND CURRENT ROW)"
                .into(),
        );
    }
    if plan.ordering.is_some() {
        return Some(
            "a streaming ORDER BY has no Flink SQL form: Flink sorts a stream by its time \
             attribute only (ORDER BY proc_time)"
                .into(),
        );
    }
    if plan.join.is_some() {
        return Some(
            "a join with reference data is a lookup join in Flink SQL: JOIN table FOR \
             SYSTEM_TIME AS OF s.proc_time AS t ON …, the table from the filesystem or JDBC \
             connector"
                .into(),
        );
    }
    None
}

/// `expr` as Flink SQL: ROWTIME is `proc_time` (or, in a windowed query, the window's end) and
/// the window's own expression is `window_start`.
fn flink_expr(expr: &Expr, plan: &Plan) -> String {
    let mut expr = expr.clone();
    let window = plan.window.as_ref().map(|w| w.group_expr.clone());
    // Two passes: the visitor sees an expression's parts before it, and the window's own
    // expression (`STEP(ROWTIME BY …)`) must be recognised before its ROWTIME is rewritten.
    let _ = sqlparser::ast::visit_expressions_mut(&mut expr, |e| {
        if window.as_ref() == Some(e) {
            *e = Expr::Identifier(Ident::new("window_start"));
        }
        ControlFlow::<()>::Continue(())
    });
    let _ = sqlparser::ast::visit_expressions_mut(&mut expr, |e| {
        let is_rowtime = match e {
            Expr::Identifier(i) => i.value.eq_ignore_ascii_case("ROWTIME"),
            Expr::CompoundIdentifier(parts) => parts
                .last()
                .is_some_and(|i| i.value.eq_ignore_ascii_case("ROWTIME")),
            _ => false,
        };
        if is_rowtime {
            let name = if window.is_some() {
                "window_end"
            } else {
                PROCTIME_COLUMN
            };
            *e = Expr::Identifier(Ident::new(name));
        }
        ControlFlow::<()>::Continue(())
    });
    expr.to_string()
}

/// The SELECT of a pump, in Flink SQL.
fn flink_select(plan: &Plan) -> String {
    let projections: Vec<String> = plan
        .projections
        .iter()
        .map(|(e, name)| {
            let text = flink_expr(e, plan);
            match name {
                Some(name) if text != *name && !text.ends_with(&format!(".{name}")) => {
                    format!("{text} AS {}", quoted(name))
                }
                _ => text,
            }
        })
        .collect();
    let from = match &plan.window {
        Some(window) => format!(
            "TABLE(TUMBLE(TABLE {}, DESCRIPTOR({PROCTIME_COLUMN}), INTERVAL '{}' SECOND))",
            quoted(&plan.source),
            window.size_ms / 1_000
        ),
        None => quoted(&plan.source),
    };
    let mut sql = format!("SELECT {}\nFROM {from}", projections.join(", "));
    if let Some(filter) = &plan.filter {
        sql.push_str(&format!("\nWHERE {}", flink_expr(filter, plan)));
    }
    if plan.window.is_some() {
        let mut keys = vec!["window_start".to_owned(), "window_end".to_owned()];
        keys.extend(plan.group_keys.iter().map(|k| flink_expr(k, plan)));
        sql.push_str(&format!("\nGROUP BY {}", keys.join(", ")));
    }
    sql
}

/// The Flink SQL of `code`, whose input enters `source` with `source_columns`.
pub fn translate(
    code: &str,
    source: &str,
    source_columns: &[(String, SqlType)],
    connectors: &Connectors,
) -> Result<Translation, SqlError> {
    let statements = statements::parse(code)?;
    let mut notes = Vec::new();
    let mut streams: Vec<(String, Vec<(String, SqlType)>)> = Vec::new();
    let mut pumps = Vec::new();
    for statement in statements {
        match statement {
            Statement::Stream(decl) => streams.push((decl.name, decl.columns)),
            Statement::Pump(decl) => {
                let plan = plan(code, decl.query_offset, &decl.query)?;
                pumps.push((decl, plan));
            }
            // Already Flink SQL: nothing to translate.
            Statement::View(_) => {}
        }
    }
    let mut sql = String::from(
        "-- Flink SQL (Managed Service for Apache Flink), translated from Kinesis Data Analytics \
         SQL by Kinescope.\n",
    );
    // The arrival time is the Kinesis connector's `timestamp` metadata.
    let mut source_table: Vec<String> = source_columns
        .iter()
        .map(|(name, kind)| match name.as_str() {
            super::runtime::ARRIVAL_COLUMN => format!(
                "  {} TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL",
                quoted(name)
            ),
            _ => format!("  {} {}", quoted(name), flink_type(*kind)),
        })
        .collect();
    source_table.push(format!("  {PROCTIME_COLUMN} AS PROCTIME()"));
    if connectors.source_arn.contains(":deliverystream/") {
        notes.push((
            1,
            "Flink reads no Firehose delivery stream: read the Kinesis stream that feeds it".into(),
        ));
    }
    sql.push_str(&format!(
        "CREATE TABLE {} (\n{}\n) WITH (\n  'connector' = 'kinesis',\n  'stream.arn' = '{}',\n  'aws.region' = '{}',\n  'source.init.position' = 'LATEST',\n  'format' = 'json'\n);\n",
        quoted(source),
        source_table.join(",\n"),
        connectors.source_arn,
        connectors.region
    ));
    let writers = |name: &str| pumps.iter().filter(|(d, _)| d.target == name).count();
    let read = |name: &str| pumps.iter().any(|(_, p)| p.source == name);
    let mut views = Vec::new();
    for (name, columns) in &streams {
        let output = connectors
            .outputs
            .iter()
            .find(|(stream, _, _)| stream == name);
        match output {
            Some((_, arn, format)) => sql.push_str(&format!(
                "\nCREATE TABLE {} (\n{}\n) WITH (\n{}\n);\n",
                quoted(name),
                column_list(columns).join(",\n"),
                sink_options(arn, format, &connectors.region)
            )),
            // A stream one pump writes and others read is a view of that pump's query.
            None if read(name) && writers(name) == 1 => views.push(name.clone()),
            None => sql.push_str(&format!(
                "\n-- {name} goes to no output: Flink prints its rows.\nCREATE TABLE {} (\n{}\n) WITH (\n  'connector' = 'print'\n);\n",
                quoted(name),
                column_list(columns).join(",\n")
            )),
        }
    }
    for (decl, plan) in &pumps {
        let line = line_of(code, decl.query_offset);
        if let Some(note) = untranslatable(plan) {
            sql.push_str(&format!("\n-- line {line}: {note}\n"));
            for text_line in decl.query.lines() {
                sql.push_str(&format!("-- {text_line}\n"));
            }
            notes.push((line, note));
            continue;
        }
        let target_columns = match &decl.columns {
            Some(columns) => columns.clone(),
            None => streams
                .iter()
                .find(|(n, _)| *n == decl.target)
                .map(|(_, c)| c.iter().map(|(n, _)| n.clone()).collect())
                .unwrap_or_default(),
        };
        let select = flink_select(plan);
        if views.contains(&decl.target) {
            // The view names its columns as the stream declares them.
            let names: Vec<String> = target_columns.iter().map(|c| quoted(c)).collect();
            sql.push_str(&format!(
                "\n-- {} (line {line})\nCREATE TEMPORARY VIEW {} ({}) AS\n{select};\n",
                decl.name,
                quoted(&decl.target),
                names.join(", ")
            ));
        } else {
            let names: Vec<String> = target_columns.iter().map(|c| quoted(c)).collect();
            sql.push_str(&format!(
                "\n-- {} (line {line})\nINSERT INTO {} ({})\n{select};\n",
                decl.name,
                quoted(&decl.target),
                names.join(", ")
            ));
        }
    }
    Ok(Translation { sql, notes })
}

/// The application's code as Flink SQL, and — when it translated whole — that Flink SQL running
/// beside the original on the same rows.
#[derive(Debug)]
pub struct FlinkMirror {
    pub translation: Translation,
    pub program: Option<super::program::Program>,
    /// Why the Flink SQL does not run here, if it does not.
    pub error: Option<String>,
}

impl FlinkMirror {
    /// The translation of `code` and, if complete, its program, for input stream `source`.
    pub fn of(
        code: &str,
        source: &str,
        source_columns: &[(String, SqlType)],
        connectors: &Connectors,
    ) -> Result<Self, SqlError> {
        let translation = translate(code, source, source_columns, connectors)?;
        let (program, error) = if translation.complete() {
            match super::program::Program::compile_for(&translation.sql, source, source_columns) {
                Ok(program) => (Some(program), None),
                Err(e) => (None, Some(e.to_string())),
            }
        } else {
            (None, None)
        };
        Ok(Self {
            translation,
            program,
            error,
        })
    }
}

/// For each stream both programs have (the input aside), how many of the original's newest rows
/// the Flink program also has — the same ROWTIME and values —, out of how many.
pub fn agreement(
    original: &super::program::Program,
    flink: &super::program::Program,
    input: &str,
) -> Vec<(String, usize, usize)> {
    original
        .streams
        .iter()
        .filter(|s| s.name != input)
        .filter_map(|stream| {
            let mirror = flink.stream(&stream.name)?;
            let mut left: Vec<&super::program::Row> = mirror.rows.iter().collect();
            let matched = stream
                .rows
                .iter()
                .filter(|row| match left.iter().position(|m| *m == *row) {
                    Some(i) => {
                        left.swap_remove(i);
                        true
                    }
                    None => false,
                })
                .count();
            Some((stream.name.clone(), matched, stream.rows.len()))
        })
        .collect()
}
