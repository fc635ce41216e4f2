//! The `chunker` crate against a real MariaDB: `load_table` on a table with every column type,
//! and walks over integer, composite, VARCHAR (case-insensitive duplicates under a non-unique
//! index), BINARY, ENUM+DECIMAL and FLOAT(7,2)+DOUBLE(10,3) keys, under `sql_mode`
//! `ANSI_QUOTES,NO_BACKSLASH_ESCAPES`.
//!
//! For each walk, the chunks' `COUNT(*)`s on the server must sum to the table's row count and
//! every row must be in exactly one chunk, before and after rows are added that the walk never
//! saw (below the first key, above the last, between and equal to boundaries): the rows only
//! "the other server" has.

mod common;

use std::collections::BTreeMap;
use std::error::Error;

use common::{server, Rng};

use chunker::live::{collect_chunks, load_table, run_walker, to_mysql};
use chunker::sql::{force_index, qualified};
use chunker::{
    choose_key, Chunk, ChunkSize, ChunkWarning, ColumnType, Rule, Table, TextKind, Walker,
};
use examples::harness::Server;
use mysql::prelude::Queryable;
use mysql::{Conn, Params};

type TestResult = Result<(), Box<dyn Error>>;

/// A connection in the hostile modes: `"` quotes identifiers, `\` is an ordinary character.
fn hostile_conn(server: &Server) -> Result<Conn, Box<dyn Error>> {
    let mut conn = server.conn()?;
    conn.query_drop(
        "SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES,NO_BACKSLASH_ESCAPES'), \
         time_zone = '+00:00'",
    )?;
    Ok(conn)
}

/// `rid -> number of chunks holding it`, and the chunks' summed `COUNT(*)`.
fn coverage(
    conn: &mut Conn,
    table: &Table,
    chunks: &[Chunk],
) -> Result<(BTreeMap<i64, u32>, u64), Box<dyn Error>> {
    let choice = choose_key(table, chunks[0].index.as_deref())?;
    let key = choice.key().map(|k| k.columns.clone()).unwrap_or_default();
    let hint = chunks[0]
        .index
        .as_deref()
        .map(force_index)
        .unwrap_or_default();
    let mut seen = BTreeMap::new();
    let mut total = 0u64;
    for chunk in chunks {
        let (pred, binds) = chunk.predicate(&key);
        let binds: Vec<mysql::Value> = binds.iter().map(to_mysql).collect();
        let from = format!("{} {hint} WHERE {pred}", qualified(table));
        let count: Option<u64> = conn.exec_first(
            format!("SELECT COUNT(*) FROM {from}"),
            Params::Positional(binds.clone()),
        )?;
        total += count.unwrap_or(0);
        let rids: Vec<i64> =
            conn.exec(format!("SELECT rid FROM {from}"), Params::Positional(binds))?;
        for rid in rids {
            *seen.entry(rid).or_insert(0) += 1;
        }
    }
    Ok((seen, total))
}

fn all_rids(conn: &mut Conn, table: &Table) -> Result<Vec<i64>, Box<dyn Error>> {
    Ok(conn.query(format!("SELECT rid FROM {} ORDER BY rid", qualified(table)))?)
}

/// Checks that `chunks` partition the table's rows: counts sum up, each row once.
fn check_partition(conn: &mut Conn, table: &Table, chunks: &[Chunk], what: &str) -> TestResult {
    let rids = all_rids(conn, table)?;
    let (seen, total) = coverage(conn, table, chunks)?;
    assert_eq!(total, rids.len() as u64, "{what}: COUNT(*) sum");
    let twice: Vec<_> = seen.iter().filter(|(_, n)| **n != 1).collect();
    assert!(
        twice.is_empty(),
        "{what}: rows in several chunks: {twice:?}"
    );
    let missing: Vec<_> = rids.iter().filter(|r| !seen.contains_key(r)).collect();
    assert!(missing.is_empty(), "{what}: rows in no chunk: {missing:?}");
    Ok(())
}

