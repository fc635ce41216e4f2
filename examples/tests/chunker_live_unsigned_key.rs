//! Chunk walks and checksums over `UNSIGNED` `FLOAT`, `DOUBLE`, `FLOAT(M,D)` and `DECIMAL`
//! keys that hold negative values, on a real MariaDB.
//!
//! Such values are real: every write through SQL refuses a negative value for these columns
//! (strict mode) or stores 0, and so does `ALTER TABLE ... MODIFY k FLOAT UNSIGNED` (which
//! must copy the table: MariaDB 10.11 refuses `ALGORITHM=INSTANT` and `NOCOPY` for it), but
//! row-based replication from a signed column on the primary applies the stored value to the
//! replica's `UNSIGNED` column of the same type as it is. MariaDB 10.11 then compares the
//! values exactly row by row, and sorts them below 0 in an index, but clamps a negative
//! constant to 0 before an index range scan: `k >= -1.5` starts at 0 and `k = -1.5` is
//! impossible. With the chunk predicates the chunker wrote before it knew `UNSIGNED` for these
//! types, the walk test fails: chunks whose lower bound is negative lose their negative rows
//! and boundary queries skip them (or the walk makes no progress).
//!
//! So each table is made on a primary with signed columns and on its replica with `UNSIGNED`
//! ones, the rows written on the primary. On the replica, walks with chunks of 1, 2, 3 and 7
//! rows over each key (FLOAT, DOUBLE, FLOAT(7,2) and DECIMAL(10,2) primary keys, an INT +
//! DOUBLE primary key, a nullable non-unique FLOAT index) must put every row in exactly one
//! chunk as the server evaluates the chunk predicates over the walked index, the one the
//! chunk's bounds say by exact comparison. Then `table-checksum` between the primary and the
//! replica, both ways, reports nothing, and reports a change on the replica to any one row
//! whose key is negative.

mod common;

use std::error::Error;
use std::time::Duration;

use common::numeric_keys::{check_partition, checksum_runs, number};
use examples::harness::Pair;

use chunker::live::{collect_chunks, load_table};
use chunker::{choose_key, Bound, ChunkSize, Walker};
use mysql::prelude::Queryable;

type TestResult = Result<(), Box<dyn Error>>;

/// One table: its signed columns on the primary, its `UNSIGNED` ones on the replica, and its
/// rows (key parts, then `rid`).
struct Case {
    name: &'static str,
    primary: &'static str,
    replica: &'static str,
    columns: &'static str,
    rows: Vec<Vec<mysql::Value>>,
}

fn row(mut parts: Vec<mysql::Value>, rid: usize) -> Vec<mysql::Value> {
    parts.push(mysql::Value::Int(rid as i64));
    parts
}

/// Quarter steps from -15 to 15, and a few far and tiny values of both signs.
fn reals() -> Vec<f64> {
    let mut v: Vec<f64> = (-60..=60).map(|i| f64::from(i) * 0.25).collect();
    v.extend([-1e30, 1e30, -1e-30, 1e-30, -12_345.5, 12_345.5]);
    v
}

