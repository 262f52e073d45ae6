//! "Which service?" in the Learn tab: yes/no questions about a workload, answered with the
//! service that fits (reference E's rules), why, and a button to its lesson.

use super::LearnRequest;
use crate::gui::Inspector;
use kinescope_core::learn::which_service::{QUESTIONS, recommend};

pub fn show(ui: &mut egui::Ui, app: &mut Inspector) {
    ui.label(
        "Answer a few questions about your workload: the service that fits comes below, with why.",
    );
    ui.add_space(6.0);
    let answers = &mut app.learn.workload;
    for (i, question) in QUESTIONS.iter().enumerate() {
        ui.checkbox(&mut answers[i], *question);
    }
    ui.add_space(8.0);
    let picks = recommend(answers);
    if picks.is_empty() {
        ui.label(egui::RichText::new("Tick what your workload needs.").weak());
    }
    let mut request = None;
    for (n, pick) in picks.iter().enumerate() {
        let title = match n {
            0 => format!("Use {}", pick.service),
            _ => format!("With {}", pick.service),
        };
        ui.label(egui::RichText::new(title).strong().size(16.0));
        ui.label(pick.why);
        if let Some(lesson) = pick.lesson {
            let title = app
                .learn
                .lessons
                .iter()
                .find(|l| l.name == lesson)
                .map_or(lesson, |l| l.title.as_str());
            if ui.button(format!("Lesson: {title}")).clicked() {
                request = Some(LearnRequest::Open(lesson.to_owned()));
            }
        }
        ui.add_space(6.0);
    }
    if request.is_some() {
        app.learn.request = request;
    }
}
