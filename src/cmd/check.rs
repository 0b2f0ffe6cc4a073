//! `gongkai check`: every stage of the build but writing, every finding printed, exit
//! non-zero on errors.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use std::path::Path;

use super::{CheckArgs, Format};
use crate::diag::report::{self, Summary};
use crate::diag::Findings;
use crate::pipeline::{Discard, Pipeline};
use crate::render::RenderOptions;

/// What `gongkai check` found: every finding, sorted, and the counts of the summary line.
#[derive(Debug, Clone)]
pub struct Checked {
    pub findings: Findings,
    /// Input files read.
    pub files_read: usize,
    /// Register data rows read.
    pub rows_read: usize,
}

/// Runs every stage `build` runs, through the same [`Pipeline`]: the guard against
/// links and oversize files, loading, every rule, the model, rendering in memory and
/// the publication scan of every file (personal data, unsafe HTML), into a sink that
/// keeps nothing ([`Discard`]). So "可以发布" is said exactly when `build` would
/// publish; only writing is left out.
pub fn check_site(root: &Path, options: RenderOptions) -> Checked {
    let mut pipeline = Pipeline::once(root, options);
    let findings = match pipeline.run_into(&Discard) {
        Ok(streamed) => streamed.findings,
        Err(findings) => findings,
    };
    let (files_read, rows_read) = pipeline.counts();
    if crate::diag::timings::wanted() {
        eprintln!("timings: {}", pipeline.stats().timings());
    }
    Checked {
        findings,
        files_read,
        rows_read,
    }
}

/// Prints the findings on stdout in the chosen format and returns the summary.
pub fn print_findings(checked: &Checked, format: Format, quiet: bool) -> io::Result<Summary> {
    let findings = &checked.findings;
    let summary = Summary::new(findings, checked.files_read, checked.rows_read);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match format {
        Format::Text => {
            let color = out.is_terminal() && std::env::var_os("NO_COLOR").is_none();
            report::write_text_with(&mut out, findings, &summary, color, quiet)?
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
    let today = match args.today.resolve() {
        Ok(today) => today,
        Err(code) => return code,
    };
    let mut options = RenderOptions::new(&args.root);
    options.today = today.date;
    // The archive of the last output must still be in the site's (the ledger's rule).
    options.previous_out = Some(args.out.clone().unwrap_or_else(|| args.root.join("public")));
    let checked = check_site(&args.root, options);
    match print_findings(&checked, args.format, args.quiet) {
        Ok(_) if checked.findings.has_errors() => ExitCode::from(1),
        Ok(_) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("无法输出检查结果：{err}");
            ExitCode::from(2)
        }
    }
}
