//! The known blind spots of pt-table-checksum's CRC32/BIT_XOR scheme, on real MariaDB 10.11:
//! each one is caught by the strong algorithm and by the fast one (strong's row text under
//! summed CRC32), and pt is shown to miss the ones it misses. Plus 20,000 random FLOATs and
//! DOUBLEs: strong's text identifies every stored value, and server and client agree on every
//! row under every algorithm.

use std::error::Error;

use checksum::live::{checksum_chunk, prepare_session, ChunkRef, Engine};
use checksum::{Algorithm, ChunkChecksum, Dialect, RowPlan};
use chunker::{Bound, Chunk, Table, TableRef};
use examples::harness::{Server, ServerOptions};
use mysql::prelude::Queryable;

mod common;
use common::ChecksumSession;

type TestResult = Result<(), Box<dyn Error>>;

/// The whole-table checksum, computed by the server and by the client (asserted equal).
fn checksum(
    conn: &mut ChecksumSession,
    table: &Table,
    algorithm: Algorithm,
) -> Result<ChunkChecksum, Box<dyn Error>> {
    let plan = RowPlan::new(table, algorithm, Dialect::MariaDb);
    let chunk = Chunk {
        table: TableRef::from(table),
        number: 0,
        index: None,
        lower: Bound::Unbounded,
        upper: Bound::Unbounded,
        warnings: vec![],
    };
    let r = ChunkRef {
        plan: &plan,
        chunk: &chunk,
        key: None,
    };
    let (server, _) = checksum_chunk(conn, "server", Engine::Server, r, table)?;
    // Read by the driver and by the direct row reader, equal (or an error).
    let client = conn.client_checksum(r, table)?;
    assert_eq!(
        server,
        client,
        "{algorithm} {}: server and client disagree",
        table.qualified_name()
    );
    Ok(server)
}

/// One blind spot: the same table in `src` and `dst` with different rows.
struct Case {
    name: &'static str,
    columns: &'static str,
    src: &'static str,
    dst: &'static str,
    /// Whether pt-table-checksum's algorithm sees the difference.
    pt_sees_it: bool,
}

const CASES: &[Case] = &[
    Case {
        // tidb-tools#703: the same change to an even number of equal-length rows cancels in
        // the XOR of CRC32s, which is affine over GF(2).
        name: "crc_linearity",
        columns: "id INT PRIMARY KEY, dt DATETIME",
        src: "(1, '2022-02-23 11:22:00'), (2, '2022-02-23 11:22:00'), (3, '2022-02-23 11:22:00'), (4, '2022-02-23 11:22:00')",
        dst: "(1, '2022-02-23 11:32:00'), (2, '2022-02-23 11:32:00'), (3, '2022-02-23 11:32:00'), (4, '2022-02-23 11:32:00')",
        pt_sees_it: false,
    },
    Case {
        name: "concat_ws_separator",
        columns: "id INT PRIMARY KEY, a VARCHAR(10), b VARCHAR(10)",
        src: "(1, 'a#b', 'c')",
        dst: "(1, 'a', 'b#c')",
        pt_sees_it: false,
    },
    Case {
        // 0.1f and the next float up both print as 0.1 with 6 significant digits.
        name: "float_text",
        columns: "id INT PRIMARY KEY, f FLOAT",
        src: "(1, 0.100000001490116119384765625)",
        dst: "(1, 0.10000000894069671630859375)",
        pt_sees_it: false,
    },
    Case {
        name: "duplicate_rows_keyless",
        columns: "a INT, b VARCHAR(10)",
        src: "(1, 'x'), (1, 'x')",
        dst: "(2, 'y'), (2, 'y')",
        pt_sees_it: false,
    },
    Case {
        name: "null_vs_empty",
        columns: "id INT PRIMARY KEY, v VARCHAR(10) NULL",
        src: "(1, NULL)",
        dst: "(1, '')",
        pt_sees_it: true,
    },
    Case {
        name: "empty_vs_null_text",
        columns: "id INT PRIMARY KEY, v VARCHAR(10) NULL",
        src: "(1, '')",
        dst: "(1, 'NULL')",
        pt_sees_it: true,
    },
    Case {
        name: "null_moves_between_columns",
        columns: "id INT PRIMARY KEY, a VARCHAR(10) NULL, b VARCHAR(10) NULL",
        src: "(1, NULL, 'x')",
        dst: "(1, 'x', NULL)",
        pt_sees_it: true,
    },
];

