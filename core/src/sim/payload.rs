//! Record payloads with realistic fields: clickstream JSON, IoT telemetry JSON, log lines and
//! metrics CSV. Each carries the producer's name and a sequence number, so consumers can tell a
//! duplicate from a new record, and is padded up to the drawn size (never cut, so JSON stays JSON).

use crate::time::Timestamp;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// What a producer's records contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PayloadKind {
    /// Web clickstream events as JSON.
    #[default]
    Clickstream,
    /// Sensor readings as JSON.
    IotTelemetry,
    /// Application log lines.
    LogLines,
    /// `timestamp,host,metric,value` CSV lines.
    MetricsCsv,
    /// Binary: the sequence number (8 bytes, big-endian) then random bytes, exactly the drawn
    /// size (shorter sizes keep the low bytes of the sequence number).
    Opaque,
    /// Trades as AWS's demo stream sends them (`TICKER_SYMBOL`, `SECTOR`, `CHANGE`, `PRICE`).
    StockTicker,
    /// Heart rates as AWS's anomaly-detection example sends them: `heartRate` 60–100 and
    /// `rateType` NORMAL, with one reading in a hundred a HIGH spike of 150–200.
    HeartRate,
    /// Points as AWS's hotspots example sends them: `x`, `y` in 0–10, with one in five drawn
    /// near the hotspot around (3, 7) and marked `is_hot` Y.
    HotspotPoints,
}

const PAGES: [&str; 6] = [
    "/",
    "/search",
    "/product/42",
    "/cart",
    "/checkout",
    "/account",
];
const ACTIONS: [&str; 4] = ["view", "click", "add_to_cart", "purchase"];
const DEVICES: [&str; 3] = ["mobile", "desktop", "tablet"];
const LEVELS: [&str; 4] = ["INFO", "INFO", "WARN", "ERROR"];
const METRICS: [&str; 3] = ["cpu_percent", "memory_mb", "latency_ms"];
const TICKERS: [(&str, &str, f64); 6] = [
    ("AMZN", "TECHNOLOGY", 84.51),
    ("QXZ", "RETAIL", 52.3),
    ("TBV", "HEALTHCARE", 17.2),
    ("WAS", "RETAIL", 7.5),
    ("NFS", "ENERGY", 121.0),
    ("JYB", "FINANCIAL", 33.8),
];

fn heart_rate(rng: &mut impl Rng) -> String {
    if rng.random_range(0..100) == 0 {
        format!(
            r#"{{"heartRate":{},"rateType":"HIGH""#,
            rng.random_range(150..=200)
        )
    } else {
        format!(
            r#"{{"heartRate":{},"rateType":"NORMAL""#,
            rng.random_range(60..=100)
        )
    }
}

fn hotspot_point(rng: &mut impl Rng) -> String {
    let (x, y, hot) = if rng.random_range(0..5) == 0 {
        (
            3.0 + rng.random_range(-0.5..0.5),
            7.0 + rng.random_range(-0.5..0.5),
            "Y",
        )
    } else {
        (
            rng.random_range(0.0..10.0),
            rng.random_range(0.0..10.0),
            "N",
        )
    };
    format!(r#"{{"x":{x:.4},"y":{y:.4},"is_hot":"{hot}""#)
}

fn pick<'a>(rng: &mut impl Rng, items: &[&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

/// The ISO 8601 form of `ms`, remembered: a producer stamps many records with the same instant,
/// and formatting dates is a large part of making a record.
fn iso8601_cached(ms: i64) -> std::rc::Rc<str> {
    thread_local! {
        static LAST: std::cell::RefCell<(i64, std::rc::Rc<str>)> =
            std::cell::RefCell::new((i64::MIN, std::rc::Rc::from("")));
    }
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        if last.0 != ms {
            *last = (ms, Timestamp(ms).iso8601().into());
        }
        last.1.clone()
    })
}

fn opaque(rng: &mut impl Rng, seq: u64, size: u64, out: &mut Vec<u8>) {
    let start = out.len();
    out.resize(start + size.max(1) as usize, 0);
    let bytes = &mut out[start..];
    let head = bytes.len().min(8);
    bytes[..head].copy_from_slice(&seq.to_be_bytes()[8 - head..]);
    rng.fill(&mut bytes[head..]);
}

