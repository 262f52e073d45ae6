//! GetImages (reference C.5): pictures of the archive every SamplingInterval over at most 300
//! seconds, decoded from the fragment holding each time, sized by AWS's rules (both sides:
//! stretched; height alone: the width follows the aspect ratio; width alone: refused) and
//! encoded as JPEG (JPEGQuality, default 80) or PNG, 25 a page.

use super::validation::{self, finish};
use crate::time::Timestamp;
use crate::validate::Validator;
use crate::video::codec::decoder::RgbaFrame;
use crate::video::error::VideoError;
use crate::video::fragment::Fragment;
use crate::video::playback::frames_between;
use crate::world::{Operation, World};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The longest range one call covers.
const MAX_RANGE_MS: i64 = 300_000;
/// Images a page holds at most, whatever MaxResults says.
const PAGE: usize = 25;
/// The interval when none is given (AWS documents no default: one picture a second).
const DEFAULT_INTERVAL_MS: i64 = 1_000;
const DEFAULT_JPEG_QUALITY: u8 = 80;

/// GetImages.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct GetImagesInput {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub image_selector_type: Option<String>,
    pub start_timestamp: Option<Timestamp>,
    pub end_timestamp: Option<Timestamp>,
    pub sampling_interval: Option<i64>,
    pub format: Option<String>,
    pub format_config: Option<BTreeMap<String, String>>,
    pub width_pixels: Option<i64>,
    pub height_pixels: Option<i64>,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

/// One image, or why there is none at its time.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Image {
    pub time_stamp: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_content: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetImagesOutput {
    pub images: Vec<Image>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

fn invalid(message: impl Into<String>) -> VideoError {
    VideoError::InvalidArgumentException(message.into())
}

/// The size an image of `width`×`height` is given.
fn target_size(width: u32, height: u32, w: Option<i64>, h: Option<i64>) -> (u32, u32) {
    match (w, h) {
        (Some(w), Some(h)) => (w as u32, h as u32),
        (None, Some(h)) => {
            let w = (h as f64 * f64::from(width) / f64::from(height.max(1))).round();
            ((w as u32).max(1), h as u32)
        }
        _ => (width, height),
    }
}

/// `frame` sized and encoded.
fn encode(frame: &RgbaFrame, size: (u32, u32), png: bool, quality: u8) -> Option<Vec<u8>> {
    let image = image::RgbaImage::from_raw(frame.width, frame.height, frame.rgba.clone())?;
    let image = if size == (frame.width, frame.height) {
        image
    } else {
        image::imageops::resize(
            &image,
            size.0,
            size.1,
            image::imageops::FilterType::Triangle,
        )
    };
    let rgb = image::DynamicImage::ImageRgba8(image).to_rgb8();
    let mut out = Vec::new();
    let written = if png {
        image::ImageEncoder::write_image(
            image::codecs::png::PngEncoder::new(&mut out),
            rgb.as_raw(),
            rgb.width(),
            rgb.height(),
            image::ExtendedColorType::Rgb8,
        )
    } else {
        image::ImageEncoder::write_image(
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality),
            rgb.as_raw(),
            rgb.width(),
            rgb.height(),
            image::ExtendedColorType::Rgb8,
        )
    };
    written.ok().map(|_| out)
}

impl Operation for GetImagesInput {
    type Output = GetImagesOutput;
    type Error = VideoError;
    const SPARES_SUBSCRIPTIONS: bool = true;

