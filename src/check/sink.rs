//! Where the passes put their problems: located diagnostics, up to the report cap, and a count
//! of the rest.

use super::want::Want;
use crate::diag::{Code, Diagnostic, SHOWN};
use crate::load::{At, Index, Seg};
use crate::text::article;
use std::collections::HashMap;

/// Collects the diagnostics of one check of a base. It is the only place that applies the cap:
/// past [`SHOWN`] problems are counted, not located, so a file of a hundred thousand broken
/// records is checked in bounded time.
pub(super) struct Sink<'i> {
    pub(super) index: &'i Index,
    pub(super) diags: Vec<Diagnostic>,
    /// Problems found after [`SHOWN`] were: counted, not located.
    pub(super) unshown: usize,
    broken: &'i Broken,
    /// References to unknown ids, given a did-you-mean once the base is converted: the
    /// diagnostic's index, the id, and what it should have named.
    pub(super) unknown: Vec<(usize, String, Want)>,
}

/// Fields the parse could not read (a wrong type), by record, as paths (`roles[0].title`):
/// already reported, so neither they nor anything inside them is reported as missing. Apart
/// from the sink, so that a pass that only reads it (the verbatim claims) can run beside one
/// that reports.
#[derive(Default)]
pub(super) struct Broken(HashMap<At, Vec<String>>);

impl Broken {
    pub(super) fn of(broken: impl IntoIterator<Item = (At, String)>) -> Broken {
        let mut by_record: HashMap<At, Vec<String>> = HashMap::new();
        for (at, path) in broken {
            by_record.entry(at).or_default().push(path);
        }
        Broken(by_record)
    }

    /// Whether the field at `path` is, or is inside, a field the parse could not read.
    pub(super) fn contains(&self, at: At, path: &[Seg]) -> bool {
        let Some(broken) = self.0.get(&at) else {
            return false;
        };
        let path = path_text(path);
        broken.iter().any(|b| {
            path.strip_prefix(b.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
        })
    }
}

impl<'i> Sink<'i> {
    pub(super) fn new(index: &'i Index, broken: &'i Broken) -> Sink<'i> {
        Sink {
            index,
            diags: Vec::new(),
            unshown: 0,
            broken,
            unknown: Vec::new(),
        }
    }

    /// Whether another diagnostic may still be located and listed; counts it if not.
    pub(super) fn room(&mut self) -> bool {
        if self.diags.len() < SHOWN {
            true
        } else {
            self.unshown += 1;
            false
        }
    }

    /// Reports a problem at `path` inside the record at `at`. Returns the diagnostic's index,
    /// or `None` when it was only counted.
    pub(super) fn report(
        &mut self,
        code: Code,
        at: At,
        path: &[Seg],
        message: String,
        help: Option<String>,
    ) -> Option<usize> {
        self.report_with(code, at, path, help, |_| message)
    }

    /// [`Sink::report`] with a message worked out only if the problem is to be shown.
    fn report_with(
        &mut self,
        code: Code,
        at: At,
        path: &[Seg],
        help: Option<String>,
        message: impl FnOnce(&Self) -> String,
    ) -> Option<usize> {
        if !self.room() {
            return None;
        }
        let message = message(self);
        let pos = self.index.locate(at, path);
        let file = &self.index.files[at.file as usize];
        let (line, column) = file.clamp(pos.line, pos.column);
        let mut d = Diagnostic::at(code, &file.display, line, column, message)
            .with_line(file.line_text(line).unwrap_or_default().to_string());
        if let Some(help) = help {
            d = d.with_help(help);
        }
        self.diags.push(d);
        Some(self.diags.len() - 1)
    }

    /// Reports a required field that is absent, null or empty, saying which it is, unless the
    /// parse already reported the field as unreadable.
    pub(super) fn missing(&mut self, at: At, path: &[Seg], what: &str, help: Option<String>) {
        if self.is_broken(at, path) {
            return;
        }
        let field = match path.last() {
            Some(Seg::Key(k)) => *k,
            _ => "value",
        };
        self.report_with(Code::Missing, at, path, help, |sink| {
            if sink.index.locate(at, path).found {
                format!("`{field}` is empty: {} needs one", article(what))
            } else {
                format!("this {what} has no `{field}`, which is required")
            }
        });
    }

    /// An empty sink on the same base, for a part of a pass run in parallel: it reports up to
    /// the cap on its own, and [`Sink::absorb`] takes its problems back in order.
    pub(super) fn fork(&self) -> Sink<'i> {
        Sink::new(self.index, self.broken)
    }

    /// Takes a fork's problems after this sink's own, as if they had been reported here: those
    /// past the cap are counted, and an unknown id keeps its diagnostic only if it is shown.
    pub(super) fn absorb(&mut self, fork: Sink<'i>) {
        let mut kept = Vec::with_capacity(fork.diags.len());
        for diag in fork.diags {
            kept.push(self.room().then(|| {
                self.diags.push(diag);
                self.diags.len() - 1
            }));
        }
        self.unshown += fork.unshown;
        for (d, id, want) in fork.unknown {
            if let Some(&Some(now)) = kept.get(d) {
                self.unknown.push((now, id, want));
            }
        }
    }

    /// Whether the field at `path` is, or is inside, a field the parse could not read.
    pub(super) fn is_broken(&self, at: At, path: &[Seg]) -> bool {
        self.broken.contains(at, path)
    }

    /// `file:line` of a record, for messages that point at another record.
    pub(super) fn where_is(&self, at: At) -> String {
        format!(
            "{}:{}",
            self.index.files[at.file as usize].display,
            self.index.record_line(at)
        )
    }
}

/// A path as the parse names fields: `roles[0].title`.
pub(crate) fn path_text(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) | Seg::Repeated(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_like_the_parse_names_them() {
        let cases: &[(&[Seg], &str)] = &[
            (&[Seg::Key("id")], "id"),
            (
                &[Seg::Key("roles"), Seg::Index(2), Seg::Key("org")],
                "roles[2].org",
            ),
            (&[], ""),
        ];
        crate::testing::table(cases, |path| path_text(path));
    }
}
