//! Negative values in `UNSIGNED` `FLOAT`, `DOUBLE` and `DECIMAL` columns against real MariaDB
//! 10.11 servers: what a write of one does, and what `table-sync` does with rows it cannot
//! repair because of one.
//!
//! Such values are real: row-based replication from a signed column on the primary applies the
//! stored value to the replica's `UNSIGNED` column of the same type as it is (see
//! `chunker_live_unsigned_key.rs`), while every write through SQL refuses it under strict
//! `sql_mode` (error 1264) or stores 0. So the plan cannot write such a value to a target: a
//! row whose statement would is reported and left out, and before this was so, `table-sync`
//! wrote it, the server refused it, and every run planned it again.
//!
//! The first test checks the model (`sync_plan`'s `Stored::NegativeInUnsigned`, told before
//! any rounding or range of the type) against the server, for five column types, strict and
//! not. The second makes a source holding negatives (a replica of a signed primary), a target
//! that replicated the first rows from the same primary and then was detached (so it holds
//! negative keys too), and runs `table-sync` on them: the rows are reported and left out, the
//! others repaired (rows keyed by negative values deleted and updated), the second run plans
//! nothing, and `--include-unrepairable` gets the server's refusal (exit 2, target unchanged).
//!
//! `-0` is the other value only a row image puts in such a column: the first test also checks
//! that every SQL write of a `-0` stores `+0` (signed columns too, and a `DECIMAL`), which the
//! plan counts as the same value; the second ends with a source holding `-0` by replication
//! (a Write_rows event applied with a `BINLOG` statement on the primary), which MariaDB sends
//! as `+0`, so `table-sync` plans nothing for it and every checksum agrees.

mod common;

use std::error::Error;
use std::time::Duration;

use chunker::Value;
use common::row_image::{self, DOUBLE, FLOAT, INT};
use common::run;
use examples::harness::{Pair, Server, ServerOptions};
use mysql::prelude::Queryable;
use mysql::Conn;
use sync_plan::Stored;

type TestResult = Result<(), Box<dyn Error>>;

/// The server's version, for the record (the tests print it).
fn version(conn: &mut Conn) -> Result<String, Box<dyn Error>> {
    let v: Option<String> = conn.query_first("SELECT VERSION()")?;
    v.ok_or_else(|| "no version".into())
}

/// `x` as the model's value for a column of type `ty`.
fn value_for(ty: &str, x: &str) -> Result<Value, Box<dyn Error>> {
    Ok(if ty.starts_with("DECIMAL") {
        Value::text(x)
    } else if ty.starts_with("FLOAT") {
        Value::Float(x.parse()?)
    } else {
        Value::Double(x.parse()?)
    })
}

/// The value `conn` holds in `x` of `table`'s row `id`, as the model reads it.
fn stored(
    conn: &mut Conn,
    table: &chunker::Table,
    id: i64,
) -> Result<Option<Value>, Box<dyn Error>> {
    let name = format!("{}.{}", table.schema, table.name);
    let row: Option<mysql::Row> =
        conn.exec_first(format!("SELECT x FROM {name} WHERE id = ?"), (id,))?;
    let Some(row) = row else {
        return Ok(None);
    };
    let v = row.unwrap().into_iter().next().ok_or("no column")?;
    Ok(Some(chunker::live::from_mysql(
        v,
        &table.columns[1].column_type,
    )?))
}

