//! `render::render_site` through the real pipeline (load → check → model → render) on a
//! small fixture site written into a temp dir: three months of registers (UTF-8, GBK
//! with a title line, private columns), notices (one published, one 依申请公开, one
//! draft), a standing page and a task list.

use std::collections::BTreeMap;
use std::path::Path;

use gongkai::check::rules::check_site;
use gongkai::diag::Findings;
use gongkai::load::load_site;
use gongkai::model::{self, Disclosure};
use gongkai::render::{render_site, urls, OutputFile, RenderOptions};

const HEADER: &str = "编号,隐患名称,单位名称,所在村,行业领域,隐患等级,隐患来源,挂牌督办,发现日期,整改措施,责任人,整改资金（万元）,整改时限,延期至,应急预案,整改状态,整改进度,完成日期,销号日期,销号审核人,举报人,举报人电话,内部意见";

/// Values of private and unknown columns: must never reach the output.
const SECRETS: [&str; 4] = ["王保密", "13900001111", "李匿名", "领导批示勿外传"];
/// Titles of notices that are not published.
const HIDDEN_TITLES: [&str; 2] = ["依申请公开的批复甲乙丙", "草稿通知丁戊己"];

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn gbk(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

fn csv(rows: &[&str]) -> String {
    let mut text = String::from(HEADER);
    for row in rows {
        text.push_str("\r\n");
        text.push_str(row);
    }
    text.push_str("\r\n");
    text
}

/// Writes the fixture site. Figures the tests expect are worked out by hand below.
fn fixture(root: &Path) {
    write(
        root,
        "site.toml",
        r#"title = "南庄镇安全生产信息公开"
issuer = "文水县南庄镇人民政府"
base_url = "https://www.example.gov.cn/nz/aqsc/"
disclosure_day = 25

[hotline]
phones = [{ label = "镇安委办举报电话", number = "0358-3012345" }]
national = "12350"
email = "nzaqjb@example.gov.cn"
address = "南庄镇人民政府社会事务办"
hours = "工作日 8:00—12:00"
"#
        .as_bytes(),
    );
    // March: NZ-001 open and overdue (deadline 3-10, due day 3-25: 15 days);
    // NZ-002 rectified; NZ-003 open with a hostile title.
    write(
        root,
        "content/registers/2024-03/东庄村.csv",
        csv(&[
            "NZ-001,液氨储罐区可燃气体报警器失效,南庄化工有限公司,东庄村,危险化学品,重大事故隐患,企业自查,否,2024-03-01,更换报警器,张三,1.5,2024-03-10,,专人巡检,整改中,已订购设备,,,,王保密,13900001111,领导批示勿外传",
            "NZ-002,粉尘涉爆车间未设置泄爆装置,南庄木业有限公司,东庄村,工贸,重大,执法检查,是,2024-03-02,加装泄爆片,李四,3,2024-03-20,,停产整改,已整改,完成,2024-03-18,,,,,",
            "NZ-003,<script>alert(1)</script>配电室&杂物,南庄商贸,东庄村,,重大,群众举报,否,2024-03-05,清理杂物,王五,0.2,2024-06-30,,,未整改,,,,,李匿名,,",
        ])
        .as_bytes(),
    );
    // April: GBK with a title line; NZ-002 closed; XZ-001 new in 西庄村 with an
    // extension; NZ-001 still overdue (46 days).
    let april = format!(
        "南庄镇重大事故隐患台账（2024年4月）\r\n{}",
        csv(&[
            "NZ-001,液氨储罐区可燃气体报警器失效,南庄化工有限公司,东庄村,危险化学品,重大事故隐患,企业自查,否,2024-03-01,更换报警器,张三,1.5,2024-03-10,,专人巡检,整改中,设备已到货,,,,王保密,13900001111,",
            "NZ-002,粉尘涉爆车间未设置泄爆装置,南庄木业有限公司,东庄村,工贸,重大,执法检查,是,2024-03-02,加装泄爆片,李四,3,2024-03-20,,停产整改,已销号,完成,2024-03-18,2024-04-10,赵副镇长,,,",
            "NZ-003,<script>alert(1)</script>配电室&杂物,南庄商贸,东庄村,,重大,群众举报,否,2024-03-05,清理杂物,王五,0.2,2024-06-30,,,整改中,清理一半,,,,,,",
        ])
    );
    write(root, "content/registers/2024-04/东庄村.csv", &gbk(&april));
    write(
        root,
        "content/registers/2024-04/西庄村.csv",
        csv(&["XZ-001,加油站卸油口无静电接地,西庄加油站,西庄村,成品油,重大,上级交办,县应急管理局,2024-04-03,加装接地桩,钱六,0.8,2024-04-20,2024-05-31,暂停卸油,整改中,施工中,,,,,,"])
            .as_bytes(),
    );
    // May: NZ-002 has left (closed); NZ-001 rectified; NZ-003 open; XZ-001 open within
    // its extension; XZ-002 new.
    write(
        root,
        "content/registers/2024-05/全镇.csv",
        format!(
            "\u{feff}{}",
            csv(&[
                "NZ-001,液氨储罐区可燃气体报警器失效,南庄化工有限公司,东庄村,危险化学品,重大事故隐患,企业自查,否,2024-03-01,更换报警器,张三,1.5,2024-03-10,,专人巡检,已整改,已更换并验收,2024-05-10,,,,,",
                "NZ-003,<script>alert(1)</script>配电室&杂物,南庄商贸,东庄村,,重大,群众举报,否,2024-03-05,清理杂物,王五,0.2,2024-06-30,,,整改中,清理大半,,,,,,",
                "XZ-001,加油站卸油口无静电接地,西庄加油站,西庄村,成品油,重大,上级交办,县应急管理局,2024-04-03,加装接地桩,钱六,0.8,2024-04-20,2024-05-31,暂停卸油,整改中,接地桩已埋设,,,,,,",
                "XZ-002,小作坊使用瓶装液化气未安装报警器,西庄豆腐坊,西庄村,燃气,一般,执法检查,否,2024-05-06,,,,,,,未整改,,,,,,,",
            ])
        )
        .as_bytes(),
    );
    write(
        root,
        "content/notices/2024/paicha.md",
        "+++\ntitle = \"关于开展重大事故隐患专项排查的通知\"\ndate = \"2024-05-12\"\ndoc_number = \"南政发〔2024〕14号\"\nindex_number = \"NZ-2024-0014\"\ncategory = \"通知公告\"\ndisclosure = \"主动公开\"\n+++\n\n# 一、工作目标\n\n全面排查。<script>alert('x')</script>\n"
            .as_bytes(),
    );
    write(
        root,
        "content/notices/2024/pifu.md",
        format!(
            "---\n标题: {}\n成文日期: 2024年4月1日\n公开属性: 依申请公开\n---\n\n正文\n",
            HIDDEN_TITLES[0]
        )
        .as_bytes(),
    );
    write(
        root,
        "content/notices/2024/caogao.md",
        format!(
            "---\n标题: {}\n成文日期: 2024年4月2日\n公开属性: 主动公开\n草稿: true\n---\n\n正文\n",
            HIDDEN_TITLES[1]
        )
        .as_bytes(),
    );
    write(
        root,
        "content/pages/guide.md",
        "---\ntitle: 信息公开指南\n---\n\n本镇信息公开指南。\n".as_bytes(),
    );
    write(
        root,
        "content/tasks/sannian.toml",
        "title = \"三年行动任务清单\"\nyear = 2024\n".as_bytes(),
    );
    write(
        root,
        "content/tasks/sannian.csv",
        "序号,任务,措施,责任单位,完成时限,工作进度,状态\r\n1,建立台账,逐企建档,镇安委办,4月底前,进行中,推进中\r\n2,开展培训,集中培训,镇应急办,2024-12-31,,未开始\r\n3,公开举报电话,网站公开,镇政府办,3月底前,已公开,已完成\r\n"
            .as_bytes(),
    );
}

/// Loads, checks (no errors allowed) and models the site at `root`.
fn disclosure(root: &Path) -> Disclosure {
    let mut findings = Findings::default();
    let site = load_site(root, &mut findings).expect("site loads");
    check_site(&site, &mut findings);
    let errors: Vec<_> = findings.items.iter().filter(|f| f.is_error()).collect();
    assert!(errors.is_empty(), "fixture has errors: {errors:#?}");
    model::build(site)
}

struct Built {
    _dir: tempfile::TempDir,
    files: BTreeMap<String, OutputFile>,
}

impl Built {
    fn html(&self, path: &str) -> &str {
        let file = self
            .files
            .get(path)
            .unwrap_or_else(|| panic!("{path} not rendered; have {:?}", self.files.keys()));
        std::str::from_utf8(&file.bytes).expect("utf-8")
    }

    fn html_pages(&self) -> impl Iterator<Item = (&String, &str)> {
        self.files
            .iter()
            .filter(|(p, _)| p.ends_with(".html"))
            .map(|(p, f)| (p, std::str::from_utf8(&f.bytes).unwrap()))
    }
}

fn build() -> Built {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let site = disclosure(dir.path());
    let files = render_site(&site, &RenderOptions::new(dir.path())).expect("renders");
    Built {
        files: files.into_iter().map(|f| (f.path.clone(), f)).collect(),
        _dir: dir,
    }
}

/// Text of `html` with tags removed and whitespace collapsed, for content assertions.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The `<section>` of `html` whose heading has `id`.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("aria-labelledby=\"{id}\""))
        .unwrap_or_else(|| panic!("no section {id}"));
    let end = html[start..].find("</section>").unwrap() + start;
    &html[start..end]
}

