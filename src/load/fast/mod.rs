//! The fast path: list items in kz's plain YAML subset are read without libyaml, into the very
//! same records serde_yaml gives.
//!
//! It is not a second YAML parser. [`read`] reads an item only when every line of it is in a
//! subset it can read with certainty and otherwise gives up; [`de`] then drives the records'
//! own `Deserialize` impls with the visitor calls serde_yaml would make, resolving scalars with
//! serde_yaml's own code ([`resolve`]). Any item it gives up on is read by serde_yaml alone, and
//! any batch with an item that fails either way is read by the piecewise parse exactly as
//! before, so every diagnostic still comes from serde_yaml. `KZ_NO_FAST_PATH=1` turns the fast
//! path off; `KZ_FAST_PATH_STATS=1` reports on stderr how many items took which path.

mod de;
mod error;
mod read;
mod resolve;

use super::outline::ItemSpan;
use serde::de::DeserializeOwned;
use std::sync::atomic::{AtomicU64, Ordering};

pub use error::Error;

/// Whether the fast path is used: on unless `KZ_NO_FAST_PATH` is set to something other than
/// `0` or nothing, so that a bisection can rule it out.
pub fn enabled_by_env() -> bool {
    !std::env::var_os("KZ_NO_FAST_PATH").is_some_and(|v| !v.is_empty() && v != "0")
}

/// How many items took each path since the process started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Read by the fast path.
    pub fast: u64,
    /// Outside the subset, read by serde_yaml on their own.
    pub alone: u64,
    /// In batches read by serde_yaml as before: an item failed, or too many were outside.
    pub batch: u64,
    /// In files read by serde_yaml in one piece.
    pub whole: u64,
}

static FAST: AtomicU64 = AtomicU64::new(0);
static ALONE: AtomicU64 = AtomicU64::new(0);
static BATCH: AtomicU64 = AtomicU64::new(0);
static WHOLE: AtomicU64 = AtomicU64::new(0);

/// The counts so far.
pub fn stats() -> Stats {
    Stats {
        fast: FAST.load(Ordering::Relaxed),
        alone: ALONE.load(Ordering::Relaxed),
        batch: BATCH.load(Ordering::Relaxed),
        whole: WHOLE.load(Ordering::Relaxed),
    }
}

impl std::fmt::Display for Stats {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        let total = self.fast + self.alone + self.batch + self.whole;
        let share = |n: u64| n as f64 * 100.0 / total.max(1) as f64;
        write!(
            f,
            "fast path: {} of {} items ({:.2}%); serde_yaml read {} alone ({:.2}%), {} in batches \
             ({:.2}%), {} in whole files ({:.2}%)",
            self.fast,
            total,
            share(self.fast),
            self.alone,
            share(self.alone),
            self.batch,
            share(self.batch),
            self.whole,
            share(self.whole)
        )
    }
}

/// How many items of one file each path read. A file's counts are added to [`stats`] only
/// once it is parsed, so that items of a file parsed whole at last count once, as whole.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Counts {
    fast: u64,
    alone: u64,
    batch: u64,
    whole: u64,
}

impl Counts {
    pub(super) fn whole(items: usize) -> Counts {
        Counts {
            whole: items as u64,
            ..Counts::default()
        }
    }

    pub(super) fn add(&mut self, other: Counts) {
        self.fast += other.fast;
        self.alone += other.alone;
        self.batch += other.batch;
        self.whole += other.whole;
    }

    pub(super) fn commit(self) {
        FAST.fetch_add(self.fast, Ordering::Relaxed);
        ALONE.fetch_add(self.alone, Ordering::Relaxed);
        BATCH.fetch_add(self.batch, Ordering::Relaxed);
        WHOLE.fetch_add(self.whole, Ordering::Relaxed);
    }
}

/// Reads one item with the fast path: `None` when it is outside the subset (`Some(Err)` when
/// it is inside but does not fit `T`).
pub fn read_one<T: DeserializeOwned>(item: &str) -> Option<Result<T, Error>> {
    let mut lines = Vec::new();
    let mut events = Vec::new();
    read::read_item(item, &mut lines, &mut events)?;
    Some(deserialize(&events))
}

