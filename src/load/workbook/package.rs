//! The zip package of an `.xlsx`, inspected before calamine reads it: what is refused
//! (encrypted, macros, external links, a corrupt or oversized zip, a zip bomb), and what
//! calamine does not say (hidden rows and columns, merged regions), read by streaming
//! each worksheet's XML once.
//!
//! Every part is inflated through [`Limited`], so a part that inflates to more than it
//! declares, or more than [`MAX_PART_BYTES`], stops the read at that point: memory is
//! one buffer, time is bounded by the limits.

use std::io::{self, BufReader, Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader as XmlReader, XmlVersion};
use zip::ZipArchive;

use super::address::parse_range;
use super::Refusal;
use crate::load::guard::MAX_TABLE_BYTES;

/// The most one part of the package (a worksheet's XML, the shared strings) may inflate
/// to: four times the largest CSV register, since XML spells every cell out.
pub const MAX_PART_BYTES: u64 = 4 * MAX_TABLE_BYTES;
/// The most all parts together may inflate to.
pub const MAX_TOTAL_BYTES: u64 = 8 * MAX_TABLE_BYTES;
/// The most non-blank cells read from one workbook: 100,000 rows of 40 columns.
pub const MAX_CELLS: usize = 4_000_000;
/// The most parts in one package; a register workbook has a few dozen.
const MAX_PARTS: usize = 10_000;
/// A part inflating more than this many times its compressed size, and to more than
/// [`RATIO_FLOOR`] bytes, is a zip bomb: real sheet XML compresses 5–50 times.
const MAX_RATIO: u64 = 200;
const RATIO_FLOOR: u64 = 8 * 1024 * 1024;

/// The first bytes of an OLE compound file: encrypted `.xlsx` files and old `.xls`.
const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// What [`inspect`] found out about a package.
#[derive(Debug, Default)]
pub(super) struct Package {
    pub sheets: Vec<SheetLayout>,
}

/// A merged region: 0-based (row, column) of its first and last cells.
pub(super) type Region = ((u32, u32), (u32, u32));

/// A worksheet's name, part and the layout calamine does not report.
#[derive(Debug, Default, Clone)]
pub(super) struct SheetLayout {
    pub name: String,
    pub part: String,
    /// 1-based rows with `hidden="1"`.
    pub hidden_rows: Vec<usize>,
    /// 0-based columns with `hidden="1"`.
    pub hidden_columns: Vec<usize>,
    /// Merged regions, 0-based inclusive corners.
    pub merges: Vec<Region>,
}

fn refuse(code: &'static str, message: impl Into<String>, help: impl Into<String>) -> Refusal {
    Refusal::new(code, message, help)
}

fn corrupt(detail: impl std::fmt::Display) -> Refusal {
    refuse(
        "workbook-corrupt",
        format!("工作簿文件已损坏，无法读取（{detail}）"),
        "请在 Excel/WPS 中打开原表确认能正常显示，再“另存为”一份 .xlsx 替换此文件；\
         如果文件是从微信、邮件下载的，请重新下载。",
    )
}

/// The refusal for an error calamine reports after the package passed inspection.
pub(super) fn unreadable(err: &calamine::XlsxError) -> Refusal {
    match err {
        calamine::XlsxError::Password => encrypted(),
        other => corrupt(other),
    }
}

fn encrypted() -> Refusal {
    refuse(
        "workbook-encrypted",
        "工作簿设置了打开密码（已加密），无法读取",
        "请在 Excel/WPS 中打开它，选择“文件 → 信息 → 保护工作簿 → 用密码进行加密”（WPS：“文件 → 文档加密”），\
         清空密码后保存。公开的台账不需要加密。",
    )
}

fn bomb(part: &str) -> Refusal {
    refuse(
        "workbook-too-large",
        format!(
            "工作簿中的「{part}」解压后超过 {} MB 或与声明的大小不符，未读取",
            MAX_PART_BYTES / 1_048_576
        ),
        "正常的台账工作簿解压后只有几 MB。请在 Excel/WPS 中打开原表，把台账复制到一个新建的工作簿中保存；\
         如果这个文件来历不明，请不要打开它。",
    )
}