#[test]
fn every_page_type_exists() {
    let b = build();
    for path in [
        urls::HOME,
        urls::DISCLOSURE,
        urls::VILLAGES,
        urls::SECTORS,
        urls::NOTICES,
        urls::HOTLINE,
        urls::DATA,
        urls::NOT_FOUND,
        "months/2024-03/index.html",
        "months/2024-04/index.html",
        "months/2024-05/index.html",
        "hazards/NZ-001.html",
        "hazards/XZ-002.html",
        "villages/东庄村/index.html",
        "villages/西庄村/index.html",
        "sectors/危险化学品/index.html",
        "sectors/未填写/index.html",
        "notices/paicha/index.html",
        "notices/category/通知公告/index.html",
        "pages/guide/index.html",
        "tasks/sannian/index.html",
        "assets/site.css",
        "data/2024-05.csv",
        "data/2024-05.json",
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
    ] {
        assert!(b.files.contains_key(path), "missing {path}");
    }
    // Every page: one h1, the CSP, zh-CN, a skip link.
    for (path, html) in b.html_pages() {
        assert_eq!(html.matches("<h1").count(), 1, "{path}");
        assert!(html.contains("<html lang=\"zh-CN\">"), "{path}");
        assert!(html.contains("Content-Security-Policy"), "{path}");
        assert!(html.contains("href=\"#main\""), "{path}");
        assert!(!html.contains("style=\""), "inline style in {path}");
        // Scripts from the site itself (the search page) are allowed; inline ones not.
        assert!(!html.contains("<script>"), "inline script in {path}");
        assert!(
            !html.contains("wasm-unsafe-eval") || path.starts_with("search/"),
            "{path}"
        );
    }
}

