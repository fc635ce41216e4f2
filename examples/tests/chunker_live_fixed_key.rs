//! Chunk walks over `FLOAT(M,D)` / `DOUBLE(M,D)` keys that hold values with more decimals than
//! `D`, and values beyond the column's declared range, on a real MariaDB.
//!
//! Such values are real: `ALTER TABLE ... MODIFY k FLOAT(7,2), ALGORITHM=INSTANT` on a plain
//! `FLOAT` column keeps the stored floats as they are (0.135 stays 0.135, 123456.79 stays
//! 123456.79), and row-based replication from a plain column copies them in unchanged. MariaDB
//! 10.11 rounds a comparison's constant to the column's `D` decimals, and clamps it to the
//! declared range, before it scans an index range, while the same comparison row by row is
//! exact. With plain `k >= ?` chunk predicates (the chunker before it compared such parts
//! through a widened range and an exact filter), both tests fail: over the index `k >= 0.135`
//! misses a stored 0.135, chunks lose rows, boundary queries skip them, and `table-checksum`
//! reports differences between equal tables.
//!
//! For each key (a unique FLOAT(7,2), a unique DOUBLE(10,3), a nullable non-unique
//! FLOAT(5,1)+DOUBLE(8,2), an INT+FLOAT(7,2) primary key, and a plain FLOAT for comparison),
//! walks with chunks of 1, 2, 3 and 7 rows put boundaries on the problem values; every row must
//! be in exactly one chunk as the server evaluates the chunk predicates over the walked index,
//! that chunk must be the one the chunk's bounds say by exact comparison, a unique key's chunks
//! must hold at most the chunk size (the boundary queries are exact too), chunks and boundary
//! queries must read index ranges, and the same holds for a copy of the table with rows the
//! walk never saw (each key's float neighbours and rounded values: the other server's rows).
//! Then `table-checksum` between two servers with the same such rows reports nothing, and
//! reports a change to any one of them.

mod common;

use std::error::Error;

use common::numeric_keys::{check_partition, checksum_runs};
use common::{server, two_servers, Rng};

use chunker::live::{collect_chunks, load_table, to_mysql};
use chunker::sql::{force_index, qualified};
use chunker::{choose_key, Bound, Chunk, ChunkSize, ChunkWarning, Table, Value, Walker};
use mysql::prelude::Queryable;
use mysql::{Conn, Params};

type TestResult = Result<(), Box<dyn Error>>;

/// The next float up or down by one unit in the last place (finite, nonzero `x`).
fn f32_step(x: f32, up: bool) -> f32 {
    let bits = x.to_bits();
    // Away from zero is +1 on the magnitude's bits, toward zero -1.
    let away = (x > 0.0) == up;
    f32::from_bits(if away { bits + 1 } else { bits - 1 })
}

fn f64_step(x: f64, up: bool) -> f64 {
    let bits = x.to_bits();
    let away = (x > 0.0) == up;
    f64::from_bits(if away { bits + 1 } else { bits - 1 })
}

/// `x` rounded to `d` decimals (the value an INSERT into a `(M,d)` column would keep).
fn rounded(x: f64, d: usize) -> f64 {
    format!("{x:.d$}").parse().unwrap_or(x)
}

/// Sorted, deduplicated (by value; no -0.0) floats.
fn distinct_f32(mut v: Vec<f32>) -> Vec<f32> {
    v.retain(|x| x.is_finite() && *x != 0.0 || x.to_bits() == 0);
    v.sort_by(f32::total_cmp);
    v.dedup();
    v
}

fn distinct_f64(mut v: Vec<f64>) -> Vec<f64> {
    v.retain(|x| x.is_finite() && *x != 0.0 || x.to_bits() == 0);
    v.sort_by(f64::total_cmp);
    v.dedup();
    v
}

/// FLOAT(7,2) keys: a dense run with 2 to 4 stored decimals more than D around zero, the
/// classic half-way values, the declared range's ends, and values beyond them (also beyond
/// the 1e34 up to which the chunker bounds index ranges).
fn float_keys() -> Vec<f32> {
    let mut v: Vec<f32> = (-120..=120).map(|i| i as f32 * 0.0025).collect();
    v.extend([
        0.125,
        0.135,
        0.145,
        0.005,
        -0.005,
        0.015,
        2.675,
        1.005,
        99_999.99,
        -99_999.99,
        100_000.5,
        -100_000.5,
        123_456.79,
        -123_456.79,
        1e20,
        -1e20,
        1e36,
        -1e36,
    ]);
    distinct_f32(v)
}

