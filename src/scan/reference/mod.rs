//! The scanner as it was before it was made faster (test only): every new result is
//! compared with it, file by file, so the speed-up cannot change what is reported.

#![allow(dead_code)]

pub mod html;
pub mod numbers;
pub mod private;

#[cfg(test)]
mod compare;

use std::collections::HashSet;

use super::{Leak, LeakKind, Scanner};
use html::is_markup;
use crate::render::OutputFile;

/// The old scanner over the values of a new one.
pub struct Reference<'a> {
    scanner: &'a Scanner,
    private: private::PrivateMatcher,
}

impl<'a> Reference<'a> {
    /// The old scanner with the same values as `scanner`.
    pub fn new(scanner: &'a Scanner) -> Reference<'a> {
        Reference {
            scanner,
            private: private::PrivateMatcher::new(scanner.private.values().to_vec()),
        }
    }

    /// `Scanner::scan_file` as it was.
    pub fn scan_file(&self, file: &OutputFile) -> Vec<Leak> {
        if is_binary(&file.path, &file.bytes) {
            return Vec::new();
        }
        let mut leaks = self.scan_text(&file.path, &file.bytes);
        if is_markup(&file.path) {
            if let Some(visible) = html::visible_text(&file.bytes) {
                let seen: HashSet<(LeakKind, String)> =
                    leaks.iter().map(|l| (l.kind, l.value.clone())).collect();
                leaks.extend(
                    self.scan_text(&file.path, visible.as_bytes())
                        .into_iter()
                        .filter(|l| !seen.contains(&(l.kind, l.value.clone()))),
                );
            }
        }
        leaks
    }

    fn scan_text(&self, output: &str, text: &[u8]) -> Vec<Leak> {
        let s = self.scanner;
        let mut leaks = Vec::new();
        let mut seen = HashSet::new();
        for hit in numbers::scan(text) {
            if s.allowed_numbers.contains(&hit.digits) || !seen.insert(hit.digits.clone()) {
                continue;
            }
            let origin = s
                .number_origins
                .get(&hit.digits)
                .map(|&i| s.origins[i].clone());
            leaks.push(Leak {
                kind: LeakKind::Number(hit.kind),
                output: output.to_string(),
                value: hit.digits,
                offset: hit.offset,
                origin,
            });
        }
        for hit in self.private.scan(text) {
            let value = &self.private.values()[hit.value];
            if !seen.insert(value.value.clone()) {
                continue;
            }
            leaks.push(Leak {
                kind: LeakKind::Private,
                output: output.to_string(),
                value: value.value.clone(),
                offset: hit.offset,
                origin: Some(s.origins[value.origin].clone()),
            });
        }
        leaks
    }
}

/// Images, fonts, archives: not text, not scanned.
fn is_binary(path: &str, bytes: &[u8]) -> bool {
    const BINARY: &[&str] = &[
        ".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".woff", ".woff2", ".ttf", ".otf",
        ".zip", ".gz", ".pdf",
    ];
    let lower = path.to_ascii_lowercase();
    BINARY.iter().any(|ext| lower.ends_with(ext)) || bytes.iter().take(8000).any(|&b| b == 0)
}
