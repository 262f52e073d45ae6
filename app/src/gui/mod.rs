//! The desktop inspector: an eframe app around a shared world. `logic()` applies the user's actions
//! and copies a [`View`] out of the engine; `ui()` only draws that view and queues actions.

mod actions;
mod analytics;
pub mod dialogs;
mod files;
mod firehose;
pub mod jobs;
pub mod learn;
mod panels;
pub mod presenter;
pub mod recorder;
pub mod screenshot;
mod streams;
mod top_bar;
pub mod video;
pub mod view;
mod widgets;

#[cfg(test)]
mod snapshots;
#[cfg(test)]
mod table_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod workflow_tests;

pub use actions::Action;

use kinescope_core::clock::Speed;
use kinescope_core::live::SharedWorld;
use screenshot::Screenshot;
use std::sync::Arc;
use streams::lag_history::LagHistory;
use streams::{lag, produce, records, simulators, stream_map, throughput, throughput_data};
use view::View;

/// Where a requested window image arrives.
type ImageSlot = Arc<std::sync::Mutex<Option<Arc<egui::ColorImage>>>>;

/// The centre tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    StreamMap,
    Throughput,
    ConsumersAndLag,
    Records,
    Produce,
    Simulators,
    ApiTraffic,
    Events,
    Firehose,
    Video,
    Analytics,
    Learn,
}

impl Tab {
    const ALL: [Tab; 12] = [
        Tab::StreamMap,
        Tab::Throughput,
        Tab::ConsumersAndLag,
        Tab::Records,
        Tab::Produce,
        Tab::Simulators,
        Tab::Firehose,
        Tab::Video,
        Tab::Analytics,
        Tab::ApiTraffic,
        Tab::Events,
        Tab::Learn,
    ];

    /// The tab a command-line name means.
    pub fn parse(text: &str) -> Option<Tab> {
        Some(match text {
            "map" => Tab::StreamMap,
            "throughput" => Tab::Throughput,
            "lag" => Tab::ConsumersAndLag,
            "records" => Tab::Records,
            "produce" => Tab::Produce,
            "simulators" => Tab::Simulators,
            "traffic" => Tab::ApiTraffic,
            "events" => Tab::Events,
            "firehose" => Tab::Firehose,
            "video" => Tab::Video,
            "analytics" => Tab::Analytics,
            "learn" => Tab::Learn,
            _ => return None,
        })
    }

    fn title(self) -> &'static str {
        match self {
            Tab::StreamMap => "Stream map",
            Tab::Throughput => "Throughput",
            Tab::ConsumersAndLag => "Consumers & lag",
            Tab::Records => "Records",
            Tab::Produce => "Produce",
            Tab::Simulators => "Simulators",
            Tab::ApiTraffic => "API traffic",
            Tab::Events => "Events",
            Tab::Firehose => "Firehose",
            Tab::Video => "Video",
            Tab::Analytics => "Analytics",
            Tab::Learn => "Learn",
        }
    }
}

/// What the user has selected in the resource tree or on the map.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub stream: Option<String>,
    pub shard: Option<kinescope_core::streams::shapes::ShardId>,
    pub consumer: Option<String>,
    pub delivery_stream: Option<String>,
    pub video_stream: Option<String>,
    pub analytics: Option<String>,
}

