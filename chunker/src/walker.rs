//! The walker: a sans-I/O state machine that cuts a table into chunks.
//!
//! The walker never talks to a server. It says what to do next ([`Walker::next_action`]):
//! run a boundary query and feed the rows back ([`Walker::on_rows`]), checksum a chunk and
//! report how long it took ([`Walker::on_chunk_done`]), or stop. A driver for a live
//! connection is in `live` (feature `mysql`); tests drive it against an in-memory model.
//!
//! ## How boundaries are found
//!
//! With the current lower bound `L` (none for the first chunk) and chunk size `s`:
//!
//! ```sql
//! SELECT <key>, <key > L> FROM t FORCE INDEX (idx) WHERE <key >= L> ORDER BY <key> LIMIT ?, 1
//! ```
//!
//! bound with `s`: the row `s` places after `L`, i.e. the first row *after* a full chunk. Its
//! key `b` becomes the chunk's exclusive upper bound and the next chunk's inclusive lower
//! bound, so the chunks `[L, b)`, `[b, ...)` leave no gap between them for rows that exist only
//! on the other server (pt-table-checksum's `[L, r0]`, `[r1, ...]` does leave one, between its
//! two boundary rows). No row is returned: the rest of the table is the last chunk, open
//! above. The offset is at most one chunk size from a keyset bound; nothing scans from the
//! start of the table.
//!
//! ## Runs of equal keys
//!
//! The second column of the answer is the server's own verdict on `b > L`, in the column's
//! collation (so `'A'` after `'a'` under `utf8mb4_general_ci` is *not* progress, although the
//! bytes differ). When it is false, all of the `s + 1` rows from `L` on have the key `L`: a run
//! of equal values in a non-unique index, longer than a chunk. The walker then asks for the
//! first key strictly above `L`
//! (`SELECT <key> ... WHERE <key > L> ORDER BY <key> LIMIT 1`) and cuts the chunk there, marked
//! [`ChunkWarning::OversizedRun`]. Every step therefore raises the lower bound strictly, by
//! the server's order, and the walk ends. A server answer that does not (a boundary
//! byte-equal to `L` reported as progress) is an [`Error::NoProgress`], never a loop.
//!
//! ## Led walks (a caller that reads the rows anyway)
//!
//! A caller that reads every row of every chunk in key order anyway (a client-side checksum)
//! can find the boundaries itself and save the boundary queries, which read as many index
//! entries as the chunks hold (on a clustered primary key, whole rows). For a key that is
//! unique and NOT NULL ([`Key::unique`]) it asks [`Walker::next_led_read`] for the lower bound
//! and a row limit of the chunk size plus one, reads `key >= L ORDER BY key LIMIT size + 1`,
//! processes all but the last of those rows and reports the last row's key (or none, when
//! fewer rows came) to [`Walker::on_led_read`], which cuts the chunk `[L, b)` exactly as a
//! boundary query with that answer would have. With a unique key no other row shares `b`, so
//! the chunk holds exactly the rows processed.

use std::time::Duration;

use crate::chunk::{Bound, Chunk, ChunkWarning, TableRef};
use crate::error::Error;
use crate::key::{Key, KeyChoice, Strategy};
use crate::model::Table;
use crate::size::{ChunkSize, Selection, Sizer};
use crate::sql::{force_index, qualified};
use crate::value::Value;

/// What the caller must do next. (Deliberately exhaustive: a driver must handle every action.)
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Run this query and pass its rows to [`Walker::on_rows`].
    Query(Query),
    /// Checksum (or otherwise process) this chunk; optionally report its row count and time
    /// with [`Walker::on_chunk_done`] before asking for the next action.
    Chunk(Chunk),
    /// The walk is complete.
    Done,
}

/// A boundary query: SQL with `?` placeholders and the values to bind, in order.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    /// The statement (run it as a prepared statement with `binds`).
    pub sql: String,
    /// The values for the placeholders, in order.
    pub binds: Vec<Value>,
    /// What the query asks, in structured form (for drivers that answer it without SQL).
    pub kind: QueryKind,
}

