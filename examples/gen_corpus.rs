//! Benchmark corpus generator: writes a gongkai site folder of the shape of the `--site`
//! layout of `../shared/bench/gen_corpus.py`, deterministically.
//!
//! ```text
//! cargo run --release --example gen_corpus -- --out DIR --size county
//! cargo run --release --example gen_corpus -- --out DIR --months 12 --rows 10000 --notices 1000 --seed 1
//! ```
//!
//! The folder holds `site.toml`, `content/registers/YYYY-MM.csv` (one register a month,
//! 18 columns, UTF-8, LF, RFC 4180 quoting), `content/notices/notice-NNNN.md` (2–4 KB of
//! Markdown with TOML front matter, `disclosure = "主动公开"`) and `MANIFEST.json` (the
//! parameters and the page counts the Hugo peer expects).
//!
//! Hazards keep their 编号 across months, their status only moves forward
//! (未整改 → 整改中 → 已整改 → 已销号), and they leave the register the month after they
//! are closed, so the corpus passes gongkai's rules: no open hazard vanishes, 已整改 has
//! 完成日期, 已销号 has 销号日期 and 审核人. Every month lists exactly `--rows` hazards
//! (new ones top it up), which `run_hugo.sh` requires.
//!
//! The random numbers come from a small splitmix64 generator, one stream for registers
//! and one for notices (so changing `--notices` leaves the registers as they are): the
//! same arguments always give byte-identical output. The Python generator uses Python's
//! Mersenne Twister, so the two are alike in shape and proportions, not in bytes.

#[path = "gen_corpus/corpus.rs"]
mod corpus;
#[path = "gen_corpus/rng.rs"]
mod rng;
#[path = "gen_corpus/vocab.rs"]
mod vocab;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, ValueEnum};

use corpus::{Params, Start};

/// 生成基准测试用的 gongkai 网站文件夹（可重复：参数相同，输出逐字节相同）
#[derive(Debug, Parser)]
#[command(name = "gen_corpus", about, long_about = None)]
struct Args {
    /// 输出文件夹（须不存在或为空；用 --force 覆盖以前生成的语料）
    #[arg(long)]
    out: PathBuf,
    /// 预设规模：town（12 个月 × 1,000 行，200 篇通知）、county（12 × 10,000，1,000）、
    /// province（12 × 50,000，2,000）；--months/--rows/--notices 可单独覆盖
    #[arg(long, value_enum)]
    size: Option<Size>,
    /// 月数（默认 12）
    #[arg(long)]
    months: Option<u32>,
    /// 每月台账行数（默认 1,000，最多 999,999）
    #[arg(long)]
    rows: Option<u32>,
    /// 通知篇数（默认 200）
    #[arg(long)]
    notices: Option<u32>,
    /// 随机种子
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// 第一个月，格式 YYYY-MM
    #[arg(long, default_value = "2024-01", value_parser = parse_start)]
    start: Start,
    /// 先删除已有的输出文件夹（仅限以前生成的语料：须含 MANIFEST.json）
    #[arg(long)]
    force: bool,
}

/// The standard sizes of the benchmark kit (`../shared/bench/README.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Size {
    Town,
    County,
    Province,
}

impl Size {
    /// (months, rows per month, notices)
    fn dims(self) -> (u32, u32, u32) {
        match self {
            Size::Town => (12, 1_000, 200),
            Size::County => (12, 10_000, 1_000),
            Size::Province => (12, 50_000, 2_000),
        }
    }
}

fn parse_start(s: &str) -> Result<Start, String> {
    Start::parse(s).ok_or_else(|| format!("“{s}”不是有效的月份，请写成 YYYY-MM，例如 2024-01"))
}

fn main() -> ExitCode {
    let args = Args::parse();
    let (months, rows, notices) = args.size.unwrap_or(Size::Town).dims();
    let params = Params {
        months: args.months.unwrap_or(months),
        rows: args.rows.unwrap_or(rows),
        notices: args.notices.unwrap_or(notices),
        seed: args.seed,
        start: args.start,
    };
    if let Err(msg) = params.validate() {
        eprintln!("错误：{msg}");
        return ExitCode::from(2);
    }
    if let Err(msg) = prepare_out(&args.out, args.force) {
        eprintln!("错误：{msg}");
        return ExitCode::from(2);
    }
    let t0 = Instant::now();
    match corpus::generate(&args.out, &params) {
        Ok(manifest) => {
            eprintln!(
                "已生成 {}：{} 个月 × {} 行，{} 篇通知，共 {} 个文件，用时 {:.2} 秒",
                args.out.display(),
                params.months,
                params.rows,
                params.notices,
                manifest.files,
                t0.elapsed().as_secs_f64()
            );
            // Same line as gen_corpus.py prints: what a Hugo build of it must produce.
            println!(
                "{}",
                serde_json::to_string(&manifest.expected_pages).unwrap_or_default()
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("错误：写入 {} 失败：{err}", args.out.display());
            eprintln!("请检查磁盘空间和文件夹权限后重试。");
            ExitCode::FAILURE
        }
    }
}

/// Makes sure `out` is absent or empty. With `force`, removes an earlier corpus first, but
/// never a folder that does not look like one (no `MANIFEST.json`), so a typo in `--out`
/// cannot delete someone's work.
fn prepare_out(out: &Path, force: bool) -> Result<(), String> {
    let Ok(mut entries) = std::fs::read_dir(out) else {
        return Ok(());
    };
    if entries.next().is_none() {
        return Ok(());
    }
    if !force {
        return Err(format!(
            "输出文件夹 {} 已存在且不为空；请换一个文件夹，或加 --force 覆盖以前生成的语料",
            out.display()
        ));
    }
    if !out.join("MANIFEST.json").is_file() {
        return Err(format!(
            "{} 中没有 MANIFEST.json，不像是本工具生成的语料，为安全起见不删除；请手动清空或换一个文件夹",
            out.display()
        ));
    }
    std::fs::remove_dir_all(out).map_err(|e| format!("无法删除 {}：{e}", out.display()))
}