/// The running inspector.
pub struct Inspector {
    world: Arc<SharedWorld>,
    /// What the last `logic()` saw.
    pub view: View,
    pub tab: Tab,
    pub selection: Selection,
    /// Actions queued by `ui()`, applied by the next `logic()`.
    pending: Vec<Action>,
    /// Readable notices (an action that failed, a screenshot written).
    pub notices: Vec<String>,
    pub lag: LagHistory,
    /// The partition key typed in the "where does my key go?" box.
    pub key_probe: String,
    /// The target typed for UpdateShardCount.
    pub shard_count_target: String,
    /// The hash key typed for SplitShard (empty: the middle of the shard's range).
    pub split_key: String,
    screenshot: Option<Screenshot>,
    /// The record browser's state.
    pub browser: records::Browser,
    /// The produce panel's form.
    pub produce: produce::ProduceForm,
    /// The simulators panel's editor.
    pub simulators: simulators::Panel,
    /// The path typed in the File menu.
    pub file_path: String,
    /// A CSV export asked for by the File menu, done by the next `logic()`.
    export_csv: Option<std::path::PathBuf>,
    /// A PNG export in progress: where, and the slot the frame arrives in.
    export_png: Option<(std::path::PathBuf, ImageSlot)>,
    /// Light theme instead of dark.
    pub light_theme: bool,
    /// Larger text for a room.
    pub presentation: bool,
    /// The Throughput panel shows this shard rather than the whole stream.
    pub throughput_shard: Option<kinescope_core::streams::shapes::ShardId>,
    /// The Events panel's filter.
    pub event_filter: String,
    /// The lag plot shows records behind rather than MillisBehindLatest.
    pub lag_plot_records: bool,
    /// The delivered object selected in the Firehose tab.
    pub firehose_object: Option<String>,
    /// Its contents as text, read when it was selected: (key, text).
    pub firehose_preview: Option<(String, firehose::preview::Preview)>,
    /// The command line's account settings (`--region`, `--shard-limit`, `--throttle`), kept over
    /// those of every scenario opened.
    pub account: kinescope_core::settings::AccountOverrides,
    /// Speed to resume at after a pause.
    resume_speed: Speed,
    /// The native file dialog, when one is open.
    pub dialogs: dialogs::Dialogs,
    /// Long work in progress (opening, exporting).
    pub jobs: jobs::Jobs,
    /// The Video tab's player, timeline and forms.
    pub video: video::VideoPanel,
    /// The Analytics tab's editor and forms.
    pub analytics: analytics::AnalyticsPanel,
    /// The Learn tab and the lesson being followed.
    pub learn: learn::LearnPanel,
    /// Presenter's mode and its annotations.
    pub presenter: presenter::Presenter,
    /// What the lesson's step points at, outlined by the views that draw it.
    pub spotlight: learn::spotlight::Spotlight,
    /// A demo being recorded.
    pub recorder: recorder::Recorder,
}

impl Inspector {
    /// An inspector of `world`; `screenshot` asks for a PNG after `after_ms` of virtual time.
    pub fn new(world: Arc<SharedWorld>, screenshot: Option<(std::path::PathBuf, i64)>) -> Self {
        let speed = world.speed();
        let mut inspector = Self {
            world,
            view: View::default(),
            tab: Tab::default(),
            selection: Selection::default(),
            pending: Vec::new(),
            notices: Vec::new(),
            lag: LagHistory::default(),
            key_probe: String::new(),
            shard_count_target: String::new(),
            split_key: String::new(),
            screenshot: screenshot.map(|(path, after)| Screenshot::new(path, after)),
            file_path: String::new(),
            export_csv: None,
            export_png: None,
            light_theme: false,
            presentation: false,
            lag_plot_records: false,
            firehose_object: None,
            firehose_preview: None,
            throughput_shard: None,
            event_filter: String::new(),
            browser: records::Browser::default(),
            produce: produce::ProduceForm::default(),
            simulators: simulators::Panel::default(),
            dialogs: dialogs::Dialogs::default(),
            jobs: jobs::Jobs::default(),
            video: video::VideoPanel::default(),
            analytics: analytics::AnalyticsPanel::default(),
            learn: learn::LearnPanel::default(),
            presenter: presenter::Presenter::default(),
            spotlight: Default::default(),
            recorder: recorder::Recorder::default(),
            account: Default::default(),
            resume_speed: match speed {
                Speed::Paused => Speed::REAL_TIME,
                other => other,
            },
        };
        inspector.refresh();
        inspector.selection.stream = inspector.view.streams.first().map(|s| s.name.clone());
        inspector
    }

