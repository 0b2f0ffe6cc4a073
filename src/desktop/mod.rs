//! The program as a clerk starts it: by double-clicking `gongkai.exe` (no arguments),
//! or by dropping a site folder on it. Instead of a usage error in a window that closes
//! at once, it opens a menu in Chinese that says what the program is and offers
//! 检查、生成网站、预览 for the site folder it stands in (or asks for one), pausing after
//! each action so its messages can be read.
//!
//! On Windows the console is whatever the system gives a double-clicked program (often
//! the classic console on code page 936). Rust's standard library writes to and reads
//! from a console in UTF-16, so Chinese text and folder names are right whatever the code
//! page; [`prepare_console`] turns on colour sequences there or, where a console cannot
//! show them, turns colour off.

mod menu;

use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{self, Sender};
use std::sync::Mutex;

use clap::CommandFactory;

pub use menu::{Actions, Menu};

use crate::cmd::{self, BuildArgs, CheckArgs, Cli, Format, NewArgs, ServeArgs, TodayArg};
use crate::config::CONFIG_FILE;

/// The folder of the example site in the downloadable zip, beside the program.
pub const EXAMPLE_DIR: &str = "example";

/// Lets the console show the colours of the check report: on Windows it switches on
/// escape sequences (the classic console has them off), and where that fails it sets
/// `NO_COLOR` so no raw escape codes are printed. Elsewhere it does nothing.
pub fn prepare_console() {
    if anstyle_query::windows::enable_ansi_colors() == Some(false) {
        // Called first thing in `main`, before any other thread exists.
        std::env::set_var("NO_COLOR", "1");
    }
}

/// When the arguments (without the program name) name no command: `Some(None)` for
/// none at all (a double-click), `Some(Some(dir))` for one existing folder that is not
/// a command's name (a folder dropped on the program). `None`: a command line for clap.
pub fn without_command(args: &[OsString]) -> Option<Option<PathBuf>> {
    match args {
        [] => Some(None),
        [only] => {
            let text = only.to_string_lossy();
            let command = Cli::command();
            let is_command = text == "help" || command.find_subcommand(text.as_ref()).is_some();
            let dir = PathBuf::from(only);
            (!text.starts_with('-') && !is_command && dir.is_dir()).then_some(Some(dir))
        }
        _ => None,
    }
}

/// Runs the menu on this console: for `dropped` when it is a site folder, else for the
/// current folder or the program's own folder when either is one, else after asking.
pub fn run(dropped: Option<PathBuf>) -> ExitCode {
    let here = std::env::current_dir().ok();
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf));
    let site = [dropped, here, beside.clone()]
        .into_iter()
        .flatten()
        .find(|dir| dir.join(CONFIG_FILE).is_file());
    let example = beside
        .map(|dir| dir.join(EXAMPLE_DIR))
        .filter(|dir| dir.join(CONFIG_FILE).is_file());

    install_ctrl_c();
    let stdin = io::stdin();
    let mut menu = Menu::new(stdin.lock(), io::stdout(), Commands, example);
    match menu.run(site) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("错误：{err}");
            ExitCode::FAILURE
        }
    }
}

/// Where Ctrl+C goes while a preview runs; `None` when none does.
static PREVIEW_STOP: Mutex<Option<Sender<()>>> = Mutex::new(None);

/// One handler for the whole menu (a process can install only one): Ctrl+C ends a
/// running preview and returns to the menu; at the menu it ends the program.
fn install_ctrl_c() {
    let installed = ctrlc::set_handler(|| {
        let stop = PREVIEW_STOP.lock().ok().and_then(|s| s.clone());
        match stop {
            Some(stop) => {
                let _ = stop.send(());
            }
            None => std::process::exit(130),
        }
    });
    if let Err(err) = installed {
        eprintln!("无法设置 Ctrl+C 处理：{err}。预览时可直接关闭窗口退出。");
    }
}

/// The real commands, each as on the command line with the defaults.
struct Commands;

impl Actions for Commands {
    fn check(&mut self, site: &Path) {
        cmd::check::run(&CheckArgs {
            root: site.to_path_buf(),
            format: Format::Text,
            out: None,
            quiet: false,
            today: TodayArg::default(),
        });
    }

    fn build(&mut self, site: &Path) {
        cmd::build::run(&BuildArgs {
            root: site.to_path_buf(),
            out: None,
            base_url: None,
            quiet: false,
            today: TodayArg::default(),
            sealing: crate::ledger::Sealing::Due,
        });
    }

    fn preview(&mut self, site: &Path) {
        let (stop, stopped) = mpsc::channel();
        if let Ok(mut slot) = PREVIEW_STOP.lock() {
            *slot = Some(stop);
        }
        let args = ServeArgs {
            root: site.to_path_buf(),
            port: 1111,
            open: true,
            today: TodayArg::default(),
        };
        cmd::serve::run_until(&args, stopped);
        if let Ok(mut slot) = PREVIEW_STOP.lock() {
            *slot = None;
        }
    }

    fn create(&mut self, dir: &Path) -> bool {
        cmd::new::run(&NewArgs {
            dir: dir.to_path_buf(),
        }) == ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn no_arguments_or_one_dropped_folder_open_the_menu_and_commands_do_not() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("安全生产公开");
        std::fs::create_dir(&folder).unwrap();
        assert_eq!(without_command(&[]), Some(None));
        assert_eq!(
            without_command(&[folder.clone().into_os_string()]),
            Some(Some(folder.clone()))
        );
        let file = dir.path().join("台账.csv");
        std::fs::write(&file, "").unwrap();
        assert_eq!(without_command(&[file.into_os_string()]), None);
        for line in [
            &["build"][..],
            &["check"],
            &["help"],
            &["--help"],
            &["-V"],
            &["serve", "--open"],
        ] {
            assert_eq!(without_command(&args(line)), None, "{line:?}");
        }
    }
}
