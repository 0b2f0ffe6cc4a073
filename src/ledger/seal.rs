//! One seal: a month's published register frozen as `archive/YYYY-MM.json`, its SHA-256,
//! and the SHA-256 of the chain entry before it.
//!
//! The file is `{"sha256":"<64 hex>","seal":<body>}` and a newline, where `<body>` is the
//! compact JSON of [`SealBody`] and the digest is the SHA-256 of exactly those bytes. The
//! digest is checked over the bytes as stored, not over a re-serialisation, so changing
//! any byte of the body (even white space) is caught; the envelope around it is fixed, so
//! a changed byte there fails to read.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::hazard::YearMonth;

/// The site folder's ledger: seals are kept here, never deleted or rewritten.
pub const ARCHIVE_DIR: &str = "archive";
/// The chain summary in the output (`archive/chain.json`); derived, never in the site folder.
pub const CHAIN_FILE: &str = "chain.json";
/// The `format` of a seal body.
pub const FORMAT: &str = "gongkai-seal/1";

const PREFIX: &[u8] = b"{\"sha256\":\"";
const MIDDLE: &[u8] = b"\",\"seal\":";
const SUFFIX: &[u8] = b"}\n";

/// A correction recorded in a seal: a cell of a published month changed, with old and
/// new value computed by the tool and the approval from `content/corrections/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedCorrection {
    /// The month corrected, `YYYY-MM`.
    pub month: String,
    /// The hazard's 编号.
    pub id: String,
    /// The column's canonical header; empty for a hazard added or removed as a whole.
    pub column: String,
    /// The value published before (for a hazard added: empty).
    pub old: String,
    /// The value published now (for a hazard removed: empty).
    pub new: String,
    /// 更正原因
    pub reason: String,
    /// 更正日期, `YYYY-MM-DD`.
    pub date: String,
    /// 批准人
    pub approver: String,
}

/// What a seal says, in the order it is written. `R` is what stands for the rows: the
/// rows themselves when a seal is made (anything that serialises as a list of rows of
/// strings), and in a [`Seal`] their place in its bytes ([`RowsAt`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealBody<R = Vec<Vec<String>>> {
    /// [`FORMAT`].
    pub format: String,
    /// `YYYY-MM`
    pub month: String,
    /// 1 for the first seal of the month, 2 for the first re-issue after a correction, …
    pub version: u32,
    /// The position in the chain, from 1.
    pub seq: u32,
    /// The day it was sealed (the tool's today), `YYYY-MM-DD`.
    pub sealed_on: String,
    /// SHA-256 of the chain entry before this one; `None` for the first.
    pub previous: Option<String>,
    /// SHA-256 of this month's previous version; `None` for version 1.
    pub supersedes: Option<String>,
    /// The published columns, canonical headers.
    pub columns: Vec<String>,
    /// The register as the site shows it: one row per hazard, ordered by 编号.
    pub rows: R,
    /// The corrections that made this version differ from the one it supersedes (and
    /// corrections of quiet rewrites between months this month's content relies on).
    pub corrections: Vec<SealedCorrection>,
}

impl<R> SealBody<R> {
    /// The same body with `rows` standing for its rows.
    pub fn with_rows<S>(self, rows: S) -> SealBody<S> {
        SealBody {
            format: self.format,
            month: self.month,
            version: self.version,
            seq: self.seq,
            sealed_on: self.sealed_on,
            previous: self.previous,
            supersedes: self.supersedes,
            columns: self.columns,
            rows,
            corrections: self.corrections,
        }
    }
}

/// Where a seal's rows are in its bytes. The rows stay JSON until they are needed:
/// a month whose register serialises to exactly these bytes has not changed, and a
/// county's twelve seals hold 2.8 million cells that need never become strings.
pub type RowsAt = std::ops::Range<usize>;

/// A seal as stored: the body (its rows left in the bytes), its bytes and digest.
/// Cloning one is cheap: the bytes are shared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seal {
    pub body: SealBody<RowsAt>,
    /// Lower-case hex SHA-256 of the body bytes.
    pub sha256: String,
    /// The whole file.
    pub bytes: std::sync::Arc<[u8]>,
}

/// Why a seal file cannot be trusted. Messages are for staff and the public.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("不是 gongkai 的封存文件（开头或结尾被改动过）")]
    Envelope,
    #[error("校验值（SHA-256）与内容不符：文件内容在封存后被改动过")]
    Digest,
    #[error("内容无法读取（{0}）")]
    Body(String),
    #[error("文件名与内容不符：内容是 {month} 第 {version} 版")]
    Name { month: String, version: u32 },
}

