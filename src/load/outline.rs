//! The outline: a file's sections and list items, found by scanning lines.

/// A top-level section key and the byte spans of its list items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SectionOutline<'a> {
    pub(super) name: &'a str,
    pub(super) line: u32,
    pub(super) items: Vec<ItemSpan>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct ItemSpan {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) line: u32,
}

/// Cuts a file into sections and block-list items by indentation alone, or gives up (`None`)
/// whenever the file uses anything the cut could misread: flow or inline section values,
/// directives and document markers, tabs in indentation, or content outside the block layout.
/// A cut that is accepted is later confirmed by each chunk parsing on its own.
pub(super) fn outline(text: &str) -> Option<Vec<SectionOutline<'_>>> {
    let mut sections: Vec<SectionOutline> = Vec::new();
    let mut item_indent: Option<usize> = None;
    let mut offset = 0;
    for (n, raw_line) in lines_inclusive(text).enumerate() {
        let line_no = n as u32 + 1;
        let start = offset;
        offset += raw_line.len();
        let line = raw_line.trim_end_matches(['\n', '\r']);
        let body = line.trim_start_matches(' ');
        let indent = line.len() - body.len();
        if body.starts_with('\t') {
            return None;
        }
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let is_item = body == "-" || body.starts_with("- ");
        if indent == 0 && !is_item {
            if body.starts_with("---") || body.starts_with("...") || body.starts_with('%') {
                return None;
            }
            let (key, rest) = body.split_once(':')?;
            let rest = rest.trim_start_matches(' ');
            let plain_key = !key.is_empty()
                && key
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            if !plain_key || !(rest.is_empty() || rest.starts_with('#')) {
                return None;
            }
            close_last(&mut sections, start);
            sections.push(SectionOutline {
                name: key,
                line: line_no,
                items: Vec::new(),
            });
            item_indent = None;
            continue;
        }
        let section = sections.last_mut()?;
        match item_indent {
            None if is_item => {
                item_indent = Some(indent);
                section.items.push(ItemSpan {
                    start,
                    end: offset,
                    line: line_no,
                });
            }
            None => return None,
            Some(at) if indent == at && is_item => {
                if let Some(last) = section.items.last_mut() {
                    last.end = start;
                }
                section.items.push(ItemSpan {
                    start,
                    end: offset,
                    line: line_no,
                });
            }
            Some(at) if indent > at => {}
            Some(_) => return None,
        }
    }
    close_last(&mut sections, offset);
    Some(sections)
}

/// The lines of `text` with their line breaks, as `str::split_inclusive('\n')` gives them, found
/// with one vectorised scan.
fn lines_inclusive(text: &str) -> impl Iterator<Item = &str> {
    let ends = memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1);
    let mut start = 0;
    ends.chain(std::iter::once(text.len()))
        .filter_map(move |end| {
            let line = text.get(start..end).filter(|l| !l.is_empty());
            start = end;
            line
        })
}

fn close_last(sections: &mut [SectionOutline], end: usize) {
    if let Some(item) = sections.last_mut().and_then(|s| s.items.last_mut()) {
        item.end = end;
    }
}

#[cfg(test)]
#[allow(clippy::type_complexity)]
mod tests {
    use super::*;

    fn spans(text: &str) -> Option<Vec<(String, Vec<u32>)>> {
        outline(text).map(|s| {
            s.into_iter()
                .map(|s| (s.name.to_string(), s.items.iter().map(|i| i.line).collect()))
                .collect()
        })
    }

