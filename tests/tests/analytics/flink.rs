//! Flink SQL's windowing table functions (reference D) on the dialect's operators — TUMBLE, HOP
//! (slide before size), CUMULATE and SESSION with window_start, window_end and window_time — against
//! hand-computed windows; and AWS's own KDA examples translated to Flink SQL, the translation run
//! beside the original on the same rows, agreeing window for window.

use kinescope_core::analytics::flink_translation::{Connectors, translate};
use kinescope_core::analytics::program::{Program, Row, SOURCE_STREAM};
use kinescope_core::analytics::value::{SqlType, Value};

const SECOND: i64 = 1_000;

fn bids(function: &str) -> String {
    format!(
        "CREATE TABLE bids (item VARCHAR(8), price DOUBLE, bidtime AS PROCTIME()) WITH ('connector' = 'kinesis');
CREATE TABLE totals (window_start TIMESTAMP(3), window_end TIMESTAMP(3), window_time TIMESTAMP(3), item STRING, total DOUBLE)
  WITH ('connector' = 'print');
INSERT INTO totals
SELECT window_start, window_end, window_time, item, SUM(price)
FROM TABLE({function})
GROUP BY window_start, window_end, item;"
    )
}

fn run(code: &str, rows: &[(i64, &str, f64)], end_ms: i64) -> Vec<(i64, i64, String, f64)> {
    let columns = vec![
        ("ITEM".to_owned(), SqlType::Varchar),
        ("PRICE".to_owned(), SqlType::Double),
    ];
    let mut program = Program::compile_for(code, "BIDS", &columns).unwrap();
    for (at, item, price) in rows {
        let values = vec![Value::Text((*item).into()), Value::Double(*price)];
        program.advance(*at);
        program.insert(
            "BIDS",
            Row {
                rowtime_ms: *at,
                values,
            },
        );
    }
    program.advance(end_ms);
    program
        .stream("TOTALS")
        .unwrap()
        .rows
        .iter()
        .map(|r| {
            let ms = |v: &Value| match v {
                Value::Timestamp(t) => *t,
                other => panic!("{other:?}"),
            };
            let (start, end, time) = (ms(&r.values[0]), ms(&r.values[1]), ms(&r.values[2]));
            assert_eq!(time, end - 1, "window_time is the end less a millisecond");
            assert_eq!(r.rowtime_ms, end, "a window's row leaves at its end");
            (
                start,
                end,
                r.values[3].to_string(),
                r.values[4].as_f64().unwrap(),
            )
        })
        .collect()
}

fn window(start_s: i64, end_s: i64, item: &str, total: f64) -> (i64, i64, String, f64) {
    (start_s * SECOND, end_s * SECOND, item.into(), total)
}

#[test]
fn tumble_cuts_time_into_windows_of_its_size() {
    let code = bids("TUMBLE(TABLE bids, DESCRIPTOR(bidtime), INTERVAL '10' SECONDS)");
    let rows = [
        (1_000, "A", 1.0),
        (4_000, "A", 2.0),
        (12_000, "B", 5.0),
        (15_000, "A", 1.0),
    ];
    assert_eq!(
        run(&code, &rows, 30 * SECOND),
        [
            window(0, 10, "A", 3.0),
            window(10, 20, "A", 1.0),
            window(10, 20, "B", 5.0)
        ]
    );
}

