//! The ledger end to end (`gongkai build`, `check`, `verify` on a fixture site with the
//! date pinned): sealed months, corrections, no quiet rewrites between months, and an
//! archive that cannot be dodged. Each rule is broken once and its exact message checked.

mod common;

use std::path::Path;

use common::{digests, findings_of, TempSite};
use serde_json::Value;

/// The fixture's last month (2025-03) is due on the 25th: all three months seal.
const AFTER_MARCH: &str = "2025-03-26";

fn run(site: &TempSite, args: &[&str], today: &str) -> std::process::Output {
    assert_cmd::Command::cargo_bin("gongkai")
        .unwrap()
        .env("NO_COLOR", "1")
        .env("GONGKAI_TODAY", today)
        .env_remove("GONGKAI_TIMINGS")
        .args(args)
        .arg("--root")
        .arg(site.root())
        .output()
        .unwrap()
}

fn build(site: &TempSite, today: &str) -> std::process::Output {
    run(site, &["build"], today)
}

fn check(site: &TempSite, today: &str) -> (i32, Value) {
    let out = run(site, &["check", "--format", "json"], today);
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    });
    (out.status.code().unwrap(), report)
}

fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The town fixture built once after March: 2025-01..03 sealed.
fn sealed() -> TempSite {
    let site = TempSite::copy_of("town");
    let out = build(&site, AFTER_MARCH);
    assert!(out.status.success(), "{}", text(&out));
    site
}

/// The fingerprint of a seal file in the site's archive.
fn fingerprint(site: &TempSite, file: &str) -> String {
    let bytes = std::fs::read(site.path(&format!("archive/{file}"))).unwrap();
    let hex = std::str::from_utf8(&bytes[11..27]).unwrap();
    hex.as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The only error with `code`; panics with the report otherwise.
fn only_error<'a>(report: &'a Value, code: &str) -> &'a Value {
    let errors = findings_of(report, "error");
    assert_eq!(
        errors.len(),
        1,
        "{}",
        serde_json::to_string_pretty(report).unwrap()
    );
    assert_eq!(errors[0]["code"], code);
    errors[0]
}

#[test]
fn a_build_seals_due_months_into_a_hash_chain_and_publishes_it() {
    let site = TempSite::copy_of("town");
    // Before March's due day only January and February are sealed.
    let out = build(&site, "2025-03-24");
    assert!(out.status.success(), "{}", text(&out));
    let names = |dir: &Path| {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        names(&site.path("archive")),
        ["2025-01.json", "2025-02.json"]
    );
    let out = build(&site, AFTER_MARCH);
    assert!(text(&out).contains("已封存："), "{}", text(&out));
    assert_eq!(
        names(&site.path("archive")),
        ["2025-01.json", "2025-02.json", "2025-03.json"]
    );
    assert_eq!(
        names(&site.path("public/archive")),
        ["2025-01.json", "2025-02.json", "2025-03.json", "chain.json"]
    );
    let seal: Value = {
        let bytes = std::fs::read(site.path("archive/2025-02.json")).unwrap();
        serde_json::from_slice(&bytes).unwrap()
    };
    assert_eq!(seal["seal"]["sealed_on"], "2025-03-24");
    assert_eq!(seal["seal"]["seq"], 2);
    let first: Value =
        serde_json::from_slice(&std::fs::read(site.path("archive/2025-01.json")).unwrap()).unwrap();
    assert_eq!(seal["seal"]["previous"], first["sha256"], "the chain links");
    // Public columns only: the private columns of the registers never reach a seal.
    let raw = std::fs::read_to_string(site.path("archive/2025-02.json")).unwrap();
    assert!(!raw.contains("举报人"));
    // The month page shows the fingerprint, linking the archive file.
    let page = std::fs::read_to_string(site.path("public/months/2025-02/index.html")).unwrap();
    let fp = fingerprint(&site, "2025-02.json");
    assert!(page.contains(&format!("{fp}</code>")), "{page}");
    assert!(page.contains("href=\"../../archive/2025-02.json\""));
    // Building again seals nothing new and verify passes.
    let before = digests(&site.path("archive"));
    assert!(build(&site, AFTER_MARCH).status.success());
    assert_eq!(digests(&site.path("archive")), before);
    let verify = assert_cmd::Command::cargo_bin("gongkai")
        .unwrap()
        .args(["verify"])
        .arg(site.path("public"))
        .output()
        .unwrap();
    assert_eq!(verify.status.code(), Some(0), "{}", text(&verify));
    assert!(
        String::from_utf8_lossy(&verify.stdout).starts_with("封存记录完好：3 个月、3 个封存文件")
    );
}

