//! Row fragments (`render::rows`): a month's list rows are rendered once through
//! `hazard_row.html` and pasted into every list page that shows them. The pages must be
//! the same bytes as without the reuse, a site's `hazard_row.html` must still show on
//! every list, and a site that overrides a template reading the rows' fields must get
//! fields.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use gongkai::pipeline::build_once;
use gongkai::render::RenderOptions;

/// Every output file of the site at `root`, by path, with the row reuse on or off.
fn build(root: &Path, today: &str, row_reuse: bool) -> BTreeMap<String, Vec<u8>> {
    let mut opts = RenderOptions::new(root);
    opts.today = NaiveDate::parse_from_str(today, "%Y-%m-%d").unwrap();
    opts.row_reuse = row_reuse;
    let built = build_once(root, opts)
        .unwrap_or_else(|findings| panic!("{root:?} did not build: {:#?}", findings.items));
    built.files.into_iter().map(|f| (f.path, f.bytes)).collect()
}

fn assert_same_bytes(with: &BTreeMap<String, Vec<u8>>, without: &BTreeMap<String, Vec<u8>>) {
    assert_eq!(
        with.keys().collect::<Vec<_>>(),
        without.keys().collect::<Vec<_>>(),
        "the same files"
    );
    for (path, bytes) in with {
        assert!(
            *bytes == without[path],
            "{path} differs with the row reuse:\n{}",
            String::from_utf8_lossy(bytes)
        );
    }
}

const HEADER: &str = "编号,隐患名称,单位名称,所在村,行业领域,隐患等级,隐患来源,挂牌督办,发现日期,整改措施,责任人,整改资金（万元）,整改时限,延期至,应急预案,整改状态,整改进度,完成日期,销号日期,销号审核人";

/// A site with one month of 450 hazards in three villages, every standing among them
/// (overdue, open with and without a deadline, extended, rectified, closed), some under
/// 挂牌督办, names with characters that need escaping: long enough that the standing
/// pages are split (rows at two depths of folders), and village pages beside them.
fn long_month(root: &Path) {
    std::fs::create_dir_all(root.join("content/registers")).unwrap();
    std::fs::write(
        root.join("site.toml"),
        "title = \"南庄镇安全生产信息公开\"\nissuer = \"南庄镇人民政府\"\ndisclosure_day = 25\n\n[hotline]\nphones = [{ label = \"镇安委办\", number = \"0358-3012345\" }]\nnational = \"12350\"\n",
    )
    .unwrap();
    let mut text = String::from(HEADER);
    for i in 1..=450 {
        let village = ["东庄村", "西庄村", "南街社区"][i % 3];
        let supervised = if i % 7 == 0 { "是" } else { "否" };
        let (deadline, extended, status, done, closed, approver) = match i % 6 {
            0 => ("2024-03-10", "", "未整改", "", "", ""),
            1 => ("2024-06-30", "", "整改中", "", "", ""),
            2 => ("", "", "未整改", "", "", ""),
            3 => ("2024-03-01", "2024-07-31", "整改中", "", "", ""),
            4 => ("2024-03-20", "", "已整改", "2024-03-18", "", ""),
            _ => (
                "2024-03-20",
                "",
                "已销号",
                "2024-03-15",
                "2024-03-19",
                "李审核",
            ),
        };
        text.push_str(&format!(
            "\r\nNZ-{i:03},\"隐患第{i}项 <甲&乙> \"\"引号\"\"\",南庄第{i}企业,{village},工贸,重大,企业自查,{supervised},2024-03-0{d},整改,张三,1,{deadline},{extended},巡检,{status},进行中,{done},{closed},{approver}",
            d = 1 + i % 9,
        ));
    }
    text.push_str("\r\n");
    std::fs::write(root.join("content/registers/2024-03.csv"), text).unwrap();
}

/// The bundled example (sealed months, a correction, villages, notices): every file is
/// the same bytes with the reuse on and off.
#[test]
fn the_example_is_the_same_bytes_with_and_without_row_reuse() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert_same_bytes(
        &build(root, "2026-10-25", true),
        &build(root, "2026-10-25", false),
    );
}

