//! Whether a request carries a well-formed SigV4 signature, in an `Authorization` header or a
//! presigned query string (kinesis-wire.md §1, step 7). By default any well-formed signature is
//! accepted (as kinesalite does); a missing or malformed one gets AWS's own answer, status 400.

use super::wire_error::WireError;

const HEADER_PARTS: [&str; 3] = ["Credential", "Signature", "SignedHeaders"];
const QUERY_PARTS: [&str; 5] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Signature",
    "X-Amz-SignedHeaders",
    "X-Amz-Date",
];

fn refused(code: &str, message: String) -> WireError {
    WireError::new(400, code, message)
}

/// The value of query parameter `name`, if present (possibly empty).
pub fn query_parameter<'a>(query: Option<&'a str>, name: &str) -> Option<&'a str> {
    query?
        .split('&')
        .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
        .find_map(|(key, value)| (key == name).then_some(value))
}

/// Checks that the request carries a well-formed SigV4 signature: an Authorization header with
/// every component and a date, or a presigned query string with every parameter, not both.
pub fn check_signature_present(
    authorization: Option<&str>,
    amz_date: Option<&str>,
    query: Option<&str>,
) -> Result<(), WireError> {
    let presigned = query_parameter(query, "X-Amz-Algorithm").is_some();
    match (authorization, presigned) {
        (Some(_), true) => Err(refused(
            "InvalidSignatureException",
            "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.".into(),
        )),
        (None, false) => Err(refused(
            "MissingAuthenticationTokenException",
            "Missing Authentication Token".into(),
        )),
        (None, true) => check_query(query),
        (Some(auth), false) => check_header(auth, amz_date),
    }
}

fn check_query(query: Option<&str>) -> Result<(), WireError> {
    let missing: String = QUERY_PARTS
        .iter()
        .filter(|name| query_parameter(query, name).is_none_or(str::is_empty))
        .map(|name| format!("AWS query-string parameters must include '{name}'. "))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(refused(
        "IncompleteSignatureException",
        format!("{missing}Re-examine the query-string parameters."),
    ))
}

fn check_header(auth: &str, amz_date: Option<&str>) -> Result<(), WireError> {
    let params = auth.split_once(' ').map_or("", |(_, rest)| rest);
    let has = |name: &str| {
        params
            .split([',', ' '])
            .any(|p| p.split_once('=').is_some_and(|(key, _)| key == name))
    };
    let mut missing: String = HEADER_PARTS
        .iter()
        .filter(|n| !has(n))
        .map(|n| format!("Authorization header requires '{n}' parameter. "))
        .collect();
    if amz_date.is_none() {
        missing.push_str(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ",
        );
    }
    if missing.is_empty() {
        return Ok(());
    }
    Err(refused(
        "IncompleteSignatureException",
        format!("{missing}Authorization={auth}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc";
    const QUERY: &str = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Fkinesis%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=abc";

    #[test]
    fn a_well_formed_header_or_query_is_accepted() {
        assert!(check_signature_present(Some(GOOD), Some("20260101T000000Z"), None).is_ok());
        assert!(check_signature_present(None, None, Some(QUERY)).is_ok());
    }

    #[test]
    fn a_missing_signature_is_missing_authentication_token_with_status_400() {
        let err = check_signature_present(None, None, Some("a=b")).unwrap_err();
        assert_eq!(
            (err.status, err.code.as_str(), err.message.as_str()),
            (
                400,
                "MissingAuthenticationTokenException",
                "Missing Authentication Token"
            )
        );
    }

    #[test]
    fn a_malformed_header_names_each_missing_component() {
        let err =
            check_signature_present(Some("AWS4-HMAC-SHA256 Credential=x"), None, None).unwrap_err();
        assert_eq!(err.code, "IncompleteSignatureException");
        assert_eq!(
            err.message,
            "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 Credential=x"
        );
    }

    #[test]
    fn a_presigned_query_names_each_missing_parameter() {
        let err = check_signature_present(
            None,
            None,
            Some("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date="),
        )
        .unwrap_err();
        assert_eq!(
            err.message,
            "AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string parameters must include 'X-Amz-Signature'. AWS query-string parameters must include 'X-Amz-SignedHeaders'. AWS query-string parameters must include 'X-Amz-Date'. Re-examine the query-string parameters."
        );
    }

    #[test]
    fn a_header_and_a_query_together_are_an_invalid_signature() {
        let err =
            check_signature_present(Some(GOOD), Some("20260101T000000Z"), Some(QUERY)).unwrap_err();
        assert_eq!(
            (err.status, err.code.as_str()),
            (400, "InvalidSignatureException")
        );
        assert_eq!(
            err.message,
            "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."
        );
    }
}
