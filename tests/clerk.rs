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
