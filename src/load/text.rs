//! Decoding bytes to text: UTF-8 (with or without BOM), GBK/GB18030, UTF-16.
//!
//! Offices never say which encoding a file is in. Excel and WPS on Chinese Windows save
//! CSV as GBK, "CSV UTF-8" with a BOM, and "Unicode text" as UTF-16LE with a BOM; a
//! file that came from another tool is usually plain UTF-8. The order of the tests
//! below follows from that: a BOM settles it, else valid UTF-8 is UTF-8 (GBK text of any
//! length is almost never valid UTF-8), else GB18030, the superset of GBK.

use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE, UTF_8};

/// Text decoded from a file, and the encoding it was in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, without any byte order mark.
    pub text: String,
    /// `UTF-8`, `UTF-8 (BOM)`, `UTF-16LE`, `UTF-16BE`, `GBK` or `GB18030`.
    pub encoding: &'static str,
}

/// Why a file could not be read as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The file has no bytes (or only a byte order mark).
    Empty,
    /// An Excel workbook (`.xlsx`, a zip) saved under another name.
    ExcelWorkbook,
    /// An old Excel workbook (`.xls`, an OLE compound file).
    OldExcelWorkbook,
    /// The bytes are not valid in the encoding they were taken for.
    Invalid {
        /// The encoding tried last.
        encoding: &'static str,
    },
}

impl DecodeError {
    /// What went wrong, in Chinese.
    pub fn message(&self) -> String {
        match self {
            DecodeError::Empty => "文件是空的".to_string(),
            DecodeError::ExcelWorkbook => "这是 Excel 工作簿（.xlsx），不是 CSV 文件".to_string(),
            DecodeError::OldExcelWorkbook => "这是 Excel 97-2003 工作簿（.xls），不是 CSV 文件".to_string(),
            DecodeError::Invalid { encoding } => format!(
                "无法识别文件的文字编码（既不是 UTF-8，也不是 GBK/GB18030；按 {encoding} 读取时遇到无效字节）"
            ),
        }
    }

    /// What to do about it, in Chinese.
    pub fn help(&self) -> &'static str {
        match self {
            DecodeError::Empty => "请在 Excel/WPS 中打开原表，另存为 CSV（逗号分隔）后放回此处；如果这个文件是多余的，请删除它。",
            DecodeError::ExcelWorkbook | DecodeError::OldExcelWorkbook => {
                "暂不支持 Excel 文件，请在 Excel/WPS 中另存为 CSV（逗号分隔）。"
            }
            DecodeError::Invalid { .. } => "请在 Excel/WPS 中打开该文件，选择“另存为”，文件类型选“CSV（逗号分隔）”或“CSV UTF-8（逗号分隔）”后重新保存。",
        }
    }
}

/// Decodes a file's bytes, telling the encoding apart without being told. Takes the
/// bytes by value so valid UTF-8 (the common case) is not copied.
pub fn decode(bytes: Vec<u8>) -> Result<Decoded, DecodeError> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(DecodeError::ExcelWorkbook);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Err(DecodeError::OldExcelWorkbook);
    }
    if let Some((encoding, bom_len)) = Encoding::for_bom(&bytes) {
        let body = &bytes[bom_len..];
        if body.is_empty() {
            return Err(DecodeError::Empty);
        }
        let name = if encoding == UTF_8 {
            "UTF-8 (BOM)"
        } else if encoding == UTF_16LE {
            "UTF-16LE"
        } else if encoding == UTF_16BE {
            "UTF-16BE"
        } else {
            encoding.name()
        };
        return match encoding.decode_without_bom_handling_and_without_replacement(body) {
            Some(text) => Ok(Decoded {
                text: text.into_owned(),
                encoding: name,
            }),
            None => Err(DecodeError::Invalid { encoding: name }),
        };
    }
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => {
            return Ok(Decoded {
                text,
                encoding: "UTF-8",
            })
        }
        Err(err) => err.into_bytes(),
    };
    // NUL bytes do not occur in text in any single-byte-based encoding; they mean a
    // UTF-16 file that lost its BOM or a binary file. Either way GB18030 would "decode"
    // it into nonsense, so refuse rather than publish garbage.
    if bytes.contains(&0) {
        return Err(DecodeError::Invalid {
            encoding: "GB18030",
        });
    }
    let encoding = if has_four_byte_gb18030(&bytes) {
        "GB18030"
    } else {
        "GBK"
    };
    match GB18030.decode_without_bom_handling_and_without_replacement(&bytes) {
        Some(text) => Ok(Decoded {
            text: text.into_owned(),
            encoding,
        }),
        None => Err(DecodeError::Invalid { encoding }),
    }
}