/// Walks `schema.name` by `index` (or the chosen key) in chunks of `size`, checks the
/// partition, inserts the "other server" rows with `extra`, and checks again.
fn walk_and_check(
    conn: &mut Conn,
    name: &str,
    index: Option<&str>,
    size: ChunkSize,
    extra: &str,
    extra_rows: Vec<Vec<mysql::Value>>,
) -> Result<Vec<Chunk>, Box<dyn Error>> {
    let table = load_table(conn, "test", name)?;
    let choice = choose_key(&table, index)?;
    let mut walker = Walker::new(&table, &choice, size)?;
    let chunks = collect_chunks(conn, &mut walker)?;
    assert!(chunks.len() > 2, "{name}: {} chunks", chunks.len());
    let warned = chunks.iter().filter(|c| !c.warnings.is_empty()).count();
    eprintln!(
        "{name}: index {:?}, {} chunks, {warned} with warnings",
        chunks[0].index,
        chunks.len()
    );
    check_partition(conn, &table, &chunks, name)?;
    // A run resumed after any chunk cuts the same remaining chunks.
    let mid = &chunks[chunks.len() / 2];
    let mut resumed = Walker::resume_after(&table, &choice, size, mid)?;
    let rest = collect_chunks(conn, &mut resumed)?;
    assert_eq!(
        rest.as_slice(),
        &chunks[chunks.len() / 2 + 1..],
        "{name}: resume"
    );
    conn.exec_batch(extra, extra_rows)?;
    check_partition(
        conn,
        &table,
        &chunks,
        &format!("{name} + other-server rows"),
    )?;
    Ok(chunks)
}

