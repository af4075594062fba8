//! Time: the days a date filter asks about, when a role or membership is known to have been
//! held, and the order of dated records.

use crate::date::Date;
use crate::model::{Base, Term};
use chrono::NaiveDate;
use std::cmp::Ordering;

/// The days between `--since` and `--until` (or of `--on`), either end open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Window {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl Window {
    /// The days that every `since` and every `until` allow: from the start of the latest
    /// `since` to the end of the earliest `until`. Repeating a bound narrows the window.
    pub fn between(since: &[Date], until: &[Date]) -> Window {
        Window {
            from: since.iter().filter_map(Date::start).max(),
            to: until.iter().filter_map(Date::end).min(),
        }
    }

    /// The days of one date (`--on`, `kz on`).
    pub fn of(date: &Date) -> Window {
        Window {
            from: date.start(),
            to: date.end(),
        }
    }

    /// The days common to every date given (`--on` repeated).
    pub fn within_all(dates: &[Date]) -> Window {
        Window {
            from: dates.iter().filter_map(Date::start).max(),
            to: dates.iter().filter_map(Date::end).min(),
        }
    }

    pub fn is_open(&self) -> bool {
        self.from.is_none() && self.to.is_none()
    }

    /// Whether a record's date overlaps the window. An undated record is outside any bounded
    /// window, since nothing says when it was. An interval open at one end says only on which
    /// side of its known end the record falls: `../2022-01-08` ("by 8 January 2022") is within
    /// `--until 2022-01-31` but not within `--since 2022-01-05` or `on 2022-01`, since nothing
    /// says it happened after any day; `2019/..` the other way round.
    pub fn admits(&self, date: Option<&Date>) -> bool {
        match date {
            Some(d) => match (d.start(), d.end()) {
                (None, Some(end)) => self.from.is_none() && self.to.is_none_or(|t| end <= t),
                (Some(start), None) => self.to.is_none() && self.from.is_none_or(|f| start >= f),
                _ => d.overlaps(self.from, self.to),
            },
            None => self.is_open(),
        }
    }

    /// Whether a role or membership was held during the window, as far as the base knows:
    /// see [`held`].
    pub fn admits_held(&self, held: Option<Held>) -> bool {
        match held {
            None => self.is_open(),
            Some(h) => {
                let starts_in_time = match (h.from, self.to) {
                    (Some(s), Some(t)) => s <= t,
                    _ => true,
                };
                let ends_in_time = match (h.to, self.from) {
                    (Some(e), Some(f)) => e >= f,
                    _ => true,
                };
                starts_in_time && ends_in_time
            }
        }
    }
}

/// The days over which a role or membership is known to have been held: `from` is `None` only
/// for a start written as open (`../2019`), `to` is `None` while it lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// When a role or membership is known to have been held. With a `since`, from its first day.
/// Without one its start is undated, and the base only knows it was held from the first day of
/// the earliest date that attests it: its `until`, or the publication of a source it cites.
/// With neither, nothing says when it was held (`None`), and no date filter shows it.
pub fn held(base: &Base, term: &Term) -> Option<Held> {
    let (since, until) = (term.since.as_ref(), term.until.as_ref());
    let to = until.and_then(Date::end);
    let from = match since {
        Some(s) => s.start(),
        None => {
            let published = term
                .sources
                .iter()
                .filter_map(|&s| base.sources[s as usize].published.as_ref())
                .filter_map(Date::start);
            let attested = until
                .and_then(Date::start)
                .into_iter()
                .chain(published)
                .min()?;
            Some(attested)
        }
    };
    Some(Held { from, to })
}

/// Orders records by date as kz always does (start day, coarser first), undated last, then by
/// file order, which `stable` sorting keeps.
pub fn by_date<'a, T>(items: &mut [T], date: impl Fn(&T) -> Option<&'a Date>) {
    items.sort_by(|a, b| match (date(a), date(b)) {
        (Some(x), Some(y)) => x.chronological(y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    });
}

#[cfg(test)]
#[allow(clippy::type_complexity)]
mod tests {
    use super::*;

    fn d(t: &str) -> Date {
        Date::parse(t).unwrap()
    }

    #[test]
    fn windows() {
        let w = Window::between(&[d("2022-01-05")], &[d("2022-01")]);
        assert!(w.admits(Some(&d("2022-01-06"))));
        assert!(w.admits(Some(&d("2022"))));
        assert!(!w.admits(Some(&d("2022-01-04"))));
        assert!(!w.admits(None));
        assert!(Window::default().admits(None));
        let narrowed = Window::between(&[d("2021"), d("2022-01-05")], &[d("2023"), d("2022-01")]);
        assert_eq!(narrowed, w, "repeated bounds narrow");
    }

    #[test]
    fn held_spans() {
        let base = Base::default();
        let term = |since: Option<&str>, until: Option<&str>| Term {
            since: since.map(d),
            until: until.map(d),
            sources: Default::default(),
            evidence: None,
            notes: None,
        };
        let day = |t: &str| d(t).start();
        let cases: &[(
            Option<&str>,
            Option<&str>,
            Option<(Option<&str>, Option<&str>)>,
        )] = &[
            (Some("2019"), None, Some((Some("2019"), None))),
            (
                Some("2019"),
                Some("2022-01-05"),
                Some((Some("2019"), Some("2022-01-05"))),
            ),
            // Undated start: attested by its end only.
            (
                None,
                Some("2022-01-05"),
                Some((Some("2022-01-05"), Some("2022-01-05"))),
            ),
            // Undated, no end and no dated source: no date filter can show it.
            (None, None, None),
        ];
        for (since, until, want) in cases {
            let got = held(&base, &term(*since, *until));
            let want = want.map(|(f, t)| Held {
                from: f.and_then(day),
                to: t.and_then(|t| d(t).end()),
            });
            assert_eq!(got, want, "{since:?}..{until:?}");
        }
        let w = Window::of(&d("2003"));
        assert!(!w.admits_held(None));
        assert!(Window::default().admits_held(None));
        assert!(!w.admits_held(held(&base, &term(None, Some("2022-01-05")))));
        assert!(w.admits_held(held(&base, &term(Some("2002"), None))));
    }

    #[test]
    fn an_interval_open_at_one_end_is_attested_on_its_known_end() {
        let d = |s: &str| Date::parse(s).unwrap();
        let between = |a: &str, b: &str| Window::between(&[d(a)], &[d(b)]);
        let by = d("../2022-01-08");
        let until = |a: &str| Window::between(&[], &[d(a)]);
        let since = |a: &str| Window::between(&[d(a)], &[]);
        let cases = [
            (between("2022-01-05", "2022-01-06"), false),
            (between("2022-01-08", "2022-01-31"), false),
            (since("2022-01-05"), false),
            (until("2021"), false),
            (until("2022-01-31"), true),
            (Window::of(&d("2022-01")), false),
            (Window::default(), true),
        ];
        for (w, want) in cases {
            assert_eq!(w.admits(Some(&by)), want, "{w:?}");
        }
        let after = d("2019/..");
        assert!(since("2018").admits(Some(&after)));
        assert!(!since("2021").admits(Some(&after)));
        assert!(!Window::of(&d("2019")).admits(Some(&after)));
        // A closed interval still overlaps.
        assert!(Window::of(&d("2022-01-03")).admits(Some(&d("2022-01-02/2022-01-08"))));
    }
}
