//! What `kinescope lessons check` and `kinescope quiz check` share for people writing lessons and
//! questions: the Markdown files of a directory in place of the built-in ones, and scenarios from
//! a directory before the shipped ones.

use kinescope_core::learn::catalog;
use kinescope_core::sim::scenario::Scenario;
use std::path::Path;

/// The files to check, by name: `dir`'s *.md files in name order, or the built-in `shipped`.
pub fn sources(
    dir: Option<&Path>,
    shipped: &[(&str, &str)],
) -> Result<Vec<(String, String)>, String> {
    let Some(dir) = dir else {
        return Ok(shipped
            .iter()
            .map(|(name, text)| (name.to_string(), text.to_string()))
            .collect());
    };
    let read = || -> std::io::Result<Vec<(String, String)>> {
        let mut sources = Vec::new();
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "md") {
                let name = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                sources.push((name, std::fs::read_to_string(&path)?));
            }
        }
        sources.sort();
        Ok(sources)
    };
    read().map_err(|e| format!("{}: {e}", dir.display()))
}

/// The scenario `name`: `dir`/NAME.json when there is one, else the shipped one.
pub fn scenario(name: &str, dir: Option<&Path>) -> Result<Scenario, String> {
    let file = dir.map(|d| d.join(format!("{name}.json")));
    match file.filter(|f| f.exists()) {
        Some(file) => std::fs::read_to_string(&file)
            .map_err(|e| format!("{}: {e}", file.display()))
            .and_then(|text| {
                Scenario::from_json(&text).map_err(|e| format!("{}: {e}", file.display()))
            }),
        None => catalog::scenario(name),
    }
}
