//! Row identity: which unique key pairs rows up, and the comparable form of its values.
//!
//! Rows of the two sides are paired by their [`CompareKey`]: bytes that are equal exactly when
//! the server considers the key values equal. Both sides are sorted by these bytes in Rust and
//! merge-joined, so the pairing never depends on two result sets arriving in the same order; only
//! equality has to be the server's.
//!
//! For collated key parts the bytes come from the server itself (the `mysql` feature selects
//! `WEIGHT_STRING(RTRIM(col))` for PAD SPACE collations and `WEIGHT_STRING(col)` otherwise and
//! passes them in with [`KeyPart::Weight`]). In Rust alone ([`CompareKey::from_row`]) a collated
//! value is accepted only where equality is known without the server: byte-exact collations
//! (`binary`, `*_nopad_bin`), `*_bin` with trailing spaces trimmed, and `*_ci` / `*_cs` values made
//! only of printable ASCII (ASCII case folded for `_ci`, trailing spaces trimmed under PAD SPACE).
//! Anything else is an [`Error::NeedsServerCollation`].

use chunker::{Column, ColumnType, Index, Table, Value};
use serde::{Deserialize, Serialize};

use crate::error::Error;

/// A table row: one value per column of the table model, in column order (generated columns
/// included).
pub type Row = Vec<Value>;

/// The key that identifies rows: a primary key, or a unique key whose parts are all NOT NULL, whole
/// columns (no prefix) and not FLOAT/DOUBLE or JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityKey {
    /// The index name (`PRIMARY` for the primary key).
    pub index: String,
    /// Positions of the key columns in the table's column list, in key order.
    pub columns: Vec<usize>,
}

impl IdentityKey {
    /// The key rows are paired by: the primary key if usable, else the first usable unique key;
    /// `None` when the table has none (its rows are then compared as a multiset).
    pub fn choose(table: &Table) -> Option<IdentityKey> {
        let usable = |index: &Index| -> Option<IdentityKey> {
            if !index.unique || index.columns.is_empty() {
                return None;
            }
            let mut columns = Vec::new();
            for part in &index.columns {
                if part.prefix_len.is_some() {
                    return None;
                }
                let pos = table
                    .columns
                    .iter()
                    .position(|c| c.name.eq_ignore_ascii_case(&part.name))?;
                let col = &table.columns[pos];
                if col.nullable
                    || col.column_type.is_approximate()
                    || !col.column_type.is_chunkable()
                {
                    return None;
                }
                columns.push(pos);
            }
            Some(IdentityKey {
                index: index.name.clone(),
                columns,
            })
        };
        let primary = table.indexes.iter().filter(|i| i.primary);
        let others = table.indexes.iter().filter(|i| !i.primary);
        primary.chain(others).find_map(usable)
    }