/// What the plan says a write of each value stores (`None`: stored as it is) is what MariaDB
/// does under the plan's strict `sql_mode`: a negative value of an `UNSIGNED` column is
/// refused (error 1264) whatever the type would round it to or however far beyond its range
/// it is, while 0 and positive values are stored (or rounded) as before, and -0 is accepted,
/// and stored as +0, as it is in signed columns however SQL writes it (which the plan counts
/// as the same value). Without strict mode the server stores 0 instead of a negative value,
/// with warning 1264.
#[test]
fn a_write_of_a_negative_into_unsigned_is_refused_or_stored_as_zero() -> TestResult {
    let Some(server) = common::server()? else {
        return Ok(());
    };
    let mut conn = server.conn()?;
    eprintln!("server: MariaDB {}", version(&mut conn)?);
    conn.query_drop("CREATE DATABASE un")?;
    let reals = [
        "-1.5",
        "-0.001",
        "-1e-30",
        "-123456.79",
        "-0.0",
        "0",
        "1.5",
        "0.125",
    ];
    let cases: [(&str, &[&str]); 5] = [
        ("FLOAT", &reals),
        ("DOUBLE", &reals),
        ("FLOAT(7,2)", &reals),
        ("DOUBLE(10,3)", &reals),
        (
            "DECIMAL(10,2)",
            &["-1.50", "-0.01", "-99999999.99", "0.00", "1.50"],
        ),
    ];
    let (mut refused, mut zeros) = (0, 0);
    for (n, (ty, values)) in cases.iter().enumerate() {
        conn.query_drop(format!(
            "CREATE TABLE un.w{n} (id INT PRIMARY KEY, x {ty} UNSIGNED)"
        ))?;
        let table = chunker::live::load_table(&mut conn, "un", &format!("w{n}"))?;
        assert!(table.columns[1].unsigned, "{ty}: UNSIGNED in the model");
        let rows: Vec<Vec<Value>> = values
            .iter()
            .enumerate()
            .map(|(id, x)| Ok(vec![Value::Int(id as i64), value_for(ty, x)?]))
            .collect::<Result<_, Box<dyn Error>>>()?;
        let diffs = sync_plan::diff_rows(&table, &rows, &[])?;
        let plan = sync_plan::plan_table(&table, &diffs, sync_plan::PlanOptions::default())?;
        for (row, x) in rows.iter().zip(values.iter()) {
            let said = plan
                .unrepairable
                .iter()
                .find(|u| u.row[0].value == row[0])
                .map(|u| u.values[0].stored.clone());
            let lit = sync_plan::literal(&table.columns[1], &row[1])?;
            let id = match row[0] {
                Value::Int(i) => i,
                _ => return Err("id".into()),
            };
            let what = format!("{ty} UNSIGNED {x} (written as {lit})");
            let insert = format!("INSERT INTO un.w{n} VALUES ({id}, {lit})");
            conn.query_drop(format!(
                "SET SESSION sql_mode = '{}'",
                sync_plan::SESSION_SQL_MODE
            ))?;
            match conn.query_drop(&insert) {
                Err(mysql::Error::MySqlError(e)) if e.code == 1264 => {
                    assert!(
                        matches!(
                            said,
                            Some(Stored::NegativeInUnsigned | Stored::OutOfRange { .. })
                        ),
                        "{what}: refused by the server, the plan says {said:?}"
                    );
                }
                Err(e) => return Err(format!("{what}: {e}").into()),
                Ok(()) => {
                    let got = stored(&mut conn, &table, id)?.ok_or("the row is not there")?;
                    if *x == "-0.0" {
                        // Not negative, so not refused: stored as +0 (the sign dropped, in
                        // every type), which the plan counts as the same value, so it says
                        // nothing of it.
                        assert!(
                            positive_zero(&mut conn, &format!("un.w{n}"), id)? && said.is_none(),
                            "{what}: stored as {got:?}, the plan says {said:?}"
                        );
                        zeros += 1;
                    }
                    match &said {
                        None => assert!(
                            sync_plan::same_value(&got, &row[1]),
                            "{what}: stored as {got:?}, the plan says as it is"
                        ),
                        Some(Stored::Rounded(v)) => assert!(
                            sync_plan::same_value(&got, v),
                            "{what}: stored as {got:?}, the plan says {v:?}"
                        ),
                        Some(other) => {
                            return Err(
                                format!("{what}: stored {got:?}, the plan says {other:?}").into()
                            )
                        }
                    }
                    continue;
                }
            }
            if said != Some(Stored::NegativeInUnsigned) {
                continue;
            }
            refused += 1;
            // Not strict: stored as 0, with the same error as a warning.
            conn.query_drop("SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION'")?;
            conn.query_drop(&insert)?;
            let warnings: Vec<(String, u32, String)> = conn.query("SHOW WARNINGS")?;
            assert!(
                warnings.iter().any(|w| w.1 == 1264),
                "{what}: warning 1264 without strict mode: {warnings:?}"
            );
            let got = stored(&mut conn, &table, id)?.ok_or("the row is not there")?;
            let zero = value_for(
                ty,
                if ty.starts_with("DECIMAL") {
                    "0.00"
                } else {
                    "0"
                },
            )?;
            assert!(
                sync_plan::same_value(&got, &zero),
                "{what}: stored as {got:?} without strict mode, not 0"
            );
        }
    }
    // Every negative value, of every type: 4 reals (one beyond FLOAT(7,2)'s range, one that
    // FLOAT(7,2) would round to -0.00) in four types and 3 decimals; -0.0 is not negative.
    assert_eq!(refused, 4 * 4 + 3);
    assert_eq!(zeros, 4, "-0.0 written to the four FLOAT/DOUBLE types");
    negative_zero_writes(&mut conn)
}

/// Whether row `id` of `name` holds a zero whose sign bit is clear. Asked of the server
/// (`ATAN2(x, -1)` is `pi` for `+0`, `-pi` for `-0`): MariaDB sends a zero without its sign in
/// both protocols, so the client cannot tell.
fn positive_zero(conn: &mut Conn, name: &str, id: i64) -> Result<bool, Box<dyn Error>> {
    let yes: Option<bool> = conn.exec_first(
        format!("SELECT x = 0 AND ATAN2(x, -1) > 0 FROM {name} WHERE id = ?"),
        (id,),
    )?;
    Ok(yes == Some(true))
}

