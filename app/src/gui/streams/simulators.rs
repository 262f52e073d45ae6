//! The simulators: add, edit and remove producers and consumer applications (their settings in
//! the scenario file's format, checked as a scenario file is); each producer's rate (a slider,
//! applied live) and pause; each consumer application's pause; a KCL application's workers (kill
//! one, add one) and its lease table.

use crate::gui::learn::spotlight;
use crate::gui::{Action, Inspector};
use kinescope_core::sim::producer::ProducerSpec;
use kinescope_core::sim::rate::MAX_RATE;
use kinescope_core::sim::scenario::{ConsumerSpec, parse_part};

/// Consumer kinds as scenario files name them, with what each is.
const CONSUMER_KINDS: [(&str, &str); 4] = [
    ("polling", "GetRecords on the shared 2 MiB/s per shard"),
    ("efo", "enhanced fan-out: its own 2 MiB/s pipe per shard"),
    ("kcl", "KCL workers sharing a lease table"),
    ("lambda", "a Lambda event source mapping"),
];

/// Which simulator the editor is writing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Editing {
    NewProducer,
    NewConsumer,
    Producer(String),
    Consumer(String),
}

/// The open editor: settings as scenario-format JSON.
#[derive(Debug, Clone)]
pub struct Editor {
    pub editing: Editing,
    pub text: String,
    /// Why the last Apply was refused.
    pub error: Option<String>,
}

/// The panel's own state.
#[derive(Debug, Clone)]
pub struct Panel {
    pub editor: Option<Editor>,
    /// Kind of the next consumer application added.
    pub new_consumer_kind: &'static str,
}

impl Default for Panel {
    fn default() -> Self {
        Self {
            editor: None,
            new_consumer_kind: "polling",
        }
    }
}

impl Panel {
    /// Takes the engine's answer to an Apply: success closes the editor, a refusal stays in it.
    pub fn finish(&mut self, result: Result<Option<String>, String>, notices: &mut Vec<String>) {
        match (result, &mut self.editor) {
            (Err(e), Some(editor)) => editor.error = Some(e),
            (Ok(message), _) => {
                self.editor = None;
                notices.extend(message);
            }
            (Err(e), None) => notices.push(e),
        }
    }
}

/// Draws the panel.
pub fn show(ui: &mut egui::Ui, app: &mut Inspector) {
    add_buttons(ui, app);
    editor(ui, app);
    if app.view.producers.is_empty() && app.view.consumers.is_empty() {
        ui.label("No simulators yet: add a producer and a consumer application above.");
        return;
    }
    ui.heading("Producers");
    // Beside the lesson card the tables are wider than the view: they scroll.
    egui::ScrollArea::both()
        .id_salt("simulator tables")
        .show(ui, |ui| {
            crate::gui::widgets::table::unwrapped(ui, |ui| simulator_tables(ui, app));
        });
}

