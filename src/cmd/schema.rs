//! `kz schema`: the JSON Schema of fact files, for editors.

use super::{Cx, Needs, Run};

/// Print the JSON Schema (draft-07) of a fact file.
///
/// Editors with a YAML language server validate and complete fact files against it. Every
/// shipped file names the committed copy, schema/facts.schema.json, on its first line:
/// `# yaml-language-server: $schema=../schema/facts.schema.json`. The schema flags what `kz
/// check` flags within one file: required fields, ids, dates and closed vocabularies.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kz schema > facts.schema.json\n  kz schema | jq '.definitions | keys'"
)]
pub struct Args {}

impl Run for Args {
    fn formats(&self) -> super::Formats {
        super::Formats::None("it writes the JSON Schema")
    }

    fn needs(&self) -> Needs {
        Needs::Nothing
    }

    fn run(&self, cx: &mut Cx<'_>) -> Result<(), crate::Error> {
        serde_json::to_writer_pretty(&mut *cx.out, &crate::load::schema())?;
        cx.out.write_all(b"\n")?;
        Ok(())
    }
}
