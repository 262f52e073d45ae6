use super::*;
use std::io::Write;

fn processor(kind: &str, parameters: &[(&str, &str)]) -> Processor {
    Processor::new(kind, parameters)
}

fn pipeline(processors: Vec<Processor>) -> Result<Pipeline, String> {
    Pipeline::parse(Some(&ProcessingConfiguration {
        enabled: true,
        processors,
    }))
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

#[test]
fn json_and_delimited_records_are_split() {
    let json = pipeline(vec![processor(
        "RecordDeAggregation",
        &[("SubRecordType", "JSON")],
    )])
    .unwrap();
    let out = json
        .before_lambda(Bytes::from_static(b"{\"a\":1}{\"b\":2}\n{\"c\":[3]}"))
        .unwrap();
    assert_eq!(out, [&b"{\"a\":1}"[..], b"{\"b\":2}", b"{\"c\":[3]}"]);
    assert!(json.before_lambda(Bytes::from_static(b"{\"a\":")).is_err());
    let pipes = pipeline(vec![processor(
        "RecordDeAggregation",
        &[("SubRecordType", "DELIMITED"), ("Delimiter", "fHw=")],
    )])
    .unwrap();
    assert_eq!(
        pipes
            .before_lambda(Bytes::from_static(b"a||bb||||c"))
            .unwrap(),
        [&b"a"[..], b"bb", b"c"]
    );
}

#[test]
fn cloudwatch_logs_are_decompressed_and_their_messages_extracted() {
    let p = pipeline(vec![
        processor(
            "CloudWatchLogProcessing",
            &[("DataMessageExtraction", "true")],
        ),
        processor("Decompression", &[("CompressionFormat", "GZIP")]),
    ])
    .unwrap();
    let message = br#"{"messageType":"DATA_MESSAGE","logGroup":"g","logEvents":[{"id":"1","timestamp":1,"message":"first"},{"id":"2","timestamp":2,"message":"second"}]}"#;
    assert_eq!(
        p.before_lambda(Bytes::from(gzip(message))).unwrap(),
        [&b"first"[..], b"second"]
    );
    let control = br#"{"messageType":"CONTROL_MESSAGE","logEvents":[]}"#;
    assert!(
        p.before_lambda(Bytes::from(gzip(control)))
            .unwrap()
            .is_empty()
    );
    assert!(p.before_lambda(Bytes::from_static(b"not gzip")).is_err());
    let alone = pipeline(vec![processor(
        "CloudWatchLogProcessing",
        &[("DataMessageExtraction", "true")],
    )]);
    assert!(alone.is_err());
}

#[test]
fn the_delimiter_is_appended_and_lambda_settings_are_checked() {
    let p = pipeline(vec![processor("AppendDelimiterToRecord", &[])]).unwrap();
    assert_eq!(p.after_lambda(Bytes::from_static(b"x")), &b"x\n"[..]);
    let arn = "arn:aws:lambda:us-east-1:000000000000:function:clean:$LATEST";
    let p = pipeline(vec![processor(
        "Lambda",
        &[("LambdaArn", arn), ("BufferSizeInMBs", "0.5")],
    )])
    .unwrap();
    let lambda = p.lambda.unwrap();
    assert_eq!(lambda.function, "clean");
    assert_eq!((lambda.retries, lambda.buffer_interval_ms), (3, 60_000));
    assert_eq!(lambda.buffer_bytes, 524_288);
    assert!(
        pipeline(vec![processor(
            "Lambda",
            &[("LambdaArn", arn), ("BufferSizeInMBs", "4")]
        )])
        .is_err()
    );
    assert!(pipeline(vec![processor("Lambda", &[("LambdaArn", "clean")])]).is_err());
    assert!(pipeline(vec![processor("Lambda", &[])]).is_err());
    assert!(pipeline(vec![processor("Transform", &[])]).is_err());
    assert!(
        pipeline(vec![
            processor("AppendDelimiterToRecord", &[]),
            processor("AppendDelimiterToRecord", &[])
        ])
        .is_err()
    );
    let disabled = Pipeline::parse(Some(&ProcessingConfiguration {
        enabled: false,
        processors: vec![processor("Transform", &[])],
    }));
    assert_eq!(disabled.unwrap(), Pipeline::default());
}
