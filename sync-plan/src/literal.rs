//! Exact SQL literals: the text that makes the server store exactly the value the source has.
//!
//! The rules, per column type (all of them independent of `sql_mode`, so `NO_BACKSLASH_ESCAPES`
//! and `ANSI_QUOTES` change nothing):
//!
//! | type | literal |
//! |---|---|
//! | NULL (any type) | `NULL` |
//! | integers, `YEAR` | decimal digits: `-5`, `18446744073709551615`, `2024` (a numeric `0` stores YEAR `0000`) |
//! | `DECIMAL` | the stored text, unquoted (an exact-value literal): `-12.50` |
//! | `FLOAT(M,D)` | as `FLOAT`, unless the column's rounding to `D` decimals takes that text elsewhere than the smallest number with `D` decimals it stores as the same float: then that number (`999999.9688e0` for the `1e6` a FLOAT(10,4) holds at the top of its range, where `1e6` is out of range); see `fixed.rs` |
//! | `FLOAT` | shortest `f32` text in E notation (`1.5e0`) when parsing it as a DOUBLE gives a value within the FLOAT range that narrows to the same bits (checked per value, in Rust, whose parser rounds correctly as the server's does); otherwise the exact value of the float as a DOUBLE (`3.4028234663852886e38` for `f32::MAX`), which narrows exactly |
//! | `DOUBLE` | shortest round-trip `f64` text in E notation: `3.141592653589793e0` |
//! | `BIT(n)` | `b'101'` (the bits of the big-endian value, without leading zeros) |
//! | `BINARY`, `VARBINARY`, `BLOB` | `X'00ff'`, or `''` when empty |
//! | `CHAR`, `VARCHAR`, `TEXT`, `ENUM`, `SET`, `JSON` | `'text'` when every byte is printable ASCII (0x20-0x7E) other than `'` and `\`; otherwise the bytes in hex with the column's charset as introducer, `_utf8mb4 X'c3a9'`, which the server reads as those bytes in that charset whatever the connection charset; `''` when empty |
//! | `DATE`, `DATETIME`, `TIMESTAMP` | `'2024-02-29'`, `'2024-02-29 23:59:59.000001'` (fraction only when non-zero) |
//! | `TIME` | `'-838:59:59'`, `'100:00:00.5'` style, hours beyond 24 and negatives kept |
//!
//! `TIMESTAMP` values are shown by the server in the session time zone. This crate reads and writes
//! them with the session at `time_zone = '+00:00'` (see [`crate::SESSION_TIME_ZONE`]); the script
//! header sets it, so the text means the same instant on both sides and never falls in a DST gap.
//!
//! In the `WHERE` clauses of keyless deletes, strings are compared as bytes
//! (`CAST(col AS BINARY) <=> X'..'`), so that a case-insensitive or PAD SPACE collation cannot
//! make `'a'` match `'A '`; FLOAT columns are compared with the float's exact DOUBLE value.
//! `FLOAT(M,D)` and `DOUBLE(M,D)` columns are compared as `(k + 0e0) = v`, exactly, next to the
//! index range [`chunker::predicate::rounded_range`] gives: MariaDB 10.11 rounds the constant of
//! `k <=> v` to `D` decimals before an index lookup on `k`, so a stored value with more decimals
//! than `D` (an in-place `ALTER`, row-based replication from a plain `FLOAT`) was not found.
//! Likewise a negative value of an `UNSIGNED` `FLOAT`, `DOUBLE` or `DECIMAL` column (which
//! row-based replication from a signed column puts there) is matched as `k <= 0` for the index
//! and `(k + 0e0) = v` (`(k + 0) = v` for a DECIMAL), in keyless deletes, in the `WHERE` of
//! updates and deletes by an identity key, and in the drill-down's key ranges: MariaDB 10.11
//! clamps the constant of `k = v` to 0 before an index lookup on such a column, so `k = -1.50`
//! found nothing. Writing such a value is refused by the server (strict mode; others store
//! 0), so a row whose statement would write one is an [`Unrepairable`](crate::Unrepairable):
//! reported, and left out of the statements unless asked for.