#[test]
fn month_page_lists_every_hazard_of_the_month() {
    let b = build();
    let html = b.html("months/2024-05/index.html");
    let list = section(html, "list");
    for id in ["NZ-001", "NZ-003", "XZ-001", "XZ-002"] {
        assert!(
            list.contains(&format!("href=\"../../hazards/{id}.html\"")),
            "{id} not linked from the list"
        );
    }
    assert!(!list.contains("NZ-002"), "closed NZ-002 left in April");
    // Progress holds the open ones only, results the rectified one.
    let progress = section(html, "progress");
    assert!(progress.contains("XZ-001") && progress.contains("NZ-003"));
    assert!(!progress.contains("NZ-001"));
    assert!(section(html, "results").contains("NZ-001"));
    // The hostile title is escaped, never markup.
    assert!(
        list.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
            || list.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
    );
    assert!(list.contains("配电室&amp;杂物"));
}

#[test]
fn figures_equal_an_independent_count() {
    let b = build();
    // Counted by hand from the fixture, May: 4 listed; NZ-001 rectified; none closed;
    // no open hazard past its (effective) deadline on 5-25: NZ-003 due 6-30, XZ-001
    // extended to 5-31, XZ-002 without a deadline. Supervised: XZ-001.
    let may = text(b.html("months/2024-05/index.html"));
    assert!(
        may.contains("在册隐患 4 已整改 1 整改率 25.0% 逾期未整改 0 挂牌督办 1"),
        "{may}"
    );
    // April: 4 listed; NZ-002 closed counts as rectified; NZ-001 overdue.
    let april = text(b.html("months/2024-04/index.html"));
    assert!(
        april.contains("在册隐患 4 已整改 1 整改率 25.0% 逾期未整改 1 挂牌督办 2"),
        "{april}"
    );
    // The annex table, May, cumulative: 企业自查 NZ-001 (rectified); 执法检查 NZ-002
    // (closed) and XZ-002; 群众举报 NZ-003; 上级交办 XZ-001; 挂牌督办 NZ-002, XZ-001.
    let stats = text(section(b.html("months/2024-05/index.html"), "stats"));
    for row in [
        "企业自查发现的重大事故隐患 1 1 1 1",
        "执法检查发现的重大事故隐患 2 1 1 0",
        "群众举报发现的重大事故隐患 1 0 1 0",
        "上级交办发现的重大事故隐患 1 0 1 0",
        "政府部门挂牌督办的重大事故隐患 2 1 1 0",
    ] {
        assert!(stats.contains(row), "missing «{row}» in {stats}");
    }
    // By village in May: 东庄村 NZ-001, NZ-003; 西庄村 XZ-001, XZ-002.
    assert!(stats.contains("东庄村 2 1 1 0 0 0 2 50.0%"), "{stats}");
    assert!(stats.contains("西庄村 2 2 0 0 0 1 1 0.0%"), "{stats}");
    // Disclosure index: newest first.
    let index = b.html(urls::DISCLOSURE);
    let index = &index[index.find("months-caption").unwrap()..];
    let (may_at, march_at) = (
        index.find("2024年5月").unwrap(),
        index.find("2024年3月").unwrap(),
    );
    assert!(may_at < march_at);
}

