//! The server's text for `FLOAT(M,D)` and `DOUBLE(M,D)` values in a string context (what pt's
//! `CONCAT_WS('#', col, ...)` hashes), reproduced byte for byte (MariaDB 10.11).
//!
//! The server prints such a value with `my_fcvt(value, D)`: a FLOAT is widened to DOUBLE first
//! (exactly), then dtoa's mode 5 picks the digits:
//!
//! - when the shortest digit string that reads back as the same double (the digits `CONCAT` of
//!   a plain DOUBLE shows, see [`crate::number`]) needs at most `D` decimals, those digits,
//!   padded with zeros to `D` decimals: FLOAT(30,20) `0.1` is `0.10000000149011612000` (not
//!   the exact `...11938`), DOUBLE(30,2) `2^60` is `1152921504606847000.00`;
//! - otherwise the exact binary value rounded to `D` decimals, ties to even: FLOAT(7,2) `0.125`
//!   is `0.12` and `0.375` is `0.38`; FLOAT(5,2) `0.005` (as a float, just below) is `0.00`
//!   where DOUBLE(10,2) `0.005` (just above) is `0.01`.
//!
//! Layout: always exactly `D` digits after the point and never an exponent, however large the
//! value; a `-` whenever the sign bit is set, also when the value rounds to zero (`-0.00`); and
//! one quirk for `D` = 0: a non-zero value that rounds to zero prints as `0.` (`-0.` when
//! negative), where zero itself is `0`.
//!
//! A value written through SQL is rounded to `D` decimals on the way in, so ties and values
//! past `D` decimals only appear when a column got its `(M,D)` in place (`ALTER TABLE ...
//! ALGORITHM=INSTANT` keeps the stored bits) or was filled by row-based replication from a
//! column without it; the rules above hold for those too.

use std::fmt::Write as _;

use crate::number::{self, Digits};

/// Appends the server's text for `x` in a column declared with `decimals` digits after the
/// point (`FLOAT(M,D)` values widened to `f64` first).
pub(crate) fn push_fixed(out: &mut Vec<u8>, x: f64, decimals: u8, scratch: &mut String) {
    if !x.is_finite() {
        // dtoa's answer for infinities and NaN; no column can hold one.
        out.push(b'0');
        return;
    }
    let d = i32::from(decimals);
    let (digits, decpt) = if x == 0.0 {
        (Digits::from_slice(b"0"), 1)
    } else {
        // The shortest digits, as the server's DOUBLE text has them (borrowing `out` as the
        // buffer, so nothing is allocated).
        let start = out.len();
        number::push_double(out, x.abs(), scratch);
        let shortest = Digits::parse(&out[start..]);
        out.truncate(start);
        if i32::try_from(shortest.0.len()).unwrap_or(i32::MAX) - shortest.1 <= d {
            shortest
        } else {
            // Rust's fixed-precision formatting is exact and rounds ties to even, as dtoa
            // does here (pinned by the tests below).
            scratch.clear();
            let _ = write!(scratch, "{:.*}", usize::from(decimals), x.abs());
            match Digits::parse(scratch.as_bytes()) {
                (digits, _) if digits.n == 0 => (digits, -d), // rounds to zero: no digits
                rounded => rounded,
            }
        }
    };
    lay_out(out, x.is_sign_negative(), digits.as_slice(), decpt, d);
}