#[test]
fn strong_catches_every_blind_spot_and_pt_misses_the_known_ones() -> TestResult {
    let server = Server::start(ServerOptions::default())?;
    let mut setup = server.conn()?;
    setup.query_drop("CREATE DATABASE src; CREATE DATABASE dst")?;
    let mut conn = ChecksumSession::open(&server)?;
    prepare_session(&mut conn, "server")?;
    for case in CASES {
        for (db, rows) in [("src", case.src), ("dst", case.dst)] {
            setup.query_drop(format!(
                "CREATE TABLE {db}.{} ({})",
                case.name, case.columns
            ))?;
            setup.query_drop(format!("INSERT INTO {db}.{} VALUES {rows}", case.name))?;
        }
        let src = chunker::live::load_table(&mut setup, "src", case.name)?;
        let dst = chunker::live::load_table(&mut setup, "dst", case.name)?;
        let strong = (
            checksum(&mut conn, &src, Algorithm::Strong)?,
            checksum(&mut conn, &dst, Algorithm::Strong)?,
        );
        let pt = (
            checksum(&mut conn, &src, Algorithm::Pt)?,
            checksum(&mut conn, &dst, Algorithm::Pt)?,
        );
        let fast = (
            checksum(&mut conn, &src, Algorithm::Fast)?,
            checksum(&mut conn, &dst, Algorithm::Fast)?,
        );
        println!(
            "{:28} strong {} vs {} | fast {} vs {} | pt {} vs {}",
            case.name, strong.0, strong.1, fast.0, fast.1, pt.0, pt.1
        );
        assert_ne!(strong.0, strong.1, "{}: strong missed it", case.name);
        assert_ne!(fast.0, fast.1, "{}: fast missed it", case.name);
        assert_eq!(
            pt.0 != pt.1,
            case.pt_sees_it,
            "{}: pt behaved unexpectedly",
            case.name
        );
    }
    Ok(())
}

/// xorshift64*: reproducible pseudo-random numbers without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Half random bit patterns (any finite value), half log-uniform in 1e-20..1e20.
    fn double(&mut self, i: usize) -> f64 {
        loop {
            let x = if i % 2 == 0 {
                f64::from_bits(self.next())
            } else {
                let mag = (self.next() % 40_000) as f64 / 1000.0 - 20.0;
                let sign = if self.next() % 2 == 0 { 1.0 } else { -1.0 };
                sign * 10f64.powf(mag)
            };
            if x.is_finite() {
                return x;
            }
        }
    }

    fn float(&mut self, i: usize) -> f32 {
        loop {
            let x = if i % 2 == 0 {
                f32::from_bits((self.next() >> 32) as u32)
            } else {
                self.double(1) as f32
            };
            if x.is_finite() {
                return x;
            }
        }
    }
}