#[test]
fn overdue_is_written_in_words_with_days() {
    let b = build();
    let march = b.html("months/2024-03/index.html");
    assert!(
        march.contains("逾期15天"),
        "March: NZ-001 due 3-10, due day 3-25"
    );
    let april = b.html("months/2024-04/index.html");
    assert!(april.contains("逾期46天"));
    // The home page shows the latest month (May), where nothing is overdue.
    let home = b.html(urls::HOME);
    assert!(!home.contains("逾期46天"));
    // Extension: XZ-001 is within its extended deadline in May, days left shown.
    let hazard = b.html("hazards/XZ-001.html");
    assert!(hazard.contains("剩余6天"), "5-25 to 5-31");
    assert!(hazard.contains("延期至"));
}

#[test]
fn hazard_page_has_facts_five_parts_and_history() {
    let b = build();
    let html = b.html("hazards/NZ-001.html");
    let t = text(html);
    for fact in [
        "南庄化工有限公司",
        "东庄村",
        "危险化学品",
        "企业自查",
        "更换报警器",
        "张三",
        "1.5 万元",
        "专人巡检",
    ] {
        assert!(t.contains(fact), "missing {fact}");
    }
    let history = text(section(html, "history-title"));
    assert!(history.contains("2024年3月 整改中 逾期15天"), "{history}");
    assert!(history.contains("2024年4月 整改中 逾期46天"), "{history}");
    assert!(history.contains("2024年5月 已整改"), "{history}");
    // XZ-002 lacks 措施, 责任, 资金, 时限, 预案.
    let t = text(b.html("hazards/XZ-002.html"));
    assert!(t.contains("缺措施、责任、资金、时限、预案"), "{t}");
    // A closed hazard that left the list says so.
    let t = text(b.html("hazards/NZ-002.html"));
    assert!(t.contains("已销号") && t.contains("赵副镇长"));
}

