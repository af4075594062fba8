//! `kz man`: the manual pages. kz(1) and kz-COMMAND(1) come from the command line's own help
//! text, kz-facts(5) from the fact file's JSON Schema and the diagnostics' list of codes, so
//! none of them can drift from what kz does.

use super::{Cx, Needs, Run};
use crate::diag::Code;
use crate::Error;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Print kz's manual pages (roff), or write them into a manual folder.
///
/// The pages are kz(1), one kz-COMMAND(1) per command, made from the same text as each
/// command's --help, and kz-facts(5), the format of fact files, made from the types the JSON
/// Schema of `kz schema` comes from, with a table of every diagnostic code `kz check` reports.
///
/// Without --dir, every page is printed, one after another, for `man -l -`. With --dir, DIR is
/// the root of a manual, as `man` expects: the section 1 pages go into DIR/man1/ and kz-facts.5
/// into DIR/man5/, folders created as needed, and each path written is printed. `man` searches
/// the manual beside each folder of PATH, so after `cargo install`, `kz man --dir
/// ~/.cargo/share/man` makes `man kz-members` and `man 5 kz-facts` work with no setting.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kz man --dir ~/.cargo/share/man\n  kz man | man -l -\n  man -l ~/.cargo/share/man/man5/kz-facts.5"
)]
pub struct Args {
    /// Write the pages into DIR/man1/ and DIR/man5/ instead of printing them
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

impl Run for Args {
    fn formats(&self) -> super::Formats {
        super::Formats::None("it writes man pages")
    }

    fn needs(&self) -> Needs {
        Needs::Nothing
    }

    fn run(&self, cx: &mut Cx<'_>) -> Result<(), Error> {
        if let Some(dir) = &self.dir {
            refuse_section_folder(dir)?;
        }
        let pages = pages(cx.ctx.app)?;
        match &self.dir {
            None => {
                for (i, page) in pages.iter().enumerate() {
                    if i > 0 {
                        cx.out.write_all(b".bp\n")?;
                    }
                    cx.out.write_all(&page.text)?;
                }
            }
            Some(dir) => {
                for page in &pages {
                    let folder = dir.join(format!("man{}", page.section));
                    std::fs::create_dir_all(&folder)
                        .map_err(|e| Error::io(e, format!("cannot create {}", folder.display())))?;
                    let path = folder.join(format!("{}.{}", page.name, page.section));
                    std::fs::write(&path, &page.text)
                        .map_err(|e| Error::io(e, format!("cannot write {}", path.display())))?;
                    writeln!(cx.out, "{}", path.display())?;
                }
            }
        }
        Ok(())
    }
}

/// `--dir` takes a manual's root; a section folder (`.../man1`) would put the pages one level
/// too deep for `man`, so it is refused before anything is written.
fn refuse_section_folder(dir: &Path) -> Result<(), Error> {
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let section = name.strip_prefix("man").is_some_and(|rest| {
        rest.len() == 1 && rest.bytes().all(|b| b.is_ascii_digit())
    });
    if section {
        return Err(Error::Usage(format!(
            "--dir takes the root of a manual, not its section folder {name}/: kz writes man1/ and man5/ inside it (try --dir {})",
            dir.parent().unwrap_or(Path::new(".")).display()
        )));
    }
    Ok(())
}

/// One manual page.
struct Page {
    name: String,
    section: u8,
    text: Vec<u8>,
}

/// Every page: kz(1), kz-COMMAND(1) for each command, then kz-facts(5).
fn pages(app: fn() -> clap::Command) -> Result<Vec<Page>, Error> {
    let top = app();
    let version = top.get_version().unwrap_or_default().to_string();
    let commands: Vec<String> = top
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .filter(|n| n != "help")
        .collect();
    let mut see_also: Vec<String> = commands.iter().map(|c| format!("kz-{c}(1)")).collect();
    see_also.push("kz-facts(5)".into());
    let mut out = vec![Page {
        name: "kz".into(),
        section: 1,
        text: command_page(top.clone(), "kz", &see_also)?,
    }];
    for sub in top.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("kz-{}", sub.get_name());
        let page = sub
            .clone()
            .name(name.clone())
            .bin_name(format!("kz {}", sub.get_name()))
            .version(version.clone());
        let see = ["kz(1)".to_string(), "kz-facts(5)".to_string()];
        out.push(Page {
            text: command_page(page, &name, &see)?,
            name,
            section: 1,
        });
    }
    out.push(Page {
        name: "kz-facts".into(),
        section: 5,
        text: facts_page(&version).into_bytes(),
    });
    Ok(out)
}

