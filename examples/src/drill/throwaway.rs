//! The drill on two throwaway servers: crash, tear, diagnose, reposition, compare, repair,
//! verify.

use serde::Serialize;

use super::crash::{self, CrashReport};
use super::gtids::{self, GtidReport};
use super::position::{self, Diagnosis};
use super::repair::{self, TableChecksum, TableRows};
use super::workload::{self as ledger, Ledger, LedgerCheck, Rng, SCHEMA, TABLES};
use super::{DrillError, Progress};
use crate::harness::{Pair, ReplicationMode};

/// How to run the drill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DrillOptions {
    /// Rows loaded into the main table (the others get fewer) before the crash.
    pub rows: u64,
    /// Chooses the writes, the crash moment and the cut.
    pub seed: u64,
    /// Run the writes before the crash with `innodb_flush_log_at_trx_commit=0`, so that the
    /// kill also loses the primary's last second of acknowledged commits from InnoDB, as a host
    /// that cached fsyncs loses them. False: only the binary log loses its tail.
    pub storage_loss: bool,
    /// Print no step lines.
    pub quiet: bool,
}

impl Default for DrillOptions {
    fn default() -> Self {
        DrillOptions {
            rows: 2000,
            seed: 1,
            storage_loss: true,
            quiet: false,
        }
    }
}

/// Everything the drill found and did, step by step.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// The options' seed.
    pub seed: u64,
    /// The crash and the tear.
    pub crash: CrashReport,
    /// Acknowledged transactions whose events were in the torn-off tail (sequence numbers).
    pub lost_tail_commits: Vec<u64>,
    /// Acknowledged rows that did not survive in the primary's storage after the restart.
    pub lost_by_primary: Vec<String>,
    /// Transactions the application committed on the restarted primary.
    pub writes_after_restart: u64,
    /// The diagnosis of the primary's binary logs and the replica's position.
    pub diagnosis: Diagnosis,
    /// The GTID comparison, before the replica was repositioned.
    pub gtids: GtidReport,
    /// Where the replica was repositioned.
    pub repositioned_to: (String, u64),
    /// Chunk checksums after the replica caught up, before the repair.
    pub checksums_before: Vec<TableChecksum>,
    /// The row differences and what the repair replaces on the replica.
    pub rows: Vec<TableRows>,
    /// The repair script.
    pub plan_sql: String,
    /// Statements in the plan.
    pub plan_statements: usize,
    /// Statements executed.
    pub executed: u64,
    /// Chunk checksums after the repair.
    pub checksums_after: Vec<TableChecksum>,
    /// Full-content comparison after the repair: `(table, differing rows)`.
    pub contents_after: Vec<(String, usize)>,
    /// The primary against the ledger at the end.
    pub committed_primary: LedgerCheck,
    /// The replica against the ledger at the end.
    pub committed_replica: LedgerCheck,
    /// Whether both servers end at the same GTID position.
    pub gtids_equal_after: bool,
}

impl Outcome {
    /// Zero differences after the repair, by checksums and by contents.
    pub fn no_differences(&self) -> bool {
        self.checksums_after.iter().all(|t| t.differing_chunks == 0)
            && self.contents_after.iter().all(|(_, n)| *n == 0)
    }

    /// No committed row missing (or stale) on either server.
    pub fn nothing_committed_missing(&self) -> bool {
        self.committed_primary.nothing_lost() && self.committed_replica.nothing_lost()
    }

    /// The exit criterion: no difference and no committed row missing.
    pub fn consistent(&self) -> bool {
        self.no_differences() && self.nothing_committed_missing()
    }
}

fn tables() -> Vec<(String, String)> {
    TABLES
        .iter()
        .map(|t| (SCHEMA.to_string(), t.to_string()))
        .collect()
}

