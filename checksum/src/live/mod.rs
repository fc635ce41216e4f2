//! Live servers (feature `mysql`): sessions, one chunk's checksum on a connection (server-side
//! SQL or client-side engine), the two-server compare and pt-compatible replicate mode.
//!
//! This layer is thin: what to run comes from [`RowPlan`] and the `chunker` walker; this module
//! only runs it, converts values, times chunks and waits when the servers are busy.

mod compare;
mod connect;
mod led;
mod pair;
mod replicate;
mod throttle;
mod wire;

use std::time::{Duration, Instant};

use chunker::live::{from_mysql_ref, is_text_form, to_mysql};
use chunker::{Chunk, Column, Key, Table, ValueRef, Walker};
use mysql::prelude::Queryable;
use mysql::{Conn, Params};

use crate::encode::Encoded;
use crate::engine::{ChunkChecksum, RowPlan};
use crate::error::{redact, At, Error};
use crate::sql::Scope;
use crate::Dialect;

pub use compare::{CompareOptions, Comparer, Progress, RowReader, TableResult};
pub use connect::{describe, login, open, parse_url, CONNECT_TIMEOUT, GREETING_TIMEOUT};
pub use replicate::{replica_differences, replicate_table, ReplicaDiff, ReplicateOptions};
pub use throttle::{Throttle, Wait};
pub use wire::{RowConn, Unsupported};
use wire::{RowView, WireError};

/// Where a chunk's checksum is computed. Both give the same value for the same rows.
///
/// The client engine is the default: on the 1M-row bench (`checksum_vs_pt`) it took each
/// server about 0.6 s of CPU where the server engine took 2.4-2.6 s (`strong`), and it
/// finished sooner. It moves every row over the network, once per server: prefer the server
/// engine when the link to the servers is slow (a WAN) and their CPUs are idle.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Engine {
    /// By the server, with [`RowPlan::chunk_sql`]: only the two result values cross the
    /// network; the server evaluates the row hash for every row.
    Server,
    /// By this crate, from the rows [`RowPlan::rows_sql`] reads over the binary protocol: no
    /// hashing load on the server, every row crosses the network. With a unique key whose
    /// values read back as themselves, the source's ordered reads also cut the chunks, so no
    /// boundary queries run (see `compare`).
    #[default]
    Client,
}

impl std::str::FromStr for Engine {
    type Err = String;

    fn from_str(s: &str) -> Result<Engine, String> {
        match s.to_ascii_lowercase().as_str() {
            "server" => Ok(Engine::Server),
            "client" => Ok(Engine::Client),
            other => Err(format!(
                "unknown engine {other:?} (expected server or client)"
            )),
        }
    }
}

/// A server error as this crate's error, attributed, in words ([`describe`]: the server's
/// message and code, not the driver's `MySqlError { .. }`) and with URLs redacted.
pub(crate) fn server_err(at: At, server: &str, e: mysql::Error) -> Error {
    Error::Server {
        at,
        server: server.to_string(),
        message: redact(&describe(&e)),
    }
}

/// A chunker error as this crate's [`Error::Table`] at `at`, `doing` (e.g. "walking the index
/// on the source") put before the reason. The chunker names the table (and chunk) itself;
/// that prefix is dropped rather than repeated after `at`'s, and a driver error is in words.
pub(crate) fn table_err(at: &At, doing: Option<&str>, e: &chunker::Error) -> Error {
    let mut at = at.clone();
    let chunk = match e {
        chunker::Error::BadAnswer { chunk, .. } | chunker::Error::NoProgress { chunk, .. } => {
            Some(*chunk)
        }
        chunker::Error::Mysql { chunk, .. } => *chunk,
        _ => None,
    };
    if let Some(n) = chunk {
        at.chunk.get_or_insert(n);
    }
    let reason = match e {
        chunker::Error::Mysql { source, .. } => describe(source),
        other => without_table_prefix(&other.to_string(), &at.table),
    };
    let reason = match doing {
        Some(doing) => format!("{doing}: {reason}"),
        None => reason,
    };
    Error::Table {
        at,
        reason: redact(&reason),
    }
}

