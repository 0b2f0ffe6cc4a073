//! The ledger's files in the output: every seal copied byte for byte from the site's
//! `archive/`, `archive/chain.json` (every entry, each month's current seal, the chain
//! head), and the corrections as open data (`data/corrections.csv` and `.json`).

use serde::Serialize;

use super::opendata::neutralise;
use super::OutputFile;
use crate::ledger::seal::{SealedCorrection, ARCHIVE_DIR, CHAIN_FILE};
use crate::model::Disclosure;

/// The corrections as CSV.
pub const CORRECTIONS_CSV: &str = "data/corrections.csv";
/// The corrections as JSON.
pub const CORRECTIONS_JSON: &str = "data/corrections.json";

/// The CSV headers of a correction, in order.
const HEADERS: [&str; 8] = [
    "月份",
    "编号",
    "列",
    "原值",
    "新值",
    "更正原因",
    "更正日期",
    "批准人",
];

#[derive(Serialize)]
struct CorrectionsDocument<'a> {
    issuer: &'a str,
    count: usize,
    corrections: &'a [SealedCorrection],
}

/// Seal copies, the chain summary and the corrections files.
pub fn files(site: &Disclosure) -> Vec<OutputFile> {
    let ledger = &site.ledger;
    let mut files: Vec<OutputFile> = ledger
        .seals
        .iter()
        .map(|s| OutputFile {
            path: format!("{ARCHIVE_DIR}/{}", s.file_name()),
            bytes: s.bytes.to_vec(),
            source: None,
        })
        .collect();
    let mut chain = serde_json::to_vec_pretty(&ledger.chain()).unwrap_or_default();
    chain.push(b'\n');
    files.push(OutputFile {
        path: format!("{ARCHIVE_DIR}/{CHAIN_FILE}"),
        bytes: chain,
        source: None,
    });
    let mut csv_bytes = "\u{feff}".as_bytes().to_vec();
    {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut csv_bytes);
        let _ = writer.write_record(HEADERS);
        for c in &ledger.corrections {
            let cells = [
                &c.month,
                &c.id,
                &c.column,
                &c.old,
                &c.new,
                &c.reason,
                &c.date,
                &c.approver,
            ];
            let _ = writer.write_record(cells.iter().map(|v| neutralise(v)));
        }
        let _ = writer.flush();
    }
    files.push(OutputFile {
        path: CORRECTIONS_CSV.to_string(),
        bytes: csv_bytes,
        source: None,
    });
    let document = CorrectionsDocument {
        issuer: &site.config.issuer,
        count: ledger.corrections.len(),
        corrections: &ledger.corrections,
    };
    let mut json = serde_json::to_vec_pretty(&document).unwrap_or_default();
    json.push(b'\n');
    files.push(OutputFile {
        path: CORRECTIONS_JSON.to_string(),
        bytes: json,
        source: None,
    });
    files
}