/// Every way SQL writes a `-0` stores `+0` on MariaDB, in signed `FLOAT`, `DOUBLE`,
/// `FLOAT(7,2)`, `DOUBLE(10,3)` and `DECIMAL(10,2)` columns alike: the plan's literal (`-0e0`,
/// `-0.00` for the DECIMAL) in an `INSERT` and an `UPDATE`, a bound parameter, `-x` of a
/// stored `+0`, `-1 * 0e0` and `CAST(-0e0 AS DOUBLE)`, though the server evaluates those
/// expressions to `-0` (`ATAN2(-0e0, -1)` is `-pi`). Neither protocol carries the sign of an
/// expression's `-0` either: the binary protocol sends `+0`, the text protocol `0`.
fn negative_zero_writes(conn: &mut Conn) -> TestResult {
    let pi: Option<f64> = conn.query_first(
        "SELECT ATAN2(-0e0, -1) + ATAN2(-1 * 0e0, -1) + ATAN2(CAST(-0e0 AS DOUBLE), -1)",
    )?;
    assert_eq!(pi, Some(-3.0 * std::f64::consts::PI), "-0 in expressions");
    let sent: Option<mysql::Row> = conn.exec_first("SELECT -0e0, CAST(-0e0 AS FLOAT)", ())?;
    let sent = sent.ok_or("no row")?.unwrap();
    assert!(
        matches!(sent[..], [mysql::Value::Double(d), mysql::Value::Float(f)]
            if d.to_bits() == 0 && f.to_bits() == 0),
        "the binary protocol sends +0: {sent:?}"
    );
    let text: Option<(String, String)> = conn.query_first("SELECT -0e0, CAST(-0e0 AS FLOAT)")?;
    assert_eq!(
        text,
        Some(("0".into(), "0".into())),
        "the text protocol sends 0"
    );
    let mut checked = 0;
    for (n, ty) in [
        "FLOAT",
        "DOUBLE",
        "FLOAT(7,2)",
        "DOUBLE(10,3)",
        "DECIMAL(10,2)",
    ]
    .iter()
    .enumerate()
    {
        let name = format!("z{n}");
        conn.query_drop(format!(
            "CREATE TABLE un.{name} (id INT PRIMARY KEY, x {ty})"
        ))?;
        let table = chunker::live::load_table(conn, "un", &name)?;
        let zero = value_for(
            ty,
            if ty.starts_with("DECIMAL") {
                "-0.00"
            } else {
                "-0.0"
            },
        )?;
        let lit = sync_plan::literal(&table.columns[1], &zero)?;
        let bound = match zero {
            Value::Float(f) => mysql::Value::Float(f),
            Value::Double(d) => mysql::Value::Double(d),
            _ => mysql::Value::Bytes(b"-0.00".to_vec()),
        };
        conn.query_drop(format!(
            "SET SESSION sql_mode = '{}'",
            sync_plan::SESSION_SQL_MODE
        ))?;
        conn.query_drop(format!(
            "INSERT INTO un.{name} VALUES (1, {lit}), (2, 5), (4, 0), (5, -1 * 0e0), \
             (6, CAST(-0e0 AS DOUBLE)); \
             UPDATE un.{name} SET x = {lit} WHERE id = 2; \
             UPDATE un.{name} SET x = -x WHERE id = 4"
        ))?;
        conn.exec_drop(format!("INSERT INTO un.{name} VALUES (3, ?)"), (bound,))?;
        for id in 1..=6 {
            assert!(
                positive_zero(conn, &format!("un.{name}"), id)?,
                "{ty} row {id} (the literal {lit}): not stored as +0"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 5 * 6);
    Ok(())
}

/// A primary (signed columns), its replica (the source: `UNSIGNED` columns holding the
/// primary's negatives) and the target (`UNSIGNED` columns), with the rows below. The target
/// replicated the primary's first rows, then was detached; the primary's changes after that
/// reached the source only:
///
/// | table, row | source | target | plan |
/// |---|---|---|---|
/// | `un.t` id 4 | d -2, v 40 | d -2, v 4 | `v` updated (`d` not written) |
/// | `un.t` id 10 | d -1.5 | d 15 | cannot repair: `d` negative |
/// | `un.t` id 20 | e -3.25, v 200 | e 20.25, v 20 | `v` updated; `e` cannot be repaired |
/// | `un.t` id 35 | v 35 | v -35 | updated |
/// | `un.t` id 101 | d -0.5 | missing | cannot repair: `d` negative |
/// | `un.t` id 102 | d 0.5 | missing | inserted |
/// | `un.t` id 1000 | missing | present | deleted |
/// | `un.k` k -4.00 | missing | present | deleted by its negative key |
/// | `un.k` k -2.75 | v 3 | missing | cannot repair: `k` negative |
/// | `un.k` k -1.50 | v 7 | v 1 | updated by its negative key |
/// | `un.k` k 3.00 | v 4 | missing | inserted |
/// | `un.m` d -2.5 | missing | v 1 | deleted by its exact values |
/// | `un.m` d -1.5 | v 7 | v 1 | cannot repair: `d` negative (the target's copy deleted) |
///
/// `un.m` is keyed by a DOUBLE, so compared as a multiset: its changed row is a missing row
/// and an extra one.
fn setup() -> Result<Option<(Pair, Server)>, Box<dyn Error>> {
    if common::no_server() {
        return Ok(None);
    }
    let other = std::thread::spawn(|| {
        Server::start(ServerOptions {
            server_id: 3,
            log_bin: false,
            ..ServerOptions::default()
        })
    });
    let pair = Pair::start()?;
    let target = other.join().map_err(|_| "server start panicked")??;
    let (mut p, mut r, mut t) = (pair.primary.conn()?, pair.replica.conn()?, target.conn()?);
    t.query_drop(format!(
        "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT={}, MASTER_USER='root', \
         MASTER_PASSWORD='', MASTER_CONNECT_RETRY=1, MASTER_USE_GTID=slave_pos; START SLAVE",
        pair.primary.port()
    ))?;
    let caught_up = |p: &mut Conn, t: &mut Conn| -> TestResult {
        pair.wait_replica_caught_up(Duration::from_secs(60))?;
        let pos: Option<String> = p.query_first("SELECT @@gtid_binlog_pos")?;
        let waited: Option<i64> =
            t.exec_first("SELECT MASTER_GTID_WAIT(?, 60)", (pos.unwrap_or_default(),))?;
        assert_eq!(waited, Some(0), "the target replicates from the primary");
        Ok(())
    };
    p.query_drop("CREATE DATABASE un")?;
    caught_up(&mut p, &mut t)?;
    let tables = [
        "t (id INT PRIMARY KEY, d DOUBLE{u}, e DECIMAL(10,2){u}, v INT)",
        "k (k DECIMAL(10,2){u} PRIMARY KEY, v INT)",
        "m (d DOUBLE{u} NOT NULL PRIMARY KEY, v INT)",
    ];
    // Each server its own definition: not through the binary log.
    for (conn, unsigned) in [(&mut p, ""), (&mut r, " UNSIGNED"), (&mut t, " UNSIGNED")] {
        conn.query_drop("SET SESSION sql_log_bin = 0")?;
        for table in tables {
            conn.query_drop(format!(
                "CREATE TABLE un.{}",
                table.replace("{u}", unsigned)
            ))?;
        }
        conn.query_drop("SET SESSION sql_log_bin = 1")?;
    }
    p.query_drop(
        "INSERT INTO un.t SELECT seq, seq * 1.5, seq + 0.25, seq FROM un.seq_1_to_100; \
         UPDATE un.t SET d = -2 WHERE id = 4; \
         INSERT INTO un.k VALUES (-4.00, 1), (-1.50, 1), (0.00, 1), (1.50, 1), (2.00, 1); \
         INSERT INTO un.m VALUES (-2.5, 1), (-1.5, 1), (3.5, 1)",
    )?;
    caught_up(&mut p, &mut t)?;
    t.query_drop("STOP SLAVE; RESET SLAVE ALL")?;
    p.query_drop(
        "UPDATE un.t SET v = 40 WHERE id = 4; \
         UPDATE un.t SET d = -1.5 WHERE id = 10; \
         UPDATE un.t SET e = -3.25, v = 200 WHERE id = 20; \
         INSERT INTO un.t VALUES (101, -0.5, 3.00, 101), (102, 0.5, 5.00, 102); \
         DELETE FROM un.k WHERE k = -4.00; \
         UPDATE un.k SET v = 7 WHERE k = -1.50; \
         INSERT INTO un.k VALUES (-2.75, 3), (3.00, 4); \
         DELETE FROM un.m WHERE d = -2.5; \
         UPDATE un.m SET v = 7 WHERE d = -1.5",
    )?;
    pair.wait_replica_caught_up(Duration::from_secs(60))?;
    t.query_drop(
        "UPDATE un.t SET v = -35 WHERE id = 35; INSERT INTO un.t VALUES (1000, 1, 1, 1000)",
    )?;
    // The source and the target hold negatives in their UNSIGNED columns.
    for conn in [&mut r, &mut t] {
        let n: Option<u64> = conn.query_first(
            "SELECT (SELECT COUNT(*) FROM un.t WHERE d + 0 < 0 OR e + 0 < 0) \
             + (SELECT COUNT(*) FROM un.k WHERE k + 0 < 0) \
             + (SELECT COUNT(*) FROM un.m WHERE d + 0 < 0)",
        )?;
        assert!(n.unwrap_or(0) >= 3, "negatives in UNSIGNED columns: {n:?}");
    }
    Ok(Some((pair, target)))
}

/// Every row of `un.t`, `un.k` and `un.m` as text (DOUBLE through `+ 0e0`, exact for these
/// values; DECIMAL as stored), in key order.
fn contents(conn: &mut Conn) -> Result<[Vec<String>; 3], Box<dyn Error>> {
    let t = conn.query("SELECT CONCAT_WS(' ', id, d + 0e0, e, v) FROM un.t ORDER BY id")?;
    let k = conn.query("SELECT CONCAT_WS(' ', k, v) FROM un.k ORDER BY k")?;
    let m = conn.query("SELECT CONCAT_WS(' ', d + 0e0, v) FROM un.m ORDER BY d")?;
    Ok([t, k, m])
}

/// The `table-sync: cannot repair:` lines of a run's stderr.
fn cannot_repair(err: &str) -> Vec<&str> {
    err.lines()
        .filter(|l| l.starts_with("table-sync: cannot repair: "))
        .collect()
}

/// Rows whose repair would write a negative value into an `UNSIGNED` column are reported with
/// table, key, column, the source's value and what the server does, and left out: the first
/// `--execute` repairs the rest, a second run plans nothing and reports the same rows, and
/// `--include-unrepairable` writes them, which the server refuses (error 1264): exit 2, the
/// target unchanged. Then `-0` from a binary log: [`negative_zero_from_a_binary_log`].
#[test]
fn negatives_into_unsigned_columns_are_reported_and_left_out() -> TestResult {
    let Some((pair, target)) = setup()? else {
        return Ok(());
    };
    let (mut s, mut t) = (pair.replica.conn()?, target.conn()?);
    eprintln!("servers: MariaDB {}", version(&mut s)?);
    let (su, tu) = (pair.replica.url(), target.url());
    let sync = |extra: &[&str]| {
        let mut args = vec!["--source", su.as_str(), "--target", tu.as_str()];
        args.extend_from_slice(extra);
        run(env!("CARGO_BIN_EXE_table-sync"), args)
    };
    let before = contents(&mut t)?;

    let refused = "which the server refuses (error 1264) under the plan's strict sql_mode and \
                   stores as 0 under others";
    let expected = [
        format!(
            "`un`.`k` row `k`=-2.75: cannot be repaired by writing: the target column's type \
             cannot hold it: `k` -2.75 is negative in DECIMAL(10,2) UNSIGNED, {refused}, the \
             target lacks the row; left out of the statements"
        ),
        format!(
            "`un`.`m` row `d`=-1.5e0, `v`=7: cannot be repaired by writing: the target column's \
             type cannot hold it: `d` -1.5e0 is negative in DOUBLE UNSIGNED, {refused}, the \
             target lacks the row; left out of the statements"
        ),
        format!(
            "`un`.`t` row `id`=10: cannot be repaired by writing: the target column's type \
             cannot hold it: `d` -1.5e0 is negative in DOUBLE UNSIGNED, {refused}, the target \
             has 1.5e1; left out of the statements"
        ),
        format!(
            "`un`.`t` row `id`=20: cannot be repaired by writing: the target column's type \
             cannot hold it: `e` -3.25 is negative in DECIMAL(10,2) UNSIGNED, {refused}, the \
             target has 20.25; left out of the statements"
        ),
        format!(
            "`un`.`t` row `id`=101: cannot be repaired by writing: the target column's type \
             cannot hold it: `d` -5e-1 is negative in DOUBLE UNSIGNED, {refused}, the target \
             lacks the row; left out of the statements"
        ),
    ];
    let reported: Vec<String> = expected
        .iter()
        .map(|l| format!("table-sync: cannot repair: {l}"))
        .collect();

    // The plan, reviewed: the rows named, the other repairs there, no negative written.
    let (code, out, err) = sync(&["--databases", "un", "--print"])?;
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(contents(&mut t)?, before, "--print changes nothing");
    assert_eq!(cannot_repair(&err), reported, "{err}");
    for line in &expected {
        assert!(
            out.contains(&format!("-- cannot repair: {line}\n")),
            "{out}"
        );
    }
    assert!(
        err.contains(
            "table-sync: 5 rows cannot be repaired by writing, as the target column's type \
             rounds the source's value or cannot hold it: 5 left out of the statements \
             (--include-unrepairable writes them anyway)"
        ),
        "{err}"
    );
    assert!(
        !err.contains("warning"),
        "nothing written is refused: {err}"
    );
    let statements: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("/* table-sync src:"))
        .map(|l| l.split(" /* table-sync").next().unwrap_or(l))
        .collect();
    assert_eq!(
        statements,
        [
            "DELETE FROM `un`.`k` WHERE `k` <= CAST('0.00' AS DECIMAL(65,2)) AND (`k` + 0) = \
             -4.00 LIMIT 1",
            "INSERT INTO `un`.`k` (`k`, `v`) VALUES (3.00, 4)",
            "UPDATE `un`.`k` SET `v` = 7 WHERE `k` <= CAST('0.00' AS DECIMAL(65,2)) AND \
             (`k` + 0) = -1.50 LIMIT 1",
            "DELETE FROM `un`.`m` WHERE `d` <= CAST('0' AS DECIMAL(65,0)) AND (`d` + 0e0) = \
             -1.5e0 AND `v` <=> 1 LIMIT 1",
            "DELETE FROM `un`.`m` WHERE `d` <= CAST('0' AS DECIMAL(65,0)) AND (`d` + 0e0) = \
             -2.5e0 AND `v` <=> 1 LIMIT 1",
            "DELETE FROM `un`.`t` WHERE `id` = 1000 LIMIT 1",
            "INSERT INTO `un`.`t` (`id`, `d`, `e`, `v`) VALUES (102, 5e-1, 5.00, 102)",
            "UPDATE `un`.`t` SET `v` = 40 WHERE `id` = 4 LIMIT 1",
            "UPDATE `un`.`t` SET `v` = 200 WHERE `id` = 20 LIMIT 1",
            "UPDATE `un`.`t` SET `v` = 35 WHERE `id` = 35 LIMIT 1",
        ],
        "{out}"
    );
    // The JSON plan carries the rows and what the server does with each value.
    let (code, out, err) = sync(&["--databases", "un", "--print", "--json"])?;
    assert_eq!(code, 1, "{out}{err}");
    let plan = sync_plan::Plan::from_json(&out)?;
    assert_eq!(plan.unrepairable_count(), 5);
    assert!(plan.tables.iter().flat_map(|tp| &tp.unrepairable).all(|u| u
        .values
        .iter()
        .all(|v| v.stored == Stored::NegativeInUnsigned)));

    // The first --execute repairs the rest; the reported rows keep the target's values.
    let (code, out, err) = sync(&["--databases", "un", "--execute"])?;
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("table-sync: 10 statements executed"), "{err}");
    assert!(
        err.contains("table-sync: 5 of them are rows no statement can repair"),
        "{err}"
    );
    let after = contents(&mut t)?;
    let [mut want_t, mut want_k, mut want_m] = contents(&mut s)?;
    for row in &mut want_t {
        if row.starts_with("10 ") {
            *row = "10 15 10.25 10".into();
        } else if row.starts_with("20 ") {
            *row = "20 30 20.25 200".into();
        }
    }
    want_t.retain(|r| !r.starts_with("101 "));
    want_k.retain(|r| r != "-2.75 3");
    want_m.retain(|r| r != "-1.5 7");
    assert_eq!(after, [want_t, want_k, want_m]);

    // The second run plans nothing, reports the same rows, and changes nothing.
    let (code, out, err) = sync(&["--databases", "un", "--execute"])?;
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("table-sync: 0 statements planned"), "{err}");
    assert!(
        err.contains(
            "table-sync: nothing to execute; 5 rows still differ that no statement can repair"
        ),
        "{err}"
    );
    assert_eq!(cannot_repair(&err), reported, "{err}");
    assert_eq!(contents(&mut t)?, after);

    // Asked to write them, the server refuses the first: exit 2 with the error, the table and
    // the statement named, the transaction rolled back.
    for (tables, first) in [
        (
            "un.t",
            "INSERT INTO `un`.`t` (`id`, `d`, `e`, `v`) VALUES (101, -5e-1, 3.00, 101)",
        ),
        ("un.k", "INSERT INTO `un`.`k` (`k`, `v`) VALUES (-2.75, 3)"),
        ("un.m", "INSERT INTO `un`.`m` (`d`, `v`) VALUES (-1.5e0, 7)"),
    ] {
        let (code, out, err) = sync(&["--tables", tables, "--execute", "--include-unrepairable"])?;
        assert_eq!(code, 2, "{out}{err}");
        assert!(
            err.contains(&format!(
                "table-sync: warning: `{}`: ",
                tables.replace('.', "`.`")
            )) && err.contains("negative values are written to UNSIGNED FLOAT/DOUBLE/DECIMAL"),
            "{err}"
        );
        let error = err
            .lines()
            .find(|l| l.starts_with("table-sync: error:"))
            .ok_or_else(|| format!("no error line: {err}"))?;
        assert!(
            error.contains("1264") && error.contains(tables) && error.contains(first),
            "{error}"
        );
        assert_eq!(contents(&mut t)?, after, "{tables}: the target unchanged");
    }
    negative_zero_from_a_binary_log(&pair, &target)
}

