//! The drill-down: chunk checksums on both servers, bisection of differing chunks, row fetch of
//! small differing ranges (see the parent module's docs).

use chunker::{ColumnType, Table, Value};
use mysql::prelude::Queryable;
use mysql::Conn;

use super::{fetch, from_mysql, server};
use crate::diff::{diff_keyed, diff_multiset, Difference};
use crate::error::Error;
use crate::key::{CompareKey, IdentityKey, Row};
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

/// Tuning of [`diff_table`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DrillOptions {
    /// Rows per first-level chunk (cut on the source's key).
    pub chunk_rows: u64,
    /// A differing range with at most this many rows on each side is fetched row by row.
    pub leaf_rows: u64,
    /// How ranges are checksummed.
    pub hash: RangeHash,
}

impl Default for DrillOptions {
    fn default() -> Self {
        DrillOptions {
            chunk_rows: 1000,
            leaf_rows: 16,
            hash: RangeHash::Strong,
        }
    }
}

/// What a drill-down cost.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DrillStats {
    /// Range checksum statements run (both sides together).
    pub checksums: u64,
    /// Key queries run (chunk boundaries and split points).
    pub splits: u64,
    /// Rows received from both servers together: checksum results, keys and fetched rows.
    pub rows_read: u64,
    /// Full rows fetched (both sides).
    pub rows_fetched: u64,
}

/// The differences of one table and what finding them cost.
#[derive(Clone, Debug, PartialEq)]
pub struct TableDiff {
    /// The table model (from the source).
    pub table: Table,
    /// The differences.
    pub differences: Vec<Difference>,
    /// The cost.
    pub stats: DrillStats,
}

/// A key range: `lower` inclusive, `upper` exclusive, each a full key tuple or unbounded.
#[derive(Clone, Debug, Default, PartialEq)]
struct Range {
    lower: Option<Vec<Value>>,
    upper: Option<Vec<Value>>,
}

/// `COUNT(*)` and the hash aggregate of a range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Sum {
    rows: u64,
    hash: u64,
}

