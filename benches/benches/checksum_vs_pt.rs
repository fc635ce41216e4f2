//! The big comparison, run once by hand (`cargo bench -p benches --bench checksum_vs_pt`):
//! a 1,000,000-row table on a primary and its replica (two loopback MariaDB servers), with
//! scattered differences made on the replica only; wall time from start to the difference
//! report for this crate (strong algorithm, server and client engines) and for
//! pt-table-checksum 3.2.1 (checksum on the primary, then its replicate check on the replica),
//! in the same run, on the same data. Peak memory of our compare is measured in a child
//! process, on the full table and on a 100,000-row slice of it.
//!
//! Not part of the test suite: `cargo bench --no-run` only builds it. Set `CK_ROWS` to change
//! the table size. `--algorithm strong,fast` (or repeated `--algorithm`) picks the algorithms
//! our compare runs with (default `strong`), each with both engines, with a ratio to pt each.

use std::process::Command;
use std::time::{Duration, Instant};

use benches::cpu_seconds;
use checksum::live::{CompareOptions, Comparer, Engine, RowReader};
use checksum::{Algorithm, Checkpoint};
use examples::harness::Pair;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// Child mode: compare one table and print `seconds differing_chunks peak_rss_kib`.
fn child(
    source: &str,
    target: &str,
    table: &str,
    (engine, rows): (Engine, RowReader),
    algorithm: Algorithm,
) -> Res<()> {
    let started = Instant::now();
    let mut cmp = Comparer::connect(source, target)?;
    if rows == RowReader::Direct {
        // The bench measures the direct reader: it must have logged in on both sides.
        let (s, t) = cmp.row_readers();
        if let Err(why) = s.and(t) {
            return Err(format!("the direct row reader is not in use: {}", why.0).into());
        }
    }
    let t = chunker::live::load_table(cmp.walk_conn(), "bench", table)?;
    let setup = started.elapsed().as_secs_f64();
    let opts = CompareOptions {
        engine,
        algorithm,
        rows,
        ..CompareOptions::default()
    };
    let mut cp = Checkpoint::new(opts.algorithm);
    let mut rechecks = 0u64;
    let mut first_pass = None;
    let mut first_chunk = None;
    let r = cmp.compare_table(&t, &opts, &mut cp, &mut |p| {
        if let checksum::live::Progress::Chunk { .. } = p {
            first_chunk.get_or_insert(started.elapsed().as_secs_f64());
        }
        if let checksum::live::Progress::Recheck { .. } = p {
            rechecks += 1;
            first_pass.get_or_insert(started.elapsed().as_secs_f64());
        }
    })?;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "connect and table model {setup:.3} s, first chunk done at {:.3} s, {rechecks} \
         rechecks (begun at {first_pass:?} s), client cpu {:.2} s",
        first_chunk.unwrap_or_default(),
        cpu_seconds(Some(std::process::id()))
    );
    let status = std::fs::read_to_string("/proc/self/status")?;
    let hwm = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap_or("0");
    println!("{secs:.3} {} {hwm} {}", r.differences.len(), r.chunks);
    Ok(())
}