/// DOUBLE(10,3) keys, likewise.
fn double_keys() -> Vec<f64> {
    let mut v: Vec<f64> = (-120..=120).map(|i| i as f64 * 0.000_25).collect();
    v.extend([
        0.0625,
        0.0005,
        -0.0005,
        0.0015,
        2.6745,
        1.0005,
        9_999_999.999,
        -9_999_999.999,
        10_000_000.5,
        -10_000_000.5,
        1e20,
        -1e20,
        1e40,
        -1e40,
        1e300,
        -1e300,
        1e-300,
    ]);
    distinct_f64(v)
}

/// The rows only the other server has: each key's float neighbours and its rounded value.
fn float_strangers(keys: &[f32], d: usize) -> Vec<f32> {
    let mut v = Vec::new();
    for &k in keys.iter().filter(|k| **k != 0.0) {
        v.extend([
            f32_step(k, true),
            f32_step(k, false),
            rounded(f64::from(k), d) as f32,
        ]);
    }
    let mut v = distinct_f32(v);
    v.retain(|x| keys.binary_search_by(|k| k.total_cmp(x)).is_err());
    v
}

fn double_strangers(keys: &[f64], d: usize) -> Vec<f64> {
    let mut v = Vec::new();
    for &k in keys.iter().filter(|k| **k != 0.0) {
        v.extend([f64_step(k, true), f64_step(k, false), rounded(k, d)]);
    }
    let mut v = distinct_f64(v);
    v.retain(|x| keys.binary_search_by(|k| k.total_cmp(x)).is_err());
    v
}

/// One table to walk: created with plain FLOAT/DOUBLE columns, filled, then given its
/// `(M,D)` in place (`ALGORITHM=INSTANT` keeps the stored values).
struct Case {
    /// Table name in database `fk`.
    name: &'static str,
    /// Column definitions (plain FLOAT/DOUBLE) and the index.
    create: &'static str,
    /// The in-place ALTER (empty: none, a plain FLOAT/DOUBLE key).
    alter: &'static str,
    /// Rows `(key parts..., rid)`: the walked rows, and the other server's.
    rows: Vec<Vec<mysql::Value>>,
    strangers: Vec<Vec<mysql::Value>>,
}

fn row(parts: Vec<mysql::Value>, rid: usize) -> Vec<mysql::Value> {
    let mut r = parts;
    r.push(mysql::Value::Int(rid as i64));
    r
}

