//! Literals for `FLOAT(M,D)` columns, which round what is written to them.
//!
//! The server stores a value written to a `FLOAT(M,D)` column in three steps (MariaDB 10.11,
//! `Field_float::store` and `truncate_double`): it reads the literal as a DOUBLE, rounds it to
//! `D` decimals in double arithmetic (`floor(x) + rint((x - floor(x)) * 10^D) / 10^D`), refuses
//! (strict mode) or clamps a result beyond `10^(M-D) - 10^-D`, and narrows it to FLOAT. The
//! float's own shortest text survives all three, except at the ends of the range: FLOAT(10,4)
//! stores `999999.9999` as the float `1e6`, whose shortest text `1e6` is out of range. So the
//! literal is the float's shortest text when the column rounds that to the smallest number
//! with `D` decimals (in magnitude) that it stores as the same float, and that number itself
//! otherwise (`9.999999688e5`): never beyond the value once written to get the float, so within
//! the range whenever that one was. `DOUBLE(M,D)` needs none of this: a stored double rounds to
//! itself, and no narrowing follows.
//!
//! A float with more decimals than `D` (kept by an in-place `ALTER TABLE ...
//! ALGORITHM=INSTANT` that gave the column its `(M,D)`, or written by row-based replication from
//! a plain FLOAT) cannot be written at all, since every write is rounded; its literal is then
//! the float's own, which the column rounds (0.125 in a FLOAT(7,2) becomes 0.12). Nor can a
//! value whose rounded magnitude exceeds `10^(M-D) - 10^-D` (`truncate_double`'s limit, in
//! doubles; `FLT_MAX` or `DBL_MAX` when smaller), which the same kinds of change leave behind:
//! strict `sql_mode` refuses it (error 1264), other modes clamp it. [`stored_on_write`] tells
//! which written values either happens to, and what the column makes of them.

use chunker::{Column, ColumnType, Value};

use crate::diff::same_value;
use crate::literal::{double_literal, float_literal};
use crate::unrepairable::Stored;

/// What a `FLOAT(M,D)`/`DOUBLE(M,D)` column does with `value` written to it (as the plan's
/// literal), when that is not to store `value` bit for bit (or as the other zero, the same
/// value): [`Stored::Rounded`] to `D` decimals (`1.25e-1` in a FLOAT(7,2) is stored as
/// `1.2e-1`; `-0e0` is stored as `0e0`, the same value by [`same_value`], so `None`), or
/// [`Stored::OutOfRange`] once rounded (`1.2345679e5` in a FLOAT(7,2), at most 99999.99; only
/// when the model knows `M`). `None` for every other column and value. A negative value of an
/// `UNSIGNED` column, which the server refuses before it rounds anything, is not told here but
/// by [`crate::unrepairable::stored_on_write`], which asks that first.
pub(crate) fn stored_on_write(column: &Column, value: &Value) -> Option<Stored> {
    match (&column.column_type, value) {
        (ColumnType::Float { scale: Some(d) }, Value::Float(f)) if f.is_finite() => {
            let written: f64 = float_md_literal(*f, *d).ok()?.parse().ok()?;
            let rounded = round_to(written, *d);
            let limit = f64::from(f32::MAX);
            if let Some(max) = beyond_range(rounded, column.real_precision, *d, limit) {
                return Some(Stored::OutOfRange { max });
            }
            #[allow(clippy::cast_possible_truncation)]
            let stored = Value::Float(rounded as f32);
            (!same_value(&stored, value)).then_some(Stored::Rounded(stored))
        }
        (ColumnType::Double { scale: Some(d) }, Value::Double(x)) if x.is_finite() => {
            let rounded = round_to(*x, *d);
            if let Some(max) = beyond_range(rounded, column.real_precision, *d, f64::MAX) {
                return Some(Stored::OutOfRange { max });
            }
            let stored = Value::Double(rounded);
            (!same_value(&stored, value)).then_some(Stored::Rounded(stored))
        }
        _ => None,
    }
}

