//! The five binaries given bad input, the way a tired DBA gives it: no arguments, unknown
//! options, missing values, files that are missing, empty, truncated or not binary logs at all,
//! malformed positions and GTID sets, bad URLs, closed ports, wrong passwords, names that do
//! not exist. Each must exit with its documented status (2 for errors), never panic, say what
//! and where, and never print a password. The server cases skip when `mariadbd` is absent.

mod common;

use std::error::Error;
use std::path::{Path, PathBuf};

type TestResult = Result<(), Box<dyn Error>>;

const INSPECT: &str = env!("CARGO_BIN_EXE_binlog-inspect");
const GTID: &str = env!("CARGO_BIN_EXE_gtid");
const CHECKSUM: &str = env!("CARGO_BIN_EXE_table-checksum");
const SYNC: &str = env!("CARGO_BIN_EXE_table-sync");
const DRILL: &str = env!("CARGO_BIN_EXE_recovery-drill");
const ALL: [&str; 5] = [INSPECT, GTID, CHECKSUM, SYNC, DRILL];

/// A password that must never appear in any output.
const SECRET: &str = "s3cr3t-pw";

/// Runs `bin`: (exit status, stdout, stderr); fails the test on a panic or a backtrace.
fn run(bin: &str, args: &[&str]) -> Result<(i32, String, String), Box<dyn Error>> {
    let (code, out, err) = common::run(bin, args)?;
    assert!(
        code != 101 && !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{bin} {args:?} panicked:\n{err}"
    );
    assert!(
        !out.contains(SECRET) && !err.contains(SECRET),
        "{bin} {args:?} printed the password:\n{out}\n{err}"
    );
    Ok((code, out, err))
}

/// Runs `bin` expecting exit status 2; its stderr.
fn fails(bin: &str, args: &[&str]) -> Result<String, Box<dyn Error>> {
    let (code, out, err) = run(bin, args)?;
    assert_eq!(code, 2, "{bin} {args:?}:\n{out}\n{err}");
    Ok(err)
}

