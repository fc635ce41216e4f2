//! The checksum crate against real MariaDB 10.11: server-side SQL and client-side engine agree
//! for every column type under all three algorithms, row by row and chunk by chunk; FLOAT and
//! DOUBLE are exact under `strong` (and `fast`, which shares its row text); the `pt` value
//! equals the real pt-table-checksum's `this_crc`. The blind spots are in `checksum_live_blind_spots.rs`, compare and replicate mode in
//! `checksum_live_compare.rs`.

use std::error::Error;

use checksum::live::{checksum_chunk, prepare_session, ChunkRef, Engine};
use checksum::{Algorithm, ChunkChecksum, Dialect, RowPlan};
use chunker::{Bound, Chunk, Table, TableRef};
use examples::harness::{Server, ServerOptions};
use mysql::prelude::Queryable;
use mysql::Conn;

type TestResult = Result<(), Box<dyn Error>>;

/// A chunk covering the whole table, or the rows with `lo <= id <= hi`.
fn chunk(table: &Table, number: u64, range: Option<(i64, i64)>) -> (Chunk, Option<chunker::Key>) {
    let whole = Chunk {
        table: TableRef::from(table),
        number,
        index: None,
        lower: Bound::Unbounded,
        upper: Bound::Unbounded,
        warnings: vec![],
    };
    match range {
        None => (whole, None),
        Some((lo, hi)) => {
            let choice = chunker::choose_key(table, Some("PRIMARY")).ok();
            let key = choice.and_then(|c| c.key().cloned());
            let c = Chunk {
                index: Some("PRIMARY".into()),
                lower: Bound::Inclusive(vec![chunker::Value::Int(lo)]),
                upper: Bound::Inclusive(vec![chunker::Value::Int(hi)]),
                ..whole
            };
            (c, key)
        }
    }
}

/// Server-side and client-side checksums of one chunk.
fn both_ways(
    conn: &mut Conn,
    table: &Table,
    algorithm: Algorithm,
    range: Option<(i64, i64)>,
) -> Result<(ChunkChecksum, ChunkChecksum), Box<dyn Error>> {
    let plan = RowPlan::new(table, algorithm, Dialect::MariaDb);
    let (c, key) = chunk(table, 1, range);
    let r = ChunkRef {
        plan: &plan,
        chunk: &c,
        key: key.as_ref(),
    };
    let (server, _) = checksum_chunk(conn, "server", Engine::Server, r, table)?;
    let (client, _) = checksum_chunk(conn, "server", Engine::Client, r, table)?;
    Ok((server, client))
}

/// Per row: the server's `row_hash_sql` against the client's `hash_row`; returns the ids
/// whose hashes differ.
fn row_mismatches(
    conn: &mut Conn,
    table: &Table,
    algorithm: Algorithm,
) -> Result<Vec<i64>, Box<dyn Error>> {
    let plan = RowPlan::new(table, algorithm, Dialect::MariaDb);
    let q = |s: &str| chunker::sql::quote_ident(s);
    let from = format!("{}.{}", q(&table.schema), q(&table.name));
    let server: Vec<(i64, u64)> = conn.exec(
        format!("SELECT id, {} FROM {from} ORDER BY id", plan.row_hash_sql()),
        (),
    )?;
    let rows: Vec<mysql::Row> = conn.exec(format!("SELECT * FROM {from} ORDER BY id"), ())?;
    let mut bad = Vec::new();
    for ((id, hash), row) in server.into_iter().zip(rows) {
        let values: Vec<chunker::Value> = row
            .unwrap()
            .into_iter()
            .zip(&table.columns)
            .map(|(v, c)| chunker::live::from_mysql(v, &c.column_type))
            .collect::<Result<_, _>>()?;
        if plan.hash_row(&values)? != hash {
            let mut enc = Vec::new();
            plan.encode_row(&values, &mut enc)?;
            eprintln!(
                "{} {algorithm} id {id}: client text {:?}",
                table.name,
                String::from_utf8_lossy(&enc)
            );
            bad.push(id);
        }
    }
    Ok(bad)
}

