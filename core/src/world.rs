//! The World: every emulated resource, the virtual clock, and the one door through which anything
//! changes — [`World::apply`] with a typed command, and [`World::step`] to move time.

use crate::clock::VirtualClock;
use crate::events::{EngineEvent, EventKind, EventLog};
use crate::firehose::functions::Functions;
use crate::firehose::service::Firehose;
use crate::glue::catalog::Catalog;
use crate::outbound::Outbound;
use crate::settings::Settings;
use crate::streams::record_page::RecordPage;
use crate::streams::service::DataStreams;
use crate::streams::token::TokenSealer;
use crate::traffic::TrafficLog;
use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A typed engine command: its input is the request, its output the typed result, its error the
/// error enum of the service it belongs to (whose variants are that service's AWS error codes).
pub trait Operation {
    /// What the command returns on success.
    type Output;
    /// What the command fails with.
    type Error;
    /// Whether the command leaves enhanced fan-out subscriptions alone, or says itself which it
    /// gives something to send; any other command has every subscription looked at afterwards.
    const SPARES_SUBSCRIPTIONS: bool = false;
    /// Applies the command to the world.
    fn execute(self, world: &mut World) -> Result<Self::Output, Self::Error>;
}

/// Every emulated resource and the virtual clock.
#[derive(Debug)]
pub struct World {
    clock: VirtualClock,
    pub(crate) settings: Settings,
    seed: u64,
    pub(crate) rng: ChaCha8Rng,
    sealer: TokenSealer,
    /// Kinesis Data Streams: streams, readers, subscriptions.
    pub(crate) kinesis: DataStreams,
    /// Amazon Data Firehose: delivery streams and what they delivered.
    pub(crate) firehose: Firehose,
    /// The Glue Data Catalog that format conversion reads its schemas from.
    pub(crate) glue: Catalog,
    /// Kinesis Video Streams: video streams.
    pub(crate) video: crate::video::service::VideoStreams,
    /// Stream analytics: SQL applications reading streams.
    pub(crate) analytics: crate::analytics::service::Analytics,
    /// HTTP calls to the outside (Lambda functions' URLs), made inline or deferred.
    pub(crate) outbound: Outbound,
    events: EventLog,
    /// Calls made through the HTTP API.
    pub(crate) traffic: TrafficLog,
    /// Bumped by every command that changes something and every tick; lets watchers skip work.
    epoch: u64,
}

impl World {
    /// A world with `settings`, whose every random choice follows from `seed`.
    pub fn new(settings: Settings, seed: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut secret = [0u8; 32];
        rng.fill_bytes(&mut secret);
        // Mappings were checked where they were given (command line, scenario file).
        let functions = Functions::from_map(&settings.lambdas).unwrap_or_default();
        let firehose = Firehose::new(settings.data_dir.as_deref(), functions);
        Self {
            clock: VirtualClock::starting_at(settings.start_epoch_ms),
            settings,
            seed,
            rng,
            sealer: TokenSealer::new(secret),
            kinesis: DataStreams::default(),
            firehose,
            glue: Catalog::default(),
            video: Default::default(),
            analytics: Default::default(),
            outbound: Outbound::default(),
            events: EventLog::default(),
            traffic: TrafficLog::default(),
            epoch: 0,
        }
    }

    /// Applies a command and returns its typed result.
    pub fn apply<O: Operation>(&mut self, command: O) -> Result<O::Output, O::Error> {
        self.epoch += 1;
        if !O::SPARES_SUBSCRIPTIONS {
            self.kinesis.subscriptions.note_anything_changed();
        }
        command.execute(self)
    }

    /// Takes back a page of records a reader has processed, so a later read reuses its room.
    pub fn give_back_page(&mut self, records: RecordPage) {
        self.kinesis.spare_pages.give_back(records);
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

    /// What falls due, service by service in a fixed order (Data Streams, Firehose, Video
    /// Streams, stream analytics), so runs stay deterministic.
    fn tick(&mut self) {
        self.epoch += 1;
        let now = self.now_ms();
        self.complete_due_changes(now);
        self.complete_consumer_transitions(now);
        self.apply_retention(now);
        self.scale_on_demand_streams(now);
        self.deliver_subscriptions(now);
        self.kinesis.readers.forget_idle(now);
        self.run_firehose(now);
        self.run_video(now);
        self.run_analytics(now);
    }

    /// Pushes what enhanced fan-out subscriptions can send right now, without moving time, so a
    /// record written through a live API reaches subscribers at once rather than at the next tick.
    pub fn push_subscriptions(&mut self) {
        let now = self.now_ms();
        self.deliver_pending_subscriptions(now);
    }

    /// Subscriptions that queued events or ended since the last call: whose subscribers to wake.
    pub fn take_woken_subscriptions(&mut self) -> Vec<u64> {
        self.kinesis.subscriptions.take_woken()
    }

    /// The earliest moment anything in any service falls due.
    fn next_deadline(&self) -> Option<i64> {
        let streams = self
            .kinesis
            .streams
            .values()
            .filter_map(crate::streams::stream::StreamState::next_deadline)
            .min();
        let services = [
            self.firehose_deadline(),
            self.video_deadline(),
            self.analytics_deadline(),
        ];
        [streams].into_iter().chain(services).flatten().min()
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
}
