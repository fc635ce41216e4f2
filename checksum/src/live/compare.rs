//! Two servers, chunk by chunk, at the same time.
//!
//! The chunker walks the source's index (on a connection of its own); each chunk is then
//! checksummed on the source and the target at once, on two threads. A chunk that differs is
//! checksummed again on both after `recheck_wait`, up to `rechecks` times: if it agrees then,
//! the difference was a write in flight and is counted, not reported. Progress (last finished
//! chunk and the differences so far) goes to the checkpoint after every chunk.

use std::path::PathBuf;
use std::time::Duration;

use chunker::{choose_key, Chunk, ChunkSize, Table, Walker};
use mysql::{Conn, Opts};

use super::throttle::{Throttle, Wait};
use super::{checksum_chunk, next_chunk, prepare_session, server_err, ChunkRef, Engine};
use crate::checkpoint::Checkpoint;
use crate::engine::{ChunkChecksum, RowPlan};
use crate::error::{redact, At, Error};
use crate::report::ChunkDiff;
use crate::{Algorithm, Dialect};

/// How to compare.
#[derive(Clone, Debug)]
pub struct CompareOptions {
    /// The checksum algorithm.
    pub algorithm: Algorithm,
    /// Where chunk checksums are computed.
    pub engine: Engine,
    /// Chunk size: fixed rows or a target time per chunk.
    pub chunk_size: ChunkSize,
    /// The index to walk (default: the chunker's choice).
    pub index: Option<String>,
    /// How many times a differing chunk is checked again before it is reported.
    pub rechecks: u32,
    /// How long to wait before a recheck.
    pub recheck_wait: Duration,
    /// Limits on load and lag, and the pause file.
    pub throttle: Throttle,
    /// A pause after every chunk.
    pub sleep: Duration,
    /// Where progress is saved after every chunk (and resumed from).
    pub checkpoint: Option<PathBuf>,
}

impl Default for CompareOptions {
    fn default() -> CompareOptions {
        CompareOptions {
            algorithm: Algorithm::Strong,
            engine: Engine::Server,
            chunk_size: ChunkSize::DEFAULT,
            index: None,
            rechecks: 1,
            recheck_wait: Duration::from_millis(500),
            throttle: Throttle::default(),
            sleep: Duration::ZERO,
            checkpoint: None,
        }
    }
}

/// Something worth telling a user while a compare runs.
#[derive(Debug)]
#[non_exhaustive]
pub enum Progress<'a> {
    /// A chunk was compared.
    Chunk {
        /// The chunk.
        chunk: &'a Chunk,
        /// Both sides, after any recheck.
        source: &'a ChunkChecksum,
        /// The target's value.
        target: &'a ChunkChecksum,
    },
    /// A chunk differed and is being checked again.
    Recheck {
        /// The chunk number.
        chunk: u64,
    },
    /// The run waits (load, lag or pause file).
    Waiting(&'a Wait),
}

/// The outcome for one table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableResult {
    /// `schema.name`.
    pub table: String,
    /// The index walked (`None`: one whole-table chunk).
    pub index: Option<String>,
    /// The walked key's columns.
    pub key_columns: Vec<String>,
    /// Chunks compared (including those of an earlier, resumed run).
    pub chunks: u64,
    /// Chunks that differed at first and agreed on a recheck (writes in flight).
    pub in_flight: u64,
    /// The chunks that still differ.
    pub differences: Vec<ChunkDiff>,
}

/// Three connections: one walks the source's index, one checksums the source, one the target.
#[derive(Debug)]
pub struct Comparer {
    walk: Conn,
    source: Conn,
    target: Conn,
    source_dialect: Dialect,
    target_dialect: Dialect,
    in_flight: u64,
}

fn connect(url: &str, server: &str) -> Result<Conn, Error> {
    let err = |e: &dyn std::fmt::Display| Error::Connect {
        server: server.to_string(),
        url: redact(url),
        message: redact(&e.to_string()),
    };
    let opts = Opts::from_url(url).map_err(|e| err(&e))?;
    Conn::new(opts).map_err(|e| err(&e))
}

impl Comparer {
    /// Connects to both servers (URLs as the `mysql` crate takes them).
    pub fn connect(source_url: &str, target_url: &str) -> Result<Comparer, Error> {
        Comparer::from_conns(
            connect(source_url, "source")?,
            connect(source_url, "source")?,
            connect(target_url, "target")?,
        )
    }

    /// Uses open connections: `walk` and `source` to the source, `target` to the target.
    pub fn from_conns(
        mut walk: Conn,
        mut source: Conn,
        mut target: Conn,
    ) -> Result<Comparer, Error> {
        prepare_session(&mut walk, "source")?;
        // The walker binds the values it reads back into its next query: it needs them in the
        // connection charset, not raw.
        mysql::prelude::Queryable::query_drop(
            &mut walk,
            "SET SESSION character_set_results = utf8mb4",
        )
        .map_err(|e| {
            server_err(
                At {
                    table: "-".into(),
                    chunk: None,
                },
                "source",
                e,
            )
        })?;
        let source_dialect = prepare_session(&mut source, "source")?;
        let target_dialect = prepare_session(&mut target, "target")?;
        Ok(Comparer {
            walk,
            source,
            target,
            source_dialect,
            target_dialect,
            in_flight: 0,
        })
    }

