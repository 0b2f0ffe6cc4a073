//! `site.toml`: the site's settings (SPEC.md "site.toml").

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diag::{Finding, Findings};

/// The file name of the settings file at the site root.
pub const CONFIG_FILE: &str = "site.toml";

/// Column headers that are never published, whatever `site.toml` says (SPEC.md:
/// "the defaults include 举报人, 举报人电话, 联系电话, 身份证号").
pub const DEFAULT_PRIVATE_COLUMNS: &[&str] = &["举报人", "举报人电话", "联系电话", "身份证号"];

/// Any header containing one of these is private too.
pub const PRIVATE_HEADER_FRAGMENTS: &[&str] = &["举报人", "身份证"];

/// The whole of `site.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct SiteConfig {
    /// Site title, e.g. 南庄镇安全生产信息公开.
    pub title: String,
    /// The publishing authority, e.g. 文水县南庄镇人民政府.
    pub issuer: String,
    /// Where the site will live; may have a sub-path. Links in the output are relative
    /// anyway; this is used for the feed, the sitemap and canonical links.
    #[serde(default)]
    pub base_url: String,
    /// Theme folder under `themes/`.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// The month's register is due by this day of the month.
    #[serde(default = "default_disclosure_day")]
    pub disclosure_day: u32,
    /// Reporting hotline.
    #[serde(default)]
    pub hotline: Hotline,
    /// Register settings.
    #[serde(default)]
    pub register: RegisterSettings,
    /// Publication safety settings (the leak scanner's allow-list).
    #[serde(default)]
    pub publish: PublishSettings,
}

/// `[publish]`: what the leak scanner lets through.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct PublishSettings {
    /// Numbers and values that look personal but are public (an office's mobile duty
    /// phone, a published unit's account number). Numbers are compared by their digits,
    /// other values as written. See README "发布安全".
    #[serde(default)]
    pub allow: Vec<String>,
}

/// `[hotline]`: how residents report a hazard.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct Hotline {
    #[serde(default)]
    pub phones: Vec<Phone>,
    /// The national safety-report hotline, 12350.
    #[serde(default)]
    pub national: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub hours: Option<String>,
}

/// One reporting phone number.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Phone {
    pub label: String,
    pub number: String,
}

/// `[register]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct RegisterSettings {
    /// Column headers never published, in addition to the defaults.
    #[serde(default)]
    pub private_columns: Vec<String>,
}

fn default_theme() -> String {
    "default".to_string()
}

fn default_disclosure_day() -> u32 {
    25
}

/// The error for a site folder that does not exist or is a file (a mistyped `--root`),
/// or `None` when it is a folder.
pub fn root_problem(root: &Path) -> Option<Finding> {
    if root.is_dir() {
        return None;
    }
    let what = if root.exists() {
        "不是文件夹"
    } else {
        "不存在"
    };
    Some(
        Finding::error("root-missing", format!("网站文件夹 {} {what}", root.display()))
            .with_help("请用 --root 指定含 site.toml 的网站文件夹，或先进入该文件夹再运行；可用 `gongkai new 文件夹` 新建一个网站文件夹。"),
    )
}

