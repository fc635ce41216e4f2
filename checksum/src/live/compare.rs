//! Two servers, chunk by chunk, at the same time.
//!
//! The chunker walks the source's index on a connection and a thread of its own, one chunk
//! ahead; each chunk is checksummed on the source and the target at once, on two threads.
//! With the client engine and a unique key whose values read back as themselves, the walk is
//! *led* instead (module `led`): the source's own ordered reads cut the chunks, and the target
//! reads each chunk while the source reads the next, so no boundary query runs.
//! A chunk that differs while no write can have been in flight (see `pair`) is drift at once;
//! the others are checksummed again on both once the walk is over, at least `recheck_wait`
//! after the last of them, up to `rechecks` rounds: a chunk that agrees then was a write in
//! flight and is counted, not reported. Progress (last finished chunk, chunks awaiting their
//! recheck, confirmed differences) goes to the checkpoint after every chunk.

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chunker::{choose_key, Chunk, ChunkSize, Table, Walker};
use mysql::Conn;

use super::led::{self, walk_led, Led, LedEvent};
use super::pair::{both, PairResult, SourceWrites};
use super::throttle::{Throttle, Wait};
use super::{
    next_chunk, open, open_rows, prepare_session, server_err, table_err, Engine, RowConn,
    Unsupported,
};
use crate::checkpoint::{Checkpoint, TableProgress};
use crate::engine::{ChunkChecksum, RowPlan};
use crate::error::{At, Error};
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
    /// How the client engine reads rows: by the direct reader where it logged in (the
    /// default), or always by the driver.
    pub rows: RowReader,
}

/// How the client engine reads rows. Both give the same values; the direct reader decodes
/// each row in place, without the driver's per-row allocations (about half the checker's
/// instructions on the 1M-row bench).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RowReader {
    /// The direct reader, on a connection of its own to each server, where
    /// [`Comparer::connect`] could open one (plain TCP or a socket, `mysql_native_password`
    /// or `caching_sha2_password`'s fast path); otherwise the driver.
    #[default]
    Direct,
    /// Always the driver (`mysql` crate).
    Driver,
}

impl std::str::FromStr for RowReader {
    type Err = String;

    fn from_str(s: &str) -> Result<RowReader, String> {
        match s.to_ascii_lowercase().as_str() {
            "direct" => Ok(RowReader::Direct),
            "driver" => Ok(RowReader::Driver),
            other => Err(format!(
                "unknown row reader {other:?} (expected direct or driver)"
            )),
        }
    }
}

