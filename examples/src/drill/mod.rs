//! The crash-recovery drill: the seeds' story, end to end, on real servers.
//!
//! A primary crashes while an application writes; its last binary log loses its tail, as a
//! lost fsync loses it; the replica, which had already read part of that tail, stops with error
//! 1236 ("impossible position"). The drill then does what the people in the seeds did by hand,
//! with this workspace's crates: diagnose the primary's binary logs (`binlog-parse`) and
//! reposition the replica at the restart point; compare GTIDs both ways (`gtid`); checksum every
//! table (`checksum`); plan, apply and verify the repair (`sync-plan`).
//!
//! [`run`] does it all on two throwaway servers ([`crate::harness`]); [`remote::run`] runs the
//! same diagnosis and repair against servers a user names, read-only unless asked to write.
//! Every step returns a structured result, collected in [`Outcome`], which the
//! `recovery-drill` binary prints and the tests assert on.
//!
//! **Source of truth.** After the repositioning the primary is the source of truth, as in the
//! seed (`mk-table-sync --sync-to-master`): the application kept writing to it. The replica may
//! hold writes the primary lost; the repair would overwrite or delete them, so they are listed in
//! the outcome ([`repair::TableRows::replica_rows_replaced`]) before the repair runs.
//!
//! **Committed.** A row counts as committed when the application's commit was acknowledged and
//! the row survived in the primary's storage after the restart ([`workload::LedgerCheck`]). The
//! drill passes only when, at the end, both servers hold every such row with its last
//! acknowledged version, and the chunk checksums and the full table contents agree.

pub mod connect;
pub mod crash;
pub mod gtids;
pub mod position;
pub mod remote;
pub mod repair;
pub mod report;
mod throwaway;
pub mod workload;
mod writes;

use std::path::Path;

pub use throwaway::{run, DrillOptions, Outcome};

/// What went wrong, and where.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DrillError {
    /// A step of the drill failed.
    #[error("{step}: {detail}")]
    Step {
        /// What the drill was doing.
        step: &'static str,
        /// What went wrong.
        detail: String,
    },
    /// A statement failed.
    #[error("{step}: `{sql}`: {source}")]
    Sql {
        /// What the drill was doing.
        step: &'static str,
        /// The statement.
        sql: String,
        /// The server's or client's error.
        #[source]
        source: mysql::Error,
    },
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// Starting, crashing or restarting a throwaway server failed.
    #[error(transparent)]
    Harness(#[from] crate::harness::HarnessError),
}

impl DrillError {
    pub(crate) fn step(step: &'static str, detail: impl Into<String>) -> DrillError {
        DrillError::Step {
            step,
            detail: detail.into(),
        }
    }

    pub(crate) fn sql(step: &'static str, sql: &str, source: mysql::Error) -> DrillError {
        DrillError::Sql {
            step,
            sql: sql.to_string(),
            source,
        }
    }

    pub(crate) fn io(path: &Path, source: std::io::Error) -> DrillError {
        DrillError::Io {
            path: path.display().to_string(),
            source,
        }
    }
}

/// The file name of `path` (what `SHOW BINARY LOGS` and `CHANGE MASTER TO` use).
pub(crate) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Step lines on stderr: `[3/11] diagnosing binary logs ...`.
#[derive(Debug)]
pub struct Progress {
    step: usize,
    total: usize,
    quiet: bool,
}

impl Progress {
    /// A display for `total` steps; `quiet` prints nothing.
    pub fn new(total: usize, quiet: bool) -> Progress {
        Progress {
            step: 0,
            total,
            quiet,
        }
    }

    /// Starts the next step.
    pub fn step(&mut self, what: &str) {
        self.step += 1;
        if !self.quiet {
            eprintln!("[{}/{}] {what} ...", self.step, self.total);
        }
    }

    /// A detail of the current step.
    pub fn note(&self, what: &str) {
        if !self.quiet {
            eprintln!("      {what}");
        }
    }
}
