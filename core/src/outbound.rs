//! Calls the engine makes to the outside world: HTTP requests (a Lambda function's URL, HTTP
//! endpoint, OpenSearch and Splunk destinations, a remote S3) and Redshift COPYs over a database
//! connection. A world on its own makes each call inline, so headless runs and tests stay
//! deterministic. A live world (the app, `serve`) defers them: a call is queued,
//! made on a thread of its own, and its answer applied when it comes back (the next clock tick),
//! so a slow or hung function never holds up the world, the API or the window.

use crate::firehose::http_delivery::HttpDelivery;
use crate::firehose::redshift::loader::{self, CopyCall, CopyResult};
use crate::firehose::transform::LambdaInvocation;
use crate::world::World;
use std::collections::HashMap;
use std::time::Duration;

/// One HTTP request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpCall {
    /// `POST` or `PUT`.
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub timeout: Duration,
    /// Signed with SigV4 as it is sent (the signature needs the wall clock's time).
    pub signing: Option<Signing>,
}

/// Who signs a call, for which service and region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signing {
    pub service: &'static str,
    pub region: String,
    pub access_key: String,
    pub secret_key: String,
}

/// The SigV4 headers for `call` at the wall clock's now (S3's rules: the payload's SHA-256 in
/// `x-amz-content-sha256`, the path neither normalized nor encoded twice).
fn signature_headers(call: &HttpCall, signing: &Signing) -> Result<Vec<(String, String)>, String> {
    use aws_sigv4::http_request::{
        PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SigningSettings,
        UriPathNormalizationMode, sign,
    };
    let identity = aws_credential_types::Credentials::new(
        &signing.access_key,
        &signing.secret_key,
        None,
        None,
        "kinescope",
    )
    .into();
    let mut settings = SigningSettings::default();
    settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    settings.percent_encoding_mode = PercentEncodingMode::Single;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region(&signing.region)
        .name(signing.service)
        .time(std::time::SystemTime::now())
        .settings(settings)
        .build()
        .map_err(|e| e.to_string())?
        .into();
    let request = SignableRequest::new(
        call.method,
        call.url.as_str(),
        call.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SignableBody::Bytes(&call.body),
    )
    .map_err(|e| e.to_string())?;
    let (instructions, _) = sign(request, &params)
        .map_err(|e| e.to_string())?
        .into_parts();
    Ok(instructions
        .headers()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect())
}

/// The SigV4 headers `call` needs (its `signing`), at the wall clock's now; none if unsigned.
pub fn signed_headers(call: &HttpCall) -> Result<Vec<(String, String)>, String> {
    match &call.signing {
        Some(signing) => signature_headers(call, signing),
        None => Ok(Vec::new()),
    }
}

/// What a server answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpAnswer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// The answer, or why there was none (connection refused, timed out, ...).
pub type CallResult = Result<HttpAnswer, String>;

/// Makes `call`, blocking until it is answered or times out.
pub fn make(call: &HttpCall) -> CallResult {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(call.timeout))
        .http_status_as_error(false)
        .build()
        .into();
    let signed = match &call.signing {
        Some(signing) => signature_headers(call, signing)?,
        None => Vec::new(),
    };
    let mut request = match call.method {
        "PUT" => agent.put(&call.url),
        _ => agent.post(&call.url),
    };
    for (name, value) in call.headers.iter().chain(&signed) {
        request = request.header(name, value);
    }
    let mut response = request
        .send(&call.body[..])
        .map_err(|e| format!("{}: {e}", call.url))?;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = response
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_vec()
        .map_err(|e| format!("{}: {e}", call.url))?;
    Ok(HttpAnswer {
        status,
        headers,
        body,
    })
}

/// A call of either kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    Http(HttpCall),
    Copy(Box<CopyCall>),
}

impl Call {
    /// The HTTP request, if this call is one.
    pub fn http(&self) -> Option<&HttpCall> {
        match self {
            Call::Http(call) => Some(call),
            Call::Copy(_) => None,
        }
    }
}

