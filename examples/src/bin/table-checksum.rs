//! `table-checksum`: find the chunks whose rows differ between two servers.
//!
//! ```text
//! table-checksum --source URL --target URL [--databases a,b | --tables db.t,...]
//!                [--algorithm strong|fast|pt] [--chunk-size N | --chunk-time SECONDS] [--json]
//!                [--engine client|server] [--row-reader direct|driver]
//!                [--checkpoint FILE] [--sleep SECONDS]
//!                [--max-lag SECONDS] [--max-threads-running N] [--pause-file FILE]
//!                [--rechecks N] [--recheck-wait SECONDS] [--index NAME]
//!                [--replicate DB.TABLE]
//! ```
//!
//! With `--replicate`, the source is a primary and the target its replica: chunk checksums are
//! written on the primary into a pt-compatible results table by statement-based
//! `REPLACE ... SELECT` (the replica computes its own through replication), and the differences
//! are read back on the replica, as pt-table-checksum does.
//!
//! The default engine, `client`, reads the rows and hashes them here (each server only sends
//! rows: about a quarter of the server CPU the `server` engine's SQL hashing costs);
//! `--engine server` has the servers hash and send two values per chunk, for a slow network.
//! The client engine reads rows on one more connection per server, with its own small reader
//! of the binary protocol (`--row-reader direct`, the default: a third fewer instructions here
//! than the `mysql` driver's rows); where that reader cannot log in (TLS, a login plugin other
//! than `mysql_native_password` or `caching_sha2_password`'s fast path), the driver reads the
//! rows, as it always does with `--row-reader driver`. Both give the same checksums.
//!
//! URLs as the `mysql` crate takes them (`mysql://user:pass@127.0.0.1:3306`); passwords are
//! never printed. Exit status: 0 no difference, 1 differences, 2 error.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use checksum::live::{
    prepare_session, replica_differences, replicate_table, CompareOptions, Comparer, Engine,
    Progress, ReplicateOptions, RowReader, TableResult, Throttle, Wait,
};
use checksum::{redact, Checkpoint, ChunkDiff};
use chunker::ChunkSize;
use mysql::prelude::Queryable;

const USAGE: &str = "usage: table-checksum --source URL --target URL \
[--databases a,b | --tables db.t,...] [--algorithm strong|fast|pt] \
[--chunk-size N | --chunk-time SECONDS] [--json] [--engine client|server] \
[--row-reader direct|driver] [--checkpoint FILE] [--sleep SECONDS] [--max-lag SECONDS] \
[--max-threads-running N] [--pause-file FILE] [--rechecks N] [--recheck-wait SECONDS] [--index NAME] \
[--replicate DB.TABLE (source = primary, target = its replica)]";

/// The options that take a value (every option but `--json`).
const VALUE_FLAGS: &[&str] = &[
    "--source",
    "--target",
    "--databases",
    "--tables",
    "--algorithm",
    "--engine",
    "--row-reader",
    "--chunk-size",
    "--chunk-time",
    "--checkpoint",
    "--sleep",
    "--max-lag",
    "--max-threads-running",
    "--pause-file",
    "--rechecks",
    "--recheck-wait",
    "--index",
    "--replicate",
];

#[derive(Debug, Default)]
struct Args {
    source: String,
    target: String,
    databases: Vec<String>,
    tables: Vec<(String, String)>,
    json: bool,
    /// Replicate mode: the results table (`db.tbl`) written on the source (a primary) and read
    /// back on the target (its replica).
    replicate: Option<(String, String)>,
    opts: CompareOptions,
}

fn seconds(flag: &str, v: &str) -> Result<Duration, String> {
    v.parse::<f64>()
        .ok()
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .ok_or_else(|| format!("{flag}: {v:?} is not a number of seconds (0 or more)"))
}

fn number(flag: &str, v: &str) -> Result<u64, String> {
    v.parse()
        .map_err(|_| format!("{flag}: {v:?} is not a whole number"))
}

fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut a = Args::default();
    a.opts.throttle = Throttle {
        max_lag: None,
        ..Throttle::default()
    };
    while let Some(flag) = it.next() {
        if flag == "--json" {
            a.json = true;
            continue;
        }
        if !VALUE_FLAGS.contains(&flag.as_str()) {
            return Err(format!("unknown option {flag:?}\n{USAGE}"));
        }
        let v = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--source" => a.source = v,
            "--target" => a.target = v,
            "--databases" => {
                a.databases = v
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            }
            "--tables" => {
                for t in v.split(',') {
                    let (db, name) = t
                        .split_once('.')
                        .ok_or_else(|| format!("--tables: {t:?} is not db.table"))?;
                    a.tables.push((db.to_string(), name.to_string()));
                }
            }
            "--algorithm" => a.opts.algorithm = v.parse()?,
            "--engine" => a.opts.engine = v.parse()?,
            "--row-reader" => a.opts.rows = v.parse()?,
            "--chunk-size" => match number(&flag, &v)? {
                0 => return Err("--chunk-size: a chunk needs at least 1 row".to_string()),
                n => a.opts.chunk_size = ChunkSize::Rows(n),
            },
            "--chunk-time" => {
                a.opts.chunk_size = ChunkSize::TargetTime {
                    target: seconds(&flag, &v)?,
                    initial: 1000,
                    min: 1,
                    max: 1_000_000,
                }
            }
            "--checkpoint" => a.opts.checkpoint = Some(PathBuf::from(v)),
            "--sleep" => a.opts.sleep = seconds(&flag, &v)?,
            "--max-lag" => a.opts.throttle.max_lag = Some(seconds(&flag, &v)?),
            "--max-threads-running" => match number(&flag, &v)? {
                // The status query is a running thread itself: 0 would wait forever.
                0 => {
                    return Err(
                        "--max-threads-running: 0 would wait forever (the check itself is a \
                         running thread); give 1 or more"
                            .to_string(),
                    )
                }
                n => a.opts.throttle.max_threads_running = Some(n),
            },
            "--pause-file" => a.opts.throttle.pause_file = Some(PathBuf::from(v)),
            "--rechecks" => a.opts.rechecks = u32::try_from(number(&flag, &v)?).unwrap_or(u32::MAX),
            "--recheck-wait" => a.opts.recheck_wait = seconds(&flag, &v)?,
            "--index" => a.opts.index = Some(v),
            "--replicate" => {
                let (db, tbl) = v
                    .split_once('.')
                    .ok_or_else(|| format!("--replicate: {v:?} is not db.table"))?;
                a.replicate = Some((db.to_string(), tbl.to_string()));
            }
            other => return Err(format!("unknown option {other}\n{USAGE}")),
        }
    }
    if a.source.is_empty() || a.target.is_empty() {
        return Err(format!("--source and --target are required\n{USAGE}"));
    }
    if !a.databases.is_empty() && !a.tables.is_empty() {
        return Err("give --databases or --tables, not both".to_string());
    }
    Ok(a)
}

/// The base tables to compare, in name order.
fn list_tables(conn: &mut mysql::Conn, args: &Args) -> Result<Vec<(String, String)>, String> {
    if !args.tables.is_empty() {
        return Ok(args.tables.clone());
    }
    let rows: Vec<(String, String)> = conn
        .query(
            "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES \
         WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA NOT IN \
         ('mysql', 'information_schema', 'performance_schema', 'sys', 'percona') \
         ORDER BY TABLE_SCHEMA, TABLE_NAME",
        )
        .map_err(|e| format!("listing the source's tables: {}", redact(&e.to_string())))?;
    let tables: Vec<(String, String)> = rows
        .into_iter()
        .filter(|(db, _)| args.databases.is_empty() || args.databases.contains(db))
        .collect();
    check_databases(&args.databases, &tables)?;
    Ok(tables)
}