/// A command's page: clap_mangen's title, name, synopsis, description and options, then its
/// examples kept line by line (clap_mangen would run them together) and where to look next.
fn command_page(cmd: clap::Command, name: &str, see_also: &[String]) -> Result<Vec<u8>, Error> {
    let man = clap_mangen::Man::new(cmd.clone())
        .title(name)
        .source(format!("kz {}", cmd.get_version().unwrap_or_default()))
        .manual("kz manual");
    let mut buf = Vec::new();
    man.render_title(&mut buf)?;
    man.render_name_section(&mut buf)?;
    man.render_synopsis_section(&mut buf)?;
    man.render_description_section(&mut buf)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut buf)?;
    }
    if cmd.has_subcommands() {
        man.render_subcommands_section(&mut buf)?;
    }
    let mut roff = String::new();
    if let Some(after) = cmd.get_after_long_help().or_else(|| cmd.get_after_help()) {
        after_help(&mut roff, &after.to_string());
    }
    roff.push_str(".SH \"SEE ALSO\"\n");
    roff.push_str(&escape(&see_also.join(", ")));
    roff.push('\n');
    buf.extend_from_slice(roff.as_bytes());
    man.render_version_section(&mut buf)?;
    Ok(buf)
}

/// The text after a command's help: each block that opens with a `Heading:` line becomes a
/// section of that name, its indented lines kept as they are (examples), other lines filled.
fn after_help(roff: &mut String, text: &str) {
    for line in text.lines() {
        if let Some(heading) = line.strip_suffix(':').filter(|h| !h.starts_with(' ')) {
            roff.push_str(&format!(".SH {}\n", escape(&heading.to_uppercase())));
        } else if line.trim().is_empty() {
            roff.push_str(".PP\n");
        } else if let Some(example) = line.strip_prefix("  ") {
            roff.push_str(&format!(".nf\n.RS 4\n{}\n.RE\n.fi\n", escape(example)));
        } else {
            roff.push_str(&escape(line));
            roff.push('\n');
        }
    }
}

/// Text as roff reads it literally: backslashes and hyphens escaped, and a line that would
/// start with a control character guarded.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        if line.starts_with(['.', '\'']) {
            out.push_str("\\&");
        }
        for c in line.chars() {
            match c {
                '\\' => out.push_str("\\e"),
                '-' => out.push_str("\\-"),
                c => out.push(c),
            }
        }
    }
    out
}

/// The sections of a fact file, in the order a file usually lists them, with what each
/// record of it is called.
const SECTIONS: [(&str, &str); 7] = [
    ("sources", "Source"),
    ("actors", "Actor"),
    ("organisations", "Organisation"),
    ("places", "Place"),
    ("quotes", "Quote"),
    ("events", "Event"),
    ("kinds", "Kind"),
];