/// What came back from a call, of the call's kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Http(CallResult),
    Copy(CopyResult),
}

impl From<CallResult> for Answer {
    fn from(result: CallResult) -> Self {
        Answer::Http(result)
    }
}

/// Makes `call`, blocking until it is answered.
pub fn run(call: &Call) -> Answer {
    match call {
        Call::Http(call) => Answer::Http(make(call)),
        Call::Copy(call) => Answer::Copy(loader::run(call)),
    }
}

/// What the engine does with a call's answer.
#[derive(Debug, Clone)]
pub(crate) enum Continuation {
    /// A Lambda invocation of a delivery stream's processor.
    Lambda(LambdaInvocation),
    /// A request of records to a delivery stream's HTTP endpoint.
    HttpDelivery(String, HttpDelivery),
    /// The PUT of the first object waiting in a delivery stream (`--s3-endpoint`).
    S3Put(String),
    /// The COPY of a delivery stream's batch of staged objects into Redshift.
    RedshiftCopy(String),
}

/// Calls waiting to be made, and those made whose answers have not come back.
#[derive(Debug, Default)]
pub struct Outbound {
    deferred: bool,
    next_id: u64,
    queued: Vec<(u64, Call)>,
    waiting: HashMap<u64, Continuation>,
}

impl Outbound {
    /// Calls under way (queued or made, not answered).
    pub fn in_flight(&self) -> usize {
        self.waiting.len()
    }
}

impl World {
    /// From now on, calls are queued for [`World::take_outbound_calls`] instead of made inline.
    pub fn defer_outbound_calls(&mut self) {
        self.outbound.deferred = true;
    }

    /// HTTP calls under way (queued or made, not answered yet).
    pub fn outbound_in_flight(&self) -> usize {
        self.outbound.in_flight()
    }

    /// Makes `call` (inline), or queues it (deferred); `then` gets its answer.
    pub(crate) fn call_out(&mut self, call: HttpCall, then: Continuation) {
        self.queue_call(Call::Http(call), then);
    }

    /// Makes `call` (inline), or queues it (deferred); the COPY's batch of `name` gets its answer.
    pub(crate) fn copy_out(&mut self, call: CopyCall, name: &str) {
        let then = Continuation::RedshiftCopy(name.to_owned());
        self.queue_call(Call::Copy(Box::new(call)), then);
    }

    fn queue_call(&mut self, call: Call, then: Continuation) {
        if !self.outbound.deferred {
            let answer = run(&call);
            self.resume(then, answer);
            return;
        }
        let id = self.outbound.next_id;
        self.outbound.next_id += 1;
        self.outbound.queued.push((id, call));
        self.outbound.waiting.insert(id, then);
    }

    /// The calls queued since last asked, each to be made and answered through
    /// [`World::complete_call`].
    pub fn take_outbound_calls(&mut self) -> Vec<(u64, Call)> {
        std::mem::take(&mut self.outbound.queued)
    }

    /// Applies the answer of call `id`.
    pub fn complete_call(&mut self, id: u64, answer: Answer) {
        if let Some(then) = self.outbound.waiting.remove(&id) {
            self.resume(then, answer);
        }
    }

    fn resume(&mut self, then: Continuation, answer: Answer) {
        // Every call is answered in its own kind (`run`); a mismatch would be a failed call.
        let result = match (&then, answer) {
            (Continuation::RedshiftCopy(name), answer) => {
                let result = match answer {
                    Answer::Copy(result) => result,
                    Answer::Http(_) => Err(loader::CopyFailure {
                        code: "InternalError".into(),
                        message: "an HTTP answer came back for a COPY".into(),
                    }),
                };
                self.copy_answered(&name.clone(), result);
                return;
            }
            (_, Answer::Http(result)) => result,
            (_, Answer::Copy(_)) => Err("a COPY's answer came back for an HTTP call".into()),
        };
        match then {
            Continuation::RedshiftCopy(_) => {}
            Continuation::Lambda(invocation) => self.lambda_answered(invocation, result),
            Continuation::S3Put(name) => self.s3_put_answered(&name, result),
            Continuation::HttpDelivery(name, delivery) => {
                self.http_answered(&name, delivery, result)
            }
        }
    }
}