/// `message` without a leading `table {table}: ` or `table {table}, chunk N: `.
fn without_table_prefix(message: &str, table: &str) -> String {
    let Some(rest) = message.strip_prefix(&format!("table {table}")) else {
        return message.to_string();
    };
    if let Some(reason) = rest.strip_prefix(": ") {
        return reason.to_string();
    }
    match rest
        .strip_prefix(", chunk ")
        .and_then(|r| r.split_once(": "))
    {
        Some((n, reason)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
            reason.to_string()
        }
        _ => message.to_string(),
    }
}

/// The statements [`prepare_session`] runs (and the direct row reader's session too).
pub(crate) const SESSION_SETUP: [&str; 5] = [
    "SET NAMES utf8mb4",
    "SET SESSION character_set_results = binary",
    "SET SESSION time_zone = '+00:00'",
    "SET SESSION innodb_lock_wait_timeout = 1",
    "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
];

/// Opens the direct row reader ([`RowConn`]) to `url` (as the `mysql` crate takes it) with
/// the checksum session of [`prepare_session`], or says why it cannot (then the driver reads
/// the rows: pass `None` to [`checksum_chunk_on`]).
pub fn open_rows(url: &str) -> Result<RowConn, Unsupported> {
    let opts = parse_url(url).map_err(Unsupported)?;
    RowConn::open(&opts, GREETING_TIMEOUT, &SESSION_SETUP)
}

/// A direct reader's failure as this crate's error, attributed.
pub(crate) fn wire_err(at: At, server: &str, e: WireError) -> Error {
    Error::Server {
        at,
        server: server.to_string(),
        message: redact(&e.to_string()),
    }
}

/// Executes `sql` with `binds` on the direct reader and hands each row to `on_row`.
pub(crate) fn read_rows(
    rows: &mut RowConn,
    sql: &str,
    binds: &[mysql::Value],
    server: &str,
    at: &At,
    on_row: &mut dyn FnMut(RowView<'_>) -> Encoded,
) -> Result<(), Error> {
    rows.exec_rows(sql, binds, on_row)
        .map_err(|e| wire_err(at.clone(), server, e))?
        .map_err(|e| *e)
}

/// How the rows of one result are hashed, decided from its first row ([`Route::of`]).
pub(crate) enum Route {
    /// Some column arrives in a text form ([`RowView::has_text_form`]): owned values.
    Owned,
    /// Values in place, converted and encoded one by one (pt, `ZEROFILL`).
    Cells,
    /// The strong encoding written straight from the row's bytes, one [`wire::Op`] per column.
    Fused(Vec<wire::Op>),
}

impl Route {
    /// The route for rows like `row` of `table` under `plan`.
    fn of(row: &RowView<'_>, table: &Table, plan: &RowPlan) -> Route {
        if row.has_text_form(&table.columns) {
            Route::Owned
        } else if plan.algorithm == crate::Algorithm::Pt || plan.zerofill {
            Route::Cells
        } else {
            Route::Fused(wire::ops(row.wires(), &table.columns, &plan.columns))
        }
    }
}

/// Hashes one row read by the direct reader, in place; `route` remembers, for the result, how
/// its rows are hashed ([`Route`]).
pub(crate) fn push_row_view(
    hasher: &mut crate::ChunkHasher<'_>,
    row: RowView<'_>,
    table: &Table,
    at: &At,
    route: &mut Option<Route>,
) -> Encoded {
    if row.width() != table.columns.len() {
        return Err(Box::new(Error::RowWidth {
            at: at.clone(),
            expected: table.columns.len(),
            found: row.width(),
        }));
    }
    let mut bad = None;
    let pushed = match route.get_or_insert_with(|| Route::of(&row, table, hasher.plan())) {
        Route::Owned => {
            let raw: Vec<Option<mysql::Value>> =
                row.cells(&mut bad).map(|c| Some(c.to_mysql())).collect();
            bad_row(at, table, bad)?;
            return Ok(push_mysql_row(hasher, &raw, table, at)?);
        }
        Route::Cells => hasher
            .push_values(
                row.cells(&mut bad)
                    .zip(&table.columns)
                    .map(|(cell, c)| cell.to_ref(&c.column_type)),
            )
            .map_err(Box::new),
        Route::Fused(ops) => {
            let chunk = hasher.chunk();
            hasher.push_encoded(|plan, out, scratch| {
                let encoded = row.strong_encode(
                    ops,
                    (&plan.columns, &table.columns),
                    out,
                    scratch,
                    (&|| plan.at(chunk), &mut bad),
                );
                // A malformed row is an error naming the column; what it appended is dropped.
                match bad.take() {
                    Some(b) => Err(Box::new(malformed(at, table, b))),
                    None => encoded,
                }
            })
        }
    };
    bad_row(at, table, bad)?;
    pushed
}

/// A malformed binary row as an error naming the column.
#[inline]
pub(crate) fn bad_row(at: &At, table: &Table, bad: Option<wire::BadRow>) -> Result<(), Error> {
    match bad {
        None => Ok(()),
        Some(b) => Err(malformed(at, table, b)),
    }
}

#[cold]
fn malformed(at: &At, table: &Table, b: wire::BadRow) -> Error {
    Error::BadResult {
        at: at.clone(),
        detail: format!(
            "a malformed row: column {}: {}",
            table.columns.get(b.column).map_or("?", |c| c.name.as_str()),
            b.what
        ),
    }
}

/// Hashes binary-protocol row packets (each a whole row payload, first byte 0x00) exactly as
/// the direct row reader does during a compare: the same decoding, conversion and encoding,
/// with no server. `columns` gives each result column's protocol type code and unsigned flag,
/// as the column definitions would.
///
/// Not part of the API: it exists so that the benches measure the live engine's per-row path
/// on row data built in memory.
#[doc(hidden)]
pub fn hash_binary_rows<'p>(
    plan: &RowPlan,
    table: &Table,
    columns: &[(u8, bool)],
    packets: impl IntoIterator<Item = &'p [u8]>,
) -> Result<ChunkChecksum, Error> {
    let mut wires = Vec::new();
    for &(code, unsigned) in columns {
        let kind = mysql_protocol::constants::ColumnType::try_from(code).map_err(|_| {
            Error::BadResult {
                at: plan.at(None),
                detail: format!("protocol column type {code}, which does not exist"),
            }
        })?;
        wires.push(wire::Wire::new(kind, unsigned));
    }
    let at = plan.at(None);
    let mut hasher = plan.hasher(None);
    let mut route = None;
    for packet in packets {
        push_row_view(
            &mut hasher,
            RowView::new(packet, &wires),
            table,
            &at,
            &mut route,
        )
        .map_err(|e| *e)?;
    }
    Ok(hasher.finish())
}

