//! Live servers (feature `mysql`): drill down into differing ranges, fetch the differing rows,
//! execute a plan and re-check. Thin: every decision is made by the pure modules.
//!
//! **Drill-down.** A key range is checksummed on both sides with `checksum`'s chunk statement
//! (`COUNT(*)` and the strong MD5 sum, computed by the servers; one row back per side). Equal:
//! done. Different and small (at most [`DrillOptions::leaf_rows`] rows on either side): the full
//! rows of the range are fetched from both sides, each with the server's `WEIGHT_STRING` of its
//! collated key parts, and merge-joined by [`crate::diff_keyed`]. Different and large: the range is
//! cut at the middle key of the larger side (`ORDER BY key LIMIT 1 OFFSET n/2`) and both halves
//! are checked again. So the rows that cross the network are about `leaf_rows` per differing
//! row, plus one row per checksum and split query. Tables without a usable unique key are
//! checksummed whole and, if different, compared as multisets of all their rows.
//!
//! **Sessions.** Every connection this module reads with is set to `time_zone = '+00:00'`, so
//! `TIMESTAMP` values are read and written as UTC text, and to `character_set_results = NULL`,
//! so character values arrive as the bytes stored, in the column's own charset (which is what
//! the literals' charset introducers say) rather than converted to the connection's charset
//! ([`prepare_session`]).
//!
//! **Execute.** [`execute`] runs a plan's statements in transactions of at most `batch`
//! statements on the connection it is given (the target, or the source for
//! [`Direction::ViaReplication`](crate::Direction)), after the session header; nothing is written
//! unless it is called. Re-running the whole sync finds nothing to do once the target matches.

/// The table model of `schema.name` on `conn` (`chunker::live::load_table`).
pub fn load_table(
    conn: &mut Conn,
    schema: &str,
    name: &str,
    side: &'static str,
) -> Result<Table, Error> {
    chunker::live::load_table(conn, schema, name).map_err(|e| Error::Server {
        table: format!("{schema}.{name}"),
        side,
        message: e.to_string(),
    })
}

fn from_mysql(
    table: &Table,
    column: &chunker::Column,
    value: mysql::Value,
) -> Result<Value, Error> {
    chunker::live::from_mysql(value, &column.column_type).map_err(|e| Error::Model {
        table: table.qualified_name(),
        reason: format!("column {}: {e}", column.name),
    })
}

use chunker::{ColumnType, Table, Value};
use mysql::prelude::Queryable;
use mysql::Conn;

use crate::diff::{diff_keyed, diff_multiset, Difference};
use crate::error::Error;
use crate::key::{CompareKey, IdentityKey, KeyPart, Row};
use crate::literal::literal_in;
use crate::plan::Plan;
use crate::safety::{ServerFacts, Upstream};
use crate::sql::{ident, session_header, statement_sql};

/// Tuning of [`diff_table`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DrillOptions {
    /// A differing range with at most this many rows on each side is fetched row by row.
    pub leaf_rows: u64,
    /// The checksum algorithm of the range checks.
    pub algorithm: checksum::Algorithm,
}

impl Default for DrillOptions {
    fn default() -> Self {
        DrillOptions {
            leaf_rows: 32,
            algorithm: checksum::Algorithm::Strong,
        }
    }
}

/// What a drill-down cost.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DrillStats {
    /// Range checksum statements run (per side).
    pub checksums: u64,
    /// Split-point queries run.
    pub splits: u64,
    /// Rows received from both servers together: checksum results, split keys and fetched rows.
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

fn server<'t>(table: &'t Table, side: &'static str) -> impl Fn(mysql::Error) -> Error + 't {
    move |e| Error::Server {
        table: table.qualified_name(),
        side,
        message: e.to_string(),
    }
}

/// Sets the session time zone and result charset every read and write of this crate assumes.
pub fn prepare_session(conn: &mut Conn, side: &'static str) -> Result<(), Error> {
    conn.query_drop(format!(
        "SET SESSION time_zone = '{}', character_set_results = NULL",
        crate::SESSION_TIME_ZONE
    ))
    .map_err(|e| Error::Server {
        table: String::new(),
        side,
        message: e.to_string(),
    })
}

