//! Keyset predicates: a key tuple compared with a bound tuple, as SQL with `?` placeholders.
//!
//! For key columns `(k1, ..., kn)` and bound values `(v1, ..., vn)`, `key >= bound` is the
//! lexicographic expansion (an OR of ANDs, which every MySQL and MariaDB version plans as a
//! range on the index, unlike the row constructor `(k1, k2) >= (?, ?)` on old versions):
//!
//! ```text
//! ((k1 > ?) OR (k1 = ? AND k2 > ?) OR ... OR (k1 = ? AND ... AND kn >= ?))
//! ```
//!
//! with one bound value per `?`, in order. `>`, `<=` and `<` differ only in the comparison of
//! the last branch and the direction.
//!
//! ## NULL in keys
//!
//! MySQL and MariaDB sort NULL before every value in ascending order, and `ORDER BY` on the
//! walked index follows that. The expansion keeps that order by treating NULL as the smallest
//! value, decided here in Rust from the bound value (so the SQL text depends on which bound
//! values are NULL, never on their content):
//!
//! | part | bound value NULL | bound value `v`, nullable column | `NOT NULL` column |
//! |---|---|---|---|
//! | `k = v` | `k IS NULL` | `k = ?` | `k = ?` |
//! | `k > v` | `k IS NOT NULL` | `k > ?` | `k > ?` |
//! | `k >= v` | true | `k >= ?` | `k >= ?` |
//! | `k < v` | false | `(k IS NULL OR k < ?)` | `k < ?` |
//! | `k <= v` | `k IS NULL` | `(k IS NULL OR k <= ?)` | `k <= ?` |
//!
//! Branches that are always false are dropped and always-true parts are left out; a predicate
//! that is always true is `TRUE`, one that is never true `FALSE`.
//!
//! A bound tuple shorter than the key compares the key's leading parts only (a prefix bound);
//! extra bound values are ignored.
//!
//! ## `FLOAT(M,D)` and `DOUBLE(M,D)` parts
//!
//! Before an index range scan, MariaDB rounds a bound to the column's `D` decimals and clamps
//! it to its declared range, so a column holding values with more decimals (left by an
//! in-place `ALTER`, or by row-based replication from a plain `FLOAT`) would lose rows near a
//! bound. A part of such a column compared with a float or double is written as a range
//! widened past that rounding, bound with a decimal text, and the exact comparison on
//! `(k + 0e0)`, which the range optimizer cannot round:
//!
//! | part | SQL (binds) |
//! |---|---|
//! | `k > v`, `k >= v` | `k >= CAST(? AS DECIMAL(65,D)) AND (k + 0e0) > ?` (`v` widened down, `v`) |
//! | `k < v`, `k <= v` | `k <= CAST(? AS DECIMAL(65,D)) AND (k + 0e0) < ?` (`v` widened up, `v`) |
//! | `k = v` | `k >= CAST(...) AND k <= CAST(...) AND (k + 0e0) = ?` |
//!
//! (nullable columns add `k IS NULL OR (...)` to `<` and `<=` as above). `v` is widened by a
//! little more than two units of `10^-D`, so that the server's rounding cannot cross it. The
//! bound is a DECIMAL, not a double, because the server gives up a range side whose DECIMAL
//! bound the column cannot hold (rows beyond the declared range are then scanned for), where
//! it would bound the range at the clamped double. A range side whose bound would be beyond
//! ±1e34 (past what DECIMAL(65,D) holds) is left out, so the SQL text also depends on that.
//! Plain `FLOAT` and `DOUBLE` parts, whose bounds the server does not round, and every other
//! type keep the plain comparison.
//!
//! ## Negative bounds on `UNSIGNED` `FLOAT`, `DOUBLE` and `DECIMAL` parts
//!
//! Such a column can hold negative values (row-based replication from a signed column copies
//! them in), but before an index range scan the server clamps a negative constant to 0, so
//! `k >= -1.5` over the index misses a stored -1.5 and `k = -1.5` finds nothing. A part of a
//! column marked [`unsigned`](crate::KeyColumn#structfield.unsigned) compared with a negative
//! bound `v` has no range below and the range `k <= 0` above, then the exact comparison:
//!
//! | part | SQL (binds) |
//! |---|---|
//! | `k > v`, `k >= v` | `(k + 0e0) > ?` (`v`) |
//! | `k < v`, `k <= v` | `k <= CAST(? AS DECIMAL(65,0)) AND (k + 0e0) < ?` (`0`, `v`) |
//! | `k = v` | `k <= CAST(? AS DECIMAL(65,0)) AND (k + 0e0) = ?` (`0`, `v`) |
//!
//! A `DECIMAL(p,s)` part is read as `(k + 0)` and compared with `CAST(? AS DECIMAL(p,s))`, its
//! 0 bound has `s` decimals; a `FLOAT(M,D)`/`DOUBLE(M,D)` part keeps the widened range above
//! where its bound is not negative. Rows with negative keys come first in the index, so a
//! range without a lower end reads them all: such chunks cost a scan of the negative keys.
//! Bounds of 0 and above, and columns not marked `unsigned`, keep the comparisons above. See
//! [`exact_range`].