/// The producers' table and each consumer application with its KCL workers and lease table.
fn simulator_tables(ui: &mut egui::Ui, app: &mut Inspector) {
    egui::Grid::new("producers").striped(true).show(ui, |ui| {
        for title in [
            "Producer",
            "Stream",
            "Rate (records/s)",
            "Sent",
            "Acknowledged",
            "Throttled",
            "Dropped",
            "",
            "",
            "",
        ] {
            ui.strong(title);
        }
        ui.end_row();
        for producer in app.view.producers.clone() {
            let first = ui.label(&producer.name);
            ui.label(&producer.stream);
            let mut rate = producer.rate_now;
            let slider = ui.add(
                egui::Slider::new(&mut rate, 0.0..=20_000.0_f64.min(MAX_RATE))
                    .logarithmic(true)
                    .integer(),
            );
            let slider =
                slider.on_hover_text(format!("Records per second {} makes", producer.name));
            if slider.changed() {
                app.act(Action::SetRate {
                    producer: producer.name.clone(),
                    per_second: rate,
                });
            }
            ui.label(producer.sent.to_string());
            ui.label(producer.acknowledged.to_string());
            ui.label(producer.throttled.to_string());
            ui.label(producer.dropped.to_string());
            pause_button(ui, app, &producer.name, producer.paused);
            if ui.button(format!("Edit {}", producer.name)).clicked() {
                open_editor(
                    app,
                    Editing::Producer(producer.name.clone()),
                    &producer.spec,
                );
            }
            let last = remove_button(ui, app, &producer.name);
            if app.spotlight.producer(&producer.name) {
                let row = first.rect.union(last.rect);
                spotlight::outline_row(ui, row, &format!("producer {}", producer.name));
            }
            ui.end_row();
        }
    });
    ui.separator();
    ui.heading("Consumer applications");
    for consumer in app.view.consumers.clone() {
        ui.horizontal(|ui| {
            ui.strong(&consumer.name);
            ui.label(format!("{} on {}", consumer.kind, consumer.stream));
            pause_button(ui, app, &consumer.name, consumer.paused);
            if ui.button(format!("Edit {}", consumer.name)).clicked() {
                open_editor(app, Editing::Consumer(consumer.name.clone()), &consumer.spec);
            }
            let _ = remove_button(ui, app, &consumer.name);
            if consumer.kind == "kcl"
                && ui
                    .button(format!("Add worker to {}", consumer.name))
                    .on_hover_text("Start one more worker: it steals leases one at a time until the shards are balanced")
                    .clicked()
            {
                app.act(Action::AddWorker {
                    consumer: consumer.name.clone(),
                });
            }
        });
        if consumer.kind != "kcl" {
            continue;
        }
        egui::Grid::new(("workers", &consumer.name)).striped(true).show(ui, |ui| {
            for (id, alive, shards) in &consumer.workers {
                ui.label(id);
                ui.label(if *alive { format!("{shards} leases") } else { "killed".into() });
                if *alive
                    && ui
                        .button(format!("Kill {id}"))
                        .on_hover_text("Stop the worker at once, without checkpointing: its leases expire after failoverTimeMillis and another worker restarts them from their last checkpoint")
                        .clicked()
                {
                    app.act(Action::KillWorker {
                        consumer: consumer.name.clone(),
                        worker: id.clone(),
                    });
                }
                ui.end_row();
            }
        });
        ui.label("Lease table (the application's DynamoDB table in real KCL)");
        egui::Grid::new(("leases", &consumer.name))
            .striped(true)
            .show(ui, |ui| {
                for title in ["leaseKey", "leaseOwner", "leaseCounter", "checkpoint"] {
                    ui.strong(title);
                }
                ui.end_row();
                for lease in &consumer.leases {
                    let shard = lease.shard.to_string();
                    let first = ui.monospace(&shard);
                    ui.label(lease.owner.as_deref().unwrap_or("-"));
                    ui.label(lease.counter.to_string());
                    let last = ui.monospace(&lease.checkpoint);
                    if app.spotlight.lease(&consumer.name, &shard) {
                        let row = first.rect.union(last.rect);
                        let what = format!("{}'s lease of {shard}", consumer.name);
                        spotlight::outline_row(ui, row, &what);
                    }
                    ui.end_row();
                }
            });
        ui.add_space(8.0);
    }
}

fn pause_button(ui: &mut egui::Ui, app: &mut Inspector, name: &str, paused: bool) {
    let label = if paused {
        format!("Resume {name}")
    } else {
        format!("Pause {name}")
    };
    if ui.button(label).clicked() {
        app.act(Action::SetPaused {
            name: name.to_owned(),
            paused: !paused,
        });
    }
}

fn remove_button(ui: &mut egui::Ui, app: &mut Inspector, name: &str) -> egui::Response {
    let button = ui
        .button(format!("Remove {name}"))
        .on_hover_text("Stop it and take it out of the scenario, with its timeline events");
    if button.clicked() {
        app.act(Action::RemoveSimulator(name.to_owned()));
    }
    button
}

fn add_buttons(ui: &mut egui::Ui, app: &mut Inspector) {
    ui.horizontal(|ui| {
        if ui.button("Add producer").clicked() {
            let spec = new_producer(app);
            open_editor(app, Editing::NewProducer, &spec);
        }
        ui.separator();
        let label = ui.label("Consumer kind");
        let kind = &mut app.simulators.new_consumer_kind;
        egui::ComboBox::from_id_salt("new consumer kind")
            .selected_text(*kind)
            .show_ui(ui, |ui| {
                for (name, what) in CONSUMER_KINDS {
                    ui.selectable_value(kind, name, name).on_hover_text(what);
                }
            })
            .response
            .labelled_by(label.id);
        if ui.button("Add consumer").clicked() {
            let spec = new_consumer(app);
            open_editor(app, Editing::NewConsumer, &spec);
        }
    });
}

