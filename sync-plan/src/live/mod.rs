//! Live servers (feature `mysql`): drill down into differing ranges, fetch the differing rows,
//! execute a plan and re-check. Thin: every decision is made by the pure modules.
//!
//! **Drill-down** ([`diff_table`]). The table is cut into first-level chunks of about
//! [`DrillOptions::chunk_rows`] rows, every chunk is checksummed on both servers at once
//! (`checksum`'s chunk aggregate: `COUNT(*)` and a hash sum computed by the server, one row back
//! per chunk and side), and only differing chunks are looked at further. How the chunks are cut
//! and split depends on the key:
//!
//! - A **single-column integer key** (`TINYINT` ... `BIGINT`, signed or not: the common primary
//!   key) is never walked. One `MIN`/`MAX` query per server bounds the key domain; the source's
//!   thread cuts the first level by value (a width that starts at `chunk_rows` values and
//!   follows the row counts the checksums return; the first chunk is open below and the last
//!   open above, so rows only on the target, beyond either end, are covered), up to 8 chunks to
//!   a statement once the width has settled, and the target's thread checksums each batch as
//!   it is cut. The differing ranges of one level are all split at once, by value, into up to
//!   8 sub-ranges of equal width: one statement per server (a `UNION ALL` of the same chunk
//!   aggregate) checksums every sub-range but the last of each, whose checksum is the parent's
//!   minus its siblings' (the checksums are sums modulo 2^64). About
//!   `log8(chunk_rows / leaf_rows)` levels, each one round trip per server.
//! - **Other keys**: the key is walked (`ORDER BY key LIMIT 1 OFFSET n`, one key back per
//!   chunk) by both servers in turn, 8 chunks at a time (boundaries from either side's keys
//!   partition the key space alike, and neither server carries the whole walk on top of its
//!   checksums); each chunk is checksummed on both as soon as it is cut. A differing range is
//!   cut at the middle key of its larger side and only the lower half is checksummed again
//!   (the upper half's checksum is the parent's minus the lower's); the differing ranges of one
//!   level are all cut at once, in two round trips per server (a `UNION ALL` of the middle-key
//!   queries, then one of the lower halves' checksums).
//!
//! Once a differing range holds at most [`DrillOptions::leaf_rows`] rows on each side (or a
//! single integer key value), its full rows are fetched from both sides (all such ranges
//! together, one statement per server for up to 64 of them), each with the server's
//! `WEIGHT_STRING` of its collated key parts, and merge-joined by [`crate::diff_keyed`]. So the
//! rows that cross the network are about one per chunk and side, plus per differing row about
//! `2 * leaf_rows` fetched and `2 * 7` sub-range checksums per level (integer key) or
//! `3 * log2(chunk_rows / leaf_rows)` checksums and keys (other keys). Tables without a usable
//! unique key are checksummed whole and, if different, compared as multisets of all their
//! rows. The data must not change during the drill-down (as for pt-table-sync without locking).
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
//! unless it is called. [`recheck`] then compares only the ranges the drill-down found
//! different (a checksum each, rows where they still differ). Re-running the whole sync finds
//! nothing to do once the target matches.

mod drill;
mod range;

pub use drill::{diff_table, recheck, DrillOptions, DrillStats, TableDiff};
pub use range::RangeHash;

use chunker::sql::{qualified, quote_ident};
use chunker::{ColumnType, Table, Value};
use mysql::prelude::Queryable;
use mysql::Conn;

use crate::error::Error;
use crate::key::{CompareKey, IdentityKey, KeyPart, Row};
use crate::plan::Plan;
use crate::safety::{ServerFacts, Upstream};
use crate::sql::{session_header, statement_sql};

/// The table model of `schema.name` on `conn` (`chunker::live::load_table`).
pub fn load_table(
    conn: &mut Conn,
    schema: &str,
    name: &str,
    side: &'static str,
) -> Result<Table, Error> {
    chunker::live::load_table(conn, schema, name).map_err(|e| {
        let table = format!("{schema}.{name}");
        // chunker's messages name the table already.
        let text = e.to_string();
        let message = text
            .strip_prefix(&format!("table {table}: "))
            .unwrap_or(&text)
            .to_string();
        Error::Server {
            table,
            side,
            message,
        }
    })
}

