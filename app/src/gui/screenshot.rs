//! `--screenshot OUT.png [--after SECONDS]`: let that much virtual time run, render, save the
//! window as a PNG and close. This is how tests and docs get pictures.

use super::view::View;
use kinescope_core::clock::Speed;
use kinescope_core::live::SharedWorld;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// A screenshot in progress.
pub struct Screenshot {
    path: PathBuf,
    /// Virtual time to reach first, from when the app opened.
    until_ms: Option<i64>,
    after_ms: i64,
    frames_after: u32,
    requested: bool,
    image: Arc<Mutex<Option<Arc<egui::ColorImage>>>>,
}

impl Screenshot {
    /// A screenshot to `path` once `after_ms` of virtual time has run.
    pub fn new(path: PathBuf, after_ms: i64) -> Self {
        Self {
            path,
            until_ms: None,
            after_ms,
            frames_after: 0,
            requested: false,
            image: Arc::new(Mutex::new(None)),
        }
    }

    /// Runs the world on (as fast as possible), then asks for the frame and saves it.
    pub fn logic(
        &mut self,
        ctx: &egui::Context,
        world: &SharedWorld,
        view: &View,
        notices: &mut Vec<String>,
    ) {
        let until = *self.until_ms.get_or_insert(view.now_ms + self.after_ms);
        if view.now_ms < until {
            world.step_by((until - view.now_ms).min(10_000) as u64);
            ctx.request_repaint();
            return;
        }
        if world.speed() != Speed::Paused {
            world.set_speed(Speed::Paused);
        }
        // A few frames so every panel has laid itself out at its final size.
        self.frames_after += 1;
        ctx.request_repaint();
        if self.frames_after < 4 || self.requested {
            self.save_if_ready(ctx, notices);
            return;
        }
        self.requested = true;
        let slot = self.image.clone();
        let waker = ctx.clone();
        ctx.send_viewport_cmd(egui::ViewportCommand::Screenshot(
            egui::ScreenshotCallback::new(move |image| {
                *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(image);
                waker.request_repaint();
            }),
        ));
    }

    fn save_if_ready(&mut self, ctx: &egui::Context, notices: &mut Vec<String>) {
        let Some(image) = self.image.lock().unwrap_or_else(|p| p.into_inner()).take() else {
            return;
        };
        match super::files::save_png(&image, &self.path) {
            Ok(message) => eprintln!("{message}"),
            Err(message) => {
                eprintln!("error: {message}");
                notices.push(message);
                SCREENSHOT_FAILED.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        }
        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
    }
}

/// Set when the PNG could not be written, so the process exits non-zero.
pub static SCREENSHOT_FAILED: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);
