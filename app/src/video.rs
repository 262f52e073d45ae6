//! `kinescope video …`: `put --stream NAME FILE [--endpoint URL]`, a PutMedia client, since no AWS
//! SDK models PutMedia (reference C.1); `sample OUT` records the simulated camera into a file.
//! `put`: The file (Matroska: .mkv or .webm) is read into its fragments
//! and streamed to the server's `/putMedia` one fragment after another, in one signed request;
//! every acknowledgement is printed as one JSON line as it comes. Exit 0 once every fragment is
//! PERSISTED, 1 with the ERROR acknowledgement (or when fragments were not persisted).

use anyhow::{Context, Result, anyhow, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, StreamBody};
use hyper::body::Frame;
use kinescope_core::outbound::{HttpCall, Signing, signed_headers};
use kinescope_core::video::codec::recording::{CameraSettings, record};
use kinescope_core::video::codec::remux::to_matroska;
use kinescope_core::video::mkv::reader::{MkvReader, ReadEvent};
use kinescope_core::video::mkv::writer::{cluster, document_header};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct VideoArgs {
    #[command(subcommand)]
    pub command: VideoCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum VideoCommand {
    /// Stream a video file into a video stream through PutMedia (Matroska as it is; MP4 and
    /// other files remuxed, not re-encoded), printing each acknowledgement as a JSON line; exit 0
    /// once every fragment is PERSISTED.
    Put(PutArgs),
    /// Record the simulated camera (colour bars, a moving square, the time burned in) into a
    /// Matroska file of two-second fragments.
    Sample(SampleArgs),
}

#[derive(Debug, clap::Args)]
pub struct SampleArgs {
    /// Where to write the .mkv file.
    pub out: PathBuf,
    /// Seconds to record.
    #[arg(long, default_value_t = 10)]
    pub seconds: u32,
    #[arg(long, default_value_t = 320)]
    pub width: u32,
    #[arg(long, default_value_t = 180)]
    pub height: u32,
    #[arg(long, default_value_t = 15)]
    pub fps: u32,
}

#[derive(Debug, clap::Args)]
pub struct PutArgs {
    /// The video stream's name.
    #[arg(long)]
    pub stream: String,
    /// The video file to send (.mkv, .webm, .mp4, …).
    pub file: PathBuf,
    /// Where `kinescope serve` (or the app's API) answers.
    #[arg(long, default_value = "http://127.0.0.1:4567")]
    pub endpoint: String,
}

pub fn run(args: VideoArgs) -> Result<ExitCode> {
    match args.command {
        VideoCommand::Put(put) => {
            // An error answered before the body is read would race the upload: ask first.
            check_stream(&put)?;
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(put_file(put))
        }
        VideoCommand::Sample(sample) => {
            let settings = CameraSettings {
                width: sample.width,
                height: sample.height,
                fps: sample.fps,
                ..CameraSettings::default()
            };
            // The burned-in clock starts at 2026-01-01T00:00:00Z, like a fresh world.
            let start = kinescope_core::settings::Settings::default().start_epoch_ms;
            let bytes = record(settings, start, i64::from(sample.seconds) * 1_000)?;
            std::fs::write(&sample.out, &bytes)
                .with_context(|| format!("cannot write {}", sample.out.display()))?;
            println!("{} ({} bytes)", sample.out.display(), bytes.len());
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn signing() -> Signing {
    Signing {
        service: "kinesisvideo",
        region: std::env::var("AWS_DEFAULT_REGION").unwrap_or_else(|_| "us-east-1".into()),
        access_key: std::env::var("AWS_ACCESS_KEY_ID").unwrap_or_else(|_| "test".into()),
        secret_key: std::env::var("AWS_SECRET_ACCESS_KEY").unwrap_or_else(|_| "test".into()),
    }
}

/// DescribeStream: the stream exists and is ACTIVE, or the reason why not.
fn check_stream(args: &PutArgs) -> Result<()> {
    let endpoint = args.endpoint.trim_end_matches('/');
    let body = serde_json::json!({ "StreamName": args.stream }).to_string();
    let answer = kinescope_core::outbound::make(&HttpCall {
        method: "POST",
        url: format!("{endpoint}/describeStream"),
        headers: vec![("content-type".into(), "application/json".into())],
        body: body.into_bytes(),
        timeout: std::time::Duration::from_secs(10),
        signing: Some(signing()),
    })
    .map_err(|e| anyhow!("cannot reach {endpoint}: {e}"))?;
    let json: serde_json::Value = serde_json::from_slice(&answer.body).unwrap_or_default();
    if answer.status != 200 {
        let code = answer
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("x-amzn-errortype"))
            .map_or("error", |(_, v)| v.as_str());
        bail!(
            "stream {}: {code}: {}",
            args.stream,
            json["Message"].as_str().unwrap_or_default()
        );
    }
    match json["StreamInfo"]["Status"].as_str() {
        Some("ACTIVE") => Ok(()),
        status => bail!(
            "stream {} is {} (not ACTIVE)",
            args.stream,
            status.unwrap_or("?")
        ),
    }
}

/// The file as the pieces sent: the document header, then one Cluster per fragment.
fn pieces(file: &Path) -> Result<Vec<Bytes>> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    // Matroska goes as it is; anything else FFmpeg reads (MP4, MPEG-TS, …) is remuxed first.
    let bytes = if bytes.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        bytes
    } else {
        to_matroska(file).map_err(|e| anyhow!("{} cannot be read as video: {e}", file.display()))?
    };
    let mut reader = MkvReader::new();
    let mut events = reader.push(&bytes).map_err(|e| {
        anyhow!(
            "{} is not a Matroska file Kinescope can send: {e:?}",
            file.display()
        )
    })?;
    events.extend(
        reader
            .finish()
            .map_err(|e| anyhow!("{} ends early: {e:?}", file.display()))?,
    );
    let mut pieces = Vec::new();
    for event in events {
        match event {
            ReadEvent::Header(header) if pieces.is_empty() => {
                pieces.push(Bytes::from(document_header(&header)))
            }
            ReadEvent::Cluster(read) => {
                pieces.push(Bytes::from(cluster(read.timecode_ms, &read.frames)))
            }
            _ => {}
        }
    }
    if pieces.len() < 2 {
        bail!("{} holds no fragment (no Cluster)", file.display());
    }
    Ok(pieces)
}

/// Sends `file` into `stream` through the engine's own PutMedia, all at once, producer times
/// from the clock's now (the app's "Send file"); what happened, in words.
pub fn ingest_file(
    world: &kinescope_core::live::SharedWorld,
    stream: &str,
    file: &Path,
) -> Result<String, String> {
    use kinescope_core::video::put_media::{EndPutMedia, PutMediaData, StartPutMedia};
    let pieces = pieces(file).map_err(|e| format!("{e:#}"))?;
    let fragments = pieces.len() - 1;
    let bytes: Vec<u8> = pieces.iter().flat_map(|p| p.iter().copied()).collect();
    let refused = |e: kinescope_core::video::error::VideoError| {
        format!("Cannot send to {stream}: {} ({})", e.message(), e.code())
    };
    let session = world
        .apply(StartPutMedia {
            stream_name: Some(stream.to_owned()),
            fragment_timecode_type: Some("RELATIVE".into()),
            producer_start_ms: Some(world.read(|w| w.now_ms())),
            ..StartPutMedia::default()
        })
        .map_err(refused)?;
    let mut acks = world
        .apply(PutMediaData { session, bytes })
        .map_err(refused)?;
    acks.extend(world.apply(EndPutMedia { session }).map_err(refused)?);
    let name = file.display();
    if let Some(error) = acks.iter().find(|a| a.event_type == "ERROR") {
        return Err(format!(
            "PutMedia refused {name}: ERROR {} {}",
            error.error_id.unwrap_or(0),
            error.error_code.unwrap_or("")
        ));
    }
    let persisted = acks.iter().filter(|a| a.event_type == "PERSISTED").count();
    Ok(match persisted {
        0 => format!(
            "Sent {name} into {stream}: {fragments} fragments, in the host buffer only (no retention)"
        ),
        n => format!("Sent {name} into {stream}: {n} fragments persisted"),
    })
}

async fn put_file(args: PutArgs) -> Result<ExitCode> {
    let pieces = pieces(&args.file)?;
    let fragments = pieces.len() - 1;
    let endpoint = args.endpoint.trim_end_matches('/');
    if !endpoint.starts_with("http://") {
        bail!("--endpoint must be an http:// URL (the API's plain port), not {endpoint}");
    }
    let url = format!("{endpoint}/putMedia");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let mut headers = vec![
        ("x-amzn-stream-name".to_owned(), args.stream.clone()),
        ("x-amzn-fragment-timecode-type".into(), "RELATIVE".into()),
        (
            "x-amzn-producer-start-timestamp".into(),
            format!("{:.3}", now.as_secs_f64()),
        ),
    ];
    let call = HttpCall {
        method: "POST",
        url: url.clone(),
        headers: headers.clone(),
        body: Vec::new(),
        timeout: std::time::Duration::from_secs(60),
        signing: Some(signing()),
    };
    headers.extend(signed_headers(&call).map_err(|e| anyhow!("cannot sign the request: {e}"))?);
    let (sender, receiver) = tokio::sync::mpsc::channel::<Bytes>(2);
    tokio::spawn(async move {
        for piece in pieces {
            if sender.send(piece).await.is_err() {
                return;
            }
        }
    });
    let frames = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|piece| {
            (
                Ok::<_, std::convert::Infallible>(Frame::data(piece)),
                receiver,
            )
        })
    });
    let mut request = hyper::Request::post(&url);
    for (name, value) in &headers {
        request = request.header(name, value);
    }
    let request = request.body(StreamBody::new(Box::pin(frames)))?;
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http();
    let response = client
        .request(request)
        .await
        .with_context(|| format!("cannot reach {url}"))?;
    let status = response.status();
    let code = response
        .headers()
        .get("x-amzn-errortype")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("error")
        .to_owned();
    let mut body = response.into_body();
    if !status.is_success() {
        let text = body
            .collect()
            .await
            .map(|b| b.to_bytes())
            .unwrap_or_default();
        let answer: serde_json::Value = serde_json::from_slice(&text).unwrap_or_default();
        let message = answer["Message"].as_str().unwrap_or_default();
        bail!(
            "PutMedia answered HTTP {} {code}: {message}",
            status.as_u16()
        );
    }
    let (mut persisted, mut pending) = (0usize, Vec::new());
    let mut out = std::io::stdout().lock();
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame.map(|f| f.into_data()) else {
            break;
        };
        let Ok(data) = data else { continue };
        pending.extend_from_slice(&data);
        while let Some(end) = pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = pending.drain(..=end).collect();
            let line = String::from_utf8_lossy(&line).trim().to_owned();
            if line.is_empty() {
                continue;
            }
            writeln!(out, "{line}")?;
            out.flush()?;
            let ack: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
            match ack["EventType"].as_str() {
                Some("PERSISTED") => persisted += 1,
                Some("ERROR") => {
                    eprintln!(
                        "error: PutMedia refused a fragment: {} ({})",
                        ack["ErrorCode"].as_str().unwrap_or("?"),
                        ack["ErrorId"]
                    );
                    return Ok(ExitCode::FAILURE);
                }
                _ => {}
            }
        }
        if persisted == fragments {
            return Ok(ExitCode::SUCCESS);
        }
    }
    if persisted == fragments {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "error: {persisted} of {fragments} fragments were PERSISTED (a stream with DataRetentionInHours 0 persists none)"
    );
    Ok(ExitCode::FAILURE)
}
