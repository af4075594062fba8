//! `kz draft SOURCE`: quote records drafted from a source text, as YAML ready to paste, or as
//! candidates for a program.

use super::site::source_text;
use super::{Cx, Run};
use crate::draft::output::{self, Cited, NewSource};
use crate::draft::{self, Input};
use crate::Error;
use crate::model::{Base, Kind};
use crate::open::FactsPath;
use crate::query::{self, Miss, Wanted};
use crate::render::{self, Format, Rows, Value};
use std::io::Read as _;
use std::path::{Path, PathBuf};

/// Draft quote records from the text of a source.
///
/// Reads the text of SOURCE and proposes a quote record for every direct quotation in it. The
/// output is YAML (whatever stdout is) that `kz check` accepts as it stands once saved as a new
/// file of the base: a `quotes:` section whose records have a kebab-case id unique in the base,
/// `speaker`, `text` (verbatim), `kind: direct`, `said` where known, `source`, `evidence` (the
/// sentence with the quotation and its attribution) and `notes` (that it is a draft, and why
/// its speaker and date were chosen). Nothing is guessed silently; read each draft against the
/// text before you keep it.
///
/// SOURCE is the id of a source whose `text` is set, or the path of a text file inside the fact
/// base (in a folder given to --facts or KZ_FACTS; paths elsewhere are refused, as `kz check`
/// refuses source texts outside the base). Given a path, the drafts cite the source whose
/// `text` is that file; if no source has it, the draft also declares a source whose id is the
/// file's name in kebab-case and whose `text` is the file's path from the base's folder, so
/// save the draft in that folder.
///
/// Quotations: straight and curly double quotes, single quotes where they open a quotation,
/// « », » «, „ “, ‚ ‘, ‹ › and 「」, including a quotation that runs over several paragraphs and
/// reopens at each (its paragraphs are joined by " … " in `text`). Quotations of fewer than
/// four words are kept only with a cue beside them, so scare quotes ("historic") are left out,
/// and so are titles (every word capitalised).
///
/// Speakers: a cue before or after the quotation (said, told, added, asked, wrote, warned,
/// noted, saying, according to, ...; inverted, as in "said Mayor Ana Ruiz"; or a colon after a
/// name) names the speaker, matched against the base's names and aliases as `kz who` matches a
/// name. An organisation can speak: "the union said" is the last organisation named before it
/// that has the word in its name or kind ("the mayor said": the last person with that title).
/// "She said" is the last person named before it whose sex, where a title or the base gives
/// it, fits. A quotation with no cue continues the one before it. A quotation whose speaker is
/// not one record of the base is written as a comment, with its candidates.
///
/// Dates: the day words of the attribution ("on Tuesday", "Tuesday", "yesterday", "last week",
/// "this month", "January 6", "6 January 2022", "that same day") are resolved against the
/// source's `published` date: "on Tuesday" in a report published on a Friday is the Tuesday
/// before. Where its sentence has none, a day word of an earlier sentence (in the paragraph or
/// the one before) that names the same speaker is used, marked uncertain with `?` as a date the
/// source implies but does not state.
///
/// Already recorded: a quotation that a direct quote of the base already holds (one citing the
/// source, or one by the same speaker), found as `kz check` finds a quote in its source, is
/// listed as a comment with that quote's id instead of drafted again.
///
/// Names the base does not know: the YAML ends with the capitalised names of the text that
/// match no record, each with the first sentence that has it, as commented stubs of people,
/// organisations and places (as far as can be told).
///
/// -f json (or jsonl) gives one object per quotation with the keys text, speaker (an id or
/// null), speaker_candidates (objects with id, null for a name the base lacks, and name), said,
/// cue, start and end (character offsets in the text, end exclusive), sentence and status
/// (new, or the id of the quote that holds it). -f table, tsv, csv and markdown give the same
/// as rows. Exits 1 when the text has no quotation.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kz draft article\n  kz draft article -f json | jq '.[] | select(.status == \"new\")'\n  kz --facts ~/facts draft ~/facts/texts/report.txt > ~/facts/report-quotes.yaml\n  kz --facts ~/facts check"
)]
pub struct Args {
    /// A source id whose `text` is set, or the path of a text file inside the base
    #[arg(value_name = "SOURCE")]
    pub source: String,
}

impl Run for Args {
    fn run(&self, cx: &mut Cx<'_>) -> Result<(), crate::Error> {
        let base = cx.base()?;
        let (text, source, cited) = resolve(base, &cx.ctx.facts, &self.source)?;
        let published = source.and_then(|s| base.sources[s as usize].published.clone());
        let input = Input {
            text: &text,
            source,
            published,
        };
        let found = draft::draft(base, &input);
        if found.candidates.is_empty() {
            return Err(Error::from(Miss::Nothing(format!(
                "no quotation found in {}",
                cited.path.clone().unwrap_or_else(|| format!("the text of source `{}`", cited.id))
            ))));
        }
        if !cx.ctx.format_given {
            cx.out
                .write_all(output::yaml(base, &found, &text, &cited).as_bytes())?;
            return Ok(());
        }
        let style = &cx.ctx.style;
        match style.format {
            Format::Json | Format::Jsonl => {
                let values = output::json(base, &found, &text);
                render::json(cx.out, &values, style.format == Format::Jsonl)?;
            }
            _ => {
                let mut rows = Rows::new(&output::KEYS);
                for c in &found.candidates {
                    let (start, end) = output::offsets(&text, c);
                    rows.push(
                        vec![
                            c.text.as_str().into(),
                            Value::opt(c.speaker.map(|r| base.id(r))),
                            Value::List(output::candidate_cells(base, c)),
                            Value::opt(c.said.as_deref()),
                            Value::opt(c.cue.as_deref()),
                            Value::Count(start as u64),
                            Value::Count(end as u64),
                            crate::draft::attribution::normalise_space(&text[c.sentence.clone()])
                                .into(),
                            output::status(base, c.status).into(),
                        ],
                        vec![cited.id.clone()],
                    );
                }
                render::rows(cx.out, &rows, style)?;
            }
        }
        Ok(())
    }
}

