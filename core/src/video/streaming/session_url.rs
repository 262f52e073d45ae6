//! GetHLSStreamingSessionURL and GetDASHStreamingSessionURL (reference C.5): the model's
//! constraints, AWS's rules for the modes (no TimestampRange for LIVE; one required for
//! LIVE_REPLAY and ON_DEMAND, with an EndTimestamp for ON_DEMAND, within 24 hours, in the past
//! by server time), retention above 0, something to play and a codec HLS can carry. The URL is
//! this server's own; ten live sessions per stream, the oldest revoked.

use super::VideoTrack;
use super::session::{Container, Discontinuity, PlaybackMode, PlaybackSession, Protocol};
use crate::validate::Validator;
use crate::video::error::VideoError;
use crate::video::ops::fragments::FragmentSelector;
use crate::video::ops::retention::DEFAULT_ENDPOINT;
use crate::world::{Operation, World};
use rand::Rng;
use serde::{Deserialize, Serialize};

const SESSIONS_PER_STREAM: usize = 10;
const MAX_RANGE_MS: i64 = 24 * 3_600_000;

/// GetHLSStreamingSessionURL.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct GetHLSStreamingSessionURLInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub playback_mode: Option<String>,
    #[serde(rename = "HLSFragmentSelector")]
    pub hls_fragment_selector: Option<FragmentSelector>,
    pub container_format: Option<String>,
    pub discontinuity_mode: Option<String>,
    pub display_fragment_timestamp: Option<String>,
    pub expires: Option<i64>,
    pub max_media_playlist_fragment_results: Option<i64>,
    /// This server's own URL, as the caller reached it (set by the wire layer).
    #[serde(skip)]
    pub endpoint: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GetHLSStreamingSessionURLOutput {
    #[serde(rename = "HLSStreamingSessionURL")]
    pub url: String,
}

/// GetDASHStreamingSessionURL.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct GetDASHStreamingSessionURLInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub playback_mode: Option<String>,
    pub display_fragment_timestamp: Option<String>,
    pub display_fragment_number: Option<String>,
    #[serde(rename = "DASHFragmentSelector")]
    pub dash_fragment_selector: Option<FragmentSelector>,
    pub expires: Option<i64>,
    pub max_manifest_fragment_results: Option<i64>,
    /// This server's own URL, as the caller reached it (set by the wire layer).
    #[serde(skip)]
    pub endpoint: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GetDASHStreamingSessionURLOutput {
    #[serde(rename = "DASHStreamingSessionURL")]
    pub url: String,
}

/// What both operations ask for, once their own members are read.
struct SessionRequest<'a> {
    protocol: Protocol,
    stream_name: &'a Option<String>,
    stream_arn: &'a Option<String>,
    playback_mode: &'a Option<String>,
    selector: &'a Option<FragmentSelector>,
    selector_member: &'static str,
    container: Container,
    discontinuity: Option<Discontinuity>,
    display_timestamp: bool,
    display_number: bool,
    expires: Option<i64>,
    max_results: Option<i64>,
}

fn optional_enum(v: &mut Validator, member: &str, value: &Option<String>, allowed: &[&str]) {
    if let Some(value) = value
        && !allowed.contains(&value.as_str())
    {
        v.enumeration(member, value, &format!("[{}]", allowed.join(", ")));
    }
}

fn invalid(message: &str) -> VideoError {
    VideoError::InvalidArgumentException(message.into())
}