#[test]
fn editing_a_sealed_cell_is_an_error_naming_month_file_row_column_old_and_new() {
    let site = sealed();
    site.edit(
        "content/registers/2025-02/甲村.csv",
        "补设静电接地装置",
        "补设静电接地装置并检测",
    );
    let (code, report) = check(&site, AFTER_MARCH);
    assert_eq!(code, 1);
    let e = only_error(&report, "sealed-changed");
    let fp = fingerprint(&site, "2025-02.json");
    assert_eq!(
        e["message"],
        format!("2025-02 已封存（archive/2025-02.json，指纹 {fp}），台账却改了：隐患 JC-004 的“整改措施”由“补设静电接地装置”改为“补设静电接地装置并检测”")
    );
    assert_eq!(e["file"], "content/registers/2025-02/甲村.csv");
    assert_eq!(e["row"], 7);
    assert_eq!(e["column"], "整改措施");
    // build refuses and writes nothing: not the output, not a seal.
    let before = digests(site.root());
    let out = build(&site, AFTER_MARCH);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(digests(site.root()), before);
}

#[test]
fn deleting_a_sealed_hazard_is_an_error() {
    let site = sealed();
    site.edit(
        "content/registers/2025-02/甲村.csv",
        "JC-003,仓库疏散通道堆放杂物,示例县甲乡百货商店,甲村,消防,一般隐患,执法检查,否,2025.1.8,清理杂物，保持通道畅通,钱老板,0.1,2025.1.15,,疏散预案,已销号,已验收,2025.1.10,2025.2.10,孙审核,,,",
        "",
    );
    let (_, report) = check(&site, AFTER_MARCH);
    let e = only_error(&report, "sealed-removed");
    let fp = fingerprint(&site, "2025-02.json");
    assert_eq!(
        e["message"],
        format!("2025-02 已封存（archive/2025-02.json，指纹 {fp}），隐患 JC-003（仓库疏散通道堆放杂物）却从台账里删掉了")
    );
    assert_eq!(e["file"], "content/registers/2025-02");
}

#[test]
fn adding_a_hazard_to_a_sealed_month_is_an_error() {
    let site = sealed();
    site.edit(
        "content/registers/2025-02/执法队.csv",
        "已按论证方案搭设,2025-02-20,,,",
        "已按论证方案搭设,2025-02-20,,,\nZF-009,配电室未铺设绝缘垫,示例县砖厂,丙村,冶金工贸,一般,执法检查,,,2025-02-10,铺设绝缘垫,钱厂长,0.1,2025-02-15,停电检修预案,已整改,已铺设,2025-02-14,,,",
    );
    let (_, report) = check(&site, AFTER_MARCH);
    let e = only_error(&report, "sealed-added");
    let fp = fingerprint(&site, "2025-02.json");
    assert_eq!(
        e["message"],
        format!("2025-02 已封存（archive/2025-02.json，指纹 {fp}），台账里却多了封存时没有的隐患 ZF-009（配电室未铺设绝缘垫）")
    );
    assert_eq!(e["file"], "content/registers/2025-02/执法队.csv");
    assert_eq!(e["row"], 3);
}

