//! The layers of the README's "Design" section hold: reading every `use crate::…`, `use super::…`
//! and inline `crate::a::b` path of `src/`, no module imports a layer above its own, and no
//! import cycle runs among any of the modules.

use crate::support::root;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The layer a file belongs to, by its path under `src/`.
fn layer(file: &str) -> &'static str {
    let top = file
        .split('/')
        .next()
        .unwrap_or(file)
        .trim_end_matches(".rs");
    match top {
        "diag" | "text" | "date" | "names" | "markup" | "sentences" | "handoff" => "leaves",
        "model" => "model",
        "render" => "render",
        "load" => "load",
        "check" => "check",
        "query" => "query",
        "open" => "open",
        "error" => "error",
        "context" => "context",
        "picture" => "picture",
        "site" => "site",
        "write" => "write",
        "draft" => "draft",
        _ => "command",
    }
}

/// What each layer may use besides itself. The command layer (`cli`, `cmd/`, `lib`, `main`) may
/// use anything. `picture`, `site` and `write` (the exports) see records through the model's
/// views and relations through `query`, and only the command layer uses them: the site gets
/// its pictures from the command that builds it.
fn allowed(from: &str) -> &'static [&'static str] {
    match from {
        "leaves" => &[],
        "model" | "render" => &["leaves"],
        "load" => &["leaves", "model"],
        "check" => &["leaves", "model", "load"],
        "query" => &["leaves", "model"],
        "open" => &["leaves", "model", "load", "check"],
        "error" => &["leaves", "query"],
        "context" => &["leaves", "render", "open"],
        "picture" | "site" | "write" | "draft" => &["leaves", "model", "query"],
        _ => &[
            "leaves", "model", "render", "load", "check", "query", "open", "error", "context",
            "picture", "site", "write", "draft",
        ],
    }
}

/// Every `.rs` file under `src/` (as a path like `query/find.rs`) with its text, tests removed.
fn sources() -> BTreeMap<String, String> {
    fn walk(dir: &Path, base: &Path, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, base, out);
            } else if path.extension().is_some_and(|x| x == "rs") {
                let rel = path
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                let text = std::fs::read_to_string(&path).unwrap();
                let text = text
                    .split("#[cfg(test)]")
                    .next()
                    .unwrap_or_default()
                    .to_string();
                out.insert(rel, text);
            }
        }
    }
    let mut out = BTreeMap::new();
    let src = root().join("src");
    walk(&src, &src, &mut out);
    out
}

/// The module path of a file: `query/find.rs` → [query, find]; `query/mod.rs` → [query].
fn module_of(file: &str) -> Vec<String> {
    let mut parts: Vec<String> = file
        .trim_end_matches(".rs")
        .split('/')
        .map(String::from)
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The file a module path lands in, trying the longest prefix first.
fn file_of(files: &BTreeMap<String, String>, path: &[String]) -> Option<String> {
    (1..=path.len()).rev().find_map(|n| {
        let base = path[..n].join("/");
        [format!("{base}.rs"), format!("{base}/mod.rs")]
            .into_iter()
            .find(|f| files.contains_key(f))
    })
}

/// Expands a use tree such as `a::{b, c::{d, e}}` into its paths.
fn expand(tree: &str) -> Vec<Vec<String>> {
    // `x as y` names x: drop each ` as y` before the spaces go.
    let mut plain = String::new();
    let mut rest = tree;
    while let Some(at) = rest.find(" as ") {
        plain.push_str(&rest[..at]);
        rest = rest[at + 4..].trim_start_matches(|c: char| c.is_alphanumeric() || c == '_');
    }
    plain.push_str(rest);
    let tree: String = plain.chars().filter(|c| !c.is_whitespace()).collect();
    let mut out = Vec::new();
    fn go(prefix: &[String], t: &str, out: &mut Vec<Vec<String>>) {
        if let Some(inner) = t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            let (mut depth, mut start) = (0, 0);
            for (i, c) in inner.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        go(prefix, &inner[start..i], out);
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            go(prefix, &inner[start..], out);
            return;
        }
        if t.is_empty() {
            return;
        }
        match t.split_once("::") {
            Some((head, rest)) => {
                let mut p = prefix.to_vec();
                p.push(head.to_string());
                go(&p, rest, out);
            }
            None => {
                let mut p = prefix.to_vec();
                p.push(t.to_string());
                out.push(p);
            }
        }
    }
    go(&[], &tree, &mut out);
    out
}

