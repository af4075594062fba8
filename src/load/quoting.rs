//! How a text is written in YAML, line by line: a line read as `key: value`, a text quoted so
//! that it reads back as written, and the help for a text that needs quotes (`text: He said:
//! no`).

/// A line written `key: value` (after its indentation and any `- `): the key, and the byte
/// offsets in the line where the key and its value start. The value is what follows the colon
/// and its spaces, possibly nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct KeyLine<'a> {
    pub(super) key: &'a str,
    pub(super) key_at: usize,
    pub(super) value_at: usize,
}

/// Reads `line` as `key: value`, if it is one: a plain key of letters, digits, `_` and `-`.
pub(super) fn key_line(line: &str) -> Option<KeyLine<'_>> {
    let mut at = line.len() - line.trim_start_matches(' ').len();
    while let Some(rest) = line[at..].strip_prefix("- ") {
        at = line.len() - rest.trim_start_matches(' ').len();
    }
    let rest = &line[at..];
    let first = *rest.as_bytes().first()?;
    if !(first.is_ascii_alphabetic() || first == b'_') {
        return None;
    }
    let n = rest
        .bytes()
        .take_while(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        .count();
    let after = rest[n..].strip_prefix(':')?;
    if !(after.is_empty() || after.starts_with([' ', '\t'])) {
        return None;
    }
    let value = after.trim_start_matches([' ', '\t']);
    Some(KeyLine {
        key: &rest[..n],
        key_at: at,
        value_at: line.len() - value.len(),
    })
}

/// `text` as a YAML scalar that reads back as exactly `text`, on one line: in double quotes, or
/// in single quotes when it holds a double quote or a backslash.
pub(super) fn quoted(text: &str) -> String {
    if !text.contains(['"', '\\']) {
        format!("\"{text}\"")
    } else {
        format!("'{}'", text.replace('\'', "''"))
    }
}

/// The help for a syntax error at 1-based char `column` of `line`, when the line is `key:
/// value` and the error lies in the value: quote the value, and why.
pub(super) fn quote_help(message: &str, line: &str, column: usize) -> Option<String> {
    let kv = key_line(line)?;
    let value = line[kv.value_at..].trim_end();
    let at = line
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i);
    if value.is_empty() || at < kv.value_at {
        return None;
    }
    let first = value.chars().next()?;
    let why = if message.starts_with("mapping values are not allowed") {
        "unquoted, `: ` in a text starts a mapping".to_string()
    } else if matches!(first, '"' | '\'') {
        "a text that starts with a quotation mark ends where the quotation does".to_string()
    } else if "[]{}*&!|>%@`,?:-#".contains(first) {
        format!("unquoted, a text cannot start with `{first}`")
    } else {
        "unquoted, `: ` and ` #` in a text are YAML".to_string()
    };
    Some(format!(
        "quote the whole text: `{}: {}`; {why}",
        kv.key,
        quoted(value)
    ))
}

#[cfg(test)]
#[allow(clippy::type_complexity)]
mod tests {
    use super::*;

    #[test]
    fn key_lines() {
        let cases: &[(&str, Option<(&str, usize, usize)>)] = &[
            ("    text: He said", Some(("text", 4, 10))),
            ("  - text: x", Some(("text", 4, 10))),
            ("- - id: a", Some(("id", 4, 8))),
            ("    notes:", Some(("notes", 4, 10))),
            ("    notes:  # c", Some(("notes", 4, 12))),
            ("    text:x", None),
            ("    \"text\": x", None),
            ("    just words", None),
            ("", None),
        ];
        crate::testing::table(cases, |line| {
            key_line(line).map(|k| (k.key, k.key_at, k.value_at))
        });
    }

    #[test]
    fn quoting_reads_back_as_written() {
        let cases = [
            ("He said: no", "\"He said: no\""),
            ("\"He said\" no", "'\"He said\" no'"),
            ("it's \"so\"", "'it''s \"so\"'"),
            ("a \\ b", "'a \\ b'"),
        ];
        crate::testing::table(&cases, quoted);
    }

    #[test]
    fn help_to_quote_a_text() {
        let cases: &[(&str, &str, usize, Option<&str>)] = &[
            (
                "mapping values are not allowed in this context",
                "    text: He said: no",
                18,
                Some(
                    "quote the whole text: `text: \"He said: no\"`; unquoted, `: ` in a text \
                     starts a mapping",
                ),
            ),
            (
                "did not find expected key",
                "  - text: \"He said\" no",
                21,
                Some(
                    "quote the whole text: `text: '\"He said\" no'`; a text that starts with a \
                     quotation mark ends where the quotation does",
                ),
            ),
            (
                "found character that cannot start any token",
                "    text: @foo",
                11,
                Some(
                    "quote the whole text: `text: \"@foo\"`; unquoted, a text cannot start with `@`",
                ),
            ),
            // The error is before the value: not a text to quote.
            (
                "did not find expected key",
                "   description: A person",
                4,
                None,
            ),
            ("did not find expected key", "    words only", 5, None),
        ];
        for (message, line, column, want) in cases {
            assert_eq!(
                quote_help(message, line, *column).as_deref(),
                *want,
                "{line}"
            );
        }
    }
}