    #[test]
    fn outline_cases() {
        let cases: &[(&str, Option<&[(&str, &[u32])]>)] = &[
            ("", Some(&[])),
            ("# only a comment\n", Some(&[])),
            (
                "quotes:\n  - id: a\n    text: x\n  - id: b\n",
                Some(&[("quotes", &[2, 4])]),
            ),
            (
                "quotes:\n- id: a\n  text: x\n- id: b\nevents:\n- id: c\n",
                Some(&[("quotes", &[2, 4]), ("events", &[6])]),
            ),
            ("quotes: # note\n  - id: a\n", Some(&[("quotes", &[2])])),
            ("quotes:\n", Some(&[("quotes", &[])])),
            (
                "quotes:\n  - id: a\n# comment\n  - id: b\n",
                Some(&[("quotes", &[2, 4])]),
            ),
            ("quotes:\r\n  - id: a\r\n", Some(&[("quotes", &[2])])),
            ("quotes: []\n", None),
            ("quotes: [{id: a}]\n", None),
            ("---\nquotes:\n", None),
            ("- id: a\n", None),
            ("hello\n", None),
            ("quotes:\n  id: a\n", None),
            ("quotes:\n  - id: a\n x: 1\n", None),
            ("quotes:\n\t- id: a\n", None),
            ("\"quotes\":\n  - id: a\n", None),
            ("quotes: &q\n  - id: a\n", None),
        ];
        for (text, want) in cases {
            let want = want.map(|w| {
                w.iter()
                    .map(|(n, l)| (n.to_string(), l.to_vec()))
                    .collect::<Vec<_>>()
            });
            assert_eq!(spans(text), want, "{text:?}");
        }
    }
}

/// Flow collections (`[...]`, `{...}`) may nest this deep; no fact file needs more than a few.
pub(super) const MAX_FLOW_DEPTH: usize = 64;

/// The 1-based line and column of the first flow bracket nested deeper than
/// [`MAX_FLOW_DEPTH`], if any. libyaml's time grows with the square of flow nesting, so a
/// small hostile file could hold kz for minutes; this scan is linear and runs first. It skips
/// comments and quoted scalars, so brackets inside text do not count.
pub(super) fn too_deep(text: &str) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let bytes = text.as_bytes();
    // The 1-based number of the line starting at `at`, counted only for a report.
    let number = |at: usize| memchr::memchr_iter(b'\n', &bytes[..at]).count() + 1;
    // The start of the line being looked at.
    let mut start = 0;
    while start < bytes.len() {
        // Only brackets change the depth, and each line is scanned on its own: with none open,
        // skip to the next line with an opening one.
        let skipped = depth == 0;
        if skipped {
            let open = start + memchr::memchr2(b'[', b'{', &bytes[start..])?;
            start = memchr::memrchr(b'\n', &bytes[start..open]).map_or(start, |i| start + i + 1);
        }
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        let raw = &text[start..end];
        // As `str::lines` does: a carriage return goes only with a line feed.
        let line = match end < bytes.len() {
            true => raw.strip_suffix('\r').unwrap_or(raw),
            false => raw,
        };
        let this = start;
        start = end + 1;
        // A line skipped to holds an opening bracket.
        if !skipped
            && memchr::memchr2(b'[', b'{', line.as_bytes()).is_none()
            && memchr::memchr2(b']', b'}', line.as_bytes()).is_none()
        {
            continue;
        }
        // With no quotation mark and no `#` on the line, only the brackets count: most lines
        // with brackets are a list of ids (`about: [a, b]`).
        if memchr::memchr3(b'"', b'\'', b'#', line.as_bytes()).is_none() {
            for (i, &b) in line.as_bytes().iter().enumerate() {
                match b {
                    b'[' | b'{' => {
                        depth += 1;
                        if depth > MAX_FLOW_DEPTH {
                            return Some((number(this), line[..i].chars().count() + 1));
                        }
                    }
                    b']' | b'}' => depth = depth.saturating_sub(1),
                    _ => {}
                }
            }
            continue;
        }
        let mut chars = line.char_indices().peekable();
        // Whether a quote here would open a quoted scalar: after the start of a line, an
        // indicator or whitespace that follows one.
        let mut may_quote = true;
        while let Some((i, c)) = chars.next() {
            match c {
                '#' if may_quote || line[..i].ends_with([' ', '\t']) => break,
                '"' | '\'' if may_quote => {
                    let close = c;
                    let mut escaped = false;
                    for (_, q) in chars.by_ref() {
                        if close == '"' && q == '\\' && !escaped {
                            escaped = true;
                            continue;
                        }
                        if q == close && !escaped {
                            break;
                        }
                        escaped = false;
                    }
                    may_quote = false;
                }
                '[' | '{' => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH {
                        return Some((number(this), line[..i].chars().count() + 1));
                    }
                    may_quote = true;
                }
                ']' | '}' => {
                    depth = depth.saturating_sub(1);
                    may_quote = false;
                }
                ',' | ':' | '-' | '?' => may_quote = true,
                ' ' | '\t' => {}
                _ => may_quote = false,
            }
        }
    }
    None
}

