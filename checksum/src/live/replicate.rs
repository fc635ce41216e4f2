//! Replicate mode, pt-table-checksum's way: chunk checksums written on the primary into a
//! pt-compatible results table with statement-based `REPLACE ... SELECT`, so that every replica
//! computes its own `this_crc`/`this_cnt` at the same point of the replication stream; then the
//! primary's values are copied into `master_crc`/`master_cnt` by an `UPDATE` that replicates as
//! literals. The replica side reads back the chunks whose two values differ.
//!
//! Only the rows of the table being checksummed are ever deleted from the results table (the
//! seed's "bug 304" deleted every table's results on every run).

use std::time::Instant;

use chunker::live::to_mysql;
use chunker::sql::quote_ident;
use chunker::{choose_key, ChunkSize, Table, Walker};
use mysql::prelude::Queryable;
use mysql::{Conn, Params};

use super::throttle::{Throttle, Wait};
use super::{next_chunk, server_err, table_err};
use crate::checkpoint::Checkpoint;
use crate::engine::RowPlan;
use crate::error::{At, Error};
use crate::sql::{replica_differences_sql, results_table_ddl, serialize_boundary, Scope};
use crate::{Algorithm, Dialect};

/// How to checksum into the results table.
#[derive(Clone, Debug)]
pub struct ReplicateOptions {
    /// The algorithm (pt by default here: the point of this mode is pt compatibility).
    pub algorithm: Algorithm,
    /// Chunk size.
    pub chunk_size: ChunkSize,
    /// The index to walk (default: the chunker's choice).
    pub index: Option<String>,
    /// The results table: database and table (`percona`, `checksums`).
    pub results: (String, String),
    /// Limits on load and replica lag, pause file.
    pub throttle: Throttle,
    /// Where progress is saved after every chunk; a run with an existing file resumes after
    /// its last chunk and keeps the results rows already written.
    pub checkpoint: Option<std::path::PathBuf>,
}

impl Default for ReplicateOptions {
    fn default() -> ReplicateOptions {
        ReplicateOptions {
            algorithm: Algorithm::Pt,
            chunk_size: ChunkSize::DEFAULT,
            index: None,
            results: ("percona".into(), "checksums".into()),
            throttle: Throttle::default(),
            checkpoint: None,
        }
    }
}

impl ReplicateOptions {
    fn results_sql(&self) -> String {
        format!(
            "{}.{}",
            quote_ident(&self.results.0),
            quote_ident(&self.results.1)
        )
    }
}

/// One chunk whose replica values differ from the primary's, as the replica's results table
/// holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplicaDiff {
    /// The chunk number.
    pub chunk: u64,
    /// The walked index.
    pub index: Option<String>,
    /// The lower boundary (pt's serialized form).
    pub lower: Option<String>,
    /// The upper boundary.
    pub upper: Option<String>,
    /// The replica's count.
    pub this_cnt: i64,
    /// The primary's count (`None` if its UPDATE has not arrived).
    pub master_cnt: Option<i64>,
    /// The replica's checksum.
    pub this_crc: String,
    /// The primary's checksum.
    pub master_crc: Option<String>,
}