fn deserialize<'a, T: serde::Deserialize<'a>>(events: &[de::Event<'a>]) -> Result<T, Error> {
    let mut d = de::De::new(events);
    let value = T::deserialize(&mut d)?;
    if d.finished() { Ok(value) } else { Err(Error) }
}

/// Reads the records of a batch of items in `text`, by the fast path where it can and by
/// serde_yaml alone for the few items outside the subset, and gives each to `put` with its
/// place in the batch. `None` when any item fails, or when too many are outside the subset for
/// item-by-item parsing to pay: the batch is then parsed as before (what was put is put again),
/// and its diagnostics are serde_yaml's.
pub(super) fn read_batch<T: DeserializeOwned>(
    text: &str,
    items: &[ItemSpan],
    counts: &mut Counts,
    mut put: impl FnMut(usize, T),
) -> Option<()> {
    let all = items.len() as u64;
    let mut lines = Vec::new();
    let mut events = Vec::new();
    // Items outside the subset, by index, to be read by serde_yaml and put in their place.
    let mut outside = Vec::new();
    for (n, item) in items.iter().enumerate() {
        let item_text = &text[item.start..item.end];
        if read::read_item(item_text, &mut lines, &mut events).is_none() {
            outside.push(n);
            continue;
        }
        match deserialize(&events) {
            Ok(record) => put(n, record),
            Err(Error) => return give_up(counts, all),
        }
    }
    // One libyaml parse per item costs more than one per batch: alone only when few.
    if outside.len() * 4 > items.len() {
        return give_up(counts, all);
    }
    for &n in &outside {
        let item = &items[n];
        match serde_yaml::from_str::<Vec<T>>(&text[item.start..item.end]) {
            Ok(mut one) if one.len() == 1 => put(n, one.pop()?),
            _ => return give_up(counts, all),
        }
    }
    counts.fast += all - outside.len() as u64;
    counts.alone += outside.len() as u64;
    Some(())
}

fn give_up<T>(counts: &mut Counts, items: u64) -> Option<T> {
    counts.batch += items;
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_yaml::Value;

    /// The fast reading of `item` as a YAML value, when it takes it, and serde_yaml's.
    fn both(item: &str) -> (Option<String>, String) {
        let fast = read_one::<Value>(item).map(|v| match v {
            Ok(v) => format!("{v:?}"),
            Err(_) => "an error".to_string(),
        });
        let slow = match serde_yaml::from_str::<Vec<Value>>(item) {
            Ok(v) if v.len() == 1 => format!("{:?}", v[0]),
            _ => "an error".to_string(),
        };
        (fast, slow)
    }

    #[test]
    fn items_in_the_subset_read_as_serde_yaml_reads_them() {
        let cases: &[&str] = &[
            "- id: a\n",
            "  - id: a\n    text: b\n",
            "- id: a\n  n: 2022\n  f: 1.5\n  e: 1e3\n  o: 0o17\n  z: 0123\n",
            "- id: a\n  t: true\n  y: yes\n  n: null\n  tilde: ~\n  empty:\n  off: off\n",
            "- id: a\n  d: 2022-01-05\n  i: 2022-01-02/2022-01-05\n  q: 2022?\n  x: 199X\n",
            "- id: a\n  dots: ../2022\n  inf: .inf\n  nan: .NaN\n  hex: 0x1F\n  plus: +12\n",
            "- id: a\n  url: https://example.org/a?b=c#d\n  colon: a:b\n  hash: a#b\n",
            "- id: a\n  s: 'it''s'\n  e: ''\n  d: \"a\\tb\\u00e9\\x41\\\\\\\"\"\n  u: \"\\U0001F600\"\n",
            "- id: a\n  q: \"2022\"\n  r: '1.5'\n  n: \"null\"\n",
            "- id: a\n  l: [a, b c, d-e, 2022, Персона 5]\n  e: []\n  s: [ x ]\n",
            "- id: a\n  t: >-\n    one\n    two\n\n    three\n  u: |\n    one\n      two\n    three\n",
            "- id: a\n  t: >\n    one\n      indented\n    two\n  u: |-\n    x\n",
            "- id: a\n  t: |\n\n    after a blank\n",
            "- id: a\n  t: |\n    # not a comment\n    x: y\n# a comment\n",
            "- id: a\n  roles:\n    - title: T\n      since: 2015\n    - title: U\n  aliases:\n  - x\n  - y\n",
            "- id: a\n  nested:\n    deeper:\n      key: v\n  after: w\n",
            "- id: a\n  # a comment\n\n  b: c\n\n# trailing\n",
            "- id: a\n  text: Смысл «кавычки» — тире\n  emoji: 😀\n",
            "- id: a\n  last: no newline",
            "- id: a\n  t: |\n    no newline",
            "- id: a\n  list:\n    - 'q'\n    - \"r\"\n    - [s]\n    - |\n      block\n",
            "- id: a\n  true: key\n  null: key\n  y: key\n",
            "- id: a\n  id: twice\n",
        ];
        for item in cases {
            let (fast, slow) = both(item);
            assert_eq!(fast.as_deref(), Some(slow.as_str()), "{item:?}");
        }
    }

    /// The quotes of `text` read as a batch, and how many items took each path.
    fn batch(text: &str) -> (Option<Vec<String>>, Counts) {
        let sections = crate::load::outline::outline(text).unwrap();
        let mut counts = Counts::default();
        let mut ids = vec![None; sections[0].items.len()];
        let put = |n: usize, q: crate::load::RawQuote| ids[n] = q.id.map(|id| id.to_string());
        let read = read_batch(text, &sections[0].items, &mut counts, put);
        (read.and_then(|()| ids.into_iter().collect()), counts)
    }

    #[test]
    fn a_batch_reads_the_few_items_outside_the_subset_alone_and_gives_up_on_any_error() {
        let ids = |ids: &[&str]| Some(ids.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        let counts = |fast, alone, batch| Counts {
            fast,
            alone,
            batch,
            whole: 0,
        };
        let cases: &[(&str, Option<Vec<String>>, Counts)] = &[
            (
                "quotes:\n- id: a\n- {id: b}\n- id: c\n- id: d\n",
                ids(&["a", "b", "c", "d"]),
                counts(3, 1, 0),
            ),
            (
                "quotes:\n- {id: a}\n- id: b\n- id: c\n- {id: d}\n",
                None,
                counts(0, 0, 4),
            ),
            (
                "quotes:\n- id: a\n- id: b\n  colour: red\n- id: c\n",
                None,
                counts(0, 0, 3),
            ),
            (
                "quotes:\n- id: a\n- id: b\n- {id: c, colour: red}\n- id: d\n- id: e\n",
                None,
                counts(0, 0, 5),
            ),
        ];
        for (text, want, want_counts) in cases {
            assert_eq!(&batch(text), &(want.clone(), *want_counts), "{text:?}");
        }
    }

    #[test]
    fn items_outside_the_subset_are_left_to_serde_yaml() {
        let cases: &[&str] = &[
            "- {id: a}\n",
            "- id: &x a\n  b: *x\n",
            "- id: !tag a\n",
            "- id: a\n  b: c # comment\n",
            "- id: a\n  b: c: d\n",
            "- id: a\n  b: multi\n    line\n",
            "- id: a\n  b: \"multi\n    line\"\n",
            "- id: a\n  b: {c: d}\n",
            "- id: a\n  b: [c, [d]]\n",
            "- id: a\n  b: [c: d]\n",
            "- id: a\n  b: |+\n    keep\n\n",
            "- id: a\n  b: |2\n    indicator\n",
            "- id: a\n  b: | # comment\n    x\n",
            "- id: a\n\tb: c\n",
            "- id: a\r\n",
            "- id: a \n",
            "- id: a\n  b: -1\n",
            "- id: a\n  ? b\n  : c\n",
            "- id: a\n  b:\n    c\n",
            "- id: a\n  \"b\": c\n",
            "- id: a\n  b: \"\\q\"\n",
            "- id: a\n  b: \"\\ud800\"\n",
            "- id: a\n  b: x\u{85}y\n",
            "- id: a\n  b: x\u{2028}y\n",
            "-  id: a\n",
            "- - a\n",
            "- a\n",
            "- id: a\n   b: c\n",
            "- id: a\n  b: |\n  c: d\n",
            "- id: a\n  123: key\n",
        ];
        for item in cases {
            let (fast, slow) = both(item);
            assert_eq!(fast, None, "{item:?} read as {slow}");
        }
    }
}
