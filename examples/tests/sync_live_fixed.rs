//! `FLOAT(M,D)` and `DOUBLE(M,D)` columns (also `REAL(M,D)`, `FLOAT(M,D) UNSIGNED`) against
//! real MariaDB 10.11 servers: `sync_plan::literal` writes every value the server stored back
//! with the same bits (the column rounds on write, and a stored value is already rounded), for
//! `D` from 0 to 30; `table-sync --execute` repairs drift in such columns, keyed and keyless;
//! `table-checksum` finds the drift and then none, with every algorithm and both engines; rows
//! whose source values such a column cannot store (more decimals than `D`, or beyond the range
//! `M,D` allows, as an in-place ALTER leaves them) are reported and left out, so a second run
//! plans nothing for them, while the other rows are still repaired. Key walks over such
//! columns are in `chunker_live.rs` and `checksum_live_compare.rs`, the text the `pt` algorithm
//! hashes in `checksum_live.rs`.

mod common;

use std::error::Error;

use chunker::Value;
use common::{run, two_servers};
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

/// What `sync-plan` says a write of each value stores, against what MariaDB stores: for
/// FLOAT(M,D) and DOUBLE(M,D) columns near their range's ends, and random values with more
/// decimals than `D`, each inserted alone (`sync_plan::literal`, strict `sql_mode`) into a
/// column that held it in place. A value the plan reports beyond the range is exactly one the
/// server refuses (error 1264); one it reports rounded is stored with exactly the bits it says;
/// every other value is stored as it is.
#[test]
fn what_a_write_stores_is_what_the_server_stores() -> TestResult {
    let Some(server) = common::server()? else {
        return Ok(());
    };
    let mut conn = server.conn()?;
    conn.query_drop(format!(
        "SET SESSION sql_mode = '{}'; CREATE DATABASE st",
        sync_plan::SESSION_SQL_MODE
    ))?;
    // (declared type, values, as doubles)
    let mut cases: Vec<(&str, Vec<f64>)> = vec![
        (
            "FLOAT(7,2)",
            vec![
                99_999.99, 1e5, 99_999.992, -99_999.99, -1e5, 0.125, 0.135, 5.4321, 123_456.79,
                -0.0, 1e20, 2.675,
            ],
        ),
        ("FLOAT(4,4)", vec![0.9999, 1.0, 0.99995, -0.99996, 0.00005]),
        (
            "FLOAT(3,0)",
            vec![999.0, 999.5, 999.7, -999.5, -1000.0, 2.5],
        ),
        ("FLOAT(10,4)", vec![1e6, 999_999.999_9, -1e6, 1_000_001.0]),
        (
            "DOUBLE(10,3)",
            vec![
                9_999_999.999,
                9_999_999.999_5,
                1e7,
                7.12345,
                -9_999_999.999_4,
                -0.0,
            ],
        ),
        ("DOUBLE(7,2)", vec![99_999.994, 99_999.996, -99_999.995]),
        ("DOUBLE(30,30)", vec![0.5, 1.0, 1e-31]),
    ];
    // Random values of the column's magnitude with up to 3 more decimals than `D`, a tenth
    // of them ten times too large.
    let mut rng = common::Rng(0x5eed_0ff1_0a7e);
    for (ty, values) in &mut cases {
        let (m, d) = ty
            .trim_end_matches(')')
            .split_once('(')
            .and_then(|(_, md)| md.split_once(','))
            .and_then(|(m, d)| Some((m.parse::<i32>().ok()?, d.parse::<i32>().ok()?)))
            .ok_or("a (M,D) type")?;
        for _ in 0..60 {
            let digits = m.min(15) + rng.below(4) as i32;
            let sign = if rng.chance(30) { -1.0 } else { 1.0 };
            let wide = if rng.chance(10) { 10.0 } else { 1.0 };
            let x = sign * wide * (rng.below(10u64.pow(digits as u32)) as f64)
                / 10f64.powi(digits - m + d);
            values.push(if ty.starts_with("FLOAT") {
                f64::from(x as f32)
            } else {
                x
            });
        }
    }
    let mut checked = [0usize; 3];
    for (n, (ty, values)) in cases.iter().enumerate() {
        let plain = if ty.starts_with("FLOAT") {
            "FLOAT"
        } else {
            "DOUBLE"
        };
        conn.query_drop(format!(
            "CREATE TABLE st.t{n} (id INT PRIMARY KEY, x {plain}); \
             CREATE TABLE st.w{n} (id INT PRIMARY KEY, x {ty})"
        ))?;
        for (id, x) in values.iter().enumerate() {
            conn.query_drop(format!("INSERT INTO st.t{n} VALUES ({id}, {x:e})"))?;
        }
        conn.query_drop(format!(
            "ALTER TABLE st.t{n} MODIFY x {ty}, ALGORITHM=INSTANT"
        ))?;
        let table = chunker::live::load_table(&mut conn, "st", &format!("t{n}"))?;
        let source = values_of(&mut conn, &format!("st.t{n}"), &table)?;
        let diffs = sync_plan::diff_rows(&table, &source, &[])?;
        let options = sync_plan::PlanOptions::default();
        let plan = sync_plan::plan_table(&table, &diffs, options)?;
        let column = &table.columns[1];
        for row in &source {
            let id = &row[0];
            let said = plan
                .unrepairable
                .iter()
                .find(|u| &u.row[0].value == id)
                .map(|u| u.values[0].stored.clone());
            let lit = sync_plan::literal(column, &row[1])?;
            let what = format!("{ty} {:?} (written as {lit})", row[1]);
            let id = match id {
                Value::Int(i) => *i,
                other => return Err(format!("id {other:?}").into()),
            };
            match conn.query_drop(format!("INSERT INTO st.w{n} VALUES ({id}, {lit})")) {
                Err(mysql::Error::MySqlError(e)) if e.code == 1264 => {
                    assert!(
                        matches!(said, Some(sync_plan::Stored::OutOfRange { .. })),
                        "{what}: refused by the server, the plan says {said:?}"
                    );
                    checked[0] += 1;
                }
                Err(e) => return Err(e.into()),
                Ok(()) => {
                    let back = values_of(&mut conn, &format!("st.w{n}"), &table)?;
                    let stored = back
                        .iter()
                        .find(|r| r[0] == Value::Int(id))
                        .map(|r| r[1].clone())
                        .ok_or("the inserted row is not there")?;
                    if sync_plan::same_value(&stored, &row[1]) {
                        assert_eq!(said, None, "{what}: stored as it is");
                        checked[1] += 1;
                    } else {
                        match &said {
                            Some(sync_plan::Stored::Rounded(v)) => {
                                assert!(
                                    sync_plan::same_value(v, &stored),
                                    "{what}: stored {stored:?}, the plan says {v:?}"
                                );
                            }
                            other => {
                                return Err(format!(
                                    "{what}: stored {stored:?}, the plan says {other:?}"
                                )
                                .into())
                            }
                        }
                        checked[2] += 1;
                    }
                }
            }
        }
    }
    // Each outcome is seen, not only the common one.
    eprintln!("refused, exact, rounded: {checked:?}");
    assert!(
        checked.iter().all(|&c| c >= 8),
        "refused, exact, rounded: {checked:?}"
    );
    Ok(())
}

