//! `FLOAT(M,D)` and `DOUBLE(M,D)` columns (also `REAL(M,D)`, `FLOAT(M,D) UNSIGNED`) against
//! real MariaDB 10.11 servers: `sync_plan::literal` writes every value the server stored back
//! with the same bits (the column rounds on write, and a stored value is already rounded), for
//! `D` from 0 to 30; `table-sync --execute` repairs drift in such columns, keyed and keyless;
//! `table-checksum` finds the drift and then none, with every algorithm and both engines. Key
//! walks over such columns are in `chunker_live.rs` and `checksum_live_compare.rs`, the text
//! the `pt` algorithm hashes in `checksum_live.rs`.

mod common;

use std::error::Error;

use chunker::Value;
use mysql::prelude::Queryable;
use mysql::Conn;

type TestResult = Result<(), Box<dyn Error>>;

/// `D` of the round-trip tables.
const SCALES: [u8; 10] = [0, 1, 2, 3, 5, 8, 12, 17, 23, 30];

/// Every row of `db.t` in `id` order, as the table model's values (binary protocol).
fn values(conn: &mut Conn, db: &str, t: &str) -> Result<Vec<Vec<Value>>, Box<dyn Error>> {
    let table = chunker::live::load_table(conn, db, t)?;
    let rows: Vec<mysql::Row> = conn.exec(format!("SELECT * FROM {db}.{t} ORDER BY id"), ())?;
    let mut out = Vec::new();
    for row in rows {
        let row = row.unwrap().into_iter().zip(&table.columns);
        out.push(
            row.map(|(v, c)| chunker::live::from_mysql(v, &c.column_type))
                .collect::<Result<_, _>>()?,
        );
    }
    Ok(out)
}

/// Copies `db.t` into `db.t_copy` through `sync_plan::literal`, and returns the values that
/// came back different: `(column, stored, written back)`.
fn literal_copy(conn: &mut Conn, db: &str, t: &str) -> Result<Vec<String>, Box<dyn Error>> {
    let table = chunker::live::load_table(conn, db, t)?;
    let rows = values(conn, db, t)?;
    conn.query_drop(format!("CREATE TABLE {db}.{t}_copy LIKE {db}.{t}"))?;
    for chunk in rows.chunks(200) {
        let mut tuples = Vec::new();
        for row in chunk {
            let lits: Vec<String> = table
                .columns
                .iter()
                .zip(row)
                .map(|(c, v)| sync_plan::literal(c, v))
                .collect::<Result<_, _>>()?;
            tuples.push(format!("({})", lits.join(", ")));
        }
        conn.query_drop(format!(
            "INSERT INTO {db}.{t}_copy VALUES {}",
            tuples.join(", ")
        ))?;
    }
    let back = values(conn, db, &format!("{t}_copy"))?;
    assert_eq!(back.len(), rows.len());
    let mut changed = Vec::new();
    for (want, got) in rows.iter().zip(&back) {
        for ((c, w), g) in table.columns.iter().zip(want).zip(got) {
            if !sync_plan::same_value(w, g) {
                changed.push(format!("{t}.{}: {w:?} came back as {g:?}", c.name));
            }
        }
    }
    Ok(changed)
}

/// A random value for row `seq` (deterministic), a tenth NULL: any magnitude within
/// `10^max_exp`, few decimals, and odd multiples of powers of two.
fn random_real(salt: u32, max_exp: u32) -> String {
    format!(
        "CASE seq % 10 WHEN 0 THEN NULL \
         WHEN 1 THEN (RAND(seq + {salt}) - 0.5) * POW(10, FLOOR(RAND(seq + {salt} + 1e6) * {max_exp})) \
         WHEN 2 THEN (FLOOR((RAND(seq + {salt}) - 0.5) * 2e5) * 2 + 1) / POW(2, 1 + FLOOR(RAND(seq + {salt} + 2e6) * 30)) \
         ELSE ROUND((RAND(seq + {salt}) - 0.5) * 1e9) / POW(10, FLOOR(RAND(seq + {salt} + 3e6) * 12)) END"
    )
}

