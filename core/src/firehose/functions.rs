//! The Lambda functions a delivery stream can call (reference B.6), by name: `--lambda NAME=URL`
//! (serve, the app, `kinescope run`) or a scenario's `lambdas` map a function name to where it
//! runs — `http://HOST:PORT/PATH`, the user's own code receiving AWS's event JSON in a POST and
//! answering AWS's response JSON, or `builtin:NAME?PARAMETERS`, one of the functions that ship
//! with Kinescope. Built-ins take the same event and give the same response JSON as any function.

use crate::outbound::{self, CallResult, HttpCall};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::Duration;

/// Longest an HTTP function may take (Lambda's own limit is 5 minutes; a local function that
/// takes this long is treated as timed out).
const HTTP_TIMEOUT: Duration = Duration::from_secs(30);

/// Why an invocation failed (the batch is retried, then its records are processing-failed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvocationError {
    /// Firehose's error code, e.g. `Lambda.FunctionError`.
    pub code: &'static str,
    pub message: String,
}

impl InvocationError {
    fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

/// Where one function runs.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Http(String),
    Builtin {
        name: String,
        parameters: BTreeMap<String, String>,
    },
}

/// The functions this world can call, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Functions {
    by_name: BTreeMap<String, Target>,
}

/// The built-in functions, for messages and the README.
pub const BUILTINS: &[&str] = &[
    "identity",
    "csv-to-json?columns=a,b,c",
    "project?fields=a,b",
    "drop-where?field=F&equals=V",
    "fail-where?field=F&equals=V",
];

impl Functions {
    /// Functions from `NAME -> URL`; the error names the mapping at fault.
    pub fn from_map(map: &BTreeMap<String, String>) -> Result<Functions, String> {
        let mut by_name = BTreeMap::new();
        for (name, url) in map {
            by_name.insert(
                name.clone(),
                parse_target(url).map_err(|e| format!("lambda {name}={url}: {e}"))?,
            );
        }
        Ok(Functions { by_name })
    }

    /// Whether `function` is known.
    pub fn knows(&self, function: &str) -> bool {
        self.by_name.contains_key(function)
    }

    /// Calls `function` with `event` and waits for its response JSON, or why the call failed.
    pub fn invoke(&self, function: &str, event: &Value) -> Result<Value, InvocationError> {
        match self.prepare(function, event) {
            Prepared::Answered(response) => response,
            Prepared::Http(call) => self.read_answer(function, outbound::make(&call)),
        }
    }

    /// How calling `function` with `event` goes: answered at once (a built-in, or no such
    /// function), or an HTTP call to make.
    pub fn prepare(&self, function: &str, event: &Value) -> Prepared {
        match self.by_name.get(function) {
            None => Prepared::Answered(Err(InvocationError::new(
                "Lambda.FunctionNotFound",
                format!(
                    "No function {function} is mapped: give --lambda {function}=http://… or builtin:… (or a scenario's lambdas)"
                ),
            ))),
            Some(Target::Http(url)) => Prepared::Http(HttpCall {
                method: "POST",
                signing: None,
                url: url.clone(),
                headers: vec![("Content-Type".into(), "application/json".into())],
                body: event.to_string().into_bytes(),
                timeout: HTTP_TIMEOUT,
            }),
            Some(Target::Builtin { name, parameters }) => {
                Prepared::Answered(run_builtin(name, parameters, event))
            }
        }
    }

    /// The response JSON in what `function`'s URL answered, or why it is not one.
    pub fn read_answer(
        &self,
        function: &str,
        answer: CallResult,
    ) -> Result<Value, InvocationError> {
        let answer = answer.map_err(|e| InvocationError::new("Lambda.InvokeFailed", e))?;
        if answer.status != 200 {
            let url = match self.by_name.get(function) {
                Some(Target::Http(url)) => url.as_str(),
                _ => function,
            };
            return Err(InvocationError::new(
                "Lambda.FunctionError",
                format!(
                    "{url} answered HTTP {}: {}",
                    answer.status,
                    String::from_utf8_lossy(&answer.body)
                        .chars()
                        .take(200)
                        .collect::<String>()
                ),
            ));
        }
        serde_json::from_slice(&answer.body).map_err(|e| {
            InvocationError::new(
                "Lambda.JsonProcessingException",
                format!("The response is not JSON: {e}"),
            )
        })
    }
}

/// How a call to a function goes.
#[derive(Debug)]
pub enum Prepared {
    /// Answered already: a built-in's response, or why there is none.
    Answered(Result<Value, InvocationError>),
    /// To be made over HTTP.
    Http(HttpCall),
}