#[test]
fn walks_partition_real_tables_under_hostile_sql_modes() -> TestResult {
    let Some(server) = server()? else {
        return Ok(());
    };
    let mut conn = hostile_conn(&server)?;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);

    // Integer key with gaps, dynamic size (pt's moving average, driven by real timings).
    conn.query_drop("CREATE TABLE test.t_int (id BIGINT UNSIGNED PRIMARY KEY, rid INT NOT NULL)")?;
    let rows: Vec<(u64, i64)> = (0..2000).map(|i| (i * 3 + 1_000, i as i64)).collect();
    conn.exec_batch("INSERT INTO test.t_int VALUES (?, ?)", rows)?;
    let table = load_table(&mut conn, "test", "t_int")?;
    let choice = choose_key(&table, None)?;
    assert_eq!(choice.key().map(|k| k.rule), Some(Rule::Primary));
    let size = ChunkSize::TargetTime {
        target: std::time::Duration::from_millis(5),
        initial: 100,
        min: 10,
        max: 500,
    };
    let mut walker = Walker::new(&table, &choice, size)?;
    let mut dynamic = Vec::new();
    let key = choice.key().map(|k| k.columns.clone()).unwrap_or_default();
    run_walker(&mut conn, &mut walker, |conn, chunk| {
        let (pred, binds) = chunk.predicate(&key);
        let binds: Vec<mysql::Value> = binds.iter().map(to_mysql).collect();
        let sql = format!("SELECT COUNT(*) FROM test.t_int WHERE {pred}");
        let n: Option<u64> = conn
            .exec_first(sql, Params::Positional(binds))
            .map_err(|source| chunker::Error::Mysql {
                table: "test.t_int".into(),
                chunk: Some(chunk.number),
                source,
            })?;
        dynamic.push(chunk.clone());
        Ok(n.unwrap_or(0))
    })?;
    check_partition(&mut conn, &table, &dynamic, "t_int dynamic")?;
    let extra: Vec<Vec<mysql::Value>> = [0u64, 1_002, 2_501, 7_000, u64::MAX]
        .iter()
        .zip(10_000..)
        .map(|(id, rid)| vec![mysql::Value::UInt(*id), mysql::Value::Int(rid)])
        .collect();
    walk_and_check(
        &mut conn,
        "t_int",
        None,
        ChunkSize::Rows(97),
        "INSERT INTO test.t_int VALUES (?, ?)",
        extra,
    )?;

    // Composite key: INT + VARCHAR, with values that NO_BACKSLASH_ESCAPES and quotes would break
    // if they were inlined.
    conn.query_drop(
        "CREATE TABLE test.t_comp (a INT NOT NULL, b VARCHAR(20) NOT NULL, rid INT NOT NULL, \
         PRIMARY KEY (a, b))",
    )?;
    let words = [
        "x",
        "it's",
        "back\\slash",
        "\"dq\"",
        "naïve",
        "",
        "zz",
        "a b",
    ];
    let mut rows = Vec::new();
    for a in 0..60i64 {
        for (j, w) in words.iter().enumerate() {
            rows.push((a - 30, format!("{w}{}", j), a * 100 + j as i64));
        }
    }
    conn.exec_batch("INSERT INTO test.t_comp VALUES (?, ?, ?)", rows)?;
    walk_and_check(
        &mut conn,
        "t_comp",
        None,
        ChunkSize::Rows(13),
        "INSERT INTO test.t_comp VALUES (?, ?, ?)",
        vec![
            vec![(-1000).into(), "m".into(), 90_001.into()],
            vec![0.into(), "it's0".into(), 90_002.into()],
            vec![0.into(), "it''s".into(), 90_003.into()],
            vec![5.into(), "~".into(), 90_004.into()],
            vec![1000.into(), "".into(), 90_005.into()],
        ],
    )?;

    // VARCHAR under utf8mb4_general_ci, nullable, non-unique index, long runs of 'a' / 'A'
    // (one key to the server) and trailing spaces (PAD SPACE: 'b' = 'b ').
    conn.query_drop(
        "CREATE TABLE test.t_str (s VARCHAR(20) COLLATE utf8mb4_general_ci NULL, \
         rid INT NOT NULL, KEY k_s (s))",
    )?;
    let mut rows: Vec<(Option<String>, i64)> = Vec::new();
    for i in 0..400i64 {
        let s = match i % 10 {
            0..=2 => Some(if i % 2 == 0 { "a" } else { "A" }.to_string()),
            3 => None,
            4 => Some(if i % 3 == 0 { "b " } else { "b" }.to_string()),
            _ => Some(format!("k{:03}'\\", rng.next() % 500)),
        };
        rows.push((s, i));
    }
    conn.exec_batch("INSERT INTO test.t_str VALUES (?, ?)", rows)?;
    conn.query_drop("ANALYZE TABLE test.t_str")?;
    let chunks = walk_and_check(
        &mut conn,
        "t_str",
        None,
        ChunkSize::Rows(9),
        "INSERT INTO test.t_str VALUES (?, ?)",
        vec![
            vec![mysql::Value::NULL, 50_001.into()],
            vec!["A".into(), 50_002.into()],
            vec!["B ".into(), 50_003.into()],
            vec!["0".into(), 50_004.into()],
            vec!["ÿÿÿ".into(), 50_005.into()],
            vec!["k250'".into(), 50_006.into()],
        ],
    )?;
    assert_eq!(chunks[0].index.as_deref(), Some("k_s"));
    let oversized = chunks
        .iter()
        .filter(|c| {
            c.warnings
                .iter()
                .any(|w| matches!(w, ChunkWarning::OversizedRun { .. }))
        })
        .count();
    assert!(oversized >= 2, "runs of NULL, 'a'/'A' and 'b': {chunks:#?}");

    // Composite nullable key: NULLs in either part (the IS NULL branches of the predicates).
    conn.query_drop(
        "CREATE TABLE test.t_null (a INT NULL, b VARCHAR(5) NULL, rid INT NOT NULL, \
         KEY k_ab (a, b))",
    )?;
    let mut rows: Vec<(Option<i64>, Option<String>, i64)> = Vec::new();
    for i in 0..300i64 {
        let a = (i % 7 != 0).then_some((rng.next() % 12) as i64);
        let b = (i % 5 != 0).then(|| format!("{}", rng.next() % 9));
        rows.push((a, b, i));
    }
    conn.exec_batch("INSERT INTO test.t_null VALUES (?, ?, ?)", rows)?;
    walk_and_check(
        &mut conn,
        "t_null",
        None,
        ChunkSize::Rows(8),
        "INSERT INTO test.t_null VALUES (?, ?, ?)",
        vec![
            vec![mysql::Value::NULL, mysql::Value::NULL, 60_001.into()],
            vec![mysql::Value::NULL, "zz".into(), 60_002.into()],
            vec![3.into(), mysql::Value::NULL, 60_003.into()],
            vec![(-5).into(), "0".into(), 60_004.into()],
            vec![99.into(), mysql::Value::NULL, 60_005.into()],
        ],
    )?;

    // BINARY(4) keys with NUL, quote, backslash and 0xff bytes.
    conn.query_drop("CREATE TABLE test.t_bin (k BINARY(4) PRIMARY KEY, rid INT NOT NULL)")?;
    let mut keys = std::collections::BTreeSet::new();
    while keys.len() < 500 {
        let pick = [0u8, b'\'', b'\\', 0xff, b'"', 0x7f, b'a', 0x80];
        let k: Vec<u8> = (0..4).map(|_| pick[(rng.next() % 8) as usize]).collect();
        keys.insert(k);
    }
    let rows: Vec<(Vec<u8>, i64)> = keys.into_iter().zip(0..).collect();
    conn.exec_batch("INSERT INTO test.t_bin VALUES (?, ?)", rows)?;
    walk_and_check(
        &mut conn,
        "t_bin",
        None,
        ChunkSize::Rows(31),
        "INSERT IGNORE INTO test.t_bin VALUES (?, ?)",
        vec![
            vec![vec![0u8; 4].into(), 70_001.into()],
            vec![vec![0xffu8; 4].into(), 70_002.into()],
            vec![vec![b'\'', 0, 0, 1].into(), 70_003.into()],
        ],
    )?;

    // ENUM (declared z < a < m: the server orders by number, not label) + DECIMAL, in a table
    // whose name needs quoting.
    conn.query_drop(
        "CREATE TABLE test.`odd``t \"q\"` (e ENUM('z','a','m') NOT NULL, \
         d DECIMAL(30,10) NOT NULL, rid INT NOT NULL, KEY k_ed (e, d))",
    )?;
    let mut rows = Vec::new();
    for i in 0..300i64 {
        let e = ["z", "a", "m"][(rng.next() % 3) as usize];
        let d = format!("{}.{:010}", 12_345_678_901_234_567i64 + (i % 40), i);
        rows.push((e, d, i));
    }
    conn.exec_batch("INSERT INTO test.`odd``t \"q\"` VALUES (?, ?, ?)", rows)?;
    walk_and_check(
        &mut conn,
        "odd`t \"q\"",
        Some("k_ed"),
        ChunkSize::Rows(11),
        "INSERT INTO test.`odd``t \"q\"` VALUES (?, ?, ?)",
        vec![
            vec!["z".into(), "0".into(), 80_001.into()],
            vec![
                "a".into(),
                "12345678901234567.0000000001".into(),
                80_002.into(),
            ],
            vec!["m".into(), "99999999999999999999.9".into(), 80_003.into()],
        ],
    )?;

    // FLOAT(7,2) and DOUBLE(10,3) (a nullable, non-unique composite key: NULLs, runs of equal
    // values): boundaries bind back as the stored float and double, which the server rounded
    // to D decimals on INSERT, so its index ranges take them as they are. The other server's
    // rows sit on boundaries, between them and at the declared range's ends.
    conn.query_drop(
        "CREATE TABLE test.t_fixed (f FLOAT(7,2) NULL, d DOUBLE(10,3) NOT NULL, \
         rid INT NOT NULL, KEY k_fd (f, d))",
    )?;
    let mut rows: Vec<(Option<f64>, f64, i64)> = Vec::new();
    for i in 0..400i64 {
        let f = (i % 9 != 0).then(|| (rng.next() % 2_000) as f64 * 1.375 / 7.0 - 150.0);
        rows.push((f, (rng.next() % 50) as f64 / 8.0, i));
    }
    conn.exec_batch("INSERT INTO test.t_fixed VALUES (?, ?, ?)", rows)?;
    let chunks = walk_and_check(
        &mut conn,
        "t_fixed",
        None,
        ChunkSize::Rows(13),
        "INSERT INTO test.t_fixed VALUES (?, ?, ?)",
        vec![
            vec![mysql::Value::NULL, 0.0005.into(), 85_001.into()],
            vec![(-99_999.99).into(), (-9_999_999.999).into(), 85_002.into()],
            vec![99_999.99.into(), 9_999_999.999.into(), 85_003.into()],
            vec![0.125.into(), 1.0625.into(), 85_004.into()],
            vec![(-150.0).into(), 0.0.into(), 85_005.into()],
        ],
    )?;
    assert_eq!(chunks[0].index.as_deref(), Some("k_fd"));
    // Rows equal to a boundary: the other server has copies of the keys the walk cut at.
    let table = load_table(&mut conn, "test", "t_fixed")?;
    let mut copies = Vec::new();
    for (n, c) in chunks.iter().enumerate().skip(1) {
        if let Some([f, d]) = c.lower.values() {
            copies.push(vec![to_mysql(f), to_mysql(d), (86_000 + n as i64).into()]);
        }
    }
    assert!(copies.len() > 2, "{chunks:#?}");
    conn.exec_batch("INSERT INTO test.t_fixed VALUES (?, ?, ?)", copies)?;
    check_partition(&mut conn, &table, &chunks, "t_fixed + boundary copies")?;
    Ok(())
}

