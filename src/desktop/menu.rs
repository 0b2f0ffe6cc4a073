//! The menu itself: which site folder, which action, and a pause after each action so
//! its messages stay on screen. Generic over its input, output and actions, so the
//! whole dialogue is tested with scripted answers.

use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};

use crate::config::CONFIG_FILE;

/// What the menu can do with a site folder. [`super::Commands`] runs the real commands;
/// tests record the calls.
pub trait Actions {
    /// `gongkai check` on the site.
    fn check(&mut self, site: &Path);
    /// `gongkai build` of the site into its `public` folder.
    fn build(&mut self, site: &Path);
    /// `gongkai serve --open`, until the preview is stopped.
    fn preview(&mut self, site: &Path);
    /// `gongkai new`: the bundled example written into `dir`; false when it failed
    /// (the command has said why).
    fn create(&mut self, dir: &Path) -> bool;
}

/// The menu's choices, in the order shown.
const CHOICES: [(&str, &str); 5] = [
    ("1", "检查台账和通知（只检查，不生成网站）"),
    ("2", "生成网站（写入网站文件夹中的 public 文件夹）"),
    (
        "3",
        "预览（生成网站并用浏览器打开，改动台账或通知后自动刷新）",
    ),
    ("4", "换一个网站文件夹"),
    ("0", "退出"),
];

/// The dialogue on one console.
pub struct Menu<R, W, A> {
    input: R,
    out: W,
    actions: A,
    /// The example site shipped beside the program, offered when no site is found.
    example: Option<PathBuf>,
}

impl<R: BufRead, W: Write, A: Actions> Menu<R, W, A> {
    /// A menu reading answers from `input` and writing to `out`.
    pub fn new(input: R, out: W, actions: A, example: Option<PathBuf>) -> Self {
        Menu {
            input,
            out,
            actions,
            example,
        }
    }

    /// The actions, for tests to inspect what was run.
    pub fn into_actions(self) -> A {
        self.actions
    }

    /// Shows what the program is, then offers the actions for `site` (or asks for a
    /// site folder first) until the user chooses 退出 or the input ends.
    pub fn run(&mut self, site: Option<PathBuf>) -> io::Result<()> {
        writeln!(
            self.out,
            "gongkai（公开）{}：重大事故隐患每月信息公开网站生成器",
            env!("CARGO_PKG_VERSION")
        )?;
        writeln!(
            self.out,
            "把每月的隐患台账（Excel/WPS 导出的 CSV 或工作簿）和通知放进网站文件夹的 content 文件夹，\n在这里检查、生成网站，再把生成的 public 文件夹中的全部文件上传到政府网站即可。\n（命令行用法：gongkai --help）"
        )?;
        let mut site = match site {
            Some(site) => site,
            None => match self.ask_site()? {
                Some(site) => site,
                None => return Ok(()),
            },
        };
        loop {
            writeln!(self.out)?;
            writeln!(self.out, "网站文件夹：{}", site.display())?;
            writeln!(self.out)?;
            for (key, what) in CHOICES {
                writeln!(self.out, "  {key}  {what}")?;
            }
            write!(self.out, "\n请输入数字，然后按回车：")?;
            let Some(answer) = self.line()? else {
                return Ok(());
            };
            writeln!(self.out)?;
            match answer.as_str() {
                "1" => self.actions.check(&site),
                "2" => self.actions.build(&site),
                "3" => {
                    writeln!(
                        self.out,
                        "预览时请不要关闭这个窗口；按 Ctrl+C 结束预览，回到菜单。"
                    )?;
                    self.out.flush()?;
                    self.actions.preview(&site);
                }
                "4" => match self.ask_site()? {
                    Some(other) => {
                        site = other;
                        continue;
                    }
                    None => return Ok(()),
                },
                "0" | "q" | "Q" | "退出" => return Ok(()),
                "" => continue,
                other => {
                    writeln!(self.out, "没有“{other}”这一项，请输入 0 到 4 之间的数字。")?;
                    continue;
                }
            }
            write!(self.out, "\n按回车键返回菜单……")?;
            if self.line()?.is_none() {
                return Ok(());
            }
        }
    }

