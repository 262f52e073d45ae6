//! The allocator Kinescope's binaries run on, and how it is tuned.
//!
//! The engine makes and frees many small buffers per record; mimalloc does that about 1.5× faster
//! than the system allocator here (measured with the simulation benchmark). By default it gives
//! memory that stayed free for a second back to the system, and a running world frees and takes
//! again buffers of tens of KiB at every call (PutRecords results, request batches, read pages):
//! given back, each comes back as fresh pages the kernel must map and zero. In a busy simulation
//! that was 3,000 page faults a minute on the engine thread and a tenth of its time; kept for ten
//! seconds, freed memory is reused instead (a third of the faults, most of them the log growing).

/// The global allocator: `#[global_allocator] static A: Allocator = Allocator;`, then [`tune`]
/// first thing in `main`.
pub use mimalloc::MiMalloc as Allocator;

/// `mi_option_purge_delay` in mimalloc's option enum (mimalloc.h; the Rust bindings have no name
/// for it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long freed memory stays mapped before mimalloc gives it back, in milliseconds.
const PURGE_DELAY_MS: std::ffi::c_long = 10_000;

/// Sets mimalloc's options for the engine (an option set in the environment, such as
/// `MIMALLOC_PURGE_DELAY`, is overridden). Harmless where mimalloc is not the global allocator.
pub fn tune() {
    // SAFETY: setting an option is a plain store that mimalloc reads when it next purges.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tuning_sets_the_purge_delay() {
        // SAFETY: reading an option.
        let delay = || unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            // mimalloc's documented default purge delay (1 s): option 15 is that one.
            assert_eq!(delay(), 1_000);
        }
        tune();
        assert_eq!(delay(), PURGE_DELAY_MS);
    }
}
