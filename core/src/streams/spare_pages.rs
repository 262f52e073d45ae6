//! Record vectors that simulated readers hand back once they have processed them, for the next
//! read to fill. A GetRecords page of a thousand records is about 100 KiB; allocating a fresh one
//! for every read lands, while the shard logs grow around it, on memory never touched before —
//! a page fault per 4 KiB, a tenth of a long simulation's time.

use super::shapes::Record;

/// Vectors kept at most; simulators read one page at a time, a few are plenty.
const KEPT: usize = 16;

/// Empty record vectors with their room kept.
#[derive(Debug, Clone, Default)]
pub struct SparePages(Vec<Vec<Record>>);

impl SparePages {
    /// An empty vector with room for at least `capacity` records.
    pub fn take(&mut self, capacity: usize) -> Vec<Record> {
        match self.0.pop() {
            Some(mut page) => {
                page.reserve(capacity);
                page
            }
            None => Vec::with_capacity(capacity),
        }
    }

    /// Keeps `page`'s room for a later read (its records are dropped now).
    pub fn give_back(&mut self, mut page: Vec<Record>) {
        page.clear();
        if self.0.len() < KEPT && page.capacity() > 0 {
            self.0.push(page);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_given_back_is_handed_out_again_empty_with_its_room() {
        let mut spare = SparePages::default();
        let page = spare.take(1_000);
        let room = page.capacity();
        assert!(room >= 1_000);
        let address = page.as_ptr();
        spare.give_back(page);
        let again = spare.take(10);
        assert_eq!(
            (again.as_ptr(), again.len(), again.capacity()),
            (address, 0, room)
        );
        for _ in 0..KEPT + 5 {
            spare.give_back(Vec::with_capacity(1));
        }
        assert_eq!(spare.0.len(), KEPT);
    }
}