/// Prepares a connection for checksumming and returns the server's dialect.
///
/// Sets `NAMES utf8mb4`; `character_set_results = binary` (the client engine needs character
/// columns as their stored bytes); `time_zone = '+00:00'` (TIMESTAMP fields read in UTC);
/// `innodb_lock_wait_timeout = 1` (a checksum loses any lock wait rather than blocking
/// writers); `REPEATABLE READ`.
pub fn prepare_session(conn: &mut Conn, server: &str) -> Result<Dialect, Error> {
    let at = At {
        table: "-".to_string(),
        chunk: None,
    };
    for sql in SESSION_SETUP {
        conn.query_drop(sql)
            .map_err(|e| server_err(at.clone(), server, e))?;
    }
    let version: Option<Vec<u8>> = conn
        .query_first("SELECT VERSION()")
        .map_err(|e| server_err(at.clone(), server, e))?;
    let version = String::from_utf8_lossy(&version.unwrap_or_default()).into_owned();
    Ok(Dialect::from_version(&version))
}

/// A chunk's statement inputs: the plan, the chunk, and the walked key.
#[derive(Clone, Copy, Debug)]
pub struct ChunkRef<'a> {
    /// The table's plan.
    pub plan: &'a RowPlan,
    /// The chunk (its number goes into errors).
    pub chunk: &'a Chunk,
    /// The walked key (`None`: whole table).
    pub key: Option<&'a Key>,
}

impl ChunkRef<'_> {
    fn predicate(&self) -> Option<(String, Vec<chunker::Value>)> {
        self.key.map(|k| self.chunk.predicate(&k.columns))
    }
}

