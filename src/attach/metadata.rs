//! Photos without their metadata: a phone photo of a hazard carries where it was taken
//! (GPS), with which device, and often who owns it, in EXIF and XMP. None of that may
//! be published (the photographer may be the reporter).
//!
//! img-parts splits JPEG, PNG and WebP files into their segments and chunks and writes
//! them back byte for byte, so the picture itself is not re-encoded (no quality lost,
//! same size less the metadata). What is dropped:
//! - JPEG: every APPn segment except JFIF (APP0), the colour profile (APP2
//!   `ICC_PROFILE`) and Adobe's colour transform (APP14), and comments; the EXIF
//!   orientation alone is written back (a 26-byte EXIF), so a portrait photo stays
//!   upright;
//! - PNG: `eXIf`, `tEXt`, `zTXt`, `iTXt` and `tIME`;
//! - WebP: `EXIF` and `XMP ` (the flags are set to match).
//!
//! GIF has no such metadata and is published as it is.

use img_parts::jpeg::{markers, Jpeg, JpegSegment};
use img_parts::png::Png;
use img_parts::webp::WebP;
use img_parts::{Bytes, ImageEXIF};

/// The photo's bytes without metadata, or an error message when the file is not the
/// image its name says (a broken or renamed file must not be published unchecked).
pub fn strip(ext: &str, bytes: &[u8]) -> Result<Vec<u8>, String> {
    let input = Bytes::copy_from_slice(bytes);
    match ext {
        "jpg" | "jpeg" => {
            let mut jpeg = Jpeg::from_bytes(input).map_err(|e| e.to_string())?;
            let orientation = jpeg.exif().and_then(|exif| orientation(&exif));
            jpeg.segments_mut().retain(keep_jpeg_segment);
            if let Some(value) = orientation.filter(|&o| o != 1) {
                // Right after SOI/APP0, where EXIF belongs.
                let at = jpeg
                    .segments()
                    .iter()
                    .position(|s| s.marker() != markers::APP0)
                    .unwrap_or(0);
                jpeg.segments_mut().insert(
                    at,
                    JpegSegment::new_with_contents(
                        markers::APP1,
                        Bytes::from(orientation_exif(value)),
                    ),
                );
            }
            Ok(jpeg.encoder().bytes().to_vec())
        }
        "png" => {
            let mut png = Png::from_bytes(input).map_err(|e| e.to_string())?;
            png.chunks_mut()
                .retain(|c| !matches!(&c.kind(), b"eXIf" | b"tEXt" | b"zTXt" | b"iTXt" | b"tIME"));
            Ok(png.encoder().bytes().to_vec())
        }
        "webp" => {
            let mut webp = WebP::from_bytes(input).map_err(|e| e.to_string())?;
            webp.set_exif(None);
            webp.remove_chunks_by_id(*b"XMP ");
            Ok(webp.encoder().bytes().to_vec())
        }
        _ => Ok(bytes.to_vec()),
    }
}

fn keep_jpeg_segment(segment: &JpegSegment) -> bool {
    match segment.marker() {
        markers::APP0 | markers::APP14 => true,
        markers::APP2 => segment.contents().starts_with(b"ICC_PROFILE\0"),
        markers::COM => false,
        m => !(markers::APP1..=markers::APP15).contains(&m),
    }
}

