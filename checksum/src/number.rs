//! The server's text for FLOAT and DOUBLE values, reproduced byte for byte (MariaDB 10.11):
//!
//! - `DOUBLE` (and `CAST(float AS DOUBLE)`): the shortest digit string that reads back as the
//!   same double (ties between two such strings to the even digit, as the server's dtoa does),
//!   in fixed notation when the decimal point position `decpt` (value = `0.d1d2... * 10^decpt`)
//!   is in `-14..=15`, or when `decpt` is larger but still inside the digits
//!   (`1234567890123456.8`); in `e` notation otherwise (`1e15`, `1.5e-16`, `5e-324`, exponent
//!   without `+`). Zero, negative zero included, is `0`.
//! - `FLOAT` in its own column's text form: the same layout, but the digits are the value
//!   rounded to 6 significant digits (`FLT_DIG`), ties to even, trailing zeros dropped. That text
//!   does not identify the float (the pt blind spot); the strong algorithm never uses it.

use std::fmt::Write as _;

use crate::text::{self, push_int};

/// Appends the server's text for a double (`CONCAT(double_col)`, `CAST(x AS DOUBLE)`).
pub(crate) fn push_double(out: &mut Vec<u8>, x: f64, scratch: &mut String) {
    if x == 0.0 || !x.is_finite() {
        out.push(b'0');
        return;
    }
    // zmij prints the shortest round-trip digits, the same ones as Rust's `{:e}` (closest to
    // the value among the shortest), in fixed or `e` notation: only the digits and the
    // exponent are kept.
    let mut buf = zmij::Buffer::new();
    let text = buf.format_finite(x.abs()).as_bytes();
    // Between 1e-5 and 1e15 zmij writes fixed notation (decimal exponents -5 to 14), with at
    // most 15 digits before the point: the server's layout too, but for the `.0` zmij puts
    // on integers.
    let abs = x.abs();
    if (1e-5..1e15).contains(&abs) {
        // Integers (told by the value: reading zmij's last bytes back would wait for its
        // stores) lose their `.0`. Below 1e15 the cast is exact for integers and truncates
        // anything else (`fract` is a libm call without SSE4.1).
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss
        )]
        let integer = (abs as u64) as f64 == abs;
        let len = text.len().saturating_sub(if integer { 2 } else { 0 });
        let fixed = text.get(..len).unwrap_or_default();
        if !may_tie(x, || significant_digits(fixed)) {
            if x < 0.0 {
                out.push(b'-');
            }
            text::push_plain(out, fixed);
            return;
        }
    }
    let (digits, exponent) = split_shortest(text);
    finish_double(out, x, digits, exponent, scratch);
}

/// How many significant digits a fixed-notation number has (`0.00120` → 2, `1200` → 2).
fn significant_digits(fixed: &[u8]) -> usize {
    let digits = fixed.iter().filter(|b| b.is_ascii_digit());
    let total = digits.clone().count();
    let leading = digits.clone().take_while(|&&b| b == b'0').count();
    let trailing = fixed.iter().rev().take_while(|&&b| b == b'0').count();
    total.saturating_sub(leading + trailing).max(1)
}

/// Ties to even, then the server's layout, for the shortest `digits` and `exponent` of `x`.
fn finish_double(out: &mut Vec<u8>, x: f64, digits: Digits, exponent: i32, scratch: &mut String) {
    let (mut digits, mut exponent) = (digits, exponent);
    if may_tie(x, || digits.len()) {
        if let Some((even, exp)) = even_tie(x.abs(), digits.len(), scratch) {
            (digits, exponent) = (Digits::from_slice(&even), exp);
        }
    }
    lay_out(out, x < 0.0, digits.as_slice(), exponent);
}

/// The first version of [`push_double`], on Rust's `{:e}`: the oracle its property test
/// compares against.
#[cfg(test)]
pub(crate) fn push_double_fmt(out: &mut Vec<u8>, x: f64, scratch: &mut String) {
    if x == 0.0 || !x.is_finite() {
        out.push(b'0');
        return;
    }
    scratch.clear();
    let _ = write!(scratch, "{:e}", x.abs());
    let (digits, exponent) = split_sci(scratch);
    finish_double(out, x, digits, exponent, scratch);
}