#[test]
fn moving_a_deadline_without_an_extension_is_an_error_naming_both_months() {
    // No seals at all: the rule holds between months whether or not they are sealed.
    let site = TempSite::copy_of("town");
    site.edit(
        "content/registers/2025-03/甲村.csv",
        "0.6,2025-02-20,",
        "0.6,2025-04-30,",
    );
    let (code, report) = check(&site, "2025-03-01");
    assert_eq!(code, 1);
    let e = only_error(&report, "deadline-moved");
    assert_eq!(
        e["message"],
        "隐患 JC-004：整改时限被改动，却没有填写“延期至”。2025-02 的台账（content/registers/2025-02/甲村.csv 第 7 行）“整改时限”是“2025-02-20”，2025-03 的台账是“2025-04-30”"
    );
    assert_eq!(e["file"], "content/registers/2025-03/甲村.csv");
    assert_eq!(e["column"], "整改时限");
    // An approved extension is the way: the deadline stays, 延期至 carries the new date.
    let site = TempSite::copy_of("town");
    site.edit(
        "content/registers/2025-03/甲村.csv",
        "0.6,2025-02-20,,",
        "0.6,2025-02-20,2025-04-30,",
    );
    let (code, report) = check(&site, "2025-03-01");
    assert_eq!(code, 0, "{report}");
}

#[test]
fn downgrading_a_major_hazard_is_an_error() {
    let site = TempSite::copy_of("town");
    site.edit(
        "content/registers/2025-03/甲村.csv",
        "危险化学品,重大,",
        "危险化学品,一般,",
    );
    let (_, report) = check(&site, "2025-03-01");
    let e = only_error(&report, "level-downgraded");
    assert_eq!(
        e["message"],
        "隐患 JC-004：隐患等级由重大降为一般。2025-02 的台账（content/registers/2025-02/甲村.csv 第 7 行）“隐患等级”是“重大”，2025-03 的台账是“一般”"
    );
}

#[test]
fn dropping_supervision_while_open_is_an_error() {
    let site = TempSite::copy_of("town");
    site.edit(
        "content/registers/2025-02/甲村.csv",
        "上级交办,否,",
        "上级交办,是,",
    );
    let (_, report) = check(&site, "2025-03-01");
    let e = only_error(&report, "supervision-dropped");
    assert_eq!(
        e["message"],
        "隐患 JC-004：隐患尚未整改完成，挂牌督办却被取消。2025-02 的台账（content/registers/2025-02/甲村.csv 第 7 行）“挂牌督办”是“是”，2025-03 的台账是“否”"
    );
    assert_eq!(e["file"], "content/registers/2025-03/甲村.csv");
    assert_eq!(e["row"], 6);
}

#[test]
fn a_tampered_seal_byte_stops_build_and_check_naming_the_month() {
    let site = sealed();
    let path = site.path("archive/2025-02.json");
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes.windows(6).position(|w| w == b"JC-004").unwrap();
    bytes[at + 5] = b'5';
    std::fs::write(&path, bytes).unwrap();
    let before = digests(site.root());
    let out = build(&site, AFTER_MARCH);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("2025-02 的封存记录 archive/2025-02.json 有问题：校验值（SHA-256）与内容不符：文件内容在封存后被改动过"),
        "{}",
        text(&out)
    );
    assert_eq!(digests(site.root()), before, "nothing written");
    let (code, report) = check(&site, AFTER_MARCH);
    assert_eq!(code, 1);
    let first = &findings_of(&report, "error")[0];
    assert_eq!(first["file"], "archive/2025-02.json");
}

#[test]
fn deleting_archive_while_the_previous_output_has_one_is_refused() {
    let site = sealed();
    std::fs::remove_dir_all(site.path("archive")).unwrap();
    let before = digests(&site.path("public"));
    let out = build(&site, AFTER_MARCH);
    assert_eq!(out.status.code(), Some(1));
    let expected = format!(
        "2025-01 的封存记录 archive/2025-01.json 有问题：网站文件夹里没有 archive/ 文件夹，但上次生成的网站（{}）里有已公开的封存文件 2025-01.json",
        site.path("public").join("archive").display()
    );
    assert!(text(&out).contains(&expected), "{}", text(&out));
    assert_eq!(
        digests(&site.path("public")),
        before,
        "the output stays whole"
    );
    assert!(!site.path("archive").exists(), "no seal written");
}

