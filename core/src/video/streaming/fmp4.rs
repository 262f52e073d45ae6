//! Fragmented MP4 for HLS and DASH sessions (reference C.5): the init segment is `ftyp` + `moov`
//! with nothing but the video track's codec private data; a media segment is one fragment's
//! frames as `moof` + `mdat`, timed in milliseconds (Matroska's scale) from the producer clock, so
//! consecutive segments line up without rescaling.

use crate::video::fragment::Fragment;
use crate::video::mkv::reader::{Frame, Track};
use mp4_atom::{
    Atom, Avc1, Avcc, Dinf, Dref, Encode, Ftyp, Hdlr, Hvc1, Hvcc, Mdat, Mdhd, Mdia, Mfhd, Minf,
    Moof, Moov, Mvex, Mvhd, Stbl, Stco, Stsd, Tfdt, Tfhd, Tkhd, Traf, Trak, Trex, Trun, TrunEntry,
    Url, Visual, Vmhd,
};

/// Ticks per second of every timestamp in the segments: Matroska's milliseconds.
pub const TIMESCALE: u32 = 1_000;
/// The track id the video has in the segments (and `TrackNumber` in the URLs).
pub const VIDEO_TRACK: u32 = 1;

/// sample_depends_on = 2: a sync sample.
const KEY_FRAME_FLAGS: u32 = 0x0200_0000;
/// sample_depends_on = 1, sample_is_non_sync_sample.
const DELTA_FRAME_FLAGS: u32 = 0x0101_0000;

/// Why a track cannot be played over HLS or DASH; each is an error code of the archived-media API.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SegmentError {
    #[error(
        "Track {0} is {1}: HLS and DASH play H.264 (V_MPEG4/ISO/AVC) or H.265 (V_MPEGH/ISO/HEVC) video in track 1."
    )]
    UnsupportedCodec(u64, String),
    #[error("Track {0} has no codec private data.")]
    MissingCodecPrivateData(u64),
    #[error("The codec private data of track {0} is not a valid {1} configuration record.")]
    InvalidCodecPrivateData(u64, &'static str),
    #[error("The segment could not be written: {0}")]
    Encode(String),
}

/// A video track's decoder configuration, read from its codec private data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VideoConfig {
    Avc(Avcc),
    Hevc(Hvcc),
}

impl VideoConfig {
    /// The configuration of `track`, if HLS and DASH can carry it. AWS's pages print
    /// `V_MPEG/ISO/AVC` and `V_MPEG/ISO/HEVC` (a typo of the Matroska IDs producers send): both
    /// spellings are taken.
    pub fn of(track: &Track) -> Result<Self, SegmentError> {
        let avc = matches!(
            track.codec_id.as_str(),
            "V_MPEG4/ISO/AVC" | "V_MPEG/ISO/AVC"
        );
        let hevc = matches!(
            track.codec_id.as_str(),
            "V_MPEGH/ISO/HEVC" | "V_MPEG/ISO/HEVC"
        );
        if !avc && !hevc {
            return Err(SegmentError::UnsupportedCodec(
                track.number,
                track.codec_id.clone(),
            ));
        }
        if track.codec_private.is_empty() {
            return Err(SegmentError::MissingCodecPrivateData(track.number));
        }
        let body = &mut track.codec_private.as_slice();
        match avc {
            true => Avcc::decode_body(body)
                .map(Self::Avc)
                .map_err(|_| SegmentError::InvalidCodecPrivateData(track.number, "AVC")),
            false => Hvcc::decode_body(body)
                .map(Self::Hevc)
                .map_err(|_| SegmentError::InvalidCodecPrivateData(track.number, "HEVC")),
        }
    }

