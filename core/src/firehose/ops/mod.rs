//! Firehose's operations, one file per group, each a typed command.

pub mod destination_check;
pub mod encryption;
pub mod flush;
pub mod lifecycle;
pub mod put;
pub mod tags;
pub mod update;

/// The first `limit` items, and whether more follow (the `HasMore…` of Firehose's listings).
pub(crate) fn page<T>(mut items: impl Iterator<Item = T>, limit: usize) -> (Vec<T>, bool) {
    let first: Vec<T> = items.by_ref().take(limit).collect();
    (first, items.next().is_some())
}
