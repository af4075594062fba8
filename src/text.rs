//! Small text helpers every layer shares: terminal-safe escaping, plurals and articles.

use std::borrow::Cow;

/// Control characters (C0, DEL, C1) and the bidirectional overrides that can disguise text.
pub fn is_unsafe_control(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

fn escape_char(c: char) -> String {
    match c {
        '\n' => "\\n".into(),
        '\t' => "\\t".into(),
        '\r' => "\\r".into(),
        c => c.escape_unicode().to_string(),
    }
}

/// Text made safe for a terminal: every control character is shown as an escape (`\u{1b}`).
pub fn escape_control(text: &str) -> Cow<'_, str> {
    escape_except(text, None)
}

/// Like [`escape_control`], but keeps newlines, which a table cell draws as line breaks.
pub fn escape_cell(text: &str) -> Cow<'_, str> {
    escape_except(text, Some('\n'))
}

fn escape_except(text: &str, keep: Option<char>) -> Cow<'_, str> {
    if !text
        .chars()
        .any(|c| is_unsafe_control(c) && Some(c) != keep)
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe_control(c) && Some(c) != keep {
            out.push_str(&escape_char(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `1 problem`, `3 problems`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// `a place`, `an actor`.
pub fn article(word: &str) -> String {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {word}")
    } else {
        format!("a {word}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_escapes() {
        let cases = [
            ("plain", "plain"),
            ("\u{1b}]0;pwned\u{7}", "\\u{1b}]0;pwned\\u{7}"),
            ("\u{1b}[31mred", "\\u{1b}[31mred"),
            ("tab\there", "tab\\there"),
            ("new\nline", "new\\nline"),
            ("\u{9b}csi", "\\u{9b}csi"),
            ("rtl\u{202e}txt", "rtl\\u{202e}txt"),
            ("Тоқаев", "Тоқаев"),
        ];
        crate::testing::table(&cases, escape_control);
        assert_eq!(escape_cell("a\nb\u{1b}"), "a\nb\\u{1b}");
    }

    #[test]
    fn plurals_and_articles() {
        let cases = [
            (plural(1, "file"), "1 file"),
            (plural(0, "file"), "0 files"),
            (plural(2, "problem"), "2 problems"),
            (article("actor"), "an actor"),
            (article("place"), "a place"),
            (article("organisation"), "an organisation"),
        ];
        for (got, want) in cases {
            assert_eq!(got, want);
        }
    }
}