impl Sum {
    /// The checksum of the rows of `self` not in `part` (`part` a sub-range of `self`): both
    /// hashes are sums modulo 2^64.
    fn minus(self, part: Sum) -> Sum {
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

fn predicate(table: &Table, key: &IdentityKey, range: &Range) -> Result<Option<String>, Error> {
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
    hash: RangeHash,
) -> String {
    let index = key.map(|k| k.index.as_str());
    match hash {
        RangeHash::Strong => {
            let plan = checksum::RowPlan::new(
                table,
                checksum::Algorithm::Strong,
                checksum::Dialect::MariaDb,
            );
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
fn checksum_range(
    conn: &mut Conn,
    side: &'static str,
    table: &Table,
    key: Option<&IdentityKey>,
    pred: Option<&str>,
    hash: RangeHash,
) -> Result<Sum, Error> {
    let sql = checksum_sql(table, key, pred, hash);
    let row: Option<(u64, String)> = conn.query_first(sql).map_err(server(table, side))?;
    let (rows, text) = row.unwrap_or((0, String::new()));
    let text = text.trim();
    let parsed = match hash {
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
fn key_at(
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

/// The keys at offsets `step`, `2 * step`, ... of the source's key order: one query with
/// `ROW_NUMBER()` (MariaDB 10.2+, MySQL 8), or, where window functions are missing, a walk of
/// `LIMIT 1 OFFSET step` queries.
fn boundaries(
    conn: &mut Conn,
    table: &Table,
    key: &IdentityKey,
    step: u64,
    stats: &mut DrillStats,
) -> Result<Vec<Vec<Value>>, Error> {
    let cols: Vec<String> = key
        .columns
        .iter()
        .map(|&i| ident(&table.columns[i].name))
        .collect();
    let cols = cols.join(", ");
    let sql = format!(
        "SELECT /*sync-plan bounds*/ {cols} FROM (SELECT {cols}, ROW_NUMBER() OVER (ORDER BY {cols}) \
         AS `sync_plan_rn` FROM {}.{}) AS `sync_plan_keys` WHERE `sync_plan_rn` % {step} = 1 \
         AND `sync_plan_rn` > 1 ORDER BY {cols}",
        ident(&table.schema),
        ident(&table.name)
    );
    stats.splits += 1;
    if let Ok(rows) = conn.query::<mysql::Row, _>(sql) {
        stats.rows_read += rows.len() as u64;
        return rows
            .into_iter()
            .map(|r| {
                key.columns
                    .iter()
                    .zip(r.unwrap())
                    .map(|(&i, v)| from_mysql(table, &table.columns[i], v))
                    .collect()
            })
            .collect();
    }
    let mut bounds: Vec<Vec<Value>> = Vec::new();
    loop {
        let from = Range {
            lower: bounds.last().cloned(),
            upper: None,
        };
        let next = key_at(conn, "source", table, key, &from, step)?;
        stats.splits += 1;
        match next {
            Some(k) => {
                stats.rows_read += 1;
                bounds.push(k);
            }
            None => return Ok(bounds),
        }
    }
}

/// Checksums every range on one server.
fn checksum_all(
    conn: &mut Conn,
    side: &'static str,
    table: &Table,
    key: &IdentityKey,
    ranges: &[Range],
    hash: RangeHash,
) -> Result<Vec<Sum>, Error> {
    ranges
        .iter()
        .map(|r| {
            let pred = predicate(table, key, r)?;
            checksum_range(conn, side, table, Some(key), pred.as_deref(), hash)
        })
        .collect()
}

/// Finds the differences of `table` between `source` and `target`, moving little data (see
/// the module docs). Both connections should have been through [`super::prepare_session`].
pub fn diff_table(
    source: &mut Conn,
    target: &mut Conn,
    table: &Table,
    options: DrillOptions,
) -> Result<TableDiff, Error> {
    let mut stats = DrillStats::default();
    let hash = options.hash;
    let Some(key) = IdentityKey::choose(table) else {
        let s = checksum_range(source, "source", table, None, None, hash)?;
        let t = checksum_range(target, "target", table, None, None, hash)?;
        stats.checksums += 2;
        stats.rows_read += 2;
        let mut differences = Vec::new();
        if s != t {
            let rows = |c: &mut Conn, side| -> Result<Vec<Row>, Error> {
                Ok(fetch(c, side, table, None, None)?
                    .into_iter()
                    .map(|(_, r)| r)
                    .collect())
            };
            let (src, tgt) = (rows(source, "source")?, rows(target, "target")?);
            stats.rows_fetched += (src.len() + tgt.len()) as u64;
            stats.rows_read += (src.len() + tgt.len()) as u64;
            differences = diff_multiset(table, &src, &tgt)?;
        }
        return Ok(TableDiff {
            table: table.clone(),
            differences,
            stats,
        });
    };

    // First level: chunks cut on the source's key.
    let bounds = boundaries(source, table, &key, options.chunk_rows.max(2), &mut stats)?;
    let mut ranges = Vec::with_capacity(bounds.len() + 1);
    let mut lower = None;
    for b in bounds {
        ranges.push(Range {
            lower,
            upper: Some(b.clone()),
        });
        lower = Some(b);
    }
    ranges.push(Range { lower, upper: None });
    // Both servers checksum their chunks at the same time.
    let (src_sums, tgt_sums) = std::thread::scope(|scope| {
        let on_target = scope.spawn(|| checksum_all(target, "target", table, &key, &ranges, hash));
        let on_source = checksum_all(source, "source", table, &key, &ranges, hash);
        let on_target = on_target.join().unwrap_or_else(|_| {
            Err(Error::Server {
                table: table.qualified_name(),
                side: "target",
                message: "the checksum thread panicked".to_string(),
            })
        });
        (on_source, on_target)
    });
    let (src_sums, tgt_sums) = (src_sums?, tgt_sums?);
    stats.checksums += 2 * ranges.len() as u64;
    stats.rows_read += 2 * ranges.len() as u64;

    // Bisection of differing chunks; each entry carries both sides' checksums.
    let mut stack: Vec<(Range, Sum, Sum)> = ranges
        .into_iter()
        .zip(src_sums.into_iter().zip(tgt_sums))
        .filter(|(_, (s, t))| s != t)
        .map(|(r, (s, t))| (r, s, t))
        .collect();
    stack.reverse();
    let mut differences = Vec::new();
    while let Some((range, s, t)) = stack.pop() {
        if s == t {
            continue;
        }
        let pred = predicate(table, &key, &range)?;
        if s.rows.max(t.rows) <= options.leaf_rows {
            let keyed = |rows: Vec<(Option<CompareKey>, Row)>| -> Vec<(CompareKey, Row)> {
                rows.into_iter()
                    .filter_map(|(k, r)| Some((k?, r)))
                    .collect()
            };
            let src = keyed(fetch(source, "source", table, Some(&key), pred.as_deref())?);
            let tgt = keyed(fetch(target, "target", table, Some(&key), pred.as_deref())?);
            stats.rows_fetched += (src.len() + tgt.len()) as u64;
            stats.rows_read += (src.len() + tgt.len()) as u64;
            differences.extend(diff_keyed(table, &key, src, tgt)?);
            continue;
        }
        // Cut at the middle key of the larger side; checksum the lower half only.
        let (conn, side, n) = if s.rows >= t.rows {
            (&mut *source, "source", s.rows)
        } else {
            (&mut *target, "target", t.rows)
        };
        let mid = key_at(conn, side, table, &key, &range, n / 2)?;
        stats.splits += 1;
        let Some(mid) = mid else { continue };
        stats.rows_read += 1;
        let low = Range {
            lower: range.lower,
            upper: Some(mid.clone()),
        };
        let high = Range {
            lower: Some(mid),
            upper: range.upper,
        };
        let low_pred = predicate(table, &key, &low)?;
        let ls = checksum_range(
            source,
            "source",
            table,
            Some(&key),
            low_pred.as_deref(),
            hash,
        )?;
        let lt = checksum_range(
            target,
            "target",
            table,
            Some(&key),
            low_pred.as_deref(),
            hash,
        )?;
        stats.checksums += 2;
        stats.rows_read += 2;
        stack.push((high, s.minus(ls), t.minus(lt)));
        stack.push((low, ls, lt));
    }
    Ok(TableDiff {
        table: table.clone(),
        differences,
        stats,
    })
}