/// A long month whose rows are listed on split standing pages and on village pages.
#[test]
fn a_long_month_is_the_same_bytes_with_and_without_row_reuse() {
    let dir = tempfile::tempdir().unwrap();
    long_month(dir.path());
    let with = build(dir.path(), "2024-03-25", true);
    assert!(
        with.contains_key("months/2024-03/status/open/list-2/index.html"),
        "the fixture splits a standing's list"
    );
    assert_same_bytes(&with, &build(dir.path(), "2024-03-25", false));
}

/// Puts `text` in the site's `templates/NAME`, overriding the theme's template.
fn site_template(root: &Path, name: &str, text: &str) {
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(root.join("templates").join(name), text).unwrap();
}

/// The rows of the `<ol class="hazard-rows">` lists of a page.
fn list_items(html: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("class=\"hazard-rows\"") {
        let end = rest[start..].find("</ol>").unwrap() + start;
        items.extend(rest[start..end].split("<li").skip(1));
        rest = &rest[end..];
    }
    items
}

/// A site's own `hazard_row.html` is what every list of every page shows (the month's
/// pages, its standing and village pages at every depth, village and sector pages, the
/// home page), with the reuse on.
#[test]
fn a_sites_row_template_shows_on_every_page_that_lists_rows() {
    let dir = tempfile::tempdir().unwrap();
    long_month(dir.path());
    site_template(
        dir.path(),
        "hazard_row.html",
        "<li class=\"my-row\"><a href=\"{{ h.href }}\">{{ h.id }}</a> {{ h.status }}</li>\n",
    );
    let files = build(dir.path(), "2024-03-25", true);
    let mut listing = 0;
    let mut pages = Vec::new();
    for (path, bytes) in &files {
        let html = String::from_utf8_lossy(bytes);
        let items = list_items(&html);
        if items.is_empty() {
            continue;
        }
        listing += 1;
        pages.push(path.clone());
        for item in items {
            assert!(
                item.starts_with(" class=\"my-row\"><a href=\""),
                "{path} lists a row not from the site's template: {item}"
            );
        }
    }
    for page in [
        "index.html",
        "months/2024-03/index.html",
        "months/2024-03/status/open/index.html",
        "months/2024-03/status/open/list-2/index.html",
        "months/2024-03/status/supervised/index.html",
        "villages/东庄村/index.html",
    ] {
        assert!(
            pages.iter().any(|p| p == page),
            "{page} lists rows: {pages:?}"
        );
    }
    assert!(
        pages
            .iter()
            .any(|p| p.starts_with("months/2024-03/villages/")),
        "a month's village page lists rows"
    );
    assert!(listing > 10, "{listing} pages list rows");
    // The links are right for each page's depth.
    let deep = String::from_utf8_lossy(&files["months/2024-03/status/open/list-2/index.html"]);
    assert!(deep.contains("<a href=\"../../../../../hazards/"), "{deep}");
}

/// A site whose `month_filter.html` reads the rows' fields itself gets fields: the
/// reuse turns itself off.
#[test]
fn a_site_reading_row_fields_on_list_pages_gets_fields() {
    let dir = tempfile::tempdir().unwrap();
    long_month(dir.path());
    site_template(
        dir.path(),
        "month_filter.html",
        "{% extends \"base.html\" %}{% block content %}{% for g in groups %}{% for h in g.hazards %}<p>{{ h.id }}：{{ h.title }}</p>\n{% endfor %}{% endfor %}{% endblock content %}",
    );
    let files = build(dir.path(), "2024-03-25", true);
    let page = String::from_utf8_lossy(&files["months/2024-03/status/closed/index.html"]);
    assert!(
        page.contains("<p>NZ-005：隐患第5项 &lt;甲&amp;乙&gt; &quot;引号&quot;</p>"),
        "{page}"
    );
}
