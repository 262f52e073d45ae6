//! Kinesis Data Analytics SQL (reference D) on hand-computed input: pumps, filters, tumbling
//! windows by STEP and by FLOOR, late rows, and errors that name their line and column.

use kinescope_core::analytics::program::{Program, Row, SOURCE_STREAM};
use kinescope_core::analytics::value::{SqlType, Value};

const MINUTE: i64 = 60_000;

fn tickers() -> Vec<(String, SqlType)> {
    vec![
        ("TICKER_SYMBOL".into(), SqlType::Varchar),
        ("SECTOR".into(), SqlType::Varchar),
        ("CHANGE".into(), SqlType::Double),
        ("PRICE".into(), SqlType::Double),
    ]
}

fn trade(at_ms: i64, ticker: &str, change: f64, price: f64) -> Row {
    Row {
        rowtime_ms: at_ms,
        values: vec![
            Value::Text(ticker.into()),
            Value::Text("TECHNOLOGY".into()),
            Value::Double(change),
            Value::Double(price),
        ],
    }
}

fn rows(program: &Program, stream: &str) -> Vec<(i64, Vec<Value>)> {
    program
        .stream(stream)
        .unwrap()
        .rows
        .iter()
        .map(|r| (r.rowtime_ms, r.values.clone()))
        .collect()
}

/// AWS's tumbling-window example: a count per ticker each minute.
const TUMBLING: &str = include_str!("../../../assets/analytics/tumbling-count.sql");

#[test]
fn a_tumbling_step_window_counts_each_ticker_once_a_minute() {
    let mut program = Program::compile(TUMBLING, &tickers()).unwrap();
    for (at, ticker) in [
        (1_000, "AMZN"),
        (20_000, "AMZN"),
        (30_000, "QXZ"),
        (59_999, "AMZN"),
        (60_000, "QXZ"),
        (61_000, "QXZ"),
    ] {
        program.insert(SOURCE_STREAM, trade(at, ticker, 0.0, 1.0));
        program.advance(at);
    }
    // The first minute closed at 60 s; the second is open.
    assert_eq!(
        rows(&program, "DESTINATION_SQL_STREAM"),
        vec![
            (MINUTE, vec![Value::Text("AMZN".into()), Value::Int(3)]),
            (MINUTE, vec![Value::Text("QXZ".into()), Value::Int(1)]),
        ]
    );
    program.advance(2 * MINUTE);
    let out = rows(&program, "DESTINATION_SQL_STREAM");
    assert_eq!(out.len(), 3);
    assert_eq!(
        out[2],
        (2 * MINUTE, vec![Value::Text("QXZ".into()), Value::Int(2)])
    );
    assert_eq!(program.pumps[0].windows_closed, 2);
}

#[test]
fn floor_windows_aggregate_sum_avg_min_max_and_show_their_start() {
    let code = r#"
        CREATE STREAM "STATS" (sector VARCHAR(16), minute TIMESTAMP, n INTEGER, total DOUBLE,
                               mean DOUBLE, low DOUBLE, high DOUBLE);
        CREATE PUMP "P" AS INSERT INTO "STATS"
          SELECT STREAM sector, FLOOR(ROWTIME TO MINUTE) AS minute, COUNT(price), SUM(price),
                 AVG(price), MIN(price), MAX(price)
          FROM SOURCE_SQL_STREAM_001
          GROUP BY sector, FLOOR(ROWTIME TO MINUTE);
    "#;
    let mut program = Program::compile(code, &tickers()).unwrap();
    for (at, price) in [(5_000, 10.0), (6_000, 30.0), (7_000, 20.0), (65_000, 5.0)] {
        program.insert(SOURCE_STREAM, trade(at, "AMZN", 0.0, price));
    }
    program.advance(MINUTE);
    assert_eq!(
        rows(&program, "STATS"),
        vec![(
            MINUTE,
            vec![
                Value::Text("TECHNOLOGY".into()),
                Value::Timestamp(0),
                Value::Int(3),
                Value::Double(60.0),
                Value::Double(20.0),
                Value::Double(10.0),
                Value::Double(30.0),
            ]
        )]
    );
}

