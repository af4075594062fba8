//! `kz schema`: the JSON Schema of fact files, for editors.

use crate::config::Ctx;
use std::io::Write;

/// Print the JSON Schema (draft-07) of a fact file.
///
/// Editors with a YAML language server validate and complete fact files against it. Every
/// shipped file names the committed copy, schema/facts.schema.json, on its first line:
/// `# yaml-language-server: $schema=../schema/facts.schema.json`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kz schema > facts.schema.json\n  kz schema | jq '.definitions | keys'"
)]
pub struct Args {}

pub fn run(_args: &Args, _ctx: &Ctx, out: &mut dyn Write) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &crate::load::schema())?;
    out.write_all(b"\n")?;
    Ok(())
}