/// A database named in `--databases` that has no base table on the source is a typo (or the
/// wrong server) until shown otherwise: comparing nothing must not read as "no difference".
fn check_databases(databases: &[String], tables: &[(String, String)]) -> Result<(), String> {
    match databases
        .iter()
        .find(|name| !tables.iter().any(|(db, _)| db == *name))
    {
        Some(name) => Err(format!(
            "--databases: the source has no base table in a database named {name:?} \
             (check the name with SHOW DATABASES)"
        )),
        None => Ok(()),
    }
}

fn json_line(d: &ChunkDiff) -> serde_json::Value {
    serde_json::json!({
        "db": d.db,
        "table": d.table,
        "chunk": d.chunk,
        "index": d.index,
        "lower": d.lower,
        "upper": d.upper,
        "source_count": d.source.rows,
        "target_count": d.target.rows,
        "source_checksum": d.source.crc,
        "target_checksum": d.target.crc,
    })
}

fn print_human(out: &mut impl Write, results: &[TableResult]) -> std::io::Result<()> {
    let diffs: Vec<(&TableResult, &ChunkDiff)> = results
        .iter()
        .flat_map(|r| r.differences.iter().map(move |d| (r, d)))
        .collect();
    if diffs.is_empty() {
        return Ok(());
    }
    let w_db = diffs
        .iter()
        .map(|(_, d)| d.db.len())
        .max()
        .unwrap_or(2)
        .max(2);
    let w_tbl = diffs
        .iter()
        .map(|(_, d)| d.table.len())
        .max()
        .unwrap_or(5)
        .max(5);
    writeln!(
        out,
        "{:w_db$} {:w_tbl$} {:>6} {:<12} {:>9} {:>8} BOUNDARIES",
        "DB", "TABLE", "CHUNK", "INDEX", "CNT_DIFF", "CRC_DIFF"
    )?;
    for (r, d) in diffs {
        let cols: Vec<&str> = r.key_columns.iter().map(String::as_str).collect();
        writeln!(
            out,
            "{:w_db$} {:w_tbl$} {:>6} {:<12} {:>9} {:>8} {}",
            d.db,
            d.table,
            d.chunk,
            d.index.as_deref().unwrap_or("-"),
            d.count_diff(),
            u8::from(d.crc_differs()),
            d.range_text(&cols)
        )?;
    }
    Ok(())
}