#[test]
fn hotline_is_on_every_page_and_complete_on_its_own() {
    let b = build();
    for (path, html) in b.html_pages() {
        assert!(
            html.contains("href=\"tel:0358-3012345\""),
            "no hotline on {path}"
        );
        assert!(html.contains("href=\"tel:12350\""), "no 12350 on {path}");
    }
    let t = text(b.html(urls::HOTLINE));
    for needle in [
        "nzaqjb@example.gov.cn",
        "南庄镇人民政府社会事务办",
        "工作日 8:00—12:00",
        "匿名",
        "保密",
        "奖励",
    ] {
        assert!(t.contains(needle), "hotline page lacks {needle}");
    }
    assert!(b
        .html(urls::HOTLINE)
        .contains("href=\"mailto:nzaqjb@example.gov.cn\""));
}

#[test]
fn nothing_unpublishable_in_any_file() {
    let b = build();
    for (path, file) in &b.files {
        let content = String::from_utf8_lossy(&file.bytes);
        for secret in SECRETS.iter().chain(HIDDEN_TITLES.iter()) {
            assert!(!content.contains(secret), "{secret} leaked into {path}");
        }
    }
    assert!(!b
        .files
        .keys()
        .any(|p| p.contains("pifu") || p.contains("caogao")));
    // Raw HTML in a notice is sanitised.
    let notice = b.html("notices/paicha/index.html");
    assert!(!notice.contains("alert('x')"));
    for label in [
        "索引号",
        "发布机构",
        "成文日期",
        "文号",
        "公开方式",
        "主题分类",
        "南政发〔2024〕14号",
        "NZ-2024-0014",
    ] {
        assert!(notice.contains(label), "notice metadata lacks {label}");
    }
}

#[test]
fn task_list_marks_overdue_against_the_latest_due_day() {
    let b = build();
    let t = text(b.html("tasks/sannian/index.html"));
    // Today = 2024-05-25: task 1 (4月底前, 推进中) is 25 days late; task 3 is done.
    assert!(t.contains("逾期25天"), "{t}");
    assert_eq!(t.matches("逾期25天").count(), 1);
    assert!(t.contains("逾期未完成 1 项"), "{t}");
    assert!(b.html(urls::HOME).contains("三年行动任务清单"));
}

