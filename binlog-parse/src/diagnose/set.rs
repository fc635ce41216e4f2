//! A set of files (a directory or a binlog index): the chain, and a replica's position checked
//! against it.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::diagnose::file::{
    diagnose_bytes, diagnose_reader, resync_into, FileDiagnosis, FileStatus,
};
use crate::framer::Framer;
use crate::header::MAGIC;

/// Files up to this size are read whole (for the resync scan); larger ones are streamed.
const READ_WHOLE_LIMIT: u64 = 256 << 20;
/// How much of a streamed file is read after damage when looking for a resync point.
const RESYNC_WINDOW: u64 = 64 << 20;

/// The files of one server's log, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSet {
    /// The files, oldest first.
    pub files: Vec<PathBuf>,
    /// The index file they came from, if any.
    pub index: Option<PathBuf>,
}

/// One file of a set with its diagnosis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// The file name (what `SHOW BINARY LOGS` and `CHANGE MASTER TO` use).
    pub name: String,
    /// Where it is.
    pub path: PathBuf,
    /// Its diagnosis.
    pub diagnosis: FileDiagnosis,
}

/// Something about the chain of files as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChainFinding {
    /// A file ends with a Rotate naming a file other than the one that follows it.
    RotateMismatch {
        /// The rotated file.
        file: String,
        /// The name its Rotate gives.
        names: String,
        /// The file that actually follows.
        next: String,
    },
    /// A file that is not the last one was not closed by a Rotate: the server stopped or
    /// crashed there and opened the next file at start-up.
    EndedWithoutRotate {
        /// The file.
        file: String,
        /// How it ends.
        status: FileStatus,
    },
    /// MariaDB: the next file's GTID_LIST is behind what this file completed in a domain. A
    /// server that restarts with this position will hand out sequence numbers again (seen with
    /// MariaDB 10.11 after a SIGKILL and a torn last event).
    GtidPositionRegressed {
        /// The earlier file.
        file: String,
        /// The file whose GTID_LIST is behind.
        next: String,
        /// The domain.
        domain_id: u32,
        /// The last sequence number complete in `file`.
        last_seq: u64,
        /// The sequence number `next`'s GTID_LIST gives.
        listed_seq: u64,
    },
    /// MySQL: GTIDs complete in this file are missing from the next file's Previous_gtids.
    GtidsMissingFromNext {
        /// The earlier file.
        file: String,
        /// The file whose Previous_gtids lacks them.
        next: String,
        /// The missing GTIDs, in MySQL's text form.
        missing: String,
    },
    /// The numeric suffixes skip values: files are missing between these two.
    Gap {
        /// The file before the gap.
        after: String,
        /// The file after it.
        before: String,
    },
}

/// Every file's diagnosis and the chain findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetDiagnosis {
    /// Files, oldest first.
    pub files: Vec<FileEntry>,
    /// Findings about the chain.
    pub chain: Vec<ChainFinding>,
}

