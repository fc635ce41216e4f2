//! The crash-recovery drill on real MariaDB servers: several crash points, each ending
//! consistent with no committed row lost; and the same diagnosis against "a user's" servers,
//! read-only until `execute` is asked for.

mod common;

use std::error::Error;

use examples::drill::remote::{self, RemoteOptions};
use examples::drill::workload::{Ledger, Rng};
use examples::drill::{self, crash, DrillOptions};
use examples::harness::{Pair, ReplicationMode};

type TestResult = Result<(), Box<dyn Error>>;

/// `mysql-bin.000001` -> `mysql-bin.000002`.
fn next_file(name: &str) -> String {
    let (base, n) = name.rsplit_once('.').unwrap_or((name, "0"));
    let n: u64 = n.parse().unwrap_or(0);
    format!(
        "{base}.{:0width$}",
        n + 1,
        width = name.len() - base.len() - 1
    )
}

#[test]
fn next_file_keeps_the_width() {
    assert_eq!(next_file("mysql-bin.000001"), "mysql-bin.000002");
    assert_eq!(next_file("mysql-bin.000999"), "mysql-bin.001000");
}

fn drill_with_seed(seed: u64, storage_loss: bool) -> TestResult {
    let opts = DrillOptions {
        rows: 200,
        seed,
        storage_loss,
        quiet: true,
    };
    let (o, _pair) = drill::run(&opts)?;
    let context = format!("seed {seed}: {}", drill::report::render(&o));
    // The story: error 1236, an impossible position, the restart point in the next file at 4.
    assert_eq!(o.crash.replica_errno, 1236, "{context}");
    assert!(o.crash.cut < o.crash.read_pos, "{context}");
    assert_eq!(o.diagnosis.verdict, "impossible", "{context}");
    assert!(o.diagnosis.beyond_valid_end > 0, "{context}");
    assert_eq!(
        o.repositioned_to,
        (next_file(&o.crash.file), 4),
        "{context}"
    );
    // The replica held transactions the primary's binary log lost.
    assert!(!o.gtids.primary_lacks.is_empty(), "{context}");
    // Nothing left over, nothing committed lost.
    assert!(
        o.checksums_after.iter().all(|t| t.differing_chunks == 0),
        "{context}"
    );
    assert!(o.contents_after.iter().all(|(_, n)| *n == 0), "{context}");
    assert!(o.committed_primary.nothing_lost(), "{context}");
    assert!(o.committed_replica.nothing_lost(), "{context}");
    // And nothing the application deleted came back.
    assert!(o.committed_primary.unexpected.is_empty(), "{context}");
    assert!(o.committed_replica.unexpected.is_empty(), "{context}");
    assert!(o.committed_primary.checked > 200, "{context}");
    assert!(o.gtids_equal_after, "{context}");
    assert!(o.consistent(), "{context}");
    // What the repair replaced on the replica was reported, row by row.
    let replaced: usize = o.rows.iter().map(|t| t.replica_rows_replaced.len()).sum();
    let counted: usize = o.rows.iter().map(|t| t.only_on_replica + t.changed).sum();
    assert!(replaced <= counted, "{context}");
    assert_eq!(o.executed as usize, o.plan_statements, "{context}");
    Ok(())
}

#[test]
fn the_drill_ends_consistent_at_several_crash_points() -> TestResult {
    if common::no_server() {
        return Ok(());
    }
    for seed in [11, 29, 47] {
        drill_with_seed(seed, true)?;
    }
    Ok(())
}

#[test]
fn the_drill_with_only_the_binary_log_torn() -> TestResult {
    if common::no_server() {
        return Ok(());
    }
    drill_with_seed(5, false)
}

/// The user's-servers mode on a pair left in the 1236 state: read-only finds the restart point
/// and changes nothing; `execute` repositions the replica and leaves it consistent.
#[test]
fn named_servers_are_read_only_until_execute() -> TestResult {
    if common::no_server() {
        return Ok(());
    }
    let mut pair = Pair::start_with(ReplicationMode::FilePosition)?;
    let mut rng = Rng::new(3);
    let mut ledger = Ledger::new(3);
    ledger.load(&mut pair.primary.conn()?, 100)?;
    pair.wait_replica_caught_up(crash::PATIENCE)?;
    let (mut ledger, acknowledged) = crash::kill_while_writing(&mut pair, ledger, &mut rng)?;
    let status = crash::wait_io_disconnected(&pair)?;
    let mut report = crash::CrashReport::new(acknowledged, 0);
    crash::tear_tail(&pair, &status, &mut rng, &mut report)?;
    pair.primary.restart()?;
    let mut conn = pair.primary.conn()?;
    for _ in 0..5 {
        assert!(ledger.transaction(&mut conn, true));
    }
    crash::wait_for_1236(&pair)?;

    let mut opts = RemoteOptions {
        primary: pair.primary.url(),
        replica: pair.replica.url(),
        binlog_dir: Some(pair.primary.binlog_dir()),
        execute: false,
        quiet: true,
    };
    let read_only = remote::run(&opts)?;
    assert_eq!(read_only.replica_io_errno, 1236);
    assert_eq!(read_only.restart, Some((next_file(&report.file), 4)));
    assert!(!read_only.repositioned);
    assert_eq!(read_only.executed, 0);
    assert!(!read_only.consistent());
    // Nothing was written: the replica still stands where the crash left it.
    let after = pair.replica_status()?;
    assert_eq!(after.last_io_errno, 1236);
    assert_eq!(after.read_master_log_pos, status.read_master_log_pos);

    // Without the directory, the sizes from SHOW BINARY LOGS tell the same story.
    opts.binlog_dir = None;
    let by_size = remote::run(&opts)?;
    assert_eq!(by_size.restart, read_only.restart);

    opts.execute = true;
    let _ = remote::run(&opts)?;
    crash::wait_status(&pair, "the replica to resume", |s| {
        s.io_running == "Yes" && s.last_io_errno == 0
    })?;
    pair.wait_replica_caught_up(crash::PATIENCE)?;
    opts.execute = false;
    let settled = remote::run(&opts)?;
    assert!(settled.restart.is_none(), "{settled:?}");
    assert!(settled.consistent(), "{settled:?}");
    Ok(())
}
