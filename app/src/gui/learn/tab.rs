//! The Learn tab: the lessons by service, each started with one click (its scenario opens and the
//! lesson card shows at the right), and exam practice.

use super::{LearnRequest, Section};
use crate::gui::Inspector;

/// The services in the order the lessons teach them.
const TOPICS: [&str; 4] = ["Data Streams", "Firehose", "Video Streams", "Analytics"];

pub fn show(ui: &mut egui::Ui, app: &mut Inspector) {
    ui.horizontal(|ui| {
        let section = &mut app.learn.section;
        ui.selectable_value(section, Section::Lessons, "Lessons");
        ui.selectable_value(section, Section::Practice, "Exam practice");
        ui.selectable_value(section, Section::WhichService, "Which service?");
        ui.selectable_value(section, Section::Calculators, "Calculators");
    });
    ui.separator();
    match app.learn.section {
        Section::Lessons => lessons(ui, app),
        Section::Practice => super::practice::show(ui, app),
        Section::WhichService => super::which_service::show(ui, app),
        Section::Calculators => super::calculators::show(ui, app),
    }
}

fn lessons(ui: &mut egui::Ui, app: &mut Inspector) {
    ui.label(
        "Each lesson runs a scenario and stops where it answers a question: predict, watch, and \
         see why. Every number a lesson teaches is checked against the engine.",
    );
    if let Some(error) = &app.learn.catalog_error {
        ui.colored_label(ui.visuals().error_fg_color, error);
    }
    ui.add_space(6.0);
    let mut request = None;
    egui::ScrollArea::vertical().show(ui, |ui| {
        for topic in TOPICS {
            let lessons: Vec<_> = app
                .learn
                .lessons
                .iter()
                .filter(|l| l.topic == topic)
                .collect();
            if lessons.is_empty() {
                continue;
            }
            ui.add_space(4.0);
            ui.label(egui::RichText::new(topic).strong().size(16.0));
            egui::Grid::new(("lessons", topic))
                .num_columns(3)
                .spacing([16.0, 6.0])
                .striped(true)
                .show(ui, |ui| {
                    for lesson in lessons {
                        let following = app
                            .learn
                            .active
                            .as_ref()
                            .is_some_and(|a| a.lesson.name == lesson.name);
                        let button = if following { "Restart" } else { "Start" };
                        let start = ui.button(button);
                        start.widget_info(|| {
                            let name = format!("{button} {}", lesson.title);
                            egui::WidgetInfo::labeled(egui::Role::Button, true, name)
                        });
                        if start.clicked() {
                            request = Some(LearnRequest::Open(lesson.name.clone()));
                        }
                        ui.label(&lesson.title);
                        let questions =
                            lesson.steps.iter().filter(|s| s.question.is_some()).count();
                        ui.label(
                            egui::RichText::new(format!(
                                "{} steps · {questions} questions · scenario {}",
                                lesson.steps.len(),
                                lesson.scenario
                            ))
                            .weak(),
                        );
                        ui.end_row();
                    }
                });
        }
    });
    if request.is_some() {
        app.learn.request = request;
    }
}
