//! Salvage: what can still be read of a record that failed to deserialise. The field at fault is
//! set aside and the rest read again, so that one unknown or mistyped field does not hide the
//! record's other problems (a dangling reference, a bad date) until the next run.

use serde::de::DeserializeOwned;
use serde_yaml::Value;

/// At most this many fields are set aside before a record is given up as unreadable.
const MAX_PROBLEMS: usize = 64;

/// One step of a path into a record, as the parse named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Step {
    Key(String),
    Index(usize),
}

/// A field set aside: where it is and what was wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Problem {
    pub(super) path: Vec<Step>,
    pub(super) message: String,
}

impl Problem {
    /// The path as serde_yaml writes it in messages (`.roles[1].title`).
    pub(super) fn path_text(&self) -> String {
        let mut out = String::new();
        for step in &self.path {
            match step {
                Step::Key(k) => {
                    out.push('.');
                    out.push_str(k);
                }
                Step::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }
}

/// The record read from one list item (`- id: ...`) without the fields at fault, and every
/// problem found on the way, in the order met. `None` when the item is not a mapping, or too
/// broken to be worth reading.
pub(super) fn salvage<T: DeserializeOwned>(item: &str) -> Option<(T, Vec<Problem>)> {
    let mut items: Vec<Value> = serde_yaml::from_str(item).ok()?;
    if items.len() != 1 || !items[0].is_mapping() {
        return None;
    }
    let mut value = items.pop()?;
    let mut problems: Vec<Problem> = Vec::new();
    // The list item last emptied, while it is not yet known whether emptying it was enough.
    let mut emptied: Option<Vec<Step>> = None;
    // The list items taken out, in the order taken, each as a path at the time.
    let mut removed: Vec<Vec<Step>> = Vec::new();
    for _ in 0..MAX_PROBLEMS {
        let err = match serde_path_to_error::deserialize::<_, T>(value.clone()) {
            Ok(record) => return Some((record, problems)),
            Err(err) => err,
        };
        let path = steps(err.path())?;
        if emptied.take().is_some_and(|e| e == path) {
            // Emptying it was not enough: take it out. Its problem is already recorded; the
            // next item now has its place, and a fault there is a problem of its own.
            if !remove(&mut value, &path) {
                return None;
            }
            removed.push(path);
            continue;
        }
        if !set_aside(&mut value, &path) {
            return None;
        }
        if matches!(path.last(), Some(Step::Index(_))) {
            emptied = Some(path.clone());
        }
        problems.push(Problem {
            path: as_written(path, &removed),
            message: err.into_inner().to_string(),
        });
    }
    None
}

/// A path into the record as it is now, as a path into the record as written: each list item
/// taken out before moved the items after it up one place.
fn as_written(mut path: Vec<Step>, removed: &[Vec<Step>]) -> Vec<Step> {
    for gone in removed.iter().rev() {
        let Some((Step::Index(at), parent)) = gone.split_last() else {
            continue;
        };
        if path.len() > parent.len()
            && path[..parent.len()] == *parent
            && let Step::Index(i) = &mut path[parent.len()]
            && *i >= *at
        {
            *i += 1;
        }
    }
    path
}

fn steps(path: &serde_path_to_error::Path) -> Option<Vec<Step>> {
    use serde_path_to_error::Segment;
    let mut out = Vec::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out.push(Step::Index(*index)),
            Segment::Map { key } => out.push(Step::Key(key.clone())),
            Segment::Enum { .. } | Segment::Unknown => return None,
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The node that holds the last step of `path`.
fn parent<'v>(value: &'v mut Value, path: &[Step]) -> Option<&'v mut Value> {
    let mut node = value;
    for step in &path[..path.len().checked_sub(1)?] {
        node = match step {
            Step::Key(k) => node.get_mut(k.as_str())?,
            Step::Index(i) => node.get_mut(*i)?,
        };
    }
    Some(node)
}

/// Sets a field aside: a mapping key is removed; a list item becomes an empty mapping, so the
/// items after it keep their places (and a role or membership with no fields is reported as
/// such, not silently dropped).
fn set_aside(value: &mut Value, path: &[Step]) -> bool {
    match (parent(value, path), path.last()) {
        (Some(Value::Mapping(m)), Some(Step::Key(k))) => m.remove(k.as_str()).is_some(),
        (Some(Value::Sequence(s)), Some(Step::Index(i))) if *i < s.len() => {
            s[*i] = Value::Mapping(Default::default());
            true
        }
        _ => false,
    }
}

fn remove(value: &mut Value, path: &[Step]) -> bool {
    match (parent(value, path), path.last()) {
        (Some(Value::Mapping(m)), Some(Step::Key(k))) => m.remove(k.as_str()).is_some(),
        (Some(Value::Sequence(s)), Some(Step::Index(i))) if *i < s.len() => {
            s.remove(*i);
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{RawActor, RawQuote};

    fn paths<T: DeserializeOwned>(item: &str) -> Option<Vec<String>> {
        salvage::<T>(item).map(|(_, p)| p.iter().map(Problem::path_text).collect())
    }

    #[test]
    fn every_field_at_fault_is_found_and_the_rest_read() {
        let item = "- id: ada\n  name: [Ada]\n  birthday: 1990\n  roles:\n    - title: x\n      orgg: y\n    - 42\n  nationality: testland\n";
        assert_eq!(
            paths::<RawActor>(item),
            Some(vec![
                ".name".to_string(),
                ".birthday".to_string(),
                ".roles[0].orgg".to_string(),
                ".roles[1]".to_string(),
            ])
        );
        let (actor, _) = salvage::<RawActor>(item).unwrap();
        assert_eq!(actor.id.as_deref(), Some("ada"));
        assert_eq!(actor.nationality.as_deref(), Some("testland"));
        assert_eq!(actor.roles.len(), 2, "the bad role keeps its place");
        let quote = "- id: q\n  speaker: {a: b}\n  text: hi\n  about: [x, [y]]\n";
        assert_eq!(
            paths::<RawQuote>(quote),
            Some(vec![".speaker".to_string(), ".about[1]".to_string()])
        );
        // Two items in a row that emptying cannot mend: each is a problem at its own place.
        let quote = "- id: q\n  text: hi\n  about: [x, [y], [z], w]\n";
        assert_eq!(
            paths::<RawQuote>(quote),
            Some(vec![".about[1]".to_string(), ".about[2]".to_string()])
        );
        assert_eq!(paths::<RawQuote>("- just text\n"), None);
        assert_eq!(paths::<RawQuote>("- [a, b]\n"), None);
    }
}
