//! H.264's two framings: Annex B (start codes, as encoders write a stream) and AVCC (4-byte
//! lengths, as Matroska's `V_MPEG4/ISO/AVC` and MP4 carry frames), and the
//! AVCDecoderConfigurationRecord (the track's CodecPrivate) built from SPS and PPS.

/// NAL unit types.
pub const NAL_IDR: u8 = 5;
pub const NAL_SPS: u8 = 7;
pub const NAL_PPS: u8 = 8;

/// The NAL units of an Annex B stream (start codes of 3 or 4 bytes dropped).
pub fn annex_b_units(data: &[u8]) -> Vec<&[u8]> {
    let mut starts = Vec::new();
    let mut i = 0;
    while i + 3 <= data.len() {
        if data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1 {
            starts.push(i + 3);
            i += 3;
        } else {
            i += 1;
        }
    }
    let mut units = Vec::new();
    for (n, &start) in starts.iter().enumerate() {
        let mut end = starts.get(n + 1).map_or(data.len(), |next| next - 3);
        // A 4-byte start code leaves a zero before the next 3-byte one.
        while end > start && data[end - 1] == 0 && n + 1 < starts.len() {
            end -= 1;
        }
        if end > start {
            units.push(&data[start..end]);
        }
    }
    units
}

/// NAL units as AVCC: each with its 4-byte big-endian length.
pub fn to_avcc<'a>(units: impl IntoIterator<Item = &'a [u8]>) -> Vec<u8> {
    let mut out = Vec::new();
    for unit in units {
        out.extend_from_slice(&(unit.len() as u32).to_be_bytes());
        out.extend_from_slice(unit);
    }
    out
}

/// The NAL units of an AVCC frame; `None` if a length runs past the end.
pub fn avcc_units(data: &[u8]) -> Option<Vec<&[u8]>> {
    let mut units = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        let len = u32::from_be_bytes(rest.get(..4)?.try_into().ok()?) as usize;
        let unit = rest.get(4..4 + len)?;
        units.push(unit);
        rest = &rest[4 + len..];
    }
    Some(units)
}

/// NAL units as Annex B (4-byte start codes).
pub fn to_annex_b<'a>(units: impl IntoIterator<Item = &'a [u8]>) -> Vec<u8> {
    let mut out = Vec::new();
    for unit in units {
        out.extend_from_slice(&[0, 0, 0, 1]);
        out.extend_from_slice(unit);
    }
    out
}

/// The unit's type (the low five bits of its first byte).
pub fn unit_type(unit: &[u8]) -> u8 {
    unit.first().map_or(0, |b| b & 0x1F)
}

/// An AVCDecoderConfigurationRecord with one SPS and one PPS.
pub fn avc_config(sps: &[u8], pps: &[u8]) -> Vec<u8> {
    let mut out = vec![
        1,
        sps.get(1).copied().unwrap_or(0x42),
        sps.get(2).copied().unwrap_or(0),
        sps.get(3).copied().unwrap_or(0x1E),
        0xFF, // 4-byte lengths
        0xE1, // one SPS
    ];
    out.extend_from_slice(&(sps.len() as u16).to_be_bytes());
    out.extend_from_slice(sps);
    out.push(1);
    out.extend_from_slice(&(pps.len() as u16).to_be_bytes());
    out.extend_from_slice(pps);
    out
}

/// The parameter sets (SPS and PPS units) of an AVCDecoderConfigurationRecord.
pub fn parameter_sets(config: &[u8]) -> Vec<&[u8]> {
    let mut sets = Vec::new();
    let Some(&count) = config.get(5) else {
        return sets;
    };
    let mut at = 6;
    let read = |at: &mut usize| -> Option<&[u8]> {
        let len = u16::from_be_bytes(config.get(*at..*at + 2)?.try_into().ok()?) as usize;
        let unit = config.get(*at + 2..*at + 2 + len)?;
        *at += 2 + len;
        Some(unit)
    };
    for _ in 0..(count & 0x1F) {
        match read(&mut at) {
            Some(unit) => sets.push(unit),
            None => return sets,
        }
    }
    let Some(&pps_count) = config.get(at) else {
        return sets;
    };
    at += 1;
    for _ in 0..pps_count {
        match read(&mut at) {
            Some(unit) => sets.push(unit),
            None => return sets,
        }
    }
    sets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framings_convert_both_ways() {
        let stream = [
            0, 0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x68, 3, 0, 0, 0, 1, 0x65, 4, 5, 6,
        ];
        let units = annex_b_units(&stream);
        assert_eq!(units, [&[0x67, 1, 2][..], &[0x68, 3], &[0x65, 4, 5, 6]]);
        let avcc = to_avcc(units.iter().copied());
        assert_eq!(avcc_units(&avcc).unwrap(), units);
        assert_eq!(annex_b_units(&to_annex_b(units.iter().copied())), units);
        assert!(
            avcc_units(&[0, 0, 0, 9, 1]).is_none(),
            "a length past the end"
        );
        let config = avc_config(units[0], units[1]);
        assert_eq!(config[..4], [1, 1, 2, 0x1E]);
        assert_eq!(parameter_sets(&config), [units[0], units[1]]);
        assert_eq!(unit_type(units[2]), NAL_IDR);
    }
}
