//! EDTF dates (the subset of ISO 8601-2 level 1 that fact files use): parse, interval of days,
//! order, display.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;

/// How much of a calendar date is known. Coarser precisions sort first on the same start day.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub enum Precision {
    Century,
    Decade,
    Year,
    Month,
    #[default]
    Day,
}

/// One end of a date: a calendar date at some precision, or open (`..`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Point {
    first: NaiveDate,
    last: NaiveDate,
    precision: Precision,
}

/// A date as a fact file writes it, with the interval of days it covers.
///
/// `start`/`end` are `None` for an open end (`..`). Display gives back the text exactly as written.
/// The default date is empty and covers no day: it stands in only for a record that could not be
/// read, which is never shown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Date {
    text: compact_str::CompactString,
    /// Days from the common era ([`NaiveDate::num_days_from_ce`]): cheap to compare and to store.
    start: Option<i32>,
    end: Option<i32>,
    precision: Precision,
    uncertain: bool,
    approximate: bool,
}

/// Why a date failed to parse. The message is written for someone editing a fact file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// Not of the EDTF shape at all.
    Malformed(String),
    /// Well formed, but no such day (`2022-02-30`) or month (`2022-13`).
    Impossible(String),
    /// An interval whose end comes before its start.
    Backwards(String),
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateError::Malformed(m) | DateError::Impossible(m) | DateError::Backwards(m) => {
                f.write_str(m)
            }
        }
    }
}

impl std::error::Error for DateError {}

const SHAPE: &str = "expected YYYY, YYYY-MM or YYYY-MM-DD, optionally with X for unknown trailing \
                     year digits (199X), one trailing ?, ~ or %, or an interval A/B with .. for an \
                     open end";

