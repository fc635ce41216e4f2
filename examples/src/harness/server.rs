//! One throwaway `mariadbd`: its own temporary directory, port and socket.

use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, Instant};

use mysql::prelude::{FromRow, Queryable};
use mysql::{Conn, OptsBuilder};

use super::install::{self, SMALL};
use super::lifecycle::remove_dir;
use super::process::{self, tail};
use super::HarnessError;

/// How a [`Server`] is started.
///
/// ```
/// use examples::harness::ServerOptions;
/// let opts = ServerOptions { server_id: 7, ..ServerOptions::default() };
/// assert!(opts.log_bin);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerOptions {
    /// `--server-id`.
    pub server_id: u32,
    /// Binary logging on (`--log-bin=<datadir>/mysql-bin`, row format, `log_slave_updates`).
    pub log_bin: bool,
    /// `--gtid-strict-mode=1`.
    pub gtid_strict: bool,
    /// Further `mariadbd` options, appended last so that they override the harness's own.
    pub extra_args: Vec<String>,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            server_id: 1,
            log_bin: true,
            gtid_strict: false,
            extra_args: Vec::new(),
        }
    }
}

/// How long to wait for a server to accept connections, unless `HARNESS_START_TIMEOUT_SECS`
/// says otherwise (a loaded 2-core machine can be slow).
fn start_timeout() -> Duration {
    std::env::var("HARNESS_START_TIMEOUT_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map(Duration::from_secs)
        .unwrap_or(Duration::from_secs(60))
}

/// How often the harness polls while it waits.
pub(crate) const POLL: Duration = Duration::from_millis(50);
/// How many times a start is retried when another process took the chosen port.
const PORT_ATTEMPTS: usize = 5;

/// A throwaway MariaDB server on 127.0.0.1, in its own temporary directory
/// (`$TMPDIR/repl-harness-*`), with its own socket, started with `--no-defaults` so that it
/// never reads the system's configuration or touches `/var/lib/mysql`.
///
/// Dropping it shuts it down cleanly (SIGKILL after 30 s) and removes the directory, unless
/// the environment has `KEEP_SERVERS=1`.
///
/// ```no_run
/// use examples::harness::{Server, ServerOptions};
/// # fn main() -> Result<(), examples::harness::HarnessError> {
/// let server = Server::start(ServerOptions::default())?;
/// let one: u32 = server.query_one("SELECT 1")?;
/// assert_eq!(one, 1);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Server {
    pub(super) opts: ServerOptions,
    pub(super) mariadbd: PathBuf,
    pub(super) root: PathBuf,
    pub(super) datadir: PathBuf,
    pub(super) port: u16,
    pub(super) child: Option<Child>,
}

impl Server {
    /// Creates a data directory with `mariadb-install-db`, starts `mariadbd` on a free port and
    /// waits until it accepts connections (60 s, or `HARNESS_START_TIMEOUT_SECS`).
    pub fn start(opts: ServerOptions) -> Result<Server, HarnessError> {
        let mariadbd = process::mariadbd_path()?;
        let root = process::make_tempdir()?;
        let mut server = Server {
            opts,
            mariadbd,
            datadir: root.join("data"),
            root,
            port: 0,
            child: None,
        };
        // From here on, `server`'s Drop cleans up whatever happens.
        for attempt in 1..=PORT_ATTEMPTS {
            server.install_db()?;
            server.port = process::free_port()?;
            match server.launch() {
                Err(HarnessError::Exited { log_tail, .. })
                    if attempt < PORT_ATTEMPTS && log_tail.contains("Address already in use") =>
                {
                    // Someone took the port between our probe and the server's bind. The
                    // failed start may already have opened a binlog: start over from scratch.
                    remove_dir(&server.datadir)?;
                    continue;
                }
                other => return other.map(|()| server),
            }
        }
        Ok(server)
    }

    fn install_db(&self) -> Result<(), HarnessError> {
        install::tmpdir(&self.root)?;
        install::prepare_datadir(&self.root, &self.datadir)
    }

    fn args(&self) -> Vec<String> {
        let d = self.datadir.display();
        let r = self.root.display();
        let mut args = vec![
            "--no-defaults".to_string(),
            format!("--datadir={d}"),
            format!("--port={}", self.port),
            "--bind-address=127.0.0.1".into(),
            format!("--socket={r}/mysqld.sock"),
            format!("--pid-file={r}/mysqld.pid"),
            format!("--log-error={}", self.error_log_path().display()),
            "--user=root".into(),
            format!("--server-id={}", self.opts.server_id),
            "--skip-name-resolve".into(),
            format!("--relay-log={d}/relay-bin"),
            format!("--tmpdir={r}/tmp"),
            // Commits reach the OS at once, so a SIGKILL loses nothing; only fsync is skipped.
            "--innodb-flush-log-at-trx-commit=2".into(),
        ];
        args.extend(SMALL.iter().map(|s| s.to_string()));
        if self.opts.log_bin {
            args.push(format!("--log-bin={d}/{}", self.binlog_basename()));
            args.push("--binlog-format=ROW".into());
            args.push("--log-slave-updates=1".into());
        }
        if self.opts.gtid_strict {
            args.push("--gtid-strict-mode=1".into());
        }
        args.extend(self.opts.extra_args.iter().cloned());
        args
    }

