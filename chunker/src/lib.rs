//! Choosing an index and cutting a MySQL/MariaDB table into key ranges ("chunks") that
//! partition its key space, for checksumming and comparing tables chunk by chunk.
//!
//! This crate decides *what* to read: which index to walk ([`choose_key`]), where each chunk
//! starts and ends ([`Walker`]), and the SQL predicate that selects a chunk's rows
//! ([`Chunk::predicate`]). It is **not** a checksum (that is the `checksum` crate, which
//! consumes these chunks), not a row differ or repair planner (`sync-plan`), and by default it
//! does no I/O at all: the walker is a sans-I/O state machine that asks its caller to run
//! queries and feeds on the rows, so tests drive it against an in-memory model and the
//! optional `live` module (feature `mysql`) drives it over a real connection.
//!
//! What it guarantees:
//!
//! - **No gaps, no overlaps.** Each chunk is `[lower, upper)`; the next starts at the same
//!   tuple, inclusive; the first chunk is open below and the last open above. Every key
//!   tuple, including those only the *other* server has, is in exactly one chunk, whatever
//!   the collation says about equality (the server evaluates both sides of every boundary).
//! - **Any key a real table has.** Signed and unsigned integers, `DECIMAL` (compared as
//!   DECIMAL, not as DOUBLE), `CHAR`/`VARCHAR` in any collation, `BINARY`/`VARBINARY`, dates
//!   and times, `ENUM`/`SET`/`BIT` (by number, the server's order), `FLOAT`/`DOUBLE` (bound as
//!   the stored value), `FLOAT(M,D)`/`DOUBLE(M,D)`, nullable parts (NULL first), composite
//!   keys; identifiers of any content are backtick-quoted and values are always bound as `?`,
//!   so `ANSI_QUOTES` and `NO_BACKSLASH_ESCAPES` change nothing.
//! - **`FLOAT(M,D)`/`DOUBLE(M,D)` keys holding more than the type says.** An in-place
//!   `ALTER TABLE ... MODIFY k FLOAT(7,2), ALGORITHM=INSTANT` on a plain `FLOAT` column keeps
//!   the stored floats, and so does row-based replication from a plain column: values with
//!   more decimals than `D`, or beyond the declared range. MariaDB 10.11 rounds a bound to `D`
//!   decimals and clamps it to that range before an index range scan (over a FLOAT(7,2)
//!   index, `k >= 0.135` misses a stored 0.135 and `k = 0.125` finds no stored 0.125),
//!   although the comparison row by row is exact. Such parts are therefore compared through a
//!   range widened past that rounding and an exact filter the range optimizer cannot use,
//!   `k >= CAST(? AS DECIMAL(65,D)) AND (k + 0e0) >= ?` ([`predicate`]): every row is in
//!   exactly one chunk, and chunks still read index ranges. A chunk reads a few units of
//!   `10^-D` beyond each bound, and one bounded at or past the declared range (or ±1e34)
//!   scans to that end of the index. Other key types' SQL is unchanged.
//! - **`UNSIGNED` `FLOAT`, `DOUBLE` and `DECIMAL` keys holding negative values.** No SQL
//!   write stores a negative value in such a column (strict mode refuses it, otherwise 0 is
//!   stored, and `ALTER` to `UNSIGNED` must copy the table), but row-based replication from a
//!   signed column on the primary applies it unchanged. MariaDB 10.11 sorts such values below
//!   0 in an index and compares them exactly row by row, but clamps a negative constant to 0
//!   before an index range scan: `k >= -1.5` starts at 0, `k = -1.5` finds nothing. The model
//!   records `UNSIGNED` for these types ([`Column::unsigned`](Column#structfield.unsigned)),
//!   and a part of such a column compared with a negative bound has no range below, `k <= 0`
//!   above, and the exact filter `(k + 0e0)` (`(k + 0)` for a DECIMAL) ([`predicate`]).
//!   Chunks among the negative keys scan them from the index's start. Bounds of 0 and above
//!   keep the plain comparison.
//! - **Always progress.** Runs of equal values in a non-unique index longer than a chunk are
//!   detected by the server's own comparison and cut past, with a warning on the chunk;
//!   answers that would not advance are errors, never loops. No `OFFSET` scans: each
//!   boundary query skips at most one chunk size from a keyset bound.
//! - **Explicit fallbacks.** A table with no usable index is one whole-table chunk with the
//!   reason ([`Strategy::WholeTable`]), never a silent skip.
//!
//! # Example
//!
//! A walk driven by hand, answered from a sorted list standing in for the server:
//!
//! ```
//! use chunker::{choose_key, Action, Bound, ChunkSize, Column, ColumnType, Index, QueryKind,
//!               Table, Value, Walker};
//!
//! let table = Table::new("shop", "orders")
//!     .column(Column::new("id", ColumnType::Integer { bytes: 8, unsigned: true }))
//!     .index(Index::primary(["id"]));
//! let choice = choose_key(&table, None)?;
//! let mut walker = Walker::new(&table, &choice, ChunkSize::Rows(2))?;
//!
//! let ids: Vec<u64> = vec![10, 20, 30, 40, 50];
//! let mut chunks = Vec::new();
//! loop {
//!     match walker.next_action() {
//!         Action::Query(query) => {
//!             // A real driver runs `query.sql` with `query.binds` (see `live::run_walker`).
//!             let QueryKind::Boundary { from, skip } = &query.kind else { unreachable!() };
//!             let start = match from {
//!                 Bound::Inclusive(v) if v[0] == Value::UInt(30) => 2,
//!                 Bound::Inclusive(v) if v[0] == Value::UInt(50) => 4,
//!                 _ => 0,
//!             };
//!             let row = ids.get(start + *skip as usize).map(|id| {
//!                 vec![Value::UInt(*id), Value::Int(1)] // the key, then "is it > from?"
//!             });
//!             walker.on_rows(row.into_iter().collect())?;
//!         }
//!         Action::Chunk(chunk) => chunks.push(chunk),
//!         Action::Done => break,
//!     }
//! }
//! assert_eq!(chunks.len(), 3);
//! assert_eq!(chunks[0].upper, Bound::Exclusive(vec![Value::UInt(30)]));
//! assert_eq!(chunks[1].lower, Bound::Inclusive(vec![Value::UInt(30)]));
//! assert_eq!(chunks[2].upper, Bound::Unbounded);
//!
//! let key = &choice.key().expect("walked by PRIMARY").columns;
//! let (sql, binds) = chunks[1].predicate(key);
//! assert_eq!(sql, "((`id` >= ?)) AND ((`id` < ?))");
//! assert_eq!(binds, [Value::UInt(30), Value::UInt(50)]);
//! # Ok::<(), chunker::Error>(())
//! ```
//!
//! # Map
//!
//! | item | what |
//! |---|---|
//! | [`Table`], [`Column`], [`ColumnType`], [`Index`], [`Collation`], [`Value`] | the table model and wire values, shared with `checksum` and `sync-plan` |
//! | [`choose_key`] → [`KeyChoice`] ([`Strategy`], [`Key`], [`KeyColumn`], [`Rule`], [`Skipped`]) | which index, by which rule, and why others were not used |
//! | [`Walker`], [`Action`], [`Query`], [`QueryKind`] | the sans-I/O walk |
//! | [`Chunk`], [`Bound`], [`ChunkWarning`], [`TableRef`] | serializable chunks and their predicates |
//! | [`ChunkSize`], [`Selection`] | fixed or time-targeted sizes; modulo/offset slices for continual checking |
//! | [`predicate`] | keyset predicates (`((a > ?) OR (a = ? AND b >= ?))`); [`predicate::exact_range`], the index range of `k = v` where the server would round or clamp `v` (a `FLOAT(M,D)`/`DOUBLE(M,D)` part, a negative value of an `UNSIGNED` `FLOAT`/`DOUBLE`/`DECIMAL`), for other statements that find rows by such a value |
//! | [`sql`] | identifier quoting |
//! | [`schema`] | `information_schema` text (types, ENUM labels) to the model |
//! | `live` (feature `mysql`) | `load_table`, `to_mysql`/`from_mysql`, `run_walker` |
//! | [`Error`] | the one error type, naming table and chunk |
//!
//! # Features
//!
//! - `mysql` (off by default): the `live` module, over the `mysql` crate.
//!
//! # Verified on
//!
//! MariaDB 10.11 (`examples/tests/chunker_live.rs`): `load_table` over every column type, and
//! walks over integer, composite, case-insensitive VARCHAR (with long runs of `'a'`/`'A'`,
//! NULLs and PAD SPACE duplicates), BINARY and ENUM+DECIMAL keys under `sql_mode`
//! `ANSI_QUOTES,NO_BACKSLASH_ESCAPES`, whose chunk `COUNT(*)`s sum to the table's and hold
//! each row once, also after rows the walk never saw were added. The same holds on MariaDB
//! 10.11.19 (`examples/tests/chunker_live_fixed_key.rs`) for FLOAT(7,2), DOUBLE(10,3),
//! nullable FLOAT(5,1)+DOUBLE(8,2) and INT+FLOAT(7,2) keys holding values with more decimals
//! than `D` and beyond their declared range (made with `ALGORITHM=INSTANT`), in chunks of 1
//! to 7 rows: each row in the chunk its bounds say by exact comparison, chunks and boundary
//! queries read by index ranges, and `table-checksum` sees a change to any one such row.
//! Row-based replication from a plain `FLOAT` into a `FLOAT(7,2)` was checked by hand to
//! leave such values as well. And on MariaDB 10.11.19
//! (`examples/tests/chunker_live_unsigned_key.rs`) for FLOAT, DOUBLE, FLOAT(7,2) and
//! DECIMAL(10,2) `UNSIGNED` primary keys, an INT + DOUBLE `UNSIGNED` one and a nullable
//! non-unique FLOAT `UNSIGNED` index, holding negative values replicated row-based from a
//! signed primary: every row in the chunk its bounds say, in chunks of 1 to 7 rows, and
//! `table-checksum` agrees both ways between the primary and the replica and sees a change to
//! any one negative-keyed row. Oracle MySQL was not run here; these predicates bound no index
//! range with a negative constant, so they do not depend on what a server makes of one. Oracle MySQL was not available; where it differs
//! (`live::Dialect`: JSON is a native type there, and MariaDB's
//! `CHECK_CONSTRAINTS.TABLE_NAME` does not exist) the code follows MySQL's documentation (the
//! `FLOAT(M,D)` predicates are plain SQL there too, but its range optimizer was not
//! checked). `load_table` leaves out indexes the server would refuse to `FORCE` (MariaDB
//! `IGNORED`, MySQL invisible), read by column name so that older versions without those
//! columns work too. Not handled: descending key parts are walked in ascending order
//! (correct, possibly slower).

mod chunk;
mod collation;
mod error;
mod key;
#[cfg(feature = "mysql")]
pub mod live;
mod model;
pub mod predicate;
pub mod schema;
mod size;
pub mod sql;
mod value;
mod walker;

pub use chunk::{Bound, Chunk, ChunkWarning, TableRef};
pub use collation::Collation;
pub use error::Error;
pub use key::{choose_key, Key, KeyChoice, KeyColumn, Rule, Skipped, Strategy};
pub use model::{Column, ColumnType, Index, IndexColumn, Table, TextKind};
pub use size::{ChunkSize, Selection};
pub use value::{Value, ValueRef};
pub use walker::{Action, LedRead, Query, QueryKind, Walker};
