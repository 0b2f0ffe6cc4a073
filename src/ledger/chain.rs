//! The archive as a whole: every seal file of `archive/`, checked one by one and as a
//! hash chain, the chain summary (`archive/chain.json` of the output), and the rule that
//! an archive may only grow (compared with the previous output's copy).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::seal::{self, Seal, SealError, ARCHIVE_DIR, CHAIN_FILE};
use crate::hazard::YearMonth;

/// One thing wrong with an archive, with the file and month it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file, relative to the folder holding `archive/` (`archive/2026-06.json`).
    pub file: PathBuf,
    /// The month the file is about, when known.
    pub month: Option<YearMonth>,
    /// What is wrong, in Chinese.
    pub message: String,
}

/// Every seal of an archive, in chain order, and what is wrong with it.
#[derive(Debug, Clone, Default)]
pub struct Archive {
    /// The seals that could be read, ordered by their place in the chain.
    pub seals: Vec<Seal>,
    /// Problems, in chain order (the first is the first bad month).
    pub problems: Vec<Problem>,
    /// True when there is an `archive/` folder at all.
    pub exists: bool,
}

impl Archive {
    /// Reads and checks `<dir>/archive/`: each file's digest, its name against its
    /// content, and the chain (each entry names the digest of the one before it, the
    /// places run 1, 2, 3… without a gap, a re-issue names the version it replaces).
    pub fn read(dir: &Path) -> std::io::Result<Archive> {
        let folder = dir.join(ARCHIVE_DIR);
        let mut archive = Archive {
            exists: folder.is_dir(),
            ..Archive::default()
        };
        if !archive.exists {
            return Ok(archive);
        }
        let mut names: Vec<String> = Vec::new();
        for entry in std::fs::read_dir(&folder)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            // Hidden files are the writer's temp files (and editors' litter); the chain
            // summary is derived and checked separately.
            if name.starts_with('.') || name == CHAIN_FILE || !entry.file_type()?.is_file() {
                continue;
            }
            names.push(name);
        }
        names.sort();
        let read: Vec<(String, std::io::Result<Vec<u8>>)> = {
            use rayon::prelude::*;
            names
                .into_par_iter()
                .map(|name| {
                    let bytes = std::fs::read(folder.join(&name));
                    (name, bytes)
                })
                .collect()
        };
        let mut seals = Vec::new();
        for (name, bytes) in read {
            let file = Path::new(ARCHIVE_DIR).join(&name);
            let Some((month, version)) = seal::parse_file_name(&name) else {
                archive.problems.push(Problem {
                    file,
                    month: None,
                    message: "不是封存文件（封存文件名是 年-月.json 或 年-月.v版本.json）；archive/ 里只能放 gongkai 写的封存文件".to_string(),
                });
                continue;
            };
            let checked = bytes
                .map_err(|e| SealError::Body(e.to_string()))
                .and_then(Seal::read)
                .and_then(|s| {
                    if s.body.month == month.to_string() && s.body.version == version {
                        Ok(s)
                    } else {
                        Err(SealError::Name {
                            month: s.body.month.clone(),
                            version: s.body.version,
                        })
                    }
                });
            match checked {
                Ok(s) => seals.push(s),
                Err(err) => archive.problems.push(Problem {
                    file,
                    month: Some(month),
                    message: err.to_string(),
                }),
            }
        }
        seals.sort_by_key(|s| s.body.seq);
        archive.problems.extend(chain_problems(&seals));
        archive.problems.sort_by_key(|p| p.month);
        archive.seals = seals;
        Ok(archive)
    }

    /// The latest version of each month's seal.
    pub fn latest(&self) -> BTreeMap<YearMonth, &Seal> {
        let mut latest: BTreeMap<YearMonth, &Seal> = BTreeMap::new();
        for s in &self.seals {
            if let Some(month) = s.month() {
                let keep = latest
                    .get(&month)
                    .is_none_or(|old| old.body.version < s.body.version);
                if keep {
                    latest.insert(month, s);
                }
            }
        }
        latest
    }

    /// The digest of the last entry (the chain head).
    pub fn head(&self) -> Option<&str> {
        self.seals.last().map(|s| s.sha256.as_str())
    }
}

