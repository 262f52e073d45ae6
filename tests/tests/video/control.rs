//! The control plane (C.2): statuses on the clock, versions, retention, listing, tags and the data
//! endpoint, with AWS's errors.

use super::*;
use kinescope_core::video::error::VideoError;
use kinescope_core::video::ops::lifecycle::*;
use kinescope_core::video::ops::retention::*;
use kinescope_core::video::ops::tags::*;
use kinescope_core::video::stream::{StreamInfo, VideoStreamStatus};
use std::collections::BTreeMap;

fn describe(world: &mut World) -> StreamInfo {
    world
        .apply(DescribeStreamInput {
            stream_name: Some(CAMERA.into()),
            stream_arn: None,
        })
        .unwrap()
        .stream_info
}

fn code(error: VideoError) -> &'static str {
    error.code()
}

#[test]
fn a_stream_is_creating_then_active_with_aws_identifiers() {
    let mut world = world();
    let arn = world
        .apply(CreateStreamInput {
            stream_name: Some(CAMERA.into()),
            device_name: Some("porch-cam".into()),
            ..CreateStreamInput::default()
        })
        .unwrap()
        .stream_arn;
    assert_eq!(
        arn,
        "arn:aws:kinesisvideo:us-east-1:000000000000:stream/front-door/1767225600000"
    );
    assert_eq!(describe(&mut world).status, VideoStreamStatus::Creating);
    world.step(500);
    let info = describe(&mut world);
    assert_eq!(info.status, VideoStreamStatus::Active);
    assert_eq!(info.data_retention_in_hours, 0);
    assert_eq!(
        info.kms_key_id,
        "arn:aws:kms:us-east-1:000000000000:alias/aws/kinesisvideo"
    );
    assert_eq!(info.version.len(), 20);
    let by_arn = world
        .apply(DescribeStreamInput {
            stream_name: None,
            stream_arn: Some(arn),
        })
        .unwrap()
        .stream_info;
    assert_eq!(by_arn, info);
    let json = serde_json::to_value(&info).unwrap();
    assert_eq!(json["StreamARN"], info.stream_arn.as_str());
    assert_eq!(json["CreationTime"], 1_767_225_600.0);
    assert_eq!(json["DeviceName"], "porch-cam");
}

#[test]
fn creation_refuses_bad_names_duplicates_and_retention_past_ten_years() {
    let mut world = world();
    active_camera(&mut world, 1);
    let create = |w: &mut World, name: &str, hours: i64| {
        w.apply(CreateStreamInput {
            stream_name: Some(name.into()),
            data_retention_in_hours: Some(hours),
            ..CreateStreamInput::default()
        })
        .map(|_| ())
    };
    assert_eq!(
        code(create(&mut world, CAMERA, 1).unwrap_err()),
        "ResourceInUseException"
    );
    let error = create(&mut world, "bad name", 1).unwrap_err();
    assert_eq!(
        error.message(),
        "1 validation error detected: Value 'bad name' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
    );
    assert_eq!(code(error), "InvalidArgumentException");
    assert!(create(&mut world, "ten-years", 87_600).is_ok());
    assert_eq!(
        code(create(&mut world, "too-long", 87_601).unwrap_err()),
        "InvalidArgumentException"
    );
    let missing = world.apply(DescribeStreamInput::default()).unwrap_err();
    assert_eq!(code(missing), "InvalidArgumentException");
    let unknown = world
        .apply(DescribeStreamInput {
            stream_name: Some("nope".into()),
            stream_arn: None,
        })
        .unwrap_err();
    assert_eq!(unknown.http_status(), 404);
    assert_eq!(
        unknown.message(),
        "The requested stream is not found or not active."
    );
}

#[test]
fn updates_need_the_current_version_and_change_it() {
    let mut world = world();
    active_camera(&mut world, 1);
    let before = describe(&mut world);
    let update = |w: &mut World, version: &str| {
        w.apply(UpdateStreamInput {
            stream_name: Some(CAMERA.into()),
            current_version: Some(version.into()),
            media_type: Some("video/h265".into()),
            ..UpdateStreamInput::default()
        })
    };
    assert_eq!(
        code(update(&mut world, "stale").unwrap_err()),
        "VersionMismatchException"
    );
    update(&mut world, &before.version).unwrap();
    let during = describe(&mut world);
    assert_eq!(during.status, VideoStreamStatus::Updating);
    assert_ne!(during.version, before.version);
    assert_eq!(during.media_type.as_deref(), Some("video/h265"));
    assert_eq!(
        code(update(&mut world, &during.version).unwrap_err()),
        "ResourceInUseException"
    );
    world.step(500);
    assert_eq!(describe(&mut world).status, VideoStreamStatus::Active);
}

