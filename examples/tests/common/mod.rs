//! Helpers shared by the examples' integration tests (`mod common;` in each test file).

// Each test crate compiles its own copy of this module and uses only part of it.
#![allow(dead_code)]

use std::error::Error;
use std::ffi::OsStr;
use std::process::Command;

use examples::harness::{self, Server, ServerOptions};

pub mod numeric_keys;
pub mod row_image;

/// Runs the binary at `path` (an `env!("CARGO_BIN_EXE_<name>")`) with `args` and waits for it:
/// (exit status, or -1 when a signal ended it; stdout; stderr), the output read as UTF-8.
pub fn run<I, S>(path: &str, args: I) -> Result<(i32, String, String), Box<dyn Error>>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let out = Command::new(path).args(args).output()?;
    Ok((
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout)?,
        String::from_utf8(out.stderr)?,
    ))
}

/// True, the test recorded as skipped, when `mariadbd` is not installed: the test should return.
pub fn no_server() -> bool {
    if harness::mariadbd_path().is_err() {
        examples::skip("mariadbd is not installed");
        return true;
    }
    false
}

/// A standalone server (no binary log); `None`, the test recorded as skipped, when `mariadbd` is
/// not installed.
pub fn server() -> Result<Option<Server>, Box<dyn Error>> {
    if no_server() {
        return Ok(None);
    }
    Ok(Some(Server::start(ServerOptions {
        log_bin: false,
        ..ServerOptions::default()
    })?))
}

/// Two standalone servers (ids 1 and 2, no binary log), started side by side; `None`, the test
/// recorded as skipped, when `mariadbd` is not installed.
pub fn two_servers() -> Result<Option<(Server, Server)>, Box<dyn Error>> {
    if no_server() {
        return Ok(None);
    }
    let opts = |id| ServerOptions {
        server_id: id,
        log_bin: false,
        ..ServerOptions::default()
    };
    let other = std::thread::spawn(move || Server::start(opts(2)));
    let source = Server::start(opts(1))?;
    let target = other.join().map_err(|_| "server start panicked")??;
    Ok(Some((source, target)))
}

/// A small deterministic generator (xorshift64, no dependency): the same seed gives the same
/// test data on every run. The seed must not be 0.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 pseudo-random bits.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// Every row of each of `db`'s `tables`, exactly as the binary protocol carries it (floats by
/// bits), sorted: a [`Contents`] for tables without a useful order.
pub fn sorted_rows(
    conn: &mut mysql::Conn,
    db: &str,
    tables: &[&str],
) -> Result<Vec<Vec<String>>, Box<dyn Error>> {
    use mysql::prelude::Queryable;
    let mut out = Vec::new();
    for t in tables {
        let rows: Vec<mysql::Row> = conn.exec(format!("SELECT * FROM {db}.{t}"), ())?;
        let mut rows: Vec<String> = rows
            .into_iter()
            .map(|r| format!("{:?}", r.unwrap()))
            .collect();
        rows.sort();
        out.push(rows);
    }
    Ok(out)
}

/// What a drift test compares on each server: its rows as text, in a fixed order.
pub type Contents = fn(&mut mysql::Conn) -> Result<Vec<Vec<String>>, Box<dyn Error>>;

/// Sets up the same tables on both servers of a pair, then drift on the target.
pub type Drift = fn(&mut mysql::Conn, &mut mysql::Conn) -> Result<(), Box<dyn Error>>;