fn cases() -> Vec<Case> {
    let fk = float_keys();
    let dk = double_keys();
    let f = |x: f32| mysql::Value::Float(x);
    let d = |x: f64| mysql::Value::Double(x);

    let single_f = Case {
        name: "f",
        create: "k FLOAT NOT NULL, PRIMARY KEY (k)",
        alter: "MODIFY k FLOAT(7,2) NOT NULL",
        rows: fk
            .iter()
            .enumerate()
            .map(|(i, k)| row(vec![f(*k)], i))
            .collect(),
        strangers: float_strangers(&fk, 2)
            .into_iter()
            .enumerate()
            .map(|(i, k)| row(vec![f(k)], 100_000 + i))
            .collect(),
    };
    let single_d = Case {
        name: "d",
        create: "k DOUBLE NOT NULL, PRIMARY KEY (k)",
        alter: "MODIFY k DOUBLE(10,3) NOT NULL",
        rows: dk
            .iter()
            .enumerate()
            .map(|(i, k)| row(vec![d(*k)], i))
            .collect(),
        strangers: double_strangers(&dk, 3)
            .into_iter()
            .enumerate()
            .map(|(i, k)| row(vec![d(k)], 100_000 + i))
            .collect(),
    };

    // A nullable, non-unique composite: runs of equal keys, NULLs, values beyond FLOAT(5,1)'s
    // 9999.9 and DOUBLE(8,2)'s 999999.99.
    let fv: Vec<Option<f32>> = vec![
        None,
        Some(-0.05),
        Some(0.05),
        Some(0.06),
        Some(0.1),
        Some(0.14),
        Some(0.15),
        Some(0.25),
        Some(1.23456),
        Some(12_345.67),
        Some(-12_345.67),
    ];
    let dv: Vec<f64> = vec![-0.005, 0.001, 0.005, 0.0051, 0.01, 1.2345, 10_000_000.125];
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let opt = |x: Option<f32>| x.map_or(mysql::Value::NULL, mysql::Value::Float);
    let mut comp_rows = Vec::new();
    for i in 0..300 {
        let a = fv[rng.below(fv.len() as u64) as usize];
        let b = dv[rng.below(dv.len() as u64) as usize];
        comp_rows.push(row(vec![opt(a), d(b)], i));
    }
    let fv_all: Vec<Option<f32>> = fv
        .iter()
        .flat_map(|x| match x {
            None => vec![None],
            Some(x) => vec![
                Some(*x),
                Some(f32_step(*x, true)),
                Some(f32_step(*x, false)),
                Some(rounded(f64::from(*x), 1) as f32),
            ],
        })
        .collect();
    let dv_all: Vec<f64> = dv
        .iter()
        .flat_map(|x| [*x, f64_step(*x, true), f64_step(*x, false), rounded(*x, 2)])
        .collect();
    let mut comp_strangers = Vec::new();
    for i in 0..200 {
        let a = fv_all[rng.below(fv_all.len() as u64) as usize];
        let b = dv_all[rng.below(dv_all.len() as u64) as usize];
        comp_strangers.push(row(vec![opt(a), d(b)], 100_000 + i));
    }
    let composite = Case {
        name: "c",
        create: "f FLOAT NULL, d DOUBLE NOT NULL, KEY k_fd (f, d)",
        alter: "MODIFY f FLOAT(5,1) NULL, MODIFY d DOUBLE(8,2) NOT NULL",
        rows: comp_rows,
        strangers: comp_strangers,
    };

    // INT + FLOAT(7,2): the fixed-decimal part second, under equal leading parts.
    let dense: Vec<f32> = fk.iter().copied().filter(|x| x.abs() < 1.0).collect();
    let mut p_rows = Vec::new();
    let mut p_strangers = Vec::new();
    for a in 0..3i64 {
        for (i, k) in dense
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 3 == a as usize)
        {
            p_rows.push(row(vec![a.into(), f(*k)], p_rows.len()));
            if i % 5 == 0 {
                let s = f32_step(if *k == 0.0 { 0.01 } else { *k }, true);
                p_strangers.push(row(vec![a.into(), f(s)], 100_000 + p_strangers.len()));
            }
        }
    }
    let second = Case {
        name: "p",
        create: "a INT NOT NULL, k FLOAT NOT NULL, PRIMARY KEY (a, k)",
        alter: "MODIFY k FLOAT(7,2) NOT NULL",
        rows: p_rows,
        strangers: p_strangers,
    };

    // Plain FLOAT (no D): nothing rounds its bounds; the same walk, the plain predicates.
    let plain = Case {
        name: "plain",
        create: "k FLOAT NOT NULL, PRIMARY KEY (k)",
        alter: "",
        rows: fk
            .iter()
            .enumerate()
            .map(|(i, k)| row(vec![f(*k)], i))
            .collect(),
        strangers: float_strangers(&fk, 2)
            .into_iter()
            .enumerate()
            .map(|(i, k)| row(vec![f(k)], 100_000 + i))
            .collect(),
    };
    vec![single_f, single_d, composite, second, plain]
}

/// Creates `fk.<name>` (the walked rows) and `fk.<name>_all` (with the other server's rows),
/// each with a payload column `v` the checksum test changes.
fn create(conn: &mut Conn, case: &Case, with_strangers: bool) -> TestResult {
    let table = if with_strangers {
        format!("{}_all", case.name)
    } else {
        case.name.to_string()
    };
    conn.query_drop(format!(
        "CREATE TABLE fk.{table} ({}, rid INT NOT NULL, v INT NOT NULL DEFAULT 0)",
        case.create
    ))?;
    let width = case.rows[0].len();
    let marks = vec!["?"; width].join(", ");
    let columns: Vec<&str> = match case.name {
        "c" => vec!["f", "d", "rid"],
        "p" => vec!["a", "k", "rid"],
        _ => vec!["k", "rid"],
    };
    let insert = format!(
        "INSERT INTO fk.{table} ({}) VALUES ({marks})",
        columns.join(", ")
    );
    let rows = case
        .rows
        .iter()
        .chain(if with_strangers {
            &case.strangers[..]
        } else {
            &[]
        })
        .cloned();
    conn.exec_batch(insert, rows)?;
    if !case.alter.is_empty() {
        conn.query_drop(format!(
            "ALTER TABLE fk.{table} {}, ALGORITHM=INSTANT",
            case.alter
        ))?;
    }
    conn.query_drop(format!("ANALYZE TABLE fk.{table}"))?;
    Ok(())
}

