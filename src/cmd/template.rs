//! `gongkai template registers 文件.xlsx`: writes the register template workbook
//! ([`crate::template`]). Never overwrites a file.

use std::io::Write;
use std::process::ExitCode;

use super::{TemplateArgs, TemplateKind};

/// Runs the command.
pub fn run(args: &TemplateArgs) -> ExitCode {
    let TemplateKind::Registers = args.kind;
    let file = &args.file;
    let is_xlsx = file
        .extension()
        .is_some_and(|e| e.to_string_lossy().eq_ignore_ascii_case("xlsx"));
    if !is_xlsx {
        eprintln!("错误：模板是 Excel 工作簿，文件名请以 .xlsx 结尾，例如 gongkai template registers 东堡村.xlsx");
        return ExitCode::from(2);
    }
    let bytes = match crate::template::register_template() {
        Ok(bytes) => bytes,
        Err(err) => {
            eprintln!("错误：无法生成模板：{err}");
            return ExitCode::FAILURE;
        }
    };
    // `create_new`: an existing register is never overwritten.
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(file)
        .and_then(|mut f| f.write_all(&bytes));
    match written {
        Ok(()) => {
            println!(
                "已生成台账模板 {}：在“台账”工作表中每行填写一个隐患，“填写说明”工作表说明了每一列。\
                 填好后放到 content/registers/年-月/ 文件夹中。",
                file.display()
            );
            ExitCode::SUCCESS
        }
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            eprintln!(
                "错误：文件 {} 已存在，为免覆盖没有写入。请换一个文件名。",
                file.display()
            );
            ExitCode::from(2)
        }
        Err(err) => {
            eprintln!("错误：无法写入 {}：{err}", file.display());
            ExitCode::FAILURE
        }
    }
}
