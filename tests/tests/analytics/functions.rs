//! TOP_K_ITEMS_TUMBLING, COUNT_DISTINCT_ITEMS_TUMBLING and HOTSPOTS (reference D) on seeded data,
//! in AWS's own example SQL: the counts checked against counting by hand, the hotspots against
//! the clusters the data was drawn with.

use kinescope_core::analytics::program::{Program, Row, SOURCE_STREAM};
use kinescope_core::analytics::value::{SqlType, Value};
use rand::{Rng, SeedableRng};
use std::collections::{BTreeMap, BTreeSet};

const SECOND: i64 = 1_000;

fn tickers() -> Vec<(String, SqlType)> {
    vec![
        ("TICKER_SYMBOL".into(), SqlType::Varchar),
        ("PRICE".into(), SqlType::Double),
    ]
}

/// Seeded trades, one every 100 ms for `seconds`, with skewed tickers.
fn trades(seconds: i64) -> Vec<(i64, String)> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    let names = ["AMZN", "QXZ", "TBV", "WAS", "NFS", "JYB", "ABC", "XYZ"];
    (0..seconds * 10)
        .map(|i| {
            // Squaring a uniform draw favours the first names.
            let pick = (rng.random::<f64>().powi(2) * names.len() as f64) as usize;
            (i * 100, names[pick].to_owned())
        })
        .collect()
}

fn feed(program: &mut Program, trades: &[(i64, String)], end_ms: i64) {
    for (at, ticker) in trades {
        let values = vec![Value::Text(ticker.clone()), Value::Double(1.0)];
        program.insert(
            SOURCE_STREAM,
            Row {
                rowtime_ms: *at,
                values,
            },
        );
    }
    program.advance(end_ms);
}

fn rows(program: &Program, stream: &str) -> Vec<(i64, Vec<Value>)> {
    let stream = program.stream(stream).unwrap();
    stream
        .rows
        .iter()
        .map(|r| (r.rowtime_ms, r.values.clone()))
        .collect()
}

#[test]
fn top_k_gives_each_windows_most_frequent_tickers_with_their_counts() {
    let code = r#"CREATE OR REPLACE STREAM DESTINATION_SQL_STREAM ("TICKER_SYMBOL" VARCHAR(4), "MOST_FREQUENT_VALUES" BIGINT);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM * FROM TABLE (TOP_K_ITEMS_TUMBLING(
    CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"), 'TICKER_SYMBOL', 3, 60));"#;
    let mut program = Program::compile(code, &tickers()).unwrap();
    let data = trades(180);
    feed(&mut program, &data, 180 * SECOND);
    let got = rows(&program, "DESTINATION_SQL_STREAM");
    assert_eq!(got.len(), 9, "three windows, three items each: {got:?}");
    for window in 0..3 {
        let start = window * 60 * SECOND;
        let mut counts: BTreeMap<&str, i64> = BTreeMap::new();
        for (at, ticker) in &data {
            if (start..start + 60 * SECOND).contains(at) {
                *counts.entry(ticker).or_default() += 1;
            }
        }
        let mut expected: Vec<(&str, i64)> = counts.into_iter().collect();
        expected.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
        let top: Vec<(i64, Vec<Value>)> =
            got[window as usize * 3..window as usize * 3 + 3].to_vec();
        for (rank, (at, values)) in top.iter().enumerate() {
            assert_eq!(*at, start + 60 * SECOND, "rows leave at the window's end");
            assert_eq!(
                values[1],
                Value::Int(expected[rank].1),
                "window {window} rank {rank}"
            );
        }
        let counts: Vec<i64> = top
            .iter()
            .map(|(_, v)| v[1].as_f64().unwrap() as i64)
            .collect();
        assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    }
}

