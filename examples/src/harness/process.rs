//! Finding the server binaries, choosing ports and directories, and spawning `mariadbd`
//! so that it cannot outlive the test process.

use std::collections::HashSet;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use super::HarnessError;

/// The prefix of every temporary directory the harness creates. `scripts/test` looks for
/// `mariadbd` processes whose command line contains it to prove none was left behind.
pub const TEMPDIR_PREFIX: &str = "repl-harness-";

/// Directories searched after `$PATH`: Debian puts `mariadbd` in `/usr/sbin`, which is not
/// on an ordinary user's `$PATH`.
const EXTRA_DIRS: &[&str] = &["/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin"];

/// The directories searched for the server binaries: `$PATH`, then the usual `sbin` ones.
fn search_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    for extra in EXTRA_DIRS {
        let extra = PathBuf::from(extra);
        if !dirs.contains(&extra) {
            dirs.push(extra);
        }
    }
    dirs
}

/// Looks for the first of `names` in `dirs`, in order.
///
/// This is what [`mariadbd_path`] does with the real search path; it is public so that the
/// error for a missing server can be tested without uninstalling anything.
///
/// ```
/// let empty = std::env::temp_dir();
/// let err = examples::harness::locate_program(&["no-such-mariadbd"], &[empty.as_path()]);
/// assert!(err.unwrap_err().to_string().contains("apt-get install mariadb-server"));
/// ```
pub fn locate_program(names: &[&str], dirs: &[&Path]) -> Result<PathBuf, HarnessError> {
    for dir in dirs {
        for name in names {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    let searched: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
    Err(HarnessError::MariadbdMissing {
        program: names.first().copied().unwrap_or("mariadbd").to_string(),
        searched: searched.join(":"),
    })
}

fn locate(names: &[&str]) -> Result<PathBuf, HarnessError> {
    let dirs = search_dirs();
    let refs: Vec<&Path> = dirs.iter().map(PathBuf::as_path).collect();
    locate_program(names, &refs)
}

/// The `mariadbd` binary (or `mysqld`, its older name), or an error telling how to install it.
pub fn mariadbd_path() -> Result<PathBuf, HarnessError> {
    locate(&["mariadbd", "mysqld"])
}

/// The `mariadb-install-db` script (or `mysql_install_db`).
pub(crate) fn install_db_path() -> Result<PathBuf, HarnessError> {
    locate(&["mariadb-install-db", "mysql_install_db"])
}

/// Creates a fresh, empty directory `$TMPDIR/repl-harness-<pid>-<n>-<nanos>`.
///
/// The first call also removes directories left by harness processes that no longer exist
/// (a test binary killed with SIGKILL runs no destructors; its servers died with it).
pub(crate) fn make_tempdir() -> Result<PathBuf, HarnessError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    static SWEPT: OnceLock<()> = OnceLock::new();
    let base = std::env::temp_dir();
    SWEPT.get_or_init(|| remove_orphans(&base));
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let dir = base.join(format!(
            "{TEMPDIR_PREFIX}{}-{n}-{nanos:08x}",
            std::process::id()
        ));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(HarnessError::io(
                    format!("creating temporary directory {}", dir.display()),
                    e,
                ))
            }
        }
    }
}

/// Removes `repl-harness-<pid>-*` directories in `base` whose process is gone. Best effort,
/// Linux only (it asks `/proc`), and never with `KEEP_SERVERS=1`.
fn remove_orphans(base: &Path) {
    let keep = std::env::var("KEEP_SERVERS").is_ok_and(|v| v == "1");
    if keep || !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(TEMPDIR_PREFIX)) else {
            continue;
        };
        let Some(pid) = rest.split('-').next().filter(|p| p.parse::<u32>().is_ok()) else {
            continue;
        };
        if !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// A port on 127.0.0.1 that was free a moment ago and that this process has not handed out
