//! The drill's diagnosis and repair against servers a user names. Read-only unless
//! [`RemoteOptions::execute`]: then the replica is repositioned (when its position is
//! impossible) and repaired, each statement printed before it runs. Passwords are never printed.

use std::path::PathBuf;

use gtid::dialect::Findings;
use mysql::prelude::Queryable;
use serde::Serialize;

use super::position::{self, Diagnosis};
use super::repair::{self, TableChecksum, TableRows};
use super::{DrillError, Progress};

/// What to run against.
#[derive(Debug, Clone, Default)]
pub struct RemoteOptions {
    /// `mysql://user:password@host:port` of the primary (the source of truth).
    pub primary: String,
    /// The same for the replica (the side repaired).
    pub replica: String,
    /// The primary's binary log directory, when readable from here.
    pub binlog_dir: Option<PathBuf>,
    /// Write: reposition and repair the replica.
    pub execute: bool,
    /// Print no step lines.
    pub quiet: bool,
}

/// What was found and done.
#[derive(Debug, Clone, Serialize)]
pub struct RemoteOutcome {
    /// The replica's thread states and errors, one line.
    pub replica_state: String,
    /// The replica's `Last_IO_Errno`.
    pub replica_io_errno: u32,
    /// `Master_Log_File:Read_Master_Log_Pos`.
    pub replica_read: (String, u64),
    /// `SHOW BINARY LOGS` on the primary: name and size.
    pub binary_logs: Vec<(String, u64)>,
    /// The verdict on the replica's position and what it rests on.
    pub verdict: Vec<String>,
    /// Where the replica should resume, when its position is not valid.
    pub restart: Option<(String, u64)>,
    /// The `binlog-parse` diagnosis, when the binary log directory was given.
    pub diagnosis: Option<Diagnosis>,
    /// The GTID check with the primary as source, then with the replica as source.
    pub gtids: Vec<String>,
    /// Whether the replica was repositioned.
    pub repositioned: bool,
    /// Chunk checksums.
    pub checksums: Vec<TableChecksum>,
    /// Row differences.
    pub rows: Vec<TableRows>,
    /// The repair script.
    pub plan_sql: String,
    /// Statements in it.
    pub plan_statements: usize,
    /// Statements executed (0 without `--execute`).
    pub executed: u64,
    /// Chunk checksums after the repair (`--execute` only).
    pub checksums_after: Option<Vec<TableChecksum>>,
}

impl RemoteOutcome {
    /// No differences remain (after the repair when one ran).
    pub fn consistent(&self) -> bool {
        let list = self.checksums_after.as_ref().unwrap_or(&self.checksums);
        list.iter().all(|t| t.differing_chunks == 0)
            && (self.restart.is_none() || self.repositioned)
    }
}

fn user_tables(conn: &mut mysql::Conn) -> Result<Vec<(String, String)>, DrillError> {
    let sql = "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES \
               WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA NOT IN \
               ('mysql', 'information_schema', 'performance_schema', 'sys', 'percona') \
               ORDER BY TABLE_SCHEMA, TABLE_NAME";
    conn.query(sql)
        .map_err(|e| DrillError::sql("listing tables", sql, e))
}

