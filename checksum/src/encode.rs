//! The client-side row encoders: the exact bytes the server hashes, built from wire values.
//!
//! Strong (and fast, which hashes the same text with CRC32): `CONCAT(QUOTE(e1), QUOTE(e2),
//! ...)`. `QUOTE` writes NULL as the four letters `NULL` and any other value between single
//! quotes with `\`, `'`, NUL and Ctrl-Z escaped (`\\`, `\'`, `\0`, `\Z`), so every column is
//! self-delimiting: NULL, `''` and `'NULL'` differ, and no value can borrow bytes from its
//! neighbour.
//!
//! pt: `CONCAT_WS('#', e1, ..., CONCAT(ISNULL(n1), ...))`, NULLs skipped, the NULL bitmap of the
//! nullable columns last.

use chunker::ValueRef;

use crate::error::{At, Error};
use crate::plan::{ColPlan, Enc};
use crate::{fixed, number, text, zerofill};

/// The row encoders' result: the error boxed, so that the result of every row is one word
/// in a register (a `Result<(), Error>` is copied through the stack, row after row).
pub(crate) type Encoded = Result<(), Box<Error>>;

/// Scratch space reused across rows so that encoding allocates nothing per row.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    pub(crate) fmt: String,
    /// pt's NULL bitmap of the row being encoded.
    pub(crate) nulls: Vec<u8>,
}

/// Appends the strong encoding of `row` to `out`; `ZF`: whether a column may be `ZEROFILL`.
pub(crate) fn strong_row<'v, const ZF: bool>(
    cols: &[ColPlan],
    row: impl Iterator<Item = ValueRef<'v>>,
    out: &mut Vec<u8>,
    s: &mut Scratch,
    at: &dyn Fn() -> At,
) -> Encoded {
    for (col, v) in cols.iter().zip(row) {
        strong_value::<ZF>(col, v, out, s, at)?;
    }
    Ok(())
}

/// Appends the strong encoding of one value `v` of column `col` (`QUOTE` of its text).
#[inline(always)]
pub(crate) fn strong_value<const ZF: bool>(
    col: &ColPlan,
    v: ValueRef<'_>,
    out: &mut Vec<u8>,
    s: &mut Scratch,
    at: &dyn Fn() -> At,
) -> Encoded {
    match (v, &col.enc) {
        (ValueRef::Null, _) => out.extend_from_slice(b"NULL"),
        // ZEROFILL integers and decimals: digits and a point, padded; nothing to escape.
        (v, enc) if ZF && col.zerofill.is_some() => {
            out.push(b'\'');
            let start = out.len();
            if let Err(miss) = value_text(enc, v, out, &mut s.fmt) {
                return Err(miss.error(col, v, "strong", at));
            }
            zerofill::pad(out, start, col.zerofill.unwrap_or_default());
            out.push(b'\'');
        }
        (ValueRef::Bytes(b), Enc::Raw) => {
            out.push(b'\'');
            push_quoted(out, b);
            out.push(b'\'');
        }
        // DECIMAL text (digits, a sign, a point): nothing `QUOTE` escapes, no scan.
        (ValueRef::Bytes(b), Enc::DecimalText) => {
            out.push(b'\'');
            text::push_plain(out, b);
            out.push(b'\'');
        }
        (v, enc) => {
            // Numbers, dates and times written here are digits, signs, points, colons,
            // spaces and `e`: nothing `QUOTE` escapes, so they go straight into the row.
            out.push(b'\'');
            if let Err(miss) = value_text(enc, v, out, &mut s.fmt) {
                return Err(miss.error(col, v, "strong", at));
            }
            out.push(b'\'');
        }
    }
    Ok(())
}

/// Appends pt's `CONCAT_WS('#', ...)` input for `row` to `out`; `ZF`: whether a column may
/// be `ZEROFILL`.
pub(crate) fn pt_row<'v, const ZF: bool>(
    cols: &[ColPlan],
    row: impl Iterator<Item = ValueRef<'v>>,
    out: &mut Vec<u8>,
    s: &mut Scratch,
    at: &dyn Fn() -> At,
) -> Encoded {
    let mut first = true;
    s.nulls.clear();
    for (col, v) in cols.iter().zip(row) {
        if col.nullable {
            s.nulls.push(if v.is_null() { b'1' } else { b'0' });
        }
        if v.is_null() {
            continue;
        }
        if !first {
            out.push(b'#');
        }
        first = false;
        let start = out.len();
        if let Err(miss) = value_text(&col.enc, v, out, &mut s.fmt) {
            return Err(miss.error(col, v, "pt", at));
        }
        if let (true, Some(width)) = (ZF, col.zerofill) {
            zerofill::pad(out, start, width);
        }
    }
    if cols.iter().any(|c| c.nullable) {
        if !first {
            out.push(b'#');
        }
        out.extend_from_slice(&s.nulls);
    }
    Ok(())
}

/// Whether `QUOTE` escapes byte `b`.
fn special(b: u8) -> bool {
    (b == b'\\') | (b == b'\'') | (b == 0) | (b == 0x1a)
}