    /// The source's dialect.
    pub fn source_dialect(&self) -> Dialect {
        self.source_dialect
    }

    /// The source connection the walker uses (normal result charset), e.g. to load tables.
    pub fn walk_conn(&mut self) -> &mut Conn {
        &mut self.walk
    }

    fn both(
        &mut self,
        engine: Engine,
        plans: (&RowPlan, &RowPlan),
        chunk: &Chunk,
        key: Option<&chunker::Key>,
        table: &Table,
    ) -> Result<(ChunkChecksum, ChunkChecksum, Duration), Error> {
        let (source, target) = (&mut self.source, &mut self.target);
        let s_ref = ChunkRef {
            plan: plans.0,
            chunk,
            key,
        };
        let t_ref = ChunkRef {
            plan: plans.1,
            chunk,
            key,
        };
        let (s, t) = std::thread::scope(|scope| {
            let handle =
                scope.spawn(move || checksum_chunk(target, "target", engine, t_ref, table));
            let s = checksum_chunk(source, "source", engine, s_ref, table);
            let t = handle.join().unwrap_or_else(|_| {
                Err(Error::Table {
                    at: plans.1.at(Some(chunk.number)),
                    reason: "the target's checksum thread panicked".into(),
                })
            });
            (s, t)
        });
        let ((s, ds), (t, dt)) = (s?, t?);
        Ok((s, t, ds.max(dt)))
    }

    /// Compares one table; resumes from `checkpoint` and records progress in it.
    pub fn compare_table(
        &mut self,
        table: &Table,
        opts: &CompareOptions,
        checkpoint: &mut Checkpoint,
        progress: &mut dyn FnMut(Progress<'_>),
    ) -> Result<TableResult, Error> {
        let name = table.qualified_name();
        let at = At {
            table: name.clone(),
            chunk: None,
        };
        let table_err = |e: chunker::Error| Error::Table {
            at: at.clone(),
            reason: e.to_string(),
        };
        let choice = choose_key(table, opts.index.as_deref()).map_err(table_err)?;
        let plans = (
            RowPlan::new(table, opts.algorithm, self.source_dialect),
            RowPlan::new(table, opts.algorithm, self.target_dialect),
        );
        let mut done = checkpoint.tables.get(&name).cloned().unwrap_or_default();
        let mut walker = match (&done.last_done, done.finished) {
            (_, true) => None,
            (Some(last), false) => Some(
                Walker::resume_after(table, &choice, opts.chunk_size, last).map_err(table_err)?,
            ),
            (None, false) => Some(Walker::new(table, &choice, opts.chunk_size).map_err(table_err)?),
        };
        let key = choice.key().cloned();
        let key_columns: Vec<String> = key
            .as_ref()
            .map(|k| k.column_names().map(str::to_string).collect())
            .unwrap_or_default();
        let start_in_flight = self.in_flight;
        while let Some(w) = walker.as_mut() {
            let target_dialect = self.target_dialect;
            let (source, target) = (&mut self.source, &mut self.target);
            opts.throttle.wait(
                &at,
                source,
                &mut [("target", target, target_dialect)],
                &mut |wait| progress(Progress::Waiting(wait)),
            )?;
            let Some(chunk) = next_chunk(&mut self.walk, "source", w, table)? else {
                done.finished = true;
                break;
            };
            let (mut s, mut t, elapsed) = self.both(
                opts.engine,
                (&plans.0, &plans.1),
                &chunk,
                key.as_ref(),
                table,
            )?;
            w.on_chunk_done(s.rows.max(t.rows), elapsed);
            let mut left = opts.rechecks;
            while s != t && left > 0 {
                left -= 1;
                progress(Progress::Recheck {
                    chunk: chunk.number,
                });
                std::thread::sleep(opts.recheck_wait);
                (s, t, _) = self.both(
                    opts.engine,
                    (&plans.0, &plans.1),
                    &chunk,
                    key.as_ref(),
                    table,
                )?;
                if s == t {
                    self.in_flight += 1;
                }
            }
            progress(Progress::Chunk {
                chunk: &chunk,
                source: &s,
                target: &t,
            });
            if s != t {
                done.differences.push(ChunkDiff::new(&chunk, s, t));
            }
            done.chunks += 1;
            done.finished = chunk.is_last();
            done.last_done = Some(chunk);
            save(checkpoint, &name, &done, opts)?;
            if done.finished {
                break;
            }
            if !opts.sleep.is_zero() {
                std::thread::sleep(opts.sleep);
            }
        }
        done.finished = true;
        save(checkpoint, &name, &done, opts)?;
        Ok(TableResult {
            table: name,
            index: key.map(|k| k.index),
            key_columns,
            chunks: done.chunks,
            in_flight: self.in_flight - start_in_flight,
            differences: done.differences,
        })
    }
}

fn save(
    checkpoint: &mut Checkpoint,
    name: &str,
    done: &crate::checkpoint::TableProgress,
    opts: &CompareOptions,
) -> Result<(), Error> {
    *checkpoint.table_mut(name) = done.clone();
    match &opts.checkpoint {
        Some(path) => checkpoint.save(path),
        None => Ok(()),
    }
}