/// What a [`Query`] asks, in terms of the walked key's order.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum QueryKind {
    /// Of the rows whose key is within `from`, in key order, skip `skip` and return the next
    /// one (or none): its key columns, then a flag column that is `1` when that key is
    /// strictly greater than `from`'s tuple (always `1` unless `from` is inclusive).
    Boundary {
        /// The lower bound the rows are taken from.
        from: Bound,
        /// How many rows to skip (the chunk size).
        skip: u64,
    },
    /// Return the first row (key columns only) whose key is strictly greater than `after`,
    /// or none.
    NextDistinct {
        /// The key tuple to go past.
        after: Vec<Value>,
    },
}

/// One read of a led walk ([`Walker::next_led_read`]): the rows whose key is within `lower`,
/// in key order, at most `limit` (the chunk size plus one).
#[derive(Clone, Debug, PartialEq)]
pub struct LedRead {
    /// The number the chunk will have.
    pub number: u64,
    /// The chunk's lower bound (`key >= L`, or unbounded for the first chunk).
    pub lower: Bound,
    /// How many rows to read: the chunk size plus the row that starts the next chunk.
    pub limit: u64,
}

#[derive(Clone, Debug)]
enum State {
    /// The next step is a boundary query.
    Cut,
    /// Waiting for the caller's led read.
    Leading(LedRead),
    /// Waiting for the rows of this query.
    Waiting(Query),
    /// A chunk is ready; `last` says whether the walk ends with it.
    Ready {
        chunk: Chunk,
        last: bool,
    },
    Finished,
}

/// The chunk walker for one table (see the module docs).
#[derive(Clone, Debug)]
pub struct Walker {
    table: TableRef,
    from_clause: String,
    key: Option<Key>,
    whole_table_reason: String,
    sizer: Sizer,
    selection: Option<Selection>,
    state: State,
    /// The number of the next chunk to be cut.
    number: u64,
    /// The lower bound of the next chunk to be cut.
    lower: Bound,
    /// The warning for the chunk being cut past a run of equal keys.
    pending_warning: Option<ChunkWarning>,
}

impl Walker {
    /// A walker over `table` by the key `choice` chose, cutting chunks of `size`.
    pub fn new(table: &Table, choice: &KeyChoice, size: ChunkSize) -> Result<Walker, Error> {
        if let Some(problem) = size.problem() {
            return Err(Error::InvalidSettings {
                table: table.qualified_name(),
                reason: problem,
            });
        }
        let (key, reason, from_clause) = match &choice.strategy {
            Strategy::Index(key) => (
                Some(key.clone()),
                String::new(),
                format!("{} {}", qualified(table), force_index(&key.index)),
            ),
            Strategy::WholeTable { reason } => (None, reason.clone(), qualified(table)),
        };
        Ok(Walker {
            table: TableRef::from(table),
            from_clause,
            key,
            whole_table_reason: reason,
            sizer: Sizer::new(size),
            selection: None,
            state: State::Cut,
            number: 0,
            lower: Bound::Unbounded,
            pending_warning: None,
        })
    }

    /// A walker that continues after `last`, a finished chunk of an earlier walk of the same
    /// table and key: chunk numbers go on from `last.number + 1` and the first chunk starts
    /// at the continuation of `last.upper`. After the last chunk of a walk, it is done.
    pub fn resume_after(
        table: &Table,
        choice: &KeyChoice,
        size: ChunkSize,
        last: &Chunk,
    ) -> Result<Walker, Error> {
        let mut walker = Walker::new(table, choice, size)?;
        let walked = walker.key.as_ref().map(|k| k.index.as_str());
        if last.index.as_deref() != walked || last.table != walker.table {
            return Err(Error::InvalidSettings {
                table: table.qualified_name(),
                reason: format!(
                    "cannot resume after chunk {} of {} on index {:?}: this walk is on index {:?}",
                    last.number, last.table, last.index, walked
                ),
            });
        }
        walker.number = last.number.saturating_add(1);
        match last.upper.continuation() {
            Some(lower) => walker.lower = lower,
            None => walker.state = State::Finished,
        }
        Ok(walker)
    }