    /// Shows `tab` (the record browser starts reading at once).
    pub fn open_tab(&mut self, tab: Tab) {
        self.tab = tab;
        if tab == Tab::Records {
            self.browser.request = Some(records::Request::Start);
        }
    }

    /// Asks for a CSV of the selected stream's metrics at `path`.
    pub fn export_csv(&mut self, path: std::path::PathBuf) {
        self.export_csv = Some(path);
    }

    /// Asks for a PNG of the window at `path` (taken at the next frame).
    pub fn export_png(&mut self, ctx: &egui::Context, path: std::path::PathBuf) {
        let slot: ImageSlot = Default::default();
        let arrived = slot.clone();
        let waker = ctx.clone();
        ctx.send_viewport_cmd(egui::ViewportCommand::Screenshot(
            egui::ScreenshotCallback::new(move |image| {
                *arrived.lock().unwrap_or_else(|p| p.into_inner()) = Some(image);
                waker.request_repaint();
            }),
        ));
        self.export_png = Some((path, slot));
    }

    fn exports(&mut self, ctx: &egui::Context) {
        if let Some(path) = self.export_csv.take() {
            let stream = self
                .selection
                .stream
                .as_deref()
                .and_then(|n| self.view.stream(n));
            match stream.cloned() {
                Some(stream) => self.jobs.start(
                    format!("Exporting {}", path.display()),
                    jobs::JobKind::Export,
                    ctx,
                    move || files::export_csv(&stream, &path),
                ),
                None => self.notices.push("Select a stream to export".into()),
            }
        }
        if let Some((path, slot)) = self.export_png.take() {
            let image = slot.lock().unwrap_or_else(|p| p.into_inner()).take();
            match image {
                Some(image) => self.jobs.start(
                    format!("Saving {}", path.display()),
                    jobs::JobKind::Export,
                    ctx,
                    move || files::save_png(&image, &path),
                ),
                None => {
                    self.export_png = Some((path, slot));
                    ctx.request_repaint();
                }
            }
        }
    }

    /// The selected stream as this frame sees it, or a hint in `ui` when none is selected.
    pub fn selected_stream(&self, ui: &mut egui::Ui) -> Option<view::StreamView> {
        let stream = self
            .selection
            .stream
            .as_deref()
            .and_then(|name| self.view.stream(name))
            .cloned();
        if stream.is_none() {
            ui.label("Select a stream in the tree.");
        }
        stream
    }

    /// Opens the native file dialog for `purpose` (a notice says why when none can open).
    pub fn ask_for_path(&mut self, purpose: dialogs::Purpose, ctx: &egui::Context) {
        if let Err(e) = self.dialogs.ask(purpose, ctx) {
            self.notices.push(e);
        }
    }

    /// Acts on the path a closed dialog gave, as the typed path would.
    fn take_dialog_answer(&mut self, ctx: &egui::Context) {
        let Some((purpose, path)) = self.dialogs.answer() else {
            return;
        };
        self.file_path = path.display().to_string();
        match purpose {
            dialogs::Purpose::OpenScenario => {
                self.act(Action::OpenScenario(path, self.account.clone()))
            }
            dialogs::Purpose::SaveScenario => self.act(Action::SaveScenario(path)),
            dialogs::Purpose::ExportCsv => self.export_csv(path),
            dialogs::Purpose::ExportPng => self.export_png(ctx, path),
            dialogs::Purpose::IngestVideo => {
                self.video.ingest_path = path.display().to_string();
                if let Some(stream) = self.selection.video_stream.clone() {
                    self.act(Action::IngestVideo { stream, path });
                }
            }
        }
    }

    /// Another scenario runs: nothing selected or browsed before still applies.
    pub fn forget_scenario(&mut self) {
        // A lesson judged against another scenario would judge nonsense.
        self.learn.active = None;
        self.selection = Selection::default();
        self.browser = records::Browser::default();
        self.lag = LagHistory::default();
        self.simulators = simulators::Panel::default();
    }

    /// Queues an action for the next frame.
    pub fn act(&mut self, action: Action) {
        self.pending.push(action);
    }

