//! Where S3 deliveries land: a folder standing for each bucket, `ROOT/BUCKET/KEY` (or, with no
//! data directory, memory), with each object's metadata kept beside it for the S3 view. No key
//! can leave its bucket's folder: key segments the file system would read as navigation (`..`,
//! `.`, empty) are escaped, reversibly.

use bytes::Bytes;
use md5::Digest;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What S3 would answer about an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectMeta {
    /// Size in bytes.
    pub size: u64,
    /// Content-Encoding, if any.
    pub content_encoding: Option<&'static str>,
    /// When it was written, epoch ms (virtual time).
    pub last_modified_ms: i64,
    /// Records it holds.
    pub records: u64,
    /// The MD5 of its body in hex, as S3's ETag (unknown for a file written before this run).
    pub etag: Option<String>,
    /// What it holds.
    pub role: ObjectRole,
}

/// What a stored object holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ObjectRole {
    /// Delivered (or backed up) records.
    #[default]
    Data,
    /// Error records under the error output prefix.
    ErrorOutput,
    /// A Redshift COPY's manifest: the objects it loads, or skipped.
    Manifest,
}

/// One stored object.
#[derive(Debug, Clone)]
struct Stored {
    meta: ObjectMeta,
    /// The body, when the store keeps bodies in memory.
    body: Option<Bytes>,
}

/// A listing entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectSummary {
    pub key: String,
    pub meta: ObjectMeta,
}

/// The delivered objects of every bucket.
#[derive(Debug, Default)]
pub struct ObjectStore {
    /// The folder standing for all buckets; `None` keeps bodies in memory.
    root: Option<PathBuf>,
    objects: BTreeMap<(String, String), Stored>,
}

impl ObjectStore {
    /// A store writing under `root` (`DATA_DIR/s3`), or in memory.
    pub fn new(root: Option<PathBuf>) -> Self {
        Self {
            root,
            objects: BTreeMap::new(),
        }
    }

    /// The folder standing for the buckets, if any.
    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// Stores an object.
    pub fn put(
        &mut self,
        bucket: &str,
        key: &str,
        body: Vec<u8>,
        meta: ObjectMeta,
    ) -> std::io::Result<()> {
        let body = match &self.root {
            Some(root) => {
                let path = object_path(root, bucket, key)?;
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::write(&path, &body)?;
                None
            }
            None => Some(Bytes::from(body)),
        };
        self.objects
            .insert((bucket.to_owned(), key.to_owned()), Stored { meta, body });
        Ok(())
    }

    /// Keeps an object stored elsewhere (a remote S3) in memory, so it can be listed and read
    /// here as what was delivered.
    pub fn remember(&mut self, bucket: &str, key: &str, body: Vec<u8>, meta: ObjectMeta) {
        let stored = Stored {
            meta,
            body: Some(Bytes::from(body)),
        };
        self.objects
            .insert((bucket.to_owned(), key.to_owned()), stored);
    }

    /// An object's metadata, if it is known.
    pub fn meta(&self, bucket: &str, key: &str) -> Option<&ObjectMeta> {
        self.objects
            .get(&(bucket.to_owned(), key.to_owned()))
            .map(|s| &s.meta)
    }

    /// An object's body: from memory, or read from its file.
    pub fn body(&self, bucket: &str, key: &str) -> std::io::Result<Option<Bytes>> {
        if let Some(body) = self
            .objects
            .get(&(bucket.to_owned(), key.to_owned()))
            .and_then(|s| s.body.clone())
        {
            return Ok(Some(body));
        }
        match &self.root {
            Some(root) => match std::fs::read(object_path(root, bucket, key)?) {
                Ok(bytes) => Ok(Some(Bytes::from(bytes))),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e),
            },
            None => Ok(None),
        }
    }

    /// The objects of `bucket` whose keys start with `prefix`, in key order; a folder-backed
    /// store also lists files written before this run.
    pub fn list(&self, bucket: &str, prefix: &str) -> Vec<ObjectSummary> {
        let mut found: BTreeMap<String, ObjectMeta> = BTreeMap::new();
        if let Some(root) = &self.root {
            walk(
                &root.join(escape_segment(bucket)),
                String::new(),
                &mut |key, size, modified| {
                    if key.starts_with(prefix) {
                        found.insert(
                            key,
                            ObjectMeta {
                                size,
                                content_encoding: None,
                                last_modified_ms: modified,
                                records: 0,
                                etag: None,
                                role: ObjectRole::Data,
                            },
                        );
                    }
                },
            );
        }
        let start = (bucket.to_owned(), prefix.to_owned());
        for ((b, key), stored) in self.objects.range(start..) {
            if b != bucket || !key.starts_with(prefix) {
                break;
            }
            found.insert(key.clone(), stored.meta.clone());
        }
        found
            .into_iter()
            .map(|(key, mut meta)| {
                // A file an earlier run wrote: its ETag is read from the file itself.
                if meta.etag.is_none()
                    && let Ok(Some(body)) = self.body(bucket, &key)
                {
                    meta.etag = Some(format!("{:x}", md5::Md5::digest(&body)));
                }
                ObjectSummary { key, meta }
            })
            .collect()
    }

    /// The objects of `bucket` delivered since the store was made (no folder walk: cheap enough
    /// for every frame), in key order.
    pub fn delivered(&self, bucket: &str) -> impl Iterator<Item = ObjectSummary> + '_ {
        let bucket = bucket.to_owned();
        self.objects
            .range((bucket.clone(), String::new())..)
            .take_while(move |((b, _), _)| *b == bucket)
            .map(|((_, key), stored)| ObjectSummary {
                key: key.clone(),
                meta: stored.meta.clone(),
            })
    }

    /// Every bucket with an object, in name order.
    pub fn buckets(&self) -> Vec<String> {
        let mut names: Vec<String> = self.objects.keys().map(|(b, _)| b.clone()).collect();
        if let Some(entries) = self.root.as_ref().and_then(|r| std::fs::read_dir(r).ok()) {
            names.extend(
                entries
                    .flatten()
                    .filter(|e| e.path().is_dir())
                    .filter_map(|e| e.file_name().to_str().map(unescape_segment)),
            );
        }
        names.sort();
        names.dedup();
        names
    }
}

