//! Record pages that simulated readers hand back once they have processed them, for the next
//! read to fill. A page of a thousand records is about 32 KiB; allocating a fresh one for every
//! read lands, while the shard logs grow around it, on memory never touched before — a page
//! fault per 4 KiB.

use super::record_page::RecordPage;

/// Pages kept at most; simulators read one page at a time, a few are plenty.
const KEPT: usize = 16;

/// Empty record pages with their room kept.
#[derive(Debug, Clone, Default)]
pub struct SparePages(Vec<RecordPage>);

impl SparePages {
    /// An empty page of the shard with this creation time and index.
    pub fn take(&mut self, shard_created_ms: i64, shard_index: u32) -> RecordPage {
        match self.0.pop() {
            Some(mut page) => {
                page.reset(shard_created_ms, shard_index);
                page
            }
            None => RecordPage::of_shard(shard_created_ms, shard_index),
        }
    }

    /// Keeps `page`'s room for a later read (its records are dropped now).
    pub fn give_back(&mut self, mut page: RecordPage) {
        if self.0.len() < KEPT {
            page.reset(0, 0);
            self.0.push(page);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::streams::log::RecordLog;

    #[test]
    fn a_page_given_back_is_handed_out_again_empty() {
        let mut log = RecordLog::default();
        for i in 0..100 {
            log.append(i, 0, "key", b"data", false);
        }
        let mut spare = SparePages::default();
        let mut page = spare.take(0, 1);
        log.read_into(0, 100, u64::MAX, &mut page);
        assert_eq!(page.len(), 100);
        spare.give_back(page);
        let again = spare.take(1_000, 2);
        assert!(again.is_empty());
        assert_eq!(again, RecordPage::of_shard(1_000, 2));
        for _ in 0..KEPT + 5 {
            spare.give_back(RecordPage::default());
        }
        assert_eq!(spare.0.len(), KEPT);
    }
}
