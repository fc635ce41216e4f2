//! table-sync's drill-down against pt-table-sync 3.2.1 `--print`, on the same data in the same
//! run: 1,000,000 rows, 100 scattered differing rows (updates, deletes, inserts) between two
//! throwaway MariaDB servers. Reports rows read from the servers (goal: at most 1% of the table)
//! and wall time (goal: at most a third of pt-table-sync's). Run once: `cargo bench -p benches
//! --bench sync` (harness = false; not part of the test suite). `SYNC_BENCH_ROWS` changes the
//! table size, `SYNC_BENCH_CHUNK_ROWS` the drill-down's first-level chunk size (1000), and
//! `SYNC_BENCH_KEY=composite` makes the primary key `(g, id)` instead of `id`.

use std::error::Error;
use std::process::Command;
use std::time::{Duration, Instant};

use examples::harness::{self, Server, ServerOptions};
use mysql::prelude::Queryable;
use sync_plan::live::{self, DrillOptions};
use sync_plan::{plan_table, Direction, Plan, PlanOptions};

const TABLE_DDL: &str = "CREATE TABLE bench.t (id INT NOT NULL, a INT, \
    b VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci, c DOUBLE, d DATETIME, \
    e DECIMAL(10,2), f FLOAT, g VARCHAR(20) CHARACTER SET latin1, PRIMARY KEY ({key})) \
    ENGINE=InnoDB";

/// The primary key: `id` (an integer key, cut by value), or with `SYNC_BENCH_KEY=composite`
/// `(g, id)` (a VARCHAR then an integer: the key walk).
fn primary_key() -> &'static str {
    match std::env::var("SYNC_BENCH_KEY").as_deref() {
        Ok("composite") => "g, id",
        _ => "id",
    }
}

fn load(server: &Server, rows: u64) -> Result<(), Box<dyn Error>> {
    let mut conn = server.conn()?;
    conn.query_drop("CREATE DATABASE bench")?;
    conn.query_drop(TABLE_DDL.replace("{key}", primary_key()))?;
    conn.query_drop(format!(
        "INSERT INTO bench.t SELECT seq, seq * 7 % 1000003, CONCAT('name-', seq), seq / 7, \
         '2020-01-01' + INTERVAL seq SECOND, (seq % 100000) / 100, seq / 3, \
         CONCAT('g', seq % 977) FROM bench.seq_1_to_{rows}"
    ))?;
    Ok(())
}

/// 100 scattered changes on the target: 60 updates (a third of them FLOAT only), 20 deletes,
/// 20 inserts.
fn drift(target: &Server, rows: u64) -> Result<(), Box<dyn Error>> {
    let mut conn = target.conn()?;
    for i in 0..100u64 {
        let id = 1 + (i * 7919 + 13) * (rows / 100) / 7919 % rows;
        let sql = match i % 5 {
            0 => format!("UPDATE bench.t SET f = f + 0.001 WHERE id = {id}"),
            1 | 2 => format!("UPDATE bench.t SET b = UPPER(b), a = a + 1 WHERE id = {id}"),
            3 => format!("DELETE FROM bench.t WHERE id = {id}"),
            _ => format!(
                "INSERT INTO bench.t VALUES ({}, 1, 'new', 1.5, '2021-01-01', 1.00, 0.1, 'x')",
                rows + 1 + i
            ),
        };
        conn.query_drop(sql)?;
    }
    Ok(())
}

/// CPU seconds `server`'s process has used so far (user + system, from `/proc`).
fn cpu_seconds(server: &Server) -> f64 {
    benches::cpu_seconds(server.pid())
}

fn ours(
    source: &Server,
    target: &Server,
    options: DrillOptions,
) -> Result<(Duration, u64, usize), Box<dyn Error>> {
    let cpu = (cpu_seconds(source), cpu_seconds(target));
    let start = Instant::now();
    let (mut s, mut t) = (source.conn()?, target.conn()?);
    live::prepare_session(&mut s, "source")?;
    live::prepare_session(&mut t, "target")?;
    let table = live::load_table(&mut s, "bench", "t", "source")?;
    let setup = start.elapsed();
    let diff = live::diff_table(&mut s, &mut t, &table, options)?;
    let drilled = start.elapsed();
    let mut plan = Plan::new("source", "target", Direction::OnTarget);
    plan.tables.push(plan_table(
        &table,
        &diff.differences,
        PlanOptions::default(),
    )?);
    let script = plan.to_sql(sync_plan::DEFAULT_BATCH, true)?;
    let elapsed = start.elapsed();
    eprintln!(
        "  connect and table model {:.3} s, drill-down {:.3} s, plan and script {:.3} s; \
         server CPU: source {:.2} s, target {:.2} s",
        setup.as_secs_f64(),
        (drilled - setup).as_secs_f64(),
        (elapsed - drilled).as_secs_f64(),
        cpu_seconds(source) - cpu.0,
        cpu_seconds(target) - cpu.1
    );
    eprintln!(
        "  stats: {:?}; {} differences; {} statements; script {} bytes",
        diff.stats,
        diff.differences.len(),
        plan.statement_count(),
        script.len()
    );
    Ok((elapsed, diff.stats.rows_read, plan.statement_count()))
}