/// A scratch directory of this test's own.
fn scratch(name: &str) -> Result<PathBuf, Box<dyn Error>> {
    let dir = std::env::temp_dir().join(format!("cli-errors-{}-{name}", std::process::id()));
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

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

fn text(p: &Path) -> &str {
    p.to_str().unwrap_or_default()
}

#[test]
fn help_exits_0_on_stdout_and_unknown_options_exit_2_naming_them() -> TestResult {
    for bin in ALL {
        let (code, out, _) = run(bin, &["--help"])?;
        assert_eq!(code, 0, "{bin} --help");
        assert!(out.contains("usage"), "{bin} --help:\n{out}");
        let err = fails(bin, &["--frobnicate"])?;
        assert!(err.contains("--frobnicate"), "{bin}:\n{err}");
        // Without arguments recovery-drill runs the drill on throwaway servers (documented).
        if bin != DRILL {
            fails(bin, &[])?;
        }
    }
    Ok(())
}

#[test]
fn options_missing_their_values_or_with_bad_ones_are_named() -> TestResult {
    let err = fails(CHECKSUM, &["--source"])?;
    assert!(err.contains("--source needs a value"), "{err}");
    let err = fails(SYNC, &["--source"])?;
    assert!(err.contains("--source needs a value"), "{err}");
    let err = fails(DRILL, &["--rows"])?;
    assert!(err.contains("--rows needs a value"), "{err}");
    let err = fails(INSPECT, &["--diagnose", "--replica-position"])?;
    assert!(err.contains("--replica-position needs FILE:POS"), "{err}");
    let err = fails(GTID, &["missing-writes", "--source"])?;
    assert!(err.contains("--source needs a value"), "{err}");
    // Seconds too large for a Duration panicked before.
    for flag in ["--sleep", "--chunk-time", "--max-lag", "--recheck-wait"] {
        for bad in ["1e300", "-1", "NaN", "inf"] {
            let err = fails(CHECKSUM, &["--source", "a", "--target", "b", flag, bad])?;
            assert!(err.contains(flag) && err.contains("seconds"), "{err}");
        }
    }
    let err = fails(
        CHECKSUM,
        &["--source", "a", "--target", "b", "--chunk-size", "0"],
    )?;
    assert!(err.contains("--chunk-size"), "{err}");
    // The status query is a running thread itself: 0 waited forever, silently.
    let err = fails(
        CHECKSUM,
        &[
            "--source",
            "a",
            "--target",
            "b",
            "--max-threads-running",
            "0",
        ],
    )?;
    assert!(err.contains("would wait forever"), "{err}");
    let err = fails(SYNC, &["--source", "a", "--target", "b"])?;
    assert!(
        err.contains("--print") && err.contains("--execute"),
        "{err}"
    );
    Ok(())
}

#[test]
fn binlog_inspect_refuses_what_is_not_a_binary_log_file() -> TestResult {
    let dir = scratch("inspect-paths")?;
    let missing = dir.join("mysql-bin.000099");
    for args in [vec![text(&missing)], vec!["--diagnose", text(&missing)]] {
        let err = fails(INSPECT, &args)?;
        assert!(
            err.contains("mysql-bin.000099: no such file or directory"),
            "{err}"
        );
    }
    let err = fails(INSPECT, &[text(&dir)])?;
    assert!(
        err.contains("is a directory") && err.contains("--diagnose"),
        "{err}"
    );
    // A directory without binary logs: "chain of 0 files", exit 0, before.
    let err = fails(INSPECT, &["--diagnose", text(&dir)])?;
    assert!(err.contains("no binary logs here"), "{err}");
    // A device is read forever (memory runs out): refused before reading.
    if Path::new("/dev/zero").exists() {
        let err = fails(INSPECT, &["/dev/zero"])?;
        assert!(err.contains("not a regular file"), "{err}");
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn binlog_inspect_on_empty_short_truncated_foreign_and_padded_files() -> TestResult {
    let Some(log) = fixture("mariadb-bin.000001") else {
        return Ok(());
    };
    let bytes = std::fs::read(&log)?;
    let dir = scratch("inspect-files")?;
    let write = |name: &str, data: &[u8]| -> Result<PathBuf, Box<dyn Error>> {
        let p = dir.join(name);
        std::fs::write(&p, data)?;
        Ok(p)
    };
    for n in [0usize, 3] {
        let p = write(&format!("short{n}"), &bytes[..n])?;
        let (code, out, _) = run(INSPECT, &[text(&p)])?;
        assert_eq!(code, 1, "{out}");
        assert!(out.contains("too short to be a binary log"), "{out}");
    }
    let p = write("cut20", &bytes[..20])?;
    let (code, out, _) = run(INSPECT, &[text(&p)])?;
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("torn") && out.contains("offset 4"), "{out}");
    let p = write("passwd", b"root:x:0:0:root:/root:/bin/bash\n")?;
    let (code, out, _) = run(INSPECT, &[text(&p)])?;
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("not a binary log: bad magic"), "{out}");
    // Text appended to a real log: binlog_inspect_calls_appended_text_foreign_not_torn.
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

/// Text appended to a real log is foreign data, not a crash-torn event: the DBA is told so.
#[test]
fn binlog_inspect_calls_appended_text_foreign_not_torn() -> TestResult {
    let Some(log) = fixture("mariadb-bin.000001") else {
        return Ok(());
    };
    let bytes = std::fs::read(&log)?;
    let dir = scratch("inspect-foreign")?;
    let mut padded = bytes.clone();
    padded.extend_from_slice(b"daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n");
    let p = dir.join("padded.000001");
    std::fs::write(&p, &padded)?;
    let said = "48 bytes after the last valid event (at offset";
    let meaning =
        "do not look like a binary log event: foreign data or corruption, not a crash-torn write";
    for args in [vec![text(&p)], vec!["--diagnose", text(&p)]] {
        let (code, out, _) = run(INSPECT, &args)?;
        assert_eq!(code, 1, "{args:?}: {out}");
        assert!(
            out.contains("corrupt") && !out.contains("torn:"),
            "{args:?}: {out}"
        );
        assert!(
            out.contains(said) && out.contains(meaning),
            "{args:?}: {out}"
        );
        if args[0] == "--diagnose" {
            // The last safe point is where the real events end.
            let end = bytes.len();
            assert!(out.contains(&format!("last safe point {end}")), "{out}");
        }
    }
    let (code, out, _) = run(INSPECT, &["--json", text(&p)])?;
    assert_eq!(code, 1, "{out}");
    let summary = out.lines().last().unwrap_or_default();
    let end = bytes.len();
    assert!(
        summary.contains("\"status\":\"corrupt\"")
            && summary.contains(&format!("\"valid_end\":{end}"))
            && summary.contains("\"torn_tail\":48")
            && summary.contains(meaning),
        "{summary}"
    );
    // A real partial event is still torn.
    let p = dir.join("cut.000001");
    std::fs::write(&p, &bytes[..bytes.len() - 10])?;
    let (code, out, _) = run(INSPECT, &[text(&p)])?;
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("torn:") && !out.contains(meaning), "{out}");
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn binlog_inspect_replica_positions_bad_unknown_zero_and_huge() -> TestResult {
    let Some(log) = fixture("mariadb-bin.000001") else {
        return Ok(());
    };
    let path = text(&log);
    let diagnose = |pos: &str| run(INSPECT, &["--diagnose", "--replica-position", pos, path]);
    for bad in ["mariadb-bin.000001", "mariadb-bin.000001:x", ":4", "f:-1"] {
        let err = fails(INSPECT, &["--diagnose", "--replica-position", bad, path])?;
        assert!(err.contains("replica position"), "{bad}: {err}");
    }
    let (code, out, _) = diagnose("other-bin.000001:4")?;
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("unknown_file") && out.contains("SHOW BINARY LOGS"),
        "{out}"
    );
    let (code, out, _) = diagnose("mariadb-bin.000001:0")?;
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("before the first event"), "{out}");
    let (code, out, _) = diagnose(&format!("mariadb-bin.000001:{}", u64::MAX))?;
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("impossible"), "{out}");
    Ok(())
}

