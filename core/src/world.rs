//! The World: every emulated resource, the virtual clock, and the one door through which anything
//! changes — [`World::apply`] with a typed command, and [`World::step`] to move time.

use crate::clock::VirtualClock;
use crate::error::KinesisResult;
use crate::events::{EngineEvent, EventKind, EventLog};
use crate::settings::Settings;
use crate::streams::account::AccountState;
use crate::streams::control_plane::ControlPlaneLimiter;
use crate::streams::efo::Subscriptions;
use crate::streams::messages;
use crate::streams::readers::Readers;
use crate::streams::record_page::RecordPage;
use crate::streams::shapes::StreamStatus;
use crate::streams::spare_pages::SparePages;
use crate::streams::stream::StreamState;
use crate::streams::token::TokenSealer;
use crate::traffic::TrafficLog;
use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;

/// A typed engine command: its input is the request, its output the typed result.
pub trait Operation {
    /// What the command returns on success.
    type Output;
    /// Whether the command leaves enhanced fan-out subscriptions alone, or says itself which it
    /// gives something to send; any other command has every subscription looked at afterwards.
    const SPARES_SUBSCRIPTIONS: bool = false;
    /// Applies the command to the world.
    fn execute(self, world: &mut World) -> KinesisResult<Self::Output>;
}

/// Every emulated resource and the virtual clock.
#[derive(Debug)]
pub struct World {
    clock: VirtualClock,
    settings: Settings,
    seed: u64,
    pub(crate) rng: ChaCha8Rng,
    sealer: TokenSealer,
    /// Data streams by name.
    pub(crate) streams: BTreeMap<String, StreamState>,
    /// Account-level settings (billing commitment).
    pub(crate) account: AccountState,
    /// Reader positions for lag.
    pub(crate) readers: Readers,
    /// Enhanced fan-out subscriptions.
    pub(crate) subscriptions: Subscriptions,
    events: EventLog,
    /// Calls made through the HTTP API.
    pub(crate) traffic: TrafficLog,
    /// Recent control-plane calls, for their rate limits.
    pub(crate) control_plane: ControlPlaneLimiter,
    /// Record vectors simulated readers handed back, for reads to fill.
    pub(crate) spare_pages: SparePages,
    /// Bumped by every command that changes something and every tick; lets watchers skip work.
    epoch: u64,
}

impl World {
    /// A world with `settings`, whose every random choice follows from `seed`.
    pub fn new(settings: Settings, seed: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut secret = [0u8; 32];
        rng.fill_bytes(&mut secret);
        Self {
            clock: VirtualClock::starting_at(settings.start_epoch_ms),
            settings,
            seed,
            rng,
            sealer: TokenSealer::new(secret),
            streams: BTreeMap::new(),
            account: AccountState::default(),
            readers: Readers::default(),
            subscriptions: Subscriptions::default(),
            events: EventLog::default(),
            traffic: TrafficLog::default(),
            control_plane: ControlPlaneLimiter::default(),
            spare_pages: SparePages::default(),
            epoch: 0,
        }
    }

    /// Applies a command and returns its typed result.
    pub fn apply<O: Operation>(&mut self, command: O) -> KinesisResult<O::Output> {
        self.epoch += 1;
        if !O::SPARES_SUBSCRIPTIONS {
            self.subscriptions.note_anything_changed();
        }
        command.execute(self)
    }

    /// Takes back a page of records a reader has processed, so a later read reuses its room.
    pub fn give_back_page(&mut self, records: RecordPage) {
        self.spare_pages.give_back(records);
    }

    /// Moves virtual time forward by `dt_ms`, completing every change that falls due on the way
    /// (in order, each at its own due time) in ticks of at most `settings.max_tick_ms`.
    pub fn step(&mut self, dt_ms: u64) {
        let target = self.now_ms().saturating_add(dt_ms as i64);
        while self.now_ms() < target {
            let mut next = target.min(self.now_ms() + self.settings.max_tick_ms.max(1));
            if let Some(deadline) = self.next_deadline().filter(|&d| d > self.now_ms()) {
                next = next.min(deadline);
            }
            self.clock.advance_to(next);
            self.tick();
        }
    }

    fn tick(&mut self) {
        self.epoch += 1;
        let now = self.now_ms();
        self.complete_due_changes(now);
        self.complete_consumer_transitions(now);
        self.apply_retention(now);
        self.scale_on_demand_streams(now);
        self.deliver_subscriptions(now);
        self.readers.forget_idle(now);
    }

    /// Pushes what enhanced fan-out subscriptions can send right now, without moving time, so a
    /// record written through a live API reaches subscribers at once rather than at the next tick.
    pub fn push_subscriptions(&mut self) {
        let now = self.now_ms();
        self.deliver_pending_subscriptions(now);
    }

    /// Subscriptions that queued events or ended since the last call: whose subscribers to wake.
    pub fn take_woken_subscriptions(&mut self) -> Vec<u64> {
        self.subscriptions.take_woken()
    }

    fn next_deadline(&self) -> Option<i64> {
        self.streams
            .values()
            .filter_map(StreamState::next_deadline)
            .min()
    }

