//! Text that shares its bytes: a record's partition key read back from a shard's log is a view of
//! the log's bytes, like its data, so reading a record copies neither. Short text (most partition
//! keys) is held inline instead: copying a few bytes costs less than counting a reference, which
//! is an atomic increment on every read and a decrement on every drop.

use bytes::Bytes;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Range;

/// Longest text held inline (so the whole value stays the size of a [`Bytes`]).
const INLINE_MAX: usize = 22;

#[derive(Clone)]
enum Repr {
    Inline { len: u8, bytes: [u8; INLINE_MAX] },
    Shared(Bytes),
}

/// UTF-8 text: inline when short, otherwise in shared bytes. Cloning never copies long text.
#[derive(Clone)]
pub struct SharedStr(Repr);

impl SharedStr {
    /// Holds `text` inline if it is short enough.
    fn inline(text: &[u8]) -> Option<Self> {
        let mut bytes = [0u8; INLINE_MAX];
        bytes.get_mut(..text.len())?.copy_from_slice(text);
        Some(Self(Repr::Inline {
            len: text.len() as u8,
            bytes,
        }))
    }

    /// The text in `bytes`, if they are UTF-8.
    pub fn from_utf8(bytes: Bytes) -> Option<Self> {
        std::str::from_utf8(&bytes).ok()?;
        Some(Self::inline(&bytes).unwrap_or(Self(Repr::Shared(bytes))))
    }

    /// The text at `range` of `chunk`, known to be UTF-8 already (a shard log's partition keys,
    /// which were appended from `&str`), without checking again on every read; a view of the
    /// chunk unless it is short.
    ///
    /// # Safety
    /// `chunk[range]` must be valid UTF-8.
    pub(crate) unsafe fn from_utf8_unchecked(chunk: &Bytes, range: Range<usize>) -> Self {
        debug_assert!(std::str::from_utf8(&chunk[range.clone()]).is_ok());
        Self::inline(&chunk[range.clone()])
            .unwrap_or_else(|| Self(Repr::Shared(chunk.slice(range))))
    }

    /// Text that lives for the whole program (no allocation, no reference count).
    pub const fn from_static(text: &'static str) -> Self {
        Self(Repr::Shared(Bytes::from_static(text.as_bytes())))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        let bytes = match &self.0 {
            Repr::Inline { len, bytes } => &bytes[..usize::from(*len)],
            Repr::Shared(bytes) => &bytes[..],
        };
        // SAFETY: every constructor checks or guarantees UTF-8 (`from_utf8` checks,
        // `from_utf8_unchecked`'s callers promise it, the `From` impls start from `str`), an
        // inline copy takes whole text, and the bytes are immutable.
        unsafe { std::str::from_utf8_unchecked(bytes) }
    }
}

impl Default for SharedStr {
    fn default() -> Self {
        Self::from_static("")
    }
}

impl PartialEq for SharedStr {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for SharedStr {}

impl PartialOrd for SharedStr {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SharedStr {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for SharedStr {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl std::ops::Deref for SharedStr {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for SharedStr {
    fn from(text: &str) -> Self {
        Self::inline(text.as_bytes())
            .unwrap_or_else(|| Self(Repr::Shared(Bytes::copy_from_slice(text.as_bytes()))))
    }
}

impl From<String> for SharedStr {
    fn from(text: String) -> Self {
        Self::inline(text.as_bytes()).unwrap_or_else(|| Self(Repr::Shared(Bytes::from(text))))
    }
}

impl From<SharedStr> for String {
    fn from(text: SharedStr) -> Self {
        text.as_str().to_owned()
    }
}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for SharedStr {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for SharedStr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for SharedStr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_reads_and_serializes_as_a_string() {
        let text = SharedStr::from_utf8(Bytes::from_static(b"user-1")).unwrap();
        assert_eq!(text, "user-1");
        assert_eq!(text.len(), 6);
        assert_eq!(serde_json::to_string(&text).unwrap(), "\"user-1\"");
        assert_eq!(format!("{text} {text:?}"), "user-1 \"user-1\"");
        assert_eq!(
            serde_json::from_str::<SharedStr>("\"user-1\"").unwrap(),
            text
        );
        assert_eq!(SharedStr::from_static("user-1"), text);
        assert!(SharedStr::from_utf8(Bytes::from_static(&[0xff, 0xfe])).is_none());
    }

    #[test]
    fn short_and_long_text_compare_and_hash_by_their_characters() {
        use std::collections::hash_map::DefaultHasher;
        let hash = |t: &SharedStr| {
            let mut h = DefaultHasher::new();
            t.hash(&mut h);
            h.finish()
        };
        let long = "a partition key longer than twenty-two bytes";
        let chunk = Bytes::from(format!("xx{long}user-1"));
        // SAFETY: the chunk is ASCII.
        let (viewed, short) = unsafe {
            (
                SharedStr::from_utf8_unchecked(&chunk, 2..2 + long.len()),
                SharedStr::from_utf8_unchecked(&chunk, 2 + long.len()..chunk.len()),
            )
        };
        assert_eq!(viewed, SharedStr::from(long.to_owned()));
        assert_eq!(hash(&viewed), hash(&SharedStr::from(long)));
        assert_eq!(short, SharedStr::from_static("user-1"));
        assert_eq!(hash(&short), hash(&SharedStr::from_static("user-1")));
        assert!(short > viewed && SharedStr::default() < short);
        assert_eq!(SharedStr::default(), "");
        let exactly = "k".repeat(INLINE_MAX);
        assert_eq!(SharedStr::from(exactly.as_str()), exactly.as_str());
        assert_eq!(SharedStr::from(format!("{exactly}k")).len(), INLINE_MAX + 1);
        assert_eq!(
            std::mem::size_of::<SharedStr>(),
            std::mem::size_of::<Bytes>()
        );
    }
}
