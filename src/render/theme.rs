//! Themes: finding the templates and static files a site is rendered with.
//!
//! Lookup, later layers overriding earlier ones file by file:
//! 1. the `default` theme embedded in the binary (so `gongkai build` works in any folder);
//! 2. `<site>/themes/<theme>/templates/` and `static/`, when the folder exists;
//! 3. `<site>/templates/`: a site overrides any single template by name.
//!
//! A theme other than `default` must exist as a folder; a misspelt theme name is an
//! error rather than a silent fallback.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};
use tera::Tera;
use walkdir::WalkDir;

use super::RenderError;

/// The default theme as shipped: `themes/default/` of the source tree.
static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// The name of the theme embedded in the binary.
pub const DEFAULT_THEME_NAME: &str = "default";

/// Where a template or static file came from, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Embedded in the program.
    Builtin,
    /// A file on disk.
    File(PathBuf),
}

impl Origin {
    /// How messages name the origin.
    pub fn describe(&self, name: &str) -> String {
        match self {
            Origin::Builtin => format!("内置默认主题的 {name}"),
            Origin::File(path) => path.display().to_string(),
        }
    }
}

/// A file of the theme: its content and where it came from.
#[derive(Debug, Clone)]
pub struct ThemeFile {
    pub bytes: Vec<u8>,
    pub origin: Origin,
}

/// The resolved theme of a site: templates by name and static files by relative path.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// Template name (relative to `templates/`, `/`-separated) → file.
    pub templates: BTreeMap<String, ThemeFile>,
    /// Path relative to `static/` → file; copied to `assets/`.
    pub statics: BTreeMap<String, ThemeFile>,
}

impl Theme {
    /// Resolves the theme `name` for the site at `site_root`.
    pub fn load(site_root: &Path, name: &str) -> Result<Theme, RenderError> {
        let mut theme = Theme::default();
        theme.add_embedded(&DEFAULT_THEME);
        let theme_dir = site_root.join("themes").join(name);
        if theme_dir.is_dir() {
            add_tree(&mut theme.templates, &theme_dir.join("templates"))?;
            add_tree(&mut theme.statics, &theme_dir.join("static"))?;
        } else if name != DEFAULT_THEME_NAME {
            return Err(RenderError::ThemeMissing {
                name: name.to_string(),
                dir: theme_dir,
            });
        }
        add_tree(&mut theme.templates, &site_root.join("templates"))?;
        Ok(theme)
    }

    /// True when template `name` is the default theme's as shipped (embedded, or a
    /// copy of the same text on disk).
    pub fn is_default_template(&self, name: &str) -> bool {
        let Some(file) = self.templates.get(name) else {
            return false;
        };
        file.origin == Origin::Builtin
            || DEFAULT_THEME
                .get_file(Path::new("templates").join(name))
                .is_some_and(|shipped| shipped.contents() == file.bytes.as_slice())
    }

    /// The embedded default theme alone (for tests and `gongkai new`).
    pub fn builtin() -> Theme {
        let mut theme = Theme::default();
        theme.add_embedded(&DEFAULT_THEME);
        theme
    }

    fn add_embedded(&mut self, dir: &Dir<'static>) {
        for (folder, map) in [
            ("templates", &mut self.templates),
            ("static", &mut self.statics),
        ] {
            if let Some(sub) = dir.get_dir(folder) {
                add_embedded_files(map, sub, Path::new(folder));
            }
        }
    }

    /// Compiles the templates with tera, autoescaping `.html` and `.xml`.
    ///
    /// A template that does not parse (typically a site's override) is reported with
    /// the file it came from.
    pub fn tera(&self) -> Result<Tera, RenderError> {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".htm", ".xml"]);
        tera.set_escape_fn(escape_html);
        let mut sources = Vec::with_capacity(self.templates.len());
        for (name, file) in &self.templates {
            let text = String::from_utf8(file.bytes.clone()).map_err(|_| {
                RenderError::TemplateEncoding {
                    file: file.origin.describe(name),
                }
            })?;
            sources.push((name.clone(), text));
        }
        // Parse one by one first so a broken template is named precisely, then add all
        // together so inheritance between them resolves.
        for (name, text) in &sources {
            if let Err(err) = tera::Template::new(name, None, text) {
                return Err(RenderError::Template {
                    file: self.templates[name].origin.describe(name),
                    detail: super::error_chain(&err),
                });
            }
        }
        tera.add_raw_templates(sources)
            .map_err(|err| RenderError::Template {
                file: "主题模板".to_string(),
                detail: super::error_chain(&err),
            })?;
        Ok(tera)
    }
}

