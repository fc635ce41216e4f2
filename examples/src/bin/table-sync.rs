//! `table-sync`: find the rows a target differs from its source by, and print or apply the
//! statements that repair the target, on the right side.
//!
//! ```text
//! table-sync --source URL --target URL [--databases a,b | --tables db.t,...]
//!            (--print | --execute) [--json] [--sync-to-master] [--allow-replica-write]
//!            [--replace] [--batch N] [--chunk-rows N] [--fast-checksum]
//!            [--include-unrepairable]
//! ```
//!
//! `--chunk-rows` sets the first-level chunk size of the drill-down (1000); `--fast-checksum`
//! checks ranges with `checksum`'s `fast` algorithm (sums of CRC32 over the same unambiguous row
//! text as the default `strong` MD5 sums: cheaper on the server, but a 32-bit row hash that
//! specific crafted changes can slip past).
//!
//! Rows no statement can repair, because the target column's type rounds the source's value
//! (a `FLOAT(M,D)`/`DOUBLE(M,D)` value with more decimals than `D`, left by an in-place `ALTER`
//! or row-based replication) or cannot hold it (beyond the range `M,D` allows, or a negative
//! value in an `UNSIGNED` `FLOAT`/`DOUBLE`/`DECIMAL` column, left by row-based replication from
//! a signed column: the server refuses it in strict mode, error 1264, and stores 0 otherwise),
//! are listed on stderr as `table-sync: cannot repair: ...` lines naming table, key, column,
//! the source's value and what the target would store (up to 20 per table; the script lists
//! every one as `-- cannot repair:` lines, the JSON plan carries them), and left out of the
//! statements, so a re-run plans nothing for them and says why; `--include-unrepairable` writes
//! them anyway.
//!
//! `--print` writes a script for the `mariadb`/`mysql` client (or, with `--json`, the plan as
//! JSON) to stdout; nothing is written to any server. `--execute` applies the plan on the target
//! (on the source with `--sync-to-master`, reaching the target through replication), then checks
//! the tables again. Exit status: 0 in sync (or now in sync), 1 differences remain (rows no
//! statement can repair among them) or were only printed, 2 errors. URLs are
//! `mysql://user:password@host:port`; passwords are never printed.

use std::process::ExitCode;
use std::time::Duration;

use mysql::prelude::Queryable;
use mysql::Conn;
use sync_plan::live::{self, DrillOptions};
use sync_plan::{check_direction, plan_table, Direction, Fate, Plan, PlanOptions, Style};

const USAGE: &str =
    "usage: table-sync --source URL --target URL [--databases a,b | --tables db.t,...] \
(--print | --execute) [--json] [--sync-to-master] [--allow-replica-write] [--replace] [--batch N] \
[--chunk-rows N] [--fast-checksum] [--include-unrepairable]";

/// How many rows no statement can repair are listed on stderr per table.
const UNREPAIRABLE_SHOWN: usize = 20;

#[derive(Default)]
struct Args {
    source: String,
    target: String,
    databases: Vec<String>,
    tables: Vec<(String, String)>,
    print: bool,
    execute: bool,
    json: bool,
    sync_to_master: bool,
    allow_replica_write: bool,
    replace: bool,
    include_unrepairable: bool,
    batch: usize,
    drill: DrillOptions,
}

/// The command line; `None` for `--help`.
fn parse_args() -> Result<Option<Args>, String> {
    let mut a = Args {
        batch: sync_plan::DEFAULT_BATCH,
        ..Args::default()
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--source" => a.source = value("--source")?,
            "--target" => a.target = value("--target")?,
            "--databases" => {
                a.databases = value("--databases")?
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            }
            "--tables" => {
                for t in value("--tables")?.split(',').filter(|s| !s.is_empty()) {
                    let (db, name) = t
                        .split_once('.')
                        .ok_or(format!("--tables wants db.table, got {t:?}"))?;
                    a.tables.push((db.to_string(), name.to_string()));
                }
            }
            "--batch" => {
                a.batch = value("--batch")?
                    .parse()
                    .map_err(|_| "--batch wants a number of statements".to_string())?
            }
            "--chunk-rows" => {
                a.drill.chunk_rows = value("--chunk-rows")?
                    .parse()
                    .map_err(|_| "--chunk-rows wants a number of rows".to_string())?
            }
            "--fast-checksum" => a.drill.hash = live::RangeHash::Fast,
            "--print" => a.print = true,
            "--execute" => a.execute = true,
            "--json" => a.json = true,
            "--sync-to-master" => a.sync_to_master = true,
            "--allow-replica-write" => a.allow_replica_write = true,
            "--replace" => a.replace = true,
            "--include-unrepairable" => a.include_unrepairable = true,
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unknown option {other:?}\n{USAGE}")),
        }
    }
    if a.source.is_empty() || a.target.is_empty() {
        return Err(format!("--source and --target are required\n{USAGE}"));
    }
    if a.print == a.execute {
        return Err(format!(
            "give --print (show the repair, change nothing) or --execute (apply it on the \
             target), not {}\n{USAGE}",
            if a.print { "both" } else { "neither" }
        ));
    }
    Ok(Some(a))
}

