//! GetImages (C.5): pictures every SamplingInterval, sized and encoded as asked, NO_MEDIA where
//! the archive has nothing, pages of 25, and AWS's refusals.

use super::*;
use base64::Engine;
use kinescope_core::time::Timestamp;
use kinescope_core::video::codec::pattern::BARS;
use kinescope_core::video::ops::images::*;

/// A camera stream holding six seconds from START_MS.
fn recorded(retention_hours: i64) -> World {
    let mut world = world();
    recorded_camera(&mut world, retention_hours, 6);
    world
}

fn request(from_ms: i64, to_ms: i64) -> GetImagesInput {
    GetImagesInput {
        stream_name: Some(CAMERA.into()),
        image_selector_type: Some("PRODUCER_TIMESTAMP".into()),
        start_timestamp: Some(Timestamp(START_MS + from_ms)),
        end_timestamp: Some(Timestamp(START_MS + to_ms)),
        sampling_interval: Some(1_000),
        format: Some("JPEG".into()),
        ..GetImagesInput::default()
    }
}

fn decode(image: &Image) -> image::DynamicImage {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(image.image_content.as_ref().unwrap())
        .unwrap();
    image::load_from_memory(&bytes).unwrap()
}

#[test]
fn images_are_sampled_sized_and_encoded_as_asked() {
    let mut world = recorded(24);
    let jpeg = world
        .apply(GetImagesInput {
            height_pixels: Some(90),
            ..request(0, 4_000)
        })
        .unwrap();
    assert_eq!(jpeg.images.len(), 5);
    assert_eq!(jpeg.images[2].time_stamp, Timestamp(START_MS + 2_000));
    let picture = decode(&jpeg.images[2]).to_rgb8();
    assert_eq!(
        picture.dimensions(),
        (160, 90),
        "the width follows the aspect ratio"
    );
    let corner = picture.get_pixel(3, 3).0;
    assert!(
        corner.iter().zip(BARS[0]).all(|(a, b)| a.abs_diff(b) < 40),
        "{corner:?}"
    );
    let png = world
        .apply(GetImagesInput {
            format: Some("PNG".into()),
            ..request(3_000, 3_000)
        })
        .unwrap();
    assert_eq!(png.images.len(), 1);
    assert_eq!(decode(&png.images[0]).width(), 320, "the original size");
    let stretched = world
        .apply(GetImagesInput {
            width_pixels: Some(100),
            height_pixels: Some(100),
            format_config: Some([("JPEGQuality".into(), "10".into())].into()),
            ..request(1_000, 1_000)
        })
        .unwrap();
    assert_eq!(decode(&stretched.images[0]).width(), 100);
}

#[test]
fn times_without_media_say_no_media_and_pages_hold_25() {
    let mut world = recorded(24);
    let gap = world.apply(request(10_000, 11_000)).unwrap();
    assert_eq!(gap.images.len(), 2);
    assert_eq!(gap.images[0].error, Some("NO_MEDIA"));
    assert!(gap.images[0].image_content.is_none());
    let many = world
        .apply(GetImagesInput {
            sampling_interval: Some(200),
            max_results: Some(100),
            ..request(0, 300_000)
        })
        .unwrap();
    assert_eq!(many.images.len(), 25);
    let next = world
        .apply(GetImagesInput {
            sampling_interval: Some(200),
            next_token: many.next_token,
            ..request(0, 300_000)
        })
        .unwrap();
    assert_eq!(next.images[0].time_stamp, Timestamp(START_MS + 25 * 200));
}

#[test]
fn aws_refusals() {
    let mut world = recorded(24);
    let width_only = world
        .apply(GetImagesInput {
            width_pixels: Some(100),
            ..request(0, 1_000)
        })
        .unwrap_err();
    assert_eq!(width_only.code(), "ValidationException");
    let long = world.apply(request(0, 301_000)).unwrap_err();
    assert_eq!(long.code(), "InvalidArgumentException");
    let mut keeps_nothing = recorded(0);
    let none = keeps_nothing.apply(request(0, 1_000)).unwrap_err();
    assert_eq!(none.code(), "NoDataRetentionException");
}