/// Computes one chunk's checksum on `conn` with `engine`; returns it and the time it took.
pub fn checksum_chunk(
    conn: &mut Conn,
    server: &str,
    engine: Engine,
    c: ChunkRef<'_>,
    table: &Table,
) -> Result<(ChunkChecksum, Duration), Error> {
    checksum_chunk_on(conn, None, server, engine, c, table)
}

/// [`checksum_chunk`], the client engine reading its rows on the direct reader `rows` when
/// given (and usable), else on `conn`. The value is the same either way.
pub fn checksum_chunk_on(
    conn: &mut Conn,
    rows: Option<&mut RowConn>,
    server: &str,
    engine: Engine,
    c: ChunkRef<'_>,
    table: &Table,
) -> Result<(ChunkChecksum, Duration), Error> {
    let started = Instant::now();
    let at = c.plan.at(Some(c.chunk.number));
    let pred = c.predicate();
    let scope = Scope {
        index: c.chunk.index.as_deref(),
        predicate: pred.as_ref().map(|(sql, _)| sql.as_str()),
    };
    let binds: Vec<mysql::Value> = pred
        .as_ref()
        .map(|(_, b)| b.iter().map(to_mysql).collect())
        .unwrap_or_default();
    let params = |binds: Vec<mysql::Value>| {
        if binds.is_empty() {
            Params::Empty
        } else {
            Params::Positional(binds)
        }
    };
    let direct = rows.filter(|r| r.usable());
    let sum = match (engine, direct) {
        (Engine::Server, _) => {
            let row: Option<(mysql::Value, mysql::Value)> = conn
                .exec_first(c.plan.chunk_sql(&scope), params(binds))
                .map_err(|e| server_err(at.clone(), server, e))?;
            let (cnt, crc) = row.ok_or_else(|| Error::BadResult {
                at: at.clone(),
                detail: "chunk checksum returned no row".into(),
            })?;
            parse_result(&at, &cnt, &crc)?
        }
        (Engine::Client, Some(rows)) => {
            let mut hasher = c.plan.hasher(Some(c.chunk.number));
            let mut route = None;
            read_rows(
                rows,
                &c.plan.rows_sql(&scope),
                &binds,
                server,
                &at,
                &mut |row| push_row_view(&mut hasher, row, table, &at, &mut route),
            )?;
            hasher.finish()
        }
        (Engine::Client, None) => {
            let mut hasher = c.plan.hasher(Some(c.chunk.number));
            let result = conn
                .exec_iter(c.plan.rows_sql(&scope), params(binds))
                .map_err(|e| server_err(at.clone(), server, e))?;
            for row in result {
                let row = row.map_err(|e| server_err(at.clone(), server, e))?;
                push_mysql_row(&mut hasher, &row.unwrap_raw(), table, &at)?;
            }
            hasher.finish()
        }
    };
    Ok((sum, started.elapsed()))
}

/// Hashes one row as the driver decoded it (values in table column order), borrowing its
/// values (`chunker::live::from_mysql_ref`); a row holding a value in text form where a number, date or time is
/// expected (text protocol) is converted to owned values first, as `chunker::live::from_mysql`
/// does.
pub(crate) fn push_mysql_row(
    hasher: &mut crate::ChunkHasher<'_>,
    raw: &[Option<mysql::Value>],
    table: &Table,
    at: &At,
) -> Result<(), Error> {
    if raw.len() != table.columns.len() {
        return Err(Error::RowWidth {
            at: at.clone(),
            expected: table.columns.len(),
            found: raw.len(),
        });
    }
    // Borrowed unless a value is in text form (the text protocol), which only the owned
    // conversion parses; so the borrowed reading below always succeeds.
    let text_form = raw
        .iter()
        .zip(&table.columns)
        .any(|(v, c)| v.as_ref().is_some_and(|v| is_text_form(v, &c.column_type)));
    if !text_form {
        return hasher.push_values(raw.iter().zip(&table.columns).map(|(v, c)| {
            v.as_ref()
                .and_then(|v| from_mysql_ref(v, &c.column_type))
                .unwrap_or(ValueRef::Null)
        }));
    }
    let values = raw
        .iter()
        .zip(&table.columns)
        .map(|(v, c)| from_mysql(at, c, v.clone().unwrap_or(mysql::Value::NULL)))
        .collect::<Result<Vec<_>, _>>()?;
    hasher.push_row(&values)
}

