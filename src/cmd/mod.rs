//! The command-line front ends, one file a command. Each is thin: the work is in the
//! pipeline modules.

pub mod build;
pub mod check;
pub mod new;
pub mod seal;
pub mod serve;
pub mod template;
pub mod verify;
pub mod zh;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// gongkai（公开）：重大事故隐患每月信息公开网站生成器
#[derive(Debug, Parser)]
#[command(name = "gongkai", version, about, long_about = None)]
#[command(override_usage = "gongkai 命令 [选项]")]
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
    /// 生成可直接填写的模板，例如：gongkai template registers 台账.xlsx
    Template(TemplateArgs),
    /// 提前封存某月已公开的台账（不等到公开截止日），并生成网站
    Seal(SealArgs),
    /// 核对一份已生成的网站（例如从网上下载的副本）：封存文件、封存链、各月份页的指纹
    Verify(VerifyArgs),
}

/// `gongkai seal`
#[derive(Debug, Args)]
#[command(
    override_usage = "gongkai seal 年-月 [--root 文件夹] [--out 输出文件夹] [--today 年-月-日]"
)]
pub struct SealArgs {
    /// 要封存的月份，例如 2026-10
    #[arg(value_name = "年-月")]
    pub month: String,
    /// 网站文件夹（含 site.toml），默认为当前文件夹
    #[arg(long, default_value = ".", value_name = "文件夹")]
    pub root: PathBuf,
    /// 输出文件夹，默认为网站文件夹下的 public/
    #[arg(long, value_name = "输出文件夹")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub today: TodayArg,
}

/// `gongkai verify`
#[derive(Debug, Args)]
#[command(override_usage = "gongkai verify 文件夹")]
pub struct VerifyArgs {
    /// 已生成的网站文件夹（例如 public/，或从网上下载的网站副本）
    #[arg(value_name = "文件夹")]
    pub dir: PathBuf,
}

/// `gongkai check`
#[derive(Debug, Args)]
#[command(
    override_usage = "gongkai check [--root 文件夹] [--out 输出文件夹] [--format text|json] [--today 年-月-日] [--quiet]"
)]
pub struct CheckArgs {
    /// 网站文件夹（含 site.toml），默认为当前文件夹
    #[arg(long, default_value = ".", value_name = "文件夹")]
    pub root: PathBuf,
    /// 输出格式：text（默认，给人看）或 json（给脚本用）
    #[arg(long, value_enum, default_value_t = Format::Text, value_name = "格式")]
    pub format: Format,
    /// 上次生成的网站文件夹（默认为网站文件夹下的 public/）：检查其中已公开的封存记录是否都还在
    #[arg(long, value_name = "输出文件夹")]
    pub out: Option<PathBuf>,
    /// 只输出错误和最后一行结论（给脚本用）
    #[arg(short, long)]
    pub quiet: bool,
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
#[command(
    override_usage = "gongkai build [--root 文件夹] [--out 输出文件夹] [--base-url 网址] [--today 年-月-日] [--quiet]"
)]
pub struct BuildArgs {
    /// 网站文件夹（含 site.toml），默认为当前文件夹
    #[arg(long, default_value = ".", value_name = "文件夹")]
    pub root: PathBuf,
    /// 输出文件夹，默认为网站文件夹下的 public/
    #[arg(long, value_name = "输出文件夹")]
    pub out: Option<PathBuf>,
    /// 覆盖 site.toml 中的 base_url
    #[arg(long, value_name = "网址")]
    pub base_url: Option<String>,
    /// 只输出错误和最后一行结论（给脚本用）
    #[arg(short, long)]
    pub quiet: bool,
    #[command(flatten)]
    pub today: TodayArg,
    /// Which months this build seals (not a command-line option: `gongkai seal` sets it).
    #[arg(skip = crate::ledger::Sealing::Due)]
    pub sealing: crate::ledger::Sealing,
}

/// `gongkai new`
#[derive(Debug, Args)]
#[command(override_usage = "gongkai new 新文件夹")]
pub struct NewArgs {
    /// 新网站文件夹（不能已存在且非空）
    #[arg(value_name = "新文件夹")]
    pub dir: PathBuf,
}

/// `gongkai template`
#[derive(Debug, Args)]
#[command(override_usage = "gongkai template registers 文件.xlsx")]
pub struct TemplateArgs {
    /// 模板种类：registers（隐患台账工作簿）
    #[arg(value_enum, value_name = "种类")]
    pub kind: TemplateKind,
    /// 要写入的文件（.xlsx，不能已存在）
    #[arg(value_name = "文件")]
    pub file: PathBuf,
}

/// What `gongkai template` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TemplateKind {
    /// 隐患台账工作簿
    Registers,
}

/// `gongkai serve`
#[derive(Debug, Args)]
#[command(
    override_usage = "gongkai serve [--root 文件夹] [--port 端口] [--open] [--today 年-月-日]"
)]
pub struct ServeArgs {
    /// 网站文件夹（含 site.toml），默认为当前文件夹
    #[arg(long, default_value = ".", value_name = "文件夹")]
    pub root: PathBuf,
    /// 端口，默认 1111
    #[arg(long, default_value_t = 1111, value_name = "端口")]
    pub port: u16,
    /// 启动后用默认浏览器打开
    #[arg(long)]
    pub open: bool,
    #[command(flatten)]
    pub today: TodayArg,
}
