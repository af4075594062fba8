//! What a reference may name: the kinds an id in a field must be of.

use crate::model::Kind;

/// Which kinds a reference may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Want {
    One(Kind),
    /// People, organisations and places: anything that can be a member, or take part in an
    /// event (a country acts; an event, a quote or a source does not).
    Party,
    /// People and organisations: anything that can say something.
    Speaker,
    Any,
}

impl Want {
    pub(super) fn accepts(self, kind: Kind) -> bool {
        match self {
            Want::One(k) => k == kind,
            Want::Party => matches!(kind, Kind::Actor | Kind::Organisation | Kind::Place),
            Want::Speaker => matches!(kind, Kind::Actor | Kind::Organisation),
            Want::Any => true,
        }
    }

    /// What the reference must name, without an article: `actor or organisation`.
    pub(super) fn noun(self) -> &'static str {
        match self {
            Want::One(k) => k.name(),
            Want::Party => "actor, organisation or place",
            Want::Speaker => "actor or organisation",
            Want::Any => "record",
        }
    }
}