#[test]
fn malformed_gtid_sets_name_the_argument_and_the_character() -> TestResult {
    let uuid = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
    let err = fails(GTID, &["normalize", &format!("{uuid}:5-1")])?;
    assert!(
        err.contains("argument 1") && err.contains("at character 37"),
        "{err}"
    );
    assert!(err.contains(&format!("\n  {}^", " ".repeat(37))), "{err}");
    // A tag with no interval after it (text cut short, or a mistyped interval): named, with
    // the caret under it, not read as `uuid:1-5`.
    let err = fails(GTID, &["normalize", &format!("{uuid}:1-5:x")])?;
    assert!(
        err.contains("argument 1: tag \"x\" at character 41 has no interval after it"),
        "{err}"
    );
    assert!(err.contains(&format!("\n  {}^", " ".repeat(41))), "{err}");
    let err = fails(GTID, &["subset", &format!("{uuid}:1"), "x"])?;
    assert!(
        err.contains("argument 2") && err.contains("at character 0"),
        "{err}"
    );
    // @@gtid_executed prints one UUID per line: the line and column are named.
    let multi = format!("{uuid}:1-5,\n{}:1-x", uuid.replace('2', "3"));
    let err = fails(GTID, &["normalize", &multi])?;
    assert!(err.contains("line 2, column 40"), "{err}");
    let err = fails(GTID, &["normalize"])?;
    assert!(err.contains("normalize takes one SET, got 0"), "{err}");
    // A second '-' read an exhausted standard input: the empty set, silently.
    let err = fails(GTID, &["union", "-", "-"])?;
    assert!(
        err.contains("only one set can be read from standard input"),
        "{err}"
    );
    let err = fails(GTID, &["frob"])?;
    assert!(err.contains("unknown command \"frob\""), "{err}");
    Ok(())
}

/// Each server-reaching binary with `url` as both sides (and `--json` where it has one).
fn server_commands(url: &str) -> Vec<(&'static str, Vec<String>)> {
    let s = |v: &[&str]| v.iter().map(|a| a.to_string()).collect::<Vec<_>>();
    vec![
        (
            GTID,
            s(&["missing-writes", "--source", url, "--target", url]),
        ),
        (CHECKSUM, s(&["--source", url, "--target", url, "--json"])),
        (
            SYNC,
            s(&["--source", url, "--target", url, "--print", "--json"]),
        ),
        (DRILL, s(&["--primary", url, "--replica", url, "--json"])),
    ]
}

fn fails_owned(bin: &str, args: &[String]) -> Result<String, Box<dyn Error>> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    fails(bin, &args)
}

