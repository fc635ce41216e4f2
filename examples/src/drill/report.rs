//! The drill's closing report: what happened and what was done, in words.

use std::fmt::Write;

use super::remote::RemoteOutcome;
use super::repair::TableRows;
use super::Outcome;

/// At most this many replaced replica rows are listed by name.
const LIST: usize = 10;

fn rows_lines(out: &mut String, rows: &[TableRows]) {
    for t in rows {
        if t.missing_on_replica + t.only_on_replica + t.changed == 0 {
            let _ = writeln!(out, "  {:<22} no row differs", t.table);
            continue;
        }
        let _ = writeln!(
            out,
            "  {:<22} {} missing on the replica, {} only on the replica, {} changed",
            t.table, t.missing_on_replica, t.only_on_replica, t.changed
        );
        for r in t.replica_rows_replaced.iter().take(LIST) {
            let _ = writeln!(out, "      replica had: {r}");
        }
        if t.replica_rows_replaced.len() > LIST {
            let _ = writeln!(
                out,
                "      ... and {} more",
                t.replica_rows_replaced.len() - LIST
            );
        }
    }
}

/// The report of a drill on throwaway servers.
pub fn render(o: &Outcome) -> String {
    let mut out = String::new();
    let c = &o.crash;
    let _ = writeln!(out, "What happened");
    let _ = writeln!(
        out,
        "  The primary was killed (SIGKILL) after {} acknowledged transactions, {} in flight.",
        c.acknowledged, c.in_flight
    );
    let _ = writeln!(
        out,
        "  Its binary log {} lost its tail: cut from {} to {} bytes, inside the {} event at {}..{},",
        c.file, c.size_at_kill, c.cut, c.cut_event, c.cut_event_start, c.cut_event_end
    );
    let _ = writeln!(
        out,
        "  below the replica's Read_Master_Log_Pos {}. After the restart the replica stopped:",
        c.read_pos
    );
    let _ = writeln!(out, "    Last_IO_Errno: {}", c.replica_errno);
    let _ = writeln!(out, "    Last_IO_Error: {}", c.replica_error);
    let _ = writeln!(
        out,
        "  The application wrote {} more transactions to the restarted primary.",
        o.writes_after_restart
    );
    let _ = writeln!(out, "\nWhat the tools found");
    for line in o.diagnosis.explain() {
        let _ = writeln!(out, "  binlog-parse: {line}");
    }
    for line in o.gtids.explain() {
        let _ = writeln!(out, "  gtid: {line}");
    }
    let _ = writeln!(
        out,
        "  {} acknowledged transactions were in the torn tail; {} acknowledged rows did not survive on the primary{}",
        o.lost_tail_commits.len(),
        o.lost_by_primary.len(),
        if o.lost_by_primary.is_empty() {
            " (InnoDB had committed them before the kill: only the binary log lost them)"
        } else {
            ""
        }
    );
    for r in o.lost_by_primary.iter().take(LIST) {
        let _ = writeln!(out, "      lost by the primary: {r}");
    }
    for t in &o.checksums_before {
        let _ = writeln!(
            out,
            "  checksum: {:<22} {:>3} chunks, {} differ",
            t.table, t.chunks, t.differing_chunks
        );
    }
    rows_lines(&mut out, &o.rows);
    let _ = writeln!(out, "\nWhat was done");
    let (f, p) = &o.repositioned_to;
    let _ = writeln!(
        out,
        "  CHANGE MASTER TO MASTER_LOG_FILE='{f}', MASTER_LOG_POS={p} on the replica; it caught up."
    );
    let _ = writeln!(
        out,
        "  Repair (primary is the source of truth): {} statements planned, {} executed on the replica.",
        o.plan_statements, o.executed
    );
    let replaced: usize = o.rows.iter().map(|t| t.replica_rows_replaced.len()).sum();
    let _ = writeln!(
        out,
        "  Why the primary is the source of truth: the application kept writing to it after the restart,"
    );
    let _ = writeln!(
        out,
        "  as in the seed. The {replaced} replica rows listed above were acknowledged once but did not"
    );
    let _ = writeln!(
        out,
        "  survive on the primary (or were overwritten by it); the repair replaced them on the replica."
    );
    let _ = writeln!(
        out,
        "  They are listed here (all of them with --json) so that nothing vanishes unreported."
    );
    let _ = writeln!(out, "\nVerification");
    let _ = writeln!(
        out,
        "  (committed = acknowledged to the application and still on the primary after its restart)"
    );
    let chunks: usize = o.checksums_after.iter().map(|t| t.differing_chunks).sum();
    let rows: usize = o.contents_after.iter().map(|(_, n)| n).sum();
    let _ = writeln!(out, "  differing chunks after the repair: {chunks}");
    let _ = writeln!(out, "  differing rows by full contents:  {rows}");
    for (side, c) in [
        ("primary", &o.committed_primary),
        ("replica", &o.committed_replica),
    ] {
        let _ = writeln!(
            out,
            "  committed rows on the {side}: {} checked, {} missing, {} stale, {} unexpected ({} left out: in flight at the crash, or lost by the primary)",
            c.checked,
            c.missing.len(),
            c.wrong_version.len(),
            c.unexpected.len(),
            c.uncertain
        );
    }
    let _ = writeln!(
        out,
        "  GTID positions equal: {}",
        if o.gtids_equal_after { "yes" } else { "no" }
    );
    let _ = writeln!(
        out,
        "\n{}",
        if o.consistent() {
            "CONSISTENT: no difference, no committed row missing"
        } else {
            "NOT CONSISTENT: see above"
        }
    );
    out
}

/// The report of a run against named servers.
pub fn render_remote(o: &RemoteOutcome, execute: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Replica: {}", o.replica_state);
    let _ = writeln!(out, "  reading {}:{}", o.replica_read.0, o.replica_read.1);
    let _ = writeln!(out, "Primary's binary logs:");
    for (name, size) in &o.binary_logs {
        let _ = writeln!(out, "  {name:<24} {size:>12}");
    }
    for line in &o.verdict {
        let _ = writeln!(out, "  {line}");
    }
    if let Some((f, p)) = &o.restart {
        let _ = writeln!(
            out,
            "Restart point: {f}:{p} ({})",
            if o.repositioned {
                "repositioned"
            } else {
                "not applied without --execute"
            }
        );
    }
    for line in &o.gtids {
        let _ = writeln!(out, "GTIDs, {line}");
    }
    for t in &o.checksums {
        let _ = writeln!(
            out,
            "checksum {:<30} {:>4} chunks, {} differ",
            t.table, t.chunks, t.differing_chunks
        );
    }
    rows_lines(&mut out, &o.rows);
    if execute {
        let _ = writeln!(
            out,
            "Repair: {} statements executed on the replica",
            o.executed
        );
        if let Some(after) = &o.checksums_after {
            let n: usize = after.iter().map(|t| t.differing_chunks).sum();
            let _ = writeln!(out, "After the repair: {n} differing chunks");
        }
    } else if o.plan_statements > 0 {
        let _ = writeln!(
            out,
            "Repair plan ({} statements, not run without --execute):",
            o.plan_statements
        );
        out.push_str(&o.plan_sql);
    }
    out
}
