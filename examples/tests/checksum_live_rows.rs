//! The client engine's direct row reader (`checksum::live::RowConn`) against real MariaDB
//! 10.11: it logs in with a password or without, says why where it cannot (wrong password,
//! ed25519 login, compression asked for, a socket that is not there) so the driver reads the
//! rows instead; and its checksums equal the driver's and the server's through more
//! statements than it keeps prepared, after a server error on the same connection, and on a
//! row longer than one protocol packet (16 MiB). The column-type matrix and the blind spots
//! are read both ways in `checksum_live.rs` and `checksum_live_blind_spots.rs`.

use std::error::Error;

use checksum::live::{checksum_chunk_on, open_rows, ChunkRef, Engine};
use checksum::{Algorithm, ChunkChecksum, Dialect, RowPlan};
use chunker::{Bound, Chunk, Table, TableRef};
use examples::harness::{Server, ServerOptions};

mod common;
use common::ChecksumSession;

type TestResult = Result<(), Box<dyn Error>>;

fn whole(table: &Table) -> Chunk {
    Chunk {
        table: TableRef::from(table),
        number: 1,
        index: None,
        lower: Bound::Unbounded,
        upper: Bound::Unbounded,
        warnings: vec![],
    }
}

/// The whole table's checksum by the server's SQL and by the client engine (read by the
/// driver and by the direct reader, equal); asserts the two agree.
fn checksum(s: &mut ChecksumSession, table: &Table) -> Result<ChunkChecksum, Box<dyn Error>> {
    let plan = RowPlan::new(table, Algorithm::Strong, Dialect::MariaDb);
    let chunk = whole(table);
    let r = ChunkRef {
        plan: &plan,
        chunk: &chunk,
        key: None,
    };
    let (server, _) = checksum_chunk_on(&mut s.conn, None, "server", Engine::Server, r, table)?;
    let client = s.client_checksum(r, table)?;
    assert_eq!(server, client, "{}", table.qualified_name());
    Ok(client)
}

#[test]
fn the_direct_reader_logs_in_or_says_why_not() -> TestResult {
    let server = Server::start(ServerOptions::default())?;
    let port = server.port();
    server.exec(
        "CREATE USER pw@'%' IDENTIFIED BY 's3cr/t pw'; GRANT SELECT ON *.* TO pw@'%'; \
         INSTALL SONAME 'auth_ed25519'; \
         CREATE USER ed@'%' IDENTIFIED VIA ed25519 USING PASSWORD('edpw'); \
         GRANT SELECT ON *.* TO ed@'%'",
    )?;
    let aborted = || -> Result<u64, Box<dyn Error>> {
        let (_, n): (String, u64) =
            server.query_one("SHOW GLOBAL STATUS LIKE 'Aborted_clients'")?;
        Ok(n)
    };
    let before = aborted()?;
    // No password (the harness's root) and mysql_native_password with one.
    drop(open_rows(&server.url())?);
    drop(open_rows(&format!(
        "mysql://pw:s3cr%2Ft%20pw@127.0.0.1:{port}"
    ))?);
    // They said goodbye (COM_QUIT) when dropped: no aborted client for the server to log.
    // The status is read on a new connection, after the server has seen both goodbyes.
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert_eq!(aborted()?, before, "Aborted_clients");

    let why = |url: &str| match open_rows(url) {
        Ok(_) => format!("{url}: logged in"),
        Err(e) => e.to_string(),
    };
    let wrong = why(&format!("mysql://pw:wrong-guess@127.0.0.1:{port}"));
    assert!(
        wrong.starts_with("the direct row reader cannot be used: logging in: server error 1045"),
        "{wrong}"
    );
    assert!(!wrong.contains("wrong-guess"), "{wrong}");
    let ed = why(&format!("mysql://ed:edpw@127.0.0.1:{port}"));
    assert!(
        ed.contains("the server asks for the \"client_ed25519\" login plugin"),
        "{ed}"
    );
    let compressed = why(&format!("mysql://root@127.0.0.1:{port}?compress=true"));
    assert!(compressed.contains("asks for compression"), "{compressed}");
    let socket = why(&format!(
        "mysql://root@127.0.0.1:{port}?socket=/nonexistent/mysqld.sock"
    ));
    assert!(socket.contains("connecting: "), "{socket}");
    Ok(())
}

