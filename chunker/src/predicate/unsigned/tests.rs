//! Negative bounds on UNSIGNED parts: the ranges, and the predicates against a model of a
//! server that clamps a negative range bound to 0.

use super::*;
use crate::model::Column;

fn key(column_type: ColumnType, unsigned: bool) -> KeyColumn {
    let column = Column::new("k", column_type);
    KeyColumn::from(&if unsigned { column.unsigned() } else { column })
}

fn sides(range: Option<RoundedRange>) -> Option<(Option<String>, Option<String>, bool)> {
    range.map(|r| (r.lower, r.upper, r.decimal))
}

#[test]
fn negative_values_of_unsigned_reals_are_bounded_at_zero_above_only() {
    let s = |t: &str| Some(t.to_string());
    let float = key(ColumnType::Float { scale: None }, true);
    let double = key(ColumnType::Double { scale: None }, true);
    let decimal = key(
        ColumnType::Decimal {
            precision: 10,
            scale: 2,
        },
        true,
    );
    assert_eq!(
        sides(exact_range(&float, &Value::Float(-1.5))),
        Some((None, s("0"), false))
    );
    assert_eq!(
        sides(exact_range(&double, &Value::Double(-1e-300))),
        Some((None, s("0"), false))
    );
    assert_eq!(
        sides(exact_range(&decimal, &Value::text("-0.01"))),
        Some((None, s("0.00"), true))
    );
    assert_eq!(
        sides(exact_range(&decimal, &Value::Int(-3))),
        Some((None, s("0.00"), true))
    );
    // Zero, -0.0 and positive values: the plain comparison.
    for v in [
        Value::Float(0.0),
        Value::Float(-0.0),
        Value::Float(2.5),
        Value::Double(-0.0),
    ] {
        assert_eq!(sides(exact_range(&float, &v)), None, "{v:?}");
    }
    assert_eq!(sides(exact_range(&decimal, &Value::text("0.00"))), None);
    assert_eq!(sides(exact_range(&decimal, &Value::text("12.50"))), None);
    assert_eq!(sides(exact_range(&decimal, &Value::Null)), None);
    // Signed columns, and UNSIGNED integers (which cannot hold negatives), likewise.
    let signed = key(ColumnType::Float { scale: None }, false);
    assert_eq!(sides(exact_range(&signed, &Value::Float(-1.5))), None);
    let int = key(
        ColumnType::Integer {
            bytes: 4,
            unsigned: true,
        },
        true,
    );
    assert_eq!(sides(exact_range(&int, &Value::Int(-1))), None);
}

#[test]
fn fixed_decimal_unsigned_parts_drop_negative_widened_bounds() {
    let s = |t: &str| Some(t.to_string());
    let f72 = key(ColumnType::Float { scale: Some(2) }, true);
    // Both widened bounds negative: none below, 0.00 above.
    assert_eq!(
        sides(exact_range(&f72, &Value::Float(-1.5))),
        Some((None, s("0.00"), false))
    );
    // Near zero: the lower bound would be negative, the upper one is kept.
    assert_eq!(
        sides(exact_range(&f72, &Value::Float(0.005))),
        Some((None, s("0.02"), false))
    );
    // Well above zero: as for a signed column.
    let signed = key(ColumnType::Float { scale: Some(2) }, false);
    assert_eq!(
        exact_range(&f72, &Value::Float(0.135)),
        exact_range(&signed, &Value::Float(0.135))
    );
    assert_eq!(
        sides(exact_range(&signed, &Value::Float(-1.5))),
        Some((s("-1.52"), s("-1.48"), false))
    );
    // Below -1e34 the lower side is open anyway, the upper one is 0.
    assert_eq!(
        sides(exact_range(&f72, &Value::Float(-1e36))),
        Some((None, s("0.00"), false))
    );
}

#[test]
fn negative_means_below_zero() {
    assert!(negative(&Value::text(" -1")));
    assert!(negative(&Value::text("-0.00")));
    assert!(!negative(&Value::text("1e-5")));
    assert!(!negative(&Value::UInt(0)));
    assert!(!negative(&Value::Double(f64::NAN)));
    assert!(negative(&Value::Double(-f64::MIN_POSITIVE)));
}

/// A number from a bind: a float, a double, an integer, or decimal text.
fn number(v: &Value) -> f64 {
    match v {
        Value::Float(f) => f64::from(*f),
        Value::Double(d) => *d,
        Value::Int(i) => *i as f64,
        Value::Bytes(b) => std::str::from_utf8(b)
            .ok()
            .and_then(|t| t.trim().parse().ok())
            .expect("decimal text"),
        other => panic!("not a number: {other:?}"),
    }
}

fn holds(x: f64, op: &str, c: f64) -> bool {
    match op {
        ">=" => x >= c,
        ">" => x > c,
        "<=" => x <= c,
        "<" => x < c,
        "=" => x == c,
        other => panic!("operator {other}"),
    }
}