/// before. The caller must still cope with losing a race for it ("Address already in use").
pub(crate) fn free_port() -> Result<u16, HarnessError> {
    static GIVEN: OnceLock<Mutex<HashSet<u16>>> = OnceLock::new();
    let given = GIVEN.get_or_init(|| Mutex::new(HashSet::new()));
    loop {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .map_err(|e| HarnessError::io("binding 127.0.0.1:0 to find a free port", e))?;
        let port = listener
            .local_addr()
            .map_err(|e| HarnessError::io("reading the address of a bound socket", e))?
            .port();
        let mut set = given.lock().unwrap_or_else(|p| p.into_inner());
        if set.insert(port) {
            return Ok(port);
        }
    }
}

type SpawnJob = (Command, mpsc::Sender<std::io::Result<Child>>);

/// Spawns `program args..` (stdin, stdout and stderr to /dev/null) from one long-lived
/// thread, wrapped in `setpriv --pdeathsig KILL` when `setpriv` (util-linux) is available.
///
/// Why: `Drop` shuts servers down, but a test process that is killed, or aborts, runs no
/// destructors. The parent-death signal makes the kernel SIGKILL `mariadbd` when the thread
/// that spawned it ends. That thread must therefore outlive every server: a test thread would
/// not (a server kept in a `static` would die with the first test), so spawning happens on a
/// dedicated thread that lives as long as the process. `setpriv` sets the signal and then
/// `exec`s `mariadbd`, so the child's pid is the server's. This keeps the crate free of
/// `unsafe` (the workspace forbids it, so `pre_exec` + `prctl` is not an option).
pub(crate) fn spawn(program: &Path, args: &[String]) -> Result<Child, HarnessError> {
    static SPAWNER: OnceLock<Mutex<mpsc::Sender<SpawnJob>>> = OnceLock::new();
    let mut cmd = match locate(&["setpriv"]) {
        Ok(setpriv) => {
            let mut c = Command::new(setpriv);
            c.arg("--pdeathsig").arg("KILL").arg(program);
            c
        }
        Err(_) => Command::new(program),
    };
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let sender = SPAWNER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<SpawnJob>();
        // If the thread cannot be created, `rx` is dropped and every send below fails with
        // a clear error instead of hanging.
        let _ = std::thread::Builder::new()
            .name("repl-harness-spawner".into())
            .spawn(move || {
                for (mut cmd, reply) in rx {
                    let _ = reply.send(cmd.spawn());
                }
            });
        Mutex::new(tx)
    });
    let what = format!("spawning {}", program.display());
    let gone = || std::io::Error::other("the harness's spawner thread is gone");
    let (reply_tx, reply_rx) = mpsc::channel();
    let sent = sender
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .send((cmd, reply_tx));
    if sent.is_err() {
        return Err(HarnessError::io(what, gone()));
    }
    match reply_rx.recv() {
        Ok(result) => result.map_err(|e| HarnessError::io(what, e)),
        Err(_) => Err(HarnessError::io(what, gone())),
    }
}

/// The last `lines` lines of `text`.
pub(crate) fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_keeps_the_last_lines() {
        assert_eq!(tail("a\nb\nc\n", 2), "b\nc");
        assert_eq!(tail("a", 5), "a");
        assert_eq!(tail("", 3), "");
    }

    #[test]
    fn temp_dirs_are_fresh_and_recognisable() -> Result<(), HarnessError> {
        let (a, b) = (make_tempdir()?, make_tempdir()?);
        assert_ne!(a, b);
        for dir in [&a, &b] {
            let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            let pid = format!("{TEMPDIR_PREFIX}{}-", std::process::id());
            assert!(name.starts_with(&pid), "{name}");
            assert!(dir.is_dir());
            std::fs::remove_dir(dir).map_err(|e| HarnessError::io("removing", e))?;
        }
        Ok(())
    }

    #[test]
    fn ports_are_not_handed_out_twice() -> Result<(), HarnessError> {
        let ports: HashSet<u16> = (0..20).map(|_| free_port()).collect::<Result<_, _>>()?;
        assert_eq!(ports.len(), 20);
        Ok(())
    }
}
