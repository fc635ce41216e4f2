//! Comparing two real MariaDB servers: the library with both engines, the `table-checksum`
//! binary (report, JSON, exit codes, redaction, resume after SIGKILL), and replicate mode
//! against a real replica.

use std::error::Error;
use std::process::{Command, Stdio};
use std::time::Duration;

use checksum::live::{
    replica_differences, replicate_table, CompareOptions, Comparer, Engine, ReplicateOptions,
    RowReader, Throttle,
};
use checksum::{Algorithm, Checkpoint, Dialect};
use chunker::ChunkSize;
use examples::harness::{Pair, Server};

mod common;

type TestResult = Result<(), Box<dyn Error>>;

const BIN: &str = env!("CARGO_BIN_EXE_table-checksum");

/// The same two tables on both servers, then drift on the target: a changed row, a deleted
/// row, an extra row past the source's last key, and a FLOAT moved to the next float up (same 6-digit text) in another table.
fn two_servers_with_drift() -> Result<Option<(Server, Server)>, Box<dyn Error>> {
    let Some((source, target)) = common::two_servers()? else {
        return Ok(None);
    };
    for s in [&source, &target] {
        s.exec(
            "CREATE DATABASE app; \
             CREATE TABLE app.orders (id INT PRIMARY KEY, customer VARCHAR(30), total DECIMAL(10,2), \
               note TEXT NULL, at DATETIME(6)); \
             INSERT INTO app.orders SELECT seq, CONCAT('c', seq % 97), seq * 1.25, \
               IF(seq % 5 = 0, NULL, REPEAT('n', seq % 13)), '2024-01-01' + INTERVAL seq MINUTE \
               FROM app.seq_1_to_3000; \
             CREATE TABLE app.ratios (k VARCHAR(10) PRIMARY KEY, ratio FLOAT); \
             INSERT INTO app.ratios SELECT CONCAT('k', seq), IF(seq = 50, 0.1, seq / 7) \
             FROM app.seq_1_to_200",
        )?;
    }
    target.exec(
        "UPDATE app.orders SET customer = 'changed' WHERE id = 1234; \
         DELETE FROM app.orders WHERE id = 2500; \
         INSERT INTO app.orders VALUES (9999, 'extra', 1, NULL, '2030-01-01'); \
         UPDATE app.ratios SET ratio = 0.10000000894069671630859375 WHERE k = 'k50'",
    )?;
    Ok(Some((source, target)))
}

fn options(algorithm: Algorithm, engine: Engine) -> CompareOptions {
    CompareOptions {
        algorithm,
        engine,
        chunk_size: ChunkSize::Rows(500),
        throttle: Throttle::none(),
        recheck_wait: Duration::from_millis(10),
        ..CompareOptions::default()
    }
}