#[test]
fn plain_pumps_filter_compute_and_chain_keeping_rowtime() {
    let code = r#"
        -- Big moves only, then labelled.
        CREATE OR REPLACE STREAM "BIG" (ticker VARCHAR(4), pct DOUBLE);
        CREATE OR REPLACE STREAM "LABELLED" (ticker VARCHAR(4), label VARCHAR(8));
        CREATE OR REPLACE PUMP "FILTER" AS INSERT INTO "BIG"
          SELECT STREAM ticker_symbol, change / price * 100
          FROM "SOURCE_SQL_STREAM_001"
          WHERE ABS(change) > 1 AND ticker_symbol <> 'QXZ';
        CREATE OR REPLACE PUMP "LABEL" AS INSERT INTO "LABELLED" (label, ticker)
          SELECT STREAM CASE WHEN pct > 0 THEN 'UP' ELSE 'DOWN' END, LOWER(ticker) FROM "BIG";
    "#;
    let mut program = Program::compile(code, &tickers()).unwrap();
    program.insert(SOURCE_STREAM, trade(1_000, "AMZN", 2.0, 50.0));
    program.insert(SOURCE_STREAM, trade(2_000, "QXZ", 5.0, 50.0));
    program.insert(SOURCE_STREAM, trade(3_000, "AMZN", 0.5, 50.0));
    program.insert(SOURCE_STREAM, trade(4_000, "WAS", -3.0, 30.0));
    assert_eq!(
        rows(&program, "BIG"),
        vec![
            (1_000, vec![Value::Text("AMZN".into()), Value::Double(4.0)]),
            (4_000, vec![Value::Text("WAS".into()), Value::Double(-10.0)]),
        ]
    );
    assert_eq!(
        rows(&program, "LABELLED"),
        vec![
            (
                1_000,
                vec![Value::Text("amzn".into()), Value::Text("UP".into())]
            ),
            (
                4_000,
                vec![Value::Text("was".into()), Value::Text("DOWN".into())]
            ),
        ]
    );
}

#[test]
fn rows_for_a_closed_window_are_late_and_runtime_errors_go_to_the_error_stream() {
    let code = r#"
        CREATE STREAM "OUT" (n INTEGER, ratio DOUBLE);
        CREATE PUMP "COUNTS" AS INSERT INTO "OUT"
          SELECT STREAM COUNT(*), 0 FROM SOURCE_SQL_STREAM_001
          GROUP BY STEP(CAST(price AS TIMESTAMP) BY INTERVAL '10' SECOND);
        CREATE STREAM "RATIOS" (n INTEGER, ratio DOUBLE);
        CREATE PUMP "RATIO" AS INSERT INTO "RATIOS"
          SELECT STREAM 1, CAST(change AS INTEGER) / CAST(price AS INTEGER) FROM SOURCE_SQL_STREAM_001;
    "#;
    let mut program = Program::compile(code, &tickers()).unwrap();
    // The window runs on the event time in PRICE (milliseconds): 25 s comes before 3 s.
    program.insert(SOURCE_STREAM, trade(1_000, "A", 1.0, 25_000.0));
    program.advance(40_000);
    program.insert(SOURCE_STREAM, trade(41_000, "A", 1.0, 3_000.0));
    program.insert(SOURCE_STREAM, trade(42_000, "A", 1.0, 0.0));
    assert_eq!(program.pumps[0].late_rows, 2);
    assert_eq!(rows(&program, "OUT").len(), 1);
    // 1 / 0 in the RATIO pump: an error row, no panic, the other rows flow.
    assert_eq!(program.errors_total, 1);
    assert!(
        program.errors[0].message.contains("division by zero"),
        "{:?}",
        program.errors
    );
    assert_eq!(rows(&program, "RATIOS").len(), 2);
}

