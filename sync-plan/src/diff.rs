//! Row differences: a merge-join by identity key, or a multiset comparison for keyless tables.
//!
//! Non-key values compare exactly: FLOAT and DOUBLE by their bits (but for the sign of zero,
//! below), strings and binary strings by their bytes. `'a'` against `'A'` in a non-key column,
//! or in a key column under a case-insensitive collation, is a difference to repair even though
//! the keys pair up.
//!
//! A FLOAT or DOUBLE `-0` and `+0` are the same value ([`same_value`]), on purpose: see the crate
//! docs, *Negative zero*.

use std::collections::BTreeMap;

use chunker::{Table, Value};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::key::{CompareKey, IdentityKey, Row};

/// One difference between the source and the target of a table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Difference {
    /// The source has `count` copies of `row` that the target lacks (always 1 with a key).
    Missing {
        /// The source row.
        row: Row,
        /// How many copies are missing.
        count: u64,
    },
    /// The target has `count` copies of `row` the source does not have.
    Extra {
        /// The target row.
        row: Row,
        /// How many copies are extra.
        count: u64,
    },
    /// The same key on both sides, different values.
    Changed {
        /// The source row (the truth).
        source: Row,
        /// The target row as it is now.
        target: Row,
        /// Positions of the columns whose values differ (generated columns included).
        columns: Vec<usize>,
    },
}

/// Both sides' rows of one range, compared in Rust: by the table's identity key (see
/// [`IdentityKey::choose`]) when it has one, as multisets of whole rows otherwise.
///
/// Collated key values Rust cannot compare with certainty give
/// [`Error::NeedsServerCollation`]; pass server weight strings to [`diff_keyed`] instead.
pub fn diff_rows(table: &Table, source: &[Row], target: &[Row]) -> Result<Vec<Difference>, Error> {
    match IdentityKey::choose(table) {
        Some(key) => {
            let keyed = |rows: &[Row]| -> Result<Vec<(CompareKey, Row)>, Error> {
                rows.iter()
                    .map(|r| Ok((CompareKey::from_row(table, &key, r)?, r.clone())))
                    .collect()
            };
            diff_keyed(table, &key, keyed(source)?, keyed(target)?)
        }
        None => diff_multiset(table, source, target),
    }
}

/// Merge-join of rows that already carry their compare keys. The order they arrive in does not
/// matter: both sides are sorted by compare key first.
pub fn diff_keyed(
    table: &Table,
    key: &IdentityKey,
    mut source: Vec<(CompareKey, Row)>,
    mut target: Vec<(CompareKey, Row)>,
) -> Result<Vec<Difference>, Error> {
    for (side, rows) in [("source", &mut source), ("target", &mut target)] {
        check_shape(table, rows.iter().map(|(_, r)| r))?;
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        if let Some(w) = rows.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(Error::DuplicateKey {
                table: table.qualified_name(),
                side,
                key: key.describe(table, &w[1].1),
            });
        }
    }
    let mut out = Vec::new();
    let mut s = source.into_iter().peekable();
    let mut t = target.into_iter().peekable();
    loop {
        let order = match (s.peek(), t.peek()) {
            (None, None) => break,
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some(a), Some(b)) => a.0.cmp(&b.0),
        };
        match order {
            std::cmp::Ordering::Less => {
                if let Some((_, row)) = s.next() {
                    out.push(Difference::Missing { row, count: 1 });
                }
            }
            std::cmp::Ordering::Greater => {
                if let Some((_, row)) = t.next() {
                    out.push(Difference::Extra { row, count: 1 });
                }
            }
            std::cmp::Ordering::Equal => {
                if let (Some((_, src)), Some((_, tgt))) = (s.next(), t.next()) {
                    let columns: Vec<usize> = (0..src.len())
                        .filter(|&i| !same_value(&src[i], &tgt[i]))
                        .collect();
                    if !columns.is_empty() {
                        out.push(Difference::Changed {
                            source: src,
                            target: tgt,
                            columns,
                        });
                    }
                }
            }
        }
    }
    Ok(out)
}