    fn refresh(&mut self) {
        let speed = self.world.speed();
        // The per-second charts are copied only while someone looks at them.
        let charts = (self.tab == Tab::Throughput)
            .then_some(self.selection.stream.as_deref())
            .flatten();
        let shard = self.throughput_shard;
        let previous = &self.view;
        // The selected delivery stream's objects, only while the Firehose tab shows them; a
        // preview is read once, when its object is selected.
        let firehose = (self.tab == Tab::Firehose)
            .then_some(self.selection.delivery_stream.as_deref())
            .flatten();
        let wanted = self
            .firehose_object
            .clone()
            .filter(|key| self.firehose_preview.as_ref().is_none_or(|(k, _)| k != key));
        let mut preview = None;
        let video = (self.tab == Tab::Video)
            .then(|| self.selection.video_stream.clone())
            .flatten();
        let wanted_video = self.video.player.wanted().to_vec();
        let mut to_decode = Vec::new();
        let analytics = (self.tab == Tab::Analytics).then(|| self.selection.analytics.clone());
        self.view = self.world.read_running(|world, simulation| {
            let mut view = View::build(world, simulation, speed, Some(previous));
            view.analytics = analytics::view::summaries(world);
            if let Some(selected) = analytics {
                let name = selected.or_else(|| view.analytics.first().map(|a| a.name.clone()));
                view.analytics_detail = name.and_then(|name| analytics::view::detail(world, &name));
            }
            view.video_streams = video::view::video_stream_views(world, simulation);
            let video = video.or_else(|| {
                (self.tab == Tab::Video)
                    .then(|| view.video_streams.first().map(|s| s.name.clone()))
                    .flatten()
            });
            if let Some(name) = video {
                view.video_archive = video::view::archive(world, &name);
                if let Some(stream) = world.video_streams().get(&name) {
                    to_decode = wanted_video
                        .iter()
                        .filter_map(|(number, thumbnail)| {
                            stream.archive.find(number).map(|f| (f.clone(), *thumbnail))
                        })
                        .collect();
                }
            }
            view.charts = charts.and_then(|s| throughput_data::build(world, s, shard));
            let bucket = firehose
                .and_then(|name| world.delivery_stream(name))
                .map(|s| s.destination.bucket().to_owned());
            if let (Some(bucket), Some(name)) = (bucket, firehose) {
                view.firehose_objects = firehose::view::objects(world, &bucket);
                view.firehose_series = firehose::view::series(world, name);
                if let Some(key) = wanted {
                    let fetched = firehose::preview::fetch(world, &bucket, &key);
                    preview = Some((key, fetched));
                }
            }
            view
        });
        self.video.to_decode = to_decode;
        if let Some((key, fetched)) = preview {
            self.firehose_preview = Some((key, firehose::preview::preview(fetched)));
        }
        // Until someone picks an object, the first data object delivered is previewed.
        if firehose.is_some() && self.firehose_object.is_none() {
            self.firehose_object = self
                .view
                .firehose_objects
                .iter()
                .rev()
                .find(|o| o.role == kinescope_core::firehose::object_store::ObjectRole::Data)
                .map(|o| o.key.clone());
        }
        self.lag.sample(&self.view);
    }
}

