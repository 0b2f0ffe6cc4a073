//! `gongkai check`: load and check, print every finding, exit non-zero on errors.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use super::{CheckArgs, Format};
use crate::check::rules;
use crate::diag::report::{self, Summary};
use crate::diag::Findings;
use crate::load::{self, LoadedSite};

/// Guards, loads the site at `root` and runs every rule. Returns what was loaded (if anything
/// could be) and all findings, sorted for a stable report.
pub fn load_and_check(root: &std::path::Path) -> (Option<LoadedSite>, Findings) {
    // Links out of the site folder and files too large to read are refused before
    // anything is loaded, as `build` does: reading them is what must not happen.
    let mut findings = load::guard::check_content(root);
    if findings.has_errors() {
        findings.sort();
        return (None, findings);
    }
    let site = load::load_site(root, &mut findings);
    if let Some(site) = &site {
        rules::check_site(site, &mut findings);
    }
    findings.sort();
    (site, findings)
}

/// Prints the findings on stdout in the chosen format and returns the summary.
pub fn print_findings(
    findings: &Findings,
    site: Option<&LoadedSite>,
    format: Format,
) -> io::Result<Summary> {
    let (files, rows) = site.map_or((0, 0), |s| (s.files_read, s.rows_read()));
    let summary = Summary::new(findings, files, rows);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match format {
        Format::Text => {
            let color = out.is_terminal() && std::env::var_os("NO_COLOR").is_none();
            report::write_text(&mut out, findings, &summary, color)?
        }
        Format::Json => report::write_json(&mut out, findings, &summary)?,
    }
    out.flush()?;
    Ok(summary)
}

/// Runs `gongkai check`: exit 0 when there are no errors, 1 when there are, 2 when the
/// report could not be written.
pub fn run(args: &CheckArgs) -> ExitCode {
    // A bad --today or GONGKAI_TODAY is refused before anything is read.
    if let Err(code) = args.today.resolve() {
        return code;
    }
    let (site, findings) = load_and_check(&args.root);
    match print_findings(&findings, site.as_ref(), args.format) {
        Ok(_) if findings.has_errors() => ExitCode::from(1),
        Ok(_) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("无法输出检查结果：{err}");
            ExitCode::from(2)
        }
    }
}
