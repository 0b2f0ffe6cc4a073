//! Measures the leak scanner on an already-built site, so its speed can be re-measured
//! without rendering anything:
//!
//! ```sh
//! target/release/gongkai build --root /tmp/gongkai-bench/corpus/county --out /tmp/scan-out
//! cargo run --release --example scan_bench -- \
//!     --root /tmp/gongkai-bench/corpus/county --out /tmp/scan-out \
//!     [--private 20000] [--rounds 3] [--compare]
//! ```
//!
//! The scanner is built from the site at `--root` exactly as `gongkai build` builds it
//! (load, check, model, `Scanner::new`). `--private N` adds N synthetic withheld values
//! (reporter names and phones, as a register with 举报人 columns has) to measure the
//! private-value automaton too. Every file under `--out` (except Pagefind's `pagefind/`,
//! which is made after the scan) is read into memory first; then each round times, file
//! by file on one thread, the single pass the build runs (`Scanner::check_file`) and the
//! old two passes it replaced (`scan::reference`: `scan_file`, then `active_content`),
//! and the single pass once more over all files with rayon, as the build does. The
//! best round is reported, with CPU time (user + sys) of the whole process.
//!
//! `--compare` checks first that both find exactly the same on every file (leaks with
//! their offsets and origins, active-content findings, the visible text of markup),
//! as it is and with leaks and active content planted in it, and exits with 1 if not.
//! Use it with `--private 2` or more so that planted private values are searched.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use gongkai::hazard::HazardRecord;
use gongkai::pipeline::Pipeline;
use gongkai::render::{OutputFile, RenderOptions};
use gongkai::scan::{html, reference, FileCheck, Scanner};
use rayon::prelude::*;

struct Args {
    root: PathBuf,
    out: PathBuf,
    private: usize,
    rounds: usize,
    compare: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut root = None;
    let mut out = None;
    let mut private = 0;
    let mut rounds = 3;
    let mut compare = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} 后面缺少参数值"));
        match arg.as_str() {
            "--root" => root = Some(PathBuf::from(value()?)),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--private" => private = value()?.parse().map_err(|e| format!("--private：{e}"))?,
            "--rounds" => rounds = value()?.parse().map_err(|e| format!("--rounds：{e}"))?,
            "--compare" => compare = true,
            _ => return Err(format!("不认识的参数 {arg}")),
        }
    }
    Ok(Args {
        root: root.ok_or("请用 --root 指定网站文件夹")?,
        out: out.ok_or("请用 --out 指定已生成的输出文件夹")?,
        private,
        rounds: rounds.max(1),
        compare,
    })
}

/// Every file under `dir` except `pagefind/`, with `/`-separated relative paths.
fn read_output(dir: &Path) -> Vec<OutputFile> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                eprintln!("跳过无法读取的条目：{e}");
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let path = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if path.starts_with("pagefind/") {
            continue;
        }
        match std::fs::read(entry.path()) {
            Ok(bytes) => files.push(OutputFile {
                path,
                bytes,
                source: None,
            }),
            Err(e) => eprintln!("跳过无法读取的文件 {}：{e}", entry.path().display()),
        }
    }
    files
}

