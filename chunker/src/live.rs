//! The thin layer over a live server (feature `mysql`): loading a [`Table`] from
//! `information_schema`, converting values to and from the `mysql` crate, and a driver that
//! runs a [`Walker`]'s queries as prepared statements.
//!
//! Everything here is plumbing; the decisions are made by the pure modules. The one place
//! where MySQL and MariaDB differ for this crate is [`Dialect`].
//!
//! Sessions that walk `TIMESTAMP` keys should `SET time_zone = '+00:00'` first: in a zone with
//! daylight saving time two instants can show as the same local time, and a boundary read
//! back in local time could then name the wrong one.

use std::time::Instant;

use mysql::prelude::Queryable;

use crate::chunk::Chunk;
use crate::error::Error;
use crate::model::{Column, ColumnType, Index, IndexColumn, Table};
use crate::walker::{Action, Query, Walker};
use crate::{schema, Collation, Value};

mod convert;

pub use convert::{from_mysql, from_mysql_ref, is_text_form, to_mysql};

/// Which server family a connection talks to: the only differences this crate cares about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Dialect {
    /// MariaDB: `JSON` is `LONGTEXT` plus a `json_valid` check constraint, listed in
    /// `information_schema.CHECK_CONSTRAINTS` with a `TABLE_NAME` column.
    MariaDb,
    /// Oracle MySQL (and Percona Server): `JSON` is its own `DATA_TYPE`.
    MySql,
}

impl Dialect {
    /// The dialect from a `VERSION()` string (`10.11.6-MariaDB-...` or `8.0.36`).
    pub fn from_version(version: &str) -> Dialect {
        if version.to_ascii_lowercase().contains("mariadb") {
            Dialect::MariaDb
        } else {
            Dialect::MySql
        }
    }

    /// Asks the server.
    pub fn detect<C: Queryable>(conn: &mut C) -> Result<Dialect, mysql::Error> {
        let version: Option<String> = conn.query_first("SELECT VERSION()")?;
        Ok(Dialect::from_version(&version.unwrap_or_default()))
    }

    /// The query listing `(CHECK_CLAUSE)` of one table's check constraints, if this dialect
    /// needs it to recognize JSON columns.
    fn json_check_query(self) -> Option<&'static str> {
        match self {
            Dialect::MariaDb => Some(
                "SELECT CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS \
                 WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?",
            ),
            Dialect::MySql => None,
        }
    }
}

/// One row of `information_schema.STATISTICS`.
struct StatPart {
    index: String,
    seq: u64,
    /// `None` for a key part over an expression (MySQL 8 functional indexes).
    column: Option<String>,
    unique: bool,
    sub_part: Option<u64>,
    cardinality: Option<u64>,
    /// Not `FULLTEXT` or `SPATIAL`, not ignored (MariaDB) or invisible (MySQL).
    walkable: bool,
}

/// The value of the column called `name` (ASCII case-insensitive) in `row`.
fn field<'r>(row: &'r mysql::Row, name: &str) -> Option<&'r mysql::Value> {
    let at = row
        .columns_ref()
        .iter()
        .position(|c| c.name_str().eq_ignore_ascii_case(name))?;
    row.as_ref(at)
}

fn sql_error(table: &str, chunk: Option<u64>) -> impl FnOnce(mysql::Error) -> Error + '_ {
    move |source| Error::Mysql {
        table: table.to_string(),
        chunk,
        source,
    }
}

fn text(v: &mysql::Value) -> Option<String> {
    match v {
        mysql::Value::Bytes(b) => Some(String::from_utf8_lossy(b).into_owned()),
        mysql::Value::Int(i) => Some(i.to_string()),
        mysql::Value::UInt(u) => Some(u.to_string()),
        _ => None,
    }
}

fn number(v: &mysql::Value) -> Option<u64> {
    match v {
        mysql::Value::Int(i) => u64::try_from(*i).ok(),
        mysql::Value::UInt(u) => Some(*u),
        mysql::Value::Bytes(b) => std::str::from_utf8(b).ok()?.trim().parse().ok(),
        _ => None,
    }
}