/// Significant digits (leading and trailing zeros dropped) and the exponent `e` of `d1.d2...
/// * 10^e` of a positive decimal number written in fixed (`0.00123`, `1234.5`, `100.0`) or
/// `e` notation (`1.5e-16`, `1e+20`).
fn split_shortest(text: &[u8]) -> (Digits, i32) {
    let (mantissa, mut exponent) = match text.iter().position(|&b| b == b'e' || b == b'E') {
        Some(e) => (&text[..e], parse_exponent(&text[e + 1..])),
        None => (text, 0),
    };
    let (int, frac) = match mantissa.iter().position(|&b| b == b'.') {
        Some(p) => (&mantissa[..p], &mantissa[p + 1..]),
        None => (mantissa, &[][..]),
    };
    // The digits of both parts side by side (zmij writes at most 17 significant digits and
    // at most 5 zeros after the point before them), copied as slices, not byte by byte.
    let mut all = [b'0'; 48];
    let (il, fl) = (int.len().min(24), frac.len().min(24));
    all[..il].copy_from_slice(&int[..il]);
    all[il..il + fl].copy_from_slice(&frac[..fl]);
    let all = &all[..il + fl];
    let leading_zeros = all.iter().take_while(|&&b| b == b'0').count();
    let mut digits = Digits::from_slice(&all[leading_zeros..]);
    while digits.n > 1 && digits.d[digits.n - 1] == b'0' {
        digits.n -= 1;
    }
    let shift = i32::try_from(il).unwrap_or(0) - 1 - i32::try_from(leading_zeros).unwrap_or(0);
    exponent = exponent.saturating_add(shift);
    (digits, exponent)
}

/// `-16`, `+20`, `308` as a number (0 when malformed).
pub(crate) fn parse_exponent(text: &[u8]) -> i32 {
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, text),
    };
    let mut v = 0i32;
    for &b in digits.iter().filter(|b| b.is_ascii_digit()) {
        v = v.saturating_mul(10).saturating_add(i32::from(b - b'0'));
    }
    if negative {
        -v
    } else {
        v
    }
}

/// Up to 24 significant digits on the stack: shortest doubles need 17, and a value rounded to
/// fewer decimals than its shortest digits have (`fixed`) keeps fewer than that.
#[derive(Clone, Copy)]
pub(crate) struct Digits {
    pub(crate) d: [u8; 24],
    pub(crate) n: usize,
}

impl Digits {
    pub(crate) fn from_slice(s: &[u8]) -> Digits {
        let mut d = [b'0'; 24];
        let n = s.len().min(24);
        d[..n].copy_from_slice(&s[..n]);
        Digits { d, n }
    }

    pub(crate) fn as_slice(&self) -> &[u8] {
        &self.d[..self.n]
    }

    pub(crate) fn len(&self) -> usize {
        self.n
    }

    /// The significant digits (no leading or trailing zeros; none for zero) of a positive
    /// decimal text in fixed (`123.45`, `0.00012`, `0.00`) or `e` notation (`1.5e-16`, `1e15`),
    /// and `decpt`: the text's value is `0.d1d2... * 10^decpt`.
    pub(crate) fn parse(text: &[u8]) -> (Digits, i32) {
        let (mantissa, exponent) = match text.iter().position(|&b| b == b'e') {
            Some(e) => (&text[..e], parse_exponent(&text[e + 1..])),
            None => (text, 0),
        };
        let point = mantissa
            .iter()
            .position(|&b| b == b'.')
            .unwrap_or(mantissa.len());
        let mut digits = Digits {
            d: [b'0'; 24],
            n: 0,
        };
        let mut decpt = i32::try_from(point).unwrap_or(0).saturating_add(exponent);
        for &b in mantissa.iter().filter(|b| b.is_ascii_digit()) {
            if digits.n == 0 && b == b'0' {
                decpt -= 1; // a leading zero
            } else if digits.n < digits.d.len() {
                digits.d[digits.n] = b;
                digits.n += 1;
            }
        }
        while digits.n > 0 && digits.d[digits.n - 1] == b'0' {
            digits.n -= 1;
        }
        (digits, decpt)
    }
}

