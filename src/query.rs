//! Pure questions over a [`Base`] shared by the commands: resolving names and dates, walking
//! relations, and the small formatting of model values into cells.

use crate::date::Date;
use crate::exit::Failure;
use crate::model::{Base, EntityRef, Kind};
use crate::names::{self, Found};
use crate::render::Value;
use chrono::NaiveDate;
use std::collections::BTreeSet;

/// The records of `kinds` that `query` names, or a no-match failure with a suggestion.
/// `what` names the kinds in the message (`actor`, `organisation`, `record`).
pub fn resolve(
    base: &Base,
    query: &str,
    kinds: &[Kind],
    what: &str,
) -> Result<Vec<EntityRef>, Failure> {
    match names::find(base, query, kinds) {
        Found::Matches(found) => Ok(found),
        Found::Miss { suggestion } => Err(Failure::NoMatch(match suggestion {
            Some(s) => format!("no {what} matches '{query}'; did you mean '{s}'?"),
            None => format!("no {what} matches '{query}'"),
        })),
    }
}

/// The failure for a `--kind` that matched nothing, listing the kinds the base has.
pub fn no_kind<'a>(what: &str, asked: &str, kinds: impl Iterator<Item = &'a str>) -> Failure {
    let kinds: BTreeSet<&str> = kinds.collect();
    let kinds: Vec<&str> = kinds.into_iter().collect();
    Failure::NoMatch(format!(
        "no {what} is of kind '{asked}'; kinds in the base: {}",
        kinds.join(", ")
    ))
}

/// Parses a date given on the command line, naming the flag when it is not a date.
pub fn date_arg(flag: &str, value: &str) -> Result<Date, Failure> {
    Date::parse(value).map_err(|e| Failure::Usage(format!("invalid {flag} date '{value}': {e}")))
}

/// The days between `--since` and `--until`, either end open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Window {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl Window {
    /// From the start of `since` to the end of `until`, both parsed from flags.
    pub fn from_flags(since: Option<&str>, until: Option<&str>) -> Result<Window, Failure> {
        let since = since.map(|s| date_arg("--since", s)).transpose()?;
        let until = until.map(|u| date_arg("--until", u)).transpose()?;
        Ok(Window {
            from: since.and_then(|d| d.start()),
            to: until.and_then(|d| d.end()),
        })
    }

    /// The days of one date (`--on`, `kz on`).
    pub fn of(date: &Date) -> Window {
        Window {
            from: date.start(),
            to: date.end(),
        }
    }

    pub fn is_open(&self) -> bool {
        self.from.is_none() && self.to.is_none()
    }

    /// Whether a record's date overlaps the window. An undated record is outside any bounded
    /// window, since nothing says when it was.
    pub fn admits(&self, date: Option<&Date>) -> bool {
        match date {
            Some(d) => d.overlaps(self.from, self.to),
            None => self.is_open(),
        }
    }

    /// Whether a span from `since` to `until` (absent ends unbounded) overlaps the window.
    pub fn admits_span(&self, since: Option<&Date>, until: Option<&Date>) -> bool {
        let start = since.and_then(Date::start);
        let end = until.and_then(Date::end);
        let starts_in_time = match (start, self.to) {
            (Some(s), Some(t)) => s <= t,
            _ => true,
        };
        let ends_in_time = match (end, self.from) {
            (Some(e), Some(f)) => e >= f,
            _ => true,
        };
        starts_in_time && ends_in_time
    }
}

/// The given places and every place that is part of them, at any depth.
pub fn places_within(base: &Base, roots: &[u32]) -> BTreeSet<u32> {
    let mut inside: BTreeSet<u32> = roots.iter().copied().collect();
    loop {
        let before = inside.len();
        for (i, p) in base.places.iter().enumerate() {
            if p.part_of.is_some_and(|parent| inside.contains(&parent)) {
                inside.insert(i as u32);
            }
        }
        if inside.len() == before {
            return inside;
        }
    }
}

/// The places PLACE names and every place within them (`--place`).
pub fn resolve_places_within(base: &Base, place: &str) -> Result<BTreeSet<u32>, Failure> {
    let roots: Vec<u32> = resolve(base, place, &[Kind::Place], "place")?
        .iter()
        .map(|r| r.idx)
        .collect();
    Ok(places_within(base, &roots))
}

/// The given records plus, for each place among them, every place within it.
pub fn with_places_within(base: &Base, refs: Vec<EntityRef>) -> BTreeSet<EntityRef> {
    let roots: Vec<u32> = refs
        .iter()
        .filter(|r| r.kind == Kind::Place)
        .map(|r| r.idx)
        .collect();
    let mut out: BTreeSet<EntityRef> = refs.into_iter().collect();
    out.extend(places_within(base, &roots).into_iter().map(place_ref));
    out
}

/// Orders records by date as SPEC.md says (start day, coarser first), undated last, then by
/// file order, which `stable` sorting keeps.
pub fn by_date<'a, T>(items: &mut [T], date: impl Fn(&T) -> Option<&'a Date>) {
    items.sort_by(|a, b| match (date(a), date(b)) {
        (Some(x), Some(y)) => x.chronological(y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
}

/// A date cell: the date as written, or empty.
pub fn date_cell(date: Option<&Date>) -> Value {
    Value::opt(date.map(|d| d.to_string()))
}

/// The labels of some records, for a list cell.
pub fn labels(base: &Base, refs: impl IntoIterator<Item = EntityRef>) -> Value {
    Value::List(
        refs.into_iter()
            .map(|r| base.label(r).to_string())
            .collect(),
    )
}

/// The ids of the sources behind a record, for the `source` key of JSON rows.
pub fn source_ids(base: &Base, sources: &[u32]) -> Vec<String> {
    base.source_ids(sources)
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// Whether `haystack` contains `needle`, ignoring case, accents and script.
pub fn contains_text(haystack: &str, needle_normalised: &str) -> bool {
    needle_normalised.is_empty() || names::normalise(haystack).contains(needle_normalised)
}

/// A reference to a place by index, as a record reference.
pub fn place_ref(idx: u32) -> EntityRef {
    EntityRef {
        kind: Kind::Place,
        idx,
    }
}

/// A reference to an organisation by index.
pub fn org_ref(idx: u32) -> EntityRef {
    EntityRef {
        kind: Kind::Organisation,
        idx,
    }
}

/// A reference to an actor by index.
pub fn actor_ref(idx: u32) -> EntityRef {
    EntityRef {
        kind: Kind::Actor,
        idx,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows() {
        let d = |t: &str| Date::parse(t).unwrap();
        let w = Window::from_flags(Some("2022-01-05"), Some("2022-01")).unwrap();
        assert!(w.admits(Some(&d("2022-01-06"))));
        assert!(w.admits(Some(&d("2022"))));
        assert!(!w.admits(Some(&d("2022-01-04"))));
        assert!(!w.admits(None));
        assert!(Window::default().admits(None));
        assert!(w.admits_span(None, None));
        assert!(w.admits_span(Some(&d("2019")), None));
        assert!(!w.admits_span(None, Some(&d("2021"))));
        assert!(!w.admits_span(Some(&d("2022-02")), None));
        let err = Window::from_flags(Some("last tuesday"), None).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("invalid --since date 'last tuesday'"),
            "{err}"
        );
    }
}