/// The file of `bucket`/`key` under `root`.
fn object_path(root: &Path, bucket: &str, key: &str) -> std::io::Result<PathBuf> {
    if bucket.is_empty() || bucket.contains('/') {
        return Err(std::io::Error::other(format!(
            "invalid bucket name '{bucket}'"
        )));
    }
    let mut path = root.join(escape_segment(bucket));
    for segment in key.split('/') {
        path.push(escape_segment(segment));
    }
    Ok(path)
}

/// A key segment as a file name: `%` escaped first, then what the file system would read as
/// navigation or cannot hold.
fn escape_segment(segment: &str) -> String {
    let escaped = segment.replace('%', "%25").replace('\0', "%00");
    match escaped.as_str() {
        "" => "%".into(),
        "." => "%2E".into(),
        ".." => "%2E%2E".into(),
        _ => escaped,
    }
}

fn unescape_segment(name: &str) -> String {
    if name == "%" {
        return String::new();
    }
    name.replace("%2E", ".")
        .replace("%00", "\0")
        .replace("%25", "%")
}

fn walk(dir: &Path, key_prefix: String, found: &mut impl FnMut(String, u64, i64)) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Some(name) = entry.file_name().to_str().map(unescape_segment) else {
            continue;
        };
        let key = format!("{key_prefix}{name}");
        let Ok(meta) = entry.metadata() else {
            continue;
        };
        if meta.is_dir() {
            walk(&entry.path(), format!("{key}/"), found);
        } else {
            let modified = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_millis() as i64);
            found(key, meta.len(), modified);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(size: u64) -> ObjectMeta {
        ObjectMeta {
            size,
            content_encoding: None,
            last_modified_ms: 0,
            records: 1,
            etag: None,
            role: ObjectRole::Data,
        }
    }

    #[test]
    fn keys_that_navigate_stay_inside_their_bucket_folder() {
        let dir = std::env::temp_dir().join(format!("kinescope-store-{}", std::process::id()));
        let mut store = ObjectStore::new(Some(dir.clone()));
        for key in [
            "../../escape",
            "/abs/olute",
            "a/./b/../c",
            "100%/x",
            "plain/key",
        ] {
            store
                .put(
                    "bucket",
                    key,
                    key.as_bytes().to_vec(),
                    meta(key.len() as u64),
                )
                .unwrap();
            assert_eq!(store.body("bucket", key).unwrap().unwrap(), key.as_bytes());
        }
        let bucket_dir = dir.join("bucket");
        let mut files = Vec::new();
        walk(&dir, String::new(), &mut |k, _, _| files.push(k));
        assert!(files.iter().all(|f| f.starts_with("bucket/")), "{files:?}");
        assert!(
            bucket_dir
                .join("%2E%2E")
                .join("%2E%2E")
                .join("escape")
                .is_file()
        );
        let keys: Vec<String> = store
            .list("bucket", "")
            .into_iter()
            .map(|o| o.key)
            .collect();
        assert_eq!(
            keys,
            [
                "../../escape",
                "/abs/olute",
                "100%/x",
                "a/./b/../c",
                "plain/key"
            ]
        );
        // A fresh store over the same folder lists what an earlier run wrote.
        let again = ObjectStore::new(Some(dir.clone()));
        assert_eq!(again.list("bucket", "plain/").len(), 1);
        assert_eq!(again.buckets(), ["bucket"]);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn memory_stores_keep_bodies_and_list_by_prefix() {
        let mut store = ObjectStore::new(None);
        store.put("b", "x/1", b"one".to_vec(), meta(3)).unwrap();
        store.put("b", "y/2", b"two".to_vec(), meta(3)).unwrap();
        store.put("c", "x/3", b"three".to_vec(), meta(5)).unwrap();
        assert_eq!(store.list("b", "x/").len(), 1);
        assert_eq!(store.buckets(), ["b", "c"]);
        assert_eq!(store.body("c", "x/3").unwrap().unwrap(), &b"three"[..]);
        assert!(store.body("c", "nope").unwrap().is_none());
    }
}
