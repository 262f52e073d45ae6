//! The HLS and DASH requests a player makes (reference C.5): `GET /hls/v1/…` and
//! `GET /dash/v1/…` with the session token in the query, unsigned as on AWS — the token is the
//! credential. Answers allow any origin, so a browser player can fetch them.

use super::{RestAnswer, respond, success};
use crate::api::auth::query_parameter;
use crate::api::server::ApiState;
use crate::video::error::VideoError;
use crate::video::streaming::requests::{PlaybackRequest, PlaybackResource};
use axum::body::Body;
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, header};
use axum::response::Response;

/// The playback request a GET is, by its operation name, if it is one.
pub fn operation_of(parts: &Parts) -> Option<&'static str> {
    if parts.method != Method::GET {
        return None;
    }
    match parts.uri.path() {
        "/hls/v1/getHLSMasterPlaylist.m3u8" => Some("GetHLSMasterPlaylist"),
        "/hls/v1/getHLSMediaPlaylist.m3u8" => Some("GetHLSMediaPlaylist"),
        "/hls/v1/getMP4InitFragment.mp4" | "/dash/v1/getMP4InitFragment.mp4" => {
            Some("GetMP4InitFragment")
        }
        "/hls/v1/getMP4MediaFragment.mp4" | "/dash/v1/getMP4MediaFragment.mp4" => {
            Some("GetMP4MediaFragment")
        }
        "/hls/v1/getTSFragment.ts" => Some("GetTSFragment"),
        "/dash/v1/getDASHManifest.mpd" => Some("GetDASHManifest"),
        _ => None,
    }
}

fn number<T: std::str::FromStr>(query: Option<&str>, name: &str) -> Result<Option<T>, VideoError> {
    match query_parameter(query, name) {
        None => Ok(None),
        Some(text) => text.parse().map(Some).map_err(|_| {
            VideoError::InvalidArgumentException(format!("{name} must be a number: {text:?}."))
        }),
    }
}

fn required(query: Option<&str>, name: &str) -> Result<String, VideoError> {
    query_parameter(query, name)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| VideoError::InvalidArgumentException(format!("{name} is required.")))
}

/// Reads what `operation` asks for from the query.
fn request(parts: &Parts, operation: &str) -> Result<PlaybackRequest, VideoError> {
    let query = parts.uri.query();
    let track = number::<u64>(query, "TrackNumber")?;
    let dash = parts.uri.path().starts_with("/dash/");
    let resource = match operation {
        "GetHLSMasterPlaylist" => PlaybackResource::MasterPlaylist,
        "GetHLSMediaPlaylist" => PlaybackResource::MediaPlaylist { track },
        "GetDASHManifest" => PlaybackResource::DashManifest,
        "GetMP4InitFragment" => PlaybackResource::InitFragment {
            track,
            init: number(query, "SequenceNumber")?.unwrap_or(0),
        },
        "GetMP4MediaFragment" if dash => PlaybackResource::DashSegment {
            track,
            sequence: number(query, "SegmentNumber")?.ok_or_else(|| {
                VideoError::InvalidArgumentException("SegmentNumber is required.".into())
            })?,
        },
        "GetMP4MediaFragment" => PlaybackResource::MediaFragment {
            track,
            number: required(query, "FragmentNumber")?,
        },
        _ => PlaybackResource::TsFragment {
            number: required(query, "FragmentNumber")?,
        },
    };
    Ok(PlaybackRequest {
        token: query_parameter(query, "SessionToken").map(str::to_owned),
        resource,
    })
}

/// Answers a playback request; the stream it played from, for the traffic log.
pub fn serve(
    state: &ApiState,
    parts: &Parts,
    operation: &str,
    request_id: &str,
) -> (Response, Option<String>) {
    let content = request(parts, operation).and_then(|r| state.world.apply(r));
    let (mut response, stream) = match content {
        Ok(content) => {
            let body = Body::from(content.body);
            let response = success(body, content.content_type, request_id);
            (response, Some(content.stream))
        }
        Err(e) => (respond(&RestAnswer::from(e), request_id), None),
    };
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    (response, stream)
}
