//! `gongkai serve` end to end: a preview on an ephemeral loopback port over a temp copy of
//! the fixture town, fetched with a minimal HTTP client, edited as staff would edit it.
//! Every wait is bounded and polls; nothing sleeps and hopes.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use common::TempSite;
use gongkai::pipeline::{build_once, Input, Pipeline};
use gongkai::render::RenderOptions;
use gongkai::serve::lazy::{LazySite, Served};
use gongkai::serve::{Preview, PreviewOptions};
use percent_encoding::{utf8_percent_encode, CONTROLS};

/// Longest wait for a rebuild to show (debug build, 2 cores, other tests running).
const PATIENCE: Duration = Duration::from_secs(20);

struct Running {
    site: TempSite,
    preview: Preview,
}

fn start() -> Running {
    let site = TempSite::copy_of("town");
    let preview = Preview::start(&PreviewOptions {
        root: site.root().to_path_buf(),
        port: 0,
        next_free_port: false,
        verbose: false,
        today: None,
    })
    .expect("preview starts");
    Running { site, preview }
}

/// `GET path` on the preview; (status, headers, body).
fn get(port: u16, path: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to preview");
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    let path = utf8_percent_encode(path, CONTROLS).to_string();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read response");
    let text = String::from_utf8(raw).expect("UTF-8 response");
    let (head, body) = text.split_once("\r\n\r\n").expect("header end");
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, head.to_string(), body.to_string())
}

