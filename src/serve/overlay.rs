//! The panel shown over every page while the latest change does not pass the check:
//! each error with its file, row and column, what is wrong and what to do, in Chinese.
//! Everything from the input is HTML-escaped; the panel is styled by
//! `/__gongkai/overlay.css`, so it needs no inline style a Content-Security-Policy
//! could forbid.

use std::fmt::Write;

use crate::diag::{Finding, Findings};
use crate::render::theme::escape_html;

/// At most this many errors are listed on the page; the terminal has them all.
const MAX_LISTED: usize = 100;

/// The overlay HTML for a failed rebuild.
pub fn overlay_html(findings: &Findings) -> String {
    let errors: Vec<&Finding> = findings.items.iter().filter(|f| f.is_error()).collect();
    panel(
        &format!("预览未更新：检查发现 {} 个错误", errors.len()),
        "下面是上一次成功生成的网站。请按列出的问题修改文件，保存后会自动重新检查并刷新本页。",
        &errors,
    )
}

/// The overlay HTML when the site passed the check but some generated file would
/// publish what it must not (personal data, active content), found by the preview's
/// background check of every page: `gongkai build` would refuse to publish it.
pub fn unpublishable_html(findings: &Findings) -> String {
    let errors: Vec<&Finding> = findings.items.iter().filter(|f| f.is_error()).collect();
    panel(
        &format!("发布前检查：生成的网站有 {} 处不得公开的内容", errors.len()),
        "预览照常显示，但 gongkai build 会拒绝发布这个网站。请按列出的问题修改文件（多为台账中填入了手机号、身份证号等个人信息），保存后会自动重新检查。",
        &errors,
    )
}

/// The panel: a heading, what to do, and the errors with their file, row and column.
fn panel(heading: &str, intro: &str, errors: &[&Finding]) -> String {
    let mut html = String::new();
    html.push_str(
        "<aside id=\"gongkai-overlay\" class=\"gongkai-overlay\" role=\"alert\" \
         aria-labelledby=\"gongkai-overlay-title\">",
    );
    let _ = write!(
        html,
        "<h2 id=\"gongkai-overlay-title\">{}</h2><p>{}</p>",
        escape_html(heading),
        escape_html(intro)
    );
    html.push_str(
        "<table><thead><tr><th scope=\"col\">文件</th><th scope=\"col\">行</th>\
         <th scope=\"col\">列</th><th scope=\"col\">问题与处理办法</th></tr></thead><tbody>",
    );
    for finding in errors.iter().take(MAX_LISTED) {
        let file = finding
            .file
            .as_ref()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_else(|| "（全站）".to_string());
        let row = finding.row.map(|r| r.to_string()).unwrap_or_default();
        let column = finding.column.as_deref().unwrap_or("");
        let _ = write!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}",
            escape_html(&file),
            row,
            escape_html(column),
            escape_html(&finding.message)
        );
        if let Some(value) = &finding.value {
            let _ = write!(html, "（内容：「{}」）", escape_html(value));
        }
        if let Some(help) = &finding.help {
            let _ = write!(html, "<br>处理办法：{}", escape_html(help));
        }
        html.push_str("</td></tr>");
    }
    html.push_str("</tbody></table>");
    if errors.len() > MAX_LISTED {
        let _ = write!(
            html,
            "<p>另有 {} 个错误未列出，完整列表见运行 gongkai serve 的窗口。</p>",
            errors.len() - MAX_LISTED
        );
    }
    html.push_str("</aside>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_errors_escaped_with_place() {
        let mut findings = Findings::default();
        findings.push(
            Finding::error("date-invalid", "无法识别的日期 <b>")
                .in_file("content/registers/2025-01/甲村.csv")
                .at_row(4)
                .in_column("发现日期")
                .with_value("2025-13-01")
                .with_help("请写成 2025-01-31"),
        );
        findings.push(Finding::warning("five-missing", "不应出现在浮层中"));
        let html = overlay_html(&findings);
        assert!(html.contains("检查发现 1 个错误"));
        assert!(html.contains("content/registers/2025-01/甲村.csv"));
        assert!(html.contains("<td>4</td><td>发现日期</td>"));
        assert!(html.contains("无法识别的日期 &lt;b&gt;"));
        assert!(html.contains("2025-13-01"));
        assert!(html.contains("处理办法：请写成 2025-01-31"));
        assert!(!html.contains("不应出现"));
    }

    #[test]
    fn unpublishable_says_build_would_refuse() {
        let mut findings = Findings::default();
        findings.push(
            Finding::error("leak-mobile", "页面中有手机号码")
                .in_file("content/registers/2025-03/执法队.csv")
                .at_row(5),
        );
        let html = unpublishable_html(&findings);
        assert!(html.contains("生成的网站有 1 处不得公开的内容"));
        assert!(html.contains("gongkai build 会拒绝发布"));
        assert!(html.contains("<td>content/registers/2025-03/执法队.csv</td><td>5</td>"));
        assert!(html.starts_with("<aside id=\"gongkai-overlay\""));
    }

    #[test]
    fn long_lists_are_cut() {
        let mut findings = Findings::default();
        for i in 0..(MAX_LISTED + 5) {
            findings.push(Finding::error("x", format!("错误{i}")));
        }
        let html = overlay_html(&findings);
        assert!(html.contains("另有 5 个错误未列出"));
        assert!(html.contains("（全站）"));
    }
}