    fn execute(self, world: &mut World) -> Result<GetImagesOutput, VideoError> {
        let mut v = Validator::new();
        super::validation_for_media(&mut v, &self.stream_name, &self.stream_arn);
        let selector = &self.image_selector_type;
        v.one_of(
            "imageSelectorType",
            selector,
            &["PRODUCER_TIMESTAMP", "SERVER_TIMESTAMP"],
        );
        v.required("startTimestamp", &self.start_timestamp);
        v.required("endTimestamp", &self.end_timestamp);
        v.one_of("format", &self.format, &["JPEG", "PNG"]);
        v.range("widthPixels", self.width_pixels, 1, 3_840);
        v.range("heightPixels", self.height_pixels, 1, 2_160);
        v.range("maxResults", self.max_results, 1, 100);
        v.string("nextToken", &self.next_token, 1, 4096, None);
        finish(v)?;
        if self.width_pixels.is_some() && self.height_pixels.is_none() {
            return Err(VideoError::ValidationException(
                "WidthPixels needs HeightPixels: give both, or HeightPixels alone to keep the aspect ratio."
                    .into(),
            ));
        }
        let quality = match &self.format_config {
            None => DEFAULT_JPEG_QUALITY,
            Some(config) => match config.get("JPEGQuality").map(|q| q.parse::<u8>()) {
                Some(Ok(q)) if (1..=100).contains(&q) && config.len() == 1 => q,
                _ => return Err(invalid("FormatConfig takes JPEGQuality, from 1 to 100.")),
            },
        };
        let interval = self.sampling_interval.unwrap_or(DEFAULT_INTERVAL_MS);
        if interval < 200 {
            return Err(invalid(
                "SamplingInterval must be at least 200 milliseconds.",
            ));
        }
        let (start, end) = (
            self.start_timestamp.map_or(0, |t| t.0),
            self.end_timestamp.map_or(0, |t| t.0),
        );
        if end < start {
            return Err(invalid("EndTimestamp must not be before StartTimestamp."));
        }
        if end - start > MAX_RANGE_MS {
            return Err(invalid(
                "The time range between StartTimestamp and EndTimestamp is more than 300 seconds.",
            ));
        }
        let first = match validation::token_text(&self.next_token)? {
            Some(text) => text
                .parse::<usize>()
                .map_err(|_| invalid("NextToken is not valid."))?,
            None => 0,
        };
        let stream = world.video_stream_mut(&self.stream_name, &self.stream_arn)?;
        if stream.retention_hours == 0 {
            return Err(VideoError::NoDataRetentionException(
                "The stream does not retain data: GetImages needs DataRetentionInHours above 0."
                    .into(),
            ));
        }
        let times: Vec<i64> = if end - start < interval {
            vec![start]
        } else {
            (0..)
                .map(|n| start + n * interval)
                .take_while(|t| *t <= end)
                .collect()
        };
        let page = (self.max_results.unwrap_or(PAGE as i64) as usize).min(PAGE);
        let slice: Vec<i64> = times.iter().skip(first).take(page).copied().collect();
        let next_token = (first + slice.len() < times.len())
            .then(|| validation::next_token(&(first + slice.len()).to_string()));
        let by_server = self.image_selector_type.as_deref() == Some("SERVER_TIMESTAMP");
        let fragments: Vec<&Fragment> = stream
            .archive
            .fragments
            .iter()
            .filter(|f| f.persisted)
            .collect();
        let png = self.format.as_deref() == Some("PNG");
        let (w, h) = (self.width_pixels, self.height_pixels);
        // Each fragment is decoded once for every time it holds.
        let mut decoded: BTreeMap<usize, Option<Vec<RgbaFrame>>> = BTreeMap::new();
        let images = slice
            .into_iter()
            .map(|t| {
                let holding = fragments.iter().position(|f| {
                    let begin = if by_server {
                        f.server_ms
                    } else {
                        f.producer_ms
                    };
                    (begin..=begin + f.duration_ms).contains(&t)
                });
                let Some(index) = holding else {
                    return Image {
                        time_stamp: Timestamp(t),
                        error: Some("NO_MEDIA"),
                        image_content: None,
                    };
                };
                let fragment = fragments[index];
                let producer_t = if by_server {
                    fragment.producer_ms + (t - fragment.server_ms)
                } else {
                    t
                };
                let pictures = decoded.entry(index).or_insert_with(|| {
                    frames_between(
                        &[fragment],
                        fragment.producer_ms,
                        fragment.producer_ms + fragment.duration_ms,
                    )
                    .ok()
                });
                let picture = pictures.as_ref().and_then(|p| {
                    p.iter()
                        .rev()
                        .find(|f| f.timecode_ms <= producer_t)
                        .or(p.first())
                });
                let content = picture
                    .and_then(|p| encode(p, target_size(p.width, p.height, w, h), png, quality));
                match content {
                    Some(bytes) => Image {
                        time_stamp: Timestamp(t),
                        error: None,
                        image_content: Some(BASE64.encode(bytes)),
                    },
                    None => Image {
                        time_stamp: Timestamp(t),
                        error: Some("MEDIA_ERROR"),
                        image_content: None,
                    },
                }
            })
            .collect();
        Ok(GetImagesOutput { images, next_token })
    }
}

#[cfg(test)]
mod tests {
    use super::target_size;

    #[test]
    fn sizes_follow_aws_rules() {
        assert_eq!(target_size(640, 360, Some(100), Some(100)), (100, 100));
        assert_eq!(target_size(640, 360, None, Some(180)), (320, 180));
        assert_eq!(target_size(640, 360, None, None), (640, 360));
    }
}