/// An answer coming back from a call thread: the world's generation, the call, its answer.
type Returned = (u64, u64, Answer);

/// Makes a live world's deferred calls, each on a thread of its own, and brings their answers
/// back to it.
#[derive(Debug)]
pub struct CallRunner {
    sender: std::sync::mpsc::Sender<Returned>,
    answers: std::sync::mpsc::Receiver<Returned>,
    /// Bumped when another world replaces the one the calls were made for: their answers are
    /// then dropped.
    generation: u64,
}

impl Default for CallRunner {
    fn default() -> Self {
        let (sender, answers) = std::sync::mpsc::channel();
        Self {
            sender,
            answers,
            generation: 0,
        }
    }
}

impl CallRunner {
    /// Calls of the world that was replaced will not be answered to the new one.
    pub fn forget_world(&mut self) {
        self.generation += 1;
    }

    /// Starts every call `world` queued.
    pub fn dispatch(&mut self, world: &mut World) {
        for (id, call) in world.take_outbound_calls() {
            let (sender, generation) = (self.sender.clone(), self.generation);
            let spawned = std::thread::Builder::new()
                .name("kinescope-call".into())
                .spawn(move || {
                    let _ = sender.send((generation, id, run(&call)));
                });
            if let Err(e) = spawned {
                let failed: CallResult = Err(format!("no thread for the call: {e}"));
                world.complete_call(id, failed.into());
            }
        }
    }

    /// Applies the answers that came back.
    pub fn collect(&mut self, world: &mut World) {
        while let Ok((generation, id, result)) = self.answers.try_recv() {
            if generation == self.generation {
                world.complete_call(id, result);
            }
        }
    }

    /// Waits up to `limit` for the calls under way (stopping: their records must not be lost),
    /// applying each answer and starting the calls those answers lead to.
    pub fn finish(&mut self, world: &mut World, limit: Duration) {
        let deadline = std::time::Instant::now() + limit;
        self.dispatch(world);
        while world.outbound.in_flight() > 0 {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.answers.recv_timeout(left) {
                Ok((generation, id, result)) if generation == self.generation => {
                    world.complete_call(id, result);
                    self.dispatch(world);
                }
                Ok(_) => {}
                Err(_) => return,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::sigv4::{Credentials, SignedRequest, verify};
    use crate::firehose::s3_remote::RemoteS3;

    /// A PUT signed here passes the server's own SigV4 check (the one the AWS CLI's requests
    /// pass), with the secret it was signed with and not with another.
    #[test]
    fn s3_puts_are_signed_as_sigv4_wants() {
        let remote = RemoteS3 {
            endpoint: "http://127.0.0.1:9000".into(),
            access_key: "AKIDEXAMPLE".into(),
            secret_key: "wJalrXUtnFEMI".into(),
        };
        let call = remote.put(
            "eu-west-1",
            "clicks",
            "2026/01/a b.gz",
            b"data".to_vec(),
            Some("gzip"),
        );
        let signing = call.signing.clone().unwrap();
        let signed = signature_headers(&call, &signing).unwrap();
        let mut headers = axum::http::HeaderMap::new();
        for (name, value) in call.headers.iter().chain(&signed) {
            headers.insert(
                axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        headers.insert("host", "127.0.0.1:9000".parse().unwrap());
        let request = SignedRequest {
            method: "PUT",
            path: "/clicks/2026/01/a%20b.gz",
            query: None,
            headers: &headers,
            authority: Some("127.0.0.1:9000"),
            body: b"data",
        };
        let good = Credentials {
            access_key: "AKIDEXAMPLE".into(),
            secret: "wJalrXUtnFEMI".into(),
        };
        assert_eq!(verify(&request, &good), Ok(()));
        let wrong = Credentials {
            secret: "other".into(),
            ..good
        };
        assert!(verify(&request, &wrong).is_err());
        assert!(signed.iter().any(|(k, _)| k == "x-amz-content-sha256"));
    }
}
