//! Decimal text of numbers wider than a u64 (sequence numbers), written nineteen digits at a time
//! with integer formatting rather than through 192-bit division and the formatting machinery:
//! every record of a PutRecords or GetRecords answer has one. And numbers as people read them,
//! thousands separated.

/// `value` rounded to a whole number, with thousands separated: 2,000,000.
pub fn grouped(value: f64) -> String {
    let rounded = value.round();
    let digits = format!("{:.0}", rounded.abs());
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if rounded < 0.0 {
        out.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// The largest power of ten in a u64.
pub(crate) const TEN_POW_19: u64 = 10_000_000_000_000_000_000;

/// Appends `value` in decimal, zero-padded to `width` digits if given.
pub(crate) fn push_digits(value: u64, width: Option<usize>, out: &mut Vec<u8>) {
    let mut buffer = itoa::Buffer::new();
    let text = buffer.format(value).as_bytes();
    let padding = width.map_or(0, |w| w.saturating_sub(text.len()));
    out.resize(out.len() + padding, b'0');
    out.extend_from_slice(text);
}

/// Appends the number whose base-10^19 digits are `groups`, most significant first.
pub(crate) fn push_groups(groups: &[u64], out: &mut Vec<u8>) {
    let first = groups
        .iter()
        .position(|&g| g != 0)
        .unwrap_or(groups.len().saturating_sub(1));
    let Some((&top, rest)) = groups[first..].split_first() else {
        out.push(b'0');
        return;
    };
    push_digits(top, None, out);
    for &group in rest {
        push_digits(group, Some(19), out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(groups: &[u64]) -> String {
        let mut out = Vec::new();
        push_groups(groups, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn groups_are_written_without_leading_zeros_and_padded_inside() {
        assert_eq!(text(&[]), "0");
        assert_eq!(text(&[0, 0]), "0");
        assert_eq!(text(&[0, 42]), "42");
        assert_eq!(text(&[3, 7, 0]), "300000000000000000070000000000000000000");
        assert_eq!(text(&[1, TEN_POW_19 - 1]), "19999999999999999999");
    }
}