#[test]
fn an_offset_may_be_zero_or_negative_and_shifts_every_window() {
    let rows = [(1_000, "A", 1.0), (4_000, "A", 2.0), (9_000, "A", 4.0)];
    for (offset, expected) in [
        ("INTERVAL '0' SECOND", vec![window(0, 10, "A", 7.0)]),
        (
            "INTERVAL '-7' SECOND",
            vec![window(-7, 3, "A", 1.0), window(3, 13, "A", 6.0)],
        ),
        (
            "-INTERVAL '2' SECOND",
            vec![window(-2, 8, "A", 3.0), window(8, 18, "A", 4.0)],
        ),
    ] {
        let code = bids(&format!(
            "TUMBLE(TABLE bids, DESCRIPTOR(bidtime), INTERVAL '10' SECOND, {offset})"
        ));
        assert_eq!(run(&code, &rows, 30 * SECOND), expected, "{offset}");
    }
    // A size is never zero or negative; an offset stays within a year either way.
    for (function, expected) in [
        (
            "TUMBLE(TABLE bids, DESCRIPTOR(bidtime), INTERVAL '0' SECOND)",
            "INTERVAL from 1 ms",
        ),
        (
            "TUMBLE(TABLE bids, DESCRIPTOR(bidtime), INTERVAL '1' SECOND, INTERVAL '-400' DAY)",
            "the offset is an INTERVAL within 366 days",
        ),
    ] {
        let error = Program::compile_for(&bids(function), "BIDS", &[]).unwrap_err();
        assert!(error.message.contains(expected), "{function}: {error}");
    }
}

#[test]
fn a_views_computed_columns_keep_the_type_of_what_they_compute() {
    let code = "CREATE TABLE bids (item VARCHAR(8), price DOUBLE, qty INTEGER, t AS PROCTIME());
CREATE VIEW v AS SELECT MAX(item) AS top, UPPER(item) AS loud, item || '!' AS shout,
  SUM(qty) AS units, CHAR_LENGTH(item) AS len, price > 10 AS dear, qty * 2 AS twice,
  CASE WHEN qty > 1 THEN 'many' ELSE 'one' END AS how, AVG(price) AS mean
FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(t), INTERVAL '1' MINUTE))
GROUP BY window_start, window_end, item, price, qty;";
    let program = Program::compile_for(code, "BIDS", &[]).unwrap();
    let types: Vec<(String, SqlType)> = program.stream("V").unwrap().columns.clone();
    let expected = [
        ("TOP", SqlType::Varchar),
        ("LOUD", SqlType::Varchar),
        ("SHOUT", SqlType::Varchar),
        ("UNITS", SqlType::Integer),
        ("LEN", SqlType::Integer),
        ("DEAR", SqlType::Boolean),
        ("TWICE", SqlType::Integer),
        ("HOW", SqlType::Varchar),
        ("MEAN", SqlType::Double),
    ];
    let expected: Vec<(String, SqlType)> =
        expected.iter().map(|(n, t)| (n.to_string(), *t)).collect();
    assert_eq!(types, expected);
}

#[test]
fn hop_takes_the_slide_before_the_size_and_overlaps() {
    let code =
        bids("HOP(TABLE bids, DESCRIPTOR(bidtime), INTERVAL '5' SECOND, INTERVAL '10' SECOND)");
    let rows = [(1_000, "A", 1.0), (6_000, "A", 2.0), (12_000, "A", 4.0)];
    assert_eq!(
        run(&code, &rows, 30 * SECOND),
        [
            window(-5, 5, "A", 1.0),
            window(0, 10, "A", 3.0),
            window(5, 15, "A", 6.0),
            window(10, 20, "A", 4.0)
        ]
    );
}

#[test]
fn cumulate_grows_each_window_by_its_step_up_to_its_maximum() {
    let code =
        bids("CUMULATE(TABLE bids, DESCRIPTOR(bidtime), INTERVAL '2' SECOND, INTERVAL '6' SECOND)");
    let rows = [
        (1_000, "A", 1.0),
        (3_000, "A", 2.0),
        (5_000, "A", 4.0),
        (7_000, "A", 8.0),
    ];
    assert_eq!(
        run(&code, &rows, 30 * SECOND),
        [
            window(0, 2, "A", 1.0),
            window(0, 4, "A", 3.0),
            window(0, 6, "A", 7.0),
            window(6, 8, "A", 8.0),
            window(6, 10, "A", 8.0),
            window(6, 12, "A", 8.0)
        ]
    );
}

#[test]
fn session_windows_close_a_gap_after_their_partitions_last_row() {
    let code =
        bids("SESSION(TABLE bids PARTITION BY item, DESCRIPTOR(bidtime), INTERVAL '3' SECOND)");
    let rows = [
        (1_000, "A", 1.0),
        (2_000, "A", 2.0),
        (3_000, "B", 5.0),
        (4_000, "A", 4.0),
        (10_000, "A", 8.0),
    ];
    assert_eq!(
        run(&code, &rows, 30 * SECOND),
        [
            window(3, 6, "B", 5.0),
            window(1, 7, "A", 7.0),
            window(10, 13, "A", 8.0)
        ]
    );
}

