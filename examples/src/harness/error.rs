//! The one error type of the harness.

use std::path::PathBuf;
use std::time::Duration;

/// Everything that can go wrong while starting, driving or stopping a throwaway server.
///
/// Each variant carries what a person needs to act on it: the path, the port, the SQL that
/// failed, and for start-up failures the tail of the server's own error log.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HarnessError {
    /// `mariadbd` (or `mariadb-install-db`) is not installed where the harness looks for it.
    #[error(
        "{program} not found (looked in {searched}); run scripts/test as root, or `apt-get install mariadb-server`"
    )]
    MariadbdMissing {
        /// The program that was looked for.
        program: String,
        /// The directories searched, joined by `:`.
        searched: String,
    },
    /// A file-system or process operation failed.
    #[error("{what}: {source}")]
    Io {
        /// What the harness was doing, with the path involved.
        what: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// `mariadb-install-db` exited with an error.
    #[error("mariadb-install-db failed for {datadir} ({status}): {output}")]
    InstallDb {
        /// The data directory being initialised.
        datadir: PathBuf,
        /// Its exit status.
        status: String,
        /// The tail of its combined output.
        output: String,
    },
    /// The server exited while the harness waited for it to accept connections.
    #[error(
        "mariadbd on port {port} exited during start-up ({status}); error log tail:\n{log_tail}"
    )]
    Exited {
        /// The port it was started on.
        port: u16,
        /// Its exit status.
        status: String,
        /// The last lines of its error log.
        log_tail: String,
    },
    /// The server did not accept connections in time.
    #[error("mariadbd on port {port} did not accept connections within {waited:?}; error log tail:\n{log_tail}")]
    StartTimeout {
        /// The port it was started on.
        port: u16,
        /// How long the harness waited.
        waited: Duration,
        /// The last lines of its error log.
        log_tail: String,
    },
    /// The operation needs a running server, and this one has been killed or shut down.
    #[error("server on port {port} is not running (call restart first)")]
    NotRunning {
        /// The server's port.
        port: u16,
    },
    /// A statement or connection failed.
    #[error("{what}: {source}")]
    Mysql {
        /// What the harness was doing, usually the SQL text and the port.
        what: String,
        /// The client library's error.
        #[source]
        source: mysql::Error,
    },
    /// A query returned no row, or a value of an unexpected type.
    #[error("unexpected result for `{sql}`: {detail}")]
    UnexpectedResult {
        /// The statement.
        sql: String,
        /// What was wrong with its result.
        detail: String,
    },
    /// The replica stopped replicating with an error, or is not configured at all.
    #[error("replica on port {port} is not replicating: {detail}")]
    Replication {
        /// The replica's port.
        port: u16,
        /// The thread states and last errors from `SHOW SLAVE STATUS`.
        detail: String,
    },
    /// The replica did not catch up with the primary in time.
    #[error(
        "replica did not catch up within {waited:?}: primary at {primary}, replica at {replica}"
    )]
    CatchUpTimeout {
        /// How long the harness waited.
        waited: Duration,
        /// The primary's binlog file, position and GTID position.
        primary: String,
        /// The replica's executed file, position and GTID position.
        replica: String,
    },
}

impl HarnessError {
    /// Wraps an I/O error with a description of the operation.
    pub(crate) fn io(what: impl Into<String>, source: std::io::Error) -> Self {
        HarnessError::Io {
            what: what.into(),
            source,
        }
    }

    /// Wraps a client error with a description of the operation.
    pub(crate) fn mysql(what: impl Into<String>, source: mysql::Error) -> Self {
        HarnessError::Mysql {
            what: what.into(),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    /// Tests often return `Box<dyn Error + Send + Sync>` and start servers on threads.
    #[test]
    fn the_error_crosses_threads() {
        fn send_sync<T: Send + Sync + 'static>() {}
        send_sync::<super::HarnessError>();
    }
}