/// Loads `schema.name` from `information_schema`: columns in ordinal order with types,
/// nullability, collations and generated-ness; indexes (`FULLTEXT` and `SPATIAL` ones left
/// out, as are key parts over expressions) with prefix lengths and the cardinality of the
/// whole key; and `TABLE_ROWS` as the row estimate.
pub fn load_table<C: Queryable>(conn: &mut C, schema: &str, name: &str) -> Result<Table, Error> {
    let qualified = format!("{schema}.{name}");
    let err = |e| sql_error(&qualified, None)(e);
    let dialect = Dialect::detect(conn).map_err(err)?;
    let mut table = Table::new(schema, name);

    let mut json_checks = Vec::new();
    if let Some(q) = dialect.json_check_query() {
        // Missing privileges or an old server without the view: JSON stays LONGTEXT.
        if let Ok(rows) = conn.exec::<mysql::Row, _, _>(q, (schema, name)) {
            json_checks.extend(rows.into_iter().filter_map(|r| r.as_ref(0).and_then(text)));
        }
    }

    let rows: Vec<mysql::Row> = conn
        .exec(
            "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, COLLATION_NAME, EXTRA, \
             NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION, CHARACTER_MAXIMUM_LENGTH \
             FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? \
             ORDER BY ORDINAL_POSITION",
            (schema, name),
        )
        .map_err(err)?;
    for row in rows {
        let f: Vec<mysql::Value> = row.unwrap();
        let s = |i: usize| f.get(i).and_then(text);
        let n = |i: usize| f.get(i).and_then(number);
        let col_name = s(0).unwrap_or_default();
        let column_type_text = s(2).unwrap_or_default();
        let mut column_type = schema::column_type(
            &s(1).unwrap_or_default(),
            &column_type_text,
            n(6),
            n(7),
            n(8),
            n(9),
        )
        .map_err(|reason| Error::BadColumnType {
            table: qualified.clone(),
            column: col_name.clone(),
            column_type: column_type_text.clone(),
            reason,
        })?;
        if matches!(column_type, ColumnType::Text { .. })
            && json_checks
                .iter()
                .any(|c| schema::is_json_check(c, &col_name))
        {
            column_type = ColumnType::Json;
        }
        let extra = s(5).unwrap_or_default().to_ascii_uppercase();
        let generated = ["VIRTUAL", "STORED", "PERSISTENT"]
            .iter()
            .any(|w| extra.contains(w));
        let zerofill = schema::zerofill_width(&column_type, &column_type_text);
        let unsigned = schema::unsigned_real(&column_type, &column_type_text);
        let real_precision = schema::real_precision(&column_type, &column_type_text);
        let mut column = Column::new(col_name, column_type);
        column.zerofill = zerofill;
        column.unsigned = unsigned;
        column.real_precision = real_precision;
        column.nullable = s(3).is_some_and(|v| v.eq_ignore_ascii_case("YES"));
        column.collation = s(4).map(Collation::new);
        column.generated = generated;
        table.columns.push(column);
    }
    if table.columns.is_empty() {
        return Err(Error::NoSuchTable { table: qualified });
    }

    // `SELECT *` and columns read by name: the flags that hide an index from the optimizer
    // differ by server and version (MariaDB 10.6+ `IGNORED`, MySQL 8 `IS_VISIBLE`), and
    // `FORCE INDEX` on such an index fails, so those indexes are left out.
    let rows: Vec<mysql::Row> = conn
        .exec(
            "SELECT * FROM information_schema.STATISTICS \
             WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?",
            (schema, name),
        )
        .map_err(err)?;
    let mut parts: Vec<StatPart> = rows
        .iter()
        .map(|row| {
            let s = |name: &str| field(row, name).and_then(text);
            let n = |name: &str| field(row, name).and_then(number);
            let yes = |name: &str| s(name).is_some_and(|v| v.eq_ignore_ascii_case("YES"));
            let no = |name: &str| s(name).is_some_and(|v| v.eq_ignore_ascii_case("NO"));
            StatPart {
                index: s("INDEX_NAME").unwrap_or_default(),
                seq: n("SEQ_IN_INDEX").unwrap_or(0),
                column: s("COLUMN_NAME"),
                unique: n("NON_UNIQUE").unwrap_or(1) == 0,
                sub_part: n("SUB_PART"),
                cardinality: n("CARDINALITY"),
                walkable: !matches!(
                    s("INDEX_TYPE")
                        .unwrap_or_default()
                        .to_ascii_uppercase()
                        .as_str(),
                    "FULLTEXT" | "SPATIAL"
                ) && !yes("IGNORED")
                    && !no("IS_VISIBLE"),
            }
        })
        .collect();
    parts.sort_by_key(|p| p.seq);
    let mut unusable: Vec<String> = Vec::new();
    for p in parts {
        let Some(column) = p.column.filter(|_| p.walkable) else {
            unusable.push(p.index);
            continue;
        };
        let part = IndexColumn {
            name: column,
            prefix_len: p.sub_part.and_then(|l| u32::try_from(l).ok()),
        };
        match table.indexes.iter_mut().find(|i| i.name == p.index) {
            Some(index) => {
                index.columns.push(part);
                index.cardinality = p.cardinality.or(index.cardinality);
            }
            None => table.indexes.push(Index {
                primary: p.index == "PRIMARY",
                name: p.index,
                columns: vec![part],
                unique: p.unique,
                cardinality: p.cardinality,
            }),
        }
    }
    table.indexes.retain(|i| !unusable.contains(&i.name));
    // PRIMARY first, then by name: a stable order for the tie-break in `choose_key`.
    table
        .indexes
        .sort_by(|a, b| (!a.primary, &a.name).cmp(&(!b.primary, &b.name)));

    let rows: Option<mysql::Row> = conn
        .exec_first(
            "SELECT TABLE_ROWS FROM information_schema.TABLES \
             WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?",
            (schema, name),
        )
        .map_err(err)?;
    table.approx_rows = rows.and_then(|r| r.as_ref(0).and_then(number));
    Ok(table)
}

