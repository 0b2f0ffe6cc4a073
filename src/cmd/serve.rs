//! `gongkai serve`: local preview with live reload.

use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver};

use super::ServeArgs;
use crate::serve::{Preview, PreviewOptions};

/// Runs `gongkai serve`: builds, serves on 127.0.0.1 and rebuilds on every change until
/// Ctrl-C. Exit 0 after Ctrl-C, 1 when the preview cannot start.
pub fn run(args: &ServeArgs) -> ExitCode {
    let (stop_tx, stop_rx) = mpsc::channel();
    if let Err(err) = ctrlc::set_handler(move || {
        let _ = stop_tx.send(());
    }) {
        eprintln!("无法设置 Ctrl-C 处理：{err}。预览照常运行，可直接关闭窗口退出。");
    }
    run_until(args, stop_rx)
}

/// The preview of `gongkai serve` until `stop_rx` receives (the double-click menu owns
/// the Ctrl-C handler and returns to its menu afterwards). If the sender is gone, the
/// preview runs until the process ends.
pub fn run_until(args: &ServeArgs, stop_rx: Receiver<()>) -> ExitCode {
    let today = match args.today.resolve() {
        Ok(today) => today,
        Err(code) => return code,
    };
    let options = PreviewOptions {
        root: args.root.clone(),
        port: args.port,
        next_free_port: true,
        verbose: true,
        today: Some(today.date),
    };
    let preview = match Preview::start(&options) {
        Ok(preview) => preview,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::FAILURE;
        }
    };
    let url = preview.url();
    println!("正在预览：{url}  （按 Ctrl-C 退出）");
    if args.open {
        if let Err(err) = opener::open_browser(&url) {
            eprintln!("无法自动打开浏览器（{err}），请手动在浏览器中打开 {url}");
        }
    }

    // Wait for Ctrl-C. If the handler could not be set, the sender is gone and this
    // returns at once; park instead so the preview keeps running.
    if stop_rx.recv().is_err() {
        loop {
            std::thread::park();
        }
    }
    println!("正在退出……");
    preview.stop();
    println!("已退出预览。");
    ExitCode::SUCCESS
}
