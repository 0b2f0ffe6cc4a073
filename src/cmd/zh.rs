//! The command line in Chinese: clap's help layout, headings, help and version flags
//! and its error messages, which it only has in English.
//!
//! The commands and their arguments are declared with clap's derive in `cmd/mod.rs`;
//! [`command`] takes that declaration and replaces every English word clap would add
//! (`Usage:`, `Options:`, `[default: …]`, `Print help`); [`parse_from`] turns clap's
//! errors into Chinese sentences from their context (which argument, which value, what
//! clap suggests) instead of printing clap's own text.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command, CommandFactory, FromArgMatches};

use super::Cli;

/// The layout of a help screen: what the command does, its usage, then its commands,
/// arguments and options under Chinese headings (clap's own headings end in an ASCII
/// colon, so the template writes them).
fn help_template(cmd: &Command) -> String {
    let mut template = String::from("{about-with-newline}\n用法：{usage}\n");
    if cmd.has_subcommands() {
        template.push_str("\n命令：\n{subcommands}\n");
    }
    if cmd.get_positionals().next().is_some() {
        template.push_str("\n参数：\n{positionals}\n");
    }
    template.push_str("\n选项：\n{options}\n{after-help}");
    template
}

/// What a parse ended in when it did not produce a [`Cli`]: text for the terminal and
/// the exit code (0 for help and version, 2 for a usage error, as clap does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stop {
    /// The text to print.
    pub text: String,
    /// 0: help or version asked for (print on stdout); 2: a usage error (stderr).
    pub code: u8,
}

/// The whole command line, declared by the derive and put into Chinese.
pub fn command() -> Command {
    localize(Cli::command(), true)
}

/// One command and all its subcommands in Chinese.
fn localize(cmd: Command, top: bool) -> Command {
    let template = help_template(&cmd);
    let mut cmd = cmd
        .help_template(template)
        .disable_help_flag(true)
        .disable_version_flag(true)
        .disable_help_subcommand(true)
        .subcommand_value_name("命令")
        .mut_args(|arg| {
            // The doc comments already say the default and the choices in Chinese.
            if arg.get_action().takes_values() {
                arg.hide_default_value(true).hide_possible_values(true)
            } else {
                arg
            }
        })
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("显示本帮助"),
        );
    if top {
        cmd = cmd.arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("显示版本号"),
        );
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        cmd = cmd.mut_subcommand(name, |sub| localize(sub, false));
    }
    cmd
}

/// Parses `args` (the program name first) into a [`Cli`], or the Chinese text to print
/// and the exit code.
pub fn parse_from<I, T>(args: I) -> Result<Cli, Stop>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
    let mut cmd = command();
    // The usage to show with an error that does not carry one (a bad value): the
    // subcommand's, when one was named.
    let usage = args
        .iter()
        .skip(1)
        .find_map(|a| cmd.find_subcommand(a.to_str()?))
        .or(Some(&cmd))
        .and_then(|c| c.get_overridden_usage())
        .map(ToString::to_string);
    let matches = cmd
        .try_get_matches_from_mut(args)
        .map_err(|err| stop(&err, usage.as_deref()))?;
    Cli::from_arg_matches(&matches).map_err(|err| stop(&err, usage.as_deref()))
}

/// Parses the process's arguments; on help, version or a usage error prints the text
/// and exits, as clap's own `parse` does.
pub fn parse() -> Cli {
    match parse_from(std::env::args_os()) {
        Ok(cli) => cli,
        Err(stop) => {
            if stop.code == 0 {
                print!("{}", stop.text);
            } else {
                eprint!("{}", stop.text);
            }
            std::process::exit(i32::from(stop.code));
        }
    }
}

/// clap's error as Chinese text; `usage` is shown when the error carries none.
fn stop(err: &clap::Error, usage: Option<&str>) -> Stop {
    match err.kind() {
        // The help and version texts are already ours (template, headings, about).
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => Stop {
            text: err.render().to_string(),
            code: 0,
        },
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => Stop {
            text: format!("错误：请指定要运行的命令。\n\n{}", err.render()),
            code: 2,
        },
        _ => Stop {
            text: format!("错误：{}\n{}", message(err), usage_hint(err, usage)),
            code: 2,
        },
    }
}

/// The sentence for one usage error.
fn message(err: &clap::Error) -> String {
    let arg = context(err, ContextKind::InvalidArg).unwrap_or_default();
    let value = context(err, ContextKind::InvalidValue).unwrap_or_default();
    let mut text = match err.kind() {
        ErrorKind::UnknownArgument => format!("不认识的参数 `{arg}`。"),
        ErrorKind::InvalidSubcommand => {
            let name = context(err, ContextKind::InvalidSubcommand).unwrap_or_default();
            format!("没有 `{name}` 这个命令；可用的命令：check、build、new、serve。")
        }
        ErrorKind::MissingRequiredArgument => format!("缺少必须写的参数 {}。", arg_list(&arg)),
        ErrorKind::MissingSubcommand => "请指定要运行的命令。".to_string(),
        ErrorKind::InvalidValue if value.is_empty() => format!("参数 `{arg}` 后面要写一个值。"),
        ErrorKind::InvalidValue => {
            let valid = context(err, ContextKind::ValidValue).unwrap_or_default();
            format!(
                "参数 `{arg}` 的值「{value}」不认识；可以写：{}。",
                arg_list(&valid)
            )
        }
        ErrorKind::ValueValidation => {
            let what = if arg.contains("port") {
                "端口应为 1 到 65535 之间的整数"
            } else {
                "写法不对"
            };
            format!("参数 `{arg}` 的值「{value}」不对：{what}。")
        }
        ErrorKind::ArgumentConflict => {
            let prior = context(err, ContextKind::PriorArg).unwrap_or_default();
            if prior.is_empty() || prior == arg {
                format!("参数 `{arg}` 只能写一次。")
            } else {
                format!("参数 `{arg}` 不能和 `{prior}` 同时使用。")
            }
        }
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("参数 `{arg}` 的值个数不对。")
        }
        ErrorKind::NoEquals => format!("参数 `{arg}` 的值要用等号连接，例如 `{arg}=值`。"),
        ErrorKind::InvalidUtf8 => "命令行里有无法识别的字符（不是 UTF-8 编码）。".to_string(),
        _ => "命令行参数有误。".to_string(),
    };
    if let Some(suggested) = context(err, ContextKind::SuggestedArg)
        .or_else(|| context(err, ContextKind::SuggestedSubcommand))
        .or_else(|| context(err, ContextKind::SuggestedValue))
    {
        text.push_str(&format!("是不是要写 `{suggested}`？"));
    }
    if let Some(trailing) = context(err, ContextKind::TrailingArg) {
        if !trailing.is_empty() {
            text.push_str(&format!("如果「{arg}」是要传入的值，请写成 `-- {arg}`。"));
        }
    }
    text
}