/// `EXPLAIN` of `sql`: the access type, the estimated rows and the extra notes of its first row.
fn explain(
    conn: &mut Conn,
    sql: &str,
    binds: &[Value],
) -> Result<(String, u64, String), Box<dyn Error>> {
    let binds: Vec<mysql::Value> = binds.iter().map(to_mysql).collect();
    let plan: Option<mysql::Row> =
        conn.exec_first(format!("EXPLAIN {sql}"), Params::Positional(binds))?;
    let plan = plan.ok_or("no plan")?;
    let text = |name: &str| -> String {
        plan.get::<Option<String>, _>(name)
            .flatten()
            .unwrap_or_default()
    };
    let rows = text("rows").parse().unwrap_or(u64::MAX);
    Ok((text("type"), rows, text("Extra")))
}

/// The last chunk bounded by values well inside the declared range is read by a range of the
/// walked index (the widened bounds), not a scan of the whole index, and so is the boundary
/// query that starts at its lower bound (in index order, no sort).
fn check_range_plans(
    conn: &mut Conn,
    table: &Table,
    chunks: &[Chunk],
    size: ChunkSize,
    what: &str,
) -> TestResult {
    let choice = choose_key(table, chunks[0].index.as_deref())?;
    let key = choice.key().ok_or("no key")?.columns.clone();
    let hint = force_index(chunks[0].index.as_deref().ok_or("no index")?);
    let inside = |b: &Bound| {
        b.values().is_some_and(|v| {
            v.iter().all(|x| match x {
                Value::Float(f) => f.abs() < 10.0,
                Value::Double(d) => d.abs() < 10.0,
                Value::Null => false,
                _ => true,
            })
        })
    };
    let at = chunks
        .iter()
        .rposition(|c| inside(&c.lower) && inside(&c.upper))
        .ok_or("no chunk inside the range")?;
    let total: Option<u64> =
        conn.query_first(format!("SELECT COUNT(*) FROM {}", qualified(table)))?;
    let total = total.unwrap_or(0);

    let (pred, binds) = chunks[at].predicate(&key);
    let sql = format!(
        "SELECT COUNT(*) FROM {} {hint} WHERE {pred}",
        qualified(table)
    );
    let (access, rows, _) = explain(conn, &sql, &binds)?;
    assert!(
        access == "range" && rows < total,
        "{what}: chunk {at} is read by a range ({access}, about {rows} of {total} rows): {sql}"
    );

    let mut walker = Walker::resume_after(table, &choice, size, &chunks[at - 1])?;
    let chunker::Action::Query(query) = walker.next_action() else {
        return Err("a boundary query".into());
    };
    let (access, rows, extra) = explain(conn, &query.sql, &query.binds)?;
    assert!(
        access == "range" && rows < total && !extra.contains("filesort"),
        "{what}: the boundary query from chunk {at} reads a range in index order \
         ({access}, about {rows} of {total} rows, {extra}): {}",
        query.sql
    );
    Ok(())
}

#[test]
fn walks_over_fixed_decimal_keys_with_more_decimals_partition_the_rows() -> TestResult {
    let Some(server) = server()? else {
        return Ok(());
    };
    let mut conn = server.conn()?;
    conn.query_drop("CREATE DATABASE fk")?;
    for case in cases() {
        create(&mut conn, &case, false)?;
        create(&mut conn, &case, true)?;
        let table = load_table(&mut conn, "fk", case.name)?;
        let all = load_table(&mut conn, "fk", &format!("{}_all", case.name))?;
        let choice = choose_key(&table, None)?;
        let key = choice.key().ok_or("no key")?;
        for size in [1u64, 2, 3, 7] {
            let what = format!("fk.{} in chunks of {size}", case.name);
            let mut walker = Walker::new(&table, &choice, ChunkSize::Rows(size))?;
            let chunks = collect_chunks(&mut conn, &mut walker)?;
            assert!(chunks.len() > 10, "{what}: {} chunks", chunks.len());
            let sizes = check_partition(&mut conn, &table, &chunks, &what)?;
            if key.unique {
                for (c, n) in chunks.iter().zip(&sizes) {
                    assert!(
                        *n <= size && c.warnings.is_empty(),
                        "{what}: chunk {} holds {n} rows: {c:?}",
                        c.number
                    );
                }
            } else {
                let oversized = chunks
                    .iter()
                    .filter(|c| {
                        c.warnings
                            .iter()
                            .any(|w| matches!(w, ChunkWarning::OversizedRun { .. }))
                    })
                    .count();
                assert!(oversized > 0, "{what}: runs of equal keys");
            }
            check_range_plans(&mut conn, &table, &chunks, ChunkSize::Rows(size), &what)?;
            // The other server's rows (a table with the same index name) fall in exactly one
            // chunk each as well.
            let renamed: Vec<Chunk> = chunks
                .iter()
                .map(|c| Chunk {
                    table: chunker::TableRef::from(&all),
                    ..c.clone()
                })
                .collect();
            check_partition(
                &mut conn,
                &all,
                &renamed,
                &format!("{what} + the other server's rows"),
            )?;
        }
        eprintln!("fk.{}: every walk partitions the rows", case.name);
    }
    Ok(())
}

