//! Example binaries, the throwaway-MariaDB [`harness`], and the end-to-end tests against
//! real servers (in `tests/`).
//!
//! This crate is where the library crates meet real servers: the binaries in `src/bin` show
//! how to use them, and the integration tests start MariaDB servers with [`harness`] to check
//! them against the real thing.
//!
//! Tests that cannot run (a fixture is absent, say) call [`skip`] and return; `scripts/test`
//! counts those as skipped rather than passed.

pub mod drill;
pub mod harness;

/// The README's Rust snippets, compiled as doctests so that they cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

use std::io::Write;

/// Records that the calling test is skipped, and why; the test should return right after.
///
/// Prints `skipped: <reason>` to stderr and, when the environment variable `TEST_SKIP_LOG`
/// names a file (scripts/test sets it), appends one line to it. `scripts/test` counts those
/// lines as skipped and subtracts them from cargo's "passed".
///
/// ```no_run
/// #[test]
/// fn parses_the_mysql_8_fixture() {
///     let fixture = std::path::Path::new("testdata/binlogs/mysql-8.0.bin");
///     if !fixture.exists() {
///         examples::skip("testdata/binlogs/mysql-8.0.bin is absent");
///         return;
///     }
///     // ...
/// }
/// ```
pub fn skip(reason: &str) {
    let reason = reason.replace('\n', " ");
    let test = std::thread::current()
        .name()
        .unwrap_or("unnamed test")
        .to_string();
    eprintln!("skipped: {test}: {reason}");
    if let Some(path) = std::env::var_os("TEST_SKIP_LOG") {
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            // One write of one line: appends of this size are atomic, so parallel tests
            // never interleave.
            .and_then(|mut f| f.write_all(format!("{test}: {reason}\n").as_bytes()));
        if let Err(e) = written {
            eprintln!("skip: could not append to TEST_SKIP_LOG {path:?}: {e}");
        }
    }
}
