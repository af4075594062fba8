//! Day words (`on Tuesday`, `yesterday`, `last week`, `January 6`) and the dates they stand for
//! in a text published on a known date, written as EDTF.

use super::tokens::{self, Token};
use crate::date::Date;
use chrono::{Datelike, Duration, NaiveDate};
use std::ops::Range;

/// A day word found in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayWord {
    /// The words, from the text (`on Tuesday`, `last week`).
    pub at: Range<usize>,
    pub what: Day,
}

/// What a day word says, before it is resolved against a publication date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Day {
    /// A day of the week, Monday 0; `last` for `last Tuesday`.
    Weekday {
        day: u32,
        last: bool,
    },
    /// Days before publication: 0 today, 1 yesterday.
    Before(u32),
    LastWeek,
    ThisWeek,
    LastMonth,
    ThisMonth,
    LastYear,
    ThisYear,
    /// A day of a month, with its year if the text gives one.
    MonthDay {
        month: u32,
        day: u32,
        year: Option<i32>,
    },
    /// `that same day`: the day of the date last given.
    SameDay,
}

/// The day words among tokens (outside quotations: the caller gives only narration), except
/// those that look ahead (`next Tuesday`, `will vote on Friday`).
pub fn day_words(text: &str, toks: &[Token]) -> Vec<DayWord> {
    let w = |i: usize| -> String {
        toks.get(i)
            .filter(|t| t.word)
            .map(|t| tokens::lower(t.text(text)))
            .unwrap_or_default()
    };
    let number = |i: usize| -> Option<u32> {
        let s = w(i);
        let digits = s.trim_end_matches(|c: char| c.is_alphabetic());
        let suffix = &s[digits.len()..];
        (!digits.is_empty()
            && digits.len() <= 2
            && matches!(suffix, "" | "st" | "nd" | "rd" | "th"))
        .then(|| digits.parse().ok())
        .flatten()
    };
    let year = |i: usize| -> Option<i32> {
        let s = w(i);
        (s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let word = w(i);
        let span = |a: usize, b: usize| toks[a].at.start..toks[b - 1].at.end;
        let mut found: Option<(usize, usize, Day)> = None;
        if let Some(day) = tokens::weekday(toks[i].text(text)).filter(|_| toks[i].word) {
            let last = w(i.wrapping_sub(1)) == "last";
            let start = if last || w(i.wrapping_sub(1)) == "on" {
                i - 1
            } else {
                i
            };
            found = Some((start, i + 1, Day::Weekday { day, last }));
        } else if let Some(month) = tokens::month(toks[i].text(text)).filter(|_| toks[i].word) {
            // `January 6`, `Jan. 6, 2022`, `6 January 2022`; `May` only with a day beside it.
            let dot = usize::from(toks.get(i + 1).is_some_and(|t| t.text(text) == "."));
            if let Some(day) = number(i + 1 + dot) {
                let comma = usize::from(toks.get(i + 2 + dot).is_some_and(|t| t.text(text) == ","));
                let y = year(i + 2 + dot + comma);
                let end = i + 2 + dot + if y.is_some() { comma + 1 } else { 0 };
                found = Some((
                    i,
                    end,
                    Day::MonthDay {
                        month,
                        day,
                        year: y,
                    },
                ));
            } else if let Some(day) = i.checked_sub(1).and_then(number) {
                let y = year(i + 1);
                let end = i + 1 + usize::from(y.is_some());
                found = Some((
                    i - 1,
                    end,
                    Day::MonthDay {
                        month,
                        day,
                        year: y,
                    },
                ));
            }
        } else {
            let next = w(i + 1);
            let pair = |a: &str, b: &str| word == a && next == b;
            let what = match word.as_str() {
                "yesterday" => Some((1, Day::Before(1))),
                "today" | "tonight" => Some((1, Day::Before(0))),
                _ if pair("this", "morning")
                    || pair("this", "afternoon")
                    || pair("this", "evening") =>
                {
                    Some((2, Day::Before(0)))
                }
                _ if pair("last", "night") => Some((2, Day::Before(1))),
                _ if pair("last", "week") => Some((2, Day::LastWeek)),
                _ if pair("this", "week") => Some((2, Day::ThisWeek)),
                _ if pair("last", "month") => Some((2, Day::LastMonth)),
                _ if pair("this", "month") => Some((2, Day::ThisMonth)),
                _ if pair("last", "year") => Some((2, Day::LastYear)),
                _ if pair("this", "year") => Some((2, Day::ThisYear)),
                _ if (pair("same", "day") || pair("that", "day"))
                    && (word == "that"
                        || matches!(w(i.wrapping_sub(1)).as_str(), "that" | "the")) =>
                {
                    let start = if word == "same" { i - 1 } else { i };
                    found = Some((start, i + 2, Day::SameDay));
                    None
                }
                _ => None,
            };
            if let Some((len, day)) = what {
                // `earlier this week` says no more than `this week`.
                found = Some((i, i + len, day));
            }
        }
        match found {
            Some((a, b, what)) if !looks_ahead(&w, a) => {
                out.push(DayWord {
                    at: span(a, b),
                    what,
                });
                i = b.max(i + 1);
            }
            _ => i += 1,
        }
    }
    out
}

/// Whether the words just before a day word point away from the day it was said: to the
/// future (`next Tuesday`, `will vote on Friday`) or to a bound (`since Monday`, `by Friday`).
fn looks_ahead(w: &dyn Fn(usize) -> String, at: usize) -> bool {
    let just_before = at.checked_sub(1).map(w).unwrap_or_default();
    let bound = matches!(
        just_before.as_str(),
        "next" | "until" | "till" | "by" | "coming" | "following" | "before" | "after" | "since"
    );
    let future = (1..=4).any(|back| {
        at.checked_sub(back)
            .is_some_and(|i| matches!(w(i).as_str(), "will" | "would" | "shall"))
    });
    bound || future
}

/// The dates a day word stands for, over every day the publication date covers: one EDTF
/// date when they agree, the interval from the first to the last when they do not. `inferred`
/// marks a date the text implies but does not state (`?`), as do an uncertain publication date
/// and an approximate one (`~`). `None` without a publication date, or when it covers more
/// than a year.
pub fn resolve(day: Day, published: &Date, inferred: bool) -> Option<String> {
    let (first, last) = (published.start()?, published.end()?);
    let span = (last - first).num_days();
    if !(0..=366).contains(&span) {
        return None;
    }
    let fine = matches!(day, Day::Weekday { .. } | Day::Before(_));
    if fine && span > 6 {
        return None;
    }
    let mut lo: Option<(NaiveDate, NaiveDate)> = None;
    let mut d = first;
    while d <= last {
        let (a, b) = on(day, d)?;
        lo = Some(match lo {
            None => (a, b),
            Some((x, y)) => (x.min(a), y.max(b)),
        });
        d += Duration::days(1);
    }
    let (a, b) = lo?;
    let uncertain = inferred || published.is_uncertain();
    let qualifier = match (uncertain, published.is_approximate()) {
        (true, true) => "%",
        (true, false) => "?",
        (false, true) => "~",
        (false, false) => "",
    };
    let text = write(a, b, qualifier);
    Date::parse(&text).ok().map(|_| text)
}

/// The days a day word covers, said in a text published on `p`.
fn on(day: Day, p: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let one = |d: NaiveDate| Some((d, d));
    let monday = p - Duration::days(p.weekday().num_days_from_monday() as i64);
    let month_start = p.with_day(1)?;
    match day {
        Day::Weekday { day, last } => {
            let back = (p.weekday().num_days_from_monday() + 7 - day) % 7;
            let back = if back == 0 && last { 7 } else { back };
            one(p - Duration::days(back as i64))
        }
        Day::Before(n) => one(p - Duration::days(n as i64)),
        Day::LastWeek => Some((monday - Duration::days(7), monday - Duration::days(1))),
        Day::ThisWeek => Some((monday, p)),
        Day::LastMonth => {
            let end = month_start - Duration::days(1);
            Some((end.with_day(1)?, end))
        }
        Day::ThisMonth => Some((month_start, p)),
        Day::LastYear => Some((
            NaiveDate::from_ymd_opt(p.year() - 1, 1, 1)?,
            NaiveDate::from_ymd_opt(p.year() - 1, 12, 31)?,
        )),
        Day::ThisYear => Some((NaiveDate::from_ymd_opt(p.year(), 1, 1)?, p)),
        Day::MonthDay { month, day, year } => match year {
            Some(y) => one(NaiveDate::from_ymd_opt(y, month, day)?),
            // The latest such day on or before publication.
            None => {
                let this = NaiveDate::from_ymd_opt(p.year(), month, day);
                match this {
                    Some(d) if d <= p => one(d),
                    _ => one(NaiveDate::from_ymd_opt(p.year() - 1, month, day)?),
                }
            }
        },
        Day::SameDay => None,
    }
}

/// The EDTF for the days from `a` to `b`: a day, a whole month, a whole year, or an interval.
fn write(a: NaiveDate, b: NaiveDate, q: &str) -> String {
    let month_end = |d: NaiveDate| {
        let next = if d.month() == 12 {
            NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1)
        };
        next.map(|n| n - Duration::days(1))
    };
    if a == b {
        return format!("{}{q}", a.format("%Y-%m-%d"));
    }
    if a.year() == b.year() && a.ordinal() == 1 && b.month() == 12 && b.day() == 31 {
        return format!("{:04}{q}", a.year());
    }
    if a.day() == 1 && a.year() == b.year() && a.month() == b.month() && month_end(a) == Some(b) {
        return format!("{}{q}", a.format("%Y-%m"));
    }
    format!("{}{q}/{}{q}", a.format("%Y-%m-%d"), b.format("%Y-%m-%d"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(&str, Day)> {
        let toks = tokens::tokens(text, 0..text.len());
        day_words(text, &toks)
            .into_iter()
            .map(|d| (&text[d.at], d.what))
            .collect()
    }

    #[test]
    fn day_words_are_found() {
        let wd = |day, last| Day::Weekday { day, last };
        let md = |month, day, year| Day::MonthDay { month, day, year };
        let cases: &[(&str, &[(&str, Day)])] = &[
            ("she said on Tuesday", &[("on Tuesday", wd(1, false))]),
            ("Ruiz said Tuesday", &[("Tuesday", wd(1, false))]),
            ("last Friday's vote", &[("last Friday's", wd(4, true))]),
            ("said yesterday", &[("yesterday", Day::Before(1))]),
            ("earlier this week", &[("this week", Day::ThisWeek)]),
            ("last week", &[("last week", Day::LastWeek)]),
            ("on January 6", &[("January 6", md(1, 6, None))]),
            (
                "on Jan. 6, 2022, she",
                &[("Jan. 6, 2022", md(1, 6, Some(2022)))],
            ),
            (
                "on 6 January 2022",
                &[("6 January 2022", md(1, 6, Some(2022)))],
            ),
            ("the 3rd of May", &[]),
            ("on May 3rd", &[("May 3rd", md(5, 3, None))]),
            ("that same day", &[("that same day", Day::SameDay)]),
            ("the vote will be on Friday", &[]),
            ("next Tuesday", &[]),
            ("in May", &[]),
            ("Troops arrived", &[]),
        ];
        crate::testing::table(cases, found);
    }

    #[test]
    fn day_words_resolve_against_the_publication_date() {
        // 2022-01-07 was a Friday.
        let friday = Date::parse("2022-01-07").unwrap();
        let span = Date::parse("2022-01-07/2022-01-08").unwrap();
        let unsure = Date::parse("2022-01-07?").unwrap();
        let month = Date::parse("2022-01").unwrap();
        let wd = |day, last| Day::Weekday { day, last };
        let md = |month, day, year| Day::MonthDay { month, day, year };
        type Case<'a> = ((Day, &'a Date, bool), Option<String>);
        let cases: &[Case] = &[
            ((wd(1, false), &friday, false), Some("2022-01-04".into())),
            ((wd(4, false), &friday, false), Some("2022-01-07".into())),
            ((wd(4, true), &friday, false), Some("2021-12-31".into())),
            ((wd(4, false), &span, false), Some("2022-01-07".into())),
            ((wd(2, false), &span, false), Some("2022-01-05".into())),
            (
                (Day::Before(1), &span, false),
                Some("2022-01-06/2022-01-07".into()),
            ),
            ((Day::Before(1), &friday, true), Some("2022-01-06?".into())),
            ((Day::Before(1), &unsure, false), Some("2022-01-06?".into())),
            (
                (Day::LastWeek, &friday, false),
                Some("2021-12-27/2022-01-02".into()),
            ),
            (
                (Day::ThisWeek, &friday, false),
                Some("2022-01-03/2022-01-07".into()),
            ),
            ((Day::LastMonth, &friday, false), Some("2021-12".into())),
            ((Day::LastYear, &friday, false), Some("2021".into())),
            ((md(1, 6, None), &friday, false), Some("2022-01-06".into())),
            (
                (md(12, 30, None), &friday, false),
                Some("2021-12-30".into()),
            ),
            ((md(2, 30, None), &friday, false), None),
            (
                (md(3, 1, Some(2020)), &friday, false),
                Some("2020-03-01".into()),
            ),
            ((wd(1, false), &month, false), None),
            ((Day::LastMonth, &month, false), Some("2021-12".into())),
            ((Day::SameDay, &friday, false), None),
        ];
        crate::testing::table(cases, |(day, published, inferred)| {
            resolve(day, published, inferred).map(|d| d.to_string())
        });
    }
}