    /// Asks until the answer is a site folder (or a new one was made); `None` when the
    /// input ends.
    fn ask_site(&mut self) -> io::Result<Option<PathBuf>> {
        loop {
            writeln!(self.out)?;
            writeln!(
                self.out,
                "请输入网站文件夹的位置（含有 site.toml 和 content 的文件夹；也可以把文件夹拖进这个窗口），然后按回车。"
            )?;
            if let Some(example) = &self.example {
                writeln!(
                    self.out,
                    "直接按回车，使用随程序附带的示例网站 {}。",
                    example.display()
                )?;
            }
            write!(self.out, "网站文件夹：")?;
            let Some(answer) = self.line()? else {
                return Ok(None);
            };
            let answer = unquote(&answer);
            if answer.is_empty() {
                match &self.example {
                    Some(example) => return Ok(Some(example.clone())),
                    None => continue,
                }
            }
            let dir = PathBuf::from(answer);
            if dir.join(CONFIG_FILE).is_file() {
                return Ok(Some(dir));
            }
            if dir.is_file() {
                writeln!(
                    self.out,
                    "{} 是一个文件，不是文件夹。请输入网站文件夹的位置。",
                    dir.display()
                )?;
            } else if is_empty_or_missing(&dir) {
                write!(
                    self.out,
                    "{} 还不是网站文件夹。输入 Y 并按回车，以示例在这里新建一个网站；直接按回车重新输入：",
                    dir.display()
                )?;
                let Some(yes) = self.line()? else {
                    return Ok(None);
                };
                if matches!(yes.as_str(), "y" | "Y" | "是") && self.actions.create(&dir) {
                    return Ok(Some(dir));
                }
            } else {
                writeln!(
                    self.out,
                    "{} 中没有网站设置文件 site.toml，不是网站文件夹。请选择含有 site.toml 和 content 文件夹的那个文件夹。",
                    dir.display()
                )?;
            }
        }
    }

    /// One answer, trimmed; `None` at the end of the input.
    fn line(&mut self) -> io::Result<Option<String>> {
        self.out.flush()?;
        let mut line = String::new();
        if self.input.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        Ok(Some(line.trim().to_string()))
    }
}

/// A folder dragged into a console arrives in double quotes when it has spaces.
fn unquote(answer: &str) -> &str {
    let answer = answer.trim();
    answer
        .strip_prefix('"')
        .and_then(|a| a.strip_suffix('"'))
        .unwrap_or(answer)
        .trim()
}

