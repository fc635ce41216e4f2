//! Diagnoses in words and in JSON; `--diagnose` over a set of files.

use std::path::PathBuf;

use binlog_parse::diagnose::{ChainFinding, FileDiagnosis, ReplicaCheck, SetDiagnosis};
use binlog_parse::{FileStatus, LogSet, Verdict};
use serde_json::{json, Value};

/// The `summary` object of a file.
pub fn summary_json(d: &FileDiagnosis) -> Value {
    let t = &d.transactions;
    json!({
        "events": d.events,
        "status": d.status.as_str(),
        "valid_end": d.valid_end.get(),
        "size": d.size,
        "torn_tail": d.torn_tail,
        "error": d.error.as_ref().map(ToString::to_string),
        "resync": d.resync.map(|p| p.get()),
        "events_after_resync": d.events_after_resync,
        "server_version": d.server_version,
        "checksum": d.checksum.as_str(),
        "in_use": d.in_use,
        "relay_log": d.relay_log,
        "rotate_to": d.rotate_to.as_ref().map(|(f, p)| json!({"file": f, "position": p})),
        "position_discontinuities": d.positions.discontinuities,
        "transactions": t.complete,
        "open_transaction_at": t.open_at_end.map(|p| p.get()),
        "safe_end": t.safe_end.get(),
        "gtid_executed": t.executed().to_string(),
        "gtids_in_file": t.gtids.to_string(),
        "mariadb_gtid_pos": mariadb_pos(d),
        "body_decode_errors": t.decode_errors,
        "primary_position": d.primary_position.as_ref().map(|(f, p)| json!({"file": f, "position": p})),
    })
}

fn mariadb_pos(d: &FileDiagnosis) -> String {
    let pos = d.transactions.mariadb_position();
    pos.iter()
        .map(|g| format!("{}-{}-{}", g.domain_id, g.server_id, g.seq_no))
        .collect::<Vec<_>>()
        .join(",")
}

/// The diagnosis of one file, in a few lines a DBA can act on.
pub fn describe_status(d: &FileDiagnosis) -> Vec<String> {
    let mut lines = Vec::new();
    let version = d.server_version.as_deref().unwrap_or("unknown server");
    lines.push(format!(
        "{} ({} events, {} bytes, {version}, checksum {}{})",
        d.status.as_str(),
        d.events,
        d.size,
        d.checksum.as_str(),
        if d.relay_log { ", relay log" } else { "" }
    ));
    match d.status {
        FileStatus::Rotated => {
            if let Some((file, pos)) = &d.rotate_to {
                lines.push(format!("closed cleanly by a rotate to {file}:{pos}"));
            }
        }
        FileStatus::Stopped => lines.push("closed cleanly by a stop event (server shut down)".into()),
        FileStatus::Unclosed => lines.push(format!(
            "every event complete up to {}, but no rotate or stop: the file is still open, or the server crashed{}",
            d.valid_end,
            if d.in_use { " (in-use flag still set)" } else { "" }
        )),
        FileStatus::Torn if d.size < 4 => lines.push(format!(
            "too short to be a binary log: {} bytes, not even the 4-byte magic (an empty or \
             truncated file; a server writes the magic and a format description event first)",
            d.size
        )),
        FileStatus::Torn => lines.push(format!(
            "torn: the last complete event ends at {}; {} bytes after it are a partial event{}",
            d.valid_end,
            d.torn_tail,
            d.error.as_ref().map(|e| format!(" ({e})")).unwrap_or_default()
        )),
        FileStatus::Corrupt => {
            lines.push(format!(
                "corrupt: valid up to {}; {}",
                d.valid_end,
                d.error.as_ref().map(ToString::to_string).unwrap_or_default()
            ));
            match d.resync {
                Some(at) => lines.push(format!("valid framing resumes at {at} ({} events after it)", d.events_after_resync)),
                None => lines.push("no valid event found after the damage".into()),
            }
        }
        _ => lines.extend(d.error.as_ref().map(ToString::to_string)),
    }
    let t = &d.transactions;
    lines.push(format!(
        "{} complete transactions; last safe point {}",
        t.complete, t.safe_end
    ));
    if let Some((file, pos)) = &d.primary_position {
        lines.push(format!(
            "relay log: the last complete transaction ends at {file}:{pos} in the primary's log \
             (re-fetch from there if this relay log is damaged)"
        ));
    }
    if let Some(open) = t.open_at_end {
        lines.push(format!(
            "a transaction starting at {open} never ended: it was not committed in this file"
        ));
    }
    let executed = t.executed();
    if !executed.is_empty() {
        lines.push(format!(
            "gtid_executed at the end of the file: {executed:#}"
        ));
    }
    let maria = mariadb_pos(d);
    if !maria.is_empty() {
        lines.push(format!("gtid position at the end of the file: {maria}"));
    }
    if d.positions.discontinuities > 0 {
        lines.push(format!(
            "{} events with an unexpected end_log_pos ({} transaction-relative, as pre-5.0.x primaries wrote them)",
            d.positions.discontinuities, d.positions.relative
        ));
    }
    if let Some(e) = &t.first_decode_error {
        lines.push(format!(
            "{} event bodies do not decode; the first: {e}",
            t.decode_errors
        ));
    }
    lines
}