impl Seal {
    /// Makes a seal from its body: serialises it and computes the digest.
    pub fn new<R: Serialize>(body: SealBody<R>) -> Seal {
        let json = serde_json::to_vec(&body).expect("a seal body serialises");
        let sha256 = hex(&Sha256::digest(&json));
        let mut bytes =
            Vec::with_capacity(PREFIX.len() + 64 + MIDDLE.len() + json.len() + SUFFIX.len());
        bytes.extend_from_slice(PREFIX);
        bytes.extend_from_slice(sha256.as_bytes());
        bytes.extend_from_slice(MIDDLE);
        bytes.extend_from_slice(&json);
        bytes.extend_from_slice(SUFFIX);
        // Read back, so a new seal is exactly what the next run will read.
        Seal::read(bytes).expect("a seal just made reads back")
    }

    /// Reads a seal file's bytes, checking the digest over the body bytes as stored and
    /// the shape of the rows (a list of rows of strings), without making strings of them.
    pub fn read(bytes: Vec<u8>) -> Result<Seal, SealError> {
        let stored = stored_digest(&bytes).ok_or(SealError::Envelope)?;
        let body_start = PREFIX.len() + 64 + MIDDLE.len();
        if bytes.len() < body_start + SUFFIX.len()
            || &bytes[PREFIX.len() + 64..body_start] != MIDDLE
            || !bytes.ends_with(SUFFIX)
        {
            return Err(SealError::Envelope);
        }
        let json = &bytes[body_start..bytes.len() - SUFFIX.len()];
        if hex(&Sha256::digest(json)) != stored {
            return Err(SealError::Digest);
        }
        let body: SealBody<&serde_json::value::RawValue> =
            serde_json::from_slice(json).map_err(|e| SealError::Body(e.to_string()))?;
        if body.format != FORMAT {
            return Err(SealError::Body(format!("未知格式 {}", body.format)));
        }
        let raw = body.rows.get();
        serde_json::from_str::<RowsShape>(raw).map_err(|e| SealError::Body(e.to_string()))?;
        // The raw value borrows from `json`: its place there is its place in the file.
        let start = body_start + (raw.as_ptr() as usize - json.as_ptr() as usize);
        let rows = start..start + raw.len();
        let sha256 = stored.to_string();
        let body = body.with_rows(rows);
        Ok(Seal {
            body,
            sha256,
            bytes: bytes.into(),
        })
    }

    /// The JSON of the rows, exactly as sealed.
    pub fn rows_json(&self) -> &[u8] {
        &self.bytes[self.body.rows.clone()]
    }

    /// The rows as strings (parsed from [`Seal::rows_json`]; read has checked their shape).
    pub fn rows(&self) -> Vec<Vec<String>> {
        serde_json::from_slice(self.rows_json()).unwrap_or_default()
    }

    /// The file name in `archive/`: `2026-05.json`, re-issues `2026-05.v2.json`.
    pub fn file_name(&self) -> String {
        file_name(&self.body.month, self.body.version)
    }

    /// The short fingerprint shown on the month page: the first 16 hex digits of the
    /// digest in groups of four (`3f2a 9c01 77de 0b45`), enough to note down and compare.
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.sha256)
    }

    /// The month sealed.
    pub fn month(&self) -> Option<YearMonth> {
        YearMonth::parse(&self.body.month)
    }
}

/// The digest a seal file claims for itself, read from its first bytes (without reading
/// or hashing the rest): `None` when the envelope is not there.
pub fn stored_digest(bytes: &[u8]) -> Option<&str> {
    let rest = bytes.strip_prefix(PREFIX)?;
    let digest = rest.get(..64)?;
    digest
        .iter()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
        .then(|| std::str::from_utf8(digest).expect("ascii"))
}

/// `2026-05.json` for version 1, `2026-05.v2.json` after.
pub fn file_name(month: &str, version: u32) -> String {
    if version <= 1 {
        format!("{month}.json")
    } else {
        format!("{month}.v{version}.json")
    }
}

/// The month and version a seal file name stands for.
pub fn parse_file_name(name: &str) -> Option<(YearMonth, u32)> {
    let stem = name.strip_suffix(".json")?;
    let (month, version) = match stem.split_once(".v") {
        Some((month, v)) => (month, v.parse::<u32>().ok().filter(|v| *v >= 2)?),
        None => (stem, 1),
    };
    Some((YearMonth::parse(month)?, version))
}

