//! Kinesis Data Analytics SQL throughput: rows through AWS's tumbling-window example (a count per
//! ticker each minute, 100 tickers, one row a millisecond), and through AWS's anomaly-detection
//! example (RANDOM_CUT_FOREST, 100 trees). Run with
//! `cargo bench -p kinescope-core --bench analytics`; the figure is input rows per second on one
//! core.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kinescope_core::analytics::program::{Program, Row, SOURCE_STREAM};
use kinescope_core::analytics::value::{SqlType, Value};
use std::hint::black_box;

const ROWS: usize = 200_000;
const TUMBLING: &str = include_str!("../../assets/analytics/tumbling-count.sql");
const ANOMALY: &str = include_str!("../../assets/analytics/anomaly-detection.sql");
const SCORED_ROWS: usize = 20_000;

fn bench(c: &mut Criterion) {
    let columns = vec![
        ("TICKER_SYMBOL".to_owned(), SqlType::Varchar),
        ("PRICE".to_owned(), SqlType::Double),
    ];
    let rows: Vec<Row> = (0..ROWS)
        .map(|i| Row {
            rowtime_ms: i as i64,
            values: vec![
                Value::Text(format!("T{:03}", i % 100)),
                Value::Double(i as f64),
            ],
        })
        .collect();
    let mut group = c.benchmark_group("analytics");
    group.throughput(Throughput::Elements(ROWS as u64));
    group.sample_size(10);
    group.bench_function("tumbling-count-per-ticker", |b| {
        b.iter(|| {
            let mut program = Program::compile(TUMBLING, &columns).unwrap();
            for row in &rows {
                let at = row.rowtime_ms;
                program.insert(SOURCE_STREAM, row.clone());
                if at % 1_000 == 0 {
                    program.advance(at);
                }
            }
            black_box(program.pumps[0].windows_closed)
        })
    });
    // AWS's anomaly example: RANDOM_CUT_FOREST with its defaults (100 trees of 256 points).
    let heart_rates = vec![
        ("heartRate".to_owned(), SqlType::Integer),
        ("rateType".to_owned(), SqlType::Varchar),
    ];
    let readings: Vec<Row> = (0..SCORED_ROWS)
        .map(|i| Row {
            rowtime_ms: i as i64,
            values: vec![
                Value::Int(60 + (i * 7919 % 20) as i64),
                Value::Text("NORMAL".into()),
            ],
        })
        .collect();
    group.throughput(Throughput::Elements(SCORED_ROWS as u64));
    group.bench_function("random-cut-forest-100-trees", |b| {
        b.iter(|| {
            let mut program = Program::compile(ANOMALY, &heart_rates).unwrap();
            for row in &readings {
                program.insert(SOURCE_STREAM, row.clone());
            }
            black_box(program.stream("DESTINATION_SQL_STREAM").unwrap().rows_total)
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
