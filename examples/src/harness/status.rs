//! `SHOW SLAVE STATUS`, typed.

use mysql::prelude::{FromValue, Queryable};
use mysql::{Conn, Row};

use super::HarnessError;

/// The columns of MariaDB's `SHOW SLAVE STATUS` that crash drills look at.
///
/// Thread states are the server's own words: `"Yes"`, `"No"` or `"Connecting"`. Positions
/// are the primary's: `master_log_file`/`read_master_log_pos` is how far the IO thread has
/// read, `relay_master_log_file`/`exec_master_log_pos` how far the SQL thread has applied.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReplicaStatus {
    /// `Slave_IO_Running`.
    pub io_running: String,
    /// `Slave_SQL_Running`.
    pub sql_running: String,
    /// `Last_IO_Errno` (1236 when the primary refuses the requested position).
    pub last_io_errno: u32,
    /// `Last_IO_Error`.
    pub last_io_error: String,
    /// `Last_SQL_Errno`.
    pub last_sql_errno: u32,
    /// `Last_SQL_Error`.
    pub last_sql_error: String,
    /// `Master_Log_File`: the primary's binlog the IO thread reads.
    pub master_log_file: String,
    /// `Read_Master_Log_Pos`: the position in it the IO thread has read up to.
    pub read_master_log_pos: u64,
    /// `Relay_Master_Log_File`: the primary's binlog holding the last applied event.
    pub relay_master_log_file: String,
    /// `Exec_Master_Log_Pos`: the end position, in the primary's binlog, of that event.
    pub exec_master_log_pos: u64,
    /// `Relay_Log_File`: the replica's relay log the SQL thread reads.
    pub relay_log_file: String,
    /// `Relay_Log_Pos`: the position in it.
    pub relay_log_pos: u64,
    /// `Gtid_IO_Pos`: the last GTIDs the IO thread received, per domain.
    pub gtid_io_pos: String,
}

impl ReplicaStatus {
    /// When a replication thread has stopped (`"No"`) with an error: a one-line description
    /// of the thread states and errors. `None` while both run or are just reconnecting.
    pub fn stopped_with_error(&self) -> Option<String> {
        let io_failed = self.io_running == "No" && self.last_io_errno != 0;
        let sql_failed = self.sql_running == "No" && self.last_sql_errno != 0;
        (io_failed || sql_failed).then(|| {
            format!(
                "io thread {} (error {}: {}), sql thread {} (error {}: {})",
                self.io_running,
                self.last_io_errno,
                self.last_io_error,
                self.sql_running,
                self.last_sql_errno,
                self.last_sql_error
            )
        })
    }
}

/// Runs `SHOW SLAVE STATUS` on `conn`; `None` when the server is not configured as a replica.
pub fn replica_status(conn: &mut Conn) -> Result<Option<ReplicaStatus>, HarnessError> {
    let sql = "SHOW SLAVE STATUS";
    let row: Option<Row> = conn
        .query_first(sql)
        .map_err(|e| HarnessError::mysql(sql, e))?;
    let Some(row) = row else {
        return Ok(None);
    };
    Ok(Some(ReplicaStatus {
        io_running: column(&row, "Slave_IO_Running", sql)?,
        sql_running: column(&row, "Slave_SQL_Running", sql)?,
        last_io_errno: column(&row, "Last_IO_Errno", sql)?,
        last_io_error: column(&row, "Last_IO_Error", sql)?,
        last_sql_errno: column(&row, "Last_SQL_Errno", sql)?,
        last_sql_error: column(&row, "Last_SQL_Error", sql)?,
        master_log_file: column(&row, "Master_Log_File", sql)?,
        read_master_log_pos: column(&row, "Read_Master_Log_Pos", sql)?,
        relay_master_log_file: column(&row, "Relay_Master_Log_File", sql)?,
        exec_master_log_pos: column(&row, "Exec_Master_Log_Pos", sql)?,
        relay_log_file: column(&row, "Relay_Log_File", sql)?,
        relay_log_pos: column(&row, "Relay_Log_Pos", sql)?,
        gtid_io_pos: column(&row, "Gtid_IO_Pos", sql)?,
    }))
}

/// Column `name` of `row` as a `T`; NULL reads as `T::default()`.
pub(crate) fn column<T: FromValue + Default>(
    row: &Row,
    name: &str,
    sql: &str,
) -> Result<T, HarnessError> {
    let unexpected = |detail: String| HarnessError::UnexpectedResult {
        sql: sql.to_string(),
        detail,
    };
    match row.get_opt::<Option<T>, _>(name) {
        Some(Ok(value)) => Ok(value.unwrap_or_default()),
        Some(Err(e)) => Err(unexpected(format!("column {name}: {e}"))),
        None => Err(unexpected(format!("no column {name}"))),
    }
}