/// The files each file imports.
fn imports(files: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let mut edges = BTreeMap::new();
    for (file, text) in files {
        let text: String = text
            .lines()
            .map(|l| l.split("//").next().unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n");
        let me = module_of(file);
        let mut paths: Vec<Vec<String>> = Vec::new();
        for stmt in text.split(';') {
            let Some(at) = stmt.find("use ") else {
                continue;
            };
            let tree = stmt[at + 4..].trim();
            if tree.starts_with("crate::")
                || tree.starts_with("super::")
                || tree.starts_with("self::")
            {
                paths.extend(expand(tree));
            }
        }
        // Inline paths: `crate::a::b`, `super::a::b`, and a child module's `child::a` (which
        // also covers `use child::a`).
        let children: Vec<String> = text
            .split(';')
            .filter_map(|stmt| {
                let stmt = stmt.trim();
                let name = stmt
                    .strip_prefix("pub mod ")
                    .or_else(|| stmt.rsplit_once("\nmod ").map(|(_, n)| n))
                    .or_else(|| stmt.strip_prefix("mod "))?;
                let name = name.trim();
                name.chars()
                    .all(|c| c.is_alphanumeric() || c == '_')
                    .then(|| name.to_string())
            })
            .collect();
        let mut heads: Vec<(String, Vec<String>)> = vec![
            ("crate::".into(), vec!["crate".into()]),
            ("super::".into(), vec!["super".into()]),
        ];
        for child in &children {
            heads.push((format!("{child}::"), vec!["self".into(), child.clone()]));
        }
        for (head, prefix) in &heads {
            let mut from = 0;
            while let Some(found) = text[from..].find(head.as_str()) {
                let at = from + found;
                from = at + head.len();
                let before = text[..at].chars().next_back();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                    continue;
                }
                let rest: String = text[at + head.len()..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                    .collect();
                let mut path = prefix.clone();
                path.extend(rest.split("::").filter(|s| !s.is_empty()).map(String::from));
                paths.push(path);
            }
        }
        let mut targets = BTreeSet::new();
        for path in paths {
            let segs: Vec<String> = match path.first().map(String::as_str) {
                Some("crate") => path[1..].to_vec(),
                Some("super") => {
                    // The parent of the file's module: `super` in `a/b.rs` and in `a/mod.rs`
                    // alike is one module up.
                    let mut up = me.clone();
                    up.pop();
                    up.extend(path[1..].iter().cloned());
                    up
                }
                Some("self") => {
                    let mut here = me.clone();
                    here.extend(path[1..].iter().cloned());
                    here
                }
                _ => continue,
            };
            if let Some(target) = file_of(files, &segs)
                && target != *file
            {
                targets.insert(target);
            }
        }
        edges.insert(file.clone(), targets);
    }
    edges
}

#[test]
fn no_module_imports_a_layer_above_its_own() {
    let files = sources();
    let edges = imports(&files);
    assert!(edges.len() > 40, "only {} files read", edges.len());
    let mut wrong = Vec::new();
    for (from, targets) in &edges {
        let mine = layer(from);
        for to in targets {
            let theirs = layer(to);
            if theirs != mine && !allowed(mine).contains(&theirs) {
                wrong.push(format!("{from} ({mine}) uses {to} ({theirs})"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_import_cycle() {
    let files = sources();
    let edges = imports(&files);
    let below: BTreeSet<&String> = edges.keys().collect();
    // A cycle is a file that reaches itself through the files it imports.
    let mut cycles = Vec::new();
    for &start in &below {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&String> = edges[start].iter().filter(|t| below.contains(t)).collect();
        while let Some(f) = stack.pop() {
            if f == start {
                cycles.push(start.clone());
                break;
            }
            if seen.insert(f) {
                stack.extend(edges[f].iter().filter(|t| below.contains(t)));
            }
        }
    }
    assert!(cycles.is_empty(), "files on an import cycle: {cycles:?}");
}

#[test]
fn the_reader_sees_imports() {
    // The guard itself must see what it guards: known imports are found.
    let files = sources();
    let edges = imports(&files);
    let has = |from: &str, to: &str| edges.get(from).is_some_and(|t| t.contains(to));
    assert!(has("check/mod.rs", "load/mod.rs"));
    assert!(has("query/find.rs", "query/miss.rs"));
    assert!(has("diag.rs", "text.rs"));
    assert!(
        has("cmd/members.rs", "cmd/mod.rs"),
        "super:: from a command"
    );
    assert!(has("site/mod.rs", "site/index.rs"), "an inline child path");
    assert!(
        has("site/record.rs", "site/shared.rs"),
        "an inline super:: path"
    );
    assert_eq!(
        expand("crate::{a::{b, c}, d as e}"),
        [
            vec!["crate", "a", "b"],
            vec!["crate", "a", "c"],
            vec!["crate", "d"],
        ]
        .map(|v| v.into_iter().map(String::from).collect::<Vec<_>>())
    );
}
