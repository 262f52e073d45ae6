//! Matroska as Kinesis Video Streams speaks it (reference C.3, C.4): EBML variable-length
//! integers and elements (`ebml`), the element ids used (`ids`), an incremental reader that turns
//! a PutMedia body, as it arrives, into track headers and one fragment per Cluster (`reader`), and
//! the writer GetMedia's complete-document chunks are made with (`writer`).

pub mod ebml;
pub mod ids;
pub mod reader;
pub mod writer;
