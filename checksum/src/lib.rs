//! Row and chunk checksums for MySQL/MariaDB tables, computed either by the server (SQL text)
//! or by this crate from rows read over the binary protocol, with the **same value** both ways.
//!
//! Three algorithms:
//!
//! - [`Algorithm::Strong`] (the default) has none of the known blind spots of the classic scheme.
//!   Each column is written with `QUOTE()` (NULL is the bare word `NULL`, every other value is
//!   quoted and escaped, so `NULL`, `''` and `'NULL'` differ and `('a#b','c')` differs from
//!   `('a','b#c')`); FLOAT and DOUBLE as the shortest text that reads back as the same double
//!   (exact, whatever `(M,D)` the column declares); character columns by their bytes in the
//!   column's own charset (unconverted, so independent of collation and connection charset);
//!   TIMESTAMP as `UNIX_TIMESTAMP` (independent of the session time zone); BIT as its number.
//!   The row hash is the first 64 bits of the MD5 of that text, and a chunk's checksum is the
//!   **sum** of its row hashes modulo 2^64, next to `COUNT(*)`. MD5 is not linear, so equal
//!   changes to an even number of rows do not cancel (as they do for XOR of CRC32), and a sum
//!   does not cancel duplicate rows (as XOR does in key-less tables).
//! - [`Algorithm::Fast`] is `Strong` with CRC32 in place of MD5: the same per-column plan and the
//!   same unambiguous `CONCAT(QUOTE(...))` row text (so NULL, `''` and `'NULL'` differ and no
//!   separator inside a value can move a column boundary), hashed with `CRC32` (a 32-bit row
//!   hash, zero-extended) and **summed** modulo 2^64 next to `COUNT(*)`, written as 16 hex
//!   digits. Cheaper on the server (no MD5, no hex round trip): `sync-plan`'s drill-down over
//!   1,000,000 rows took 1.7 s with it against 2.9 s with `Strong` (`benches/benches/sync.rs`,
//!   one run). Blind spots that remain, all of them CRC's: (1) a 32-bit row hash, so a random
//!   change to a row goes unseen with probability 2^-32 (2^-64 for `Strong`); (2) CRC32 is affine over GF(2): two row texts
//!   of equal length whose XOR difference is a multiple of the CRC-32 polynomial hash alike, so
//!   specific (crafted) changes spanning more than 32 bits are invisible with certainty (every
//!   change confined to 32 consecutive bits is seen); (3) under the sum, the same bit change
//!   applied to two rows of equal length flips the same CRC bits in both and can cancel, e.g.
//!   when those bits are all clear in one row's CRC and all set in the other's (probability
//!   about 2^-2w for `w` flipped bits), and unrelated changes cancel by chance about as often as
//!   (1). XOR's certain cancellation of even counts and of duplicate rows is gone. Use it to
//!   find differences fast where the data is not adversarial (`sync-plan`'s drill-down offers
//!   it); use `Strong` to certify that two tables are equal.
//! - [`Algorithm::Pt`] is pt-table-checksum 3.2.1's chunk checksum, character for character:
//!   `COUNT(*)` and `COALESCE(LOWER(CONV(BIT_XOR(CAST(CRC32(CONCAT_WS('#', cols...,
//!   CONCAT(ISNULL(nullable cols)...))) AS UNSIGNED)), 10, 16)), 0)` with pt's per-type column
//!   expressions (TIMESTAMP as `UNIX_TIMESTAMP`, BLOB/TEXT/BINARY as `CRC32(col)`, CHAR,
//!   VARCHAR, ENUM, SET and MySQL's JSON as `convert(col using utf8mb4)`), so results can be
//!   compared with existing `percona.checksums` rows. Its blind spots are kept on purpose
//!   (CRC32 linearity under XOR, the `#` separator, FLOAT's 6-digit text, duplicate rows of
//!   key-less tables cancelling): `examples/tests/checksum_live_blind_spots.rs` shows each.
//!
//! What this crate is not: it does not choose indexes or cut chunks (that is `chunker`), and it
//! does not find or repair the differing rows (that is `sync-plan`, which uses
//! [`RowPlan::row_hash_sql`] and [`RowPlan::hash_row`]).
//!
//! # Example
//!
//! ```
//! use checksum::{Algorithm, Dialect, RowPlan, Scope};
//! use chunker::{Collation, Column, ColumnType, Table, TextKind, Value};
//!
//! let table = Table::new("shop", "orders")
//!     .column(Column::new("id", ColumnType::Integer { bytes: 4, unsigned: true }))
//!     .column(
//!         Column::new("note", ColumnType::Text { kind: TextKind::Var, max_len: 20 })
//!             .nullable()
//!             .collation(Collation::new("utf8mb4_general_ci")),
//!     );
//! let plan = RowPlan::new(&table, Algorithm::Strong, Dialect::MariaDb);
//!
//! // The server computes ...
//! let sql = plan.chunk_sql(&Scope { index: Some("PRIMARY"), predicate: Some("`id` >= ?") });
//! assert!(sql.starts_with("SELECT /*checksum chunk*/ COUNT(*) AS cnt, COALESCE(LPAD(LOWER(CONV(MOD(SUM("));
//! assert!(sql.contains("MD5(CONCAT(QUOTE(`id`), QUOTE(CAST(`note` AS BINARY))))"));
//! assert!(sql.ends_with(" FROM `shop`.`orders` FORCE INDEX (`PRIMARY`) WHERE `id` >= ?"));
//!
//! // ... what the client computes from the rows, byte for byte.
//! let mut encoded = Vec::new();
//! plan.encode_row(&[Value::UInt(7), Value::text("it's")], &mut encoded)?;
//! assert_eq!(encoded, b"'7''it\\'s'");
//! plan.encode_row(&[Value::UInt(8), Value::Null], &mut encoded)?;
//! assert_eq!(encoded, b"'7''it\\'s''8'NULL");
//!
//! let mut chunk = plan.hasher(Some(1));
//! chunk.push_row(&[Value::UInt(7), Value::text("it's")])?;
//! assert_eq!(chunk.finish().rows, 1);
//! # Ok::<(), checksum::Error>(())
//! ```
//!
//! # Map
//!
//! | type | what |
//! |---|---|
//! | [`Algorithm`], [`Dialect`] | which checksum, which server family (every MySQL/MariaDB difference is in [`Dialect`]) |
//! | [`RowPlan`] | one table under one algorithm: SQL text ([`RowPlan::chunk_sql`], [`RowPlan::rows_sql`], [`RowPlan::replicate_sql`], [`RowPlan::row_hash_sql`]) and the client engine ([`RowPlan::hash_row`], [`RowPlan::hasher`]) |
//! | [`ChunkHasher`], [`ChunkChecksum`] | rows in, `(cnt, crc)` out |
//! | [`Scope`] | index hint and chunk predicate of a statement |
//! | [`results_table_ddl`], [`serialize_boundary`] | pt's `percona.checksums` table and boundary format |
//! | [`Checkpoint`] | the resume point of a compare run (JSON file) |
//! | [`Error`] | the one error type; every variant names the table and chunk |
//! | `live` (feature `mysql`) | [`prepare_session`](live::prepare_session), one chunk on a connection ([`checksum_chunk`](live::checksum_chunk), server or client [`Engine`](live::Engine)), two-server compare ([`Comparer`](live::Comparer)), pt-compatible replicate mode ([`replicate_table`](live::replicate_table), [`replica_differences`](live::replica_differences)), [`Throttle`](live::Throttle) |
//!
//! # Features
//!
//! - `mysql` (off by default): the `live` module, over the `mysql` crate. Without it the crate
//!   does no I/O.
//!
//! # Comparing two servers (`live`)
//!
//! Two engines compute the same values ([`Engine`](live::Engine)): the **client** engine (the
//! default) reads each chunk's rows over the binary protocol and hashes them here; the
//! **server** engine has each server hash its rows in SQL and send two values. The client
//! engine costs each server about a quarter of the CPU (it only sends rows) and finishes
//! sooner, at the price of moving every row over the network once per server.
//!
//! The client engine reads rows with a small reader of its own ([`RowConn`](live::RowConn),
//! one more connection per server opened by [`Comparer::connect`](live::Comparer::connect)):
//! it decodes each binary row in place in the packet it came in, where the `mysql` driver
//! builds a `Vec<Value>` and allocates every string value, which on the bench's 8-column rows
//! cost as many instructions as the hashing (the checker's instructions fell by 35%). It
//! speaks plain TCP or a Unix socket and logs in with `mysql_native_password` or
//! `caching_sha2_password`'s fast path; anywhere else (TLS, compression, another login plugin)
//! the driver reads the rows and [`Comparer::row_readers`](live::Comparer::row_readers) says
//! why. [`RowReader::Driver`](live::RowReader) always uses the driver. Both give the same
//! values: the column-type matrix and the blind-spot tables are read both ways and compared
//! on MariaDB 10.11, and the row decoder is checked against `mysql_common`'s own on random
//! and damaged rows.
//!
//! The chunker walks the source's index on a connection of its own, one chunk ahead; each
//! chunk is checksummed on both servers at the same time (two threads). With the client
//! engine and a unique NOT NULL key whose values read back as themselves (integers, DECIMAL,
//! FLOAT/DOUBLE, dates and times, binary strings, UTF-8 or ASCII text), the walk is *led*
//! instead: the source reads `key >= L ORDER BY key LIMIT n + 1` and the last row's key ends
//! the chunk, so no separate boundary query scans the index again, and the target reads each
//! chunk while the source reads the next (0.1 s chunks by default, a fifth of the asked
//! `--chunk-time`, so that this pipeline fills and drains quickly).
//!
//! A chunk that differs while either server was writing (InnoDB row counters moved) or while a
//! replica target had not applied all of the source's GTIDs is rechecked after the walk, at
//! least `recheck_wait` later; if it agrees then, it was a write in flight and is counted, not
//! reported. Progress (last finished chunk, chunks awaiting a recheck, confirmed differences)
//! is saved to a JSON [`Checkpoint`] after every chunk, so a run killed at any point, SIGKILL
//! included, resumes after its last finished chunk and reports the same result (with a fixed
//! chunk size the same chunks too). Before each chunk the [`Throttle`](live::Throttle) waits
//! while a pause file exists, while `Threads_running` is over its limit or while a replica
//! lags; sessions use `innodb_lock_wait_timeout = 1`.
//!
//! # Performance (measured here: 2 cores shared by both servers and the checker; MariaDB 10.11 on loopback)
//!
//! - 1,000,000 rows of 8 mixed columns, primary and replica with 12 scattered differences,
//!   each server's buffer pool holding the table, start to report
//!   (`benches/benches/checksum_vs_pt.rs`, fifteen runs, each against pt-table-checksum
//!   3.2.1 with its replicate check in the same run, 2.7-5.1 s): client engine `strong` (the
//!   default) 0.25-0.38 of pt (median about 0.32; eleven of fifteen at most a third), `fast` 0.29-0.39;
//!   server engine `strong` 0.69-1.00, `fast` 0.38-0.58. The run is CPU-bound on 2 cores,
//!   so its time follows the sum of the servers' CPU (0.4-0.65 s each, sending their rows)
//!   and the checker's. Since session 7 the checker spends 0.52-0.58 s decoding, encoding and
//!   hashing 2,000,000 rows (0.72-0.79 s before the fused wire path, same servers, runs
//!   interleaved); that session's run: 0.99 and 0.85 s against pt's 2.57 s, 0.38 and 0.33.
//!   Peak RSS 7 MiB with the direct row reader (15 MiB with the driver reading rows) and 6 MiB
//!   (server engine), the same on a 100,000-row table.
//! - Client engine, hashing only (`benches/benches/checksum.rs`): `strong` rows are hashed 64
//!   at a time with multi-buffer SIMD MD5 (module `md5batch`, checked against `md-5` at first
//!   use): 1.7-2.5 GiB/s of row data with a 1 KiB BLOB per row on one thread (a single MD5
//!   stream runs at 600 MiB/s). Narrow rows of 8 mixed columns are measured two ways: owned
//!   values (`mixed_8_columns`) and, as the live engine meets them, binary-protocol packets
//!   back to back in one buffer read in place by the direct reader (`mixed_8_columns_wire`).
//!   Both run at 130-140 ns a row (interleaved user time; criterion on this noisy host:
//!   420-510 MiB/s on one thread, 630-840 MiB/s on two, the live engine's layout: one thread
//!   per server), so 1 GB/s is **not** reached on narrow rows. Writing each value's exact
//!   server text (shortest round-trip doubles, dates, quoting) costs more than the hash: about
//!   2,000 instructions a row at over 3 per cycle (callgrind, `benches/examples/hash_rows.rs`);
//!   perf puts a sixth of the time in MD5, a sixth in the one DOUBLE's shortest digits and
//!   another in the three integers. The live reader writes that text straight from each
//!   row's bytes: one op per column chosen when the result's columns arrive (`live::wire`'s
//!   `fused`), where decoding to values, converting them and dispatching twice made the wire
//!   path 1.8x slower than owned rows. The text writers append fixed-size pieces straight
//!   from registers or from where the value lies, and row results carry their error boxed: a
//!   block first assembled on the stack with narrow stores and read back whole cannot be
//!   forwarded from those stores (a third of the time before session 6, a tenth before
//!   session 7). `fast` and `pt` do about 410-580 MiB/s on those rows, 2.2 and 8 GiB/s with
//!   BLOBs.
//!
//! # What is verified where
//!
//! Verified live on MariaDB 10.11 by `examples/tests/checksum_live*.rs`: server-side and
//! client-side values equal, row by row and per chunk, for 63 column types (integers signed
//! and unsigned of every width, DECIMAL, FLOAT, DOUBLE, FLOAT(M,D) and DOUBLE(M,D) (REAL(M,D),
//! DOUBLE PRECISION(M,D), UNSIGNED, D from 0 to 30), BIT(1/10/64), CHAR/VARCHAR/TEXT in
//! latin1 and utf8mb4 under six collations, BINARY/VARBINARY/BLOB, DATE, DATETIME(0/6),
//! TIMESTAMP(0/6), TIME(0/6), YEAR, ENUM and SET in two charsets, JSON, INET6, NULLs) under
//! all three algorithms; `ZEROFILL` integers, DECIMAL, FLOAT, DOUBLE, FLOAT(M,D) and
//! DOUBLE(M,D), whose text the server pads with zeros to the display width (verified on
//! MariaDB 10.11 only; keys and repairs in `sync_live_zerofill.rs`); 20,000 random FLOATs and
//! DOUBLEs; 2,000 rows of random FLOAT(255,D) and DOUBLE(255,D) values for each of ten `D`s
//! from 0 to 30, rounded by the server on INSERT
//! or kept with more decimals by an in-place `ALTER TABLE ... ALGORITHM=INSTANT` (ties, values
//! rounding to zero, values beyond the declared range); each blind spot (caught by `strong`
//! and `fast`); rows differing only by a moved `#`, quote or NULL told apart by `fast` in
//! `sync_live_fast.rs`; the `pt` value
//! against the real pt-table-checksum 3.2.1's `this_crc`, chunk by chunk; compare, resume
//! after SIGKILL, pause file, replicate mode on a real replica. MySQL 5.7–8.4 behaviour
//! ([`Dialect::MySql`]) follows MySQL's documentation and shares MariaDB's number-formatting
//! lineage, but is not exercised: no MySQL server is packaged on the test machine.
//!
//! Client-side requirements: rows must be read with `character_set_results = binary` (bytes in
//! the column charset, unconverted) and `time_zone = '+00:00'` (TIMESTAMP fields in UTC), which
//! `live::prepare_session` sets. The `pt` client engine reproduces `convert(col using utf8mb4)`
//! only for the UTF-8 family, ASCII and latin1 ([`RowPlan::client_unsupported`] lists the
//! rest); FLOAT text (6 significant digits, ties to even), DOUBLE text (shortest digits,
//! ties to even, MariaDB's fixed/exponent layout) and `FLOAT(M,D)`/`DOUBLE(M,D)` text (exactly
//! `D` decimals: the shortest double digits when they fit in `D` decimals, else the exact value
//! rounded to `D` decimals, ties to even; the float widened to double first; `0.` for a
//! non-zero value that rounds to zero when `D` is 0) are reproduced exactly. The
//! `FLOAT(M,D)`/`DOUBLE(M,D)` rules are verified on MariaDB 10.11 only (by the live tests, and
//! while they were worked out, on 1.84 million stored values of twenty-six `D`s compared with
//! the server's text one by one); on MySQL they are untested, and so is the `strong`
//! expression of MySQL before 8.0.17 (`(c + 0e0)`) for such columns (on MariaDB `c + 0e0` of a
//! FLOAT(7,2) column prints the shortest double text, as `CAST(c AS DOUBLE)` does). Strong
//! treats `-0` and `0` alike (the server prints both as `0`) and a CHAR
//! column's trailing spaces as the server returns them (stripped, unless
//! `PAD_CHAR_TO_FULL_LENGTH` is set on both sides).
#![deny(missing_docs)]
// The crate docs describe the `live` module, which exists only with the `mysql` feature: its
// links resolve in the docs built with it (as docs.rs builds them, see Cargo.toml) and are
// plain text without it.
#![cfg_attr(not(feature = "mysql"), allow(rustdoc::broken_intra_doc_links))]

