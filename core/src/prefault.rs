//! Buffers whose memory is already mapped, made ahead of need on a helper thread.
//!
//! A growing log takes fresh memory all the time, and the first write to each fresh page costs a
//! page fault in which the kernel zeroes it: on a virtual machine that is well under 1 GB/s, a
//! tenth of a busy simulation's time. A pool hands out buffers of one fixed capacity whose pages a
//! helper thread has already touched, so that cost moves to another core. When the pool is empty
//! the caller simply allocates: nothing ever waits for the helper, and what a buffer holds never
//! depends on where it came from, so results are the same either way.

use std::sync::{Condvar, Mutex, Once};

/// Buffers a pool keeps ready however large they are.
const MIN_READY_BUFFERS: usize = 4;

/// A pool of empty `Vec<T>`s of one capacity, pages touched.
pub(crate) struct PrefaultPool<T> {
    capacity: usize,
    /// Memory kept ready, in bytes.
    ready_bytes: usize,
    ready: Mutex<Vec<Vec<T>>>,
    wanted: Condvar,
    helper: Once,
}

impl<T: Copy + Default + Send + 'static> PrefaultPool<T> {
    /// A pool of buffers of `capacity` elements keeping about `ready_bytes` of them ready (the
    /// helper starts at the first take).
    pub(crate) const fn new(capacity: usize, ready_bytes: usize) -> Self {
        Self {
            capacity,
            ready_bytes,
            ready: Mutex::new(Vec::new()),
            wanted: Condvar::new(),
            helper: Once::new(),
        }
    }

    /// An empty buffer with room for the pool's capacity: a ready one if there is one.
    pub(crate) fn take(&'static self) -> Vec<T> {
        self.helper.call_once(|| {
            let spawned = std::thread::Builder::new()
                .name("kinescope-prefault".into())
                .spawn(move || self.refill_forever());
            // Without a helper the pool stays empty and every take allocates: slower, same result.
            drop(spawned);
        });
        let taken = self.ready.lock().ok().and_then(|mut ready| ready.pop());
        self.wanted.notify_one();
        taken.unwrap_or_else(|| Vec::with_capacity(self.capacity))
    }

    fn refill_forever(&self) {
        yield_to_other_threads();
        loop {
            let Ok(mut ready) = self.ready.lock() else {
                return;
            };
            while ready.len() >= self.ready_buffers() {
                ready = match self.wanted.wait(ready) {
                    Ok(ready) => ready,
                    Err(_) => return,
                };
            }
            drop(ready);
            let buffer = self.touched_buffer();
            let Ok(mut ready) = self.ready.lock() else {
                return;
            };
            ready.push(buffer);
        }
    }

    fn ready_buffers(&self) -> usize {
        (self.ready_bytes / (self.capacity * std::mem::size_of::<T>()).max(1))
            .max(MIN_READY_BUFFERS)
    }

    fn touched_buffer(&self) -> Vec<T> {
        let mut buffer = Vec::with_capacity(self.capacity);
        buffer.resize(self.capacity, T::default());
        // The writes must happen although nothing reads them.
        std::hint::black_box(&mut buffer);
        buffer.clear();
        buffer
    }
}

/// Lowers the calling thread's scheduling priority to the least (nice 19). Touching pages ahead
/// helps only while it does not take the engine thread's core: when the engine, a simulated
/// client's helper and this thread all want to run on two cores, this one waits. Where the
/// priority cannot be changed the thread simply runs as it is.
fn yield_to_other_threads() {
    #[cfg(target_os = "linux")]
    // SAFETY: gettid and setpriority take plain values and change only this thread's priority.
    unsafe {
        let thread = libc::gettid();
        libc::setpriority(libc::PRIO_PROCESS, thread as libc::id_t, 19);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static POOL: PrefaultPool<u64> = PrefaultPool::new(1_000, 64_000);

    #[test]
    fn buffers_are_empty_with_the_pools_capacity_whoever_made_them() {
        let buffers: Vec<Vec<u64>> = (0..POOL.ready_buffers() + 8).map(|_| POOL.take()).collect();
        for buffer in &buffers {
            assert!(buffer.is_empty());
            assert!(buffer.capacity() >= 1_000);
        }
    }
}
