//! Crashing, restarting and stopping a [`Server`], and cleaning up after it.

use std::path::Path;
use std::process::Child;
use std::time::{Duration, Instant};

use mysql::prelude::Queryable;

use super::server::POLL;
use super::{HarnessError, Server};

/// How long a clean shutdown may take before the harness falls back to SIGKILL.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(30);

impl Server {
    /// Whether the process is alive (not killed, shut down or crashed).
    pub fn is_running(&mut self) -> bool {
        match self.child.as_mut().map(Child::try_wait) {
            Some(Ok(None)) => true,
            Some(_) => {
                self.child = None;
                false
            }
            None => false,
        }
    }

    /// Crashes the server: SIGKILL, then waits until the process is gone. Does nothing if it
    /// is not running.
    pub fn kill(&mut self) -> Result<(), HarnessError> {
        if let Some(mut child) = self.child.take() {
            // Fails only if the process has already exited, which is what we want anyway.
            let _ = child.kill();
            child
                .wait()
                .map_err(|e| HarnessError::io("waiting for a killed mariadbd", e))?;
        }
        Ok(())
    }

    /// Starts the server again on the same data directory and port, and waits until it
    /// accepts connections. A running server is shut down cleanly first.
    pub fn restart(&mut self) -> Result<(), HarnessError> {
        self.shutdown()?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.launch() {
                // The port cannot change (replicas point at it), so wait for it to be freed.
                Err(HarnessError::Exited { log_tail, .. })
                    if attempt < 20 && log_tail.contains("Address already in use") =>
                {
                    std::thread::sleep(Duration::from_millis(500));
                }
                other => return other,
            }
        }
    }

    /// Shuts the server down cleanly (`SHUTDOWN`, which writes the Stop event to the binlog)
    /// and waits for the process to exit; SIGKILL if that takes over 30 s. Does nothing if it
    /// is not running.
    pub fn shutdown(&mut self) -> Result<(), HarnessError> {
        if !self.is_running() {
            return Ok(());
        }
        if let Ok(mut conn) = self.connect(Some(Duration::from_secs(5))) {
            // The connection may be cut before the OK arrives; the wait below is what counts.
            let _ = conn.query_drop("SHUTDOWN");
        }
        let deadline = Instant::now() + SHUTDOWN_TIMEOUT;
        while self.is_running() {
            if Instant::now() >= deadline {
                self.kill()?;
                return Err(HarnessError::io(
                    format!("shutting down mariadbd on port {}", self.port),
                    std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        format!("still running after {SHUTDOWN_TIMEOUT:?}; killed it"),
                    ),
                ));
            }
            std::thread::sleep(POLL);
        }
        Ok(())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Err(e) = self.shutdown() {
            eprintln!("repl-harness: {e}");
        }
        // `shutdown` kills on timeout; make sure even if it failed early.
        let _ = self.kill();
        if std::env::var("KEEP_SERVERS").is_ok_and(|v| v == "1") {
            eprintln!(
                "repl-harness: KEEP_SERVERS=1, leaving {} (server {} on port {})",
                self.root.display(),
                self.opts.server_id,
                self.port
            );
        } else if let Err(e) = remove_dir(&self.root) {
            eprintln!("repl-harness: {e}");
        }
    }
}

pub(super) fn remove_dir(dir: &Path) -> Result<(), HarnessError> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(HarnessError::io(format!("removing {}", dir.display()), e)),
    }
}
