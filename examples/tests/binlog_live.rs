//! `binlog-parse` against logs written by a real MariaDB 10.11: a clean rotation, a clean
//! shutdown, a SIGKILL, a SIGKILL plus a torn last event, a replica's relay log, and the 1236
//! "impossible position" scenario end to end (the real replica stops with errno 1236; the
//! diagnosis names the restart point, and the replica resumes from it).

mod common;

use std::error::Error;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use binlog_parse::diagnose::{diagnose_path, ChainFinding};
use binlog_parse::{FileStatus, Framer, LogSet, Verdict};
use examples::harness::{self, Pair, ReplicationMode, Server, ServerOptions};

type TestResult = Result<(), Box<dyn Error>>;

const PATIENCE: Duration = Duration::from_secs(60);

fn name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn last_binlog(server: &Server) -> Result<PathBuf, Box<dyn Error>> {
    Ok(server
        .binlog_files()?
        .last()
        .cloned()
        .ok_or("no binary log")?)
}

/// Cuts a file in the middle of its last event; returns (that event's start, cut length).
fn tear_last_event(path: &Path) -> Result<(u64, u64), Box<dyn Error>> {
    let bytes = std::fs::read(path)?;
    let (start, size) = Framer::new(&bytes)
        .map_while(Result::ok)
        .last()
        .map(|e| (e.offset().get(), e.raw().len() as u64))
        .ok_or("no events")?;
    let cut = start + size / 2;
    std::fs::OpenOptions::new()
        .write(true)
        .open(path)?
        .set_len(cut)?;
    Ok((start, cut))
}

#[test]
fn rotation_shutdown_crash_and_tear_on_one_server() -> TestResult {
    if common::no_server() {
        return Ok(());
    }
    let mut server = Server::start(ServerOptions::default())?;
    server.exec("CREATE TABLE test.t (id INT PRIMARY KEY, v VARCHAR(20))")?;
    for i in 0..5 {
        server.exec(&format!("INSERT INTO test.t VALUES ({i}, 'before flush')"))?;
    }
    server.exec("FLUSH BINARY LOGS")?;
    let files = server.binlog_files()?;
    let (first, second) = (&files[files.len() - 2], &files[files.len() - 1]);
    let d = diagnose_path(first)?;
    assert_eq!(d.status, FileStatus::Rotated, "{d:?}");
    assert_eq!(d.rotate_to, Some((name(second), 4)));
    assert!(!d.in_use);
    let open = diagnose_path(second)?;
    assert_eq!(
        (open.status, open.in_use),
        (FileStatus::Unclosed, true),
        "{open:?}"
    );

    // Clean shutdown: a Stop event, the in-use flag cleared.
    server.exec("INSERT INTO test.t VALUES (10, 'before shutdown')")?;
    server.shutdown()?;
    let d = diagnose_path(second)?;
    assert_eq!((d.status, d.in_use), (FileStatus::Stopped, false), "{d:?}");

    // SIGKILL: complete events, no Stop, in-use still set; the GTID position matches the server's.
    server.restart()?;
    for i in 20..23 {
        server.exec(&format!(
            "INSERT INTO test.t VALUES ({i}, 'before the crash')"
        ))?;
    }
    let binlog_pos: String = server.query_one("SELECT @@gtid_binlog_pos")?;
    let last = last_binlog(&server)?;
    server.kill()?;
    let d = diagnose_path(&last)?;
    assert_eq!((d.status, d.in_use), (FileStatus::Unclosed, true), "{d:?}");
    assert_eq!(d.transactions.complete, 3);
    assert_eq!(d.transactions.open_at_end, None);
    let pos = d.transactions.mariadb_position();
    let text: Vec<String> = pos
        .iter()
        .map(|g| format!("{}-{}-{}", g.domain_id, g.server_id, g.seq_no))
        .collect();
    assert_eq!(text.join(","), binlog_pos);

    // Foreign bytes after the real events (a line of text appended to a copy): not a torn
    // event, corrupt after the last real event.
    let mut bytes = std::fs::read(&last)?;
    let real_end = bytes.len() as u64;
    bytes.extend_from_slice(b"daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n");
    let copy = std::env::temp_dir().join(format!("binlog-live-padded-{}", std::process::id()));
    std::fs::write(&copy, &bytes)?;
    let padded = diagnose_path(&copy);
    std::fs::remove_file(&copy)?;
    let padded = padded?;
    assert_eq!(padded.status, FileStatus::Corrupt, "{padded:?}");
    assert_eq!((padded.valid_end.get(), padded.torn_tail), (real_end, 48));
    assert!(
        matches!(padded.error, Some(binlog_parse::Error::NotAnEvent { .. })),
        "{:?}",
        padded.error
    );

    // Torn: the last event (the last transaction's Xid) half written.
    let (start, cut) = tear_last_event(&last)?;
    let d = diagnose_path(&last)?;
    assert_eq!(d.status, FileStatus::Torn, "{d:?}");
    assert_eq!((d.valid_end.get(), d.torn_tail), (start, cut - start));
    assert_eq!(d.transactions.complete, 2);
    assert!(d.transactions.open_at_end.is_some());

    // Restarted on the torn file, MariaDB 10.11 opens the next file with a GTID_LIST that can
    // be behind what the older files hold (seen: 0-1-3 after 0-1-52). Whatever the server does,
    // the chain finding must agree with its @@gtid_binlog_pos.
    let completed = d.transactions.mariadb_position().get(0).map(|g| g.seq_no);
    server.restart()?;
    let now: String = server.query_one("SELECT @@gtid_binlog_pos")?;
    let now_seq: Option<u64> = now.rsplit('-').next().and_then(|s| s.parse().ok());
    let set = LogSet::open(&server.binlog_dir())?.diagnose()?;
    let flagged = set
        .chain
        .iter()
        .any(|f| matches!(f, ChainFinding::GtidPositionRegressed { .. }));
    let regressed = matches!((now_seq, completed), (Some(n), Some(c)) if n < c);
    eprintln!(
        "after the torn restart: gtid_binlog_pos {now}, torn file completed seq {completed:?}"
    );
    assert_eq!(flagged, regressed, "{:?}", set.chain);
    Ok(())
}

