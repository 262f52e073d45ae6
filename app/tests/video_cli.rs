//! `kinescope video put` against `kinescope serve`, as a user runs them: a Matroska file streamed
//! through PutMedia prints one JSON acknowledgement a line and exits 0 once every fragment is
//! PERSISTED; a stream that keeps nothing, or a file that is not Matroska, exits 1 saying why.

use bytes::Bytes;
use kinescope_core::outbound::{self, HttpCall, Signing};
use kinescope_core::video::mkv::reader::{Frame, MkvReader, ReadEvent, Track, TrackHeader};
use kinescope_core::video::mkv::writer::{cluster, document_header};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve() -> (Server, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kinescope"))
        .args(["serve", "--port", "0", "--tls-port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let mut first_line = String::new();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut first_line).unwrap();
    // The server goes on printing: keep reading, so it never writes into a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let address = first_line
        .trim()
        .strip_prefix("listening on ")
        .expect(&first_line)
        .to_owned();
    (Server(child), address)
}

/// A signed POST of `body` to one of the video APIs' paths.
fn signed_post(address: &str, path: &str, body: Vec<u8>) -> outbound::HttpAnswer {
    outbound::make(&HttpCall {
        method: "POST",
        url: format!("{address}{path}"),
        headers: vec![("content-type".into(), "application/json".into())],
        body,
        timeout: Duration::from_secs(20),
        signing: Some(Signing {
            service: "kinesisvideo",
            region: "us-east-1".into(),
            access_key: "test".into(),
            secret_key: "test".into(),
        }),
    })
    .unwrap()
}

/// A signed REST-JSON call of the video APIs.
fn call(address: &str, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
    let answer = signed_post(address, path, body.to_string().into_bytes());
    let json = serde_json::from_slice(&answer.body).unwrap_or_default();
    (answer.status, json)
}

fn create_stream(address: &str, name: &str, retention_hours: i64) {
    let body = serde_json::json!({"StreamName": name, "DataRetentionInHours": retention_hours});
    assert_eq!(call(address, "/createStream", body).0, 200);
    for _ in 0..50 {
        let (_, info) = call(
            address,
            "/describeStream",
            serde_json::json!({"StreamName": name}),
        );
        if info["StreamInfo"]["Status"] == "ACTIVE" {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{name} never became ACTIVE");
}

/// A Matroska file of three two-second fragments.
fn sample_file() -> std::path::PathBuf {
    fragments_file(&[0, 2_000, 4_000], "sample")
}

/// A Matroska file of two-second fragments starting at `starts` (milliseconds).
fn fragments_file(starts: &[i64], name: &str) -> std::path::PathBuf {
    let header = TrackHeader {
        tracks: vec![Track {
            number: 1,
            uid: 1,
            kind: 1,
            codec_id: "V_MPEG4/ISO/AVC".into(),
            ..Track::default()
        }],
        ..TrackHeader::default()
    };
    let mut bytes = document_header(&header);
    for &start in starts {
        let frames: Vec<Frame> = (0..60)
            .map(|i| Frame {
                track: 1,
                timecode_ms: start + i * 33,
                keyframe: i == 0,
                data: Bytes::from(vec![1u8; 300]),
            })
            .collect();
        bytes.extend(cluster(start, &frames));
    }
    let path = std::env::temp_dir().join(format!("kinescope-{name}-{}.mkv", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    path
}

fn put(address: &str, stream: &str, file: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kinescope"))
        .args(["video", "put", "--stream", stream, "--endpoint", address])
        .arg(file)
        .output()
        .unwrap()
}

#[test]
fn video_put_streams_a_file_and_exits_0_once_every_fragment_is_persisted() {
    let (_server, address) = serve();
    create_stream(&address, "porch", 24);
    let file = sample_file();
    let out = put(&address, "porch", &file);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let acks: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let events: Vec<&str> = acks
        .iter()
        .map(|a| a["EventType"].as_str().unwrap())
        .collect();
    assert_eq!(events.iter().filter(|e| **e == "PERSISTED").count(), 3);
    assert_eq!(events[..3], ["BUFFERING", "RECEIVED", "PERSISTED"]);
    assert!(acks[0]["FragmentNumber"].as_str().unwrap().len() == 47);
    let (status, listed) = call(
        &address,
        "/listFragments",
        serde_json::json!({"StreamName": "porch"}),
    );
    assert_eq!(status, 200);
    assert_eq!(listed["Fragments"].as_array().unwrap().len(), 3);
    // GetMedia from the earliest fragment: three complete documents, then the end (nobody writes).
    let media = signed_post(
        &address,
        "/getMedia",
        br#"{"StreamName":"porch","StartSelector":{"StartSelectorType":"EARLIEST"}}"#.to_vec(),
    );
    assert_eq!(media.status, 200);
    let mut reader = MkvReader::new();
    let mut events = reader.push(&media.body).unwrap();
    events.extend(reader.finish().unwrap());
    let clusters = events
        .iter()
        .filter(|e| matches!(e, ReadEvent::Cluster(_)))
        .count();
    assert_eq!(clusters, 3);

    create_stream(&address, "no-archive", 0);
    let out = put(&address, "no-archive", &file);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("0 of 3 fragments were PERSISTED"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let missing = put(&address, "nowhere", &file);
    assert!(!missing.status.success());
    let said = String::from_utf8_lossy(&missing.stderr);
    assert!(said.contains("ResourceNotFoundException"), "{said}");
    // Timecodes going backwards: the server's ERROR acknowledgement is printed, exit 1.
    let backwards = fragments_file(&[4_000, 0], "backwards");
    let out = put(&address, "porch", &backwards);
    assert!(!out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.lines().last().unwrap().contains(r#""ErrorId":4004"#),
        "{stdout}"
    );
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS"),
        "{said}"
    );
    let _ = std::fs::remove_file(backwards);
    let text = std::env::temp_dir().join(format!("kinescope-not-video-{}.txt", std::process::id()));
    std::fs::write(&text, "hello").unwrap();
    let refused = put(&address, "porch", &text);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("cannot be read as video"), "{said}");
    // An MP4 (the sample clip, copied into MP4 by the ffmpeg tool) is remuxed, not re-encoded.
    let mp4 = std::env::temp_dir().join(format!("kinescope-sample-{}.mp4", std::process::id()));
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/video/sample.mkv");
    let copied = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-i", sample, "-c", "copy"])
        .arg(&mp4)
        .status()
        .expect("ffmpeg runs (make test installs it)");
    assert!(copied.success());
    create_stream(&address, "from-mp4", 1);
    let out = put(&address, "from-mp4", &mp4);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let persisted = String::from_utf8_lossy(&out.stdout)
        .matches("PERSISTED")
        .count();
    assert_eq!(persisted, 5, "the sample's five two-second fragments");
    let _ = std::fs::remove_file(mp4);
    let _ = std::fs::remove_file(file);
    let _ = std::fs::remove_file(text);
}

#[test]
fn video_sample_records_the_camera_into_a_matroska_file() {
    let out = std::env::temp_dir().join(format!("kinescope-camera-{}.mkv", std::process::id()));
    let done = Command::new(env!("CARGO_BIN_EXE_kinescope"))
        .args(["video", "sample", "--seconds", "4"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let bytes = std::fs::read(&out).unwrap();
    let mut reader = MkvReader::new();
    let mut events = reader.push(&bytes).unwrap();
    events.extend(reader.finish().unwrap());
    let clusters: Vec<usize> = events
        .iter()
        .filter_map(|e| match e {
            ReadEvent::Cluster(c) => Some(c.frames.len()),
            _ => None,
        })
        .collect();
    assert_eq!(
        clusters,
        [30, 30],
        "two fragments of two seconds at 15 frames a second"
    );
    let _ = std::fs::remove_file(out);
}
