//! Compression of delivered objects (reference B.4): GZIP, ZIP (one deflated entry named with a
//! UUID), `Snappy` in snappy-java's stream framing and `HADOOP_SNAPPY` in Hadoop's block framing,
//! with the extension and Content-Encoding AWS gives each.

use super::destination::CompressionFormat;
use std::io::Write;

/// snappy-java's stream header: magic, then version 1 and compatible version 1 (big-endian).
const SNAPPY_JAVA_HEADER: [u8; 16] = [
    0x82, b'S', b'N', b'A', b'P', b'P', b'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1,
];
/// snappy-java's default block size.
const SNAPPY_JAVA_BLOCK: usize = 32 * 1024;
/// Uncompressed bytes per Hadoop block.
const HADOOP_BLOCK: usize = 64 * 1024;

impl CompressionFormat {
    /// The extension AWS gives an object (HADOOP_SNAPPY delivers `.snappy`, not the documented
    /// `.hsnappy` [obs]).
    pub fn extension(self) -> &'static str {
        match self {
            Self::Uncompressed => "",
            Self::Gzip => ".gz",
            Self::Zip => ".zip",
            Self::Snappy | Self::HadoopSnappy => ".snappy",
        }
    }

    /// The object's Content-Encoding [obs].
    pub fn content_encoding(self) -> Option<&'static str> {
        match self {
            Self::Uncompressed => None,
            Self::Gzip => Some("gzip"),
            Self::Zip => Some("zip"),
            Self::Snappy => Some("snappy-java"),
            Self::HadoopSnappy => Some("hadoop-snappy"),
        }
    }

    /// Compresses `data`; `entry_name` names the ZIP entry.
    pub fn compress(self, data: &[u8], entry_name: &str) -> std::io::Result<Vec<u8>> {
        match self {
            Self::Uncompressed => Ok(data.to_vec()),
            Self::Gzip => {
                let mut encoder =
                    flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                encoder.write_all(data)?;
                encoder.finish()
            }
            Self::Zip => zip_one_entry(data, entry_name),
            Self::Snappy => snappy_java(data),
            Self::HadoopSnappy => hadoop_snappy(data),
        }
    }
}

impl CompressionFormat {
    /// The format an object's Content-Encoding names (none: uncompressed).
    pub fn of_content_encoding(encoding: Option<&str>) -> Option<CompressionFormat> {
        match encoding {
            None => Some(Self::Uncompressed),
            Some("gzip") => Some(Self::Gzip),
            Some("zip") => Some(Self::Zip),
            Some("snappy-java") => Some(Self::Snappy),
            Some("hadoop-snappy") => Some(Self::HadoopSnappy),
            Some(_) => None,
        }
    }

    /// Reads back what [`CompressionFormat::compress`] wrote (a ZIP's first entry).
    pub fn decompress(self, body: &[u8]) -> std::io::Result<Vec<u8>> {
        use std::io::Read;
        let bad =
            |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
        let snappy_block = |block: &[u8]| {
            snap::raw::Decoder::new()
                .decompress_vec(block)
                .map_err(std::io::Error::other)
        };
        let be32 =
            |bytes: &[u8]| u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
        let mut out = Vec::new();
        match self {
            Self::Uncompressed => out.extend_from_slice(body),
            Self::Gzip => {
                flate2::read::GzDecoder::new(body).read_to_end(&mut out)?;
            }
            Self::Zip => {
                let mut archive = zip::ZipArchive::new(std::io::Cursor::new(body))
                    .map_err(std::io::Error::other)?;
                archive
                    .by_index(0)
                    .map_err(std::io::Error::other)?
                    .read_to_end(&mut out)?;
            }
            Self::Snappy => {
                let mut rest = body
                    .strip_prefix(&SNAPPY_JAVA_HEADER[..])
                    .ok_or_else(|| bad("not a snappy-java stream"))?;
                while !rest.is_empty() {
                    if rest.len() < 4 || rest.len() < 4 + be32(rest) {
                        return Err(bad("a snappy-java block is cut short"));
                    }
                    let len = be32(rest);
                    out.extend(snappy_block(&rest[4..4 + len])?);
                    rest = &rest[4 + len..];
                }
            }
            Self::HadoopSnappy => {
                let mut rest = body;
                while !rest.is_empty() {
                    if rest.len() < 8 || rest.len() < 8 + be32(&rest[4..]) {
                        return Err(bad("a Hadoop snappy block is cut short"));
                    }
                    let len = be32(&rest[4..]);
                    out.extend(snappy_block(&rest[8..8 + len])?);
                    rest = &rest[8 + len..];
                }
            }
        }
        Ok(out)
    }
}

