//! AWS event-stream framing (application/vnd.amazon.eventstream, reference A.12): each message is
//! a prelude (total length, headers length, prelude CRC32), string headers, a payload and a CRC32
//! of the whole message.

/// Header value type 7: a UTF-8 string with a 16-bit length.
const STRING_HEADER: u8 = 7;

/// Encodes one message with string headers.
pub fn encode_message(headers: &[(&str, &str)], payload: &[u8]) -> Vec<u8> {
    let mut header_bytes = Vec::new();
    for (name, value) in headers {
        header_bytes.push(name.len() as u8);
        header_bytes.extend_from_slice(name.as_bytes());
        header_bytes.push(STRING_HEADER);
        header_bytes.extend_from_slice(&(value.len() as u16).to_be_bytes());
        header_bytes.extend_from_slice(value.as_bytes());
    }
    let total = 12 + header_bytes.len() + payload.len() + 4;
    let mut message = Vec::with_capacity(total);
    message.extend_from_slice(&(total as u32).to_be_bytes());
    message.extend_from_slice(&(header_bytes.len() as u32).to_be_bytes());
    let prelude_crc = crc32fast::hash(&message);
    message.extend_from_slice(&prelude_crc.to_be_bytes());
    message.extend_from_slice(&header_bytes);
    message.extend_from_slice(payload);
    let message_crc = crc32fast::hash(&message);
    message.extend_from_slice(&message_crc.to_be_bytes());
    message
}

/// An `event` message of `event_type` carrying `payload` in `content_type`.
pub fn event(event_type: &str, content_type: &str, payload: &[u8]) -> Vec<u8> {
    encode_message(
        &[
            (":message-type", "event"),
            (":event-type", event_type),
            (":content-type", content_type),
        ],
        payload,
    )
}

/// An `exception` message: the stream's error, after which it ends.
pub fn exception(exception_type: &str, content_type: &str, payload: &[u8]) -> Vec<u8> {
    encode_message(
        &[
            (":message-type", "exception"),
            (":exception-type", exception_type),
            (":content-type", content_type),
        ],
        payload,
    )
}

/// One decoded message (for tests and tools).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Headers in order.
    pub headers: Vec<(String, String)>,
    /// Payload bytes.
    pub payload: Vec<u8>,
}

/// Decodes the first message of `bytes`; returns it and the bytes it used, or `None` if `bytes`
/// does not start with a complete, valid message.
pub fn decode_message(bytes: &[u8]) -> Option<(Message, usize)> {
    let word = |at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
    };
    let total = word(0)? as usize;
    let headers_len = word(4)? as usize;
    if total < 16 || bytes.len() < total || 12 + headers_len + 4 > total {
        return None;
    }
    if word(8)? != crc32fast::hash(&bytes[..8])
        || word(total - 4)? != crc32fast::hash(&bytes[..total - 4])
    {
        return None;
    }
    let mut headers = Vec::new();
    let mut at = 12;
    while at < 12 + headers_len {
        let name_len = *bytes.get(at)? as usize;
        let name = std::str::from_utf8(bytes.get(at + 1..at + 1 + name_len)?).ok()?;
        at += 1 + name_len;
        if *bytes.get(at)? != STRING_HEADER {
            return None;
        }
        let value_len = u16::from_be_bytes(bytes.get(at + 1..at + 3)?.try_into().ok()?) as usize;
        let value = std::str::from_utf8(bytes.get(at + 3..at + 3 + value_len)?).ok()?;
        at += 3 + value_len;
        headers.push((name.to_owned(), value.to_owned()));
    }
    let payload = bytes[12 + headers_len..total - 4].to_vec();
    Some((Message { headers, payload }, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_round_trips_and_its_crcs_check() {
        let bytes = event("SubscribeToShardEvent", "application/x-amz-json-1.1", b"{}");
        let (message, used) = decode_message(&bytes).unwrap();
        assert_eq!(used, bytes.len());
        assert_eq!(message.headers[0], (":message-type".into(), "event".into()));
        assert_eq!(message.payload, b"{}");
        let mut corrupt = bytes.clone();
        corrupt[20] ^= 1;
        assert!(decode_message(&corrupt).is_none());
        assert!(decode_message(&bytes[..bytes.len() - 1]).is_none());
    }
}