fn load(paths: &[PathBuf]) -> Result<LogSet, String> {
    if let [one] = paths {
        let set = LogSet::open(one).map_err(|e| format!("{}: {e}", one.display()))?;
        if set.files.is_empty() {
            return Err(format!(
                "{}: no binary logs here (looked for one .index file, or files named like \
                 mysql-bin.000001 that start with the binary log magic); give the server's \
                 log_bin directory or the files themselves",
                one.display()
            ));
        }
        return Ok(set);
    }
    let mut files = Vec::new();
    for p in paths {
        let set = LogSet::open(p).map_err(|e| format!("{}: {e}", p.display()))?;
        files.extend(set.files);
    }
    Ok(LogSet { files, index: None })
}

fn finding_text(f: &ChainFinding) -> String {
    match f {
        ChainFinding::RotateMismatch { file, names, next } => format!("{file} rotates to {names}, but {next} follows it"),
        ChainFinding::EndedWithoutRotate { file, status } => format!(
            "{file} ends {} without a rotate: the server stopped or crashed there and opened the next file at start-up",
            status.as_str()
        ),
        ChainFinding::GtidPositionRegressed { file, next, domain_id, last_seq, listed_seq } => format!(
            "{next} starts at GTID {domain_id}-*-{listed_seq} but {file} already completed {domain_id}-*-{last_seq}: \
             the restarted server will reuse sequence numbers (check gtid_binlog_state before taking writes)"
        ),
        ChainFinding::GtidsMissingFromNext { file, next, missing } => {
            format!("GTIDs completed in {file} are missing from {next}'s Previous_gtids: {missing}")
        }
        ChainFinding::Gap { after, before } => format!("files are missing between {after} and {before}"),
        other => format!("{other:?}"),
    }
}

fn check_json(c: &ReplicaCheck) -> Value {
    json!({
        "file": c.file,
        "position": c.position,
        "verdict": c.verdict.as_str(),
        "restart": c.restart.as_ref().map(|(f, p)| json!({"file": f, "position": p})),
        "valid_end": c.valid_end.map(|p| p.get()),
        "beyond_valid_end": c.beyond_valid_end,
        "torn_bytes_on_primary": c.torn_bytes_on_primary,
    })
}

/// Explains a verdict and what to do.
pub fn check_text(c: &ReplicaCheck) -> Vec<String> {
    let mut lines = vec![format!(
        "replica position {}:{}: {}",
        c.file,
        c.position,
        c.verdict.as_str()
    )];
    match c.verdict {
        Verdict::Valid => lines
            .push("an event boundary inside the valid part: replication can resume there".into()),
        Verdict::Impossible => {
            lines.push(format!(
                "{} bytes beyond the valid end {} of {}: the replica read events the primary lost in the crash \
                 (the primary answers error 1236, impossible position){}",
                c.beyond_valid_end,
                c.valid_end.map(|p| p.get()).unwrap_or_default(),
                c.file,
                if c.torn_bytes_on_primary > 0 { format!("; {} of those bytes survive on the primary as a torn event", c.torn_bytes_on_primary) } else { String::new() }
            ));
            lines.push("the replica may hold (and may have applied) those transactions: compare the data (table-checksum) before trusting it".into());
        }
        Verdict::NotEventBoundary if c.position < 4 => lines.push(
            "before the first event (a binary log's events start at 4, after the magic): not a \
             position the primary ever reported"
                .into(),
        ),
        Verdict::NotEventBoundary => {
            lines.push("inside an event: not a position the primary ever reported".into())
        }
        Verdict::UnknownFile => lines.push(
            "no such file in the set (purged, or another server's log): check the name against \
             SHOW BINARY LOGS on the primary and give the directory that holds it"
                .into(),
        ),
        _ => {}
    }
    match (&c.restart, c.verdict) {
        (_, Verdict::Valid) => {}
        (Some((f, p)), _) => lines.push(format!("restart: CHANGE MASTER TO MASTER_LOG_FILE='{f}', MASTER_LOG_POS={p};")),
        (None, Verdict::Impossible) => lines.push("restart: the next file, position 4, once the primary has opened it (it does at start-up)".into()),
        (None, _) => {}
    }
    lines
}

/// `--diagnose`: the chain, every file, and the replica position's verdict.
pub fn diagnose(
    paths: &[PathBuf],
    replica: Option<&(String, u64)>,
    json: bool,
) -> Result<bool, String> {
    let set = load(paths)?;
    let diag: SetDiagnosis = set.diagnose().map_err(|e| e.to_string())?;
    let check = match replica {
        Some((file, pos)) => Some(
            diag.check_replica_position(file, *pos)
                .map_err(|e| e.to_string())?,
        ),
        None => None,
    };
    let ok = diag.all_clean() && check.as_ref().is_none_or(|c| c.verdict == Verdict::Valid);
    if json {
        let files: Vec<Value> = diag
            .files
            .iter()
            .map(|f| json!({"file": f.name, "path": f.path, "summary": summary_json(&f.diagnosis)}))
            .collect();
        let chain: Vec<String> = diag.chain.iter().map(finding_text).collect();
        let mut v = json!({"files": files, "chain": chain, "clean": diag.all_clean()});
        if let Some(c) = &check {
            v["replica_position"] = check_json(c);
        }
        println!("{v}");
        return Ok(ok);
    }
    println!("chain of {} files:", diag.files.len());
    for f in &diag.files {
        let d = &f.diagnosis;
        println!(
            "  {:<24} {:<9} {:>8} events  valid_end {:>10}  size {:>10}",
            f.name,
            d.status.as_str(),
            d.events,
            d.valid_end,
            d.size
        );
        for line in describe_status(d).iter().skip(1) {
            println!("      {line}");
        }
    }
    for finding in &diag.chain {
        println!("  note: {}", finding_text(finding));
    }
    if let Some(c) = &check {
        for line in check_text(c) {
            println!("{line}");
        }
    }
    Ok(ok)
}
