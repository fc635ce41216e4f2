//! The `gtid` crate against two real MariaDB servers: a write made on one node only is named by
//! the missing-writes report, both through the library (`gtid::live`, `gtid::dialect`) and
//! through the `gtid missing-writes` binary. The binary's offline subcommands (normalize, union,
//! subset, ... and their exit statuses) are checked here too, without a server.

mod common;

use std::error::Error;
use std::time::Duration;

use examples::harness::{self, Pair};
use gtid::dialect::{Executed, Findings, Flavor};
use gtid::mariadb::{DomainOrdering, MariadbGtid};

type TestResult = Result<(), Box<dyn Error>>;

const PATIENCE: Duration = Duration::from_secs(60);

fn executed(server: &harness::Server) -> Result<Executed, Box<dyn Error>> {
    let mut conn = server.conn()?;
    Ok(gtid::live::executed(&mut conn)?)
}

fn run_binary(source: &str, target: &str) -> Result<(i32, String), Box<dyn Error>> {
    let args = ["missing-writes", "--source", source, "--target", target];
    let (code, stdout, stderr) = gtid_cli(&args)?;
    Ok((code, format!("{stdout}{stderr}")))
}

#[test]
fn a_write_on_one_node_only_is_reported_missing() -> TestResult {
    if common::no_server() {
        return Ok(());
    }
    let pair = Pair::start()?;
    pair.primary
        .exec("CREATE TABLE test.t (id INT PRIMARY KEY); INSERT INTO test.t VALUES (1), (2)")?;
    pair.wait_replica_caught_up(PATIENCE)?;

    // In sync: the same position on both, the flavour detected from @@version.
    let mut conn = pair.primary.conn()?;
    assert_eq!(gtid::live::flavor(&mut conn)?, Flavor::Mariadb);
    let binlog_pos = gtid::live::mariadb_binlog_pos(&mut conn)?;
    let (p, r) = (executed(&pair.primary)?, executed(&pair.replica)?);
    assert_eq!(p, r);
    let Executed::Mariadb(pos) = &p else {
        return Err(format!("expected a MariaDB position, got {p:?}").into());
    };
    assert_eq!(pos, &binlog_pos);
    let before = *pos.get(0).ok_or("no domain 0 on the primary")?;
    assert_eq!(before.server_id, 1);
    let f = Findings::new(&r, &p, &[]).ok_or("flavours differ")?;
    assert!(f.is_safe(), "{f}");
    let (code, out) = run_binary(&pair.replica.url(), &pair.primary.url())?;
    assert_eq!(code, 0, "{out}");

    // A write on the replica only (as on a node that took writes before a failover): it goes
    // to the replica's binlog as domain 0, server 2, the next sequence number.
    pair.replica.exec("INSERT INTO test.t VALUES (3)")?;
    let errant = MariadbGtid {
        domain_id: 0,
        server_id: 2,
        seq_no: before.seq_no + 1,
    };
    let r = executed(&pair.replica)?;
    assert_eq!(r, Executed::Mariadb([errant].into_iter().collect()));

    // The replica (source) may not be repointed at the primary (target): the primary lacks the
    // write, and the report names it.
    let f = Findings::new(&r, &p, &[]).ok_or("flavours differ")?;
    assert!(!f.is_safe());
    let Findings::Mariadb(cmp) = &f else {
        return Err("expected MariaDB findings".into());
    };
    assert_eq!(cmp.domains.len(), 1);
    assert_eq!(cmp.domains[0].ordering, DomainOrdering::Ahead);
    assert_eq!(cmp.domains[0].left, Some(errant));
    let next = errant.seq_no;
    assert_eq!(cmp.domains[0].missing_on_right(), Some(next..=next));
    let report = f.to_string();
    assert!(
        report.contains(&format!("seq_no {next}-{next}")),
        "{report}"
    );
    assert!(report.contains(&errant.to_string()), "{report}");

    // The other way round it is safe: the primary's writes are all on the replica.
    let f = Findings::new(&p, &r, &[]).ok_or("flavours differ")?;
    assert!(f.is_safe(), "{f}");

    // The binary agrees: exit 1 naming the write, and 0 the other way round.
    let (code, out) = run_binary(&pair.replica.url(), &pair.primary.url())?;
    eprintln!("gtid missing-writes output:\n{out}");
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(&errant.to_string()), "{out}");
    assert!(out.contains("DO NOT REPLICATE"), "{out}");
    let (code, out) = run_binary(&pair.primary.url(), &pair.replica.url())?;
    assert_eq!(code, 0, "{out}");
    Ok(())
}

#[test]
fn the_binary_reports_a_bad_url_with_status_2() -> TestResult {
    let (code, out) = run_binary("not a url", "mysql://root@127.0.0.1:1")?;
    assert_eq!(code, 2, "{out}");
    Ok(())
}

#[test]
fn an_unreachable_server_is_named_without_its_password() -> TestResult {
    // Port 1 on loopback refuses at once: the message must name the server, never the password.
    let (code, out) = run_binary(
        "mysql://admin:hunter2-secret@127.0.0.1:1",
        "mysql://root@127.0.0.1:1",
    )?;
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("127.0.0.1:1"), "the server is named: {out}");
    assert!(!out.contains("hunter2-secret"), "password printed: {out}");
    Ok(())
}

/// Runs the binary with `args` (no server needed): (exit status, stdout, stderr).
fn gtid_cli(args: &[&str]) -> Result<(i32, String, String), Box<dyn Error>> {
    common::run(env!("CARGO_BIN_EXE_gtid"), args)
}

// Not live: the offline subcommands, as a script would use them.
#[test]
fn the_binary_mirrors_mysqls_functions() -> TestResult {
    let u = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
    let a = "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa";
    let messy = format!(" {} :1-5:6 , {a}:3,", u.to_uppercase());
    assert_eq!(
        gtid_cli(&["normalize", &messy])?,
        (0, format!("{u}:1-6,\n{a}:3\n"), String::new())
    );
    assert_eq!(
        gtid_cli(&["normalize", &messy, "--compact"])?.1,
        format!("{u}:1-6,{a}:3\n")
    );
    let (x, y) = (format!("{u}:21-57"), format!("{u}:20-25"));
    assert_eq!(gtid_cli(&["subtract", &x, &y])?.1, format!("{u}:26-57\n"));
    assert_eq!(gtid_cli(&["union", &x, &y])?.1, format!("{u}:20-57\n"));
    assert_eq!(gtid_cli(&["intersect", &x, &y])?.1, format!("{u}:21-25\n"));
    assert_eq!(
        gtid_cli(&["subset", &format!("{u}:23"), &x])?,
        (0, "true\n".into(), String::new())
    );
    assert_eq!(
        gtid_cli(&["subset", &y, &x])?,
        (1, "false\n".into(), String::new())
    );
    assert_eq!(gtid_cli(&["count", &x])?.1, "37\n");
    assert_eq!(gtid_cli(&["count", ""])?.1, "0\n");

    let (code, stdout, stderr) = gtid_cli(&["subtract", &x, &format!("{u};1")])?;
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(
        stderr.starts_with(
            "gtid: argument 2: expected ':' or ',' after uuid at character 36, found ';'"
        ),
        "{stderr}"
    );
    let (code, _, stderr) = gtid_cli(&["frobnicate"])?;
    assert_eq!(code, 2);
    assert!(stderr.contains("usage:"), "{stderr}");
    let (code, _, stderr) = gtid_cli(&["missing-writes", "--source", "mysql://x"])?;
    assert_eq!(code, 2, "{stderr}");
    Ok(())
}
