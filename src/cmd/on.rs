//! `kz on DATE`: everything dated within a date.

use crate::config::Ctx;
use crate::date::Date;
use crate::exit::Failure;
use crate::model::Base;
use crate::query::{self, Window, org_ref, source_ids};
use crate::render::{self, Rows};
use std::io::Write;

/// List everything dated within DATE.
///
/// Events, quotes, foundings, publications, and roles and memberships that start or end then.
/// Columns: kind, id, date, what.
///
/// DATE is any EDTF date: a day, a month (2022-01), a year, a decade (199X) or an interval.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  kz on 2022-01-07\n  kz on 2022-01 -f json\n  kz on 199X")]
pub struct Args {
    /// The date or span to look at
    pub date: String,
}

/// One dated happening, before it becomes a row.
struct Entry<'b> {
    kind: &'static str,
    id: &'b str,
    date: &'b Date,
    what: String,
    sources: &'b [u32],
}

pub fn run(args: &Args, ctx: &Ctx, out: &mut dyn Write) -> anyhow::Result<()> {
    let date = query::date_arg("date", &args.date)?;
    let base = ctx.base()?;
    let window = Window::of(&date);
    let mut entries: Vec<Entry> = dated(base)
        .into_iter()
        .filter(|e| window.admits(Some(e.date)))
        .collect();
    query::by_date(&mut entries, |e| Some(e.date));
    let mut rows = Rows::new(&["kind", "id", "date", "what"]);
    for e in entries {
        rows.push(
            vec![
                e.kind.into(),
                e.id.into(),
                e.date.to_string().into(),
                e.what.into(),
            ],
            source_ids(base, e.sources),
        );
    }
    if rows.is_empty() {
        return Err(Failure::NoMatch(format!("nothing in the base is dated within {date}")).into());
    }
    render::rows(out, &rows, &ctx.style)?;
    Ok(())
}

/// Every dated thing in the base, in file order within each kind.
fn dated(base: &Base) -> Vec<Entry<'_>> {
    let mut out = Vec::new();
    for e in &base.events {
        out.push(Entry {
            kind: "event",
            id: &e.meta.id,
            date: &e.date,
            what: e.title.to_string(),
            sources: &e.meta.sources,
        });
    }
    for q in &base.quotes {
        if let Some(d) = &q.said {
            let speaker = &base.actors[q.speaker as usize].name;
            let verb = if q.kind == crate::model::QuoteKind::Direct {
                "said"
            } else {
                "reportedly said"
            };
            out.push(Entry {
                kind: "quote",
                id: &q.meta.id,
                date: d,
                what: format!("{speaker} {verb}: {}", q.text),
                sources: &q.meta.sources,
            });
        }
    }
    for s in &base.sources {
        if let Some(d) = &s.published {
            out.push(Entry {
                kind: "published",
                id: &s.id,
                date: d,
                what: format!("{} published", s.title),
                sources: &[],
            });
        }
    }
    for o in &base.organisations {
        if let Some(d) = &o.founded {
            out.push(Entry {
                kind: "founded",
                id: &o.meta.id,
                date: d,
                what: format!("{} founded", o.name),
                sources: &o.meta.sources,
            });
        }
        for m in &o.members {
            let who = base.label(m.member);
            if let Some(d) = &m.since {
                out.push(Entry {
                    kind: "joined",
                    id: &o.meta.id,
                    date: d,
                    what: format!("{who} joins {}", o.name),
                    sources: &m.sources,
                });
            }
            if let Some(d) = &m.until {
                out.push(Entry {
                    kind: "left",
                    id: &o.meta.id,
                    date: d,
                    what: format!("{who} leaves {}", o.name),
                    sources: &m.sources,
                });
            }
        }
    }
    for a in &base.actors {
        for r in &a.roles {
            let at = r
                .org
                .map(|o| format!(" ({})", base.label(org_ref(o))))
                .unwrap_or_default();
            if let Some(d) = &r.since {
                out.push(Entry {
                    kind: "role start",
                    id: &a.meta.id,
                    date: d,
                    what: format!("{} becomes {}{at}", a.name, r.title),
                    sources: &r.sources,
                });
            }
            if let Some(d) = &r.until {
                out.push(Entry {
                    kind: "role end",
                    id: &a.meta.id,
                    date: d,
                    what: format!("{} ends as {}{at}", a.name, r.title),
                    sources: &r.sources,
                });
            }
        }
    }
    out
}