#[test]
fn windowing_mistakes_are_refused_at_their_place() {
    let code =
        bids("HOP(TABLE bids, DESCRIPTOR(bidtime), INTERVAL '3' SECOND, INTERVAL '10' SECOND)");
    let error = Program::compile_for(&code, "BIDS", &[]).unwrap_err();
    assert!(error.message.contains("whole number of slides"), "{error}");
    assert_eq!(error.line, 6, "the FROM line");
    let ungrouped = "CREATE TABLE bids (item VARCHAR(8), t AS PROCTIME());
CREATE TABLE out (item STRING);
INSERT INTO out SELECT item FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(t), INTERVAL '1' SECOND));";
    let error = Program::compile_for(ungrouped, "BIDS", &[]).unwrap_err();
    assert!(error.message.contains("GROUP BY window_start"), "{error}");
}

fn tickers() -> Vec<(String, SqlType)> {
    vec![
        ("TICKER_SYMBOL".into(), SqlType::Varchar),
        ("PRICE".into(), SqlType::Double),
        ("APPROXIMATE_ARRIVAL_TIME".into(), SqlType::Timestamp),
    ]
}

fn connectors() -> Connectors {
    Connectors {
        region: "us-east-1".into(),
        source_arn: "arn:aws:kinesis:us-east-1:000000000000:stream/trades".into(),
        outputs: vec![(
            "DESTINATION_SQL_STREAM".into(),
            "arn:aws:kinesis:us-east-1:000000000000:stream/counts".into(),
            "JSON".into(),
        )],
    }
}

#[test]
fn aws_tumbling_example_in_flink_sql_agrees_window_for_window() {
    let kda = include_str!("../../../assets/analytics/tumbling-count.sql");
    let translation = translate(kda, SOURCE_STREAM, &tickers(), &connectors()).unwrap();
    assert!(translation.complete(), "{:?}", translation.notes);
    let sql = &translation.sql;
    for part in [
        "'connector' = 'kinesis'",
        "'stream.arn' = 'arn:aws:kinesis:us-east-1:000000000000:stream/trades'",
        "proc_time AS PROCTIME()",
        "FROM TABLE(TUMBLE(TABLE \"SOURCE_SQL_STREAM_001\", DESCRIPTOR(proc_time), INTERVAL '60' SECOND))",
        "GROUP BY window_start, window_end, ticker_symbol",
        "INSERT INTO \"DESTINATION_SQL_STREAM\" (\"TICKER_SYMBOL\", \"TICKER_COUNT\")",
    ] {
        assert!(sql.contains(part), "{part} in:\n{sql}");
    }
    let mut original = Program::compile(kda, &tickers()).unwrap();
    let mut flink = Program::compile(sql, &tickers()).unwrap();
    let names = ["AMZN", "QXZ", "AMZN", "TBV", "AMZN", "QXZ"];
    for i in 0..300i64 {
        let at = i * 700;
        let values = vec![
            Value::Text(names[i as usize % names.len()].into()),
            Value::Double(1.0),
            Value::Timestamp(at),
        ];
        for program in [&mut original, &mut flink] {
            program.advance(at);
            program.insert(
                SOURCE_STREAM,
                Row {
                    rowtime_ms: at,
                    values: values.clone(),
                },
            );
        }
    }
    original.advance(300 * 700 + 60_000);
    flink.advance(300 * 700 + 60_000);
    let rows = |p: &Program| -> Vec<(i64, Vec<Value>)> {
        let stream = p.stream("DESTINATION_SQL_STREAM").unwrap();
        stream
            .rows
            .iter()
            .map(|r| (r.rowtime_ms, r.values.clone()))
            .collect()
    };
    assert!(rows(&original).len() >= 9, "{:?}", rows(&original));
    assert_eq!(rows(&original), rows(&flink));
}