#[test]
fn links_are_relative_and_resolve() {
    let b = build();
    for (path, html) in b.html_pages() {
        if path == urls::NOT_FOUND {
            continue;
        }
        for target in html
            .split("href=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
        {
            if target.starts_with('#')
                || target.starts_with("tel:")
                || target.starts_with("mailto:")
                || target.starts_with("data:")
                || target.starts_with("https://www.example.gov.cn/")
            {
                continue;
            }
            assert!(!target.starts_with('/'), "absolute link {target} in {path}");
            let resolved = resolve(path, target);
            assert!(
                b.files.contains_key(&resolved),
                "{path} links to missing {target} ({resolved})"
            );
        }
    }
}

/// Resolves a relative, percent-encoded `target` from page `from`.
fn resolve(from: &str, target: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    let decoded = percent_decode(target);
    for segment in decoded.split('/') {
        match segment {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    parts
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
        .join("/")
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn two_renders_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let first = render_site(&disclosure(dir.path()), &RenderOptions::new(dir.path())).unwrap();
    let second = render_site(&disclosure(dir.path()), &RenderOptions::new(dir.path())).unwrap();
    assert_eq!(first.len(), second.len());
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(a.path, b.path);
        assert!(a.bytes == b.bytes, "{} differs between renders", a.path);
    }
}

#[test]
fn site_template_overrides_the_theme() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    write(
        dir.path(),
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<h1>自定义的找不到页面</h1>{% endblock content %}".as_bytes(),
    );
    write(dir.path(), "static/favicon.ico", b"icon");
    let files = render_site(&disclosure(dir.path()), &RenderOptions::new(dir.path())).unwrap();
    let not_found = files.iter().find(|f| f.path == urls::NOT_FOUND).unwrap();
    assert!(String::from_utf8_lossy(&not_found.bytes).contains("自定义的找不到页面"));
    assert!(files.iter().any(|f| f.path == "favicon.ico"));
}

/// The header and footer are rendered once per root prefix and section, from the
/// theme's (or the site's) `header.html` and `footer.html`: an override shows on every
/// page, with links right for the page's depth and the current section marked; a
/// broken one is reported before any page is rendered.
#[test]
fn site_header_and_footer_overrides_reach_every_page() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    write(
        dir.path(),
        "templates/footer.html",
        "<footer>本站页脚 <a href=\"{{ root }}index.html\">首页</a></footer>".as_bytes(),
    );
    write(
        dir.path(),
        "templates/header.html",
        "<header>{% for item in nav %}{% if item.current %}<b>{{ item.label }}</b>{% endif %}{% endfor %}</header>".as_bytes(),
    );
    let files = render_site(&disclosure(dir.path()), &RenderOptions::new(dir.path())).unwrap();
    let html = |path: &str| {
        let file = files.iter().find(|f| f.path == path).unwrap();
        String::from_utf8(file.bytes.clone()).unwrap()
    };
    assert!(
        html("index.html").contains("<footer>本站页脚 <a href=\"index.html\">首页</a></footer>")
    );
    assert!(html("hazards/NZ-001.html").contains("<a href=\"../index.html\">首页</a></footer>"));
    assert!(html("months/2024-04/index.html").contains("<a href=\"../../index.html\">"));
    assert!(html("hazards/NZ-001.html").contains("<header><b>每月公开</b></header>"));
    assert!(html("notices/index.html").contains("<header><b>通知公告</b></header>"));
    for file in files.iter().filter(|f| f.path.ends_with(".html")) {
        let text = String::from_utf8_lossy(&file.bytes);
        assert!(text.contains("本站页脚"), "{} has no footer", file.path);
    }

    write(dir.path(), "templates/footer.html", b"{{ no_such_value }}");
    let err = render_site(&disclosure(dir.path()), &RenderOptions::new(dir.path())).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("footer.html") && message.contains("页脚"),
        "{message}"
    );
}

#[test]
fn static_file_clashing_with_a_page_is_refused_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    write(dir.path(), "static/index.html", b"<p>old home</p>");
    let err = render_site(&disclosure(dir.path()), &RenderOptions::new(dir.path())).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("index.html") && message.contains("static/"),
        "{message}"
    );
}

/// Snapshots of whole pages of the fixture: a month page and a hazard page. Review a
/// change with `INSTA_UPDATE=always cargo test --test render_site` and `git diff`.
#[test]
fn snapshot_month_page() {
    let b = build();
    insta::assert_snapshot!("month_2024_04", b.html("months/2024-04/index.html"));
}

#[test]
fn snapshot_hazard_page() {
    let b = build();
    insta::assert_snapshot!("hazard_nz_001", b.html("hazards/NZ-001.html"));
}