fn parse_target(url: &str) -> Result<Target, String> {
    if url.starts_with("http://") {
        return Ok(Target::Http(url.to_owned()));
    }
    if url.starts_with("https://") {
        return Err("functions are called over plain http:// (a local server needs no TLS)".into());
    }
    let Some(builtin) = url.strip_prefix("builtin:") else {
        return Err("give http://HOST:PORT/PATH or builtin:NAME".into());
    };
    let (name, query) = builtin.split_once('?').unwrap_or((builtin, ""));
    let parameters: BTreeMap<String, String> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_owned(), v.to_owned())
        })
        .collect();
    let needs = |keys: &[&str]| -> Result<(), String> {
        match keys.iter().find(|k| !parameters.contains_key(**k)) {
            Some(missing) => Err(format!("builtin:{name} needs ?{missing}=…")),
            None => Ok(()),
        }
    };
    match name {
        "identity" => {}
        "csv-to-json" => needs(&["columns"])?,
        "project" => needs(&["fields"])?,
        "drop-where" | "fail-where" => needs(&["field", "equals"])?,
        other => {
            return Err(format!(
                "no built-in function {other:?}; there are {}",
                BUILTINS.join(", ")
            ));
        }
    }
    Ok(Target::Builtin {
        name: name.to_owned(),
        parameters,
    })
}

/// One record's outcome from a built-in: its result and (for Ok) its new data.
fn run_builtin(
    name: &str,
    parameters: &BTreeMap<String, String>,
    event: &Value,
) -> Result<Value, InvocationError> {
    let records = event
        .get("records")
        .and_then(|r| r.as_array())
        .ok_or_else(|| InvocationError::new("Lambda.FunctionError", "The event has no records"))?;
    let list = |key: &str| -> Vec<String> {
        parameters
            .get(key)
            .map(|v| v.split(',').map(str::to_owned).collect())
            .unwrap_or_default()
    };
    let out: Vec<Value> = records
        .iter()
        .map(|record| {
            let id = record.get("recordId").cloned().unwrap_or(Value::Null);
            let data = record
                .get("data")
                .and_then(|d| d.as_str())
                .and_then(|d| STANDARD.decode(d).ok())
                .unwrap_or_default();
            let (result, data) = match name {
                "csv-to-json" => csv_to_json(&data, &list("columns")),
                "project" => project(&data, &list("fields")),
                "drop-where" | "fail-where" => {
                    let field = parameters
                        .get("field")
                        .map(String::as_str)
                        .unwrap_or_default();
                    let equals = parameters
                        .get("equals")
                        .map(String::as_str)
                        .unwrap_or_default();
                    let matched = field_equals(&data, field, equals);
                    match (matched, name) {
                        (None, _) => ("ProcessingFailed", data),
                        (Some(true), "drop-where") => ("Dropped", data),
                        (Some(true), _) => ("ProcessingFailed", data),
                        (Some(false), _) => ("Ok", data),
                    }
                }
                _ => ("Ok", data),
            };
            json!({"recordId": id, "result": result, "data": STANDARD.encode(data)})
        })
        .collect();
    Ok(json!({ "records": out }))
}

fn csv_to_json(data: &[u8], columns: &[String]) -> (&'static str, Vec<u8>) {
    let text = String::from_utf8_lossy(data);
    let fields: Vec<&str> = text.trim_end_matches(['\r', '\n']).split(',').collect();
    if fields.len() != columns.len() {
        return ("ProcessingFailed", data.to_vec());
    }
    let object: serde_json::Map<String, Value> = columns
        .iter()
        .zip(fields)
        .map(|(column, field)| {
            let value = field
                .trim()
                .parse::<f64>()
                .ok()
                .and_then(|n| serde_json::Number::from_f64(n).map(Value::Number))
                .unwrap_or_else(|| Value::String(field.trim().to_owned()));
            (column.clone(), value)
        })
        .collect();
    ("Ok", Value::Object(object).to_string().into_bytes())
}

fn project(data: &[u8], fields: &[String]) -> (&'static str, Vec<u8>) {
    match serde_json::from_slice::<serde_json::Map<String, Value>>(data) {
        Ok(object) => {
            let kept: serde_json::Map<String, Value> = object
                .into_iter()
                .filter(|(k, _)| fields.contains(k))
                .collect();
            ("Ok", Value::Object(kept).to_string().into_bytes())
        }
        Err(_) => ("ProcessingFailed", data.to_vec()),
    }
}