fn is_empty_or_missing(dir: &Path) -> bool {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_none(),
        Err(err) => err.kind() == io::ErrorKind::NotFound,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records what the menu ran.
    #[derive(Default)]
    struct Recorder {
        calls: Vec<String>,
    }

    impl Actions for Recorder {
        fn check(&mut self, site: &Path) {
            self.calls.push(format!("check {}", site.display()));
        }
        fn build(&mut self, site: &Path) {
            self.calls.push(format!("build {}", site.display()));
        }
        fn preview(&mut self, site: &Path) {
            self.calls.push(format!("preview {}", site.display()));
        }
        fn create(&mut self, dir: &Path) -> bool {
            self.calls.push(format!("create {}", dir.display()));
            std::fs::create_dir_all(dir).unwrap();
            std::fs::write(dir.join(CONFIG_FILE), "").unwrap();
            true
        }
    }

    /// Runs the menu on scripted answers; returns what it printed and ran.
    fn dialogue(
        answers: &str,
        site: Option<PathBuf>,
        example: Option<PathBuf>,
    ) -> (String, Vec<String>) {
        let mut out = Vec::new();
        let mut menu = Menu::new(answers.as_bytes(), &mut out, Recorder::default(), example);
        menu.run(site).unwrap();
        let calls = menu.into_actions().calls;
        (String::from_utf8(out).unwrap(), calls)
    }

    fn site_in(dir: &Path, name: &str) -> PathBuf {
        let site = dir.join(name);
        std::fs::create_dir_all(&site).unwrap();
        std::fs::write(site.join(CONFIG_FILE), "").unwrap();
        site
    }

    #[test]
    fn says_what_it_is_and_runs_each_action_with_a_pause_after_it() {
        let dir = tempfile::tempdir().unwrap();
        let site = site_in(dir.path(), "安全生产公开");
        let (shown, calls) = dialogue("1\n\n2\n\n3\n\n0\n", Some(site.clone()), None);
        assert!(shown.starts_with("gongkai（公开）"), "{shown}");
        assert!(shown.contains("重大事故隐患每月信息公开网站生成器"));
        assert!(shown.contains(&format!("网站文件夹：{}", site.display())));
        for (key, what) in CHOICES {
            assert!(shown.contains(&format!("  {key}  {what}")), "{shown}");
        }
        assert_eq!(shown.matches("按回车键返回菜单").count(), 3);
        assert!(shown.contains("按 Ctrl+C 结束预览"));
        let s = site.display();
        assert_eq!(
            calls,
            [
                format!("check {s}"),
                format!("build {s}"),
                format!("preview {s}")
            ]
        );
    }

    #[test]
    fn the_end_of_input_ends_the_menu_anywhere() {
        let dir = tempfile::tempdir().unwrap();
        let site = site_in(dir.path(), "site");
        for answers in ["", "1\n", "4\n", "4\nnowhere\n"] {
            let (_, calls) = dialogue(answers, Some(site.clone()), None);
            assert!(calls.len() <= 1, "{answers:?}: {calls:?}");
        }
        let (_, calls) = dialogue("", None, None);
        assert!(calls.is_empty());
    }

    #[test]
    fn an_unknown_choice_is_named_and_the_menu_shown_again() {
        let dir = tempfile::tempdir().unwrap();
        let site = site_in(dir.path(), "site");
        let (shown, calls) = dialogue("9\n\n0\n", Some(site), None);
        assert!(shown.contains("没有“9”这一项，请输入 0 到 4 之间的数字。"));
        assert_eq!(shown.matches("  0  退出").count(), 3);
        assert!(calls.is_empty());
    }

    #[test]
    fn asks_for_a_site_folder_until_it_is_one_and_accepts_a_dragged_quoted_path() {
        let dir = tempfile::tempdir().unwrap();
        let site = site_in(dir.path(), "张三 的 桌面");
        let other = dir.path().join("其他文件");
        std::fs::create_dir_all(&other).unwrap();
        std::fs::write(other.join("a.txt"), "x").unwrap();
        let answers = format!(
            "{}\n{}\n\"{}\"\n1\n\n0\n",
            other.display(),
            other.join("a.txt").display(),
            site.display()
        );
        let (shown, calls) = dialogue(&answers, None, None);
        assert!(shown.contains("中没有网站设置文件 site.toml，不是网站文件夹"));
        assert!(shown.contains("是一个文件，不是文件夹"));
        assert_eq!(calls, [format!("check {}", site.display())]);
    }

    #[test]
    fn an_empty_answer_takes_the_example_shipped_beside_the_program() {
        let dir = tempfile::tempdir().unwrap();
        let example = site_in(dir.path(), "example");
        let (shown, calls) = dialogue("\n2\n\n0\n", None, Some(example.clone()));
        assert!(shown.contains(&format!("使用随程序附带的示例网站 {}", example.display())));
        assert_eq!(calls, [format!("build {}", example.display())]);
    }

    #[test]
    fn a_new_folder_can_become_a_site_and_another_site_can_be_chosen() {
        let dir = tempfile::tempdir().unwrap();
        let first = site_in(dir.path(), "first");
        let fresh = dir.path().join("安全生产公开");
        let answers = format!("4\n{}\nY\n2\n\n0\n", fresh.display());
        let (shown, calls) = dialogue(&answers, Some(first), None);
        assert!(shown.contains("还不是网站文件夹。输入 Y 并按回车"));
        assert_eq!(
            calls,
            [
                format!("create {}", fresh.display()),
                format!("build {}", fresh.display())
            ]
        );
        // Declining asks again.
        let (_, calls) = dialogue(
            &format!("{}\n\n", dir.path().join("missing").display()),
            None,
            None,
        );
        assert!(calls.is_empty());
    }
}