use crate::key::KeyColumn;
use crate::sql::quote_ident;
use crate::value::Value;

mod fixed;
mod unsigned;

pub use fixed::{rounded_range, RoundedRange};
pub use unsigned::{exact_range, negative_in_unsigned};

/// A comparison of the key with a bound tuple.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// key `>` bound
    Gt,
    /// key `>=` bound
    Ge,
    /// key `<` bound
    Lt,
    /// key `<=` bound
    Le,
}

impl Op {
    fn strict(self) -> Op {
        match self {
            Op::Gt | Op::Ge => Op::Gt,
            Op::Lt | Op::Le => Op::Lt,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Lt => "<",
            Op::Le => "<=",
        }
    }
}

/// A predicate under construction: known true, known false, or SQL with its binds.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Term {
    True,
    False,
    Sql(String, Vec<Value>),
}

impl Term {
    /// The SQL text and binds (`TRUE` / `FALSE` for the constant cases).
    pub(crate) fn into_sql(self) -> (String, Vec<Value>) {
        match self {
            Term::True => ("TRUE".to_string(), Vec::new()),
            Term::False => ("FALSE".to_string(), Vec::new()),
            Term::Sql(sql, binds) => (sql, binds),
        }
    }

    /// The conjunction of `terms`.
    pub(crate) fn and(terms: Vec<Term>) -> Term {
        let mut parts = Vec::new();
        let mut binds = Vec::new();
        for term in terms {
            match term {
                Term::True => {}
                Term::False => return Term::False,
                Term::Sql(sql, b) => {
                    parts.push(sql);
                    binds.extend(b);
                }
            }
        }
        if parts.is_empty() {
            Term::True
        } else {
            Term::Sql(parts.join(" AND "), binds)
        }
    }

    /// The disjunction of `terms`, each parenthesized, the whole parenthesized.
    fn or(terms: Vec<Term>) -> Term {
        let mut parts = Vec::new();
        let mut binds = Vec::new();
        for term in terms {
            match term {
                Term::True => return Term::True,
                Term::False => {}
                Term::Sql(sql, b) => {
                    parts.push(format!("({sql})"));
                    binds.extend(b);
                }
            }
        }
        if parts.is_empty() {
            Term::False
        } else {
            Term::Sql(format!("({})", parts.join(" OR ")), binds)
        }
    }
}

/// `name <symbol> value` over a part whose index range the server would round or clamp (see
/// [`exact_range`]), as conditions to join with `AND`: `range` on `sides` (each side it
/// bounds), then the exact filter `range.exact(name) <symbol> ?`.
fn exact_compare(
    column: &KeyColumn,
    range: &RoundedRange,
    sides: &[fixed::Side],
    symbol: &str,
    value: &Value,
) -> (Vec<String>, Vec<Value>) {
    let name = quote_ident(&column.name);
    let mut parts = Vec::new();
    let mut binds = Vec::new();
    for side in sides {
        if let Some(bound) = range.side(*side) {
            parts.push(fixed::condition(&name, range.scale, *side, "?"));
            binds.push(Value::text(bound));
        }
    }
    parts.push(format!(
        "{} {symbol} {}",
        range.exact(&name),
        column.placeholder()
    ));
    binds.push(value.clone());
    (parts, binds)
}