#[test]
fn count_distinct_counts_each_windows_distinct_values_exactly() {
    let code = r#"CREATE OR REPLACE STREAM DESTINATION_SQL_STREAM (NUMBER_OF_DISTINCT_ITEMS BIGINT);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
   SELECT STREAM * FROM TABLE(COUNT_DISTINCT_ITEMS_TUMBLING(
       CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"), 'TICKER_SYMBOL', 10));"#;
    let mut program = Program::compile(code, &tickers()).unwrap();
    let data = trades(30);
    feed(&mut program, &data, 30 * SECOND);
    let got = rows(&program, "DESTINATION_SQL_STREAM");
    let expected: Vec<(i64, Vec<Value>)> = (0..3)
        .map(|w| {
            let range = w * 10 * SECOND..(w + 1) * 10 * SECOND;
            let distinct: BTreeSet<&String> = data
                .iter()
                .filter(|(at, _)| range.contains(at))
                .map(|(_, t)| t)
                .collect();
            (range.end, vec![Value::Int(distinct.len() as i64)])
        })
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn item_functions_refuse_parameters_out_of_aws_ranges() {
    let call = |args: &str| {
        format!(
            r#"CREATE OR REPLACE STREAM "D" (item VARCHAR(4), n BIGINT);
CREATE OR REPLACE PUMP "P" AS INSERT INTO "D" SELECT STREAM * FROM TABLE(TOP_K_ITEMS_TUMBLING(
  CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"), {args}));"#
        )
    };
    for bad in [
        "TICKER_SYMBOL, 3, 60",
        "'NOPE', 3, 60",
        "'TICKER_SYMBOL', 0, 60",
        "'TICKER_SYMBOL', 3, 3601",
        "'TICKER_SYMBOL', 3",
    ] {
        let error = Program::compile(&call(bad), &tickers()).unwrap_err();
        assert!(
            error.to_string().contains("TOP_K_ITEMS_TUMBLING"),
            "{bad}: {error}"
        );
    }
    Program::compile(&call("'TICKER_SYMBOL', 100000, 3600"), &tickers()).unwrap();
}

#[test]
fn aws_hotspots_example_finds_the_seeded_cluster_with_its_bounds() {
    let code = r#"CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
    "x" DOUBLE, "y" DOUBLE, "is_hot" VARCHAR(4), HOTSPOTS_RESULT VARCHAR(10000));
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
    SELECT "x", "y", "is_hot", "HOTSPOTS_RESULT"
    FROM TABLE (HOTSPOTS(CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"), 1000, 0.2, 17));"#;
    let columns = vec![
        ("x".to_owned(), SqlType::Double),
        ("y".to_owned(), SqlType::Double),
        ("is_hot".to_owned(), SqlType::Varchar),
    ];
    let mut program = Program::compile(code, &columns).unwrap();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
    // AWS's example data: uniform points in 10 x 10, one in five near the hotspot (3, 7).
    let mut hot = Vec::new();
    for i in 0..1_000i64 {
        let (x, y, flag) = if i % 5 == 0 {
            let p = (
                3.0 + rng.random_range(-0.1..0.1),
                7.0 + rng.random_range(-0.1..0.1),
            );
            hot.push(p);
            (p.0, p.1, "Y")
        } else {
            (
                rng.random_range(0.0..10.0),
                rng.random_range(0.0..10.0),
                "N",
            )
        };
        let values = vec![Value::Double(x), Value::Double(y), Value::Text(flag.into())];
        program.insert(
            SOURCE_STREAM,
            Row {
                rowtime_ms: i * 100,
                values,
            },
        );
    }
    let last = program
        .stream("DESTINATION_SQL_STREAM")
        .unwrap()
        .rows
        .back()
        .unwrap();
    let Value::Text(result) = &last.values[3] else {
        panic!("{last:?}")
    };
    let json: serde_json::Value = serde_json::from_str(result).unwrap();
    let hotspots = json["hotspots"].as_array().unwrap();
    let densest = &hotspots[0];
    let (min_x, max_x) = hot.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| {
        (lo.min(p.0), hi.max(p.0))
    });
    let (min_y, max_y) = hot.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| {
        (lo.min(p.1), hi.max(p.1))
    });
    // The hotspot holds the seeded cluster: its box covers it, and little more (JSON's digits
    // round-trip within a unit of the last place).
    let (lo, hi) = (&densest["minValues"], &densest["maxValues"]);
    let (min_x, max_x, min_y, max_y) = (min_x + 1e-9, max_x - 1e-9, min_y + 1e-9, max_y - 1e-9);
    assert!(
        lo[0].as_f64().unwrap() <= min_x && hi[0].as_f64().unwrap() >= max_x,
        "{densest}"
    );
    assert!(
        lo[1].as_f64().unwrap() <= min_y && hi[1].as_f64().unwrap() >= max_y,
        "{densest}"
    );
    assert!(
        lo[0].as_f64().unwrap() > 2.5 && hi[0].as_f64().unwrap() < 3.5,
        "{densest}"
    );
    assert!(
        lo[1].as_f64().unwrap() > 6.5 && hi[1].as_f64().unwrap() < 7.5,
        "{densest}"
    );
    assert!(densest["density"].as_f64().unwrap() > 1_000.0, "{densest}");
    // Scattered points are too sparse for a hotspot of 17 within 0.2.
    assert_eq!(hotspots.len(), 1, "{json}");
}