/// Times the page phase on a large site folder given in `GONGKAI_RENDER_SITE` (e.g. one
/// made by `cargo run --release --example gen_corpus -- --out DIR --size town`): the plan
/// (with open data, feed and sitemap), then every page rendered in parallel, without the
/// leak scan, writing or the search index. With `GONGKAI_TIMINGS=1` the cost per page
/// template is printed as well:
/// `GONGKAI_TIMINGS=1 GONGKAI_RENDER_SITE=DIR cargo test --release --test render_site -- --ignored --nocapture`.
#[test]
#[ignore = "needs a generated corpus; run by hand"]
fn render_time_on_a_large_site() {
    use rayon::prelude::*;
    let Some(root) = std::env::var_os("GONGKAI_RENDER_SITE") else {
        eprintln!("GONGKAI_RENDER_SITE not set; nothing timed");
        return;
    };
    let root = Path::new(&root);
    let started = std::time::Instant::now();
    let site = disclosure(root);
    let modelled = started.elapsed();
    let rows: usize = site.months.iter().map(|m| m.entries.len()).sum();
    let started = std::time::Instant::now();
    let plan = gongkai::render::plan(&site, &RenderOptions::new(root)).expect("plans");
    let planned = started.elapsed();
    let started = std::time::Instant::now();
    let (pages, bytes) = plan
        .pages()
        .par_iter()
        .map(|job| plan.render(job).expect("renders").bytes.len())
        .fold(|| (0, 0), |(n, b), len| (n + 1, b + len))
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    let rendered = started.elapsed();
    eprintln!(
        "{} months, {rows} rows, {} hazards: load+check+model {modelled:.2?}, plan with data files {planned:.2?}, {pages} pages rendered in {rendered:.2?} ({:.1} MB)",
        site.months.len(),
        site.hazards.len(),
        bytes as f64 / 1e6
    );
}

/// Renders a site whose only register is `file` in 2024-03, holding `rows` (CSV lines
/// without the header), and returns its output files by path.
fn render_one_month(dir: &Path, file: &str, rows: &[String]) -> BTreeMap<String, OutputFile> {
    fixture(dir);
    std::fs::remove_dir_all(dir.join("content/registers")).unwrap();
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    write(
        dir,
        &format!("content/registers/2024-03/{file}"),
        csv(&rows).as_bytes(),
    );
    let site = disclosure(dir);
    render_site(&site, &RenderOptions::new(dir))
        .expect("renders")
        .into_iter()
        .map(|f| (f.path.clone(), f))
        .collect()
}

/// A month with more villages than the month page lists (a county): the month page
/// links a page of the month's villages, which has every village's link and the table.
#[test]
fn a_month_of_many_villages_lists_them_on_their_own_page() {
    let dir = tempfile::tempdir().unwrap();
    let rows: Vec<String> = (1..=31)
        .map(|i| {
            format!(
                "CZ-{i:03},隐患第{i}项,第{i}企业,第{i}村,工贸,重大,企业自查,否,2024-03-01,整改,张三,1,2024-09-30,,巡检,整改中,进行中,,,,,,"
            )
        })
        .collect();
    let files = render_one_month(dir.path(), "全镇.csv", &rows);
    let html = |path: &str| -> String {
        String::from_utf8(
            files
                .get(path)
                .unwrap_or_else(|| panic!("{path} missing"))
                .bytes
                .clone(),
        )
        .unwrap()
    };
    let month = html("months/2024-03/index.html");
    assert!(
        month.contains("href=\"../../months/2024-03/villages/index.html\""),
        "{month}"
    );
    assert!(text(&month).contains("本月 31 个村（社区）各自的隐患数和统计表"));
    assert!(
        !month.contains("id=\"by-village\""),
        "the table moved off the month page"
    );
    let villages = html("months/2024-03/villages/index.html");
    assert_eq!(
        villages.matches("项，未完成 1</a>").count(),
        31,
        "a link each"
    );
    assert_eq!(
        villages.matches("<th scope=\"row\"><a href=").count(),
        31,
        "a table row each"
    );
    assert!(villages.contains("id=\"by-village\""));
    assert!(text(&villages).contains("2024年3月台账涉及 31 个村（社区）"));
    // Thirty villages or fewer stay on the month page.
    assert!(!files.contains_key("months/2024-02/villages/index.html"));
}

