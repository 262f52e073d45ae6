//! A pump's SELECT as a plan: sqlparser reads it (after `STREAM` is taken out and
//! `STEP(x BY INTERVAL …)` becomes `STEP(x, INTERVAL …)`, both keeping every position), then the
//! plan names its source stream, filter, projections, the grouping keys and the tumbling window —
//! `STEP(ts BY INTERVAL 'n' unit)` or `FLOOR(ts TO unit)` in the GROUP BY (reference D).

use super::SqlError;
use crate::analytics::eval::identifier;
use sqlparser::ast::{
    self, CeilFloorKind, DateTimeField, Expr, FunctionArg, FunctionArgExpr, FunctionArguments,
    GroupByExpr, ObjectNamePart, SelectItem, SetExpr, TableFactor,
};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;

/// The aggregates the dialect has.
pub const AGGREGATES: [&str; 5] = ["COUNT", "SUM", "AVG", "MIN", "MAX"];

/// A tumbling window: the expression giving each row's time, and the window's length.
#[derive(Debug, Clone, PartialEq)]
pub struct Tumbling {
    pub expr: Expr,
    /// The GROUP BY expression itself (a projection may select it: the window's start).
    pub group_expr: Expr,
    pub size_ms: i64,
}

/// How far back a sliding window reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extent {
    /// `RANGE INTERVAL 'n' unit PRECEDING`: rows this many milliseconds back, and the current one.
    Range(i64),
    /// `ROWS n PRECEDING`: the n rows before the current one, and it.
    Rows(usize),
}

/// A sliding window (`WINDOW W AS (PARTITION BY … RANGE INTERVAL … PRECEDING)`, or inline in
/// `OVER (…)`): a row out for every row in, aggregated over its partition's recent rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Sliding {
    pub partition_by: Vec<Expr>,
    pub extent: Extent,
}

/// A streaming ORDER BY: a time bucket first, then the keys rows are sorted by within it.
#[derive(Debug, Clone, PartialEq)]
pub struct Ordering {
    pub bucket: Tumbling,
    /// Each key and whether it sorts descending.
    pub keys: Vec<(Expr, bool)>,
}

/// `[LEFT] JOIN table [AS alias] ON …`: each row of the stream with the rows of a reference
/// table that match it.
#[derive(Debug, Clone, PartialEq)]
pub struct JoinPlan {
    pub table: String,
    /// What the query calls the table's columns by: its alias, or its name.
    pub qualifier: String,
    pub on: Expr,
    /// A LEFT JOIN keeps a row that matches nothing, the table's columns NULL.
    pub left: bool,
}

/// One SELECT.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub source: String,
    /// A reference table the stream's rows are joined with.
    pub join: Option<JoinPlan>,
    /// A Flink windowing table function (TUMBLE, HOP, CUMULATE, SESSION) the rows go through.
    pub tvf: Option<super::window_tvf::WindowTvf>,
    pub filter: Option<Expr>,
    /// Each selected expression and its name (the alias, or the column's own name).
    pub projections: Vec<(Expr, Option<String>)>,
    /// GROUP BY keys other than the window.
    pub group_keys: Vec<Expr>,
    pub window: Option<Tumbling>,
    /// The sliding window the aggregates are OVER.
    pub sliding: Option<Sliding>,
    /// ORDER BY a time bucket, then keys.
    pub ordering: Option<Ordering>,
    /// Whether rows are grouped (a GROUP BY, or aggregates in the projections).
    pub grouped: bool,
    /// `WINDOWED BY STAGGER (…)`: per-key windows opened by their first row.
    pub stagger: Option<super::stagger::Stagger>,
    /// `SELECT *`: every column of the source, filled in when the source is known.
    pub wildcard: bool,
    /// A table function the query reads from instead of a stream.
    pub function: Option<Box<TableFunction>>,
}