    /// The key's values of `row`, as `col=literal, ...` for messages.
    pub fn describe(&self, table: &Table, row: &Row) -> String {
        self.columns
            .iter()
            .filter_map(|&i| Some((table.columns.get(i)?, row.get(i)?)))
            .map(|(c, v)| {
                let lit = crate::literal::literal(c, v).unwrap_or_else(|_| format!("{v:?}"));
                format!("{}={lit}", c.name)
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// One part of a compare key as delivered to [`CompareKey::from_parts`].
#[derive(Clone, Debug, PartialEq)]
pub enum KeyPart {
    /// The value itself; for collated types only the cases listed in the module docs.
    Value(Value),
    /// The server's weight string for a collated value (`WEIGHT_STRING(...)`).
    Weight(Vec<u8>),
}

/// Bytes equal exactly when the server considers two keys equal (see the module docs).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CompareKey(Vec<u8>);

impl CompareKey {
    /// The compare key of `row`'s `key` columns, computed in Rust.
    pub fn from_row(table: &Table, key: &IdentityKey, row: &Row) -> Result<CompareKey, Error> {
        let mut out = Vec::new();
        for &i in &key.columns {
            let (col, value) = column_and_value(table, row, i)?;
            push_part(&mut out, &column_bytes(table, col, value)?);
        }
        Ok(CompareKey(out))
    }

    /// The compare key from parts the caller computed (server weights for collated parts).
    pub fn from_parts(
        table: &Table,
        key: &IdentityKey,
        parts: &[KeyPart],
    ) -> Result<CompareKey, Error> {
        if parts.len() != key.columns.len() {
            return Err(Error::Model {
                table: table.qualified_name(),
                reason: format!(
                    "{} key parts for {} key columns",
                    parts.len(),
                    key.columns.len()
                ),
            });
        }
        let mut out = Vec::new();
        for (part, &i) in parts.iter().zip(&key.columns) {
            let bytes = match part {
                KeyPart::Weight(w) => Some(w.clone()),
                KeyPart::Value(v) => {
                    let col = table.columns.get(i).ok_or_else(|| bad_position(table, i))?;
                    column_bytes(table, col, v)?
                }
            };
            push_part(&mut out, &bytes);
        }
        Ok(CompareKey(out))
    }
}

fn bad_position(table: &Table, i: usize) -> Error {
    Error::Model {
        table: table.qualified_name(),
        reason: format!("key column position {i} is past the last column"),
    }
}

fn column_and_value<'a>(
    table: &'a Table,
    row: &'a Row,
    i: usize,
) -> Result<(&'a Column, &'a Value), Error> {
    let col = table.columns.get(i).ok_or_else(|| bad_position(table, i))?;
    let value = row.get(i).ok_or_else(|| Error::RowShape {
        table: table.qualified_name(),
        expected: table.columns.len(),
        found: row.len(),
    })?;
    Ok((col, value))
}

/// Each part: a NULL marker, or 1 followed by the bytes with 0x00 escaped as 0x00 0xff and a
/// 0x00 0x00 terminator, so that concatenated parts never collide.
fn push_part(out: &mut Vec<u8>, bytes: &Option<Vec<u8>>) {
    match bytes {
        None => out.push(0),
        Some(b) => {
            out.push(1);
            for &x in b {
                out.push(x);
                if x == 0 {
                    out.push(0xff);
                }
            }
            out.extend_from_slice(&[0, 0]);
        }
    }
}

/// [`value_bytes`] of `value` in `table`'s column `col`; when the server is needed, an error
/// that names the table, column, collation and value.
fn column_bytes(table: &Table, col: &Column, value: &Value) -> Result<Option<Vec<u8>>, Error> {
    value_bytes(col, value).map_err(|()| Error::NeedsServerCollation {
        table: table.qualified_name(),
        column: col.name.clone(),
        collation: col
            .collation
            .as_ref()
            .map(|c| c.name().to_string())
            .unwrap_or_default(),
        value: format!("{value:?}"),
    })
}

/// Bytes equal exactly when the server's comparison says equal; `Err` when that is unknown
/// without the server. `None` for NULL.
fn value_bytes(col: &Column, value: &Value) -> Result<Option<Vec<u8>>, ()> {
    let b = match value {
        Value::Null => return Ok(None),
        Value::Int(i) => (i128::from(*i) ^ i128::MIN).to_be_bytes().to_vec(),
        Value::UInt(u) => (i128::from(*u) ^ i128::MIN).to_be_bytes().to_vec(),
        // -0 and +0 are one key, as in the server's unique indexes.
        Value::Float(f) => crate::diff::f32_bits(*f).to_be_bytes().to_vec(),
        Value::Double(d) => crate::diff::f64_bits(*d).to_be_bytes().to_vec(),
        Value::Date { year, month, day } => vec![1, (year >> 8) as u8, *year as u8, *month, *day],
        Value::DateTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
            micros,
        } => {
            let mut v = vec![2, (year >> 8) as u8, *year as u8, *month, *day, *hour];
            v.extend_from_slice(&[*minute, *second]);
            v.extend_from_slice(&micros.to_be_bytes());
            v
        }
        Value::Time {
            negative,
            hours,
            minutes,
            seconds,
            micros,
        } => {
            let zero = *hours == 0 && *minutes == 0 && *seconds == 0 && *micros == 0;
            let mut v = vec![u8::from(*negative && !zero)];
            v.extend_from_slice(&hours.to_be_bytes());
            v.extend_from_slice(&[*minutes, *seconds]);
            v.extend_from_slice(&micros.to_be_bytes());
            v
        }
        Value::Bytes(b) => return bytes_key(col, b).map(Some),
        _ => return Err(()),
    };
    Ok(Some(b))
}

fn bytes_key(col: &Column, b: &[u8]) -> Result<Vec<u8>, ()> {
    match &col.column_type {
        ColumnType::Decimal { .. } => Ok(canonical_decimal(b)),
        ColumnType::Bit { .. } => {
            let first = b.iter().position(|&x| x != 0).unwrap_or(b.len());
            Ok(b[first..].to_vec())
        }
        ColumnType::Text { .. } => collated_key(col, b),
        // ENUM and SET values come back as the declared spelling; JSON is not a key type.
        _ => Ok(b.to_vec()),
    }
}

fn collated_key(col: &Column, b: &[u8]) -> Result<Vec<u8>, ()> {
    let Some(coll) = &col.collation else {
        return Ok(b.to_vec());
    };
    let trim = |s: &[u8]| -> Vec<u8> {
        let end = s.iter().rposition(|&x| x != b' ').map_or(0, |p| p + 1);
        s[..end].to_vec()
    };
    let ascii_compatible = matches!(
        coll.charset().to_ascii_lowercase().as_str(),
        "utf8mb4" | "utf8mb3" | "utf8" | "latin1" | "ascii" | "binary"
    );
    if !ascii_compatible {
        return Err(());
    }
    let padded = |s: &[u8]| {
        if coll.pads_spaces() {
            trim(s)
        } else {
            s.to_vec()
        }
    };
    if coll.is_binary() {
        return Ok(padded(b));
    }
    let printable = b.iter().all(|&x| (0x20..=0x7e).contains(&x));
    let name = coll.name().to_ascii_lowercase();
    if printable && coll.is_case_insensitive() {
        Ok(padded(&b.to_ascii_uppercase()))
    } else if printable && name.ends_with("_cs") {
        Ok(padded(b))
    } else {
        Err(())
    }
}

/// `-007.50` and `-7.5` compare equal; `-0.00` equals `0`.
fn canonical_decimal(b: &[u8]) -> Vec<u8> {
    let (neg, body) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, b),
    };
    let (int, frac) = match body.iter().position(|&c| c == b'.') {
        Some(p) => (&body[..p], &body[p + 1..]),
        None => (body, &[][..]),
    };
    let int_start = int.iter().position(|&c| c != b'0').unwrap_or(int.len());
    let frac_end = frac.iter().rposition(|&c| c != b'0').map_or(0, |p| p + 1);
    let (int, frac) = (&int[int_start..], &frac[..frac_end]);
    let mut out = Vec::new();
    if neg && !(int.is_empty() && frac.is_empty()) {
        out.push(b'-');
    }
    out.extend_from_slice(int);
    out.push(b'.');
    out.extend_from_slice(frac);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chunker::{Collation, TextKind};