/// The two bytes `QUOTE` writes for a byte it escapes.
fn escaped(b: u8) -> [u8; 2] {
    match b {
        0 => *b"\\0",
        0x1a => *b"\\Z",
        other => [b'\\', other],
    }
}

/// `QUOTE`'s escaping of the bytes between the quotes.
///
/// The common case, nothing to escape, costs one copy and a scan: the bytes are appended as
/// they are, 32 spaces (never escaped) after them, and the appended bytes are tested 32 at a
/// time with no branch per byte (the compiler vectorizes [`clean`]); the spaces pad the
/// last block, then are cut off. When something must be escaped the copy is cut off and the
/// bytes are written again: runs without anything to escape are copied whole, the escapes
/// found by walking the set bits of each block's mask.
pub(crate) fn push_quoted(out: &mut Vec<u8>, bytes: &[u8]) {
    const BLOCK: usize = 32;
    // Values of at most 32 bytes (most of them) are tested and appended with fixed-size
    // copies of their first and last bytes: no `memcpy` call at all.
    if text::push_short(out, bytes, clean) {
        return;
    }
    let start = out.len();
    out.extend_from_slice(bytes);
    out.extend_from_slice(&[b' '; BLOCK]);
    let all_clean = out
        .get(start..)
        .unwrap_or_default()
        .chunks_exact(BLOCK)
        .take(bytes.len().div_ceil(BLOCK))
        .all(|block| <&[u8; BLOCK]>::try_from(block).map_or(true, |b| clean(b)));
    if all_clean {
        out.truncate(start + bytes.len());
        return;
    }
    out.truncate(start);
    let mut run = 0; // start of the clean bytes not yet copied
    let mut at = 0;
    let mut blocks = bytes.chunks_exact(BLOCK);
    for block in &mut blocks {
        let block: &[u8; BLOCK] = block.try_into().unwrap_or(&[b' '; BLOCK]);
        if !clean(block) {
            escape_marked(out, bytes, &mut run, at, mask(block));
        }
        at += BLOCK;
    }
    let rest = blocks.remainder();
    let mut padded = [b' '; BLOCK];
    padded[..rest.len()].copy_from_slice(rest);
    if !clean(&padded) {
        escape_marked(out, bytes, &mut run, at, mask(&padded));
    }
    out.extend_from_slice(bytes.get(run..).unwrap_or_default());
}

/// Whether no byte of `bytes` is escaped: no early exit, so a fixed-size array compiles to a
/// few vector compares.
#[inline(always)]
fn clean(bytes: &[u8]) -> bool {
    bytes.iter().fold(0u8, |hit, &b| hit | u8::from(special(b))) == 0
}

/// Bit `i` set when `block[i]` is escaped.
fn mask(block: &[u8; 32]) -> u32 {
    block
        .iter()
        .enumerate()
        .fold(0u32, |m, (i, &b)| m | u32::from(special(b)) << i)
}

/// Copies the clean run before each byte marked in `mask` (bit `i` is `bytes[at + i]`) and
/// writes that byte escaped; `run` moves past it.
fn escape_marked(out: &mut Vec<u8>, bytes: &[u8], run: &mut usize, at: usize, mut mask: u32) {
    while mask != 0 {
        let i = at + mask.trailing_zeros() as usize;
        mask &= mask - 1;
        out.extend_from_slice(bytes.get(*run..i).unwrap_or_default());
        out.extend_from_slice(&escaped(bytes.get(i).copied().unwrap_or_default()));
        *run = i + 1;
    }
}

fn short(v: ValueRef<'_>) -> String {
    let mut s = format!("{v:?}");
    if s.len() > 60 {
        let mut cut = 60;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push('…');
    }
    s
}