#[test]
fn direct_reads_equal_the_drivers_through_errors_evictions_and_long_rows() -> TestResult {
    let server = Server::start(ServerOptions::default())?;
    // Room for a 17 MiB row; the sessions below start after it is set.
    server.exec("SET GLOBAL max_allowed_packet = 67108864; CREATE DATABASE rr")?;
    // Ten tables, each read by a statement of its own: more than the eight kept prepared.
    let shapes = [
        "a INT",
        "a BIGINT UNSIGNED, b VARCHAR(10)",
        "a DOUBLE, b FLOAT",
        "a DATETIME(6), b TIME(3)",
        "a DECIMAL(30,10), b BIT(7)",
        "a TEXT CHARACTER SET latin1, b BLOB",
        "a ENUM('x','y'), b SET('p','q')",
        "a DATE, b TIMESTAMP(2) NULL",
        "a TINYINT UNSIGNED, b SMALLINT, c MEDIUMINT UNSIGNED",
        "a JSON, b YEAR",
    ];
    let mut setup = server.conn()?;
    for (i, cols) in shapes.iter().enumerate() {
        mysql::prelude::Queryable::query_drop(
            &mut setup,
            format!("CREATE TABLE rr.t{i} (id INT PRIMARY KEY, {cols})"),
        )?;
        mysql::prelude::Queryable::query_drop(
            &mut setup,
            format!(
                "INSERT INTO rr.t{i} (id) SELECT seq FROM rr.seq_1_to_50; \
                 UPDATE rr.t{i} SET a = DEFAULT"
            ),
        )?;
    }
    mysql::prelude::Queryable::query_drop(
        &mut setup,
        "UPDATE rr.t1 SET a = 18446744073709551615 - id, b = CONCAT('v', id); \
         UPDATE rr.t2 SET a = id / 7, b = -id / 3; \
         UPDATE rr.t3 SET a = '2024-02-29 23:59:59.999999' - INTERVAL id DAY, \
           b = '-838:59:58.5' + INTERVAL id SECOND; \
         UPDATE rr.t4 SET a = id / 3, b = id; \
         UPDATE rr.t5 SET a = CONCAT('caf', CHAR(233), id), b = UNHEX(REPEAT('00FF', id)); \
         UPDATE rr.t6 SET a = IF(id % 2, 'x', 'y'), b = IF(id % 3, 'p,q', ''); \
         UPDATE rr.t7 SET a = '2000-01-01' + INTERVAL id DAY, \
           b = IF(id % 4, '2030-01-01 00:00:00.25' - INTERVAL id HOUR, NULL); \
         UPDATE rr.t8 SET a = id * 5, b = -id * 300, c = id * 100000; \
         UPDATE rr.t9 SET a = JSON_OBJECT('k', id, 'v', JSON_ARRAY(id, 'x')), b = 1990 + id",
    )?;
    let tables: Vec<Table> = (0..shapes.len())
        .map(|i| chunker::live::load_table(&mut setup, "rr", &format!("t{i}")))
        .collect::<Result<_, _>>()?;

    let mut s = ChecksumSession::open(&server)?;
    let first: Vec<ChunkChecksum> = tables
        .iter()
        .map(|t| checksum(&mut s, t))
        .collect::<Result<_, _>>()?;
    assert!(first.iter().all(|c| c.rows == 50), "{first:?}");

    // A server error on the direct reader's connection (the table is gone): it names the
    // server's error, and the connection reads the next statement as before.
    let mut missing = tables[0].clone();
    missing.name = "missing".into();
    let plan = RowPlan::new(&missing, Algorithm::Strong, Dialect::MariaDb);
    let chunk = whole(&missing);
    let r = ChunkRef {
        plan: &plan,
        chunk: &chunk,
        key: None,
    };
    let e = checksum_chunk_on(
        &mut s.conn,
        Some(&mut s.rows),
        "server",
        Engine::Client,
        r,
        &missing,
    )
    .expect_err("no such table");
    assert!(e.to_string().contains("server error 1146 (42S02)"), "{e}");
    // Again, in reverse order: the evicted statements are prepared anew.
    for (t, before) in tables.iter().zip(&first).rev() {
        assert_eq!(&checksum(&mut s, t)?, before, "{}", t.qualified_name());
    }

    // A row longer than one packet: the payload spans two packets and is put together.
    mysql::prelude::Queryable::query_drop(
        &mut setup,
        "CREATE TABLE rr.big (id INT PRIMARY KEY, b LONGBLOB); \
         INSERT INTO rr.big VALUES (1, REPEAT('x', 17825792)), (2, 'short'), \
           (3, REPEAT(UNHEX('00FF'), 8388608))",
    )?;
    let big = chunker::live::load_table(&mut setup, "rr", "big")?;
    let mut s = ChecksumSession::open(&server)?;
    let sum = checksum(&mut s, &big)?;
    assert_eq!(sum.rows, 3);
    // A changed byte in the long row changes the checksum, read either way.
    mysql::prelude::Queryable::query_drop(
        &mut setup,
        "UPDATE rr.big SET b = INSERT(b, 17000000, 1, 'y') WHERE id = 1",
    )?;
    assert_ne!(checksum(&mut s, &big)?, sum);
    Ok(())
}