    fn table(collation: &str) -> Table {
        let text = ColumnType::Text {
            kind: TextKind::Var,
            max_len: 20,
        };
        Table::new("s", "t")
            .column(Column::new("k", text).collation(Collation::new(collation)))
            .index(Index::primary(["k"]))
    }

    fn key_of(t: &Table, s: &str) -> Result<CompareKey, Error> {
        let k = IdentityKey::choose(t).unwrap();
        CompareKey::from_row(t, &k, &vec![Value::text(s)])
    }

    #[test]
    fn collations_pair_as_the_server_does() {
        let ci = table("utf8mb4_general_ci");
        assert_eq!(key_of(&ci, "a").unwrap(), key_of(&ci, "A ").unwrap());
        assert_ne!(key_of(&ci, "a").unwrap(), key_of(&ci, "b").unwrap());
        assert!(matches!(
            key_of(&ci, "é"),
            Err(Error::NeedsServerCollation { .. })
        ));
        let bin = table("utf8mb4_bin");
        assert_eq!(key_of(&bin, "a").unwrap(), key_of(&bin, "a  ").unwrap());
        assert_ne!(key_of(&bin, "a").unwrap(), key_of(&bin, "A").unwrap());
        assert_eq!(key_of(&bin, "é").unwrap(), key_of(&bin, "é ").unwrap());
        let nopad = table("utf8mb4_nopad_bin");
        assert_ne!(key_of(&nopad, "a").unwrap(), key_of(&nopad, "a ").unwrap());
        let ucs = table("ucs2_general_ci");
        assert!(key_of(&ucs, "a").is_err());
    }

    #[test]
    fn key_choice_skips_nullable_float_and_prefix_keys() {
        let t = Table::new("s", "t")
            .column(Column::new("f", ColumnType::Float { scale: None }))
            .column(Column::new("n", ColumnType::Year).nullable())
            .column(Column::new("y", ColumnType::Year))
            .index(Index::primary(["f"]))
            .index(Index::unique("un", ["n"]))
            .index(Index::unique("uy", ["y"]));
        assert_eq!(IdentityKey::choose(&t).unwrap().index, "uy");
        assert_eq!(canonical_decimal(b"-007.50"), canonical_decimal(b"-7.5"));
        assert_eq!(canonical_decimal(b"-0.00"), canonical_decimal(b"0"));
    }

    #[test]
    fn negative_zero_is_the_key_of_zero() {
        let d = Column::new("d", ColumnType::Double { scale: None });
        let f = Column::new("f", ColumnType::Float { scale: Some(2) });
        let bytes = |c: &Column, v| value_bytes(c, &v).unwrap();
        assert_eq!(
            bytes(&d, Value::Double(-0.0)),
            bytes(&d, Value::Double(0.0))
        );
        assert_eq!(bytes(&f, Value::Float(-0.0)), bytes(&f, Value::Float(0.0)));
        assert_ne!(
            bytes(&d, Value::Double(-0.0)),
            bytes(&d, Value::Double(-1e-300))
        );
    }
}
