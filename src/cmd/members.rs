//! `kz members ORG`: who belongs to an organisation, now, on a date, or ever.

use super::{Corroboration, Cx, Listing, Run, date_cell, dates, emit, source_ids};
use crate::query::{self, Miss, Wanted, When, Window};
use crate::render::Rows;

/// List the members of an organisation.
///
/// Columns: id, name, kind, since, until; with --roles also role; with several ORGs also org.
///
/// Members are the records the organisation's `members` list names (countries, organisations,
/// people), nothing else. --roles adds the people who hold a role in it, with the role.
///
/// By default only current members are shown: those with no `until`. --all adds former members.
/// --on DATE shows those known to belong on that date: from their `since`, or, when the base
/// gives no `since`, from the earliest date that attests them (their `until`, or the publication
/// of a source they cite). A membership attested by nothing dated is never shown for a date.
///
/// ORG must name one organisation: a name that matches several equally lists them and exits 1.
/// Give several ORGs to list them together.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kz members CSTO\n  kz members ОДКБ --all -f json\n  kz members CSTO --roles\n  kz members 'Security Council' --roles --on 2022-01-05\n  kz members CSTO NATO"
)]
pub struct Args {
    #[arg(add = crate::cmd::completions::names(&[crate::model::Kind::Organisation]))]
    /// The organisation: an id, name or alias (several: each row names its organisation)
    #[arg(required = true, num_args = 1..)]
    pub org: Vec<String>,
    /// Members on this date (any EDTF date: 2022, 2022-01, 2022-01-05); repeat: on every one
    #[arg(long, value_name = "DATE", conflicts_with = "all")]
    pub on: Vec<String>,
    /// Include former members
    #[arg(long)]
    pub all: bool,
    /// Add the people who hold a role in the organisation, with the role
    #[arg(long)]
    pub roles: bool,
    #[command(flatten)]
    pub corroboration: Corroboration,
    #[command(flatten)]
    pub listing: Listing,
}

impl Run for Args {
    fn run(&self, cx: &mut Cx<'_>) -> Result<(), crate::Error> {
        let on = dates("--on date", &self.on)?;
        let window = Window::within_all(&on);
        if let (Some(from), Some(to)) = (window.from, window.to)
            && from > to
        {
            return Err(crate::Error::Usage(format!(
                "no day is in all of --on {}: repeated, --on keeps the days common to every date",
                self.on.join(" and --on ")
            )));
        }
        let base = cx.base()?;
        let orgs = self
            .org
            .iter()
            .map(|o| query::resolve_one(base, o, Wanted::ORG))
            .collect::<Result<Vec<_>, Miss>>()?;
        let when = match (on.is_empty(), self.all) {
            (false, _) => When::On(window),
            (true, true) => When::All,
            (true, false) => When::Current,
        };
        let several = orgs.len() > 1;
        let mut columns = vec!["id", "name", "kind"];
        if several {
            columns.insert(0, "org");
        }
        if self.roles {
            columns.push("role");
        }
        columns.extend(["since", "until"]);
        let mut rows = Rows::new(&columns);
        for &org in &orgs {
            let min = self.corroboration.min_sources;
            for m in query::members(base, org.idx, when, self.roles, min) {
                let mut cells = vec![
                    base.id(m.who).into(),
                    base.label(m.who).into(),
                    m.who.kind.name().into(),
                ];
                if several {
                    cells.insert(0, base.id(org).into());
                }
                if self.roles {
                    cells.push(m.role.map_or("member", |r| r.title.as_str()).into());
                }
                cells.extend([
                    date_cell(m.term.since.as_ref()),
                    date_cell(m.term.until.as_ref()),
                ]);
                rows.push(cells, source_ids(base, &m.term.sources));
            }
        }
        emit(cx, rows, &self.listing, || self.miss(base, &orgs))
    }
}

impl Args {
    /// Why no member is listed: the organisation lists none at all, or none that fits the
    /// date, the sources asked for, or (by default) none still current.
    fn miss(&self, base: &crate::model::Base, orgs: &[crate::model::EntityRef]) -> Miss {
        let names: Vec<&str> = orgs.iter().map(|&r| base.label(r)).collect();
        let names = names.join(", ");
        let ever = |roles: bool| {
            orgs.iter()
                .any(|o| !query::members(base, o.idx, When::All, roles, 0).is_empty())
        };
        let what = if self.roles { "members or role holders" } else { "members" };
        if !ever(self.roles) {
            let hint = match !self.roles && ever(true) {
                true => "; --roles lists the people who hold a role in it",
                false => "",
            };
            return Miss::Nothing(format!("the base lists no {what} of {names}{hint}"));
        }
        let min = self.corroboration.min_sources;
        let sources = match min {
            0 | 1 => String::new(),
            n => format!(" stated by at least {n} sources"),
        };
        let when = match (self.on.as_slice(), self.all) {
            ([], true) => String::new(),
            ([], false) => " now; --all adds former members".to_string(),
            (dates, _) => format!(" known on {}", dates.join(" and ")),
        };
        Miss::Nothing(format!("{names} has no {what}{sources}{when}"))
    }
}
