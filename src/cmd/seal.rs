//! `gongkai seal YYYY-MM`: seals a month before its due day. It is a build (check,
//! render, write) that also seals the named month, so the seal and the page showing its
//! fingerprint are published together.

use std::process::ExitCode;

use super::{BuildArgs, SealArgs};
use crate::hazard::YearMonth;
use crate::ledger::Sealing;

/// Runs `gongkai seal`.
pub fn run(args: &SealArgs) -> ExitCode {
    let Some(month) = YearMonth::parse(&args.month) else {
        eprintln!(
            "错误：“{}”不是月份。请写成 年-月，例如 gongkai seal 2026-10。",
            args.month
        );
        return ExitCode::from(2);
    };
    let already = crate::ledger::chain::Archive::read(&args.root)
        .map(|a| a.latest().contains_key(&month))
        .unwrap_or(false);
    if already {
        println!("{month} 已经封存过了（见 archive/），不需要再封存。");
        return ExitCode::SUCCESS;
    }
    if !args
        .root
        .join("content/registers")
        .join(month.to_string())
        .is_dir()
        && !args
            .root
            .join("content/registers")
            .join(format!("{month}.csv"))
            .is_file()
    {
        eprintln!("错误：content/registers/ 里没有 {month} 的台账，无法封存。");
        return ExitCode::from(2);
    }
    super::build::run(&BuildArgs {
        root: args.root.clone(),
        out: args.out.clone(),
        base_url: None,
        quiet: false,
        today: args.today.clone(),
        sealing: Sealing::Month(month),
    })
}