/// pt-table-sync `--print` with its default hash (`CRC32`, XORed per chunk) or with `function`
/// (`--function MD5`: the like-for-like peer of our MD5-based `strong`).
fn pt_table_sync(
    source: &Server,
    target: &Server,
    function: Option<&str>,
) -> Result<(Duration, usize), Box<dyn Error>> {
    let dsn = |s: &Server| format!("h=127.0.0.1,P={},u=root,D=bench,t=t", s.port());
    let start = Instant::now();
    let mut cmd = Command::new("pt-table-sync");
    cmd.args(["--print", &dsn(source), &dsn(target)]);
    if let Some(f) = function {
        cmd.args(["--function", f]);
    }
    let out = cmd.output()?;
    let elapsed = start.elapsed();
    let statements = String::from_utf8_lossy(&out.stdout).lines().count();
    // 2 means "differences found" for pt-table-sync (0: none, 1: error, 3: both).
    eprintln!("  pt-table-sync exit {:?}", out.status.code());
    Ok((elapsed, statements))
}

fn main() -> Result<(), Box<dyn Error>> {
    if std::env::args().any(|a| a == "--list") {
        return Ok(());
    }
    if harness::mariadbd_path().is_err() {
        eprintln!("sync bench skipped: mariadbd is not installed");
        return Ok(());
    }
    let rows: u64 = std::env::var("SYNC_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let opts = |id| ServerOptions {
        server_id: id,
        log_bin: false,
        extra_args: vec!["--innodb-buffer-pool-size=512M".to_string()],
        ..ServerOptions::default()
    };
    let (source, target) = (Server::start(opts(1))?, Server::start(opts(2))?);
    let t0 = Instant::now();
    load(&source, rows)?;
    load(&target, rows)?;
    drift(&target, rows)?;
    eprintln!(
        "loaded {rows} rows on both servers in {:.1?}, primary key ({})",
        t0.elapsed(),
        primary_key()
    );

    // Warm both buffer pools the same way for every contender.
    for s in [&source, &target] {
        let _: Option<u64> = s.conn()?.query_first("SELECT COUNT(*) FROM bench.t")?;
    }
    eprintln!("pt-table-sync --print:");
    let (pt_time, pt_statements) = pt_table_sync(&source, &target, None)?;
    eprintln!("pt-table-sync --print --function MD5:");
    let (pt_md5_time, _) = pt_table_sync(&source, &target, Some("MD5"))?;
    let mut strong = DrillOptions::default();
    if let Some(n) = std::env::var("SYNC_BENCH_CHUNK_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        strong.chunk_rows = n;
    }
    eprintln!("table-sync (strong MD5 checksums):");
    let (strong_time, strong_rows, strong_statements) = ours(&source, &target, strong)?;
    let fast = DrillOptions {
        hash: live::RangeHash::Fast,
        ..strong
    };
    eprintln!("table-sync (--fast-checksum: checksum's fast algorithm, CRC32 sums):");
    let (fast_time, fast_rows, fast_statements) = ours(&source, &target, fast)?;

    let budget = rows / 100;
    println!("sync bench: {rows} rows, 100 differing rows");
    println!(
        "  pt-table-sync --print       {:>8.2} s, {pt_statements} lines printed",
        pt_time.as_secs_f64()
    );
    println!(
        "  pt-table-sync --function MD5 {:>7.2} s; table-sync strong is {:.2} of it",
        pt_md5_time.as_secs_f64(),
        strong_time.as_secs_f64() / pt_md5_time.as_secs_f64().max(1e-9)
    );
    for (name, time, read, statements) in [
        (
            "table-sync strong",
            strong_time,
            strong_rows,
            strong_statements,
        ),
        ("table-sync fast", fast_time, fast_rows, fast_statements),
    ] {
        println!(
            "  {name:<27} {:>8.2} s ({:.2} of pt), {read} rows read ({:.3}% of the table; budget {budget}), {statements} statements",
            time.as_secs_f64(),
            time.as_secs_f64() / pt_time.as_secs_f64().max(1e-9),
            100.0 * read as f64 / rows as f64,
        );
    }
    Ok(())
}
