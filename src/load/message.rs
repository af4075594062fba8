//! Diagnostics from serde_yaml's errors: code, position and a message in kz's words.

use super::files::FactFile;
use super::raw::SECTIONS;
use crate::diag::{Code, Diagnostic};

pub(super) fn file_diag(
    file: &FactFile,
    code: Code,
    line: usize,
    column: usize,
    message: String,
) -> Diagnostic {
    let (line, column) = file.clamp(line, column);
    let text = file.line_text(line).unwrap_or_default().to_string();
    Diagnostic::at(code, &file.display, line, column, message).with_line(text)
}

/// Turns a serde_yaml error from a unit starting at `first_line` into a diagnostic.
pub(super) fn yaml_diag(
    file: &FactFile,
    err: &serde_yaml::Error,
    first_line: usize,
    section: Option<&str>,
) -> Diagnostic {
    yaml_diag_at(file, err, &|l| l + first_line - 1, section)
}

/// Turns a serde_yaml error from a text whose line `l` is line `line_of(l)` of the file into a
/// diagnostic.
pub(super) fn yaml_diag_at(
    file: &FactFile,
    err: &serde_yaml::Error,
    line_of: &dyn Fn(usize) -> usize,
    section: Option<&str>,
) -> Diagnostic {
    let (line, column) = err
        .location()
        .map(|l| (line_of(l.line()), l.column()))
        .unwrap_or((line_of(1), 1));
    let full = err.to_string();
    let cleaned = clean_message(&full, line_of);
    let message = cleaned.message;
    let code = classify(&full, &message);
    // An unterminated construct fails at the end of the file; where it began is more useful.
    let (line, column) = match cleaned.context {
        Some(at) if message.contains("end of stream") => at,
        _ => (line, column),
    };
    let section = section.or(cleaned.section.as_deref());
    if let Some(name) = top_level_key(&message) {
        return match code {
            Code::UnknownField => unknown_section(file, line, name),
            Code::DuplicateKey => {
                let lines = section_lines(file, name);
                let first = lines.first().copied().unwrap_or(1);
                duplicate_section(file, lines.get(1).copied().unwrap_or(line), name, first)
            }
            _ => file_diag(file, code, line, column, message),
        };
    }
    let (line, column) = match code {
        Code::DuplicateKey => duplicate_position(file, line, &message).unwrap_or((line, column)),
        _ => (line, column),
    };
    record_diag(file, code, message, line, column, section)
}

/// The diagnostic for a problem inside a record, with kz's help for its code.
fn record_diag(
    file: &FactFile,
    code: Code,
    mut message: String,
    line: usize,
    column: usize,
    section: Option<&str>,
) -> Diagnostic {
    let mut help = help_for(code, &message, section);
    if code == Code::Syntax && help.is_none() {
        let text = file.line_text(line).unwrap_or_default();
        help = super::quoting::quote_help(&message, text, column);
    }
    if code == Code::WrongType
        && let Some((said, how)) = unknown_variant(&message)
    {
        (message, help) = (said, Some(how));
    }
    if code == Code::UnknownField
        && let Some((head, _)) = message.split_once(", expected")
    {
        message = head.to_string();
    }
    let mut diag = file_diag(file, code, line, column, message);
    if let Some(help) = help {
        diag = diag.with_help(help);
    }
    diag
}

/// A value that is none of the names a field takes (`kind: Reported`): the message and help for
/// it, saying so when only its case is wrong.
fn unknown_variant(message: &str) -> Option<(String, String)> {
    let (field, rest) = message
        .strip_prefix('`')?
        .split_once("`: unknown variant `")?;
    let (got, expected) = rest.split_once("`, expected ")?;
    let names: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    if let Some(name) = names
        .iter()
        .find(|n| n.to_lowercase() == got.to_lowercase())
    {
        return Some((
            format!("`{field}` must be `{name}`, in lower case, not `{got}`"),
            format!("write `{field}: {name}`"),
        ));
    }
    let list = names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let help = match crate::names::closest(got, names.iter().copied()) {
        Some(name) => format!("did you mean `{name}`? `{field}` is one of {list}"),
        None => format!("write `{field}` as one of {list}"),
    };
    Some((message.to_string(), help))
}