fn cases() -> Vec<Case> {
    let f = |x: f64| mysql::Value::Float(x as f32);
    let d = mysql::Value::Double;
    let numbered = |parts: Vec<Vec<mysql::Value>>| -> Vec<Vec<mysql::Value>> {
        parts
            .into_iter()
            .enumerate()
            .map(|(i, p)| row(p, i))
            .collect()
    };
    let fixed: Vec<f64> = reals()
        .into_iter()
        .filter(|x| x.abs() < 99_999.0 && (*x == 0.0 || x.abs() >= 0.01))
        .chain([-99_999.99, 99_999.99, -0.01, 0.01])
        .collect();
    let decimals: Vec<String> = fixed
        .iter()
        .map(|x| format!("{x:.2}"))
        .chain(["-99999999.99".to_string(), "99999999.99".to_string()])
        .collect();
    // (a, k): three runs of the same keys under each leading value.
    let composite: Vec<Vec<mysql::Value>> = (0..3i64)
        .flat_map(|a| (-8..=8).map(move |i| vec![mysql::Value::Int(a), d(f64::from(i) * 0.5)]))
        .collect();
    // A nullable, non-unique index: NULLs and runs of equal negative keys.
    let nullable: Vec<Vec<mysql::Value>> = (0..120)
        .map(|i| {
            let k = match i % 9 {
                0 => mysql::Value::NULL,
                r => f(f64::from(r - 5) * 0.75),
            };
            vec![k]
        })
        .collect();
    vec![
        Case {
            name: "f",
            primary: "k FLOAT NOT NULL, PRIMARY KEY (k)",
            replica: "k FLOAT UNSIGNED NOT NULL, PRIMARY KEY (k)",
            columns: "k",
            rows: numbered(reals().into_iter().map(|x| vec![f(x)]).collect()),
        },
        Case {
            name: "d",
            primary: "k DOUBLE NOT NULL, PRIMARY KEY (k)",
            replica: "k DOUBLE UNSIGNED NOT NULL, PRIMARY KEY (k)",
            columns: "k",
            rows: numbered(
                reals()
                    .into_iter()
                    .chain([-1e300, 1e300])
                    .map(|x| vec![d(x)])
                    .collect(),
            ),
        },
        Case {
            name: "m",
            primary: "k FLOAT(7,2) NOT NULL, PRIMARY KEY (k)",
            replica: "k FLOAT(7,2) UNSIGNED NOT NULL, PRIMARY KEY (k)",
            columns: "k",
            rows: numbered(fixed.iter().map(|x| vec![f(*x)]).collect()),
        },
        Case {
            name: "e",
            primary: "k DECIMAL(10,2) NOT NULL, PRIMARY KEY (k)",
            replica: "k DECIMAL(10,2) UNSIGNED NOT NULL, PRIMARY KEY (k)",
            columns: "k",
            rows: numbered(
                decimals
                    .iter()
                    .map(|t| vec![mysql::Value::Bytes(t.clone().into_bytes())])
                    .collect(),
            ),
        },
        Case {
            name: "c",
            primary: "a INT NOT NULL, k DOUBLE NOT NULL, PRIMARY KEY (a, k)",
            replica: "a INT NOT NULL, k DOUBLE UNSIGNED NOT NULL, PRIMARY KEY (a, k)",
            columns: "a, k",
            rows: numbered(composite),
        },
        Case {
            name: "n",
            primary: "k FLOAT NULL, KEY ik (k)",
            replica: "k FLOAT UNSIGNED NULL, KEY ik (k)",
            columns: "k",
            rows: numbered(nullable),
        },
    ]
}

/// A primary and its replica with every case's table, signed on the primary and `UNSIGNED` on
/// the replica, the rows written on the primary and replicated; `None` (skipped) without
/// `mariadbd`.
fn setup() -> Result<Option<Pair>, Box<dyn Error>> {
    if common::no_server() {
        return Ok(None);
    }
    let pair = Pair::start()?;
    let (mut p, mut r) = (pair.primary.conn()?, pair.replica.conn()?);
    p.query_drop("CREATE DATABASE uk")?;
    pair.wait_replica_caught_up(Duration::from_secs(60))?;
    for case in cases() {
        let create = |columns: &str| {
            format!(
                "CREATE TABLE uk.{} ({columns}, rid INT NOT NULL, v INT NOT NULL DEFAULT 0)",
                case.name
            )
        };
        // Each side its own definition: not through the binary log.
        for (conn, columns) in [(&mut p, case.primary), (&mut r, case.replica)] {
            conn.query_drop("SET SESSION sql_log_bin = 0")?;
            conn.query_drop(create(columns))?;
            conn.query_drop("SET SESSION sql_log_bin = 1")?;
        }
        let marks = vec!["?"; case.rows[0].len()].join(", ");
        p.exec_batch(
            format!(
                "INSERT INTO uk.{} ({}, rid) VALUES ({marks})",
                case.name, case.columns
            ),
            case.rows.iter().cloned(),
        )?;
    }
    pair.wait_replica_caught_up(Duration::from_secs(60))?;
    for case in cases() {
        r.query_drop(format!("ANALYZE TABLE uk.{}", case.name))?;
        // The replica holds the negative keys, the primary's values exactly.
        let sql = format!(
            "SELECT COUNT(*) FROM uk.{} WHERE {} + 0 < 0",
            case.name,
            case.columns.rsplit(", ").next().unwrap_or("k")
        );
        let (on_p, on_r): (Option<u64>, Option<u64>) = (p.query_first(&sql)?, r.query_first(&sql)?);
        assert!(on_p.unwrap_or(0) > 5, "uk.{}: negative keys", case.name);
        assert_eq!(on_p, on_r, "uk.{}: the replica has them too", case.name);
    }
    Ok(Some(pair))
}