fn zip_one_entry(data: &[u8], entry_name: &str) -> std::io::Result<Vec<u8>> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(data.len() as u64 >= u32::MAX as u64);
    writer
        .start_file(entry_name, options)
        .map_err(std::io::Error::other)?;
    writer.write_all(data)?;
    let cursor = writer.finish().map_err(std::io::Error::other)?;
    Ok(cursor.into_inner())
}

fn snappy_java(data: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = SNAPPY_JAVA_HEADER.to_vec();
    let mut encoder = snap::raw::Encoder::new();
    for block in data.chunks(SNAPPY_JAVA_BLOCK) {
        let compressed = encoder.compress_vec(block).map_err(std::io::Error::other)?;
        out.extend_from_slice(&(compressed.len() as u32).to_be_bytes());
        out.extend_from_slice(&compressed);
    }
    Ok(out)
}

fn hadoop_snappy(data: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut encoder = snap::raw::Encoder::new();
    for block in data.chunks(HADOOP_BLOCK) {
        let compressed = encoder.compress_vec(block).map_err(std::io::Error::other)?;
        out.extend_from_slice(&(block.len() as u32).to_be_bytes());
        out.extend_from_slice(&(compressed.len() as u32).to_be_bytes());
        out.extend_from_slice(&compressed);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn sample() -> Vec<u8> {
        (0..200_000u32)
            .flat_map(|i| format!("{{\"n\":{i}}}\n").into_bytes())
            .collect()
    }

    #[test]
    fn gzip_and_zip_read_back() {
        let data = sample();
        let gz = CompressionFormat::Gzip.compress(&data, "x").unwrap();
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, data);
        let zipped = CompressionFormat::Zip.compress(&data, "entry-id").unwrap();
        assert_eq!(CompressionFormat::Zip.decompress(&zipped).unwrap(), data);
        assert_eq!(CompressionFormat::Gzip.decompress(&gz).unwrap(), data);
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zipped)).unwrap();
        assert_eq!(archive.len(), 1);
        let mut entry = archive.by_index(0).unwrap();
        assert_eq!(entry.name().unwrap(), "entry-id");
        assert_eq!(entry.compression(), zip::CompressionMethod::Deflated);
        let mut back = Vec::new();
        entry.read_to_end(&mut back).unwrap();
        assert_eq!(back, data);
    }

    #[test]
    fn snappy_framings_hold_blocks_that_decompress_back() {
        let data = sample();
        let java = CompressionFormat::Snappy.compress(&data, "").unwrap();
        assert_eq!(&java[..16], &SNAPPY_JAVA_HEADER);
        let (mut rest, mut back) = (&java[16..], Vec::new());
        while !rest.is_empty() {
            let len = u32::from_be_bytes(rest[..4].try_into().unwrap()) as usize;
            back.extend(
                snap::raw::Decoder::new()
                    .decompress_vec(&rest[4..4 + len])
                    .unwrap(),
            );
            rest = &rest[4 + len..];
        }
        assert_eq!(back, data);
        assert_eq!(CompressionFormat::Snappy.decompress(&java).unwrap(), data);
        let hadoop = CompressionFormat::HadoopSnappy.compress(&data, "").unwrap();
        assert_eq!(
            CompressionFormat::HadoopSnappy.decompress(&hadoop).unwrap(),
            data
        );
        assert!(
            CompressionFormat::HadoopSnappy
                .decompress(&hadoop[..hadoop.len() - 1])
                .is_err()
        );
        assert!(CompressionFormat::Snappy.decompress(b"not snappy").is_err());
        let (mut rest, mut back) = (&hadoop[..], Vec::new());
        while !rest.is_empty() {
            let raw = u32::from_be_bytes(rest[..4].try_into().unwrap()) as usize;
            let len = u32::from_be_bytes(rest[4..8].try_into().unwrap()) as usize;
            let block = snap::raw::Decoder::new()
                .decompress_vec(&rest[8..8 + len])
                .unwrap();
            assert_eq!(block.len(), raw);
            back.extend(block);
            rest = &rest[8 + len..];
        }
        assert_eq!(back, data);
    }
}