impl SessionRequest<'_> {
    fn validate(&self, v: &mut Validator, max_member: &str) {
        crate::video::ops::validation_for_media(v, self.stream_name, self.stream_arn);
        optional_enum(
            v,
            "playbackMode",
            self.playback_mode,
            &["LIVE", "LIVE_REPLAY", "ON_DEMAND"],
        );
        if let Some(selector) = self.selector {
            optional_enum(
                v,
                &format!("{}.fragmentSelectorType", self.selector_member),
                &selector.fragment_selector_type,
                &["PRODUCER_TIMESTAMP", "SERVER_TIMESTAMP"],
            );
        }
        v.range("expires", self.expires, 300, 43_200);
        v.range(max_member, self.max_results, 1, 5_000);
    }

    /// Checks the modes' rules and opens the session; its token.
    fn open(self, world: &mut World) -> Result<String, VideoError> {
        let mode = match self.playback_mode.as_deref() {
            Some("LIVE_REPLAY") => PlaybackMode::LiveReplay,
            Some("ON_DEMAND") => PlaybackMode::OnDemand,
            _ => PlaybackMode::Live,
        };
        let selector = self.selector.clone().unwrap_or_default();
        let by_server = selector.fragment_selector_type.as_deref() != Some("PRODUCER_TIMESTAMP");
        let range = selector.timestamp_range.clone();
        let start = range.as_ref().and_then(|r| r.start_timestamp).map(|t| t.0);
        let end = range.as_ref().and_then(|r| r.end_timestamp).map(|t| t.0);
        let now = world.now_ms();
        match mode {
            PlaybackMode::Live if range.is_some() => {
                return Err(invalid(
                    "TimestampRange must not be set when PlaybackMode is LIVE.",
                ));
            }
            PlaybackMode::LiveReplay | PlaybackMode::OnDemand if start.is_none() => {
                return Err(invalid(
                    "A TimestampRange with a StartTimestamp is required when PlaybackMode is LIVE_REPLAY or ON_DEMAND.",
                ));
            }
            PlaybackMode::OnDemand if end.is_none() => {
                return Err(invalid(
                    "EndTimestamp is required when PlaybackMode is ON_DEMAND.",
                ));
            }
            _ => {}
        }
        if let (Some(start), Some(end)) = (start, end) {
            if end <= start {
                return Err(invalid("EndTimestamp must be later than StartTimestamp."));
            }
            if end - start > MAX_RANGE_MS {
                return Err(invalid(
                    "EndTimestamp must be within 24 hours of StartTimestamp.",
                ));
            }
            if by_server && end > now {
                return Err(invalid(
                    "With SERVER_TIMESTAMP, EndTimestamp must be in the past.",
                ));
            }
        }
        let token = new_token(world);
        let stream = world.video_stream_mut(self.stream_name, self.stream_arn)?;
        if stream.retention_hours == 0 {
            return Err(VideoError::NoDataRetentionException(
                "The stream does not retain data: playback sessions need DataRetentionInHours above 0."
                    .into(),
            ));
        }
        let default_max = match mode {
            PlaybackMode::OnDemand => 1_000,
            _ => 5,
        };
        let discontinuity = self.discontinuity.unwrap_or(match by_server {
            true => Discontinuity::Always,
            false => Discontinuity::Never,
        });
        let mut session = PlaybackSession {
            token: token.clone(),
            protocol: self.protocol,
            stream: stream.name.clone(),
            mode,
            by_server,
            start_ms: start,
            end_ms: end,
            container: self.container,
            discontinuity,
            display_timestamp: self.display_timestamp,
            display_number: self.display_number,
            max_results: self.max_results.unwrap_or(default_max) as usize,
            created_ms: now,
            expires_ms: now + self.expires.unwrap_or(300) * 1_000,
            listed: Vec::new(),
            headers: Vec::new(),
        };
        let candidates = session.candidates(&stream.archive);
        let recent = candidates
            .last()
            .is_some_and(|f| f.server_ms >= now - super::session::LIVE_WINDOW_MS);
        let first = match (mode, candidates.first()) {
            (PlaybackMode::Live, Some(_)) if !recent => None,
            (_, first) => first,
        };
        let Some(first) = first else {
            return Err(VideoError::ResourceNotFoundException(
                match mode {
                    PlaybackMode::Live => {
                        "No fragments found in the stream in the last 30 seconds."
                    }
                    _ => "No fragments found in the stream for the requested time range.",
                }
                .into(),
            ));
        };
        VideoTrack::of(&first.header)?;
        session.refresh(&stream.archive, now);
        let name = session.stream.clone();
        let sessions = &mut world.video.playback;
        sessions.retain(|_, s| s.expires_ms > now);
        let mut of_stream: Vec<(i64, String)> = sessions
            .values()
            .filter(|s| s.stream == name)
            .map(|s| (s.created_ms, s.token.clone()))
            .collect();
        of_stream.sort();
        let surplus = (of_stream.len() + 1).saturating_sub(SESSIONS_PER_STREAM);
        for (_, oldest) in of_stream.into_iter().take(surplus) {
            sessions.remove(&oldest);
        }
        sessions.insert(token.clone(), session);
        Ok(token)
    }
}