#[test]
fn bad_urls_and_closed_ports_are_explained_without_the_password() -> TestResult {
    // '/' and ' ' in a password: the URL does not parse, and the old redaction printed it.
    for url in [
        format!("mysql://root:{SECRET}/x@127.0.0.1:1"),
        format!("mysql://root:{SECRET} x@127.0.0.1:1"),
        format!("mysql://root:{SECRET}@127.0.0.1:notaport"),
        format!("mysql://root:{SECRET}"),
        "127.0.0.1:3306".to_string(),
    ] {
        for (bin, args) in server_commands(&url) {
            let err = fails_owned(bin, &args)?;
            assert!(
                err.contains("URL") || err.contains("cannot connect"),
                "{bin} {url}:\n{err}"
            );
        }
    }
    let closed = format!("mysql://root:{SECRET}@127.0.0.1:1");
    for (bin, args) in server_commands(&closed) {
        let err = fails_owned(bin, &args)?;
        assert!(
            err.contains("mysql://root:***@127.0.0.1:1") && err.contains("is the server running"),
            "{bin}:\n{err}"
        );
        assert!(!err.contains("DriverError"), "{bin}:\n{err}");
    }
    Ok(())
}

#[test]
fn wrong_passwords_same_server_missing_names_and_a_non_replica_against_live_servers() -> TestResult
{
    let Some((server, other)) = common::two_servers()? else {
        return Ok(());
    };
    let port = |srv: &examples::harness::Server| {
        srv.url().rsplit(':').next().unwrap_or_default().to_string()
    };
    for srv in [&server, &other] {
        srv.exec(&format!("CREATE USER 'dba'@'%' IDENTIFIED BY '{SECRET}'"))?;
        srv.exec("GRANT ALL ON *.* TO 'dba'@'%'")?;
        srv.exec("CREATE DATABASE shop")?;
        srv.exec("CREATE TABLE shop.orders (id INT PRIMARY KEY, note VARCHAR(10))")?;
        srv.exec("INSERT INTO shop.orders VALUES (1, 'a'), (2, 'b')")?;
    }
    let good = format!("mysql://dba:{SECRET}@127.0.0.1:{}", port(&server));
    let good2 = format!("mysql://dba:{SECRET}@127.0.0.1:{}", port(&other));
    let wrong = format!("mysql://dba:not-{SECRET}@127.0.0.1:{}", port(&server));

    // The same server twice (a URL pasted twice) found "no difference" before.
    for (bin, print) in [(CHECKSUM, None), (SYNC, Some("--print"))] {
        let mut args = vec!["--source", &good, "--target", &good];
        args.extend(print);
        let err = fails(bin, &args)?;
        assert!(err.contains("are the same server"), "{bin}:\n{err}");
    }

    for (bin, args) in server_commands(&wrong) {
        let err = fails_owned(bin, &args)?;
        assert!(
            err.contains("1045") && err.contains("check the user name and password"),
            "{bin}:\n{err}"
        );
    }
    // The password reaches no output on success either (the plan names servers by label).
    let (code, out, err) = run(
        SYNC,
        &[
            "--source",
            &good,
            "--target",
            &good2,
            "--tables",
            "shop.orders",
            "--print",
            "--json",
        ],
    )?;
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains(&format!("h=127.0.0.1,P={},u=dba", port(&server))),
        "{out}"
    );

    for (bin, print) in [(CHECKSUM, None), (SYNC, Some("--print"))] {
        let mut args = vec!["--source", &good, "--target", &good2];
        args.extend(print);
        // A misspelt database compared nothing and exited 0 ("no difference") before.
        let mut typo = args.clone();
        typo.extend(["--databases", "shpo"]);
        let err = fails(bin, &typo)?;
        assert!(
            err.contains("\"shpo\"") && err.contains("SHOW DATABASES"),
            "{err}"
        );
        for table in ["nodb.orders", "shop.nosuch"] {
            let mut missing = args.clone();
            missing.extend(["--tables", table]);
            let err = fails(bin, &missing)?;
            assert!(
                err.contains(&format!("table {table}")) && err.contains("no such table"),
                "{bin}:\n{err}"
            );
            assert!(!err.contains("server error on"), "{err}");
        }
    }
    let err = fails(
        SYNC,
        &[
            "--source",
            &good,
            "--target",
            &format!("{good2}/nodb"),
            "--print",
        ],
    )?;
    assert!(
        err.contains("1049") && err.contains("check the database name"),
        "{err}"
    );

    // A checkpoint that is not one: named, with what to do (was "expected value at line 1
    // column 1"); a missing index: the table named once (was "table d.t: table d.t: ...").
    let dir = scratch("checkpoint")?;
    let garbage = dir.join("run.json");
    std::fs::write(&garbage, "not json")?;
    let compare = |extra: &[&str]| {
        let mut args = vec![
            "--source",
            &good,
            "--target",
            &good2,
            "--tables",
            "shop.orders",
        ];
        args.extend(extra);
        fails(CHECKSUM, &args)
    };
    let err = compare(&["--checkpoint", text(&garbage)])?;
    assert!(
        err.contains(&format!("checkpoint file {}", garbage.display()))
            && err.contains("delete it to start over"),
        "{err}"
    );
    let err = compare(&["--index", "nosuch"])?;
    assert!(err.contains("no index named"), "{err}");
    assert_eq!(err.matches("shop.orders").count(), 1, "{err}");
    let _ = std::fs::remove_dir_all(&dir);

    // --replicate against a target that is not a replica waited forever for the checksums.
    let err = fails(
        CHECKSUM,
        &[
            "--source",
            &good,
            "--target",
            &good2,
            "--tables",
            "shop.orders",
            "--replicate",
            "percona.checksums",
        ],
    )?;
    assert!(
        err.contains("is not a replica") && err.contains("leave out --replicate"),
        "{err}"
    );

    let err = fails(DRILL, &["--primary", &good, "--replica", &good])?;
    assert!(
        err.contains("is not a replica") && err.contains("--replica"),
        "{err}"
    );
    Ok(())
}

