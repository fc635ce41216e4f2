//! Creating a server's data directory: `mariadb-install-db` once into a template, then a copy
//! of the template for each server.
//!
//! `mariadb-install-db` takes about a second on an idle machine and several on a loaded one;
//! copying its 26 MB result takes a few tens of milliseconds. A cleanly bootstrapped data
//! directory holds no absolute paths, so a copy is as good as a fresh install.
//!
//! The template is `$TMPDIR/repl-harness-template-<key>/data`, shared by every test process,
//! where `<key>` changes with the `mariadbd` binary (size, mtime) and the options below. It is
//! built in a private directory and renamed into place, so a reader never sees half of one.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use super::process::{self, tail};
use super::HarnessError;

/// Options that make a throwaway server start in about a second and stay small. They are
/// given to `mariadb-install-db` too, so that the files it creates match.
pub(super) const SMALL: &[&str] = &[
    "--innodb-buffer-pool-size=32M",
    "--innodb-log-file-size=8M",
    // Many servers at once can exhaust the kernel's AIO contexts (`aio-max-nr`).
    "--innodb-use-native-aio=0",
];

/// Creates (if needed) and returns `<root>/tmp`, a server's own `--tmpdir`. Never the shared
/// `/tmp`: a starting `mariadbd` deletes every `#sql*` file in its tmpdir, which breaks the
/// temporary tables of any other server (or `mariadb-install-db`) using it at that moment.
pub(super) fn tmpdir(root: &Path) -> Result<PathBuf, HarnessError> {
    let tmp = root.join("tmp");
    std::fs::create_dir_all(&tmp)
        .map_err(|e| HarnessError::io(format!("creating {}", tmp.display()), e))?;
    Ok(tmp)
}

/// Fills `datadir` (which must not exist yet) with a freshly bootstrapped data directory.
///
/// Copies this process's template when one could be made, and otherwise runs
/// `mariadb-install-db` into `datadir` directly, so that its error reaches the caller.
pub(super) fn prepare_datadir(root: &Path, datadir: &Path) -> Result<(), HarnessError> {
    static TEMPLATE: OnceLock<Option<PathBuf>> = OnceLock::new();
    match TEMPLATE.get_or_init(template) {
        Some(template) => copy_dir(template, datadir),
        None => install_db(root, datadir),
    }
}

/// The shared template's data directory, built if it does not exist yet; `None` if it cannot
/// be built (the caller then installs directly and reports the real error).
fn template() -> Option<PathBuf> {
    let meta = std::fs::metadata(process::mariadbd_path().ok()?).ok()?;
    let mtime = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    // FNV-1a over what the template depends on.
    let mut key: u64 = 0xcbf2_9ce4_8422_2325;
    let parts = [meta.len().to_string(), mtime.to_string(), SMALL.join(" ")];
    for byte in parts.join("\n").bytes() {
        key = (key ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    let home = std::env::temp_dir().join(format!("repl-harness-template-{key:016x}"));
    let data = home.join("data");
    if data.is_dir() {
        return Some(data);
    }
    let build = process::make_tempdir().ok()?;
    let built = install_db(&build, &build.join("data")).is_ok();
    // Renaming onto an existing directory fails: then another process was first, and its
    // template is as good as ours.
    if !built || std::fs::rename(&build, &home).is_err() {
        let _ = std::fs::remove_dir_all(&build);
    }
    data.is_dir().then_some(data)
}

/// Runs `mariadb-install-db --no-defaults` into `datadir`, with `<root>/tmp` as its tmpdir.
fn install_db(root: &Path, datadir: &Path) -> Result<(), HarnessError> {
    let install = process::install_db_path()?;
    let tmpdir = tmpdir(root)?;
    let output = Command::new(&install)
        .arg("--no-defaults")
        .arg(format!("--datadir={}", datadir.display()))
        .arg("--user=root")
        .arg("--auth-root-authentication-method=normal")
        .arg(format!("--tmpdir={}", tmpdir.display()))
        .args(SMALL)
        .output()
        .map_err(|e| HarnessError::io(format!("running {}", install.display()), e))?;
    if !output.status.success() {
        let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&output.stderr));
        return Err(HarnessError::InstallDb {
            datadir: datadir.to_path_buf(),
            status: output.status.to_string(),
            output: tail(&text, 20),
        });
    }
    Ok(())
}

/// Copies the directory tree `from` to `to` (regular files and directories only).
fn copy_dir(from: &Path, to: &Path) -> Result<(), HarnessError> {
    let io = |what: &str, path: &Path| {
        let what = format!("{what} {}", path.display());
        move |e| HarnessError::io(what, e)
    };
    std::fs::create_dir(to).map_err(io("creating", to))?;
    for entry in std::fs::read_dir(from).map_err(io("reading", from))? {
        let entry = entry.map_err(io("reading", from))?;
        let source = entry.path();
        let target = to.join(entry.file_name());
        let kind = entry.file_type().map_err(io("inspecting", &source))?;
        if kind.is_dir() {
            copy_dir(&source, &target)?;
        } else if kind.is_file() {
            std::fs::copy(&source, &target).map_err(io("copying", &source))?;
        }
    }
    Ok(())
}