    /// The RFC 6381 `codecs` value players match against (`avc1.64001f`, `hvc1.1.6.L93.B0`).
    pub fn codecs(&self) -> String {
        match self {
            Self::Avc(avcc) => format!(
                "avc1.{:02x}{:02x}{:02x}",
                avcc.avc_profile_indication, avcc.profile_compatibility, avcc.avc_level_indication
            ),
            Self::Hevc(hvcc) => {
                let space = ["", "A", "B", "C"][usize::from(hvcc.general_profile_space & 3)];
                let compatibility =
                    u32::from_be_bytes(hvcc.general_profile_compatibility_flags).reverse_bits();
                let tier = if hvcc.general_tier_flag { 'H' } else { 'L' };
                let mut codecs = format!(
                    "hvc1.{space}{}.{compatibility:x}.{tier}{}",
                    hvcc.general_profile_idc, hvcc.general_level_idc
                );
                let flags = &hvcc.general_constraint_indicator_flags;
                let used = flags.iter().rposition(|b| *b != 0).map_or(0, |p| p + 1);
                for byte in &flags[..used] {
                    codecs.push_str(&format!(".{byte:X}"));
                }
                codecs
            }
        }
    }
}

fn encoded(atom: &impl Encode, out: &mut Vec<u8>) -> Result<(), SegmentError> {
    atom.encode(out)
        .map_err(|e| SegmentError::Encode(e.to_string()))
}

/// The init segment of `track`: `ftyp` + `moov` with its sample entry and no samples.
pub fn init_segment(track: &Track) -> Result<Vec<u8>, SegmentError> {
    let config = VideoConfig::of(track)?;
    let width = track.width.unwrap_or(0).min(u64::from(u16::MAX)) as u16;
    let height = track.height.unwrap_or(0).min(u64::from(u16::MAX)) as u16;
    let visual = Visual {
        width,
        height,
        ..Default::default()
    };
    let sample_entry = match config {
        VideoConfig::Avc(avcc) => Avc1 {
            visual,
            avcc,
            ..Default::default()
        }
        .into(),
        VideoConfig::Hevc(hvcc) => Hvc1 {
            visual,
            hvcc,
            ..Default::default()
        }
        .into(),
    };
    let trak = Trak {
        tkhd: Tkhd {
            track_id: VIDEO_TRACK,
            enabled: true,
            in_movie: true,
            width: width.into(),
            height: height.into(),
            ..Default::default()
        },
        mdia: Mdia {
            mdhd: Mdhd {
                timescale: TIMESCALE,
                language: "und".into(),
                ..Default::default()
            },
            hdlr: Hdlr {
                handler: b"vide".into(),
                name: "Kinescope Video Handler".into(),
            },
            minf: Minf {
                vmhd: Some(Vmhd::default()),
                dinf: Dinf {
                    dref: Dref {
                        entries: vec![Url::default().into()],
                    },
                },
                stbl: Stbl {
                    stsd: Stsd {
                        codecs: vec![sample_entry],
                    },
                    stco: Some(Stco::default()),
                    ..Default::default()
                },
                ..Default::default()
            },
        },
        ..Default::default()
    };
    let moov = Moov {
        mvhd: Mvhd {
            timescale: TIMESCALE,
            next_track_id: VIDEO_TRACK + 1,
            ..Default::default()
        },
        mvex: Some(Mvex {
            mehd: None,
            trex: vec![Trex {
                track_id: VIDEO_TRACK,
                default_sample_description_index: 1,
                ..Default::default()
            }],
        }),
        trak: vec![trak],
        ..Default::default()
    };
    let ftyp = Ftyp {
        major_brand: b"iso6".into(),
        minor_version: 0,
        compatible_brands: vec![b"iso6".into(), b"cmfc".into(), b"mp41".into()],
    };
    let mut out = Vec::new();
    encoded(&ftyp, &mut out)?;
    encoded(&moov, &mut out)?;
    Ok(out)
}

/// Decode times of `frames`, which Matroska stores in decode order stamped with presentation
/// times: with reordered (B-) frames the decode times are the presentation times sorted.
fn decode_times(frames: &[&Frame]) -> Vec<i64> {
    let mut times: Vec<i64> = frames.iter().map(|f| f.timecode_ms).collect();
    times.sort_unstable();
    times
}

