//! `kz why ID`: a record, the sources behind it and the sentences that support it.

use crate::config::Ctx;
use crate::exit::Failure;
use crate::model::{Base, EntityRef, Kind};
use crate::names::{self, Found};
use crate::query::{date_cell, org_ref, place_ref};
use crate::render::{self, Format, Profile, Rows, Value};
use serde_json::json;
use std::io::Write;

/// Show the sources and evidence behind a record.
///
/// Where the record is written, its sources, and the evidence quoted from them, including the
/// evidence for each of its roles and memberships.
///
/// ID is a record's id; a name or alias works too when it names one record.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kz why andrey-serdyukov\n  kz why kassenova-not-all-protesters -f json"
)]
pub struct Args {
    #[arg(add = crate::cmd::completions::names(&crate::model::Kind::ALL))]
    /// The record's id (or a name that names one record)
    pub id: String,
}

/// A claim made inside a record (a role, a membership) with its own evidence.
struct Claim {
    claim: String,
    evidence: Option<String>,
    sources: Vec<String>,
}

pub fn run(args: &Args, ctx: &Ctx, out: &mut dyn Write) -> anyhow::Result<()> {
    let base = ctx.base()?;
    let r = find_one(base, &args.id)?;
    let origin = base.origin(r);
    let file = base
        .files
        .get(origin.file as usize)
        .cloned()
        .unwrap_or_default();
    let location = if origin.line > 0 {
        format!("{file}:{}", origin.line)
    } else {
        file
    };
    let (evidence, notes, source_idx) = match base.meta(r) {
        Some(m) => (owned(&m.evidence), owned(&m.notes), m.sources.to_vec()),
        None => (
            None,
            owned(&base.sources[r.idx as usize].notes),
            vec![r.idx],
        ),
    };
    let claims = claims(base, r);
    let content = content(base, r);
    match ctx.style.format {
        Format::Json | Format::Jsonl => {
            let value = json!({
                "id": base.id(r),
                "kind": r.kind.name(),
                "name": base.label(r),
                "content": content,
                "file": location,
                "evidence": evidence,
                "notes": notes,
                "sources": source_idx.iter().map(|&s| {
                    let s = &base.sources[s as usize];
                    json!({"id": s.id, "title": s.title, "publisher": s.publisher, "published": s.published.as_ref().map(|d| d.to_string()), "url": s.url})
                }).collect::<Vec<_>>(),
                "claims": claims.iter().map(|c| json!({"claim": c.claim, "evidence": c.evidence, "source": c.sources})).collect::<Vec<_>>(),
            });
            render::json(out, &[value], ctx.style.format == Format::Jsonl)?;
        }
        Format::Tsv | Format::Csv => {
            let mut rows = Rows::new(&["field", "value"]);
            let ids: Vec<String> = base
                .source_ids(&source_idx)
                .into_iter()
                .map(str::to_string)
                .collect();
            let mut push = |k: &str, v: Option<String>| {
                if let Some(v) = v {
                    rows.push(vec![k.into(), v.into()], ids.clone());
                }
            };
            push("id", Some(base.id(r).to_string()));
            push("kind", Some(r.kind.name().to_string()));
            push("name", Some(base.label(r).to_string()));
            push("content", content.clone());
            push("file", Some(location.clone()));
            push("evidence", evidence.clone());
            push("notes", notes.clone());
            push("source", Some(ids.join(", ")));
            for c in &claims {
                push(
                    "claim",
                    Some(format!(
                        "{}: {}",
                        c.claim,
                        c.evidence.as_deref().unwrap_or("(no evidence given)")
                    )),
                );
            }
            render::rows(out, &rows, &ctx.style)?;
        }
        Format::Table | Format::Markdown => {
            let mut fields: Vec<(&'static str, String)> =
                vec![("id", base.id(r).to_string()), ("file", location)];
            if let Some(c) = content {
                fields.push(("content", c));
            }
            fields.push((
                "evidence",
                evidence.unwrap_or_else(|| "(none given)".into()),
            ));
            if let Some(n) = notes {
                fields.push(("notes", n));
            }
            let mut sources = Rows::new(&["id", "title", "publisher", "published", "url"]);
            for &s in &source_idx {
                let s = &base.sources[s as usize];
                sources.push(
                    vec![
                        s.id.as_str().into(),
                        s.title.as_str().into(),
                        Value::opt(s.publisher.clone()),
                        date_cell(s.published.as_ref()),
                        Value::opt(s.url.clone()),
                    ],
                    vec![],
                );
            }
            let mut sections = vec![("Sources".to_string(), sources)];
            if !claims.is_empty() {
                let mut rows = Rows::new(&["claim", "evidence", "source"]);
                for c in &claims {
                    rows.push(
                        vec![
                            c.claim.as_str().into(),
                            Value::opt(c.evidence.clone()),
                            Value::List(c.sources.clone()),
                        ],
                        vec![],
                    );
                }
                sections.push(("Claims".to_string(), rows));
            }
            let profile = Profile {
                title: base.label(r).to_string(),
                subtitle: format!("({})", r.kind.name()),
                fields,
                sections,
            };
            render::profiles(out, &[profile], &ctx.style)?;
        }
    }
    Ok(())
}

fn owned(text: &Option<crate::model::Text>) -> Option<String> {
    text.as_deref().map(str::to_string)
}

/// The record named by `query`: an exact id, else a name that names exactly one record.
fn find_one(base: &Base, query: &str) -> Result<EntityRef, Failure> {
    if let Some(r) = base.lookup(query.trim()) {
        return Ok(r);
    }
    match names::find(base, query, &Kind::ALL) {
        Found::Matches(found) if found.len() == 1 => Ok(found[0]),
        Found::Matches(found) => {
            let ids: Vec<&str> = found.iter().map(|&r| base.id(r)).collect();
            Err(Failure::Usage(format!(
                "'{query}' names {} records ({}); give one id",
                found.len(),
                ids.join(", ")
            )))
        }
        Found::Miss { .. } => {
            let suggestion = names::closest(query, base.all_ids());
            Err(Failure::NoMatch(match suggestion {
                Some(s) => format!("no record has the id '{query}'; did you mean '{s}'?"),
                None => format!("no record has the id '{query}'"),
            }))
        }
    }
}

/// The record's main text: a quote's words, an event's description, a person's description.
fn content(base: &Base, r: EntityRef) -> Option<String> {
    let i = r.idx as usize;
    match r.kind {
        Kind::Quote => {
            let q = &base.quotes[i];
            let date = q
                .said
                .as_ref()
                .map(|d| format!(" on {d}"))
                .unwrap_or_default();
            Some(format!(
                "{} ({}{date}): {}",
                base.actors[q.speaker as usize].name,
                q.kind.name(),
                q.text
            ))
        }
        Kind::Event => {
            let e = &base.events[i];
            Some(match &e.description {
                Some(d) => format!("{}: {} {d}", e.date, e.title),
                None => format!("{}: {}", e.date, e.title),
            })
        }
        Kind::Actor => Some(base.actors[i].description.to_string()),
        Kind::Organisation => owned(&base.organisations[i].description),
        Kind::Place => owned(&base.places[i].description),
        Kind::Source => owned(&base.sources[i].text),
    }
}

fn claims(base: &Base, r: EntityRef) -> Vec<Claim> {
    let i = r.idx as usize;
    let ids = |s: &[u32]| base.source_ids(s).into_iter().map(str::to_string).collect();
    match r.kind {
        Kind::Actor => base.actors[i]
            .roles
            .iter()
            .map(|role| {
                let at = role
                    .org
                    .map(org_ref)
                    .or(role.place.map(place_ref))
                    .map(|x| format!(", {}", base.label(x)))
                    .unwrap_or_default();
                Claim {
                    claim: format!("role: {}{at}", role.title),
                    evidence: owned(&role.evidence),
                    sources: ids(&role.sources),
                }
            })
            .collect(),
        Kind::Organisation => base.organisations[i]
            .members
            .iter()
            .map(|m| Claim {
                claim: format!("member: {}", base.label(m.member)),
                evidence: owned(&m.evidence),
                sources: ids(&m.sources),
            })
            .collect(),
        _ => Vec::new(),
    }
}
