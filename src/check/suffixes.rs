//! A suffix array of a folded source text, for the verbatim check of a text that many claims
//! cite: built once (by `divsufsort`), it answers whether a claim is in the text, and how much
//! of its start is, by binary search, where a scan reads the whole text for each claim.

use std::cmp::Ordering;

/// Every suffix of a text, by where it starts, in sorted order.
pub(super) struct Suffixes {
    sa: Vec<i32>,
}

impl Suffixes {
    /// The suffix array of `hay`; `None` for a text too long to number with an `i32`, which no
    /// source text within the size limit is.
    pub(super) fn new(hay: &[u8]) -> Option<Suffixes> {
        i32::try_from(hay.len()).ok()?;
        let mut sa = vec![0i32; hay.len()];
        divsufsort::sort_in_place(hay, &mut sa);
        Some(Suffixes { sa })
    }

    /// The first suffix, in sorted order, not below `needle` (comparing only as many bytes as
    /// `needle` has), and the suffix there.
    fn lower_bound(&self, hay: &[u8], needle: &[u8]) -> usize {
        self.sa
            .partition_point(|&p| head(hay, p, needle.len()).cmp(needle) == Ordering::Less)
    }

    /// Whether `needle` appears in `hay`, the text this array was built from.
    pub(super) fn contains(&self, hay: &[u8], needle: &[u8]) -> bool {
        let at = self.lower_bound(hay, needle);
        self.sa
            .get(at)
            .is_some_and(|&p| head(hay, p, needle.len()) == needle)
    }

    /// Where `needle` first appears in `hay`, as a scan would find it: the least start among
    /// the suffixes that begin with it.
    pub(super) fn first(&self, hay: &[u8], needle: &[u8]) -> Option<usize> {
        let at = self.lower_bound(hay, needle);
        self.sa[at..]
            .iter()
            .take_while(|&&p| head(hay, p, needle.len()) == needle)
            .filter_map(|&p| usize::try_from(p).ok())
            .min()
    }

    /// How many bytes of `needle`'s start appear somewhere in `hay`: the suffixes beside where
    /// `needle` would sort share the longest start with it.
    pub(super) fn longest_prefix(&self, hay: &[u8], needle: &[u8]) -> usize {
        let at = self.lower_bound(hay, needle);
        let common = |i: usize| {
            self.sa.get(i).map_or(0, |&p| {
                let suffix = head(hay, p, needle.len());
                suffix
                    .iter()
                    .zip(needle)
                    .take_while(|(a, b)| a == b)
                    .count()
            })
        };
        let before = at.checked_sub(1).map_or(0, common);
        before.max(common(at))
    }
}

/// The first `n` bytes of the suffix of `hay` at `p` (fewer where the text ends).
fn head(hay: &[u8], p: i32, n: usize) -> &[u8] {
    let p = usize::try_from(p).unwrap_or(hay.len()).min(hay.len());
    &hay[p..(p + n).min(hay.len())]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_as_a_scan_does() {
        let hay = "the protests began on January 2 over a hike in fuel prices, Токаев сказал";
        let ix = Suffixes::new(hay.as_bytes()).unwrap();
        let needles = [
            "the protests",
            "fuel prices",
            "prices, Токаев",
            "Токаев скозал",
            "riots",
            "",
            "the protests began on January 2 over a hike in fuel prices, Токаев сказал!",
            "e",
            "ze",
        ];
        for needle in needles {
            let n = needle.as_bytes();
            let scan = memchr::memmem::find(hay.as_bytes(), n).is_some();
            assert_eq!(ix.contains(hay.as_bytes(), n), scan, "{needle:?}");
            let first = memchr::memmem::find(hay.as_bytes(), n);
            assert_eq!(ix.first(hay.as_bytes(), n), first, "{needle:?}");
            let longest = (0..=n.len())
                .rev()
                .find(|&k| memchr::memmem::find(hay.as_bytes(), &n[..k]).is_some())
                .unwrap();
            assert_eq!(ix.longest_prefix(hay.as_bytes(), n), longest, "{needle:?}");
        }
        let empty = Suffixes::new(b"").unwrap();
        assert!(!empty.contains(b"", b"a"));
        assert_eq!(empty.longest_prefix(b"", b"a"), 0);
    }
}
