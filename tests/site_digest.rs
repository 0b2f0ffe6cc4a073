//! The bundled example site (the repository root's `site.toml` and `content/`, what
//! `cargo run --release -- build` builds) is built into a temp dir and every output file's
//! SHA-256 is compared with the checked-in list `tests/snapshots/site_digest__example_site.snap`.
//!
//! A refactor must leave this list unchanged: the site's bytes are the same before and after.
//! A change that deliberately changes the output (a new page, a template edit, a new column)
//! regenerates the list and commits it with the change:
//!
//! ```sh
//! INSTA_UPDATE=always cargo test --test site_digest    # or: cargo insta accept
//! ```
//!
//! The output must depend on nothing but the input. Today "today" on the site is the latest
//! month's due date, not the clock; `GONGKAI_TODAY` is pinned anyway (to that same date), so
//! the list stays valid once the tool reads the clock, and `GONGKAI_TIMINGS` is removed.

mod common;

use std::path::Path;

use assert_cmd::Command;

#[test]
fn example_site_bytes_are_unchanged() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("public");
    let run = Command::cargo_bin("gongkai")
        .unwrap()
        .env("NO_COLOR", "1")
        // Pinned: the example's last month (2026-10) is due on the 25th.
        .env("GONGKAI_TODAY", "2026-10-25")
        .env_remove("GONGKAI_TIMINGS")
        .args(["build", "--root"])
        .arg(root)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run gongkai build");
    assert!(
        run.status.success(),
        "the example site did not build:\n{}\n{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    let list: String = common::digests(&out)
        .into_iter()
        .map(|(path, hex)| format!("{hex}  {path}\n"))
        .collect();
    insta::assert_snapshot!("example_site", list);
}