#[test]
fn compare_finds_the_drift_with_both_engines_and_the_binary_reports_it() -> TestResult {
    let Some((source, target)) = two_servers_with_drift()? else {
        return Ok(());
    };
    let mut reports = Vec::new();
    for (engine, rows) in [
        (Engine::Server, RowReader::Direct),
        (Engine::Client, RowReader::Direct),
        (Engine::Client, RowReader::Driver),
    ] {
        let mut cmp = Comparer::connect(&source.url(), &target.url())?;
        // The harness's servers take the direct reader's login on both sides.
        let (s, t) = cmp.row_readers();
        assert!(s.is_ok() && t.is_ok(), "{:?}", cmp.row_readers());
        let mut cp = Checkpoint::new(Algorithm::Strong);
        let mut found = Vec::new();
        for name in ["orders", "ratios"] {
            let table = chunker::live::load_table(cmp.walk_conn(), "app", name)?;
            let opts = CompareOptions {
                rows,
                ..options(Algorithm::Strong, engine)
            };
            let r = cmp.compare_table(&table, &opts, &mut cp, &mut |_| {})?;
            found.extend(
                r.differences
                    .into_iter()
                    .map(|d| (d.count_diff(), d.table, d.chunk))
                    .map(|(c, t, n)| (t, n, c)),
            );
        }
        reports.push(found);
    }
    assert_eq!(reports[0], reports[1], "server and client engines disagree");
    assert_eq!(
        reports[1], reports[2],
        "the direct reader and the driver disagree"
    );

    // Pause and resume: the run waits while the pause file exists (here it is removed by the
    // progress callback the first time the run reports that it waits for it).
    let pause = std::env::temp_dir().join(format!("ck-pause-{}", std::process::id()));
    std::fs::write(&pause, b"")?;
    let mut opts = options(Algorithm::Strong, Engine::Server);
    opts.throttle.pause_file = Some(pause.clone());
    opts.throttle.check_interval = Duration::from_millis(1);
    let mut cmp = Comparer::connect(&source.url(), &target.url())?;
    let table = chunker::live::load_table(cmp.walk_conn(), "app", "ratios")?;
    let mut paused = 0;
    let r = cmp.compare_table(
        &table,
        &opts,
        &mut Checkpoint::new(Algorithm::Strong),
        &mut |p| {
            if let checksum::live::Progress::Waiting(checksum::live::Wait::PauseFile) = p {
                paused += 1;
                let _ = std::fs::remove_file(&pause);
            }
        },
    )?;
    assert_eq!((paused, r.differences.len()), (1, 1));
    // 1234 (changed), 2500 (deleted, -1) and 9999 (extra, +1, last chunk) are in three chunks
    // of 500 ids; the FLOAT change in ratios is a fourth.
    let counts: Vec<i128> = reports[0].iter().map(|d| d.2).collect();
    assert_eq!(reports[0].len(), 4, "{:?}", reports[0]);
    assert_eq!(counts.iter().sum::<i128>(), 0);
    assert!(reports[0].iter().any(|d| d.0 == "ratios"));

    // The binary: JSON lines, summary, exit code 1; human table; exit 0 on equal data.
    let json_run = |extra: &[&str]| {
        Command::new(BIN)
            .args(["--source", &source.url(), "--target", &target.url()])
            .args(["--databases", "app", "--chunk-size", "500", "--json"])
            .args(["--algorithm", "pt"])
            .args(extra)
            .output()
    };
    let out = json_run(&[])?;
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The driver reading the rows: the same report, line for line.
    let by_driver = json_run(&["--row-reader", "driver"])?;
    assert_eq!(by_driver.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&by_driver.stdout),
        String::from_utf8_lossy(&out.stdout)
    );
    let bad = Command::new(BIN)
        .args(["--source", &source.url(), "--target", &target.url()])
        .args(["--row-reader", "fast"])
        .output()?;
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr)
            .contains("unknown row reader \"fast\" (expected direct or driver)"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)?
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    let summary = &lines.last().ok_or("no output")?["summary"];
    assert_eq!(summary["tables"], 2);
    // pt's FLOAT text hides the ratios change: pt sees 3 of the 4 chunks.
    assert_eq!(summary["differing_chunks"], 3, "{lines:?}");
    for key in [
        "db",
        "table",
        "chunk",
        "lower",
        "upper",
        "source_count",
        "target_count",
        "source_checksum",
        "target_checksum",
    ] {
        assert!(
            lines[0].get(key).is_some(),
            "JSON line lacks {key}: {}",
            lines[0]
        );
    }
    let human = Command::new(BIN)
        .args([
            "--source",
            &source.url(),
            "--target",
            &target.url(),
            "--tables",
            "app.orders",
        ])
        .args(["--chunk-size", "500"])
        .output()?;
    let text = String::from_utf8(human.stdout)?;
    assert!(
        text.contains("CNT_DIFF") && text.contains("`id` >= 2001 AND `id` < 2501"),
        "{text}"
    );
    target.exec("UPDATE app.orders SET customer = 'c70' WHERE id = 1234")?;
    let same = Command::new(BIN)
        .args([
            "--source",
            &source.url(),
            "--target",
            &target.url(),
            "--tables",
            "app.ratios",
        ])
        .args(["--algorithm", "pt"])
        .output()?;
    assert_eq!(
        same.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&same.stdout)
    );

    // Errors: exit 2, and the password never appears.
    let bad = Command::new(BIN)
        .args([
            "--source",
            "mysql://root:hunter2@127.0.0.1:1/x",
            "--target",
            &target.url(),
        ])
        .output()?;
    let err = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(bad.status.code(), Some(2));
    assert!(!err.contains("hunter2") && err.contains("***"), "{err}");
    Ok(())
}

