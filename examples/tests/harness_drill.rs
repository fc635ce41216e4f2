//! A crash drill with the harness: the primary dies, its last binary log loses its tail (as
//! when the OS never flushed it), and the replica, replicating by file and position, stops with
//! error 1236 "impossible position", the symptom in the users' stories. The manual fix
//! (restart from the primary's next file at position 4) then works.

use std::error::Error;
use std::time::Duration;

use examples::harness::{HarnessError, Pair, ReplicationMode};

type TestResult = Result<(), Box<dyn Error>>;

/// A limit for a loaded machine, not a performance assertion.
const PATIENCE: Duration = Duration::from_secs(60);

#[test]
fn a_torn_primary_binlog_stops_the_replica_with_error_1236() -> TestResult {
    let mut pair = Pair::start_with(ReplicationMode::FilePosition)?;
    pair.primary.exec(
        "CREATE TABLE test.t (id INT PRIMARY KEY, pad VARCHAR(200)); \
         INSERT INTO test.t VALUES (1, REPEAT('a', 200)), (2, REPEAT('b', 200))",
    )?;
    pair.wait_replica_caught_up(PATIENCE)?;
    let before = pair.replica_status()?;
    assert_eq!(before.master_log_file, "mysql-bin.000001");

    // The crash: the primary dies, and the tail the replica already read never reached its
    // disk. Cut the file 100 bytes short of what the replica has read (inside the last event).
    pair.primary.kill()?;
    let last = pair.primary.binlog_dir().join(&before.master_log_file);
    let cut = before
        .read_master_log_pos
        .checked_sub(100)
        .ok_or("the replica read under 100 bytes")?;
    std::fs::OpenOptions::new()
        .write(true)
        .open(&last)?
        .set_len(cut)?;
    pair.primary.restart()?;

    let stopped = pair.wait_for_status("stopped with an IO error", PATIENCE, |s| {
        s.io_running == "No" && s.last_io_errno != 0
    })?;
    assert_eq!(stopped.last_io_errno, 1236, "{stopped:?}");
    assert!(
        stopped.last_io_error.contains("impossible position"),
        "{stopped:?}"
    );
    assert_eq!(stopped.read_master_log_pos, before.read_master_log_pos);
    // The harness reports this state as an error rather than waiting for the timeout.
    match pair.wait_replica_caught_up(PATIENCE) {
        Err(HarnessError::Replication { detail, .. }) => {
            assert!(detail.contains("1236"), "{detail}")
        }
        other => return Err(format!("expected a replication error, got {other:?}").into()),
    }

    // The fix people apply by hand: continue from the primary's next file, at position 4.
    let files = pair.primary.binlog_files()?;
    let next = files
        .last()
        .and_then(|f| f.file_name())
        .and_then(|n| n.to_str())
        .ok_or("the primary has no binlog file")?
        .to_string();
    assert_eq!(next, "mysql-bin.000002");
    pair.primary
        .exec("INSERT INTO test.t VALUES (3, 'after the crash')")?;
    pair.replica.exec(&format!(
        "STOP SLAVE; CHANGE MASTER TO MASTER_LOG_FILE='{next}', MASTER_LOG_POS=4; START SLAVE"
    ))?;
    pair.wait_replica_caught_up(PATIENCE)?;
    let pad: String = pair
        .replica
        .query_one("SELECT pad FROM test.t WHERE id = 3")?;
    assert_eq!(pad, "after the crash");
    Ok(())
}
