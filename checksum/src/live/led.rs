//! The client engine's led walk: the source's own row reads cut the chunks.
//!
//! The client engine reads every row of every chunk anyway. With a unique NOT NULL key, the
//! source's read of a chunk can be `key >= L ORDER BY key LIMIT size + 1`: all but the last row
//! are the chunk, the last row's key is its exclusive upper bound ([`chunker::Walker`]'s led
//! walk). That saves the walker's boundary queries, which read as many index entries as the
//! chunks hold (on a clustered primary key, whole rows: about as much server work as the
//! reads themselves).
//!
//! The source's thread reads chunk after chunk; the target reads each chunk, bounded by the
//! source's answer, while the source reads the next. A chunk is *quiet* (a difference in it is
//! drift, with no recheck) when the source's write counter did not move from the start of its
//! read to the end of the target's read of the same chunk (sampled on the walk connection),
//! the target's did not move during its read, and a replica target had applied everything the
//! source had written; otherwise it is rechecked as in the walker path.
//!
//! Used only where a key value read in the rows' binary result form binds back to the same
//! key: integers, DECIMAL, FLOAT/DOUBLE, dates and times, binary strings, and character
//! columns in the UTF-8 family or ASCII (whose stored bytes are the connection's). ENUM, SET,
//! BIT and other character sets take the walker path.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use chunker::sql::ident_list;
use chunker::{Bound, Chunk, ChunkSize, ColumnType, Key, LedRead, Table, Walker};
use mysql::prelude::Queryable;
use mysql::{Conn, Params};

use super::pair::{one_side, write_counter, PairResult, SourceWrites};
use super::throttle::Wait;
use super::{
    bad_row, from_mysql, push_mysql_row, push_row_view, read_rows, server_err, table_err, ChunkRef,
    CompareOptions, Engine, RowConn,
};
use crate::engine::{ChunkChecksum, RowPlan};
use crate::error::{At, Error};
use crate::sql::Scope;
use crate::Dialect;

/// Whether `key`'s values, as the client engine reads them, bind back as the same key.
pub(super) fn key_reads_back(key: &Key) -> bool {
    key.unique
        && key.columns.iter().all(|c| match &c.column_type {
            ColumnType::Integer { .. }
            | ColumnType::Decimal { .. }
            | ColumnType::Float { .. }
            | ColumnType::Double { .. }
            | ColumnType::Date
            | ColumnType::DateTime { .. }
            | ColumnType::Timestamp { .. }
            | ColumnType::Time { .. }
            | ColumnType::Year
            | ColumnType::Binary { .. } => true,
            ColumnType::Text { .. } => c.collation.as_ref().is_some_and(|coll| {
                matches!(coll.charset(), "utf8mb4" | "utf8mb3" | "utf8" | "ascii")
            }),
            _ => false,
        })
}

/// The chunk size of a led walk: a target time a fifth of the one asked for (0.1 s for the
/// default 0.5 s), at least 10 ms. The target reads a chunk while the source reads the next,
/// so the first chunk's read on the source and the last one's on the target run alone: smaller
/// chunks keep that short. Fixed sizes in rows are kept.
pub(super) fn chunk_size(asked: ChunkSize) -> ChunkSize {
    match asked {
        ChunkSize::TargetTime {
            target,
            initial,
            min,
            max,
        } => ChunkSize::TargetTime {
            target: (target / 5).max(Duration::from_millis(10)),
            initial,
            min,
            max,
        },
        other => other,
    }
}

/// The connections and fixed inputs of a led walk.
pub(super) struct Led<'a> {
    pub(super) walk: &'a mut Conn,
    pub(super) source: &'a mut Conn,
    pub(super) target: &'a mut Conn,
    /// The direct row readers of the source and the target, where they could log in.
    pub(super) rows: (Option<&'a mut RowConn>, Option<&'a mut RowConn>),
    pub(super) plans: (&'a RowPlan, &'a RowPlan),
    pub(super) dialects: (Dialect, Dialect),
    pub(super) key: &'a Key,
    pub(super) table: &'a Table,
}

/// One led read on the source.
struct SourceRead {
    /// The checksum of all rows but the last one read.
    sum: ChunkChecksum,
    /// The last row's key when the read returned all `limit` rows: the chunk's upper bound.
    next: Option<Vec<chunker::Value>>,
    elapsed: Duration,
    /// The source's write counter before and after the read.
    before: u64,
    after: u64,
}