#[test]
fn a_port_that_accepts_and_stays_silent_does_not_hang() -> TestResult {
    // The kernel completes the TCP handshake for a listener that never accepts: the driver
    // then waited forever for the server's greeting.
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let url = format!("mysql://root:{SECRET}@{}", listener.local_addr()?);
    // Side by side: each waits out the greeting timeout.
    std::thread::scope(|scope| {
        let runs: Vec<_> = server_commands(&url)
            .into_iter()
            .map(|(bin, args)| {
                scope.spawn(move || (bin, fails_owned(bin, &args).map_err(|e| e.to_string())))
            })
            .collect();
        for run in runs {
            let (bin, err) = run.join().map_err(|_| "a run panicked")?;
            let err = err?;
            assert!(err.contains("no MySQL login within"), "{bin}:\n{err}");
        }
        Ok(())
    })
}

#[test]
fn recovery_drill_refuses_to_repair_a_replica_whose_sql_thread_is_stopped() -> TestResult {
    if common::no_server() {
        return Ok(());
    }
    let pair = examples::harness::Pair::start()?;
    pair.primary.exec("CREATE DATABASE shop")?;
    pair.primary
        .exec("CREATE TABLE shop.orders (id INT PRIMARY KEY, note VARCHAR(10))")?;
    pair.wait_replica_caught_up(std::time::Duration::from_secs(60))?;
    pair.replica.exec("STOP SLAVE SQL_THREAD")?;
    // Received but not applied: the replica differs by a write still in its relay log.
    pair.primary
        .exec("INSERT INTO shop.orders VALUES (1, 'relayed')")?;
    let (primary, replica) = (pair.primary.url(), pair.replica.url());

    // Read-only: the plan is printed with a warning that it includes writes in flight.
    let (code, out, err) = run(DRILL, &["--primary", &primary, "--replica", &replica])?;
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(
        out.contains("warning: the replica's SQL thread is not running"),
        "{out}"
    );
    // --execute: refused before anything is written (the insert would be applied twice).
    let err = fails(
        DRILL,
        &["--primary", &primary, "--replica", &replica, "--execute"],
    )?;
    assert!(
        err.contains("SQL thread is not running") && err.contains("START SLAVE SQL_THREAD"),
        "{err}"
    );
    // table-sync on a replica names the two ways out.
    let err = fails(
        SYNC,
        &["--source", &primary, "--target", &replica, "--print"],
    )?;
    assert!(
        err.contains("is a replica")
            && err.contains("--sync-to-master")
            && err.contains("--allow-replica-write"),
        "{err}"
    );
    // A primary the replica does not replicate from: refused, read-only or not (the repair
    // would copy the wrong server).
    let other = examples::harness::Server::start(examples::harness::ServerOptions {
        server_id: 9,
        ..examples::harness::ServerOptions::default()
    })?;
    let err = fails(DRILL, &["--primary", &other.url(), "--replica", &replica])?;
    assert!(
        err.contains("not from the primary") && err.contains("give the replica's own primary"),
        "{err}"
    );
    let mut conn = pair.replica.conn()?;
    let rows: Option<u64> =
        mysql::prelude::Queryable::query_first(&mut conn, "SELECT COUNT(*) FROM shop.orders")?;
    assert_eq!(rows, Some(0), "the replica was written to");
    Ok(())
}