    /// Hands out only the chunks `selection` selects (continual checking); needs a fixed
    /// [`ChunkSize::Rows`] so that chunk numbers mean the same ranges from run to run.
    pub fn with_selection(mut self, selection: Selection) -> Result<Walker, Error> {
        let problem = if selection.modulo == 0 || selection.offset >= selection.modulo {
            Some(format!(
                "modulo {} offset {}: need offset < modulo",
                selection.modulo, selection.offset
            ))
        } else if !matches!(self.sizer_mode(), ChunkSize::Rows(_)) {
            Some("a modulo selection needs a fixed chunk size in rows".to_string())
        } else {
            None
        };
        if let Some(reason) = problem {
            return Err(Error::InvalidSettings {
                table: self.table.to_string(),
                reason,
            });
        }
        self.selection = Some(selection);
        Ok(self)
    }

    fn sizer_mode(&self) -> ChunkSize {
        self.sizer.mode()
    }

    /// The walked key, unless the table is one whole chunk. Chunk predicates are built over
    /// its columns ([`Chunk::predicate`]).
    pub fn key(&self) -> Option<&Key> {
        self.key.as_ref()
    }

    /// The table walked.
    pub fn table(&self) -> &TableRef {
        &self.table
    }

    /// The number the next chunk cut will have.
    pub fn next_number(&self) -> u64 {
        self.number
    }

    /// The current chunk size in rows.
    pub fn chunk_size(&self) -> u64 {
        self.sizer.current()
    }

    /// The measured rate in rows per second (moving average), once a chunk was reported.
    pub fn rate(&self) -> Option<f64> {
        self.sizer.rate()
    }

    /// What to do next. Asking again before answering a query returns the same query (to
    /// retry it after a lost connection, say).
    pub fn next_action(&mut self) -> Action {
        loop {
            match std::mem::replace(&mut self.state, State::Finished) {
                State::Finished => return Action::Done,
                // A led read left unanswered is given up: the same range is cut by a query.
                State::Leading(_) => self.state = State::Cut,
                State::Waiting(query) => {
                    self.state = State::Waiting(query.clone());
                    return Action::Query(query);
                }
                State::Ready { chunk, last } => {
                    self.state = if last { State::Finished } else { State::Cut };
                    if self.selection.is_none_or(|s| s.selects(chunk.number)) {
                        return Action::Chunk(chunk);
                    }
                }
                State::Cut => match self.key.clone() {
                    None => {
                        let chunk = self.make_chunk(
                            Bound::Unbounded,
                            vec![ChunkWarning::WholeTable {
                                reason: self.whole_table_reason.clone(),
                            }],
                        );
                        self.state = State::Ready { chunk, last: true };
                    }
                    Some(key) => {
                        let query = self.boundary_query(&key);
                        self.state = State::Waiting(query.clone());
                        return Action::Query(query);
                    }
                },
            }
        }
    }

    /// Reports that the last chunk handed out held `rows` rows and took `elapsed` to
    /// process; a [`ChunkSize::TargetTime`] walk sizes the next chunks from it.
    pub fn on_chunk_done(&mut self, rows: u64, elapsed: Duration) {
        self.sizer.record(rows, elapsed);
    }

    /// Whether this walk can be led by the caller's own reads ([`Walker::next_led_read`]): the
    /// key's used parts are unique and NOT NULL, and no [`Selection`] skips chunks.
    pub fn can_lead(&self) -> bool {
        self.key.as_ref().is_some_and(|k| k.unique) && self.selection.is_none()
    }