    /// Spawns `mariadbd` and waits until it accepts connections.
    pub(super) fn launch(&mut self) -> Result<(), HarnessError> {
        let log_start = std::fs::metadata(self.error_log_path()).map_or(0, |m| m.len());
        self.child = Some(process::spawn(&self.mariadbd, &self.args())?);
        let timeout = start_timeout();
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(child) = self.child.as_mut() {
                let exited = child
                    .try_wait()
                    .map_err(|e| HarnessError::io("waiting for mariadbd", e))?;
                if let Some(status) = exited {
                    self.child = None;
                    return Err(HarnessError::Exited {
                        port: self.port,
                        status: status.to_string(),
                        log_tail: tail(&self.error_log_since(log_start), 30),
                    });
                }
            }
            if self.connect(Some(Duration::from_secs(2))).is_ok() {
                return Ok(());
            }
            if Instant::now() >= deadline {
                self.kill()?;
                return Err(HarnessError::StartTimeout {
                    port: self.port,
                    waited: timeout,
                    log_tail: tail(&self.error_log_since(log_start), 30),
                });
            }
            std::thread::sleep(POLL);
        }
    }

    pub(super) fn connect(&self, timeout: Option<Duration>) -> Result<Conn, mysql::Error> {
        let opts = OptsBuilder::new()
            .ip_or_hostname(Some("127.0.0.1"))
            .tcp_port(self.port)
            .user(Some("root"))
            .prefer_socket(false)
            .tcp_connect_timeout(timeout);
        Conn::new(opts)
    }

    /// The process id of the running `mariadbd` (`None` while stopped), e.g. for benches that
    /// read its CPU time from `/proc`.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// The TCP port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `mysql://root@127.0.0.1:PORT` (user root, no password).
    pub fn url(&self) -> String {
        format!("mysql://root@127.0.0.1:{}", self.port)
    }

    /// A new connection as root over TCP.
    pub fn conn(&self) -> Result<Conn, HarnessError> {
        self.ensure_running()?;
        self.connect(Some(Duration::from_secs(10)))
            .map_err(|e| HarnessError::mysql(format!("connecting to {}", self.url()), e))
    }

    /// Runs `sql` on a new connection and returns the first row (a single value, or a tuple).
    pub fn query_one<T: FromRow>(&self, sql: &str) -> Result<T, HarnessError> {
        let mut conn = self.conn()?;
        conn.query_first::<T, _>(sql)
            .map_err(|e| HarnessError::mysql(format!("`{sql}` on port {}", self.port), e))?
            .ok_or_else(|| HarnessError::UnexpectedResult {
                sql: sql.to_string(),
                detail: "no row".into(),
            })
    }

    /// Runs `sql` (one or more statements) on a new connection, discarding results.
    pub fn exec(&self, sql: &str) -> Result<(), HarnessError> {
        let mut conn = self.conn()?;
        conn.query_drop(sql)
            .map_err(|e| HarnessError::mysql(format!("`{sql}` on port {}", self.port), e))
    }

    /// The server's data directory.
    pub fn datadir(&self) -> &Path {
        &self.datadir
    }

    /// Where the binary logs (`mysql-bin.000001`, ...) and `mysql-bin.index` live.
    pub fn binlog_dir(&self) -> PathBuf {
        self.datadir.clone()
    }

    /// The binary logs' base name: `mysql-bin`.
    pub fn binlog_basename(&self) -> &str {
        "mysql-bin"
    }

    /// The binary log files in the order of `mysql-bin.index` (oldest first), as full paths.
    /// Empty when binary logging is off.
    pub fn binlog_files(&self) -> Result<Vec<PathBuf>, HarnessError> {
        let index = self
            .binlog_dir()
            .join(format!("{}.index", self.binlog_basename()));
        let text = match std::fs::read_to_string(&index) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(HarnessError::io(format!("reading {}", index.display()), e)),
        };
        Ok(text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| self.datadir.join(l.trim()))
            .collect())
    }

    /// Where the relay logs (`relay-bin.000001`, ...) and `relay-bin.index` live.
    pub fn relay_log_dir(&self) -> PathBuf {
        self.datadir.clone()
    }

    /// The relay logs' base name: `relay-bin`.
    pub fn relay_log_basename(&self) -> &str {
        "relay-bin"
    }

    /// The options the server was started with.
    pub fn options(&self) -> &ServerOptions {
        &self.opts
    }

    fn error_log_path(&self) -> PathBuf {
        self.root.join("err.log")
    }

    /// The whole error log (all starts of this server), lossily decoded.
    pub fn error_log(&self) -> String {
        self.error_log_since(0)
    }

    fn error_log_since(&self, offset: u64) -> String {
        let bytes = std::fs::read(self.error_log_path()).unwrap_or_default();
        let from = usize::try_from(offset).unwrap_or(0).min(bytes.len());
        String::from_utf8_lossy(&bytes[from..]).into_owned()
    }

    fn ensure_running(&self) -> Result<(), HarnessError> {
        if self.child.is_some() {
            Ok(())
        } else {
            Err(HarnessError::NotRunning { port: self.port })
        }
    }
}
