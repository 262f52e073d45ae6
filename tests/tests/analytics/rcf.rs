//! RANDOM_CUT_FOREST and RANDOM_CUT_FOREST_WITH_EXPLANATION (reference D) on seeded series with
//! injected spikes: AWS's own example SQL, scores withheld while the forest learns, every spike
//! above every normal reading after warm-up, and the explanation naming the column that moved.

use kinescope_core::analytics::program::{Program, Row, SOURCE_STREAM};
use kinescope_core::analytics::value::{SqlType, Value};
use rand::{Rng, SeedableRng};

const ANOMALY: &str = include_str!("../../../assets/analytics/anomaly-detection.sql");

fn heart_rates() -> Vec<(String, SqlType)> {
    vec![
        ("heartRate".into(), SqlType::Integer),
        ("rateType".into(), SqlType::Varchar),
    ]
}

#[test]
fn aws_example_scores_every_spike_above_every_normal_reading() {
    let mut program = Program::compile(ANOMALY, &heart_rates()).unwrap();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
    let spikes: Vec<usize> = (0..8).map(|i| 700 + i * 157).collect();
    for i in 0..2_000 {
        let (rate, kind) = match spikes.contains(&i) {
            true => (rng.random_range(150..200), "HIGH"),
            false => (rng.random_range(60..80), "NORMAL"),
        };
        let row = Row {
            rowtime_ms: i as i64 * 100,
            values: vec![Value::Int(rate), Value::Text(kind.into())],
        };
        program.insert(SOURCE_STREAM, row);
        program.advance(i as i64 * 100);
    }
    // The last second's rows are held for the ORDER BY until ROWTIME passes it.
    assert_eq!(
        program.stream("DESTINATION_SQL_STREAM").unwrap().rows_total,
        1_990
    );
    program.advance(200_000);
    let out = &program.stream("DESTINATION_SQL_STREAM").unwrap().rows;
    // Each second's ten rows come out highest score first.
    for second in out.iter().collect::<Vec<_>>().chunks(10) {
        let scores: Vec<f64> = second
            .iter()
            .map(|r| r.values[2].as_f64().unwrap())
            .collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    }
    assert_eq!(out.len(), 1_000, "the stream keeps its newest 1,000 rows");
    let all = &program.stream("TEMP_STREAM").unwrap();
    assert_eq!(all.rows_total, 2_000);
    let score = |row: &Row| row.values[2].as_f64().unwrap();
    let (spiked, normal): (Vec<&Row>, Vec<&Row>) = out
        .iter()
        .partition(|r| r.values[1] == Value::Text("HIGH".into()));
    assert_eq!(spiked.len(), 6, "the spikes in the newest 1,000 rows");
    let lowest_spike = spiked.iter().map(|r| score(r)).fold(f64::MAX, f64::min);
    let highest_normal = normal.iter().map(|r| score(r)).fold(0.0, f64::max);
    assert!(
        lowest_spike > highest_normal,
        "spikes {lowest_spike} vs normal {highest_normal}"
    );
}

#[test]
fn scores_are_withheld_while_the_forest_learns_its_sub_sample() {
    let code = r#"
        CREATE STREAM "SCORED" (v DOUBLE, score DOUBLE);
        CREATE PUMP "P" AS INSERT INTO "SCORED"
          SELECT STREAM v, ANOMALY_SCORE
          FROM TABLE(RANDOM_CUT_FOREST(CURSOR(SELECT STREAM v FROM SOURCE_SQL_STREAM_001), 50, 64, 1000, 1));
    "#;
    let columns = vec![("V".to_owned(), SqlType::Double)];
    let mut program = Program::compile(code, &columns).unwrap();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
    for i in 0..100 {
        let row = Row {
            rowtime_ms: i,
            values: vec![Value::Double(rng.random_range(0.0..10.0))],
        };
        program.insert(SOURCE_STREAM, row);
    }
    let scores: Vec<f64> = program
        .stream("SCORED")
        .unwrap()
        .rows
        .iter()
        .map(|r| r.values[1].as_f64().unwrap())
        .collect();
    assert!(
        scores[..64].iter().all(|s| *s == 0.0),
        "0 during the first subSampleSize rows"
    );
    assert!(scores[64..].iter().all(|s| *s > 0.0));
}

