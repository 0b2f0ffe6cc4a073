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
//! here. Inside a floor, `no_import_cycle_between_modules` follows every `crate::`,
//! `super::` and `self::` path (use trees included) to the module file it names and
//! fails on any circle of modules; a parent and its own children are one room and may
//! name each other.

use std::collections::{BTreeMap, BTreeSet};
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

/// Every module of `src/` (file modules and folder modules), by path (`render::pages`),
/// with its file.
fn modules(src: &Path) -> BTreeMap<Vec<String>, std::path::PathBuf> {
    let mut found = BTreeMap::new();
    for entry in WalkDir::new(src) {
        let entry = entry.expect("walk src");
        let path = entry.path();
        let name = entry.file_name().to_string_lossy();
        if path.extension().is_none_or(|e| e != "rs") || name == "tests.rs" {
            continue;
        }
        let rel = path.strip_prefix(src).unwrap().with_extension("");
        let mut segs: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if segs.last().is_some_and(|s| s == "mod") {
            segs.pop();
        }
        if segs == ["lib"] || segs == ["main"] || segs == ["test_files"] {
            continue;
        }
        found.insert(segs, path.to_path_buf());
    }
    found
}

/// The paths a use tree or path expression starting at `text` names, as segments:
/// `a::{b, c::d}` gives `a::b` and `a::c::d`.
fn paths_at(text: &str) -> Vec<Vec<String>> {
    fn tree(chars: &[char], at: &mut usize, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
        let mut path = prefix;
        loop {
            while *at < chars.len() && chars[*at].is_whitespace() {
                *at += 1;
            }
            if *at < chars.len() && chars[*at] == '{' {
                *at += 1;
                loop {
                    tree(chars, at, path.clone(), out);
                    while *at < chars.len() && chars[*at].is_whitespace() {
                        *at += 1;
                    }
                    match chars.get(*at) {
                        Some(',') => *at += 1,
                        Some('}') => {
                            *at += 1;
                            return;
                        }
                        _ => return,
                    }
                    while *at < chars.len() && chars[*at].is_whitespace() {
                        *at += 1;
                    }
                    if chars.get(*at) == Some(&'}') {
                        *at += 1;
                        return;
                    }
                }
            }
            let start = *at;
            while *at < chars.len() && (chars[*at].is_ascii_alphanumeric() || chars[*at] == '_') {
                *at += 1;
            }
            if *at == start {
                break;
            }
            path.push(chars[start..*at].iter().collect());
            if chars.get(*at) == Some(&':') && chars.get(*at + 1) == Some(&':') {
                *at += 2;
            } else {
                break;
            }
        }
        out.push(path);
    }
    let chars: Vec<char> = text.chars().take(4000).collect();
    let mut out = Vec::new();
    tree(&chars, &mut 0, Vec::new(), &mut out);
    out
}

/// The modules `code` (of module `own`) names, resolved to the longest module path.
fn module_imports(
    code: &str,
    own: &[String],
    known: &BTreeMap<Vec<String>, std::path::PathBuf>,
) -> BTreeSet<Vec<String>> {
    let mut found = BTreeSet::new();
    for anchor in ["crate::", "super::", "self::"] {
        let mut rest = code;
        while let Some(at) = rest.find(anchor) {
            let before = rest[..at].chars().next_back();
            let after = &rest[at + anchor.len()..];
            rest = after;
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let base: Vec<String> = match anchor {
                "crate::" => Vec::new(),
                "self::" => own.to_vec(),
                _ => own[..own.len().saturating_sub(1)].to_vec(),
            };
            for tail in paths_at(after) {
                let mut full = base.clone();
                for seg in tail {
                    if seg == "super" {
                        full.pop();
                    } else {
                        full.push(seg);
                    }
                }
                let target = (1..=full.len())
                    .rev()
                    .map(|n| full[..n].to_vec())
                    .find(|p| known.contains_key(p));
                if let Some(target) = target {
                    found.insert(target);
                }
            }
        }
    }
    found
}

#[test]
fn no_import_cycle_between_modules() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let known = modules(&src);
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (module, file) in &known {
        let text = std::fs::read_to_string(file).unwrap();
        let targets = module_imports(&code_of(&text), module, &known)
            .into_iter()
            // A module and its own descendants (or ancestors) are one room.
            .filter(|t| !t.starts_with(module) && !module.starts_with(t))
            .collect();
        edges.insert(module.clone(), targets);
    }
    let cycles = strongly_connected(&edges);
    let shown: Vec<String> = cycles
        .iter()
        .map(|c| {
            c.iter()
                .map(|m| m.join("::"))
                .collect::<Vec<_>>()
                .join(" ⇄ ")
        })
        .collect();
    assert!(shown.is_empty(), "import cycles:\n{}", shown.join("\n"));
    assert!(known.len() > 50, "the walk found the modules of src/");
}

/// The groups of two or more modules that import each other round a circle (Tarjan).
fn strongly_connected(
    edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
) -> Vec<Vec<Vec<String>>> {
    struct Walk<'a> {
        edges: &'a BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        index: BTreeMap<&'a Vec<String>, (usize, usize)>,
        stack: Vec<&'a Vec<String>>,
        next: usize,
        found: Vec<Vec<Vec<String>>>,
    }
    impl<'a> Walk<'a> {
        fn visit(&mut self, v: &'a Vec<String>) {
            self.index.insert(v, (self.next, self.next));
            self.next += 1;
            self.stack.push(v);
            for w in self.edges.get(v).into_iter().flatten() {
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.index[w].1.min(self.index[v].1);
                    self.index.get_mut(v).unwrap().1 = low;
                } else if self.stack.contains(&w) {
                    let low = self.index[w].0.min(self.index[v].1);
                    self.index.get_mut(v).unwrap().1 = low;
                }
            }
            let (own, low) = self.index[v];
            if own == low {
                let mut group = Vec::new();
                while let Some(w) = self.stack.pop() {
                    group.push(w.clone());
                    if w == v {
                        break;
                    }
                }
                if group.len() > 1 {
                    self.found.push(group);
                }
            }
        }
    }
    let mut walk = Walk {
        edges,
        index: BTreeMap::new(),
        stack: Vec::new(),
        next: 0,
        found: Vec::new(),
    };
    for v in edges.keys() {
        if !walk.index.contains_key(v) {
            walk.visit(v);
        }
    }
    walk.found
}

#[test]
fn the_cycle_check_sees_use_trees_and_finds_a_circle() {
    let mut known = BTreeMap::new();
    for m in ["a", "a::b", "a::c", "d"] {
        let segs: Vec<String> = m.split("::").map(str::to_string).collect();
        known.insert(segs, std::path::PathBuf::new());
    }
    let own: Vec<String> = vec!["a".into(), "b".into()];
    let found = module_imports(
        "use super::{c::{X, Y}, Z};\nfn f() { crate::d::g() }\n",
        &own,
        &known,
    );
    let names: Vec<String> = found.iter().map(|m| m.join("::")).collect();
    assert_eq!(names, vec!["a", "a::c", "d"]);
    let edge = |a: &str, b: &str| (vec![a.to_string()], BTreeSet::from([vec![b.to_string()]]));
    let circle = BTreeMap::from([edge("x", "y"), edge("y", "z"), edge("z", "x")]);
    assert_eq!(strongly_connected(&circle).len(), 1);
    let line = BTreeMap::from([edge("x", "y"), edge("y", "z"), edge("z", "w")]);
    assert!(strongly_connected(&line).is_empty());
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
