//! Sealed tokens: shard iterators and pagination NextTokens. Opaque to clients, tamper-evident
//! (HMAC-SHA256 with the world's secret), and carrying their issue time for the 300-second expiry.
//! Iterators start with the 8 bytes `00…01`, so like AWS's they begin `AAAAAAAAAAE` (reference A.3).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

const PREFIX: [u8; 8] = [0, 0, 0, 0, 0, 0, 0, 1];
const MAC_LEN: usize = 16;
/// AWS's iterators are at least this many bytes, then grow 16 at a time.
const ITERATOR_MIN_LEN: usize = 152;

/// Tokens expire this long after they were issued (A.3, A.7).
pub const TOKEN_LIFETIME_MS: i64 = 300_000;

/// Seals and opens tokens with one secret.
#[derive(Debug, Clone)]
pub struct TokenSealer {
    secret: [u8; 32],
}

/// Writes fields into a token body.
#[derive(Debug, Default)]
pub struct TokenWriter {
    bytes: Vec<u8>,
}

impl TokenWriter {
    /// Appends an integer.
    pub fn u64(mut self, value: u64) -> Self {
        self.bytes.extend_from_slice(&value.to_be_bytes());
        self
    }

    /// Appends a signed integer.
    pub fn i64(self, value: i64) -> Self {
        self.u64(value as u64)
    }

    /// Appends a string (length-prefixed).
    pub fn str(mut self, value: &str) -> Self {
        self.bytes
            .extend_from_slice(&(value.len() as u32).to_be_bytes());
        self.bytes.extend_from_slice(value.as_bytes());
        self
    }
}

/// Reads fields back out of an opened token, in the order they were written.
#[derive(Debug)]
pub struct TokenReader<'a> {
    bytes: &'a [u8],
}

impl<'a> TokenReader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.bytes.len() < n {
            return None;
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Some(head)
    }

    /// Reads an integer.
    pub fn u64(&mut self) -> Option<u64> {
        Some(u64::from_be_bytes(self.take(8)?.try_into().ok()?))
    }

    /// Reads a signed integer.
    pub fn i64(&mut self) -> Option<i64> {
        self.u64().map(|v| v as i64)
    }

    /// Reads a string.
    pub fn str(&mut self) -> Option<&'a str> {
        let len = u32::from_be_bytes(self.take(4)?.try_into().ok()?) as usize;
        std::str::from_utf8(self.take(len)?).ok()
    }

    /// Whether every field has been read (only the zero padding of a shaped token may follow).
    pub fn is_done(&self) -> bool {
        self.bytes.iter().all(|&b| b == 0)
    }
}

impl TokenSealer {
    /// A sealer with `secret`.
    pub fn new(secret: [u8; 32]) -> Self {
        Self { secret }
    }

    fn mac(&self, kind: u8, body: &[u8]) -> [u8; MAC_LEN] {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes any key length");
        mac.update(&[kind]);
        mac.update(body);
        let full = mac.finalize().into_bytes();
        let mut out = [0u8; MAC_LEN];
        out.copy_from_slice(&full[..MAC_LEN]);
        out
    }

    /// Seals a body of kind `kind` (iterator, list-shards token, ...) into base64 text.
    pub fn seal(&self, kind: u8, body: TokenWriter) -> String {
        let mut bytes = Vec::with_capacity(PREFIX.len() + 1 + body.bytes.len() + MAC_LEN);
        bytes.extend_from_slice(&PREFIX);
        bytes.push(kind);
        bytes.extend_from_slice(&body.bytes);
        let mac = self.mac(kind, &body.bytes);
        bytes.extend_from_slice(&mac);
        STANDARD.encode(bytes)
    }

    /// Seals a shard iterator shaped like AWS's: the body zero-padded so the whole blob is
    /// 152 + 16·k bytes long (kinesis-wire.md §2).
    pub fn seal_iterator(&self, kind: u8, mut body: TokenWriter) -> String {
        let unpadded = PREFIX.len() + 1 + body.bytes.len() + MAC_LEN;
        let shaped = if unpadded <= ITERATOR_MIN_LEN {
            ITERATOR_MIN_LEN
        } else {
            ITERATOR_MIN_LEN + (unpadded - ITERATOR_MIN_LEN).div_ceil(16) * 16
        };
        body.bytes.resize(body.bytes.len() + shaped - unpadded, 0);
        self.seal(kind, body)
    }

    /// Opens a token of kind `kind`; `None` if it is not one this world sealed, or was altered.
    pub fn open<'a>(
        &self,
        kind: u8,
        text: &str,
        scratch: &'a mut Vec<u8>,
    ) -> Option<TokenReader<'a>> {
        *scratch = STANDARD.decode(text).ok()?;
        let min_len = PREFIX.len() + 1 + MAC_LEN;
        if scratch.len() < min_len
            || scratch[..PREFIX.len()] != PREFIX
            || scratch[PREFIX.len()] != kind
        {
            return None;
        }
        let (sealed, mac) = scratch.split_at(scratch.len() - MAC_LEN);
        let body = &sealed[PREFIX.len() + 1..];
        let expected = self.mac(kind, body);
        // Constant-time comparison is not needed for an emulator, but it costs nothing to be tidy.
        let equal = expected
            .iter()
            .zip(mac)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
        equal.then_some(TokenReader { bytes: body })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_token_opens_and_reads_back() {
        let sealer = TokenSealer::new([7; 32]);
        let text = sealer.seal(1, TokenWriter::default().str("orders").u64(42).i64(-5));
        assert!(text.starts_with("AAAAAAAAAAE"), "{text}");
        let mut scratch = Vec::new();
        let mut reader = sealer.open(1, &text, &mut scratch).unwrap();
        assert_eq!(reader.str(), Some("orders"));
        assert_eq!(reader.u64(), Some(42));
        assert_eq!(reader.i64(), Some(-5));
        assert!(reader.is_done());
    }

    #[test]
    fn iterators_are_152_plus_16k_bytes_like_aws() {
        let sealer = TokenSealer::new([7; 32]);
        for name in ["s", &"x".repeat(100), &"y".repeat(128)] {
            let text = sealer.seal_iterator(1, TokenWriter::default().u64(42).str(name));
            let len = STANDARD.decode(&text).unwrap().len();
            assert!(len >= 152 && (len - 152).is_multiple_of(16), "{len}");
            let mut scratch = Vec::new();
            let mut reader = sealer.open(1, &text, &mut scratch).unwrap();
            assert_eq!((reader.u64(), reader.str()), (Some(42), Some(name)));
            assert!(reader.is_done());
        }
    }

    #[test]
    fn an_altered_token_or_another_kind_does_not_open() {
        let sealer = TokenSealer::new([7; 32]);
        let text = sealer.seal(1, TokenWriter::default().u64(42));
        let mut scratch = Vec::new();
        assert!(sealer.open(2, &text, &mut scratch).is_none());
        let mut bytes = STANDARD.decode(&text).unwrap();
        bytes[12] ^= 1;
        assert!(
            sealer
                .open(1, &STANDARD.encode(bytes), &mut scratch)
                .is_none()
        );
        assert!(sealer.open(1, "not base64 at all!", &mut scratch).is_none());
        assert!(
            TokenSealer::new([8; 32])
                .open(1, &text, &mut scratch)
                .is_none()
        );
    }
}