fn wait_for_io_errno(pair: &Pair, errno: u32) -> Result<harness::ReplicaStatus, Box<dyn Error>> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let status = pair.replica_status()?;
        if status.last_io_errno == errno {
            return Ok(status);
        }
        if Instant::now() > deadline {
            return Err(format!("the replica never reported errno {errno}: {status:?}").into());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn relay_logs_and_the_1236_impossible_position_end_to_end() -> TestResult {
    if common::no_server() {
        return Ok(());
    }
    let mut pair = Pair::start_with(ReplicationMode::FilePosition)?;
    pair.primary
        .exec("CREATE TABLE test.t (id INT PRIMARY KEY, v VARCHAR(40))")?;
    for i in 0..20 {
        pair.primary.exec(&format!(
            "INSERT INTO test.t VALUES ({i}, 'replicated row {i}')"
        ))?;
    }
    pair.wait_replica_caught_up(PATIENCE)?;

    // The replica's relay logs: relay-log layout understood, positions follow the primary's file.
    let relay_dir = pair.replica.relay_log_dir();
    let prefix = format!("{}.", pair.replica.relay_log_basename());
    let mut relays: Vec<PathBuf> = std::fs::read_dir(&relay_dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            name(p).starts_with(&prefix)
                && !name(p).ends_with(".index")
                && !name(p).ends_with(".info")
        })
        .collect();
    relays.sort();
    assert!(!relays.is_empty());
    let mut complete = 0;
    for relay in &relays {
        let d = diagnose_path(relay)?;
        assert!(d.status.is_clean(), "{}: {d:?}", relay.display());
        assert!(d.relay_log, "{}: {d:?}", relay.display());
        assert_eq!(
            d.positions.discontinuities,
            0,
            "{}: {:?}",
            relay.display(),
            d.positions
        );
        complete += d.transactions.complete;
    }
    assert!(complete >= 21, "{complete} transactions in the relay logs");
    // The newest relay log knows where, in the primary's log, its last transaction ends: the
    // replica's own Relay_Master_Log_File / Exec_Master_Log_Pos once it has applied everything.
    let status = pair.replica_status()?;
    let newest = diagnose_path(relays.last().ok_or("no relay log")?)?;
    assert_eq!(
        newest.primary_position,
        Some((
            status.relay_master_log_file.clone(),
            status.exec_master_log_pos
        )),
        "{status:?}"
    );

    // The crash: the replica has read the primary's file to its end; the primary dies and
    // comes back with that file cut inside its last event.
    let status = pair.replica_status()?;
    let (file, read_pos) = (status.master_log_file.clone(), status.read_master_log_pos);
    let primary_file = pair.primary.binlog_dir().join(&file);
    assert_eq!(std::fs::metadata(&primary_file)?.len(), read_pos);
    pair.primary.kill()?;
    tear_last_event(&primary_file)?;
    pair.primary.restart()?;

    let set = LogSet::open(&pair.primary.binlog_dir())?.diagnose()?;
    // The finding about GTID state going backwards agrees with what the restarted server says.
    let torn_entry = set
        .files
        .iter()
        .find(|f| f.name == file)
        .ok_or("the torn file is in the set")?;
    let completed = torn_entry
        .diagnosis
        .transactions
        .mariadb_position()
        .get(0)
        .map(|g| g.seq_no);
    let now: String = pair.primary.query_one("SELECT @@gtid_binlog_pos")?;
    let now_seq: Option<u64> = now.rsplit('-').next().and_then(|s| s.parse().ok());
    let regressed = matches!((now_seq, completed), (Some(n), Some(c)) if n < c);
    let flagged = set
        .chain
        .iter()
        .any(|f| matches!(f, ChainFinding::GtidPositionRegressed { .. }));
    assert_eq!(
        flagged, regressed,
        "server now at {now}, file completed {completed:?}: {:?}",
        set.chain
    );
    eprintln!("after restart the primary's gtid_binlog_pos is {now}; the torn file completed seq {completed:?}");
    let check = set.check_replica_position(&file, read_pos)?;
    assert_eq!(check.verdict, Verdict::Impossible, "{check:?}");
    let (next, pos) = check.restart.clone().ok_or("no restart point")?;
    assert_eq!(pos, 4);
    assert!(next > file, "restart in a later file: {next}");
    assert!(check.beyond_valid_end > 0);

    // The real replica agrees: error 1236 from the primary.
    let stopped = wait_for_io_errno(&pair, 1236)?;
    assert!(
        stopped.last_io_error.contains("1236")
            || stopped.last_io_error.to_lowercase().contains("position"),
        "{stopped:?}"
    );

    // Following the diagnosis, replication resumes.
    pair.replica.exec("STOP SLAVE")?;
    pair.replica.exec(&format!(
        "CHANGE MASTER TO MASTER_LOG_FILE='{next}', MASTER_LOG_POS={pos}"
    ))?;
    pair.replica.exec("START SLAVE")?;
    pair.primary
        .exec("INSERT INTO test.t VALUES (100, 'after the restart point')")?;
    pair.wait_replica_caught_up(PATIENCE)?;
    let n: u32 = pair
        .replica
        .query_one("SELECT COUNT(*) FROM test.t WHERE id = 100")?;
    assert_eq!(n, 1);
    Ok(())
}

