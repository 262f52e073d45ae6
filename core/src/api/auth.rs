//! Request authentication. By default any well-formed SigV4 `Authorization` header is accepted (as
//! kinesalite does); a missing or malformed one gets AWS's own answer.

use super::protocol::WireError;

fn forbidden(code: &str, message: String) -> WireError {
    WireError {
        status: 403,
        code: code.into(),
        message,
    }
}

/// Checks that the request carries a well-formed SigV4 Authorization header (or presigned query).
pub fn check_signature_present(
    authorization: Option<&str>,
    amz_date: Option<&str>,
    query: Option<&str>,
) -> Result<(), WireError> {
    let presigned =
        query.is_some_and(|q| q.contains("X-Amz-Algorithm=") && q.contains("X-Amz-Signature="));
    if presigned {
        return Ok(());
    }
    let Some(auth) = authorization else {
        return Err(forbidden(
            "MissingAuthenticationTokenException",
            "Missing Authentication Token".into(),
        ));
    };
    let Some(params) = auth.strip_prefix("AWS4-HMAC-SHA256 ") else {
        return Err(forbidden(
            "IncompleteSignatureException",
            format!(
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization={auth}"
            ),
        ));
    };
    let has = |name: &str| {
        params
            .split(',')
            .any(|p| p.trim().starts_with(&format!("{name}=")))
    };
    let mut missing: Vec<String> = ["Credential", "Signature", "SignedHeaders"]
        .iter()
        .filter(|n| !has(n))
        .map(|n| format!("Authorization header requires '{n}' parameter."))
        .collect();
    if amz_date.is_none() {
        missing.push(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
                .into(),
        );
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(forbidden(
            "IncompleteSignatureException",
            format!("{} Authorization={auth}", missing.join(" ")),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc";

    #[test]
    fn a_well_formed_header_is_accepted() {
        assert!(check_signature_present(Some(GOOD), Some("20260101T000000Z"), None).is_ok());
    }

    #[test]
    fn a_missing_header_is_missing_authentication_token() {
        let err = check_signature_present(None, None, None).unwrap_err();
        assert_eq!(
            (err.status, err.code.as_str(), err.message.as_str()),
            (
                403,
                "MissingAuthenticationTokenException",
                "Missing Authentication Token"
            )
        );
    }

    #[test]
    fn a_malformed_header_is_an_incomplete_signature() {
        let err = check_signature_present(Some("AWS4-HMAC-SHA256 Credential=x"), Some("d"), None)
            .unwrap_err();
        assert_eq!(err.code, "IncompleteSignatureException");
        assert!(err.message.starts_with("Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter."));
    }
}