/// Runs the diagnosis (and with `execute`, the repair) against the named servers.
pub fn run(opts: &RemoteOptions) -> Result<RemoteOutcome, DrillError> {
    let mut p = Progress::new(if opts.execute { 6 } else { 5 }, opts.quiet);
    p.step("reading the replica's status and the primary's binary logs");
    let (mut primary, plabel) = repair::connect(&opts.primary, "primary")?;
    let (mut replica, rlabel) = repair::connect(&opts.replica, "replica")?;
    p.note(&format!("primary {plabel}  replica {rlabel}"));
    let status = crate::harness::replica_status(&mut replica)
        .map_err(|e| DrillError::step("reading SHOW SLAVE STATUS", e.to_string()))?
        .ok_or_else(|| {
            DrillError::step(
                "reading SHOW SLAVE STATUS",
                format!(
                    "{rlabel} is not a replica (SHOW SLAVE STATUS is empty): give the replica's \
                     URL as --replica and its primary's as --primary"
                ),
            )
        })?;
    // A replica of another server would be "repaired" into a copy of the wrong one: its
    // upstream's server id must be the primary's.
    let facts = |conn: &mut mysql::Conn, label: &str, side| {
        sync_plan::live::server_facts(conn, label, side)
            .map_err(|e| DrillError::step("reading SHOW SLAVE STATUS", e.to_string()))
    };
    let (pf, rf) = (
        facts(&mut primary, &plabel, "source")?,
        facts(&mut replica, &rlabel, "target")?,
    );
    let ids: Vec<String> = rf
        .upstreams
        .iter()
        .filter(|u| u.server_id != 0)
        .map(|u| format!("{}:{} (server_id {})", u.host, u.port, u.server_id))
        .collect();
    if !ids.is_empty() && !rf.upstreams.iter().any(|u| u.server_id == pf.server_id) {
        return Err(DrillError::step(
            "reading SHOW SLAVE STATUS",
            format!(
                "the replica {rlabel} replicates from {}, not from the primary {plabel} \
                 (server_id {}): give the replica's own primary as --primary",
                ids.join(", "),
                pf.server_id
            ),
        ));
    }
    let sql = "SHOW BINARY LOGS";
    let binary_logs: Vec<(String, u64)> = primary
        .query_map(sql, |row: mysql::Row| {
            (
                row.get::<String, _>(0).unwrap_or_default(),
                row.get::<u64, _>(1).unwrap_or(0),
            )
        })
        .map_err(|e| DrillError::sql("listing the primary's binary logs", sql, e))?;
    let replica_state = format!(
        "io {} (errno {}: {}), sql {} (errno {}: {})",
        status.io_running,
        status.last_io_errno,
        status.last_io_error,
        status.sql_running,
        status.last_sql_errno,
        status.last_sql_error
    );
    p.note(&replica_state);

    p.step("judging the replica's position");
    let (file, pos) = (status.master_log_file.clone(), status.read_master_log_pos);
    let mut verdict = Vec::new();
    let mut restart = None;
    let mut diagnosis = None;
    let mut ends = None;
    if let Some(dir) = &opts.binlog_dir {
        let files: Vec<PathBuf> = binary_logs.iter().map(|(n, _)| dir.join(n)).collect();
        if let Some(absent) = files.iter().find(|f| !f.is_file()) {
            return Err(DrillError::step(
                "judging the replica's position",
                format!(
                    "--binlog-dir {} does not hold {} (listed by SHOW BINARY LOGS on the primary \
                     {plabel}): give the primary's own binary log directory, or leave \
                     --binlog-dir out",
                    dir.display(),
                    super::file_name(absent)
                ),
            ));
        }
        let (set, d) = position::diagnose(&files, &file, pos)?;
        // Where the torn file ends and what the next one opens with, for the GTID report.
        let torn = set.files.iter().position(|f| f.name == file);
        if let Some(i) = torn.filter(|_| d.verdict == "impossible") {
            if let Some(next) = set.files.get(i + 1) {
                ends = Some((
                    set.files[i].diagnosis.transactions.mariadb_position(),
                    next.diagnosis.transactions.gtid_list.clone(),
                ));
            }
        }
        verdict = d.explain();
        if d.verdict != "valid" {
            restart = d.restart.clone();
        }
        diagnosis = Some(d);
    } else if let Some(i) = binary_logs.iter().position(|(n, _)| *n == file) {
        let size = binary_logs[i].1;
        if pos > size {
            verdict.push(format!(
                "{file}:{pos} is beyond the file's size {size} on the primary: impossible position (the primary lost {} bytes the replica read)",
                pos - size
            ));
            restart = binary_logs.get(i + 1).map(|(n, _)| (n.clone(), 4));
        } else {
            verdict.push(format!("{file}:{pos} is within the file ({size} bytes); give --binlog-dir to check event boundaries"));
        }
    } else {
        verdict.push(format!(
            "{file} is not among the primary's binary logs (purged, or another server's)"
        ));
    }
    for line in &verdict {
        p.note(line);
    }

    p.step("comparing GTIDs both ways");
    let read = |conn: &mut mysql::Conn, who: &str| {
        gtid::live::executed(conn)
            .map_err(|e| DrillError::step("reading GTIDs", format!("{who}: {e}")))
    };
    let (pe, re) = (
        read(&mut primary, "primary")?,
        read(&mut replica, "replica")?,
    );
    let mut gtids = Vec::new();
    if let Some((before, list)) = &ends {
        // The replica's received transactions, once its SQL thread has applied them.
        position::wait_relay_drained(&mut replica)?;
        let q = |conn: &mut mysql::Conn, sql: &str| -> Result<String, DrillError> {
            conn.query_first::<String, _>(sql)
                .map_err(|e| DrillError::sql("reading GTID positions", sql, e))
                .map(Option::unwrap_or_default)
        };
        let now = q(&mut primary, "SELECT @@gtid_binlog_pos")?;
        let applied = q(&mut replica, "SELECT @@gtid_slave_pos")?;
        if let Ok(report) = super::gtids::compare(before, list, &now, &applied) {
            for line in report.explain() {
                if line.starts_with("gtid check") {
                    continue; // said once for both flavours below
                }
                p.note(&line);
                gtids.push(line);
            }
        }
    }
    for (name, s, t) in [
        ("primary as source", &pe, &re),
        ("replica as source", &re, &pe),
    ] {
        let line = match Findings::new(s, t, &[]) {
            Some(f) => format!(
                "{name}: {} {}",
                if f.is_safe() {
                    "safe:"
                } else {
                    "writes missing:"
                },
                f.to_string().replace('\n', "; ")
            ),
            None => format!("{name}: the two servers' GTIDs cannot be compared"),
        };
        p.note(&line);
        gtids.push(line);
    }

    // A replica whose SQL thread is stopped has not applied what it received: its rows differ
    // by writes still in its relay log. Repairing them now would apply those writes twice
    // (the repair, then the SQL thread), and repositioning would discard them.
    if status.sql_running != "Yes" {
        let why = format!(
            "the replica's SQL thread is not running (Slave_SQL_Running: {}{}): it has not \
             applied everything it received",
            status.sql_running,
            if status.last_sql_errno != 0 {
                format!(
                    ", error {}: {}",
                    status.last_sql_errno, status.last_sql_error
                )
            } else {
                String::new()
            }
        );
        if opts.execute {
            return Err(DrillError::step(
                "checking the replica before writing",
                format!(
                    "{why}; start it (START SLAVE SQL_THREAD), let it catch up, and run again: \
                     a repair now would be applied twice"
                ),
            ));
        }
        let line = format!(
            "warning: {why}; the differences below include writes still in its relay log: \
             start it and let it catch up before acting on them"
        );
        p.note(&line);
        verdict.push(line);
    } else if restart.is_none() && opts.execute {
        p.note("waiting for the replica to catch up before comparing data");
        position::wait_applied(&mut primary, &mut replica)?;
    }

    let mut repositioned = false;
    if let Some((f, pos)) = &restart {
        let statements = position::reposition_statements(f, *pos);
        if opts.execute {
            p.note("repositioning the replica:");
            position::wait_relay_drained(&mut replica)?;
            position::run_printed(&mut replica, &statements)?;
            repositioned = true;
            p.note("waiting for the replica to catch up before comparing data");
            position::wait_applied(&mut primary, &mut replica)?;
        } else {
            p.note("would reposition the replica (run again with --execute):");
            for s in &statements {
                println!("  {s};");
            }
        }
    }

    p.step("checksumming every table");
    let tables = user_tables(&mut primary)?;
    let on_replica = user_tables(&mut replica)?;
    let missing: Vec<String> = tables
        .iter()
        .filter(|t| !on_replica.contains(t))
        .map(|(db, name)| format!("{db}.{name}"))
        .collect();
    if !missing.is_empty() {
        return Err(DrillError::step(
            "checksumming every table",
            format!(
                "the replica {rlabel} lacks {} of the primary's tables: {}; create them there \
                 (SHOW CREATE TABLE on the primary) and run again: the drill compares and \
                 repairs rows, not schemas",
                missing.len(),
                missing.join(", ")
            ),
        ));
    }
    let checksums = repair::checksum_tables(&opts.primary, &opts.replica, &tables)?;
    for t in checksums.iter().filter(|t| t.differing_chunks > 0) {
        p.note(&format!(
            "{}: {} of {} chunks differ",
            t.table, t.differing_chunks, t.chunks
        ));
    }

    p.step("planning the repair (the primary is the source of truth)");
    let (plan, rows) = repair::plan(&opts.primary, &opts.replica, &tables)?;
    let plan_sql = plan
        .to_sql(sync_plan::DEFAULT_BATCH, true)
        .map_err(|e| DrillError::step("printing the plan", e.to_string()))?;
    let mut executed = 0;
    let mut checksums_after = None;
    if opts.execute && plan.statement_count() > 0 {
        p.step("applying the repair on the replica and checking again");
        eprintln!("      > SET SESSION sql_log_bin = 0;");
        eprint!("{plan_sql}");
        executed = repair::apply(&opts.replica, &plan)?;
        checksums_after = Some(repair::checksum_tables(
            &opts.primary,
            &opts.replica,
            &tables,
        )?);
    }
    Ok(RemoteOutcome {
        replica_state,
        replica_io_errno: status.last_io_errno,
        replica_read: (file, pos),
        binary_logs,
        verdict,
        restart,
        diagnosis,
        gtids,
        repositioned,
        checksums,
        rows,
        plan_statements: plan.statement_count(),
        plan_sql,
        executed,
        checksums_after,
    })
}