use chunker::predicate::RoundedRange;
use chunker::{Column, ColumnType, KeyColumn, Value};

use crate::error::Error;

/// The exact literal for `value` in `column`, for `VALUES (...)` and `SET col = ...`.
///
/// ```
/// use chunker::{Column, ColumnType, Value, Collation, TextKind};
/// let f = Column::new("f", ColumnType::Float { scale: None });
/// assert_eq!(sync_plan::literal(&f, &Value::Float(0.1)).unwrap(), "1e-1");
/// let t = Column::new("t", ColumnType::Text { kind: TextKind::Var, max_len: 10 })
///     .collation(Collation::new("utf8mb4_general_ci"));
/// assert_eq!(sync_plan::literal(&t, &Value::text("it's")).unwrap(), "_utf8mb4 X'69742773'");
/// assert_eq!(sync_plan::literal(&t, &Value::text("plain")).unwrap(), "'plain'");
/// ```
pub fn literal(column: &Column, value: &Value) -> Result<String, Error> {
    literal_in("", column, value)
}

/// [`literal`], naming `table` in the error.
pub(crate) fn literal_in(table: &str, column: &Column, value: &Value) -> Result<String, Error> {
    render(column, value).map_err(|reason| Error::literal(table, &column.name, value, reason))
}

/// A NULL-safe predicate that matches exactly the stored `value` of `column` and nothing else:
/// bytes for strings, bits for FLOAT/DOUBLE. Used to delete rows of tables without a unique key
/// (tables keyed by FLOAT/DOUBLE columns among them). A non-NULL `FLOAT(M,D)`/`DOUBLE(M,D)`
/// value, which may have more decimals than `D`, is matched through an index range and an
/// exact filter: `k >= CAST('0.12' AS DECIMAL(65,2)) AND k <= CAST('0.16' AS DECIMAL(65,2))
/// AND (k + 0e0) = 1.3500000536441803e-1` (see [`chunker::predicate::rounded_range`]).
pub(crate) fn exact_match(table: &str, column: &Column, value: &Value) -> Result<String, Error> {
    let name = chunker::sql::quote_ident(&column.name);
    let err = |reason| Error::literal(table, &column.name, value, reason);
    if value.is_null() {
        return Ok(format!("{name} IS NULL"));
    }
    let lit = match (&column.column_type, value) {
        (ColumnType::Float { .. }, Value::Float(f)) => widened_f32(*f).map_err(err)?,
        (
            ColumnType::Text { .. }
            | ColumnType::Enum { .. }
            | ColumnType::Set { .. }
            | ColumnType::Json,
            Value::Bytes(b),
        ) => {
            return Ok(format!("CAST({name} AS BINARY) <=> {}", hex_or_empty(b)));
        }
        _ => render(column, value).map_err(err)?,
    };
    Ok(guarded_compare(column, "=", &lit, value).unwrap_or_else(|| format!("{name} <=> {lit}")))
}

/// `name OP lit` for a non-NULL `value` of `column` (`lit` its literal) where the server would
/// round or clamp the constant of the plain comparison before an index lookup on the column
/// (see [`chunker::predicate::exact_range`]): a `FLOAT(M,D)`/`DOUBLE(M,D)` value (rounded to
/// `D` decimals), or a negative value of an `UNSIGNED` `FLOAT`/`DOUBLE`/`DECIMAL` column (clamped
/// to 0, so `k = -1.50` finds nothing). The index is then searched over the chunker's range
/// on the side(s) `op` needs, and the row matched by the exact comparison, which the server
/// cannot round or clamp: `k <= CAST('0.00' AS DECIMAL(65,2)) AND (k + 0) = -1.50`. `None`
/// for every other column and value, whose plain comparison is exact.
pub(crate) fn guarded_compare(
    column: &Column,
    op: &str,
    lit: &str,
    value: &Value,
) -> Option<String> {
    let range = chunker::predicate::exact_range(&KeyColumn::from(column), value)?;
    let range = match op {
        ">" | ">=" => RoundedRange {
            upper: None,
            ..range
        },
        "<" | "<=" => RoundedRange {
            lower: None,
            ..range
        },
        _ => range,
    };
    let name = chunker::sql::quote_ident(&column.name);
    let mut parts = range.conditions(&name, |text| format!("'{text}'"));
    parts.push(format!("{} {op} {lit}", range.exact(&name)));
    Some(parts.join(" AND "))
}