/// Polls `check` until it returns true, or panics after [`PATIENCE`] naming `what`.
fn wait_for(what: &str, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while start.elapsed() < PATIENCE {
        if check() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("timed out waiting for: {what}");
}

/// The URL path of the first output page whose HTML contains `needle`.
fn page_containing(root: &Path, needle: &str) -> String {
    let built = build_once(root, RenderOptions::new(root)).expect("fixture builds");
    let file = built
        .files
        .iter()
        .filter(|f| f.path.ends_with(".html"))
        .find(|f| String::from_utf8_lossy(&f.bytes).contains(needle))
        .unwrap_or_else(|| panic!("no page shows {needle:?}"));
    url_of(&file.path)
}

fn url_of(output_path: &str) -> String {
    format!("/{}", output_path.trim_end_matches("index.html"))
}

#[test]
fn serves_pages_with_live_reload_only_in_preview() {
    let run = start();
    let port = run.preview.port();
    let (status, head, home) = get(port, "/");
    assert_eq!(status, 200);
    assert!(head.contains("text/html; charset=utf-8"), "{head}");
    assert!(home.contains("甲乡安全生产信息公开"));
    let script = home
        .find("<script src=\"/__gongkai/livereload.js\"")
        .expect("live-reload script injected");
    assert!(
        script < home.rfind("</body>").unwrap(),
        "script before </body>"
    );
    // The page's own CSP allows scripts from 'self' only: the script is not inline.
    assert!(!home.contains("<script>"), "no inline script");
    let (status, head, js) = get(port, "/__gongkai/livereload.js");
    assert_eq!(status, 200);
    assert!(head.contains("text/javascript"));
    assert!(js.contains("EventSource(\"/__gongkai/events\")"));
    assert_eq!(get(port, "/__gongkai/overlay.css").0, 200);

    let (status, _, missing) = get(port, "/no/such/page.html");
    assert_eq!(status, 404);
    assert!(missing.contains("livereload.js"), "404 page reloads too");

    // The built site itself never contains anything of the preview.
    let built = build_once(run.site.root(), RenderOptions::new(run.site.root())).unwrap();
    for file in &built.files {
        assert!(
            !String::from_utf8_lossy(&file.bytes).contains("__gongkai"),
            "{} mentions the preview",
            file.path
        );
    }
    // A directory without its slash is redirected so relative links resolve.
    let month = built
        .files
        .iter()
        .find(|f| f.path.starts_with("months/") && f.path.ends_with("/index.html"))
        .expect("a month page");
    let dir = url_of(&month.path);
    let (status, head, _) = get(port, dir.trim_end_matches('/'));
    assert_eq!(status, 301);
    assert!(head.contains(&format!(
        "Location: {}",
        utf8_percent_encode(&dir, CONTROLS)
    )));
}

#[test]
fn edited_register_shows_after_save() {
    let run = start();
    let port = run.preview.port();
    let page = page_containing(run.site.root(), "已责令整改");
    let (status, _, before) = get(port, &page);
    assert_eq!(status, 200);
    assert!(!before.contains("已责令停业整改"));
    run.site.edit(
        "content/registers/2025-03/执法队.csv",
        "已责令整改",
        "已责令停业整改",
    );
    wait_for("the edited progress on the page", || {
        get(port, &page).2.contains("已责令停业整改")
    });
}

#[test]
fn broken_date_shows_overlay_over_last_good_site_until_fixed() {
    let run = start();
    let port = run.preview.port();
    let page = page_containing(run.site.root(), "加油站卸油区静电接地装置缺失");
    let csv = "content/registers/2025-03/甲村.csv";
    run.site.edit(csv, "2025-02-12", "2025-02-31");
    wait_for("the overlay", || {
        get(port, &page).2.contains("gongkai-overlay")
    });
    let (status, _, body) = get(port, &page);
    assert_eq!(status, 200, "the last good page is still served");
    assert!(
        body.contains("加油站卸油区静电接地装置缺失"),
        "old content kept"
    );
    let overlay = &body[body.find("gongkai-overlay").unwrap()..];
    assert!(overlay.contains(csv), "overlay names the file: {overlay}");
    assert!(
        overlay.contains("<td>6</td>"),
        "overlay names the row: {overlay}"
    );
    assert!(
        overlay.contains("发现日期"),
        "overlay names the column: {overlay}"
    );
    assert!(
        overlay.contains("2025-02-31"),
        "overlay shows the value: {overlay}"
    );
    // Every page, not only the one open.
    assert!(get(port, "/").2.contains("gongkai-overlay"));

    // A readable date that differs from February's 发现日期 is a quiet rewrite of the
    // record (the ledger's rule between months): the overlay says so, naming both months.
    run.site.edit(csv, "2025-02-31", "2025-02-13");
    wait_for("the ledger's overlay", || {
        get(port, &page).2.contains("发现日期被改动")
    });
    let body = get(port, &page).2;
    let overlay = &body[body.find("gongkai-overlay").unwrap()..];
    assert!(
        overlay.contains("2025-02 的台账（content/registers/2025-02/甲村.csv 第 7 行）"),
        "{overlay}"
    );
    // The preview never seals.
    assert!(!run.site.path("archive").exists());

    run.site.edit(csv, "2025-02-13", "2025-02-12");
    wait_for("the overlay to go", || {
        !get(port, &page).2.contains("gongkai-overlay")
    });
    assert!(!get(port, "/").2.contains("gongkai-overlay"));
}

#[test]
fn deleted_notice_page_disappears() {
    let run = start();
    let port = run.preview.port();
    let rel = "content/notices/2025/关于公开举报电话的通知.md";
    let built = build_once(run.site.root(), RenderOptions::new(run.site.root())).unwrap();
    let notice = built
        .files
        .iter()
        .find(|f| {
            f.path.ends_with(".html")
                && f.source
                    .as_deref()
                    .is_some_and(|s| s.ends_with(rel) || s.ends_with("关于公开举报电话的通知.md"))
        })
        .expect("the notice's page");
    let url = url_of(&notice.path);
    assert_eq!(get(port, &url).0, 200);
    std::fs::remove_file(run.site.path(rel)).unwrap();
    wait_for("the notice page to 404", || get(port, &url).0 == 404);
    assert!(!get(port, "/").2.contains("关于公开安全生产举报电话的通知"));
}

#[test]
fn renamed_month_folders_move_their_pages() {
    let run = start();
    let port = run.preview.port();
    assert_eq!(get(port, "/months/2025-01/").0, 200);
    assert_eq!(get(port, "/months/2025-04/").0, 404);
    // Shift every month one later, latest first (as staff who misdated them would).
    let registers = run.site.path("content/registers");
    for (from, to) in [
        ("2025-03", "2025-04"),
        ("2025-02", "2025-03"),
        ("2025-01", "2025-02"),
    ] {
        std::fs::rename(registers.join(from), registers.join(to)).unwrap();
    }
    wait_for("2025-04 to appear and 2025-01 to go", || {
        let (now, _, body) = get(port, "/months/2025-04/");
        now == 200 && !body.contains("gongkai-overlay") && get(port, "/months/2025-01/").0 == 404
    });
}

#[test]
fn editor_litter_does_not_rebuild() {
    let run = start();
    let builds = run.preview.builds();
    assert_eq!(builds, 1, "the first build");
    for litter in [
        "content/notices/.关于.md.swp",
        "content/notices/#草稿.md#",
        "content/notices/.#草稿.md",
        "content/notices/4913",
        "content/registers/2025-01/甲村.csv~",
        "content/registers/2025-01/~$甲村.csv",
        "content/registers/2025-01/甲村.csv.tmp",
        "public/index.html",
        "notes.txt",
    ] {
        run.site.write(litter, "x");
    }
    // A real change after the litter: once its rebuild is done, the litter (reported
    // earlier or in the same batch) has had every chance to cause one too.
    run.site.write(
        "content/pages/指南.md",
        "+++\ntitle = \"信息公开指南\"\n+++\n\n正文\n",
    );
    wait_for("the rebuild of the real change", || {
        run.preview.builds() > builds
    });
    let settle = Instant::now() + Duration::from_millis(800);
    while Instant::now() < settle {
        assert_eq!(run.preview.builds(), builds + 1, "litter caused a rebuild");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn event_stream_announces_rebuilds() {
    let run = start();
    let port = run.preview.port();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    write!(
        stream,
        "GET /__gongkai/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    let mut reader = BufReader::new(stream);
    let mut seen = String::new();
    let mut read_until = |needle: &str, seen: &mut String| {
        while !seen.contains(needle) {
            let mut line = String::new();
            let n = reader.read_line(&mut line).expect("event stream open");
            assert!(n > 0, "stream closed before {needle:?}: {seen}");
            seen.push_str(&line);
        }
    };
    read_until("event: generation\ndata: 1\n", &mut seen);
    assert!(seen.contains("text/event-stream"));
    run.site.write(
        "content/pages/指南.md",
        "+++\ntitle = \"信息公开指南\"\n+++\n\n正文\n",
    );
    read_until("event: reload\ndata: 2\n", &mut seen);
}

/// Sets the modification time of every file under `root` modified within the last
/// minute (or of all files, with `all`) to `secs` seconds ago: the pipeline's stamps
/// trust only files not touched in the last seconds, and a test should not wait that
/// long. Distinct `secs` per step keep successive edits distinguishable.
fn backdate(root: &Path, secs: u64, all: bool) {
    let now = SystemTime::now();
    for entry in walkdir::WalkDir::new(root) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let modified = entry.metadata().unwrap().modified().unwrap();
        let recent = now
            .duration_since(modified)
            .map_or(true, |age| age < Duration::from_secs(60));
        if all || recent {
            let file = std::fs::File::options()
                .write(true)
                .open(entry.path())
                .unwrap();
            file.set_modified(now - Duration::from_secs(secs)).unwrap();
        }
    }
}

/// Compares two outcomes file by file: the same paths with the same bytes, or the same
/// findings.
fn assert_same(
    step: &str,
    incremental: &gongkai::pipeline::Outcome,
    clean: &gongkai::pipeline::Outcome,
) {
    match (incremental, clean) {
        (Ok(a), Ok(b)) => {
            let paths = |o: &gongkai::pipeline::Built| {
                o.files.iter().map(|f| f.path.clone()).collect::<Vec<_>>()
            };
            assert_eq!(paths(a), paths(b), "{step}: path sets differ");
            for (x, y) in a.files.iter().zip(&b.files) {
                assert!(x.bytes == y.bytes, "{step}: {} differs", x.path);
            }
            assert_eq!(
                format!("{:?}", a.findings.items),
                format!("{:?}", b.findings.items),
                "{step}: findings differ"
            );
        }
        (Err(a), Err(b)) => assert_eq!(
            format!("{:?}", a.items),
            format!("{:?}", b.items),
            "{step}: findings differ"
        ),
        (a, b) => panic!(
            "{step}: incremental ok={} but clean ok={}",
            a.is_ok(),
            b.is_ok()
        ),
    }
}

#[test]
fn incremental_rebuilds_equal_clean_builds() {
    let site = TempSite::copy_of("town");
    let root = site.root();
    // Old files, so the cache is really used between steps.
    backdate(root, 3600, true);
    let mut pipeline = Pipeline::new(root, RenderOptions::new(root));
    assert!(pipeline.run().is_ok());

    type Step<'a> = (&'a str, Box<dyn Fn(&TempSite)>);
    let steps: Vec<Step> = vec![
        (
            "edit a register",
            Box::new(|s: &TempSite| {
                s.edit(
                    "content/registers/2025-03/执法队.csv",
                    "已责令整改",
                    "已责令停业整改",
                )
            }),
        ),
        (
            "add a notice",
            Box::new(|s: &TempSite| {
                s.write(
                "content/notices/2025/新通知.md",
                "+++\ntitle = \"关于开展隐患排查的通知\"\ndate = 2025-03-01\ndisclosure = \"主动公开\"\n+++\n\n正文。\n",
            )
            }),
        ),
        (
            "edit the notice",
            Box::new(|s: &TempSite| {
                s.edit("content/notices/2025/新通知.md", "正文。", "正文已修改。")
            }),
        ),
        (
            "rename the notice",
            Box::new(|s: &TempSite| {
                std::fs::rename(
                    s.path("content/notices/2025/新通知.md"),
                    s.path("content/notices/改名通知.md"),
                )
                .unwrap()
            }),
        ),
        (
            "rewrite the notices unchanged",
            Box::new(|s: &TempSite| {
                for entry in walkdir::WalkDir::new(s.path("content/notices"))
                    .into_iter()
                    .filter_map(Result::ok)
                    .filter(|e| e.file_type().is_file())
                {
                    let bytes = std::fs::read(entry.path()).unwrap();
                    std::fs::write(entry.path(), bytes).unwrap();
                }
            }),
        ),
        (
            "delete a notice",
            Box::new(|s: &TempSite| {
                std::fs::remove_file(s.path("content/notices/2025/关于公开举报电话的通知.md"))
                    .unwrap()
            }),
        ),
        (
            "break a date",
            Box::new(|s: &TempSite| {
                s.edit(
                    "content/registers/2025-03/甲村.csv",
                    "2025-02-12",
                    "2025-02-31",
                )
            }),
        ),
        (
            "fix the date",
            Box::new(|s: &TempSite| {
                s.edit(
                    "content/registers/2025-03/甲村.csv",
                    "2025-02-31",
                    "2025-02-13",
                )
            }),
        ),
        // Rules across months: a hazard open in one month and missing from the next
        // (瞒报) must be found whichever of the two months was edited, also when the
        // other month's rows and their findings come from the cache.
        (
            "a hazard vanishes from the later month",
            Box::new(|s: &TempSite| {
                s.edit(
                    "content/registers/2025-03/甲村.csv",
                    "\nJC-004,",
                    "\nJC-904,",
                )
            }),
        ),
        (
            "it is back in the later month",
            Box::new(|s: &TempSite| {
                s.edit(
                    "content/registers/2025-03/甲村.csv",
                    "\nJC-904,",
                    "\nJC-004,",
                )
            }),
        ),
        (
            "the earlier month reopens a hazard the later one lacks",
            Box::new(|s: &TempSite| {
                s.edit(
                    "content/registers/2025-02/甲村.csv",
                    "疏散预案,已销号,已验收,2025.1.10,2025.2.10,孙审核",
                    "疏散预案,整改中,,,,",
                )
            }),
        ),
        (
            "the earlier month closes it again",
            Box::new(|s: &TempSite| {
                s.edit(
                    "content/registers/2025-02/甲村.csv",
                    "疏散预案,整改中,,,,",
                    "疏散预案,已销号,已验收,2025.1.10,2025.2.10,孙审核",
                )
            }),
        ),
        // Overdue findings depend on the due day of every month, from the settings.
        (
            "move the disclosure day",
            Box::new(|s: &TempSite| {
                s.edit("site.toml", "disclosure_day = 25", "disclosure_day = 5")
            }),
        ),
        (
            "shift the months",
            Box::new(|s: &TempSite| {
                let r = s.path("content/registers");
                for (from, to) in [
                    ("2025-03", "2025-04"),
                    ("2025-02", "2025-03"),
                    ("2025-01", "2025-02"),
                ] {
                    std::fs::rename(r.join(from), r.join(to)).unwrap();
                }
            }),
        ),
        (
            "add a page",
            Box::new(|s: &TempSite| {
                s.write(
                    "content/pages/指南.md",
                    "+++\ntitle = \"信息公开指南\"\n+++\n\n正文\n",
                )
            }),
        ),
        (
            "add a static file",
            Box::new(|s: &TempSite| s.write("static/robots-note.txt", "预览")),
        ),
        (
            "edit the settings",
            Box::new(|s: &TempSite| {
                s.edit(
                    "site.toml",
                    "甲乡安全生产信息公开",
                    "甲乡安全生产与隐患信息公开",
                )
            }),
        ),
        (
            "delete a month file",
            Box::new(|s: &TempSite| {
                std::fs::remove_file(s.path("content/registers/2025-04/执法队.csv")).unwrap()
            }),
        ),
    ];
    for (i, (step, change)) in steps.iter().enumerate() {
        change(&site);
        // Each step's files look older than the run but newer than the last step's.
        backdate(root, 3000 - 10 * i as u64, false);
        let incremental = pipeline.run();
        let clean = build_once(root, RenderOptions::new(root));
        assert_same(step, &incremental, &clean);
        if step.contains("vanishes") || step.contains("reopens") {
            let findings = clean.as_ref().expect_err(step);
            assert!(
                findings.items.iter().any(|f| f.code == "vanished-hazard"),
                "{step}: no vanished hazard reported"
            );
        }
        let reloaded = pipeline.stats().reloaded.clone();
        assert_lazy_same(step, &mut pipeline, &clean);
        // The cache was really used: only what the step touched was read again.
        let expected: &[Input] = match *step {
            "edit a register" | "fix the date" | "shift the months" => &[Input::Registers],
            "add a notice" | "edit the notice" | "rename the notice" => &[Input::Notices],
            "add a page" => &[Input::Pages],
            "add a static file" => &[Input::Theme],
            // Read again (new times), found byte for byte the same: nothing reloaded.
            "rewrite the notices unchanged" => &[],
            _ => continue,
        };
        assert_eq!(reloaded, expected, "{step}");
    }
}

/// The preview's site, rendered page by page from the incremental model, equals the
/// clean build file by file (search index included) and has no other file.
fn assert_lazy_same(step: &str, pipeline: &mut Pipeline, clean: &gongkai::pipeline::Outcome) {
    let Ok(clean) = clean else {
        assert!(
            pipeline.run_model().is_err() || pipeline.run().is_err(),
            "{step}"
        );
        return;
    };
    let modelled = pipeline.run_model().expect("the model of a good site");
    let site = LazySite::new(&modelled).expect("the plan of a good site");
    // Pages first, one by one, as a browser asks for them; then the search index.
    let mut order: Vec<&gongkai::render::OutputFile> = clean.files.iter().collect();
    order.sort_by_key(|f| f.path.starts_with("search/index/"));
    for file in order {
        match site.get(&file.path) {
            Some(Served::File(bytes)) => {
                assert!(*bytes == file.bytes, "{step}: {} differs", file.path)
            }
            Some(Served::Refused(findings)) => {
                panic!("{step}: {} refused: {findings:?}", file.path)
            }
            None => panic!("{step}: {} missing from the preview", file.path),
        }
    }
    assert_eq!(
        site.len(),
        clean
            .files
            .iter()
            .filter(|f| !f.path.starts_with("search/index/"))
            .count(),
        "{step}: the same files are planned"
    );
    assert!(site.get("no/such/page.html").is_none());
}

#[test]
fn notice_edit_does_not_reread_registers() {
    let site = TempSite::copy_of("town");
    let root = site.root();
    backdate(root, 3600, true);
    let mut pipeline = Pipeline::new(root, RenderOptions::new(root));
    pipeline.run().unwrap();
    site.edit(
        "content/notices/2025/关于公开举报电话的通知.md",
        "欢迎群众举报",
        "欢迎广大群众举报",
    );
    backdate(root, 1800, false);
    let built = pipeline.run().unwrap();
    assert_eq!(pipeline.stats().reloaded, vec![Input::Notices]);
    assert!(built
        .files
        .iter()
        .any(|f| String::from_utf8_lossy(&f.bytes).contains("欢迎广大群众举报")));

    // A template edit re-reads no content and re-renders.
    site.write(
        "templates/404.html",
        "<!doctype html><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'\"><title>找不到</title><body>自定义的找不到页面</body>",
    );
    backdate(root, 900, false);
    let built = pipeline.run().unwrap();
    assert_eq!(pipeline.stats().reloaded, vec![Input::Theme]);
    let not_found = built.files.iter().find(|f| f.path == "404.html").unwrap();
    assert!(String::from_utf8_lossy(&not_found.bytes).contains("自定义的找不到页面"));
}

fn spawn_serve(
    root: &Path,
    port: u16,
) -> (std::process::Child, BufReader<std::process::ChildStdout>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args([
            "serve",
            "--root",
            root.to_str().unwrap(),
            "--port",
            &port.to_string(),
        ])
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run gongkai serve");
    let stdout = BufReader::new(child.stdout.take().unwrap());
    (child, stdout)
}

fn wait_exit(child: &mut std::process::Child) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > PATIENCE {
            let _ = child.kill();
            panic!("gongkai serve did not exit");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn busy_port_is_reported_and_ctrl_c_exits_cleanly() {
    let site = TempSite::copy_of("town");
    // Hold a port so the preview finds it busy.
    let holder = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let busy = holder.local_addr().unwrap().port();
    let (mut child, mut stdout) = spawn_serve(site.root(), busy);
    let mut seen = String::new();
    while !seen.contains("正在预览") {
        let mut line = String::new();
        if stdout.read_line(&mut line).unwrap() == 0 {
            let _ = child.kill();
            panic!("serve ended early: {seen}");
        }
        seen.push_str(&line);
    }
    assert!(seen.contains(&format!("端口 {busy} 已被占用")), "{seen}");
    assert!(seen.contains("按 Ctrl-C 退出"), "{seen}");
    let url_port: u16 = seen
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|p| p.parse().ok())
        .expect("the preview's port");
    assert_ne!(url_port, busy);
    assert_eq!(get(url_port, "/").0, 200);

    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = wait_exit(&mut child);
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert!(status.success(), "exit status {status:?}; {rest}");
    assert!(rest.contains("已退出预览"), "{rest}");
    drop(holder);
}

#[test]
fn folder_without_site_toml_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args([
            "serve",
            "--root",
            dir.path().to_str().unwrap(),
            "--port",
            "0",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("找不到网站设置文件 site.toml"), "{err}");
    assert!(err.contains("--root"), "{err}");
}

/// County scale (12 months × 10,000 rows): one edited register visible in the browser
/// within a second of saving. Needs a corpus from the example generator, and a release
/// build to be meaningful:
///
/// ```text
/// cargo run --release --example gen_corpus -- --out /tmp/county --size county
/// GONGKAI_BENCH_SITE=/tmp/county cargo test --release --test serve -- --ignored --nocapture
/// ```
#[test]
#[ignore = "needs a generated county-scale corpus in GONGKAI_BENCH_SITE"]
fn county_scale_edit_is_visible_within_a_second() {
    let Some(source) = std::env::var_os("GONGKAI_BENCH_SITE") else {
        panic!("set GONGKAI_BENCH_SITE to a corpus folder (see the doc comment)");
    };
    let dir = tempfile::tempdir().unwrap();
    copy_tree(Path::new(&source), dir.path());
    let root = dir.path().canonicalize().unwrap();
    // As on a real desk: the files were saved long before the preview starts.
    backdate(&root, 3600, true);

    // What the preview runs on every change: load what changed, check, model (pages
    // are rendered when asked for).
    let mut pipeline = Pipeline::new(&root, RenderOptions::new(&root));
    let modelled = pipeline.run_model().expect("corpus checks");
    println!(
        "first run to the model: {} rows, {:?} ({:?} load+check, {:?} model)",
        modelled.rows_read,
        pipeline.stats().total,
        pipeline.stats().load_check,
        pipeline.stats().model,
    );
    drop(modelled);
    // One notice edited: what an incremental run costs, stage by stage.
    let notice = walkdir::WalkDir::new(root.join("content/notices"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.path().extension().is_some_and(|x| x == "md"))
        .expect("a notice")
        .into_path();
    let mut text = std::fs::read_to_string(&notice).unwrap();
    text.push_str("\n补充说明。\n");
    std::fs::write(&notice, text).unwrap();
    pipeline.run_model().expect("still checks");
    println!("after a notice edit: {:?}", pipeline.stats());
    drop(pipeline);

    let preview = Preview::start(&PreviewOptions {
        root: root.clone(),
        port: 0,
        next_free_port: false,
        verbose: false,
        today: None,
    })
    .unwrap();
    let port = preview.port();

    // The last register: retitle its first hazard.
    let registers = root.join("content/registers");
    let csv = walkdir::WalkDir::new(&registers)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "csv"))
        .last()
        .expect("a register")
        .into_path();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(&csv)
        .unwrap();
    let mut rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let header = rows[0].clone();
    let col = |name: &str| header.iter().position(|h| h.contains(name)).unwrap();
    let (id_col, title_col) = (col("编号"), col("隐患名称"));
    let id = rows[1][id_col].to_string();
    let title = format!("{}（现场复核后更正）", &rows[1][title_col]);
    let mut edited: Vec<String> = rows[1].iter().map(str::to_string).collect();
    edited[title_col] = title.clone();
    rows[1] = csv::StringRecord::from(edited);
    let page = format!(
        "/{}",
        gongkai::render::urls::hazard_path(&id).trim_end_matches("index.html")
    );
    assert_eq!(get(port, &page).0, 200, "{page}");

    let saved = Instant::now();
    let mut writer = csv::Writer::from_path(&csv).unwrap();
    for row in &rows {
        writer.write_record(row).unwrap();
    }
    writer.flush().unwrap();
    drop(writer);
    let deadline = Instant::now() + Duration::from_secs(300);
    while !get(port, &page).2.contains(&title) {
        assert!(Instant::now() < deadline, "the edit never showed");
        std::thread::sleep(Duration::from_millis(20));
    }
    let visible = saved.elapsed();
    println!("edit of {} visible after {visible:?}", csv.display());
    assert!(visible < Duration::from_secs(1), "took {visible:?}");
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A page that would publish a personal number is refused in the preview as in a
/// build: the preview shows what is wrong instead of the page.
#[test]
fn preview_refuses_a_page_with_a_leak() {
    let site = TempSite::copy_of("town");
    let root = site.root();
    let page = page_containing(root, "已责令整改");
    site.edit(
        "content/registers/2025-03/执法队.csv",
        "已责令整改",
        "已责令整改，联系人手机13912345678",
    );
    let findings = build_once(root, RenderOptions::new(root)).unwrap_err();
    assert!(findings.items.iter().any(|f| f.code == "leak-mobile"));
    let mut pipeline = Pipeline::new(root, RenderOptions::new(root));
    let lazy = LazySite::new(&pipeline.run_model().expect("the check passes")).unwrap();
    let path = page.trim_start_matches('/').to_string();
    let path = if path.ends_with(".html") {
        path
    } else {
        format!("{path}index.html")
    };
    match lazy.get(&path) {
        Some(Served::Refused(findings)) => {
            assert!(
                findings.items.iter().any(|f| f.code == "leak-mobile"),
                "{findings:?}"
            );
        }
        other => panic!("{path} served despite the leak: {other:?}"),
    }
    // Pages without the number are still shown.
    assert!(matches!(
        lazy.get("hotline/index.html"),
        Some(Served::File(_))
    ));
}

#[test]
fn leak_on_an_unopened_page_is_listed_over_every_page() {
    let run = start();
    let port = run.preview.port();
    let register = "content/registers/2025-03/执法队.csv";
    // A mobile number typed into a published column: the check passes (it is a cell
    // like any other), but `gongkai build` would refuse to publish the page showing it.
    run.site
        .edit(register, "已责令整改", "已责令整改，联系人手机13912345678");
    // No page showing the number is opened; the home page still gets the list.
    wait_for("the background check's overlay on the home page", || {
        let (_, _, home) = get(port, "/");
        home.contains("id=\"gongkai-overlay\"") && home.contains("发布前检查")
    });
    let (status, _, home) = get(port, "/");
    assert_eq!(status, 200, "the site is still shown");
    assert!(
        home.contains("执法队.csv"),
        "the overlay names the register"
    );
    assert!(
        home.contains("<main"),
        "the page itself is under the overlay"
    );
    // Removed again: the overlay goes with the next rebuild.
    run.site
        .edit(register, "已责令整改，联系人手机13912345678", "已责令整改");
    wait_for("the overlay to go", || {
        !get(port, "/").2.contains("id=\"gongkai-overlay\"")
    });
}

/// The ledger in the preview: a moved deadline is shown over the pages, and saving a
/// correction that approves it (content/corrections/, watched like the registers)
/// clears it. The preview never seals.
#[test]
fn a_correction_saved_in_the_preview_clears_the_ledger_error() {
    let run = start();
    let port = run.preview.port();
    run.site.edit(
        "content/registers/2025-03/甲村.csv",
        "0.6,2025-02-20,",
        "0.6,2025-04-30,",
    );
    wait_for("the moved deadline over the pages", || {
        get(port, "/").2.contains("整改时限被改动")
    });
    run.site.write(
        "content/corrections/更正.csv",
        "月份,编号,列,更正原因,更正日期,批准人\n2025-03,JC-004,整改时限,原时限录入错误,2025-03-20,乡安委办 李主任\n",
    );
    wait_for("the overlay to go after the correction", || {
        !get(port, "/").2.contains("gongkai-overlay")
    });
    let (status, _, page) = get(port, "/corrections/");
    assert_eq!(status, 200);
    assert!(
        page.contains("<td>2025-02-20</td>\n<td>2025-04-30</td>"),
        "{page}"
    );
    assert!(
        !run.site.path("archive").exists(),
        "the preview never seals"
    );
}
