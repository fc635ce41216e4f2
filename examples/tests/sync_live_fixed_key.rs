//! `table-sync` repairs on tables keyed (or indexed) by `FLOAT(M,D)` / `DOUBLE(M,D)` columns
//! that hold values with more decimals than `D` and beyond their declared range, against real
//! MariaDB 10.11 servers.
//!
//! Such values are real: `ALTER TABLE ... MODIFY k FLOAT(7,2), ALGORITHM=INSTANT` on a plain
//! `FLOAT` column keeps the stored floats (0.1337 stays 0.1337), and so does row-based
//! replication from a plain column. `sync-plan` never pairs rows by a FLOAT/DOUBLE key, so
//! these tables are compared as multisets of rows, and a row only the target has is deleted by
//! every column, `... AND k <=> 1.3370000123977661e-1 ... LIMIT 1`. Over an index on `k`,
//! MariaDB 10.11 rounds that constant to `D` decimals before it looks the row up, so that
//! statement deleted nothing: `table-sync --execute` "repaired" and the drift stayed (and a
//! changed row was inserted a second time next to the stale one). The deletes now match such
//! a column through a widened index range and the exact `(k + 0e0) = ...`.
//!
//! What cannot be repaired: every write to such a column rounds to `D` decimals, so a row the
//! target lacks, or has changed, whose source key has more decimals than `D` would be written
//! back with its key rounded (0.1337 becomes 0.13). The plan reports such rows and leaves them
//! out; asked to write them anyway, it warns, `table-sync` exits 1 with the rows that remain,
//! and the run after that plans nothing for them: the second test checks exactly that.

mod common;

use std::error::Error;

use common::{run, two_servers};
use mysql::prelude::Queryable;
use mysql::Conn;

type TestResult = Result<(), Box<dyn Error>>;

/// On both servers, the tables with plain `FLOAT`/`DOUBLE` keys and the same rows (most keys
/// with more decimals than the `D` they get) and `both`, then `drift` on the target, then the keys
/// changed to `FLOAT(7,2)` / `DOUBLE(10,3)` in place on both (`ALGORITHM=INSTANT` keeps every
/// stored value).
fn tables(source: &mut Conn, target: &mut Conn, both: &str, drift: &str) -> TestResult {
    for conn in [&mut *source, &mut *target] {
        conn.query_drop(
            "CREATE DATABASE fk; \
             CREATE TABLE fk.s (k FLOAT NOT NULL PRIMARY KEY, v INT); \
             INSERT INTO fk.s SELECT seq * 0.0025, seq FROM fk.seq_1_to_80; \
             CREATE TABLE fk.c (id INT NOT NULL, k FLOAT NOT NULL, v INT, PRIMARY KEY (id, k)); \
             INSERT INTO fk.c SELECT seq % 5, seq * 0.0025, seq FROM fk.seq_1_to_80; \
             CREATE TABLE fk.d (k DOUBLE NOT NULL PRIMARY KEY, v INT); \
             INSERT INTO fk.d SELECT seq * 0.00025, seq FROM fk.seq_1_to_80; \
             CREATE TABLE fk.n (k FLOAT NULL, v INT, KEY (k)); \
             INSERT INTO fk.n SELECT IF(seq % 7 = 0, NULL, (seq % 20) * 0.0025), seq \
               FROM fk.seq_1_to_80",
        )?;
        if !both.is_empty() {
            conn.query_drop(both)?;
        }
    }
    target.query_drop(drift)?;
    for conn in [&mut *source, &mut *target] {
        conn.query_drop(
            "ALTER TABLE fk.s MODIFY k FLOAT(7,2) NOT NULL, ALGORITHM=INSTANT; \
             ALTER TABLE fk.c MODIFY k FLOAT(7,2) NOT NULL, ALGORITHM=INSTANT; \
             ALTER TABLE fk.d MODIFY k DOUBLE(10,3) NOT NULL, ALGORITHM=INSTANT; \
             ALTER TABLE fk.n MODIFY k FLOAT(7,2) NULL, ALGORITHM=INSTANT",
        )?;
    }
    Ok(())
}

/// Drift that `table-sync` can repair: rows only the target has, with keys of more decimals
/// than `D` and beyond the declared range (also an extra copy of a keyless row, and an extra
/// NULL key); changed and missing rows whose keys have at most `D` decimals.
fn repairable(source: &mut Conn, target: &mut Conn) -> TestResult {
    tables(
        source,
        target,
        "",
        "INSERT INTO fk.s VALUES (0.1337, 1001), (-0.0625, 1002), (123456.79, 1003), \
           (-1e20, 1004); \
         UPDATE fk.s SET v = -v WHERE v = 20; \
         DELETE FROM fk.s WHERE v = 40; \
         INSERT INTO fk.c VALUES (1, 0.1337, 1001), (2, 0.135, 1002), (3, -100000.5, 1003); \
         UPDATE fk.c SET v = -v WHERE v = 20; \
         DELETE FROM fk.c WHERE v = 40; \
         INSERT INTO fk.d VALUES (0.06251, 1001), (1.0005, 1002), (10000000.5, 1003); \
         UPDATE fk.d SET v = -v WHERE v = 4; \
         DELETE FROM fk.d WHERE v = 8; \
         INSERT INTO fk.n SELECT * FROM fk.n WHERE v IN (3, 5, 7); \
         INSERT INTO fk.n VALUES (0.4321, 1001), (NULL, 1002)",
    )
}