/// One table per column type: `(name, column definition, values)`, each with a NULL row too.
const TYPES: &[(&str, &str, &str)] = &[
    ("tinyint", "TINYINT", "-128, 0, 127"),
    ("tinyint_u", "TINYINT UNSIGNED", "0, 255"),
    ("smallint", "SMALLINT", "-32768, 32767"),
    ("mediumint_u", "MEDIUMINT UNSIGNED", "0, 16777215"),
    ("int", "INT", "-2147483648, 2147483647"),
    ("int_u", "INT UNSIGNED", "4294967295, 7"),
    ("bigint", "BIGINT", "-9223372036854775808, 9223372036854775807"),
    ("bigint_u", "BIGINT UNSIGNED", "18446744073709551615, 0"),
    ("decimal", "DECIMAL(20,6)", "-12345.6789, 0, 0.000001, 99999999999999.999999"),
    ("decimal_wide", "DECIMAL(65,30)", "-1.5, 12345678901234567890.123456789012345678901234567890"),
    ("float", "FLOAT", "0.1, -1.5e-20, 3.4e38, 1e-40, 123456789, 0, 1234565, 1.17549435e-38"),
    ("float_md", "FLOAT(7,3)", "1.2345, -1.5, 0"),
    ("double", "DOUBLE", "0.1, 1e308, 5e-324, -2.5, 1234567890123456.7, 1e15, 1e14, 1e-15, 1e-16"),
    ("double_md", "DOUBLE(10,2)", "3.14159, 1e7, 1234567.125"),
    ("bit1", "BIT(1)", "b'0', b'1'"),
    ("bit10", "BIT(10)", "b'1010000011', b'0'"),
    ("bit64", "BIT(64)", "0xFFFFFFFFFFFFFFFF, 0x0102030405060708"),
    ("char_latin1", "CHAR(10) CHARACTER SET latin1 COLLATE latin1_swedish_ci", "'abc', X'636166E9', '', ' x'"),
    ("varchar_latin1_bin", "VARCHAR(50) CHARACTER SET latin1 COLLATE latin1_bin", "X'80818D8F909D9FFF', 'a#b', 'NULL', ''"),
    ("text_latin1", "TEXT CHARACTER SET latin1", "X'E9E8', 'plain', ''"),
    ("char_utf8mb4", "CHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci", "'Ünïcödé', 'A', 'a'"),
    ("varchar_utf8mb4_bin", "VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", "'😀 emoji', 'it''s', 'back\\\\slash', X'00611A', 'trail  '"),
    ("varchar_unicode_ci", "VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci", "'ß', 'ss', 'Straße'"),
    ("varchar_nopad", "VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin", "'x', 'x '"),
    ("mediumtext_utf8mb4", "MEDIUMTEXT CHARACTER SET utf8mb4", "'ünï', REPEAT('long ', 2000)"),
    ("binary", "BINARY(8)", "X'00', X'1A275C00FF'"),
    ("varbinary", "VARBINARY(20)", "X'', X'00275C1A', 'abc'"),
    ("blob", "BLOB", "X'00FF', REPEAT(X'AB', 70000 DIV 2)"),
    ("longblob", "LONGBLOB", "X'01'"),
    ("date", "DATE", "'2024-02-29', '0000-00-00', '1000-01-01', '9999-12-31'"),
    ("datetime6", "DATETIME(6)", "'2024-01-02 03:04:05.123456', '0000-00-00 00:00:00', '1970-01-01 00:00:00'"),
    ("datetime0", "DATETIME", "'2024-01-02 03:04:05'"),
    ("timestamp6", "TIMESTAMP(6) NULL", "'2024-01-02 03:04:05.123456', '1970-01-01 03:00:01', '2038-01-19 06:14:07.999999', '0000-00-00 00:00:00'"),
    ("timestamp0", "TIMESTAMP NULL", "'2024-06-30 12:00:00'"),
    ("time6", "TIME(6)", "'-838:59:59.000000', '838:59:59', '00:00:00', '-00:00:01.5', '100:00:00.000001'"),
    ("time0", "TIME", "'12:34:56', '-01:00:00'"),
    ("year", "YEAR", "0, 1901, 2155, 2024"),
    ("enum_utf8mb4", "ENUM('a', 'b#c', 'ü') CHARACTER SET utf8mb4", "'a', 'b#c', 'ü'"),
    ("enum_latin1", "ENUM('x', 'café') CHARACTER SET latin1", "'x', 'café'"),
    ("set", "SET('x', 'y', 'z')", "'', 'x', 'x,z'"),
    ("json", "JSON", "'{\"a\": 1, \"b\": [1, 2]}', '[]', '\"str\"'"),
    ("inet6", "INET6", "'::1', '2001:db8::ff00:42:8329'"),
];