/// The diagnostic for a field that salvage set aside (see [`super::salvage`]), found after the
/// record's first problem: `path` as serde_yaml writes it (`.roles[1].title`), the message of
/// the error there, and where the field is in the file.
pub(super) fn set_aside_diag(
    file: &FactFile,
    path: &str,
    error: &str,
    (line, column): (usize, usize),
    section: &str,
) -> Diagnostic {
    let full = format!("{path}: {error}");
    let cleaned = clean_message(&full, &|l| l);
    let code = classify(&full, &cleaned.message);
    let (line, column) = match (code, cleaned.message.split('`').nth(1)) {
        (Code::UnknownField, Some(key)) => key_position(file, line, column, key),
        _ => (line, column),
    };
    record_diag(file, code, cleaned.message, line, column, Some(section))
}

/// Where `key` is written, given where its value is: on the value's line before it, or on a
/// line above it (a block value starts on the next line).
fn key_position(file: &FactFile, line: usize, column: usize, key: &str) -> (usize, usize) {
    let is_key = |text: &str, at: usize| text[at + key.len()..].trim_start().starts_with(':');
    for (n, limit) in [(line, Some(column)), (line.saturating_sub(1), None)] {
        let Some(text) = file.line_text(n) else {
            continue;
        };
        let end = limit
            .and_then(|c| text.char_indices().nth(c.saturating_sub(1)).map(|(i, _)| i))
            .unwrap_or(text.len());
        if let Some(at) = text[..end].rfind(key).filter(|&at| is_key(text, at)) {
            return (n, text[..at].chars().count() + 1);
        }
    }
    (line, column)
}

/// The diagnostic for a top-level key that is not a section.
pub(super) fn unknown_section(file: &FactFile, line: usize, name: &str) -> Diagnostic {
    let help = match crate::names::closest(name, SECTIONS) {
        Some(s) => format!("did you mean `{s}`? Sections are {}", SECTIONS.join(", ")),
        None => format!("sections are {}", SECTIONS.join(", ")),
    };
    file_diag(
        file,
        Code::UnknownSection,
        line,
        1,
        format!("unknown section `{name}`"),
    )
    .with_help(help)
}

/// The diagnostic for a section given twice in one file.
pub(super) fn duplicate_section(
    file: &FactFile,
    line: usize,
    name: &str,
    first: usize,
) -> Diagnostic {
    file_diag(
        file,
        Code::DuplicateKey,
        line,
        1,
        format!("section `{name}` appears twice in this file (first at line {first})"),
    )
    .with_help("merge the two lists under one key")
}

/// The lines where `name:` starts a line, as a top-level key does.
fn section_lines(file: &FactFile, name: &str) -> Vec<usize> {
    file.text()
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            l.strip_prefix(name)
                .is_some_and(|r| r.trim_start().starts_with(':'))
        })
        .map(|(i, _)| i + 1)
        .collect()
}

/// The key a whole-file parse complains about at the top level: an unknown field whose
/// alternatives are the sections, or a duplicate section.
fn top_level_key(message: &str) -> Option<&str> {
    let name = message.split('`').nth(1)?;
    let expected: Vec<&str> = message.split('`').skip(3).step_by(2).collect();
    let unknown = message.starts_with("unknown field") && expected == SECTIONS;
    let duplicate = message.starts_with("duplicate field") && SECTIONS.contains(&name);
    (unknown || duplicate).then_some(name)
}

/// A serde_yaml message taken apart: what is wrong, the field and section it concerns, and
/// where the construct that failed began (libyaml's "while scanning ... at line N column M").
#[derive(Debug, PartialEq, Eq)]
struct Cleaned {
    message: String,
    field: Option<String>,
    section: Option<String>,
    context: Option<(usize, usize)>,
}