fn run(args: Args) -> Result<bool, String> {
    let fail = |e: &dyn std::fmt::Display| redact(&e.to_string());
    if let Some(results) = &args.replicate {
        return run_replicate(&args, results);
    }
    let (mut walk, mut target) = (
        connect(&args.source, "source")?,
        connect(&args.target, "target")?,
    );
    examples::drill::connect::refuse_same_server(&mut walk, &mut target)?;
    let mut cmp = Comparer::from_conns(walk, connect(&args.source, "source")?, target)
        .map_err(|e| fail(&e))?;
    let mut target_model = connect(&args.target, "target")?;
    if args.opts.rows == RowReader::Direct && args.opts.engine == Engine::Client {
        cmp.open_row_readers(&args.source, &args.target);
    }
    let tables = list_tables(cmp.walk_conn(), &args)?;
    let mut checkpoint = match &args.opts.checkpoint {
        Some(path) => Checkpoint::load(path)
            .map_err(|e| fail(&e))?
            .filter(|c| c.algorithm == args.opts.algorithm)
            .unwrap_or_else(|| Checkpoint::new(args.opts.algorithm)),
        None => Checkpoint::new(args.opts.algorithm),
    };
    let bar = !args.json && std::io::stderr().is_terminal();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut results = Vec::new();
    for (db, name) in &tables {
        let mut table =
            chunker::live::load_table(cmp.walk_conn(), db, name).map_err(|e| fail(&e))?;
        unsigned_on_target(&mut table, &mut target_model);
        let mut chunks = 0u64;
        let mut last_wait_note: Option<std::time::Instant> = None;
        let mut on_progress = |p: Progress<'_>| match (bar, &p) {
            (true, Progress::Chunk { chunk, .. }) => {
                chunks += 1;
                eprint!("\r{db}.{name}: chunk {} ({chunks} done)   ", chunk.number);
            }
            // A throttle that never lifts (a stopped replica has no lag value, a pause
            // file left behind) must not look like a hang: say why, every 30 s.
            (_, Progress::Waiting(why))
                if last_wait_note.is_none_or(|t| t.elapsed() >= Duration::from_secs(30)) =>
            {
                last_wait_note = Some(std::time::Instant::now());
                let reason = match why {
                    Wait::PauseFile => "the pause file exists; remove it to go on".to_string(),
                    Wait::ThreadsRunning(n) => {
                        format!("{n} threads running on the source, above --max-threads-running")
                    }
                    Wait::Lag(Some(secs)) => {
                        format!("the replica lags {secs} s, above --max-lag")
                    }
                    Wait::Lag(None) => "the replica reports no lag (its SQL thread is \
                                        stopped?); start it, or leave out --max-lag"
                        .to_string(),
                };
                if bar {
                    eprintln!(); // off the progress line
                }
                eprintln!("table-checksum: {db}.{name}: waiting: {reason} (Ctrl-C stops)");
            }
            _ => {}
        };
        let result = cmp
            .compare_table(&table, &args.opts, &mut checkpoint, &mut on_progress)
            .map_err(|e| fail(&e))?;
        if bar {
            eprint!("\r\x1b[K");
        }
        if args.json {
            for d in &result.differences {
                writeln!(out, "{}", json_line(d)).map_err(|e| fail(&e))?;
            }
        }
        results.push(result);
    }
    let chunks: u64 = results.iter().map(|r| r.chunks).sum();
    let differing: usize = results.iter().map(|r| r.differences.len()).sum();
    let differing_tables = results.iter().filter(|r| !r.differences.is_empty()).count();
    let in_flight: u64 = results.iter().map(|r| r.in_flight).sum();
    if args.json {
        let summary = serde_json::json!({ "summary": {
            "tables": results.len(),
            "chunks": chunks,
            "differing_chunks": differing,
            "differing_tables": differing_tables,
            "in_flight_rechecked": in_flight,
            "algorithm": args.opts.algorithm.name(),
        }});
        writeln!(out, "{summary}").map_err(|e| fail(&e))?;
    } else {
        print_human(&mut out, &results).map_err(|e| fail(&e))?;
        writeln!(
            out,
            "{} tables, {chunks} chunks ({} algorithm): {differing} differing chunks in \
             {differing_tables} tables{}",
            results.len(),
            args.opts.algorithm,
            if in_flight > 0 {
                format!(", {in_flight} chunks agreed on a recheck (writes in flight)")
            } else {
                String::new()
            }
        )
        .map_err(|e| fail(&e))?;
    }
    Ok(differing > 0)
}

/// Marks `UNSIGNED` the FLOAT/DOUBLE/DECIMAL columns of `table` that the target declares
/// `UNSIGNED` and the source does not, and says so on stderr: the chunk predicates run on the
/// target too, where the server would clamp their negative bounds to 0 and miss rows (see
/// `chunker::Table::merge_unsigned`). A table the target lacks is left as it is.
fn unsigned_on_target(table: &mut chunker::Table, target: &mut mysql::Conn) {
    let Ok(theirs) = chunker::live::load_table(target, &table.schema, &table.name) else {
        return;
    };
    for column in table.merge_unsigned(&theirs) {
        eprintln!(
            "table-checksum: {}: column {column} is UNSIGNED on the target only; its negative \
             values are compared as an UNSIGNED column needs",
            table.qualified_name()
        );
    }
}

/// Connects to the server playing `side`; the message names it without its password and says
/// what to check.
fn connect(url: &str, side: &str) -> Result<mysql::Conn, String> {
    examples::drill::connect::connect(url, side).map(|(conn, _)| conn)
}