fn render(column: &Column, value: &Value) -> Result<String, &'static str> {
    if value.is_null() {
        return Ok("NULL".to_string());
    }
    match &column.column_type {
        ColumnType::Integer { .. } | ColumnType::Year => match value {
            Value::Int(i) => Ok(i.to_string()),
            Value::UInt(u) => Ok(u.to_string()),
            Value::Bytes(b) => plain_number(b, false),
            _ => Err("an integer column needs an integer value"),
        },
        ColumnType::Decimal { .. } => match value {
            Value::Bytes(b) => plain_number(b, true),
            Value::Int(i) => Ok(i.to_string()),
            Value::UInt(u) => Ok(u.to_string()),
            _ => Err("a DECIMAL value must be its decimal text"),
        },
        ColumnType::Float { scale: Some(d) } => match value {
            Value::Float(f) => crate::fixed::float_md_literal(*f, *d),
            _ => Err("a FLOAT column needs a Float value"),
        },
        ColumnType::Float { .. } => match value {
            Value::Float(f) => float_literal(*f),
            _ => Err("a FLOAT column needs a Float value"),
        },
        ColumnType::Double { .. } => match value {
            Value::Double(d) => double_literal(*d),
            _ => Err("a DOUBLE column needs a Double value"),
        },
        ColumnType::Bit { .. } => match value {
            Value::Bytes(b) => Ok(bit_literal(b)),
            Value::UInt(u) => Ok(bit_literal(&u.to_be_bytes())),
            Value::Int(i) if *i >= 0 => Ok(bit_literal(&i.to_be_bytes())),
            _ => Err("a BIT value must be big-endian bytes or an unsigned integer"),
        },
        ColumnType::Binary { .. } | ColumnType::Other { .. } => match value {
            Value::Bytes(b) => Ok(hex_or_empty(b)),
            _ => Err("a binary string column needs a Bytes value"),
        },
        ColumnType::Text { .. }
        | ColumnType::Enum { .. }
        | ColumnType::Set { .. }
        | ColumnType::Json => match value {
            Value::Bytes(b) => Ok(text_literal(column, b)),
            _ => Err("a character column needs a Bytes value"),
        },
        ColumnType::Date => match value {
            Value::Date { .. } => Ok(temporal_literal(value)),
            _ => Err("a DATE column needs a Date value"),
        },
        ColumnType::DateTime { .. } | ColumnType::Timestamp { .. } => match value {
            Value::DateTime { micros, .. } if *micros > 999_999 => {
                Err("microseconds beyond 999999")
            }
            Value::DateTime { .. } | Value::Date { .. } => Ok(temporal_literal(value)),
            _ => Err("a DATETIME/TIMESTAMP column needs a DateTime value"),
        },
        ColumnType::Time { .. } => match value {
            Value::Time { micros, .. } if *micros > 999_999 => Err("microseconds beyond 999999"),
            Value::Time { .. } => Ok(temporal_literal(value)),
            _ => Err("a TIME column needs a Time value"),
        },
        _ => Err("column type not supported"),
    }
}

/// A date, datetime or time value quoted: `'2024-02-29 23:59:59.000001'`.
fn temporal_literal(value: &Value) -> String {
    format!("'{}'", value.temporal_text().unwrap_or_default())
}