#[test]
fn a_correction_that_matches_nothing_is_a_warning() {
    let site = sealed();
    site.write(
        "content/corrections/更正.csv",
        "月份,编号,列,更正原因,更正日期,批准人\n2025-02,JC-001,整改措施,录入错误,2025-03-20,乡安委办 李主任\n",
    );
    let (code, report) = check(&site, AFTER_MARCH);
    assert_eq!(code, 0);
    let w: Vec<&Value> = findings_of(&report, "warning")
        .into_iter()
        .filter(|f| f["code"] == "correction-unused")
        .collect();
    assert_eq!(w.len(), 1, "{report}");
    assert_eq!(
        w[0]["message"],
        "这条更正（2025-02 隐患 JC-001的“整改措施”）没有对应的改动：台账与已公开的内容相同"
    );
    assert_eq!(w[0]["file"], "content/corrections/更正.csv");
    assert_eq!(w[0]["row"], 2);
}

#[test]
fn a_covered_correction_reissues_the_seal_and_is_shown_on_the_site() {
    let site = sealed();
    let original = std::fs::read(site.path("archive/2025-02.json")).unwrap();
    site.edit(
        "content/registers/2025-02/甲村.csv",
        "补设静电接地装置",
        "补设静电接地装置并检测",
    );
    // GBK from Excel, with a title line, like the registers.
    let table = "甲乡已公开信息更正表\r\n月份,编号,列,更正原因,更正日期,批准人\r\n2025年2月,JC-004,整改措施,漏填检测要求,2025年3月27日,乡安委办 李主任\r\n";
    let (gbk, _, _) = encoding_gbk(table);
    std::fs::create_dir_all(site.path("content/corrections")).unwrap();
    std::fs::write(site.path("content/corrections/更正.csv"), gbk).unwrap();
    let out = build(&site, "2025-03-27");
    assert!(out.status.success(), "{}", text(&out));
    // The old seal is untouched; the re-issue references it.
    assert_eq!(
        std::fs::read(site.path("archive/2025-02.json")).unwrap(),
        original
    );
    let v2: Value =
        serde_json::from_slice(&std::fs::read(site.path("archive/2025-02.v2.json")).unwrap())
            .unwrap();
    let v1: Value = serde_json::from_slice(&original).unwrap();
    assert_eq!(v2["seal"]["supersedes"], v1["sha256"]);
    assert_eq!(v2["seal"]["seq"], 4);
    assert_eq!(v2["seal"]["corrections"][0]["old"], "补设静电接地装置");
    assert_eq!(
        v2["seal"]["corrections"][0]["new"],
        "补设静电接地装置并检测"
    );
    // The pages.
    let page = std::fs::read_to_string(site.path("public/corrections/index.html")).unwrap();
    assert!(page.contains("<td>补设静电接地装置</td>\n<td>补设静电接地装置并检测</td>\n<td>漏填检测要求</td>\n<td>乡安委办 李主任</td>"), "{page}");
    let hazard = std::fs::read_to_string(site.path(&format!(
        "public/{}",
        gongkai::render::urls::hazard_path("JC-004")
    )))
    .unwrap();
    assert!(
        hazard.contains(
            "“整改措施”：补设静电接地装置 → 补设静电接地装置并检测。更正原因：漏填检测要求"
        ),
        "{hazard}"
    );
    let month = std::fs::read_to_string(site.path("public/months/2025-02/index.html")).unwrap();
    assert!(month.contains("<strong>封存后更正 1 处</strong>"));
    assert!(month.contains("（更正后第 2 版）"));
    let csv = std::fs::read_to_string(site.path("public/data/corrections.csv")).unwrap();
    assert!(csv.contains("2025-02,JC-004,整改措施,补设静电接地装置,补设静电接地装置并检测,漏填检测要求,2025-03-27,乡安委办 李主任"));
    let feed = std::fs::read_to_string(site.path("public/feed.xml")).unwrap();
    assert!(
        feed.contains("<title>更正：2025年2月隐患 JC-004“整改措施”</title>"),
        "{feed}"
    );
    assert!(feed.contains("由补设静电接地装置更正为补设静电接地装置并检测。更正原因：漏填检测要求"));
    // Stable: the next build seals nothing, warns nothing, and verify passes.
    let again = build(&site, "2025-03-28");
    assert!(again.status.success());
    assert!(!text(&again).contains("已封存"), "{}", text(&again));
    assert!(!text(&again).contains("correction-unused"));
    let verify = assert_cmd::Command::cargo_bin("gongkai")
        .unwrap()
        .arg("verify")
        .arg(site.path("public"))
        .output()
        .unwrap();
    assert_eq!(verify.status.code(), Some(0), "{}", text(&verify));
}

