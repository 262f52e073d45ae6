//! A helper thread for what simulated clients can do ahead of the engine. A simulated producer's
//! next tick of records depends only on its own generator, so it is made on this thread while
//! the engine thread runs the current tick (on AWS a client runs on its own machine too). The
//! engine thread always gets back exactly what it would have made itself: the work is the same
//! code on the same state, only elsewhere, and the result is used only if nothing changed
//! meanwhile (see `Producer::tick`).

use std::sync::OnceLock;
use std::sync::mpsc::{Receiver, Sender, channel};

type Job = Box<dyn FnOnce() + Send>;

/// The helper's queue, started at the first job; `None` if no thread could be started.
fn helper() -> Option<&'static Sender<Job>> {
    static HELPER: OnceLock<Option<Sender<Job>>> = OnceLock::new();
    HELPER
        .get_or_init(|| {
            let (jobs, queue) = channel::<Job>();
            std::thread::Builder::new()
                .name("kinescope-clients".into())
                .spawn(move || {
                    for job in queue {
                        // A job that panics drops its result (its caller sees `None`); the
                        // helper goes on with the next.
                        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                    }
                })
                .ok()?;
            Some(jobs)
        })
        .as_ref()
}

/// A result being worked out on the helper thread.
pub(super) struct Ahead<T>(Receiver<T>);

impl<T: Send + 'static> Ahead<T> {
    /// Starts `work` on the helper thread (or does it now, if there is no helper).
    pub(super) fn start(work: impl FnOnce() -> T + Send + 'static) -> Self {
        let (result, receiver) = channel();
        let job: Job = Box::new(move || {
            // The caller may have given up on the result; nothing to do then.
            let _ = result.send(work());
        });
        match helper() {
            Some(jobs) => {
                if let Err(refused) = jobs.send(job) {
                    (refused.0)();
                }
            }
            None => job(),
        }
        Ahead(receiver)
    }

    /// The result, once done; `None` if the work panicked.
    pub(super) fn wait(self) -> Option<T> {
        self.0.recv().ok()
    }
}

impl<T> std::fmt::Debug for Ahead<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Ahead(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_started_ahead_comes_back_in_full() {
        let jobs: Vec<Ahead<u64>> = (0..100u64)
            .map(|i| Ahead::start(move || (0..=i).sum()))
            .collect();
        let sums: Vec<u64> = jobs.into_iter().map(|j| j.wait().unwrap()).collect();
        assert_eq!(
            sums,
            (0..100u64).map(|i| i * (i + 1) / 2).collect::<Vec<_>>()
        );
    }

    #[test]
    fn work_that_panics_gives_nothing_and_the_helper_goes_on() {
        let failed = Ahead::<u64>::start(|| panic!("on purpose"));
        assert_eq!(failed.wait(), None);
        assert_eq!(Ahead::start(|| 7).wait(), Some(7));
    }
}