impl Date {
    /// Parses an EDTF date such as `2022-01-05`, `199X`, `2022-01~` or `2019/..`.
    pub fn parse(text: &str) -> Result<Date, DateError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(DateError::Malformed(format!("empty date: {SHAPE}")));
        }
        if let Some((a, b)) = trimmed.split_once('/') {
            let start = parse_end(a, trimmed)?;
            let end = parse_end(b, trimmed)?;
            if start.is_none() && end.is_none() {
                return Err(DateError::Malformed(format!(
                    "'{trimmed}' is open at both ends: give at least one date"
                )));
            }
            if let (Some((s, _, _)), Some((e, _, _))) = (&start, &end)
                && e.last < s.first
            {
                return Err(DateError::Backwards(format!(
                    "interval '{trimmed}' ends before it starts"
                )));
            }
            let precision = start
                .as_ref()
                .or(end.as_ref())
                .map(|(p, _, _)| p.precision)
                .unwrap_or(Precision::Day);
            let qual = |f: fn(&(Point, bool, bool)) -> bool| {
                start.as_ref().is_some_and(f) || end.as_ref().is_some_and(f)
            };
            return Ok(Date {
                text: trimmed.into(),
                start: start.as_ref().map(|(p, _, _)| p.first.num_days_from_ce()),
                end: end.as_ref().map(|(p, _, _)| p.last.num_days_from_ce()),
                precision,
                uncertain: qual(|(_, u, _)| *u),
                approximate: qual(|(_, _, a)| *a),
            });
        }
        let (point, uncertain, approximate) = parse_point(trimmed, trimmed)?;
        Ok(Date {
            text: trimmed.into(),
            start: Some(point.first.num_days_from_ce()),
            end: Some(point.last.num_days_from_ce()),
            precision: point.precision,
            uncertain,
            approximate,
        })
    }

    /// Builds a date from a bare YAML integer, which fact files may write for a year.
    pub fn from_year(year: i64) -> Result<Date, DateError> {
        if !(0..=9999).contains(&year) {
            return Err(DateError::Malformed(format!(
                "year {year} is out of range: write four digits, 0000 to 9999"
            )));
        }
        Date::parse(&format!("{year:04}"))
    }

    /// The first day covered, or `None` when open at the start.
    pub fn start(&self) -> Option<NaiveDate> {
        self.start.and_then(NaiveDate::from_num_days_from_ce_opt)
    }

    /// The last day covered, or `None` when open at the end.
    pub fn end(&self) -> Option<NaiveDate> {
        self.end.and_then(NaiveDate::from_num_days_from_ce_opt)
    }

    pub fn precision(&self) -> Precision {
        self.precision
    }

    pub fn is_uncertain(&self) -> bool {
        self.uncertain
    }

    pub fn is_approximate(&self) -> bool {
        self.approximate
    }

    /// Whether two dates mean the same, however they are spelled: the same days, precision and
    /// qualifiers (`1992` written as a number and as text agree).
    pub fn same(&self, other: &Date) -> bool {
        (
            self.start,
            self.end,
            self.precision,
            self.uncertain,
            self.approximate,
        ) == (
            other.start,
            other.end,
            other.precision,
            other.uncertain,
            other.approximate,
        )
    }

    /// What [`Date::same`] compares, as a key for hashing: dates that mean the same have equal
    /// keys.
    pub fn key(&self) -> String {
        format!(
            "{:?}/{:?}/{:?}/{}{}",
            self.start, self.end, self.precision, self.uncertain as u8, self.approximate as u8
        )
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether this date's days overlap the closed range `[from, to]` (`None` is unbounded).
    pub fn overlaps(&self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> bool {
        let (from, to) = (
            from.map(|d| d.num_days_from_ce()),
            to.map(|d| d.num_days_from_ce()),
        );
        self.overlaps_days(from, to)
    }

    fn overlaps_days(&self, from: Option<i32>, to: Option<i32>) -> bool {
        let starts_in_time = match (self.start, to) {
            (Some(s), Some(t)) => s <= t,
            _ => true,
        };
        let ends_in_time = match (self.end, from) {
            (Some(e), Some(f)) => e >= f,
            _ => true,
        };
        starts_in_time && ends_in_time
    }

    /// Whether the days of `self` overlap the days of `other`.
    pub fn overlaps_date(&self, other: &Date) -> bool {
        self.overlaps_days(other.start, other.end)
    }

    /// The order of every listing: start day (open starts first), then coarser precision first.
    /// Callers break remaining ties by file order.
    pub fn chronological(&self, other: &Date) -> Ordering {
        self.start
            .cmp(&other.start)
            .then(self.precision.cmp(&other.precision))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::str::FromStr for Date {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Date, DateError> {
        Date::parse(s)
    }
}

type Qualified = (Point, bool, bool);

/// One side of an interval: `..` (open) or a date.
fn parse_end(part: &str, whole: &str) -> Result<Option<Qualified>, DateError> {
    if part == ".." {
        Ok(None)
    } else if part.is_empty() {
        Err(DateError::Malformed(format!(
            "'{whole}' has an empty side: write .. for an open end"
        )))
    } else {
        parse_point(part, whole).map(Some)
    }
}

fn parse_point(part: &str, whole: &str) -> Result<Qualified, DateError> {
    let (body, uncertain, approximate) = match part.as_bytes().last() {
        Some(b'?') => (&part[..part.len() - 1], true, false),
        Some(b'~') => (&part[..part.len() - 1], false, true),
        Some(b'%') => (&part[..part.len() - 1], true, true),
        _ => (part, false, false),
    };
    if let Some(q) = body.chars().find(|c| matches!(c, '?' | '~' | '%')) {
        return Err(DateError::Malformed(format!(
            "'{whole}': the qualifier '{q}' may only come last, once (e.g. 2022-01~)"
        )));
    }
    let malformed = || DateError::Malformed(format!("'{whole}' is not a date: {SHAPE}"));
    let mut fields = body.split('-');
    let year = fields.next().ok_or_else(malformed)?;
    let month = fields.next();
    let day = fields.next();
    if fields.next().is_some() || year.len() != 4 {
        return Err(malformed());
    }
    let digits = year.trim_end_matches('X');
    let unknown = 4 - digits.len();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(malformed());
    }
    if unknown > 0 && month.is_some() {
        return Err(DateError::Malformed(format!(
            "'{whole}': a year with unknown digits (X) cannot carry a month or day"
        )));
    }
    let precision = match unknown {
        0 => Precision::Year,
        1 => Precision::Decade,
        2 => Precision::Century,
        _ => {
            return Err(DateError::Malformed(format!(
                "'{whole}': at most the last two year digits may be X (19XX)"
            )));
        }
    };
    let scale = 10_i32.pow(unknown as u32);
    let low: i32 = if digits.is_empty() {
        0
    } else {
        digits.parse().map_err(|_| malformed())?
    };
    let first_year = low * scale;
    let last_year = first_year + scale - 1;
    let two_digits = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
    let ymd = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d);
    let point = match (month, day) {
        (None, _) => Point {
            first: ymd(first_year, 1, 1).ok_or_else(malformed)?,
            last: ymd(last_year, 12, 31).ok_or_else(malformed)?,
            precision,
        },
        (Some(m), None) => {
            if !two_digits(m) {
                return Err(malformed());
            }
            let m: u32 = m.parse().map_err(|_| malformed())?;
            let first = ymd(first_year, m, 1).ok_or_else(|| {
                DateError::Impossible(format!("'{whole}': there is no month {m:02}"))
            })?;
            Point {
                first,
                last: last_of_month(first),
                precision: Precision::Month,
            }
        }
        (Some(m), Some(d)) => {
            if !two_digits(m) || !two_digits(d) {
                return Err(malformed());
            }
            let (m, d): (u32, u32) = (
                m.parse().map_err(|_| malformed())?,
                d.parse().map_err(|_| malformed())?,
            );
            let Some(month_start) = ymd(first_year, m, 1) else {
                return Err(DateError::Impossible(format!(
                    "'{whole}': there is no month {m:02}"
                )));
            };
            let day = ymd(first_year, m, d).ok_or_else(|| {
                let days = last_of_month(month_start).day();
                DateError::Impossible(format!(
                    "'{whole}' does not exist: {} {first_year} has {days} days",
                    month_start.format("%B")
                ))
            })?;
            Point {
                first: day,
                last: day,
                precision: Precision::Day,
            }
        }
    };
    Ok((point, uncertain, approximate))
}

fn last_of_month(first: NaiveDate) -> NaiveDate {
    let (y, m) = if first.month() == 12 {
        (first.year() + 1, 1)
    } else {
        (first.year(), first.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|d| d.pred_opt())
        .unwrap_or(first)
}

/// English month names, for dates written for people.
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Date {
    /// The date written for people, as exactly as its precision allows: `5 January 2022`,
    /// `January 2022`, `1990s`, `2–8 January 2022`, `from 2019`, with `(uncertain)`,
    /// `(approximate)` or both for EDTF's `?`, `~` and `%`. [`Date::as_str`] gives the EDTF.
    pub fn human(&self) -> String {
        let side = |s: &str| (s != "..").then(|| Date::parse(s).ok()).flatten();
        let Some((a, b)) = self.text.split_once('/') else {
            return with_qualifier(point_human(self), self);
        };
        match (side(a), side(b)) {
            (Some(a), None) => format!("from {}", with_qualifier(point_human(&a), &a)),
            (None, Some(b)) => format!("by {}", with_qualifier(point_human(&b), &b)),
            (Some(a), Some(b)) if qualifier(&a) == qualifier(&b) => {
                with_qualifier(range_human(&a, &b), &a)
            }
            (Some(a), Some(b)) => format!(
                "{} – {}",
                with_qualifier(point_human(&a), &a),
                with_qualifier(point_human(&b), &b)
            ),
            // Parsing succeeded once, so both sides parse again; keep the EDTF if not.
            (None, None) => self.text.to_string(),
        }
    }
}

/// `(uncertain)`, `(approximate)`, both, or nothing.
fn qualifier(d: &Date) -> &'static str {
    match (d.uncertain, d.approximate) {
        (true, true) => " (uncertain, approximate)",
        (true, false) => " (uncertain)",
        (false, true) => " (approximate)",
        (false, false) => "",
    }
}

fn with_qualifier(text: String, d: &Date) -> String {
    text + qualifier(d)
}

/// The parts of a single date: year, month (1-based) and day of its first day.
fn ymd(d: &Date) -> (i32, usize, u32) {
    let first = d.start().unwrap_or_default();
    (first.year(), first.month0() as usize, first.day())
}

/// One date of a single precision, without its qualifier.
fn point_human(d: &Date) -> String {
    let (y, m, day) = ymd(d);
    match d.precision {
        Precision::Day => format!("{day} {} {y}", MONTHS[m]),
        Precision::Month => format!("{} {y}", MONTHS[m]),
        Precision::Year => format!("{y}"),
        Precision::Decade | Precision::Century => format!("{y}s"),
    }
}

/// Two dates of an interval, sharing what they have in common: `2–8 January 2022`,
/// `30 December 2021 – 2 January 2022`, `January–March 2022`, `2019–2022`.
fn range_human(a: &Date, b: &Date) -> String {
    let ((ya, ma, da), (yb, mb, db)) = (ymd(a), ymd(b));
    if a.start == b.start && a.end == b.end {
        return point_human(a);
    }
    match (a.precision, b.precision) {
        (Precision::Day, Precision::Day) if ya == yb && ma == mb => {
            format!("{da}–{db} {} {ya}", MONTHS[ma])
        }
        (Precision::Day, Precision::Day) if ya == yb => {
            format!("{da} {} – {db} {} {ya}", MONTHS[ma], MONTHS[mb])
        }
        (Precision::Month, Precision::Month) if ya == yb => {
            format!("{}–{} {ya}", MONTHS[ma], MONTHS[mb])
        }
        (Precision::Year, Precision::Year) => format!("{ya}–{yb}"),
        _ => format!("{} – {}", point_human(a), point_human(b)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn intervals_of_days() {
        let cases: &[(&str, Option<&str>, Option<&str>, Precision)] = &[
            (
                "2022",
                Some("2022-01-01"),
                Some("2022-12-31"),
                Precision::Year,
            ),
            (
                "2022-01",
                Some("2022-01-01"),
                Some("2022-01-31"),
                Precision::Month,
            ),
            (
                "2022-02",
                Some("2022-02-01"),
                Some("2022-02-28"),
                Precision::Month,
            ),
            (
                "2024-02",
                Some("2024-02-01"),
                Some("2024-02-29"),
                Precision::Month,
            ),
            (
                "2022-12",
                Some("2022-12-01"),
                Some("2022-12-31"),
                Precision::Month,
            ),
            (
                "2022-01-05",
                Some("2022-01-05"),
                Some("2022-01-05"),
                Precision::Day,
            ),
            (
                "2024-02-29",
                Some("2024-02-29"),
                Some("2024-02-29"),
                Precision::Day,
            ),
            (
                "2000-02-29",
                Some("2000-02-29"),
                Some("2000-02-29"),
                Precision::Day,
            ),
            (
                "199X",
                Some("1990-01-01"),
                Some("1999-12-31"),
                Precision::Decade,
            ),
            (
                "19XX",
                Some("1900-01-01"),
                Some("1999-12-31"),
                Precision::Century,
            ),
            (
                "2022-01~",
                Some("2022-01-01"),
                Some("2022-01-31"),
                Precision::Month,
            ),
            (
                "2022?",
                Some("2022-01-01"),
                Some("2022-12-31"),
                Precision::Year,
            ),
            (
                "2022-01-05%",
                Some("2022-01-05"),
                Some("2022-01-05"),
                Precision::Day,
            ),
            (
                "199X~",
                Some("1990-01-01"),
                Some("1999-12-31"),
                Precision::Decade,
            ),
            (
                "2022-01-02/2022-01-05",
                Some("2022-01-02"),
                Some("2022-01-05"),
                Precision::Day,
            ),
            (
                "2019/2022-01",
                Some("2019-01-01"),
                Some("2022-01-31"),
                Precision::Year,
            ),
            ("2019/..", Some("2019-01-01"), None, Precision::Year),
            ("../2022-01-05", None, Some("2022-01-05"), Precision::Day),
            (
                "2022-01/2022-01",
                Some("2022-01-01"),
                Some("2022-01-31"),
                Precision::Month,
            ),
            (
                " 2022 ",
                Some("2022-01-01"),
                Some("2022-12-31"),
                Precision::Year,
            ),
        ];
        for (text, start, end, precision) in cases {
            let d = Date::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(d.start(), start.map(day), "{text} start");
            assert_eq!(d.end(), end.map(day), "{text} end");
            assert_eq!(d.precision(), *precision, "{text} precision");
        }
    }

    #[test]
    fn qualifiers() {
        let cases = [
            ("2022", false, false),
            ("2022?", true, false),
            ("2022~", false, true),
            ("2022%", true, true),
            ("2022-01-02?/2022-01-05", true, false),
        ];
        for (text, uncertain, approximate) in cases {
            let d = Date::parse(text).unwrap();
            assert_eq!(d.is_uncertain(), uncertain, "{text}");
            assert_eq!(d.is_approximate(), approximate, "{text}");
        }
    }

    #[test]
    fn errors() {
        let impossible = [
            "2022-02-30",
            "2022-02-29",
            "1900-02-29",
            "2022-13",
            "2022-00",
            "2022-04-31",
            "2022-01-00",
        ];
        let malformed = [
            "",
            "22",
            "20222",
            "2022-1",
            "2022-01-5",
            "2022/",
            "/2022",
            "../..",
            "2022?-01",
            "20?2",
            "2022??",
            "X999",
            "1XXX",
            "XXXX",
            "199X-01",
            "2022-01-05-01",
            "last tuesday",
            "2022-01-05T10:00",
            "-2022",
            "+2022",
            "2022~?",
            "2022 01",
            "２０２２",
        ];
        let cases: Vec<(&str, &str)> = impossible
            .iter()
            .map(|&text| (text, "impossible"))
            .chain(malformed.iter().map(|&text| (text, "malformed")))
            .collect();
        crate::testing::table(&cases, |text| match Date::parse(text) {
            Err(DateError::Impossible(_)) => "impossible".to_string(),
            Err(DateError::Malformed(_)) => "malformed".to_string(),
            other => format!("{other:?}"),
        });
        assert!(matches!(
            Date::parse("2022-01-05/2022-01-02"),
            Err(DateError::Backwards(_))
        ));
    }

    #[test]
    fn messages_say_what_is_wrong() {
        let err = Date::parse("2022-02-30").unwrap_err().to_string();
        assert_eq!(
            err,
            "'2022-02-30' does not exist: February 2022 has 28 days"
        );
        let err = Date::parse("2022?-01").unwrap_err().to_string();
        assert!(err.contains("may only come last"), "{err}");
    }

    #[test]
    fn display_is_as_written() {
        for text in [
            "2022-01-05",
            "199X",
            "2022-01~",
            "2019/..",
            "../2022",
            "2022-01-02/2022-01-05",
        ] {
            assert_eq!(Date::parse(text).unwrap().to_string(), text);
        }
        assert_eq!(Date::from_year(1992).unwrap().to_string(), "1992");
        assert_eq!(Date::from_year(992).unwrap().to_string(), "0992");
        assert!(Date::from_year(10000).is_err());
        assert!(Date::from_year(-5).is_err());
    }

    #[test]
    fn ordering() {
        let mut dates: Vec<Date> = [
            "2022-01-05",
            "2022",
            "199X",
            "2022-01",
            "../2000",
            "2022-01-01",
            "2002",
            "19XX",
        ]
        .iter()
        .map(|t| Date::parse(t).unwrap())
        .collect();
        dates.sort_by(|a, b| a.chronological(b));
        let order: Vec<&str> = dates.iter().map(|d| d.as_str()).collect();
        assert_eq!(
            order,
            [
                "../2000",
                "19XX",
                "199X",
                "2002",
                "2022",
                "2022-01",
                "2022-01-01",
                "2022-01-05"
            ]
        );
    }

    #[test]
    fn overlap() {
        let d = |t: &str| Date::parse(t).unwrap();
        let cases = [
            ("2022-01-05", "2022-01", true),
            ("2022-01", "2022-01-05", true),
            ("2022", "2022-12-31", true),
            ("2021", "2022-01", false),
            ("199X", "1995", true),
            ("199X", "2000", false),
            ("2019/..", "2030", true),
            ("../2019", "2020", false),
            ("2022-01-02/2022-01-05", "2022-01-06", false),
            ("2022-01-02/2022-01-05", "2022-01-05", true),
        ];
        let cases = cases.map(|(a, b, want)| ((a, b), want));
        crate::testing::table(&cases, |(a, b)| d(a).overlaps_date(&d(b)));
    }

    #[test]
    fn dates_for_people() {
        let cases = [
            ("2022-01-05", "5 January 2022"),
            ("2022-01", "January 2022"),
            ("2022", "2022"),
            ("199X", "1990s"),
            ("19XX", "1900s"),
            ("2022-01-05?", "5 January 2022 (uncertain)"),
            ("2022-01~", "January 2022 (approximate)"),
            ("2022%", "2022 (uncertain, approximate)"),
            ("2022-01-02/2022-01-08", "2–8 January 2022"),
            ("2022-01-30/2022-02-02", "30 January – 2 February 2022"),
            ("2021-12-30/2022-01-02", "30 December 2021 – 2 January 2022"),
            ("2022-01/2022-03", "January–March 2022"),
            ("2021-11/2022-02", "November 2021 – February 2022"),
            ("2019/2022", "2019–2022"),
            ("2022/2022", "2022"),
            ("199X/2022-01-05", "1990s – 5 January 2022"),
            ("2019/..", "from 2019"),
            ("../2022-01-05", "by 5 January 2022"),
            ("2022-01-02?/2022-01-05?", "2–5 January 2022 (uncertain)"),
            (
                "2022-01-02~/2022-01-05",
                "2 January 2022 (approximate) – 5 January 2022",
            ),
            ("2022-01-07/2022-01-08", "7–8 January 2022"),
        ];
        crate::testing::table(&cases, |s| Date::parse(s).unwrap().human());
    }
}