fn numeric_suffix(name: &str) -> Option<u64> {
    let (_, ext) = name.rsplit_once('.')?;
    (!ext.is_empty() && ext.bytes().all(|b| b.is_ascii_digit())).then(|| ext.parse().ok())?
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn starts_with_magic(path: &Path) -> bool {
    let mut head = [0u8; 4];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok()
        && head == MAGIC
}

impl LogSet {
    /// Opens a directory (its single `*.index` file if it has one, else every file with a
    /// numeric extension that starts with the magic, sorted), a `.index` file, or one log file.
    pub fn open(path: &Path) -> io::Result<LogSet> {
        if path.is_dir() {
            let mut indexes = Vec::new();
            let mut logs = Vec::new();
            for entry in std::fs::read_dir(path)? {
                let p = entry?.path();
                let name = file_name(&p);
                if name.ends_with(".index") {
                    indexes.push(p);
                } else if numeric_suffix(&name).is_some() && p.is_file() {
                    logs.push(p);
                }
            }
            if indexes.len() == 1 {
                return LogSet::from_index(&indexes[0]);
            }
            logs.retain(|p| starts_with_magic(p));
            logs.sort_by_key(|p| {
                let name = file_name(p);
                let base = name
                    .rsplit_once('.')
                    .map(|(b, _)| b.to_owned())
                    .unwrap_or_default();
                (base, numeric_suffix(&name), name)
            });
            return Ok(LogSet {
                files: logs,
                index: None,
            });
        }
        if file_name(path).ends_with(".index") {
            return LogSet::from_index(path);
        }
        Ok(LogSet {
            files: vec![path.to_path_buf()],
            index: None,
        })
    }

    /// Reads a binlog index: one file per line, relative to the index's directory.
    pub fn from_index(index: &Path) -> io::Result<LogSet> {
        let dir = index.parent().unwrap_or(Path::new("."));
        let mut files = Vec::new();
        for line in BufReader::new(File::open(index)?).lines() {
            let line = line?;
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let listed = Path::new(line);
            // Prefer the file next to the index (a copied or moved datadir), then the path as
            // listed (servers often write absolute paths).
            let beside = dir.join(file_name(listed));
            let path = if beside.exists() || !listed.is_absolute() {
                beside
            } else {
                listed.to_path_buf()
            };
            files.push(path);
        }
        Ok(LogSet {
            files,
            index: Some(index.to_path_buf()),
        })
    }

    /// Diagnoses every file and the chain. A file that cannot be read is an error.
    pub fn diagnose(&self) -> io::Result<SetDiagnosis> {
        let mut files = Vec::with_capacity(self.files.len());
        for path in &self.files {
            files.push(FileEntry {
                name: file_name(path),
                path: path.clone(),
                diagnosis: diagnose_path(path)
                    .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?,
            });
        }
        let chain = chain_findings(&files);
        Ok(SetDiagnosis { files, chain })
    }
}

/// Diagnoses one file: read whole up to 256 MiB (with a resync scan if corrupt), streamed above.
pub fn diagnose_path(path: &Path) -> io::Result<FileDiagnosis> {
    let len = std::fs::metadata(path)?.len();
    if len <= READ_WHOLE_LIMIT {
        Ok(diagnose_bytes(&std::fs::read(path)?))
    } else {
        let mut d = diagnose_reader(BufReader::new(File::open(path)?));
        if d.status == FileStatus::Corrupt && d.valid_end.get() >= 4 {
            resync_streamed(path, &mut d)?;
        }
        Ok(d)
    }
}

/// For a streamed file: reads the file's head (for its Format_description event) and a window
/// after the damage, and scans that window for a resync point. Memory: the window, 64 MiB.
fn resync_streamed(path: &Path, d: &mut FileDiagnosis) -> io::Result<()> {
    let mut file = File::open(path)?;
    let mut head = Vec::new();
    (&mut file).take(RESYNC_WINDOW).read_to_end(&mut head)?;
    let mut framer = Framer::new(&head);
    let fde_seen = framer.next().is_some_and(|e| e.is_ok());
    if !fde_seen {
        return Ok(());
    }
    let decoder = framer.decoder().clone();
    let base = d.valid_end.get() + 1;
    file.seek(SeekFrom::Start(base))?;
    let mut window = Vec::new();
    file.take(RESYNC_WINDOW).read_to_end(&mut window)?;
    resync_into(d, &window, base, 0, decoder);
    Ok(())
}

fn chain_findings(files: &[FileEntry]) -> Vec<ChainFinding> {
    let mut out = Vec::new();
    for pair in files.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        match &a.diagnosis.rotate_to {
            Some((names, _)) if *names != b.name => out.push(ChainFinding::RotateMismatch {
                file: a.name.clone(),
                names: names.clone(),
                next: b.name.clone(),
            }),
            Some(_) => {}
            None => out.push(ChainFinding::EndedWithoutRotate {
                file: a.name.clone(),
                status: a.diagnosis.status,
            }),
        }
        gtid_continuity(a, b, &mut out);
        if let (Some(x), Some(y)) = (numeric_suffix(&a.name), numeric_suffix(&b.name)) {
            if y > x + 1 {
                out.push(ChainFinding::Gap {
                    after: a.name.clone(),
                    before: b.name.clone(),
                });
            }
        }
    }
    out
}

/// Whether the GTID state at the start of `b` covers what `a` completed.
fn gtid_continuity(a: &FileEntry, b: &FileEntry, out: &mut Vec<ChainFinding>) {
    let (ta, tb) = (&a.diagnosis.transactions, &b.diagnosis.transactions);
    for g in ta.mariadb_position().iter() {
        if let Some(listed) = tb.gtid_list.get(g.domain_id) {
            if listed.seq_no < g.seq_no {
                out.push(ChainFinding::GtidPositionRegressed {
                    file: a.name.clone(),
                    next: b.name.clone(),
                    domain_id: g.domain_id,
                    last_seq: g.seq_no,
                    listed_seq: listed.seq_no,
                });
            }
        }
    }
    let executed = ta.executed();
    if !executed.is_empty() && b.diagnosis.server_version.is_some() {
        let missing = executed.difference(&tb.previous_gtids);
        if !missing.is_empty() {
            out.push(ChainFinding::GtidsMissingFromNext {
                file: a.name.clone(),
                next: b.name.clone(),
                missing: format!("{missing:#}"),
            });
        }
    }
}

impl SetDiagnosis {
    /// Whether every file is clean (rotated, stopped, or unclosed but complete).
    pub fn all_clean(&self) -> bool {
        self.files.iter().all(|f| f.diagnosis.status.is_clean())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builder::LogBuilder;

    #[test]
    fn a_streamed_corrupt_file_gets_the_same_resync_point_as_a_slice() {
        let mut b = LogBuilder::mysql80();
        for i in 0..20 {
            b = b.query("shop", "BEGIN").xid(i);
        }
        let mut log = b.finish();
        log[400] ^= 0x04;
        let path = std::env::temp_dir().join(format!("binlog-parse-resync-{}", std::process::id()));
        std::fs::write(&path, &log).expect("write");
        let whole = diagnose_bytes(&log);
        let mut streamed = diagnose_reader(BufReader::new(File::open(&path).expect("open")));
        assert_eq!(streamed.resync, None);
        resync_streamed(&path, &mut streamed).expect("resync");
        std::fs::remove_file(&path).expect("cleanup");
        assert_eq!(whole.status, FileStatus::Corrupt);
        assert!(whole.resync.is_some());
        assert_eq!(
            (streamed.resync, streamed.events_after_resync),
            (whole.resync, whole.events_after_resync)
        );
    }
}