/// Replicate mode: checksum on the primary into `results`, wait for the replica to have every
/// chunk with the primary's values, read its differences.
fn run_replicate(args: &Args, results: &(String, String)) -> Result<bool, String> {
    let fail = |e: &dyn std::fmt::Display| redact(&e.to_string());
    let (mut walk, mut primary) = (
        connect(&args.source, "source")?,
        connect(&args.source, "source")?,
    );
    let mut replica = connect(&args.target, "target")?;
    let mut replica_model = connect(&args.target, "target")?;
    // Checksums written on the source reach the target only through replication: a target
    // that is not a replica would be waited for forever.
    let label = examples::drill::connect::safe_url(&args.target);
    if replication_state(&mut replica)?.is_none() {
        return Err(format!(
            "--replicate: the target {label} is not a replica (SHOW REPLICA STATUS is empty), so \
             the checksums written on the source would never reach it; give the source's \
             replica as --target, or leave out --replicate to compare the two servers directly"
        ));
    }
    let dialect = prepare_session(&mut primary, "primary").map_err(|e| fail(&e))?;
    let replica_dialect = prepare_session(&mut replica, "replica").map_err(|e| fail(&e))?;
    let tables = list_tables(&mut walk, args)?;
    let opts = ReplicateOptions {
        algorithm: args.opts.algorithm,
        chunk_size: args.opts.chunk_size,
        index: args.opts.index.clone(),
        results: results.clone(),
        throttle: args.opts.throttle.clone(),
        checkpoint: args.opts.checkpoint.clone(),
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let (mut total_chunks, mut differing, mut differing_tables) = (0u64, 0usize, 0usize);
    for (db, name) in &tables {
        let mut table = chunker::live::load_table(&mut walk, db, name).map_err(|e| fail(&e))?;
        unsigned_on_target(&mut table, &mut replica_model);
        let chunks = replicate_table(
            &mut walk,
            &mut primary,
            &mut [("replica", &mut replica, replica_dialect)],
            &table,
            dialect,
            &opts,
            &mut |_| {},
        )
        .map_err(|e| fail(&e))?;
        total_chunks += chunks;
        // Wait until the replica holds the primary's values for every chunk of the table.
        let sql = format!(
            "SELECT COUNT(*) FROM `{}`.`{}` WHERE db = ? AND tbl = ? AND master_cnt IS NOT NULL",
            results.0.replace('`', "``"),
            results.1.replace('`', "``")
        );
        let started = std::time::Instant::now();
        let mut told = std::time::Duration::ZERO;
        loop {
            let have: Option<u64> = replica.exec_first(&sql, (db, name)).map_err(|e| fail(&e))?;
            let have = have.unwrap_or(0);
            if have >= chunks {
                break;
            }
            // A replica that stops never delivers the rest: say so instead of waiting.
            match replication_state(&mut replica)? {
                Some(state) if state.running() => {}
                Some(state) => {
                    return Err(format!(
                        "--replicate: replication stopped on the target {label} ({state}) with \
                         {have} of {chunks} chunk checksums of {db}.{name} applied; fix and \
                         restart it (START SLAVE), then run again"
                    ))
                }
                None => {
                    return Err(format!(
                        "--replicate: the target {label} stopped being a replica while waiting \
                         for the checksums of {db}.{name}"
                    ))
                }
            }
            if started.elapsed() >= told + std::time::Duration::from_secs(30) {
                told = started.elapsed();
                eprintln!(
                    "table-checksum: waiting for the target to replicate the checksums of \
                     {db}.{name}: {have} of {chunks} chunks after {} s (replica lag, or it \
                     replicates from another server; Ctrl-C stops)",
                    told.as_secs()
                );
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let diffs = replica_differences(&mut replica, (&results.0, &results.1), db, name)
            .map_err(|e| fail(&e))?;
        differing += diffs.len();
        differing_tables += usize::from(!diffs.is_empty());
        for d in &diffs {
            let line = if args.json {
                serde_json::json!({
                    "db": db, "table": name, "chunk": d.chunk, "index": d.index,
                    "lower": d.lower, "upper": d.upper,
                    "source_count": d.master_cnt, "target_count": d.this_cnt,
                    "source_checksum": d.master_crc, "target_checksum": d.this_crc,
                })
                .to_string()
            } else {
                format!(
                    "{db} {name} chunk {} index {} count {} vs {} crc {} vs {} range {} .. {}",
                    d.chunk,
                    d.index.as_deref().unwrap_or("-"),
                    d.master_cnt.map_or("NULL".into(), |c| c.to_string()),
                    d.this_cnt,
                    d.master_crc.as_deref().unwrap_or("NULL"),
                    d.this_crc,
                    d.lower.as_deref().unwrap_or("-inf"),
                    d.upper.as_deref().unwrap_or("+inf")
                )
            };
            writeln!(out, "{line}").map_err(|e| fail(&e))?;
        }
    }
    let summary = serde_json::json!({ "summary": {
        "tables": tables.len(), "chunks": total_chunks, "differing_chunks": differing,
        "differing_tables": differing_tables, "algorithm": args.opts.algorithm.name(),
        "mode": "replicate",
    }});
    if args.json {
        writeln!(out, "{summary}").map_err(|e| fail(&e))?;
    } else {
        writeln!(
            out,
            "{} tables, {total_chunks} chunks ({} algorithm, replicate mode): {differing} \
             differing chunks in {differing_tables} tables",
            tables.len(),
            args.opts.algorithm
        )
        .map_err(|e| fail(&e))?;
    }
    Ok(differing > 0)
}

/// A replica's threads, from `SHOW REPLICA STATUS` (`SHOW SLAVE STATUS` on older servers).
struct ReplicationState {
    io: String,
    sql: String,
    error: String,
}

impl ReplicationState {
    /// The SQL thread runs and the I/O thread runs or is (re)connecting.
    fn running(&self) -> bool {
        self.sql == "Yes" && (self.io == "Yes" || self.io == "Connecting")
    }
}

impl std::fmt::Display for ReplicationState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "I/O thread {}, SQL thread {}", self.io, self.sql)?;
        if !self.error.is_empty() {
            write!(f, ", last error: {}", self.error)?;
        }
        Ok(())
    }
}