/// HTML escaping for text and attribute values: `& < > " '`. Unlike tera's default it
/// leaves `/` alone, so links read `../../months/2024-05/index.html`, not `&#x2F;`.
pub fn escape_html(input: &str) -> String {
    // Runs for every printed value of every page: copy the runs between special
    // characters whole (most values have none) instead of pushing char by char.
    let bytes = input.as_bytes();
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    let mut copied = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        // The special characters are ASCII, so `i` is on a char boundary.
        out.push_str(&input[copied..i]);
        out.push_str(entity);
        copied = i + 1;
    }
    out.push_str(&input[copied..]);
    out
}

fn add_embedded_files(map: &mut BTreeMap<String, ThemeFile>, dir: &Dir<'static>, base: &Path) {
    for file in dir.files() {
        if let Ok(rel) = file.path().strip_prefix(base) {
            map.insert(
                slash_path(rel),
                ThemeFile {
                    bytes: file.contents().to_vec(),
                    origin: Origin::Builtin,
                },
            );
        }
    }
    for sub in dir.dirs() {
        add_embedded_files(map, sub, base);
    }
}

/// Adds every file under `dir` (if it exists) to `map`, keyed by its `/`-separated path
/// relative to `dir`. Hidden files (editor backups, `.DS_Store`) are skipped.
fn add_tree(map: &mut BTreeMap<String, ThemeFile>, dir: &Path) -> Result<(), RenderError> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|err| RenderError::Io {
            path: err.path().unwrap_or(dir).to_path_buf(),
            detail: err.to_string(),
        })?;
        if !entry.file_type().is_file() || is_hidden(entry.file_name()) {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(dir) else {
            continue;
        };
        let bytes = std::fs::read(entry.path()).map_err(|err| RenderError::Io {
            path: entry.path().to_path_buf(),
            detail: err.to_string(),
        })?;
        map.insert(
            slash_path(rel),
            ThemeFile {
                bytes,
                origin: Origin::File(entry.path().to_path_buf()),
            },
        );
    }
    Ok(())
}

/// Every file of the site's `static/` folder, by `/`-separated relative path.
pub fn site_statics(site_root: &Path) -> Result<BTreeMap<String, ThemeFile>, RenderError> {
    let mut map = BTreeMap::new();
    add_tree(&mut map, &site_root.join("static"))?;
    Ok(map)
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.') || name.ends_with('~')
}

fn slash_path(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_theme_has_base_template_and_css() {
        let theme = Theme::builtin();
        assert!(theme.templates.contains_key("base.html"));
        assert!(theme.statics.contains_key("site.css"));
        theme.tera().expect("default templates parse");
    }

    #[test]
    fn escaping_covers_markup_but_not_slashes() {
        assert_eq!(
            escape_html("<a href=\"x\">'&'</a> ../a/b"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt; ../a/b"
        );
        assert_eq!(escape_html("液氨储罐<泄漏>"), "液氨储罐&lt;泄漏&gt;");
        assert_eq!(escape_html("&"), "&amp;");
        assert_eq!(escape_html("无需转义的文字"), "无需转义的文字");
        assert_eq!(escape_html(""), "");
    }

    #[test]
    fn site_templates_override_builtin() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        std::fs::write(dir.path().join("templates/404.html"), "<p>自定义</p>").unwrap();
        let theme = Theme::load(dir.path(), "default").unwrap();
        assert_eq!(
            theme.templates["404.html"].bytes,
            "<p>自定义</p>".as_bytes()
        );
        assert!(matches!(
            theme.templates["404.html"].origin,
            Origin::File(_)
        ));
        assert_eq!(theme.templates["base.html"].origin, Origin::Builtin);
    }

    #[test]
    fn site_theme_folder_overrides_builtin_static() {
        let dir = tempfile::tempdir().unwrap();
        let stat = dir.path().join("themes/default/static");
        std::fs::create_dir_all(&stat).unwrap();
        std::fs::write(stat.join("site.css"), "body{}").unwrap();
        std::fs::write(stat.join(".DS_Store"), "x").unwrap();
        let theme = Theme::load(dir.path(), "default").unwrap();
        assert_eq!(theme.statics["site.css"].bytes, b"body{}");
        assert!(!theme.statics.contains_key(".DS_Store"));
    }

    #[test]
    fn missing_named_theme_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = Theme::load(dir.path(), "blue").unwrap_err();
        assert!(err.to_string().contains("blue"), "{err}");
    }

    #[test]
    fn broken_override_is_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        std::fs::write(dir.path().join("templates/404.html"), "{% if %}").unwrap();
        let err = Theme::load(dir.path(), "default")
            .unwrap()
            .tera()
            .unwrap_err();
        assert!(err.to_string().contains("404.html"), "{err}");
    }
}