/// The largest magnitude a `(M,D)` column takes as decimal text (`99999.99`) when `rounded`
/// (a value already rounded to `D` decimals) is beyond it, as `truncate_double` decides:
/// `10^(M-D) - 1/10^D` in doubles, or `type_max` when that is smaller. `None` within the range,
/// and when `M` is unknown.
fn beyond_range(rounded: f64, precision: Option<u8>, scale: u8, type_max: f64) -> Option<String> {
    let m = precision?;
    let whole = m.saturating_sub(scale);
    let max = (power_of_ten(whole) - 1.0 / power_of_ten(scale)).min(type_max);
    if rounded.abs() <= max {
        return None;
    }
    if max == type_max {
        return double_literal(type_max).ok();
    }
    let nines = |n: u8| "9".repeat(usize::from(n));
    Some(match (whole, scale) {
        (0, _) => format!("0.{}", nines(scale)),
        (_, 0) => nines(whole),
        _ => format!("{}.{}", nines(whole), nines(scale)),
    })
}

/// The server's `10^n` (the correctly rounded double of `1en`, its `log_10[n]`).
fn power_of_ten(n: u8) -> f64 {
    format!("1e{n}").parse().unwrap_or(f64::INFINITY)
}

/// The literal for `f` in a `FLOAT(M,D)` column with `scale` = `D`.
pub(crate) fn float_md_literal(f: f32, scale: u8) -> Result<String, &'static str> {
    let short = float_literal(f)?;
    let Some(low) = smallest_stored_as(f, scale) else {
        return Ok(short);
    };
    let rounded = |text: &str| text.parse::<f64>().ok().map(|x| round_to(x, scale));
    if stores_as(&short, scale) == Some(f) && rounded(&short) == rounded(&low) {
        Ok(short)
    } else {
        Ok(low)
    }
}

/// The number with `scale` decimals, smallest in magnitude, that a FLOAT(M,`scale`) column
/// stores as `f` (range aside), in E notation; `None` when there is none (`f` has more
/// decimals than the column keeps).
fn smallest_stored_as(f: f32, scale: u8) -> Option<String> {
    if f == 0.0 {
        return Some("0e0".to_string());
    }
    let magnitude = f.abs();
    // Every double above the midpoint with the next float toward zero narrows to `f` (the
    // midpoint itself when `f` is the even one): start at the first `D`-decimal number there.
    let below = f32::from_bits(magnitude.to_bits() - 1);
    let mid = (f64::from(magnitude) + f64::from(below)) / 2.0; // exact: 25 bits
    let mut digits = ceil_digits(mid, scale);
    for _ in 0..3 {
        let text = decimal_text(f < 0.0, &digits, scale);
        if stores_as(&text, scale) == Some(f) {
            return Some(text);
        }
        increment(&mut digits);
    }
    None
}

/// What the column stores for `text`, range aside: the literal read as a DOUBLE, rounded to
/// `scale` decimals as `truncate_double` does, narrowed to FLOAT.
fn stores_as(text: &str, scale: u8) -> Option<f32> {
    let x: f64 = text.parse().ok()?;
    #[allow(clippy::cast_possible_truncation)]
    Some(round_to(x, scale) as f32)
}

/// `truncate_double`'s rounding: `floor(x) + rint((x - floor(x)) * 10^D) / 10^D`, in doubles,
/// with the server's `10^D` (the correctly rounded double of `1eD`).
fn round_to(x: f64, scale: u8) -> f64 {
    let p = power_of_ten(scale);
    let whole = x.floor();
    whole + ((x - whole) * p).round_ties_even() / p
}

/// The digits (no point) of the smallest number with `scale` decimals at or above `x >= 0`.
fn ceil_digits(x: f64, scale: u8) -> Vec<u8> {
    // A float's neighbours' midpoint has at most 150 decimals: 160 are its exact expansion.
    let exact = format!("{x:.160}");
    let (int, frac) = exact.split_once('.').unwrap_or((&exact, ""));
    let (kept, rest) = frac.split_at(usize::from(scale).min(frac.len()));
    let mut digits: Vec<u8> = int.bytes().chain(kept.bytes()).collect();
    if rest.bytes().any(|b| b != b'0') {
        increment(&mut digits);
    }
    digits
}