/// Rows compared as multisets of exact values: per distinct row, the difference of its counts.
pub fn diff_multiset(
    table: &Table,
    source: &[Row],
    target: &[Row],
) -> Result<Vec<Difference>, Error> {
    check_shape(table, source.iter().chain(target))?;
    let mut counts: BTreeMap<Vec<u8>, (u64, u64, &Row)> = BTreeMap::new();
    for r in source {
        counts.entry(exact_row_bytes(r)).or_insert((0, 0, r)).0 += 1;
    }
    for r in target {
        counts.entry(exact_row_bytes(r)).or_insert((0, 0, r)).1 += 1;
    }
    let mut out = Vec::new();
    for (src, tgt, row) in counts.into_values() {
        if src > tgt {
            out.push(Difference::Missing {
                row: row.clone(),
                count: src - tgt,
            });
        } else if tgt > src {
            out.push(Difference::Extra {
                row: row.clone(),
                count: tgt - src,
            });
        }
    }
    Ok(out)
}

fn check_shape<'r>(table: &Table, rows: impl Iterator<Item = &'r Row>) -> Result<(), Error> {
    for r in rows {
        if r.len() != table.columns.len() {
            return Err(Error::RowShape {
                table: table.qualified_name(),
                expected: table.columns.len(),
                found: r.len(),
            });
        }
    }
    Ok(())
}

/// Exact equality: floats by bits, except that `-0` equals `+0` (see the crate docs, *Negative
/// zero*), integers by value whatever their signedness, the rest as is.
///
/// ```
/// use chunker::Value;
/// use sync_plan::same_value;
/// assert!(same_value(&Value::Double(-0.0), &Value::Double(0.0)));
/// assert!(!same_value(&Value::Float(0.1), &Value::Float(f32::from_bits(0.1f32.to_bits() + 1))));
/// assert!(same_value(&Value::Int(5), &Value::UInt(5)));
/// ```
pub fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => f32_bits(*x) == f32_bits(*y),
        (Value::Double(x), Value::Double(y)) => f64_bits(*x) == f64_bits(*y),
        (Value::Int(x), Value::UInt(y)) | (Value::UInt(y), Value::Int(x)) => {
            i128::from(*x) == i128::from(*y)
        }
        _ => a == b,
    }
}

/// Whether two rows are equal value for value (see [`same_value`]).
pub fn same_row(a: &Row, b: &Row) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_value(x, y))
}

/// The bits of a FLOAT, with `-0` as `+0`: equal exactly when [`same_value`] says so.
pub(crate) fn f32_bits(x: f32) -> u32 {
    if x == 0.0 {
        0
    } else {
        x.to_bits()
    }
}

/// The bits of a DOUBLE, with `-0` as `+0`: equal exactly when [`same_value`] says so.
pub(crate) fn f64_bits(x: f64) -> u64 {
    if x == 0.0 {
        0
    } else {
        x.to_bits()
    }
}