/// The report of a whole run with a fresh checkpoint.
fn run_to_end(args: &[&str], checkpoint: &std::path::Path) -> Result<String, Box<dyn Error>> {
    let _ = std::fs::remove_file(checkpoint);
    let out = Command::new(BIN)
        .args(args)
        .arg("--checkpoint")
        .arg(checkpoint)
        .output()?;
    Ok(String::from_utf8(out.stdout)?)
}

#[test]
fn a_run_killed_with_sigkill_resumes_to_the_same_result() -> TestResult {
    let Some((source, target)) = two_servers_with_drift()? else {
        return Ok(());
    };
    let dir = std::env::temp_dir().join(format!("ck-resume-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let cp = dir.join("run.json");
    let (s, t) = (source.url(), target.url());
    let args = [
        "--source",
        &s,
        "--target",
        &t,
        "--databases",
        "app",
        "--chunk-size",
        "100",
        "--json",
        "--sleep",
        "0.02",
    ];
    let uninterrupted = run_to_end(&args, &cp)?;

    let _ = std::fs::remove_file(&cp);
    let mut child = Command::new(BIN)
        .args(args)
        .arg("--checkpoint")
        .arg(&cp)
        .stdout(Stdio::null())
        .spawn()?;
    // Kill it once the checkpoint shows some, but not all, chunks of the first table done.
    let mut killed_at = None;
    while child.try_wait()?.is_none() {
        if let Ok(Some(c)) = Checkpoint::load(&cp) {
            let chunks = c.tables.get("app.orders").map_or(0, |p| p.chunks);
            if chunks >= 5 {
                child.kill()?;
                killed_at = Some(chunks);
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.wait()?;
    let killed_at = killed_at.ok_or("the run finished before it could be killed")?;
    let resumed = Command::new(BIN)
        .args(args)
        .arg("--checkpoint")
        .arg(&cp)
        .output()?;
    assert_eq!(resumed.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(resumed.stdout)?,
        uninterrupted,
        "killed after {killed_at} chunks"
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

#[test]
fn replicate_mode_on_a_real_replica_finds_replica_drift_and_keeps_other_results() -> TestResult {
    let pair = Pair::start()?;
    pair.primary.exec(
        "CREATE DATABASE shop; \
         CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(20), price DOUBLE); \
         INSERT INTO shop.items SELECT seq, CONCAT('item', seq), seq / 3 FROM shop.seq_1_to_1000; \
         CREATE DATABASE percona; \
         CREATE TABLE percona.checksums (db CHAR(64) NOT NULL, tbl CHAR(64) NOT NULL, \
           chunk INT NOT NULL, chunk_time FLOAT NULL, chunk_index VARCHAR(200) NULL, \
           lower_boundary TEXT NULL, upper_boundary TEXT NULL, this_crc CHAR(40) NOT NULL, \
           this_cnt INT NOT NULL, master_crc CHAR(40) NULL, master_cnt INT NULL, \
           ts TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, \
           PRIMARY KEY (db, tbl, chunk), INDEX ts_db_tbl (ts, db, tbl)); \
         INSERT INTO percona.checksums (db, tbl, chunk, this_crc, this_cnt, master_crc, master_cnt) \
           VALUES ('other', 'tbl', 1, 'abc', 5, 'abc', 5)",
    )?;
    pair.wait_replica_caught_up(Duration::from_secs(60))?;
    // Drift only the replica has.
    pair.replica.exec(
        "SET SESSION sql_log_bin = 0; UPDATE shop.items SET price = price + 1e-9 WHERE id = 700; \
         DELETE FROM shop.items WHERE id = 20",
    )?;

    for algorithm in [Algorithm::Pt, Algorithm::Strong] {
        let (mut walk, mut primary) = (pair.primary.conn()?, pair.primary.conn()?);
        let dialect = checksum::live::prepare_session(&mut primary, "primary")?;
        assert_eq!(dialect, Dialect::MariaDb);
        let mut replica = pair.replica.conn()?;
        let table = chunker::live::load_table(&mut walk, "shop", "items")?;
        let opts = ReplicateOptions {
            algorithm,
            chunk_size: ChunkSize::Rows(250),
            throttle: Throttle {
                max_lag: Some(Duration::from_secs(5)),
                ..Throttle::default()
            },
            ..ReplicateOptions::default()
        };
        let chunks = replicate_table(
            &mut walk,
            &mut primary,
            &mut [("replica", &mut replica, dialect)],
            &table,
            dialect,
            &opts,
            &mut |_| {},
        )?;
        assert_eq!(chunks, 4);
        pair.wait_replica_caught_up(Duration::from_secs(60))?;
        let diffs = replica_differences(&mut replica, ("percona", "checksums"), "shop", "items")?;
        let found: Vec<(u64, i64)> = diffs
            .iter()
            .map(|d| (d.chunk, d.this_cnt - d.master_cnt.unwrap_or(0)))
            .collect();
        // id 20 is in chunk 0 (one row fewer), id 700 in chunk 2 (same count, other crc).
        assert_eq!(found, [(0, -1), (2, 0)], "{algorithm}: {diffs:?}");
        let kept: u64 = pair
            .replica
            .query_one("SELECT COUNT(*) FROM percona.checksums WHERE db = 'other'")?;
        assert_eq!(kept, 1, "another table's results were deleted");
    }

    // The binary's replicate mode: the same two differing chunks, read back on the replica.
    let out = Command::new(BIN)
        .args([
            "--source",
            &pair.primary.url(),
            "--target",
            &pair.replica.url(),
        ])
        .args(["--tables", "shop.items", "--chunk-size", "250", "--json"])
        .args(["--replicate", "percona.checksums"])
        .output()?;
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let last: serde_json::Value = serde_json::from_str(
        String::from_utf8(out.stdout)?
            .lines()
            .last()
            .ok_or("no output")?,
    )?;
    assert_eq!(last["summary"]["differing_chunks"], 2, "{last}");
    Ok(())
}

/// Drift against writes in flight, on a primary and its replica: a change the replica has not
/// applied yet (its SQL thread is stopped) is rechecked, and agrees once it is applied; a
/// change made on the replica alone, with replication caught up, is drift at once.
#[test]
fn writes_in_flight_are_rechecked_and_drift_is_not() -> TestResult {
    let pair = Pair::start()?;
    // The server engine walks the key; the client engine's reads lead the walk (see
    // `checksum::live`): both must tell writes in flight from drift.
    for (engine, name) in [(Engine::Server, "ts"), (Engine::Client, "tc")] {
        pair.primary.exec(&format!(
            "CREATE DATABASE IF NOT EXISTS w; CREATE TABLE w.{name} (id INT PRIMARY KEY, v INT); \
             INSERT INTO w.{name} SELECT seq, seq FROM w.seq_1_to_100"
        ))?;
        pair.wait_replica_caught_up(Duration::from_secs(60))?;
        pair.replica.exec("STOP SLAVE SQL_THREAD")?;
        pair.primary
            .exec(&format!("UPDATE w.{name} SET v = -1 WHERE id = 50"))?;

        let mut opts = options(Algorithm::Strong, engine);
        opts.chunk_size = ChunkSize::Rows(1000);
        let mut cmp = Comparer::connect(&pair.primary.url(), &pair.replica.url())?;
        let table = chunker::live::load_table(cmp.walk_conn(), "w", name)?;
        let mut events = Vec::new();
        let mut restart: Result<(), String> = Ok(());
        let r = cmp.compare_table(
            &table,
            &opts,
            &mut Checkpoint::new(Algorithm::Strong),
            &mut |p| {
                match p {
                    checksum::live::Progress::Chunk { source, target, .. } if source != target => {
                        events.push("differs");
                        // The write reaches the replica between the first check and the
                        // recheck.
                        restart = pair
                            .replica
                            .exec("START SLAVE SQL_THREAD")
                            .and_then(|()| pair.wait_replica_caught_up(Duration::from_secs(60)))
                            .map_err(|e| e.to_string());
                    }
                    checksum::live::Progress::Recheck { .. } => events.push("recheck"),
                    _ => {}
                }
            },
        )?;
        restart?;
        assert_eq!(events, ["differs", "recheck"], "{engine:?}");
        assert_eq!(
            (r.in_flight, r.differences.len()),
            (1, 0),
            "{engine:?} {r:?}"
        );

        // Now real drift on the replica, replication caught up: reported without a recheck.
        pair.replica.exec(&format!(
            "SET SESSION sql_log_bin = 0; UPDATE w.{name} SET v = -2 WHERE id = 7"
        ))?;
        let mut rechecks = 0;
        let r = cmp.compare_table(
            &table,
            &opts,
            &mut Checkpoint::new(Algorithm::Strong),
            &mut |p| {
                if let checksum::live::Progress::Recheck { .. } = p {
                    rechecks += 1;
                }
            },
        )?;
        assert_eq!(
            (rechecks, r.in_flight, r.differences.len()),
            (0, 0, 1),
            "{engine:?} {r:?}"
        );
    }
    Ok(())
}

/// `Com_stmt_execute` on a server so far (prepared statements run, all sessions).
fn statements_run(server: &Server) -> Result<u64, Box<dyn Error>> {
    use mysql::prelude::Queryable;
    let row: Option<(String, u64)> = server
        .conn()?
        .query_first("SHOW GLOBAL STATUS LIKE 'Com_stmt_execute'")?;
    Ok(row.map_or(0, |(_, n)| n))
}

/// The client engine's led walk (the source's own ordered reads cut the chunks, no boundary
/// queries) gives exactly the server engine's walked result, chunk for chunk, for every key
/// type it takes: integers at the unsigned extreme, DECIMAL, FLOAT(9,2), DOUBLE(12,3) (values
/// the server rounded to D decimals on INSERT), DATETIME(6), VARBINARY with NUL
/// and 0xFF bytes, utf8mb4 under a case-insensitive collation, a composite key; a latin1 key
/// (whose bytes would not bind back in a utf8mb4 session) takes the walker path, with the
/// same result. Drift: a changed row, a deleted row, and target-only rows below the source's
/// first key and above its last.
#[test]
fn led_chunks_equal_walked_chunks_for_every_key_type() -> TestResult {
    use mysql::prelude::Queryable;
    let Some((source, target)) = common::two_servers()? else {
        return Ok(());
    };
    // (table, key DDL, key expression over seq, a key below every seq, one above)
    let tables = [
        ("k_int", "k INT UNSIGNED", "seq * 3", "0", "4294967295"),
        ("k_dec", "k DECIMAL(20,5)", "seq / 7", "-1", "99999.5"),
        (
            "k_float_md",
            "k FLOAT(9,2)",
            "seq * 1.25 - 500",
            "-9999999.99",
            "9999999.99",
        ),
        (
            "k_double_md",
            "k DOUBLE(12,3)",
            "seq / 3",
            "-1",
            "999999999.999",
        ),
        (
            "k_dt",
            "k DATETIME(6)",
            "'2024-01-01' + INTERVAL seq * 1001 MICROSECOND",
            "'1970-01-01'",
            "'2099-01-01'",
        ),
        (
            "k_bin",
            "k VARBINARY(16)",
            "CONCAT(CHAR(seq % 256), CHAR(255 - seq % 256), CHAR(0), seq)",
            "''",
            "0xFFFFFFFF",
        ),
        (
            "k_utf",
            "k VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci",
            "CONCAT(IF(seq % 2, 'é', 'E'), seq, 'ß')",
            "'0'",
            "'zzz'",
        ),
        (
            "k_latin",
            "k VARCHAR(20) CHARACTER SET latin1",
            "CONCAT('é', seq)",
            "'0'",
            "'zzz'",
        ),
    ];
    for s in [&source, &target] {
        let mut ddl = String::from("CREATE DATABASE led; ");
        for (name, key, expr, _, _) in &tables {
            ddl.push_str(&format!(
                "CREATE TABLE led.{name} ({key} NOT NULL PRIMARY KEY, v VARCHAR(10)); \
                 INSERT INTO led.{name} SELECT {expr}, CONCAT('v', seq) FROM led.seq_1_to_1000; "
            ));
        }
        ddl.push_str(
            "CREATE TABLE led.k_comp (a INT NOT NULL, b VARCHAR(8) CHARACTER SET utf8mb4 \
             NOT NULL, v INT, PRIMARY KEY (a, b)); \
             INSERT INTO led.k_comp SELECT seq % 10, CONCAT('b', seq), seq FROM led.seq_1_to_1000",
        );
        s.exec(&ddl)?;
    }
    let mut drift = String::new();
    for (name, _, _, below, above) in &tables {
        drift.push_str(&format!(
            "UPDATE led.{name} SET v = 'drift' WHERE k = \
               (SELECT k FROM (SELECT k FROM led.{name} ORDER BY k LIMIT 1 OFFSET 300) x); \
             DELETE FROM led.{name} WHERE k = \
               (SELECT k FROM (SELECT k FROM led.{name} ORDER BY k LIMIT 1 OFFSET 600) x); \
             INSERT INTO led.{name} VALUES ({below}, 'low'), ({above}, 'high'); "
        ));
    }
    drift.push_str(
        "UPDATE led.k_comp SET v = -1 WHERE a = 3 AND b = 'b503'; \
         DELETE FROM led.k_comp WHERE a = 7 AND b = 'b607'; \
         INSERT INTO led.k_comp VALUES (-5, 'x', 1), (99, 'y', 1)",
    );
    target.exec(&drift)?;

    let names: Vec<&str> = tables.iter().map(|t| t.0).chain(["k_comp"]).collect();
    for name in names {
        let mut results = Vec::new();
        let mut executed = Vec::new();
        for engine in [Engine::Server, Engine::Client] {
            let mut cmp = Comparer::connect(&source.url(), &target.url())?;
            let table = chunker::live::load_table(cmp.walk_conn(), "led", name)?;
            let before = statements_run(&source)?;
            let opts = CompareOptions {
                chunk_size: ChunkSize::Rows(300),
                ..options(Algorithm::Strong, engine)
            };
            let r = cmp.compare_table(
                &table,
                &opts,
                &mut Checkpoint::new(Algorithm::Strong),
                &mut |_| {},
            )?;
            executed.push(statements_run(&source)? - before);
            results.push(r);
        }
        assert_eq!(results[0], results[1], "{name}: server and client engines");
        let r = &results[0];
        assert_eq!(
            r.chunks, 4,
            "{name}: 1000 rows in chunks of 300 (the last open)"
        );
        // The low row is in the first chunk, the changed one (row 301) in the second, the
        // deleted one (row 601) in the third, the high row in the last (open above).
        let differing: Vec<u64> = r.differences.iter().map(|d| d.chunk).collect();
        assert_eq!(differing, [0, 1, 2, 3], "{name}: {r:?}");
        assert_eq!(r.in_flight, 0, "{name}: drift, not writes in flight");
        // The walker runs a boundary query per chunk, the led walk none: one read per chunk.
        let led = name != "k_latin";
        assert_eq!(
            executed[1] == r.chunks,
            led,
            "{name}: {} statements for {} chunks on the source",
            executed[1],
            r.chunks
        );
        assert!(executed[0] > r.chunks, "{name}: the server engine walks");
    }
    // The rows as the servers hold them, so the test's own drift is known to be there.
    let n: Option<u64> = target
        .conn()?
        .query_first("SELECT COUNT(*) FROM led.k_int")?;
    assert_eq!(n, Some(1001));
    Ok(())
}
