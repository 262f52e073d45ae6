//! ListFragments (reference C.5): the fragments of a stream's archive whose producer or server
//! timestamp falls in a range (both ends inclusive), in arrival order, a page at a time.

use super::validation::{self, finish};
use crate::time::Timestamp;
use crate::validate::Validator;
use crate::video::error::VideoError;
use crate::world::{Operation, World};
use serde::{Deserialize, Serialize};

/// TimestampRange.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TimestampRange {
    pub start_timestamp: Option<Timestamp>,
    pub end_timestamp: Option<Timestamp>,
}

/// FragmentSelector.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct FragmentSelector {
    pub fragment_selector_type: Option<String>,
    pub timestamp_range: Option<TimestampRange>,
}

/// ListFragments.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ListFragmentsInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
    pub fragment_selector: Option<FragmentSelector>,
}

/// One fragment as listed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FragmentInfo {
    pub fragment_number: String,
    pub fragment_size_in_bytes: u64,
    pub producer_timestamp: Timestamp,
    pub server_timestamp: Timestamp,
    pub fragment_length_in_milliseconds: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListFragmentsOutput {
    pub fragments: Vec<FragmentInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

impl Operation for ListFragmentsInput {
    type Output = ListFragmentsOutput;
    type Error = VideoError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<ListFragmentsOutput, VideoError> {
        let mut v = Validator::new();
        validation::stream(&mut v, &self.stream_name, &self.stream_arn);
        v.range("maxResults", self.max_results, 1, 1_000);
        v.string("nextToken", &self.next_token, 1, 4096, None);
        if let Some(selector) = &self.fragment_selector {
            v.one_of(
                "fragmentSelector.fragmentSelectorType",
                &selector.fragment_selector_type,
                &["PRODUCER_TIMESTAMP", "SERVER_TIMESTAMP"],
            );
            if let Some(range) =
                v.required("fragmentSelector.timestampRange", &selector.timestamp_range)
            {
                v.required(
                    "fragmentSelector.timestampRange.startTimestamp",
                    &range.start_timestamp,
                );
                v.required(
                    "fragmentSelector.timestampRange.endTimestamp",
                    &range.end_timestamp,
                );
            }
        }
        finish(v)?;
        let after = validation::token_text(&self.next_token)?;
        let (by_server, start, end) = match &self.fragment_selector {
            Some(selector) => {
                let range = selector.timestamp_range.clone().unwrap_or_default();
                let start = range.start_timestamp.map_or(i64::MIN, |t| t.0);
                let end = range.end_timestamp.map_or(i64::MAX, |t| t.0);
                if start > end {
                    return Err(VideoError::InvalidArgumentException(
                        "StartTimestamp must be before EndTimestamp.".into(),
                    ));
                }
                let server = selector.fragment_selector_type.as_deref() == Some("SERVER_TIMESTAMP");
                (server, start, end)
            }
            None => (true, i64::MIN, i64::MAX),
        };
        let limit = self.max_results.unwrap_or(1_000) as usize;
        let stream = world.video_stream_mut(&self.stream_name, &self.stream_arn)?;
        let mut matching = stream
            .archive
            .fragments
            .iter()
            .filter(|f| f.persisted)
            .filter(|f| {
                after
                    .as_ref()
                    .is_none_or(|a| f.number.as_str() > a.as_str())
            })
            .filter(|f| {
                let at = if by_server {
                    f.server_ms
                } else {
                    f.producer_ms
                };
                (start..=end).contains(&at)
            });
        let fragments: Vec<FragmentInfo> = matching
            .by_ref()
            .take(limit)
            .map(|f| FragmentInfo {
                fragment_number: f.number.clone(),
                fragment_size_in_bytes: f.size,
                producer_timestamp: Timestamp(f.producer_ms),
                server_timestamp: Timestamp(f.server_ms),
                fragment_length_in_milliseconds: f.duration_ms,
            })
            .collect();
        let next_token = match (matching.next(), fragments.last()) {
            (Some(_), Some(last)) => Some(validation::next_token(&last.fragment_number)),
            _ => None,
        };
        Ok(ListFragmentsOutput {
            fragments,
            next_token,
        })
    }
}