/// An injective byte form of a row under [`same_value`] equality.
pub(crate) fn exact_row_bytes(row: &Row) -> Vec<u8> {
    let mut out = Vec::new();
    for v in row {
        let (tag, body): (u8, Vec<u8>) = match v {
            Value::Null => (0, Vec::new()),
            Value::Int(i) => (1, i128::from(*i).to_be_bytes().to_vec()),
            Value::UInt(u) => (1, i128::from(*u).to_be_bytes().to_vec()),
            Value::Float(f) => (2, f32_bits(*f).to_be_bytes().to_vec()),
            Value::Double(d) => (3, f64_bits(*d).to_be_bytes().to_vec()),
            Value::Bytes(b) => (4, b.clone()),
            other => (5, format!("{other:?}").into_bytes()),
        };
        out.push(tag);
        out.extend_from_slice(&(body.len() as u64).to_be_bytes());
        out.extend_from_slice(&body);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chunker::{Collation, Column, ColumnType, Index, TextKind};

    fn table(with_key: bool) -> Table {
        let text = ColumnType::Text {
            kind: TextKind::Var,
            max_len: 20,
        };
        let t = Table::new("s", "t")
            .column(Column::new("k", text.clone()).collation(Collation::new("latin1_swedish_ci")))
            .column(Column::new("f", ColumnType::Float { scale: None }));
        if with_key {
            t.index(Index::primary(["k"]))
        } else {
            t
        }
    }

    fn row(k: &str, f: f32) -> Row {
        vec![Value::text(k), Value::Float(f)]
    }

    #[test]
    fn case_insensitive_keys_pair_and_differ_by_bytes() {
        let t = table(true);
        let d = diff_rows(
            &t,
            &[row("a", 1.0), row("b", 2.0)],
            &[row("A ", 1.0), row("c", 2.0)],
        )
        .unwrap();
        assert_eq!(d.len(), 3);
        assert!(matches!(&d[0], Difference::Changed { columns, .. } if columns == &[0]));
        assert!(matches!(&d[1], Difference::Missing { row, .. } if row[0] == Value::text("b")));
        assert!(matches!(&d[2], Difference::Extra { row, .. } if row[0] == Value::text("c")));
        let dup = diff_rows(&t, &[row("a", 1.0), row("A", 1.0)], &[]).unwrap_err();
        assert!(dup.to_string().contains("k='A'"), "{dup}");
    }

    #[test]
    fn floats_differ_by_bits_and_keyless_rows_by_count() {
        let t = table(true);
        let next = f32::from_bits(0.1f32.to_bits() + 1);
        let d = diff_rows(&t, &[row("a", 0.1)], &[row("a", next)]).unwrap();
        assert!(matches!(&d[0], Difference::Changed { columns, .. } if columns == &[1]));
        let t = table(false);
        let src = [row("x", 1.0), row("x", 1.0), row("x", 1.0), row("y", 2.0)];
        let tgt = [row("x", 1.0), row("X", 1.0), row("y", 2.0), row("y", 2.0)];
        let d = diff_rows(&t, &src, &tgt).unwrap();
        assert_eq!(d.len(), 3);
        assert!(d.contains(&Difference::Missing {
            row: row("x", 1.0),
            count: 2
        }));
        assert!(d.contains(&Difference::Extra {
            row: row("X", 1.0),
            count: 1
        }));
        assert!(d.contains(&Difference::Extra {
            row: row("y", 2.0),
            count: 1
        }));
    }

    /// `-0` and `+0` are one value, as to the server (`=`, unique keys) and the checksums:
    /// keyed rows pair without a difference, keyless rows count as copies of one row.
    #[test]
    fn negative_zero_is_the_same_value_as_zero() {
        assert!(same_value(&Value::Float(-0.0), &Value::Float(0.0)));
        assert!(same_value(&Value::Double(0.0), &Value::Double(-0.0)));
        assert!(!same_value(
            &Value::Double(-0.0),
            &Value::Double(f64::from_bits(1))
        ));
        assert!(!same_value(&Value::Float(-0.0), &Value::Double(-0.0)));
        let t = table(true);
        let d = diff_rows(
            &t,
            &[row("a", -0.0), row("b", 0.0)],
            &[row("a", 0.0), row("b", -0.0)],
        );
        assert_eq!(d.unwrap(), []);
        let t = table(false);
        let src = [row("x", -0.0), row("x", 0.0), row("y", -0.0)];
        let tgt = [row("x", 0.0), row("x", 0.0), row("y", 0.0), row("y", -0.0)];
        let d = diff_rows(&t, &src, &tgt).unwrap();
        assert_eq!(d.len(), 1);
        assert!(matches!(&d[0], Difference::Extra { row, count: 1 } if row[0] == Value::text("y")));
        assert_eq!(
            exact_row_bytes(&vec![Value::Double(-0.0)]),
            exact_row_bytes(&vec![Value::Double(0.0)])
        );
    }
}