#[test]
fn table_checksum_sees_a_change_to_any_row_with_more_decimals_than_its_key_column() -> TestResult {
    let Some((source, target)) = two_servers()? else {
        return Ok(());
    };
    let (mut s, mut t) = (source.conn()?, target.conn()?);
    for conn in [&mut s, &mut t] {
        conn.query_drop("CREATE DATABASE fk")?;
        for case in cases().iter().filter(|c| c.name != "plain") {
            create(conn, case, false)?;
        }
    }
    let (su, tu) = (source.url(), target.url());
    for (code, out) in checksum_runs(&su, &tu, "fk.f,fk.d,fk.c,fk.p")? {
        assert_eq!(code, 0, "the same rows: {out}");
    }
    // One row at a time, changed on the target (its key stays as stored), then put back: rows
    // whose keys have more decimals than D, or lie beyond the declared range.
    let (f, d) = (mysql::Value::Float, mysql::Value::Double);
    let changes: Vec<(&str, Vec<mysql::Value>)> = vec![
        ("f", vec![f(0.135)]),
        ("f", vec![f(0.0025)]),
        ("f", vec![f(-119.0 * 0.0025)]),
        ("f", vec![f(100_000.5)]),
        ("f", vec![f(-1e36)]),
        ("d", vec![d(0.0625)]),
        ("d", vec![d(3.0 * 0.000_25)]),
        ("d", vec![d(-10_000_000.5)]),
        ("d", vec![d(1e300)]),
        ("c", vec![f(0.14), d(0.0051)]),
        ("c", vec![mysql::Value::NULL, d(-0.005)]),
        ("c", vec![f(12_345.67), d(10_000_000.125)]),
        ("p", vec![1.into(), f(49.0 * 0.0025)]),
    ];
    let cases = cases();
    for (table, key) in changes {
        let case = cases.iter().find(|c| c.name == table).ok_or("no case")?;
        let rid = case
            .rows
            .iter()
            .find(|r| r[..key.len()] == key[..])
            .and_then(|r| r.last().cloned())
            .ok_or_else(|| format!("fk.{table}: no row with key {key:?}"))?;
        let what = format!("fk.{table} row {rid:?} (key {key:?})");
        let read = "SELECT * FROM fk.{table} WHERE rid = ?".replace("{table}", table);
        let before: Option<mysql::Row> = t.exec_first(&read, (rid.clone(),))?;
        t.exec_drop(
            format!("UPDATE fk.{table} SET v = v + 1 WHERE rid = ?"),
            (rid.clone(),),
        )?;
        let after: Option<mysql::Row> = t.exec_first(&read, (rid.clone(),))?;
        let (before, after) = (before.ok_or("no row")?, after.ok_or("no row")?);
        let parts = key.len();
        assert_eq!(
            before.unwrap()[..parts],
            after.unwrap()[..parts],
            "{what}: the key is kept"
        );
        for (code, out) in checksum_runs(&su, &tu, &format!("fk.{table}"))? {
            assert_eq!(code, 1, "{what} changed on the target: {out}");
            assert!(
                out.contains(&format!("fk {table} ")),
                "{what}: the report names the table: {out}"
            );
        }
        t.exec_drop(
            format!("UPDATE fk.{table} SET v = v - 1 WHERE rid = ?"),
            (rid,),
        )?;
    }
    // And a row the target lacks.
    t.query_drop("DELETE FROM fk.f WHERE k + 0e0 = CAST(0.145 AS FLOAT)")?;
    for (code, out) in checksum_runs(&su, &tu, "fk.f")? {
        assert_eq!(code, 1, "a row deleted on the target: {out}");
    }
    Ok(())
}
