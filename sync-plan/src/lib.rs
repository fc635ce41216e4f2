//! Row-level differences between two copies of a MySQL/MariaDB table, and the exact statements
//! that bring the target back in line with the source, on the right side.
//!
//! **What it is.** A pure core that (1) pairs the rows of both sides of a key range by their
//! identity key with the server's own equality (case- and trailing-space-insensitive collations
//! pair `'a'` with `'A '`; binary keys compare by bytes), or compares keyless tables as multisets
//! of rows; (2) plans per differing row an `INSERT`, an `UPDATE` of only the changed columns, a
//! `DELETE` by key (by every column with `LIMIT 1`, once per extra copy, without a key), or
//! `REPLACE` on request, ordered so that no unique key trips; (3) renders the plan as a reviewable
//! script or JSON, with literals that store exactly the source's values (FLOAT and DOUBLE bit for
//! bit but for the sign of a zero, see [Negative zero](#negative-zero); strings independent of
//! `sql_mode`); and (4) refuses unsafe directions (writing on a replica, source and target
//! swapped). With the `mysql` feature, a thin `live` module drills down into differing ranges
//! moving little data, fetches the rows, and executes plans.
//!
//! **What it is not.** Not a table checksummer for monitoring (that is the `checksum` crate, whose
//! chunk checksums `live` uses to drill down), not a lock manager (it neither locks tables nor
//! waits for replicas while comparing, so the data must be quiet, as for pt-table-sync without
//! `--lock`), and not a schema repair tool (tables whose columns differ are refused).
//!
//! # Example
//!
//! ```
//! use chunker::{Collation, Column, ColumnType, Index, Table, TextKind, Value};
//! use sync_plan::{diff_rows, plan_table, Direction, Plan, PlanOptions};
//!
//! let table = Table::new("shop", "item")
//!     .column(Column::new("id", ColumnType::Integer { bytes: 4, unsigned: false }))
//!     .column(Column::new("name", ColumnType::Text { kind: TextKind::Var, max_len: 20 })
//!         .collation(Collation::new("utf8mb4_general_ci")))
//!     .column(Column::new("ratio", ColumnType::Float { scale: None }))
//!     .index(Index::primary(["id"]));
//! let row = |id: i64, name: &str, ratio: f32| vec![Value::Int(id), Value::text(name), Value::Float(ratio)];
//! let source = [row(1, "apple", 773.7831), row(2, "pear", 0.5)];
//! let target = [row(1, "apple", 773.783), row(3, "plum", 1.0)];
//!
//! let differences = diff_rows(&table, &source, &target)?;
//! let mut plan = Plan::new("h=db1", "h=db2", Direction::OnTarget);
//! plan.tables.push(plan_table(&table, &differences, PlanOptions::default())?);
//! let script = plan.to_sql(500, false)?;
//! print!("{script}");
//! assert!(script.contains("DELETE FROM `shop`.`item` WHERE `id` = 3 LIMIT 1;"));
//! assert!(script.contains("INSERT INTO `shop`.`item` (`id`, `name`, `ratio`) VALUES (2, 'pear', 5e-1);"));
//! assert!(script.contains("UPDATE `shop`.`item` SET `ratio` = 7.737831e2 WHERE `id` = 1 LIMIT 1;"));
//! # Ok::<(), sync_plan::Error>(())
//! ```
//!
//! # Map
//!
//! | item | role |
//! |---|---|
//! | [`IdentityKey`], [`CompareKey`], [`KeyPart`] | which key pairs rows; bytes equal exactly when the server's collation says equal |
//! | [`diff_rows`], [`diff_keyed`], [`diff_multiset`] → [`Difference`] | the row differences of one range |
//! | [`plan_table`], [`PlanOptions`], [`Direction`], [`Style`] → [`TablePlan`], [`Statement`] | the structured repair |
//! | [`Unrepairable`], [`Unwritable`], [`Stored`], [`Fate`] | rows no statement can repair: what a write would store, and what the plan does with them |
//! | [`Plan`] ([`Plan::to_sql`], [`Plan::to_json`]), [`statement_sql`], [`session_header`] | the whole repair: source of truth, target, where it runs, as a script or JSON |
//! | [`literal()`], [`literal`](mod@literal) | exact SQL literals, with the rules per type |
//! | [`check_direction`], [`ServerFacts`] | the wrong-side and replica-write safeguards |
//! | `live::{diff_table, execute, check_deletes_against_source, server_facts}` (feature `mysql`) | the thin layer over live servers |
//! | [`Error`] | the one error type, naming table and key |
//!
//! # Order of statements
//!
//! Deletes, then replaces, then inserts, then updates (as pt-table-sync). A changed row whose
//! change touches a unique key other than the identity key (say two rows with swapped values of a
//! secondary unique column) is deleted and inserted rather than updated, so every intermediate
//! state holds a subset of the source's unique values and nothing collides. Generated columns
//! are compared but never written. FLOAT/DOUBLE columns never appear in a key `WHERE` (a table
//! whose only unique keys have such parts is compared as a multiset, so a changed row is
//! deleted and inserted); keyless deletes compare them with their exact values.
//!
//! # `FLOAT(M,D)` and `DOUBLE(M,D)` values with more decimals than `D`
//!
//! An in-place `ALTER TABLE ... MODIFY k FLOAT(7,2), ALGORITHM=INSTANT` on a plain `FLOAT`, or
//! row-based replication from a plain column, leaves such a column holding values with more
//! decimals than `D` (0.1337 in a `FLOAT(7,2)`). Over an index on `k`, MariaDB 10.11 rounds the
//! constant of `k <=> v` to `D` decimals before it looks the row up, so a delete by exact values
//! found no row (`DELETE ... WHERE k <=> 1.3500000536441803e-1 ... LIMIT 1` deleted 0 rows where
//! `(k + 0e0) <=>` deleted 1). Such a value is therefore matched as the chunker bounds `k = v`
//! ([`chunker::predicate::rounded_range`]): `k >= CAST('0.12' AS DECIMAL(65,2)) AND k <=
//! CAST('0.16' AS DECIMAL(65,2)) AND (k + 0e0) = 1.3500000536441803e-1`, which reads an index
//! range and compares exactly.
//!
//! # Rows no statement can repair
//!
//! **What no statement can do** is write such a value: every `INSERT`, `REPLACE` or `UPDATE`
//! rounds it to `D` decimals (0.1337 is stored as 0.13), so the row would still differ after
//! the repair, and re-running it would write the same rows again on every run. Nor can a write
//! store a value whose rounded magnitude exceeds what `M,D` allows (`10^(M-D) - 10^-D`:
//! 123456.79 in a `FLOAT(7,2)`, kept the same way): the plan's strict `sql_mode` refuses it
//! (error 1264) and other modes clamp it. Nor can a write store a negative value in an
//! `UNSIGNED` `FLOAT`, `DOUBLE` or `DECIMAL` column, which row-based replication from a signed
//! column puts there (see [`chunker::predicate::negative_in_unsigned`]): the plan's strict
//! `sql_mode` refuses it (error 1264) and other modes store 0 ([`Stored::NegativeInUnsigned`],
//! whatever the type would make of the value otherwise: the server checks the sign first).
//! [`plan_table`] computes in Rust, from the column definition, what the target would store
//! for every value it writes (the server's `truncate_double`, `fixed.rs`), and reports every
//! row whose statement would store something else as an [`Unrepairable`] in
//! [`TablePlan::unrepairable`]: table, key (every column in a table compared as a multiset),
//! column, the source's value, what the target would store ([`Stored`]) and what it has now.
//! [`Unrepairable::describe`] gives the line for the DBA:
//!
//! ```text
//! `fk`.`t` row `id`=3: cannot be repaired by writing: the target column's type rounds it: `f` 5.4321e0 is stored as 5.43e0 by FLOAT(7,2), the target has 9.9e1; left out of the statements
//! `fk`.`u` row `id`=4: cannot be repaired by writing: the target column's type cannot hold it: `d` -1.5e0 is negative in DOUBLE UNSIGNED, which the server refuses (error 1264) under the plan's strict sql_mode and stores as 0 under others, the target has 2.5e0; left out of the statements
//! ```
//!
//! By default such rows are **left out** of the statements ([`Fate::LeftOut`]; an `UPDATE`
//! still sets the row's other changed columns, while an `INSERT`, `REPLACE` or delete and
//! insert, which write the whole row, are left out whole), so a re-run plans nothing for them
//! and says why. [`PlanOptions::include_unrepairable`] writes them anyway ([`Fate::Written`]:
//! rounded, or refused, which stops the script; [`Plan::warnings`] says which; where another
//! row already holds the rounded key, the insert fails on the duplicate key; and through
//! replication the `REPLACE` rounds the source's own row too). A row the target already holds
//! as a write would store it (what an earlier repair wrote; in a multiset, the extra copy that
//! is the missing row rounded) gets no statement either way ([`Fate::AlreadyStored`]).
//! [`Plan::to_sql`] lists them all as `-- cannot repair:` lines under its header,
//! [`Plan::to_json`] carries them, and `table-sync` prints them and exits 1, since those rows
//! still differ. Without `M` in the model ([`chunker::Column`]'s `real_precision`), no range is
//! assumed.
//!
//! # Negative zero
//!
//! A FLOAT or DOUBLE `-0` and `+0` are the same value here ([`same_value`]; keyless rows and
//! keys alike), on purpose, as they are to everything else that decides what differs: the
//! server's `=` and `<=>`, a unique index (inserting `+0` next to `-0` is a duplicate key),
//! the `checksum` crate's `strong` and `fast` row text (the server prints both as `0`, and
//! the client engine writes `0`), and `chunker`'s `Value` equality. Compared by bits, a
//! source's `-0` against a MariaDB target's `+0` was planned again on every run in which its
//! range was compared (a literal `-0e0` is stored as `+0`), and in a `FLOAT(M,D)`/
//! `DOUBLE(M,D)` column reported as rounded and left out, leaving the target's other value in
//! place.
//!
//! What the servers do, and where that was seen:
//!
//! - MariaDB 10.11.19, live (`examples/tests/sync_live_unsigned.rs`): every write through
//!   SQL stores `+0` in a `FLOAT`, `DOUBLE`, `FLOAT(7,2)` or `DOUBLE(10,3)` column, signed or
//!   `UNSIGNED` (and `0.00` in a `DECIMAL(10,2)`): the plan's literal `-0e0` in an `INSERT`
//!   and an `UPDATE`, a bound `-0.0` parameter, `-x`, `-1 * 0e0` and `CAST(-0e0 AS DOUBLE)`,
//!   though the server evaluates those to `-0` (`ATAN2(-0e0, -1)` is `-pi`). A row image
//!   (replication, a `BINLOG` statement) is stored as it is, so a replica fed a binary log
//!   carrying `-0` holds `-0`; but neither protocol returns the sign (the binary protocol
//!   sends `+0` bits, the text protocol `0`, as for `SELECT -0e0`), so a MariaDB source
//!   never hands the plan a `-0`: `table-sync` between such a replica and a target holding
//!   `+0` plans nothing for those rows, and every checksum agrees.
//! - Oracle MySQL, not run here: its 8.4 code stores `-0` as written and displays it (as
//!   described in Percona's bug PS-11024), so a MySQL source, or values a caller decodes from
//!   a binary log, can hand the plan a `-0`; its strong checksum text may then differ from a
//!   MariaDB target's `0` (the `checksum` crate's concern), in which case the rows are
//!   compared, found equal, and nothing is planned.
//!
//! So the plan writes `-0e0` for a source's `-0` (MySQL keeps it, MariaDB stores `+0`), and
//! whichever zero the target holds needs no statement: the model of what a write stores does
//! not depend on the server family. A `DECIMAL` has no negative zero through SQL on MariaDB
//! (`-0.00` is stored as `0.00`); a hand-made row image can still put one there, which
//! MariaDB shows as `-0.00` and compares below `0` (seen by hand on 10.11.19, not in the
//! tests), and which this crate does not model.
//!
//! # Features
//!
//! - `mysql`: the `live` module (drill-down with range checksums from the `checksum` crate,
//!   row fetch with server weight strings, plan execution, the wrong-side check of a plan's
//!   deletes against the source, server facts for [`check_direction`]), on the `mysql` crate and
//!   `chunker`'s live module. Off by default; without it the crate does no I/O.
//!
//! # Verified where
//!
//! On MariaDB 10.11, live (`examples/tests/sync_live.rs`, and `benches/benches/sync.rs`):
//! literals of 3,000 rows of random FLOAT and DOUBLE bits, latin1/utf8mb4/binary bytes, BIT(64),
//! TIME and TIMESTAMP read back exactly under `NO_BACKSLASH_ESCAPES,ANSI_QUOTES`; the in-memory
//! compare keys agree with the server's `=` under ten collations; random drift over every column
//! type with integer, composite, case-insensitive VARCHAR, binary and no keys is repaired by
//! `table-sync --execute` and by piping `--print` into the `mariadb` client (checked by comparing
//! every value's exact binary-protocol form); `--sync-to-master` through a real replica; the
//! wrong-side and replica-write refusals; with `--fast-checksum`, rows differing only by where a
//! `#`, quote or backslash sits, or by NULL against `''` and `'NULL'`, found and repaired
//! (`examples/tests/sync_live_fast.rs`); `FLOAT(M,D)`/`DOUBLE(M,D)` values written back bit for
//! bit for `D` from 0 to 30 (FLOAT(10,4)'s maximum, stored as the float `1e6`, included) and
//! drift in such columns repaired, keyed and keyless (`examples/tests/sync_live_fixed.rs`); a
//! value with more decimals than `D` (an in-place ALTER) cannot be written back, as the column
//! rounds every write. On MariaDB 10.11.19 (`examples/tests/sync_live_fixed_key.rs`), tables
//! keyed by `FLOAT(7,2)`, `(INT, FLOAT(7,2))` and `DOUBLE(10,3)`, and a nullable indexed
//! `FLOAT(7,2)` without a unique key, all made with `ALGORITHM=INSTANT` to hold values with more
//! decimals than `D` and beyond the declared range: rows only the target has (an extra copy of
//! a keyless row too) and changed or missing rows with at most `D` decimals are repaired by
//! `table-sync --execute`, and every `table-checksum` algorithm and engine then agrees (with
//! `k <=> v` deletes, 13 differing rows remained); changed and missing rows whose keys have
//! more decimals are reported and left out, and with `--include-unrepairable` written back with
//! the keys rounded, warned of and reported as remaining, after which a run plans nothing. On
//! MariaDB 10.11.19 too (`examples/tests/sync_live_fixed.rs`): what [`plan_table`] says a write
//! stores (rounded, or refused beyond the range) is what the server stores or refuses (error
//! 1264) for 459 values of `FLOAT(7,2)`, `FLOAT(4,4)`, `FLOAT(3,0)`, `FLOAT(10,4)`,
//! `DOUBLE(10,3)`, `DOUBLE(7,2)` and `DOUBLE(30,30)` columns holding them in place; and
//! `table-sync` run twice on tables whose `FLOAT(7,2)`/`DOUBLE(10,3)` columns hold values they
//! cannot store repairs the other rows the first time and plans nothing the second, reporting
//! the same 7 rows both times. On MariaDB 10.11.19 (`examples/tests/sync_live_unsigned.rs`):
//! a write of a negative value to an `UNSIGNED` `FLOAT`, `DOUBLE`, `FLOAT(7,2)`,
//! `DOUBLE(10,3)` or `DECIMAL(10,2)` column is refused (error 1264) under the plan's
//! `sql_mode` and stored as 0 without strict mode, for 19 values, some beyond the range or
//! rounding to -0.00 (the sign is checked first), as [`Stored::NegativeInUnsigned`] says; and
//! `table-sync` between a replica holding such values (row-based replication from a signed
//! primary) and a target: the 5 rows whose repair would write one are reported and left out,
//! the rest repaired (an `UPDATE` setting the row's other columns, rows keyed by a negative
//! `DECIMAL(10,2) UNSIGNED` deleted and updated, rows keyed by a negative `DOUBLE UNSIGNED`
//! deleted by their exact values), the second run plans nothing and reports the same rows,
//! and `--include-unrepairable` stops at the server's refusal with the target unchanged.
//! On MariaDB 10.11.19 as well (same file), what a `-0` becomes, written or replicated, and
//! that `table-sync` and the checksums take it for `+0` (see [Negative zero](#negative-zero)).
//! From MySQL's documentation only, not run here: MySQL 8
//! `0900` (NO PAD) collations, `WEIGHT_STRING` and the `JSON` type (keyless deletes of rows
//! with `JSON` columns compare the column's text form, which MySQL normalizes); from a bug
//! report only, MySQL storing `-0` as written.
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod diff;
mod error;
mod fixed;
mod key;
pub mod literal;
mod plan;
mod safety;
mod sql;
mod unrepairable;

#[cfg(test)]
mod test_tables;

#[cfg(feature = "mysql")]
pub mod live;

pub use diff::{diff_keyed, diff_multiset, diff_rows, same_row, same_value, Difference};
pub use error::Error;
pub use key::{CompareKey, IdentityKey, KeyPart, Row};
pub use literal::literal;
pub use plan::{
    plan_table, ColumnValue, Direction, Plan, PlanOptions, Statement, Style, TablePlan,
};
pub use safety::{check_direction, ServerFacts, Upstream};
pub use sql::{session_header, statement_sql, trace_comment, DEFAULT_BATCH, SESSION_SQL_MODE};
pub use unrepairable::{Fate, Stored, Unrepairable, Unwritable};

/// The session time zone under which this crate reads and writes `TIMESTAMP` values.
pub const SESSION_TIME_ZONE: &str = "+00:00";
