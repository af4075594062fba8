//! The checks that guard a fact base, one pass per file, and the step that turns raw records into
//! the checked [`Base`]: ids and references ([`resolve`]), conversion of each record
//! ([`convert`]), the verbatim check of quotes and evidence ([`verbatim`]) and cycles
//! ([`cycles`]). Every pass reports into one [`sink`], which holds the report cap.

mod convert;
mod cycles;
mod resolve;
mod sink;
mod verbatim;

pub use verbatim::{MAX_GAP, fold_for_match};

use crate::diag::{Diagnostic, Report};
use crate::load::Raw;
use crate::model::{Base, EntityRef, Kind};
use convert::Parts;
use resolve::{Ids, Named};
use sink::Sink;

/// Checks every raw record and resolves it into a [`Base`], or returns every problem found.
pub fn build(raw: Raw) -> Result<Base, Report> {
    let Raw {
        index,
        records,
        diagnostics,
        broken_ids,
        broken_fields,
    } = raw;
    let mut sink = Sink::new(&index, broken_fields);
    let mut ids = Ids::assign(&records, broken_ids, &mut sink);
    let source_texts = verbatim::check(&records, &ids, &index, &mut sink);
    let parts = convert::convert(records, &mut ids, &mut sink);
    cycles::places(&parts, &ids, &mut sink);
    cycles::kinds(&parts, &mut sink);
    resolve::suggest(&ids, &mut sink, &named(&parts));
    let Sink {
        mut diags, unshown, ..
    } = sink;
    diags.extend(diagnostics);
    if !diags.is_empty() || unshown > 0 {
        return Err(Report::new(diags, unshown));
    }
    let mut base = assemble(parts).ok_or_else(|| Report::new(vec![internal()], 0))?;
    base.files = index.files.iter().map(|f| f.display.clone()).collect();
    base.source_texts = source_texts;
    base.set_ids(ids.map);
    Ok(base)
}

/// The records a suggestion may name.
fn named(parts: &Parts) -> Vec<Named<'_>> {
    let mut named = Vec::new();
    for (i, a) in parts.actors.iter().enumerate() {
        if let Some(a) = a {
            let mut names = vec![a.name.as_str()];
            names.extend(a.aliases.iter().map(|x| x.as_str()));
            named.push(Named {
                r: EntityRef::actor(i as u32),
                id: &a.meta.id,
                names,
            });
        }
    }
    for (i, o) in parts.organisations.iter().enumerate() {
        if let Some(o) = o {
            let mut names = vec![o.name.as_str()];
            names.extend(o.aliases.iter().map(|x| x.as_str()));
            named.push(Named {
                r: EntityRef::org(i as u32),
                id: &o.meta.id,
                names,
            });
        }
    }
    for (i, p) in parts.places.iter().enumerate() {
        if let Some(p) = p {
            let mut names = vec![p.name.as_str()];
            names.extend(p.aliases.iter().map(|x| x.as_str()));
            named.push(Named {
                r: EntityRef::place(i as u32),
                id: &p.meta.id,
                names,
            });
        }
    }
    for (i, s) in parts.sources.iter().enumerate() {
        if let Some(s) = s {
            named.push(Named {
                r: EntityRef::new(Kind::Source, i as u32),
                id: &s.id,
                names: vec![s.title.as_str()],
            });
        }
    }
    for (i, e) in parts.events.iter().enumerate() {
        if let Some(e) = e {
            named.push(Named {
                r: EntityRef::event(i as u32),
                id: &e.meta.id,
                names: vec![e.title.as_str()],
            });
        }
    }
    named
}

/// The base, once every record converted.
fn assemble(parts: Parts) -> Option<Base> {
    fn all<T>(v: Vec<Option<T>>) -> Option<Vec<T>> {
        v.into_iter().collect()
    }
    let mut base = Base::default();
    base.sources = all(parts.sources)?;
    base.actors = all(parts.actors)?;
    base.organisations = all(parts.organisations)?;
    base.places = all(parts.places)?;
    base.quotes = all(parts.quotes)?;
    base.events = all(parts.events)?;
    base.kinds = all(parts.kinds)?;
    Some(base)
}

/// A record that failed without a diagnostic: a bug in kz, reported rather than hidden.
fn internal() -> Diagnostic {
    Diagnostic::file(
        crate::diag::Code::Syntax,
        "<kz>",
        "a record failed to convert without a reported problem; please report this bug".into(),
    )
}