/// A cheap test that lets almost every value skip [`even_tie`]: a tie between two shortest
/// `n`-digit strings needs the exact value of `x` to have exactly `n + 1` significant digits,
/// the last one a 5. With `x = m * 2^e` (`m` odd): for `e < 0` the significant digits are
/// those of `m * 5^-e`, which has more than 19 digits once `-e > 27`; for `e > 0` the last
/// significant digit is even unless every factor 2 pairs with a factor 5 of `m` (`e <= 22`).
fn may_tie(x: f64, n: impl FnOnce() -> usize) -> bool {
    let bits = x.to_bits();
    let biased = i32::try_from((bits >> 52) & 0x7ff).unwrap_or(0);
    let frac = bits & ((1u64 << 52) - 1);
    let (mut m, mut e) = if biased == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), biased - 1075)
    };
    if m == 0 {
        return false;
    }
    let tz = m.trailing_zeros();
    m >>= tz;
    e += i32::try_from(tz).unwrap_or(0);
    let mut exact: u128 = match e {
        e if !(-27..=22).contains(&e) => return false,
        e if e < 0 => u128::from(m) * 5u128.pow(e.unsigned_abs()),
        e => u128::from(m) << e,
    };
    while exact % 10 == 0 {
        exact /= 10;
    }
    exact % 10 == 5 && exact.ilog10() as usize == n()
}

/// When two shortest digit strings of `n` digits are equally close to `x` (its exact value
/// ends in a 5 right after them), the server's dtoa takes the one with an even last digit;
/// Rust's formatter may take the other. Returns the even one (digits, exponent) in that case.
fn even_tie(x: f64, n: usize, scratch: &mut String) -> Option<(Vec<u8>, i32)> {
    scratch.clear();
    let _ = write!(scratch, "{:.*e}", n + 40, x);
    let (mut exact, exponent) = split_sci_raw(scratch);
    let tail = exact.get(n + 1..)?;
    if exact.get(n) != Some(&b'5') || tail.iter().any(|&d| d != b'0') {
        return None;
    }
    // 40 zeros after the 5: make sure the expansion really ends there (a double's exact
    // expansion has at most 767 significant digits).
    scratch.clear();
    let _ = write!(scratch, "{:.*e}", n + 800, x);
    if split_sci_raw(scratch)
        .0
        .get(n + 1..)?
        .iter()
        .any(|&d| d != b'0')
    {
        return None;
    }
    exact.truncate(n);
    let mut exponent = exponent;
    if exact.last().is_some_and(|d| (d - b'0') % 2 == 1) {
        // Round the last digit up to even, carrying.
        let mut i = n;
        loop {
            if i == 0 {
                exact.insert(0, b'1');
                exact.pop();
                exponent += 1;
                break;
            }
            i -= 1;
            if exact[i] == b'9' {
                exact[i] = b'0';
            } else {
                exact[i] += 1;
                break;
            }
        }
    }
    while exact.len() > 1 && exact.last() == Some(&b'0') {
        exact.pop();
    }
    // Below a power of two the gap is half the one above: the lower candidate may not read
    // back as `x` (2^-24: `...062` does not, and MariaDB prints `...063`, Rust's choice).
    let digits = String::from_utf8_lossy(&exact);
    scratch.clear();
    let _ = write!(scratch, "0.{digits}e{}", exponent + 1);
    (scratch.parse() == Ok(x)).then_some((exact, exponent))
}

/// Digits (trailing zeros dropped) and exponent of Rust's `{:e}` text, without allocating.
fn split_sci(sci: &str) -> (Digits, i32) {
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((sci, "0"));
    let mut digits = Digits {
        d: [b'0'; 24],
        n: 0,
    };
    for b in mantissa.bytes().filter(u8::is_ascii_digit) {
        if digits.n < digits.d.len() {
            digits.d[digits.n] = b;
            digits.n += 1;
        }
    }
    while digits.n > 1 && digits.d[digits.n - 1] == b'0' {
        digits.n -= 1;
    }
    (digits, exponent.parse().unwrap_or(0))
}

/// Digits (as written) and exponent of Rust's `{:e}` text.
fn split_sci_raw(sci: &str) -> (Vec<u8>, i32) {
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((sci, "0"));
    let digits = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    (digits, exponent.parse().unwrap_or(0))
}

/// Appends the server's text for a `FLOAT` column read as text: 6 significant digits.
pub(crate) fn push_float6(out: &mut Vec<u8>, x: f32, scratch: &mut String) {
    if x == 0.0 || !x.is_finite() {
        out.push(b'0');
        return;
    }
    scratch.clear();
    // Exact decimal expansion rounded to 6 significant digits, ties to even: "1.23457e-38".
    let _ = write!(scratch, "{:.5e}", f64::from(x).abs());
    let (digits, exponent) = split_sci(scratch);
    lay_out(out, x < 0.0, digits.as_slice(), exponent);
}

