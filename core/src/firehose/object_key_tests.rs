use super::*;

/// 2026-07-13 14:05:09.123 UTC.
const AT: i64 = 1_783_951_509_123;

fn eval(text: &str, kind: PrefixKind) -> Result<String, String> {
    let none = BTreeMap::new();
    let context = KeyContext {
        oldest_arrival_ms: AT,
        error_output_type: Some(ErrorOutputType::FormatConversionFailed),
        keys_from_query: &none,
        keys_from_lambda: &none,
    };
    Prefix::parse(text, kind)?.evaluate(&context, |n| "r".repeat(n))
}

#[test]
fn a_prefix_without_expressions_is_concatenated_literally() {
    assert_eq!(eval("", PrefixKind::Data).unwrap(), "2026/07/13/14/");
    assert_eq!(
        eval("legacy", PrefixKind::Data).unwrap(),
        "legacy2026/07/13/14/"
    );
    assert_eq!(
        eval("logs/", PrefixKind::Data).unwrap(),
        "logs/2026/07/13/14/"
    );
}

#[test]
fn timestamp_expressions_take_java_patterns_and_replace_the_default() {
    assert_eq!(
        eval("data/!{timestamp:yyyy}/!{timestamp:MM}/", PrefixKind::Data).unwrap(),
        "data/2026/07/"
    );
    assert_eq!(
        eval(
            "!{timestamp:'year='yyyy'/month='M/dd-HH:mm:ss.SSS}/",
            PrefixKind::Data
        )
        .unwrap(),
        "year=2026/month=7/13-14:05:09.123/"
    );
    assert_eq!(
        eval("!{timestamp:D EEE}", PrefixKind::Data).unwrap(),
        "194 Mon"
    );
    assert_eq!(
        eval("!{timestamp:ss.S|ss.SS|ss.SSS|SSSSS}", PrefixKind::Data).unwrap(),
        "09.1|09.12|09.123|12300"
    );
    assert_eq!(
        eval("!{timestamp:'100%'yyyy}", PrefixKind::Data).unwrap(),
        "100%2026"
    );
    assert!(eval("!{timestamp:yyyy QQ}", PrefixKind::Data).is_err());
}

#[test]
fn random_strings_are_eleven_characters_each_and_need_the_timestamp_appended() {
    assert_eq!(
        eval("!{firehose:random-string}/", PrefixKind::Data).unwrap(),
        "rrrrrrrrrrr/2026/07/13/14/"
    );
}

#[test]
fn error_output_type_belongs_to_the_error_prefix_only() {
    assert!(eval("x/!{firehose:error-output-type}/", PrefixKind::Data).is_err());
    assert_eq!(
        eval(
            "err/!{firehose:error-output-type}/!{timestamp:yyyy}/",
            PrefixKind::Error
        )
        .unwrap(),
        "err/format-conversion-failed/2026/"
    );
    assert_eq!(
        eval("err", PrefixKind::Error).unwrap(),
        "errformat-conversion-failed2026/07/13/14/"
    );
    assert!(eval("e/!{partitionKeyFromQuery:id}/", PrefixKind::Error).is_err());
    let none = BTreeMap::new();
    let context = KeyContext {
        oldest_arrival_ms: AT,
        error_output_type: Some(ErrorOutputType::ProcessingFailed),
        keys_from_query: &none,
        keys_from_lambda: &none,
    };
    assert_eq!(
        Prefix::default_error()
            .evaluate(&context, |_| String::new())
            .unwrap(),
        "processing-failed/2026/07/13/14/"
    );
}

#[test]
fn partition_keys_come_from_the_query_or_the_function() {
    let query = BTreeMap::from([("customer_id".to_owned(), "42".to_owned())]);
    let lambda = BTreeMap::from([("region".to_owned(), "eu".to_owned())]);
    let context = KeyContext {
        oldest_arrival_ms: AT,
        error_output_type: None,
        keys_from_query: &query,
        keys_from_lambda: &lambda,
    };
    let prefix = Prefix::parse(
        "c=!{partitionKeyFromQuery:customer_id}/r=!{partitionKeyFromLambda:region}/",
        PrefixKind::Data,
    )
    .unwrap();
    assert!(prefix.is_partitioned());
    assert_eq!(
        prefix.evaluate(&context, |_| String::new()).unwrap(),
        "c=42/r=eu/",
        "a partitioned prefix is used as written, as in AWS's example"
    );
    let missing = Prefix::parse("!{partitionKeyFromQuery:other}/", PrefixKind::Data).unwrap();
    assert!(missing.evaluate(&context, |_| String::new()).is_err());
}

#[test]
fn malformed_expressions_and_long_results_are_refused() {
    assert!(eval("a/!{timestamp:yyyy", PrefixKind::Data).is_err());
    assert!(eval("a/!{unknown:x}/", PrefixKind::Data).is_err());
    assert!(eval("a/!{firehose}/", PrefixKind::Data).is_err());
    assert!(eval("a/!{timestamp:'yyyy}/", PrefixKind::Data).is_err());
    let long = "x".repeat(500);
    assert!(eval(&long, PrefixKind::Data).is_err());
    assert!(eval(&"x".repeat(498), PrefixKind::Data).is_ok());
}

#[test]
fn file_names_carry_the_stream_its_version_the_oldest_arrival_and_a_uuid() {
    assert_eq!(
        file_name("orders", 1, AT, "0f8fad5b-d9cb-469f-a165-70867728950e"),
        "orders-1-2026-07-13-14-05-09-0f8fad5b-d9cb-469f-a165-70867728950e"
    );
}