/// Whether the JSON record's `field` equals `text` (as a string or a number); `None` when the
/// record is not a JSON object.
fn field_equals(data: &[u8], field: &str, text: &str) -> Option<bool> {
    let object: serde_json::Map<String, Value> = serde_json::from_slice(data).ok()?;
    Some(match object.get(field) {
        Some(Value::String(s)) => s == text,
        Some(other) => serde_json::from_str::<Value>(text).is_ok_and(|v| &v == other),
        None => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(datas: &[&str]) -> Value {
        let records: Vec<Value> = datas
            .iter()
            .enumerate()
            .map(|(i, d)| json!({"recordId": i.to_string(), "approximateArrivalTimestamp": 0, "data": STANDARD.encode(d)}))
            .collect();
        json!({"invocationId": "x", "records": records})
    }

    fn outcomes(response: &Value) -> Vec<(String, String)> {
        response["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let data = STANDARD.decode(r["data"].as_str().unwrap()).unwrap();
                (
                    r["result"].as_str().unwrap().to_owned(),
                    String::from_utf8(data).unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn built_ins_answer_aws_s_response_json() {
        let map = BTreeMap::from([
            (
                "csv".to_owned(),
                "builtin:csv-to-json?columns=host,value".to_owned(),
            ),
            (
                "errors-out".to_owned(),
                "builtin:drop-where?field=level&equals=debug".to_owned(),
            ),
            (
                "strict".to_owned(),
                "builtin:fail-where?field=level&equals=bad".to_owned(),
            ),
            ("slim".to_owned(), "builtin:project?fields=a".to_owned()),
        ]);
        let functions = Functions::from_map(&map).unwrap();
        let csv = functions
            .invoke("csv", &event(&["web-1,42\n", "oops"]))
            .unwrap();
        assert_eq!(
            outcomes(&csv),
            [
                ("Ok".into(), r#"{"host":"web-1","value":42.0}"#.into()),
                ("ProcessingFailed".into(), "oops".into())
            ]
        );
        let dropped = functions
            .invoke(
                "errors-out",
                &event(&[r#"{"level":"debug"}"#, r#"{"level":"info"}"#, "text"]),
            )
            .unwrap();
        let results: Vec<String> = outcomes(&dropped).into_iter().map(|(r, _)| r).collect();
        assert_eq!(results, ["Dropped", "Ok", "ProcessingFailed"]);
        let strict = functions
            .invoke("strict", &event(&[r#"{"level":"bad"}"#]))
            .unwrap();
        assert_eq!(outcomes(&strict)[0].0, "ProcessingFailed");
        let slim = functions
            .invoke("slim", &event(&[r#"{"a":1,"b":2}"#]))
            .unwrap();
        assert_eq!(outcomes(&slim)[0].1, r#"{"a":1}"#);
        assert_eq!(
            functions.invoke("nope", &event(&[])).unwrap_err().code,
            "Lambda.FunctionNotFound"
        );
    }

    #[test]
    fn a_function_that_is_down_or_answers_badly_fails_the_invocation() {
        // Nothing listens on port 1; a server that answers HTTP 500 or a body that is not JSON.
        let answering = |status: &'static str, body: &'static str| {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let port = listener.local_addr().unwrap().port();
            std::thread::spawn(move || {
                use std::io::{Read, Write};
                if let Ok((mut stream, _)) = listener.accept() {
                    let mut request = [0u8; 65_536];
                    let _ = stream.read(&mut request);
                    let answer = format!(
                        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = stream.write_all(answer.as_bytes());
                }
            });
            format!("http://127.0.0.1:{port}/")
        };
        let map = BTreeMap::from([
            ("down".to_owned(), "http://127.0.0.1:1/".to_owned()),
            (
                "crashing".to_owned(),
                answering("500 Internal Server Error", "boom"),
            ),
            ("garbage".to_owned(), answering("200 OK", "not json")),
        ]);
        let functions = Functions::from_map(&map).unwrap();
        let event = event(&["x"]);
        assert_eq!(
            functions.invoke("down", &event).unwrap_err().code,
            "Lambda.InvokeFailed"
        );
        assert_eq!(
            functions.invoke("crashing", &event).unwrap_err().code,
            "Lambda.FunctionError"
        );
        assert_eq!(
            functions.invoke("garbage", &event).unwrap_err().code,
            "Lambda.JsonProcessingException"
        );
    }

    #[test]
    fn bad_mappings_are_refused_with_a_reason() {
        for url in ["ftp://x", "builtin:nope", "builtin:project", "https://x/y"] {
            let map = BTreeMap::from([("f".to_owned(), url.to_owned())]);
            assert!(Functions::from_map(&map).is_err(), "{url}");
        }
    }
}