/// The tools end to end on database `db` of two new servers (skipped without `mariadbd`),
/// after `drift` (`contents` must then differ): `table-checksum` (chunks of 100 rows) sees it
/// with every algorithm and both engines, `table-sync --execute` brings the target in line
/// (`contents` equal on both), `--print` then has nothing left to repair, and every checksum
/// agrees.
pub fn checksum_sync_checksum(
    db: &str,
    drift: Drift,
    contents: Contents,
) -> Result<(), Box<dyn Error>> {
    let Some((source, target)) = two_servers()? else {
        return Ok(());
    };
    let (mut s, mut t) = (source.conn()?, target.conn()?);
    drift(&mut s, &mut t)?;
    assert_ne!(
        contents(&mut s)?,
        contents(&mut t)?,
        "the drift must differ"
    );
    let (su, tu) = (source.url(), target.url());
    let output = |bin: &str, args: &[&str]| -> Result<(i32, String), Box<dyn Error>> {
        let (code, out, err) = run(bin, args)?;
        Ok((code, format!("{out}{err}")))
    };
    let checksum = |algorithm: &str, engine: &str| {
        output(
            env!("CARGO_BIN_EXE_table-checksum"),
            &[
                "--source",
                &su,
                "--target",
                &tu,
                "--databases",
                db,
                "--algorithm",
                algorithm,
                "--engine",
                engine,
                "--chunk-size",
                "100",
            ],
        )
    };
    for algorithm in ["strong", "fast", "pt"] {
        for engine in ["client", "server"] {
            let (code, out) = checksum(algorithm, engine)?;
            assert_eq!(code, 1, "{algorithm} {engine} must see the drift: {out}");
        }
    }
    let sync = |mode: &str| {
        output(
            env!("CARGO_BIN_EXE_table-sync"),
            &["--source", &su, "--target", &tu, "--databases", db, mode],
        )
    };
    let (code, out) = sync("--execute")?;
    assert_eq!(code, 0, "{out}");
    assert_eq!(contents(&mut s)?, contents(&mut t)?, "after --execute");
    let (code, out) = sync("--print")?;
    assert_eq!(code, 0, "nothing left to repair: {out}");
    for algorithm in ["strong", "fast", "pt"] {
        for engine in ["client", "server"] {
            let (code, out) = checksum(algorithm, engine)?;
            assert_eq!(code, 0, "{algorithm} {engine} after the repair: {out}");
        }
    }
    Ok(())
}

/// A checksum session on a server: the driver's connection (set up by
/// `checksum::live::prepare_session`) and the direct row reader, with the same session.
/// Derefs to the driver's connection.
pub struct ChecksumSession {
    /// The driver's connection.
    pub conn: mysql::Conn,
    /// The direct row reader.
    pub rows: checksum::live::RowConn,
}

impl ChecksumSession {
    /// Opens both on `server`; the direct reader must log in (it does on the harness's
    /// servers: plain TCP, `mysql_native_password`).
    pub fn open(server: &Server) -> Result<ChecksumSession, Box<dyn Error>> {
        let mut conn = server.conn()?;
        checksum::live::prepare_session(&mut conn, "server")?;
        let rows = checksum::live::open_rows(&server.url())?;
        Ok(ChecksumSession { conn, rows })
    }

    /// A chunk's client-engine checksum read by the driver and by the direct reader: an
    /// error unless the two are equal (then the value).
    pub fn client_checksum(
        &mut self,
        r: checksum::live::ChunkRef<'_>,
        table: &chunker::Table,
    ) -> Result<checksum::ChunkChecksum, Box<dyn Error>> {
        use checksum::live::{checksum_chunk_on, Engine};
        let (driver, _) =
            checksum_chunk_on(&mut self.conn, None, "server", Engine::Client, r, table)?;
        let (direct, _) = checksum_chunk_on(
            &mut self.conn,
            Some(&mut self.rows),
            "server",
            Engine::Client,
            r,
            table,
        )?;
        if direct != driver {
            return Err(format!(
                "{}: the direct row reader's checksum {direct:?} differs from the driver's \
                 {driver:?}",
                table.qualified_name()
            )
            .into());
        }
        Ok(direct)
    }
}

impl std::ops::Deref for ChecksumSession {
    type Target = mysql::Conn;

    fn deref(&self) -> &mysql::Conn {
        &self.conn
    }
}

impl std::ops::DerefMut for ChecksumSession {
    fn deref_mut(&mut self) -> &mut mysql::Conn {
        &mut self.conn
    }
}
