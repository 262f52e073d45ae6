//! The API traffic log: one entry per call a real client made, for the inspector's traffic panel
//! and `kinescope serve --log-requests`.

use crate::streams::shapes::Empty;
use crate::world::{Operation, World};
use serde::Serialize;
use std::collections::VecDeque;

/// Entries kept; older ones are dropped.
const ENTRIES_KEPT: usize = 5_000;

/// One API call.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrafficEntry {
    /// Virtual time the call was answered, epoch ms.
    pub at_ms: i64,
    /// The client's address.
    pub client: String,
    /// What the client is (boto3, aws-cli, aws-sdk-rust, KPL, ...), from its User-Agent.
    pub client_kind: &'static str,
    /// HTTP version the call came over (`HTTP/1.1`, `HTTP/2.0`).
    pub http_version: String,
    /// Operation name (or what the client sent, if it was not one).
    pub operation: String,
    /// Stream concerned, if the request named one.
    pub stream: Option<String>,
    /// HTTP status answered.
    pub status: u16,
    /// AWS error code, if the call failed.
    pub error: Option<String>,
    /// Wall-clock time spent answering, microseconds.
    pub latency_us: u64,
    /// Request body bytes.
    pub request_bytes: usize,
    /// Response body bytes.
    pub response_bytes: usize,
}

/// What a client is, from its User-Agent (or x-amz-user-agent) header: the most specific name
/// first, so the KPL and the KCL are told apart from the SDKs they are built on.
pub fn client_kind(user_agent: Option<&str>) -> &'static str {
    let Some(agent) = user_agent else {
        return "unknown";
    };
    let agent = agent.to_ascii_lowercase();
    const KINDS: [(&str, &str); 14] = [
        ("kinesisproducerlibrary", "KPL"),
        ("amazon-kinesis-producer", "KPL"),
        ("amazon-kinesis-client", "KCL"),
        ("kinesisclientlibrary", "KCL"),
        ("aws-cli/", "aws-cli"),
        ("boto3/", "boto3"),
        ("botocore/", "botocore"),
        ("aws-sdk-rust", "aws-sdk-rust"),
        ("aws-sdk-java", "aws-sdk-java"),
        ("aws-sdk-js", "aws-sdk-js"),
        ("aws-sdk-go", "aws-sdk-go"),
        ("aws-sdk-cpp", "aws-sdk-cpp"),
        ("aws-sdk-dotnet", "aws-sdk-dotnet"),
        ("curl/", "curl"),
    ];
    KINDS
        .iter()
        .find(|(marker, _)| agent.contains(marker))
        .map_or("other", |(_, kind)| kind)
}

/// The bounded traffic log.
#[derive(Debug, Clone, Default)]
pub struct TrafficLog {
    entries: VecDeque<TrafficEntry>,
    total: u64,
}

impl TrafficLog {
    /// Entries kept, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &TrafficEntry> {
        self.entries.iter()
    }

    /// Number of calls ever logged.
    pub fn total(&self) -> u64 {
        self.total
    }
}

/// Engine command: logs one API call (the virtual time is filled in by the engine).
#[derive(Debug, Clone, PartialEq)]
pub struct RecordTrafficInput(pub TrafficEntry);

impl Operation for RecordTrafficInput {
    type Output = Empty;
    type Error = std::convert::Infallible;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<Empty, Self::Error> {
        let mut entry = self.0;
        entry.at_ms = world.now_ms();
        let log = &mut world.traffic;
        if log.entries.len() == ENTRIES_KEPT {
            log.entries.pop_front();
        }
        log.entries.push_back(entry);
        log.total += 1;
        Ok(Empty {})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_are_named_by_their_user_agent() {
        let cases = [
            (
                "Boto3/1.44.8 md/Botocore#1.44.8 ua/2.1 os/linux lang/python#3.11.7 Botocore/1.44.8",
                "boto3",
            ),
            (
                "aws-cli/1.46.3 md/Botocore#1.44.8 ua/2.1 os/linux Botocore/1.44.8",
                "aws-cli",
            ),
            (
                "aws-sdk-rust/1.3.9 os/linux lang/rust/1.95.0",
                "aws-sdk-rust",
            ),
            (
                "aws-sdk-java/2.25.0 Linux/6.1 OpenJDK_64-Bit_Server_VM/17 amazon-kinesis-client-library-java-2.6.0",
                "KCL",
            ),
            (
                "KinesisProducerLibrary/0.15.12 | Linux | aws-sdk-cpp/1.11",
                "KPL",
            ),
            ("curl/7.88.1", "curl"),
            ("python-requests/2.31", "other"),
        ];
        for (agent, kind) in cases {
            assert_eq!(client_kind(Some(agent)), kind, "{agent}");
        }
        assert_eq!(client_kind(None), "unknown");
    }
}
