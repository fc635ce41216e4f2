//! `gtid`: MySQL's GTID functions for shell scripts, plus the missing-writes check against live
//! servers (MySQL or MariaDB).
//!
//! ```text
//! gtid normalize SET              canonical form of SET          (GTID_SUBTRACT(SET, ''))
//! gtid union A B                  A ∪ B
//! gtid intersect A B              A ∩ B
//! gtid subtract A B               A − B                          (GTID_SUBTRACT(A, B))
//! gtid subset A B                 prints true/false, exit 0/1    (GTID_SUBSET(A, B))
//! gtid count SET                  number of GTIDs
//! gtid missing-writes --source URL --target URL [--ignore-uuid UUID]...
//!                                 may SOURCE replicate from TARGET without losing writes?
//!                                 exit 0 when safe, 1 when TARGET lacks writes (printed)
//! ```
//!
//! Sets print as MySQL prints them (`",\n"` between UUIDs); `--compact` uses `","`. A set
//! argument `-` is read from standard input. Malformed input, bad usage or a failed connection
//! exit with 2 and a message on stderr naming the position. URLs are `mysql://user:pass@host:port`.

use std::io::Read;
use std::process::ExitCode;

use gtid::dialect::Findings;
use gtid::{GtidSet, Uuid};

const USAGE: &str = "usage:
  gtid normalize SET [--compact]
  gtid union A B [--compact]
  gtid intersect A B [--compact]
  gtid subtract A B [--compact]
  gtid subset A B
  gtid count SET
  gtid missing-writes --source URL --target URL [--ignore-uuid UUID]... [--compact]
A set argument '-' is read from standard input.
Exit status: 0 ok (subset: true; missing-writes: safe), 1 subset false / writes missing, 2 error.";

/// A failure that ends the program with status 2.
struct Failure(String);

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(Failure(msg)) => {
            eprintln!("gtid: {msg}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<ExitCode, Failure> {
    let compact = args.iter().any(|a| a == "--compact");
    let rest: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| *a != "--compact")
        .collect();
    let Some((&cmd, operands)) = rest.split_first() else {
        return Err(Failure(USAGE.into()));
    };
    // Standard input can be read once: a second '-' would silently be the empty set.
    if cmd != "missing-writes" && operands.iter().filter(|a| **a == "-").count() > 1 {
        return Err(Failure(
            "only one set can be read from standard input ('-'); give the other on the \
             command line"
                .into(),
        ));
    }
    let print = |s: &GtidSet| {
        if compact {
            println!("{s:#}");
        } else {
            println!("{s}");
        }
    };
    match (cmd, operands) {
        ("normalize", [a]) => print(&set_arg(1, a)?),
        ("count", [a]) => println!("{}", set_arg(1, a)?.count()),
        ("union", [a, b]) => print(&set_arg(1, a)?.union(&set_arg(2, b)?)),
        ("intersect", [a, b]) => print(&set_arg(1, a)?.intersection(&set_arg(2, b)?)),
        ("subtract", [a, b]) => print(&set_arg(1, a)?.difference(&set_arg(2, b)?)),
        ("subset", [a, b]) => {
            let yes = set_arg(1, a)?.is_subset(&set_arg(2, b)?);
            println!("{yes}");
            return Ok(if yes {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            });
        }
        ("missing-writes", flags) => return missing_writes(flags, compact),
        ("help" | "--help" | "-h", _) => println!("{USAGE}"),
        ("normalize" | "count", _) => {
            return Err(Failure(format!(
                "{cmd} takes one SET, got {}\n{USAGE}",
                operands.len()
            )))
        }
        ("union" | "intersect" | "subtract" | "subset", _) => {
            return Err(Failure(format!(
                "{cmd} takes two sets A B, got {}\n{USAGE}",
                operands.len()
            )))
        }
        _ => return Err(Failure(format!("unknown command {cmd:?}\n{USAGE}"))),
    }
    Ok(ExitCode::SUCCESS)
}

