//! Values of private columns (举报人, 举报人电话, 身份证号 …) searched in the output with
//! one Aho-Corasick automaton, whatever the number of values.
//!
//! Every value is searched as written and as the output writes it (HTML-escaped,
//! JSON-escaped, CSV-quoted), so escaping cannot hide a leak.
//!
//! Short values are the hard case: a 2-character name such as 李明 also occurs inside
//! ordinary words (李明确要求…). A value of fewer than [`DISTINCT_CHARS`] characters, and
//! any value made only of digits, is therefore reported only where it stands alone: not
//! preceded or followed by a letter, digit or Chinese character (`<td>李明</td>`,
//! `举报人：李明。`). That is how a leaked cell looks, and it keeps ordinary prose from
//! failing the build. Values of one character carry no identity and are skipped.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// Values shorter than this (in characters) must stand alone to count as a hit.
pub const DISTINCT_CHARS: usize = 3;

pub use crate::scan::private::PrivateValue;

/// The automaton over every private value and its escaped forms.
#[derive(Debug, Clone)]
pub struct PrivateMatcher {
    automaton: Option<AhoCorasick>,
    /// Per pattern: the index into `values` and whether it must stand alone.
    patterns: Vec<(usize, bool)>,
    values: Vec<PrivateValue>,
}

/// One private value found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivateHit {
    /// Index into the values the matcher was built from.
    pub value: usize,
    /// Byte offset of the hit.
    pub offset: usize,
}

impl PrivateMatcher {
    /// Builds the matcher. Values of one character are dropped; the rest are searched
    /// in every escaped form.
    pub fn new(values: Vec<PrivateValue>) -> PrivateMatcher {
        let mut pattern_texts: Vec<String> = Vec::new();
        let mut patterns = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (index, value) in values.iter().enumerate() {
            let text = value.value.trim();
            let chars = text.chars().count();
            if chars < 2 {
                continue;
            }
            let alone = chars < DISTINCT_CHARS || text.chars().all(|c| c.is_ascii_digit());
            for form in forms(text) {
                if seen.insert(form.clone()) {
                    pattern_texts.push(form);
                    patterns.push((index, alone));
                }
            }
        }
        let automaton = if pattern_texts.is_empty() {
            None
        } else {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&pattern_texts)
                .ok()
        };
        PrivateMatcher {
            automaton,
            patterns,
            values,
        }
    }

    /// The values the matcher was built from.
    pub fn values(&self) -> &[PrivateValue] {
        &self.values
    }

    /// Number of patterns searched (values × escaped forms).
    pub fn pattern_count(&self) -> usize {
        self.patterns.len()
    }

    /// Every private value in `text`, in one pass.
    pub fn scan(&self, text: &[u8]) -> Vec<PrivateHit> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        automaton
            .find_iter(text)
            .filter_map(|m| {
                let (value, alone) = self.patterns[m.pattern().as_usize()];
                if alone && !stands_alone(text, m.start(), m.end()) {
                    return None;
                }
                Some(PrivateHit {
                    value,
                    offset: m.start(),
                })
            })
            .collect()
    }
}

/// The forms a value takes in the output: as written, HTML-escaped, JSON-escaped and
/// CSV-quoted.
fn forms(text: &str) -> Vec<String> {
    let html = crate::render::theme::escape_html(text);
    let json = serde_json::to_string(text)
        .map(|s| s[1..s.len() - 1].to_string())
        .unwrap_or_default();
    let csv = text.replace('"', "\"\"");
    let mut out = vec![text.to_string(), html, json, csv];
    out.retain(|f| !f.is_empty());
    out.dedup();
    out
}

/// True when the match `start..end` is not part of a longer word: the characters on
/// both sides are not letters, digits or Chinese characters.
fn stands_alone(text: &[u8], start: usize, end: usize) -> bool {
    let before = char_before(text, start);
    let after = char_after(text, end);
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

fn char_before(text: &[u8], at: usize) -> Option<char> {
    let mut start = at.checked_sub(1)?;
    while start > 0 && at - start < 4 && (0x80..0xC0).contains(&text[start]) {
        start -= 1;
    }
    std::str::from_utf8(&text[start..at]).ok()?.chars().next()
}

fn char_after(text: &[u8], at: usize) -> Option<char> {
    let end = (at + 4).min(text.len());
    let slice = text.get(at..end)?;
    let valid = match std::str::from_utf8(slice) {
        Ok(s) => s,
        Err(e) => std::str::from_utf8(&slice[..e.valid_up_to()]).ok()?,
    };
    valid.chars().next()
}