/// Every row of `table_name` (`db.t`) as the model's values (binary protocol), in `id` order.
fn values_of(
    conn: &mut Conn,
    table_name: &str,
    table: &chunker::Table,
) -> Result<Vec<Vec<Value>>, Box<dyn Error>> {
    let rows: Vec<mysql::Row> = conn.exec(format!("SELECT * FROM {table_name} ORDER BY id"), ())?;
    let mut out = Vec::new();
    for row in rows {
        out.push(
            row.unwrap()
                .into_iter()
                .zip(&table.columns)
                .map(|(v, c)| chunker::live::from_mysql(v, &c.column_type))
                .collect::<Result<_, _>>()?,
        );
    }
    Ok(out)
}

/// `ur.t (id INT PRIMARY KEY, f FLOAT(7,2), v INT)` and `ur.r (id INT PRIMARY KEY, f
/// FLOAT(7,2), d DOUBLE(10,3))` on both servers, the same 200 and 3 rows, then on the source
/// values the columns cannot store (set while `f` and `d` were plain, then made `(M,D)` in
/// place, which keeps them) and on the target drift, some of it repairable:
///
/// | `ur.t` id | source | target | plan |
/// |---|---|---|---|
/// | 10 | f 0.1337 | f 12.5 | cannot repair: rounded to 0.13 |
/// | 20 | f 5.4321 | f 5.43 | cannot repair: the target has what a write stores |
/// | 40 | f 7.1234 | missing | cannot repair: rounded to 7.12 |
/// | 50 | f 0.1337, v 50 | f 62.5, v -50 | `v` updated; `f` cannot be repaired |
/// | 60 | v 60 | v -60 | updated |
/// | 70 | f 87.5 | missing | inserted |
/// | 80 | f 100 | f 99.5 | updated |
/// | 1000 | missing | present | deleted |
///
/// and in `ur.r`: id 1 f 123456.79 (beyond FLOAT(7,2)'s 99999.99) where the target has 1.5,
/// id 2 d 12345678.5 (beyond DOUBLE(10,3)) missing on the target, id 3 d 7.12345 where the
/// target has the 7.123 a write stores.
fn unstorable(source: &mut Conn, target: &mut Conn) -> TestResult {
    for conn in [&mut *source, &mut *target] {
        conn.query_drop(
            "CREATE DATABASE ur; \
             CREATE TABLE ur.t (id INT PRIMARY KEY, f FLOAT, v INT); \
             INSERT INTO ur.t SELECT seq, seq * 1.25, seq FROM ur.seq_1_to_200; \
             CREATE TABLE ur.r (id INT PRIMARY KEY, f FLOAT, d DOUBLE); \
             INSERT INTO ur.r VALUES (1, 1.5, 1), (2, 2.5, 2), (3, 3.5, 3)",
        )?;
    }
    source.query_drop(
        "UPDATE ur.t SET f = 0.1337 WHERE id IN (10, 50); \
         UPDATE ur.t SET f = 5.4321 WHERE id = 20; \
         UPDATE ur.t SET f = 7.1234 WHERE id = 40; \
         UPDATE ur.r SET f = 123456.79 WHERE id = 1; \
         UPDATE ur.r SET d = 12345678.5 WHERE id = 2; \
         UPDATE ur.r SET d = 7.12345 WHERE id = 3",
    )?;
    target.query_drop(
        "UPDATE ur.t SET f = 5.43 WHERE id = 20; \
         UPDATE ur.t SET v = -v WHERE id IN (50, 60); \
         UPDATE ur.t SET f = 99.5 WHERE id = 80; \
         DELETE FROM ur.t WHERE id IN (40, 70); \
         INSERT INTO ur.t VALUES (1000, 1, 1000); \
         UPDATE ur.r SET d = 7.123 WHERE id = 3; \
         DELETE FROM ur.r WHERE id = 2",
    )?;
    for conn in [&mut *source, &mut *target] {
        conn.query_drop(
            "ALTER TABLE ur.t MODIFY f FLOAT(7,2), ALGORITHM=INSTANT; \
             ALTER TABLE ur.r MODIFY f FLOAT(7,2), MODIFY d DOUBLE(10,3), ALGORITHM=INSTANT",
        )?;
    }
    Ok(())
}

