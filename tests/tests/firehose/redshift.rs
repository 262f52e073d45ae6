//! The Redshift destination (B.4, B.5, B.10) against a throwaway PostgreSQL cluster standing for
//! Redshift: objects staged in the S3 configuration's bucket, a manifest per COPY, rows in the
//! table; a failing COPY retried for the retry duration, then skipped with its manifest under
//! `errors/manifests/`.

use super::postgres::{PASSWORD, Postgres, USER};
use super::*;
use kinescope_core::firehose::http_endpoint::RetryOptions;
use kinescope_core::firehose::metrics::FirehoseMetric;
use kinescope_core::firehose::object_store::ObjectRole;
use kinescope_core::firehose::ops::update::UpdateDestinationInput;
use kinescope_core::firehose::redshift::config::{CopyCommand, RedshiftDestinationConfiguration};
use kinescope_core::outbound::{self, Call};

fn redshift(
    pg: &Postgres,
    table: &str,
    options: &str,
    retry_s: i64,
) -> RedshiftDestinationConfiguration {
    RedshiftDestinationConfiguration {
        role_arn: Some("arn:aws:iam::000000000000:role/firehose".into()),
        cluster_jdbc_url: Some(pg.jdbc_url()),
        copy_command: Some(CopyCommand {
            data_table_name: Some(table.into()),
            data_table_columns: None,
            copy_options: Some(options.into()),
        }),
        username: Some(USER.into()),
        password: Some(PASSWORD.into()),
        retry_options: Some(RetryOptions {
            duration_in_seconds: Some(retry_s),
        }),
        s3_configuration: Some(S3DestinationInput {
            prefix: Some("staging/".into()),
            compression_format: Some("GZIP".into()),
            ..s3(1, 60)
        }),
        ..RedshiftDestinationConfiguration::default()
    }
}

fn create(world: &mut World, destination: RedshiftDestinationConfiguration) {
    let input = CreateDeliveryStreamInput {
        redshift_destination_configuration: Some(Box::new(destination)),
        ..CreateDeliveryStreamInput::default()
    };
    active_hose_from(world, input);
}

fn keys_under(world: &World, prefix: &str) -> Vec<String> {
    world
        .objects()
        .list(BUCKET, prefix)
        .into_iter()
        .map(|o| o.key)
        .collect()
}

fn manifest_urls(world: &World, key: &str) -> Vec<String> {
    let body = world.objects().body(BUCKET, key).unwrap().unwrap();
    let manifest: serde_json::Value = serde_json::from_slice(&body).unwrap();
    manifest["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert_eq!(e["mandatory"], true);
            e["url"].as_str().unwrap().to_owned()
        })
        .collect()
}

fn rows(pg: &Postgres, query: &str) -> Vec<Vec<Option<String>>> {
    pg.connect(super::postgres::DATABASE)
        .query(query, &[])
        .unwrap()
        .iter()
        .map(|row| (0..row.len()).map(|i| row.get(i)).collect())
        .collect()
}

fn s(text: &str) -> Option<String> {
    Some(text.into())
}