/// Connects to the server playing `side`; the label and messages never hold its password.
fn connect(url: &str, side: &str) -> Result<(Conn, String), String> {
    examples::drill::connect::connect(url, side)
}

fn list_tables(conn: &mut Conn, args: &Args) -> Result<Vec<(String, String)>, String> {
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
        .map_err(|e| format!("listing tables on the source: {e}"))?;
    let tables: Vec<(String, String)> = rows
        .into_iter()
        .filter(|(db, _)| args.databases.is_empty() || args.databases.contains(db))
        .collect();
    // A database named in --databases without a base table is a typo (or the wrong server)
    // until shown otherwise: repairing nothing must not read as "in sync".
    if let Some(name) = args
        .databases
        .iter()
        .find(|name| !tables.iter().any(|(db, _)| db == *name))
    {
        return Err(format!(
            "--databases: the source has no base table in a database named {name:?} \
             (check the name with SHOW DATABASES)"
        ));
    }
    Ok(tables)
}

/// Builds the plan for every table; returns the tables' differences (for the re-check after a
/// repair) and the number of rows read.
fn build_plan(
    src: &mut Conn,
    tgt: &mut Conn,
    tables: &[(String, String)],
    plan: &mut Plan,
    options: PlanOptions,
    drill: DrillOptions,
) -> Result<(Vec<live::TableDiff>, u64), String> {
    let mut rows_read = 0;
    let mut diffs = Vec::new();
    for (db, name) in tables {
        let table = live::load_table(src, db, name, "source").map_err(|e| e.to_string())?;
        let on_target = live::load_table(tgt, db, name, "target").map_err(|e| e.to_string())?;
        if on_target.columns != table.columns {
            return Err(format!(
                "{db}.{name}: the columns differ between source and target; repair the schema first"
            ));
        }
        let diff = live::diff_table(src, tgt, &table, drill).map_err(|e| e.to_string())?;
        rows_read += diff.stats.rows_read;
        eprintln!(
            "table-sync: {db}.{name}: {} differing rows ({} rows read, {} checksums, {} splits)",
            diff.differences.len(),
            diff.stats.rows_read,
            diff.stats.checksums,
            diff.stats.splits
        );
        if !diff.differences.is_empty() {
            let tp = plan_table(&table, &diff.differences, options).map_err(|e| e.to_string())?;
            plan.tables.push(tp);
        }
        diffs.push(diff);
    }
    Ok((diffs, rows_read))
}

/// Waits until the target has applied everything the source has binlogged (MariaDB GTIDs).
fn wait_for_replica(src: &mut Conn, tgt: &mut Conn) -> Result<(), String> {
    let pos: Option<String> = src
        .query_first("SELECT @@gtid_binlog_pos")
        .map_err(|e| format!("reading the source's GTID position: {e}"))?;
    let pos = pos.unwrap_or_default();
    let waited: Option<i64> = tgt
        .exec_first(
            "SELECT MASTER_GTID_WAIT(?, ?)",
            (pos, Duration::from_secs(120).as_secs()),
        )
        .map_err(|e| format!("waiting for the target to replicate: {e}"))?;
    match waited {
        Some(0) => Ok(()),
        _ => Err("the target did not catch up with the source within 120 s".to_string()),
    }
}