/// The stream new simulators use: the selected one, else the first.
fn target_stream(app: &Inspector) -> String {
    app.selection
        .stream
        .clone()
        .or_else(|| app.view.streams.first().map(|s| s.name.clone()))
        .unwrap_or_default()
}

/// `base-N` with the first N no simulator uses.
fn unused_name(app: &Inspector, base: &str) -> String {
    let taken = |name: &str| {
        app.view.producers.iter().any(|p| p.name == name)
            || app.view.consumers.iter().any(|c| c.name == name)
    };
    (1..)
        .map(|n| format!("{base}-{n}"))
        .find(|name| !taken(name))
        .expect("some number is free")
}

fn new_producer(app: &Inspector) -> ProducerSpec {
    let template = serde_json::json!({
        "name": unused_name(app, "producer"),
        "stream": target_stream(app),
        "rate": {"kind": "constant", "per_second": 100},
        "keys": {"kind": "uniform", "keys": 100},
    });
    serde_json::from_value(template).expect("the template is a valid producer")
}

fn new_consumer(app: &Inspector) -> ConsumerSpec {
    let kind = app.simulators.new_consumer_kind;
    let template = serde_json::json!({
        "kind": kind,
        "name": unused_name(app, &format!("{kind}-app")),
        "stream": target_stream(app),
    });
    serde_json::from_value(template).expect("the template is a valid consumer")
}

fn open_editor(app: &mut Inspector, editing: Editing, spec: &impl serde::Serialize) {
    app.simulators.editor = Some(Editor {
        editing,
        // Every field, defaults included, so the user sees what can be set.
        text: serde_json::to_string_pretty(spec).expect("specs serialize"),
        error: None,
    });
}

fn editor(ui: &mut egui::Ui, app: &mut Inspector) {
    let Some(editor) = &mut app.simulators.editor else {
        return;
    };
    let mut apply = None;
    let mut cancel = false;
    ui.group(|ui| {
        ui.strong(match &editor.editing {
            Editing::NewProducer => "New producer".to_owned(),
            Editing::NewConsumer => "New consumer application".to_owned(),
            Editing::Producer(name) => format!("Edit producer {name}"),
            Editing::Consumer(name) => format!("Edit consumer application {name}"),
        });
        let label = ui.label(
            "Settings in the scenario file's format (README: Scenario files). Apply checks them as \
             a scenario file is checked. Same name, stream and start: applied in place, counters and \
             positions kept; otherwise the simulator starts afresh.",
        );
        ui.add(
            egui::TextEdit::multiline(&mut editor.text)
                .code_editor()
                .desired_rows(14)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label.id);
        if let Some(error) = &editor.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
        ui.horizontal(|ui| {
            if ui.button("Apply").clicked() {
                apply = Some(parse(editor));
            }
            cancel = ui.button("Cancel").clicked();
        });
    });
    match apply {
        Some(Ok(action)) => app.act(action),
        Some(Err(error)) => editor.error = Some(error),
        None => {}
    }
    if cancel {
        app.simulators.editor = None;
    }
}

/// The action the editor's text asks for, or why the text is not a simulator.
fn parse(editor: &Editor) -> Result<Action, String> {
    let text = &editor.text;
    Ok(match &editor.editing {
        Editing::NewProducer => Action::PutProducer {
            replacing: None,
            spec: parse_part(text).map_err(|e| e.to_string())?,
        },
        Editing::Producer(name) => Action::PutProducer {
            replacing: Some(name.clone()),
            spec: parse_part(text).map_err(|e| e.to_string())?,
        },
        Editing::NewConsumer => Action::PutConsumer {
            replacing: None,
            spec: parse_part(text).map_err(|e| e.to_string())?,
        },
        Editing::Consumer(name) => Action::PutConsumer {
            replacing: Some(name.clone()),
            spec: parse_part(text).map_err(|e| e.to_string())?,
        },
    })
}
