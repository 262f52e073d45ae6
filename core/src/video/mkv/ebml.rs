//! EBML's variable-length integers (element ids keep their length marker, sizes drop it) and
//! elements, read from a byte slice that may end early (`Ok(None)`: more bytes needed) and written
//! into a vector.

/// Why bytes are not EBML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed(pub String);

/// The length of a variable-length integer from its first byte (1–8), if valid.
fn vint_length(first: u8) -> Option<usize> {
    (first != 0).then(|| first.leading_zeros() as usize + 1)
}

/// An element id (marker kept, at most 4 bytes) and its length; `None` if more bytes are needed.
pub fn read_id(bytes: &[u8]) -> Result<Option<(u32, usize)>, Malformed> {
    let Some(&first) = bytes.first() else {
        return Ok(None);
    };
    let len = vint_length(first)
        .filter(|&l| l <= 4)
        .ok_or_else(|| Malformed(format!("invalid element id byte 0x{first:02x}")))?;
    if bytes.len() < len {
        return Ok(None);
    }
    let id = bytes[..len]
        .iter()
        .fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
    Ok(Some((id, len)))
}

/// An element size (marker dropped; all ones = unknown, `None` inside) and its length; `None`
/// if more bytes are needed.
pub fn read_size(bytes: &[u8]) -> Result<Option<(Option<u64>, usize)>, Malformed> {
    let Some(&first) = bytes.first() else {
        return Ok(None);
    };
    let len = vint_length(first).ok_or_else(|| Malformed("invalid element size".into()))?;
    if bytes.len() < len {
        return Ok(None);
    }
    let mask = if len == 8 { 0 } else { 0xFFu8 >> len };
    let value = bytes[1..len]
        .iter()
        .fold(u64::from(first & mask), |acc, &b| (acc << 8) | u64::from(b));
    let all_ones = (1u64 << (7 * len)) - 1;
    Ok(Some(((value != all_ones).then_some(value), len)))
}

/// An element's header: id, size (`None` = unknown) and header length.
pub fn read_header(bytes: &[u8]) -> Result<Option<(u32, Option<u64>, usize)>, Malformed> {
    let Some((id, id_len)) = read_id(bytes)? else {
        return Ok(None);
    };
    let Some((size, size_len)) = read_size(&bytes[id_len..])? else {
        return Ok(None);
    };
    Ok(Some((id, size, id_len + size_len)))
}

/// The children of a complete element's payload: `(id, payload)`.
pub fn children(mut payload: &[u8]) -> Result<Vec<(u32, &[u8])>, Malformed> {
    let mut out = Vec::new();
    while !payload.is_empty() {
        let (id, size, header) =
            read_header(payload)?.ok_or_else(|| Malformed("truncated element header".into()))?;
        let size = size.ok_or_else(|| Malformed(format!("element 0x{id:x} of unknown size")))?;
        let end = header
            .checked_add(usize::try_from(size).unwrap_or(usize::MAX))
            .filter(|&end| end <= payload.len())
            .ok_or_else(|| Malformed(format!("element 0x{id:x} runs past its parent")))?;
        out.push((id, &payload[header..end]));
        payload = &payload[end..];
    }
    Ok(out)
}

/// An unsigned integer element's value.
pub fn uint(payload: &[u8]) -> Result<u64, Malformed> {
    if payload.len() > 8 {
        return Err(Malformed("unsigned integer longer than 8 bytes".into()));
    }
    Ok(payload
        .iter()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
}

/// A string element's value (trailing NULs dropped).
pub fn string(payload: &[u8]) -> String {
    String::from_utf8_lossy(payload)
        .trim_end_matches('\0')
        .to_owned()
}

/// Writes an element id.
pub fn write_id(out: &mut Vec<u8>, id: u32) {
    let bytes = id.to_be_bytes();
    let skip = bytes.iter().take_while(|&&b| b == 0).count().min(3);
    out.extend_from_slice(&bytes[skip..]);
}

/// Writes a known size in the fewest bytes (an all-ones value moves to the next length).
pub fn write_size(out: &mut Vec<u8>, size: u64) {
    let len = (1..=8usize)
        .find(|&l| size < (1u64 << (7 * l)) - 1)
        .unwrap_or(8);
    let marked = size | (1u64 << (7 * len));
    out.extend_from_slice(&marked.to_be_bytes()[8 - len..]);
}

/// The unknown size (8 bytes of ones after the marker), for a live Segment.
pub const UNKNOWN_SIZE: [u8; 8] = [0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];

/// Writes an element with `payload`.
pub fn write_element(out: &mut Vec<u8>, id: u32, payload: &[u8]) {
    write_id(out, id);
    write_size(out, payload.len() as u64);
    out.extend_from_slice(payload);
}

/// Writes an unsigned integer element.
pub fn write_uint(out: &mut Vec<u8>, id: u32, value: u64) {
    let bytes = value.to_be_bytes();
    let skip = bytes.iter().take_while(|&&b| b == 0).count().min(7);
    write_element(out, id, &bytes[skip..]);
}

/// Writes a string element.
pub fn write_string(out: &mut Vec<u8>, id: u32, value: &str) {
    write_element(out, id, value.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_ids_round_trip() {
        for size in [0u64, 1, 126, 127, 16_382, 16_383, 1 << 30, (1 << 56) - 2] {
            let mut out = Vec::new();
            write_size(&mut out, size);
            assert_eq!(
                read_size(&out).unwrap(),
                Some((Some(size), out.len())),
                "{size}"
            );
        }
        assert_eq!(read_size(&UNKNOWN_SIZE).unwrap(), Some((None, 8)));
        assert_eq!(read_size(&[0xFF]).unwrap(), Some((None, 1)));
        let mut out = Vec::new();
        write_id(&mut out, 0x1A45_DFA3);
        write_id(&mut out, 0xA3);
        assert_eq!(out, [0x1A, 0x45, 0xDF, 0xA3, 0xA3]);
        assert_eq!(read_id(&out).unwrap(), Some((0x1A45_DFA3, 4)));
        assert_eq!(read_id(&[0x1A, 0x45]).unwrap(), None, "more bytes needed");
        assert!(read_id(&[0x00]).is_err());
        assert!(
            read_id(&[0x08, 1, 2, 3, 4]).is_err(),
            "ids are at most 4 bytes"
        );
    }

    #[test]
    fn children_refuse_elements_running_past_their_parent() {
        let mut payload = Vec::new();
        write_uint(&mut payload, 0xD7, 1);
        assert_eq!(children(&payload).unwrap(), vec![(0xD7, &[1u8][..])]);
        let huge = [0xD7, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0x00];
        assert!(children(&huge).is_err());
    }
}
