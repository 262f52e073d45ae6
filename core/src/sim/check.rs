//! Range checks of scenario values, worded the same everywhere: the field, the value, the rule.

use std::fmt::Display;

/// `name = value must be between lo and hi` unless it is.
pub fn between<T: PartialOrd + Display>(name: &str, value: T, lo: T, hi: T) -> Result<(), String> {
    if lo <= value && value <= hi {
        Ok(())
    } else {
        Err(format!("{name} = {value} must be between {lo} and {hi}"))
    }
}

/// `name = value must be ≥ lo` unless it is.
pub fn at_least<T: PartialOrd + Display>(name: &str, value: T, lo: T) -> Result<(), String> {
    if value >= lo {
        Ok(())
    } else {
        Err(format!("{name} = {value} must be ≥ {lo}"))
    }
}

/// `name = "value" must be A or B` unless it is one of `allowed`.
pub fn one_of(name: &str, value: &str, allowed: &[&str]) -> Result<(), String> {
    if allowed.contains(&value) {
        return Ok(());
    }
    let choices = match allowed {
        [.., last] if allowed.len() > 1 => {
            format!("{} or {last}", allowed[..allowed.len() - 1].join(", "))
        }
        _ => allowed.join(""),
    };
    Err(format!("{name} = {value:?} must be {choices}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_field_the_value_and_the_rule() {
        assert_eq!(
            between("limit", 0, 1, 10_000).unwrap_err(),
            "limit = 0 must be between 1 and 10000"
        );
        assert!(between("limit", 1, 1, 10_000).is_ok());
        assert_eq!(
            at_least("poll_interval_ms", -1, 1).unwrap_err(),
            "poll_interval_ms = -1 must be ≥ 1"
        );
        assert_eq!(
            one_of("start", "NOW", &["TRIM_HORIZON", "LATEST"]).unwrap_err(),
            "start = \"NOW\" must be TRIM_HORIZON or LATEST"
        );
    }
}
