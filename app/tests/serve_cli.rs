//! `kinescope serve` as a user starts it: the first line names the address, and a port already in
//! use is a clear error naming the port.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(port: &str) -> (Server, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kinescope"))
        .args(["serve", "--port", port, "--tls-port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut first_line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first_line)
        .unwrap();
    (Server(child), first_line.trim().to_owned())
}

#[test]
fn serve_prints_its_address_and_refuses_a_port_in_use() {
    let (_server, first_line) = start("0");
    let address = first_line
        .strip_prefix("listening on http://")
        .expect(&first_line);
    let port = address.rsplit(':').next().unwrap();
    assert!(port.parse::<u16>().unwrap() > 0);
    let second = Command::new(env!("CARGO_BIN_EXE_kinescope"))
        .args(["serve", "--port", port])
        .output()
        .unwrap();
    assert!(!second.status.success());
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        stderr.contains(&format!("port {port} on 127.0.0.1 is already in use")),
        "{stderr}"
    );
}

#[test]
fn bad_options_are_explained() {
    let out = Command::new(env!("CARGO_BIN_EXE_kinescope"))
        .args(["serve", "--throttle", "sometimes"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("is not faithful, unthrottled or fault:PROBABILITY")
    );
}

#[test]
fn run_writes_a_report_and_exits_2_on_a_bad_scenario() {
    let scenario = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../assets/scenarios/hot-shard.json"
    );
    let report = std::env::temp_dir().join(format!("kinescope-report-{}.json", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_kinescope"))
        .args(["run", scenario, "--for", "5", "--report"])
        .arg(&report)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(json["scenario"], "hot-shard");
    assert_eq!(json["virtual_ms"], 5_000);
    std::fs::remove_file(&report).ok();
    let bad = std::env::temp_dir().join(format!("kinescope-bad-{}.json", std::process::id()));
    std::fs::write(
        &bad,
        r#"{"name":"x","description":"d","duration_seconds":1,"streams":[],"extra":1}"#,
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kinescope"))
        .arg("run")
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown field `extra`"));
    std::fs::remove_file(&bad).ok();
}

#[test]
fn run_exits_1_and_names_the_seed_when_an_invariant_fails() {
    // A KCL application starting at LATEST that never checkpoints: the worker taking over a
    // killed worker's leases starts at LATEST again and skips what arrived meanwhile.
    let scenario = r#"{
        "name": "latest-without-checkpoints", "description": "d", "seed": 77, "duration_seconds": 60,
        "streams": [{"name": "s", "shards": 2}],
        "producers": [{"name": "p", "stream": "s", "rate": {"kind": "constant", "per_second": 200},
                       "keys": {"kind": "uniform", "keys": 100}}],
        "consumers": [{"kind": "kcl", "name": "app", "stream": "s", "workers": 2, "start": "LATEST",
                       "checkpoint_every_records": 0}],
        "timeline": [{"at_seconds": 20, "action": {"kind": "kill_worker", "consumer": "app"}}]
    }"#;
    let path = std::env::temp_dir().join(format!("kinescope-loss-{}.json", std::process::id()));
    std::fs::write(&path, scenario).unwrap();
    let report = path.with_extension("report.json");
    let out = Command::new(env!("CARGO_BIN_EXE_kinescope"))
        .arg("run")
        .arg(&path)
        .arg("--report")
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("invariant failed: no acknowledged record lost: app")
            && stdout.contains("seed 77"),
        "{stdout}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let failed: Vec<&serde_json::Value> = json["invariants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["ok"] == false)
        .collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(json["consumers"][0]["kind"], "kcl");
    for file in [&path, &report] {
        std::fs::remove_file(file).ok();
    }
}

#[test]
fn run_paces_virtual_time_with_speed_and_refuses_a_bad_speed() {
    let scenario = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../assets/scenarios/hot-shard.json"
    );
    let started = std::time::Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_kinescope"))
        .args(["run", scenario, "--for", "2", "--speed", "4"])
        .output()
        .unwrap();
    assert!(out.status.success());
    // 2 virtual seconds at 4× real time take at least half a second of wall time.
    assert!(started.elapsed() >= std::time::Duration::from_millis(450));
    let out = Command::new(env!("CARGO_BIN_EXE_kinescope"))
        .args(["run", scenario, "--speed", "fast-ish"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a speed"));
}