fn run(args: &Args) -> Result<bool, String> {
    let (mut src, src_label) = connect(&args.source, "source")?;
    let (mut tgt, tgt_label) = connect(&args.target, "target")?;
    examples::drill::connect::refuse_same_server(&mut src, &mut tgt)?;
    live::prepare_session(&mut src, "source").map_err(|e| e.to_string())?;
    live::prepare_session(&mut tgt, "target").map_err(|e| e.to_string())?;
    let direction = if args.sync_to_master {
        Direction::ViaReplication
    } else {
        Direction::OnTarget
    };
    let src_facts =
        live::server_facts(&mut src, &src_label, "source").map_err(|e| e.to_string())?;
    let tgt_facts =
        live::server_facts(&mut tgt, &tgt_label, "target").map_err(|e| e.to_string())?;
    check_direction(direction, &src_facts, &tgt_facts, args.allow_replica_write)
        .map_err(|e| e.to_string())?;
    let options = PlanOptions {
        direction,
        style: if args.replace {
            Style::Replace
        } else {
            Style::Minimal
        },
        include_unrepairable: args.include_unrepairable,
    };
    let version: Option<String> = src
        .query_first("SELECT VERSION()")
        .map_err(|e| format!("reading the source's version: {e}"))?;
    let mut args_drill = args.drill;
    args_drill.dialect = checksum::Dialect::from_version(&version.unwrap_or_default());
    let tables = list_tables(&mut src, args)?;
    let mut plan = Plan::new(&src_label, &tgt_label, direction);
    let (diffs, rows_read) =
        build_plan(&mut src, &mut tgt, &tables, &mut plan, options, args_drill)?;
    eprintln!(
        "table-sync: {} statements planned, {rows_read} rows read",
        plan.statement_count()
    );
    for warning in plan.warnings() {
        eprintln!("table-sync: warning: {warning}");
    }
    report_unrepairable(&plan);
    let unrepairable = plan.unrepairable_count();
    if args.print {
        let text = if args.json {
            plan.to_json()
        } else {
            plan.to_sql(args.batch, true)
        };
        println!("{}", text.map_err(|e| e.to_string())?);
        return Ok(plan.statement_count() == 0 && unrepairable == 0);
    }
    if plan.statement_count() == 0 {
        if unrepairable > 0 {
            eprintln!(
                "table-sync: nothing to execute; {unrepairable} rows still differ that no \
                 statement can repair"
            );
        }
        return Ok(unrepairable == 0);
    }
    live::check_deletes_against_source(&mut src, &plan).map_err(|e| e.to_string())?;
    let writer = match direction {
        Direction::OnTarget => &mut tgt,
        Direction::ViaReplication => &mut src,
    };
    let n = live::execute(writer, &plan, args.batch).map_err(|e| e.to_string())?;
    eprintln!("table-sync: {n} statements executed");
    if direction == Direction::ViaReplication {
        // The writes went to the source's binlog; the verification reads the target.
        wait_for_replica(&mut src, &mut tgt)?;
    }
    live::prepare_session(&mut src, "source").map_err(|e| e.to_string())?;
    live::prepare_session(&mut tgt, "target").map_err(|e| e.to_string())?;
    // Re-check the ranges that differed (not the whole tables).
    let mut remaining = 0;
    for diff in &diffs {
        let again =
            live::recheck(&mut src, &mut tgt, diff, args_drill).map_err(|e| e.to_string())?;
        remaining += again.differences.len();
    }
    eprintln!(
        "table-sync: after the repair, {remaining} differing rows remain in the repaired ranges"
    );
    if unrepairable > 0 {
        eprintln!(
            "table-sync: {unrepairable} of them are rows no statement can repair (listed above)"
        );
    }
    Ok(remaining == 0)
}

/// Lists on stderr the rows no statement can repair, up to [`UNREPAIRABLE_SHOWN`] per table,
/// then one line saying what the plan does with them.
fn report_unrepairable(plan: &Plan) {
    let mut counts = [0u64; 3];
    for tp in &plan.tables {
        for (n, u) in tp.unrepairable.iter().enumerate() {
            if n < UNREPAIRABLE_SHOWN {
                eprintln!("table-sync: cannot repair: {}", u.describe(&tp.table));
            }
            counts[match u.fate {
                Fate::LeftOut => 0,
                Fate::Written => 1,
                Fate::AlreadyStored => 2,
            }] += u.count;
        }
        let more = tp.unrepairable.len().saturating_sub(UNREPAIRABLE_SHOWN);
        if more > 0 {
            eprintln!(
                "table-sync: cannot repair: {more} more rows of {} (--print lists every one, \
                 --json gives them all)",
                tp.table.qualified_name()
            );
        }
    }
    let [left_out, written, stored] = counts;
    if left_out + written + stored == 0 {
        return;
    }
    let mut what = Vec::new();
    if left_out > 0 {
        what.push(format!(
            "{left_out} left out of the statements (--include-unrepairable writes them anyway)"
        ));
    }
    if written > 0 {
        what.push(format!(
            "{written} written anyway (--include-unrepairable): they still differ afterwards"
        ));
    }
    if stored > 0 {
        what.push(format!(
            "{stored} already held by the target as a write would store them"
        ));
    }
    eprintln!(
        "table-sync: {} rows cannot be repaired by writing, as the target column's type rounds \
         the source's value or cannot hold it: {}",
        left_out + written + stored,
        what.join("; ")
    );
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(Some(a)) => a,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("table-sync: {e}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            // The messages name servers by user@host:port; URLs the server or driver echo
            // lose their passwords here.
            eprintln!("table-sync: error: {}", checksum::redact(&e));
            ExitCode::from(2)
        }
    }
}
