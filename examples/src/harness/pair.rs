//! A primary and a replica on loopback, and the replica's status.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use mysql::prelude::Queryable;
use mysql::Row;

use super::server::POLL;
use super::status::{column, replica_status, ReplicaStatus};
use super::{HarnessError, Server, ServerOptions};

/// How the replica finds its place in the primary's binary logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ReplicationMode {
    /// `MASTER_USE_GTID=slave_pos`: resume after the last GTID the replica *applied*
    /// (`@@gtid_slave_pos`). MariaDB's recommended mode, and the default here: unlike
    /// `current_pos` it ignores transactions written locally on the replica, which would
    /// otherwise make the primary refuse the connection (error 1236, GTID not in its binlog).
    #[default]
    SlavePos,
    /// `MASTER_USE_GTID=current_pos`: resume after the replica's own binlog position too.
    CurrentPos,
    /// Classic file and offset, starting at `mysql-bin.000001`, position 4: the mode in which a
    /// torn primary binlog shows up as error 1236 "impossible position".
    FilePosition,
}

/// A primary (server id 1) and a replica (server id 2) on 127.0.0.1, both with row-format
/// binary logs and `log_slave_updates`, the replica replicating from the primary with
/// `MASTER_CONNECT_RETRY=1` so that it reconnects within a second after a primary crash.
///
/// ```no_run
/// use examples::harness::Pair;
/// # fn main() -> Result<(), examples::harness::HarnessError> {
/// let pair = Pair::start()?;
/// pair.primary.exec("CREATE TABLE test.t (id INT PRIMARY KEY)")?;
/// pair.wait_replica_caught_up(std::time::Duration::from_secs(60))?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Pair {
    /// The primary, server id 1.
    pub primary: Server,
    /// The replica, server id 2.
    pub replica: Server,
}

impl Pair {
    /// Starts both servers at once and sets up GTID replication (`slave_pos`).
    pub fn start() -> Result<Pair, HarnessError> {
        Pair::start_with(ReplicationMode::default())
    }

    /// Starts both servers at once and sets up replication in the given mode; returns when the
    /// replica's IO and SQL threads run and it has caught up (60 s at most).
    pub fn start_with(mode: ReplicationMode) -> Result<Pair, HarnessError> {
        let replica_thread = std::thread::spawn(|| {
            Server::start(ServerOptions {
                server_id: 2,
                ..ServerOptions::default()
            })
        });
        let primary = Server::start(ServerOptions::default());
        let replica = replica_thread.join().unwrap_or_else(|_| {
            Err(HarnessError::io(
                "starting the replica",
                std::io::Error::other("the starting thread panicked"),
            ))
        });
        let pair = Pair {
            primary: primary?,
            replica: replica?,
        };
        let use_gtid = match mode {
            ReplicationMode::SlavePos => ", MASTER_USE_GTID=slave_pos",
            ReplicationMode::CurrentPos => ", MASTER_USE_GTID=current_pos",
            ReplicationMode::FilePosition => {
                ", MASTER_LOG_FILE='mysql-bin.000001', MASTER_LOG_POS=4, MASTER_USE_GTID=no"
            }
        };
        pair.replica.exec(&format!(
            "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT={}, MASTER_USER='root', \
             MASTER_PASSWORD='', MASTER_CONNECT_RETRY=1{use_gtid}",
            pair.primary.port()
        ))?;
        pair.replica.exec("START SLAVE")?;
        pair.wait_replica_caught_up(Duration::from_secs(60))?;
        Ok(pair)
    }

    /// The replica's `SHOW SLAVE STATUS`.
    pub fn replica_status(&self) -> Result<ReplicaStatus, HarnessError> {
        let mut conn = self.replica.conn()?;
        replica_status(&mut conn)?.ok_or_else(|| HarnessError::Replication {
            port: self.replica.port(),
            detail: "SHOW SLAVE STATUS is empty (no CHANGE MASTER TO)".into(),
        })
    }

    /// Polls the replica's `SHOW SLAVE STATUS` until `pred` holds, and returns that status.
    /// `what` says what is awaited ("stopped with an IO error"); when `timeout` passes first, the
    /// error names it together with the last status seen.
    pub fn wait_for_status(
        &self,
        what: &str,
        timeout: Duration,
        pred: impl Fn(&ReplicaStatus) -> bool,
    ) -> Result<ReplicaStatus, HarnessError> {
        let deadline = Instant::now() + timeout;
        loop {
            let status = self.replica_status()?;
            if pred(&status) {
                return Ok(status);
            }
            if Instant::now() > deadline {
                return Err(HarnessError::Replication {
                    port: self.replica.port(),
                    detail: format!("never {what} within {timeout:?}; last status {status:?}"),
                });
            }
            std::thread::sleep(POLL);
        }
    }