/// `TABLE(F(CURSOR(SELECT STREAM …), parameters…))` in a FROM.
#[derive(Debug, Clone, PartialEq)]
pub struct TableFunction {
    /// RANDOM_CUT_FOREST, RANDOM_CUT_FOREST_WITH_EXPLANATION, HOTSPOTS, TOP_K_ITEMS_TUMBLING or
    /// COUNT_DISTINCT_ITEMS_TUMBLING.
    pub name: String,
    /// The cursor's query.
    pub cursor: Plan,
    /// The parameters after the cursor, as written.
    pub args: Vec<String>,
    /// Where the cursor's query starts in the query around it.
    pub cursor_offset: usize,
}

/// The name a table function's rows go by in the query around it.
pub const FUNCTION_INPUT: &str = "FUNCTION_INPUT";

/// The table functions the dialect has (a name that starts another comes first).
const TABLE_FUNCTIONS: [&str; 5] = [
    "RANDOM_CUT_FOREST_WITH_EXPLANATION",
    "RANDOM_CUT_FOREST",
    "HOTSPOTS",
    "TOP_K_ITEMS_TUMBLING",
    "COUNT_DISTINCT_ITEMS_TUMBLING",
];

/// The offset of the `)` closing the `(` at `open`.
pub fn closing(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0;
    for (i, c) in text[open..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Finds a table function in `text`: its name, the cursor's query and where it starts, the
/// parameters, and the span `TABLE(…)` covers.
#[allow(clippy::type_complexity)]
fn table_function(
    text: &str,
) -> Result<Option<(String, String, usize, Vec<String>, std::ops::Range<usize>)>, (usize, String)> {
    let upper = text.to_ascii_uppercase();
    let Some(table_at) = super::statements::table_call_at(text) else {
        return Ok(None);
    };
    let open = table_at + upper[table_at..].find('(').unwrap_or("TABLE".len());
    let after = open + 1;
    let rest = upper[after..].trim_start();
    let name_at = after + (upper.len() - after - rest.len());
    let Some(name) = TABLE_FUNCTIONS
        .iter()
        .find(|f| rest.starts_with(&format!("{f}(")))
    else {
        return Err((
            name_at,
            "TABLE(…) takes RANDOM_CUT_FOREST, RANDOM_CUT_FOREST_WITH_EXPLANATION, HOTSPOTS, \
             TOP_K_ITEMS_TUMBLING or COUNT_DISTINCT_ITEMS_TUMBLING"
                .into(),
        ));
    };
    let function_open = name_at + name.len();
    let function_close = closing(text, function_open)
        .ok_or((function_open, "this parenthesis is never closed".to_owned()))?;
    let inside = &upper[function_open + 1..function_close];
    let cursor_at = function_open + 1 + (inside.len() - inside.trim_start().len());
    if !upper[cursor_at..].starts_with("CURSOR(") {
        return Err((
            cursor_at,
            format!("{name} takes CURSOR(SELECT STREAM …) first"),
        ));
    }
    let cursor_open = cursor_at + "CURSOR".len();
    let cursor_close = closing(text, cursor_open)
        .ok_or((cursor_open, "this parenthesis is never closed".to_owned()))?;
    let query_at = cursor_open
        + 1
        + (text[cursor_open + 1..].len() - text[cursor_open + 1..].trim_start().len());
    let query = &text[query_at..cursor_close];
    let mut words = query.splitn(3, char::is_whitespace);
    let (select, stream) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    if !(select.eq_ignore_ascii_case("SELECT") && stream.eq_ignore_ascii_case("STREAM")) {
        return Err((query_at, "the cursor takes SELECT STREAM …".into()));
    }
    let stream_at = query.find(stream).unwrap_or(0);
    let mut cursor_query = query.to_owned();
    cursor_query.replace_range(
        stream_at..stream_at + stream.len(),
        &" ".repeat(stream.len()),
    );
    let args_text = &text[cursor_close + 1..function_close];
    let args: Vec<String> = match args_text.trim().strip_prefix(',') {
        Some(list) => list.split(',').map(|a| a.trim().to_owned()).collect(),
        None if args_text.trim().is_empty() => Vec::new(),
        None => return Err((cursor_close + 1, "expected , between the parameters".into())),
    };
    let table_close = upper[function_close + 1..]
        .find(')')
        .map(|i| function_close + 1 + i)
        .ok_or((table_at, "TABLE( is never closed".to_owned()))?;
    Ok(Some((
        name.to_string(),
        cursor_query,
        query_at,
        args,
        table_at..table_close + 1,
    )))
}

/// The byte offset of sqlparser's 1-based `line` and `column` in `text`.
fn offset_of(text: &str, line: u64, column: u64) -> usize {
    let mut offset = 0;
    for (n, row) in text.split_inclusive('\n').enumerate() {
        if n as u64 + 1 == line {
            return offset
                + row
                    .char_indices()
                    .nth(column.saturating_sub(1) as usize)
                    .map_or(row.len(), |(i, _)| i);
        }
        offset += row.len();
    }
    offset
}

/// Where `expr` starts in the query, as an offset into it.
pub fn expr_offset(query: &str, expr: &Expr) -> usize {
    use sqlparser::ast::Spanned;
    let start = expr.span().start;
    offset_of(query, start.line, start.column)
}

/// `STEP(x BY INTERVAL …)` → `STEP(x, INTERVAL …)`, the same length.
fn rewrite_step(query: &str) -> String {
    let mut text = query.to_owned();
    let upper = query.to_ascii_uppercase();
    let mut from = 0;
    while let Some(found) = upper[from..].find("STEP(") {
        let open = from + found + 4;
        let mut depth = 0;
        for (i, c) in upper[open..].char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ if depth == 1 && upper[open + i..].starts_with(" BY ") => {
                    text.replace_range(open + i..open + i + 4, ",   ");
                    break;
                }
                _ => {}
            }
        }
        from = open;
    }
    text
}

