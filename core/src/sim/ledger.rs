//! The invariant checker of one consumer application: every record handed to the application is
//! entered here as it happens, so that order, loss and duplicates are checked at every step rather
//! than reconstructed afterwards.
//!
//! - Per partition key, records must arrive in sequence order: within a shard by position, and
//!   across a reshard parent before child (a key lives in exactly one open shard at a time);
//!   `key_order` keeps what that check remembers.
//! - Nothing in the stream is skipped: when the application says it is done with a shard up to
//!   some point ([`Ledger::settle_through`]), every record before that point still in the log must
//!   have been delivered. Records that expired by retention before delivery are counted apart.
//! - Records delivered again (restarts, retries) are counted as duplicates.
//!
//! Positions are shard ordinals (dense, from 0), so a shard's ledger is a settled mark plus the few
//! delivered ranges above it: memory stays constant however long the run.

use super::key_order::{KeyOrder, Position, ancestors};
use super::kpl;
use crate::streams::log::RecordLog;
use crate::streams::record_page::{RecordPage, RecordRef};
use crate::streams::shapes::{Record, ShardId};
use crate::streams::shard::ShardState;
use crate::streams::stream::StreamState;
use crate::world::World;
use rustc_hash::FxHashMap;

/// What the ledger reads of a record handed to an application, whether it came in a page or
/// was kept as a [`Record`] (a Lambda batch).
pub trait Handed {
    /// The record's per-shard sequence counter.
    fn counter(&self) -> u64;
    /// Its partition key.
    fn partition_key(&self) -> &str;
    /// Its data.
    fn data(&self) -> &[u8];
}

impl Handed for &Record {
    fn counter(&self) -> u64 {
        self.sequence_number.counter
    }
    fn partition_key(&self) -> &str {
        &self.partition_key
    }
    fn data(&self) -> &[u8] {
        &self.data.0
    }
}

impl Handed for RecordRef<'_> {
    fn counter(&self) -> u64 {
        RecordRef::counter(self)
    }
    fn partition_key(&self) -> &str {
        RecordRef::partition_key(self)
    }
    fn data(&self) -> &[u8] {
        RecordRef::data(self)
    }
}

#[derive(Debug, Clone, Default)]
struct ShardLedger {
    /// Every ordinal below this was delivered, lost or expired; `None` until the application
    /// starts on the shard.
    settled: Option<u64>,
    /// Delivered ordinal ranges at or above `settled`, sorted, disjoint, end-exclusive.
    delivered: Vec<(u64, u64)>,
    /// The ordinal the next delivered record most likely has.
    next_hint: u64,
}

impl ShardLedger {
    fn contains(&self, ordinal: u64) -> bool {
        if self.settled.is_some_and(|s| ordinal < s) {
            return true;
        }
        // Ranges are sorted and disjoint: the only candidate is the last one starting at or
        // before `ordinal`.
        let after = self.delivered.partition_point(|&(a, _)| a <= ordinal);
        after > 0 && ordinal < self.delivered[after - 1].1
    }

    /// Whether no ordinal in `from..to` was delivered or settled yet.
    fn all_new(&self, from: u64, to: u64) -> bool {
        if self.settled.is_some_and(|s| from < s) {
            return false;
        }
        let after = self.delivered.partition_point(|&(a, _)| a < to);
        after == 0 || self.delivered[after - 1].1 <= from
    }

    /// Enters `from..to`, none of which is in yet, as delivered.
    fn insert_new_range(&mut self, from: u64, to: u64) {
        if let Some(last) = self.delivered.last_mut()
            && last.1 == from
        {
            last.1 = to;
            return;
        }
        let at = self.delivered.partition_point(|&(a, _)| a < from);
        self.delivered.insert(at, (from, to));
        if at + 1 < self.delivered.len() && self.delivered[at].1 == self.delivered[at + 1].0 {
            self.delivered[at].1 = self.delivered[at + 1].1;
            self.delivered.remove(at + 1);
        }
        if at > 0 && self.delivered[at - 1].1 == self.delivered[at].0 {
            self.delivered[at - 1].1 = self.delivered[at].1;
            self.delivered.remove(at);
        }
    }
}