    /// Waits until the replica's IO and SQL threads run and it has executed the primary's
    /// binary log: while it executes the primary's current file, its executed position reached
    /// the primary's `SHOW MASTER STATUS`; before that (another file), its `@@gtid_slave_pos`
    /// covers `@@gtid_binlog_pos` domain by domain.
    ///
    /// Returns early with [`HarnessError::Replication`] when a replication thread has stopped
    /// with an error (for instance error 1236 from the primary).
    pub fn wait_replica_caught_up(&self, timeout: Duration) -> Result<(), HarnessError> {
        let deadline = Instant::now() + timeout;
        loop {
            let (file, pos, primary_gtid) = self.primary_position()?;
            let status = self.replica_status()?;
            if let Some(detail) = status.stopped_with_error() {
                return Err(HarnessError::Replication {
                    port: self.replica.port(),
                    detail,
                });
            }
            let replica_gtid: String = self.replica.query_one("SELECT @@gtid_slave_pos")?;
            let threads_run = status.io_running == "Yes" && status.sql_running == "Yes";
            // The position decides while the replica executes the primary's current file; the
            // GTID position only across files (a rotation or failover), since sequence numbers
            // can repeat (after RESET MASTER, say) and an old position would seem to cover them.
            let caught_up = if status.relay_master_log_file == file {
                status.exec_master_log_pos >= pos
            } else {
                gtid_pos_covers(&replica_gtid, &primary_gtid)
            };
            if threads_run && caught_up {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(HarnessError::CatchUpTimeout {
                    waited: timeout,
                    primary: format!("{file}:{pos} gtid {primary_gtid:?}"),
                    replica: format!(
                        "{}:{} gtid {replica_gtid:?} (io {}, sql {})",
                        status.relay_master_log_file,
                        status.exec_master_log_pos,
                        status.io_running,
                        status.sql_running
                    ),
                });
            }
            std::thread::sleep(POLL);
        }
    }

    /// The primary's current binlog file, position and `@@gtid_binlog_pos`.
    fn primary_position(&self) -> Result<(String, u64, String), HarnessError> {
        let mut conn = self.primary.conn()?;
        let sql = "SHOW MASTER STATUS";
        let row: Option<Row> = conn
            .query_first(sql)
            .map_err(|e| HarnessError::mysql(format!("`{sql}` on the primary"), e))?;
        let (file, pos) = match row {
            Some(row) => (column(&row, "File", sql)?, column(&row, "Position", sql)?),
            None => (String::new(), 0),
        };
        let gtid: Option<String> = conn
            .query_first("SELECT @@gtid_binlog_pos")
            .map_err(|e| HarnessError::mysql("reading @@gtid_binlog_pos on the primary", e))?;
        Ok((file, pos, gtid.unwrap_or_default()))
    }
}

/// Whether MariaDB GTID position `have` (`domain-server-seq,...`) is at or past `want` in every
/// domain of `want`.
fn gtid_pos_covers(have: &str, want: &str) -> bool {
    fn parse(pos: &str) -> HashMap<&str, u64> {
        pos.split(',')
            .filter_map(|g| {
                let mut parts = g.trim().splitn(3, '-');
                let domain = parts.next()?;
                let _server = parts.next()?;
                Some((domain, parts.next()?.parse().ok()?))
            })
            .collect()
    }
    let have = parse(have);
    parse(want)
        .iter()
        .all(|(domain, seq)| have.get(domain).is_some_and(|h| h >= seq))
}

#[cfg(test)]
mod tests {
    use super::gtid_pos_covers;

    #[test]
    fn a_gtid_position_covers_itself_and_older_ones() {
        assert!(gtid_pos_covers("0-1-5", "0-1-5"));
        assert!(gtid_pos_covers("0-1-6", "0-1-5"));
        assert!(gtid_pos_covers("0-2-9,1-1-3", "1-1-3,0-1-5"));
        assert!(gtid_pos_covers("", ""));
        assert!(gtid_pos_covers("0-1-1", ""));
    }

    #[test]
    fn a_gtid_position_does_not_cover_newer_or_other_domains() {
        assert!(!gtid_pos_covers("0-1-4", "0-1-5"));
        assert!(!gtid_pos_covers("0-1-9", "0-1-5,1-1-1"));
        assert!(!gtid_pos_covers("", "0-1-1"));
    }
}