/// kz-facts(5): the rules of a fact base, each section's fields as the JSON Schema gives them
/// (the schema is made from the loader's own types), and the diagnostic codes.
fn facts_page(version: &str) -> String {
    let schema = serde_json::to_value(crate::load::schema()).unwrap_or_default();
    let defs = &schema["definitions"];
    let mut r = String::new();
    r.push_str(&format!(
        ".TH kz-facts 5 \"\" \"kz {}\" \"kz manual\"\n",
        escape(version)
    ));
    r.push_str(".SH NAME\nkz\\-facts \\- the YAML fact files kz reads\n");
    r.push_str(".SH SYNOPSIS\n");
    r.push_str(&escape(
        "kz --facts FILE.yaml ...\nkz --facts FOLDER ...\nKZ_FACTS=:FOLDER kz ...",
    ).replace('\n', "\n.br\n"));
    r.push('\n');
    r.push_str(".SH DESCRIPTION\n");
    paragraphs(&mut r, &DESCRIPTION);
    r.push_str(".SH SECTIONS\n");
    r.push_str(&escape(
        "In each record, a field in bold is required; a list field also takes a single value.",
    ));
    r.push('\n');
    let mut nested = Vec::new();
    for (section, def) in SECTIONS {
        let about = schema["properties"][section]["description"]
            .as_str()
            .unwrap_or_default();
        r.push_str(&format!(".SS {section}\n{}\n", escape(about)));
        fields(&mut r, defs, &defs[def], &mut nested);
    }
    for def in nested {
        let about = defs[def.as_str()]["description"].as_str().unwrap_or_default();
        r.push_str(&format!(".SS \"{}\"\n{}\n", escape(&def.to_lowercase()), escape(about)));
        fields(&mut r, defs, &defs[def.as_str()], &mut Vec::new());
    }
    r.push_str(".SH DATES\n");
    r.push_str(&escape(defs["Date"]["description"].as_str().unwrap_or_default()));
    r.push('\n');
    paragraphs(&mut r, &DATES);
    r.push_str(".SH DIAGNOSTICS\n");
    r.push_str(&escape(
        "kz check reports every problem as PATH:LINE:COLUMN: error[KZnnn]: MESSAGE, with the offending line; kz check -f json gives them as data. The codes:",
    ));
    r.push('\n');
    for code in Code::ALL {
        r.push_str(&format!(".TP\n.B {code}\n{}\n", escape(code.summary())));
    }
    r.push_str(".SH EXAMPLE\n.nf\n.RS 4\n");
    r.push_str(&escape(EXAMPLE));
    r.push_str(".RE\n.fi\n");
    r.push_str(".SH \"SEE ALSO\"\nkz(1), kz\\-check(1), kz\\-schema(1)\n");
    r
}

/// Paragraphs of plain text, each escaped for roff.
fn paragraphs(r: &mut String, texts: &[&str]) {
    for text in texts {
        r.push_str(".PP\n");
        r.push_str(&escape(text));
        r.push('\n');
    }
}

