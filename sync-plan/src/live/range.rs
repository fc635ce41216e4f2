//! Key ranges on the server: their predicates, their checksums and the key at an offset.

use chunker::{ColumnType, Table, Value};
use mysql::prelude::Queryable;
use mysql::Conn;

use super::{from_mysql, server};
use crate::error::Error;
use crate::key::IdentityKey;
use crate::literal::literal_in;
use crate::sql::ident;

/// How ranges are checksummed during the drill-down (each server hashes its own rows).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum RangeHash {
    /// `checksum`'s strong chunk checksum: the sum of 64-bit MD5 row hashes over an unambiguous
    /// serialization. The default.
    #[default]
    Strong,
    /// A local, cheaper hash (about half the server time of `Strong` on MariaDB 10.11): the sum
    /// of `CRC32(CONCAT_WS('#', cols..., ISNULL bitmap))` with FLOAT widened to DOUBLE (whose
    /// text is exact), so no FLOAT change is missed as with pt's checksum. Weaker: a 32-bit row
    /// hash, and `'#'` inside values can make two different rows serialize alike.
    Crc32Sum,
}

/// The range hash and the server dialect its SQL is written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Hashing {
    pub(crate) hash: RangeHash,
    pub(crate) dialect: checksum::Dialect,
}

/// A key range: `lower` inclusive, `upper` exclusive, each a full key tuple or unbounded.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Range {
    pub(crate) lower: Option<Vec<Value>>,
    pub(crate) upper: Option<Vec<Value>>,
}

/// `COUNT(*)` and the hash aggregate of a range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Sum {
    pub(crate) rows: u64,
    pub(crate) hash: u64,
}

impl Sum {
    /// The checksum of the rows of `self` not in `part` (`part` a sub-range of `self`): both
    /// hashes are sums modulo 2^64.
    pub(crate) fn minus(self, part: Sum) -> Sum {
        Sum {
            rows: self.rows.saturating_sub(part.rows),
            hash: self.hash.wrapping_sub(part.hash),
        }
    }
}

/// The range bound as OR-of-ANDs over the key columns (usable by the range optimizer), literals
/// inline: `lower` gives `key >= values`, `upper` gives `key < values`.
fn bound(table: &Table, key: &IdentityKey, values: &[Value], upper: bool) -> Result<String, Error> {
    let mut ors = Vec::new();
    for last in 0..key.columns.len() {
        let mut ands = Vec::new();
        for (n, (&i, v)) in key.columns.iter().zip(values).enumerate().take(last + 1) {
            let col = &table.columns[i];
            let lit = literal_in(&table.qualified_name(), col, v)?;
            let op = match (n == last, upper, last + 1 == key.columns.len()) {
                (false, _, _) => "=",
                (true, false, true) => ">=",
                (true, false, false) => ">",
                (true, true, _) => "<",
            };
            ands.push(format!("{} {op} {lit}", ident(&col.name)));
        }
        ors.push(format!("({})", ands.join(" AND ")));
    }
    Ok(format!("({})", ors.join(" OR ")))
}

pub(crate) fn predicate(
    table: &Table,
    key: &IdentityKey,
    range: &Range,
) -> Result<Option<String>, Error> {
    let mut parts = Vec::new();
    if let Some(l) = &range.lower {
        parts.push(bound(table, key, l, false)?);
    }
    if let Some(u) = &range.upper {
        parts.push(bound(table, key, u, true)?);
    }
    Ok((!parts.is_empty()).then(|| parts.join(" AND ")))
}

/// The `SELECT` that checksums the rows matching `pred` (rows, hash text).
fn checksum_sql(
    table: &Table,
    key: Option<&IdentityKey>,
    pred: Option<&str>,
    hashing: Hashing,
) -> String {
    let index = key.map(|k| k.index.as_str());
    match hashing.hash {
        RangeHash::Strong => {
            let plan = checksum::RowPlan::new(table, checksum::Algorithm::Strong, hashing.dialect);
            plan.chunk_sql(&checksum::Scope {
                index,
                predicate: pred,
            })
        }
        RangeHash::Crc32Sum => {
            let mut parts: Vec<String> = table
                .columns
                .iter()
                .map(|c| match c.column_type {
                    ColumnType::Float => format!("CAST({} AS DOUBLE)", ident(&c.name)),
                    _ => ident(&c.name),
                })
                .collect();
            let nulls: Vec<String> = table
                .columns
                .iter()
                .filter(|c| c.nullable)
                .map(|c| format!("ISNULL({})", ident(&c.name)))
                .collect();
            if !nulls.is_empty() {
                parts.push(format!("CONCAT({})", nulls.join(", ")));
            }
            let mut sql = format!(
                "SELECT /*sync-plan range*/ COUNT(*), COALESCE(SUM(CRC32(CONCAT_WS('#', {}))), 0) \
                 FROM {}.{}",
                parts.join(", "),
                ident(&table.schema),
                ident(&table.name)
            );
            if let Some(i) = index {
                sql.push_str(&format!(" FORCE INDEX ({})", ident(i)));
            }
            if let Some(p) = pred {
                sql.push_str(&format!(" WHERE {p}"));
            }
            sql
        }
    }
}

/// Checks one range on one server.
pub(crate) fn checksum_range(
    conn: &mut Conn,
    side: &'static str,
    table: &Table,
    key: Option<&IdentityKey>,
    pred: Option<&str>,
    hashing: Hashing,
) -> Result<Sum, Error> {
    let sql = checksum_sql(table, key, pred, hashing);
    let row: Option<(u64, String)> = conn.query_first(sql).map_err(server(table, side))?;
    let (rows, text) = row.unwrap_or((0, String::new()));
    let text = text.trim();
    let parsed = match hashing.hash {
        RangeHash::Strong => u64::from_str_radix(text, 16).ok(),
        // A DECIMAL sum: reduce modulo 2^64.
        RangeHash::Crc32Sum => text.parse::<u128>().ok().map(|v| v as u64),
    };
    let hash = parsed.ok_or_else(|| Error::Server {
        table: table.qualified_name(),
        side,
        message: format!("unreadable checksum {text:?}"),
    })?;
    Ok(Sum { rows, hash })
}

/// The key at `offset` rows into `range` (in key order), if the range has that many rows.
pub(crate) fn key_at(
    conn: &mut Conn,
    side: &'static str,
    table: &Table,
    key: &IdentityKey,
    range: &Range,
    offset: u64,
) -> Result<Option<Vec<Value>>, Error> {
    let cols: Vec<String> = key
        .columns
        .iter()
        .map(|&i| ident(&table.columns[i].name))
        .collect();
    let cols = cols.join(", ");
    let mut sql = format!(
        "SELECT /*sync-plan key*/ {cols} FROM {}.{} FORCE INDEX ({})",
        ident(&table.schema),
        ident(&table.name),
        ident(&key.index)
    );
    if let Some(p) = predicate(table, key, range)? {
        sql.push_str(&format!(" WHERE {p}"));
    }
    sql.push_str(&format!(" ORDER BY {cols} LIMIT 1 OFFSET {offset}"));
    // Text protocol: one round trip; key values are never FLOAT/DOUBLE, so text is exact.
    let row: Option<mysql::Row> = conn.query_first(sql).map_err(server(table, side))?;
    row.map(|r| {
        key.columns
            .iter()
            .zip(r.unwrap())
            .map(|(&i, v)| from_mysql(table, &table.columns[i], v))
            .collect()
    })
    .transpose()
}