/// A numeric text that is safe to paste unquoted: `-?digits(.digits)?`.
fn plain_number(b: &[u8], allow_point: bool) -> Result<String, &'static str> {
    let text = std::str::from_utf8(b).map_err(|_| "number text is not UTF-8")?;
    let body = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) if allow_point => (i, Some(f)),
        Some(_) => return Err("an integer text has a decimal point"),
        None => (body, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    if digits(int) && frac.is_none_or(digits) {
        Ok(text.to_string())
    } else {
        Err("not a plain decimal number")
    }
}

/// The FLOAT literal: shortest `f32` text if it survives DOUBLE parsing and narrowing, else the
/// exact widened value.
pub(crate) fn float_literal(f: f32) -> Result<String, &'static str> {
    if !f.is_finite() {
        return Err("NaN and infinities cannot be stored");
    }
    let short = format!("{f:e}");
    if short_survives_double_parse(f, &short) {
        Ok(short)
    } else {
        widened_f32(f)
    }
}

/// Whether the server, which parses an E-notation literal as a correctly rounded DOUBLE and then
/// rounds it to FLOAT on store, gets back exactly `f` from `text`. The server also refuses a
/// DOUBLE beyond the FLOAT range before rounding (`3.4028235e38`, the shortest text of
/// `f32::MAX`, is "out of range" on MariaDB 10.11), so such texts do not qualify.
pub(crate) fn short_survives_double_parse(f: f32, text: &str) -> bool {
    text.parse::<f64>()
        .map(|d| d.abs() <= f64::from(f32::MAX) && (d as f32).to_bits() == f.to_bits())
        .unwrap_or(false)
}

/// The float's exact value as a DOUBLE literal: parses to a double that is exactly `f`, so it
/// narrows without rounding and compares equal to the stored FLOAT (which the server widens to
/// DOUBLE for comparisons).
pub(crate) fn widened_f32(f: f32) -> Result<String, &'static str> {
    double_literal(f64::from(f))
}

/// The DOUBLE literal: Rust's shortest round-trip text, in E notation so the server reads it as
/// an approximate (DOUBLE) literal.
pub(crate) fn double_literal(d: f64) -> Result<String, &'static str> {
    if !d.is_finite() {
        return Err("NaN and infinities cannot be stored");
    }
    Ok(format!("{d:e}"))
}

fn bit_literal(bytes: &[u8]) -> String {
    let mut bits = String::with_capacity(bytes.len() * 8);
    for b in bytes {
        bits.push_str(&format!("{b:08b}"));
    }
    let trimmed = bits.trim_start_matches('0');
    if trimmed.is_empty() {
        "b'0'".to_string()
    } else {
        format!("b'{trimmed}'")
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

fn hex_or_empty(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        "''".to_string()
    } else {
        format!("X'{}'", hex(bytes))
    }
}

/// Whether `bytes` can be written between single quotes with no escaping and no charset doubt.
fn is_plain_text(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .all(|&b| (0x20..=0x7e).contains(&b) && b != b'\'' && b != b'\\')
}

fn text_literal(column: &Column, bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "''".to_string();
    }
    if is_plain_text(bytes) {
        // Checked: printable ASCII only, so this is valid UTF-8 and needs no escaping.
        return format!("'{}'", String::from_utf8_lossy(bytes));
    }
    let charset = match (&column.collation, &column.column_type) {
        (Some(c), _) => c.charset().to_string(),
        (None, ColumnType::Json) => "utf8mb4".to_string(),
        (None, _) => return hex_or_empty(bytes),
    };
    if charset.eq_ignore_ascii_case("binary") || !charset.bytes().all(|c| c.is_ascii_alphanumeric())
    {
        return hex_or_empty(bytes);
    }
    format!("_{charset} X'{}'", hex(bytes))
}

#[cfg(test)]
#[path = "literal_tests.rs"]
mod tests;
