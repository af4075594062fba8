//! What the pictures share: their font, how wide a text is reckoned to be, word wrapping, and
//! the document every picture starts from.
//!
//! No font is measured: a text is reckoned at [`EM`] of its font size per character (twice that
//! for a wide character), which is wider than the average letter of the sans-serif fonts a
//! browser picks, so a label laid out by this reckoning stays inside the box drawn for it.

use svg::Document;
use svg::node::element::{Rectangle, Title};
use unicode_width::UnicodeWidthChar;

/// The font every picture asks for.
pub const FONT: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif";

/// How wide a character is reckoned, as a share of the font size.
pub const EM: f64 = 0.6;

/// How many character widths a text takes: one per character, two for a wide one (CJK).
pub fn units(text: &str) -> usize {
    text.chars()
        .map(|c| if c.width() == Some(2) { 2 } else { 1 })
        .sum()
}

/// How wide a text is reckoned to be at a font size, in pixels.
pub fn width(text: &str, size: f64) -> f64 {
    units(text) as f64 * EM * size
}

/// How many character widths fit in `px` at a font size.
pub fn fit(px: f64, size: f64) -> usize {
    (px / (EM * size)).floor().max(1.0) as usize
}

/// Breaks a text into lines of at most `max` character widths, at spaces where it can (a word
/// longer than a line is cut), and at most `lines` lines: the last line of a text that does not
/// fit ends with an ellipsis. White space runs count as one space.
pub fn wrap(text: &str, max: usize, lines: usize) -> Vec<String> {
    let max = max.max(2);
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut words = text.split_whitespace().peekable();
    let mut cut = false;
    'words: for word in words.by_ref() {
        let mut word = word.to_string();
        loop {
            let room = max - units(&line).min(max);
            let need = units(&word) + usize::from(!line.is_empty());
            if need <= room {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(&word);
                break;
            }
            if !line.is_empty() {
                if out.len() + 1 == lines {
                    cut = true;
                    break 'words;
                }
                out.push(std::mem::take(&mut line));
                continue;
            }
            // A word longer than a whole line: cut it.
            let (head, tail) = split_at_units(&word, max);
            if out.len() + 1 == lines {
                line = head;
                cut = true;
                break 'words;
            }
            out.push(head);
            word = tail;
        }
    }
    if words.peek().is_some() {
        cut = true;
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    if cut && let Some(last) = out.last_mut() {
        while units(last) + 1 > max {
            last.pop();
        }
        let trimmed = last.trim_end().len();
        last.truncate(trimmed);
        last.push('…');
    }
    out
}

/// Like [`wrap`], but with lines of about even length: as short as they can be without taking
/// more lines than `max` would, so a last line is not one word left over.
pub fn wrap_even(text: &str, max: usize, lines: usize) -> Vec<String> {
    let widest = wrap(text, max, lines);
    if widest.len() < 2 || widest.last().is_some_and(|l| l.ends_with('…')) {
        return widest;
    }
    let n = widest.len();
    let mut width = units(text).div_ceil(n).min(max);
    loop {
        let even = wrap(text, width, lines);
        if (even.len() <= n && !even.last().is_some_and(|l| l.ends_with('…'))) || width >= max {
            return even;
        }
        width += 1;
    }
}

/// A word split where it reaches `max` character widths.
fn split_at_units(word: &str, max: usize) -> (String, String) {
    let mut used = 0;
    for (at, c) in word.char_indices() {
        used += units(c.encode_utf8(&mut [0; 4]));
        if used > max {
            return (word[..at].to_string(), word[at..].to_string());
        }
    }
    (word.to_string(), String::new())
}

/// The document of a picture: its size, its accessible title, the font, a white ground.
pub fn document(width: f64, height: f64, title: &str, font_size: f64) -> Document {
    let (w, h) = (width.ceil() as i64, height.ceil() as i64);
    Document::new()
        .set("viewBox", (0, 0, w, h))
        .set("width", w)
        .set("height", h)
        .set("role", "img")
        .set("font-family", FONT)
        .set("font-size", font_size)
        .add(Title::new(title.to_string()))
        .add(
            Rectangle::new()
                .set("width", "100%")
                .set("height", "100%")
                .set("fill", "#ffffff"),
        )
}

/// The picture's markup. The `svg` crate writes the text of an element on a line of its own;
/// here it sits right inside its tags, so the text is exactly what a label says.
pub fn finish(doc: Document) -> String {
    let raw = doc.to_string();
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw.as_str();
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find('>').map_or(rest.len(), |e| e + 1);
        let tag = &rest[..end];
        out.push_str(tag);
        rest = &rest[end..];
        let name = tag
            .trim_start_matches("</")
            .trim_start_matches('<')
            .split([' ', '>', '/'])
            .next()
            .unwrap_or_default();
        let opens = !tag.starts_with("</") && !tag.ends_with("/>");
        if opens && matches!(name, "text" | "title" | "tspan") {
            rest = rest.strip_prefix('\n').unwrap_or(rest);
            if let Some(close) = rest.find('<') {
                let body = &rest[..close];
                out.push_str(body.strip_suffix('\n').unwrap_or(body));
                rest = &rest[close..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A number written short for coordinates: at most two decimals, no trailing zeros.
pub fn num(x: f64) -> String {
    let s = format!("{:.2}", x);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping() {
        let cases = [
            (("a b c", 10, 3), vec!["a b c"]),
            (("alpha beta gamma", 10, 3), vec!["alpha beta", "gamma"]),
            (
                ("alpha beta gamma delta", 10, 2),
                vec!["alpha beta", "gamma…"],
            ),
            (("abcdefghijkl", 5, 3), vec!["abcde", "fghij", "kl"]),
            (("abcdefghijkl", 5, 2), vec!["abcde", "fghi…"]),
            (("", 5, 2), vec![""]),
            (("  spaced   out ", 20, 1), vec!["spaced out"]),
            (("東京都庁舎", 4, 3), vec!["東京", "都庁", "舎"]),
        ];
        for ((text, max, lines), want) in cases {
            let got = wrap(text, max, lines);
            assert_eq!(got, want, "{text:?} in {max} × {lines}");
            assert!(got.iter().all(|l| units(l) <= max), "{got:?}");
        }
    }

    #[test]
    fn even_wrapping_leaves_no_word_alone() {
        let text = "one two three four five six seven";
        assert_eq!(wrap(text, 30, 3), ["one two three four five six", "seven"]);
        assert_eq!(
            wrap_even(text, 30, 3),
            ["one two three four", "five six seven"]
        );
        assert_eq!(wrap_even("short", 30, 3), ["short"]);
    }

    #[test]
    fn widths_count_wide_characters_twice() {
        assert_eq!(units("abc"), 3);
        assert_eq!(units("東京"), 4);
        assert_eq!(width("abcd", 10.0), 24.0);
        assert_eq!(fit(24.0, 10.0), 4);
        assert_eq!(num(1.5), "1.5");
        assert_eq!(num(2.0), "2");
        assert_eq!(num(-0.001), "0");
    }

    #[test]
    fn text_sits_inside_its_tags() {
        use svg::node::element::Text;
        let doc = document(10.0, 10.0, "a & b", 12.0)
            .add(Text::new("one <two>").set("x", 1))
            .add(Text::new("").set("x", 2));
        let out = finish(doc);
        assert!(out.contains("<title>a &amp; b</title>"), "{out}");
        assert!(out.contains(">one &lt;two&gt;</text>"), "{out}");
        assert!(roxmltree::Document::parse(&out).is_ok(), "{out}");
    }
}
