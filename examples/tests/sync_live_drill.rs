//! `table-sync`'s drill-down paths against real MariaDB 10.11.
//!
//! Integer keys (ranges cut by key value, no key walk): signed and unsigned BIGINT keys with
//! drift at both ends of the type, rows only on the target below the source's smallest and
//! beyond its largest key, sparse keys and a TINYINT key using every value. `--print` names
//! exactly the drifted rows, `--execute` makes the target's rows equal to the source's (checked
//! by reading both, not by checksums), and a second run finds nothing.
//!
//! Other keys (the key walked by both servers in turn): a composite VARCHAR/INT key over many
//! more chunks than one server walks at a time, with drift at both ends of the key order.

mod common;

use std::error::Error;

use mysql::prelude::Queryable;
use mysql::Conn;
use sync_plan::live::{self, DrillOptions};

type TestResult = Result<(), Box<dyn Error>>;

const I_MIN: i128 = i64::MIN as i128;
const I_MAX: i128 = i64::MAX as i128;
const U_MAX: i128 = u64::MAX as i128;

/// One table: its name, key type, the keys both sides share, the keys only the target has and
/// the shared keys whose row the target changes or lacks.
struct Case {
    name: &'static str,
    key_type: &'static str,
    shared: Vec<i128>,
    target_only: Vec<i128>,
    updated: Vec<i128>,
    deleted: Vec<i128>,
}

fn cases() -> Vec<Case> {
    let around = |c: i128, d: i128| (c - d..=c + d).collect::<Vec<_>>();
    // Signed: dense runs at both ends (the source's smallest key MIN+10, largest MAX-10),
    // around zero, and the target's extra rows at MIN..MIN+3 and MAX-5..=MAX.
    let mut signed: Vec<i128> = (I_MIN + 10..I_MIN + 400).collect();
    signed.extend(around(0, 150));
    signed.extend(I_MAX - 400..=I_MAX - 10);
    // Unsigned: 0.., the middle of the type, and up to MAX-3; the target alone has MAX-2..=MAX.
    let mut unsigned: Vec<i128> = (0..300).collect();
    unsigned.extend(around(U_MAX / 2, 100));
    unsigned.extend(U_MAX - 300..=U_MAX - 3);
    // Sparse: 1500 keys spread over the INT range, and one dense block.
    let mut sparse: Vec<i128> = (0..1500).map(|i| -2_000_000_000 + i * 2_654_435).collect();
    sparse.extend(1_000_000..1_000_300);
    vec![
        Case {
            name: "s",
            key_type: "BIGINT",
            shared: signed,
            target_only: vec![I_MIN, I_MIN + 1, I_MIN + 3, I_MAX - 5, I_MAX - 1, I_MAX],
            updated: vec![I_MIN + 10, I_MIN + 11, -3, 0, 77, I_MAX - 11, I_MAX - 10],
            deleted: vec![I_MIN + 12, I_MIN + 399, 1, I_MAX - 12, I_MAX - 400],
        },
        Case {
            name: "u",
            key_type: "BIGINT UNSIGNED",
            shared: unsigned,
            target_only: vec![U_MAX - 2, U_MAX - 1, U_MAX],
            updated: vec![0, 1, U_MAX / 2, U_MAX - 3, U_MAX - 4],
            deleted: vec![2, U_MAX / 2 + 1, U_MAX - 5],
        },
        Case {
            name: "sp",
            key_type: "INT",
            shared: sparse,
            target_only: vec![-2_147_483_648, 5, 2_147_483_647],
            updated: vec![
                -2_000_000_000,
                1_000_000 + 150,
                -2_000_000_000 + 777 * 2_654_435,
            ],
            deleted: vec![1_000_299, -2_000_000_000 + 1499 * 2_654_435],
        },
        Case {
            name: "ti",
            key_type: "TINYINT UNSIGNED",
            shared: (0..255).collect(),
            target_only: vec![255],
            updated: vec![0, 128, 254],
            deleted: vec![1, 200],
        },
    ]
}

fn insert(conn: &mut Conn, table: &str, rows: &[(i128, String)]) -> TestResult {
    for batch in rows.chunks(500) {
        let values: Vec<String> = batch.iter().map(|(k, v)| format!("({k}, '{v}')")).collect();
        conn.query_drop(format!(
            "INSERT INTO ie.{table} VALUES {}",
            values.join(", ")
        ))?;
    }
    Ok(())
}