/// Runs one walker query as a prepared statement and converts its rows for
/// [`Walker::on_rows`]: key parts read by their column types (ENUM, SET and BIT parts as the
/// unsigned numbers the query selects), then the progress flag of a boundary query.
pub fn answer<C: Queryable>(
    conn: &mut C,
    walker: &Walker,
    query: &Query,
) -> Result<Vec<Vec<Value>>, Error> {
    let table = walker.table().to_string();
    let chunk = Some(walker.next_number());
    let binds: Vec<mysql::Value> = query.binds.iter().map(to_mysql).collect();
    let rows: Vec<mysql::Row> = conn
        .exec(query.sql.as_str(), mysql::Params::Positional(binds))
        .map_err(sql_error(&table, chunk))?;
    let key_columns = walker.key().map(|k| k.columns.as_slice()).unwrap_or(&[]);
    let number = ColumnType::Integer {
        bytes: 8,
        unsigned: true,
    };
    let flag = ColumnType::Integer {
        bytes: 8,
        unsigned: false,
    };
    let mut out = Vec::new();
    for row in rows {
        let mut values = Vec::new();
        for (i, v) in row.unwrap().into_iter().enumerate() {
            let ty = match key_columns.get(i) {
                Some(c) if c.reads_as_number() => &number,
                Some(c) => &c.column_type,
                None => &flag,
            };
            let value = from_mysql(v, ty).map_err(|e| Error::BadAnswer {
                table: table.clone(),
                chunk: walker.next_number(),
                reason: e.to_string(),
            })?;
            values.push(value);
        }
        out.push(values);
    }
    Ok(out)
}

/// Drives `walker` to the end on `conn`: runs each boundary query, hands each chunk to
/// `on_chunk` (which returns the chunk's row count), and reports the time `on_chunk` took to
/// the walker for dynamic sizing. Returns the number of chunks handed out.
pub fn run_walker<C: Queryable>(
    conn: &mut C,
    walker: &mut Walker,
    mut on_chunk: impl FnMut(&mut C, &Chunk) -> Result<u64, Error>,
) -> Result<u64, Error> {
    let mut chunks = 0u64;
    loop {
        match walker.next_action() {
            Action::Query(query) => {
                let rows = answer(conn, walker, &query)?;
                walker.on_rows(rows)?;
            }
            Action::Chunk(chunk) => {
                let started = Instant::now();
                let rows = on_chunk(conn, &chunk)?;
                walker.on_chunk_done(rows, started.elapsed());
                chunks += 1;
            }
            Action::Done => return Ok(chunks),
        }
    }
}

/// Collects every chunk of `walker` without processing them (boundary queries only).
pub fn collect_chunks<C: Queryable>(
    conn: &mut C,
    walker: &mut Walker,
) -> Result<Vec<Chunk>, Error> {
    let mut out = Vec::new();
    run_walker(conn, walker, |_, chunk| {
        out.push(chunk.clone());
        Ok(0)
    })?;
    Ok(out)
}