/// Why [`value_text`] wrote nothing: the value is not of the kind the column needs (which
/// kind), or the client cannot reproduce the column at all. Turned into an [`Error`] naming the
/// table, chunk, column and value only when it happens.
#[derive(Clone, Copy, Debug)]
enum Miss {
    Expected(&'static str),
    Unsupported,
}

impl Miss {
    #[cold]
    fn error(
        self,
        col: &ColPlan,
        v: ValueRef<'_>,
        algorithm: &'static str,
        at: &dyn Fn() -> At,
    ) -> Box<Error> {
        Box::new(match (self, &col.enc) {
            (Miss::Unsupported, Enc::Unsupported) => Error::Unsupported {
                at: at(),
                algorithm,
                column: col.name.clone(),
                reason: col.unsupported.clone(),
            },
            _ => Error::ValueType {
                at: at(),
                column: col.name.clone(),
                expected: match self {
                    Miss::Expected(e) => e,
                    Miss::Unsupported => "a supported column",
                },
                found: short(v),
            },
        })
    }
}

/// Appends the text the server produces for one non-NULL value of a column encoded as `enc`.
#[inline(always)]
fn value_text(enc: &Enc, v: ValueRef<'_>, out: &mut Vec<u8>, fmt: &mut String) -> Result<(), Miss> {
    let wrong = Miss::Expected;
    match (enc, v) {
        (Enc::Int | Enc::DecimalText, ValueRef::Int(i)) => text::push_int(out, i),
        (Enc::Int | Enc::DecimalText, ValueRef::UInt(u)) => text::push_uint(out, u),
        (Enc::Int, _) => return Err(wrong("an integer")),
        (Enc::DecimalText, ValueRef::Bytes(b)) => out.extend_from_slice(b),
        (Enc::DecimalText, _) => return Err(wrong("decimal text")),
        (Enc::Double, ValueRef::Double(d)) => number::push_double(out, d, fmt),
        (Enc::Double, ValueRef::Float(f)) => number::push_double(out, f64::from(f), fmt),
        (Enc::Double, _) => return Err(wrong("a float or double")),
        (Enc::Float6, ValueRef::Float(f)) => number::push_float6(out, f, fmt),
        #[allow(clippy::cast_possible_truncation)]
        (Enc::Float6, ValueRef::Double(d)) if f64::from(d as f32) == d => {
            number::push_float6(out, d as f32, fmt);
        }
        (Enc::Float6, _) => return Err(wrong("a float")),
        (Enc::Fixed(d), ValueRef::Float(f)) => fixed::push_fixed(out, f64::from(f), *d, fmt),
        (Enc::Fixed(d), ValueRef::Double(x)) => fixed::push_fixed(out, x, *d, fmt),
        (Enc::Fixed(_), _) => return Err(wrong("a float or double")),
        (Enc::BitNumber, ValueRef::Bytes(b)) if b.len() <= 8 => {
            let n = b.iter().fold(0u64, |acc, &x| acc << 8 | u64::from(x));
            text::push_uint(out, n);
        }
        (Enc::BitNumber, ValueRef::UInt(u)) => text::push_uint(out, u),
        (Enc::BitNumber, ValueRef::Int(i)) if i >= 0 => text::push_int(out, i),
        (Enc::BitNumber, _) => return Err(wrong("bit bytes (at most 8)")),
        (Enc::Raw, ValueRef::Bytes(b)) => out.extend_from_slice(b),
        (Enc::Raw, _) => return Err(wrong("bytes")),
        (Enc::Utf8(conv), ValueRef::Bytes(b)) => conv.push(out, b),
        (Enc::Utf8(_), _) => return Err(wrong("character data")),
        (Enc::Crc32, ValueRef::Bytes(b)) => text::push_uint(out, u64::from(crc32fast::hash(b))),
        (Enc::Crc32, _) => return Err(wrong("bytes")),
        (Enc::Date, ValueRef::Date { year, month, day }) => text::push_date(out, year, month, day),
        (Enc::Date, _) => return Err(wrong("a date")),
        (Enc::DateTime(fsp), dt) => {
            let (y, mo, d, h, mi, s, us) = date_time(dt).ok_or(wrong("a datetime"))?;
            text::push_date_time(out, (y, mo, d), (h, mi, s), us, *fsp);
        }
        (Enc::Epoch(fsp), dt) => {
            let (y, mo, d, h, mi, s, us) = date_time(dt).ok_or(wrong("a timestamp"))?;
            let secs = text::unix_seconds(y, mo, d, h, mi, s);
            text::push_int(out, secs.unwrap_or(0));
            text::push_fraction(out, if secs.is_some() { us } else { 0 }, *fsp);
        }
        (
            Enc::Time(fsp),
            ValueRef::Time {
                negative,
                hours,
                minutes,
                seconds,
                micros,
            },
        ) => {
            if negative {
                out.push(b'-');
            }
            text::push_clock(out, hours, minutes, seconds);
            text::push_fraction(out, micros, *fsp);
        }
        (Enc::Time(_), _) => return Err(wrong("a time")),
        (Enc::Year, ValueRef::Int(y)) if y >= 0 => text::push_year(out, y.unsigned_abs()),
        (Enc::Year, ValueRef::UInt(y)) => text::push_year(out, y),
        (Enc::Year, _) => return Err(wrong("a year")),
        (Enc::Unsupported, _) => return Err(Miss::Unsupported),
    }
    Ok(())
}

type Parts = (u16, u8, u8, u8, u8, u8, u32);

/// The fields of a date-and-time value (a `Date` counts as midnight).
fn date_time(v: ValueRef<'_>) -> Option<Parts> {
    match v {
        ValueRef::DateTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
            micros,
        } => Some((year, month, day, hour, minute, second, micros)),
        ValueRef::Date { year, month, day } => Some((year, month, day, 0, 0, 0, 0)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::push_quoted;

    #[test]
    fn quote_escapes_like_the_server() {
        let mut out = Vec::new();
        push_quoted(&mut out, b"a'b\\c\0d\x1ae#");
        assert_eq!(out, b"a\\'b\\\\c\\0d\\Ze#");
        out.clear();
        let long = b"0123456789abcdef0123456789'bcdef01";
        push_quoted(&mut out, long);
        assert_eq!(out, b"0123456789abcdef0123456789\\'bcdef01");
    }
}