#[test]
fn twenty_thousand_floats_and_doubles_are_exact_under_strong() -> TestResult {
    const N: usize = 20_000;
    let server = Server::start(ServerOptions::default())?;
    let mut setup = server.conn()?;
    setup.query_drop(
        "CREATE DATABASE fl; CREATE TABLE fl.t (id INT PRIMARY KEY, f FLOAT, d DOUBLE)",
    )?;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for start in (0..N).step_by(1000) {
        let rows: Vec<String> = (start..start + 1000)
            .map(|i| format!("({i}, {:e}, {:e})", f64::from(rng.float(i)), rng.double(i)))
            .collect();
        setup.query_drop(format!("INSERT INTO fl.t VALUES {}", rows.join(", ")))?;
    }
    // Distinct stored values vs distinct hash inputs.
    let (distinct_f, strong_f, pt_f, distinct_d, strong_d): (u64, u64, u64, u64, u64) = setup
        .query_first(
            "SELECT COUNT(DISTINCT f), COUNT(DISTINCT QUOTE(CAST(f AS DOUBLE))), COUNT(DISTINCT CONCAT(f)), \
             COUNT(DISTINCT d), COUNT(DISTINCT QUOTE(CAST(d AS DOUBLE))) FROM fl.t",
        )?
        .ok_or("no row")?;
    // Values whose hashed text does not read back as the stored value.
    let (lost_strong_f, lost_pt_f, lost_strong_d): (u64, u64, u64) = setup
        .query_first(
            "SELECT SUM(CAST(CAST(CAST(f AS DOUBLE) AS CHAR) AS DOUBLE) <> CAST(f AS DOUBLE)), \
             SUM(CAST(CONCAT(f) AS DOUBLE) <> CAST(f AS DOUBLE)), \
             SUM(CAST(CAST(d AS CHAR) AS DOUBLE) <> d) FROM fl.t",
        )?
        .ok_or("no row")?;
    println!(
        "FLOAT: {distinct_f} distinct stored, {strong_f} distinct strong texts, {pt_f} distinct pt texts; \
         {lost_pt_f} of {N} do not survive pt's text, {lost_strong_f} strong's"
    );
    println!("DOUBLE: {distinct_d} distinct stored, {strong_d} distinct strong texts; {lost_strong_d} lost");
    assert_eq!((strong_f, lost_strong_f), (distinct_f, 0));
    assert_eq!((strong_d, lost_strong_d), (distinct_d, 0));
    assert!(
        lost_pt_f > N as u64 / 2,
        "pt's FLOAT text was expected to lose most values"
    );

    // Server and client agree on every row and on the whole, under every algorithm.
    let table = chunker::live::load_table(&mut setup, "fl", "t")?;
    let mut conn = ChecksumSession::open(&server)?;
    prepare_session(&mut conn, "server")?;
    for algorithm in [Algorithm::Strong, Algorithm::Fast, Algorithm::Pt] {
        let plan = RowPlan::new(&table, algorithm, Dialect::MariaDb);
        let server_rows: Vec<(i64, u64)> = conn.query(format!(
            "SELECT id, {} FROM fl.t ORDER BY id",
            plan.row_hash_sql()
        ))?;
        let rows: Vec<(i64, f32, f64)> = conn.exec("SELECT id, f, d FROM fl.t ORDER BY id", ())?;
        let mut bad = 0;
        for ((id, hash), (_, f, d)) in server_rows.into_iter().zip(rows) {
            let row = [
                chunker::Value::Int(id),
                chunker::Value::Float(f),
                chunker::Value::Double(d),
            ];
            if plan.hash_row(&row)? != hash {
                bad += 1;
                if bad < 8 {
                    let mut enc = Vec::new();
                    plan.encode_row(&row, &mut enc)?;
                    let text: Option<(String, String)> = conn.exec_first(
                        "SELECT CONCAT(f), CAST(d AS CHAR) FROM fl.t WHERE id = ?",
                        (id,),
                    )?;
                    eprintln!(
                        "{algorithm} id {id}: f {f:e} d {d:e}: client {:?} server {text:?}",
                        String::from_utf8_lossy(&enc)
                    );
                }
            }
        }
        assert_eq!(
            bad, 0,
            "{algorithm}: rows whose client hash differs from the server's"
        );
        checksum(&mut conn, &table, algorithm)?;
    }
    Ok(())
}
