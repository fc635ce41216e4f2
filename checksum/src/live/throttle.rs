//! Gentleness: wait while a pause file exists, while the server is busy (`Threads_running`)
//! or while a replica lags, before each chunk.

use std::path::PathBuf;
use std::time::Duration;

use mysql::prelude::Queryable;
use mysql::Conn;

use crate::error::{At, Error};
use crate::Dialect;

use super::server_err;

/// Limits checked before every chunk; while one is exceeded the run sleeps `check_interval`
/// and checks again (pt-table-checksum's `--max-load`, `--max-lag`, `--pause-file`).
#[derive(Clone, Debug, PartialEq)]
pub struct Throttle {
    /// Pause while the server's `Threads_running` is above this (pt's default is 25).
    pub max_threads_running: Option<u64>,
    /// Pause while a watched replica is further behind than this (or not replicating).
    pub max_lag: Option<Duration>,
    /// Pause while this file exists (create it to pause a run, delete it to resume).
    pub pause_file: Option<PathBuf>,
    /// How long to sleep between checks.
    pub check_interval: Duration,
}

impl Default for Throttle {
    fn default() -> Throttle {
        Throttle {
            max_threads_running: Some(25),
            max_lag: Some(Duration::from_secs(1)),
            pause_file: None,
            check_interval: Duration::from_millis(500),
        }
    }
}

/// Why a run waited.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Wait {
    /// The pause file exists.
    PauseFile,
    /// `Threads_running` was at the value shown.
    ThreadsRunning(u64),
    /// A replica was this many seconds behind (`None`: not replicating).
    Lag(Option<u64>),
}

impl Throttle {
    /// No limits at all.
    pub fn none() -> Throttle {
        Throttle {
            max_threads_running: None,
            max_lag: None,
            pause_file: None,
            check_interval: Duration::from_millis(500),
        }
    }

    /// Blocks until no limit is exceeded. `busy` is the server whose load counts (the
    /// source); `replicas` are watched for lag. Calls `on_wait` each time it sleeps.
    pub fn wait(
        &self,
        at: &At,
        busy: &mut Conn,
        replicas: &mut [(&str, &mut Conn, Dialect)],
        on_wait: &mut dyn FnMut(&Wait),
    ) -> Result<(), Error> {
        loop {
            let reason = self.check(at, busy, replicas)?;
            match reason {
                None => return Ok(()),
                Some(w) => {
                    on_wait(&w);
                    std::thread::sleep(self.check_interval);
                }
            }
        }
    }

    fn check(
        &self,
        at: &At,
        busy: &mut Conn,
        replicas: &mut [(&str, &mut Conn, Dialect)],
    ) -> Result<Option<Wait>, Error> {
        if self.pause_file.as_ref().is_some_and(|p| p.exists()) {
            return Ok(Some(Wait::PauseFile));
        }
        if let Some(max) = self.max_threads_running {
            let row: Option<(String, u64)> = busy
                .query_first("SHOW GLOBAL STATUS LIKE 'Threads_running'")
                .map_err(|e| server_err(at.clone(), "source", e))?;
            if let Some((_, running)) = row {
                if running > max {
                    return Ok(Some(Wait::ThreadsRunning(running)));
                }
            }
        }
        if let Some(max) = self.max_lag {
            for (name, conn, dialect) in replicas.iter_mut() {
                let (sql, column) = dialect.replica_status();
                let row: Option<mysql::Row> = conn
                    .query_first(sql)
                    .map_err(|e| server_err(at.clone(), name, e))?;
                // A server that is not a replica has no lag to wait for.
                let Some(row) = row else { continue };
                let lag: Option<u64> = row
                    .columns_ref()
                    .iter()
                    .position(|c| c.name_str() == column)
                    .and_then(|i| row.get_opt::<Option<u64>, usize>(i))
                    .and_then(Result::ok)
                    .flatten();
                match lag {
                    Some(secs) if Duration::from_secs(secs) <= max => {}
                    other => return Ok(Some(Wait::Lag(other))),
                }
            }
        }
        Ok(None)
    }
}