/// The facts [`crate::check_direction`] needs: `@@server_id`, `@@port`, `@@read_only` and the
/// replication sources from `SHOW ALL SLAVES STATUS`.
pub fn server_facts(
    conn: &mut Conn,
    label: &str,
    side: &'static str,
) -> Result<ServerFacts, Error> {
    let err = |e: mysql::Error| Error::Server {
        table: String::new(),
        side,
        message: e.to_string(),
    };
    let (server_id, port, read_only): (u32, u16, u8) = conn
        .query_first("SELECT @@server_id, @@port, @@read_only")
        .map_err(err)?
        .unwrap_or((0, 0, 0));
    let mut upstreams = Vec::new();
    for row in conn
        .query::<mysql::Row, _>("SHOW ALL SLAVES STATUS")
        .map_err(err)?
    {
        let text = |name: &str| -> String {
            row.get_opt::<String, _>(name)
                .and_then(Result::ok)
                .unwrap_or_default()
        };
        upstreams.push(Upstream {
            server_id: text("Master_Server_Id").parse().unwrap_or(0),
            port: text("Master_Port").parse().unwrap_or(0),
            host: text("Master_Host"),
        });
    }
    Ok(ServerFacts {
        label: label.to_string(),
        server_id,
        port,
        read_only: read_only != 0,
        upstreams,
    })
}

/// A key range: `lower` inclusive, `upper` exclusive, each a full key tuple or unbounded.
#[derive(Clone, Debug, Default, PartialEq)]
struct Range {
    lower: Option<Vec<Value>>,
    upper: Option<Vec<Value>>,
}

/// `(k1, k2) >= (v1, v2)`-style bound as OR-of-ANDs (usable by the range optimizer), literals
/// inline.
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

fn checksum_range(
    conn: &mut Conn,
    side: &'static str,
    table: &Table,
    index: Option<&str>,
    pred: Option<&str>,
    algorithm: checksum::Algorithm,
) -> Result<(u64, String), Error> {
    let plan = checksum::RowPlan::new(table, algorithm, checksum::Dialect::MariaDb);
    let sql = plan.chunk_sql(&checksum::Scope {
        index,
        predicate: pred,
    });
    let row: Option<(u64, String)> = conn.query_first(sql).map_err(server(table, side))?;
    Ok(row.unwrap_or((0, String::new())))
}

/// The select list: every column, then one compare-key expression per key column.
fn select_list(table: &Table, key: Option<&IdentityKey>) -> String {
    let mut cols: Vec<String> = table.columns.iter().map(|c| ident(&c.name)).collect();
    for &i in key.map(|k| k.columns.as_slice()).unwrap_or(&[]) {
        let c = &table.columns[i];
        cols.push(match (&c.column_type, &c.collation) {
            (ColumnType::Text { .. }, Some(coll)) if coll.pads_spaces() => {
                format!("WEIGHT_STRING(RTRIM({}))", ident(&c.name))
            }
            (ColumnType::Text { .. }, Some(_)) => format!("WEIGHT_STRING({})", ident(&c.name)),
            _ => "NULL".to_string(),
        });
    }
    cols.join(", ")
}

fn fetch(
    conn: &mut Conn,
    side: &'static str,
    table: &Table,
    key: Option<&IdentityKey>,
    pred: Option<&str>,
) -> Result<Vec<(Option<CompareKey>, Row)>, Error> {
    let mut sql = format!(
        "SELECT /*sync-plan rows*/ {} FROM {}.{}",
        select_list(table, key),
        ident(&table.schema),
        ident(&table.name)
    );
    if let Some(p) = pred {
        sql.push_str(" WHERE ");
        sql.push_str(p);
    }
    let n = table.columns.len();
    let rows: Vec<mysql::Row> = conn.exec(sql, ()).map_err(server(table, side))?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let mut values = r.unwrap();
        let weights = values.split_off(n.min(values.len()));
        let row: Row = table
            .columns
            .iter()
            .zip(values)
            .map(|(c, v)| from_mysql(table, c, v))
            .collect::<Result<_, Error>>()?;
        let ck = match key {
            None => None,
            Some(k) => {
                let parts: Vec<KeyPart> = k
                    .columns
                    .iter()
                    .zip(weights)
                    .map(|(&i, w)| match w {
                        mysql::Value::Bytes(b) => KeyPart::Weight(b),
                        _ => KeyPart::Value(row.get(i).cloned().unwrap_or(Value::Null)),
                    })
                    .collect();
                Some(CompareKey::from_parts(table, k, &parts)?)
            }
        };
        out.push((ck, row));
    }
    Ok(out)
}

