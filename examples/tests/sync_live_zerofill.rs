//! `ZEROFILL` columns as keys and values against real MariaDB 10.11 servers: the chunker cuts
//! a table keyed on `INT(6) ZEROFILL` and one keyed on `DECIMAL(8,2) ZEROFILL` by bound
//! values, `table-checksum` finds drift in zerofill integer, DECIMAL, FLOAT(M,D) and DOUBLE
//! columns with every algorithm and both engines (the engines agree although the server's text
//! of such a column is zero-padded), `table-sync --execute` repairs it with its literals, and
//! both then see no difference. The per-type equality of the engines is in `checksum_live.rs`.

mod common;

use std::error::Error;

use mysql::prelude::Queryable;
use mysql::Conn;

type TestResult = Result<(), Box<dyn Error>>;

/// The same tables on two servers, then drift on the target: values changed, set NULL, rows
/// deleted and added (keys wider than the display width among them).
fn drifted(source: &mut Conn, target: &mut Conn) -> TestResult {
    for conn in [&mut *source, &mut *target] {
        conn.query_drop(
            "CREATE DATABASE zf; \
             CREATE TABLE zf.k (id INT(6) ZEROFILL PRIMARY KEY, d DECIMAL(8,2) ZEROFILL, \
               f FLOAT(7,2) ZEROFILL NULL, g DOUBLE ZEROFILL, b BIGINT(20) ZEROFILL, \
               t TINYINT(3) ZEROFILL); \
             INSERT INTO zf.k SELECT seq * 3, seq * 1.25, IF(seq % 13 = 0, NULL, seq / 8), \
               seq / 3, seq * 1000003, seq % 256 FROM zf.seq_1_to_600; \
             CREATE TABLE zf.dk (d DECIMAL(8,2) ZEROFILL PRIMARY KEY, v INT(4) ZEROFILL); \
             INSERT INTO zf.dk SELECT seq * 0.75, seq * 37 FROM zf.seq_1_to_500",
        )?;
    }
    target.query_drop(
        "UPDATE zf.k SET d = d + 0.01 WHERE id % 37 = 0; \
         UPDATE zf.k SET f = NULL WHERE id = 30; \
         UPDATE zf.k SET g = g * 2, b = 18446744073709551615 WHERE id % 101 = 0; \
         UPDATE zf.k SET t = 255 WHERE id = 300; \
         DELETE FROM zf.k WHERE id IN (15, 900); \
         INSERT INTO zf.k VALUES (1234567, 999999.99, 99999.99, 1e300, 0, 0); \
         UPDATE zf.dk SET v = 12345 WHERE d = 7.50; \
         DELETE FROM zf.dk WHERE d = 300.00; \
         INSERT INTO zf.dk VALUES (999999.99, 0), (0.01, 1)",
    )?;
    Ok(())
}

/// Every row of `zf.k` and `zf.dk` as the server prints them (padded text).
fn contents(conn: &mut Conn) -> Result<Vec<Vec<String>>, Box<dyn Error>> {
    let mut out = Vec::new();
    for (t, cols, key) in [
        ("k", "id, d, f, g, b, t, ISNULL(f)", "id"),
        ("dk", "d, v", "d"),
    ] {
        let rows: Vec<String> = conn.query(format!(
            "SELECT CONCAT_WS('|', {cols}) FROM zf.{t} ORDER BY {key}"
        ))?;
        out.push(rows);
    }
    Ok(out)
}

#[test]
fn table_sync_repairs_and_table_checksum_compares_zerofill_columns() -> TestResult {
    common::checksum_sync_checksum("zf", drifted, contents)
}