/// The source's part of one chunk: the chunk its read cut, and the read.
struct SourceSide {
    chunk: Chunk,
    read: SourceRead,
}

/// What a led walk tells its caller.
pub(super) enum LedEvent<'w> {
    /// The run waits (load, lag or pause file).
    Waiting(&'w Wait),
    /// A chunk with both sides' values, in chunk order.
    Pair(Box<(Chunk, PairResult)>),
}

/// Walks `walker` led by the source's reads; hands every chunk with both sides' values to
/// `on_event` in order.
pub(super) fn walk_led(
    led: Led<'_>,
    mut walker: Walker,
    opts: &CompareOptions,
    writes: &mut SourceWrites,
    on_event: &mut dyn FnMut(LedEvent<'_>) -> Result<(), Error>,
) -> Result<(), Error> {
    let Led {
        walk,
        source,
        target,
        rows: (mut source_rows, mut target_rows),
        plans,
        dialects,
        key,
        table,
    } = led;
    let at = plans.0.at(None);
    // The key columns' places in the row.
    let places: Vec<usize> = key
        .columns
        .iter()
        .map(|k| table.columns.iter().position(|c| c.name == k.name))
        .collect::<Option<_>>()
        .ok_or_else(|| Error::Table {
            at: at.clone(),
            reason: "a key column is not among the table's columns".into(),
        })?;
    let (tx, rx) = mpsc::sync_channel::<Result<SourceSide, Error>>(1);
    std::thread::scope(|scope| -> Result<(), Error> {
        let places = &places;
        scope.spawn(move || loop {
            let side = match walker.next_led_read() {
                Ok(None) => break,
                Ok(Some(led)) => read_source(
                    source,
                    source_rows.as_deref_mut(),
                    plans.0,
                    key,
                    table,
                    places,
                    &led,
                )
                .and_then(|mut read| {
                    let chunk = walker
                        .on_led_read(read.next.take())
                        .map_err(|e| table_err(&plans.0.at(Some(led.number)), None, &e))?;
                    walker.on_chunk_done(read.sum.rows, read.elapsed);
                    Ok(SourceSide { chunk, read })
                }),
                Err(e) => Err(table_err(&plans.0.at(None), None, &e)),
            };
            let stop = side.as_ref().map_or(true, |s| s.chunk.is_last());
            if tx.send(side).is_err() || stop {
                break;
            }
        });
        for side in rx {
            let side = side?;
            let number = side.chunk.number;
            opts.throttle.wait(
                &at,
                walk,
                &mut [("target", target, dialects.1)],
                &mut |wait| {
                    let _ = on_event(LedEvent::Waiting(wait));
                },
            )?;
            let caught = writes.target_caught_up(walk, target, dialects, plans.0, number)?;
            let t_ref = ChunkRef {
                plan: plans.1,
                chunk: &side.chunk,
                key: Some(key),
            };
            let (t, t_elapsed, t_before, t_after) = one_side(
                target,
                target_rows.as_deref_mut(),
                "target",
                Engine::Client,
                t_ref,
                table,
            )?;
            let source_now = write_counter(walk, plans.0, number, "source")?;
            let s = &side.read;
            let quiet = s.before == s.after
                && s.after == source_now
                && caught == Some(s.before)
                && t_before == t_after;
            on_event(LedEvent::Pair(Box::new((
                side.chunk,
                PairResult {
                    elapsed: side.read.elapsed.max(t_elapsed),
                    source: side.read.sum,
                    target: t,
                    quiet,
                },
            ))))?;
        }
        Ok(())
    })
}

/// One led read on the source (see [`SourceRead`]), its rows read on `rows` when given.
fn read_source(
    conn: &mut Conn,
    rows: Option<&mut RowConn>,
    plan: &RowPlan,
    key: &Key,
    table: &Table,
    places: &[usize],
    read: &LedRead,
) -> Result<SourceRead, Error> {
    let at = plan.at(Some(read.number));
    let before = write_counter(conn, plan, read.number, "source")?;
    let started = Instant::now();
    let (pred, mut binds) = match &read.lower {
        Bound::Unbounded => (None, Vec::new()),
        lower => {
            let (sql, binds) = lower.lower_predicate(&key.columns);
            (Some(sql), binds)
        }
    };
    let scope = Scope {
        index: Some(&key.index),
        predicate: pred.as_deref(),
    };
    let sql = format!(
        "{} ORDER BY {} LIMIT ?",
        plan.rows_sql(&scope),
        ident_list(key.column_names())
    );
    binds.push(chunker::Value::UInt(read.limit));
    let binds: Vec<mysql::Value> = binds.iter().map(chunker::live::to_mysql).collect();
    let mut hasher = plan.hasher(Some(read.number));
    let (mut seen, mut next) = (0u64, None);
    let too_many = || Error::BadResult {
        at: at.clone(),
        detail: format!("a read limited to {} rows returned more", read.limit),
    };
    match rows {
        Some(rows) if rows.usable() => {
            let mut route = None;
            read_rows(rows, &sql, &binds, "source", &at, &mut |row| {
                seen += 1;
                if seen < read.limit {
                    push_row_view(&mut hasher, row, table, &at, &mut route)
                } else if seen == read.limit {
                    let mut bad = None;
                    let raw: Vec<Option<mysql::Value>> =
                        row.cells(&mut bad).map(|c| Some(c.to_mysql())).collect();
                    bad_row(&at, table, bad)?;
                    next = Some(key_values(&at, table, places, &raw)?);
                    Ok(())
                } else {
                    Err(Box::new(too_many()))
                }
            })?;
        }
        _ => {
            let result = conn
                .exec_iter(sql, Params::Positional(binds))
                .map_err(|e| server_err(at.clone(), "source", e))?;
            for row in result {
                let row = row.map_err(|e| server_err(at.clone(), "source", e))?;
                let raw = row.unwrap_raw();
                seen += 1;
                if seen < read.limit {
                    push_mysql_row(&mut hasher, &raw, table, &at)?;
                } else if seen == read.limit {
                    next = Some(key_values(&at, table, places, &raw)?);
                } else {
                    return Err(too_many());
                }
            }
        }
    }
    let elapsed = started.elapsed();
    let after = write_counter(conn, plan, read.number, "source")?;
    Ok(SourceRead {
        sum: hasher.finish(),
        next,
        elapsed,
        before,
        after,
    })
}

/// The key values (at `places`) of a row read as `raw`: the next chunk's lower bound.
fn key_values(
    at: &At,
    table: &Table,
    places: &[usize],
    raw: &[Option<mysql::Value>],
) -> Result<Vec<chunker::Value>, Error> {
    let mut key = Vec::with_capacity(places.len());
    for &i in places {
        let (value, column) =
            raw.get(i)
                .zip(table.columns.get(i))
                .ok_or_else(|| Error::RowWidth {
                    at: at.clone(),
                    expected: table.columns.len(),
                    found: raw.len(),
                })?;
        key.push(from_mysql(
            at,
            column,
            value.clone().unwrap_or(mysql::Value::NULL),
        )?);
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::key_reads_back;
    use chunker::{choose_key, Collation, Column, ColumnType, Index, Table, TextKind};

    fn key_of(column: Column, unique: bool) -> chunker::Key {
        let index = if unique {
            Index::primary(vec![column.name.clone()])
        } else {
            Index::non_unique("k", vec![column.name.clone()])
        };
        let table = Table::new("d", "t").column(column).index(index);
        choose_key(&table, None)
            .expect("choice")
            .key()
            .cloned()
            .expect("key")
    }

    fn text(collation: &str) -> Column {
        Column::new(
            "k",
            ColumnType::Text {
                kind: TextKind::Var,
                max_len: 10,
            },
        )
        .collation(Collation::new(collation))
    }

    #[test]
    fn only_keys_that_read_back_as_themselves_lead() {
        let int = Column::new(
            "k",
            ColumnType::Integer {
                bytes: 4,
                unsigned: false,
            },
        );
        assert!(key_reads_back(&key_of(int.clone(), true)));
        assert!(!key_reads_back(&key_of(int, false)), "not unique");
        assert!(key_reads_back(&key_of(text("utf8mb4_general_ci"), true)));
        assert!(key_reads_back(&key_of(text("utf8mb3_bin"), true)));
        // latin1 bytes are not utf8mb4 text, an ENUM reads as its label, not its number.
        assert!(!key_reads_back(&key_of(text("latin1_swedish_ci"), true)));
        let e = Column::new(
            "k",
            ColumnType::Enum {
                variants: vec!["a".into(), "b".into()],
            },
        );
        assert!(!key_reads_back(&key_of(e, true)));
    }
}