/// Counters the checks keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LedgerCounts {
    /// User records handed to the application, duplicates included.
    pub user_records: u64,
    /// User records handed over again.
    pub duplicates: u64,
    /// User records that arrived before a record they follow in their key's order.
    pub order_violations: u64,
    /// Records the application passed over while they were still in the stream.
    pub lost: u64,
    /// Records that expired (retention) before the application read them.
    pub expired_unread: u64,
}

/// The checks of one application reading one stream.
#[derive(Debug, Clone)]
pub struct Ledger {
    app: String,
    stream: String,
    seed: u64,
    shards: FxHashMap<ShardId, ShardLedger>,
    order: KeyOrder,
    counts: LedgerCounts,
    first_order_violation: Option<String>,
    first_loss: Option<String>,
}

/// One check's outcome, as the report lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// What is checked, and for which application.
    pub name: String,
    /// Whether it held.
    pub ok: bool,
    /// Counts, or the first failure with the seed that reproduces it.
    pub detail: String,
}

impl Ledger {
    /// A ledger for `app` reading `stream`; `seed` goes into every failure message.
    pub fn new(app: &str, stream: &str, seed: u64) -> Self {
        Self {
            app: app.into(),
            stream: stream.into(),
            seed,
            shards: FxHashMap::default(),
            order: KeyOrder::default(),
            counts: LedgerCounts::default(),
            first_order_violation: None,
            first_loss: None,
        }
    }

    /// Counters so far.
    pub fn counts(&self) -> LedgerCounts {
        self.counts
    }

    /// The application reads `shard` from its first record (TRIM_HORIZON, or a child shard), so
    /// every record of it is expected.
    pub fn expect_from_start(&mut self, shard: ShardId) {
        self.expect_from(shard, 0);
    }

    /// The application reads `shard` from the record at `ordinal` on (where its first iterator
    /// pointed), so every record from there is expected; a later call changes nothing.
    pub fn expect_from(&mut self, shard: ShardId, ordinal: u64) {
        self.shards
            .entry(shard)
            .or_default()
            .settled
            .get_or_insert(ordinal);
    }

    /// Enters one Kinesis record handed to the application (its KPL user records, if it is an
    /// aggregate); returns how many user records it holds.
    pub fn deliver(&mut self, world: &World, shard: ShardId, record: &Record) -> u64 {
        self.deliver_all(world, shard, std::slice::from_ref(record))
    }

    /// Enters records of one shard handed over together, in order; returns their user records.
    pub fn deliver_all(&mut self, world: &World, shard: ShardId, records: &[Record]) -> u64 {
        self.deliver_each(world, shard, records.iter())
    }

    /// Enters a page read from `shard`; returns its user records.
    pub fn deliver_page(&mut self, world: &World, shard: ShardId, page: &RecordPage) -> u64 {
        self.deliver_each(world, shard, page.iter())
    }

    fn deliver_each<R: Handed>(
        &mut self,
        world: &World,
        shard: ShardId,
        records: impl DoubleEndedIterator<Item = R> + ExactSizeIterator + Clone,
    ) -> u64 {
        let Some(stream) = world.stream(&self.stream) else {
            return 0;
        };
        let Some(state) = stream.shard(shard) else {
            return 0;
        };
        let mut ledger = self.shards.remove(&shard).unwrap_or_default();
        let users = match Self::fresh_page(state, &ledger, records.clone()) {
            Some(first) => {
                let end = first + records.len() as u64;
                ledger.insert_new_range(first, end);
                ledger.next_hint = end;
                self.counts.user_records += records.len() as u64;
                for (ordinal, record) in (first..).zip(records) {
                    self.check_order(stream, record.partition_key(), shard, ordinal, 0);
                }
                end - first
            }
            None => records
                .map(|r| self.deliver_one(stream, state, &mut ledger, &r))
                .sum(),
        };
        self.order.end_run();
        self.shards.insert(shard, ledger);
        if self.order.wants_forgetting() {
            self.forget_settled_keys(stream);
        }
        users
    }

