//! Notes: each dispute between sources, reported where the declaration that gives a value the
//! record does not show writes the field, naming where every value is written. A note is not a
//! problem: `kz check` shows it and succeeds.

use super::resolve::Ids;
use crate::diag::Diagnostic;
use crate::load::{At, Index, Seg};
use crate::model::provenance::{self, Statement};
use crate::model::{Base, EntityRef, Rank};

/// A note for every dispute of the base, in base order.
pub(super) fn disputes(base: &Base, ids: &Ids, index: &Index) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for &r in &base.merged {
        let ats = ids.decl_ats(r);
        for dispute in provenance::disputes(base.get(r)) {
            let Some(other) = dispute.values.get(1) else {
                continue;
            };
            let where_is = |st: &Statement| -> Option<(At, String)> {
                let at = *ats.get(*st.decls.first()?)?;
                let pos = index.locate(at, &[Seg::Key(dispute.field.name)]);
                let file = &index.files[at.file as usize];
                Some((at, format!("{}:{}", file.display, pos.line)))
            };
            let values: Vec<String> = dispute
                .values
                .iter()
                .map(|v| {
                    let rank = match v.rank {
                        Rank::Normal => String::new(),
                        rank => format!(", {}", rank.name()),
                    };
                    let place = where_is(v).map(|(_, p)| p).unwrap_or_default();
                    format!(
                        "{} ({} at {place}{rank})",
                        value(base, v),
                        base.source_ids(&v.sources).join(", ")
                    )
                })
                .collect();
            let Some((at, _)) = where_is(other) else {
                continue;
            };
            let settled = match dispute.settled() {
                true => "ranks settle it: the first is shown",
                false => "the first is shown",
            };
            let record = base.get(r);
            let message = format!(
                "sources disagree on `{}` of {} `{}`: {}; {settled}",
                dispute.field.name,
                r.kind.name(),
                record.id(),
                values.join(" against ")
            );
            let pos = index.locate(at, &[Seg::Key(dispute.field.name)]);
            let file = &index.files[at.file as usize];
            let (line, column) = file.clamp(pos.line, pos.column);
            out.push(
                Diagnostic::note(&file.display, line, column, message)
                    .with_line(file.line_text(line).unwrap_or_default().to_string())
                    .with_help(
                        "a dispute is reporting, not an error: every value is kept; mark the \
                         declaration to show `rank: preferred`, or a corrected one \
                         `rank: deprecated`",
                    ),
            );
        }
    }
    out
}

/// A disputed value as a person reads it.
fn value(base: &Base, st: &Statement) -> String {
    use crate::model::fields::Item;
    match st.item {
        Item::Text(t) => t.to_string(),
        Item::Date(d) => d.to_string(),
        Item::Ref(x) => base.id(x).to_string(),
        Item::Role(role) => role.title.to_string(),
        Item::Member(m) => base.id(m.member).to_string(),
    }
}

impl Ids<'_> {
    /// Where each declaration of a merged record is written, in load order.
    pub(super) fn decl_ats(&self, r: EntityRef) -> Vec<At> {
        let slot = r.kind.slot();
        self.decl[slot]
            .iter()
            .zip(&self.decl_at[slot])
            .filter(|(idx, _)| **idx == Some(r.idx))
            .map(|(_, at)| *at)
            .collect()
    }
}
