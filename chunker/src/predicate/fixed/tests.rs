//! The widened bounds against a model of what MariaDB does with them before an index range
//! scan: the DECIMAL text read as the nearest double (`decimal2double`, a correctly rounded
//! `strtod`), rounded to `D` decimals as `truncate_double` does (`floor(x) + rint((x -
//! floor(x)) * 10^D) / 10^D`, ties to even), then narrowed to a float for a FLOAT column.

use proptest::prelude::*;

use super::*;

/// The value the server bounds the index range with, for a bound of `text` on a column with
/// `scale` decimals (inside the declared range: beyond it the server drops the bound).
fn stored(text: &str, scale: u8, float: bool) -> f64 {
    let x: f64 = text.parse().expect("decimal text");
    let p: f64 = format!("1e{scale}").parse().expect("power of ten");
    let whole = x.floor();
    let r = whole + ((x - whole) * p).round_ties_even() / p;
    if float {
        f64::from(r as f32)
    } else {
        r
    }
}

/// Checks that the range bounds around `v` hold `v` after the server's rounding, and are at
/// most a few units of `10^-scale` wide.
fn check(v: f64, scale: u8, float: bool) -> Result<(), TestCaseError> {
    let lo = widened(v, scale, Side::Below).expect("a lower bound below 1e34");
    let hi = widened(v, scale, Side::Above).expect("an upper bound below 1e34");
    let (s_lo, s_hi) = (stored(&lo, scale, float), stored(&hi, scale, float));
    prop_assert!(
        s_lo <= v,
        "{v:e} D={scale}: lower {lo} is stored as {s_lo:e}"
    );
    prop_assert!(
        s_hi >= v,
        "{v:e} D={scale}: upper {hi} is stored as {s_hi:e}"
    );
    let unit: f64 = format!("1e-{scale}").parse().expect("unit");
    let (x_lo, x_hi): (f64, f64) = (lo.parse().expect("lo"), hi.parse().expect("hi"));
    let slack = 4.0 * f64::EPSILON * v.abs();
    prop_assert!(
        x_lo <= v - 1.5 * unit + slack,
        "{v:e} D={scale}: {lo} is not widened"
    );
    prop_assert!(
        x_hi >= v + 1.5 * unit - slack,
        "{v:e} D={scale}: {hi} is not widened"
    );
    // Not much wider: the margin on each side, plus a unit for the rounding to `scale` places.
    let magnitude = v.abs();
    let ulp = f64::from_bits(magnitude.to_bits() + 1) - magnitude;
    let width = 5.0 * unit + 20.0 * ulp + 3e-15 + 2.0 * slack;
    prop_assert!(x_hi - x_lo <= width, "{v:e} D={scale}: {lo} .. {hi}");
    Ok(())
}