#[test]
fn retention_moves_by_whole_hours_within_ten_years() {
    let mut world = world();
    active_camera(&mut world, 2);
    let change = |w: &mut World, operation: &str, hours: i64| {
        let version = describe(w).version;
        w.apply(UpdateDataRetentionInput {
            stream_name: Some(CAMERA.into()),
            current_version: Some(version),
            operation: Some(operation.into()),
            data_retention_change_in_hours: Some(hours),
            ..UpdateDataRetentionInput::default()
        })
    };
    change(&mut world, "INCREASE_DATA_RETENTION", 22).unwrap();
    assert_eq!(describe(&mut world).data_retention_in_hours, 24);
    change(&mut world, "DECREASE_DATA_RETENTION", 24).unwrap();
    assert_eq!(describe(&mut world).data_retention_in_hours, 0);
    let below = change(&mut world, "DECREASE_DATA_RETENTION", 1).unwrap_err();
    assert_eq!(code(below), "InvalidArgumentException");
    let zero = change(&mut world, "INCREASE_DATA_RETENTION", 0).unwrap_err();
    assert!(
        zero.message().contains("dataRetentionChangeInHours"),
        "{zero}"
    );
    let bad = change(&mut world, "DOUBLE", 1).unwrap_err();
    assert!(
        bad.message().contains(
            "Member must satisfy enum value set: [INCREASE_DATA_RETENTION, DECREASE_DATA_RETENTION]"
        ),
        "{bad}"
    );
}

#[test]
fn listing_pages_in_name_order_and_filters_by_prefix() {
    let mut world = world();
    for name in ["cam-b", "cam-a", "doorbell", "cam-c"] {
        world
            .apply(CreateStreamInput {
                stream_name: Some(name.into()),
                ..CreateStreamInput::default()
            })
            .unwrap();
    }
    let list = |w: &mut World, token: Option<String>| {
        w.apply(ListStreamsInput {
            max_results: Some(2),
            next_token: token,
            stream_name_condition: Some(StreamNameCondition {
                comparison_operator: Some("BEGINS_WITH".into()),
                comparison_value: Some("cam-".into()),
            }),
        })
        .unwrap()
    };
    let first = list(&mut world, None);
    let names = |o: &ListStreamsOutput| {
        o.stream_info_list
            .iter()
            .map(|s| s.stream_name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&first), ["cam-a", "cam-b"]);
    let second = list(&mut world, first.next_token);
    assert_eq!(names(&second), ["cam-c"]);
    assert_eq!(second.next_token, None);
}

#[test]
fn deletion_checks_the_version_given_and_the_stream_goes() {
    let mut world = world();
    let arn = active_camera(&mut world, 1);
    let delete = |w: &mut World, version: Option<&str>| {
        w.apply(DeleteStreamInput {
            stream_arn: Some(arn.clone()),
            current_version: version.map(str::to_owned),
        })
    };
    assert_eq!(
        code(delete(&mut world, Some("stale")).unwrap_err()),
        "VersionMismatchException"
    );
    delete(&mut world, None).unwrap();
    let gone = world.apply(DescribeStreamInput {
        stream_name: Some(CAMERA.into()),
        stream_arn: None,
    });
    assert_eq!(code(gone.unwrap_err()), "ResourceNotFoundException");
    world.step(500);
    assert!(world.video_streams().is_empty());
}

#[test]
fn tags_by_stream_and_by_resource_are_the_same_fifty() {
    let mut world = world();
    let arn = active_camera(&mut world, 1);
    world
        .apply(TagStreamInput {
            stream_name: Some(CAMERA.into()),
            tags: Some(BTreeMap::from([("team".into(), "video".into())])),
            ..TagStreamInput::default()
        })
        .unwrap();
    world
        .apply(TagResourceInput {
            resource_arn: Some(arn.clone()),
            tags: Some(vec![Tag {
                key: "site".into(),
                value: "porch".into(),
            }]),
        })
        .unwrap();
    let tags = world
        .apply(ListTagsForResourceInput {
            resource_arn: Some(arn.clone()),
            next_token: None,
        })
        .unwrap()
        .tags;
    assert_eq!(tags.len(), 2);
    world
        .apply(UntagStreamInput {
            stream_name: Some(CAMERA.into()),
            tag_key_list: Some(vec!["team".into()]),
            ..UntagStreamInput::default()
        })
        .unwrap();
    let many: BTreeMap<String, String> =
        (0..50).map(|i| (format!("k{i}"), String::new())).collect();
    let over = world
        .apply(TagStreamInput {
            stream_arn: Some(arn),
            tags: Some(many),
            ..TagStreamInput::default()
        })
        .unwrap_err();
    assert_eq!(code(over), "TagsPerResourceExceededLimitException");
}

#[test]
fn the_data_endpoint_is_this_servers_url() {
    let mut world = world();
    active_camera(&mut world, 1);
    let endpoint = world
        .apply(GetDataEndpointInput {
            stream_name: Some(CAMERA.into()),
            api_name: Some("GET_MEDIA".into()),
            endpoint: Some("http://127.0.0.1:4599".into()),
            ..GetDataEndpointInput::default()
        })
        .unwrap()
        .data_endpoint;
    assert_eq!(endpoint, "http://127.0.0.1:4599");
    let bad = world
        .apply(GetDataEndpointInput {
            stream_name: Some(CAMERA.into()),
            api_name: Some("PUT_IT".into()),
            ..GetDataEndpointInput::default()
        })
        .unwrap_err();
    assert_eq!(code(bad), "InvalidArgumentException");
}
