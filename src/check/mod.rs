//! The checks that guard a fact base, one pass per file, and the step that turns raw records into
//! the checked [`Base`]: ids and references ([`resolve`]), conversion of each record
//! ([`convert`]), the verbatim check of quotes and evidence ([`verbatim`]) and cycles
//! ([`cycles`]). Every pass reports into one [`sink`], which holds the report cap.

mod convert;
mod cycles;
pub mod edit;
mod merge;
mod notes;
mod resolve;
mod sink;
mod suffixes;
mod verbatim;
mod want;

pub use verbatim::{MAX_GAP, Verdicts, fold_for_match};

use crate::diag::{Diagnostic, Report};
use crate::load::Raw;
use crate::model::{Base, EntityRef};
use convert::Parts;
use resolve::{Ids, Named};
use sink::{Broken, Sink};

/// Checks every raw record and resolves it into a [`Base`], or returns every problem found.
pub fn build(raw: Raw) -> Result<Base, Report> {
    build_with(raw, &mut Verdicts::default())
}

/// [`build`], trusting the verbatim verdicts of earlier runs and noting this run's.
pub fn build_with(raw: Raw, verdicts: &mut Verdicts) -> Result<Base, Report> {
    let Raw {
        index,
        records,
        diagnostics,
        broken_ids,
        broken_fields,
    } = raw;
    let broken = Broken::of(broken_fields);
    let mut sink = Sink::new(&index, &broken);
    let mut kind_files: Vec<u32> = records.kinds.iter().map(|k| k.at.file).collect();
    kind_files.dedup();
    // The verbatim claims and their search need neither the ids nor the sink: they run beside
    // the id pass, and report after it, in the order the passes always reported in.
    let (ids, (claims, searched)) = rayon::join(
        || Ids::assign(&records, broken_ids, &mut sink),
        || {
            let claims = verbatim::claims_of(&records, &broken);
            let searched = verbatim::search_texts(&records, &index, &claims, verdicts);
            (claims, searched)
        },
    );
    let checked = verbatim::report(&records, &claims, searched, &mut sink, verdicts);
    drop(claims);
    let decls = convert::convert(records, &ids, &mut sink);
    let parts = merge::merge(decls, &ids, &mut sink);
    cycles::places(&parts, &ids, &mut sink);
    cycles::kinds(&parts, &mut sink);
    if !sink.unknown.is_empty() {
        resolve::suggest(&ids, &mut sink, &named(&parts));
    }
    let Sink {
        mut diags, unshown, ..
    } = sink;
    diags.extend(diagnostics);
    if !diags.is_empty() || unshown > 0 {
        return Err(Report::new(diags, unshown));
    }
    let mut base = assemble(parts).ok_or_else(|| Report::new(vec![internal()], 0))?;
    base.notes = notes::disputes(&base, &ids, &index);
    base.files = index.files.iter().map(|f| f.display.clone()).collect();
    base.inputs = index.files.iter().filter_map(|f| f.input.clone()).collect();
    base.texts = checked.inputs;
    base.checked_texts = checked.texts;
    base.spans = base.find_spans(index.files.len());
    base.kind_files = kind_files;
    base.set_ids(ids.map);
    Ok(base)
}

/// The records a suggestion may name: each converted record with its name and aliases.
fn named<'a>(parts: &'a Parts) -> Vec<Named<'a>> {
    fn add<'p, T>(
        out: &mut Vec<Named<'p>>,
        records: &'p [Option<T>],
        r: fn(u32) -> EntityRef,
        view: impl Fn(&'p T) -> (&'p str, Vec<&'p str>),
    ) {
        for (i, record) in records.iter().enumerate() {
            if let Some(record) = record {
                let (id, names) = view(record);
                out.push(Named {
                    r: r(i as u32),
                    id,
                    names,
                });
            }
        }
    }
    fn with_aliases<'a>(name: &'a str, aliases: &'a [crate::model::Text]) -> Vec<&'a str> {
        std::iter::once(name)
            .chain(aliases.iter().map(|a| a.as_str()))
            .collect()
    }
    let mut out = Vec::new();
    add(&mut out, &parts.actors, EntityRef::actor, |a| {
        (&a.meta.id, with_aliases(&a.name, &a.aliases))
    });
    add(&mut out, &parts.organisations, EntityRef::org, |o| {
        (&o.meta.id, with_aliases(&o.name, &o.aliases))
    });
    add(&mut out, &parts.places, EntityRef::place, |p| {
        (&p.meta.id, with_aliases(&p.name, &p.aliases))
    });
    add(&mut out, &parts.sources, EntityRef::source, |s| {
        (&s.id, vec![s.title.as_str()])
    });
    add(&mut out, &parts.events, EntityRef::event, |e| {
        (&e.meta.id, vec![e.title.as_str()])
    });
    out
}

/// The base, once every record converted.
fn assemble(parts: Parts) -> Option<Base> {
    fn all<T>(v: Vec<Option<T>>) -> Option<Vec<T>> {
        v.into_iter().collect()
    }
    let mut base = Base::default();
    base.sources = all(parts.sources)?.into();
    base.actors = all(parts.actors)?.into();
    base.organisations = all(parts.organisations)?.into();
    base.places = all(parts.places)?.into();
    base.quotes = all(parts.quotes)?.into();
    base.events = all(parts.events)?.into();
    base.kinds = all(parts.kinds)?;
    base.merged = base.all().filter(|&r| base.get(r).is_merged()).collect();
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
