//! The harness against real MariaDB servers: a replication pair survives a primary crash,
//! several servers run at once, and a missing server is reported in one line.

use std::collections::HashSet;
use std::error::Error;
use std::time::{Duration, Instant};

use examples::harness::{self, Pair, Server, ServerOptions};

type TestResult = Result<(), Box<dyn Error>>;

/// Generous: these are limits for a loaded 2-core machine, not performance assertions.
const PATIENCE: Duration = Duration::from_secs(60);

#[test]
fn pair_replicates_and_reconnects_after_the_primary_is_killed() -> TestResult {
    let mut pair = Pair::start()?;
    let status = pair.replica_status()?;
    assert_eq!(
        (status.io_running.as_str(), status.sql_running.as_str()),
        ("Yes", "Yes")
    );

    pair.primary.exec(
        "CREATE TABLE test.t (id INT PRIMARY KEY, note VARCHAR(40)); \
         INSERT INTO test.t VALUES (1, 'before the crash')",
    )?;
    pair.wait_replica_caught_up(PATIENCE)?;
    let note: String = pair
        .replica
        .query_one("SELECT note FROM test.t WHERE id = 1")?;
    assert_eq!(note, "before the crash");

    // Crash the primary: the replica's IO thread loses its connection and starts retrying.
    pair.primary.kill()?;
    assert!(!pair.primary.is_running());
    let lost = pair.wait_for_status("noticed the primary was gone", PATIENCE, |s| {
        s.io_running != "Yes"
    })?;
    assert_eq!(lost.sql_running, "Yes", "{lost:?}");

    // Crash recovery on the same datadir and port; the replica reconnects on its own.
    pair.primary.restart()?;
    let kept: u64 = pair.primary.query_one("SELECT COUNT(*) FROM test.t")?;
    assert_eq!(kept, 1, "the committed row survived the crash");
    let files = pair.primary.binlog_files()?;
    let names: Vec<_> = files.iter().filter_map(|f| f.file_name()).collect();
    assert_eq!(
        names,
        ["mysql-bin.000001", "mysql-bin.000002"],
        "a new file after the crash"
    );
    assert!(files
        .iter()
        .all(|f| f.starts_with(pair.primary.binlog_dir())));

    pair.primary
        .exec("INSERT INTO test.t VALUES (2, 'after the restart')")?;
    pair.wait_replica_caught_up(PATIENCE)?;
    let note: String = pair
        .replica
        .query_one("SELECT note FROM test.t WHERE id = 2")?;
    assert_eq!(note, "after the restart");
    let back = pair.replica_status()?;
    assert_eq!(
        (back.io_running.as_str(), back.sql_running.as_str()),
        ("Yes", "Yes")
    );
    assert_eq!(back.master_log_file, "mysql-bin.000002", "{back:?}");
    assert!(back.gtid_io_pos.starts_with("0-1-"), "{back:?}");
    Ok(())
}

#[test]
fn several_servers_run_at_once() -> TestResult {
    let handles: Vec<_> = (10..13)
        .map(|id| {
            std::thread::spawn(move || {
                Server::start(ServerOptions {
                    server_id: id,
                    log_bin: id != 12,
                    ..ServerOptions::default()
                })
            })
        })
        .collect();
    let mut servers = Vec::new();
    for handle in handles {
        servers.push(handle.join().map_err(|_| "a starting thread panicked")??);
    }
    let mut ports = HashSet::new();
    for (server, id) in servers.iter().zip(10u32..) {
        let (server_id, port, log_bin): (u32, u16, u8) =
            server.query_one("SELECT @@server_id, @@port, @@log_bin")?;
        assert_eq!((server_id, port), (id, server.port()));
        assert_eq!(log_bin == 1, id != 12);
        assert!(ports.insert(port), "port {port} given twice");
        assert!(server.url().ends_with(&format!(":{port}")));
    }
    let dirs: Vec<_> = servers.iter().map(|s| s.datadir().to_path_buf()).collect();
    drop(servers);
    if std::env::var("KEEP_SERVERS").as_deref() != Ok("1") {
        for dir in dirs {
            assert!(!dir.exists(), "{} was not removed", dir.display());
        }
    }
    Ok(())
}

#[test]
fn clean_shutdown_then_restart_keeps_data() -> TestResult {
    let mut server = Server::start(ServerOptions {
        gtid_strict: true,
        ..ServerOptions::default()
    })?;
    server.exec("CREATE TABLE test.k (id INT PRIMARY KEY); INSERT INTO test.k VALUES (7)")?;
    server.shutdown()?;
    assert!(matches!(
        server.conn(),
        Err(harness::HarnessError::NotRunning { .. })
    ));
    server.restart()?;
    let id: u32 = server.query_one("SELECT id FROM test.k")?;
    assert_eq!(id, 7);
    let strict: u8 = server.query_one("SELECT @@gtid_strict_mode")?;
    assert_eq!(strict, 1);
    assert!(server.error_log().contains("ready for connections"));
    Ok(())
}

#[test]
fn a_missing_server_is_reported_in_one_line() {
    let empty = std::env::temp_dir().join(format!("no-mariadbd-here-{}", std::process::id()));
    let err = harness::locate_program(&["mariadbd", "mysqld"], &[empty.as_path()])
        .expect_err("nothing can be found in a directory that does not exist");
    let message = err.to_string();
    assert!(!message.contains('\n'), "{message}");
    assert!(message.starts_with("mariadbd not found"), "{message}");
    assert!(message.contains("scripts/test"), "{message}");
    assert!(
        message.contains("apt-get install mariadb-server"),
        "{message}"
    );
}

#[test]
fn restart_waits_until_its_port_is_free_again() -> TestResult {
    let mut server = Server::start(ServerOptions::default())?;
    let port = server.port();
    server.kill()?;
    // Another process grabs the port while the server is down ...
    let squatter = std::net::TcpListener::bind(("127.0.0.1", port))?;
    let err_log = server
        .datadir()
        .parent()
        .ok_or("the datadir has a parent")?
        .join("err.log");
    let release = std::thread::spawn(move || {
        // ... and lets it go only once the restarted server has failed to bind it.
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            let log = std::fs::read_to_string(&err_log).unwrap_or_default();
            if log.contains("Address already in use") {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        drop(squatter);
    });
    server.restart()?;
    release
        .join()
        .map_err(|_| "the releasing thread panicked")?;
    assert_eq!(server.port(), port);
    assert!(server.error_log().contains("Address already in use"));
    let one: u8 = server.query_one("SELECT 1")?;
    assert_eq!(one, 1);
    Ok(())
}