/// Appends one payload of about `target_bytes` (at least its natural size) to `out`: a producer
/// writes a tick's payloads into one buffer and hands out views of it, one allocation per tick.
pub fn generate_into(
    kind: PayloadKind,
    rng: &mut impl Rng,
    producer: &str,
    seq: u64,
    now_ms: i64,
    target_bytes: u64,
    out: &mut Vec<u8>,
) {
    if kind == PayloadKind::Opaque {
        return opaque(rng, seq, target_bytes, out);
    }
    let ts = iso8601_cached(now_ms);
    let id = format!("{producer}-{seq}");
    let (mut text, json) = match kind {
        PayloadKind::Clickstream => (
            format!(
                r#"{{"event_id":"{id}","user_id":"user-{}","session_id":"s-{:08x}","page":"{}","action":"{}","device":"{}","ts":"{ts}""#,
                rng.random_range(0..10_000),
                rng.random::<u32>(),
                pick(rng, &PAGES),
                pick(rng, &ACTIONS),
                pick(rng, &DEVICES)
            ),
            true,
        ),
        PayloadKind::IotTelemetry => (
            format!(
                r#"{{"reading_id":"{id}","device_id":"sensor-{:03}","temperature_c":{:.2},"humidity_percent":{:.1},"battery_percent":{},"ts":"{ts}""#,
                rng.random_range(0..500),
                rng.random_range(-10.0..40.0),
                rng.random_range(20.0..90.0),
                rng.random_range(5..100)
            ),
            true,
        ),
        PayloadKind::LogLines => (
            format!(
                "{ts} {} [checkout-service] request_id={id} GET {} {} {}ms",
                pick(rng, &LEVELS),
                pick(rng, &PAGES),
                [200, 200, 200, 404, 500][rng.random_range(0..5)],
                rng.random_range(1..900)
            ),
            false,
        ),
        PayloadKind::Opaque => (String::new(), false), // returned above
        PayloadKind::StockTicker => {
            let (ticker, sector, price) = TICKERS[rng.random_range(0..TICKERS.len())];
            let change: f64 = rng.random_range(-2.0..2.0);
            (
                format!(
                    r#"{{"TICKER_SYMBOL":"{ticker}","SECTOR":"{sector}","CHANGE":{change:.2},"PRICE":{:.2}"#,
                    price + change
                ),
                true,
            )
        }
        PayloadKind::HeartRate => (heart_rate(rng), true),
        PayloadKind::HotspotPoints => (hotspot_point(rng), true),
        PayloadKind::MetricsCsv => (
            format!(
                "{ts},host-{:02},{},{:.3},{id}",
                rng.random_range(0..20),
                pick(rng, &METRICS),
                rng.random_range(0.0..100.0)
            ),
            false,
        ),
    };
    let closing = if json { 1 } else { 0 };
    let natural = text.len() + closing;
    if (natural as u64) < target_bytes {
        let pad = target_bytes as usize - natural;
        if json {
            // `,"pad":""` costs 9 bytes; below that, spaces (valid JSON whitespace) do.
            if pad >= 9 {
                text.push_str(&format!(r#","pad":"{}""#, "x".repeat(pad - 9)));
            } else {
                text.push_str(&" ".repeat(pad));
            }
        } else {
            text.push_str(&" ".repeat(pad));
        }
    }
    if json {
        text.push('}');
    }
    out.extend_from_slice(text.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    /// One payload of producer "p1" at `now_ms`, appended after a byte that must stay.
    fn payload(
        kind: PayloadKind,
        rng: &mut ChaCha8Rng,
        seq: u64,
        now_ms: i64,
        target: u64,
    ) -> Vec<u8> {
        let mut out = vec![9];
        generate_into(kind, rng, "p1", seq, now_ms, target, &mut out);
        assert_eq!(out.remove(0), 9);
        out
    }

    #[test]
    fn opaque_payloads_have_the_exact_size_and_carry_the_sequence() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let bytes = payload(PayloadKind::Opaque, &mut rng, 258, 0, 40);
        assert_eq!(bytes.len(), 40);
        assert_eq!(&bytes[..8], &258u64.to_be_bytes());
        assert_eq!(payload(PayloadKind::Opaque, &mut rng, 258, 0, 2), [1, 2]);
    }

    #[test]
    fn json_payloads_parse_carry_their_id_and_hit_the_size() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        for kind in [PayloadKind::Clickstream, PayloadKind::IotTelemetry] {
            for target in [1, 250, 260, 1_000] {
                let bytes = payload(kind, &mut rng, 7, 1_767_225_600_000, target);
                let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                assert!(value.to_string().contains("p1-7"), "{kind:?}");
                assert!(bytes.len() as u64 >= target.min(bytes.len() as u64));
                if target >= 250 {
                    assert_eq!(bytes.len() as u64, target, "{kind:?} at {target}");
                }
            }
        }
    }

    #[test]
    fn analytics_payloads_carry_the_fields_aws_examples_read() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let mut spikes = 0;
        for seq in 0..2_000 {
            let bytes = payload(PayloadKind::HeartRate, &mut rng, seq, 0, 1);
            let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            let rate = value["heartRate"].as_i64().unwrap();
            match value["rateType"].as_str().unwrap() {
                "HIGH" => {
                    spikes += 1;
                    assert!((150..=200).contains(&rate));
                }
                _ => assert!((60..=100).contains(&rate)),
            }
        }
        assert!((5..=40).contains(&spikes), "{spikes} spikes in 2,000");
        let trade = payload(PayloadKind::StockTicker, &mut rng, 1, 0, 1);
        let trade: serde_json::Value = serde_json::from_slice(&trade).unwrap();
        assert!(trade["TICKER_SYMBOL"].is_string() && trade["PRICE"].is_f64());
        let point = payload(PayloadKind::HotspotPoints, &mut rng, 1, 0, 1);
        let point: serde_json::Value = serde_json::from_slice(&point).unwrap();
        assert!(
            point["x"]
                .as_f64()
                .is_some_and(|x| (0.0..=10.0).contains(&x))
        );
    }

    #[test]
    fn text_payloads_look_like_logs_and_csv() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let log = String::from_utf8(payload(PayloadKind::LogLines, &mut rng, 1, 0, 10)).unwrap();
        assert!(
            log.starts_with("1970-01-01T00:00:00.000Z ") && log.contains("request_id=p1-1"),
            "{log}"
        );
        let csv = String::from_utf8(payload(PayloadKind::MetricsCsv, &mut rng, 2, 0, 200)).unwrap();
        assert_eq!(csv.len(), 200);
        assert_eq!(csv.trim_end().split(',').count(), 5);
    }
}