#[test]
fn load_table_reads_every_column_type_and_index() -> TestResult {
    let Some(server) = server()? else {
        return Ok(());
    };
    let mut conn = server.conn()?;
    conn.query_drop(
        "CREATE TABLE test.every (
           id INT UNSIGNED NOT NULL AUTO_INCREMENT,
           ti TINYINT, si SMALLINT UNSIGNED, mi MEDIUMINT, bi BIGINT NOT NULL,
           de DECIMAL(30,4), fl FLOAT, do DOUBLE, bt BIT(5), fm FLOAT(7,2), f10 FLOAT(10),
           f30 FLOAT(30), dm DOUBLE(10,3) UNSIGNED, rl REAL(8,3), dp DOUBLE PRECISION,
           ch CHAR(3) CHARACTER SET latin1 COLLATE latin1_bin,
           vc VARCHAR(20) COLLATE utf8mb4_general_ci, tx TEXT,
           bn BINARY(4), vb VARBINARY(8), bl BLOB,
           da DATE, dt DATETIME(6), ts TIMESTAMP(6) NULL, tm TIME(3), yr YEAR,
           en ENUM('a','it''s','b\\\\c'), st SET('x','y'), js JSON,
           gen INT AS (ti + 1) VIRTUAL, ip INET6,
           PRIMARY KEY (id), UNIQUE KEY u_bi (bi), KEY k_comp (vc, da),
           KEY k_prefix (tx(10)), FULLTEXT KEY ft (vc), KEY k_en (en), KEY k_ignored (mi)
         )",
    )?;
    conn.query_drop("ALTER TABLE test.every ALTER INDEX k_ignored IGNORED")?;
    conn.query_drop("INSERT INTO test.every (bi) VALUES (1), (2), (3)")?;
    let t = load_table(&mut conn, "test", "every")?;
    let ty = |name: &str| t.find_column(name).map(|c| c.column_type.clone());
    assert_eq!(
        ty("id"),
        Some(ColumnType::Integer {
            bytes: 4,
            unsigned: true
        })
    );
    assert_eq!(
        ty("si"),
        Some(ColumnType::Integer {
            bytes: 2,
            unsigned: true
        })
    );
    assert_eq!(
        ty("mi"),
        Some(ColumnType::Integer {
            bytes: 3,
            unsigned: false
        })
    );
    assert_eq!(
        ty("de"),
        Some(ColumnType::Decimal {
            precision: 30,
            scale: 4
        })
    );
    assert_eq!(ty("fl"), Some(ColumnType::Float { scale: None }));
    assert_eq!(ty("do"), Some(ColumnType::Double { scale: None }));
    // D of FLOAT(M,D)/DOUBLE(M,D) (REAL(M,D) too); FLOAT(p) is FLOAT or DOUBLE, without one.
    assert_eq!(ty("fm"), Some(ColumnType::Float { scale: Some(2) }));
    assert_eq!(ty("f10"), Some(ColumnType::Float { scale: None }));
    assert_eq!(ty("f30"), Some(ColumnType::Double { scale: None }));
    assert_eq!(ty("dm"), Some(ColumnType::Double { scale: Some(3) }));
    assert_eq!(ty("rl"), Some(ColumnType::Double { scale: Some(3) }));
    assert_eq!(ty("dp"), Some(ColumnType::Double { scale: None }));
    assert_eq!(ty("bt"), Some(ColumnType::Bit { bits: 5 }));
    assert_eq!(
        ty("ch"),
        Some(ColumnType::Text {
            kind: TextKind::Fixed,
            max_len: 3
        })
    );
    assert_eq!(
        ty("tx"),
        Some(ColumnType::Text {
            kind: TextKind::Lob,
            max_len: 65_535
        })
    );
    assert_eq!(
        ty("bn"),
        Some(ColumnType::Binary {
            kind: TextKind::Fixed,
            max_len: 4
        })
    );
    assert_eq!(
        ty("vb"),
        Some(ColumnType::Binary {
            kind: TextKind::Var,
            max_len: 8
        })
    );
    assert_eq!(ty("da"), Some(ColumnType::Date));
    assert_eq!(ty("dt"), Some(ColumnType::DateTime { fsp: 6 }));
    assert_eq!(ty("ts"), Some(ColumnType::Timestamp { fsp: 6 }));
    assert_eq!(ty("tm"), Some(ColumnType::Time { fsp: 3 }));
    assert_eq!(ty("yr"), Some(ColumnType::Year));
    assert_eq!(
        ty("en"),
        Some(ColumnType::Enum {
            variants: vec!["a".into(), "it's".into(), "b\\c".into()]
        })
    );
    assert_eq!(
        ty("st"),
        Some(ColumnType::Set {
            members: vec!["x".into(), "y".into()]
        })
    );
    assert_eq!(
        ty("js"),
        Some(ColumnType::Json),
        "MariaDB JSON via its json_valid check"
    );
    assert!(matches!(ty("ip"), Some(ColumnType::Other { .. })));
    let col = |name: &str| t.find_column(name).ok_or(format!("no column {name}"));
    assert!(col("gen")?.generated && !col("ti")?.generated);
    assert!(!col("bi")?.nullable && col("ti")?.nullable);
    assert_eq!(
        col("ch")?.collation.as_ref().map(|c| c.name()),
        Some("latin1_bin")
    );
    assert_eq!(
        col("vc")?.collation.as_ref().map(|c| c.name()),
        Some("utf8mb4_general_ci")
    );
    assert_eq!(col("bn")?.collation, None);

    let names: Vec<&str> = t.indexes.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(
        names,
        ["PRIMARY", "k_comp", "k_en", "k_prefix", "u_bi"],
        "no FULLTEXT"
    );
    let idx = |name: &str| t.find_index(name).ok_or(format!("no index {name}"));
    assert!(idx("PRIMARY")?.primary && idx("u_bi")?.unique && !idx("k_comp")?.unique);
    assert_eq!(idx("k_comp")?.columns.len(), 2);
    assert_eq!(idx("k_prefix")?.columns[0].prefix_len, Some(10));
    assert!(t.approx_rows.is_some());

    let choice = choose_key(&t, None)?;
    assert_eq!(choice.key().map(|k| k.index.as_str()), Some("PRIMARY"));
    assert!(choose_key(&t, Some("k_prefix")).is_err());
    let e = load_table(&mut conn, "test", "nope").expect_err("missing table");
    assert!(
        e.to_string()
            .starts_with("table test.nope: no such table, or it has no columns"),
        "{e}"
    );
    Ok(())
}