    /// The ordinal of the first record when `records` are plain records (no KPL aggregate) at
    /// consecutive ordinals of `state`'s log, none delivered before: the common page, entered as
    /// one range. The log's counters increase with the ordinal, so a page of increasing counters
    /// whose first and last sit `len - 1` ordinals apart holds exactly the records between.
    fn fresh_page<R: Handed>(
        state: &ShardState,
        ledger: &ShardLedger,
        mut records: impl DoubleEndedIterator<Item = R> + ExactSizeIterator + Clone,
    ) -> Option<u64> {
        let len = records.len() as u64;
        let (first, last) = (records.clone().next()?, records.clone().next_back()?);
        let mut previous = None;
        let plain_and_increasing = records.all(|r| {
            let increasing = previous.is_none_or(|p| p < r.counter());
            previous = Some(r.counter());
            increasing && !r.data().starts_with(&kpl::MAGIC)
        });
        if !plain_and_increasing {
            return None;
        }
        let from = ordinal_of(state, ledger.next_hint, first.counter())?;
        let to = from + len;
        let last_matches = state.log.counter_at(to - 1) == Some(last.counter());
        (last_matches && ledger.all_new(from, to)).then_some(from)
    }

    fn deliver_one(
        &mut self,
        stream: &StreamState,
        state: &ShardState,
        ledger: &mut ShardLedger,
        record: &impl Handed,
    ) -> u64 {
        let shard = state.id;
        let data = record.data();
        let users = if data.starts_with(&kpl::MAGIC) {
            kpl::deaggregate(data)
        } else {
            None
        };
        let user_count = users.as_ref().map_or(1, |u| u.len() as u64);
        self.counts.user_records += user_count;
        let Some(ordinal) = ordinal_of(state, ledger.next_hint, record.counter()) else {
            return user_count;
        };
        if ledger.contains(ordinal) {
            self.counts.duplicates += user_count;
            return user_count;
        }
        ledger.insert_new_range(ordinal, ordinal + 1);
        ledger.next_hint = ordinal + 1;
        match users {
            None => self.check_order(stream, record.partition_key(), shard, ordinal, 0),
            Some(users) => {
                for (sub, user) in users.iter().enumerate() {
                    self.check_order(stream, &user.partition_key, shard, ordinal, sub as u32);
                }
            }
        }
        user_count
    }

    /// The application is done with `shard` up to and including the record with `counter`:
    /// anything before it not delivered is lost (or expired, if retention took it first).
    pub fn settle_through(&mut self, world: &World, shard: ShardId, counter: u64) {
        if let Some(log) = self.log(world, shard) {
            // Usually the record just delivered: its ordinal is known, no search needed.
            let last_delivered = self.shards.get(&shard).map_or(0, |l| l.next_hint);
            let to = match last_delivered.checked_sub(1) {
                Some(ordinal) if log.counter_at(ordinal) == Some(counter) => last_delivered,
                _ => log.first_at_or_after_counter(counter.saturating_add(1)),
            };
            self.settle(world, shard, to);
        }
    }

    /// The application finished `shard` (read to its end).
    pub fn settle_shard_end(&mut self, world: &World, shard: ShardId) {
        if let Some(log) = self.log(world, shard) {
            self.settle(world, shard, log.end_ordinal());
        }
    }

