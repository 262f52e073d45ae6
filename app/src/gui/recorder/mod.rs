//! Recording a demo: the window captured for a chosen length at the format's frame rate, written
//! as it goes (GIF or MP4, `writer`), with a progress bar; from the File menu, or `--record FILE`
//! (which closes the app once the file is written).

pub mod writer;

#[cfg(test)]
mod tests;

use super::ImageSlot;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use writer::{DemoFormat, DemoWriter};

/// A recording in progress.
pub struct Recording {
    writer: DemoWriter,
    pub path: PathBuf,
    pub length: Duration,
    started: Instant,
    fps: u32,
    /// Frames handed to the writer.
    pub frames: u64,
    /// The window image asked for, arriving here, and when it was asked for.
    slot: ImageSlot,
    asked: Option<Instant>,
    /// The picture last captured: it fills the frames until the next one arrives.
    last: Option<Arc<egui::ColorImage>>,
    /// Close the app once the file is written (`--record`).
    pub then_exit: bool,
}

impl std::fmt::Debug for Recording {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recording")
            .field("path", &self.path)
            .field("frames", &self.frames)
            .finish()
    }
}

/// The File menu's recording form, and the recording.
#[derive(Debug)]
pub struct Recorder {
    pub seconds: f64,
    pub recording: Option<Recording>,
}

impl Default for Recorder {
    fn default() -> Self {
        Self {
            seconds: 10.0,
            recording: None,
        }
    }
}

impl Recorder {
    /// Starts recording `seconds` of the window into `path` (.gif or .mp4).
    pub fn start(&mut self, path: PathBuf, seconds: f64, then_exit: bool) -> Result<(), String> {
        if self.recording.is_some() {
            return Err("a demo is being recorded already".into());
        }
        if !(seconds.is_finite() && (0.1..=600.0).contains(&seconds)) {
            return Err(format!("record {seconds} s: give 0.1 to 600 seconds"));
        }
        let fps = DemoFormat::of(&path)?.fps();
        // A path that cannot be written is said now, not after the recording.
        std::fs::File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let writer = DemoWriter::start(path.clone())?;
        self.recording = Some(Recording {
            writer,
            path,
            length: Duration::from_secs_f64(seconds),
            started: Instant::now(),
            fps,
            frames: 0,
            slot: ImageSlot::default(),
            asked: None,
            last: None,
            then_exit,
        });
        Ok(())
    }

    /// How far the recording is, 0 to 1.
    pub fn progress(&self) -> Option<f32> {
        let r = self.recording.as_ref()?;
        Some((r.started.elapsed().as_secs_f32() / r.length.as_secs_f32()).min(1.0))
    }

    /// Captures the frames that are due; once the length is reached, hands the writer to `finish`
    /// (which waits for the file off the UI thread, or here when the app then closes).
    pub fn logic(&mut self, ctx: &egui::Context) -> Option<(DemoWriter, bool)> {
        let recording = self.recording.as_mut()?;
        ctx.request_repaint();
        let arrived = recording
            .slot
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        let elapsed = recording.started.elapsed();
        if let Some(image) = arrived {
            recording.asked = None;
            // Frames due by now: the previous picture fills those before this one (a slow
            // capture), so the demo keeps time.
            let due =
                (elapsed.min(recording.length).as_secs_f64() * f64::from(recording.fps)) as u64 + 1;
            let last = recording.last.clone().unwrap_or_else(|| Arc::clone(&image));
            while recording.frames + 1 < due {
                recording.writer.push(Arc::clone(&last));
                recording.frames += 1;
            }
            if recording.frames < due {
                recording.writer.push(Arc::clone(&image));
                recording.frames += 1;
            }
            recording.last = Some(image);
        }
        // A picture that never comes (a hidden window) is asked for again, and the recording
        // ends a little after its length whatever happens.
        let stuck = recording
            .asked
            .is_some_and(|at| at.elapsed() > Duration::from_secs(2));
        let overdue = elapsed > recording.length + Duration::from_secs(5);
        if (elapsed >= recording.length && recording.asked.is_none()) || overdue {
            let done = self.recording.take()?;
            return Some((done.writer, done.then_exit));
        }
        let recording = self.recording.as_mut()?;
        if recording.asked.is_none() || stuck {
            recording.asked = Some(Instant::now());
            let slot = recording.slot.clone();
            let waker = ctx.clone();
            ctx.send_viewport_cmd(egui::ViewportCommand::Screenshot(
                egui::ScreenshotCallback::new(move |image| {
                    *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(image);
                    waker.request_repaint();
                }),
            ));
        }
        None
    }
}

/// The progress bar shown while recording (in the top bar, or presenter's bar).
pub fn progress_bar(ui: &mut egui::Ui, recorder: &Recorder) {
    let (Some(progress), Some(recording)) = (recorder.progress(), &recorder.recording) else {
        return;
    };
    let seconds = recording.length.as_secs_f32();
    let name = recording
        .path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    ui.add(
        egui::ProgressBar::new(progress)
            .desired_width(220.0)
            .text(format!(
                "Recording {name}: {:.0} of {seconds:.0} s",
                progress * seconds
            )),
    );
}