/// The usage line of the command the error is about, and where to find the help.
fn usage_hint(err: &clap::Error, fallback: Option<&str>) -> String {
    let usage = context(err, ContextKind::Usage)
        .map(|u| u.trim().trim_start_matches("Usage:").trim().to_string())
        .or_else(|| fallback.map(str::to_string))
        .unwrap_or_else(|| "gongkai 命令 [选项]".to_string());
    let command: String = usage
        .split_whitespace()
        .take(2)
        .filter(|w| !w.starts_with('[') && *w != "命令")
        .collect::<Vec<_>>()
        .join(" ");
    format!("\n用法：{usage}\n\n查看帮助：{command} --help\n")
}

/// One piece of the error's context as plain text.
fn context(err: &clap::Error, kind: ContextKind) -> Option<String> {
    match err.get(kind)? {
        ContextValue::None => None,
        ContextValue::Bool(b) => Some(b.to_string()),
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(list) => Some(list.join("\u{1f}")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(list) => Some(
            list.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\u{1f}"),
        ),
        ContextValue::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A list from [`context`] joined the Chinese way.
fn arg_list(list: &str) -> String {
    list.split('\u{1f}').collect::<Vec<_>>().join("、")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Stop {
        let mut all = vec!["gongkai"];
        all.extend_from_slice(args);
        parse_from(all).expect_err("stops")
    }

    #[test]
    fn declaration_is_valid() {
        command().debug_assert();
    }

    #[test]
    fn help_has_no_english() {
        for args in [
            &["--help"][..],
            &["check", "--help"],
            &["build", "-h"],
            &["new", "--help"],
            &["serve", "--help"],
        ] {
            let stop = run(args);
            assert_eq!(stop.code, 0, "{args:?}");
            for english in [
                "Usage",
                "Options",
                "Commands",
                "Arguments",
                "Print",
                "default:",
            ] {
                assert!(!stop.text.contains(english), "{args:?}: {}", stop.text);
            }
            assert!(stop.text.contains("用法：gongkai"), "{}", stop.text);
            assert!(stop.text.contains("显示本帮助"), "{}", stop.text);
        }
        assert!(run(&["--help"]).text.contains("命令：\n  check"));
        assert!(run(&["check", "--help"]).text.contains("--root <文件夹>"));
        assert_eq!(run(&["--version"]).code, 0);
    }

    #[test]
    fn errors_in_chinese() {
        let stop = run(&["check", "--bogus"]);
        assert_eq!(stop.code, 2);
        assert_eq!(
            stop.text,
            "错误：不认识的参数 `--bogus`。\n\n用法：gongkai check [--root 文件夹] [--out 输出文件夹] [--format text|json] [--today 年-月-日] [--quiet]\n\n查看帮助：gongkai check --help\n"
        );
        let stop = run(&["new"]);
        assert_eq!(
            stop.text,
            "错误：缺少必须写的参数 <新文件夹>。\n\n用法：gongkai new 新文件夹\n\n查看帮助：gongkai new --help\n"
        );
        let stop = run(&["check", "--format", "xml"]);
        assert!(
            stop.text.starts_with(
                "错误：参数 `--format <格式>` 的值「xml」不认识；可以写：text、json。"
            ),
            "{}",
            stop.text
        );
        let stop = run(&["serve", "--port", "abc"]);
        assert!(
            stop.text.starts_with(
                "错误：参数 `--port <端口>` 的值「abc」不对：端口应为 1 到 65535 之间的整数。"
            ),
            "{}",
            stop.text
        );
        let stop = run(&["biuld"]);
        assert!(
            stop.text.starts_with("错误：没有 `biuld` 这个命令；可用的命令：check、build、new、serve。是不是要写 `build`？"),
            "{}",
            stop.text
        );
        assert!(run(&[]).text.starts_with("错误：请指定要运行的命令。"));
        for english in ["error:", "Usage", "For more information"] {
            assert!(!run(&["check", "--bogus"]).text.contains(english));
        }
    }

    #[test]
    fn parses_arguments() {
        let cli = parse_from(["gongkai", "check", "--root", "x", "--quiet"]).unwrap();
        match cli.command {
            super::super::Command::Check(args) => {
                assert!(args.quiet);
                assert_eq!(args.root, std::path::Path::new("x"));
            }
            other => panic!("{other:?}"),
        }
    }
}