fn refused(code: &str) -> String {
    Program::compile(code, &tickers()).unwrap_err().to_string()
}

#[test]
fn bad_sql_is_refused_with_its_line_and_column() {
    let typo = "CREATE STREAM \"O\" (a INTEGER);\nCREATE PUMP \"P\" AS INSERT INTO \"O\"\n  SELECT STREAM price FROMM SOURCE_SQL_STREAM_001;";
    let message = refused(typo);
    // `price FROMM` reads as `price AS FROMM`: what cannot follow is the stream's name.
    assert_eq!(
        message,
        "line 3, column 29: Expected: end of statement, found: SOURCE_SQL_STREAM_001"
    );
    let unknown = "CREATE STREAM \"O\" (a DOUBLE);\nCREATE PUMP \"P\" AS INSERT INTO \"O\"\n  SELECT STREAM volume FROM SOURCE_SQL_STREAM_001;";
    assert_eq!(
        refused(unknown),
        "line 3, column 17: stream SOURCE_SQL_STREAM_001 has no column VOLUME"
    );
    let no_window = "CREATE STREAM \"O\" (n INTEGER);\nCREATE PUMP \"P\" AS INSERT INTO \"O\" SELECT STREAM COUNT(*) FROM SOURCE_SQL_STREAM_001;";
    assert!(refused(no_window).contains("needs a window"));
    assert!(refused("DROP STREAM \"O\";").starts_with("line 1, column 1: expected CREATE"));
    assert!(refused("CREATE STREAM \"O\" (a BLOB);").contains("unknown type \"BLOB\""));
    let not_a_stream = "CREATE STREAM \"O\" (a INTEGER);\nCREATE PUMP \"P\" AS INSERT INTO \"O\" SELECT price FROM SOURCE_SQL_STREAM_001;";
    assert!(refused(not_a_stream).contains("expected SELECT STREAM"));
    let wrong_width = "CREATE STREAM \"O\" (a INTEGER);\nCREATE PUMP \"P\" AS INSERT INTO \"O\" SELECT STREAM price, change FROM SOURCE_SQL_STREAM_001;";
    assert!(refused(wrong_width).contains("gives 2 columns for the 1 of O"));
    let looped = "CREATE STREAM \"A\" (price DOUBLE);\nCREATE STREAM \"B\" (price DOUBLE);\nCREATE PUMP \"AB\" AS INSERT INTO \"B\" SELECT STREAM price FROM \"A\";\nCREATE PUMP \"BA\" AS INSERT INTO \"A\" SELECT STREAM price FROM \"B\";";
    assert!(refused(looped).contains("pump BA would feed B back into itself"));
    let unordered = "CREATE STREAM \"O\" (a DOUBLE);\nCREATE PUMP \"P\" AS INSERT INTO \"O\" SELECT STREAM price FROM SOURCE_SQL_STREAM_001 ORDER BY price;";
    assert!(refused(unordered).contains("starts with a time bucket"));
    let huge = "CREATE STREAM \"O\" (n INTEGER);\nCREATE PUMP \"P\" AS INSERT INTO \"O\" SELECT STREAM COUNT(*) FROM SOURCE_SQL_STREAM_001 GROUP BY STEP(ROWTIME BY INTERVAL '999999999999' DAY);";
    assert!(refused(huge).contains("STEP's interval must be"));
    let unclosed = "CREATE STREAM \"O\" (a INTEGER); /* never closed";
    assert!(refused(unclosed).contains("never closed"));
}

