//! Helpers shared by the integration tests: fixture sites copied into temp dirs, edited,
//! and run through the real binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use walkdir::WalkDir;

/// The directory holding the fixture sites.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sites")
}

/// A copy of fixture site `name` in a fresh temp dir (the dir is deleted on drop).
pub struct TempSite {
    pub dir: tempfile::TempDir,
}

impl TempSite {
    /// Copies `tests/fixtures/sites/<name>` into a temp dir.
    pub fn copy_of(name: &str) -> TempSite {
        let dir = tempfile::tempdir().expect("temp dir");
        let from = fixtures().join(name);
        for entry in WalkDir::new(&from) {
            let entry = entry.expect("walk fixture");
            let rel = entry.path().strip_prefix(&from).unwrap();
            let to = dir.path().join(rel);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::copy(entry.path(), &to).unwrap();
            }
        }
        TempSite { dir }
    }

    /// The site root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// A path inside the site.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Replaces the first occurrence of `from` with `to` in a text file, keeping its
    /// encoding (UTF-8, UTF-8 with BOM or GBK). Panics when `from` is not there, so a
    /// test never silently edits nothing.
    pub fn edit(&self, rel: &str, from: &str, to: &str) {
        let path = self.path(rel);
        let bytes = std::fs::read(&path).unwrap();
        let (text, encoding) = decode(&bytes);
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        let text = text.replacen(from, to, 1);
        std::fs::write(&path, encode(&text, encoding)).unwrap();
    }

    /// Writes a file (UTF-8).
    pub fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

#[derive(Clone, Copy)]
pub enum Enc {
    Utf8,
    Utf8Bom,
    Gbk,
}

fn decode(bytes: &[u8]) -> (String, Enc) {
    if let Some(rest) = bytes.strip_prefix(b"\xef\xbb\xbf") {
        return (String::from_utf8(rest.to_vec()).unwrap(), Enc::Utf8Bom);
    }
    match String::from_utf8(bytes.to_vec()) {
        Ok(text) => (text, Enc::Utf8),
        Err(_) => {
            let (text, _, bad) = encoding_rs::GBK.decode(bytes);
            assert!(!bad, "fixture is neither UTF-8 nor GBK");
            (text.into_owned(), Enc::Gbk)
        }
    }
}

fn encode(text: &str, encoding: Enc) -> Vec<u8> {
    match encoding {
        Enc::Utf8 => text.as_bytes().to_vec(),
        Enc::Utf8Bom => [b"\xef\xbb\xbf".as_slice(), text.as_bytes()].concat(),
        Enc::Gbk => encoding_rs::GBK.encode(text).0.into_owned(),
    }
}

/// Fails with what the command printed unless it succeeded.
pub fn assert_success(out: &Output) {
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs the `gongkai` binary with `args`.
pub fn gongkai(args: &[&str]) -> Output {
    Command::cargo_bin("gongkai")
        .unwrap()
        .env("NO_COLOR", "1")
        // Output must not depend on the clock (missing months, 逾期 of task lists): the
        // fixtures' today is the `town` fixture's last due day; `--today` overrides it.
        .env("GONGKAI_TODAY", FIXTURE_TODAY)
        .args(args)
        .output()
        .expect("run gongkai")
}

/// The date the fixture runs take as today: the `town` fixture's latest month (2025-03)
/// is due that day.
pub const FIXTURE_TODAY: &str = "2025-03-25";

/// Runs the `gongkai` binary with `args`, taking `today` as today (`GONGKAI_TODAY`).
/// A build seals the months due by then into the site folder's `archive/`: tests that
/// build a checked-in fixture in place pass a day before its first month is due.
pub fn gongkai_on(today: &str, args: &[&str]) -> Output {
    Command::cargo_bin("gongkai")
        .unwrap()
        .env("NO_COLOR", "1")
        .env("GONGKAI_TODAY", today)
        .args(args)
        .output()
        .expect("run gongkai")
}

/// Runs `gongkai check --root ROOT --format json` and returns (exit code, report).
pub fn check_json(root: &Path) -> (i32, serde_json::Value) {
    let out = gongkai(&[
        "check",
        "--root",
        root.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "check --format json printed no JSON ({e}):\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), report)
}

/// The findings of a JSON report with the given code.
pub fn findings_with_code<'a>(
    report: &'a serde_json::Value,
    code: &str,
) -> Vec<&'a serde_json::Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == code)
        .collect()
}

/// All findings of a severity (`error`, `warning`, `note`).
pub fn findings_of<'a>(
    report: &'a serde_json::Value,
    severity: &str,
) -> Vec<&'a serde_json::Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == severity)
        .collect()
}

/// Every file under `dir`: relative path (`/`-separated on every platform) → bytes.
/// Two snapshots are equal when the folders hold the same files, byte for byte.
pub fn snapshot(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Every file under `dir` as `(relative path, lower-case hex SHA-256)`, sorted by path.
pub fn digests(dir: &Path) -> Vec<(String, String)> {
    use sha2::{Digest, Sha256};
    snapshot(dir)
        .into_iter()
        .map(|(rel, bytes)| {
            let hex = Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>();
            (rel, hex)
        })
        .collect()
}
