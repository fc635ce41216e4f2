//! GTID sets for MySQL (tagged GTIDs included) and GTID positions for MariaDB: parsing,
//! printing and the whole set algebra, exactly as the servers define them.
//!
//! After a failover, "does the node I am about to replicate from have all my writes?" is
//! `GTID_SUBSET(node1, node2)`, and the missing writes are `GTID_SUBTRACT(node1, node2)`. MySQL
//! offers only those two functions, and only on a server. This crate gives the whole algebra
//! (union, intersection, difference, symmetric difference, subset, disjointness, counting) on
//! canonical sets, offline, plus the same check for MariaDB's per-domain positions.
//!
//! **What it is not**: no replication client, no binlog reader (see `binlog-parse`), no I/O
//! unless you enable the `mysql` feature, which adds one thin module to read a server's
//! executed transactions.
//!
//! ```
//! use gtid::{GtidSet, MissingWrites};
//!
//! // @@global.gtid_executed of two nodes after a failover (as the server prints it).
//! let node1: GtidSet = "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-6,\n\
//!                       8a94f357-aab4-11df-86ab-c80aa9429562:1-3".parse()?;
//! let node2: GtidSet = "3E11FA47-71CA-11E1-9E33-C80AA9429562:1-4:5 , 8a94f357-aab4-11df-86ab-c80aa9429562:1-5".parse()?;
//!
//! assert!(!node1.is_subset(&node2)); // GTID_SUBSET(node1, node2) = 0
//! let report = MissingWrites::new(&node1, &node2);
//! assert_eq!(report.missing_on_target.to_string(), "3e11fa47-71ca-11e1-9e33-c80aa9429562:6");
//! assert_eq!(format!("{:#}", node1.union(&node2)),
//!            "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-6,8a94f357-aab4-11df-86ab-c80aa9429562:1-5");
//! assert_eq!(node1.intersection(&node2).count(), 8);
//!
//! // Malformed text: the error says where and what was expected.
//! let err = "3e11fa47-71ca-11e1-9e33-c80aa9429562;1-5".parse::<GtidSet>().unwrap_err();
//! assert_eq!(err.to_string(), "expected ':' or ',' after uuid at character 36, found ';'");
//! # Ok::<(), gtid::Error>(())
//! ```
//!
//! # Map of the crate
//!
//! | type | what |
//! |---|---|
//! | [`Uuid`], [`Tag`], [`Tsid`] | source ids: server UUID, optional 8.3+ tag, the pair |
//! | [`Gno`], [`Interval`] | transaction numbers `1..=2^63-2`, runs of them |
//! | [`Gtid`] | one GTID, `uuid:gno` or `uuid:tag:gno` |
//! | [`GtidSet`] | a set of GTIDs, canonical (derived `==` is set equality), with the algebra |
//! | [`MissingWrites`] | the missing-writes report between two executed sets |
//! | [`mariadb::MariadbGtid`], [`mariadb::GtidPos`] | MariaDB `domain-server-seq` and positions, compared per domain |
//! | [`dialect`] | MySQL vs MariaDB: which variable, how to parse it, the check for either |
//! | `live` (feature `mysql`) | read a live server's executed transactions |
//! | [`Error`] | the one error type; parse errors carry the character position |
//!
//! # Parsing rules
//!
//! [`GtidSet`]'s [`FromStr`](std::str::FromStr) follows MySQL's parser (`Gtid_set::add_gtid_text`):
//!
//! - whitespace (space, `\t`, `\n`, `\v`, `\f`, `\r`) is allowed before and after every token;
//! - the empty string, whitespace only, `","`, leading, trailing and repeated commas are valid;
//! - UUIDs are the dashed 36-character form, hex digits in either case; printed lowercase;
//! - a UUID (or tag) may appear several times, a UUID also with no interval at all; its
//!   intervals are merged, whether they overlap, touch or come out of order;
//! - tags (`uuid:tag:1-5`, MySQL 8.3+): `[A-Za-z_][A-Za-z0-9_]{0,31}`, folded to lowercase; a tag
//!   applies to the intervals after it up to the next tag or comma (`uuid:1:a:2:b:3` holds
//!   `uuid:1`, `uuid:a:2`, `uuid:b:3`); `uuid:tag:1` and `uuid:1` are different GTIDs;
//! - GNOs are `1..=9223372036854775806` (`2^63-2`, what the server enforces).
//!
//! Where MySQL's legacy parser has quirks, this crate chooses the unsurprising behaviour:
//!
//! | input | MySQL | this crate |
//! |---|---|---|
//! | `010`, `0x10`, `+5` | octal 8, hex 16, 5 (`strtoll` base 0) | error [`Error::NotDecimal`] / [`Error::Syntax`] |
//! | `5-4`, `5-0` (reversed) | silently empty | error [`Error::ReversedInterval`]; empty with [`GtidSet::parse_lenient`] |
//! | `5-` (no end) | silently empty | error [`Error::Syntax`]; empty with [`GtidSet::parse_lenient`] |
//! | `uuid:1-5:x`, `uuid:tag` (a tag with no interval after it) | accepted, the tag adds nothing | error [`Error::TagWithoutInterval`]; ignored by [`GtidSet::parse_lenient`] |
//! | `5-5` | GNO 5 | GNO 5 |
//!
//! Parsing is one pass; memory grows only with the intervals actually read. Intervals that
//! arrive in order are merged on the fly (`O(n)`); out-of-order ones are sorted once (`O(n log n)`).
//!
//! # Printing
//!
//! [`Display`](std::fmt::Display) prints MySQL's canonical text, as `@@gtid_executed` and
//! `GTID_SUBTRACT` do: UUIDs sorted by bytes and printed once, untagged intervals first, then
//! `:tag:intervals` per tag in order, single GNOs as `N`, `",\n"` between UUIDs, the empty set
//! as the empty string. The alternate form `{:#}` ([`GtidSet::to_compact_string`]) uses `","`.
//! `parse(format(x)) == x` holds for both.
//!
//! # Features
//!
//! - `serde`: every type serializes as its text (sets in the compact form; [`Gno`] as a
//!   number) and deserializes through its parser.
//! - `mysql`: the `live` module, reading `@@global.gtid_executed` (MySQL) or
//!   `@@global.gtid_current_pos` / `@@global.gtid_binlog_pos` (MariaDB) with the `mysql` crate.
//!
//! # What was verified against what
//!
//! - MySQL semantics (parsing, printing, `GTID_SUBSET`, `GTID_SUBTRACT`): from MySQL's source
//!   (`sql/rpl_gtid_set.cc`, `libs/mysql/gtid/tag.cpp`), the reference manual's examples and
//!   the MTR and unit-test vectors quoted in `tests/mysql_semantics.rs`. No MySQL server was
//!   available; none of it was run against one.
//! - MariaDB positions and the `live` module: against real MariaDB 10.11 servers (the
//!   `examples` crate's `gtid_live` test: a write on one node only is named by the report).
//! - The algebra: property tests against a naive model (a set of individual GTIDs).

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod dialect;
mod error;
mod gno;
mod intervals;
#[cfg(feature = "mysql")]
pub mod live;
pub mod mariadb;
mod parse;
mod report;
#[cfg(feature = "serde")]
mod serde_impls;
mod set;
mod tag;
mod text;
mod tsid;
mod uuid;

pub use crate::error::Error;
pub use crate::gno::{Gno, Interval};
pub use crate::report::MissingWrites;
pub use crate::set::GtidSet;
pub use crate::tag::Tag;
pub use crate::tsid::{Gtid, Tsid};
pub use crate::uuid::Uuid;