/// Milliseconds in a SECOND, MINUTE, HOUR or DAY.
pub fn unit_ms(field: &DateTimeField) -> Option<i64> {
    Some(match field {
        DateTimeField::Second | DateTimeField::Seconds => 1_000,
        DateTimeField::Minute | DateTimeField::Minutes => 60_000,
        DateTimeField::Hour | DateTimeField::Hours => 3_600_000,
        DateTimeField::Day | DateTimeField::Days => 86_400_000,
        _ => return None,
    })
}

/// A function call's name, upper-cased.
pub fn function_name(function: &ast::Function) -> String {
    function
        .name
        .0
        .iter()
        .map(|part| match part {
            ObjectNamePart::Identifier(ident) => ident.value.to_ascii_uppercase(),
            other => other.to_string().to_ascii_uppercase(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// A call's plain arguments (`*` as `None`).
pub fn arguments(function: &ast::Function) -> Vec<Option<&Expr>> {
    match &function.args {
        FunctionArguments::List(list) => list
            .args
            .iter()
            .map(|arg| match arg {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e))
                | FunctionArg::Named {
                    arg: FunctionArgExpr::Expr(e),
                    ..
                } => Some(e),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// An interval literal's length: `INTERVAL '60' SECOND`.
pub fn interval_of(expr: &Expr) -> Option<i64> {
    signed_interval_of(expr).filter(|ms| *ms >= 1)
}

/// An interval that may be zero or negative (`INTERVAL '-1' SECOND`, `-INTERVAL '1' SECOND`), as
/// a window's offset may be; at most a year either way.
pub fn signed_interval_of(expr: &Expr) -> Option<i64> {
    let interval = match expr {
        Expr::UnaryOp {
            op: ast::UnaryOperator::Minus,
            expr,
        } => return signed_interval_of(expr).map(|ms| -ms),
        Expr::Nested(inner) => return signed_interval_of(inner),
        Expr::Interval(interval) => interval,
        _ => return None,
    };
    let count: i64 = match interval.value.as_ref() {
        Expr::Value(v) => match &v.value {
            ast::Value::SingleQuotedString(s) => s.trim().parse().ok()?,
            ast::Value::Number(n, _) => n.parse().ok()?,
            _ => return None,
        },
        _ => return None,
    };
    count
        .checked_mul(unit_ms(interval.leading_field.as_ref()?)?)
        .filter(|ms| (-MAX_INTERVAL_MS..=MAX_INTERVAL_MS).contains(ms))
}

/// The longest interval a window takes: a year (longer ones would never close in practice, and
/// window arithmetic on epoch milliseconds stays far from overflowing).
pub const MAX_INTERVAL_MS: i64 = 366 * 86_400_000;

/// The window a GROUP BY expression is, if it is one.
fn window_of(expr: &Expr) -> Option<Result<Tumbling, &'static str>> {
    match expr {
        Expr::Function(f) if function_name(f) == "STEP" => {
            let args = arguments(f);
            let (Some(Some(time)), Some(Some(size))) = (args.first(), args.get(1)) else {
                return Some(Err("STEP takes (time BY INTERVAL 'n' unit)"));
            };
            Some(
                interval_of(size)
                    .filter(|ms| *ms > 0)
                    .map(|size_ms| Tumbling {
                        expr: (*time).clone(),
                        group_expr: expr.clone(),
                        size_ms,
                    })
                    .ok_or(
                        "STEP's interval must be INTERVAL 'n' SECOND, MINUTE, HOUR or DAY, n > 0",
                    ),
            )
        }
        Expr::Floor {
            expr: time,
            field: CeilFloorKind::DateTimeField(field),
        } => Some(
            unit_ms(field)
                .map(|size_ms| Tumbling {
                    expr: (**time).clone(),
                    group_expr: expr.clone(),
                    size_ms,
                })
                .ok_or("FLOOR(time TO unit) takes SECOND, MINUTE, HOUR or DAY"),
        ),
        _ => None,
    }
}

/// Whether `expr` calls an aggregate anywhere.
pub fn has_aggregate(expr: &Expr) -> bool {
    let mut found = false;
    let _ = ast::visit_expressions(expr, |e| {
        if let Expr::Function(f) = e
            && AGGREGATES.contains(&function_name(f).as_str())
        {
            found = true;
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    found
}

/// The plan of the pump query `query`, which starts at `offset` in `code`.
pub fn plan(code: &str, offset: usize, query: &str) -> Result<Plan, SqlError> {
    let error = |at: usize, message: String| SqlError::at(code, offset + at, message);
    let mut text = rewrite_step(query);
    let stagger = super::stagger::take_stagger(&mut text).map_err(|(at, m)| error(at, m))?;
    let tvf = match super::window_tvf::find(&text).map_err(|(at, m)| error(at, m))? {
        Some((tvf, span)) => {
            // The table stands in for the function, the text keeping its length in bytes.
            let name = format!("\"{}\"", tvf.table.replace('"', "\"\""));
            if name.len() > span.len() {
                return Err(error(
                    span.start,
                    "the table's name is longer than the call".into(),
                ));
            }
            let stand_in = format!("{name}{}", " ".repeat(span.len() - name.len()));
            text.replace_range(span, &stand_in);
            Some(tvf)
        }
        None => None,
    };
    let function = match table_function(&text).map_err(|(at, message)| error(at, message))? {
        Some((name, cursor_query, cursor_at, args, span)) => {
            let cursor = plan(code, offset + cursor_at, &cursor_query)?;
            // The function's rows stand in for it, the text keeping its length.
            let stand_in = format!("{FUNCTION_INPUT:<width$}", width = span.len());
            text.replace_range(span, &stand_in);
            Some(Box::new(TableFunction {
                name,
                cursor,
                args,
                cursor_offset: cursor_at,
            }))
        }
        None => None,
    };
    let mut statements = Parser::parse_sql(&GenericDialect {}, &text).map_err(|e| {
        let message = e.to_string();
        let at = message
            .rsplit_once(" at Line: ")
            .and_then(|(_, place)| {
                let (line, column) = place.split_once(", Column: ")?;
                Some(offset_of(
                    &text,
                    line.trim().parse().ok()?,
                    column.trim().parse().ok()?,
                ))
            })
            .unwrap_or(0);
        let message = message
            .trim_start_matches("sql parser error: ")
            .split(" at Line: ")
            .next()
            .unwrap_or("")
            .to_owned();
        error(at, message)
    })?;
    let Some(ast::Statement::Query(query_ast)) = statements.pop() else {
        return Err(error(0, "expected one SELECT".into()));
    };
    let ordering = match &query_ast.order_by {
        None => None,
        Some(order_by) => {
            let ast::OrderByKind::Expressions(list) = &order_by.kind else {
                return Err(error(0, "ORDER BY ALL is not supported".into()));
            };
            let first = list.first().map(|o| &o.expr);
            let bucket = match first.and_then(window_of) {
                Some(Ok(bucket)) => bucket,
                Some(Err(message)) => return Err(error(0, message.into())),
                None => {
                    let at = first.map_or(0, |e| expr_offset(&text, e));
                    return Err(error(
                        at,
                        "a streaming ORDER BY starts with a time bucket: FLOOR(ROWTIME TO SECOND) or STEP(ROWTIME BY INTERVAL …)"
                            .into(),
                    ));
                }
            };
            let keys = list[1..]
                .iter()
                .map(|o| {
                    (
                        o.expr.clone(),
                        o.options.sort == Some(ast::OrderBySort::Desc),
                    )
                })
                .collect();
            Some(Ordering { bucket, keys })
        }
    };
    let SetExpr::Select(select) = *query_ast.body else {
        return Err(error(
            0,
            "expected a plain SELECT (no UNION or VALUES)".into(),
        ));
    };
    let [from] = &select.from[..] else {
        return Err(error(0, "a pump selects FROM exactly one stream".into()));
    };
    let TableFactor::Table { name, .. } = &from.relation else {
        return Err(error(0, "FROM names a stream".into()));
    };
    let source = object_name(name).ok_or_else(|| error(0, "FROM names a stream".into()))?;
    let join = match &from.joins[..] {
        [] => None,
        [join] => Some(join_of(join).map_err(|m| error(0, m.into()))?),
        _ => return Err(error(0, "a query joins one reference table at most".into())),
    };
    if join.is_some() && function.is_some() {
        return Err(error(
            0,
            "a query reading a table function cannot also join a reference table".into(),
        ));
    }
    let mut projections = Vec::new();
    let mut wildcard = false;
    for item in &select.projection {
        match item {
            SelectItem::Wildcard(_) if select.projection.len() == 1 => wildcard = true,
            SelectItem::UnnamedExpr(expr) => {
                let name = match expr {
                    Expr::Identifier(ident) => Some(identifier(ident)),
                    Expr::CompoundIdentifier(parts) => parts.last().map(identifier),
                    _ => None,
                };
                projections.push((expr.clone(), name));
            }
            SelectItem::ExprWithAlias { expr, alias } => {
                projections.push((expr.clone(), Some(identifier(alias))))
            }
            other => {
                return Err(error(
                    0,
                    format!("{other} is not supported in a pump's SELECT"),
                ));
            }
        }
    }
    let mut group_keys = Vec::new();
    let mut window = None;
    let grouping = match &select.group_by {
        GroupByExpr::Expressions(exprs, _) => exprs.clone(),
        GroupByExpr::All(_) => return Err(error(0, "GROUP BY ALL is not supported".into())),
    };
    for expr in &grouping {
        // A windowing function's own columns name its window, not a key.
        if tvf.is_some() && is_window_column(expr) {
            continue;
        }
        match window_of(expr) {
            Some(Ok(tumbling)) if window.is_none() => window = Some(tumbling),
            // AWS's own example groups by STEP(ROWTIME …) and STEP(event_time …): the window
            // is on ROWTIME, the other STEP a key like any other.
            Some(Ok(tumbling)) => match window.take() {
                Some(first) if on_rowtime(&tumbling.expr) && !on_rowtime(&first.expr) => {
                    group_keys.push(first.group_expr);
                    window = Some(tumbling);
                }
                first => {
                    window = first;
                    group_keys.push(expr.clone());
                }
            },
            Some(Err(message)) => return Err(error(expr_offset(&text, expr), message.into())),
            None => group_keys.push(expr.clone()),
        }
    }
    if select.having.is_some() {
        return Err(error(0, "HAVING is not supported yet".into()));
    }
    let sliding = sliding_window(&text, &projections, &select.named_window)
        .map_err(|(at, message)| error(at, message.into()))?;
    if sliding.is_some() && !grouping.is_empty() {
        return Err(error(
            0,
            "a query aggregates over a sliding window or a GROUP BY, not both".into(),
        ));
    }
    let grouped = !grouping.is_empty()
        || sliding.is_none() && projections.iter().any(|(e, _)| has_aggregate(e));
    if ordering.is_some() && (grouped || sliding.is_some()) {
        return Err(error(
            0,
            "ORDER BY is supported on queries without windows or aggregates".into(),
        ));
    }
    let grouped = grouped || stagger.is_some();
    if let Some(stagger) = &stagger {
        group_keys = stagger.partition_by.clone();
    }
    if stagger.is_some() && (window.is_some() || sliding.is_some() || !grouping.is_empty()) {
        return Err(error(
            0,
            "a query with WINDOWED BY STAGGER has no other window or GROUP BY".into(),
        ));
    }
    if tvf.is_some() && !grouped {
        return Err(error(
            0,
            "a windowing function's rows are grouped: GROUP BY window_start, window_end, …".into(),
        ));
    }
    if tvf.is_some() && (window.is_some() || sliding.is_some() || stagger.is_some()) {
        return Err(error(
            0,
            "a query reading a windowing function has no other window".into(),
        ));
    }
    if grouped && window.is_none() && stagger.is_none() && tvf.is_none() {
        return Err(error(
            0,
            "a streaming GROUP BY needs a window: STEP(ROWTIME BY INTERVAL 'n' SECOND) or FLOOR(ROWTIME TO MINUTE)"
                .into(),
        ));
    }
    Ok(Plan {
        source,
        join,
        tvf,
        filter: select.selection.clone(),
        projections,
        group_keys,
        window,
        sliding,
        ordering,
        grouped,
        stagger,
        wildcard,
        function,
    })
}

/// Whether `expr` is ROWTIME (of any stream).
fn on_rowtime(expr: &Expr) -> bool {
    match expr {
        Expr::Identifier(i) => identifier(i) == "ROWTIME",
        Expr::CompoundIdentifier(parts) => parts.last().is_some_and(|i| identifier(i) == "ROWTIME"),
        _ => false,
    }
}

/// The columns a windowing function adds to its rows.
pub const WINDOW_COLUMNS: [&str; 3] = ["WINDOW_START", "WINDOW_END", "WINDOW_TIME"];

/// Whether `expr` names one of a windowing function's columns.
pub fn is_window_column(expr: &Expr) -> bool {
    let name = match expr {
        Expr::Identifier(i) => identifier(i),
        Expr::CompoundIdentifier(parts) => parts.last().map(identifier).unwrap_or_default(),
        _ => return false,
    };
    WINDOW_COLUMNS.contains(&name.as_str())
}

/// The last part of a name, as the dialect resolves it.
fn object_name(name: &ast::ObjectName) -> Option<String> {
    match name.0.last() {
        Some(ObjectNamePart::Identifier(ident)) => Some(identifier(ident)),
        _ => None,
    }
}

/// A JOIN with a reference table: INNER or LEFT, with an ON condition.
fn join_of(join: &ast::Join) -> Result<JoinPlan, &'static str> {
    use ast::{JoinConstraint, JoinOperator};
    let TableFactor::Table { name, alias, .. } = &join.relation else {
        return Err("a JOIN names a reference table");
    };
    let table = object_name(name).ok_or("a JOIN names a reference table")?;
    let (constraint, left) = match &join.join_operator {
        JoinOperator::Join(c) | JoinOperator::Inner(c) => (c, false),
        JoinOperator::Left(c) | JoinOperator::LeftOuter(c) => (c, true),
        _ => return Err("a reference table is joined with JOIN, INNER JOIN or LEFT JOIN"),
    };
    let JoinConstraint::On(on) = constraint else {
        return Err("a JOIN with a reference table takes ON …");
    };
    let qualifier = alias
        .as_ref()
        .map(|a| identifier(&a.name))
        .unwrap_or_else(|| table.clone());
    Ok(JoinPlan {
        table,
        qualifier,
        on: on.clone(),
        left,
    })
}

/// The sliding window of a spec: its partition and its frame.
fn sliding_of(spec: &ast::WindowSpec) -> Result<Sliding, &'static str> {
    use ast::{WindowFrameBound, WindowFrameUnits};
    let frame = spec
        .window_frame
        .as_ref()
        .ok_or("a sliding window needs RANGE INTERVAL 'n' unit PRECEDING or ROWS n PRECEDING")?;
    if !matches!(frame.end_bound, None | Some(WindowFrameBound::CurrentRow)) {
        return Err("a sliding window ends at the current row");
    }
    let WindowFrameBound::Preceding(Some(reach)) = &frame.start_bound else {
        return Err("a sliding window reaches back: … PRECEDING with a length");
    };
    let extent = match frame.units {
        WindowFrameUnits::Range => Extent::Range(
            interval_of(reach).ok_or("RANGE takes INTERVAL 'n' SECOND, MINUTE, HOUR or DAY")?,
        ),
        WindowFrameUnits::Rows => match reach.as_ref() {
            Expr::Value(v) => match &v.value {
                ast::Value::Number(n, _) => {
                    Extent::Rows(n.parse().map_err(|_| "ROWS takes a count")?)
                }
                _ => return Err("ROWS takes a count"),
            },
            _ => return Err("ROWS takes a count"),
        },
        WindowFrameUnits::Groups => return Err("GROUPS frames are not in the dialect"),
    };
    Ok(Sliding {
        partition_by: spec.partition_by.clone(),
        extent,
    })
}

/// The one sliding window the aggregates of `projections` are OVER (named in `named`), if any.
fn sliding_window(
    text: &str,
    projections: &[(Expr, Option<String>)],
    named: &[ast::NamedWindowDefinition],
) -> Result<Option<Sliding>, (usize, &'static str)> {
    let mut found: Option<Sliding> = None;
    let mut failure = None;
    for (expr, _) in projections {
        let _ = ast::visit_expressions(expr, |e| {
            if let Expr::Function(f) = e
                && let Some(over) = &f.over
            {
                let spec = match over {
                    ast::WindowType::WindowSpec(spec) => Some(spec),
                    ast::WindowType::NamedWindow(name) => named.iter().find_map(|d| match &d.1 {
                        ast::NamedWindowExpr::WindowSpec(spec)
                            if d.0.value.eq_ignore_ascii_case(&name.value) =>
                        {
                            Some(spec)
                        }
                        _ => None,
                    }),
                };
                let window = match spec {
                    Some(spec) => sliding_of(spec),
                    None => Err("OVER names no window of this query's WINDOW clause"),
                };
                match (window, &found) {
                    (Err(message), _) => failure = Some((expr_offset(text, e), message)),
                    (Ok(w), Some(seen)) if *seen != w => {
                        failure = Some((expr_offset(text, e), "a query has one sliding window"))
                    }
                    (Ok(w), _) => found = Some(w),
                }
            }
            std::ops::ControlFlow::<()>::Continue(())
        });
    }
    match failure {
        Some(failure) => Err(failure),
        None => Ok(found),
    }
}
