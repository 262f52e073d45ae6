//! The wire's type check (kinesis-wire.md §1, step 8): before any validation, each member of a
//! request is checked against its model type, in the model's member order, and the first mismatch
//! is a SerializationException with AWS's text (its service runs on Java, whence the class names).
//! Numbers given for integer members are floored and clamped to the integer range instead of
//! refused. Unknown members and nulls are passed over, as AWS does.

use super::input_model::INPUTS;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

/// A member's type in the model.
#[derive(Debug)]
pub enum Ty {
    /// Text.
    String,
    /// true or false.
    Boolean,
    /// A 32-bit integer.
    Integer,
    /// Base64 text in JSON.
    Blob,
    /// Epoch seconds in JSON.
    Timestamp,
    /// A list of one type.
    List(&'static Ty),
    /// A map from text to one type.
    Map(&'static Ty),
    /// Members of their own.
    Structure(&'static [Member]),
}

/// One member of a structure.
#[derive(Debug)]
pub struct Member {
    /// Its name on the wire.
    pub name: &'static str,
    /// Its type.
    pub ty: Ty,
}

const NUMBER: &str = "class com.amazon.coral.value.json.numbers.TruncatingBigNumber";
const BOOLEAN: &str = "class java.lang.Boolean";
const STRING: &str = "class java.lang.String";
const LIST_HERE: &str = "Start of list found where not expected";
const OBJECT_HERE: &str = "Start of structure or map found where not expected.";

/// Checks (and normalises) the members of operation `operation`'s input; the error is AWS's text
/// for the first mismatch.
pub fn check(operation: &str, input: &mut Value) -> Result<(), String> {
    let Some((_, members)) = INPUTS.iter().find(|(name, _)| *name == operation) else {
        return Ok(());
    };
    check_value(&Ty::Structure(members), input)
}

fn check_value(ty: &Ty, value: &mut Value) -> Result<(), String> {
    match (ty, value) {
        (_, Value::Null) => Ok(()),
        (Ty::Structure(members), Value::Object(map)) => {
            for member in *members {
                if let Some(v) = map.get_mut(member.name) {
                    check_value(&member.ty, v)?;
                }
            }
            Ok(())
        }
        (Ty::Structure(_), Value::Array(_)) | (Ty::Map(_), Value::Array(_)) => {
            Err(LIST_HERE.into())
        }
        (Ty::Structure(_), _) => Err("Expected null".into()),
        (Ty::List(item), Value::Array(items)) => {
            items.iter_mut().try_for_each(|v| check_value(item, v))
        }
        (Ty::List(_), Value::Object(_)) => Err(OBJECT_HERE.into()),
        (Ty::List(_), _) => Err("Expected list or null".into()),
        (Ty::Map(item), Value::Object(map)) => {
            map.values_mut().try_for_each(|v| check_value(item, v))
        }
        (Ty::Map(_), _) => Err("Expected map or null".into()),
        (_, Value::Array(_)) => Err(LIST_HERE.into()),
        (_, Value::Object(_)) => Err(OBJECT_HERE.into()),
        (Ty::String, Value::String(_)) => Ok(()),
        (Ty::String, other) => Err(format!(
            "{} can not be converted to an String",
            class_of(other)
        )),
        (Ty::Boolean, Value::Bool(_)) => Ok(()),
        (Ty::Boolean, Value::String(s)) => Err(format!(
            "'{}' can not be converted to an Boolean",
            s.to_uppercase()
        )),
        (Ty::Boolean, other) => Err(format!(
            "{} can not be converted to an Boolean",
            class_of(other)
        )),
        (Ty::Integer, number @ Value::Number(_)) => {
            let n = number.as_f64().unwrap_or(0.0).floor();
            *number = Value::from(n.clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i64);
            Ok(())
        }
        (Ty::Integer, other) => Err(format!(
            "{} can not be converted to an Integer",
            class_of(other)
        )),
        (Ty::Blob, Value::String(text)) => check_base64(text),
        (Ty::Blob, other) => Err(format!(
            "{} can not be converted to a Blob",
            class_of(other)
        )),
        (Ty::Timestamp, Value::Number(_)) => Ok(()),
        (Ty::Timestamp, other) => Err(format!(
            "{} can not be converted to milliseconds since epoch",
            class_of(other)
        )),
    }
}

/// The Java class a scalar JSON value arrives as.
fn class_of(value: &Value) -> &'static str {
    match value {
        Value::Bool(_) => BOOLEAN,
        Value::Number(_) => NUMBER,
        _ => STRING,
    }
}

/// AWS's three checks of base64 text, in its order.
fn check_base64(text: &str) -> Result<(), String> {
    let refuse = |why: String| Err(format!("'{text}' can not be converted to a Blob: {why}"));
    if !text.len().is_multiple_of(4) {
        return refuse(format!(
            "Base64 encoded length is expected a multiple of 4 bytes but found: {}",
            text.len()
        ));
    }
    let bytes = text.as_bytes();
    let bad = bytes.iter().enumerate().find(|&(i, &b)| {
        let alphabet = b.is_ascii_alphanumeric() || b == b'+' || b == b'/';
        let padding = b == b'=' && bytes[i + 1..].iter().all(|&c| c == b'=');
        !(alphabet || padding)
    });
    if let Some((_, &b)) = bad {
        return refuse(format!("Invalid Base64 character: '{}'", b as char));
    }
    if STANDARD.decode(text).is_err() {
        // AWS's own spelling.
        return refuse("Invalid last non-pad Base64 character dectected".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn error(operation: &str, mut input: Value) -> String {
        check(operation, &mut input).unwrap_err()
    }

    #[test]
    fn each_model_type_refuses_values_of_other_kinds_with_aws_text() {
        let rows = [
            (
                "CreateStream",
                json!({"StreamName": true}),
                format!("{BOOLEAN} can not be converted to an String"),
            ),
            (
                "CreateStream",
                json!({"StreamName": 12}),
                format!("{NUMBER} can not be converted to an String"),
            ),
            (
                "CreateStream",
                json!({"ShardCount": false}),
                format!("{BOOLEAN} can not be converted to an Integer"),
            ),
            (
                "CreateStream",
                json!({"ShardCount": "2"}),
                format!("{STRING} can not be converted to an Integer"),
            ),
            (
                "DeleteStream",
                json!({"EnforceConsumerDeletion": 1}),
                format!("{NUMBER} can not be converted to an Boolean"),
            ),
            (
                "DeleteStream",
                json!({"EnforceConsumerDeletion": "yes"}),
                "'YES' can not be converted to an Boolean".into(),
            ),
            (
                "PutRecord",
                json!({"Data": true}),
                format!("{BOOLEAN} can not be converted to a Blob"),
            ),
            (
                "PutRecord",
                json!({"Data": 1.5}),
                format!("{NUMBER} can not be converted to a Blob"),
            ),
            (
                "GetShardIterator",
                json!({"Timestamp": true}),
                format!("{BOOLEAN} can not be converted to milliseconds since epoch"),
            ),
            (
                "GetShardIterator",
                json!({"Timestamp": "2026-01-01"}),
                format!("{STRING} can not be converted to milliseconds since epoch"),
            ),
            (
                "PutRecords",
                json!({"Records": "x"}),
                "Expected list or null".into(),
            ),
            ("PutRecords", json!({"Records": {}}), OBJECT_HERE.into()),
            (
                "AddTagsToStream",
                json!({"Tags": 3}),
                "Expected map or null".into(),
            ),
            ("AddTagsToStream", json!({"Tags": []}), LIST_HERE.into()),
            (
                "CreateStream",
                json!({"StreamModeDetails": "ON_DEMAND"}),
                "Expected null".into(),
            ),
            (
                "CreateStream",
                json!({"StreamModeDetails": []}),
                LIST_HERE.into(),
            ),
            (
                "CreateStream",
                json!({"StreamName": ["a"]}),
                LIST_HERE.into(),
            ),
            (
                "CreateStream",
                json!({"StreamName": {"a": 1}}),
                OBJECT_HERE.into(),
            ),
        ];
        for (operation, input, expected) in rows {
            assert_eq!(
                error(operation, input.clone()),
                expected,
                "{operation} {input}"
            );
        }
    }

    #[test]
    fn members_are_checked_in_the_models_order_not_the_requests() {
        // The model lists StreamName before ShardCount.
        let text = r#"{"ShardCount": "x", "StreamName": false}"#;
        let input: Value = serde_json::from_str(text).unwrap();
        assert_eq!(
            error("CreateStream", input),
            format!("{BOOLEAN} can not be converted to an String")
        );
    }

    #[test]
    fn nested_members_are_checked_too() {
        assert_eq!(
            error(
                "PutRecords",
                json!({"Records": [{"Data": "AAAA"}, {"PartitionKey": 5}]})
            ),
            format!("{NUMBER} can not be converted to an String")
        );
        assert_eq!(
            error(
                "SubscribeToShard",
                json!({"StartingPosition": {"Timestamp": false}})
            ),
            format!("{BOOLEAN} can not be converted to milliseconds since epoch")
        );
    }

    #[test]
    fn integers_are_floored_and_clamped() {
        let mut input = json!({"ShardCount": 2.9, "MaxRecordSizeInKiB": 1e20});
        check("CreateStream", &mut input).unwrap();
        assert_eq!(
            input,
            json!({"ShardCount": 2, "MaxRecordSizeInKiB": 2147483647})
        );
    }

    #[test]
    fn base64_is_checked_as_aws_does() {
        let blob = |text: &str| error("PutRecord", json!({ "Data": text }));
        assert_eq!(
            blob("abc"),
            "'abc' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 3"
        );
        assert_eq!(
            blob("ab*d"),
            "'ab*d' can not be converted to a Blob: Invalid Base64 character: '*'"
        );
        assert_eq!(
            blob("a=bc"),
            "'a=bc' can not be converted to a Blob: Invalid Base64 character: '='"
        );
        assert_eq!(
            blob("QR=="),
            "'QR==' can not be converted to a Blob: Invalid last non-pad Base64 character dectected"
        );
        let mut fine = json!({"Data": "QQ=="});
        assert!(check("PutRecord", &mut fine).is_ok());
    }

    #[test]
    fn nulls_and_unknown_members_pass() {
        let mut input = json!({"StreamName": null, "Whatever": true});
        assert!(check("CreateStream", &mut input).is_ok());
    }
}