/// User + system CPU time of this process so far.
fn cpu_time() -> Duration {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return Duration::ZERO;
    };
    // Fields after the command name (which may contain spaces) start after ") ".
    let Some(rest) = stat.rsplit_once(") ").map(|(_, r)| r) else {
        return Duration::ZERO;
    };
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i)?.parse::<u64>().ok())
        .sum();
    // Linux reports in clock ticks of 1/100 s on every common configuration.
    Duration::from_millis(ticks * 10)
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}\n用法：scan_bench --root 网站文件夹 --out 输出文件夹 [--private N] [--rounds N] [--compare]");
            std::process::exit(2);
        }
    };
    let start = Instant::now();
    let mut pipeline = Pipeline::new(&args.root, RenderOptions::new(&args.root));
    let modelled = match pipeline.run_model() {
        Ok(m) => m,
        Err(findings) => {
            eprintln!(
                "网站 {} 有错误，无法建模：{findings:?}",
                args.root.display()
            );
            std::process::exit(1);
        }
    };
    let site = &modelled.disclosure;
    println!(
        "model of {} in {:.2?}",
        args.root.display(),
        start.elapsed()
    );

    let start = Instant::now();
    let scanner = if args.private == 0 {
        Scanner::new(site)
    } else {
        let mut records: Vec<HazardRecord> = site
            .months
            .iter()
            .flat_map(|m| m.entries.iter().map(|e| HazardRecord::clone(&e.record)))
            .collect();
        let n = records.len().max(1);
        for i in 0..args.private {
            if let Some(r) = records.get_mut(i % n) {
                r.withheld.push(if i % 2 == 0 {
                    format!("王{i}某某")
                } else {
                    format!("139{i:08}")
                });
            }
        }
        let refs: Vec<&HazardRecord> = records.iter().collect();
        Scanner::from_parts(&site.config, &refs, &site.notices, &site.pages, &site.tasks)
    };
    println!(
        "scanner with {} private values built in {:.2?}",
        scanner.private_values(),
        start.elapsed()
    );

    let start = Instant::now();
    let files = read_output(&args.out);
    let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
    let mb = bytes as f64 / 1e6;
    println!(
        "{} files, {mb:.1} MB read from {} in {:.2?}",
        files.len(),
        args.out.display(),
        start.elapsed()
    );

    if args.compare {
        let start = Instant::now();
        let (differing, leaks, unsafe_pages) = compare(&scanner, &files);
        println!(
            "compared old and new on {} files (as they are and planted) in {:.2?}: {differing} differ; {leaks} leaks and {unsafe_pages} unsafe pages found by both",
            files.len(),
            start.elapsed()
        );
        if differing > 0 {
            std::process::exit(1);
        }
    }

    let mut best_old = Duration::MAX;
    let mut best_new = Duration::MAX;
    let mut best_parallel = Duration::MAX;
    let mut best_old_cpu = Duration::MAX;
    let mut best_new_cpu = Duration::MAX;
    let mut leaks = 0;
    let mut unsafe_pages = 0;
    for round in 1..=args.rounds {
        // The old two passes: leaks, then active content, each walking every tag.
        let cpu = cpu_time();
        let t = Instant::now();
        let mut old_found = 0;
        for file in &files {
            old_found += reference::scan_file(&scanner, file).len();
            old_found += reference::active_content(std::slice::from_ref(file)).len();
        }
        let old = t.elapsed();
        let old_cpu = cpu_time().saturating_sub(cpu);
        // The single pass.
        let cpu = cpu_time();
        let t = Instant::now();
        leaks = 0;
        unsafe_pages = 0;
        for file in &files {
            let check = scanner.check_file(file);
            leaks += check.leaks.len();
            unsafe_pages += usize::from(check.active.is_some());
        }
        let new = t.elapsed();
        let new_cpu = cpu_time().saturating_sub(cpu);
        assert_eq!(old_found, leaks + unsafe_pages, "old and new differ");
        let cpu = cpu_time();
        let t = Instant::now();
        let parallel_found: usize = files
            .par_iter()
            .map(|f| found(&scanner.check_file(f)))
            .sum();
        let parallel = t.elapsed();
        let parallel_cpu = cpu_time().saturating_sub(cpu);
        assert_eq!(
            parallel_found,
            leaks + unsafe_pages,
            "serial and parallel differ"
        );
        println!(
            "round {round}: one thread: old two passes {old:.2?} (cpu {old_cpu:.2?}) = {:.0} MB/s, single pass {new:.2?} (cpu {new_cpu:.2?}) = {:.0} MB/s; single pass on {} threads {parallel:.2?} wall, cpu {parallel_cpu:.2?}",
            mb / old.as_secs_f64(),
            mb / new.as_secs_f64(),
            rayon::current_num_threads(),
        );
        best_old = best_old.min(old);
        best_new = best_new.min(new);
        best_old_cpu = best_old_cpu.min(old_cpu);
        best_new_cpu = best_new_cpu.min(new_cpu);
        best_parallel = best_parallel.min(parallel);
    }
    println!(
        "best: old {best_old:.2?} (cpu {best_old_cpu:.2?}, {:.0} MB/s), single pass {best_new:.2?} (cpu {best_new_cpu:.2?}, {:.0} MB/s) per core, {:.0}% less; rayon {best_parallel:.2?} wall; {leaks} leaks, {unsafe_pages} unsafe pages",
        mb / best_old.as_secs_f64(),
        mb / best_new.as_secs_f64(),
        100.0 * (1.0 - best_new.as_secs_f64() / best_old.as_secs_f64()),
    );
}

/// Leaks and unsafe pages in one check.
fn found(check: &FileCheck) -> usize {
    check.leaks.len() + usize::from(check.active.is_some())
}

/// Files on which the single pass and the old two passes differ (each printed): in
/// what they find in the file as it is and in a copy with [`PLANTED`] inserted after a
/// tag in its middle, or (markup) in the visible text.
fn compare(scanner: &Scanner, files: &[OutputFile]) -> (usize, usize, usize) {
    let leaks_found = AtomicUsize::new(0);
    let unsafe_found = AtomicUsize::new(0);
    let differing = files
        .par_iter()
        .filter(|file| {
            let planted = plant(file);
            let mut same = true;
            for f in [*file, &planted] {
                let (leaks, active) = reference::check_file(scanner, f);
                let check = scanner.check_file(f);
                leaks_found.fetch_add(check.leaks.len(), Ordering::Relaxed);
                unsafe_found.fetch_add(usize::from(check.active.is_some()), Ordering::Relaxed);
                let active_now: Vec<_> = check.active.iter().cloned().collect();
                if check.leaks != leaks || active_now != active {
                    same = false;
                    eprintln!(
                        "{}: old {} leaks {:?}, new {} leaks {:?}",
                        f.path,
                        leaks.len(),
                        active.first().map(|f| &f.message),
                        check.leaks.len(),
                        check.active.as_ref().map(|f| &f.message)
                    );
                }
                if html::is_markup(&f.path)
                    && html::visible_text(&f.bytes) != reference::visible_text(&f.bytes)
                {
                    same = false;
                    eprintln!("{}: visible text differs", f.path);
                }
            }
            !same
        })
        .count();
    (
        differing,
        leaks_found.into_inner(),
        unsafe_found.into_inner(),
    )
}

/// What [`compare`] plants in each file: a split mobile number, an ID number, an
/// encoded `javascript:` link, an event handler, hidden text with an encoded number,
/// an inline script and a frame; and the first two synthetic private values of
/// `--private` (a name and a phone number).
const PLANTED: &str = "<b>138</b>0013 8000 11010519491231002X <a href=\"&#106;avascript:x\" onclick=y>王0某某</a><p style=\"display:none\">139&#48;0000001</p><script>x</script><iframe src=x></iframe>";

/// `file` with [`PLANTED`] after the first `>` from its middle (at its start if there
/// is none).
fn plant(file: &OutputFile) -> OutputFile {
    let middle = file.bytes.len() / 2;
    let at = file.bytes[middle..]
        .iter()
        .position(|&b| b == b'>')
        .map_or(0, |i| middle + i + 1);
    let mut bytes = file.bytes.clone();
    bytes.splice(at..at, PLANTED.bytes());
    OutputFile {
        path: file.path.clone(),
        bytes,
        source: file.source.clone(),
    }
}