/// The chain links of seals read without error, in chain order.
fn chain_problems(seals: &[Seal]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut versions: BTreeMap<&str, &Seal> = BTreeMap::new();
    for (i, s) in seals.iter().enumerate() {
        let file = Path::new(ARCHIVE_DIR).join(s.file_name());
        let month = s.month();
        let mut bad = |message: String| {
            problems.push(Problem {
                file: file.clone(),
                month,
                message,
            })
        };
        let expected_seq = i as u32 + 1;
        if s.body.seq != expected_seq {
            bad(format!(
                "在封存链中的位置是第 {} 个，应为第 {expected_seq} 个：前面的封存文件缺失或被删除了",
                s.body.seq
            ));
        }
        let previous = i.checked_sub(1).map(|p| seals[p].sha256.as_str());
        if s.body.previous.as_deref() != previous {
            bad(match previous {
                Some(_) => "记录的上一个封存的校验值与上一个封存文件不符：封存链断了（上一个封存文件被改动、替换或删除过）".to_string(),
                None => "是封存链的第一个，却记录了上一个封存的校验值：前面的封存文件缺失或被删除了".to_string(),
            });
        }
        let before = versions.get(s.body.month.as_str());
        let expected_version = before.map_or(1, |b| b.body.version + 1);
        if s.body.version != expected_version
            || s.body.supersedes.as_deref() != before.map(|b| b.sha256.as_str())
        {
            bad(format!(
                "是 {} 的第 {} 版，但与该月之前的封存版本对不上（应为第 {expected_version} 版，并引用上一版的校验值）",
                s.body.month, s.body.version
            ));
        }
        versions.insert(&s.body.month, s);
    }
    problems
}

/// One entry of `archive/chain.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainEntry {
    pub seq: u32,
    pub month: String,
    pub version: u32,
    pub file: String,
    pub sealed_on: String,
    pub sha256: String,
    pub previous: Option<String>,
    pub supersedes: Option<String>,
}

/// `archive/chain.json`: every entry, each month's current seal, and the chain head.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainFile {
    pub format: String,
    /// The digest of the last entry.
    pub head: Option<String>,
    /// Every entry in chain order.
    pub entries: Vec<ChainEntry>,
    /// Each month's current (latest) seal.
    pub months: BTreeMap<String, ChainEntry>,
}

/// The format of `chain.json`.
pub const CHAIN_FORMAT: &str = "gongkai-chain/1";

/// The chain summary of `seals` (in chain order).
pub fn chain_file(seals: &[Seal]) -> ChainFile {
    let entries: Vec<ChainEntry> = seals
        .iter()
        .map(|s| ChainEntry {
            seq: s.body.seq,
            month: s.body.month.clone(),
            version: s.body.version,
            file: s.file_name(),
            sealed_on: s.body.sealed_on.clone(),
            sha256: s.sha256.clone(),
            previous: s.body.previous.clone(),
            supersedes: s.body.supersedes.clone(),
        })
        .collect();
    let mut months = BTreeMap::new();
    for e in &entries {
        months.insert(e.month.clone(), e.clone());
    }
    ChainFile {
        format: CHAIN_FORMAT.to_string(),
        head: seals.last().map(|s| s.sha256.clone()),
        entries,
        months,
    }
}

/// Files of a previous output's `archive/` missing from the site's archive or different
/// there: an archive may only grow. Compares the digest each file names in its first
/// bytes (the site's own files are checked against their content by [`Archive::read`]).
/// Returns problems in month order, about the site's files.
pub fn shrunk(site: &Archive, previous_out: &Path) -> Vec<Problem> {
    let folder = previous_out.join(ARCHIVE_DIR);
    let Ok(entries) = std::fs::read_dir(&folder) else {
        return Vec::new();
    };
    let have: BTreeMap<String, &str> = site
        .seals
        .iter()
        .map(|s| (s.file_name(), s.sha256.as_str()))
        .collect();
    let mut problems = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some((month, _)) = seal::parse_file_name(&name) else {
            continue;
        };
        let mut head = [0u8; 80];
        let published = std::fs::File::open(entry.path())
            .and_then(|mut f| {
                use std::io::Read;
                let n = f.read(&mut head)?;
                Ok(seal::stored_digest(&head[..n]).map(str::to_string))
            })
            .ok()
            .flatten();
        let file = Path::new(ARCHIVE_DIR).join(&name);
        match have.get(&name) {
            None if !site.exists => problems.push(Problem {
                file,
                month: Some(month),
                message: format!(
                    "网站文件夹里没有 archive/ 文件夹，但上次生成的网站（{}）里有已公开的封存文件 {name}",
                    previous_out.join(ARCHIVE_DIR).display()
                ),
            }),
            None => problems.push(Problem {
                file,
                month: Some(month),
                message: format!(
                    "archive/ 里没有 {name}，但上次生成的网站（{}）里有：已公开的封存文件不能删除",
                    previous_out.join(ARCHIVE_DIR).display()
                ),
            }),
            Some(digest) if published.as_deref().is_some_and(|p| p != *digest) => {
                problems.push(Problem {
                    file,
                    month: Some(month),
                    message: format!(
                        "与上次生成的网站（{}）里已公开的同名文件不同：已公开的封存文件不能替换",
                        previous_out.join(ARCHIVE_DIR).display()
                    ),
                })
            }
            Some(_) => {}
        }
    }
    problems.sort_by(|a, b| (a.month, &a.file).cmp(&(b.month, &b.file)));
    problems
}
