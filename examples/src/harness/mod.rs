//! Throwaway MariaDB servers for tests, examples and benches.
//!
//! [`Server::start`] creates a data directory with `mariadb-install-db` in
//! `$TMPDIR/repl-harness-*`, starts `mariadbd --no-defaults` on a free port of 127.0.0.1 with
//! its own socket, and waits until it accepts connections. It never reads the system's
//! configuration nor touches `/var/lib/mysql`, so several servers run side by side, also from
//! parallel tests. [`Server::kill`] and [`Server::restart`] make crash drills;
//! [`Pair::start`] makes a primary and a replica. Dropping a [`Server`] shuts it down and
//! removes its directory (kept with `KEEP_SERVERS=1`). Should the test process die without
//! running destructors, the kernel kills its servers too (see `setpriv --pdeathsig`).
//! `mariadb-install-db` runs once: its result is kept in `$TMPDIR/repl-harness-template-*`
//! and copied for each server, which makes a start take a few hundred milliseconds.
//!
//! The harness installs nothing: when `mariadbd` is missing, [`mariadbd_path`] and
//! [`Server::start`] fail with a one-line instruction. `scripts/test` installs it.
//!
//! | type | what |
//! |---|---|
//! | [`ServerOptions`] | server id, binlog on/off, GTID strict mode, extra `mariadbd` options |
//! | [`Server`] | one server: `port`, `url`, `conn`, `query_one`, `exec`, `kill`, `restart`, `shutdown` |
//! | [`Pair`] | primary (id 1) + replica (id 2), `replica_status`, `wait_replica_caught_up` |
//! | [`ReplicaStatus`] | the `SHOW SLAVE STATUS` columns crash drills need |
//! | [`HarnessError`] | every failure, with the server's error-log tail where it helps |
//!
//! ```no_run
//! use examples::harness::Pair;
//! # fn main() -> Result<(), examples::harness::HarnessError> {
//! let mut pair = Pair::start()?;
//! pair.primary.exec("CREATE TABLE test.t (id INT PRIMARY KEY); INSERT INTO test.t VALUES (1)")?;
//! pair.wait_replica_caught_up(std::time::Duration::from_secs(60))?;
//! pair.primary.kill()?; // crash
//! pair.primary.restart()?; // crash recovery; the replica reconnects by itself
//! # Ok(()) }
//! ```

mod error;
mod install;
mod lifecycle;
mod pair;
mod process;
mod server;
mod status;

pub use error::HarnessError;
pub use pair::{Pair, ReplicationMode};
pub use process::{locate_program, mariadbd_path, TEMPDIR_PREFIX};
pub use server::{Server, ServerOptions};
pub use status::{replica_status, ReplicaStatus};