#[test]
fn records_are_staged_then_copied_into_the_table() {
    let pg = Postgres::start();
    pg.execute("CREATE TABLE events (id int, name varchar(20), at timestamp, loaded_at timestamp DEFAULT now())");
    let mut world = world();
    let options = "JSON 'auto' GZIP TIMEFORMAT 'epochmillisecs' COMPUPDATE OFF";
    create(&mut world, redshift(&pg, "events", options, 3_600));
    world
        .apply(put(br#"{"id":1,"name":"ada","at":1767225600000}"#))
        .unwrap();
    world.apply(put(br#"{"id":2,"name":"bob"}"#)).unwrap();
    world.step(60_000);

    let staged = keys_under(&world, "staging/2026/");
    assert_eq!(staged.len(), 1, "{staged:?}");
    assert!(staged[0].ends_with(".gz"));
    let manifests = keys_under(&world, "staging/manifests/2026/01/01/00/");
    assert_eq!(manifests.len(), 1);
    assert!(manifests[0].contains(&format!("/{HOSE}-2026-01-01-00-01-")));
    let role = world.objects().meta(BUCKET, &manifests[0]).unwrap().role;
    assert_eq!(role, ObjectRole::Manifest);
    let url = format!("s3://{BUCKET}/{}", staged[0]);
    assert_eq!(manifest_urls(&world, &manifests[0]), [url]);
    assert_eq!(
        rows(
            &pg,
            "SELECT id::text, name, at::text, (loaded_at IS NOT NULL)::text FROM events ORDER BY id"
        ),
        [
            vec![s("1"), s("ada"), s("2026-01-01 00:00:00"), s("true")],
            vec![s("2"), s("bob"), None, s("true")]
        ]
    );
    let stream = world.delivery_stream(HOSE).unwrap();
    let total = |m| stream.metrics.series(m).total();
    assert_eq!(total(FirehoseMetric::DeliveryToRedshiftRecords), 2.0);
    assert_eq!(total(FirehoseMetric::DeliveryToRedshiftSuccess), 1.0);
    assert_eq!(total(FirehoseMetric::DeliveryToS3Records), 2.0);
    let queue = &stream.redshift.as_ref().unwrap().queue;
    assert_eq!((queue.copies, queue.rows_loaded), (1, 2));

    let description = serde_json::to_value(&stream.describe().destinations[0]).unwrap();
    let described = &description["RedshiftDestinationDescription"];
    assert_eq!(described["ClusterJDBCURL"], pg.jdbc_url());
    assert_eq!(described["CopyCommand"]["DataTableName"], "events");
    assert_eq!(described["CopyCommand"]["CopyOptions"], options);
    assert_eq!(described["Username"], USER);
    assert_eq!(described["RetryOptions"]["DurationInSeconds"], 3_600);
    assert_eq!(described["S3BackupMode"], "Disabled");
    assert_eq!(
        described["S3DestinationDescription"]["CompressionFormat"],
        "GZIP"
    );
    assert!(described.get("Password").is_none(), "{described}");
}

#[test]
fn delimited_text_loads_the_columns_named_in_the_copy_command() {
    let pg = Postgres::start();
    pg.execute("CREATE TABLE clicks (page text, count int, note text DEFAULT 'none')");
    let mut world = world();
    let mut destination = redshift(&pg, "clicks", "CSV IGNOREHEADER 1", 3_600);
    destination
        .copy_command
        .as_mut()
        .unwrap()
        .data_table_columns = Some("count, page".into());
    destination
        .s3_configuration
        .as_mut()
        .unwrap()
        .compression_format = None;
    create(&mut world, destination);
    world
        .apply(put(b"count,page\n3,\"/home, main\"\n"))
        .unwrap();
    world.step(60_000);
    assert_eq!(
        rows(&pg, "SELECT page, count::text, note FROM clicks"),
        [vec![s("/home, main"), s("3"), s("none")]]
    );
}

#[test]
fn a_failed_copy_is_retried_until_it_loads() {
    let pg = Postgres::start();
    let mut world = world();
    create(&mut world, redshift(&pg, "late", "JSON 'auto' GZIP", 3_600));
    world.apply(put(br#"{"id":7}"#)).unwrap();
    world.step(60_000);
    let queue = |w: &World| {
        w.delivery_stream(HOSE)
            .unwrap()
            .redshift
            .clone()
            .unwrap()
            .queue
    };
    let failure = queue(&world).last_failure.unwrap();
    assert_eq!(
        failure.code, "Redshift.TableNotFound",
        "{}",
        failure.message
    );
    assert!(queue(&world).batch.unwrap().attempts >= 1);
    pg.execute("CREATE TABLE late (id int)");
    world.step(130_000);
    assert_eq!(rows(&pg, "SELECT id::text FROM late"), [vec![s("7")]]);
    assert!(queue(&world).batch.is_none());
    assert!(keys_under(&world, "staging/errors/").is_empty());
    let stream = world.delivery_stream(HOSE).unwrap();
    let success = stream
        .metrics
        .series(FirehoseMetric::DeliveryToRedshiftSuccess);
    assert_eq!(success.total(), 1.0);
    assert!(stream.counters.delivery_failures >= 1);
}

#[test]
fn a_batch_failing_past_the_retry_duration_is_skipped_to_an_errors_manifest() {
    let pg = Postgres::start();
    let mut world = world();
    // Retry duration 0: no retry at all.
    create(&mut world, redshift(&pg, "missing", "JSON 'auto' GZIP", 0));
    world.apply(put(br#"{"id":1}"#)).unwrap();
    world.step(60_000);
    let skipped = keys_under(&world, "staging/errors/manifests/2026/01/01/00/");
    assert_eq!(skipped.len(), 1);
    let staged = keys_under(&world, "staging/2026/");
    assert_eq!(
        manifest_urls(&world, &skipped[0]),
        [format!("s3://{BUCKET}/{}", staged[0])]
    );
    let queue = &world
        .delivery_stream(HOSE)
        .unwrap()
        .redshift
        .as_ref()
        .unwrap()
        .queue;
    assert_eq!((queue.skipped_batches, queue.skipped_records), (1, 1));
    assert!(queue.batch.is_none());
    // The next batch is COPYed on its own once the table is there.
    pg.execute("CREATE TABLE missing (id int)");
    world.apply(put(br#"{"id":2}"#)).unwrap();
    world.step(60_000);
    assert_eq!(rows(&pg, "SELECT id::text FROM missing"), [vec![s("2")]]);
}

#[test]
fn a_wrong_password_and_bad_copy_options_fail_with_firehose_codes() {
    let pg = Postgres::start();
    pg.execute("CREATE TABLE t (id int)");
    let code = |destination: RedshiftDestinationConfiguration| {
        let mut world = world();
        create(&mut world, destination);
        world.apply(put(br#"{"id":1}"#)).unwrap();
        world.step(60_000);
        let stream = world.delivery_stream(HOSE).unwrap();
        let failure = stream.redshift.as_ref().unwrap().queue.last_failure.clone();
        failure.unwrap().code
    };
    let mut wrong = redshift(&pg, "t", "JSON 'auto' GZIP", 60);
    wrong.password = Some("not-the-password".into());
    assert_eq!(code(wrong), "Redshift.AuthenticationFailed");
    let conflicting = redshift(&pg, "t", "JSON 'auto' CSV GZIP", 60);
    assert_eq!(code(conflicting), "Redshift.IncorrectCopyOptions");
    let missing_gzip = redshift(&pg, "t", "JSON 'auto'", 60);
    assert_eq!(code(missing_gzip), "Redshift.DataLoadFailed");
    let mut refused = redshift(&pg, "t", "JSON 'auto' GZIP", 60);
    refused.cluster_jdbc_url = Some("jdbc:redshift://127.0.0.1:1/dev".into());
    assert_eq!(code(refused), "Redshift.ConnectionFailed");
}

/// A live world makes the COPY off its lock: the call is queued, made elsewhere, answered later.
#[test]
fn a_deferred_copy_is_made_off_the_world_and_answered_later() {
    let pg = Postgres::start();
    pg.execute("CREATE TABLE d (id int)");
    let mut world = world();
    world.defer_outbound_calls();
    create(&mut world, redshift(&pg, "d", "JSON 'auto' GZIP", 60));
    world.apply(put(br#"{"id":5}"#)).unwrap();
    world.step(60_000);
    let calls = world.take_outbound_calls();
    assert_eq!(calls.len(), 1);
    let (id, call) = &calls[0];
    assert!(matches!(call, Call::Copy(_)));
    assert!(rows(&pg, "SELECT id FROM d").is_empty(), "not made yet");
    world.complete_call(*id, outbound::run(call));
    assert_eq!(rows(&pg, "SELECT id::text FROM d"), [vec![s("5")]]);
    let queue = &world
        .delivery_stream(HOSE)
        .unwrap()
        .redshift
        .as_ref()
        .unwrap()
        .queue;
    assert_eq!(queue.copies, 1);
}

#[test]
fn creation_checks_the_url_the_staging_bucket_and_the_credentials() {
    let pg = Postgres::start();
    let refused = |destination: RedshiftDestinationConfiguration| {
        let mut world = world();
        world
            .apply(CreateDeliveryStreamInput {
                delivery_stream_name: Some(HOSE.into()),
                redshift_destination_configuration: Some(Box::new(destination)),
                ..CreateDeliveryStreamInput::default()
            })
            .unwrap_err()
            .to_string()
    };
    let mut bad_url = redshift(&pg, "t", "", 60);
    bad_url.cluster_jdbc_url = Some("postgres://127.0.0.1:5432/dev".into());
    let error = refused(bad_url);
    assert!(
        error.contains("at 'redshiftDestinationConfiguration.clusterJDBCURL' failed to satisfy constraint: Member must satisfy regular expression pattern: jdbc:(redshift|postgresql)://"),
        "{error}"
    );
    let mut short = redshift(&pg, "t", "", 60);
    short.password = Some("12345".into());
    let error = refused(short);
    assert!(
        error.contains("'*** Sensitive Data Redacted ***'"),
        "{error}"
    );
    assert!(!error.contains("12345"), "{error}");
    let mut snappy = redshift(&pg, "t", "", 60);
    snappy.s3_configuration.as_mut().unwrap().compression_format = Some("Snappy".into());
    assert!(refused(snappy).contains("UNCOMPRESSED or GZIP"));
    let mut expressions = redshift(&pg, "t", "", 60);
    let s3 = expressions.s3_configuration.as_mut().unwrap();
    s3.prefix = Some("!{timestamp:yyyy}/".into());
    s3.error_output_prefix = Some("e/!{firehose:error-output-type}/".into());
    assert!(refused(expressions).contains("cannot use expressions"));
    let mut no_password = redshift(&pg, "t", "", 60);
    no_password.password = None;
    assert!(refused(no_password).contains("Username and Password are required"));
}

#[test]
fn an_update_changes_the_copy_command_and_keeps_the_rest() {
    let pg = Postgres::start();
    let mut world = world();
    create(&mut world, redshift(&pg, "t", "JSON 'auto' GZIP", 60));
    world
        .apply(UpdateDestinationInput {
            delivery_stream_name: Some(HOSE.into()),
            current_delivery_stream_version_id: Some("1".into()),
            destination_id: Some("destinationId-000000000001".into()),
            redshift_destination_update: Some(Box::new(RedshiftDestinationConfiguration {
                copy_command: Some(CopyCommand {
                    data_table_name: Some("t2".into()),
                    data_table_columns: None,
                    copy_options: Some("JSON 'auto ignorecase' GZIP".into()),
                }),
                ..RedshiftDestinationConfiguration::default()
            })),
            ..UpdateDestinationInput::default()
        })
        .unwrap();
    let stream = world.delivery_stream(HOSE).unwrap();
    assert_eq!(stream.version, 2);
    let held = stream.redshift.as_ref().unwrap();
    assert_eq!(held.table, "t2");
    assert_eq!(held.copy_options, "JSON 'auto ignorecase' GZIP");
    assert_eq!(held.cluster.port, pg.port);
    assert_eq!(held.password, PASSWORD);
    let error = world
        .apply(UpdateDestinationInput {
            delivery_stream_name: Some(HOSE.into()),
            current_delivery_stream_version_id: Some("2".into()),
            destination_id: Some("destinationId-000000000001".into()),
            extended_s3_destination_update: Some(s3(5, 300)),
            ..UpdateDestinationInput::default()
        })
        .unwrap_err();
    assert!(
        error.to_string().contains("RedshiftDestinationUpdate"),
        "{error}"
    );
}

#[test]
fn source_records_are_backed_up_when_s3_backup_mode_is_enabled() {
    let pg = Postgres::start();
    pg.execute("CREATE TABLE b (id int)");
    let mut world = world();
    let mut destination = redshift(&pg, "b", "JSON 'auto' GZIP", 60);
    destination.s3_backup_mode = Some("Enabled".into());
    destination.s3_backup_configuration = Some(S3DestinationInput {
        bucket_arn: Some("arn:aws:s3:::backup-bucket".into()),
        prefix: Some("source/".into()),
        ..s3(1, 60)
    });
    create(&mut world, destination);
    world.apply(put(br#"{"id":3}"#)).unwrap();
    world.step(60_000);
    assert_eq!(rows(&pg, "SELECT id::text FROM b"), [vec![s("3")]]);
    let backed_up = world.objects().list("backup-bucket", "source/");
    assert_eq!(backed_up.len(), 1);
    let body = world.objects().body("backup-bucket", &backed_up[0].key);
    assert_eq!(&body.unwrap().unwrap()[..], br#"{"id":3}"#);
    let stream = world.delivery_stream(HOSE).unwrap();
    let description = serde_json::to_value(&stream.describe().destinations[0]).unwrap();
    let described = &description["RedshiftDestinationDescription"];
    assert_eq!(described["S3BackupMode"], "Enabled");
    assert_eq!(
        described["S3BackupDescription"]["BucketARN"],
        "arn:aws:s3:::backup-bucket"
    );
}
