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
    for (n, raw_line) in text.split_inclusive('\n').enumerate() {
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