/// Every row of the four tables, exactly (floats by bits, binary protocol), sorted.
fn contents(conn: &mut Conn) -> Result<Vec<Vec<String>>, Box<dyn Error>> {
    common::sorted_rows(conn, "fk", &["s", "c", "d", "n"])
}

/// `table-checksum` sees the drift, `table-sync --execute` repairs it, and nothing differs
/// afterwards. Before the deletes compared such keys exactly, `--execute` deleted none of the
/// target's extra rows (and exited 1 with them remaining).
#[test]
fn table_sync_deletes_rows_by_fixed_decimal_keys_with_more_decimals() -> TestResult {
    common::checksum_sync_checksum("fk", repairable, contents)
}

/// `(v, k)` of every row of `fk.{t}`, `k` as the exact double (`k + 0e0`), ordered by `v`.
fn keys(conn: &mut Conn, t: &str) -> Result<Vec<(i64, f64)>, Box<dyn Error>> {
    Ok(conn.query(format!("SELECT v, k + 0e0 FROM fk.{t} ORDER BY v"))?)
}

/// Changed and missing rows whose source keys have more decimals than `D` (rows 2001 and 2002
/// of each table, whose rounded keys no other row has): no write can store those keys (the
/// column rounds 5.4321 to 5.43 in a FLOAT(7,2), 7.12345 to 7.123 in a DOUBLE(10,3)), so the
/// plan reports those rows and leaves them out. Asked to write them anyway
/// (`--include-unrepairable`), the repair deletes the target's stale rows and inserts the
/// source's, rounded, so those rows still differ, by exactly that rounding: the plan warns of
/// it beforehand, and `--execute` exits 1 with the rows that remain. A run after that pairs
/// each missing row with its rounded copy on the target and plans nothing.
#[test]
fn rows_written_back_to_fixed_decimal_keys_are_rounded_and_reported() -> TestResult {
    let Some((source, target)) = two_servers()? else {
        return Ok(());
    };
    let (mut s, mut t) = (source.conn()?, target.conn()?);
    tables(
        &mut s,
        &mut t,
        "INSERT INTO fk.s VALUES (5.4321, 2001), (7.1234, 2002); \
         INSERT INTO fk.c VALUES (9, 5.4321, 2001), (9, 7.1234, 2002); \
         INSERT INTO fk.d VALUES (5.43219, 2001), (7.12345, 2002)",
        "UPDATE fk.s SET v = -v WHERE v = 2001; DELETE FROM fk.s WHERE v = 2002; \
         UPDATE fk.c SET v = -v WHERE v = 2001; DELETE FROM fk.c WHERE v = 2002; \
         UPDATE fk.d SET v = -v WHERE v = 2001; DELETE FROM fk.d WHERE v = 2002",
    )?;
    let (su, tu) = (source.url(), target.url());
    let sync = |extra: &[&str]| {
        let mut args = vec!["--source", &su, "--target", &tu, "--databases", "fk"];
        args.extend_from_slice(extra);
        run(env!("CARGO_BIN_EXE_table-sync"), args)
    };
    let reported = |err: &str| {
        err.lines()
            .filter(|l| l.starts_with("table-sync: cannot repair: "))
            .count()
    };
    // By default: the two rows of each table are reported, and only the stale rows deleted.
    let (code, out, err) = sync(&["--print"])?;
    assert_eq!(code, 1, "{out}{err}");
    assert!(!out.contains("-- warning:"), "{out}");
    assert_eq!(reported(&err), 6, "{err}");
    assert!(
        err.contains("6 left out of the statements (--include-unrepairable writes them anyway)"),
        "{err}"
    );
    assert!(err.contains("table-sync: 3 statements planned"), "{err}");

    let (code, out, err) = sync(&["--print", "--include-unrepairable"])?;
    assert_eq!(code, 1, "{out}{err}");
    for table in ["s", "c", "d"] {
        let warning = format!(
            "-- warning: `fk`.`{table}`: 2 values written to FLOAT(M,D)/DOUBLE(M,D) columns"
        );
        assert!(out.contains(&warning), "{warning}: {out}");
    }
    let (code, out, err) = sync(&["--execute", "--include-unrepairable"])?;
    assert_eq!(code, 1, "{out}{err}");
    // Each rounded row is two differences: the source's row missing, the rounded one extra.
    assert!(
        err.contains("after the repair, 12 differing rows remain"),
        "{err}"
    );

    let float = |x: f32| f64::from(x);
    for (table, written) in [
        ("s", [float(5.43), float(7.12)]),
        ("c", [float(5.43), float(7.12)]),
        ("d", [5.432, 7.123]),
    ] {
        let want: Vec<(i64, f64)> = keys(&mut s, table)?
            .into_iter()
            .map(|(v, k)| match v {
                2001 => (v, written[0]),
                2002 => (v, written[1]),
                _ => (v, k),
            })
            .collect();
        assert_eq!(keys(&mut t, table)?, want, "fk.{table}");
    }

    // The next run finds the rounded copies: nothing to write, and it says why.
    let (code, out, err) = sync(&["--execute"])?;
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("table-sync: 0 statements planned"), "{err}");
    assert_eq!(reported(&err), 6, "{err}");
    assert!(
        err.contains("6 already held by the target as a write would store them"),
        "{err}"
    );
    Ok(())
}