/// A row value read for `column`, converted by `chunker::live::from_mysql`; a value that does
/// not fit the column's type is an unexpected server result naming the column.
fn from_mysql(at: &At, column: &Column, value: mysql::Value) -> Result<chunker::Value, Error> {
    chunker::live::from_mysql(value, &column.column_type).map_err(|e| Error::BadResult {
        at: at.clone(),
        detail: format!("column {}: {e}", column.name),
    })
}

/// Reads `(cnt, crc)` as the chunk SQL returns them.
pub(crate) fn parse_result(
    at: &At,
    cnt: &mysql::Value,
    crc: &mysql::Value,
) -> Result<ChunkChecksum, Error> {
    let bad = |detail: String| Error::BadResult {
        at: at.clone(),
        detail,
    };
    let rows = match cnt {
        mysql::Value::Int(i) => u64::try_from(*i).map_err(|_| bad(format!("count {i}")))?,
        mysql::Value::UInt(u) => *u,
        mysql::Value::Bytes(b) => std::str::from_utf8(b)
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad(format!("count {:?}", String::from_utf8_lossy(b))))?,
        other => return Err(bad(format!("count {other:?}"))),
    };
    let crc = match crc {
        mysql::Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        mysql::Value::Int(i) => i.to_string(),
        mysql::Value::UInt(u) => u.to_string(),
        other => return Err(bad(format!("crc {other:?}"))),
    };
    if crc.is_empty() || !crc.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad(format!("crc {crc:?} is not hex")));
    }
    Ok(ChunkChecksum { rows, crc })
}

