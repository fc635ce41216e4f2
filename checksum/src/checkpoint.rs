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
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| err(e.to_string())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(err(e.to_string())),
        }
    }

    /// Writes the checkpoint to `path` atomically (a temporary file beside it, synced, then
    /// renamed over it), so a kill leaves either the old or the new content.
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        use std::io::Write as _;
        let err = |message: String| Error::Checkpoint {
            path: path.display().to_string(),
            message,
        };
        let json = serde_json::to_vec_pretty(self).map_err(|e| err(e.to_string()))?;
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".tmp");
        let tmp = std::path::PathBuf::from(tmp);
        let mut file = std::fs::File::create(&tmp).map_err(|e| err(e.to_string()))?;
        file.write_all(&json).map_err(|e| err(e.to_string()))?;
        file.sync_all().map_err(|e| err(e.to_string()))?;
        std::fs::rename(&tmp, path).map_err(|e| err(e.to_string()))
    }

    /// The progress of `table` (`schema.name`), created empty when absent.
    pub fn table_mut(&mut self, table: &str) -> &mut TableProgress {
        self.tables.entry(table.to_string()).or_default()
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
        assert_eq!(Checkpoint::load(&path).ok().flatten(), Some(cp));
        std::fs::write(&path, b"{not json").ok();
        assert!(matches!(
            Checkpoint::load(&path),
            Err(Error::Checkpoint { .. })
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
