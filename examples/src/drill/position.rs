//! Where the replica may resume: the primary's binary logs diagnosed with `binlog-parse`, the
//! replica's position judged against them, and the `CHANGE MASTER TO` that follows.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use binlog_parse::{LogSet, SetDiagnosis, Verdict};
use mysql::prelude::Queryable;
use mysql::{Conn, Row};
use serde::Serialize;

use super::DrillError;

/// One file of the primary's binary log, as diagnosed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileLine {
    /// The file name.
    pub name: String,
    /// `rotated`, `stopped`, `unclosed`, `torn` or `corrupt`.
    pub status: String,
    /// Complete events.
    pub events: u64,
    /// Where the last complete event ends.
    pub valid_end: u64,
    /// The file's size.
    pub size: u64,
    /// Bytes of a partial event after `valid_end`.
    pub torn_tail: u64,
}

/// The diagnosis of the primary's logs and the verdict on the replica's position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    /// Every file, oldest first.
    pub files: Vec<FileLine>,
    /// The position judged: the replica's `Master_Log_File`.
    pub replica_file: String,
    /// The position judged: the replica's `Read_Master_Log_Pos`.
    pub replica_pos: u64,
    /// `valid`, `impossible`, `not_event_boundary` or `unknown_file`.
    pub verdict: String,
    /// Where replication can resume, when `binlog-parse` could tell.
    pub restart: Option<(String, u64)>,
    /// Bytes the replica read beyond the primary's valid end: events the primary lost.
    pub beyond_valid_end: u64,
}

impl Diagnosis {
    /// A few lines for people.
    pub fn explain(&self) -> Vec<String> {
        let mut out = Vec::new();
        for f in &self.files {
            out.push(format!(
                "{:<18} {:<8} {:>6} events  valid to {:>8} of {:>8} bytes{}",
                f.name,
                f.status,
                f.events,
                f.valid_end,
                f.size,
                if f.torn_tail > 0 {
                    format!("  ({} bytes of a torn event)", f.torn_tail)
                } else {
                    String::new()
                }
            ));
        }
        out.push(format!(
            "replica position {}:{} is {}",
            self.replica_file, self.replica_pos, self.verdict
        ));
        if self.verdict == Verdict::Impossible.as_str() {
            out.push(format!(
                "the replica read {} bytes the primary no longer has: events lost with the torn tail",
                self.beyond_valid_end
            ));
        }
        match &self.restart {
            Some((f, p)) => out.push(format!("restart point: {f}:{p}")),
            None => out.push("no restart point in these files".into()),
        }
        out
    }
}

/// Diagnoses `files` (the primary's binary logs, oldest first) and judges `(file, pos)`.
pub fn diagnose(
    files: &[PathBuf],
    file: &str,
    pos: u64,
) -> Result<(SetDiagnosis, Diagnosis), DrillError> {
    let set = LogSet {
        files: files.to_vec(),
        index: None,
    };
    let io = |e: std::io::Error| DrillError::step("diagnosing the binary logs", e.to_string());
    let diag = set.diagnose().map_err(io)?;
    let check = diag.check_replica_position(file, pos).map_err(io)?;
    let out = Diagnosis {
        files: diag
            .files
            .iter()
            .map(|f| FileLine {
                name: f.name.clone(),
                status: f.diagnosis.status.as_str().to_string(),
                events: f.diagnosis.events,
                valid_end: f.diagnosis.valid_end.get(),
                size: f.diagnosis.size,
                torn_tail: f.diagnosis.torn_tail,
            })
            .collect(),
        replica_file: file.to_string(),
        replica_pos: pos,
        verdict: check.verdict.as_str().to_string(),
        restart: check.restart.clone(),
        beyond_valid_end: check.beyond_valid_end,
    };
    Ok((diag, out))
}