/// `my_fcvt`'s layout of the significant `digits` of `0.d1d2... * 10^decpt` with `decimals`
/// digits after the point.
fn lay_out(out: &mut Vec<u8>, negative: bool, digits: &[u8], decpt: i32, decimals: i32) {
    let len = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    if negative {
        out.push(b'-');
    }
    if decpt <= 0 {
        // `0.` even when no decimals follow (the `D` = 0 quirk).
        out.extend_from_slice(b"0.");
        out.extend(std::iter::repeat_n(b'0', decpt.unsigned_abs() as usize));
    }
    for (i, &digit) in (1..).zip(digits) {
        out.push(digit);
        if i == decpt && i < len {
            out.push(b'.');
        }
    }
    if decpt > len {
        out.extend(std::iter::repeat_n(b'0', (decpt - len) as usize));
    }
    if decimals > 0 {
        if len <= decpt {
            out.push(b'.');
        }
        let written = (len - decpt).max(0);
        out.extend(std::iter::repeat_n(
            b'0',
            (decimals - written).max(0) as usize,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(x: f64, decimals: u8) -> String {
        let mut out = b"x".to_vec(); // appends, leaving what is there alone
        push_fixed(&mut out, x, decimals, &mut String::new());
        assert_eq!(out.first(), Some(&b'x'));
        String::from_utf8(out.split_off(1)).unwrap_or_default()
    }

    #[test]
    fn digits_of_decimal_texts() {
        let cases: &[(&str, &str, i32)] = &[
            ("123.45", "12345", 3),
            ("0.00012", "12", -3),
            ("1.5e-16", "15", -15),
            ("1e15", "1", 16),
            ("12300", "123", 5),
            ("1152921504606847000", "1152921504606847", 19),
        ];
        for (text, digits, decpt) in cases {
            let (d, p) = Digits::parse(text.as_bytes());
            assert_eq!((d.as_slice(), p), (digits.as_bytes(), *decpt), "{text}");
        }
        for zero in ["0", "0.00", "0e0"] {
            assert_eq!(Digits::parse(zero.as_bytes()).0.n, 0, "{zero}");
        }
    }

    #[test]
    fn float_md_as_mariadb_prints_it() {
        // Each triple was printed by MariaDB 10.11 (`SELECT CONCAT(col)`), the value stored in
        // a FLOAT(M,D) column with D = the second field: rounded on INSERT, or (marked "in
        // place") stored in a plain FLOAT and given its (M,D) by ALTER TABLE ... ALGORITHM=INSTANT.
        let seen: &[(f32, u8, &str)] = &[
            (1.5, 2, "1.50"),
            (0.12, 2, "0.12"), // INSERT 0.125: the column rounds it to even
            (0.02, 2, "0.02"), // INSERT 0.025 and 0.015
            (2.67, 2, "2.67"),
            (12345.67, 2, "12345.67"),
            (99999.99, 2, "99999.99"), // FLOAT(7,2)'s maximum, and what 123456.78 clamps to
            (-99999.99, 2, "-99999.99"),
            (0.0, 2, "0.00"),   // INSERT -0.005, -0e0, 1e-10
            (1.5, 4, "1.5000"), // FLOAT(10,4) UNSIGNED
            (0.125, 2, "0.12"), // in place: ties to even
            (0.375, 2, "0.38"),
            (-0.001, 2, "-0.00"),
            (123456.78, 2, "123456.78"), // in place, beyond FLOAT(7,2)'s range
            (0.005, 2, "0.00"),          // the float is just below 0.005
            (-0.007, 2, "-0.01"),
            (0.95, 2, "0.95"),
            (0.1, 20, "0.10000000149011612000"), // shortest double digits, padded
            (1.1, 20, "1.10000002384185800000"),
            (3.4e9, 20, "3400000000.00000000000000000000"),
            (5.960_464_5e-8, 23, "0.00000005960464477539063"), // 2^-24; exactly ...0625
            (1.1e-7, 23, "0.00000011000000199601345"),
            (
                f32::MAX,
                30,
                "340282346638528860000000000000000000000.000000000000000000000000000000",
            ),
            (1e15, 30, "999999986991104.000000000000000000000000000000"),
            (16_777_217.0, 30, "16777216.000000000000000000000000000000"),
            (f32::from_bits(1), 30, "0.000000000000000000000000000000"),
            // D = 0: zero is "0", anything else that rounds to zero "0." (in place).
            (0.3, 0, "0."),
            (-0.3, 0, "-0."),
            (0.5, 0, "0."),
            (0.7, 0, "1"),
            (1.5, 0, "2"),
            (2.5, 0, "2"),
            (9.5, 0, "10"),
            (0.0, 0, "0"),
        ];
        for (x, d, text) in seen {
            assert_eq!(fixed(f64::from(*x), *d), *text, "FLOAT(M,{d}) {x:e}");
        }
    }

    #[test]
    fn double_md_as_mariadb_prints_it() {
        // As above, DOUBLE(M,D) columns (MariaDB 10.11).
        let seen: &[(f64, u8, &str)] = &[
            (2.5, 3, "2.500"),
            (0.0625, 3, "0.062"), // in place: ties to even
            (0.1875, 3, "0.188"),
            (-0.0001, 3, "-0.000"),
            (1234567890.12345, 3, "1234567890.123"),
            (0.005, 2, "0.01"), // the double is just above 0.005
            (0.1, 30, "0.100000000000000000000000000000"),
            (0.3, 30, "0.300000000000000000000000000000"),
            (
                0.123_456_789_012_345_68,
                30,
                "0.123456789012345680000000000000",
            ),
            (1e20, 20, "100000000000000000000.00000000000000000000"),
            (123.456, 20, "123.45600000000000000000"),
            (
                1152921504606846976.0,
                30,
                "1152921504606847000.000000000000000000000000000000",
            ),
            (
                9007199254740993.0,
                30,
                "9007199254740992.000000000000000000000000000000",
            ),
            (
                1e23,
                30,
                "100000000000000000000000.000000000000000000000000000000",
            ),
            (5e-324, 30, "0.000000000000000000000000000000"),
            (-0.5, 0, "-0."),
            (0.0049, 0, "0."),
            (0.95, 0, "1"),
        ];
        for (x, d, text) in seen {
            assert_eq!(fixed(*x, *d), *text, "DOUBLE(M,{d}) {x:e}");
        }
        let max = fixed(f64::MAX, 30);
        assert!(
            max.starts_with("17976931348623157000") && max.len() == 340,
            "{max}"
        );
        assert_eq!(fixed(-f64::MAX, 30).len(), 341);
    }

    #[test]
    fn sign_bit_and_specials() {
        // dtoa writes the sign of negative zero (the server never stores one through SQL: it
        // turns -0 into 0 on write, but a replicated row image can carry it).
        assert_eq!(fixed(-0.0, 2), "-0.00");
        assert_eq!(fixed(-0.0, 0), "-0");
        assert_eq!(fixed(f64::NAN, 2), "0");
        assert_eq!(fixed(f64::INFINITY, 2), "0");
    }

    #[test]
    fn rust_rounds_exact_ties_to_even() {
        // The exact branch relies on it: 0.125 and 0.375 are exact binary values.
        for (x, d, text) in [
            (0.125, 2, "0.12"),
            (0.375, 2, "0.38"),
            (2.5, 0, "2"),
            (0.5, 0, "0"),
        ] {
            assert_eq!(format!("{x:.d$}"), text);
        }
    }
}
