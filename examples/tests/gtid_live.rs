//! The `gtid` crate against two real MariaDB servers: a write made on one node only is named by
//! the missing-writes report, both through the library (`gtid::live`, `gtid::dialect`) and
//! through the `gtid missing-writes` binary.

use std::error::Error;
use std::process::Command;
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
    let out = Command::new(env!("CARGO_BIN_EXE_gtid"))
        .args(["missing-writes", "--source", source, "--target", target])
        .output()?;
    let stdout = String::from_utf8(out.stdout)?;
    let stderr = String::from_utf8(out.stderr)?;
    Ok((out.status.code().unwrap_or(-1), format!("{stdout}{stderr}")))
}

#[test]
fn a_write_on_one_node_only_is_reported_missing() -> TestResult {
    if harness::mariadbd_path().is_err() {
        examples::skip("mariadbd is not installed");
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
