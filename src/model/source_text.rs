//! A source's full text as `kz check` read it: where it was found, the hash of its bytes, and,
//! in the run that checked it, the text itself. The site marks cited sentences in these very
//! bytes, so a file changed or a link flipped after the check cannot put anything else on a page.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// Where a source's text was found when the base was checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TextAt {
    /// A file on disk: `path`, beneath the folder `dir` (as resolved then), read without
    /// leaving that folder.
    Disk { dir: PathBuf, path: PathBuf },
    /// A file built into kz, by its path below the repository root.
    Builtin(String),
}

/// A source's text as checked.
#[derive(Clone, Serialize, Deserialize)]
pub struct CheckedText {
    pub at: TextAt,
    /// xxh3-128 of the bytes the check read.
    pub hash: u128,
    /// The text, when this run read it; a base read from a snapshot reads it again, through
    /// the same confined reader, and uses it only if its bytes have this hash.
    #[serde(skip)]
    pub text: OnceLock<Arc<str>>,
}

impl CheckedText {
    /// A text as the check read it.
    pub fn read(at: TextAt, hash: u128, text: Arc<str>) -> CheckedText {
        CheckedText {
            at,
            hash,
            text: OnceLock::from(text),
        }
    }
}

impl PartialEq for CheckedText {
    /// The same file with the same bytes, whether or not either holds them now.
    fn eq(&self, other: &CheckedText) -> bool {
        self.at == other.at && self.hash == other.hash
    }
}

impl std::fmt::Debug for CheckedText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckedText")
            .field("at", &self.at)
            .field("hash", &format_args!("{:032x}", self.hash))
            .field("held", &self.text.get().is_some())
            .finish()
    }
}