/// One fragment's frames of track `track_number` as `moof` + `mdat`, the `sequence`-th of its
/// session.
pub fn media_segment(
    fragment: &Fragment,
    track_number: u64,
    sequence: u32,
) -> Result<Vec<u8>, SegmentError> {
    let frames: Vec<&Frame> = fragment
        .frames
        .iter()
        .filter(|f| f.track == track_number)
        .collect();
    let decode = decode_times(&frames);
    let end = fragment.producer_ms + fragment.duration_ms;
    let samples: Vec<TrunEntry> = frames
        .iter()
        .enumerate()
        .map(|(i, frame)| {
            let next = decode.get(i + 1).copied().unwrap_or(end);
            TrunEntry {
                duration: Some((next - decode[i]).clamp(1, i64::from(u32::MAX)) as u32),
                size: Some(frame.data.len() as u32),
                flags: Some(match frame.keyframe {
                    true => KEY_FRAME_FLAGS,
                    false => DELTA_FRAME_FLAGS,
                }),
                cts: Some(frame.timecode_ms - decode[i]),
            }
        })
        .collect();
    let mut moof = Moof {
        mfhd: Mfhd {
            sequence_number: sequence,
        },
        traf: vec![Traf {
            tfhd: Tfhd {
                track_id: VIDEO_TRACK,
                default_base_is_moof: true,
                ..Default::default()
            },
            tfdt: Some(Tfdt {
                base_media_decode_time: decode.first().copied().unwrap_or(fragment.producer_ms)
                    as u64,
            }),
            trun: vec![Trun {
                data_offset: Some(0),
                samples: samples.into(),
            }],
            ..Default::default()
        }],
    };
    // The samples start past the moof and the mdat's 8-byte header.
    let mut sized = Vec::new();
    encoded(&moof, &mut sized)?;
    moof.traf[0].trun[0].data_offset = Some(sized.len() as i32 + 8);
    let mut out = Vec::with_capacity(sized.len() + fragment.size as usize + 8);
    encoded(&moof, &mut out)?;
    let data: Vec<u8> = frames.iter().flat_map(|f| f.data.iter().copied()).collect();
    encoded(&Mdat { data }, &mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn track(codec_id: &str, codec_private: &[u8]) -> Track {
        Track {
            number: 1,
            uid: 1,
            kind: 1,
            codec_id: codec_id.into(),
            codec_private: codec_private.to_vec(),
            width: Some(64),
            height: Some(48),
        }
    }

    #[test]
    fn tracks_hls_cannot_carry_get_the_archived_media_errors() {
        assert!(matches!(
            VideoConfig::of(&track("V_VP8", b"")),
            Err(SegmentError::UnsupportedCodec(1, _))
        ));
        assert_eq!(
            VideoConfig::of(&track("V_MPEG4/ISO/AVC", b"")),
            Err(SegmentError::MissingCodecPrivateData(1))
        );
        // Garbage, short, and counts that promise more than is there: refused, never a panic.
        for garbage in [
            &b"\x01"[..],
            b"\x01\x64\x00\x1f\xff\xe1\xff\xff",
            b"hello world",
        ] {
            assert_eq!(
                VideoConfig::of(&track("V_MPEG4/ISO/AVC", garbage)),
                Err(SegmentError::InvalidCodecPrivateData(1, "AVC"))
            );
            assert!(VideoConfig::of(&track("V_MPEGH/ISO/HEVC", garbage)).is_err());
        }
    }

    #[test]
    fn avc_codecs_name_profile_compatibility_and_level() {
        // An avcC of profile 100 (High), level 3.1 with one SPS and one PPS.
        let avcc = [
            0x01, 0x64, 0x00, 0x1f, 0xff, 0xe1, 0x00, 0x04, 0x67, 0x64, 0x00, 0x1f, 0x01, 0x00,
            0x02, 0x68, 0xee,
        ];
        let config = VideoConfig::of(&track("V_MPEG/ISO/AVC", &avcc)).unwrap();
        assert_eq!(config.codecs(), "avc1.64001f");
        let init = init_segment(&track("V_MPEG4/ISO/AVC", &avcc)).unwrap();
        assert_eq!(&init[4..8], b"ftyp");
        assert!(init.windows(4).any(|w| w == b"avcC"));
    }
}