#[test]
fn verify_names_each_broken_month_and_a_build_removes_a_killed_builds_temp_folder() {
    let site = sealed();
    let public = site.path("public");
    let page = public.join("months/2025-01/index.html");
    let html = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, html.replace("data-sha256=\"", "data-sha256=\"0")).unwrap();
    let seal = public.join("archive/2025-03.json");
    let mut bytes = std::fs::read(&seal).unwrap();
    let n = bytes.len();
    bytes[n - 10] ^= 1;
    std::fs::write(&seal, bytes).unwrap();
    let verify = assert_cmd::Command::cargo_bin("gongkai")
        .unwrap()
        .arg("verify")
        .arg(&public)
        .output()
        .unwrap();
    assert_eq!(verify.status.code(), Some(1));
    let err = String::from_utf8_lossy(&verify.stderr);
    assert!(
        err.contains(
            "2025-01：月份页 months/2025-01/index.html 没有标出本月封存文件 2025-01.json 的指纹"
        ),
        "{err}"
    );
    assert!(err.contains("2025-03：archive/2025-03.json："), "{err}");
    assert!(err.contains("涉及 2025-01、2025-03"), "{err}");

    // A build killed mid-way left its temp folder beside the output.
    let leftover = site.root().join("public.tmp-4194303");
    std::fs::create_dir_all(leftover.join("months")).unwrap();
    std::fs::remove_dir_all(&public).unwrap();
    let out = build(&site, AFTER_MARCH);
    assert!(out.status.success(), "{}", text(&out));
    assert!(!leftover.exists());
}

/// `text` encoded as GBK (as Excel on Chinese Windows saves CSV).
fn encoding_gbk(text: &str) -> (Vec<u8>, (), ()) {
    let (bytes, _, bad) = encoding_rs::GBK.encode(text);
    assert!(!bad);
    (bytes.into_owned(), (), ())
}

#[test]
fn gongkai_seal_seals_a_month_before_its_due_day_once() {
    let site = TempSite::copy_of("town");
    // 2025-03-10: January and February are due, March is not.
    let out = run(&site, &["seal", "2025-03"], "2025-03-10");
    assert!(out.status.success(), "{}", text(&out));
    assert!(site.path("archive/2025-03.json").is_file());
    assert!(site.path("public/archive/2025-03.json").is_file());
    let seal: Value =
        serde_json::from_slice(&std::fs::read(site.path("archive/2025-03.json")).unwrap()).unwrap();
    assert_eq!(seal["seal"]["sealed_on"], "2025-03-10");
    assert_eq!(
        seal["seal"]["seq"], 3,
        "after the due months, in month order"
    );
    let again = run(&site, &["seal", "2025-03"], "2025-03-11");
    assert!(again.status.success());
    assert_eq!(
        String::from_utf8_lossy(&again.stdout),
        "2025-03 已经封存过了（见 archive/），不需要再封存。\n"
    );
    let bad = run(&site, &["seal", "2025-13"], "2025-03-11");
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&bad.stderr),
        "错误：“2025-13”不是月份。请写成 年-月，例如 gongkai seal 2026-10。\n"
    );
}