pub(crate) fn from_mysql(
    table: &Table,
    column: &chunker::Column,
    value: mysql::Value,
) -> Result<Value, Error> {
    chunker::live::from_mysql(value, &column.column_type).map_err(|e| Error::Model {
        table: table.qualified_name(),
        reason: format!("column {}: {e}", column.name),
    })
}

/// Names the ranges a statement read, for its errors: `the range WHERE ...`, `the whole
/// table`, or `N ranges, WHERE <first> to WHERE <last>`.
pub(crate) fn ranges_label(preds: &[Option<&str>]) -> String {
    let one = |p: &Option<&str>| match p {
        Some(p) => format!("WHERE {p}"),
        None => "the whole table".to_string(),
    };
    match preds {
        [] => "no range".to_string(),
        [p] if p.is_none() => one(p),
        [p] => format!("the range {}", one(p)),
        [first, .., last] => format!("{} ranges, {} to {}", preds.len(), one(first), one(last)),
    }
}

/// [`server`] for a statement over the ranges `preds`: the message names them.
pub(crate) fn server_in<'t>(
    table: &'t Table,
    side: &'static str,
    preds: &'t [Option<&'t str>],
) -> impl Fn(mysql::Error) -> Error + 't {
    move |e| Error::Server {
        table: table.qualified_name(),
        side,
        message: format!("reading {}: {}", ranges_label(preds), describe(&e)),
    }
}

/// A driver error in words: the server's code, state and message, or what failed to connect
/// (`checksum::live::describe`), never the driver's `MySqlError { .. }` form.
fn describe(e: &mysql::Error) -> String {
    checksum::live::describe(e)
}

pub(crate) fn server<'t>(
    table: &'t Table,
    side: &'static str,
) -> impl Fn(mysql::Error) -> Error + 't {
    move |e| Error::Server {
        table: table.qualified_name(),
        side,
        message: describe(&e),
    }
}

