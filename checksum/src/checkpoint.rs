//! The resume point of a compare run: per table, the last finished chunk and the differences
//! found so far, in a JSON file written atomically after every chunk. A run killed at any
//! moment (SIGKILL included) and started again with the same file reports the same result.

use std::collections::BTreeMap;
use std::path::Path;

use chunker::Chunk;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::report::ChunkDiff;
use crate::Algorithm;

/// Progress of a compare run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The algorithm of the run (a checkpoint of another algorithm is not resumed).
    pub algorithm: Algorithm,
    /// Per table (`schema.name`), its progress.
    pub tables: BTreeMap<String, TableProgress>,
}

/// One table's progress.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TableProgress {
    /// The last chunk whose comparison finished (the walk resumes after it).
    pub last_done: Option<Chunk>,
    /// Whether every chunk of the table was compared.
    pub finished: bool,
    /// Chunks compared so far.
    pub chunks: u64,
    /// The differing chunks found so far (confirmed by their rechecks).
    pub differences: Vec<ChunkDiff>,
    /// Chunks that differed at their first check and wait for their recheck, which runs for
    /// all of them together once the walk is over (so one wait serves them all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending: Vec<Chunk>,
}

impl Checkpoint {
    /// An empty checkpoint for `algorithm`.
    pub fn new(algorithm: Algorithm) -> Checkpoint {
        Checkpoint {
            algorithm,
            tables: BTreeMap::new(),
        }
    }

    /// Reads the checkpoint at `path`; `Ok(None)` when the file does not exist.
    pub fn load(path: &Path) -> Result<Option<Checkpoint>, Error> {
        let err = |message: String| Error::Checkpoint {
            path: path.display().to_string(),
            message,
        };
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
                err(format!(
                    "not a checkpoint this tool wrote ({e}); delete it to start over, or \
                     point --checkpoint elsewhere"
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(_) if path.is_dir() => {
                Err(err("it is a directory; point --checkpoint at a file".into()))
            }
            Err(e) => Err(err(format!(
                "cannot read it: {}; point --checkpoint at a file this user may read and write",
                plain_io(&e)
            ))),
        }
    }

    /// Writes the checkpoint to `path` atomically (a temporary file beside it, synced, then
    /// renamed over it), so a kill leaves either the old or the new content.
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        use std::io::Write as _;
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".tmp");
        let tmp = std::path::PathBuf::from(tmp);
        let err = |what: &Path, e: std::io::Error| {
            let advice = if e.kind() == std::io::ErrorKind::NotFound {
                "its directory does not exist: create it, or point --checkpoint elsewhere"
                    .to_string()
            } else {
                format!(
                    "{}; point --checkpoint at a place this user may write",
                    plain_io(&e)
                )
            };
            Error::Checkpoint {
                path: path.display().to_string(),
                message: format!("cannot write {}: {advice}", what.display()),
            }
        };
        if path.is_dir() {
            return Err(Error::Checkpoint {
                path: path.display().to_string(),
                message: "it is a directory; point --checkpoint at a file".into(),
            });
        }
        let json = serde_json::to_vec_pretty(self).map_err(|e| Error::Checkpoint {
            path: path.display().to_string(),
            message: format!("cannot encode the progress: {e}"),
        })?;
        let mut file = std::fs::File::create(&tmp).map_err(|e| err(&tmp, e))?;
        file.write_all(&json).map_err(|e| err(&tmp, e))?;
        file.sync_all().map_err(|e| err(&tmp, e))?;
        std::fs::rename(&tmp, path).map_err(|e| err(path, e))
    }

    /// The progress of `table` (`schema.name`), created empty when absent.
    pub fn table_mut(&mut self, table: &str) -> &mut TableProgress {
        self.tables.entry(table.to_string()).or_default()
    }
}

/// An I/O error as a sentence's part: lowercase first, without "(os error N)".
fn plain_io(e: &std::io::Error) -> String {
    let text = e.to_string();
    let text = match text.find(" (os error") {
        Some(i) => &text[..i],
        None => &text[..],
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_and_load_round_trip() {
        let dir = std::env::temp_dir().join(format!("ck-checkpoint-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("run.json");
        assert_eq!(Checkpoint::load(&path).ok().flatten(), None);
        let mut cp = Checkpoint::new(Algorithm::Pt);
        cp.table_mut("db.t").chunks = 3;
        assert!(cp.save(&path).is_ok());
        assert_eq!(Checkpoint::load(&path).ok().flatten(), Some(cp.clone()));
        std::fs::write(&path, b"{not json").ok();
        let e = Checkpoint::load(&path).expect_err("not json");
        let text = e.to_string();
        assert!(
            text.starts_with(&format!(
                "checkpoint file {}: not a checkpoint this tool wrote (",
                path.display()
            )),
            "{text}"
        );
        assert!(text.ends_with("delete it to start over, or point --checkpoint elsewhere"));
        // A directory, for reading and for writing.
        for e in [
            Checkpoint::load(&dir).expect_err("dir"),
            cp.save(&dir).expect_err("dir"),
        ] {
            assert_eq!(
                e.to_string(),
                format!(
                    "checkpoint file {}: it is a directory; point --checkpoint at a file",
                    dir.display()
                )
            );
        }
        // A directory that does not exist: the file is named, with what to do.
        let missing = dir.join("nosuch").join("run.json");
        let text = cp.save(&missing).expect_err("no dir").to_string();
        assert_eq!(
            text,
            format!(
                "checkpoint file {}: cannot write {}.tmp: its directory does not exist: \
                 create it, or point --checkpoint elsewhere",
                missing.display(),
                missing.display()
            )
        );
        assert!(!text.contains("os error"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