    fn log<'w>(&self, world: &'w World, shard: ShardId) -> Option<&'w RecordLog> {
        world
            .stream(&self.stream)
            .and_then(|s| s.shard(shard))
            .map(|s| &s.log)
    }

    fn settle(&mut self, world: &World, shard: ShardId, to: u64) {
        let Some(log) = self.log(world, shard) else {
            return;
        };
        let ledger = self.shards.entry(shard).or_default();
        // An application that started at LATEST owes nothing before its first record.
        let from = ledger
            .settled
            .unwrap_or_else(|| ledger.delivered.first().map_or(to, |r| r.0).min(to));
        if to <= from {
            ledger.settled = Some(from);
            return;
        }
        let trim = log.trim_ordinal();
        let mut cursor = from;
        let mut lost = 0;
        let mut expired = 0;
        let mut first_lost = None;
        let mut gap = |a: u64, b: u64| {
            expired += b.min(trim).saturating_sub(a);
            let lost_from = a.max(trim);
            if b > lost_from {
                lost += b - lost_from;
                first_lost.get_or_insert(lost_from);
            }
        };
        for &(a, b) in ledger.delivered.iter().filter(|r| r.1 > from) {
            if a >= to {
                break;
            }
            if a > cursor {
                gap(cursor, a);
            }
            cursor = cursor.max(b);
        }
        if cursor < to {
            gap(cursor, to);
        }
        ledger.delivered.retain(|r| r.1 > to);
        if let Some(first) = ledger.delivered.first_mut() {
            first.0 = first.0.max(to);
        }
        ledger.settled = Some(to);
        self.counts.lost += lost;
        self.counts.expired_unread += expired;
        if let Some(ordinal) = first_lost
            && self.first_loss.is_none()
        {
            let sequence = log
                .get(ordinal)
                .map_or_else(|| format!("#{ordinal}"), |r| r.counter.to_string());
            self.first_loss = Some(format!(
                "seed {}: {} passed over record {} (counter {sequence}) of {shard} in {} while it was still in the stream",
                self.seed, self.app, ordinal, self.stream
            ));
        }
    }

    #[inline]
    fn check_order(
        &mut self,
        stream: &StreamState,
        key: &str,
        shard: ShardId,
        ordinal: u64,
        sub: u32,
    ) {
        let here = Position {
            shard,
            ordinal,
            sub,
        };
        if let Some(before) = self.order.enter(stream, key, here) {
            self.note_order_violation(key, here, before);
        }
    }

    #[cold]
    fn note_order_violation(&mut self, key: &str, here: Position, before: Position) {
        self.counts.order_violations += 1;
        self.first_order_violation.get_or_insert_with(|| {
            format!(
                "seed {}: {} got key {key:?} record {}.{} of {} after record {}.{} of {}",
                self.seed,
                self.app,
                here.ordinal,
                here.sub,
                here.shard,
                before.ordinal,
                before.sub,
                before.shard
            )
        });
    }

    /// Forgets the keys whose last record lies below its shard's settled mark, on a shard whose
    /// ancestors the application has read to their end: any record of theirs handed over for the
    /// first time from now on comes later in the key's order (records below a settled mark come
    /// again only as duplicates, which are not order-checked). So the map holds the keys of
    /// records not yet settled, not every key ever seen (random UUID keys: one per record).
    fn forget_settled_keys(&mut self, stream: &StreamState) {
        let floors: FxHashMap<ShardId, u64> = self
            .shards
            .iter()
            .filter(|(id, _)| self.ancestors_finished(stream, **id))
            .filter_map(|(id, ledger)| Some((*id, ledger.settled?)))
            .collect();
        self.order.forget_below(&floors);
    }

    /// Whether every ancestor of `shard` is gone or closed and settled to its end by this
    /// application, so none of its records can be handed over for the first time any more.
    fn ancestors_finished(&self, stream: &StreamState, shard: ShardId) -> bool {
        ancestors(stream, shard).all(|parent| {
            // An expired parent is gone: none of its records can come.
            stream.shard(parent).is_none_or(|state| {
                state.closed_ms.is_some()
                    && self
                        .shards
                        .get(&parent)
                        .and_then(|l| l.settled)
                        .is_some_and(|settled| settled >= state.log.end_ordinal())
            })
        })
    }

    /// Records of the stream the application has not reached yet (its lag, not a loss).
    pub fn pending(&self, world: &World) -> u64 {
        let Some(stream) = world.stream(&self.stream) else {
            return 0;
        };
        self.shards
            .iter()
            .filter_map(|(id, ledger)| {
                let log = &stream.shard(*id)?.log;
                let from = ledger.settled?.max(log.trim_ordinal());
                Some(log.end_ordinal().saturating_sub(from))
            })
            .sum()
    }

    /// The three checks, named for this application.
    pub fn checks(&self, world: &World) -> Vec<Check> {
        let c = self.counts;
        vec![
            Check {
                name: format!("per-key order: {}", self.app),
                ok: c.order_violations == 0,
                detail: self.first_order_violation.clone().unwrap_or_else(|| {
                    format!("{} user records in order per partition key", c.user_records)
                }),
            },
            Check {
                name: format!("no acknowledged record lost: {}", self.app),
                ok: c.lost == 0,
                detail: match &self.first_loss {
                    Some(first) => format!("{} records lost; first: {first}", c.lost),
                    None => format!(
                        "none lost; {} expired unread by retention; {} not read yet",
                        c.expired_unread,
                        self.pending(world)
                    ),
                },
            },
            Check {
                name: format!("duplicates reported: {}", self.app),
                ok: true,
                detail: format!(
                    "{} of {} user records were deliveries again",
                    c.duplicates, c.user_records
                ),
            },
        ]
    }
}