#[test]
fn the_explanation_names_the_column_that_moved_and_its_direction() {
    let code = r#"
        CREATE STREAM "EXPLAINED" (temperature DOUBLE, pressure DOUBLE, score DOUBLE, why VARCHAR(512));
        CREATE PUMP "P" AS INSERT INTO "EXPLAINED"
          SELECT STREAM temperature, pressure, ANOMALY_SCORE, ANOMALY_EXPLANATION
          FROM TABLE(RANDOM_CUT_FOREST_WITH_EXPLANATION(
                 CURSOR(SELECT STREAM * FROM SOURCE_SQL_STREAM_001), 100, 256, 100000, 1, true));
    "#;
    let columns = vec![
        ("TEMPERATURE".to_owned(), SqlType::Double),
        ("PRESSURE".to_owned(), SqlType::Double),
    ];
    let mut program = Program::compile(code, &columns).unwrap();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(9);
    for i in 0..600 {
        let pressure = if i == 599 {
            250.0
        } else {
            rng.random_range(95.0..105.0)
        };
        let row = Row {
            rowtime_ms: i,
            values: vec![
                Value::Double(rng.random_range(20.0..22.0)),
                Value::Double(pressure),
            ],
        };
        program.insert(SOURCE_STREAM, row);
    }
    let last = program
        .stream("EXPLAINED")
        .unwrap()
        .rows
        .back()
        .unwrap()
        .clone();
    let Value::Text(why) = &last.values[3] else {
        panic!("{last:?}")
    };
    let why: serde_json::Value = serde_json::from_str(why).unwrap();
    let attribution = |c: &str| {
        why[c]["ATTRIBUTION_SCORE"]
            .as_str()
            .unwrap()
            .parse::<f64>()
            .unwrap()
    };
    assert!(
        attribution("PRESSURE") > 4.0 * attribution("TEMPERATURE"),
        "{why}"
    );
    assert_eq!(why["PRESSURE"]["DIRECTION"], "HIGH");
    let total = attribution("PRESSURE") + attribution("TEMPERATURE");
    let score = last.values[2].as_f64().unwrap();
    assert!(
        (total - score).abs() < 0.01 * score,
        "attributions sum to the score: {total} vs {score}"
    );
}

#[test]
fn forest_parameters_out_of_aws_ranges_are_refused() {
    let code = |args: &str| {
        format!(
            "CREATE STREAM \"S\" (v DOUBLE, score DOUBLE);\nCREATE PUMP \"P\" AS INSERT INTO \"S\"\n  SELECT STREAM v, ANOMALY_SCORE FROM TABLE(RANDOM_CUT_FOREST(CURSOR(SELECT STREAM v FROM SOURCE_SQL_STREAM_001){args}));"
        )
    };
    let columns = vec![("V".to_owned(), SqlType::Double)];
    let refused = |args: &str| {
        Program::compile(&code(args), &columns)
            .unwrap_err()
            .to_string()
    };
    assert!(refused(", 0").contains("numberOfTrees = 0 must be between 1 and 1000"));
    assert!(refused(", 100, 5").contains("subSampleSize = 5 must be between 10 and 1000"));
    assert!(refused(", 100, 256, 100").contains("subSampleSize must be less than timeDecay"));
    assert!(refused(", 100, 256, 100000, 31").contains("shingleSize = 31"));
    let text_only = "CREATE STREAM \"S\" (t VARCHAR(4), score DOUBLE);\nCREATE PUMP \"P\" AS INSERT INTO \"S\" SELECT STREAM t, ANOMALY_SCORE FROM TABLE(RANDOM_CUT_FOREST(CURSOR(SELECT STREAM t FROM SOURCE_SQL_STREAM_001)));";
    let columns = vec![("T".to_owned(), SqlType::Varchar)];
    let message = Program::compile(text_only, &columns)
        .unwrap_err()
        .to_string();
    assert!(message.contains("needs numeric columns"), "{message}");
}
