//! Presenter's mode as a presenter uses it: entered with one key, one view left in large type,
//! time and a lesson driven from the keyboard, a box and an arrow dragged over the view and a
//! note typed, cleared, and everything back on leaving.

use crate::gui::Tab;
use crate::gui::learn::LearnRequest;
use crate::gui::tests::harness;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use kinescope_core::clock::Speed;

type Inspector = crate::gui::Inspector;

fn press(harness: &mut Harness<'_, Inspector>, key: egui::Key) {
    harness.key_press(key);
    harness.run();
}

#[test]
fn a_presenter_drives_time_and_a_lesson_from_the_keyboard_and_annotates() {
    let mut harness = harness();
    press(&mut harness, egui::Key::P);
    assert!(harness.state().presenter.on);
    assert_eq!(harness.ctx.zoom_factor(), super::PRESENTER_ZOOM);
    assert!(
        harness.query_by_label("Throughput").is_none(),
        "one view: no tab bar"
    );
    assert!(
        harness.query_by_label("Producers").is_none(),
        "no resource tree"
    );

    // Time: a second at a time, then the speeds by number.
    let before = harness.state().view.now_ms;
    press(&mut harness, egui::Key::S);
    assert_eq!(harness.state().view.now_ms, before + 1_000);
    press(&mut harness, egui::Key::Num3);
    assert_eq!(harness.state().world.speed(), Speed::Factor(60.0));
    press(&mut harness, egui::Key::Space);
    assert_eq!(harness.state().world.speed(), Speed::Paused);

    // A lesson moved on with N: run to the moment (the room predicts aloud), then the next step.
    harness.state_mut().learn.run_speed = Some(Speed::AsFastAsPossible);
    harness.state_mut().learn.request = Some(LearnRequest::Open("hot-shards".into()));
    harness.run();
    press(&mut harness, egui::Key::N);
    for _ in 0..30 {
        harness.step();
    }
    harness.run();
    harness
        .get_by_label("The engine shows shardId-000000000002: the answer is shardId-000000000002.");
    press(&mut harness, egui::Key::N);
    assert_eq!(harness.state().learn.active.as_ref().unwrap().step, 1);
    assert_eq!(harness.state().tab, Tab::StreamMap);

    // A box dragged over the view, an arrow, a note typed; C clears them.
    press(&mut harness, egui::Key::B);
    drag(&mut harness, (300.0, 300.0), (500.0, 420.0));
    press(&mut harness, egui::Key::A);
    drag(&mut harness, (200.0, 200.0), (320.0, 310.0));
    press(&mut harness, egui::Key::T);
    click(&mut harness, (400.0, 500.0));
    harness
        .get_by_role_and_label(egui::accesskit::Role::TextInput, "Note")
        .type_text("the hot shard");
    harness.run();
    press(&mut harness, egui::Key::Enter);
    let marks = &harness.state().presenter.annotations;
    assert_eq!(marks.len(), 3, "{marks:?}");
    // Where the drag went (less the few points egui waits before it calls a press a drag).
    let super::Annotation::Box(rect) = &marks[0] else {
        panic!("{marks:?}")
    };
    assert!(
        (rect.max - egui::pos2(500.0, 420.0)).length() < 1.0,
        "{rect:?}"
    );
    assert!(rect.width() > 140.0 && rect.height() > 80.0, "{rect:?}");
    assert!(
        matches!(&marks[1], super::Annotation::Arrow { .. }),
        "{marks:?}"
    );
    assert!(matches!(&marks[2], super::Annotation::Note { text, .. } if text == "the hot shard"));
    press(&mut harness, egui::Key::Escape);
    assert_eq!(
        harness.state().presenter.tool,
        None,
        "Esc puts the tool down first"
    );
    press(&mut harness, egui::Key::C);
    assert!(harness.state().presenter.annotations.is_empty());

    press(&mut harness, egui::Key::Escape);
    assert!(!harness.state().presenter.on);
    assert_eq!(harness.ctx.zoom_factor(), 1.0);
    harness.get_by_label("Throughput");
}

fn drag(harness: &mut Harness<'_, Inspector>, from: (f32, f32), to: (f32, f32)) {
    let (from, to) = (egui::pos2(from.0, from.1), egui::pos2(to.0, to.1));
    harness.event(egui::Event::PointerMoved(from));
    harness.event(egui::Event::PointerButton {
        pos: from,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: Default::default(),
    });
    harness.step();
    for i in 1..=4 {
        let t = i as f32 / 4.0;
        harness.event(egui::Event::PointerMoved(from + (to - from) * t));
        harness.step();
    }
    harness.event(egui::Event::PointerButton {
        pos: to,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: Default::default(),
    });
    harness.run();
}

fn click(harness: &mut Harness<'_, Inspector>, at: (f32, f32)) {
    let at = egui::pos2(at.0, at.1);
    harness.event(egui::Event::PointerMoved(at));
    for pressed in [true, false] {
        harness.event(egui::Event::PointerButton {
            pos: at,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: Default::default(),
        });
        harness.step();
    }
    harness.run();
}
