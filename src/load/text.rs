//! Decoding bytes to text: UTF-8 (with or without BOM), GBK/GB18030, UTF-16.