/// Finds the differences of `table` between `source` and `target`, moving little data (see
/// the module docs). Both connections should have been through [`prepare_session`].
pub fn diff_table(
    source: &mut Conn,
    target: &mut Conn,
    table: &Table,
    options: DrillOptions,
) -> Result<TableDiff, Error> {
    let mut stats = DrillStats::default();
    let Some(key) = IdentityKey::choose(table) else {
        let (s, t) = (
            checksum_range(source, "source", table, None, None, options.algorithm)?,
            checksum_range(target, "target", table, None, None, options.algorithm)?,
        );
        stats.checksums += 1;
        stats.rows_read += 2;
        let mut differences = Vec::new();
        if s != t {
            let src: Vec<Row> = fetch(source, "source", table, None, None)?
                .into_iter()
                .map(|(_, r)| r)
                .collect();
            let tgt: Vec<Row> = fetch(target, "target", table, None, None)?
                .into_iter()
                .map(|(_, r)| r)
                .collect();
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
    let mut differences = Vec::new();
    let mut stack = vec![Range::default()];
    while let Some(range) = stack.pop() {
        let pred = predicate(table, &key, &range)?;
        let index = Some(key.index.as_str());
        let s = checksum_range(
            source,
            "source",
            table,
            index,
            pred.as_deref(),
            options.algorithm,
        )?;
        let t = checksum_range(
            target,
            "target",
            table,
            index,
            pred.as_deref(),
            options.algorithm,
        )?;
        stats.checksums += 1;
        stats.rows_read += 2;
        if s == t {
            continue;
        }
        if s.0.max(t.0) <= options.leaf_rows {
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
        // Cut at the middle key of the larger side.
        let (conn, side, n) = if s.0 >= t.0 {
            (&mut *source, "source", s.0)
        } else {
            (&mut *target, "target", t.0)
        };
        let key_cols: Vec<String> = key
            .columns
            .iter()
            .map(|&i| ident(&table.columns[i].name))
            .collect();
        let mut sql = format!(
            "SELECT /*sync-plan split*/ {} FROM {}.{} FORCE INDEX ({})",
            key_cols.join(", "),
            ident(&table.schema),
            ident(&table.name),
            ident(&key.index)
        );
        if let Some(p) = &pred {
            sql.push_str(" WHERE ");
            sql.push_str(p);
        }
        sql.push_str(&format!(
            " ORDER BY {} LIMIT 1 OFFSET {}",
            key_cols.join(", "),
            n / 2
        ));
        let mid: Option<mysql::Row> = conn.exec_first(sql, ()).map_err(server(table, side))?;
        stats.splits += 1;
        stats.rows_read += 1;
        let Some(mid) = mid else { continue };
        let mid: Vec<Value> = key
            .columns
            .iter()
            .zip(mid.unwrap())
            .map(|(&i, v)| from_mysql(table, &table.columns[i], v))
            .collect::<Result<_, Error>>()?;
        stack.push(Range {
            lower: Some(mid.clone()),
            upper: range.upper.clone(),
        });
        stack.push(Range {
            lower: range.lower,
            upper: Some(mid),
        });
    }
    Ok(TableDiff {
        table: table.clone(),
        differences,
        stats,
    })
}

/// Runs `plan` on `conn` (the target, or the source for a plan through replication): the session
/// header, then each table's statements in transactions of at most `batch`. Returns the number
/// of statements run. A failing statement rolls its transaction back and is reported with the
/// table it belongs to.
pub fn execute(conn: &mut Conn, plan: &Plan, batch: usize) -> Result<u64, Error> {
    let side = match plan.direction {
        crate::Direction::OnTarget => "target",
        crate::Direction::ViaReplication => "source",
    };
    for s in session_header(plan) {
        conn.query_drop(s).map_err(|e| Error::Server {
            table: String::new(),
            side,
            message: e.to_string(),
        })?;
    }
    let mut n = 0;
    for tp in &plan.tables {
        let comment = crate::sql::trace_comment(plan, &tp.table);
        for group in tp.statements.chunks(batch.max(1)) {
            let mut tx = conn
                .start_transaction(mysql::TxOpts::default())
                .map_err(server(&tp.table, side))?;
            for s in group {
                let sql = format!("{} {comment}", statement_sql(tp, s)?);
                tx.query_drop(&sql).map_err(server(&tp.table, side))?;
                n += 1;
            }
            tx.commit().map_err(server(&tp.table, side))?;
        }
    }
    Ok(n)
}
