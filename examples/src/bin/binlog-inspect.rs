//! `binlog-inspect`: list the events of binary and relay logs the way mysqlbinlog's headers do,
//! diagnose how each file ends, and check a replica's position against a set of files.
//!
//! ```text
//! binlog-inspect [--json] FILE...
//! binlog-inspect --diagnose [--json] [--replica-position FILE:POS] FILE_OR_DIR...
//! binlog-inspect --demo
//! ```
//!
//! Exit status: 0 when every file is clean (rotated, stopped, or unclosed but complete) and the
//! replica position (if given) is valid; 1 when a file is torn or corrupt or the position is
//! not valid; 2 on usage or I/O errors.

#[path = "binlog-inspect/demo.rs"]
mod demo;
#[path = "binlog-inspect/listing.rs"]
mod listing;
#[path = "binlog-inspect/report.rs"]
mod report;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: binlog-inspect [--json] FILE...
       binlog-inspect --diagnose [--json] [--replica-position FILE:POS] FILE_OR_DIR...
       binlog-inspect --demo";

/// What the command line asks for.
#[derive(Debug, Default)]
struct Args {
    json: bool,
    diagnose: bool,
    demo: bool,
    replica: Option<(String, u64)>,
    paths: Vec<PathBuf>,
}

/// The command line; `None` for `--help`.
fn parse_args(mut raw: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut args = Args::default();
    while let Some(arg) = raw.next() {
        match arg.as_str() {
            "--json" => args.json = true,
            "--diagnose" => args.diagnose = true,
            "--demo" => args.demo = true,
            "--replica-position" => {
                let value = raw.next().ok_or("--replica-position needs FILE:POS")?;
                args.replica = Some(parse_position(&value)?);
            }
            "-h" | "--help" => return Ok(None),
            s if s.starts_with("--replica-position=") => {
                args.replica = Some(parse_position(&s["--replica-position=".len()..])?);
            }
            s if s.starts_with('-') && s.len() > 1 => return Err(format!("unknown option {s}")),
            path => args.paths.push(PathBuf::from(path)),
        }
    }
    if args.replica.is_some() && !args.diagnose {
        return Err("--replica-position needs --diagnose".into());
    }
    if args.paths.is_empty() && !args.demo {
        return Err("no FILE given".into());
    }
    Ok(Some(args))
}

fn parse_position(value: &str) -> Result<(String, u64), String> {
    let (file, pos) = value
        .rsplit_once(':')
        .ok_or_else(|| format!("replica position {value:?} is not FILE:POS"))?;
    let pos = pos.parse().map_err(|_| {
        format!("replica position {value:?}: {pos:?} is not a byte offset (Read_Master_Log_Pos)")
    })?;
    // A path is accepted for the file (files are matched by name, as the replica names them).
    let file = file.rsplit('/').next().unwrap_or(file);
    if file.is_empty() {
        return Err(format!("replica position {value:?} has no file name"));
    }
    Ok((file.to_owned(), pos))
}

/// An I/O error in words: lowercase, without the `(os error N)` suffix.
fn io_text(e: &std::io::Error) -> String {
    let text = e.to_string();
    let text = text.split(" (os error").next().unwrap_or(&text);
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Refuses, before reading, what cannot be a binary log: a missing path, a device or FIFO
/// (which could be read forever), and a directory where a file is expected.
fn check_paths(paths: &[PathBuf], diagnose: bool) -> Result<(), String> {
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| {
            format!(
                "{}: {}; give a binary log file{}",
                path.display(),
                io_text(&e),
                if diagnose {
                    ", a .index file or a directory"
                } else {
                    ""
                }
            )
        })?;
        if meta.is_dir() && !diagnose {
            return Err(format!(
                "{} is a directory; give its binary log files, or use --diagnose DIR to check them all",
                path.display()
            ));
        }
        if !meta.is_dir() && !meta.is_file() {
            return Err(format!(
                "{} is not a regular file (a device, FIFO or socket); give a binary log file",
                path.display()
            ));
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("binlog-inspect: {message}");
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    if let Err(message) = check_paths(&args.paths, args.diagnose) {
        eprintln!("binlog-inspect: {message}");
        return ExitCode::from(2);
    }
    let result = if args.demo {
        demo::run()
    } else if args.diagnose {
        report::diagnose(&args.paths, args.replica.as_ref(), args.json)
    } else {
        listing::list(&args.paths, args.json)
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            eprintln!("binlog-inspect: {message}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &[&str]) -> Result<Args, String> {
        parse_args(s.iter().map(|s| s.to_string())).map(|a| a.expect("not --help"))
    }

    #[test]
    fn positions_split_at_the_last_colon() {
        assert_eq!(
            parse_position("mysql-bin.000014:1234"),
            Ok(("mysql-bin.000014".into(), 1234))
        );
        assert!(parse_position("mysql-bin.000014").is_err());
        assert!(parse_position(":4").is_err());
        assert_eq!(
            parse_position("/var/lib/mysql/mysql-bin.000014:4"),
            Ok(("mysql-bin.000014".into(), 4))
        );
    }

    #[test]
    fn usage_errors_are_reported() {
        assert!(parse(&[]).is_err());
        assert!(parse(&["--replica-position", "a:4", "x"]).is_err());
        assert!(parse(&["--bogus", "x"]).is_err());
        assert!(parse_args(["--help".to_string()].into_iter())
            .expect("ok")
            .is_none());
        let ok = parse(&[
            "--diagnose",
            "--json",
            "--replica-position",
            "f.000001:4",
            "dir",
        ])
        .expect("valid");
        assert!(ok.diagnose && ok.json && ok.replica.is_some());
    }
}
