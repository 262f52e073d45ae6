//! The desktop inspector: an eframe app around a shared world. `logic()` applies the user's actions
//! and copies a [`View`] out of the engine; `ui()` only draws that view and queues actions.

mod actions;
mod lag;
mod panels;
mod produce;
mod records;
pub mod screenshot;
mod simulators;
mod stream_map;
mod throughput;
mod top_bar;
pub mod view;

#[cfg(test)]
mod tests;

pub use actions::Action;

use kinescope_core::clock::Speed;
use kinescope_core::live::SharedWorld;
use lag::LagHistory;
use screenshot::Screenshot;
use std::sync::Arc;
use view::View;

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
}

impl Tab {
    const ALL: [Tab; 8] = [
        Tab::StreamMap,
        Tab::Throughput,
        Tab::ConsumersAndLag,
        Tab::Records,
        Tab::Produce,
        Tab::Simulators,
        Tab::ApiTraffic,
        Tab::Events,
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
        }
    }
}

/// What the user has selected in the resource tree or on the map.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub stream: Option<String>,
    pub shard: Option<kinescope_core::streams::shapes::ShardId>,
    pub consumer: Option<String>,
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
    lag: LagHistory,
    /// The partition key typed in the "where does my key go?" box.
    pub key_probe: String,
    /// The target typed for UpdateShardCount.
    pub shard_count_target: String,
    screenshot: Option<Screenshot>,
    /// The record browser's state.
    pub browser: records::Browser,
    /// The produce panel's form.
    pub produce: produce::ProduceForm,
    /// Light theme instead of dark.
    pub light_theme: bool,
    /// Larger text for a room.
    pub presentation: bool,
    /// Speed to resume at after a pause.
    resume_speed: Speed,
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
            screenshot: screenshot.map(|(path, after)| Screenshot::new(path, after)),
            light_theme: false,
            presentation: false,
            browser: records::Browser::default(),
            produce: produce::ProduceForm::default(),
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

    /// Queues an action for the next frame.
    pub fn act(&mut self, action: Action) {
        self.pending.push(action);
    }

    fn refresh(&mut self) {
        let speed = self.world.speed();
        self.view = self
            .world
            .read_running(|world, simulation| View::build(world, simulation, speed));
        self.lag.sample(&self.view);
    }
}

impl eframe::App for Inspector {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        for action in std::mem::take(&mut self.pending) {
            match action.apply(&self.world, &mut self.resume_speed) {
                Ok(Some(message)) | Err(message) => self.notices.push(message),
                Ok(None) => {}
            }
        }
        self.browser
            .logic(&self.world, self.selection.stream.as_deref());
        self.refresh();
        if let Some(shot) = &mut self.screenshot {
            shot.logic(ctx, &self.world, &self.view, &mut self.notices);
        }
        if self.view.speed != Speed::Paused {
            ctx.request_repaint_after(std::time::Duration::from_millis(50));
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        top_bar::show(ui, self);
        panels::resources(ui, self);
        panels::bottom_strip(ui, self);
        panels::notices(ui, self);
        egui::CentralPanel::default().show(ui, |ui| {
            ui.horizontal(|ui| {
                for tab in Tab::ALL {
                    ui.selectable_value(&mut self.tab, tab, tab.title());
                }
            });
            ui.separator();
            match self.tab {
                Tab::StreamMap => stream_map::show(ui, self),
                Tab::Throughput => throughput::show(ui, self),
                Tab::ConsumersAndLag => lag::show(ui, self),
                Tab::Records => records::show(ui, self),
                Tab::Produce => produce::show(ui, self),
                Tab::Simulators => simulators::show(ui, self),
                Tab::ApiTraffic => panels::traffic(ui, self),
                Tab::Events => panels::events(ui, self),
            }
        });
    }
}
