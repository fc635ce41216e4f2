//! Key ranges on the server: their predicates, their checksums and the key at an offset.
//!
//! Why not `chunker::Walker` for the key: the drill-down needs the key at an arbitrary offset
//! inside an arbitrary range, on either server (the middle of the larger side of a differing
//! range), not only the next boundary of one forward walk; the key is unique and NOT NULL by
//! construction ([`IdentityKey`]), so the walker's handling of runs of equal keys and NULLs
//! is not needed; and predicates carry their key values as literals (not `?` binds) because
//! [`super::TableDiff::differing_ranges`] keeps them as text for [`super::recheck`].

use chunker::sql::{force_index, ident_list, qualified, quote_ident};
use chunker::{Table, Value};
use mysql::prelude::Queryable;
use mysql::Conn;

use super::{from_mysql, server};
use crate::error::Error;
use crate::key::IdentityKey;
use crate::literal::literal_in;

/// How ranges are checksummed during the drill-down (each server hashes its own rows). Both are
/// `checksum` crate algorithms whose chunk checksum is a sum modulo 2^64, which the bisection
/// needs (the upper half's checksum is the parent's minus the lower half's).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum RangeHash {
    /// [`checksum::Algorithm::Strong`]: the sum of 64-bit MD5 row hashes over an unambiguous
    /// row text. The default.
    #[default]
    Strong,
    /// [`checksum::Algorithm::Fast`]: the same unambiguous row text (NULL, `''` and `'NULL'`
    /// differ; no `#` or quote inside a value can move a column boundary; FLOAT and DOUBLE
    /// exact) under CRC32, summed: cheaper on the server, weaker (a 32-bit row hash, and CRC's
    /// linearity lets specific crafted changes go unseen; see the `checksum` crate docs).
    Fast,
}

impl RangeHash {
    /// The `checksum` algorithm this range hash is.
    pub fn algorithm(self) -> checksum::Algorithm {
        match self {
            RangeHash::Strong => checksum::Algorithm::Strong,
            RangeHash::Fast => checksum::Algorithm::Fast,
        }
    }
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
            ands.push(format!("{} {op} {lit}", quote_ident(&col.name)));
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

/// The `SELECT` that checksums the rows matching `pred`: `checksum`'s chunk statement
/// (`cnt`, then `crc` as 16 hex digits).
fn checksum_sql(
    table: &Table,
    key: Option<&IdentityKey>,
    pred: Option<&str>,
    hashing: Hashing,
) -> String {
    let plan = checksum::RowPlan::new(table, hashing.hash.algorithm(), hashing.dialect);
    plan.chunk_sql(&checksum::Scope {
        index: key.map(|k| k.index.as_str()),
        predicate: pred,
    })
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
    let hash = u64::from_str_radix(text, 16).map_err(|_| Error::Server {
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
    let cols = ident_list(key.columns.iter().map(|&i| table.columns[i].name.as_str()));
    let mut sql = format!(
        "SELECT /*sync-plan key*/ {cols} FROM {} {}",
        qualified(table),
        force_index(&key.index)
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
