//! Fuzzes the Matroska reader PutMedia bodies go through: any bytes, in any split, must read as
//! events or a clean error — never a panic, never more held than a fragment may be — and reading
//! them whole or in two pieces must agree.
#![no_main]

use kinescope_core::video::mkv::reader::MkvReader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [split, body @ ..] = data else { return };
    let at = (*split as usize * body.len()) / 256;
    let whole = MkvReader::read_pieces(&[body]);
    let pieces = MkvReader::read_pieces(&[&body[..at], &body[at..]]);
    assert_eq!(whole.is_ok(), pieces.is_ok());
    if let (Ok(a), Ok(b)) = (whole, pieces) {
        assert_eq!(a, b);
    }
});