/// Adds one unit of the last digit, carrying.
fn increment(digits: &mut Vec<u8>) {
    for d in digits.iter_mut().rev() {
        if *d == b'9' {
            *d = b'0';
        } else {
            *d += 1;
            return;
        }
    }
    digits.insert(0, b'1');
}

/// `digits` with the point before the last `scale` of them, in E notation (`-999999.9688e0`).
fn decimal_text(negative: bool, digits: &[u8], scale: u8) -> String {
    let (int, frac) = digits.split_at(digits.len().saturating_sub(usize::from(scale)));
    let int = String::from_utf8_lossy(int);
    let int = int.trim_start_matches('0');
    let mut text = String::from(if negative { "-" } else { "" });
    text.push_str(if int.is_empty() { "0" } else { int });
    if !frac.is_empty() {
        text.push('.');
        text.push_str(&String::from_utf8_lossy(frac));
    }
    text.push_str("e0");
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_as_the_server_does() {
        // MariaDB 10.11 on INSERT: FLOAT(5,0) 2.5 -> 2, -2.5 -> -3 (floor, then ties to
        // even on the fraction); FLOAT(7,2) 0.125 -> 0.12, 0.135 -> 0.14, 2.675 -> 2.67.
        assert_eq!(round_to(2.5, 0), 2.0);
        assert_eq!(round_to(-2.5, 0), -3.0);
        assert_eq!(stores_as("0.125", 2), Some(0.12));
        assert_eq!(stores_as("0.135", 2), Some(0.14));
        assert_eq!(stores_as("2.675", 2), Some(2.67));
    }

    #[test]
    fn literals_stay_within_the_range() {
        // FLOAT(10,4) stores 999999.9999 (its maximum) as 1e6; `1e6` itself is out of range.
        assert_eq!(float_md_literal(1e6, 4).unwrap(), "999999.9688e0");
        assert_eq!(float_md_literal(-1e6, 4).unwrap(), "-999999.9688e0");
        assert_eq!(stores_as("999999.9688e0", 4), Some(1e6));
        // Where the shortest text is the smallest, it is kept.
        assert_eq!(float_md_literal(99_999.99, 2).unwrap(), "9.999999e4");
        assert_eq!(float_md_literal(2.67, 2).unwrap(), "2.67e0");
        assert_eq!(float_md_literal(0.0, 2).unwrap(), "0e0");
        assert_eq!(float_md_literal(16_777_216.0, 0).unwrap(), "1.6777216e7");
        // A float the column cannot produce (more decimals than D): its own literal.
        assert_eq!(float_md_literal(0.125, 2).unwrap(), "1.25e-1");
        assert!(float_md_literal(f32::NAN, 2).is_err());
    }

    #[test]
    fn writes_that_the_column_rounds_are_known() {
        let float = |d| Column::new("f", ColumnType::Float { scale: Some(d) });
        let double = |d| Column::new("d", ColumnType::Double { scale: Some(d) });
        let f = |x| Value::Float(x);
        let rounded = |v| Some(Stored::Rounded(v));
        assert_eq!(stored_on_write(&float(2), &f(0.125)), rounded(f(0.12)));
        assert_eq!(stored_on_write(&float(2), &f(5.4321)), rounded(f(5.43)));
        assert_eq!(stored_on_write(&float(2), &f(2.67)), None);
        assert_eq!(stored_on_write(&float(4), &f(1e6)), None);
        // The server's arithmetic turns -0 into +0 (-0 + 0 in `floor(x) + ...`), which is the
        // same value: nothing to report, in either column.
        assert_eq!(stored_on_write(&float(2), &f(-0.0)), None);
        assert_eq!(stored_on_write(&float(2), &f(0.0)), None);
        assert_eq!(stored_on_write(&double(3), &Value::Double(-0.0)), None);
        let x = Value::Double(7.12345);
        assert_eq!(
            stored_on_write(&double(3), &x),
            rounded(Value::Double(7.123))
        );
        assert_eq!(stored_on_write(&double(5), &x), None);
        let plain = Column::new("p", ColumnType::Float { scale: None });
        assert_eq!(stored_on_write(&plain, &f(0.125)), None);
        assert_eq!(stored_on_write(&float(2), &Value::Null), None);
        // UNSIGNED changes nothing for values of 0 and above (negatives: unrepairable.rs).
        assert_eq!(
            stored_on_write(&float(2).unsigned(), &f(0.125)),
            rounded(f(0.12))
        );
    }

    #[test]
    fn writes_beyond_the_declared_range_are_known() {
        let float = |m, d| Column::new("f", ColumnType::Float { scale: Some(d) }).real_precision(m);
        let double =
            |m, d| Column::new("d", ColumnType::Double { scale: Some(d) }).real_precision(m);
        let out = |max: &str| Some(Stored::OutOfRange { max: max.into() });
        // FLOAT(7,2) takes magnitudes up to 99999.99, checked after rounding.
        assert_eq!(
            stored_on_write(&float(7, 2), &Value::Float(99_999.99)),
            None
        );
        assert_eq!(
            stored_on_write(&float(7, 2), &Value::Float(-99_999.99)),
            None
        );
        assert_eq!(
            stored_on_write(&float(7, 2), &Value::Float(123_456.79)),
            out("99999.99")
        );
        assert_eq!(
            stored_on_write(&float(7, 2), &Value::Float(-1e20)),
            out("99999.99")
        );
        // The float above 99999.99 is 1e5: beyond, whatever its literal.
        assert_eq!(
            stored_on_write(&float(7, 2), &Value::Float(1e5)),
            out("99999.99")
        );
        // The range is checked after rounding: 99999.994 in a DOUBLE(7,2) becomes 99999.99.
        assert_eq!(
            stored_on_write(&double(7, 2), &Value::Double(99_999.994)),
            Some(Stored::Rounded(Value::Double(99_999.99)))
        );
        assert_eq!(
            stored_on_write(&double(7, 2), &Value::Double(99_999.996)),
            out("99999.99")
        );
        // Without `M` the model assumes no range (123456.79 rounds to the same float);
        // rounding is still known.
        let no_m = Column::new("f", ColumnType::Float { scale: Some(2) });
        assert_eq!(stored_on_write(&no_m, &Value::Float(123_456.79)), None);
        assert_eq!(
            stored_on_write(&no_m, &Value::Float(0.125)),
            Some(Stored::Rounded(Value::Float(0.12)))
        );
        // FLOAT(10,4)'s maximum is stored as the float 1e6, written as 999999.9688: in range.
        assert_eq!(stored_on_write(&float(10, 4), &Value::Float(1e6)), None);
        assert_eq!(
            stored_on_write(&float(4, 4), &Value::Float(1.0)),
            out("0.9999")
        );
        assert_eq!(stored_on_write(&float(3, 0), &Value::Float(999.0)), None);
        assert_eq!(
            stored_on_write(&float(3, 0), &Value::Float(999.7)),
            out("999")
        );
        // DOUBLE(10,3): 9999999.999 at most.
        let d = |x| Value::Double(x);
        assert_eq!(stored_on_write(&double(10, 3), &d(9_999_999.999)), None);
        assert_eq!(
            stored_on_write(&double(10, 3), &d(10_000_000.5)),
            out("9999999.999")
        );
        // FLOAT(255,30) is bounded by the float range alone, which no float exceeds.
        assert_eq!(
            stored_on_write(&float(255, 30), &Value::Float(f32::MAX)),
            None
        );
        // DOUBLE(255,0) ends at 10^255 - 1, below the double range.
        assert_eq!(
            stored_on_write(&double(255, 0), &d(1e300)),
            out(&"9".repeat(255))
        );
    }

    #[test]
    fn ceilings_and_texts() {
        assert_eq!(ceil_digits(0.125, 2), b"013");
        assert_eq!(ceil_digits(2.0, 2), b"200");
        assert_eq!(ceil_digits(9.999, 2), b"1000");
        assert_eq!(decimal_text(true, b"1000", 2), "-10.00e0");
        assert_eq!(decimal_text(false, b"0005", 4), "0.0005e0");
        assert_eq!(decimal_text(false, b"007", 0), "7e0");
    }
}
