//! Disputes across the base: every fact on which the declarations of one record disagree, with
//! every value, its sources and where each is written. `kz disputes` lists them and `kz check`
//! reports each as a note.

use crate::model::provenance::{self, Dispute};
use crate::model::{Base, EntityRef, Origin};

/// One dispute of one record.
#[derive(Debug, Clone)]
pub struct Found<'b> {
    pub record: EntityRef,
    pub dispute: Dispute<'b>,
}

/// Every dispute in the base, record by record in base order, each value the shown one first.
pub fn all(base: &Base) -> Vec<Found<'_>> {
    base.merged
        .iter()
        .flat_map(|&r| {
            provenance::disputes(base.get(r))
                .into_iter()
                .map(move |dispute| Found { record: r, dispute })
        })
        .collect()
}

/// Where each declaration of a record is written, by its place among the record's
/// declarations.
pub fn origins(base: &Base, r: EntityRef) -> Vec<Origin> {
    base.get(r)
        .declarations()
        .into_iter()
        .map(|d| d.meta().map(|m| m.origin).unwrap_or_default())
        .collect()
}
