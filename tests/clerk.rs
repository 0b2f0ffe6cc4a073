//! A clerk's day (issue "check tells the whole truth"): what a new user meets first,
//! each case with the exact message it must print.

mod common;

use common::{check_json, findings_with_code, gongkai, TempSite};

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn help_and_usage_errors_are_chinese() {
    let out = gongkai(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = stdout(&out);
    assert!(
        help.contains("用法：gongkai 命令 [选项]\n\n命令：\n  check"),
        "{help}"
    );
    assert!(
        help.contains("选项：\n  -h, --help     显示本帮助\n  -V, --version  显示版本号"),
        "{help}"
    );
    let out = gongkai(&["build", "--help"]);
    let help = stdout(&out);
    assert!(
        help.contains(
            "用法：gongkai build [--root 文件夹] [--out 输出文件夹] [--base-url 网址] [--today 年-月-日] [--quiet]"
        ),
        "{help}"
    );
    for english in ["Usage", "Options", "Print help", "[default"] {
        assert!(!help.contains(english), "{help}");
    }

    let out = gongkai(&["new"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "错误：缺少必须写的参数 <新文件夹>。\n\n用法：gongkai new 新文件夹\n\n查看帮助：gongkai new --help\n"
    );
    let out = gongkai(&["check", "--rot", "."]);
    assert_eq!(
        stderr(&out),
        "错误：不认识的参数 `--rot`。是不是要写 `--root`？\n\n用法：gongkai check [--root 文件夹] [--out 输出文件夹] [--format text|json] [--today 年-月-日] [--quiet]\n\n查看帮助：gongkai check --help\n"
    );
}

#[test]
fn missing_root_folder_is_said_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("没有这个文件夹");
    let root = missing.to_str().unwrap();
    for command in ["check", "build"] {
        let out = gongkai(&[command, "--root", root]);
        assert_eq!(out.status.code(), Some(1), "{command}");
        let text = stdout(&out);
        assert!(
            text.starts_with(&format!(
                "错误 [root-missing]\n  网站文件夹 {root} 不存在\n"
            )),
            "{command}: {text}"
        );
        assert!(!text.contains("找不到网站设置文件"), "{command}: {text}");
        // build made nothing, not even the folder it was pointed at.
        assert!(!missing.exists(), "{command} created the missing root");
    }
}

#[test]
fn toml_errors_are_explained_in_chinese_with_line_and_column() {
    let site = TempSite::copy_of("town");
    let text = std::fs::read_to_string(site.path("site.toml")).unwrap();
    let line = text.lines().position(|l| l.starts_with("title")).unwrap() + 1;
    let title = text.lines().nth(line - 1).unwrap().to_string();
    site.edit("site.toml", &title, "title = 某某镇安全生产信息公开");
    let (code, report) = check_json(site.root());
    assert_eq!(code, 1);
    let found = findings_with_code(&report, "config-invalid");
    assert_eq!(found.len(), 1, "{report}");
    assert_eq!(
        found[0]["message"],
        format!("site.toml 第 {line} 行第 9 列写法有误：值的写法不对：文字要用英文双引号括起来，例如 title = \"某某镇安全生产信息公开\"")
    );
    assert_eq!(found[0]["row"], line);
}

#[test]
fn month_in_progress_is_one_error_naming_the_missing_villages() {
    let site = TempSite::copy_of("town");
    let from = site.path("content/registers/2025-03/执法队.csv");
    std::fs::create_dir_all(site.path("content/registers/2025-04")).unwrap();
    std::fs::copy(from, site.path("content/registers/2025-04/执法队.csv")).unwrap();
    let (code, report) = check_json(site.root());
    assert_eq!(code, 1);
    assert_eq!(report["summary"]["errors"], 1, "{report}");
    assert_eq!(report["summary"]["warnings"], 0, "{report}");
    let found = findings_with_code(&report, "month-incomplete");
    assert_eq!(found.len(), 1, "{report}");
    assert_eq!(found[0]["file"], "content/registers/2025-04");
    assert_eq!(
        found[0]["message"],
        "2025-04 的台账还缺 1 个村（站所）的文件：甲村（2025-03 有，2025-04 没有）；\
         这些村（站所）上月未销号的隐患 2 处（JC-001、JC-004）因此在 2025-04 没有列出"
    );
    assert!(findings_with_code(&report, "vanished-hazard").is_empty());

    // A hazard of the village that did report is still judged on its own.
    site.edit("content/registers/2025-04/执法队.csv", "ZF-003,", "ZF-009,");
    let (_, report) = check_json(site.root());
    assert_eq!(findings_with_code(&report, "month-incomplete").len(), 1);
    let vanished = findings_with_code(&report, "vanished-hazard");
    assert_eq!(vanished.len(), 1, "{report}");
    assert_eq!(vanished[0]["value"], "ZF-003");

    // build refuses for the same reason.
    let out = gongkai(&[
        "build",
        "--root",
        site.root().to_str().unwrap(),
        "--out",
        site.path("out").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("2025-04 的台账还缺 1 个村（站所）的文件：甲村"));
}

#[test]
fn empty_month_folder_is_a_note() {
    let site = TempSite::copy_of("town");
    std::fs::create_dir_all(site.path("content/registers/2025-04")).unwrap();
    let (code, report) = check_json(site.root());
    assert_eq!(code, 0, "{report}");
    let found = findings_with_code(&report, "register-month-empty");
    assert_eq!(found.len(), 1, "{report}");
    assert_eq!(found[0]["severity"], "note");
    assert_eq!(found[0]["file"], "content/registers/2025-04");
    assert_eq!(
        found[0]["message"],
        "2025-04 的台账文件夹是空的，这个月暂不公开"
    );
}

const NOTICE: &str = "content/notices/2025/关于公开举报电话的通知.md";

/// Appends `text` to the fixture notice (its body ends the file); returns the line the
/// first appended line lands on.
fn append_to_notice(site: &TempSite, text: &str) -> usize {
    let path = site.path(NOTICE);
    let mut body = std::fs::read_to_string(&path).unwrap();
    if !body.ends_with('\n') {
        body.push('\n');
    }
    let line = body.lines().count() + 2;
    body.push('\n');
    body.push_str(text);
    std::fs::write(path, body).unwrap();
    line
}

fn build(site: &TempSite, extra: &[&str]) -> std::process::Output {
    let out = site.path("public");
    let mut args = vec![
        "build",
        "--root",
        site.root().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    gongkai(&args)
}

#[test]
fn attachments_are_published_photos_without_metadata_links_relative() {
    let site = TempSite::copy_of("town");
    let photo = gongkai::attach::metadata::sample_jpeg_with_gps();
    assert!(gongkai::attach::metadata::has_metadata(&photo));
    std::fs::create_dir_all(site.path("content/notices/2025/fj")).unwrap();
    std::fs::write(site.path("content/notices/2025/fj/现场照片.jpg"), &photo).unwrap();
    let docx = gongkai::attach::text::sample_docx(&["整改方案", "由镇安委办督办"]);
    std::fs::write(site.path("content/notices/2025/fj/整改方案.docx"), docx).unwrap();
    std::fs::create_dir_all(site.path("static/fujian")).unwrap();
    std::fs::write(site.path("static/fujian/办法.zip"), b"PK\x05\x06").unwrap();
    append_to_notice(
        &site,
        "![现场](fj/现场照片.jpg)\n\n[整改方案](fj/整改方案.docx)、[办法](/fujian/办法.zip)\n",
    );
    let out = build(
        &site,
        &["--base-url", "https://www.example.gov.cn/xian/zhen/"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let public = site.path("public");
    let page = std::fs::read_to_string(public.join("notices/关于公开举报电话的通知/index.html"))
        .or_else(|_| {
            // The slug of the fixture notice, whatever it is: the page linking the photo.
            walkdir::WalkDir::new(public.join("notices"))
                .into_iter()
                .flatten()
                .filter(|e| e.file_name() == "index.html")
                .map(|e| std::fs::read_to_string(e.path()).unwrap())
                .find(|t| t.contains("现场"))
                .ok_or(())
        })
        .unwrap();
    let published = walkdir::WalkDir::new(&public)
        .into_iter()
        .flatten()
        .find(|e| e.file_name() == "现场照片.jpg")
        .expect("photo published");
    let bytes = std::fs::read(published.path()).unwrap();
    assert!(!gongkai::attach::metadata::has_metadata(&bytes));
    let rel = published
        .path()
        .strip_prefix(&public)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/");
    assert!(
        rel.starts_with("notices/") && rel.ends_with("/fj/现场照片.jpg"),
        "{rel}"
    );
    // Links relative to the page: they work under the sub-path and from disk.
    assert!(page.contains("src=\"../../notices/"), "{page}");
    assert!(
        page.contains("%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87.jpg\""),
        "{page}"
    );
    assert!(
        page.contains("href=\"../../fujian/%E5%8A%9E%E6%B3%95.zip\""),
        "{page}"
    );
    assert!(!page.contains("href=\"/fujian"), "{page}");
    assert!(public.join("fujian/办法.zip").is_file());
    let docx = rel.replace("现场照片.jpg", "整改方案.docx");
    assert!(public.join(docx).is_file());
    // The archive cannot be scanned: said once, in a note.
    let (_, report) = check_json(site.root());
    let notes = findings_with_code(&report, "attachment-not-scanned");
    assert_eq!(notes.len(), 1, "{report}");
    assert_eq!(
        notes[0]["message"],
        "附件 /fujian/办法.zip 中的文字无法自动检查是否含有个人信息（旧版 Office/WPS 文件、压缩包或扫描件）"
    );
}

#[test]
fn a_link_to_a_missing_file_or_outside_the_site_is_an_error_with_notice_and_line() {
    let site = TempSite::copy_of("town");
    std::fs::write(site.path("私人.pdf"), b"%PDF-1.4").unwrap();
    let line = append_to_notice(
        &site,
        "[方案](fj/整改方案.pdf)\n\n[名单](../../../私人.pdf)\n",
    );
    let (code, report) = check_json(site.root());
    assert_eq!(code, 1);
    let missing = findings_with_code(&report, "attachment-missing");
    assert_eq!(missing.len(), 1, "{report}");
    assert_eq!(missing[0]["file"], NOTICE);
    assert_eq!(missing[0]["row"], line);
    assert_eq!(
        missing[0]["message"],
        format!("第 {line} 行链接的文件「fj/整改方案.pdf」不存在（应在 content/notices/2025/fj/整改方案.pdf）")
    );
    let outside = findings_with_code(&report, "attachment-outside");
    assert_eq!(outside.len(), 1, "{report}");
    assert_eq!(outside[0]["row"], line + 2);
    assert_eq!(
        outside[0]["message"],
        format!(
            "第 {} 行链接的文件「../../../私人.pdf」在网站文件夹的 content/ 之外，不能发布",
            line + 2
        )
    );
    assert_eq!(build(&site, &[]).status.code(), Some(1));
    assert!(!site.path("public").exists());
}

#[test]
fn a_phone_number_in_an_attached_document_is_refused_by_check_and_build() {
    let site = TempSite::copy_of("town");
    std::fs::create_dir_all(site.path("content/notices/2025/fj")).unwrap();
    let docx = gongkai::attach::text::sample_docx(&["整改方案", "联系人手机 13812345678"]);
    std::fs::write(site.path("content/notices/2025/fj/方案.docx"), docx).unwrap();
    append_to_notice(&site, "[方案](fj/方案.docx)\n");
    let out = build(&site, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).contains("leak-mobile"), "{}", stdout(&out));
    assert!(!site.path("public").exists());
}

#[test]
fn the_example_pdf_is_scanned_as_text() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("content/notices/2026/fj/6月调度会纪要.pdf");
    let bytes = std::fs::read(&path).unwrap();
    let text = gongkai::attach::text::extract(&path, &bytes).unwrap();
    assert!(text.contains("调度会纪要"), "{text}");
    // The example photo has GPS in the source.
    let photo = std::fs::read(root.join("content/notices/2026/fj/配电室现场照片.jpg")).unwrap();
    assert!(photo.windows(12).any(|w| w == b"ExamplePhone"));
    assert!(photo.windows(2).any(|w| w == [0x88, 0x25]));
}

/// `check` says 可以发布 exactly when `build` publishes: the same pass or refusal (exit
/// code) on every fixture site, on the hostile one, and on the example with a phone
/// number typed into a public cell (found only by rendering and scanning).
#[test]
fn check_and_build_agree_on_every_fixture_site() {
    let mut sites: Vec<(String, TempSite)> = std::fs::read_dir(common::fixtures())
        .unwrap()
        .flatten()
        .filter(|e| e.path().join("site.toml").is_file())
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let site = TempSite::copy_of(&name);
            (name, site)
        })
        .collect();
    assert!(sites.len() >= 2, "fixture sites found");
    let leaky = TempSite::copy_of("town");
    leaky.edit(
        "content/registers/2025-03/执法队.csv",
        "已责令整改",
        "已责令整改，联系人手机13812345678",
    );
    sites.push(("town with a phone number in a public cell".into(), leaky));
    for (name, site) in &sites {
        let check = gongkai(&["check", "--root", site.root().to_str().unwrap()]);
        let build = build(site, &[]);
        assert_eq!(
            check.status.code(),
            build.status.code().map(|c| c.min(1)),
            "{name}: check and build disagree\ncheck:\n{}\nbuild:\n{}",
            stdout(&check),
            stdout(&build)
        );
        let says_publishable = stdout(&check).contains("可以发布");
        assert_eq!(
            says_publishable,
            build.status.success(),
            "{name}: {}",
            stdout(&check)
        );
    }
    // The leak is found by check too, with the same code as build.
    let check = gongkai(&[
        "check",
        "--root",
        sites.last().unwrap().1.root().to_str().unwrap(),
    ]);
    assert!(
        stdout(&check).contains("[leak-mobile]"),
        "{}",
        stdout(&check)
    );
}

/// The bundled example builds with a report a clerk reads at a glance: at most 25
/// lines, the unpublished columns said once per kind with the file count; `--quiet`
/// prints only the conclusion.
#[test]
fn example_build_prints_at_most_25_lines_and_quiet_less() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("public");
    // Pinned as the site digest pins it: nothing new is sealed into the repository.
    let today = "--today=2026-10-25";
    let out = gongkai(&[
        "build",
        today,
        "--root",
        root.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = format!("{}{}", stdout(&out), stderr(&out));
    let lines = text.lines().count();
    assert!(lines <= 25, "{lines} lines:\n{text}");
    assert_eq!(
        text.matches("以下列不会公开：举报人、举报人电话").count(),
        1,
        "{text}"
    );
    assert!(
        text.contains("以下列不会公开：举报人、举报人电话（18 个文件，如 "),
        "{text}"
    );
    let quiet = gongkai(&[
        "build",
        today,
        "--quiet",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(quiet.status.code(), Some(0));
    assert_eq!(stdout(&quiet).lines().count(), 2, "{}", stdout(&quiet));
}

#[test]
fn an_unreadable_deadline_or_fund_is_one_error_not_also_a_blank_five_part() {
    let site = TempSite::copy_of("town");
    // ZF-003 is open: 整改资金 0.3, 整改时限 2025-04-30.
    site.edit(
        "content/registers/2025-03/执法队.csv",
        "冯老板,0.3,2025-04-30,",
        "冯老板,三千元,下月底,",
    );
    let (code, report) = check_json(site.root());
    assert_eq!(code, 1, "{report}");
    let dates = findings_with_code(&report, "bad-date");
    assert_eq!(dates.len(), 1, "{report}");
    assert_eq!(dates[0]["message"], "整改时限「下月底」不是有效的日期");
    assert_eq!(dates[0]["column"], "整改时限");
    let numbers = findings_with_code(&report, "bad-number");
    assert_eq!(numbers.len(), 1, "{report}");
    assert_eq!(
        numbers[0]["message"],
        "整改资金（万元）「三千元」不是有效的数字"
    );
    let row = dates[0]["row"].clone();
    let five: Vec<_> = findings_with_code(&report, "five-incomplete")
        .into_iter()
        .filter(|f| f["file"] == dates[0]["file"] && f["row"] == row)
        .collect();
    assert!(five.is_empty(), "the filled cells are not blank: {five:?}");

    // A blank deadline is still called blank.
    site.edit(
        "content/registers/2025-03/执法队.csv",
        "冯老板,三千元,下月底,",
        "冯老板,0.3,,",
    );
    let (_, report) = check_json(site.root());
    let five: Vec<_> = findings_with_code(&report, "five-incomplete")
        .into_iter()
        .filter(|f| f["row"] == row)
        .collect();
    assert_eq!(five.len(), 1, "{report}");
    assert!(five[0]["message"]
        .as_str()
        .unwrap()
        .ends_with("五到位不全：缺少时限（“整改时限”列为空）"));
}