/// Lays out significant digits `d1 d2 ...` times `10^exponent` (as `d1.d2...e<exponent>`) the
/// way the server does.
fn lay_out(out: &mut Vec<u8>, negative: bool, digits: &[u8], exponent: i32) {
    if digits.is_empty() {
        out.push(b'0');
        return;
    }
    let n = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    let decpt = exponent + 1;
    if negative {
        out.push(b'-');
    }
    let fixed = (-14..=15).contains(&decpt) || (decpt > 15 && decpt < n);
    if !fixed {
        out.push(digits[0]);
        if digits.len() > 1 {
            out.push(b'.');
            out.extend_from_slice(&digits[1..]);
        }
        out.push(b'e');
        push_int(out, i64::from(exponent));
    } else if decpt <= 0 {
        out.extend_from_slice(b"0.");
        out.extend(std::iter::repeat_n(b'0', decpt.unsigned_abs() as usize));
        out.extend_from_slice(digits);
    } else if decpt < n {
        let point = decpt as usize;
        out.extend_from_slice(&digits[..point]);
        out.push(b'.');
        out.extend_from_slice(&digits[point..]);
    } else {
        out.extend_from_slice(digits);
        out.extend(std::iter::repeat_n(b'0', (decpt - n) as usize));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn double(x: f64) -> String {
        let mut out = Vec::new();
        push_double(&mut out, x, &mut String::new());
        String::from_utf8(out).unwrap_or_default()
    }

    fn float6(x: f32) -> String {
        let mut out = Vec::new();
        push_float6(&mut out, x, &mut String::new());
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn doubles_as_mariadb_prints_them() {
        // Each pair was printed by MariaDB 10.11 (`SELECT CONCAT(x)`).
        let seen: &[(f64, &str)] = &[
            (0.1, "0.1"),
            (-0.0, "0"),
            (1e15, "1e15"),
            (1e14, "100000000000000"),
            (1234567890123456.7, "1234567890123456.8"),
            (1.234567890123456e15, "1.234567890123456e15"),
            (1.2345678901234568e16, "1.2345678901234568e16"),
            (123456789012345.6, "123456789012345.6"),
            (1e-15, "0.000000000000001"),
            (1e-16, "1e-16"),
            (
                -1.2345678901234567e-15,
                "-0.0000000000000012345678901234568",
            ),
            (1.2345678901234567e-16, "1.2345678901234568e-16"),
            (0.000012345678901234568, "0.000012345678901234568"),
            (1.7976931348623157e308, "1.7976931348623157e308"),
            (-2.2250738585072014e-308, "-2.2250738585072014e-308"),
            (5e-324, "5e-324"),
            (123e18, "1.23e20"),
            (f64::from(0.1f32), "0.10000000149011612"),
            (f64::from(3.4e38f32), "3.3999999521443642e38"),
            // Ties between two shortest candidates go to the even digit, as dtoa does.
            (1.5523870099580913e14, "155238700995809.12"),
            (-1.2882495516931323e15, "-1288249551693132.2"),
            (f64::from(633.8697f32), "633.8696899414062"),
            (2f64.powi(-24), "0.00000005960464477539063"), // only one of the two reads back
        ];
        for (x, text) in seen {
            assert_eq!(double(*x), *text, "{x:e}");
        }
    }

    #[test]
    fn floats_with_six_digits_ties_to_even() {
        let seen: &[(f32, &str)] = &[
            (0.1, "0.1"),
            (1234565.0, "1234560"),
            (1234575.0, "1234580"),
            (123456792.0, "123457000"),
            (8388605.0, "8388600"),
            (1.175_494_4e-38, "1.17549e-38"),
            (1e-5, "0.00001"),
            (-1.2345678e-20, "-1.23457e-20"),
            (1e20, "1e20"),
            (1e14, "100000000000000"),
            (1.23456e15, "1.23456e15"),
            (3.4e38, "3.4e38"),
            (1.5e-15, "0.0000000000000015"),
        ];
        for (x, text) in seen {
            assert_eq!(float6(*x), *text, "{x:e}");
        }
    }
}
