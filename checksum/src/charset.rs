//! `CONVERT(col USING utf8mb4)` reproduced client-side, for the `pt` algorithm.
//!
//! pt-table-checksum converts `CHAR`, `VARCHAR`, `ENUM` and `SET` columns to utf8mb4 before
//! hashing. The client reads those columns unconverted (session `character_set_results =
//! binary`), so it must convert the same way. Only the charsets whose conversion is a fixed
//! table are reproduced: the UTF-8 family and ASCII (identity) and MariaDB's `latin1`, which is
//! Windows-1252 with the five bytes that 1252 leaves undefined mapped to U+0081, U+008D, U+008F,
//! U+0090 and U+009D. Any other charset makes the `pt` client engine refuse the column (the
//! server-side SQL still works).

/// How the bytes of one column's charset become utf8mb4.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ToUtf8 {
    /// The bytes already are UTF-8 (utf8mb4, utf8mb3, ascii, binary).
    Identity,
    /// MariaDB `latin1` (cp1252 plus five C1 controls).
    Latin1,
}

impl ToUtf8 {
    /// The conversion for `charset`, or `None` when it is not reproduced.
    pub(crate) fn for_charset(charset: &str) -> Option<ToUtf8> {
        match charset.to_ascii_lowercase().as_str() {
            "utf8mb4" | "utf8mb3" | "utf8" | "ascii" | "binary" => Some(ToUtf8::Identity),
            "latin1" => Some(ToUtf8::Latin1),
            _ => None,
        }
    }

    /// Appends `bytes` converted to UTF-8.
    pub(crate) fn push(self, out: &mut Vec<u8>, bytes: &[u8]) {
        match self {
            ToUtf8::Identity => out.extend_from_slice(bytes),
            ToUtf8::Latin1 => {
                for &b in bytes {
                    if b < 0x80 {
                        out.push(b);
                    } else {
                        let c = latin1_char(b);
                        let mut buf = [0u8; 4];
                        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    }
                }
            }
        }
    }
}

/// The character MariaDB's `latin1` assigns to byte `b`.
fn latin1_char(b: u8) -> char {
    const C1: [u16; 32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, // 80-87
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F, // 88-8f
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, // 90-97
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178, // 98-9f
    ];
    let code = if (0x80..0xA0).contains(&b) {
        u32::from(C1[usize::from(b - 0x80)])
    } else {
        u32::from(b)
    };
    char::from_u32(code).unwrap_or('?')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_is_cp1252_with_c1_holes() {
        let mut out = Vec::new();
        ToUtf8::Latin1.push(&mut out, &[b'a', 0x80, 0x81, 0xE9, 0xFF]);
        assert_eq!(out, "a\u{20ac}\u{81}\u{e9}\u{ff}".as_bytes());
        assert_eq!(ToUtf8::for_charset("UTF8MB4"), Some(ToUtf8::Identity));
        assert_eq!(ToUtf8::for_charset("sjis"), None);
    }
}