/// The first hazard list (`class="hazard-rows"`) of a month page or a status page.
fn list_table(html: &str) -> &str {
    let start = html.find("class=\"hazard-rows\"").expect("a hazard list");
    let end = html[start..].find("</ol>").unwrap() + start;
    &html[start..end]
}

/// A month of 450 hazards in one village: the month page shows the first 50, its status
/// pages, village and sector are split into pages of 200 rows, and every hazard is
/// linked from exactly one page of its status's list.
#[test]
fn long_lists_are_paginated_and_complete() {
    let dir = tempfile::tempdir().unwrap();
    let rows: Vec<String> = (1..=450)
        .map(|i| {
            format!(
                "DZ-{i:03},隐患第{i}项,南庄第{i}企业,东庄村,工贸,重大,企业自查,否,2024-03-01,整改,张三,1,2024-09-30,,巡检,整改中,进行中,,,,,,"
            )
        })
        .collect();
    let files = render_one_month(dir.path(), "东庄村.csv", &rows);
    let html = |path: &str| -> &str {
        std::str::from_utf8(
            &files
                .get(path)
                .unwrap_or_else(|| panic!("{path} missing"))
                .bytes,
        )
        .unwrap()
    };
    let month = "months/2024-03/index.html";
    // The month page shows the 50 most urgent rows and links the status pages, which
    // together list every hazard once, in the same order.
    let first = "months/2024-03/status/open/index.html";
    let list = [
        first,
        "months/2024-03/status/open/list-2/index.html",
        "months/2024-03/status/open/list-3/index.html",
    ];
    assert!(!files.contains_key("months/2024-03/list-2/index.html"));
    assert!(!files.contains_key("months/2024-03/status/open/list-4/index.html"));
    for i in 1..=450 {
        let link = format!(">DZ-{i:03}</span>");
        let on: Vec<&str> = list
            .iter()
            .copied()
            .filter(|p| list_table(html(p)).contains(&link))
            .collect();
        assert_eq!(on.len(), 1, "DZ-{i:03} listed on {on:?}");
    }
    let month_list = list_table(html(month));
    assert!(month_list.contains(">DZ-001</span>"));
    assert!(month_list.contains(">DZ-050</span>"));
    assert!(!month_list.contains(">DZ-051</span>"));
    assert!(list_table(html(list[2])).contains(">DZ-450</span>"));
    assert!(html(month).contains("href=\"../../months/2024-03/status/open/index.html\""));
    // Pager links: prev and next from the middle page.
    let middle = html(list[1]);
    assert!(
        middle
            .contains("href=\"../../../../../months/2024-03/status/open/index.html\" rel=\"prev\""),
        "{middle}"
    );
    assert!(middle.contains(
        "href=\"../../../../../months/2024-03/status/open/list-3/index.html\" rel=\"next\""
    ));
    assert!(text(middle).contains("第 201—400 项，共 450 项"));
    // The month page names its full count and caps its long tables.
    let month_text = text(html(month));
    assert!(
        month_text.contains("清单共 450 项，本页列出最需要关注的前 50 项"),
        "{month_text}"
    );
    assert!(month_text.contains("尚未完成整改的隐患 450 项"));
    assert!(month_text.contains("下表列出最前面的 20 项"));
    assert!(month_text.contains("新增隐患（450 项）"));
    assert!(
        month_text.contains("另有 430 项未逐一列出，全部见 新增隐患清单"),
        "{month_text}"
    );
    assert!(html(month).len() < html(list[1]).len());
    // Village and sector pages, and the month's pages of one village and one status,
    // paginate in the same way.
    for first in [
        urls::village_path("东庄村"),
        urls::sector_path("工贸"),
        "months/2024-03/villages/东庄村/index.html".to_string(),
        "months/2024-03/status/open/index.html".to_string(),
    ] {
        let third = urls::list_page_path(&first, 3);
        assert!(text(html(&first)).contains("共 450 项"), "{first}");
        assert!(html(&third).contains("rel=\"prev\""), "{third}");
        assert!(!files.contains_key(&urls::list_page_path(&first, 4)));
    }
}
