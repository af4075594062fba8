//! The typed, checked, in-memory fact base: records with every reference resolved to an index,
//! and (in [`view`]) the one way each record is shown.

mod base;
pub mod fields;
pub mod index;
pub mod provenance;
mod records;
mod source_text;
pub mod table;
pub mod view;

pub use base::Base;
pub use fields::RecordRef;
pub use index::Indexes;
pub use records::*;
pub use source_text::{CheckedText, TextAt};
pub use table::Table;