/// The statements that move a replica to `file:pos`, in order.
pub fn reposition_statements(file: &str, pos: u64) -> Vec<String> {
    vec![
        "STOP SLAVE".to_string(),
        format!(
            "CHANGE MASTER TO MASTER_LOG_FILE='{}', MASTER_LOG_POS={pos}",
            file.replace('\'', "''")
        ),
        "START SLAVE".to_string(),
    ]
}

/// Runs `statements` on `conn`, printing each (`> SQL;`) to stderr, with the step lines,
/// before it runs.
pub fn run_printed(conn: &mut Conn, statements: &[String]) -> Result<(), DrillError> {
    for sql in statements {
        eprintln!("      > {sql};");
        conn.query_drop(sql)
            .map_err(|e| DrillError::sql("repositioning the replica", sql, e))?;
    }
    Ok(())
}

/// Waits until the replica's SQL thread has applied everything its relay log holds (its state
/// says it has read all relay log), so that `CHANGE MASTER TO`, which discards relay logs,
/// throws away nothing but a partial transaction.
pub fn wait_relay_drained(conn: &mut Conn) -> Result<(), DrillError> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let sql = "SHOW SLAVE STATUS";
        let row: Option<Row> = conn
            .query_first(sql)
            .map_err(|e| DrillError::sql("waiting for the relay log", sql, e))?;
        let state: String = row
            .as_ref()
            .and_then(|r| r.get_opt::<Option<String>, _>("Slave_SQL_Running_State"))
            .and_then(Result::ok)
            .flatten()
            .unwrap_or_default();
        let running: String = row
            .as_ref()
            .and_then(|r| r.get_opt::<Option<String>, _>("Slave_SQL_Running"))
            .and_then(Result::ok)
            .flatten()
            .unwrap_or_default();
        if running != "Yes" || state.contains("read all relay log") {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(DrillError::step(
                "waiting for the relay log",
                format!("the replica's SQL thread is still busy after 60 s ({state})"),
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Waits until the replica has applied the primary's binary log up to the primary's current
/// file and position (`SHOW MASTER STATUS`), judged by file and position: GTIDs cannot tell
/// after a crash in which the primary reused sequence numbers. Fails when a replication thread
/// stops with an error, or after 120 s.
pub fn wait_applied(primary: &mut Conn, replica: &mut Conn) -> Result<(), DrillError> {
    let sql = "SHOW MASTER STATUS";
    let row: Option<Row> = primary
        .query_first(sql)
        .map_err(|e| DrillError::sql("waiting for the replica", sql, e))?;
    let (file, pos): (String, u64) = row
        .and_then(|r| Some((r.get("File")?, r.get("Position")?)))
        .ok_or_else(|| {
            DrillError::step("waiting for the replica", "the primary has no binary log")
        })?;
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let status = crate::harness::replica_status(replica)
            .map_err(|e| DrillError::step("waiting for the replica", e.to_string()))?
            .ok_or_else(|| DrillError::step("waiting for the replica", "not a replica"))?;
        if let Some(problem) = status.stopped_with_error() {
            return Err(DrillError::step("waiting for the replica", problem));
        }
        if status.sql_running == "Yes"
            && status.relay_master_log_file == file
            && status.exec_master_log_pos >= pos
        {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(DrillError::step(
                "waiting for the replica",
                format!(
                    "not at {file}:{pos} after 120 s (at {}:{})",
                    status.relay_master_log_file, status.exec_master_log_pos
                ),
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reposition_statements_quote_the_file_name() {
        let s = reposition_statements("it's.000002", 4);
        assert_eq!(s[0], "STOP SLAVE");
        assert_eq!(
            s[1],
            "CHANGE MASTER TO MASTER_LOG_FILE='it''s.000002', MASTER_LOG_POS=4"
        );
        assert_eq!(s[2], "START SLAVE");
    }

    #[test]
    fn a_missing_file_is_an_error_naming_it() {
        let missing = std::env::temp_dir().join("recovery-drill-no-such-binlog.000001");
        let err = diagnose(&[missing], "recovery-drill-no-such-binlog.000001", 4);
        assert!(err.is_err());
    }
}