/// An opaque session token: 64 random URL-safe characters.
fn new_token(world: &mut World) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    (0..64)
        .map(|_| ALPHABET[world.rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

fn url(endpoint: Option<String>, path: &str, token: &str) -> String {
    let endpoint = endpoint.unwrap_or_else(|| DEFAULT_ENDPOINT.into());
    format!("{endpoint}{path}?SessionToken={token}")
}

impl Operation for GetHLSStreamingSessionURLInput {
    type Output = GetHLSStreamingSessionURLOutput;
    type Error = VideoError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<Self::Output, VideoError> {
        let mut v = Validator::new();
        optional_enum(
            &mut v,
            "containerFormat",
            &self.container_format,
            &["FRAGMENTED_MP4", "MPEG_TS"],
        );
        optional_enum(
            &mut v,
            "discontinuityMode",
            &self.discontinuity_mode,
            &["ALWAYS", "NEVER", "ON_DISCONTINUITY"],
        );
        optional_enum(
            &mut v,
            "displayFragmentTimestamp",
            &self.display_fragment_timestamp,
            &["ALWAYS", "NEVER"],
        );
        let request = SessionRequest {
            protocol: Protocol::Hls,
            stream_name: &self.stream_name,
            stream_arn: &self.stream_arn,
            playback_mode: &self.playback_mode,
            selector: &self.hls_fragment_selector,
            selector_member: "hLSFragmentSelector",
            container: match self.container_format.as_deref() {
                Some("MPEG_TS") => Container::MpegTs,
                _ => Container::FragmentedMp4,
            },
            discontinuity: match self.discontinuity_mode.as_deref() {
                Some("ALWAYS") => Some(Discontinuity::Always),
                Some("NEVER") => Some(Discontinuity::Never),
                Some("ON_DISCONTINUITY") => Some(Discontinuity::OnDiscontinuity),
                _ => None,
            },
            display_timestamp: self.display_fragment_timestamp.as_deref() == Some("ALWAYS"),
            display_number: false,
            expires: self.expires,
            max_results: self.max_media_playlist_fragment_results,
        };
        request.validate(&mut v, "maxMediaPlaylistFragmentResults");
        v.finish_as(VideoError::InvalidArgumentException)?;
        let token = request.open(world)?;
        Ok(GetHLSStreamingSessionURLOutput {
            url: url(self.endpoint, "/hls/v1/getHLSMasterPlaylist.m3u8", &token),
        })
    }
}

impl Operation for GetDASHStreamingSessionURLInput {
    type Output = GetDASHStreamingSessionURLOutput;
    type Error = VideoError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<Self::Output, VideoError> {
        let mut v = Validator::new();
        for (member, value) in [
            ("displayFragmentTimestamp", &self.display_fragment_timestamp),
            ("displayFragmentNumber", &self.display_fragment_number),
        ] {
            optional_enum(&mut v, member, value, &["ALWAYS", "NEVER"]);
        }
        let request = SessionRequest {
            protocol: Protocol::Dash,
            stream_name: &self.stream_name,
            stream_arn: &self.stream_arn,
            playback_mode: &self.playback_mode,
            selector: &self.dash_fragment_selector,
            selector_member: "dASHFragmentSelector",
            container: Container::FragmentedMp4,
            discontinuity: Some(Discontinuity::Never),
            display_timestamp: self.display_fragment_timestamp.as_deref() == Some("ALWAYS"),
            display_number: self.display_fragment_number.as_deref() == Some("ALWAYS"),
            expires: self.expires,
            max_results: self.max_manifest_fragment_results,
        };
        request.validate(&mut v, "maxManifestFragmentResults");
        v.finish_as(VideoError::InvalidArgumentException)?;
        let token = request.open(world)?;
        Ok(GetDASHStreamingSessionURLOutput {
            url: url(self.endpoint, "/dash/v1/getDASHManifest.mpd", &token),
        })
    }
}