fn equal(column: &KeyColumn, value: &Value) -> Term {
    let name = quote_ident(&column.name);
    if value.is_null() {
        Term::Sql(format!("{name} IS NULL"), Vec::new())
    } else if let Some(range) = exact_range(column, value) {
        let sides = [fixed::Side::Below, fixed::Side::Above];
        let (parts, binds) = exact_compare(column, &range, &sides, "=", value);
        Term::Sql(parts.join(" AND "), binds)
    } else {
        Term::Sql(
            format!("{name} = {}", column.placeholder()),
            vec![value.clone()],
        )
    }
}

fn single(column: &KeyColumn, op: Op, value: &Value) -> Term {
    let name = quote_ident(&column.name);
    if value.is_null() {
        return match op {
            Op::Gt => Term::Sql(format!("{name} IS NOT NULL"), Vec::new()),
            Op::Ge => Term::True,
            Op::Lt => Term::False,
            Op::Le => Term::Sql(format!("{name} IS NULL"), Vec::new()),
        };
    }
    let upper = matches!(op, Op::Lt | Op::Le);
    let (cmp, binds) = match exact_range(column, value) {
        Some(range) => {
            let side = if upper {
                fixed::Side::Above
            } else {
                fixed::Side::Below
            };
            let (parts, binds) = exact_compare(column, &range, &[side], op.symbol(), value);
            let sql = parts.join(" AND ");
            if column.nullable && upper && parts.len() > 1 {
                (format!("({sql})"), binds)
            } else {
                (sql, binds)
            }
        }
        None => (
            format!("{name} {} {}", op.symbol(), column.placeholder()),
            vec![value.clone()],
        ),
    };
    let sql = if column.nullable && upper {
        format!("({name} IS NULL OR {cmp})")
    } else {
        cmp
    };
    Term::Sql(sql, binds)
}

/// The predicate `key OP bound` as a [`Term`].
pub(crate) fn compare_term(columns: &[KeyColumn], op: Op, bound: &[Value]) -> Term {
    let n = columns.len().min(bound.len());
    if n == 0 {
        // The empty prefix: every key equals it.
        return match op {
            Op::Ge | Op::Le => Term::True,
            Op::Gt | Op::Lt => Term::False,
        };
    }
    let mut branches = Vec::with_capacity(n);
    for i in 0..n {
        let mut parts: Vec<Term> = (0..i).map(|j| equal(&columns[j], &bound[j])).collect();
        let last_op = if i + 1 == n { op } else { op.strict() };
        parts.push(single(&columns[i], last_op, &bound[i]));
        branches.push(Term::and(parts));
    }
    Term::or(branches)
}

