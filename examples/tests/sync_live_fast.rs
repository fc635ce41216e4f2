//! `table-sync --fast-checksum` against real MariaDB 10.11: rows that differ only by where a `#`,
//! a quote or a backslash sits, or by NULL against `''` and `'NULL'`, are found and repaired, in a
//! keyed and in a keyless table. The `#` cases are exactly what the earlier fast checksum (a sum
//! of `CRC32(CONCAT_WS('#', ...))`, pt's serialization) could not see; the test shows on the
//! servers that that expression sums them alike.

mod common;

use std::error::Error;

use mysql::prelude::Queryable;
use mysql::Conn;

type TestResult = Result<(), Box<dyn Error>>;

/// `(source a, source b, target a, target b)`: the pairs that differ, in SQL literal form.
const PAIRS: &[(&str, &str, &str, &str)] = &[
    ("'a#b'", "'c'", "'a'", "'b#c'"),
    ("'a#'", "'b'", "'a'", "'#b'"),
    ("'a#b#'", "'#'", "'a'", "'b###'"),
    ("'a'''", "'b'", "'a'", "'''b'"),
    ("'a\\\\'", "'''b'", "'a'", "'\\\\''b'"),
    ("NULL", "'x'", "''", "'x'"),
    ("'NULL'", "NULL", "NULL", "'NULL'"),
];

/// How many of [`PAIRS`] (the first ones) differ only by where a `#` sits.
const HASH_PAIRS: usize = 3;

fn setup(conn: &mut Conn, source: bool) -> TestResult {
    conn.query_drop(
        "CREATE DATABASE fh; \
         CREATE TABLE fh.t (id INT PRIMARY KEY, a VARCHAR(20) NULL, b VARCHAR(20) NULL); \
         CREATE TABLE fh.k (a VARCHAR(20) NULL, b VARCHAR(20) NULL); \
         INSERT INTO fh.t SELECT seq, CONCAT('same#', seq), IF(seq % 3 = 0, NULL, '#') \
           FROM fh.seq_100_to_159; \
         INSERT INTO fh.k SELECT CONCAT('k#', seq % 7), 'same' FROM fh.seq_1_to_20",
    )?;
    for (id, (sa, sb, ta, tb)) in PAIRS.iter().enumerate() {
        let (a, b) = if source { (sa, sb) } else { (ta, tb) };
        conn.query_drop(format!("INSERT INTO fh.t VALUES ({}, {a}, {b})", id + 1))?;
        conn.query_drop(format!("INSERT INTO fh.k VALUES ({a}, {b})"))?;
    }
    Ok(())
}

type Rows = Vec<(Option<i64>, Option<Vec<u8>>, Option<Vec<u8>>)>;

/// Every row of both tables, exactly (bytes; NULL apart from `''`), in a fixed order.
fn rows(conn: &mut Conn) -> Result<(Rows, Rows), Box<dyn Error>> {
    let keyed: Rows = conn.exec("SELECT id, a, b FROM fh.t ORDER BY id", ())?;
    let mut keyless: Rows = conn.exec("SELECT NULL, a, b FROM fh.k", ())?;
    keyless.sort();
    Ok((keyed, keyless))
}

/// The earlier fast checksum's sum over the `#` pairs of `fh.t`.
fn concat_ws_sum(conn: &mut Conn) -> Result<Option<String>, Box<dyn Error>> {
    Ok(conn.query_first(format!(
        "SELECT CAST(SUM(CRC32(CONCAT_WS('#', id, a, b, CONCAT(ISNULL(a), ISNULL(b))))) AS CHAR) \
         FROM fh.t WHERE id <= {HASH_PAIRS}"
    ))?)
}

fn table_sync(args: &[&str]) -> Result<(i32, String, String), Box<dyn Error>> {
    common::run(env!("CARGO_BIN_EXE_table-sync"), args)
}

#[test]
fn fast_checksum_sees_moved_separators_and_nulls() -> TestResult {
    let Some((source, target)) = common::two_servers()? else {
        return Ok(());
    };
    let (mut s, mut t) = (source.conn()?, target.conn()?);
    setup(&mut s, true)?;
    setup(&mut t, false)?;
    assert_ne!(rows(&mut s)?, rows(&mut t)?, "the sides must differ");
    assert_eq!(
        concat_ws_sum(&mut s)?,
        concat_ws_sum(&mut t)?,
        "CONCAT_WS('#') sums the moved-# rows alike (the blind spot)"
    );

    let (su, tu) = (source.url(), target.url());
    let run = |mode: &str| {
        table_sync(&[
            "--source",
            &su,
            "--target",
            &tu,
            "--databases",
            "fh",
            mode,
            "--chunk-rows",
            "10",
            "--fast-checksum",
        ])
    };
    let (code, script, err) = run("--print")?;
    assert_eq!(code, 1, "{err}");
    let updates = script.matches("UPDATE `fh`.`t`").count();
    assert_eq!(
        updates,
        PAIRS.len(),
        "one UPDATE per differing row:\n{script}"
    );
    let keyless = script.matches("DELETE FROM `fh`.`k`").count();
    assert_eq!(
        keyless,
        PAIRS.len(),
        "one DELETE per differing keyless row:\n{script}"
    );
    assert_eq!(script.matches("INSERT INTO `fh`.`k`").count(), PAIRS.len());

    let (code, _, err) = run("--execute")?;
    assert_eq!(code, 0, "{err}");
    assert_eq!(rows(&mut s)?, rows(&mut t)?, "after --execute");
    let (code, script, err) = run("--print")?;
    assert_eq!(code, 0, "{err}");
    assert!(
        !script.contains("UPDATE") && !script.contains("DELETE"),
        "{script}"
    );
    Ok(())
}
