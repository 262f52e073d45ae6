//! Native file dialogs: rfd asks the desktop's file chooser (the XDG desktop portal over D-Bus,
//! else zenity) on a thread of its own, so the window keeps drawing while it is open; the next
//! `logic()` picks the answer up. Every dialog has a typed-path twin in the File menu.

use std::path::PathBuf;
use std::sync::mpsc;

/// What a path is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    OpenScenario,
    SaveScenario,
    ExportCsv,
    ExportPng,
    IngestVideo,
}

impl Purpose {
    fn title(self) -> &'static str {
        match self {
            Purpose::OpenScenario => "Open a scenario",
            Purpose::SaveScenario => "Save the scenario",
            Purpose::ExportCsv => "Export the stream's metrics as CSV",
            Purpose::ExportPng => "Save a picture of the window",
            Purpose::IngestVideo => "Send a video file into the stream",
        }
    }

    /// (filter name, extensions, suggested file name)
    fn file_type(self) -> (&'static str, &'static [&'static str], &'static str) {
        match self {
            Purpose::OpenScenario | Purpose::SaveScenario => {
                ("Kinescope scenario", &["json"], "scenario.json")
            }
            Purpose::ExportCsv => ("CSV", &["csv"], "metrics.csv"),
            Purpose::ExportPng => ("PNG image", &["png"], "kinescope.png"),
            Purpose::IngestVideo => ("Video", &["mkv", "webm", "mp4", "mov", "m4v", "ts"], ""),
        }
    }
}

/// Asks the user for a path; `None` when they cancel.
pub type Picker = fn(Purpose) -> Option<PathBuf>;

/// The dialog that may be open.
#[derive(Default)]
pub struct Dialogs {
    /// Stands in for the desktop's chooser (tests); `None` is the real one.
    picker: Option<Picker>,
    waiting: Option<(Purpose, mpsc::Receiver<Option<PathBuf>>)>,
    /// An answer [`Dialogs::wait`] received, handed out by the next [`Dialogs::answer`].
    received: Option<(Purpose, PathBuf)>,
}

impl Dialogs {
    /// Dialogs answered by `picker` instead of the desktop.
    pub fn with_picker(picker: Picker) -> Self {
        Self {
            picker: Some(picker),
            ..Self::default()
        }
    }

    /// Opens a dialog for `purpose`; the error says why none can open.
    pub fn ask(&mut self, purpose: Purpose, ctx: &egui::Context) -> Result<(), String> {
        if self.waiting.is_some() {
            return Err("A file dialog is already open".into());
        }
        let picker = match self.picker {
            Some(picker) => picker,
            None if desktop_has_a_chooser() => native,
            None => {
                return Err(
                    "No file dialog on this desktop (it needs xdg-desktop-portal or \
                            zenity): type a path in the File menu instead"
                        .into(),
                );
            }
        };
        let (answer, receiver) = mpsc::channel();
        let ctx = ctx.clone();
        std::thread::Builder::new()
            .name("file dialog".into())
            .spawn(move || {
                // The window may have closed meanwhile; nobody to tell then.
                let _ = answer.send(picker(purpose));
                ctx.request_repaint();
            })
            .map_err(|e| format!("Cannot open a file dialog: {e}"))?;
        self.waiting = Some((purpose, receiver));
        Ok(())
    }

    /// What is open, if a dialog is.
    pub fn waiting(&self) -> Option<Purpose> {
        self.waiting.as_ref().map(|(purpose, _)| *purpose)
    }

    /// The chosen path once the dialog closed with one.
    pub fn answer(&mut self) -> Option<(Purpose, PathBuf)> {
        if let Some(received) = self.received.take() {
            return Some(received);
        }
        let (purpose, receiver) = self.waiting.as_ref()?;
        let purpose = *purpose;
        match receiver.try_recv() {
            Ok(answer) => {
                self.waiting = None;
                answer.map(|path| (purpose, path))
            }
            Err(mpsc::TryRecvError::Empty) => None,
            Err(mpsc::TryRecvError::Disconnected) => {
                self.waiting = None;
                None
            }
        }
    }
}

impl Dialogs {
    /// Blocks until the open dialog closes (tests).
    pub fn wait(&mut self) {
        if let Some((purpose, receiver)) = self.waiting.take() {
            self.received = receiver.recv().ok().flatten().map(|path| (purpose, path));
        }
    }
}

fn desktop_has_a_chooser() -> bool {
    std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
        || std::env::var_os("PATH").is_some_and(|path| {
            std::env::split_paths(&path).any(|dir| dir.join("zenity").is_file())
        })
}

fn native(purpose: Purpose) -> Option<PathBuf> {
    let (filter, extensions, file_name) = purpose.file_type();
    let mut dialog = rfd::FileDialog::new()
        .set_title(purpose.title())
        .add_filter(filter, extensions);
    if let Ok(dir) = std::env::current_dir() {
        dialog = dialog.set_directory(dir);
    }
    match purpose {
        Purpose::OpenScenario | Purpose::IngestVideo => dialog.pick_file(),
        _ => dialog.set_file_name(file_name).save_file(),
    }
}