fn setup(s: &mut Conn, t: &mut Conn) -> TestResult {
    for conn in [&mut *s, &mut *t] {
        conn.query_drop("CREATE DATABASE ie")?;
    }
    for case in cases() {
        let ddl = format!(
            "CREATE TABLE ie.{} (id {} NOT NULL PRIMARY KEY, v VARCHAR(40) NOT NULL)",
            case.name, case.key_type
        );
        let rows: Vec<(i128, String)> = case.shared.iter().map(|&k| (k, format!("v{k}"))).collect();
        for conn in [&mut *s, &mut *t] {
            conn.query_drop(&ddl)?;
            insert(conn, case.name, &rows)?;
        }
        let extra: Vec<(i128, String)> = case
            .target_only
            .iter()
            .map(|&k| (k, format!("extra{k}")))
            .collect();
        insert(t, case.name, &extra)?;
        for k in &case.updated {
            t.query_drop(format!(
                "UPDATE ie.{} SET v = 'changed' WHERE id = {k}",
                case.name
            ))?;
        }
        for k in &case.deleted {
            t.query_drop(format!("DELETE FROM ie.{} WHERE id = {k}", case.name))?;
        }
    }
    Ok(())
}

/// Every row of `ie.<table>`, keys as text (signed and unsigned alike), in key order.
fn rows(conn: &mut Conn, table: &str) -> Result<Vec<(String, String)>, Box<dyn Error>> {
    Ok(conn.query(format!(
        "SELECT CAST(id AS CHAR), v FROM ie.{table} ORDER BY id"
    ))?)
}

fn table_sync(args: &[&str]) -> Result<(i32, String, String), Box<dyn Error>> {
    common::run(env!("CARGO_BIN_EXE_table-sync"), args)
}

#[test]
fn integer_keys_drift_at_the_extremes_and_beyond_the_source() -> TestResult {
    let Some((source, target)) = common::two_servers()? else {
        return Ok(());
    };
    let (mut s, mut t) = (source.conn()?, target.conn()?);
    setup(&mut s, &mut t)?;

    // The library: exactly the drifted rows, found without reading whole tables, with both
    // range hashes.
    live::prepare_session(&mut s, "source")?;
    live::prepare_session(&mut t, "target")?;
    let mut diffs = Vec::new();
    for case in cases() {
        let table = live::load_table(&mut s, "ie", case.name, "source")?;
        let rows_total = case.shared.len() as u64;
        for (hash, chunk_rows, leaf_rows) in [
            (live::RangeHash::Strong, 50, 4),
            (live::RangeHash::Fast, 50, 4),
            (live::RangeHash::Fast, 7, 0),
        ] {
            let opts = DrillOptions {
                chunk_rows,
                leaf_rows,
                hash,
                ..DrillOptions::default()
            };
            let diff = live::diff_table(&mut s, &mut t, &table, opts)?;
            let expected = case.target_only.len() + case.updated.len() + case.deleted.len();
            assert_eq!(
                diff.differences.len(),
                expected,
                "ie.{}: {:#?}",
                case.name,
                diff.differences
            );
            assert_eq!(
                diff.stats.splits, 2,
                "no key walk: the two MIN/MAX queries only"
            );
            assert!(
                diff.stats.rows_fetched < rows_total / 2,
                "ie.{}: fetched {} of {rows_total} rows",
                case.name,
                diff.stats.rows_fetched
            );
            // Before any repair, the recheck of the differing ranges finds the same rows.
            let again = live::recheck(&mut s, &mut t, &diff, opts)?;
            assert_eq!(again.differences, diff.differences, "ie.{}", case.name);
            assert_eq!(again.differing_ranges, diff.differing_ranges);
            diffs.push((diff, opts));
        }
    }

    let (su, tu) = (source.url(), target.url());
    let run = |mode: &str, chunk: &str| {
        table_sync(&[
            "--source",
            &su,
            "--target",
            &tu,
            "--databases",
            "ie",
            mode,
            "--chunk-rows",
            chunk,
        ])
    };
    let (code, script, err) = run("--print", "37")?;
    assert_eq!(code, 1, "{err}");
    for case in cases() {
        let table = format!("`ie`.`{}`", case.name);
        let count = |verb: &str| script.matches(&format!("{verb} {table}")).count();
        assert_eq!(count("DELETE FROM"), case.target_only.len(), "{script}");
        assert_eq!(count("UPDATE"), case.updated.len(), "{script}");
        assert_eq!(count("INSERT INTO"), case.deleted.len(), "{script}");
    }
    let (code, _, err) = run("--execute", "64")?;
    assert_eq!(code, 0, "{err}");
    for case in cases() {
        assert_eq!(
            rows(&mut s, case.name)?,
            rows(&mut t, case.name)?,
            "ie.{} after --execute",
            case.name
        );
    }
    for (diff, opts) in &diffs {
        let again = live::recheck(&mut s, &mut t, diff, *opts)?;
        assert!(again.differences.is_empty(), "{:#?}", again.differences);
        assert!(again.differing_ranges.is_empty());
    }
    let (code, script, err) = run("--print", "1000")?;
    assert_eq!(code, 0, "{err}");
    assert!(
        !script.contains("INSERT") && !script.contains("DELETE") && !script.contains("UPDATE"),
        "{script}"
    );

    // A server error names the table, the side and the ranges; neither thread hangs.
    let table = live::load_table(&mut s, "ie", "s", "source")?;
    t.query_drop("ALTER TABLE ie.s DROP COLUMN v")?;
    let err = live::diff_table(&mut s, &mut t, &table, DrillOptions::default())
        .err()
        .ok_or("a missing column on the target must fail")?
        .to_string();
    assert!(
        err.starts_with("table ie.s on the target: reading ") && err.contains("WHERE ((`id` <"),
        "{err}"
    );
    Ok(())
}