/// Types whose pt text the client cannot reproduce: `FLOAT(M,D)`/`DOUBLE(M,D)` print with
/// exactly `D` decimals, and the table model does not carry `D` (the strong algorithm casts to
/// DOUBLE first and is unaffected).
const PT_CLIENT_CANNOT: &[&str] = &["float_md", "double_md"];

fn create_type_tables(conn: &mut Conn) -> TestResult {
    conn.query_drop("CREATE DATABASE ck")?;
    for (name, def, values) in TYPES {
        conn.query_drop(format!(
            "CREATE TABLE ck.`{name}` (id INT PRIMARY KEY, v {def})"
        ))?;
        let rows: Vec<String> = split_values(values)
            .into_iter()
            .enumerate()
            .map(|(i, v)| format!("({}, {v})", i + 1))
            .chain(std::iter::once("(1000, NULL)".to_string()))
            .collect();
        conn.query_drop(format!(
            "INSERT INTO ck.`{name}` VALUES {}",
            rows.join(", ")
        ))?;
    }
    Ok(())
}

/// Splits `a, 'b, c', d` at the commas outside quotes.
fn split_values(s: &str) -> Vec<String> {
    let (mut out, mut cur, mut quoted, mut depth) = (Vec::new(), String::new(), false, 0);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if quoted => {
                cur.push(c);
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
                continue;
            }
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                out.push(cur.trim().to_string());
                cur.clear();
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur.trim().to_string());
    out
}

