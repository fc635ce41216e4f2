//! Binary and relay logs of MySQL (5.0 to 9.x) and MariaDB: framing, checksums, positions, typed
//! events, and the crash diagnosis a DBA needs before restarting replication.
//!
//! # What it is
//!
//! - A **sans-I/O core** ([`Decoder`]) that turns bytes into [`EventRef`]s: each borrows its
//!   bytes, carries its file offset ([`LogPos`], 64-bit) and decoded [`EventHeader`], and has
//!   been checked: size within bounds (1 GiB cap, checked before any buffer grows), CRC32
//!   verified by default (the Format_description event with its in-use bit cleared; checksum
//!   layout from the server version, split at 5.6.1 / MariaDB 5.3.0, cross-checked against the
//!   FDE's own post-header length), and `end_log_pos` continuity (wrapping at 4 GiB, following
//!   the primary's positions inside relay logs).
//! - Two drivers: [`Framer`] over a slice (a file in memory), and [`EventReader`] over any
//!   [`std::io::Read`], whose one reusable buffer stays bounded by the largest event.
//! - **Typed views** decoded lazily by [`EventRef::data`] ([`EventData`]): Format_description,
//!   Rotate, Stop, Query, Xid, Intvar, Rand, User_var, Gtid / Anonymous_gtid (5.6 short bodies
//!   to 8.x optional tails), Gtid_tagged (8.3+), Previous_gtids (untagged and tagged),
//!   Table_map, rows event headers, Rows_query, Incident, Heartbeat, the Transaction_payload
//!   header, and MariaDB's Annotate_rows, Binlog_checkpoint, GTID, GTID_LIST and
//!   Start_encryption (reported; the encrypted rest is not parsed). Every other type comes back
//!   raw as [`EventData::Other`], never as an error. GTIDs become the `gtid` crate's types.
//! - **Diagnosis** ([`diagnose`]): for one file, how it ends ([`FileStatus`]: rotated, stopped,
//!   unclosed, torn, corrupt), where its valid part ends, the torn tail, where framing resumes
//!   after corruption, the transactions and GTIDs complete in it; for a set of files
//!   ([`LogSet`]: a directory or a `.index`), the chain and a replica's (file, position) verdict
//!   ([`Verdict`]: valid, impossible (error 1236), not at an event boundary, unknown file) with
//!   the restart point.
//!
//! # What it is not
//!
//! Not a replication client (it reads files and streams you give it), not a row decoder (row
//! images and the compressed events inside a Transaction_payload stay bytes), and not a writer
//! (the [`builder`] writes small logs for tests, nothing more). v1 and v3 logs (MySQL 3.23 and
//! 4.x) are recognised and reported as [`Error::UnsupportedVersion`], not decoded.
//!
//! # Example
//!
//! ```
//! use binlog_parse::{builder::LogBuilder, diagnose_bytes, FileStatus};
//!
//! // A log whose writer crashed in the middle of its last event (the Xid).
//! let log = LogBuilder::mysql80()
//!     .query("shop", "BEGIN")
//!     .query("shop", "INSERT INTO orders VALUES (1)")
//!     .xid(7)
//!     .finish();
//! let torn = &log[..log.len() - 10];
//!
//! let d = diagnose_bytes(torn);
//! assert_eq!(d.status, FileStatus::Torn);
//! assert_eq!(d.torn_tail, 21); // 21 of the Xid's 31 bytes made it to disk
//! assert_eq!(d.valid_end.get(), (log.len() - 31) as u64);
//! // The transaction never committed in this file.
//! assert_eq!(d.transactions.complete, 0);
//! assert!(d.transactions.open_at_end.is_some());
//! ```
//!
//! # Map
//!
//! | type | role |
//! |---|---|
//! | [`Decoder`], [`Step`] | sans-I/O framing: bytes in, events (or what it needs next) out |
//! | [`Framer`] | iterator over a slice |
//! | [`EventReader`] | streaming over `io::Read`, bounded memory |
//! | [`EventRef`], [`EventHeader`], [`EventType`], [`LogPos`] | one event, its header, its type, offsets |
//! | [`EventData`] and [`events`] | typed views of bodies |
//! | [`FormatDescription`], [`ChecksumAlg`] | the FDE and the checksum algorithm it sets |
//! | [`diagnose_bytes`], [`diagnose_reader`], [`FileDiagnosis`] | one file's diagnosis |
//! | [`LogSet`], [`SetDiagnosis`], [`diagnose::ReplicaCheck`] | a set of files and a replica position |
//! | [`Error`] | the one error type: offset, event type and bad value in every variant |
//! | [`builder::LogBuilder`] | writes small valid logs for tests |
//!
//! # Features
//!
//! None: the crate does no I/O beyond the `std::io::Read` you hand it and the file helpers of
//! [`LogSet`]. It depends on `crc32fast`, `thiserror` and the workspace's `gtid` crate.
//!
//! # Performance
//!
//! Measured by `benches/benches/binlog.rs` on MariaDB-made logs (2 shared cores, so expect
//! noise): full validation with [`Framer`] runs at the speed of one crc32fast call per event on
//! a 48 MB row-based log (8 KB events, ~17 GB/s, 1.5x mysql_common 0.38's unverified
//! iteration), and at ~2 GB/s on many small OLTP events (~60 bytes: 4-6x mysql_common, about
//! half of crc32fast's per-event ceiling). Streaming a 1 GiB log through [`diagnose_reader`]
//! peaks at about 2.3 MiB of resident memory (`benches/benches/binlog_stream_rss.rs`).
//!
//! # What was verified where
//!
//! - MySQL 5.0 to 9.6 and MariaDB 10.5 formats: 47 real fixtures (`../shared/testdata/binlogs`),
//!   each file's status, events, valid end, checksum and in-use flag pinned; every cut point and
//!   every single-bit flip inside a checksummed event of every fixture.
//! - MariaDB 10.11 live (`examples/tests/binlog_live.rs`): clean rotation, clean shutdown,
//!   SIGKILL, a torn last event, a replica's relay logs, and the 1236 scenario end to end (the
//!   real replica stops with errno 1236; replication resumes at the diagnosed restart point).
//! - Oracle MySQL servers were not run here: MySQL behaviour rests on the fixtures and the
//!   server's documented format.
#![deny(missing_docs)]

pub mod builder;
mod decoder;
pub mod diagnose;
mod error;
mod event;
pub mod events;
mod fde;
mod framer;
#[doc(hidden)]
pub mod fuzzing;
mod header;
mod positions;
mod reader;

pub use decoder::{Decoder, DecoderOptions, Step};
pub use diagnose::{
    diagnose_bytes, diagnose_reader, FileDiagnosis, FileStatus, LogSet, SetDiagnosis, Verdict,
};
pub use error::Error;
pub use event::{Checksum, EventRef, PositionCheck};
pub use events::EventData;
pub use fde::{has_checksum_block, split_version, ChecksumAlg, FormatDescription, VersionSplit};
pub use framer::Framer;
pub use header::{
    EventFlags, EventHeader, EventType, LogPos, ServerId, CHECKSUM_LEN, HEADER_LEN, MAGIC,
    MAX_EVENT_SIZE,
};
pub use reader::EventReader;
