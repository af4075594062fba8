//! Escaping for the markup kz writes (HTML pages, SVG pictures, the site's search data): every
//! string from a fact file passes through here on its way into a file a browser opens.
//!
//! Control characters and the bidirectional overrides are shown as escapes (`\u{202e}`), as they
//! are at a terminal, so a name cannot reorder or hide the text around it.

use crate::text::{escape_cell, replace_chars};
use std::borrow::Cow;
use std::fmt::Write as _;

/// Text made safe for HTML or XML text and for a double- or single-quoted attribute value:
/// `& < > " '` become character references, other control characters become visible escapes.
/// Newlines are kept, and tabs and carriage returns become spaces: in markup they are only white
/// space.
pub fn escape(text: &str) -> String {
    // Markup first, then controls: the references put in hold no control characters.
    let marked = replace_chars(text, |c| {
        Some(Cow::Borrowed(match c {
            '\t' | '\r' => " ",
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&#39;",
            _ => return None,
        }))
    });
    escape_cell(&marked).into_owned()
}

/// Text as shown, before markup escaping: control characters and bidirectional overrides made
/// visible. For writers (such as an SVG crate) that escape markup themselves.
pub fn shown(text: &str) -> String {
    escape_cell(text).into_owned()
}

/// The longest file name (without its extension) kz writes: with `.html` it fits every common
/// file system, eCryptfs's 143 bytes included, with room to spare in a path.
pub const MAX_FILE_NAME: usize = 120;

/// A file name, which is also its relative URL, for a record id. Checked ids are kebab-case, but
/// any byte outside `[A-Za-z0-9_-]` is written `~XX` in hex, so no id can name another folder or a
/// scheme. Not `%XX`: a browser decodes that in a link, and the link would miss the file.
///
/// A name that would be longer than [`MAX_FILE_NAME`] keeps its start and ends with `~~` and
/// the 128-bit xxh3 hash of the whole id, which no shorter name can hold (every other `~` starts
/// an escape); the names Windows reserves for devices (`con`, `nul`, `com1`, ...) get a `_`
/// before them. So every id has one name, the same on every run, and no two ids share one.
pub fn file_name(id: &str) -> String {
    let mut out = String::with_capacity(id.len().min(MAX_FILE_NAME));
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
            out.push(b as char);
        } else {
            let _ = write!(out, "~{b:02X}");
        }
        if out.len() > MAX_FILE_NAME {
            break;
        }
    }
    if out.is_empty() || out.starts_with('-') || is_device_name(&out) {
        out.insert(0, '_');
    }
    if out.len() > MAX_FILE_NAME {
        let hash = format!("~~{:032x}", xxhash_rust::xxh3::xxh3_128(id.as_bytes()));
        let mut keep = MAX_FILE_NAME - hash.len();
        // Not within an escape: `~XX` is whole or gone.
        if let Some(at) = out[..keep].rfind('~').filter(|&at| at + 3 > keep) {
            keep = at;
        }
        out.truncate(keep);
        out.push_str(&hash);
    }
    out
}

/// The names Windows gives its devices, in any case, which no file may have whatever its
/// extension.
fn is_device_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    matches!(lower.as_str(), "con" | "prn" | "aux" | "nul")
        || (lower.len() == 4
            && (lower.starts_with("com") || lower.starts_with("lpt"))
            && lower.as_bytes()[3].is_ascii_digit())
}

/// An outside link a fact file gives (a source's `url`), if it is one a page may follow: only
/// `http:` and `https:` URLs, with no white space or control characters. Anything else
/// (`javascript:`, `data:`, a relative path) is shown as text instead.
pub fn safe_url(url: &str) -> Option<&str> {
    let trimmed = url.trim();
    let lower = trimmed.get(..8).unwrap_or(trimmed).to_ascii_lowercase();
    let web = lower.starts_with("http://") || lower.starts_with("https://");
    let clean = !trimmed
        .chars()
        .any(|c| c.is_whitespace() || crate::text::is_unsafe_control(c));
    (web && clean).then_some(trimmed)
}