/// Runs the walker's boundary queries on `conn` until it hands out a chunk (or is done).
pub fn next_chunk(
    conn: &mut Conn,
    server: &str,
    walker: &mut Walker,
    table: &Table,
) -> Result<Option<Chunk>, Error> {
    let at = At {
        table: table.qualified_name(),
        chunk: None,
    };
    loop {
        match walker.next_action() {
            chunker::Action::Chunk(chunk) => return Ok(Some(chunk)),
            chunker::Action::Done => return Ok(None),
            chunker::Action::Query(q) => {
                let doing = format!("walking the index on the {server}");
                let table_err = |e: chunker::Error| table_err(&at, Some(&doing), &e);
                let rows = chunker::live::answer(conn, walker, &q).map_err(table_err)?;
                walker.on_rows(rows).map_err(table_err)?;
            }
            #[allow(unreachable_patterns)]
            _ => {
                return Err(Error::Table {
                    at,
                    reason: "the chunk walker asked for something this version cannot do".into(),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(chunk: Option<u64>) -> At {
        At {
            table: "d.t".into(),
            chunk,
        }
    }

    #[test]
    fn chunker_errors_are_not_prefixed_twice() {
        let e = chunker::Error::NoSuchIndex {
            table: "d.t".into(),
            index: "k".into(),
        };
        assert_eq!(
            table_err(&at(None), None, &e).to_string(),
            "table d.t: no index named \"k\""
        );
        let e = chunker::Error::NoProgress {
            table: "d.t".into(),
            chunk: 4,
            boundary: "[1]".into(),
        };
        assert_eq!(
            table_err(&at(None), Some("walking the index on the source"), &e).to_string(),
            "table d.t chunk 4: walking the index on the source: walk made no progress at \
             boundary [1]"
        );
        let e = chunker::Error::Mysql {
            table: "d.t".into(),
            chunk: Some(2),
            source: mysql::Error::MySqlError(mysql::MySqlError {
                state: "HY000".into(),
                message: "Lock wait timeout exceeded".into(),
                code: 1205,
            }),
        };
        let text = table_err(&at(Some(2)), None, &e).to_string();
        assert_eq!(
            text,
            "table d.t chunk 2: server error 1205 (HY000): Lock wait timeout exceeded"
        );
        // Another table's name is not taken for the prefix.
        assert_eq!(
            without_table_prefix("table d.tt: no index", "d.t"),
            "table d.tt: no index"
        );
        assert_eq!(
            without_table_prefix("table d.t, chunk x: y", "d.t"),
            "table d.t, chunk x: y"
        );
    }

    /// The borrowed path ([`push_mysql_row`]) hashes every binary-protocol value as the owned
    /// conversion (`chunker::live::from_mysql`, then `push_row`) does, for both algorithms
    /// that read values (strong and pt), NULLs included.
    #[test]
    fn borrowed_rows_hash_as_owned_rows() {
        use chunker::{Collation, ColumnType, TextKind};
        use mysql::Value as M;
        let int = |unsigned| ColumnType::Integer { bytes: 8, unsigned };
        let cases: Vec<(ColumnType, M)> = vec![
            (int(false), M::Int(-5)),
            (int(true), M::UInt(u64::MAX)),
            (int(true), M::Int(7)),
            (int(false), M::UInt(9)),
            (ColumnType::Year, M::UInt(2024)),
            (ColumnType::Year, M::Int(1999)),
            (ColumnType::Float { scale: None }, M::Float(0.1)),
            (
                ColumnType::Float { scale: Some(2) },
                M::Double(f64::from(1.5f32)),
            ),
            (ColumnType::Double { scale: None }, M::Double(0.1)),
            (ColumnType::Double { scale: Some(3) }, M::Double(2.5)),
            (
                ColumnType::Decimal {
                    precision: 10,
                    scale: 2,
                },
                M::Bytes(b"-12.50".to_vec()),
            ),
            (ColumnType::Date, M::Date(2024, 2, 29, 0, 0, 0, 0)),
            (
                ColumnType::DateTime { fsp: 6 },
                M::Date(2024, 2, 29, 3, 4, 5, 6),
            ),
            (
                ColumnType::Timestamp { fsp: 3 },
                M::Date(2001, 1, 1, 0, 0, 1, 500_000),
            ),
            (ColumnType::Time { fsp: 0 }, M::Time(true, 2, 3, 4, 5, 0)),
            (ColumnType::Bit { bits: 12 }, M::Bytes(vec![0x0f, 0xff])),
            (
                ColumnType::Text {
                    kind: TextKind::Var,
                    max_len: 9,
                },
                M::Bytes("it's é\\0".as_bytes().to_vec()),
            ),
            (
                ColumnType::Binary {
                    kind: TextKind::Var,
                    max_len: 4,
                },
                M::Bytes(vec![0, 0x1a, 0xff]),
            ),
            (int(false), M::NULL),
            (ColumnType::Date, M::NULL),
            // Text forms (the text protocol) take the owned path.
            (int(false), M::Bytes(b"42".to_vec())),
            (ColumnType::Date, M::Bytes(b"2024-01-02".to_vec())),
        ];
        for (i, (ty, v)) in cases.into_iter().enumerate() {
            let column = Column::new(format!("c{i}"), ty.clone())
                .collation(Collation::new("utf8mb4_bin"))
                .nullable();
            let table = Table::new("d", "t").column(column.clone());
            for algorithm in [crate::Algorithm::Strong, crate::Algorithm::Pt] {
                let plan = RowPlan::new(&table, algorithm, Dialect::MariaDb);
                let mut borrowed = plan.hasher(Some(0));
                push_mysql_row(&mut borrowed, &[Some(v.clone())], &table, &at(Some(0)))
                    .unwrap_or_else(|e| panic!("{ty:?} {v:?}: {e}"));
                let owned = from_mysql(&at(Some(0)), &column, v.clone()).expect("owned");
                let mut by_value = plan.hasher(Some(0));
                by_value.push_row(&[owned]).expect("push");
                assert_eq!(
                    borrowed.finish(),
                    by_value.finish(),
                    "{algorithm:?} {ty:?} {v:?}"
                );
            }
        }
    }

    #[test]
    fn server_errors_are_in_words() {
        let e = server_err(
            at(Some(0)),
            "target",
            mysql::Error::MySqlError(mysql::MySqlError {
                state: "42S02".into(),
                message: "Table 'd.t' doesn't exist".into(),
                code: 1146,
            }),
        );
        let text = e.to_string();
        assert!(
            text.starts_with("table d.t chunk 0: target: server error 1146 (42S02): Table 'd.t'"),
            "{text}"
        );
        assert!(!text.contains("MySqlError"), "{text}");
    }
}
