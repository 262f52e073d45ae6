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
#[path = "ledger_tests.rs"]
mod tests;