/// Whether a bound tuple has a negative part.
fn negative(b: &Bound) -> bool {
    b.values()
        .is_some_and(|v| v.iter().any(|x| number(x).is_some_and(|n| n < 0.0)))
}

#[test]
fn walks_over_unsigned_keys_holding_negative_values_partition_the_rows() -> TestResult {
    let Some(pair) = setup()? else {
        return Ok(());
    };
    let mut conn = pair.replica.conn()?;
    for case in cases() {
        let table = load_table(&mut conn, "uk", case.name)?;
        let k = table.find_column("k").ok_or("no column k")?;
        assert!(k.unsigned, "uk.{}: k is UNSIGNED in the model", case.name);
        let index = if case.name == "n" { "ik" } else { "PRIMARY" };
        let choice = choose_key(&table, Some(index))?;
        for size in [1u64, 2, 3, 7] {
            let what = format!("uk.{} in chunks of {size}", case.name);
            let mut walker = Walker::new(&table, &choice, ChunkSize::Rows(size))?;
            let chunks = collect_chunks(&mut conn, &mut walker)?;
            assert!(chunks.len() > 5, "{what}: {} chunks", chunks.len());
            check_partition(&mut conn, &table, &chunks, &what)?;
            // Chunks that start among the negative keys: the ones the server's clamping
            // emptied.
            let from_negative = chunks.iter().filter(|c| negative(&c.lower)).count();
            assert!(from_negative > 1, "{what}: chunks among the negative keys");
        }
        eprintln!("uk.{}: every walk partitions the rows", case.name);
    }
    Ok(())
}

#[test]
fn table_checksum_sees_a_change_to_any_row_with_a_negative_unsigned_key() -> TestResult {
    let Some(pair) = setup()? else {
        return Ok(());
    };
    let (pu, ru) = (pair.primary.url(), pair.replica.url());
    let all = "uk.f,uk.d,uk.m,uk.e,uk.c,uk.n";
    // Both ways: the replica's model (UNSIGNED) walked, or the primary's (signed), which
    // table-checksum marks UNSIGNED where the target's column is.
    for (source, target) in [(&pu, &ru), (&ru, &pu)] {
        for (code, out) in checksum_runs(source, target, all)? {
            assert_eq!(code, 0, "the same rows: {out}");
        }
    }
    let mut r = pair.replica.conn()?;
    // One row at a time, changed on the replica (its key stays as stored), then put back.
    let changes: [(&str, &[i64]); 6] = [
        ("f", &[0, 20, 121]),
        ("d", &[0, 59, 127]),
        ("m", &[1, 30]),
        ("e", &[2, 45]),
        ("c", &[0, 20]),
        ("n", &[1, 3]),
    ];
    for (table, rids) in changes {
        for rid in rids {
            let key: Option<String> = r.exec_first(
                format!("SELECT CONCAT_WS(',', {}) FROM uk.{table} WHERE rid = ?", {
                    let case = cases().into_iter().find(|c| c.name == table);
                    case.map_or("k", |c| c.columns)
                }),
                (rid,),
            )?;
            let what = format!("uk.{table} rid {rid} (key {key:?})");
            assert!(
                key.as_deref().is_some_and(|k| k.contains('-')),
                "{what}: a negative key"
            );
            r.exec_drop(
                format!("UPDATE uk.{table} SET v = v + 1 WHERE rid = ?"),
                (rid,),
            )?;
            for (source, target) in [(&pu, &ru), (&ru, &pu)] {
                for (code, out) in checksum_runs(source, target, &format!("uk.{table}"))? {
                    assert_eq!(code, 1, "{what} changed on the replica: {out}");
                    assert!(
                        out.contains(&format!("uk {table} ")),
                        "{what}: the report names the table: {out}"
                    );
                }
            }
            r.exec_drop(
                format!("UPDATE uk.{table} SET v = v - 1 WHERE rid = ?"),
                (rid,),
            )?;
        }
    }
    Ok(())
}