/// `(g, n)` rows of the composite-key table: `g` a case-insensitive VARCHAR.
fn composite_rows(range: std::ops::Range<u32>) -> Vec<String> {
    range
        .map(|i| format!("('k{:03}', {}, 'v{i}')", i % 97, i / 97))
        .collect()
}

#[test]
fn composite_key_walked_by_both_servers_in_turn() -> TestResult {
    let Some((source, target)) = common::two_servers()? else {
        return Ok(());
    };
    let (mut s, mut t) = (source.conn()?, target.conn()?);
    for conn in [&mut s, &mut t] {
        conn.query_drop(
            "CREATE DATABASE cw; CREATE TABLE cw.t (g VARCHAR(10) CHARACTER SET utf8mb4 \
             COLLATE utf8mb4_general_ci NOT NULL, n INT NOT NULL, v VARCHAR(20) NOT NULL, \
             PRIMARY KEY (g, n))",
        )?;
        for batch in composite_rows(0..3000).chunks(500) {
            conn.query_drop(format!("INSERT INTO cw.t VALUES {}", batch.join(", ")))?;
        }
    }
    // Drift at both ends of the key order and in between; rows only on the target sort before
    // and after every source row.
    t.query_drop(
        "UPDATE cw.t SET v = 'changed' WHERE (g, n) IN (('k000', 0), ('k050', 7), ('k096', 28)); \
         DELETE FROM cw.t WHERE (g, n) IN (('k000', 1), ('k013', 13), ('k096', 29)); \
         INSERT INTO cw.t VALUES ('a', 1, 'x'), ('k050', 999, 'x'), ('zz', 0, 'x')",
    )?;
    live::prepare_session(&mut s, "source")?;
    live::prepare_session(&mut t, "target")?;
    let table = live::load_table(&mut s, "cw", "t", "source")?;
    let opts = DrillOptions {
        chunk_rows: 20,
        leaf_rows: 4,
        ..DrillOptions::default()
    };
    let diff = live::diff_table(&mut s, &mut t, &table, opts)?;
    assert_eq!(diff.differences.len(), 9, "{:#?}", diff.differences);
    // About 3000 / 20 chunks, each one key query, whichever server walked it.
    assert!((140..200).contains(&diff.stats.splits), "{:?}", diff.stats);
    // The other direction: the target's larger side is walked too.
    let back = live::diff_table(&mut t, &mut s, &table, opts)?;
    assert_eq!(back.differences.len(), 9, "{:#?}", back.differences);
    // Ranges are split down to single rows when leaf_rows is 0, and the splitting ends.
    for leaf_rows in [0, 1] {
        let single = DrillOptions { leaf_rows, ..opts };
        let diff = live::diff_table(&mut s, &mut t, &table, single)?;
        assert_eq!(diff.differences.len(), 9, "{:#?}", diff.differences);
    }

    let (su, tu) = (source.url(), target.url());
    let run = |mode: &str| {
        table_sync(&[
            "--source",
            &su,
            "--target",
            &tu,
            "--tables",
            "cw.t",
            mode,
            "--chunk-rows",
            "20",
        ])
    };
    let (code, _, err) = run("--execute")?;
    assert_eq!(code, 0, "{err}");
    type Rows = Vec<(String, i32, String)>;
    let dump = |c: &mut Conn| -> Result<Rows, Box<dyn Error>> {
        Ok(c.query("SELECT g, n, v FROM cw.t ORDER BY g, n")?)
    };
    assert_eq!(dump(&mut s)?, dump(&mut t)?, "after --execute");
    let (code, script, err) = run("--print")?;
    assert_eq!(code, 0, "{err}");
    assert!(!script.contains("UPDATE"), "{script}");

    // A server error on either side while both walk and checksum: named, and no thread hangs.
    t.query_drop("ALTER TABLE cw.t DROP COLUMN v")?;
    let err = live::diff_table(&mut s, &mut t, &table, opts)
        .err()
        .ok_or("a missing column on the target must fail")?
        .to_string();
    assert!(
        err.starts_with("table cw.t on the target: reading "),
        "{err}"
    );
    t.query_drop("ALTER TABLE cw.t ADD COLUMN v VARCHAR(20) NOT NULL DEFAULT ''")?;
    s.query_drop("ALTER TABLE cw.t DROP COLUMN v")?;
    let err = live::diff_table(&mut s, &mut t, &table, opts)
        .err()
        .ok_or("a missing column on the source must fail")?
        .to_string();
    assert!(
        err.starts_with("table cw.t on the source: reading "),
        "{err}"
    );
    Ok(())
}
