//! Checking chunks over numeric keys exactly (FLOAT/DOUBLE/DECIMAL keys whose stored values
//! the server's index ranges can miss), shared by `chunker_live_fixed_key.rs` and
//! `chunker_live_unsigned_key.rs`. Tables have an integer row id `rid`.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::error::Error;

use chunker::live::{from_mysql, to_mysql};
use chunker::sql::{force_index, qualified, quote_ident};
use chunker::{choose_key, Bound, Chunk, KeyColumn, Table, Value};
use mysql::prelude::Queryable;
use mysql::{Conn, Params};

/// A key part as a number (NULL: `None`): floats and doubles exactly, DECIMAL text parsed
/// (the tests' decimals are well inside a double's exact range).
pub fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Null => None,
        Value::Float(f) => Some(f64::from(*f)),
        Value::Double(d) => Some(*d),
        Value::Int(i) => Some(*i as f64),
        Value::UInt(u) => Some(*u as f64),
        Value::Bytes(b) => std::str::from_utf8(b).ok()?.parse().ok(),
        other => panic!("not a number: {other:?}"),
    }
}

/// A row's key against a bound tuple, on the tuple's length: NULL first, then by value.
pub fn cmp_key(key: &[Value], bound: &[Value]) -> Ordering {
    key.iter()
        .zip(bound)
        .map(|(a, b)| match (number(a), number(b)) {
            (Some(x), Some(y)) => x.partial_cmp(&y).expect("no NaN"),
            (a, b) => a.is_some().cmp(&b.is_some()),
        })
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// Whether the chunk's bounds hold `key`, by exact comparison.
pub fn holds(chunk: &Chunk, key: &[Value]) -> bool {
    let above = match &chunk.lower {
        Bound::Unbounded => true,
        Bound::Inclusive(v) => cmp_key(key, v).is_ge(),
        Bound::Exclusive(v) => cmp_key(key, v).is_gt(),
    };
    let below = match &chunk.upper {
        Bound::Unbounded => true,
        Bound::Inclusive(v) => cmp_key(key, v).is_le(),
        Bound::Exclusive(v) => cmp_key(key, v).is_lt(),
    };
    above && below
}

/// Every row of `table`: rid -> its key, as the binary protocol sends it (exact).
pub fn keys(
    conn: &mut Conn,
    table: &Table,
    key: &[KeyColumn],
) -> Result<BTreeMap<i64, Vec<Value>>, Box<dyn Error>> {
    let names: Vec<String> = key.iter().map(|c| quote_ident(&c.name)).collect();
    let rows: Vec<mysql::Row> = conn.exec(
        format!("SELECT rid, {} FROM {}", names.join(", "), qualified(table)),
        (),
    )?;
    let mut out = BTreeMap::new();
    for r in rows {
        let mut values = r.unwrap().into_iter();
        let rid: i64 = mysql::from_value(values.next().ok_or("no rid")?);
        let parts = values
            .zip(key)
            .map(|(v, c)| from_mysql(v, &c.column_type))
            .collect::<Result<Vec<_>, _>>()?;
        out.insert(rid, parts);
    }
    Ok(out)
}

/// Checks `chunks` against `table` on the server: each row in exactly one chunk by the chunk
/// predicates over the walked index, the one its bounds hold exactly; the per-chunk COUNT(*)s
/// sum to the table's. Returns the rows each chunk holds.
pub fn check_partition(
    conn: &mut Conn,
    table: &Table,
    chunks: &[Chunk],
    what: &str,
) -> Result<Vec<u64>, Box<dyn Error>> {
    let choice = choose_key(table, chunks[0].index.as_deref())?;
    let key = choice.key().ok_or("no key")?.columns.clone();
    let hint = force_index(chunks[0].index.as_deref().ok_or("no index")?);
    let all = keys(conn, table, &key)?;
    let mut seen: BTreeMap<i64, Vec<u64>> = BTreeMap::new();
    let mut total = 0u64;
    let mut sizes = Vec::new();
    for chunk in chunks {
        let (pred, binds) = chunk.predicate(&key);
        let binds: Vec<mysql::Value> = binds.iter().map(to_mysql).collect();
        let from = format!("{} {hint} WHERE {pred}", qualified(table));
        let count: Option<u64> = conn.exec_first(
            format!("SELECT COUNT(*) FROM {from}"),
            Params::Positional(binds.clone()),
        )?;
        total += count.unwrap_or(0);
        sizes.push(count.unwrap_or(0));
        let rids: Vec<i64> =
            conn.exec(format!("SELECT rid FROM {from}"), Params::Positional(binds))?;
        for rid in rids {
            seen.entry(rid).or_default().push(chunk.number);
        }
    }
    let mut wrong = Vec::new();
    for (rid, k) in &all {
        let exact: Vec<u64> = chunks
            .iter()
            .filter(|c| holds(c, k))
            .map(|c| c.number)
            .collect();
        assert_eq!(
            exact.len(),
            1,
            "{what}: rid {rid} {k:?}: bounds of {exact:?}"
        );
        let server = seen.get(rid).cloned().unwrap_or_default();
        if server != exact {
            wrong.push(format!(
                "rid {rid} {k:?}: in chunks {server:?}, bounds say {exact:?}"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{what}: {} of {} rows in the wrong chunks, e.g. {:#?}",
        wrong.len(),
        all.len(),
        &wrong[..wrong.len().min(8)]
    );
    assert_eq!(total, all.len() as u64, "{what}: COUNT(*) sum");
    Ok(sizes)
}

/// `table-checksum` over `tables` with every algorithm and engine, in chunks of 3 rows: the
/// exit status of each run, and its output.
pub fn checksum_runs(
    source: &str,
    target: &str,
    tables: &str,
) -> Result<Vec<(i32, String)>, Box<dyn Error>> {
    let mut out = Vec::new();
    for algorithm in ["strong", "fast", "pt"] {
        for engine in ["client", "server"] {
            let (code, stdout, stderr) = super::run(
                env!("CARGO_BIN_EXE_table-checksum"),
                [
                    "--source",
                    source,
                    "--target",
                    target,
                    "--tables",
                    tables,
                    "--algorithm",
                    algorithm,
                    "--engine",
                    engine,
                    "--chunk-size",
                    "3",
                ],
            )?;
            out.push((code, format!("{algorithm} {engine}: {stdout}{stderr}")));
        }
    }
    Ok(out)
}