/// The ordinal of the record with `counter` in `shard`, trying `hint` (the likely next) first.
fn ordinal_of(shard: &ShardState, hint: u64, counter: u64) -> Option<u64> {
    let log = &shard.log;
    if log.counter_at(hint) == Some(counter) {
        return Some(hint);
    }
    let ordinal = log.first_at_or_after_counter(counter);
    (log.counter_at(ordinal) == Some(counter)).then_some(ordinal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;
    use crate::sim::key_order::{KEYS_BEFORE_FORGETTING, is_ancestor};
    use crate::streams::ops::lifecycle::CreateStreamInput;
    use crate::streams::ops::put::PutRecordInput;
    use crate::streams::ops::read::{GetRecordsInput, GetShardIteratorInput};
    use crate::streams::ops::reshard::SplitShardInput;
    use crate::streams::shapes::ShardIteratorType;

    fn world_with(records: usize) -> World {
        let mut world = World::new(Settings::default(), 1);
        world.apply(CreateStreamInput::provisioned("s", 1)).unwrap();
        world.step(500);
        for i in 0..records {
            let key = format!("k{}", i % 3);
            world
                .apply(PutRecordInput::new("s", &key, vec![i as u8]))
                .unwrap();
            world.step(1);
        }
        world
    }

    fn read_all(world: &mut World, shard: ShardId) -> Vec<Record> {
        let iterator = world
            .apply(GetShardIteratorInput::new(
                "s",
                shard,
                ShardIteratorType::TrimHorizon,
            ))
            .unwrap()
            .shard_iterator
            .unwrap();
        world
            .apply(GetRecordsInput::new(&iterator, None))
            .unwrap()
            .records
            .to_records()
    }

    #[test]
    fn reading_everything_in_order_passes_every_check() {
        let mut world = world_with(10);
        let records = read_all(&mut world, ShardId(0));
        let mut ledger = Ledger::new("app", "s", 9);
        ledger.expect_from_start(ShardId(0));
        for r in &records {
            ledger.deliver(&world, ShardId(0), r);
        }
        ledger.settle_through(&world, ShardId(0), records[9].sequence_number.counter);
        assert!(ledger.checks(&world).iter().all(|c| c.ok));
        assert_eq!(ledger.counts().user_records, 10);
        assert_eq!(ledger.pending(&world), 0);
    }

    #[test]
    fn pages_entered_whole_count_like_records_entered_one_by_one() {
        let mut world = world_with(30);
        let records = read_all(&mut world, ShardId(0));
        let mut by_page = Ledger::new("app", "s", 1);
        let mut by_record = Ledger::new("app", "s", 1);
        for ledger in [&mut by_page, &mut by_record] {
            ledger.expect_from_start(ShardId(0));
        }
        // Fresh pages, an overlapping page, a page with a gap, a page out of order.
        let mut shuffled = records[20..24].to_vec();
        shuffled.swap(0, 3); // records 20 and 23 share key k2
        let gap: Vec<Record> = [&records[25], &records[27]].into_iter().cloned().collect();
        for page in [
            &records[0..10],
            &records[10..15],
            &records[5..20],
            &shuffled[..],
            &gap[..],
            &records[28..30],
        ] {
            by_page.deliver_all(&world, ShardId(0), page);
            for r in page {
                by_record.deliver(&world, ShardId(0), r);
            }
        }
        for ledger in [&mut by_page, &mut by_record] {
            ledger.settle_through(&world, ShardId(0), records[29].sequence_number.counter);
        }
        assert_eq!(by_page.counts(), by_record.counts());
        let c = by_page.counts();
        assert_eq!((c.user_records, c.duplicates, c.lost), (38, 10, 2));
        assert!(c.order_violations > 0, "the swapped pair of one key");
    }

    #[test]
    fn a_skipped_record_is_lost_and_the_message_carries_the_seed() {
        let mut world = world_with(10);
        let records = read_all(&mut world, ShardId(0));
        let mut ledger = Ledger::new("app", "s", 42);
        ledger.expect_from_start(ShardId(0));
        for r in records.iter().filter(|r| r.data.0[..] != [4]) {
            ledger.deliver(&world, ShardId(0), r);
        }
        ledger.settle_through(&world, ShardId(0), records[9].sequence_number.counter);
        assert_eq!(ledger.counts().lost, 1);
        let loss = &ledger.checks(&world)[1];
        assert!(!loss.ok);
        assert!(
            loss.detail.contains("seed 42") && loss.detail.contains("record 4"),
            "{}",
            loss.detail
        );
    }

    #[test]
    fn records_skipped_right_after_a_latest_start_are_lost() {
        let mut world = world_with(10);
        let records = read_all(&mut world, ShardId(0));
        let mut ledger = Ledger::new("app", "s", 5);
        // The iterator pointed at record 3; the application first sees record 5.
        ledger.expect_from(ShardId(0), 3);
        for r in &records[5..] {
            ledger.deliver(&world, ShardId(0), r);
        }
        ledger.settle_through(&world, ShardId(0), records[9].sequence_number.counter);
        assert_eq!(ledger.counts().lost, 2);
    }

    #[test]
    fn redelivery_counts_duplicates_and_a_late_record_of_a_key_breaks_order() {
        let mut world = world_with(6);
        let records = read_all(&mut world, ShardId(0));
        let mut ledger = Ledger::new("app", "s", 1);
        ledger.expect_from_start(ShardId(0));
        for r in &records[..4] {
            ledger.deliver(&world, ShardId(0), r);
        }
        ledger.deliver(&world, ShardId(0), &records[2]);
        assert_eq!(ledger.counts().duplicates, 1);
        assert_eq!(ledger.counts().order_violations, 0);
        // Records 0 and 3 share key k0: 3 first, then 0, is out of order.
        let mut other = Ledger::new("app", "s", 1);
        other.deliver(&world, ShardId(0), &records[3]);
        other.deliver(&world, ShardId(0), &records[0]);
        assert_eq!(other.counts().order_violations, 1);
        assert!(!other.checks(&world)[0].ok);
    }

    #[test]
    fn a_child_record_before_its_parent_record_breaks_order() {
        let mut world = world_with(3);
        world
            .apply(SplitShardInput::new("s", ShardId(0), 1u128 << 127))
            .unwrap();
        world.step(crate::streams::scaling::reshard_duration_ms(1) as u64);
        for _ in 0..5 {
            world
                .apply(PutRecordInput::new("s", "k0", vec![7]))
                .unwrap();
        }
        let child = world
            .stream("s")
            .unwrap()
            .shards
            .iter()
            .find(|s| s.is_open() && !s.log.is_empty())
            .unwrap()
            .id;
        let parent_records = read_all(&mut world, ShardId(0));
        let child_records = read_all(&mut world, child);
        let mut ledger = Ledger::new("app", "s", 3);
        ledger.deliver(&world, child, &child_records[0]);
        let k0 = parent_records
            .iter()
            .find(|r| r.partition_key == "k0")
            .unwrap();
        ledger.deliver(&world, ShardId(0), k0);
        assert_eq!(ledger.counts().order_violations, 1);
        let mut in_order = Ledger::new("app", "s", 3);
        in_order.deliver(&world, ShardId(0), k0);
        in_order.deliver(&world, child, &child_records[0]);
        assert_eq!(in_order.counts().order_violations, 0);
    }

    #[test]
    fn keys_whose_records_are_settled_are_forgotten_and_order_is_still_checked() {
        // 12,000 records, each with its own key, read page by page and settled after each page:
        // the order check must not keep a key per record, yet still catch a late record.
        let settings = Settings {
            default_throttle: crate::streams::capacity::ThrottleMode::Unthrottled,
            ..Settings::default()
        };
        let mut world = World::new(settings, 1);
        world.apply(CreateStreamInput::provisioned("s", 1)).unwrap();
        world.step(500);
        for i in 0..12_000 {
            let key = format!("unique-{i}");
            world
                .apply(PutRecordInput::new("s", &key, vec![1]))
                .unwrap();
        }
        world
            .apply(PutRecordInput::new("s", "late", vec![2]))
            .unwrap();
        world
            .apply(PutRecordInput::new("s", "late", vec![3]))
            .unwrap();
        let mut iterator = world
            .apply(GetShardIteratorInput::new(
                "s",
                ShardId(0),
                ShardIteratorType::TrimHorizon,
            ))
            .unwrap()
            .shard_iterator
            .unwrap();
        let mut ledger = Ledger::new("app", "s", 4);
        ledger.expect_from_start(ShardId(0));
        let mut most_remembered = 0;
        let mut last_two = Vec::new();
        loop {
            let page = world
                .apply(GetRecordsInput::new(&iterator, Some(1_000)))
                .unwrap();
            let Some(last) = page.records.last() else {
                break;
            };
            if last.partition_key() == "late" {
                last_two = page.records.to_records()[page.records.len() - 2..].to_vec();
                break;
            }
            ledger.deliver_page(&world, ShardId(0), &page.records);
            ledger.settle_through(&world, ShardId(0), last.counter());
            most_remembered = most_remembered.max(ledger.order.remembered());
            iterator = page.next_shard_iterator.unwrap();
        }
        assert_eq!(ledger.counts().user_records, 12_000);
        assert!(
            most_remembered < 2 * KEYS_BEFORE_FORGETTING,
            "{most_remembered} keys remembered"
        );
        // The two records of "late", newest first: out of order, although thousands of keys were
        // forgotten in between.
        ledger.deliver(&world, ShardId(0), &last_two[1]);
        ledger.deliver(&world, ShardId(0), &last_two[0]);
        assert_eq!(ledger.counts().order_violations, 1);
        assert!(
            ledger
                .checks(&world)
                .iter()
                .all(|c| c.ok || c.name.starts_with("per-key"))
        );
    }

    #[test]
    fn lineages_joined_by_many_merges_are_walked_once_per_shard() {
        // Split and merge back 48 times: the last shard reaches shard 0 along 2^48 paths, so a
        // walk that visits an ancestor once per path would never finish.
        let mut world = world_with(1);
        let mut shard = ShardId(0);
        for _ in 0..48 {
            world
                .apply(SplitShardInput::new("s", shard, 1u128 << 127))
                .unwrap();
            world.step(10_000);
            let (left, right) = (ShardId(shard.0 + 1), ShardId(shard.0 + 2));
            world
                .apply(crate::streams::ops::reshard::MergeShardsInput::new(
                    "s", left, right,
                ))
                .unwrap();
            world.step(10_000);
            shard = ShardId(shard.0 + 3);
        }
        let stream = world.stream("s").unwrap();
        assert!(stream.shard(shard).is_some_and(|s| s.is_open()));
        assert!(is_ancestor(stream, ShardId(0), shard));
        // No such shard: the whole lineage is walked.
        assert!(!is_ancestor(stream, ShardId(u32::MAX), shard));
        let mut ledger = Ledger::new("app", "s", 6);
        assert!(
            !ledger.ancestors_finished(stream, shard),
            "nothing read yet"
        );
        for id in 0..shard.0 {
            ledger.expect_from_start(ShardId(id));
            ledger.settle_shard_end(&world, ShardId(id));
        }
        assert!(
            ledger.ancestors_finished(stream, shard),
            "every ancestor read to its end"
        );
    }
}