impl eframe::App for Inspector {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.take_dialog_answer(ctx);
        let mut opened = false;
        for (kind, outcome) in self.jobs.finished() {
            opened |= kind == jobs::JobKind::OpenScenario && outcome.is_ok();
            self.notices.push(outcome.unwrap_or_else(|e| e));
        }
        for action in std::mem::take(&mut self.pending) {
            if let Action::OpenScenario(path, _) = &action {
                // Reading, checking and creating the streams can take a moment: off the UI thread,
                // through the same Action as everything else.
                let world = self.world.clone();
                self.jobs.start(
                    format!("Opening {}", path.display()),
                    jobs::JobKind::OpenScenario,
                    ctx,
                    move || {
                        let mut unused_speed = Speed::Paused;
                        action
                            .apply(&world, &mut unused_speed)
                            .map(Option::unwrap_or_default)
                    },
                );
                continue;
            }
            if let Action::IngestVideo { path, .. } = &action {
                let world = self.world.clone();
                let label = format!("Sending {}", path.display());
                self.jobs
                    .start(label, jobs::JobKind::IngestVideo, ctx, move || {
                        let mut unused_speed = Speed::Paused;
                        action
                            .apply(&world, &mut unused_speed)
                            .map(Option::unwrap_or_default)
                    });
                continue;
            }
            let result = action.apply(&self.world, &mut self.resume_speed);
            if matches!(
                action,
                Action::PutProducer { .. } | Action::PutConsumer { .. }
            ) {
                self.simulators.finish(result, &mut self.notices);
                continue;
            }
            match result {
                Ok(Some(message)) | Err(message) => self.notices.push(message),
                Ok(None) => {}
            }
        }
        if opened {
            self.forget_scenario();
        }
        learn::logic(self, ctx);
        self.browser
            .logic(&self.world, self.selection.stream.as_deref());
        self.refresh();
        self.spotlight = learn::spotlight::Spotlight::of(&self.learn, &self.view);
        let to_decode = std::mem::take(&mut self.video.to_decode);
        if !to_decode.is_empty() {
            self.video.player.submit(ctx, to_decode);
        }
        if self.selection.stream.is_none() {
            self.selection.stream = self.view.streams.first().map(|s| s.name.clone());
        }
        self.exports(ctx);
        if let Some((writer, then_exit)) = self.recorder.logic(ctx) {
            if then_exit {
                // `--record`: the file, then the app closes (as `--screenshot` does).
                match writer.finish() {
                    Ok(message) => eprintln!("{message}"),
                    Err(e) => {
                        eprintln!("error: {e}");
                        screenshot::SCREENSHOT_FAILED
                            .store(true, std::sync::atomic::Ordering::Relaxed);
                    }
                }
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            } else {
                self.jobs
                    .start("Writing the demo", jobs::JobKind::Export, ctx, move || {
                        writer.finish()
                    });
            }
        }
        if let Some(shot) = &mut self.screenshot {
            shot.logic(ctx, &self.world, &self.view, &mut self.notices);
        }
        if self.view.speed != Speed::Paused {
            ctx.request_repaint_after(std::time::Duration::from_millis(50));
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        presenter::keys::handle(&ctx, self);
        let presenting = self.presenter.on;
        if presenting {
            // One view, large and plain: no tree, no strip, no tab bar.
            presenter::bar(ui, self);
        } else {
            top_bar::show(ui, self);
            panels::resources(ui, self);
            panels::bottom_strip(ui, self);
        }
        panels::notices(ui, self);
        learn::card::show(ui, self);
        egui::CentralPanel::default().show(ui, |ui| {
            if !presenting {
                // Wrapped: beside the lesson card the bar is narrower than the window.
                ui.horizontal_wrapped(|ui| {
                    for tab in Tab::ALL {
                        ui.selectable_value(&mut self.tab, tab, tab.title());
                    }
                });
                ui.separator();
            }
            match self.tab {
                Tab::StreamMap => stream_map::show(ui, self),
                Tab::Throughput => throughput::show(ui, self),
                Tab::ConsumersAndLag => lag::show(ui, self),
                Tab::Records => records::show(ui, self),
                Tab::Produce => produce::show(ui, self),
                Tab::Simulators => simulators::show(ui, self),
                Tab::ApiTraffic => panels::traffic(ui, self),
                Tab::Events => panels::events(ui, self),
                Tab::Firehose => firehose::tab::show(ui, self),
                Tab::Video => video::tab::show(ui, self),
                Tab::Analytics => analytics::tab::show(ui, self),
                Tab::Learn => learn::tab::show(ui, self),
            }
        });
        presenter::annotations::show(&ctx, &mut self.presenter);
    }
}