/// The predicate `key OP bound` as SQL text with its binds in placeholder order.
///
/// ```
/// use chunker::{predicate::{compare, Op}, ColumnType, KeyColumn, Value};
/// let col = |name: &str| KeyColumn {
///     name: name.into(),
///     column_type: ColumnType::Integer { bytes: 4, unsigned: false },
///     nullable: false,
///     collation: None,
///     unsigned: false,
/// };
/// let (sql, binds) = compare(&[col("a"), col("b")], Op::Ge, &[Value::Int(1), Value::Int(2)]);
/// assert_eq!(sql, "((`a` > ?) OR (`a` = ? AND `b` >= ?))");
/// assert_eq!(binds, [Value::Int(1), Value::Int(1), Value::Int(2)]);
/// ```
pub fn compare(columns: &[KeyColumn], op: Op, bound: &[Value]) -> (String, Vec<Value>) {
    compare_term(columns, op, bound).into_sql()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ColumnType;

    fn col(name: &str, nullable: bool) -> KeyColumn {
        KeyColumn {
            name: name.into(),
            column_type: ColumnType::Integer {
                bytes: 4,
                unsigned: false,
            },
            nullable,
            collation: None,
            unsigned: false,
        }
    }

    fn ints(v: &[i64]) -> Vec<Value> {
        v.iter().copied().map(Value::Int).collect()
    }

    #[test]
    fn composite_expansions_match_the_documented_shape() {
        let key = [col("a", false), col("b", false)];
        let b = ints(&[1, 2]);
        let cases = [
            (Op::Ge, "((`a` > ?) OR (`a` = ? AND `b` >= ?))"),
            (Op::Gt, "((`a` > ?) OR (`a` = ? AND `b` > ?))"),
            (Op::Le, "((`a` < ?) OR (`a` = ? AND `b` <= ?))"),
            (Op::Lt, "((`a` < ?) OR (`a` = ? AND `b` < ?))"),
        ];
        for (op, sql) in cases {
            let (got, binds) = compare(&key, op, &b);
            assert_eq!(got, sql, "{op:?}");
            assert_eq!(binds, ints(&[1, 1, 2]));
        }
        let key3 = [col("a", false), col("b", false), col("c", false)];
        let (sql, binds) = compare(&key3, Op::Ge, &ints(&[1, 2, 3]));
        assert_eq!(
            sql,
            "((`a` > ?) OR (`a` = ? AND `b` > ?) OR (`a` = ? AND `b` = ? AND `c` >= ?))"
        );
        assert_eq!(binds, ints(&[1, 1, 2, 1, 2, 3]));
    }

    #[test]
    fn nullable_parts_and_null_bounds() {
        let key = [col("a", true), col("b", true)];
        let (sql, binds) = compare(&key, Op::Lt, &ints(&[1, 2]));
        assert_eq!(
            sql,
            "(((`a` IS NULL OR `a` < ?)) OR (`a` = ? AND (`b` IS NULL OR `b` < ?)))"
        );
        assert_eq!(binds, ints(&[1, 1, 2]));

        let nb = [Value::Null, Value::Int(2)];
        let (sql, binds) = compare(&key, Op::Ge, &nb);
        assert_eq!(sql, "((`a` IS NOT NULL) OR (`a` IS NULL AND `b` >= ?))");
        assert_eq!(binds, ints(&[2]));
        let (sql, _) = compare(&key, Op::Lt, &nb);
        assert_eq!(sql, "((`a` IS NULL AND (`b` IS NULL OR `b` < ?)))");
        let all_null = [Value::Null, Value::Null];
        // Always true, though not folded to TRUE.
        assert_eq!(
            compare(&key, Op::Ge, &all_null).0,
            "((`a` IS NOT NULL) OR (`a` IS NULL))"
        );
        assert_eq!(compare(&key[..1], Op::Ge, &all_null).0, "TRUE");
        assert_eq!(compare(&key[..1], Op::Lt, &all_null).0, "FALSE");
        assert_eq!(
            compare(&key, Op::Le, &all_null).0,
            "((`a` IS NULL AND `b` IS NULL))"
        );
    }

    #[test]
    fn fixed_decimal_float_parts_get_a_widened_range_and_an_exact_filter() {
        let real = |name: &str, column_type, nullable| KeyColumn {
            column_type,
            ..col(name, nullable)
        };
        let f = real("f", ColumnType::Float { scale: Some(2) }, false);
        let (sql, binds) = compare(std::slice::from_ref(&f), Op::Ge, &[Value::Float(0.135)]);
        assert_eq!(
            sql,
            "((`f` >= CAST(? AS DECIMAL(65,2)) AND (`f` + 0e0) >= ?))"
        );
        assert_eq!(binds, [Value::text("0.12"), Value::Float(0.135)]);
        let (sql, binds) = compare(std::slice::from_ref(&f), Op::Lt, &[Value::Float(0.135)]);
        assert_eq!(
            sql,
            "((`f` <= CAST(? AS DECIMAL(65,2)) AND (`f` + 0e0) < ?))"
        );
        assert_eq!(binds, [Value::text("0.16"), Value::Float(0.135)]);

        // A nullable DOUBLE(10,3) before an INT: the equality of the second branch is bounded
        // on both sides; NULL keeps its own branch.
        let key = [
            real("d", ColumnType::Double { scale: Some(3) }, true),
            col("b", false),
        ];
        let bound = [Value::Double(0.0625), Value::Int(2)];
        let (sql, binds) = compare(&key, Op::Lt, &bound);
        assert_eq!(
            sql,
            "(((`d` IS NULL OR (`d` <= CAST(? AS DECIMAL(65,3)) AND (`d` + 0e0) < ?))) OR \
             (`d` >= CAST(? AS DECIMAL(65,3)) AND `d` <= CAST(? AS DECIMAL(65,3)) AND \
             (`d` + 0e0) = ? AND `b` < ?))"
        );
        let v = Value::Double(0.0625);
        assert_eq!(
            binds,
            [
                Value::text("0.065"),
                v.clone(),
                Value::text("0.060"),
                Value::text("0.065"),
                v,
                Value::Int(2)
            ]
        );
        let (sql, binds) = compare(&key, Op::Ge, &[Value::Null, Value::Int(2)]);
        assert_eq!(sql, "((`d` IS NOT NULL) OR (`d` IS NULL AND `b` >= ?))");
        assert_eq!(binds, [Value::Int(2)]);

        // Beyond 1e34: the outward side at 1e34, the other side open.
        let (sql, binds) = compare(std::slice::from_ref(&f), Op::Gt, &[Value::Float(1e36)]);
        assert_eq!(
            sql,
            "((`f` >= CAST(? AS DECIMAL(65,2)) AND (`f` + 0e0) > ?))"
        );
        assert_eq!(binds[0], Value::text("10000000000000000000000000000000000"));
        let (sql, _) = compare(std::slice::from_ref(&f), Op::Le, &[Value::Float(1e36)]);
        assert_eq!(sql, "(((`f` + 0e0) <= ?))");
        let nf = real("f", ColumnType::Float { scale: Some(2) }, true);
        let (sql, _) = compare(&[nf], Op::Le, &[Value::Float(1e36)]);
        assert_eq!(sql, "(((`f` IS NULL OR (`f` + 0e0) <= ?)))");

        // Plain FLOAT and DOUBLE, and values that are not floats, keep the plain comparison.
        for column_type in [
            ColumnType::Float { scale: None },
            ColumnType::Double { scale: None },
        ] {
            let plain = real("p", column_type, false);
            let (sql, binds) = compare(&[plain], Op::Ge, &[Value::Float(0.135)]);
            assert_eq!(sql, "((`p` >= ?))");
            assert_eq!(binds, [Value::Float(0.135)]);
        }
        let (sql, _) = compare(std::slice::from_ref(&f), Op::Ge, &[Value::text("0.135")]);
        assert_eq!(sql, "((`f` >= ?))");
    }

    #[test]
    fn negative_bounds_on_unsigned_real_parts_have_no_range_the_server_clamps() {
        let unsigned = |name: &str, column_type, nullable| KeyColumn {
            column_type,
            unsigned: true,
            ..col(name, nullable)
        };
        let f = unsigned("f", ColumnType::Float { scale: None }, false);
        let one = std::slice::from_ref(&f);
        let v = Value::Float(-1.5);
        let (sql, binds) = compare(one, Op::Ge, std::slice::from_ref(&v));
        assert_eq!(sql, "(((`f` + 0e0) >= ?))");
        assert_eq!(binds, std::slice::from_ref(&v));
        let (sql, binds) = compare(one, Op::Lt, std::slice::from_ref(&v));
        assert_eq!(
            sql,
            "((`f` <= CAST(? AS DECIMAL(65,0)) AND (`f` + 0e0) < ?))"
        );
        assert_eq!(binds, [Value::text("0"), v.clone()]);
        // 0 and above: the plain comparison.
        assert_eq!(compare(one, Op::Ge, &[Value::Float(0.0)]).0, "((`f` >= ?))");
        assert_eq!(compare(one, Op::Lt, &[Value::Float(2.5)]).0, "((`f` < ?))");

        // A nullable DOUBLE UNSIGNED before an INT: the equality is bounded above at 0.
        let key = [
            unsigned("d", ColumnType::Double { scale: None }, true),
            col("b", false),
        ];
        let d = Value::Double(-0.25);
        let (sql, binds) = compare(&key, Op::Lt, &[d.clone(), Value::Int(2)]);
        assert_eq!(
            sql,
            "(((`d` IS NULL OR (`d` <= CAST(? AS DECIMAL(65,0)) AND (`d` + 0e0) < ?))) OR \
             (`d` <= CAST(? AS DECIMAL(65,0)) AND (`d` + 0e0) = ? AND `b` < ?))"
        );
        let zero = Value::text("0");
        assert_eq!(binds, [zero.clone(), d.clone(), zero, d, Value::Int(2)]);

        // DECIMAL UNSIGNED: compared as the DECIMAL (k + 0).
        let e = unsigned(
            "e",
            ColumnType::Decimal {
                precision: 10,
                scale: 2,
            },
            false,
        );
        let (sql, binds) = compare(std::slice::from_ref(&e), Op::Gt, &[Value::text("-1.50")]);
        assert_eq!(sql, "(((`e` + 0) > CAST(? AS DECIMAL(10,2))))");
        assert_eq!(binds, [Value::text("-1.50")]);
        let (sql, _) = compare(std::slice::from_ref(&e), Op::Le, &[Value::text("-1.50")]);
        assert_eq!(
            sql,
            "((`e` <= CAST(? AS DECIMAL(65,2)) AND (`e` + 0) <= CAST(? AS DECIMAL(10,2))))"
        );
        let (sql, _) = compare(&[e], Op::Gt, &[Value::text("1.50")]);
        assert_eq!(sql, "((`e` > CAST(? AS DECIMAL(10,2))))");

        // FLOAT(7,2) UNSIGNED: a widened bound that is negative is left out below, 0 above.
        let m = unsigned("m", ColumnType::Float { scale: Some(2) }, false);
        let (sql, binds) = compare(std::slice::from_ref(&m), Op::Ge, &[Value::Float(-1.5)]);
        assert_eq!(sql, "(((`m` + 0e0) >= ?))");
        assert_eq!(binds, [Value::Float(-1.5)]);
        let (_, binds) = compare(std::slice::from_ref(&m), Op::Le, &[Value::Float(-1.5)]);
        assert_eq!(binds, [Value::text("0.00"), Value::Float(-1.5)]);
        // Signed, the same bounds keep their widened ranges.
        let signed = KeyColumn {
            unsigned: false,
            ..m
        };
        let (sql, _) = compare(&[signed], Op::Ge, &[Value::Float(-1.5)]);
        assert_eq!(
            sql,
            "((`m` >= CAST(? AS DECIMAL(65,2)) AND (`m` + 0e0) >= ?))"
        );
    }

    #[test]
    fn prefix_bounds_and_decimal_placeholders() {
        let key = [col("a", false), col("b", false)];
        assert_eq!(compare(&key, Op::Ge, &ints(&[7])).0, "((`a` >= ?))");
        assert_eq!(compare(&key, Op::Ge, &[]).0, "TRUE");
        assert_eq!(compare(&key, Op::Gt, &[]).0, "FALSE");
        let dec = KeyColumn {
            column_type: ColumnType::Decimal {
                precision: 20,
                scale: 2,
            },
            ..col("d", false)
        };
        let (sql, binds) = compare(&[dec], Op::Gt, &[Value::text("1.50")]);
        assert_eq!(sql, "((`d` > CAST(? AS DECIMAL(20,2))))");
        assert_eq!(binds, [Value::text("1.50")]);
    }
}
