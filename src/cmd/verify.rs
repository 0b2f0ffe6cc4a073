//! `gongkai verify DIR`: checks a built site (a downloaded copy of a published site)
//! against its own ledger: every archive file against its digest, the chain, the chain
//! summary, and that every sealed month's page shows the month's fingerprint.
//!
//! Exit codes: 0 intact (one summary line), 1 something is broken (each broken month
//! named), 2 the folder is not a built site.

use std::path::Path;
use std::process::ExitCode;

use super::VerifyArgs;
use crate::hazard::YearMonth;
use crate::ledger::chain::{self, Archive, ChainFile};
use crate::ledger::seal::{ARCHIVE_DIR, CHAIN_FILE};
use crate::render::urls;

/// Runs `gongkai verify`.
pub fn run(args: &VerifyArgs) -> ExitCode {
    let dir = args.dir.as_path();
    let archive = match Archive::read(dir) {
        Ok(a) if a.exists => a,
        Ok(_) => {
            eprintln!(
                "错误：{} 里没有 archive/ 文件夹：这不是用 gongkai 生成的网站，或者封存记录被删掉了。",
                dir.display()
            );
            return ExitCode::from(2);
        }
        Err(err) => {
            eprintln!("错误：无法读取 {}：{err}", dir.join(ARCHIVE_DIR).display());
            return ExitCode::from(2);
        }
    };
    let broken = problems(dir, &archive);
    if broken.is_empty() {
        let months = archive.latest().len();
        let head = archive
            .head()
            .map(crate::ledger::seal::fingerprint)
            .unwrap_or_default();
        println!(
            "封存记录完好：{months} 个月、{} 个封存文件，校验值和封存链都对得上，每个月份页都标有指纹；链头指纹 {head}。",
            archive.seals.len()
        );
        return ExitCode::SUCCESS;
    }
    for (month, message) in &broken {
        match month {
            Some(m) => eprintln!("{m}：{message}"),
            None => eprintln!("{message}"),
        }
    }
    let months: std::collections::BTreeSet<String> = broken
        .iter()
        .filter_map(|(m, _)| m.map(|m| m.to_string()))
        .collect();
    eprintln!(
        "封存记录有问题：{} 处{}。这份网站的内容可能在公开后被改动过。",
        broken.len(),
        if months.is_empty() {
            String::new()
        } else {
            format!(
                "，涉及 {}",
                months.into_iter().collect::<Vec<_>>().join("、")
            )
        }
    );
    ExitCode::from(1)
}

/// Everything wrong with the ledger of the built site in `dir`, by month.
pub fn problems(dir: &Path, archive: &Archive) -> Vec<(Option<YearMonth>, String)> {
    let mut out: Vec<(Option<YearMonth>, String)> = archive
        .problems
        .iter()
        .map(|p| (p.month, format!("{}：{}", p.file.display(), p.message)))
        .collect();
    // The chain summary must describe exactly these seals.
    let chain_path = dir.join(ARCHIVE_DIR).join(CHAIN_FILE);
    let expected = chain::chain_file(&archive.seals);
    match std::fs::read(&chain_path)
        .ok()
        .and_then(|b| serde_json::from_slice::<ChainFile>(&b).ok())
    {
        Some(found) if found == expected => {}
        Some(_) => out.push((
            None,
            format!("{ARCHIVE_DIR}/{CHAIN_FILE} 与封存文件对不上（封存链清单被改动过，或有封存文件被删除、替换）"),
        )),
        None => out.push((None, format!("缺少 {ARCHIVE_DIR}/{CHAIN_FILE}，或无法读取"))),
    }
    // Every sealed month's page shows the current fingerprint with the full digest.
    for (month, seal) in archive.latest() {
        let page = dir.join(urls::month_path(month));
        let shown = std::fs::read_to_string(&page).ok().is_some_and(|html| {
            html.contains(&format!("data-sha256=\"{}\"", seal.sha256))
                && html.contains(&seal.fingerprint())
        });
        if !shown {
            out.push((
                Some(month),
                format!(
                    "月份页 {} 没有标出本月封存文件 {} 的指纹 {}",
                    urls::month_path(month),
                    seal.file_name(),
                    seal.fingerprint()
                ),
            ));
        }
    }
    out.sort_by_key(|(m, _)| *m);
    out
}