/// Whether a model server returns the row `(k, j)` for `sql` (as [`super::super::compare`]
/// writes it for NOT NULL parts `k` and `j`) read over an index on `k`, an UNSIGNED column
/// holding negative values, as harshly as a server might: a range condition `k OP c` on a
/// negative constant is clamped (`k >= c` and `k > c` start at 0, as on MariaDB 10.11) or
/// impossible (`k = c` as on MariaDB; `k < c` and `k <= c` too, which MariaDB does not do); the
/// row is returned when it lies in the union of the branches' ranges and satisfies the whole
/// condition exactly.
fn served(sql: &str, binds: &[Value], k: f64, j: f64) -> bool {
    let inner = sql
        .strip_prefix("((")
        .and_then(|s| s.strip_suffix("))"))
        .expect("an expansion");
    let mut binds = binds.iter();
    let (mut in_range, mut exact) = (false, false);
    for branch in inner.split(") OR (") {
        let (mut range, mut all) = (true, true);
        for part in branch.split(" AND ") {
            let c = number(binds.next().expect("a bind per part"));
            let mut words = part.split(' ');
            let (column, op) = match (words.next(), words.next()) {
                (Some("(`k`"), Some("+")) => {
                    // `(k + 0e0) OP ?` or `(k + 0) OP CAST(...)`: exact, no range.
                    all &= holds(k, words.nth(1).expect("operator"), c);
                    continue;
                }
                (Some(column), Some(op)) => (column, op),
                _ => panic!("part {part}"),
            };
            let x = if column == "`k`" { k } else { j };
            all &= holds(x, op, c);
            if column == "`k`" {
                range &= match (op, c < 0.0) {
                    (_, false) => holds(k, op, c),
                    (">=" | ">", true) => k >= 0.0,
                    _ => false,
                };
            }
        }
        in_range |= range;
        exact |= all;
    }
    assert!(binds.next().is_none(), "every bind used: {sql}");
    in_range && exact
}

/// The key `(k, j)` against the bound `(b, bj)` (or `(b)`), exactly.
fn exactly(op: super::super::Op, (k, j): (f64, f64), bound: &[f64]) -> bool {
    use super::super::Op;
    let order = k
        .partial_cmp(&bound[0])
        .expect("no NaN")
        .then(if bound.len() > 1 {
            j.partial_cmp(&bound[1]).expect("no NaN")
        } else {
            std::cmp::Ordering::Equal
        });
    match op {
        Op::Ge => order.is_ge(),
        Op::Gt => order.is_gt(),
        Op::Le => order.is_le(),
        Op::Lt => order.is_lt(),
    }
}

#[test]
fn the_model_server_loses_rows_under_plain_comparisons() {
    use super::super::{compare, Op};
    // Signed-modelled (the chunker before it knew UNSIGNED): `k >= ?` on -1.5 starts at 0.
    let plain = key(ColumnType::Float { scale: None }, false);
    let (sql, binds) = compare(&[plain], Op::Ge, &[Value::Float(-1.5)]);
    assert!(!served(&sql, &binds, -1.0, 0.0));
    let known = key(ColumnType::Float { scale: None }, true);
    let (sql, binds) = compare(&[known], Op::Ge, &[Value::Float(-1.5)]);
    assert_eq!(sql, "(((`k` + 0e0) >= ?))");
    assert!(served(&sql, &binds, -1.0, 0.0));
}

/// Key values with negatives, zeros and positives, as the given type's values.
fn real() -> impl Strategy<Value = f64> {
    prop_oneof![
        (-40i32..40).prop_map(|i| f64::from(i) * 0.25),
        -1e6f64..1e6,
        Just(0.0),
        Just(-0.0),
        Just(-1e30),
    ]
}

use proptest::prelude::*;

fn as_value(column_type: &ColumnType, x: f64) -> Value {
    match column_type {
        ColumnType::Float { .. } => Value::Float(x as f32),
        ColumnType::Double { .. } => Value::Double(x),
        _ => Value::text(&format!("{x:.2}")),
    }
}

proptest! {
    /// Over an UNSIGNED FLOAT, DOUBLE, FLOAT(7,2) or DECIMAL(40,2) part holding negative
    /// values, alone or before a signed integer part, the model server returns exactly the
    /// rows each predicate holds: no range bound is negative, and every range holds the rows
    /// its exact filter holds.
    #[test]
    fn predicates_over_unsigned_parts_return_exactly_their_rows(
        which in 0usize..4,
        k in real(),
        b in real(),
        j in -3i64..3,
        bj in -3i64..3,
        composite in any::<bool>(),
        op in 0usize..4,
    ) {
        use super::super::{compare, Op};
        let column_type = [
            ColumnType::Float { scale: None },
            ColumnType::Double { scale: None },
            ColumnType::Float { scale: Some(2) },
            ColumnType::Decimal { precision: 40, scale: 2 },
        ][which].clone();
        let op = [Op::Ge, Op::Gt, Op::Le, Op::Lt][op];
        // The stored key and the bound, as the column holds them.
        let kv = as_value(&column_type, k);
        let bv = as_value(&column_type, b);
        let (k, b) = (number(&kv), number(&bv));
        let mut columns = vec![key(column_type, true)];
        let mut bound = vec![bv];
        let mut exact_bound = vec![b];
        if composite {
            columns.push(KeyColumn {
                name: "j".into(),
                ..key(ColumnType::Integer { bytes: 4, unsigned: false }, false)
            });
            bound.push(Value::Int(bj));
            exact_bound.push(bj as f64);
        }
        let (sql, binds) = compare(&columns, op, &bound);
        prop_assert_eq!(
            served(&sql, &binds, k, j as f64),
            exactly(op, (k, j as f64), &exact_bound),
            "{} {:?} binds {:?}, row ({}, {})", sql, op, binds, k, j
        );
    }
}