#[test]
fn a_sliding_range_window_aggregates_each_ticker_over_the_last_minute() {
    // AWS's sliding-window example shape: a row out for every row in.
    let code = r#"
        CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), avg_price DOUBLE, trades INTEGER);
        CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
          SELECT STREAM ticker_symbol, AVG(price) OVER W1 AS avg_price, COUNT(*) OVER W1
          FROM "SOURCE_SQL_STREAM_001"
          WINDOW W1 AS (PARTITION BY ticker_symbol RANGE INTERVAL '1' MINUTE PRECEDING);
    "#;
    let mut program = Program::compile(code, &tickers()).unwrap();
    for (at, ticker, price) in [
        (0, "AMZN", 10.0),
        (30_000, "AMZN", 20.0),
        (45_000, "QXZ", 7.0),
        (60_000, "AMZN", 30.0),
        (90_001, "AMZN", 40.0),
    ] {
        program.insert(SOURCE_STREAM, trade(at, ticker, 0.0, price));
    }
    let amzn = |avg: f64, n: i64| {
        vec![
            Value::Text("AMZN".into()),
            Value::Double(avg),
            Value::Int(n),
        ]
    };
    assert_eq!(
        rows(&program, "DESTINATION_SQL_STREAM"),
        vec![
            (0, amzn(10.0, 1)),
            (30_000, amzn(15.0, 2)),
            (
                45_000,
                vec![Value::Text("QXZ".into()), Value::Double(7.0), Value::Int(1)]
            ),
            // A minute back from 60 s still takes the row at 0 s; from 90.001 s only 30 s on.
            (60_000, amzn(20.0, 3)),
            (90_001, amzn(35.0, 2)),
        ]
    );
}

#[test]
fn a_sliding_rows_window_takes_the_last_rows_of_its_partition() {
    let code = r#"
        CREATE STREAM "OUT" (price DOUBLE, high DOUBLE);
        CREATE PUMP "P" AS INSERT INTO "OUT"
          SELECT STREAM price, MAX(price) OVER (PARTITION BY sector ROWS 2 PRECEDING)
          FROM SOURCE_SQL_STREAM_001;
    "#;
    let mut program = Program::compile(code, &tickers()).unwrap();
    for (i, price) in [5.0, 9.0, 1.0, 2.0, 3.0].into_iter().enumerate() {
        program.insert(SOURCE_STREAM, trade(i as i64, "A", 0.0, price));
    }
    let highs: Vec<Value> = rows(&program, "OUT")
        .into_iter()
        .map(|(_, v)| v[1].clone())
        .collect();
    let expected: Vec<Value> = [5.0, 9.0, 9.0, 9.0, 3.0]
        .into_iter()
        .map(Value::Double)
        .collect();
    assert_eq!(highs, expected);
    let both = "CREATE STREAM \"O\" (n INTEGER);\nCREATE PUMP \"P\" AS INSERT INTO \"O\" SELECT STREAM COUNT(*) OVER (ROWS 2 PRECEDING) FROM SOURCE_SQL_STREAM_001 GROUP BY FLOOR(ROWTIME TO MINUTE);";
    assert!(refused(both).contains("not both"));
    let unbounded = "CREATE STREAM \"O\" (n INTEGER);\nCREATE PUMP \"P\" AS INSERT INTO \"O\" SELECT STREAM COUNT(*) OVER (ROWS UNBOUNDED PRECEDING) FROM SOURCE_SQL_STREAM_001;";
    assert!(refused(unbounded).contains("reaches back"));
}

/// Seeded mutations of AWS's examples — characters dropped, doubled or swapped for SQL's
/// punctuation and for multi-byte letters — compile to a program or to a positioned error, never
/// a panic; what compiles runs on a few rows without one either.
#[test]
fn mutated_sql_compiles_or_fails_cleanly() {
    use rand::{Rng, SeedableRng};
    let flink = r#"CREATE TABLE "SOURCE_SQL_STREAM_001" ("TICKER_SYMBOL" STRING, "heartRate" BIGINT,
  "rateType" STRING, proc_time AS PROCTIME()) WITH ('connector' = 'kinesis');