/// A row image of `nz.t (id INT, f FLOAT, d DOUBLE, fm FLOAT(7,2), dm DOUBLE(10,3), v INT)`
/// with `x` in the four floating-point columns.
fn t_image(id: i32, x: f64, v: i32) -> Vec<u8> {
    let mut r = vec![0]; // no NULL
    r.extend_from_slice(&id.to_le_bytes());
    r.extend_from_slice(&(x as f32).to_le_bytes());
    r.extend_from_slice(&x.to_le_bytes());
    r.extend_from_slice(&(x as f32).to_le_bytes());
    r.extend_from_slice(&x.to_le_bytes());
    r.extend_from_slice(&v.to_le_bytes());
    r
}

/// How many of `conn`'s rows of `table` matching `filter` hold `-0` in every one of
/// `columns`, as the server sees it (`ATAN2(x, -1)` is `-pi` for `-0`, `pi` for `+0`).
fn negative_zero_rows(
    conn: &mut Conn,
    table: &str,
    columns: &[&str],
    filter: &str,
) -> Result<usize, Box<dyn Error>> {
    let negative: Vec<String> = columns
        .iter()
        .map(|c| format!("{c} = 0 AND ATAN2({c}, -1) < 0"))
        .collect();
    let n: Option<usize> = conn.query_first(format!(
        "SELECT COUNT(*) FROM {table} WHERE ({filter}) AND {}",
        negative.join(" AND ")
    ))?;
    Ok(n.unwrap_or(0))
}

