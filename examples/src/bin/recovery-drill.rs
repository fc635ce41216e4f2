//! `recovery-drill`: the crash-recovery drill, end to end, on real servers.
//!
//! ```text
//! recovery-drill [--rows N] [--seed S] [--binlog-only] [--keep] [--json]
//! recovery-drill --primary URL --replica URL [--binlog-dir DIR] [--execute] [--json]
//! ```
//!
//! Without `--primary`/`--replica` it starts two throwaway MariaDB servers, crashes the primary
//! while an application writes, tears the tail of its binary log, and recovers: the replica's
//! error 1236, the restart point from `binlog-parse`, missing writes both ways from `gtid`,
//! drifted rows from `checksum` and `sync-plan`, the repair, and the verification. Before the
//! crash the primary acknowledges commits before they reach the disk
//! (`innodb_flush_log_at_trx_commit=0`), so the kill also loses its last second of commits from
//! InnoDB, as a host that cached fsyncs does; `--binlog-only` keeps InnoDB whole. `--keep`
//! leaves the servers running (until Enter or Ctrl-C) and prints their URLs.
//!
//! With `--primary`/`--replica` it runs the same diagnosis against your servers, read-only
//! unless `--execute`, which repositions and repairs the replica, printing each statement
//! first. Passwords in URLs are never printed.
//!
//! Exit status: 0 when the final verification finds no difference and no committed row is
//! missing; 1 when differences remain or committed rows are missing; 2 on errors.

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use examples::drill::remote::{self, RemoteOptions};
use examples::drill::{self, report, DrillOptions};

const USAGE: &str = "usage: recovery-drill [--rows N] [--seed S] [--binlog-only] [--keep] [--json]
       recovery-drill --primary URL --replica URL [--binlog-dir DIR] [--execute] [--json]";

#[derive(Debug, Default)]
struct Args {
    drill: DrillOptions,
    keep: bool,
    json: bool,
    remote: RemoteOptions,
}

fn parse_args(raw: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut a = Args::default();
    let mut raw = raw.peekable();
    while let Some(arg) = raw.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| raw.next())
                .ok_or(format!("{name} needs a value"))
        };
        let number = |name: &str, v: String| {
            v.parse::<u64>()
                .map_err(|_| format!("{name} wants a number, got {v:?}"))
        };
        match flag.as_str() {
            "--rows" => a.drill.rows = number("--rows", value("--rows")?)?,
            "--seed" => a.drill.seed = number("--seed", value("--seed")?)?,
            "--keep" => a.keep = true,
            "--binlog-only" => a.drill.storage_loss = false,
            "--json" => a.json = true,
            "--primary" => a.remote.primary = value("--primary")?,
            "--replica" => a.remote.replica = value("--replica")?,
            "--binlog-dir" => a.remote.binlog_dir = Some(PathBuf::from(value("--binlog-dir")?)),
            "--execute" => a.remote.execute = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown option {other:?}")),
        }
    }
    let remote = !a.remote.primary.is_empty() || !a.remote.replica.is_empty();
    if remote && (a.remote.primary.is_empty() || a.remote.replica.is_empty()) {
        return Err("--primary and --replica go together".into());
    }
    if !remote && (a.remote.execute || a.remote.binlog_dir.is_some()) {
        return Err("--execute and --binlog-dir need --primary and --replica".into());
    }
    if let Some(dir) = &a.remote.binlog_dir {
        if !dir.is_dir() {
            return Err(format!(
                "--binlog-dir {}: not a directory; give the primary's binary log directory \
                 (where the files SHOW BINARY LOGS lists are), or leave it out",
                dir.display()
            ));
        }
    }
    if remote && a.keep {
        return Err("--keep is for the throwaway servers, not yours".into());
    }
    if a.drill.rows < 10 {
        return Err("--rows must be at least 10".into());
    }
    a.drill.quiet = a.json;
    a.remote.quiet = a.json;
    Ok(a)
}

/// The outcome as JSON, with the verdict the exit status follows as `"consistent"`.
fn to_json<T: serde::Serialize>(value: &T, consistent: bool) -> Result<String, String> {
    let mut v = serde_json::to_value(value).map_err(|e| format!("writing JSON: {e}"))?;
    if let Some(map) = v.as_object_mut() {
        map.insert("consistent".into(), consistent.into());
    }
    serde_json::to_string_pretty(&v).map_err(|e| format!("writing JSON: {e}"))
}

fn run(args: &Args) -> Result<bool, String> {
    if !args.remote.primary.is_empty() {
        let outcome = remote::run(&args.remote).map_err(|e| e.to_string())?;
        if args.json {
            println!("{}", to_json(&outcome, outcome.consistent())?);
        } else {
            print!("{}", report::render_remote(&outcome, args.remote.execute));
        }
        return Ok(outcome.consistent());
    }
    let (outcome, pair) = drill::run(&args.drill).map_err(|e| e.to_string())?;
    if args.json {
        println!("{}", to_json(&outcome, outcome.consistent())?);
    } else {
        println!("Repair plan ({} statements):", outcome.plan_statements);
        print!("{}", outcome.plan_sql);
        println!();
        print!("{}", report::render(&outcome));
    }
    if args.keep {
        eprintln!("servers kept running (Enter or Ctrl-C stops them):");
        eprintln!(
            "  primary {}  data {}",
            pair.primary.url(),
            pair.primary.datadir().display()
        );
        eprintln!(
            "  replica {}  data {}",
            pair.replica.url(),
            pair.replica.datadir().display()
        );
        let mut line = String::new();
        if matches!(std::io::stdin().lock().read_line(&mut line), Ok(0)) {
            // No terminal: keep them until the process is killed.
            loop {
                std::thread::park();
            }
        }
    }
    Ok(outcome.consistent())
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(message) if message.is_empty() => {
            // --help
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("recovery-drill: {message}");
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("recovery-drill: error: {}", checksum::redact(&e));
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &[&str]) -> Result<Args, String> {
        parse_args(s.iter().map(|s| s.to_string()))
    }

    #[test]
    fn options_parse_and_bad_ones_are_refused() {
        let a = parse(&["--rows", "500", "--seed=7", "--json"]).expect("valid");
        assert_eq!((a.drill.rows, a.drill.seed, a.json), (500, 7, true));
        assert!(parse(&["--rows", "many"]).is_err());
        assert!(parse(&["--primary", "mysql://a@h"]).is_err());
        assert!(parse(&["--execute"]).is_err());
        assert!(parse(&["--bogus"]).is_err());
        let r = parse(&[
            "--primary",
            "mysql://a:pw@h:1",
            "--replica",
            "mysql://a@h:2",
        ])
        .expect("valid");
        assert!(!r.remote.execute);
    }
}