/// The fields of one record type, one tagged paragraph each: name (bold when required), what
/// it holds, and its description. Record types nested in a list (roles, members) are noted in
/// `nested` to be described after the sections.
fn fields(r: &mut String, defs: &Value, def: &Value, nested: &mut Vec<String>) {
    let required: Vec<&str> = def["required"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(props) = def["properties"].as_object() else {
        return;
    };
    for (name, prop) in props {
        let (shape, inner) = shape(defs, prop);
        if let Some(inner) = inner.filter(|i| !nested.contains(i)) {
            nested.push(inner);
        }
        let font = if required.contains(&name.as_str()) {
            "B"
        } else {
            "I"
        };
        r.push_str(&format!(
            ".TP\n.{font} {}\n({}) {}\n",
            escape(name),
            escape(&shape),
            escape(prop["description"].as_str().unwrap_or_default())
        ));
    }
}

/// What a field holds, in words, from its schema; and the record type of a list of records.
fn shape(defs: &Value, prop: &Value) -> (String, Option<String>) {
    const ID: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";
    let reference = |v: &Value| {
        v["$ref"]
            .as_str()
            .and_then(|r| r.strip_prefix("#/definitions/"))
            .map(str::to_string)
    };
    // A reference, possibly wrapped as `anyOf: [X, null]` or `allOf: [X]`.
    let wrapped = ["anyOf", "allOf"]
        .iter()
        .filter_map(|k| prop[*k].as_array())
        .flatten()
        .find_map(reference)
        .or_else(|| reference(prop));
    if let Some(name) = wrapped {
        let words = match name.as_str() {
            "Date" => "a date".to_string(),
            "Id" => "an id".to_string(),
            "Ids" => "text, or a list of texts".to_string(),
            other => {
                let values: Vec<String> = defs[other]["oneOf"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|v| v["const"].as_str())
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                if values.is_empty() {
                    other.to_lowercase()
                } else {
                    format!("one of: {}", values.join(", "))
                }
            }
        };
        return (words, None);
    }
    if let Some(item) = reference(&prop["items"]) {
        return (format!("a list of {}s", item.to_lowercase()), Some(item));
    }
    if let Some(options) = prop["oneOf"].as_array() {
        if options.iter().any(|o| o["type"] == "integer") {
            return ("a date".into(), None);
        }
        let ids = options
            .iter()
            .any(|o| o["pattern"] == ID || o["items"]["pattern"] == ID);
        let word = if ids { "id" } else { "text" };
        let article = if ids { "an" } else { "a" };
        return (format!("{article} {word}, or a list of {word}s"), None);
    }
    if prop["pattern"] == ID {
        return ("an id".into(), None);
    }
    ("text".into(), None)
}

const DESCRIPTION: [&str; 6] = [
    "A fact base is one or more YAML files. Given a folder, kz reads every *.yaml and *.yml file beneath it, in sorted path order. Facts come from --facts PATH (repeatable), else from KZ_FACTS (paths separated by colons), else from the base built into kz; in KZ_FACTS, as in MANPATH, an empty element stands for the built-in base, so KZ_FACTS=:~/facts reads both.",
    "The top level of a file is a mapping that holds any of the sections below. An unknown section or field is an error, not something skipped. The shipped base keeps one file per section; a new article can put all of its sections in one file.",
    "Every record has an id in kebab-case (andrey-serdyukov). All kinds of record share one namespace, and an id is declared once in the whole base. Every record but a source names its source: one source id, or a list of them. A role or membership without its own source has its record's. A record may also carry evidence, the sentence of the source that supports it, copied verbatim, and free-text notes.",
    "A direct quote's text is verbatim. Wherever a source has a text file, kz check verifies that every direct quote and every evidence citing that source appears in it, with runs of white space folded into one space and straight and curly quotation marks alike. A quote may elide words with an ellipsis (... or …) and insert its own in [brackets]: the pieces between must appear in the source in order, each at most 250 characters after the one before, and bracketed words are not compared. A source's text must lie inside the fact base: in the folder of the YAML file that declares the source, or in the folder given to --facts or KZ_FACTS.",
    "A quote's speaker may be an organisation (a ministry's statement). An organisation's or place's kind is free text; the kinds section declares kinds and the broader kind each falls under, so that --kind finds every kind beneath the one asked for. Several files may declare the same kind if they agree on its broader kind.",
    "A fact file or a source text may be at most 64 MiB, and flow collections ([...], {...}) may nest at most 64 levels deep. Editors validate a file as they type against the JSON Schema that kz schema prints; references between files, cycles, impossible days and quotes against their sources need the whole base, so only kz check sees them.",
];

const DATES: [&str; 2] = [
    "A date stands for every day it covers: 2022-01 runs from 2022-01-01 to 2022-01-31, and --since, --until, --on and kz on select what overlaps the days asked for. Records sort by start day, then coarser dates first, then file order; output writes a date back as the file spells it. A day that does not exist (2022-02-30) is an error, and so is an until before its since.",
    "A role or membership runs from its since to its until. One without a since is held, as far as kz shows, only from the first day of the earliest date that attests it: its until, or the published date of a source it cites. One that no date attests is never shown for a date.",
];

/// The example of the README's walk-through, which the tests check and query.
const EXAMPLE: &str = include_str!("../../docs/reporting/interview.yaml");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_guards_roff_controls() {
        for (text, roff) in [
            ("plain", "plain"),
            ("--facts", "\\-\\-facts"),
            ("a\\b", "a\\eb"),
            (".TH x", "\\&.TH x"),
            ("'x", "\\&'x"),
            ("one\n.two", "one\n\\&.two"),
        ] {
            assert_eq!(escape(text), roff, "{text:?}");
        }
    }

    #[test]
    fn shapes_read_as_words() {
        let schema = serde_json::to_value(crate::load::schema()).unwrap();
        let defs = &schema["definitions"];
        let field = |def: &str, name: &str| shape(defs, &defs[def]["properties"][name]).0;
        assert_eq!(field("Actor", "nationality"), "an id");
        assert_eq!(field("Actor", "source"), "an id, or a list of ids");
        assert_eq!(field("Actor", "aliases"), "text, or a list of texts");
        assert_eq!(field("Actor", "roles"), "a list of roles");
        assert_eq!(field("Event", "date"), "a date");
        assert_eq!(field("Source", "published"), "a date");
        assert_eq!(field("Quote", "kind"), "one of: direct, reported");
        assert_eq!(field("Quote", "speaker"), "an id");
        assert_eq!(field("Source", "title"), "text");
    }

    #[test]
    fn a_section_folder_is_refused() {
        assert!(refuse_section_folder(Path::new("/tmp/share/man/man1")).is_err());
        assert!(refuse_section_folder(Path::new("man5")).is_err());
        assert!(refuse_section_folder(Path::new("/tmp/share/man")).is_ok());
        assert!(refuse_section_folder(Path::new("manuals")).is_ok());
    }
}