/// Runs our compare in a child process; returns (seconds, differing chunks, peak KiB, chunks).
/// The servers' CPU time is read around the run from their process ids.
fn ours(pair: &Pair, table: &str, engine: &str, algorithm: Algorithm) -> Res<(f64, u64, u64, u64)> {
    let (source, target) = (pair.primary.url(), pair.replica.url());
    let pids = [pair.primary.pid(), pair.replica.pid()];
    let before: Vec<f64> = pids.iter().map(|&p| cpu_seconds(p)).collect();
    let out = Command::new(std::env::current_exe()?)
        .env(
            "CK_CHILD",
            format!("{source} {target} {table} {engine} {algorithm}"),
        )
        .output()?;
    let text = String::from_utf8(out.stdout)?;
    let f: Vec<&str> = text.split_whitespace().collect();
    if f.len() != 4 {
        return Err(format!(
            "child failed: {text} {}",
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    let servers: Vec<String> = pids
        .iter()
        .zip(&before)
        .map(|(&p, b)| format!("{:.2}", cpu_seconds(p) - b))
        .collect();
    print!(
        "  [{engine}/{algorithm}] server cpu {} s (source, target); {}",
        servers.join(", "),
        String::from_utf8_lossy(&out.stderr)
    );
    Ok((f[0].parse()?, f[1].parse()?, f[2].parse()?, f[3].parse()?))
}

fn main() -> Res<()> {
    if let Ok(spec) = std::env::var("CK_CHILD") {
        let p: Vec<&str> = spec.split(' ').collect();
        let engine = match p.get(3) {
            Some(&"client") => (Engine::Client, RowReader::Direct),
            Some(&"client-driver") => (Engine::Client, RowReader::Driver),
            _ => (Engine::Server, RowReader::Direct),
        };
        let algorithm = p.get(4).unwrap_or(&"strong").parse()?;
        return child(p[0], p[1], p[2], engine, algorithm);
    }
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return Ok(()); // `cargo bench --no-run`/`cargo test --benches`: nothing to list or run.
    }
    let algorithms = algorithms()?;
    let rows: u64 = std::env::var("CK_ROWS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let pair = Pair::start()?;
    let setup = Instant::now();
    // Room for the whole table in both buffer pools (as on a production server), for every
    // contender alike; MariaDB resizes the pool online.
    for server in [&pair.primary, &pair.replica] {
        server.exec("SET GLOBAL innodb_buffer_pool_size = 1073741824")?;
    }
    pair.primary.exec(&format!(
        "CREATE DATABASE bench; \
         CREATE TABLE bench.t (id INT PRIMARY KEY, a INT, b BIGINT, c VARCHAR(40), d DOUBLE, \
           e DATETIME, f DECIMAL(12,3), g VARCHAR(20)); \
         INSERT INTO bench.t SELECT seq, seq * 7 % 1000, seq * 123457, \
           CONCAT('name-', seq, '-', LEFT(MD5(seq), 20)), seq / 7, \
           '2024-01-01' + INTERVAL seq SECOND, seq / 3, 'xyzzy' FROM bench.seq_1_to_{rows}; \
         CREATE TABLE bench.small LIKE bench.t; \
         INSERT INTO bench.small SELECT * FROM bench.t WHERE id <= {}",
        rows / 10
    ))?;
    pair.wait_replica_caught_up(Duration::from_secs(1800))?;
    // Scattered differences, on the replica only.
    let step = rows / 12;
    let mut drift = String::from("SET SESSION sql_log_bin = 0; ");
    for i in 1..=10 {
        drift.push_str(&format!(
            "UPDATE bench.t SET c = 'drift' WHERE id = {}; ",
            i * step + 17
        ));
    }
    drift.push_str(&format!(
        "DELETE FROM bench.t WHERE id IN ({}, {}); INSERT INTO bench.t VALUES ({}, 1, 1, 'x', 1, NOW(), 1, 'y')",
        step / 2,
        rows - 3,
        rows + 5
    ));
    pair.replica.exec(&drift)?;
    // Warm both buffer pools the same way for every contender.
    for server in [&pair.primary, &pair.replica] {
        server.exec("SELECT COUNT(*), SUM(LENGTH(c)) FROM bench.t FORCE INDEX (PRIMARY)")?;
    }
    println!(
        "setup: {rows} rows loaded and replicated in {:.1} s",
        setup.elapsed().as_secs_f64()
    );

    let (p, r) = (pair.primary.url(), pair.replica.url());
    if std::env::var_os("CK_HOLD").is_some() {
        // For profiling by hand: the servers stay up until a line arrives on stdin; run the
        // child with CK_CHILD="<source> <target> t client strong".
        println!("holding: CK_CHILD=\"{p} {r} t client strong\"");
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        return Ok(());
    }
    let mut first = Vec::new();
    for &a in &algorithms {
        let server = ours(&pair, "t", "server", a)?;
        println!(
            "ours {a}/server: {:.2} s, {} differing of {} chunks, peak RSS {} KiB",
            server.0, server.1, server.3, server.2
        );
        let client = ours(&pair, "t", "client", a)?;
        println!(
            "ours {a}/client (direct row reader): {:.2} s, {} differing of {} chunks, peak RSS {} KiB",
            client.0, client.1, client.3, client.2
        );
        let driver = ours(&pair, "t", "client-driver", a)?;
        println!(
            "ours {a}/client (rows read by the driver): {:.2} s, {} differing of {} chunks, peak RSS {} KiB",
            driver.0, driver.1, driver.3, driver.2
        );
        first.push((a, server.0, client.0, driver.0));
    }
    let small = ours(&pair, "small", "client", algorithms[0])?;
    println!(
        "ours {}/client on {} rows: {:.2} s, peak RSS {} KiB",
        algorithms[0],
        rows / 10,
        small.0,
        small.2
    );

    if std::env::var_os("CK_NO_PT").is_some() {
        return Ok(()); // iterating on our side only: no pt run, no ratio.
    }
    pair.primary.exec(&format!(
        "CREATE DATABASE IF NOT EXISTS percona; \
         CREATE TABLE percona.dsns (id INT AUTO_INCREMENT PRIMARY KEY, parent_id INT, dsn VARCHAR(255)); \
         INSERT INTO percona.dsns (dsn) VALUES ('h=127.0.0.1,P={},u=root')",
        pair.replica.port()
    ))?;
    pair.wait_replica_caught_up(Duration::from_secs(60))?;
    let started = Instant::now();
    let out = Command::new("pt-table-checksum")
        .arg(format!("h=127.0.0.1,P={},u=root", pair.primary.port()))
        .args([
            "--databases",
            "bench",
            "--tables",
            "t",
            "--replicate",
            "percona.checksums",
        ])
        .arg(format!(
            "--recursion-method=dsn=h=127.0.0.1,P={},u=root,D=percona,t=dsns",
            pair.primary.port()
        ))
        .args(["--no-check-binlog-format", "--no-check-replication-filters"])
        .output()?;
    let pt_secs = started.elapsed().as_secs_f64();
    println!(
        "pt-table-checksum (primary + replicate check on the replica): {pt_secs:.2} s\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    for (a, server1, client, driver) in first {
        let server2 = ours(&pair, "t", "server", a)?.0;
        println!("ours {a}/server again: {server2:.2} s");
        let client2 = ours(&pair, "t", "client", a)?.0;
        println!("ours {a}/client (direct row reader) again: {client2:.2} s");
        println!(
            "ratio ours/pt, {a}: server engine {:.2}, client engine {:.2} and {:.2} (two runs) \
             with the direct row reader, {:.2} with the driver reading rows (target <= 0.33)",
            server1.min(server2) / pt_secs,
            client / pt_secs,
            client2 / pt_secs,
            driver / pt_secs
        );
    }
    Ok(())
}

/// The algorithms named by `--algorithm` (comma-separated or repeated; default `strong`).
fn algorithms() -> Res<Vec<Algorithm>> {
    let args: Vec<String> = std::env::args().collect();
    let mut out = Vec::new();
    for (i, arg) in args.iter().enumerate() {
        let list = match arg.strip_prefix("--algorithm") {
            Some("") => args.get(i + 1).map(String::as_str).unwrap_or_default(),
            Some(rest) => rest.strip_prefix('=').unwrap_or(rest),
            None => continue,
        };
        for name in list.split(',').filter(|n| !n.is_empty()) {
            out.push(name.parse::<Algorithm>()?);
        }
    }
    if out.is_empty() {
        out.push(Algorithm::Strong);
    }
    Ok(out)
}