/// JSON text safe to put anywhere in a page or a script file: `<`, `>`, `&`, the line
/// separators U+2028 and U+2029 and the bidirectional controls are written as `\u` escapes,
/// which JSON reads back unchanged, so no `</script>` or comment opener can appear and no raw
/// control reorders the file.
pub fn script_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if crate::text::is_unsafe_control(c) => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_text_and_attributes() {
        let cases = [
            ("plain", "plain"),
            (
                "<script>alert(1)</script>",
                "&lt;script&gt;alert(1)&lt;/script&gt;",
            ),
            ("a \"b\" 'c' & d", "a &quot;b&quot; &#39;c&#39; &amp; d"),
            ("rtl\u{202e}txt", "rtl\\u{202e}txt"),
            ("bell\u{7}", "bell\\u{7}"),
            ("two\nlines", "two\nlines"),
            ("tab\there\r\n", "tab here \n"),
            ("Тоқаев", "Тоқаев"),
            ("&amp;", "&amp;amp;"),
        ];
        crate::testing::table(&cases, escape);
    }

    #[test]
    fn file_names() {
        let cases = [
            ("andrey-serdyukov", "andrey-serdyukov"),
            ("../etc/passwd", "~2E~2E~2Fetc~2Fpasswd"),
            ("a b", "a~20b"),
            ("a~20b", "a~7E20b"),
            ("", "_"),
            ("-x", "_-x"),
            ("javascript:alert(1)", "javascript~3Aalert~281~29"),
            ("con", "_con"),
            ("nul", "_nul"),
            ("com1", "_com1"),
            ("lpt9", "_lpt9"),
            ("console", "console"),
            ("com10", "com10"),
        ];
        crate::testing::table(&cases, file_name);
    }

    #[test]
    fn long_ids_get_short_stable_unique_names() {
        let long = "a".repeat(300);
        let name = file_name(&long);
        assert_eq!(name.len(), MAX_FILE_NAME);
        assert!(name.starts_with(&"a".repeat(80)), "{name}");
        assert_eq!(name, file_name(&long), "the same on every call");
        // Two ids that differ only past the cut have different names.
        let other = format!("{}b", "a".repeat(299));
        assert_ne!(file_name(&other), name);
        // A name just within the limit is not hashed; one just past it is.
        assert_eq!(
            file_name(&"x".repeat(MAX_FILE_NAME)),
            "x".repeat(MAX_FILE_NAME)
        );
        let past = file_name(&"x".repeat(MAX_FILE_NAME + 1));
        assert!(past.contains("~~") && past.len() <= MAX_FILE_NAME);
        assert_eq!(file_name(&"-".repeat(400)).len(), MAX_FILE_NAME);
        // An escape is never cut in half, whatever the cut.
        for pad in 0..4 {
            let id = format!("{}{}", "y".repeat(pad), "é".repeat(200));
            let name = file_name(&id);
            assert!(name.len() <= MAX_FILE_NAME, "{name}");
            let (head, _) = name.split_once("~~").unwrap();
            let tildes = head.matches('~').count();
            assert_eq!(head.len(), pad + 3 * tildes, "{name}");
        }
    }

    #[test]
    fn only_web_urls_are_links() {
        let cases = [
            (
                "https://example.org/a?b=c",
                Some("https://example.org/a?b=c"),
            ),
            ("HTTP://EXAMPLE.ORG", Some("HTTP://EXAMPLE.ORG")),
            ("javascript:alert(1)", None),
            (" JavaScript:alert(1)", None),
            ("data:text/html,<b>", None),
            ("https://a.org/\u{202e}x", None),
            ("https://a.org/ x", None),
            ("/etc/passwd", None),
            ("", None),
        ];
        crate::testing::table(&cases, safe_url);
    }

    #[test]
    fn json_for_scripts() {
        let cases = [
            (r#"{"a":"</script>"}"#, r#"{"a":"\u003c/script\u003e"}"#),
            ("\"\u{2028}\"", "\"\\u2028\""),
            ("\"a&b\"", "\"a\\u0026b\""),
            ("\"a\u{202e}b\"", "\"a\\u202eb\""),
        ];
        crate::testing::table(&cases, script_json);
        let back: String = serde_json::from_str(&script_json("\"<!-- & -->\"")).unwrap();
        assert_eq!(back, "<!-- & -->");
    }
}