/// Values with few decimals (`m * 10^-e`, where the server's rounding of a bound bites) and
/// their neighbours one unit in the last place away.
fn decimal_like() -> impl Strategy<Value = f64> {
    (-10_000_000i64..10_000_000, 0i32..12, -1i64..=1).prop_map(|(m, e, step)| {
        let x: f64 = format!("{m}e-{e}").parse().expect("decimal");
        if step == 0 || x == 0.0 {
            x
        } else {
            let away = (x > 0.0) == (step > 0);
            f64::from_bits(if away {
                x.to_bits() + 1
            } else {
                x.to_bits() - 1
            })
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn float_bounds_survive_the_servers_rounding(
        negative in any::<bool>(),
        exponent in 0u32..239, // biased: below 2^112, about 5.2e33
        fraction in any::<u32>(),
        scale in 0u8..=30,
    ) {
        let bits = (u32::from(negative) << 31) | (exponent << 23) | (fraction >> 9);
        check(f64::from(f32::from_bits(bits)), scale, true)?;
    }

    #[test]
    fn double_bounds_survive_the_servers_rounding(
        negative in any::<bool>(),
        exponent in 0u64..1135, // biased: below 2^112, about 5.2e33
        fraction in any::<u64>(),
        scale in 0u8..=30,
    ) {
        let bits = (u64::from(negative) << 63) | (exponent << 52) | (fraction >> 12);
        let v = f64::from_bits(bits);
        check(v, scale, false)?;
    }

    #[test]
    fn decimal_like_bounds_survive_the_servers_rounding(v in decimal_like(), scale in 0u8..=8) {
        check(v, scale, false)?;
        check(f64::from(v as f32), scale, true)?;
    }
}

#[test]
fn widened_bounds_by_example() {
    let w = |v: f64, d: u8, side| widened(v, d, side);
    use Side::{Above, Below};
    // 0.135 as a float is 0.13500000536...: two units and a little out, at two decimals.
    let f = f64::from(0.135f32);
    assert_eq!(w(f, 2, Below).as_deref(), Some("0.12"));
    assert_eq!(w(f, 2, Above).as_deref(), Some("0.16"));
    assert_eq!(w(0.125, 2, Below).as_deref(), Some("0.10"));
    assert_eq!(w(0.125, 2, Above).as_deref(), Some("0.15"));
    // Across zero, both ways.
    assert_eq!(w(0.0, 2, Below).as_deref(), Some("-0.02"));
    assert_eq!(w(0.0, 2, Above).as_deref(), Some("0.02"));
    assert_eq!(w(-0.0, 2, Above).as_deref(), Some("0.02"));
    assert_eq!(w(0.01, 2, Below).as_deref(), Some("-0.01"));
    assert_eq!(w(-0.005, 2, Below).as_deref(), Some("-0.03"));
    assert_eq!(w(-0.005, 2, Above).as_deref(), Some("0.02"));
    assert_eq!(w(-1.0, 0, Above).as_deref(), Some("1"));
    assert_eq!(w(-1.0, 0, Below).as_deref(), Some("-3"));
    assert_eq!(w(99.99, 2, Above).as_deref(), Some("100.01"));
    assert_eq!(w(-99_999.99, 2, Below).as_deref(), Some("-100000.01"));
    // A tiny negative value with many decimals: the server's rounding of a negative bound
    // near zero is off by about 1e-16, so the margin is at least 1e-15.
    let tiny = w(-5e-324, 17, Below).expect("a bound");
    assert_eq!(tiny, "-0.00000000000000102");
    // Beyond 1e34: bound at 1e34 where that is outward, open otherwise.
    assert_eq!(w(1e34, 2, Below).as_deref(), Some(DECIMAL_LIMIT_TEXT));
    assert_eq!(w(1e36, 2, Above), None);
    assert_eq!(w(-1e300, 2, Below), None);
    assert_eq!(w(-1e300, 2, Above), Some(format!("-{DECIMAL_LIMIT_TEXT}")));
    assert_eq!(w(f64::INFINITY, 2, Below), None);
    // The widest text still fits DECIMAL(65,30): at most 35 integer digits and 30 decimals.
    let big = w(9.999e33, 30, Above).expect("below the limit");
    assert_eq!(big.split('.').map(str::len).collect::<Vec<_>>(), [34, 30]);
}

#[test]
fn only_fixed_decimal_floats_and_doubles_are_rounded() {
    use crate::ColumnType;
    assert_eq!(
        rounded_scale(&ColumnType::Float { scale: Some(2) }),
        Some(2)
    );
    assert_eq!(
        rounded_scale(&ColumnType::Double { scale: Some(30) }),
        Some(30)
    );
    assert_eq!(rounded_scale(&ColumnType::Double { scale: Some(31) }), None);
    assert_eq!(rounded_scale(&ColumnType::Float { scale: None }), None);
    assert_eq!(rounded_scale(&ColumnType::Double { scale: None }), None);
    assert_eq!(
        rounded_scale(&ColumnType::Decimal {
            precision: 7,
            scale: 2
        }),
        None
    );
    assert_eq!(exact(&Value::Float(0.5)), Some(0.5));
    assert_eq!(exact(&Value::Double(-2.25)), Some(-2.25));
    assert_eq!(exact(&Value::Double(f64::NAN)), None);
    assert_eq!(exact(&Value::text("0.5")), None);
    assert_eq!(exact(&Value::Int(1)), None);
}