/// Parses operand `n` (1-based), reading standard input for `-`.
fn set_arg(n: usize, arg: &str) -> Result<GtidSet, Failure> {
    let text = if arg == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| Failure(format!("argument {n}: reading standard input: {e}")))?;
        s
    } else {
        arg.to_string()
    };
    text.parse::<GtidSet>()
        .map_err(|e| Failure(format!("argument {n}: {e}{}", caret(&text, e.position()))))
}

/// The input line holding the (character) position, with a caret under it; for input of
/// several lines (`@@gtid_executed` puts one UUID per line) the line and column too.
fn caret(text: &str, position: Option<usize>) -> String {
    let Some(p) = position else {
        return String::new();
    };
    let mut start = 0; // characters before the current line
    for (n, line) in text.split('\n').enumerate() {
        let len = line.chars().count();
        if p <= start + len {
            let column = p - start;
            let shown: String = line.chars().filter(|c| *c != '\r').collect();
            if shown.chars().count() > 200 {
                return format!(" (line {}, column {})", n + 1, column + 1);
            }
            let at = if text.contains('\n') {
                format!("line {}, column {}:", n + 1, column + 1)
            } else {
                String::new()
            };
            return format!("\n  {at}\n  {shown}\n  {}^", " ".repeat(column))
                .replace("\n  \n", "\n");
        }
        start += len + 1;
    }
    String::new()
}

fn missing_writes(flags: &[&str], compact: bool) -> Result<ExitCode, Failure> {
    let (mut source, mut target, mut ignore) = (None, None, Vec::<Uuid>::new());
    let mut it = flags.iter();
    while let Some(&flag) = it.next() {
        let value = it
            .next()
            .ok_or_else(|| Failure(format!("{flag} needs a value\n{USAGE}")))?;
        match flag {
            "--source" => source = Some(*value),
            "--target" => target = Some(*value),
            "--ignore-uuid" => ignore.push(value.parse::<Uuid>().map_err(|e| {
                Failure(format!("--ignore-uuid: {e}{}", caret(value, e.position())))
            })?),
            _ => return Err(Failure(format!("unknown option {flag}\n{USAGE}"))),
        }
    }
    let (Some(source), Some(target)) = (source, target) else {
        return Err(Failure(format!(
            "missing-writes needs --source and --target\n{USAGE}"
        )));
    };
    let read = |url: &str, side: &str| -> Result<gtid::dialect::Executed, Failure> {
        // Messages name the server but never its password.
        let (mut conn, name) = examples::drill::connect::connect(url, side).map_err(Failure)?;
        gtid::live::executed(&mut conn)
            .map_err(|e| Failure(format!("{side} {name}: reading its GTIDs: {e}")))
    };
    let (s, t) = (read(source, "source")?, read(target, "target")?);
    let Some(findings) = Findings::new(&s, &t, &ignore) else {
        return Err(Failure(format!(
            "source is {} and target is {}: their GTIDs cannot be compared",
            s.flavor(),
            t.flavor()
        )));
    };
    let show = |e: &gtid::dialect::Executed| match e {
        gtid::dialect::Executed::Mysql(set) if compact => format!("{set:#}"),
        other => other.to_string(),
    };
    println!("source ({}) executed: {}", s.flavor(), show(&s));
    println!("target ({}) executed: {}", t.flavor(), show(&t));
    println!("{findings}");
    if findings.is_safe() {
        println!("OK: the source's writes are all on the target; safe to replicate from it");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("DO NOT REPLICATE: the target is missing writes the source has");
        Ok(ExitCode::from(1))
    }
}

#[cfg(test)]
mod tests {
    use super::caret;

    #[test]
    fn the_caret_points_at_the_character_on_its_line() {
        assert_eq!(caret("ab,cd", Some(3)), "\n  ab,cd\n     ^");
        assert_eq!(
            caret("ab,\ncd,\nxy", Some(9)),
            "\n  line 3, column 2:\n  xy\n   ^"
        );
        assert_eq!(caret("ab", None), "");
    }
}
