//! The house's floor plan, held against the code: no module imports a module of a later
//! stage. The stages run load → check → model → render → write; below them stand the
//! diagnostics room (`diag`), the clock (`today`), the register's vocabulary (`hazard`),
//! output paths and links (`urls`), the register's schema (`schema`), the settings
//! (`config`) and notice attachments (`attach`, which loading resolves); the sealed months (`ledger`)
//! judge the loaded registers against the archive beside the rules; the leak scan
//! (`scan`) reads what `render` made; `pipeline` strings the stages together; `serve`,
//! `cmd` and `desktop` (the double-click menu) are the front ends.
//!
//! The test reads every source file under `src/` (test modules left out: a `tests.rs`
//! file, or a `#[cfg(test)] mod …` block) and checks that each `crate::X` it names is on
//! a lower floor than its own module. A new top-level module must be given its floor
//! here. Cycles inside a module are checked in CI by `cargo modules dependencies
//! --acyclic` (see `.ci/run`).

use std::collections::BTreeSet;
use std::path::Path;

use walkdir::WalkDir;

/// The floors, lowest first. A module may import only modules listed before it.
const FLOORS: &[&str] = &[
    "diag", "today", "hazard", "urls", "schema", "config", "attach", "load", "calendar", "check",
    "ledger", "model", "render", "scan", "write", "template", "pipeline", "serve", "cmd",
    "desktop",
];

/// Files that are not rooms of a stage: the crate roots and test helpers.
const NOT_ROOMS: &[&str] = &["lib.rs", "main.rs", "test_files.rs"];

/// The code of a file without comments and without its test module.
fn code_of(text: &str) -> String {
    let mut code = String::with_capacity(text.len());
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]") {
            let declared = if trimmed.contains("mod ") {
                trimmed
            } else {
                lines.peek().map_or("", |l| l.trim_start())
            };
            if declared.starts_with("mod ") || declared.contains(" mod ") {
                if declared.trim_end().ends_with(';') {
                    // `mod tests;`: the test file is skipped by name; read on.
                    if declared != trimmed {
                        lines.next();
                    }
                    continue;
                }
                // An inline test module runs to the end of the file (house style).
                break;
            }
        }
        let line = match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        };
        code.push_str(line);
        code.push('\n');
    }
    code
}

/// The top-level modules `code` names as `crate::X`.
fn imports(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        let name: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            found.insert(name);
        }
        rest = after;
    }
    found
}

#[test]
fn no_module_imports_a_later_stage() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let floor = |module: &str| FLOORS.iter().position(|f| *f == module);
    let mut wrong = Vec::new();
    let mut rooms = BTreeSet::new();
    for entry in WalkDir::new(&src) {
        let entry = entry.expect("walk src");
        let path = entry.path();
        let name = entry.file_name().to_string_lossy();
        if path.extension().is_none_or(|e| e != "rs") || name == "tests.rs" {
            continue;
        }
        let rel = path.strip_prefix(&src).unwrap();
        if rel.components().count() == 1 && NOT_ROOMS.contains(&name.as_ref()) {
            continue;
        }
        let module = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        let Some(own) = floor(&module) else {
            wrong.push(format!(
                "{}: module `{module}` has no floor in FLOORS",
                rel.display()
            ));
            continue;
        };
        rooms.insert(module.clone());
        let text = std::fs::read_to_string(path).unwrap();
        for import in imports(&code_of(&text)) {
            if import == module {
                continue;
            }
            match floor(&import) {
                Some(theirs) if theirs < own => {}
                Some(_) => wrong.push(format!(
                    "{}: `{module}` imports `crate::{import}`, a later stage",
                    rel.display()
                )),
                None => wrong.push(format!(
                    "{}: `crate::{import}` has no floor in FLOORS",
                    rel.display()
                )),
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let listed: BTreeSet<String> = FLOORS.iter().map(|f| f.to_string()).collect();
    assert_eq!(rooms, listed, "FLOORS lists exactly the modules of src/");
}

#[test]
fn the_reader_sees_imports_and_skips_comments_and_tests() {
    let text = "use crate::diag::Finding;\n/// [`crate::render`]\n#[cfg(test)]\nmod tests_a;\nfn f() { crate::model::build(x) } // crate::write\n#[cfg(test)]\nmod tests {\n    use crate::pipeline;\n}\n";
    let found = imports(&code_of(text));
    assert_eq!(
        found.into_iter().collect::<Vec<_>>(),
        vec!["diag".to_string(), "model".to_string()]
    );
}