/// Runs the whole drill on two throwaway servers; returns the outcome and the servers (still
/// running, for `--keep`).
pub fn run(opts: &DrillOptions) -> Result<(Outcome, Pair), DrillError> {
    let mut p = Progress::new(11, opts.quiet);
    let mut rng = Rng::new(opts.seed);
    p.step("starting two MariaDB servers (primary and replica, row-based binary logs, GTIDs)");
    let mut pair = Pair::start_with(ReplicationMode::FilePosition)?;
    p.note(&format!(
        "primary {}  replica {}",
        pair.primary.url(),
        pair.replica.url()
    ));

    p.step(&format!(
        "loading {} rows into {} tables and replicating them",
        opts.rows,
        TABLES.len()
    ));
    let mut ledger = Ledger::new(opts.seed);
    ledger.load(&mut pair.primary.conn()?, opts.rows)?;
    pair.wait_replica_caught_up(crash::PATIENCE)?;

    p.step("writing on the primary, then SIGKILL while the writes flow");
    if opts.storage_loss {
        // Commits before this point reached the OS (the harness runs with =2) and survive a
        // SIGKILL; from here on they wait in InnoDB's log buffer for the once-a-second flush.
        let sql = "SET GLOBAL innodb_flush_log_at_trx_commit = 0";
        p.note(&format!(
            "{sql} (commits acknowledged before they reach the disk)"
        ));
        pair.primary.exec(sql)?;
    }
    let (mut ledger, acknowledged) = crash::kill_while_writing(&mut pair, ledger, &mut rng)?;
    let status = crash::wait_io_disconnected(&pair)?;
    p.note(&format!(
        "{acknowledged} transactions acknowledged, {} in flight; replica had read {}:{}",
        ledger.uncertain, status.master_log_file, status.read_master_log_pos
    ));

    p.step("tearing the tail of the primary's last binary log (a lost fsync) and restarting it");
    let mut report = CrashReport::new(acknowledged, ledger.uncertain);
    crash::tear_tail(&pair, &status, &mut rng, &mut report)?;
    p.note(&format!(
        "{} cut from {} to {} bytes, inside the {} event at {}",
        report.file, report.size_at_kill, report.cut, report.cut_event, report.cut_event_start
    ));
    pair.primary.restart()?;
    let survived = ledger::check(&mut pair.primary.conn()?, &ledger)?;
    let lost_by_primary = ledger::forget_lost(&mut ledger, &survived);

    p.step("the application writes to the restarted primary; the replica stops");
    let mut conn = pair.primary.conn()?;
    let writes_after_restart = 10 + rng.below(20);
    for _ in 0..writes_after_restart {
        if !ledger.transaction(&mut conn, true) {
            return Err(DrillError::step(
                "writing after the restart",
                "a transaction failed",
            ));
        }
    }
    let stopped = crash::wait_for_1236(&pair)?;
    report.replica_errno = stopped.last_io_errno;
    report.replica_error = stopped.last_io_error.clone();
    p.note(&format!(
        "Last_IO_Errno {}: {}",
        stopped.last_io_errno, stopped.last_io_error
    ));

    p.step("diagnosing the primary's binary logs with binlog-parse");
    let (set, diagnosis) = position::diagnose(
        &pair.primary.binlog_files()?,
        &stopped.master_log_file,
        stopped.read_master_log_pos,
    )?;
    for line in diagnosis.explain() {
        p.note(&line);
    }
    let (restart_file, restart_pos) = diagnosis
        .restart
        .clone()
        .ok_or_else(|| DrillError::step("diagnosing", "binlog-parse found no restart point"))?;

    p.step("comparing GTIDs both ways with gtid");
    // What the replica received, once applied: its IO thread stopped, so when its SQL thread
    // has drained the relay log, @@gtid_slave_pos is the last GTID it got (Gtid_IO_Pos stays
    // empty in file/position mode).
    let mut replica = pair.replica.conn()?;
    position::wait_relay_drained(&mut replica)?;
    let replica_pos: String = pair.replica.query_one("SELECT @@gtid_slave_pos")?;
    let torn = set.files.iter().find(|f| f.name == report.file);
    let next = set.files.iter().find(|f| f.name == restart_file);
    let (Some(torn), Some(next)) = (torn, next) else {
        return Err(DrillError::step(
            "comparing GTIDs",
            "the torn or the restart file is missing",
        ));
    };
    let before = torn.diagnosis.transactions.mariadb_position();
    let primary_now: String = pair.primary.query_one("SELECT @@gtid_binlog_pos")?;
    let gtids = gtids::compare(
        &before,
        &next.diagnosis.transactions.gtid_list,
        &primary_now,
        &replica_pos,
    )?;
    for line in gtids.explain() {
        p.note(&line);
    }
    let torn_end = before.iter().map(|g| g.seq_no).max().unwrap_or(0);
    let lost_tail_commits: Vec<u64> = ledger.log[..acknowledged as usize]
        .iter()
        .filter_map(|c| c.seq_no)
        .filter(|s| *s > torn_end)
        .collect();

    p.step(&format!(
        "repositioning the replica at {restart_file}:{restart_pos}"
    ));
    position::run_printed(
        &mut replica,
        &position::reposition_statements(&restart_file, restart_pos),
    )?;
    position::wait_applied(&mut pair.primary.conn()?, &mut replica)?;

    p.step("checksumming every table with checksum");
    let (purl, rurl) = (pair.primary.url(), pair.replica.url());
    let checksums_before = repair::checksum_tables(&purl, &rurl, &tables())?;
    for t in &checksums_before {
        p.note(&format!(
            "{}: {} chunks, {} differ",
            t.table, t.chunks, t.differing_chunks
        ));
    }

    p.step("planning the repair with sync-plan (primary is the source of truth) and applying it");
    let (plan, rows) = repair::plan(&purl, &rurl, &tables())?;
    let plan_sql = plan
        .to_sql(sync_plan::DEFAULT_BATCH, false)
        .map_err(|e| DrillError::step("printing the plan", e.to_string()))?;
    let executed = repair::apply(&rurl, &plan)?;
    p.note(&format!(
        "{} statements planned, {executed} executed on the replica",
        plan.statement_count()
    ));

    p.step("verifying: checksums, full table contents, committed rows, GTIDs");
    let checksums_after = repair::checksum_tables(&purl, &rurl, &tables())?;
    let contents_after = repair::compare_contents(&purl, &rurl, &tables())?;
    let committed_primary = ledger::check(&mut pair.primary.conn()?, &ledger)?;
    let committed_replica = ledger::check(&mut pair.replica.conn()?, &ledger)?;
    let primary_pos: String = pair.primary.query_one("SELECT @@gtid_binlog_pos")?;
    let replica_pos: String = pair.replica.query_one("SELECT @@gtid_slave_pos")?;
    let outcome = Outcome {
        seed: opts.seed,
        crash: report,
        lost_tail_commits,
        lost_by_primary,
        writes_after_restart,
        diagnosis,
        gtids,
        repositioned_to: (restart_file, restart_pos),
        checksums_before,
        rows,
        plan_sql,
        plan_statements: plan.statement_count(),
        executed,
        checksums_after,
        contents_after,
        committed_primary,
        committed_replica,
        gtids_equal_after: gtids::same_position(&primary_pos, &replica_pos)?,
    };
    Ok((outcome, pair))
}