/// Inspects the package: refuses what must not be read, and reads the layout of each
/// worksheet.
pub(super) fn inspect(bytes: &[u8]) -> Result<Package, Refusal> {
    if bytes.starts_with(&CFB_MAGIC) {
        // An encrypted .xlsx is an OLE file with an `EncryptedPackage` stream; any
        // other OLE file under an .xlsx name is an old .xls renamed.
        let name: Vec<u8> = "EncryptedPackage"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        if memchr::memmem::find(bytes, &name).is_some() {
            return Err(encrypted());
        }
        return Err(refuse(
            "workbook-old-format",
            "这个文件的扩展名是 .xlsx，内容却是旧版 Excel（.xls）格式",
            "请在 Excel/WPS 中打开它，选择“文件 → 另存为”，文件类型选“Excel 工作簿 (*.xlsx)”后保存。",
        ));
    }
    if !bytes.starts_with(b"PK") {
        return Err(corrupt("不是 zip 格式"));
    }
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(corrupt)?;
    if zip.len() > MAX_PARTS {
        return Err(corrupt(format!("包含 {} 个部件", zip.len())));
    }
    let mut total = 0u64;
    for i in 0..zip.len() {
        let part = zip.by_index_raw(i).map_err(corrupt)?;
        let name = part.name().map_err(corrupt)?.into_owned();
        if part.encrypted() {
            return Err(encrypted());
        }
        let lower = name.to_ascii_lowercase();
        if lower.ends_with("vbaproject.bin") {
            return Err(super::Kind::Macro
                .refusal()
                .unwrap_or_else(|| corrupt("宏")));
        }
        if lower.contains("externallinks/") {
            return Err(refuse(
                "workbook-external-link",
                "工作簿引用了其他文件中的数据（外部链接），未读取",
                "外部链接的值随另一个文件变化，公开的数据必须以本表为准。请在 Excel 中选择“数据 → 编辑链接 → 断开链接”\
                 （WPS：“数据 → 编辑链接 → 断开”），把引用变成数值后保存。",
            ));
        }
        let size = part.size();
        total = total.saturating_add(size);
        let ratio_bomb = size > RATIO_FLOOR && size / part.compressed_size().max(1) > MAX_RATIO;
        if size > MAX_PART_BYTES || total > MAX_TOTAL_BYTES || ratio_bomb {
            return Err(bomb(&name));
        }
    }
    let sheets = sheet_parts(&mut zip)?;
    let mut package = Package { sheets };
    for i in 0..zip.len() {
        let part = zip.by_index(i).map_err(corrupt)?;
        let name = part.name().map_err(corrupt)?.into_owned();
        let declared = part.size();
        let mut limited = Limited::new(part, declared);
        let sheet = package.sheets.iter_mut().find(|s| s.part == name);
        let result = match sheet {
            Some(sheet) => read_layout(&mut limited, sheet),
            None => io::copy(&mut limited, &mut io::sink()).map(drop),
        };
        if limited.exceeded {
            return Err(bomb(&name));
        }
        result.map_err(corrupt)?;
    }
    Ok(package)
}

/// The worksheets in tab order with their parts, from `xl/workbook.xml` and its
/// relationships.
fn sheet_parts(zip: &mut ZipArchive<Cursor<&[u8]>>) -> Result<Vec<SheetLayout>, Refusal> {
    let mut targets: Vec<(String, String)> = Vec::new();
    if let Ok(part) = zip.by_name("xl/_rels/workbook.xml.rels") {
        each_element(BufReader::new(part), |name, e| {
            if name == "Relationship" {
                let id = attribute(e, "Id");
                let target = attribute(e, "Target");
                if let (Some(id), Some(target)) = (id, target) {
                    targets.push((id, target));
                }
            }
        })
        .map_err(corrupt)?;
    }
    let mut sheets = Vec::new();
    let part = zip
        .by_name("xl/workbook.xml")
        .map_err(|_| corrupt("缺少 xl/workbook.xml"))?;
    each_element(BufReader::new(part), |name, e| {
        if name == "sheet" {
            let sheet_name = attribute(e, "name").unwrap_or_default();
            let id = attribute(e, "id").unwrap_or_default();
            if let Some((_, target)) = targets.iter().find(|(i, _)| *i == id) {
                let part = match target.strip_prefix('/') {
                    Some(absolute) => absolute.to_string(),
                    None => format!("xl/{target}"),
                };
                sheets.push(SheetLayout {
                    name: sheet_name,
                    part,
                    ..SheetLayout::default()
                });
            }
        }
    })
    .map_err(corrupt)?;
    Ok(sheets)
}

/// Streams one worksheet's XML for hidden rows and columns and merged regions.
fn read_layout(part: &mut impl Read, sheet: &mut SheetLayout) -> io::Result<()> {
    each_element(
        BufReader::with_capacity(64 * 1024, part),
        |name, e| match name {
            "row" if is_true(attribute(e, "hidden")) => {
                if let Some(r) = attribute(e, "r").and_then(|r| r.parse().ok()) {
                    sheet.hidden_rows.push(r);
                }
            }
            "col" if is_true(attribute(e, "hidden")) => {
                let number = |key| attribute(e, key).and_then(|v| v.parse::<usize>().ok());
                let (min, max) = (number("min").unwrap_or(0), number("max").unwrap_or(0));
                // A hidden range beyond the last column Excel has is nonsense; cap it.
                for c in min.max(1)..=max.min(16_384) {
                    sheet.hidden_columns.push(c - 1);
                }
            }
            "mergeCell" => {
                if let Some(region) = attribute(e, "ref").as_deref().and_then(parse_range) {
                    sheet.merges.push(region);
                }
            }
            _ => {}
        },
    )
}

fn is_true(value: Option<String>) -> bool {
    matches!(value.as_deref(), Some("1" | "true"))
}

/// Calls `f` with the local name and start tag of every element of an XML stream.
fn each_element(
    reader: impl io::BufRead,
    mut f: impl FnMut(&str, &BytesStart<'_>),
) -> io::Result<()> {
    let mut xml = XmlReader::from_reader(reader);
    let mut buf = Vec::new();
    loop {
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => f(e.local_name().as_ref(), &e),
            Ok(Event::Eof) => return Ok(()),
            Ok(_) => {}
            Err(err) => return Err(io::Error::new(io::ErrorKind::InvalidData, err.to_string())),
        }
        buf.clear();
    }
}

/// The unescaped value of the attribute whose local name is `key`.
fn attribute(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key)
        .and_then(|a| {
            a.normalized_value(XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// A reader that stops with an error past `limit` bytes (the part's declared size,
/// itself at most [`MAX_PART_BYTES`]), and remembers that it did.
struct Limited<R> {
    inner: R,
    read: u64,
    limit: u64,
    exceeded: bool,
}

impl<R> Limited<R> {
    fn new(inner: R, declared: u64) -> Self {
        Limited {
            inner,
            read: 0,
            limit: declared.min(MAX_PART_BYTES),
            exceeded: false,
        }
    }
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.limit {
            self.exceeded = true;
            return Err(io::Error::other("part larger than declared"));
        }
        Ok(n)
    }
}