CREATE TEMPORARY VIEW rates AS SELECT "TICKER_SYMBOL", "heartRate" * 2 AS doubled FROM "SOURCE_SQL_STREAM_001";
CREATE TABLE out (window_start TIMESTAMP(3), window_end TIMESTAMP(3), n BIGINT) WITH ('connector' = 'print');
INSERT INTO out SELECT window_start, window_end, COUNT(*)
FROM TABLE(HOP(TABLE rates, DESCRIPTOR(ROWTIME), INTERVAL '10' SECOND, INTERVAL '20' SECOND))
GROUP BY window_start, window_end;
INSERT INTO out SELECT window_start, window_end, SUM(doubled)
FROM TABLE(SESSION(TABLE rates PARTITION BY "TICKER_SYMBOL", DESCRIPTOR(ROWTIME), INTERVAL '5' SECOND))
GROUP BY window_start, window_end;"#;
    let functions = r#"CREATE OR REPLACE STREAM "D" (x DOUBLE, hot VARCHAR(200));
CREATE OR REPLACE PUMP "H" AS INSERT INTO "D" SELECT "heartRate", "HOTSPOTS_RESULT"
  FROM TABLE (HOTSPOTS(CURSOR(SELECT STREAM "heartRate" FROM "SOURCE_SQL_STREAM_001"), 100, 0.5, 3));
CREATE OR REPLACE STREAM "T" (item VARCHAR(8), n BIGINT);
CREATE OR REPLACE PUMP "K" AS INSERT INTO "T" SELECT STREAM * FROM TABLE(TOP_K_ITEMS_TUMBLING(
  CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"), 'rateType', 2, 10));"#;
    let examples = [
        TUMBLING,
        include_str!("../../../assets/analytics/anomaly-detection.sql"),
        flink,
        functions,
    ];
    let columns = vec![
        ("TICKER_SYMBOL".to_owned(), SqlType::Varchar),
        ("heartRate".to_owned(), SqlType::Integer),
        ("rateType".to_owned(), SqlType::Varchar),
    ];
    let pieces = [
        "(",
        ")",
        "'",
        "\"",
        ";",
        ",",
        " BY ",
        "STEP(",
        "é",
        "∑",
        "--",
        "/*",
        "*",
        "TABLE(",
        " AS PROCTIME()",
        "INTERVAL '0' SECOND",
        "DESCRIPTOR(",
        "CREATE TABLE ",
        "INSERT INTO ",
    ];
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(21);
    let mut compiled = 0;
    for round in 0..4_000 {
        let mut text: Vec<char> = examples[round % examples.len()].chars().collect();
        for _ in 0..rng.random_range(1..4) {
            let at = rng.random_range(0..text.len());
            match rng.random_range(0..3) {
                0 => {
                    text.remove(at);
                }
                1 => {
                    let c = text[at];
                    text.insert(at, c);
                }
                _ => {
                    let piece = pieces[rng.random_range(0..pieces.len())];
                    text.splice(at..at, piece.chars());
                }
            }
        }
        let code: String = text.into_iter().collect();
        if let Ok(mut program) = Program::compile(&code, &columns) {
            compiled += 1;
            for i in 0..3 {
                let row = Row {
                    rowtime_ms: i * 40_000,
                    values: vec![
                        Value::Text("AMZN".into()),
                        Value::Int(70),
                        Value::Text("N".into()),
                    ],
                };
                program.insert(SOURCE_STREAM, row);
                program.advance(i * 40_000);
            }
        }
    }
    assert!(compiled > 100, "some mutations still compile ({compiled})");
}

#[test]
fn stagger_windows_open_with_their_partitions_first_row_and_close_a_range_later() {
    // AWS's stagger example: a count per ticker and event minute.
    let code = r#"
        CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), event_minute TIMESTAMP, ticker_count INTEGER);
        CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
          SELECT STREAM ticker_symbol, FLOOR(event_time TO MINUTE), COUNT(*) AS ticker_count
          FROM "SOURCE_SQL_STREAM_001"
          WINDOWED BY STAGGER (
            PARTITION BY FLOOR(event_time TO MINUTE), ticker_symbol RANGE INTERVAL '1' MINUTE);
    "#;
    let columns = vec![
        ("TICKER_SYMBOL".to_owned(), SqlType::Varchar),
        ("EVENT_TIME".to_owned(), SqlType::Timestamp),
    ];
    let mut program = Program::compile(code, &columns).unwrap();
    for (rowtime, ticker, event) in [
        (5_000, "AMZN", 3_000),
        (20_000, "AMZN", 10_000),
        (40_000, "QXZ", 35_000),
        (70_000, "AMZN", 50_000),
    ] {
        program.advance(rowtime);
        let row = Row {
            rowtime_ms: rowtime,
            values: vec![Value::Text(ticker.into()), Value::Timestamp(event)],
        };
        program.insert(SOURCE_STREAM, row);
    }
    program.advance(200_000);
    let out = |ticker: &str, n: i64| {
        vec![
            Value::Text(ticker.into()),
            Value::Timestamp(0),
            Value::Int(n),
        ]
    };
    assert_eq!(
        rows(&program, "DESTINATION_SQL_STREAM"),
        vec![
            // AMZN's window opened at 5 s and closed a minute later; the row at 70 s opened another.
            (65_000, out("AMZN", 2)),
            (100_000, out("QXZ", 1)),
            (130_000, out("AMZN", 1)),
        ]
    );
    let mixed = "CREATE STREAM \"O\" (n INTEGER);\nCREATE PUMP \"P\" AS INSERT INTO \"O\" SELECT STREAM COUNT(*) FROM SOURCE_SQL_STREAM_001 GROUP BY FLOOR(ROWTIME TO MINUTE) WINDOWED BY STAGGER (PARTITION BY ticker_symbol RANGE INTERVAL '1' MINUTE);";
    assert!(refused(mixed).contains("no other window"));
}