/// The orientation (tag 0x0112 of IFD0) of an EXIF block, if it has one.
fn orientation(exif: &[u8]) -> Option<u16> {
    let tiff = exif.strip_prefix(b"Exif\0\0").unwrap_or(exif);
    let big = match tiff.get(..2)? {
        b"MM" => true,
        b"II" => false,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let b = tiff.get(at..at + 2)?;
        Some(if big {
            u16::from_be_bytes([b[0], b[1]])
        } else {
            u16::from_le_bytes([b[0], b[1]])
        })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b = tiff.get(at..at + 4)?;
        let b = [b[0], b[1], b[2], b[3]];
        Some(if big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    };
    let ifd = usize::try_from(u32_at(4)?).ok()?;
    let count = usize::from(u16_at(ifd)?);
    (0..count).find_map(|i| {
        let entry = ifd + 2 + i * 12;
        (u16_at(entry)? == 0x0112)
            .then(|| u16_at(entry + 8))
            .flatten()
    })
}

/// A minimal EXIF block holding only the orientation.
fn orientation_exif(value: u16) -> Vec<u8> {
    let mut out = b"Exif\0\0MM\0\x2a\0\0\0\x08".to_vec();
    out.extend_from_slice(&1u16.to_be_bytes()); // one entry
    out.extend_from_slice(&0x0112u16.to_be_bytes()); // Orientation
    out.extend_from_slice(&3u16.to_be_bytes()); // SHORT
    out.extend_from_slice(&1u32.to_be_bytes()); // one value
    out.extend_from_slice(&value.to_be_bytes());
    out.extend_from_slice(&[0, 0]); // padding of the 4-byte value field
    out.extend_from_slice(&0u32.to_be_bytes()); // no next IFD
    out
}

/// A JPEG with an EXIF block holding GPS coordinates, an owner and an orientation, an
/// XMP packet and a comment (for tests here and of the whole build).
#[doc(hidden)]
pub fn sample_jpeg_with_gps() -> Vec<u8> {
    // TIFF, big-endian: IFD0 with Orientation = 6, Artist, and a GPS IFD pointer.
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    let artist = b"Zhang San\0";
    tiff.extend_from_slice(&3u16.to_be_bytes());
    // Orientation
    tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]);
    // Artist (ASCII) at offset 50
    tiff.extend_from_slice(&[0x01, 0x3b, 0, 2, 0, 0, 0, artist.len() as u8, 0, 0, 0, 50]);
    // GPS IFD at offset 60
    tiff.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 60]);
    tiff.extend_from_slice(&0u32.to_be_bytes());
    while tiff.len() < 50 {
        tiff.push(0);
    }
    tiff.extend_from_slice(artist);
    // GPS IFD: GPSLatitudeRef = "N"
    tiff.extend_from_slice(&1u16.to_be_bytes());
    tiff.extend_from_slice(&[0x00, 0x01, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    tiff.extend_from_slice(&0u32.to_be_bytes());
    let mut exif = b"Exif\0\0".to_vec();
    exif.extend_from_slice(&tiff);
    let xmp =
        b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><dc:creator>Zhang San</dc:creator></x:xmpmeta>";
    let segment = |marker: u8, body: &[u8]| {
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(
            &u16::try_from(body.len() + 2)
                .unwrap_or(u16::MAX)
                .to_be_bytes(),
        );
        s.extend_from_slice(body);
        s
    };
    let mut jpeg = vec![0xFF, 0xD8];
    jpeg.extend(segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
    jpeg.extend(segment(0xE1, &exif));
    jpeg.extend(segment(0xE1, xmp));
    jpeg.extend(segment(0xFE, b"owner Zhang San"));
    jpeg.extend_from_slice(TINY_JPEG_BODY);
    jpeg
}

/// The tables, frame and scan of a valid 1×1 grey baseline JPEG (after SOI/APP0).
const TINY_JPEG_BODY: &[u8] = &[
    0xFF, 0xDB, 0x00, 0x43, 0x00, 0x08, 0x06, 0x06, 0x07, 0x06, 0x05, 0x08, 0x07, 0x07, 0x07, 0x09,
    0x09, 0x08, 0x0A, 0x0C, 0x14, 0x0D, 0x0C, 0x0B, 0x0B, 0x0C, 0x19, 0x12, 0x13, 0x0F, 0x14, 0x1D,
    0x1A, 0x1F, 0x1E, 0x1D, 0x1A, 0x1C, 0x1C, 0x20, 0x24, 0x2E, 0x27, 0x20, 0x22, 0x2C, 0x23, 0x1C,
    0x1C, 0x28, 0x37, 0x29, 0x2C, 0x30, 0x31, 0x34, 0x34, 0x34, 0x1F, 0x27, 0x39, 0x3D, 0x38, 0x32,
    0x3C, 0x2E, 0x33, 0x34, 0x32, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x01, 0x00, 0x01, 0x01, 0x01,
    0x11, 0x00, 0xFF, 0xC4, 0x00, 0x1F, 0x00, 0x00, 0x01, 0x05, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
    0x09, 0x0A, 0x0B, 0xFF, 0xC4, 0x00, 0xB5, 0x10, 0x00, 0x02, 0x01, 0x03, 0x03, 0x02, 0x04, 0x03,
    0x05, 0x05, 0x04, 0x04, 0x00, 0x00, 0x01, 0x7D, 0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12,
    0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xA1, 0x08,
    0x23, 0x42, 0xB1, 0xC1, 0x15, 0x52, 0xD1, 0xF0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0A, 0x16,
    0x17, 0x18, 0x19, 0x1A, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39,
    0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59,
    0x5A, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79,
    0x7A, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98,
    0x99, 0x9A, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6,
    0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4,
    0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xE1, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA,
    0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA, 0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01,
    0x00, 0x00, 0x3F, 0x00, 0xD2, 0xCF, 0x20, 0xFF, 0xD9,
];

/// True when the bytes still carry location or owner metadata (for tests).
#[doc(hidden)]
pub fn has_metadata(bytes: &[u8]) -> bool {
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    has(&[0x88, 0x25]) && has(b"Exif") || has(b"Zhang San") || has(b"xmpmeta")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jpeg_loses_gps_owner_xmp_and_comment_keeps_orientation() {
        let source = sample_jpeg_with_gps();
        assert!(has_metadata(&source));
        assert_eq!(
            orientation(
                &Jpeg::from_bytes(Bytes::from(source.clone()))
                    .unwrap()
                    .exif()
                    .unwrap()
            ),
            Some(6)
        );
        let out = strip("jpg", &source).unwrap();
        assert!(!has_metadata(&out), "{out:?}");
        let jpeg = Jpeg::from_bytes(Bytes::from(out.clone())).unwrap();
        assert_eq!(orientation(&jpeg.exif().unwrap()), Some(6));
        // The picture itself is untouched.
        assert!(out.ends_with(TINY_JPEG_BODY));
    }

    #[test]
    fn png_loses_text_chunks() {
        let mut png = Png::from_bytes(Bytes::from_static(TINY_PNG)).unwrap();
        let at = png.chunks().len() - 1;
        png.chunks_mut().insert(
            at,
            img_parts::png::PngChunk::new(*b"tEXt", Bytes::from_static(b"Author\0Zhang San")),
        );
        let with = png.encoder().bytes().to_vec();
        assert!(has_metadata(&with));
        let out = strip("png", &with).unwrap();
        assert!(!has_metadata(&out));
        assert_eq!(out, TINY_PNG);
    }

    #[test]
    fn a_renamed_file_is_refused() {
        assert!(strip("jpg", b"%PDF-1.4").is_err());
    }

    const TINY_PNG: &[u8] = &[
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F,
        0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8,
        0xCF, 0xC0, 0xF0, 0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00,
        0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ];
}