// Not live: the `binlog-inspect` binary over the real fixtures (no server needed).

fn fixture(name: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/testdata/binlogs")
        .join(name);
    if path.exists() {
        Some(path)
    } else {
        examples::skip(&format!("fixture {} is absent", path.display()));
        None
    }
}

/// Runs `binlog-inspect` with `args`: (exit status, stdout followed by stderr).
fn inspect(args: &[&std::ffi::OsStr]) -> Result<(i32, String), Box<dyn Error>> {
    let (code, stdout, stderr) = common::run(env!("CARGO_BIN_EXE_binlog-inspect"), args)?;
    Ok((code, stdout + &stderr))
}

#[test]
fn binlog_inspect_lists_diagnoses_and_exits_by_status() -> TestResult {
    let (Some(clean), Some(torn)) = (
        fixture("mysql-bin.checksum-crc32"),
        fixture("binlog_truncated_prev_gtid_event.000001"),
    ) else {
        return Ok(());
    };
    let (code, out) = inspect(&[clean.as_os_str()])?;
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("# at 4\n") && out.contains("end_log_pos") && out.contains("rotated"),
        "{out}"
    );

    let (code, out) = inspect(&["--json".as_ref(), torn.as_os_str()])?;
    assert_eq!(code, 1, "{out}");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    let event = &lines[0];
    for field in [
        "file",
        "offset",
        "type_code",
        "type",
        "size",
        "end_log_pos",
        "server_id",
        "timestamp",
        "checksum",
    ] {
        assert!(event.get(field).is_some(), "{field} missing in {event}");
    }
    assert_eq!(event["checksum"], "ok");
    let summary = &lines.last().ok_or("no summary")?["summary"];
    assert_eq!(
        (
            summary["status"].as_str(),
            summary["valid_end"].as_u64(),
            summary["events"].as_u64()
        ),
        (Some("torn"), Some(120), Some(1))
    );

    let position = format!("{}:30000", name(&clean));
    let (code, out) = inspect(&[
        "--diagnose".as_ref(),
        "--json".as_ref(),
        "--replica-position".as_ref(),
        position.as_ref(),
        clean.as_os_str(),
    ])?;
    assert_eq!(code, 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(out.trim())?;
    assert_eq!(v["replica_position"]["verdict"], "impossible");
    assert_eq!(v["replica_position"]["restart"]["file"], "mysql-bin.000002");
    assert_eq!(v["replica_position"]["restart"]["position"], 4);

    let (code, _) = inspect(&["/nonexistent/mysql-bin.000001".as_ref()])?;
    assert_eq!(code, 2);
    let (code, _) = inspect(&[
        "--replica-position".as_ref(),
        "x:4".as_ref(),
        clean.as_os_str(),
    ])?;
    assert_eq!(code, 2);
    Ok(())
}