    /// The next read of a led walk (see the module docs): `None` once the walk is done. An
    /// error when the walk cannot be led ([`Walker::can_lead`]) or a boundary query or an
    /// earlier led read is still unanswered.
    pub fn next_led_read(&mut self) -> Result<Option<LedRead>, Error> {
        if !self.can_lead() {
            return Err(
                self.bad_answer("a led walk needs a unique NOT NULL key and no chunk selection")
            );
        }
        match &self.state {
            State::Finished => Ok(None),
            State::Cut => {
                let read = LedRead {
                    number: self.number,
                    lower: self.lower.clone(),
                    limit: self.sizer.current().saturating_add(1),
                };
                self.state = State::Leading(read.clone());
                Ok(Some(read))
            }
            State::Leading(read) => Ok(Some(read.clone())),
            State::Waiting(_) | State::Ready { .. } => Err(self.bad_answer(
                "a led read was asked for while a boundary query or chunk was pending",
            )),
        }
    }

    /// Answers the pending led read: `next` is the key of its last row when the read returned
    /// all `limit` rows (that row starts the next chunk), `None` when it returned fewer (the
    /// chunk is the last, open above). Returns the chunk the processed rows make up.
    pub fn on_led_read(&mut self, next: Option<Vec<Value>>) -> Result<Chunk, Error> {
        let State::Leading(_) = &self.state else {
            return Err(self.bad_answer("a led read was answered, but none was asked for"));
        };
        self.state = State::Cut;
        match next {
            Some(boundary) => {
                let width = self.key.as_ref().map_or(0, |k| k.columns.len());
                if boundary.len() != width {
                    return Err(self.bad_answer(&format!(
                        "expected {width} key columns, got {}",
                        boundary.len()
                    )));
                }
                self.cut_at(boundary, Vec::new())?;
            }
            None => self.finish_at(Vec::new())?,
        }
        match self.next_action() {
            Action::Chunk(chunk) => Ok(chunk),
            _ => Err(self.bad_answer("a led read cut no chunk")),
        }
    }

    /// Feeds the rows the last [`Action::Query`] returned.
    pub fn on_rows(&mut self, rows: Vec<Vec<Value>>) -> Result<(), Error> {
        let State::Waiting(query) = &self.state else {
            return Err(self.bad_answer("rows given, but no query is waiting for them"));
        };
        let (Some(key), kind) = (self.key.as_ref(), query.kind.clone()) else {
            return Err(self.bad_answer("rows given, but no query is waiting for them"));
        };
        let width = key.columns.len();
        if rows.len() > 1 {
            return Err(self.bad_answer(&format!("expected at most 1 row, got {}", rows.len())));
        }
        let row = rows.into_iter().next();
        match kind {
            QueryKind::Boundary { from, skip } => {
                let Some(mut row) = row else {
                    return self.finish_at(Vec::new());
                };
                if row.len() != width + 1 {
                    return Err(self.bad_answer(&format!(
                        "expected {} columns (key and flag), got {}",
                        width + 1,
                        row.len()
                    )));
                }
                let flag = row.pop().unwrap_or(Value::Null);
                let progressed = match from {
                    Bound::Inclusive(_) => self.flag(&flag)?,
                    Bound::Exclusive(_) | Bound::Unbounded => true,
                };
                if progressed {
                    self.cut_at(row, Vec::new())
                } else {
                    let rows_at_least = skip.saturating_add(1);
                    let warning = ChunkWarning::OversizedRun { rows_at_least };
                    let after = from.values().map(<[Value]>::to_vec).unwrap_or_default();
                    let query = self.next_distinct_query(key, after);
                    self.pending_warning = Some(warning);
                    self.state = State::Waiting(query);
                    Ok(())
                }
            }
            QueryKind::NextDistinct { .. } => {
                let warnings: Vec<ChunkWarning> = self.pending_warning.take().into_iter().collect();
                match row {
                    None => self.finish_at(warnings),
                    Some(row) if row.len() != width => Err(self
                        .bad_answer(&format!("expected {width} key columns, got {}", row.len()))),
                    Some(row) => self.cut_at(row, warnings),
                }
            }
        }
    }
}

mod steps;
#[cfg(test)]
mod tests;
