//! Text helpers shared by the settings and every reader: how headers and enumerated values
//! are matched, and how a file is named in a finding.

use std::path::{Path, PathBuf};

use unicode_normalization::UnicodeNormalization;

/// Normalises a header or enumerated value for matching: NFKC (full-width letters, digits
/// and brackets become half-width), every kind of white space removed.
pub fn normalize_header(s: &str) -> String {
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// Makes a path relative to `root` with `/` separators, for messages and origins.
pub fn relative_path(root: &Path, path: &Path) -> PathBuf {
    let rel = path.strip_prefix(root).unwrap_or(path);
    PathBuf::from(
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_header_handles_width_and_spaces() {
        assert_eq!(normalize_header(" 整改资金（万元） "), "整改资金(万元)");
        assert_eq!(normalize_header("隐患 编号"), "隐患编号");
        assert_eq!(normalize_header("１２.５"), "12.5");
        assert_eq!(normalize_header("\u{3000}编号"), "编号");
    }
}