impl SiteConfig {
    /// Reads `site.toml` from the site root. Unknown keys become warnings; a missing or
    /// unreadable file, or a missing required key, is an error finding naming the file.
    pub fn load(root: &Path, findings: &mut Findings) -> Option<SiteConfig> {
        let path = root.join(CONFIG_FILE);
        if let Some(finding) = root_problem(root) {
            findings.push(finding);
            return None;
        }
        let text = match std::fs::read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(_) => {
                    findings.push(
                        Finding::error("config-encoding", "site.toml 不是 UTF-8 编码")
                            .in_file(CONFIG_FILE)
                            .with_help("请用记事本或其他编辑器将 site.toml 另存为 UTF-8 编码。"),
                    );
                    return None;
                }
            },
            Err(_) => {
                findings.push(
                    Finding::error(
                        "config-missing",
                        format!("找不到网站设置文件 site.toml（在 {}）", root.display()),
                    )
                    .in_file(CONFIG_FILE)
                    .with_help("请在网站文件夹中创建 site.toml，或用 --root 指定网站文件夹；可用 `gongkai new 文件夹` 生成示例。"),
                );
                return None;
            }
        };
        Self::parse(&text, findings)
    }

    /// Parses the text of `site.toml` (see [`SiteConfig::load`]).
    pub fn parse(text: &str, findings: &mut Findings) -> Option<SiteConfig> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let deserializer = toml::Deserializer::new(text);
        let mut unknown = Vec::new();
        let result: Result<SiteConfig, _> =
            serde_ignored::deserialize(deserializer, |path| unknown.push(path.to_string()));
        match result {
            Ok(config) => {
                for key in unknown {
                    findings.push(
                        Finding::warning(
                            "config-unknown-key",
                            format!("site.toml 中有未知设置项 `{key}`，已忽略"),
                        )
                        .in_file(CONFIG_FILE)
                        .with_value(key)
                        .with_help("请检查拼写；可用的设置项见 README。"),
                    );
                }
                if !(1..=31).contains(&config.disclosure_day) {
                    findings.push(
                        Finding::error(
                            "config-disclosure-day",
                            format!(
                                "disclosure_day 应为 1 到 31 之间的日期，现为 {}",
                                config.disclosure_day
                            ),
                        )
                        .in_file(CONFIG_FILE)
                        .in_column("disclosure_day"),
                    );
                }
                Some(config)
            }
            Err(err) => {
                let problem = crate::load::toml_error::explain(text, &err);
                findings.push(
                    Finding::error(
                        "config-invalid",
                        format!("site.toml {}写法有误：{}", problem.place(), problem.reason),
                    )
                    .in_file(CONFIG_FILE)
                    .at_row(problem.line)
                    .with_help("site.toml 为 TOML 格式：每行写作 键 = 值，文字要用英文双引号括起来，例如 title = \"某某镇安全生产信息公开\"。"),
                );
                None
            }
        }
    }

    /// True when a column header must never be published: a default private column, one
    /// listed in `[register] private_columns`, or one containing 举报人 or 身份证.
    /// `header` is expected already normalised (trimmed, NFKC).
    pub fn is_private_column(&self, header: &str) -> bool {
        DEFAULT_PRIVATE_COLUMNS.contains(&header)
            || PRIVATE_HEADER_FRAGMENTS.iter().any(|f| header.contains(f))
            || self
                .register
                .private_columns
                .iter()
                .any(|c| crate::diag::normalize_header(c) == header)
    }

    /// Every phone number the site itself publishes (hotline phones and the national
    /// line), digits only. The leak scanner allows these.
    pub fn public_numbers(&self) -> Vec<String> {
        let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
        self.hotline
            .phones
            .iter()
            .map(|p| digits(&p.number))
            .chain(self.hotline.national.as_deref().map(digits))
            .filter(|d| !d.is_empty())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
title = "南庄镇安全生产信息公开"
issuer = "文水县南庄镇人民政府"
base_url = "https://www.example.gov.cn/nz/aqsc/"
theme = "default"
disclosure_day = 25
colour = "red"

[hotline]
phones = [{ label = "镇安委办举报电话", number = "0358-3012345" }]
national = "12350"
email = "nzaqjb@example.gov.cn"

[register]
private_columns = ["举报人", "举报人电话", "联系人手机"]
"#;

    #[test]
    fn reads_sample_and_warns_on_unknown_key() {
        let mut findings = Findings::default();
        let config = SiteConfig::parse(SAMPLE, &mut findings).expect("parses");
        assert_eq!(config.issuer, "文水县南庄镇人民政府");
        assert_eq!(config.hotline.phones[0].number, "0358-3012345");
        assert_eq!(findings.warnings(), 1);
        assert_eq!(findings.items[0].value.as_deref(), Some("colour"));
        assert_eq!(config.public_numbers(), vec!["03583012345", "12350"]);
    }

    #[test]
    fn private_columns() {
        let mut findings = Findings::default();
        let config = SiteConfig::parse(SAMPLE, &mut findings).unwrap();
        assert!(config.is_private_column("举报人"));
        assert!(config.is_private_column("实名举报人姓名"));
        assert!(config.is_private_column("身份证号码"));
        assert!(config.is_private_column("联系人手机"));
        assert!(!config.is_private_column("责任人"));
    }

    #[test]
    fn missing_title_is_an_error_with_line() {
        let mut findings = Findings::default();
        assert!(SiteConfig::parse("issuer = \"x\"\n", &mut findings).is_none());
        assert!(findings.has_errors());
    }
}