/// Values the server stored in FLOAT(M,D)/DOUBLE(M,D) columns (rounded by it on INSERT, at the
/// declared range's ends too) are written back by `sync_plan::literal` with the same bits. A
/// value kept with more decimals than `D` by an in-place ALTER cannot be: any write rounds it.
#[test]
fn literals_write_stored_fixed_decimal_values_back_exactly() -> TestResult {
    let Some(server) = common::server()? else {
        return Ok(());
    };
    let mut conn = server.conn()?;
    conn.query_drop(
        "SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES,ANSI_QUOTES,STRICT_ALL_TABLES'; \
         CREATE DATABASE lit",
    )?;
    for d in SCALES {
        conn.query_drop(format!(
            "CREATE TABLE lit.t{d} (id INT PRIMARY KEY, f FLOAT(255,{d}), d DOUBLE(255,{d}), \
             fu FLOAT(40,{d}) UNSIGNED); \
             INSERT INTO lit.t{d} SELECT seq, {}, {}, ABS({}) FROM lit.seq_1_to_1500",
            random_real(u32::from(d), 30),
            random_real(99, 200),
            random_real(7, 9),
        ))?;
    }
    conn.query_drop(
        "CREATE TABLE lit.common (id INT PRIMARY KEY, a FLOAT(7,2), b FLOAT(10,4) UNSIGNED, \
         c DOUBLE(10,3), e REAL(8,3), g DOUBLE PRECISION(20,10)); \
         INSERT INTO lit.common VALUES \
           (1, 99999.99, 999999.9999, 9999999.999, 99999.999, 9999999999.9999999999), \
           (2, -99999.99, 0, -9999999.999, -99999.999, -9999999999.9999999999), \
           (3, 0.125, 0.00005, 0.0625, 0.0005, 0.1), (4, 12345.675, 1.5, 1e-10, 2.675, 1/3), \
           (5, NULL, NULL, NULL, NULL, NULL)",
    )?;
    let mut changed = Vec::new();
    for t in SCALES
        .iter()
        .map(|d| format!("t{d}"))
        .chain(["common".into()])
    {
        changed.extend(literal_copy(&mut conn, "lit", &t)?);
    }
    assert!(
        changed.is_empty(),
        "{} values changed: {:#?}",
        changed.len(),
        &changed[..changed.len().min(10)]
    );

    // In place, FLOAT(7,2) holds 0.125 and 0.135 as they are; written back, they are rounded.
    conn.query_drop(
        "CREATE TABLE lit.in_place (id INT PRIMARY KEY, f FLOAT); \
         INSERT INTO lit.in_place VALUES (1, 0.125), (2, 0.135), (3, 0.5); \
         ALTER TABLE lit.in_place MODIFY f FLOAT(7,2), ALGORITHM=INSTANT",
    )?;
    let changed = literal_copy(&mut conn, "lit", "in_place")?;
    assert_eq!(changed.len(), 2, "{changed:#?}");
    assert!(changed[0].contains("Float(0.125) came back as Float(0.12)"));
    Ok(())
}

/// The same tables on two servers, then drift on the target in FLOAT(M,D), DOUBLE(M,D) and
/// REAL(M,D) columns (changed by one in the last decimal, set NULL, rows deleted and added,
/// an extra copy of a keyless row). The repair writes FLOAT(10,4)'s maximum back: the float
/// `1e6`, whose own text is out of that column's range.
fn drifted(source: &mut Conn, target: &mut Conn) -> TestResult {
    for conn in [&mut *source, &mut *target] {
        conn.query_drop(format!(
            "CREATE DATABASE fx; \
             CREATE TABLE fx.k (id INT PRIMARY KEY, f FLOAT(7,2), d DOUBLE(10,3) NULL, \
               r REAL(8,3), t FLOAT(30,23), u FLOAT(10,4) UNSIGNED); \
             INSERT INTO fx.k SELECT seq, {}, IF(seq % 11 = 0, NULL, seq / 3), seq / 7 - 50, \
               1 / POW(2, seq % 40), IF(seq = 8, 999999.9999, seq * 1.0625) \
               FROM fx.seq_1_to_600; \
             CREATE TABLE fx.nk (f FLOAT(7,2), d DOUBLE(10,3)); \
             INSERT INTO fx.nk SELECT (seq % 40) / 8, seq % 7 / 3 FROM fx.seq_1_to_200",
            "(seq % 97) * 1.375 - 60",
        ))?;
    }
    target.query_drop(
        "UPDATE fx.k SET f = f + 0.01 WHERE id % 37 = 0; \
         UPDATE fx.k SET d = d - 0.001 WHERE id % 41 = 0; \
         UPDATE fx.k SET d = NULL WHERE id = 100; \
         UPDATE fx.k SET r = r + 0.001, t = t * 3 WHERE id % 53 = 0; \
         UPDATE fx.k SET u = 999999.9999 WHERE id = 7; \
         UPDATE fx.k SET u = 1, f = -99999.99 WHERE id = 8; \
         DELETE FROM fx.k WHERE id IN (5, 300); \
         INSERT INTO fx.k VALUES (9000, 99999.99, -9999999.999, -99999.999, 1e-20, 0); \
         DELETE FROM fx.nk WHERE f = 2.5 LIMIT 2; \
         INSERT INTO fx.nk VALUES (0.12, 0.333), (-99999.99, 1); \
         UPDATE fx.nk SET d = 0.334 WHERE d = 0.333 LIMIT 1",
    )?;
    Ok(())
}

/// Every row of `fx.k` and `fx.nk`, exactly (floats by bits), keyless rows sorted.
fn contents(conn: &mut Conn) -> Result<Vec<Vec<String>>, Box<dyn Error>> {
    common::sorted_rows(conn, "fx", &["k", "nk"])
}

#[test]
fn table_sync_repairs_and_table_checksum_compares_fixed_decimal_columns() -> TestResult {
    common::checksum_sync_checksum("fx", drifted, contents)
}
