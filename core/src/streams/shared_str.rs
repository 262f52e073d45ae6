//! Text that shares its bytes: a record's partition key read back from a shard's log is a view of
//! the log's bytes, like its data, so reading a record copies neither.

use bytes::Bytes;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// UTF-8 text held in shared bytes. Cloning it counts a reference; it never copies.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SharedStr(Bytes);

impl SharedStr {
    /// The text in `bytes`, if they are UTF-8.
    pub fn from_utf8(bytes: Bytes) -> Option<Self> {
        std::str::from_utf8(&bytes).ok()?;
        Some(Self(bytes))
    }

    /// Text in `bytes` known to be UTF-8 already (a shard log's partition keys, which were
    /// appended from `&str`), without checking again on every read.
    ///
    /// # Safety
    /// `bytes` must be valid UTF-8.
    pub(crate) unsafe fn from_utf8_unchecked(bytes: Bytes) -> Self {
        debug_assert!(std::str::from_utf8(&bytes).is_ok());
        Self(bytes)
    }

    /// Text that lives for the whole program (no allocation, no reference count).
    pub const fn from_static(text: &'static str) -> Self {
        Self(Bytes::from_static(text.as_bytes()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        // SAFETY: every constructor checks or guarantees UTF-8 (`from_utf8` checks, `from_utf8_unchecked`'s
        // callers promise it; the `From`
        // impls start from `str`), and the bytes are immutable.
        unsafe { std::str::from_utf8_unchecked(&self.0) }
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
        Self(Bytes::copy_from_slice(text.as_bytes()))
    }
}

impl From<String> for SharedStr {
    fn from(text: String) -> Self {
        Self(Bytes::from(text))
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
}