#[test]
fn what_flink_sql_cannot_say_is_said_at_its_line() {
    let kda = include_str!("../../../assets/analytics/anomaly-detection.sql");
    let columns = vec![
        ("heartRate".to_owned(), SqlType::Integer),
        ("rateType".to_owned(), SqlType::Varchar),
    ];
    let translation = translate(kda, SOURCE_STREAM, &columns, &connectors()).unwrap();
    assert!(!translation.complete());
    let (line, note) = &translation.notes[0];
    assert_eq!(*line, 18, "the RANDOM_CUT_FOREST pump's SELECT");
    assert!(
        note.contains("RANDOM_CUT_FOREST has no Flink SQL equivalent"),
        "{note}"
    );
    assert!(translation.sql.contains("-- line 18: RANDOM_CUT_FOREST"));
    let ordering = &translation.notes[1];
    assert!(ordering.1.contains("ORDER BY"), "{ordering:?}");
}

#[test]
fn hostile_windows_are_refused_or_kept_in_bounds() {
    // A year at most, a thousand windows a row at most: neither hangs nor overflows.
    for (function, expected) in [
        (
            "HOP(TABLE bids, DESCRIPTOR(bidtime), INTERVAL '1' SECOND, INTERVAL '1' DAY)",
            "at most 1,000",
        ),
        (
            "SESSION(TABLE bids, DESCRIPTOR(bidtime), INTERVAL '106751991167' DAY)",
            "INTERVAL from 1 ms to 366 days",
        ),
    ] {
        let error = Program::compile_for(&bids(function), "BIDS", &[]).unwrap_err();
        assert!(error.message.contains(expected), "{function}: {error}");
    }
    // A table named with letters of several bytes keeps every position on a character.
    let code = "CREATE TABLE \"ü\" (a BIGINT, t AS PROCTIME());
CREATE TABLE o (n BIGINT);
INSERT INTO o SELECT COUNT(*) FROM TABLE(TUMBLE(TABLE \"ü\", DESCRIPTOR(t), INTERVAL '1' SECOND))
GROUP BY window_start, window_end, ü";
    let error = Program::compile_for(code, "BIDS", &[]).unwrap_err();
    assert!(error.line >= 1);
    // Rows with far-off times fall in windows at the ends of time, not in a panic.
    let far = "CREATE TABLE bids (item VARCHAR(8), price DOUBLE, bidtime TIMESTAMP(3));
CREATE TABLE totals (window_start TIMESTAMP(3), window_end TIMESTAMP(3), window_time TIMESTAMP(3), item STRING, total DOUBLE);
INSERT INTO totals SELECT window_start, window_end, window_time, item, SUM(price)
FROM TABLE(HOP(TABLE bids, DESCRIPTOR(bidtime), INTERVAL '1' SECOND, INTERVAL '10' SECOND))
GROUP BY window_start, window_end, item;";
    let mut program = Program::compile_for(far, "BIDS", &[]).unwrap();
    for time in [i64::MAX, i64::MIN, 0] {
        let values = vec![
            Value::Text("A".into()),
            Value::Double(1.0),
            Value::Timestamp(time),
        ];
        program.insert(
            "BIDS",
            Row {
                rowtime_ms: 0,
                values,
            },
        );
    }
    program.advance(i64::MAX);
}

#[test]
fn a_stream_declared_again_with_fewer_columns_does_not_break_its_pump() {
    let code = r#"CREATE STREAM "O" (a INTEGER, b INTEGER);
CREATE PUMP "P" AS INSERT INTO "O" SELECT STREAM 1, 2 FROM "SOURCE_SQL_STREAM_001";
CREATE OR REPLACE STREAM "O" (a INTEGER);"#;
    let mut program = Program::compile(code, &[("X".into(), SqlType::Integer)]).unwrap();
    program.insert(
        SOURCE_STREAM,
        Row {
            rowtime_ms: 0,
            values: vec![Value::Int(1)],
        },
    );
    assert_eq!(program.stream("O").unwrap().rows[0].values, [Value::Int(1)]);
}