/// serde_yaml writes `path: message at line L column C[, while X at line L2 column C2]`. The
/// position is given separately; the path's last field and the context are kept, the context's
/// line `l` as line `line_of(l)` of the file.
fn clean_message(full: &str, line_of: &dyn Fn(usize) -> usize) -> Cleaned {
    let mut msg = full;
    let mut field = None;
    let mut section = None;
    let has_path =
        msg.starts_with('.') || SECTIONS.iter().any(|s| msg.starts_with(&format!("{s}[")));
    if has_path && let Some((path, rest)) = msg.split_once(": ") {
        let head = path.split(['[', '.']).next().unwrap_or_default();
        section = SECTIONS.contains(&head).then(|| head.to_string());
        let last = path.rsplit('.').next().unwrap_or(path);
        let name = last.split('[').next().unwrap_or(last);
        if !name.is_empty() {
            field = Some(name.to_string());
        }
        msg = rest;
    }
    let mut out = String::with_capacity(msg.len());
    let mut rest = msg;
    let mut context = None;
    let mut first = true;
    while let Some(pos) = rest.find(" at line ") {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + " at line ".len()..];
        let parsed = after.split_once(" column ").and_then(|(l, c)| {
            let digits = c.bytes().take_while(u8::is_ascii_digit).count();
            let line: usize = l.parse().ok()?;
            let column: usize = c[..digits].parse().ok()?;
            Some((line, column, l.len() + " column ".len() + digits))
        });
        match parsed {
            Some((line, column, skip)) => {
                let line = line_of(line);
                if !first {
                    out.push_str(&format!(" (line {line}, column {column})"));
                    context.get_or_insert((line, column));
                }
                first = false;
                rest = &after[skip..];
            }
            None => {
                out.push_str(" at line ");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    let message = match (out.strip_prefix("invalid type: "), &field) {
        (Some(detail), _) => {
            let (found, expected) = detail
                .split_once(", expected ")
                .unwrap_or((detail, "something else"));
            let found = match found {
                "sequence" => "a list",
                "map" => "a mapping",
                "unit value" => "empty",
                other => other,
            };
            let expected = if expected.starts_with("struct ") {
                "a mapping of fields"
            } else if expected.contains("YAML tag") {
                "`direct` or `reported`"
            } else {
                expected
            };
            match &field {
                Some(f) => format!("`{f}` should be {expected}, not {found}"),
                None => format!("expected {expected}, found {found}"),
            }
        }
        (None, Some(f))
            if !out.starts_with("unknown field") && !out.starts_with("duplicate field") =>
        {
            format!("`{f}`: {out}")
        }
        _ => out,
    };
    Cleaned {
        message,
        field,
        section,
        context,
    }
}

fn classify(full: &str, message: &str) -> Code {
    let starts =
        |p: &str| message.starts_with(p) || full.contains(&format!(": {p}")) || full.starts_with(p);
    if starts("unknown field") {
        Code::UnknownField
    } else if starts("duplicate field") {
        Code::DuplicateKey
    } else if starts("invalid type")
        || starts("invalid value")
        || starts("invalid length")
        || starts("unknown variant")
        || message.contains("` should be ")
    {
        Code::WrongType
    } else if starts("missing field") {
        Code::Missing
    } else if starts("recursion limit") || starts("repetition limit") {
        Code::TooComplex
    } else {
        Code::Syntax
    }
}

fn help_for(code: Code, message: &str, section: Option<&str>) -> Option<String> {
    match code {
        Code::UnknownField => {
            let field = message.split('`').nth(1)?;
            let expected: Vec<&str> = message.split('`').skip(3).step_by(2).collect();
            let whose = match section {
                Some(s) if message.contains("`id`") => format!("fields of {s}"),
                _ => "fields here".to_string(),
            };
            let list = format!("{whose} are {}", expected.join(", "));
            Some(
                match crate::names::closest(field, expected.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`? {list}"),
                    None => list,
                },
            )
        }
        Code::Syntax if message.contains("tab") => {
            Some("indent with spaces: YAML forbids tabs in indentation".into())
        }
        Code::Syntax if message.contains("end of stream") && message.contains("quoted") => {
            Some("this quoted text is never closed: add the closing quote".into())
        }
        Code::DuplicateKey => {
            Some("a key may appear once in a mapping: remove or merge one of them".into())
        }
        Code::TooComplex => {
            Some("fact files need no deep nesting or alias expansion; flatten this record".into())
        }
        _ => None,
    }
}

/// serde reports a duplicate field at its mapping; find the second occurrence of the key in the
/// lines that follow (a record's keys are close together, so the search is bounded).
fn duplicate_position(file: &FactFile, map_line: usize, message: &str) -> Option<(usize, usize)> {
    let field = message.split('`').nth(1)?;
    let mut hits = 0;
    for n in map_line..map_line + 500 {
        let line = file.line_text(n)?;
        let body = line.trim_start_matches([' ', '-']);
        if body
            .strip_prefix(field)
            .is_some_and(|r| r.trim_start().starts_with(':'))
        {
            hits += 1;
            if hits == 2 {
                return Some((n, line.len() - body.len() + 1));
            }
        }
    }
    None
}

#[cfg(test)]
#[allow(clippy::type_complexity)]
mod tests {
    use super::*;

    #[test]
    fn a_name_in_the_wrong_case_says_so() {
        let cases: &[(&str, Option<(&str, &str)>)] = &[
            (
                "`kind`: unknown variant `Reported`, expected `direct` or `reported`",
                Some((
                    "`kind` must be `reported`, in lower case, not `Reported`",
                    "write `kind: reported`",
                )),
            ),
            (
                "`rank`: unknown variant `best`, expected one of `deprecated`, `normal`, `preferred`",
                Some((
                    "`rank`: unknown variant `best`, expected one of `deprecated`, `normal`, `preferred`",
                    "write `rank` as one of `deprecated`, `normal`, `preferred`",
                )),
            ),
            (
                "`kind`: unknown variant `reportd`, expected `direct` or `reported`",
                Some((
                    "`kind`: unknown variant `reportd`, expected `direct` or `reported`",
                    "did you mean `reported`? `kind` is one of `direct`, `reported`",
                )),
            ),
            ("`name` should be a string, not a list", None),
        ];
        for (message, want) in cases {
            let got = unknown_variant(message);
            let got = got.as_ref().map(|(m, h)| (m.as_str(), h.as_str()));
            assert_eq!(got, *want, "{message}");
        }
    }

    #[test]
    fn messages_lose_serde_positions() {
        let cases: &[(&str, &str, Option<&str>, Option<(usize, usize)>)] = &[
            (
                ".[0]: unknown field `x`, expected `id` at line 3 column 5",
                "unknown field `x`, expected `id`",
                None,
                None,
            ),
            (
                "quotes[2].id: invalid type: sequence, expected a string at line 1 column 9",
                "`id` should be a string, not a list",
                Some("id"),
                None,
            ),
            (
                ".[0].roles[1]: invalid type: string \"x\", expected struct RawRole at line 4 column 9",
                "`roles` should be a mapping of fields, not string \"x\"",
                Some("roles"),
                None,
            ),
            (
                "invalid type: sequence, expected a mapping of sections at line 1 column 1",
                "expected a mapping of sections, found a list",
                None,
                None,
            ),
            (
                ".[0].kind: unknown variant `x`, expected `direct` or `reported` at line 2 column 11",
                "`kind`: unknown variant `x`, expected `direct` or `reported`",
                Some("kind"),
                None,
            ),
            (
                "found unexpected end of stream at line 5 column 1, while scanning a quoted scalar at line 3 column 11",
                "found unexpected end of stream, while scanning a quoted scalar (line 3, column 11)",
                None,
                Some((3, 11)),
            ),
            (
                "did not find expected key",
                "did not find expected key",
                None,
                None,
            ),
        ];
        for (full, message, field, context) in cases {
            let got = clean_message(full, &|l| l);
            assert_eq!(got.message, *message, "{full}");
            assert_eq!(got.field.as_deref(), *field, "{full}");
            assert_eq!(got.context, *context, "{full}");
        }
    }
}
