//! Helpers shared by the examples' integration tests (`mod common;` in each test file).

use std::error::Error;
use std::ffi::OsStr;
use std::process::Command;

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