/// Checksums `table` into the results table on `primary` (which must accept
/// `SET SESSION binlog_format = 'STATEMENT'`). `walk` is a second connection to the primary
/// for the chunk boundaries; `replicas` are watched for lag. Returns the number of chunks.
pub fn replicate_table(
    walk: &mut Conn,
    primary: &mut Conn,
    replicas: &mut [(&str, &mut Conn, Dialect)],
    table: &Table,
    dialect: Dialect,
    opts: &ReplicateOptions,
    progress: &mut dyn FnMut(&Wait),
) -> Result<u64, Error> {
    let name = table.qualified_name();
    let at = At {
        table: name.clone(),
        chunk: None,
    };
    let err = |at: &At, e: mysql::Error| server_err(at.clone(), "primary", e);
    let results = opts.results_sql();
    primary
        .query_drop("SET SESSION binlog_format = 'STATEMENT'")
        .map_err(|e| err(&at, e))?;
    primary
        .query_drop(format!(
            "CREATE DATABASE IF NOT EXISTS {}",
            quote_ident(&opts.results.0)
        ))
        .map_err(|e| err(&at, e))?;
    primary
        .query_drop(results_table_ddl(&results))
        .map_err(|e| err(&at, e))?;

    let mut checkpoint = match &opts.checkpoint {
        Some(path) => Checkpoint::load(path)?.unwrap_or_else(|| Checkpoint::new(opts.algorithm)),
        None => Checkpoint::new(opts.algorithm),
    };
    let mut done = checkpoint.tables.get(&name).cloned().unwrap_or_default();
    if done.finished {
        return Ok(done.chunks);
    }
    let table_err = |e: chunker::Error| table_err(&at, None, &e);
    let choice = choose_key(table, opts.index.as_deref()).map_err(table_err)?;
    let mut walker = match &done.last_done {
        Some(last) => Walker::resume_after(table, &choice, opts.chunk_size, last),
        None => {
            primary
                .exec_drop(
                    format!("DELETE FROM {results} WHERE db = ? AND tbl = ?"),
                    (&table.schema, &table.name),
                )
                .map_err(|e| err(&at, e))?;
            Walker::new(table, &choice, opts.chunk_size)
        }
    }
    .map_err(table_err)?;
    let key = walker.key().cloned();
    let plan = RowPlan::new(table, opts.algorithm, dialect);

    loop {
        opts.throttle.wait(&at, primary, replicas, progress)?;
        let Some(chunk) = next_chunk(walk, "primary", &mut walker, table)? else {
            break;
        };
        let at = plan.at(Some(chunk.number));
        let pred = key.as_ref().map(|k| chunk.predicate(&k.columns));
        let scope = Scope {
            index: chunk.index.as_deref(),
            predicate: pred.as_ref().map(|(sql, _)| sql.as_str()),
        };
        let bound = |b: &chunker::Bound| b.values().map(serialize_boundary);
        let mut binds: Vec<mysql::Value> = vec![
            table.schema.clone().into(),
            table.name.clone().into(),
            chunk.number.into(),
            chunk.index.clone().into(),
            bound(&chunk.lower).into(),
            bound(&chunk.upper).into(),
        ];
        if let Some((_, values)) = &pred {
            binds.extend(values.iter().map(to_mysql));
        }
        let started = Instant::now();
        primary
            .exec_drop(
                plan.replicate_sql(&results, &scope),
                Params::Positional(binds),
            )
            .map_err(|e| err(&at, e))?;
        let elapsed = started.elapsed();
        let key_binds = (&table.schema, &table.name, chunk.number);
        let mine: Option<(String, i64)> = primary
            .exec_first(
                format!("SELECT this_crc, this_cnt FROM {results} WHERE db = ? AND tbl = ? AND chunk = ?"),
                key_binds,
            )
            .map_err(|e| err(&at, e))?;
        let (crc, cnt) = mine.ok_or_else(|| Error::BadResult {
            at: at.clone(),
            detail: "the results row just written is missing".into(),
        })?;
        primary
            .exec_drop(
                format!(
                    "UPDATE {results} SET chunk_time = ?, master_crc = ?, master_cnt = ? \
                     WHERE db = ? AND tbl = ? AND chunk = ?"
                ),
                (
                    elapsed.as_secs_f64(),
                    &crc,
                    cnt,
                    &table.schema,
                    &table.name,
                    chunk.number,
                ),
            )
            .map_err(|e| err(&at, e))?;
        walker.on_chunk_done(u64::try_from(cnt).unwrap_or(0), elapsed);
        done.chunks += 1;
        done.finished = chunk.is_last();
        done.last_done = Some(chunk);
        if let Some(path) = &opts.checkpoint {
            *checkpoint.table_mut(&name) = done.clone();
            checkpoint.save(path)?;
        }
    }
    done.finished = true;
    if let Some(path) = &opts.checkpoint {
        *checkpoint.table_mut(&name) = done.clone();
        checkpoint.save(path)?;
    }
    Ok(done.chunks)
}

/// The chunks of `schema.table` whose replica values differ from the primary's, read on the
/// replica (after it caught up).
pub fn replica_differences(
    replica: &mut Conn,
    results: (&str, &str),
    schema: &str,
    table: &str,
) -> Result<Vec<ReplicaDiff>, Error> {
    let at = At {
        table: format!("{schema}.{table}"),
        chunk: None,
    };
    let sql = replica_differences_sql(&format!(
        "{}.{}",
        quote_ident(results.0),
        quote_ident(results.1)
    ));
    type Row = (
        u64,
        Option<String>,
        Option<String>,
        Option<String>,
        i64,
        Option<i64>,
        String,
        Option<String>,
    );
    let rows: Vec<Row> = replica
        .exec(sql, (schema, table))
        .map_err(|e| server_err(at, "replica", e))?;
    Ok(rows
        .into_iter()
        .map(|r| ReplicaDiff {
            chunk: r.0,
            index: r.1,
            lower: r.2,
            upper: r.3,
            this_cnt: r.4,
            master_cnt: r.5,
            this_crc: r.6,
            master_crc: r.7,
        })
        .collect())
}