mod charset;
mod checkpoint;
mod dialect;
mod encode;
mod engine;
mod error;
mod fixed;
mod md5batch;
mod number;
mod plan;
#[cfg(test)]
mod props;
mod report;
mod sql;
mod text;
mod zerofill;

#[cfg(feature = "mysql")]
pub mod live;

pub use checkpoint::{Checkpoint, TableProgress};
pub use chunker::ValueRef;
pub use dialect::Dialect;
pub use engine::{ChunkChecksum, ChunkHasher, RowPlan};
pub use error::{redact, redact_url, At, Error};
pub use report::ChunkDiff;
pub use sql::{replica_differences_sql, results_table_ddl, serialize_boundary, value_text, Scope};

/// Which checksum to compute.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Algorithm {
    /// MD5-based, unambiguous, exact; summed. The default.
    #[default]
    Strong,
    /// pt-table-checksum 3.2.1's CRC32/BIT_XOR, for comparison with `percona.checksums`.
    Pt,
    /// `Strong`'s unambiguous row text with a CRC32 row hash, summed: cheaper, weaker (32-bit,
    /// CRC's linearity; see the crate docs for exactly which changes it can miss).
    Fast,
}

impl Algorithm {
    /// `strong`, `pt` or `fast`.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Strong => "strong",
            Algorithm::Pt => "pt",
            Algorithm::Fast => "fast",
        }
    }
}

impl std::fmt::Display for Algorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Algorithm {
    type Err = String;

    fn from_str(s: &str) -> Result<Algorithm, String> {
        match s.to_ascii_lowercase().as_str() {
            "strong" => Ok(Algorithm::Strong),
            "pt" => Ok(Algorithm::Pt),
            "fast" => Ok(Algorithm::Fast),
            other => Err(format!(
                "unknown algorithm {other:?} (expected strong, pt or fast)"
            )),
        }
    }
}