/// Short form of a digest (see [`Seal::fingerprint`]).
pub fn fingerprint(sha256: &str) -> String {
    let short = sha256.get(..16).unwrap_or(sha256);
    short
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Accepts a list of lists of strings and nothing else, keeping nothing (strings without
/// escapes are not even copied).
struct RowsShape;

impl<'de> Deserialize<'de> for RowsShape {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(Rows)
    }
}

struct Rows;
struct Row;
struct Text;

impl<'de> serde::de::Visitor<'de> for Rows {
    type Value = RowsShape;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of rows")
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<RowsShape, A::Error> {
        while seq.next_element_seed(Row)?.is_some() {}
        Ok(RowsShape)
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for Row {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Row {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a row: a list of strings")
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Text)?.is_some() {}
        Ok(())
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for Text {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_str(self)
    }
}

impl serde::de::Visitor<'_> for Text {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Writes a new seal into `archive/` so that it is never half written and never replaces
/// a file: the bytes go to a temp file which is synced, then linked to its name (linking
/// fails when the name exists, unlike a rename), then the folder is synced.
pub fn write_new(archive: &Path, seal: &Seal) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(archive)?;
    let path = archive.join(seal.file_name());
    let temp = archive.join(format!(".{}.tmp-{}", seal.file_name(), std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(&seal.bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::hard_link(&temp, &path).or_else(|err| {
            // Some file systems (FAT on a USB stick) have no hard links: fall back to a
            // rename after checking the name is free. A race between the check and the
            // rename needs two builds of one site at once, which the lock prevents.
            if path.exists() || err.kind() == std::io::ErrorKind::AlreadyExists {
                Err(std::io::Error::new(
                    std::io::ErrorKind::AlreadyExists,
                    format!("{} 已经存在，封存文件不能覆盖", path.display()),
                ))
            } else {
                std::fs::rename(&temp, &path)
            }
        })?;
        if let Ok(dir) = std::fs::File::open(archive) {
            let _ = dir.sync_all();
        }
        Ok(path.clone())
    })();
    let _ = std::fs::remove_file(&temp);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn body(month: &str) -> SealBody {
        SealBody {
            format: FORMAT.to_string(),
            month: month.to_string(),
            version: 1,
            seq: 1,
            sealed_on: "2026-05-25".to_string(),
            previous: None,
            supersedes: None,
            columns: vec!["编号".into(), "隐患名称".into()],
            rows: vec![vec!["A-1".into(), "液氨储罐未设置泄漏报警".into()]],
            corrections: Vec::new(),
        }
    }

    #[test]
    fn a_seal_reads_back_and_any_changed_byte_is_caught() {
        let seal = Seal::new(body("2026-05"));
        assert_eq!(Seal::read(seal.bytes.to_vec()).unwrap(), seal);
        assert_eq!(seal.rows(), body("2026-05").rows);
        assert_eq!(stored_digest(&seal.bytes), Some(seal.sha256.as_str()));
        for i in 0..seal.bytes.len() {
            let mut bytes = seal.bytes.to_vec();
            bytes[i] ^= 0x01;
            assert!(Seal::read(bytes).is_err(), "byte {i} changed unnoticed");
        }
    }

    #[test]
    fn rows_that_are_not_lists_of_strings_are_refused_even_with_a_right_digest() {
        for rows in [
            serde_json::json!([["A-1", 5]]),
            serde_json::json!(["A-1"]),
            serde_json::json!({"A-1": []}),
            serde_json::json!([["A-1", null]]),
        ] {
            let crafted = body("2026-05").with_rows(rows.clone());
            let json = serde_json::to_vec(&crafted).unwrap();
            let mut bytes = PREFIX.to_vec();
            bytes.extend_from_slice(hex(&Sha256::digest(&json)).as_bytes());
            bytes.extend_from_slice(MIDDLE);
            bytes.extend_from_slice(&json);
            bytes.extend_from_slice(SUFFIX);
            assert!(
                matches!(Seal::read(bytes), Err(SealError::Body(_))),
                "{rows} accepted"
            );
        }
    }

    #[test]
    fn the_rows_json_is_the_rows_as_sealed() {
        let mut b = body("2026-05");
        b.rows
            .push(vec!["A-2".into(), "引号\"与\\反斜杠\n换行".into()]);
        let want = serde_json::to_vec(&b.rows).unwrap();
        let seal = Seal::new(b.clone());
        assert_eq!(seal.rows_json(), want.as_slice());
        assert_eq!(seal.rows(), b.rows);
    }

    #[test]
    fn file_names_and_fingerprints() {
        assert_eq!(file_name("2026-05", 1), "2026-05.json");
        assert_eq!(file_name("2026-05", 3), "2026-05.v3.json");
        let may = YearMonth::new(2026, 5).unwrap();
        assert_eq!(parse_file_name("2026-05.json"), Some((may, 1)));
        assert_eq!(parse_file_name("2026-05.v3.json"), Some((may, 3)));
        assert_eq!(parse_file_name("2026-05.v1.json"), None);
        assert_eq!(parse_file_name("chain.json"), None);
        assert_eq!(
            fingerprint(&"0123456789abcdef".repeat(4)),
            "0123 4567 89ab cdef"
        );
    }

    #[test]
    fn a_seal_is_written_once_and_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let seal = Seal::new(body("2026-05"));
        let path = write_new(dir.path(), &seal).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), *seal.bytes);
        let mut other = body("2026-05");
        other.sealed_on = "2026-06-01".into();
        let err = write_new(dir.path(), &Seal::new(other)).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&path).unwrap(), *seal.bytes, "unchanged");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temp file left");
    }
}
