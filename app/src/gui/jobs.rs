//! Long work (opening a scenario, writing an export) runs on a thread of its own, so the window
//! keeps drawing; the top bar shows each job with a spinner until it ends, and its outcome becomes
//! a notice.

use std::sync::mpsc;

/// What a job was, for what has to happen after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    OpenScenario,
    Export,
    IngestVideo,
}

struct Job {
    label: String,
    kind: JobKind,
    outcome: mpsc::Receiver<Result<String, String>>,
}

/// Jobs running now.
#[derive(Default)]
pub struct Jobs {
    running: Vec<Job>,
    /// Outcomes received by [`Jobs::wait`], handed out by the next [`Jobs::finished`].
    done: Vec<(JobKind, Result<String, String>)>,
}

impl Jobs {
    /// Runs `work` on its own thread; `label` is what the top bar shows meanwhile.
    pub fn start(
        &mut self,
        label: impl Into<String>,
        kind: JobKind,
        ctx: &egui::Context,
        work: impl FnOnce() -> Result<String, String> + Send + 'static,
    ) {
        let label = label.into();
        let (sender, outcome) = mpsc::channel();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name(label.clone())
            .spawn(move || {
                let _ = sender.send(work());
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => self.running.push(Job {
                label,
                kind,
                outcome,
            }),
            Err(e) => self
                .done
                .push((kind, Err(format!("{label} could not start: {e}")))),
        }
    }

    /// What is running, for the top bar.
    pub fn labels(&self) -> impl Iterator<Item = &str> {
        self.running.iter().map(|j| j.label.as_str())
    }

    /// Outcomes of the jobs that have ended since the last call.
    pub fn finished(&mut self) -> Vec<(JobKind, Result<String, String>)> {
        let mut ended = std::mem::take(&mut self.done);
        self.running.retain(|job| match job.outcome.try_recv() {
            Ok(outcome) => {
                ended.push((job.kind, outcome));
                false
            }
            Err(mpsc::TryRecvError::Empty) => true,
            Err(mpsc::TryRecvError::Disconnected) => {
                ended.push((
                    job.kind,
                    Err(format!("{} stopped without an answer", job.label)),
                ));
                false
            }
        });
        ended
    }

    /// Blocks until every running job has ended (tests, and a screenshot run about to exit).
    pub fn wait(&mut self) {
        for job in self.running.drain(..) {
            let outcome = job
                .outcome
                .recv()
                .unwrap_or_else(|_| Err(format!("{} stopped without an answer", job.label)));
            self.done.push((job.kind, outcome));
        }
    }
}
