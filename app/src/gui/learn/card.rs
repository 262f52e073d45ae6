//! The lesson card: a panel at the right, beside the view the step looks at — the step's text and
//! question; once the learner has predicted, the scenario runs to the step's moment (a bar of the
//! time left), then the verdict with the engine's answer, why, and the numbers the step teaches
//! as the engine shows them.

use super::spotlight;
use super::{ActiveLesson, BAD, GOOD, LearnRequest};
use crate::gui::Inspector;
use egui_commonmark::{CommonMarkCache, CommonMarkViewer};

/// Shows the card when a lesson is being followed.
pub fn show(ui: &mut egui::Ui, app: &mut Inspector) {
    if app.learn.active.is_none() {
        return;
    }
    let elapsed_ms = app.view.scenario_elapsed_ms;
    egui::Panel::right("lesson")
        .resizable(true)
        .default_size(380.0)
        .show(ui, |ui| {
            let panel = &mut app.learn;
            let Some(active) = panel.active.as_mut() else {
                return;
            };
            let mut request = None;
            egui::ScrollArea::vertical().show(ui, |ui| {
                request = card(ui, active, &mut panel.markdown, elapsed_ms);
            });
            if request.is_some() {
                panel.request = request;
            }
        });
}

fn card(
    ui: &mut egui::Ui,
    active: &mut ActiveLesson,
    markdown: &mut CommonMarkCache,
    elapsed_ms: i64,
) -> Option<LearnRequest> {
    let mut request = None;
    ui.horizontal(|ui| {
        ui.label(egui::RichText::new(&active.lesson.title).strong());
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .button("Close")
                .on_hover_text("Leave the lesson")
                .clicked()
            {
                request = Some(LearnRequest::Close);
            }
        });
    });
    let count = active.lesson.steps.len();
    ui.label(format!("Step {} of {count}", active.step + 1));
    ui.separator();
    let step = active.current().clone();
    ui.heading(&step.title);
    if active.step == 0 && !active.lesson.intro.is_empty() {
        CommonMarkViewer::new().show(ui, markdown, &active.lesson.intro);
        ui.add_space(6.0);
    }
    if !step.text.is_empty() {
        CommonMarkViewer::new().show(ui, markdown, &step.text);
    }
    ui.add_space(6.0);
    let question = step.question.clone();
    if let Some(question) = &question {
        CommonMarkViewer::new().show(ui, markdown, &format!("**{}**", question.prompt));
        let judged = active.outcome.clone();
        let correct = judged.as_ref().and_then(|o| o.correct_choice.clone());
        for (i, choice) in question.choices.iter().enumerate() {
            let picked = active.picked == Some(i);
            let mut text = egui::RichText::new(choice);
            if judged.is_some() && Some(choice) == correct.as_ref() {
                text = text.color(GOOD).strong();
            } else if judged.is_some() && picked {
                text = text.color(BAD);
            }
            // The prediction is made before the scenario runs, and kept once it does.
            if ui.radio(picked, text).clicked() && !active.running {
                active.picked = Some(i);
            }
        }
    }
    let Some(outcome) = active.outcome.clone() else {
        if active.running {
            let moment_ms = active.moment_ms();
            let fraction = (elapsed_ms as f32 / moment_ms.max(1) as f32).clamp(0.0, 1.0);
            ui.add(
                egui::ProgressBar::new(fraction)
                    .text(format!("Running to {} of the scenario…", clock(moment_ms))),
            );
        } else {
            ui.add_space(4.0);
            let run = ui.add_enabled(
                active.picked.is_some(),
                egui::Button::new(format!("Run to {} and see", clock(active.moment_ms()))),
            );
            if run.clicked() {
                request = Some(LearnRequest::Run);
            }
            if active.picked.is_none() {
                ui.label(egui::RichText::new("Pick your prediction first.").weak());
            }
        }
        return request;
    };
    ui.label(
        egui::RichText::new(format!("Paused at {}", clock(active.moment_ms())))
            .weak()
            .small(),
    );
    if !step.looks.is_empty() {
        let looks: Vec<String> = step.looks.iter().map(ToString::to_string).collect();
        ui.label(
            egui::RichText::new(format!("Look at: {} (outlined)", looks.join(", ")))
                .color(spotlight::amber(ui.visuals())),
        );
    }
    if question.is_some() {
        verdict(ui, active, &outcome);
    }
    if !step.explanation.is_empty() {
        ui.add_space(4.0);
        CommonMarkViewer::new().show(ui, markdown, &step.explanation);
    }
    if !outcome.expects.is_empty() {
        ui.add_space(4.0);
        ui.label(egui::RichText::new("What the engine shows").strong());
        for expect in &outcome.expects {
            let (mark, color) = match expect.ok {
                true => ("holds", GOOD),
                false => ("does not hold", BAD),
            };
            let line = format!("{}: {} ({mark})", expect.expect, expect.actual);
            ui.label(egui::RichText::new(line).color(color).small());
        }
    }
    for problem in &outcome.problems {
        ui.colored_label(BAD, problem);
    }
    ui.add_space(8.0);
    let label = match active.is_last_step() {
        true => "Finish the lesson",
        false => "Next step",
    };
    if ui.button(label).clicked() {
        request = Some(LearnRequest::Next);
    }
    request
}

/// Whether the learner was right, and what the engine showed.
fn verdict(
    ui: &mut egui::Ui,
    active: &ActiveLesson,
    outcome: &kinescope_core::learn::check::StepOutcome,
) {
    let Some(question) = &active.current().question else {
        return;
    };
    let picked = active.picked.map(|i| &question.choices[i]);
    let right = picked.is_some() && picked == outcome.correct_choice.as_ref();
    let engine = outcome.answer.clone().unwrap_or_default();
    if picked.is_none() {
        // A presenter ran the step for the room without choosing.
        let correct = outcome
            .correct_choice
            .clone()
            .unwrap_or_else(|| "none of these".into());
        ui.colored_label(
            GOOD,
            format!("The engine shows {engine}: the answer is {correct}."),
        );
    } else if right {
        ui.colored_label(GOOD, format!("Right: the engine shows {engine}."));
    } else {
        let correct = outcome
            .correct_choice
            .clone()
            .unwrap_or_else(|| "none of these".into());
        ui.colored_label(
            BAD,
            format!("Not this time: the engine shows {engine}, so the answer is {correct}."),
        );
    }
}

/// `m:ss` of virtual time.
fn clock(ms: i64) -> String {
    let seconds = ms / 1_000;
    format!("{}:{:02}", seconds / 60, seconds % 60)
}