    /// The current virtual time, epoch milliseconds.
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// The world's settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The seed the world was made with.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// A counter that changes whenever the world may have changed.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// The event log.
    pub fn events(&self) -> &EventLog {
        &self.events
    }

    /// The API traffic log.
    pub fn traffic(&self) -> &TrafficLog {
        &self.traffic
    }

    /// Every stream, by name (read-only: change them through commands).
    pub fn streams(&self) -> &BTreeMap<String, StreamState> {
        &self.streams
    }

    /// Every reader's position.
    pub fn readers(&self) -> &Readers {
        &self.readers
    }

    /// Enhanced fan-out state held: (subscriptions, consumer-and-shard takeover times).
    pub fn subscriptions_held(&self) -> (usize, usize) {
        (
            self.subscriptions.by_id.len(),
            self.subscriptions.last_subscribe.len(),
        )
    }

    /// How many times a subscription has been looked at for something to send: what pushing to
    /// enhanced fan-out subscribers has cost so far.
    pub fn subscription_visits(&self) -> u64 {
        self.subscriptions.visits
    }

    /// A stream by name (read-only).
    pub fn stream(&self, name: &str) -> Option<&StreamState> {
        self.streams.get(name)
    }

    pub(crate) fn sealer(&self) -> &TokenSealer {
        &self.sealer
    }

    /// Random lowercase letters and digits, for ids.
    pub(crate) fn random_id(&mut self, len: usize) -> String {
        const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        (0..len)
            .map(|_| ALPHABET[self.rng.random_range(0..ALPHABET.len())] as char)
            .collect()
    }

    pub(crate) fn log_event(&mut self, kind: EventKind, stream: Option<&str>, detail: String) {
        let at_ms = self.now_ms();
        self.events.push(EngineEvent {
            at_ms,
            kind,
            stream: stream.map(str::to_owned),
            detail,
        });
    }

    /// The account id used in ARNs and messages.
    pub fn account_id(&self) -> &str {
        &self.settings.account_id
    }

    /// The ARN of stream `name` in this world.
    pub fn stream_arn(&self, name: &str) -> String {
        format!(
            "arn:aws:kinesis:{}:{}:stream/{}",
            self.settings.region, self.settings.account_id, name
        )
    }

    /// Resolves the StreamName / StreamARN pair every stream operation takes to a stream name
    /// (validation of their form has already happened).
    pub(crate) fn resolve_stream_name(
        &self,
        name: Option<&str>,
        arn: Option<&str>,
    ) -> KinesisResult<String> {
        let from_arn = match arn {
            Some(arn) => Some(self.stream_name_in_arn(arn)?),
            None => None,
        };
        match (name, from_arn) {
            (Some(name), Some(from_arn)) if name != from_arn => Err(
                messages::stream_address_mismatch(name, arn.unwrap_or_default()),
            ),
            (Some(name), _) => Ok(name.to_owned()),
            (None, Some(from_arn)) => Ok(from_arn.to_owned()),
            (None, None) => Err(messages::stream_address_missing()),
        }
    }

    /// The stream name inside a stream (or consumer) ARN of this account and region.
    pub(crate) fn stream_name_in_arn<'a>(&self, arn: &'a str) -> KinesisResult<&'a str> {
        let parsed = crate::validate::parse_arn(arn).ok_or_else(|| {
            crate::error::KinesisError::InvalidArgumentException(format!("Invalid ARN: {arn}"))
        })?;
        if parsed.account != self.settings.account_id || parsed.region != self.settings.region {
            return Err(messages::arn_elsewhere(
                arn,
                &self.settings.account_id,
                &self.settings.region,
            ));
        }
        let rest = parsed
            .resource
            .strip_prefix("stream/")
            .unwrap_or(parsed.resource);
        Ok(rest.split('/').next().unwrap_or(rest))
    }

    /// The named stream, or ResourceNotFoundException.
    pub(crate) fn stream_named(&self, name: &str) -> KinesisResult<&StreamState> {
        self.streams
            .get(name)
            .ok_or_else(|| messages::stream_not_found(name, &self.settings.account_id))
    }

    /// The named stream, mutably, or ResourceNotFoundException.
    pub(crate) fn stream_named_mut(&mut self, name: &str) -> KinesisResult<&mut StreamState> {
        let account = &self.settings.account_id;
        self.streams
            .get_mut(name)
            .ok_or_else(|| messages::stream_not_found(name, account))
    }

    /// The named stream if it is ACTIVE, else ResourceInUseException (control operations, A.5).
    pub(crate) fn active_stream_mut(&mut self, name: &str) -> KinesisResult<&mut StreamState> {
        let account = self.settings.account_id.clone();
        let stream = self.stream_named_mut(name)?;
        if stream.status != StreamStatus::Active {
            return Err(messages::stream_not_active(name, &account, stream.status));
        }
        Ok(stream)
    }

    /// Writes and reads work while a stream is ACTIVE, UPDATING or DELETING, not while CREATING.
    pub(crate) fn readable_stream_mut(&mut self, name: &str) -> KinesisResult<&mut StreamState> {
        let account = self.settings.account_id.clone();
        let stream = self.stream_named_mut(name)?;
        if stream.status == StreamStatus::Creating {
            return Err(messages::stream_not_found(name, &account));
        }
        Ok(stream)
    }
}
