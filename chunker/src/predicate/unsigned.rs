//! Negative bounds on `UNSIGNED` `FLOAT`, `DOUBLE` and `DECIMAL` key parts.
//!
//! Such a column can hold negative values: row-based replication from a signed column copies
//! the stored value in as it is (MariaDB 10.11 applies a FLOAT, DOUBLE or DECIMAL row event to
//! a column of the same type without a conversion, so `UNSIGNED` on the replica's side only is
//! not checked), while every write through SQL refuses them (strict mode) or stores 0. The
//! server keeps them, sorted below 0 in an index, and compares them exactly row by row. But
//! before it scans an index range it stores the comparison's constant into the column, which
//! clamps a negative constant to 0: over the index, `k >= -1.5` starts at 0 and misses a
//! stored -1.5, and `k = -1.5` finds nothing (an impossible range). An upper bound clamped to
//! 0 still holds every negative value there, but nothing here relies on that (MySQL's range
//! optimizer may treat `k < v` with a negative `v` as impossible; not checked on a server).
//! (Verified on MariaDB 10.11 with FLOAT, DOUBLE, FLOAT(7,2) and DECIMAL(10,2) UNSIGNED
//! keys.)
//!
//! So a part of such a column compared with a negative bound has an index range only where
//! the server cannot clamp it: none below (the scan starts at the index's first row), and `0`
//! above, a value the column holds; then the exact comparison on `(k + 0e0)` (`(k + 0)` for a
//! DECIMAL) that the range optimizer cannot use. A `FLOAT(M,D) UNSIGNED` part keeps its
//! widened range (see [`fixed`](super::fixed)) where the widened bound is not negative.
//! Bounds of 0 and above, and columns not declared `UNSIGNED`, keep the plain comparison.

use super::fixed::{rounded_range, RoundedRange};
use crate::key::KeyColumn;
use crate::model::ColumnType;
use crate::value::Value;

/// Whether the server clamps negative constants for this column before an index range scan:
/// an `UNSIGNED` FLOAT, DOUBLE or DECIMAL.
fn clamps_negatives(column: &KeyColumn) -> bool {
    column.unsigned
        && matches!(
            column.column_type,
            ColumnType::Float { .. } | ColumnType::Double { .. } | ColumnType::Decimal { .. }
        )
}

/// Whether `value` is below zero (`-0.0` is not; decimal text is when it starts with `-`).
fn negative(value: &Value) -> bool {
    match value {
        Value::Int(i) => *i < 0,
        Value::Float(f) => *f < 0.0,
        Value::Double(d) => *d < 0.0,
        Value::Bytes(b) => b.trim_ascii_start().first() == Some(&b'-'),
        _ => false,
    }
}

/// Whether `value` is a negative value of an `UNSIGNED` `FLOAT`, `DOUBLE` or `DECIMAL` column
/// (`column` marked [`unsigned`](crate::KeyColumn#structfield.unsigned)): a value such a
/// column holds only by row-based replication from a signed one, which the server clamps to 0
/// as the constant of an index range, and refuses (strict mode) or stores as 0 when written.
///
/// ```
/// use chunker::{predicate::negative_in_unsigned, Column, ColumnType, KeyColumn, Value};
/// let k = KeyColumn::from(&Column::new("k", ColumnType::Double { scale: None }).unsigned());
/// assert!(negative_in_unsigned(&k, &Value::Double(-0.5)));
/// assert!(!negative_in_unsigned(&k, &Value::Double(0.5)));
/// ```
pub fn negative_in_unsigned(column: &KeyColumn, value: &Value) -> bool {
    clamps_negatives(column) && negative(value)
}

/// `0` with `scale` decimals.
fn zero(scale: u8) -> String {
    format!("{:.prec$}", 0.0, prec = usize::from(scale))
}

/// For a key column and a value: the index range that holds every row whose column equals
/// `value` exactly, where the server's index lookup of `k = v` would miss some, as the
/// chunker's own `k = v` parts bound it. That is a `FLOAT(M,D)`/`DOUBLE(M,D)` column with a
/// float or double (see [`rounded_range`]), and a negative value of an `UNSIGNED` FLOAT,
/// DOUBLE or DECIMAL column: open below, up to 0 (see the module docs). A statement that must
/// find such a row by its value (a repair's `WHERE`, say) adds the range for the index and the
/// exact comparison `RoundedRange::exact(k) = v`. `None` for every other column and value,
/// whose plain `k = v` the server neither rounds nor clamps.
///
/// ```
/// use chunker::{predicate::exact_range, Column, ColumnType, KeyColumn, Value};
/// let column = Column::new("k", ColumnType::Decimal { precision: 10, scale: 2 }).unsigned();
/// let range = exact_range(&KeyColumn::from(&column), &Value::text("-1.50"));
/// let range = range.expect("a negative value of a DECIMAL UNSIGNED");
/// assert_eq!(
///     range.conditions("`k`", |text| format!("'{text}'")),
///     ["`k` <= CAST('0.00' AS DECIMAL(65,2))"]
/// );
/// assert_eq!(range.exact("`k`"), "(`k` + 0)");
/// // 0 and above need nothing of this.
/// assert!(exact_range(&KeyColumn::from(&column), &Value::text("1.50")).is_none());
/// ```
pub fn exact_range(column: &KeyColumn, value: &Value) -> Option<RoundedRange> {
    let rounded = rounded_range(&column.column_type, value);
    if !clamps_negatives(column) {
        return rounded;
    }
    let below_zero = |text: &String| text.starts_with('-');
    match rounded {
        // A widened bound that is negative is clamped as well: none below, 0 above.
        Some(range) => Some(RoundedRange {
            lower: range.lower.filter(|t| !below_zero(t)),
            upper: range
                .upper
                .map(|t| if below_zero(&t) { zero(range.scale) } else { t }),
            ..range
        }),
        None if negative_in_unsigned(column, value) => {
            let (scale, decimal) = match column.column_type {
                ColumnType::Decimal { scale, .. } => (scale, true),
                _ => (0, false),
            };
            Some(RoundedRange {
                scale,
                lower: None,
                upper: Some(zero(scale)),
                decimal,
            })
        }
        None => None,
    }
}

#[cfg(test)]
mod tests;
