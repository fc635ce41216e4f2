//! The checksum crate against real MariaDB 10.11: server-side SQL and client-side engine agree
//! for every column type under all three algorithms, row by row and chunk by chunk; FLOAT and
//! DOUBLE are exact under `strong` (and `fast`, which shares its row text); `FLOAT(M,D)` and
//! `DOUBLE(M,D)` print exactly `D` decimals under `pt`, also for values stored with more (an
//! in-place ALTER); the `pt` value equals the real pt-table-checksum's `this_crc`. The blind
//! spots are in `checksum_live_blind_spots.rs`, compare and replicate mode in
//! `checksum_live_compare.rs`.

use std::error::Error;

use checksum::live::{checksum_chunk, prepare_session, ChunkRef, Engine};
use checksum::{Algorithm, ChunkChecksum, Dialect, RowPlan};
use chunker::{Bound, Chunk, Table, TableRef};
use examples::harness::{Server, ServerOptions};
use mysql::prelude::Queryable;
use mysql::Conn;

mod common;
use common::ChecksumSession;

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

/// Server-side and client-side checksums of one chunk (the client's read both by the driver
/// and by the direct row reader, which must agree).
fn both_ways(
    conn: &mut ChecksumSession,
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
    // Read by the driver and by the direct row reader, equal (or an error).
    let client = conn.client_checksum(r, table)?;
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
    ("float", "FLOAT", "0.1, -1.5e-20, 3.4e38, 1e-40, 123456789, 0, 1234565, 1.17549435e-38, 5.9604644775390625e-8"),
    ("float_md", "FLOAT(7,3)", "1.2345, -1.5, 0"),
    // FLOAT(M,D)/DOUBLE(M,D): the server rounds on INSERT (0.125 -> 0.12, -0.005 -> 0.00) and
    // prints exactly D decimals; the declared range's ends; 2^-24 (5.96e-8), whose shortest
    // double text is a tie that only one of the candidates wins.
    ("float_7_2", "FLOAT(7,2)", "1.5, -0.005, 0.125, 0.135, 0.145, 0.015, 0.025, 2.675, 12345.675, 99999.99, -99999.99, -0e0, 1e-10, 0.1"),
    ("float_10_4_u", "FLOAT(10,4) UNSIGNED", "0, 1.5, 0.00005, 123456.7891, 999999.9999, 0.1"),
    ("float_5_0", "FLOAT(5,0)", "0.5, 1.5, 2.5, -2.5, 99999, -99999"),
    ("float_30_20", "FLOAT(30,20)", "0.1, 1.1, 3.4e9, 1234567.125"),
    ("float_30_23", "FLOAT(30,23)", "5.9604644775390625e-8, 1.1e-7, 1, -1.5e-7"),
    ("double", "DOUBLE", "0.1, 1e308, 5e-324, -2.5, 1234567890123456.7, 1e15, 1e14, 1e-15, 1e-16, 5.9604644775390625e-8"),
    ("double_md", "DOUBLE(10,2)", "3.14159, 1e7, 1234567.125"),
    ("double_10_3", "DOUBLE(10,3)", "2.5, -0.0005, 0.0625, 0.1875, 1234567.125, 9999999.999, -9999999.999, 1e-10"),
    ("double_20_10", "DOUBLE(20,10)", "0.1, 1/3, -1234567890.0123456789, 9999999999.9999999999, 1e-11, 5e-11"),
    ("double_30_30", "DOUBLE(30,30)", "0.1, 0.3, 0.123456789012345678, -0.999999999999999999999999999999"),
    ("double_255_30", "DOUBLE(255,30)", "1e200, -1.7976931348623157e208, 1152921504606846976, 2.2250738585072014e-308"),
    ("real_8_3", "REAL(8,3)", "3.14159, -99999.999, 0.0005"),
    ("double_precision_9_4", "DOUBLE PRECISION(9,4)", "-0.00005, 12345.6789"),
    // ZEROFILL (implies UNSIGNED): the server's text is zero-padded to the display width M,
    // the binary protocol carries the bare number. Values wider than M are not cut.
    ("tinyint_3_zf", "TINYINT(3) ZEROFILL", "0, 7, 42, 255"),
    ("int_zf", "INT ZEROFILL", "0, 42, 4294967295"),
    ("int_4_zf", "INT(4) ZEROFILL", "7, 1234, 12345, 4294967295"),
    ("bigint_20_zf", "BIGINT(20) ZEROFILL", "18446744073709551615, 0, 42"),
    ("decimal_8_2_zf", "DECIMAL(8,2) ZEROFILL", "0, 1.5, 0.05, 123456.78, 999999.99"),
    ("decimal_5_0_zf", "DECIMAL(5,0) ZEROFILL", "0, 7, 99999"),
    ("float_7_2_zf", "FLOAT(7,2) ZEROFILL", "0, 1.5, 0.01, 12345.67, 99999.99"),
    ("float_zf", "FLOAT ZEROFILL", "0, 0.1, 1.5, 123456789, 3.4e38, 1e-40"),
    ("double_zf", "DOUBLE ZEROFILL", "0, 0.1, 2.5, 1e300, 5e-324, 1234567890123456.7"),
    ("double_10_3_zf", "DOUBLE(10,3) ZEROFILL", "0, 2.5, 1234567.125"),
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

/// `FLOAT(M,D)`/`DOUBLE(M,D)` columns that got their `(M,D)` in place (`ALTER TABLE ...
/// ALGORITHM=INSTANT` keeps the stored bits, as row-based replication from a plain column
/// does): `(name, type at INSERT, values, type after)`. Their values have more decimals than
/// `D`: ties (0.125 and 0.375 to even), negatives that print as `-0.00`, values beyond the
/// declared range, and the `0.` the server prints for a non-zero value that rounds to zero
/// when `D` is 0.
const IN_PLACE: &[(&str, &str, &str, &str)] = &[
    (
        "float_7_2_in_place",
        "FLOAT",
        "0.125, 0.375, -0.001, 123456.78, 0.005, -0.007, 2.5, 1e-30, -3.4e38",
        "FLOAT(7,2)",
    ),
    (
        "float_5_0_in_place",
        "FLOAT",
        "0.3, -0.3, 0.5, 0.7, 1.5, 2.5, -0.5, 9.5, 0",
        "FLOAT(5,0)",
    ),
    (
        "double_10_3_in_place",
        "DOUBLE",
        "0.0625, 0.1875, -0.0001, 1234567890.12345, 0.0005, 1e300, -5e-324",
        "DOUBLE(10,3)",
    ),
    (
        "double_10_0_in_place",
        "DOUBLE",
        "0.3, -0.3, 0.5, 0.7, 0.0049, 1.5, 2.5",
        "DOUBLE(10,0)",
    ),
];

fn create_type_tables(conn: &mut Conn) -> TestResult {
    conn.query_drop("CREATE DATABASE ck")?;
    let in_place = IN_PLACE.iter().map(|(n, before, v, _)| (n, before, v));
    for (name, def, values) in TYPES.iter().map(|(n, d, v)| (n, d, v)).chain(in_place) {
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
    for (name, _, _, after) in IN_PLACE {
        conn.query_drop(format!(
            "ALTER TABLE ck.`{name}` MODIFY v {after}, ALGORITHM=INSTANT"
        ))?;
    }
    Ok(())
}

/// Every table of [`TYPES`] and [`IN_PLACE`]: (name, column type).
fn type_tables() -> impl Iterator<Item = (&'static str, &'static str)> {
    let in_place = IN_PLACE.iter().map(|(n, _, _, after)| (*n, *after));
    TYPES.iter().map(|(n, d, _)| (*n, *d)).chain(in_place)
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
    let mut conn = ChecksumSession::open(&server)?;
    assert_eq!(prepare_session(&mut conn, "server")?, Dialect::MariaDb);
    let mut failures = Vec::new();
    for (name, def) in type_tables() {
        let table = chunker::live::load_table(&mut setup, "ck", name)?;
        for algorithm in [Algorithm::Strong, Algorithm::Fast, Algorithm::Pt] {
            let (s, c) = both_ways(&mut conn, &table, algorithm, None)?;
            let rows_bad = row_mismatches(&mut conn, &table, algorithm)?;
            let ok = s == c && rows_bad.is_empty();
            println!(
                "{algorithm:6} {name:22} {def:60} {}",
                if ok { "server == client" } else { "MISMATCH" }
            );
            if !ok {
                failures.push(format!(
                    "{algorithm} {name}: server {s} client {c}, rows {rows_bad:?}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    Ok(())
}

/// `D` of the [`random_fixed_decimal_values_agree`] tables.
const SCALES: [u8; 10] = [0, 1, 2, 3, 5, 8, 12, 17, 23, 30];

/// A random FLOAT or DOUBLE for row `seq` (deterministic), `wide` for DOUBLE's exponents: a
/// fifth NULL, then any magnitude, few decimals, odd multiples of powers of two (exact ties at
/// some `D`), and powers of two with a few mantissa bits.
fn random_real(salt: u32, wide: bool) -> String {
    let (mag, bits) = if wide { (40, 60) } else { (24, 40) };
    format!(
        "CASE seq % 5 WHEN 0 THEN NULL \
         WHEN 1 THEN (RAND(seq + {salt}) - 0.5) * POW(10, FLOOR(RAND(seq + {salt} + 1e6) * {mag}) - {mag} / 2) \
         WHEN 2 THEN ROUND((RAND(seq + {salt}) - 0.5) * 1e9) / POW(10, FLOOR(RAND(seq + {salt} + 2e6) * 12)) \
         WHEN 3 THEN (FLOOR((RAND(seq + {salt}) - 0.5) * 2e5) * 2 + 1) / POW(2, 1 + FLOOR(RAND(seq + {salt} + 3e6) * {bits})) \
         ELSE POW(2, FLOOR(RAND(seq + {salt}) * 100) - 50) * (1 + FLOOR(RAND(seq + {salt} + 4e6) * 64) / 64) END"
    )
}

/// Random `FLOAT(255,D)` and `DOUBLE(255,D)` values for `D` from 0 to 30, 2,000 rows a table:
/// rounded by the server on INSERT (`fr`, `dr`), and kept with all their bits by an in-place
/// `ALTER TABLE ... ALGORITHM=INSTANT` from plain FLOAT/DOUBLE (`fi`, `di`: ties, values that
/// round to zero, more decimals than `D`). Server and client agree under all three
/// algorithms, per chunk and per row.
#[test]
fn random_fixed_decimal_values_agree() -> TestResult {
    let server = Server::start(ServerOptions::default())?;
    let mut setup = server.conn()?;
    setup.query_drop("CREATE DATABASE fx")?;
    for d in SCALES {
        setup.query_drop(format!(
            "CREATE TABLE fx.t{d} (id INT PRIMARY KEY, fi FLOAT, di DOUBLE, \
             fr FLOAT(255,{d}), dr DOUBLE(255,{d}))"
        ))?;
        let (f, g) = (random_real(u32::from(d), false), random_real(7, true));
        setup.query_drop(format!(
            "INSERT INTO fx.t{d} SELECT seq, {f}, {g}, {f}, {g} FROM fx.seq_1_to_2000"
        ))?;
        setup.query_drop(format!(
            "ALTER TABLE fx.t{d} MODIFY fi FLOAT(255,{d}), MODIFY di DOUBLE(255,{d}), \
             ALGORITHM=INSTANT"
        ))?;
    }
    let mut conn = ChecksumSession::open(&server)?;
    prepare_session(&mut conn, "server")?;
    let mut failures = Vec::new();
    for d in SCALES {
        let table = chunker::live::load_table(&mut setup, "fx", &format!("t{d}"))?;
        let scales: Vec<Option<u8>> = table.columns[1..]
            .iter()
            .map(|c| c.column_type.real_scale())
            .collect();
        assert_eq!(scales, [Some(d); 4], "t{d}: the model carries D");
        for algorithm in [Algorithm::Strong, Algorithm::Fast, Algorithm::Pt] {
            let (s, c) = both_ways(&mut conn, &table, algorithm, None)?;
            let rows_bad = row_mismatches(&mut conn, &table, algorithm)?;
            if s != c || !rows_bad.is_empty() {
                failures.push(format!(
                    "{algorithm} t{d}: server {s} client {c}, rows {rows_bad:?}"
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
         e ENUM('red', 'gr#een') NULL, s SET('a', 'b'), j JSON NULL, fm FLOAT(7,2), \
         dm DOUBLE(10,3) NULL, zi INT(6) ZEROFILL, zd DECIMAL(8,2) ZEROFILL NULL, \
         zf FLOAT(7,2) ZEROFILL, zg DOUBLE ZEROFILL)",
    )?;
    setup.query_drop(
        "INSERT INTO mix.t SELECT seq, seq * 1000003, seq / 7, seq / 3, IF(seq % 5 = 0, NULL, seq * 1.1e0), \
         seq % 4096, CONCAT('c', CHAR(200 + seq % 50)), IF(seq % 6 = 0, NULL, IF(seq % 6 = 1, '', CONCAT('v#', seq))), \
         IF(seq % 4 = 0, NULL, REPEAT('ü', seq % 9)), UNHEX(HEX(seq)), \
         '2024-01-01' + INTERVAL seq * 1001 SECOND + INTERVAL seq MICROSECOND, \
         IF(seq % 3 = 0, NULL, FROM_UNIXTIME(1700000000 + seq * 77.5)), \
         IF(seq % 7 = 0, NULL, SEC_TO_TIME(CAST(seq AS SIGNED) * 997 - 50000)), 1901 + seq % 200, \
         IF(seq % 8 = 0, NULL, IF(seq % 2 = 0, 'red', 'gr#een')), IF(seq % 3 = 0, 'a,b', 'b'), \
         IF(seq % 9 = 0, NULL, JSON_OBJECT('k', seq)), seq / 7 - 20, \
         IF(seq % 4 = 0, NULL, seq * 1.0625e0 - 100), seq * 3701, IF(seq % 5 = 0, NULL, seq / 4), \
         seq / 8, seq / 3 FROM mix.seq_1_to_300",
    )?;
    let table = chunker::live::load_table(&mut setup, "mix", "t")?;
    let mut conn = ChecksumSession::open(&server)?;
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