impl Default for CompareOptions {
    fn default() -> CompareOptions {
        CompareOptions {
            algorithm: Algorithm::Strong,
            engine: Engine::default(),
            chunk_size: ChunkSize::DEFAULT,
            index: None,
            rechecks: 1,
            recheck_wait: Duration::from_millis(500),
            throttle: Throttle::default(),
            sleep: Duration::ZERO,
            checkpoint: None,
            rows: RowReader::default(),
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
        /// The source's value (at the first check).
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

/// Three connections: one walks the source's index, one checksums the source, one the target;
/// and, where they could log in, the direct row readers of the source and the target.
#[derive(Debug)]
pub struct Comparer {
    walk: Conn,
    source: Conn,
    target: Conn,
    source_rows: Result<RowConn, Unsupported>,
    target_rows: Result<RowConn, Unsupported>,
    source_dialect: Dialect,
    target_dialect: Dialect,
    in_flight: u64,
}

impl Comparer {
    /// Connects to both servers (URLs as the `mysql` crate takes them) by [`open`]: with a
    /// TCP connect timeout and a login timeout, errors in words, passwords hidden. Also opens
    /// the direct row readers ([`RowReader::Direct`]) where it can; where it cannot, the
    /// driver reads the rows and [`Comparer::row_readers`] says why.
    pub fn connect(source_url: &str, target_url: &str) -> Result<Comparer, Error> {
        let mut c = Comparer::from_conns(
            open(source_url, "source")?,
            open(source_url, "source")?,
            open(target_url, "target")?,
        )?;
        c.open_row_readers(source_url, target_url);
        Ok(c)
    }

    /// Opens the direct row readers to the servers at these URLs (the ones the connections
    /// given to [`Comparer::from_conns`] went to). Where one cannot log in, the driver keeps
    /// reading that side's rows; [`Comparer::row_readers`] says why.
    pub fn open_row_readers(&mut self, source_url: &str, target_url: &str) {
        self.source_rows = open_rows(source_url);
        self.target_rows = open_rows(target_url);
    }

    /// How the client engine reads each side's rows (source, target): `Ok(())` by the
    /// direct reader, or why the driver does.
    pub fn row_readers(&self) -> (Result<(), &Unsupported>, Result<(), &Unsupported>) {
        fn how(r: &Result<RowConn, Unsupported>) -> Result<(), &Unsupported> {
            r.as_ref().map(|_| ())
        }
        (how(&self.source_rows), how(&self.target_rows))
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
        let not_opened = || Unsupported("not opened (Comparer::open_row_readers)".into());
        Ok(Comparer {
            walk,
            source,
            target,
            source_rows: Err(not_opened()),
            target_rows: Err(not_opened()),
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

    /// Compares one table; resumes from `checkpoint` and records progress in it.
    ///
    /// The walker runs on a thread of its own (on the walk connection), one chunk ahead of the
    /// checksums, so the source's boundary scans overlap the two servers' checksums.
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
        let table_err = |e: chunker::Error| table_err(&at, None, &e);
        let choice = choose_key(table, opts.index.as_deref()).map_err(table_err)?;
        let plans = (
            RowPlan::new(table, opts.algorithm, self.source_dialect),
            RowPlan::new(table, opts.algorithm, self.target_dialect),
        );
        let mut done = checkpoint.tables.get(&name).cloned().unwrap_or_default();
        let key = choice.key().cloned();
        // The key a led walk follows (client engine, a key that reads back as itself).
        let led_key = key
            .as_ref()
            .filter(|k| opts.engine == Engine::Client && led::key_reads_back(k));
        let size = if led_key.is_some() {
            led::chunk_size(opts.chunk_size)
        } else {
            opts.chunk_size
        };
        let walker = match (&done.last_done, done.finished) {
            (_, true) => None,
            (Some(last), false) => {
                Some(Walker::resume_after(table, &choice, size, last).map_err(table_err)?)
            }
            (None, false) => Some(Walker::new(table, &choice, size).map_err(table_err)?),
        };
        let key_columns: Vec<String> = key
            .as_ref()
            .map(|k| k.column_names().map(str::to_string).collect())
            .unwrap_or_default();
        let start_in_flight = self.in_flight;
        let mut writes = SourceWrites::new();
        let mut last_diff_at: Option<Instant> = None;
        let Comparer {
            walk,
            source,
            target,
            source_rows,
            target_rows,
            source_dialect,
            target_dialect,
            in_flight,
        } = self;
        let (mut source_rows, mut target_rows) = match opts.rows {
            RowReader::Direct => (source_rows.as_mut().ok(), target_rows.as_mut().ok()),
            RowReader::Driver => (None, None),
        };
        let dialects = (*source_dialect, *target_dialect);
        let pair = |source: &mut Conn,
                    target: &mut Conn,
                    rows: (Option<&mut RowConn>, Option<&mut RowConn>),
                    chunk: &Chunk,
                    writes: &mut SourceWrites| {
            both(
                source,
                target,
                rows,
                opts.engine,
                (&plans.0, &plans.1),
                chunk,
                key.as_ref(),
                table,
                writes,
                dialects,
            )
        };
        let mut record = |chunk: Chunk,
                          r: PairResult,
                          done: &mut TableProgress,
                          progress: &mut dyn FnMut(Progress<'_>)|
         -> Result<(), Error> {
            progress(Progress::Chunk {
                chunk: &chunk,
                source: &r.source,
                target: &r.target,
            });
            if r.source != r.target {
                if opts.rechecks > 0 && !r.quiet {
                    done.pending.push(chunk.clone());
                    last_diff_at = Some(Instant::now());
                } else {
                    done.differences
                        .push(ChunkDiff::new(&chunk, r.source, r.target));
                }
            }
            done.chunks += 1;
            done.last_done = Some(chunk);
            save(checkpoint, &name, done, opts)?;
            if !opts.sleep.is_zero() {
                std::thread::sleep(opts.sleep);
            }
            Ok(())
        };
        match (walker, led_key) {
            (Some(walker), Some(led_key)) if walker.can_lead() => {
                let led = Led {
                    walk,
                    source,
                    target,
                    rows: (source_rows.as_deref_mut(), target_rows.as_deref_mut()),
                    plans: (&plans.0, &plans.1),
                    dialects,
                    key: led_key,
                    table,
                };
                walk_led(led, walker, opts, &mut writes, &mut |event| match event {
                    LedEvent::Waiting(wait) => {
                        progress(Progress::Waiting(wait));
                        Ok(())
                    }
                    LedEvent::Pair(pair) => {
                        let (chunk, r) = *pair;
                        record(chunk, r, &mut done, progress)
                    }
                })?;
            }
            (Some(mut walker), _) => {
                let (chunk_tx, chunk_rx) = mpsc::sync_channel::<Result<Chunk, Error>>(1);
                let (done_tx, done_rx) = mpsc::channel::<(u64, Duration)>();
                std::thread::scope(|scope| -> Result<(), Error> {
                    scope.spawn(move || loop {
                        while let Ok((rows, elapsed)) = done_rx.try_recv() {
                            walker.on_chunk_done(rows, elapsed);
                        }
                        match next_chunk(walk, "source", &mut walker, table) {
                            Ok(Some(chunk)) => {
                                let last = chunk.is_last();
                                if chunk_tx.send(Ok(chunk)).is_err() || last {
                                    break;
                                }
                            }
                            Ok(None) => break,
                            Err(e) => {
                                let _ = chunk_tx.send(Err(e));
                                break;
                            }
                        }
                    });
                    for chunk in chunk_rx {
                        let chunk = chunk?;
                        opts.throttle.wait(
                            &at,
                            source,
                            &mut [("target", target, *target_dialect)],
                            &mut |wait| progress(Progress::Waiting(wait)),
                        )?;
                        let rows = (source_rows.as_deref_mut(), target_rows.as_deref_mut());
                        let r = pair(source, target, rows, &chunk, &mut writes)?;
                        let _ = done_tx.send((r.source.rows.max(r.target.rows), r.elapsed));
                        record(chunk, r, &mut done, progress)?;
                    }
                    Ok(())
                })?;
            }
            (None, _) => {}
        }
        // Recheck the chunks that differed while writes were possible, all together: one
        // wait (less the time the walk already took since the last of them) per round.
        let mut round = 0;
        while !done.pending.is_empty() && !done.finished {
            round += 1;
            let waited = last_diff_at.map_or(Duration::ZERO, |t| t.elapsed());
            std::thread::sleep(opts.recheck_wait.saturating_sub(waited));
            last_diff_at = Some(Instant::now());
            let mut still = Vec::new();
            for chunk in std::mem::take(&mut done.pending) {
                progress(Progress::Recheck {
                    chunk: chunk.number,
                });
                let rows = (source_rows.as_deref_mut(), target_rows.as_deref_mut());
                let r = pair(source, target, rows, &chunk, &mut writes)?;
                if r.source == r.target {
                    *in_flight += 1;
                } else if round >= opts.rechecks || r.quiet {
                    done.differences
                        .push(ChunkDiff::new(&chunk, r.source, r.target));
                } else {
                    still.push(chunk);
                }
            }
            done.pending = still;
            done.differences.sort_by_key(|d| d.chunk);
            save(checkpoint, &name, &done, opts)?;
        }
        done.finished = true;
        save(checkpoint, &name, &done, opts)?;
        Ok(TableResult {
            table: name,
            index: key.map(|k| k.index),
            key_columns,
            chunks: done.chunks,
            in_flight: *in_flight - start_in_flight,
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