/// True when the bytes use GB18030's four-byte sequences (a lead byte 0x81–0xFE followed
/// by an ASCII digit), i.e. characters GBK cannot write, such as 𠮷.
fn has_four_byte_gb18030(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
        } else if (0x81..=0xFE).contains(&b) && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
            return true;
        } else {
            i += 2;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gb(text: &str) -> Vec<u8> {
        GB18030.encode(text).0.into_owned()
    }

    #[test]
    fn plain_utf8() {
        let d = decode("编号,隐患名称\r\n".as_bytes().to_vec()).unwrap();
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.text, "编号,隐患名称\r\n");
    }

    #[test]
    fn utf8_with_bom() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice("编号".as_bytes());
        let d = decode(bytes).unwrap();
        assert_eq!(d.encoding, "UTF-8 (BOM)");
        assert_eq!(d.text, "编号");
    }

    #[test]
    fn utf16_both_orders() {
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for unit in "编号\t名称".encode_utf16() {
            le.extend_from_slice(&unit.to_le_bytes());
            be.extend_from_slice(&unit.to_be_bytes());
        }
        let d = decode(le).unwrap();
        assert_eq!((d.encoding, d.text.as_str()), ("UTF-16LE", "编号\t名称"));
        let d = decode(be).unwrap();
        assert_eq!((d.encoding, d.text.as_str()), ("UTF-16BE", "编号\t名称"));
    }

    #[test]
    fn gbk_and_gb18030() {
        let d = decode(gb("南庄镇重大事故隐患台账,,\r\n编号,隐患名称\r\n")).unwrap();
        assert_eq!(d.encoding, "GBK");
        assert_eq!(d.text, "南庄镇重大事故隐患台账,,\r\n编号,隐患名称\r\n");
        let d = decode(gb("编号,单位名称\n1,𠮷祥饭店\n")).unwrap();
        assert_eq!(d.encoding, "GB18030");
        assert_eq!(d.text, "编号,单位名称\n1,𠮷祥饭店\n");
    }

    #[test]
    fn refusals() {
        assert_eq!(decode(vec![]), Err(DecodeError::Empty));
        assert_eq!(decode(vec![0xEF, 0xBB, 0xBF]), Err(DecodeError::Empty));
        assert_eq!(
            decode(b"PK\x03\x04rest".to_vec()),
            Err(DecodeError::ExcelWorkbook)
        );
        assert_eq!(
            decode(vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]),
            Err(DecodeError::OldExcelWorkbook)
        );
        // A lone lead byte at the end is neither UTF-8 nor GB18030.
        assert!(matches!(
            decode(vec![b'a', 0x81]),
            Err(DecodeError::Invalid { .. })
        ));
        assert!(matches!(
            decode(vec![0x80, 0x00, 0x41]),
            Err(DecodeError::Invalid { .. })
        ));
        // A UTF-16LE BOM followed by an odd byte count is invalid.
        assert!(matches!(
            decode(vec![0xFF, 0xFE, 0x41]),
            Err(DecodeError::Invalid { .. })
        ));
        for e in [
            DecodeError::Empty,
            DecodeError::ExcelWorkbook,
            DecodeError::Invalid { encoding: "GBK" },
        ] {
            assert!(!e.message().is_empty() && !e.help().is_empty());
        }
    }
}
