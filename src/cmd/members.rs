//! `kz members ORG`: who belongs to an organisation, now, on a date, or ever.

use crate::config::Ctx;
use crate::date::Date;
use crate::exit::Failure;
use crate::model::Kind;
use crate::query::{self, Window, actor_ref, date_cell, source_ids};
use crate::render::{self, Rows};
use std::io::Write;

/// List who belongs to an organisation.
///
/// Columns: id, name, kind, role, since, until.
///
/// Members are the records its `members` list names (countries, organisations, people), followed
/// by the people who hold a role in it, with the role's title. By default only current members
/// are shown: those with no `until`. --on DATE shows who belonged on that date; --all adds former
/// members. A member without a `since` counts from the organisation's founding, when known.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kz members CSTO\n  kz members ОДКБ --all -f json\n  kz members 'Security Council' --on 2022-01-04"
)]
pub struct Args {
    #[arg(add = crate::cmd::completions::names(&[crate::model::Kind::Organisation]))]
    /// The organisation: an id, name or alias
    pub org: String,
    /// Members on this date (any EDTF date: 2022, 2022-01, 2022-01-05)
    #[arg(long, value_name = "DATE", conflicts_with = "all")]
    pub on: Option<String>,
    /// Include former members
    #[arg(long)]
    pub all: bool,
}

pub fn run(args: &Args, ctx: &Ctx, out: &mut dyn Write) -> anyhow::Result<()> {
    let on: Option<Date> = args
        .on
        .as_deref()
        .map(|d| query::date_arg("--on", d))
        .transpose()?;
    let base = ctx.base()?;
    let orgs = query::resolve(base, &args.org, &[Kind::Organisation], "organisation")?;
    let keep = |since: Option<&Date>, until: Option<&Date>| match &on {
        Some(d) => Window::of(d).admits_span(since, until),
        None => args.all || until.is_none(),
    };
    let mut rows = Rows::new(&["id", "name", "kind", "role", "since", "until"]);
    for org in &orgs {
        let o = &base.organisations[org.idx as usize];
        // Nobody belongs to an organisation before it exists.
        let from = |since: Option<&'_ Date>| since.or(o.founded.as_ref()).cloned();
        for m in &o.members {
            if keep(from(m.since.as_ref()).as_ref(), m.until.as_ref()) {
                rows.push(
                    vec![
                        base.id(m.member).into(),
                        base.label(m.member).into(),
                        m.member.kind.name().into(),
                        "member".into(),
                        date_cell(m.since.as_ref()),
                        date_cell(m.until.as_ref()),
                    ],
                    source_ids(base, &m.sources),
                );
            }
        }
        for (a, actor) in base.actors.iter().enumerate() {
            for role in actor.roles.iter().filter(|r| r.org == Some(org.idx)) {
                if keep(from(role.since.as_ref()).as_ref(), role.until.as_ref()) {
                    let me = actor_ref(a as u32);
                    rows.push(
                        vec![
                            base.id(me).into(),
                            base.label(me).into(),
                            Kind::Actor.name().into(),
                            role.title.as_str().into(),
                            date_cell(role.since.as_ref()),
                            date_cell(role.until.as_ref()),
                        ],
                        source_ids(base, &role.sources),
                    );
                }
            }
        }
    }
    if rows.is_empty() {
        let names: Vec<&str> = orgs.iter().map(|&r| base.label(r)).collect();
        let when = match (&on, args.all) {
            (Some(d), _) => format!(" on {d}"),
            (None, true) => String::new(),
            (None, false) => " now (try --all for former members)".to_string(),
        };
        return Err(Failure::NoMatch(format!("{} has no members{when}", names.join(", "))).into());
    }
    render::rows(out, &rows, &ctx.style)?;
    Ok(())
}
