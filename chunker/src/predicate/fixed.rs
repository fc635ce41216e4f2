//! Comparisons on `FLOAT(M,D)` / `DOUBLE(M,D)` key parts: a widened index range and an exact
//! filter.
//!
//! Such a column can hold values with more decimals than `D`, and values beyond its declared
//! range `±(10^(M-D) - 10^-D)`: an in-place `ALTER TABLE ... MODIFY k FLOAT(7,2),
//! ALGORITHM=INSTANT` keeps what a plain `FLOAT` stored, and row-based replication from a
//! plain column copies the stored bits in. Row by row, MariaDB compares them exactly. But
//! before it scans an index range it stores the comparison's constant into the column, which
//! rounds it to `D` decimals and clamps it to the declared range: over a `FLOAT(7,2)` index,
//! `k >= 0.135` starts at 0.14 and misses a stored 0.135, `k = 0.125` looks for 0.12 only,
//! `k < 110000.25` stops at 99999.99. (Verified on MariaDB 10.11.)
//!
//! So a part `k OP v` of such a column is written as two conditions:
//!
//! - the **range**, `k >= CAST(? AS DECIMAL(65,D))` below (for `>`, `>=`, `=`) and/or
//!   `k <= CAST(? AS DECIMAL(65,D))` above (for `<`, `<=`, `=`), bound with `v` moved outward
//!   by a little more than two units of `10^-D` and written with `D` decimals ([`widened`]).
//!   The server's own rounding of that value to `D` decimals then cannot cross `v`, so the
//!   range holds every row the comparison holds. The bound is a DECIMAL rather than a double
//!   on purpose: a double clamped to the declared range still bounds the range (at the wrong
//!   place, for values beyond it), while a DECIMAL the column cannot hold makes the server
//!   give up that side of the range and scan (MariaDB's range optimizer drops a `<`/`>` bound
//!   that was cut to fit a column of another type);
//! - the **exact filter**, `(k + 0e0) OP ?` bound with `v` itself: a double comparison, exact,
//!   that the range optimizer cannot turn into a (rounded) range.
//!
//! A DECIMAL(65,D) holds up to 35 integer digits; where `v` is beyond `±1e34`, the side of the
//! range that would need a bound beyond it is left out (those rows are found by scanning to
//! that end of the index), and the other side is bound at `±1e34`. Nothing is rounded at such
//! magnitudes, but a double bound could still be clamped.

use crate::value::Value;

/// Above this magnitude a bound is not written as a DECIMAL(65,D) (35 integer digits hold it
/// and its widening for every `D` up to 30).
const DECIMAL_LIMIT: f64 = 1e34;

/// `DECIMAL_LIMIT` as decimal text (the double nearest 1e34 is not 1e34).
const DECIMAL_LIMIT_TEXT: &str = "10000000000000000000000000000000000";

/// The largest `D` MariaDB rounds to: `D` of 31 and more means a plain FLOAT/DOUBLE.
const MAX_SCALE: u8 = 30;

/// The side of a comparison's index range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Side {
    /// `k >= bound`.
    Below,
    /// `k <= bound`.
    Above,
}

/// The exact value of a bound on a `FLOAT(M,D)`/`DOUBLE(M,D)` part, when it is a finite
/// float or double (as the walker reads them); `None` for other values, which are compared
/// as before.
pub(crate) fn exact(value: &Value) -> Option<f64> {
    let v = match *value {
        Value::Float(f) => f64::from(f),
        Value::Double(d) => d,
        _ => return None,
    };
    v.is_finite().then_some(v)
}

/// `D` of a column whose index ranges the server rounds (`FLOAT(M,D)`/`DOUBLE(M,D)`, `D` at
/// most 30).
pub(crate) fn rounded_scale(column_type: &crate::ColumnType) -> Option<u8> {
    column_type.real_scale().filter(|d| *d <= MAX_SCALE)
}

/// `name >= CAST(bound AS DECIMAL(65,scale))` (`<=` above), `bound` SQL text.
pub(crate) fn condition(name: &str, scale: u8, side: Side, bound: &str) -> String {
    let op = match side {
        Side::Below => ">=",
        Side::Above => "<=",
    };
    format!("{name} {op} CAST({bound} AS DECIMAL(65,{scale}))")
}

/// The index range that holds every row whose `FLOAT(M,D)`/`DOUBLE(M,D)` column equals a
/// value exactly, widened past the server's rounding of range bounds (see
/// [`rounded_range`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoundedRange {
    /// `D`: the bounds are compared as `DECIMAL(65,D)`.
    pub scale: u8,
    /// The lower bound as decimal text with `D` decimals; `None` when that side is left open
    /// (a value below -1e34).
    pub lower: Option<String>,
    /// The upper bound, likewise (`None` above 1e34).
    pub upper: Option<String>,
    /// Whether the column is a `DECIMAL` (a negative value in an `UNSIGNED` one, see
    /// [`exact_range`](super::exact_range)): the exact comparison then reads it as `(k + 0)`,
    /// a DECIMAL, rather than as the DOUBLE `(k + 0e0)` (see [`RoundedRange::exact`]).
    pub decimal: bool,
}

