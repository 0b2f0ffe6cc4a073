//! The command-line front ends, one file a command. Each is thin: the work is in the
//! pipeline modules.

pub mod build;
pub mod check;
pub mod new;
pub mod serve;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// gongkai（公开）：重大事故隐患每月信息公开网站生成器
#[derive(Debug, Parser)]
#[command(name = "gongkai", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// 检查台账、通知和设置，列出全部问题（不生成网站）
    Check(CheckArgs),
    /// 检查并生成网站到 public/；有错误时不写入任何文件
    Build(BuildArgs),
    /// 以示例新建一个网站文件夹
    New(NewArgs),
    /// 本地预览：生成网站并在本机打开，内容改动后自动重新生成并刷新浏览器
    Serve(ServeArgs),
}

/// `gongkai check`
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// 网站文件夹（含 site.toml），默认为当前文件夹
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// 输出格式：text（默认，给人看）或 json（给脚本用）
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    #[command(flatten)]
    pub today: TodayArg,
}

/// `--today`, shared by the commands that depend on the date.
#[derive(Debug, Clone, Default, Args)]
pub struct TodayArg {
    /// 把这一天当作今天（年-月-日，例如 2026-10-26）；不写时用环境变量 GONGKAI_TODAY，再不写用本机日期
    #[arg(long = "today", value_name = "年-月-日")]
    pub value: Option<String>,
}

impl TodayArg {
    /// The date the command takes as today; a bad value is printed as a Chinese error
    /// and gives the exit code to return.
    pub fn resolve(&self) -> Result<crate::today::Today, std::process::ExitCode> {
        crate::today::Today::resolve(self.value.as_deref()).map_err(|err| {
            eprintln!("错误：{err}");
            std::process::ExitCode::from(2)
        })
    }
}

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// `gongkai build`
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// 网站文件夹（含 site.toml），默认为当前文件夹
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// 输出文件夹，默认为网站文件夹下的 public/
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// 覆盖 site.toml 中的 base_url
    #[arg(long)]
    pub base_url: Option<String>,
    #[command(flatten)]
    pub today: TodayArg,
}

/// `gongkai new`
#[derive(Debug, Args)]
pub struct NewArgs {
    /// 新网站文件夹（不能已存在且非空）
    pub dir: PathBuf,
}

/// `gongkai serve`
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// 网站文件夹（含 site.toml），默认为当前文件夹
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// 端口，默认 1111
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// 启动后用默认浏览器打开
    #[arg(long)]
    pub open: bool,
    #[command(flatten)]
    pub today: TodayArg,
}