#[test]
fn server_and_client_agree_for_every_column_type() -> TestResult {
    let server = Server::start(ServerOptions::default())?;
    let mut setup = server.conn()?;
    setup.query_drop("SET SESSION time_zone = '+03:00'")?;
    create_type_tables(&mut setup)?;
    let mut conn = server.conn()?;
    assert_eq!(prepare_session(&mut conn, "server")?, Dialect::MariaDb);
    let mut failures = Vec::new();
    for (name, def, _) in TYPES {
        let table = chunker::live::load_table(&mut setup, "ck", name)?;
        for algorithm in [Algorithm::Strong, Algorithm::Fast, Algorithm::Pt] {
            let (s, c) = both_ways(&mut conn, &table, algorithm, None)?;
            let rows_bad = row_mismatches(&mut conn, &table, algorithm)?;
            let ok = s == c && rows_bad.is_empty();
            println!(
                "{algorithm:6} {name:22} {def:60} {}",
                if ok { "server == client" } else { "MISMATCH" }
            );
            let known = algorithm == Algorithm::Pt && PT_CLIENT_CANNOT.contains(name);
            if !ok && !known {
                failures.push(format!(
                    "{algorithm} {name}: server {s} client {c}, rows {rows_bad:?}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    Ok(())
}

/// Every type in one table (the CONCAT/CONCAT_WS composition and pt's NULL bitmap), checked
/// whole and in ranges, against the real pt-table-checksum 3.2.1's `this_crc` per chunk.
#[test]
fn pt_value_equals_pt_table_checksum_this_crc() -> TestResult {
    let pt = std::path::Path::new("/usr/bin/pt-table-checksum");
    if !pt.exists() {
        examples::skip("/usr/bin/pt-table-checksum is not installed");
        return Ok(());
    }
    let server = Server::start(ServerOptions::default())?;
    let mut setup = server.conn()?;
    setup.query_drop(
        "CREATE DATABASE mix; CREATE TABLE mix.t (id INT PRIMARY KEY, i BIGINT UNSIGNED, \
         d DECIMAL(12,3), f FLOAT, g DOUBLE NULL, b BIT(12), c CHAR(8) CHARACTER SET latin1, \
         v VARCHAR(40) NULL, tx TEXT CHARACTER SET utf8mb4 NULL, bin VARBINARY(10), \
         dt DATETIME(6), ts TIMESTAMP(6) NULL, tm TIME NULL, y YEAR, \
         e ENUM('red', 'gr#een') NULL, s SET('a', 'b'), j JSON NULL)",
    )?;
    setup.query_drop(
        "INSERT INTO mix.t SELECT seq, seq * 1000003, seq / 7, seq / 3, IF(seq % 5 = 0, NULL, seq * 1.1e0), \
         seq % 4096, CONCAT('c', CHAR(200 + seq % 50)), IF(seq % 6 = 0, NULL, IF(seq % 6 = 1, '', CONCAT('v#', seq))), \
         IF(seq % 4 = 0, NULL, REPEAT('ü', seq % 9)), UNHEX(HEX(seq)), \
         '2024-01-01' + INTERVAL seq * 1001 SECOND + INTERVAL seq MICROSECOND, \
         IF(seq % 3 = 0, NULL, FROM_UNIXTIME(1700000000 + seq * 77.5)), \
         IF(seq % 7 = 0, NULL, SEC_TO_TIME(CAST(seq AS SIGNED) * 997 - 50000)), 1901 + seq % 200, \
         IF(seq % 8 = 0, NULL, IF(seq % 2 = 0, 'red', 'gr#een')), IF(seq % 3 = 0, 'a,b', 'b'), \
         IF(seq % 9 = 0, NULL, JSON_OBJECT('k', seq)) FROM mix.seq_1_to_300",
    )?;
    let table = chunker::live::load_table(&mut setup, "mix", "t")?;
    let mut conn = server.conn()?;
    prepare_session(&mut conn, "server")?;
    for algorithm in [Algorithm::Strong, Algorithm::Fast, Algorithm::Pt] {
        let (s, c) = both_ways(&mut conn, &table, algorithm, None)?;
        assert_eq!(s, c, "{algorithm} whole table");
        assert!(row_mismatches(&mut conn, &table, algorithm)?.is_empty());
    }

    let dsn = format!("h=127.0.0.1,P={},u=root", server.port());
    let out = std::process::Command::new(pt)
        .args([
            dsn.as_str(),
            "--databases",
            "mix",
            "--chunk-size",
            "40",
            "--no-check-binlog-format",
        ])
        .args([
            "--recursion-method",
            "none",
            "--replicate",
            "percona.checksums",
            "--no-check-replication-filters",
        ])
        .output()?;
    assert!(
        out.status.success(),
        "pt-table-checksum failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    /// chunk, lower_boundary, upper_boundary, this_crc, this_cnt
    type PtRow = (u64, Option<String>, Option<String>, String, u64);
    let rows: Vec<PtRow> = setup.query(
        "SELECT chunk, lower_boundary, upper_boundary, this_crc, this_cnt \
         FROM percona.checksums WHERE db = 'mix' AND tbl = 't' ORDER BY chunk",
    )?;
    let mut compared = 0;
    for (n, lower, upper, crc, cnt) in rows {
        let (Some(lo), Some(hi)) = (lower, upper) else {
            continue;
        };
        let range = Some((lo.parse::<i64>()?, hi.parse::<i64>()?));
        let (s, c) = both_ways(&mut conn, &table, Algorithm::Pt, range)?;
        let theirs = ChunkChecksum { rows: cnt, crc };
        assert_eq!(s, theirs, "pt chunk {n} [{lo}, {hi}]: our SQL");
        assert_eq!(c, theirs, "pt chunk {n} [{lo}, {hi}]: our client engine");
        compared += 1;
    }
    println!("pt-table-checksum this_crc matched for {compared} chunks");
    assert!(
        compared >= 7,
        "only {compared} pt chunks had both boundaries"
    );
    Ok(())
}