/// The text to draft from, the source it belongs to, and what the drafts cite.
fn resolve(
    base: &Base,
    facts: &[FactsPath],
    arg: &str,
) -> Result<(String, Option<u32>, Cited), Error> {
    let by_id = base.lookup(arg).filter(|r| r.kind == Kind::Source);
    if let Some(r) = by_id {
        return by_source(base, r.idx);
    }
    let path = Path::new(arg);
    if path.is_file() {
        return by_path(base, facts, path);
    }
    // A name of a source (its title), or a miss with a suggestion.
    let wanted = Wanted {
        kinds: &[Kind::Source],
        what: "source",
        whats: "sources",
    };
    match query::resolve_one(base, arg, wanted) {
        Ok(r) => by_source(base, r.idx),
        Err(Miss::NoMatch { .. }) if arg.contains(['/', '\\']) || path.extension().is_some() => {
            Err(Error::Usage(format!(
                "no source '{arg}' in the base, and no file at that path"
            )))
        }
        Err(miss) => Err(miss.into()),
    }
}

/// The text of a declared source.
fn by_source(base: &Base, s: u32) -> Result<(String, Option<u32>, Cited), Error> {
    let source = &base.sources[s as usize];
    let id = source.id.to_string();
    if source.text.is_none() {
        return Err(Error::Usage(format!(
            "source `{id}` has no `text`: give it the path of its full text, or give kz draft \
             the path of a text file inside the base"
        )));
    }
    let text = source_text(base, s)?
        .ok_or_else(|| Error::Usage(format!("cannot read the text of source `{id}`")))?
        .to_string();
    let cited = Cited {
        path: None,
        published: source.published.as_ref().map(|d| d.to_string()),
        id,
        new: None,
    };
    Ok((text, Some(s), cited))
}

/// The text of a file inside the base: the source whose `text` it is, or a new one.
fn by_path(
    base: &Base,
    facts: &[FactsPath],
    path: &Path,
) -> Result<(String, Option<u32>, Cited), Error> {
    let shown = path.display().to_string();
    let full = path
        .canonicalize()
        .map_err(|e| Error::Usage(format!("cannot read {shown}: {e}")))?;
    let roots: Vec<PathBuf> = facts
        .iter()
        .filter_map(|f| match f {
            FactsPath::Disk(p) if p.is_dir() => Some(p.clone()),
            FactsPath::Disk(p) => p.parent().map(Path::to_path_buf),
            FactsPath::Builtin => None,
        })
        .collect();
    let root = roots
        .iter()
        .filter_map(|r| Some((r, r.canonicalize().ok()?)))
        .find(|(_, c)| full.starts_with(c));
    let Some((root, canonical_root)) = root else {
        return Err(Error::Usage(if roots.is_empty() {
            format!(
                "{shown} is not inside a fact base on disk: the built-in base has no folder. \
                 Give a source id, or read your base with --facts DIR and keep the text in DIR"
            )
        } else {
            format!(
                "{shown} is outside the fact base, so kz did not read it: kz draft reads only \
                 texts inside a folder given to --facts or KZ_FACTS, as kz check does"
            )
        }));
    };
    let text = read_text(&full, &shown)?;
    // The source whose `text` is this file.
    for (s, source) in base.sources.iter().enumerate() {
        let Some(rel) = source.text.as_deref() else {
            continue;
        };
        let Some(file) = base.files.get(source.origin.file as usize) else {
            continue;
        };
        let named = Path::new(file).parent().unwrap_or(Path::new("")).join(rel);
        if named.canonicalize().is_ok_and(|c| c == full) {
            let (_, _, cited) = by_source(base, s as u32)?;
            let path = Some(shown);
            return Ok((text, Some(s as u32), Cited { path, ..cited }));
        }
    }
    let stem = full
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut id = crate::names::kebab(&stem);
    if id.is_empty() {
        id = "source".into();
    }
    let mut unique = id.clone();
    let mut n = 2;
    while base.lookup(&unique).is_some() {
        unique = format!("{id}-{n}");
        n += 1;
    }
    let title = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(|l| crate::text::shorten(l, 120))
        .unwrap_or_else(|| stem.clone());
    let relative = full
        .strip_prefix(&canonical_root)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_else(|_| shown.clone());
    let cited = Cited {
        id: unique,
        path: Some(shown),
        published: None,
        new: Some(NewSource {
            title,
            text: relative,
            save_in: root.display().to_string(),
        }),
    };
    Ok((text, None, cited))
}

/// A text file as source texts are read: at most 64 MiB, UTF-8, without a byte-order mark.
fn read_text(full: &Path, shown: &str) -> Result<String, Error> {
    let limit = crate::load::MAX_FILE_BYTES;
    let mut bytes = Vec::new();
    std::fs::File::open(full)
        .and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
        .map_err(|e| Error::Usage(format!("cannot read {shown}: {e}")))?;
    if bytes.len() as u64 > limit {
        return Err(Error::Usage(format!(
            "{shown} is over the limit of {limit} bytes for one source text"
        )));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        Error::Usage(format!(
            "{shown} is not UTF-8 (byte {} is invalid); re-save it as UTF-8",
            e.utf8_error().valid_up_to()
        ))
    })?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(&text).to_string())
}