/// `-0` in FLOAT, DOUBLE, FLOAT(7,2) and DOUBLE(10,3) columns, put there as only a row image
/// can (a `BINLOG` statement on the primary, replicated to the source; another on the
/// target). MariaDB keeps it, compares it equal to `+0`, and sends it as `+0` (binary
/// protocol) or `0` (text), so `table-sync` never sees it, and the checksums agree:
///
/// | table, row | source | target | plan |
/// |---|---|---|---|
/// | `nz.t` id 1 | -0 | +0 | nothing |
/// | `nz.t` id 2 | -0, v 2 | 1.5 to 4.5, v 20 | updated (read as +0) |
/// | `nz.t` id 3 | -0 | missing | inserted (read as +0) |
/// | `nz.t` id 4 | +0 | -0 | nothing |
/// | `nz.t` id 5 | 7.5 | 7.5 | nothing |
/// | `nz.m` (keyless) | (-0, -0, 1), (7, 7, 7) | (+0, +0, 1), (8, 8, 8) | (8, 8, 8) deleted, (7, 7, 7) inserted |
///
/// Every row sits in one range of both tables, so the zero rows are fetched and compared too.
/// Nothing is reported as beyond repair, the first run repairs rows 2 and 3 and the keyless
/// rows, the second plans nothing, and every checksum (each algorithm, both engines) agrees
/// while the source still holds `-0` where the target holds `+0`. So a MariaDB source holding
/// `-0` plans nothing again; a source that hands the plan a `-0` (MySQL, or values decoded
/// from a binary log) is covered by `sync_plan`'s unit tests. Last, a unique index takes `-0`
/// and `+0` for one key.
fn negative_zero_from_a_binary_log(pair: &Pair, target: &Server) -> TestResult {
    let (mut p, mut s, mut t) = (pair.primary.conn()?, pair.replica.conn()?, target.conn()?);
    let schema = "CREATE DATABASE nz; \
                  CREATE TABLE nz.t (id INT PRIMARY KEY, f FLOAT, d DOUBLE, fm FLOAT(7,2), \
                  dm DOUBLE(10,3), v INT); \
                  CREATE TABLE nz.m (f FLOAT, d DOUBLE, v INT)";
    p.query_drop(schema)?;
    p.query_drop(
        "INSERT INTO nz.t VALUES (4, 0, 0, 0, 0, 4), (5, 7.5, 7.5, 7.5, 7.5, 5); \
         INSERT INTO nz.m VALUES (7, 7, 7)",
    )?;
    let t_columns = [INT, FLOAT, DOUBLE, FLOAT, DOUBLE, INT];
    let images: Vec<Vec<u8>> = (1..=3).map(|id| t_image(id, -0.0, id)).collect();
    row_image::apply(&mut p, "nz", "t", &t_columns, &images)?;
    let mut m_image = vec![0]; // no NULL
    m_image.extend_from_slice(&(-0f32).to_le_bytes());
    m_image.extend_from_slice(&(-0f64).to_le_bytes());
    m_image.extend_from_slice(&1i32.to_le_bytes());
    row_image::apply(&mut p, "nz", "m", &[FLOAT, DOUBLE, INT], &[m_image])?;
    pair.wait_replica_caught_up(Duration::from_secs(60))?;
    // The target (detached): its own rows.
    t.query_drop(schema)?;
    t.query_drop(
        "INSERT INTO nz.t VALUES (1, 0, 0, 0, 0, 1), (2, 1.5, 2.5, 3.5, 4.5, 20), \
         (5, 7.5, 7.5, 7.5, 7.5, 5); \
         INSERT INTO nz.m VALUES (0, 0, 1), (8, 8, 8)",
    )?;
    row_image::apply(&mut t, "nz", "t", &t_columns, &[t_image(4, -0.0, 4)])?;

    // The row images are stored as they are, through replication too.
    let floats = ["f", "d", "fm", "dm"];
    for (conn, side) in [(&mut p, "primary"), (&mut s, "source")] {
        assert_eq!(
            negative_zero_rows(conn, "nz.t", &floats, "id IN (1, 2, 3)")?,
            3,
            "{side}: -0 in rows 1-3"
        );
        assert_eq!(negative_zero_rows(conn, "nz.t", &["f"], "id = 4")?, 0);
        assert_eq!(negative_zero_rows(conn, "nz.m", &["f", "d"], "v = 1")?, 1);
    }
    assert_eq!(negative_zero_rows(&mut t, "nz.t", &floats, "id = 4")?, 1);
    for c in floats {
        assert_eq!(negative_zero_rows(&mut t, "nz.t", &[c], "id IN (1, 2)")?, 0);
    }
    // The server compares -0 equal to +0, and sends it without its sign.
    let zero_rows: Option<u64> = s.query_first(
        "SELECT COUNT(*) FROM nz.t WHERE f = 0 AND d = 0 AND fm <=> 0e0 AND dm <=> 0",
    )?;
    assert_eq!(zero_rows, Some(4), "-0 = 0 on the server");
    let row: Option<mysql::Row> = s.exec_first("SELECT f, d, fm, dm FROM nz.t WHERE id = 1", ())?;
    let row = row.ok_or("no row 1")?.unwrap();
    let positive = |v: &mysql::Value| match *v {
        mysql::Value::Float(f) => f.to_bits() == 0,
        mysql::Value::Double(d) => d.to_bits() == 0,
        _ => false,
    };
    assert!(
        row.len() == 4 && row.iter().all(positive),
        "the binary protocol sends -0 as +0: {row:?}"
    );
    let text: Option<(String, String, String, String)> =
        s.query_first("SELECT f, d, fm, dm FROM nz.t WHERE id = 1")?;
    assert_eq!(
        text,
        Some(("0".into(), "0".into(), "0.00".into(), "0.000".into())),
        "the text protocol sends -0 as 0"
    );

    let (su, tu) = (pair.replica.url(), target.url());
    let sync = |mode: &str| {
        run(
            env!("CARGO_BIN_EXE_table-sync"),
            ["--source", &su, "--target", &tu, "--databases", "nz", mode],
        )
    };
    let (code, out, err) = sync("--print")?;
    assert_eq!(code, 1, "differences to repair: {out}{err}");
    assert_eq!(cannot_repair(&err), Vec::<&str>::new(), "{err}");
    assert!(
        !out.contains("cannot repair") && !err.contains("warning"),
        "{out}{err}"
    );
    let statements: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("/* table-sync src:"))
        .map(|l| l.split(" /* table-sync").next().unwrap_or(l))
        .collect();
    assert_eq!(
        statements,
        [
            "DELETE FROM `nz`.`m` WHERE `f` <=> 8e0 AND `d` <=> 8e0 AND `v` <=> 8 LIMIT 1",
            "INSERT INTO `nz`.`m` (`f`, `d`, `v`) VALUES (7e0, 7e0, 7)",
            "INSERT INTO `nz`.`t` (`id`, `f`, `d`, `fm`, `dm`, `v`) VALUES (3, 0e0, 0e0, 0e0, \
             0e0, 3)",
            "UPDATE `nz`.`t` SET `f` = 0e0, `d` = 0e0, `fm` = 0e0, `dm` = 0e0, `v` = 2 WHERE \
             `id` = 2 LIMIT 1",
        ],
        "{out}"
    );
    let (code, out, err) = sync("--execute")?;
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("table-sync: 4 statements executed"), "{err}");
    for c in floats {
        let n = negative_zero_rows(&mut t, "nz.t", &[c], "id IN (1, 2, 3)")?;
        assert_eq!(n, 0, "the target holds +0 in `{c}` after the repair");
    }
    assert_eq!(
        negative_zero_rows(&mut s, "nz.t", &floats, "id IN (1, 2, 3)")?,
        3,
        "the source keeps its -0"
    );
    let (code, out, err) = sync("--print")?;
    assert_eq!(code, 0, "nothing left to repair: {out}{err}");
    assert!(err.contains("table-sync: 0 statements planned"), "{err}");
    for algorithm in ["strong", "fast", "pt"] {
        for engine in ["client", "server"] {
            let (code, out, err) = run(
                env!("CARGO_BIN_EXE_table-checksum"),
                [
                    "--source",
                    &su,
                    "--target",
                    &tu,
                    "--databases",
                    "nz",
                    "--algorithm",
                    algorithm,
                    "--engine",
                    engine,
                ],
            )?;
            assert_eq!(code, 0, "{algorithm} {engine}: -0 and +0 agree: {out}{err}");
        }
    }
    // A unique index takes -0 and +0 for one key.
    t.query_drop("CREATE TABLE nz.u (k DOUBLE, UNIQUE KEY (k))")?;
    row_image::apply(
        &mut t,
        "nz",
        "u",
        &[DOUBLE],
        &[[vec![0], (-0f64).to_le_bytes().to_vec()].concat()],
    )?;
    assert_eq!(negative_zero_rows(&mut t, "nz.u", &["k"], "TRUE")?, 1);
    match t.query_drop("INSERT INTO nz.u VALUES (0e0)") {
        Err(mysql::Error::MySqlError(e)) if e.code == 1062 => {}
        other => return Err(format!("+0 next to -0 in a unique index: {other:?}").into()),
    }
    Ok(())
}