/// Sets the session time zone and result charset every read and write of this crate assumes.
///
/// Not `checksum::live::prepare_session`: that one also sets `innodb_lock_wait_timeout = 1`,
/// right for read-only checksums but not for [`execute`]'s writes on a busy target.
pub fn prepare_session(conn: &mut Conn, side: &'static str) -> Result<(), Error> {
    conn.query_drop(format!(
        "SET SESSION time_zone = '{}', character_set_results = NULL",
        crate::SESSION_TIME_ZONE
    ))
    .map_err(|e| Error::Server {
        table: String::new(),
        side,
        message: describe(&e),
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
        message: describe(&e),
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

/// The select list: every column, then one compare-key expression per key column.
fn select_list(table: &Table, key: Option<&IdentityKey>) -> String {
    let mut cols: Vec<String> = table.columns.iter().map(|c| quote_ident(&c.name)).collect();
    for &i in key.map(|k| k.columns.as_slice()).unwrap_or(&[]) {
        let c = &table.columns[i];
        cols.push(match (&c.column_type, &c.collation) {
            (ColumnType::Text { .. }, Some(coll)) if coll.pads_spaces() => {
                format!("WEIGHT_STRING(RTRIM({}))", quote_ident(&c.name))
            }
            (ColumnType::Text { .. }, Some(_)) => {
                format!("WEIGHT_STRING({})", quote_ident(&c.name))
            }
            _ => "NULL".to_string(),
        });
    }
    cols.join(", ")
}

/// The rows matching `pred`, each with its compare key when `key` is given (weight strings from
/// the server for collated key parts). Binary protocol, so FLOAT and DOUBLE arrive exactly.
pub(crate) fn fetch(
    conn: &mut Conn,
    side: &'static str,
    table: &Table,
    key: Option<&IdentityKey>,
    pred: Option<&str>,
) -> Result<Vec<(Option<CompareKey>, Row)>, Error> {
    let mut sql = format!(
        "SELECT /*sync-plan rows*/ {} FROM {}",
        select_list(table, key),
        qualified(table)
    );
    if let Some(p) = pred {
        sql.push_str(" WHERE ");
        sql.push_str(p);
    }
    let n = table.columns.len();
    let rows: Vec<mysql::Row> = conn
        .exec(sql, ())
        .map_err(server_in(table, side, &[pred]))?;
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

/// The wrong-side check on the plan itself: every keyed `DELETE` must remove a row the source
/// does **not** have. One `SELECT 1 ... LIMIT 1` per delete, on the source. A hit means the plan
/// is stale (the source changed since the diff) or was made with source and target swapped;
/// either way it must not run.
pub fn check_deletes_against_source(source: &mut Conn, plan: &Plan) -> Result<(), Error> {
    for tp in &plan.tables {
        for s in &tp.statements {
            let crate::Statement::Delete { by, exact: false } = s else {
                continue;
            };
            let sql = format!(
                "SELECT 1 FROM {} WHERE {} LIMIT 1",
                qualified(&tp.table),
                crate::sql::row_match(&tp.table, by, false)?
            );
            let hit: Option<u8> = source
                .query_first(sql)
                .map_err(server(&tp.table, "source"))?;
            if hit.is_some() {
                let key: Vec<String> = by
                    .iter()
                    .map(|cv| format!("{}={:?}", cv.column, cv.value))
                    .collect();
                return Err(Error::Unsafe {
                    reason: format!(
                        "wrong side: the plan deletes the row {} of {} that the source {} has; source and target swapped, or the source changed since the comparison",
                        key.join(", "),
                        tp.table.qualified_name(),
                        plan.source
                    ),
                });
            }
        }
    }
    Ok(())
}

/// A statement for an error message, which names the row by its key or values: its first 300
/// characters.
fn statement_label(text: &str) -> String {
    if text.chars().count() > 300 {
        format!("{}...", text.chars().take(300).collect::<String>())
    } else {
        text.to_string()
    }
}

/// Runs `plan` on `conn` (the target, or the source for a plan through replication): the session
/// header, then each table's statements in transactions of at most `batch`. Returns the number
/// of statements run. A failing statement rolls its transaction back and is reported with the
/// table it belongs to and the statement (so the row's key).
pub fn execute(conn: &mut Conn, plan: &Plan, batch: usize) -> Result<u64, Error> {
    let side = match plan.direction {
        crate::Direction::OnTarget => "target",
        crate::Direction::ViaReplication => "source",
    };
    for s in session_header(plan) {
        conn.query_drop(s).map_err(|e| Error::Server {
            table: String::new(),
            side,
            message: describe(&e),
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
                let text = statement_sql(tp, s)?;
                tx.query_drop(format!("{text} {comment}"))
                    .map_err(|e| Error::Server {
                        table: tp.table.qualified_name(),
                        side,
                        message: format!("{} in {}", describe(&e), statement_label(&text)),
                    })?;
                n += 1;
            }
            tx.commit().map_err(server(&tp.table, side))?;
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::{server, server_in};
    use chunker::Table;

    fn lock_wait() -> mysql::Error {
        mysql::Error::MySqlError(mysql::MySqlError {
            state: "HY000".into(),
            message: "Lock wait timeout exceeded; try restarting transaction".into(),
            code: 1205,
        })
    }

    /// Server errors read as the server's code, state and message, with table, side and
    /// ranges; never as the driver's `MySqlError { .. }`.
    #[test]
    fn server_errors_are_in_words() {
        let table = Table::new("shop", "orders");
        let text = server(&table, "target")(lock_wait()).to_string();
        assert!(text.contains("shop.orders"), "{text}");
        assert!(text.contains("target"), "{text}");
        assert!(
            text.contains("1205") && text.contains("Lock wait timeout exceeded"),
            "{text}"
        );
        assert!(!text.contains("MySqlError"), "{text}");
        let preds = [Some("`id` >= 5")];
        let text = server_in(&table, "source", &preds)(lock_wait()).to_string();
        assert!(
            text.contains("`id` >= 5") && text.contains("1205"),
            "{text}"
        );
        assert!(!text.contains("MySqlError"), "{text}");
    }
}
