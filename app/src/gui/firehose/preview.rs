//! A delivered object's contents: Parquet and ORC as a table of their first rows; anything else
//! decompressed by its Content-Encoding, then its first lines as text (records Firehose
//! concatenated without a delimiter are shown one JSON object a line), or a hex dump.

use kinescope_core::World;
use kinescope_core::firehose::conversion::preview::{RowsPreview, is_columnar, read_rows};
use kinescope_core::firehose::destination::CompressionFormat;

/// Characters of a preview at most.
const PREVIEW_CHARS: usize = 64 * 1024;
/// Bytes a hex dump shows.
const HEX_BYTES: usize = 512;
/// Rows of a Parquet or ORC object shown.
const PREVIEW_ROWS: usize = 200;

/// What the preview shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Preview {
    Text(String),
    Rows(RowsPreview),
}

/// An object's bytes as stored, and how they are encoded.
pub struct Fetched {
    body: bytes::Bytes,
    encoding: Option<&'static str>,
}

/// Takes `bucket`/`key` out of the store (while the world is locked: only the bytes, shared),
/// or says why it cannot.
pub fn fetch(world: &World, bucket: &str, key: &str) -> Result<Fetched, String> {
    let body = match world.objects().body(bucket, key) {
        Ok(Some(body)) => body,
        Ok(None) => return Err(format!("s3://{bucket}/{key} is gone.")),
        Err(e) => return Err(format!("Cannot read s3://{bucket}/{key}: {e}")),
    };
    let encoding = world
        .objects()
        .meta(bucket, key)
        .and_then(|m| m.content_encoding);
    Ok(Fetched { body, encoding })
}

/// The preview of a fetched object (decompressed after the world's lock is released), or why
/// there is none.
pub fn preview(fetched: Result<Fetched, String>) -> Preview {
    let Fetched { body, encoding } = match fetched {
        Ok(fetched) => fetched,
        Err(reason) => return Preview::Text(reason),
    };
    if is_columnar(&body) {
        return match read_rows(&body, PREVIEW_ROWS) {
            Ok(rows) => Preview::Rows(rows),
            Err(e) => Preview::Text(format!("Cannot read the columnar object: {e}")),
        };
    }
    Preview::Text(text_of(&body, encoding))
}

fn text_of(body: &[u8], encoding: Option<&'static str>) -> String {
    let format = CompressionFormat::of_content_encoding(encoding).unwrap_or_default();
    let data = match format.decompress(body) {
        Ok(data) => data,
        Err(e) => return format!("Cannot decompress ({encoding:?}): {e}"),
    };
    match std::str::from_utf8(&data) {
        Ok(text) => {
            let mut shown: String = text
                .replace("}{", "}\n{")
                .chars()
                .take(PREVIEW_CHARS)
                .collect();
            if shown.len() < text.len() {
                shown.push_str("\n…");
            }
            shown
        }
        Err(_) => hex_dump(&data),
    }
}

fn hex_dump(data: &[u8]) -> String {
    let mut out = String::new();
    for (row, chunk) in data.chunks(16).take(HEX_BYTES / 16).enumerate() {
        let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
        let text: String = chunk
            .iter()
            .map(|&b| if b.is_ascii_graphic() { b as char } else { '.' })
            .collect();
        out.push_str(&format!("{:08x}  {:<48} {text}\n", row * 16, hex.join(" ")));
    }
    if data.len() > HEX_BYTES {
        out.push_str(&format!("… {} bytes in all\n", data.len()));
    }
    out
}