#[test]
fn aws_example_with_two_steps_windows_on_rowtime_and_keys_on_event_time() {
    // AWS's tumbling example on ROWTIME and event time together: the ROWTIME STEP is the window,
    // the event-time STEP a key (late events land in their own event minute's row).
    let code = r#"CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker VARCHAR(4), event_minute TIMESTAMP, n INTEGER);
CREATE OR REPLACE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM ticker_symbol, STEP("SOURCE_SQL_STREAM_001".EVENT_TIME BY INTERVAL '60' SECOND), COUNT(*)
  FROM "SOURCE_SQL_STREAM_001"
  GROUP BY ticker_symbol,
    STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '60' SECOND),
    STEP("SOURCE_SQL_STREAM_001".EVENT_TIME BY INTERVAL '60' SECOND);"#;
    let columns = vec![
        ("TICKER_SYMBOL".to_owned(), SqlType::Varchar),
        ("EVENT_TIME".to_owned(), SqlType::Timestamp),
    ];
    let mut program = Program::compile(code, &columns).unwrap();
    // Two events of the first minute, one of them arriving late (ROWTIME 70 s).
    for (rowtime, event) in [(10_000, 5_000), (70_000, 50_000), (80_000, 75_000)] {
        let values = vec![Value::Text("AMZN".into()), Value::Timestamp(event)];
        program.insert(
            SOURCE_STREAM,
            Row {
                rowtime_ms: rowtime,
                values,
            },
        );
        program.advance(rowtime);
    }
    program.advance(2 * MINUTE);
    let n = |minute: i64, count: i64| {
        vec![
            Value::Text("AMZN".into()),
            Value::Timestamp(minute * MINUTE),
            Value::Int(count),
        ]
    };
    assert_eq!(
        rows(&program, "DESTINATION_SQL_STREAM"),
        vec![
            (MINUTE, n(0, 1)),
            (2 * MINUTE, n(0, 1)),
            (2 * MINUTE, n(1, 1))
        ]
    );
}
