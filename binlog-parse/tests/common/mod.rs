//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// The real fixtures, or `None` (with the reason printed) when the folder is absent.
pub fn fixtures() -> Option<Vec<(String, Vec<u8>)>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/testdata/binlogs");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        skip(&format!("fixture folder {} is absent", dir.display()));
        return None;
    };
    let mut out: Vec<(String, Vec<u8>)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.file_name().is_some_and(|n| n != "PROVENANCE.md"))
        .map(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let bytes = std::fs::read(&p).expect("fixture readable");
            (name, bytes)
        })
        .collect();
    out.sort();
    Some(out)
}

/// Records a skipped test the way the workspace's `scripts/test` counts them: a line on stderr
/// and, when `TEST_SKIP_LOG` names a file, a line appended to it.
pub fn skip(reason: &str) {
    let test = std::thread::current()
        .name()
        .unwrap_or("unnamed test")
        .to_string();
    eprintln!("skipped: {test}: {reason}");
    if let Some(path) = std::env::var_os("TEST_SKIP_LOG") {
        use std::io::Write;
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            let _ = writeln!(f, "{test}: {reason}");
        }
    }
}