impl RoundedRange {
    /// The range as conditions to join with `AND` on the column `name` (already quoted), each
    /// bound written by `bound` from its decimal text: `?` for a bind, as the chunker's own
    /// predicates do, or a quoted literal in a script.
    ///
    /// ```
    /// use chunker::{predicate::rounded_range, ColumnType, Value};
    /// let range = rounded_range(&ColumnType::Float { scale: Some(2) }, &Value::Float(0.135));
    /// let range = range.expect("FLOAT(M,2) and a float");
    /// assert_eq!(
    ///     range.conditions("`k`", |text| format!("'{text}'")),
    ///     ["`k` >= CAST('0.12' AS DECIMAL(65,2))", "`k` <= CAST('0.16' AS DECIMAL(65,2))"]
    /// );
    /// ```
    pub fn conditions(&self, name: &str, mut bound: impl FnMut(&str) -> String) -> Vec<String> {
        [Side::Below, Side::Above]
            .into_iter()
            .filter_map(|side| Some(condition(name, self.scale, side, &bound(self.side(side)?))))
            .collect()
    }

    /// The bound of `side`, if that side is bounded.
    pub(crate) fn side(&self, side: Side) -> Option<&str> {
        match side {
            Side::Below => self.lower.as_deref(),
            Side::Above => self.upper.as_deref(),
        }
    }

    /// The expression the exact comparison reads the column `name` (already quoted) through:
    /// `(name + 0e0)`, its exact value as a DOUBLE, or `(name + 0)` for a `DECIMAL`. The
    /// server compares either exactly, and cannot turn it into an index range, so it neither
    /// rounds nor clamps the value compared with it.
    ///
    /// ```
    /// use chunker::{predicate::rounded_range, ColumnType, Value};
    /// let range = rounded_range(&ColumnType::Float { scale: Some(2) }, &Value::Float(0.135));
    /// assert_eq!(range.map(|r| r.exact("`k`")).as_deref(), Some("(`k` + 0e0)"));
    /// ```
    pub fn exact(&self, name: &str) -> String {
        if self.decimal {
            format!("({name} + 0)")
        } else {
            format!("({name} + 0e0)")
        }
    }
}

/// For a `FLOAT(M,D)`/`DOUBLE(M,D)` column (`D` at most 30) and a finite float or double: the
/// index range, widened past the server's rounding of range bounds, that holds every row whose
/// value equals `value` exactly, as the chunker's own `k = v` parts bound it. A statement that
/// must find such a row by its value (a repair's `WHERE`, say) adds the range for the index
/// and the exact comparison `(k + 0e0) = v`. `None` for every other column type and value,
/// whose plain comparison the server does not round. This range does not know whether the
/// column is `UNSIGNED`; [`exact_range`](super::exact_range) does.
///
/// ```
/// use chunker::{predicate::rounded_range, ColumnType, Value};
/// let range = rounded_range(&ColumnType::Double { scale: Some(3) }, &Value::Double(0.0625));
/// let range = range.expect("DOUBLE(M,3) and a double");
/// assert_eq!((range.lower.as_deref(), range.upper.as_deref()), (Some("0.060"), Some("0.065")));
/// // Beyond 1e34 the outward side is left open.
/// let far = rounded_range(&ColumnType::Float { scale: Some(2) }, &Value::Float(1e36));
/// assert_eq!(far.and_then(|r| r.upper), None);
/// assert!(rounded_range(&ColumnType::Float { scale: None }, &Value::Float(0.5)).is_none());
/// ```
pub fn rounded_range(column_type: &crate::ColumnType, value: &Value) -> Option<RoundedRange> {
    let scale = rounded_scale(column_type)?;
    let v = exact(value)?;
    Some(RoundedRange {
        scale,
        lower: widened(v, scale, Side::Below),
        upper: widened(v, scale, Side::Above),
        decimal: false,
    })
}

/// `v` moved outward (down for [`Side::Below`], up for [`Side::Above`]) by two units of
/// `10^-scale`, eight units in the last place of `v` and `1e-15`, as decimal text with
/// `scale` decimals; beyond `±1e34`, `±1e34` where that is still outward of `v`, else `None`.
///
/// The margin covers what the server does to the bound before it scans (see the tests for
/// the model): the text is read as the nearest double, then `truncate_double` rounds it to
/// `scale` decimals as `floor(x) + rint((x - floor(x)) * 10^scale) / 10^scale`, which is off
/// by half a unit of `10^-scale`, a few units in the last place, and for a negative `x` near
/// zero by up to about `1.1e-16` (`x - floor(x)` is `1 + x` there, rounded to a double).
pub(crate) fn widened(v: f64, scale: u8, side: Side) -> Option<String> {
    if !v.is_finite() {
        return None;
    }
    if v.abs() >= DECIMAL_LIMIT {
        return match (side, v > 0.0) {
            (Side::Below, true) => Some(DECIMAL_LIMIT_TEXT.to_string()),
            (Side::Above, false) => Some(format!("-{DECIMAL_LIMIT_TEXT}")),
            _ => None,
        };
    }
    let unit = 10f64.powi(-i32::from(scale));
    let magnitude = v.abs();
    let ulp = f64::from_bits(magnitude.to_bits() + 1) - magnitude;
    let margin = 2.0 * unit + 8.0 * ulp + 1e-15;
    let bound = match side {
        Side::Below => v - margin,
        Side::Above => v + margin,
    };
    // Rust writes the double's exact value, rounded to `scale` decimals.
    Some(format!("{bound:.prec$}", prec = usize::from(scale)))
}

#[cfg(test)]
mod tests;