/// The target's replication threads; `None` when it is not a replica.
fn replication_state(conn: &mut mysql::Conn) -> Result<Option<ReplicationState>, String> {
    let row: Option<mysql::Row> = match conn.query_first("SHOW REPLICA STATUS") {
        Ok(row) => row,
        Err(_) => conn.query_first("SHOW SLAVE STATUS").map_err(|e| {
            format!(
                "--replicate: reading the target's replication status: {}",
                examples::drill::connect::describe(&e)
            )
        })?,
    };
    Ok(row.map(|row| {
        let get = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| row.get_opt::<Option<String>, _>(*n)?.ok().flatten())
                .unwrap_or_default()
        };
        let (io_error, sql_error) = (get(&["Last_IO_Error"]), get(&["Last_SQL_Error"]));
        ReplicationState {
            io: get(&["Replica_IO_Running", "Slave_IO_Running"]),
            sql: get(&["Replica_SQL_Running", "Slave_SQL_Running"]),
            error: [io_error, sql_error]
                .into_iter()
                .filter(|e| !e.is_empty())
                .collect::<Vec<_>>()
                .join("; "),
        }
    }))
}

fn main() -> ExitCode {
    if std::env::args().skip(1).any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("table-checksum: {}", redact(&msg));
            return ExitCode::from(2);
        }
    };
    match run(args) {
        Ok(false) => ExitCode::SUCCESS,
        Ok(true) => ExitCode::from(1),
        Err(msg) => {
            eprintln!("table-checksum: {msg}");
            ExitCode::from(2)
        }
    }
}
