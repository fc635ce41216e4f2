//! The crash: SIGKILL while an application writes, a binary log whose tail a lost fsync tore
//! off, the restart, and the replica's error 1236.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use binlog_parse::Framer;
use serde::Serialize;

use super::workload::{Ledger, Rng};
use super::{file_name, DrillError};
use crate::harness::{Pair, ReplicaStatus};

/// How long the drill waits for the replica to notice something.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// What happened in the crash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CrashReport {
    /// Transactions the writer saw acknowledged while it ran against the old primary.
    pub acknowledged: u64,
    /// Transactions in flight when the primary died (outcome unknown to the application).
    pub in_flight: u64,
    /// The primary's binary log being written at the crash.
    pub file: String,
    /// Its size right after the SIGKILL.
    pub size_at_kill: u64,
    /// The replica's `Read_Master_Log_Pos` in that file (what its IO thread had received).
    pub read_pos: u64,
    /// Where the file was cut (below `read_pos`, inside an event).
    pub cut: u64,
    /// The type of the event the cut falls in.
    pub cut_event: String,
    /// Where that event starts.
    pub cut_event_start: u64,
    /// Where that event ends.
    pub cut_event_end: u64,
    /// The replica's `Last_IO_Errno` after the restart.
    pub replica_errno: u32,
    /// The replica's `Last_IO_Error` after the restart.
    pub replica_error: String,
}

impl CrashReport {
    /// The report right after the crash, before [`tear_tail`] fills in the rest: the writer's
    /// counts, every other field zero or empty.
    pub fn new(acknowledged: u64, in_flight: u64) -> CrashReport {
        CrashReport {
            acknowledged,
            in_flight,
            file: String::new(),
            size_at_kill: 0,
            read_pos: 0,
            cut: 0,
            cut_event: String::new(),
            cut_event_start: 0,
            cut_event_end: 0,
            replica_errno: 0,
            replica_error: String::new(),
        }
    }
}

/// Runs the application's writes on a thread until the primary dies under it: after a
/// seed-chosen number of commits (40 to 119) the primary gets SIGKILL. Returns the ledger.
pub fn kill_while_writing(
    pair: &mut Pair,
    mut ledger: Ledger,
    rng: &mut Rng,
) -> Result<(Ledger, u64), DrillError> {
    let mut conn = pair.primary.conn()?;
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let (thread_stop, thread_done) = (Arc::clone(&stop), Arc::clone(&done));
    ledger.start_log();
    let writer = std::thread::spawn(move || {
        while !thread_stop.load(Ordering::SeqCst) {
            if !ledger.transaction(&mut conn, false) {
                break;
            }
            thread_done.fetch_add(1, Ordering::SeqCst);
        }
        ledger
    });
    let target = 40 + rng.below(80);
    let deadline = Instant::now() + PATIENCE;
    while done.load(Ordering::SeqCst) < target && !writer.is_finished() {
        if Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let kill = pair.primary.kill();
    stop.store(true, Ordering::SeqCst);
    let ledger = writer
        .join()
        .map_err(|_| DrillError::step("writing", "the writer thread panicked"))?;
    kill?;
    if ledger.log.is_empty() {
        return Err(DrillError::step(
            "writing",
            "no transaction was acknowledged before the crash",
        ));
    }
    let acknowledged = ledger.log.len() as u64;
    Ok((ledger, acknowledged))
}

/// Waits until the replica's IO thread has lost the primary (no longer `Yes`).
pub fn wait_io_disconnected(pair: &Pair) -> Result<ReplicaStatus, DrillError> {
    wait_status(pair, "the replica to notice the crash", |s| {
        s.io_running != "Yes"
    })
}

/// Polls `SHOW SLAVE STATUS` until `done` holds (60 s at most).
pub fn wait_status(
    pair: &Pair,
    what: &str,
    done: impl Fn(&ReplicaStatus) -> bool,
) -> Result<ReplicaStatus, DrillError> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let status = pair.replica_status()?;
        if done(&status) {
            return Ok(status);
        }
        if Instant::now() > deadline {
            return Err(DrillError::step(
                "waiting",
                format!("gave up waiting for {what} after {PATIENCE:?}: {status:?}"),
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Tears the primary's last binary log as a lost fsync would: cut inside one of the last
/// events the replica had already received (seed-chosen), so that the replica's read position
/// lies beyond the file's new end. Fills in the file, sizes and cut of `report`.
pub fn tear_tail(
    pair: &Pair,
    status: &ReplicaStatus,
    rng: &mut Rng,
    report: &mut CrashReport,
) -> Result<(), DrillError> {
    let files = pair.primary.binlog_files()?;
    let last = files
        .last()
        .ok_or_else(|| DrillError::step("tearing", "the primary has no binary log"))?;
    let name = file_name(last);
    if name != status.master_log_file {
        return Err(DrillError::step(
            "tearing",
            format!(
                "the replica reads {} but the primary writes {name}: the replica lags by a whole file",
                status.master_log_file
            ),
        ));
    }
    let bytes = std::fs::read(last).map_err(|e| DrillError::io(last, e))?;
    // Event starts, ends and types, in order; the first events (format description, GTID
    // list, checkpoint) are left alone: a crash tears the end of a busy file, not its head.
    let events: Vec<(u64, u64, String)> = Framer::new(&bytes)
        .map_while(Result::ok)
        .map(|e| (e.offset().get(), e.end().get(), e.event_type().to_string()))
        .collect();
    // Only inside transactions the replica received whole (up to their Xid): then the replica
    // holds at least one transaction the primary loses, which is the seeds' situation.
    let whole = events
        .iter()
        .filter(|(_, end, kind)| *end <= status.read_master_log_pos && kind == "Xid")
        .map(|(_, end, _)| *end)
        .max()
        .unwrap_or(0);
    let candidates: Vec<&(u64, u64, String)> = events
        .iter()
        .skip(4)
        .filter(|(start, end, _)| *end <= whole && end - start >= 2)
        .collect();
    let window = &candidates[candidates.len().saturating_sub(24)..];
    if window.is_empty() {
        return Err(DrillError::step(
            "tearing",
            format!(
                "{name}: no event below the replica's read position {} to cut into",
                status.read_master_log_pos
            ),
        ));
    }
    let (start, end, kind) = window[rng.below(window.len() as u64) as usize];
    let cut = start + 1 + rng.below(end - start - 1);
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(last)
        .map_err(|e| DrillError::io(last, e))?;
    file.set_len(cut).map_err(|e| DrillError::io(last, e))?;
    file.sync_all().map_err(|e| DrillError::io(last, e))?;
    report.file = name;
    report.size_at_kill = bytes.len() as u64;
    report.read_pos = status.read_master_log_pos;
    report.cut = cut;
    report.cut_event = kind.clone();
    report.cut_event_start = *start;
    report.cut_event_end = *end;
    Ok(())
}

/// Waits until the replica's IO thread stops with error 1236 from the restarted primary.
pub fn wait_for_1236(pair: &Pair) -> Result<ReplicaStatus, DrillError> {
    wait_status(pair, "the replica to stop with error 1236", |s| {
        s.io_running == "No" && s.last_io_errno != 0
    })
}
