//! Render: the model to pages (tera templates of the theme) and data files.
//!
//! Every output file is produced in memory as an [`OutputFile`]; `write` puts them on
//! disk. Rendering never touches the output directory, so a failed render loses nothing.

pub mod charts;
pub mod feed;
pub mod opendata;
pub mod sitemap;
pub mod urls;

use std::path::PathBuf;

/// One file of the output, relative to the output root.
#[derive(Debug, Clone)]
pub struct OutputFile {
    /// Relative path with `/` separators, e.g. `months/2024-05/index.html`. Never absolute,
    /// never containing `..`.
    pub path: String,
    pub bytes: Vec<u8>,
    /// The input this file was made from, for messages (e.g. the leak scanner).
    pub source: Option<PathBuf>,
}