#[cfg(test)]
mod depth_tests {
    use super::*;

    #[test]
    fn flow_depth() {
        let deep = format!("a: {}x{}\n", "[".repeat(70), "]".repeat(70));
        let cases: Vec<(String, Option<(usize, usize)>)> = vec![
            ("a: [b, {c: d}]\n".into(), None),
            (format!("a: {}x{}\n", "[".repeat(64), "]".repeat(64)), None),
            (deep, Some((1, 68))),
            (format!("a: \"{}\"\n", "[".repeat(200)), None),
            (format!("a: '{}'\n", "{".repeat(200)), None),
            (format!("a: b # {}\n", "[".repeat(200)), None),
            (format!("# {}\n", "{".repeat(200)), None),
            (format!("text: don't {}\n", "[".repeat(65)), Some((1, 77))),
            (format!("a: \"esc \\\" {}\"\n", "[".repeat(200)), None),
        ];
        crate::testing::table(&cases, |text| too_deep(&text));
    }

    /// The scan as it was first written, a character at a time over every line.
    fn too_deep_by_chars(text: &str) -> Option<(usize, usize)> {
        let mut depth = 0usize;
        for (n, line) in text.lines().enumerate() {
            let mut chars = line.char_indices().peekable();
            let mut may_quote = true;
            while let Some((i, c)) = chars.next() {
                match c {
                    '#' if may_quote || line[..i].ends_with([' ', '\t']) => break,
                    '"' | '\'' if may_quote => {
                        let close = c;
                        let mut escaped = false;
                        for (_, q) in chars.by_ref() {
                            if close == '"' && q == '\\' && !escaped {
                                escaped = true;
                                continue;
                            }
                            if q == close && !escaped {
                                break;
                            }
                            escaped = false;
                        }
                        may_quote = false;
                    }
                    '[' | '{' => {
                        depth += 1;
                        if depth > MAX_FLOW_DEPTH {
                            return Some((n + 1, line[..i].chars().count() + 1));
                        }
                        may_quote = true;
                    }
                    ']' | '}' => {
                        depth = depth.saturating_sub(1);
                        may_quote = false;
                    }
                    ',' | ':' | '-' | '?' => may_quote = true,
                    ' ' | '\t' => {}
                    _ => may_quote = false,
                }
            }
        }
        None
    }

    #[test]
    fn the_line_skipping_scan_agrees_with_the_character_scan() {
        let mut texts = vec![
            format!("a: [\n{}", "  [\n".repeat(70)),
            format!("a: [\r\n{}", "  [\r\n".repeat(70)),
            format!("x: 1\n\n# c\nb: {}\n{}", "[".repeat(40), "[".repeat(30)),
            format!(
                "b: {}\nplain\n{}]]\n{}",
                "{".repeat(60),
                "]".repeat(3),
                "[".repeat(10)
            ),
            format!(
                "q: '{}'\nr: \"{}\"\n{}\r",
                "[".repeat(70),
                "{".repeat(70),
                "[".repeat(65)
            ),
            "no brackets\nat all\r\n".to_string(),
            String::new(),
            format!("жж: {}\n", "[".repeat(70)),
            format!("a: [x, y]\nb: {}\n{}x\n", "{[".repeat(20), "[".repeat(30)),
        ];
        let mut stack = vec![
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("facts"),
        ];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if let Ok(text) = std::fs::read_to_string(&path) {
                    texts.push(text);
                }
            }
        }
        for text in &texts {
            assert_eq!(too_deep(text), too_deep_by_chars(text), "{text:?}");
            let lines: Vec<&str> = lines_inclusive(text).collect();
            let want: Vec<&str> = text.split_inclusive('\n').collect();
            assert_eq!(lines, want);
        }
    }
}