/// `(id, f, v)` of a row of `ur.t`, `f` as its exact double.
type TRow = (i64, f64, i64);

/// Every row of `ur.t`, in `id` order.
fn t_rows(conn: &mut Conn) -> Result<Vec<TRow>, Box<dyn Error>> {
    Ok(conn.query("SELECT id, f + 0e0, v FROM ur.t ORDER BY id")?)
}

/// The `table-sync: cannot repair:` lines of a run's stderr.
fn cannot_repair(err: &str) -> Vec<&str> {
    err.lines()
        .filter(|l| l.starts_with("table-sync: cannot repair: "))
        .collect()
}

/// Rows that writing cannot repair are reported and left out: the first `--execute` repairs
/// the rest, a second run plans nothing and reports the same rows, and only
/// `--include-unrepairable` writes them (rounded, which a third run then leaves alone; a value
/// beyond the range is refused by the server).
#[test]
fn rows_the_column_cannot_store_are_reported_and_left_out() -> TestResult {
    let Some((source, target)) = two_servers()? else {
        return Ok(());
    };
    let (mut s, mut t) = (source.conn()?, target.conn()?);
    unstorable(&mut s, &mut t)?;
    let (su, tu) = (source.url(), target.url());
    let sync = |extra: &[&str]| {
        let mut args = vec!["--source", su.as_str(), "--target", tu.as_str()];
        args.extend_from_slice(extra);
        run(env!("CARGO_BIN_EXE_table-sync"), args)
    };
    let before = t_rows(&mut t)?;

    // The plan, reviewed: the repairable rows only, and the others named with key and column.
    let (code, out, err) = sync(&["--databases", "ur", "--print"])?;
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(t_rows(&mut t)?, before, "--print changes nothing");
    let expected = [
        "`ur`.`r` row `id`=1: cannot be repaired by writing: the target column's type cannot \
         hold it: `f` 1.2345679e5 is beyond FLOAT(7,2)'s range (at most 99999.99 in magnitude), \
         which the server refuses (error 1264), the target has 1.5e0; left out of the statements",
        "`ur`.`r` row `id`=2: cannot be repaired by writing: the target column's type cannot \
         hold it: `d` 1.23456785e7 is beyond DOUBLE(10,3)'s range (at most 9999999.999 in \
         magnitude), which the server refuses (error 1264), the target lacks the row; left out \
         of the statements",
        "`ur`.`r` row `id`=3: cannot be repaired by writing: the target column's type rounds \
         it: `d` 7.12345e0 is stored as 7.123e0 by DOUBLE(10,3), the target has 7.123e0; \
         nothing to write: the target already holds what a write stores",
        "`ur`.`t` row `id`=10: cannot be repaired by writing: the target column's type rounds \
         it: `f` 1.337e-1 is stored as 1.3e-1 by FLOAT(7,2), the target has 1.25e1; left out \
         of the statements",
        "`ur`.`t` row `id`=20: cannot be repaired by writing: the target column's type rounds \
         it: `f` 5.4321e0 is stored as 5.43e0 by FLOAT(7,2), the target has 5.43e0; nothing to \
         write: the target already holds what a write stores",
        "`ur`.`t` row `id`=40: cannot be repaired by writing: the target column's type rounds \
         it: `f` 7.1234e0 is stored as 7.12e0 by FLOAT(7,2), the target lacks the row; left \
         out of the statements",
        "`ur`.`t` row `id`=50: cannot be repaired by writing: the target column's type rounds \
         it: `f` 1.337e-1 is stored as 1.3e-1 by FLOAT(7,2), the target has 6.25e1; left out \
         of the statements",
    ];
    let reported: Vec<String> = expected
        .iter()
        .map(|l| format!("table-sync: cannot repair: {l}"))
        .collect();
    assert_eq!(cannot_repair(&err), reported, "{err}");
    for line in expected {
        assert!(
            out.contains(&format!("-- cannot repair: {line}\n")),
            "{out}"
        );
    }
    assert!(
        err.contains(
            "table-sync: 7 rows cannot be repaired by writing, as the target column's type \
             rounds the source's value or cannot hold it: 5 left out of the statements \
             (--include-unrepairable writes them anyway); 2 already held by the target as a \
             write would store them"
        ),
        "{err}"
    );
    assert!(err.contains("table-sync: 5 statements planned"), "{err}");
    let statements: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("/* table-sync src:"))
        .map(|l| l.split(" /* table-sync").next().unwrap_or(l))
        .collect();
    assert_eq!(
        statements,
        [
            "DELETE FROM `ur`.`t` WHERE `id` = 1000 LIMIT 1",
            "INSERT INTO `ur`.`t` (`id`, `f`, `v`) VALUES (70, 8.75e1, 70)",
            "UPDATE `ur`.`t` SET `v` = 50 WHERE `id` = 50 LIMIT 1",
            "UPDATE `ur`.`t` SET `v` = 60 WHERE `id` = 60 LIMIT 1",
            "UPDATE `ur`.`t` SET `f` = 1e2 WHERE `id` = 80 LIMIT 1",
        ],
        "{out}"
    );
    assert!(
        !out.contains("-- warning:"),
        "nothing written is rounded: {out}"
    );

    // The first --execute repairs the rest; the reported rows keep the target's values.
    let (code, out, err) = sync(&["--databases", "ur", "--execute"])?;
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("table-sync: 5 statements executed"), "{err}");
    assert!(
        err.contains("table-sync: 7 of them are rows no statement can repair"),
        "{err}"
    );
    let mut want = t_rows(&mut s)?;
    for (id, f, v) in &mut want {
        if let Some((_, tf, tv)) = before
            .iter()
            .find(|r| r.0 == *id && [10, 20, 50].contains(id))
        {
            (*f, *v) = (*tf, if *id == 50 { 50 } else { *tv });
        }
    }
    want.retain(|r| r.0 != 40);
    let after = t_rows(&mut t)?;
    assert_eq!(after, want);
    let r_before: Vec<(i64, f64, f64)> = t.query("SELECT id, f + 0e0, d FROM ur.r ORDER BY id")?;

    // The second run plans nothing, says why, and changes nothing.
    let (code, out, err) = sync(&["--databases", "ur", "--execute"])?;
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("table-sync: 0 statements planned"), "{err}");
    assert!(
        err.contains(
            "table-sync: nothing to execute; 7 rows still differ that no statement can repair"
        ),
        "{err}"
    );
    assert_eq!(cannot_repair(&err), reported, "{err}");
    assert_eq!(t_rows(&mut t)?, after);
    let r_after: Vec<(i64, f64, f64)> = t.query("SELECT id, f + 0e0, d FROM ur.r ORDER BY id")?;
    assert_eq!(r_after, r_before);

    // Asked to, the rounded rows are written; the target then holds what a write stores, so
    // the next run has nothing to write for them either.
    let (code, out, err) = sync(&["--tables", "ur.t", "--execute", "--include-unrepairable"])?;
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains(
            "table-sync: warning: `ur`.`t`: 3 values written to FLOAT(M,D)/DOUBLE(M,D) columns \
             have more decimals than the column keeps and are stored rounded"
        ),
        "{err}"
    );
    assert!(err.contains("table-sync: 3 statements executed"), "{err}");
    let rounded: Vec<(i64, f64)> = t_rows(&mut t)?
        .into_iter()
        .filter(|r| [10, 20, 40, 50].contains(&r.0))
        .map(|r| (r.0, r.1))
        .collect();
    let float = |x: f32| f64::from(x);
    assert_eq!(
        rounded,
        [
            (10, float(0.13)),
            (20, float(5.43)),
            (40, float(7.12)),
            (50, float(0.13))
        ]
    );
    let (code, out, err) = sync(&["--tables", "ur.t", "--print", "--include-unrepairable"])?;
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("table-sync: 0 statements planned"), "{err}");
    assert!(
        err.contains(
            "table-sync: 4 rows cannot be repaired by writing, as the target column's type \
             rounds the source's value or cannot hold it: 4 already held by the target as a \
             write would store them"
        ),
        "{err}"
    );

    // Beyond the range, the server refuses the write: the run stops with the table, the
    // statement (its key) and the column named, and the transaction is rolled back.
    let (code, out, err) = sync(&["--tables", "ur.r", "--execute", "--include-unrepairable"])?;
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains(
            "warning: `ur`.`r`: 2 values written to FLOAT(M,D)/DOUBLE(M,D) columns are beyond"
        ),
        "{err}"
    );
    assert!(err.contains("ur.r") && err.contains("1264"), "{err}");
    let r_now: Vec<(i64, f64, f64)> = t.query("SELECT id, f + 0e0, d FROM ur.r ORDER BY id")?;
    assert_eq!(r_now, r_before);
    Ok(())
}
