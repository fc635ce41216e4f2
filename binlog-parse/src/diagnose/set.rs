//! A set of files (a directory or a binlog index): the chain, and a replica's position checked
//! against it.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use crate::diagnose::file::{diagnose_bytes, diagnose_reader, FileDiagnosis, FileStatus};
use crate::header::{LogPos, MAGIC};
use crate::reader::EventReader;

/// Files up to this size are read whole (for the resync scan); larger ones are streamed.
const READ_WHOLE_LIMIT: u64 = 256 << 20;

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

/// The verdict on a replica's requested (file, position).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Verdict {
    /// An event boundary within the valid part of the file: replication can resume there.
    Valid,
    /// Beyond the valid end of the file: the replica read events the primary no longer has
    /// (error 1236, "impossible position").
    Impossible,
    /// Inside the valid part but not where an event starts.
    NotEventBoundary,
    /// The file is not in the set.
    UnknownFile,
}

impl Verdict {
    /// `valid`, `impossible`, `not_event_boundary` or `unknown_file`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Verdict::Valid => "valid",
            Verdict::Impossible => "impossible",
            Verdict::NotEventBoundary => "not_event_boundary",
            Verdict::UnknownFile => "unknown_file",
        }
    }
}

/// A replica position checked against the set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplicaCheck {
    /// The file asked about.
    pub file: String,
    /// The position asked about.
    pub position: u64,
    /// The verdict.
    pub verdict: Verdict,
    /// Where to restart: the same place when valid; the next file at 4 when impossible; the
    /// start of the enclosing event when not at a boundary. `None` when the set has no such
    /// file yet (the primary opens one at start-up).
    pub restart: Option<(String, u64)>,
    /// The file's valid end, when the file is known.
    pub valid_end: Option<LogPos>,
    /// Bytes the replica has read past the primary's valid end: events the replica may hold
    /// (and may have applied) that the primary lost in the crash.
    pub beyond_valid_end: u64,
    /// Of those, bytes the primary still has as a torn partial event.
    pub torn_bytes_on_primary: u64,
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
                diagnosis: diagnose_path(path)?,
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
        Ok(diagnose_reader(BufReader::new(File::open(path)?)))
    }
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

/// Where `pos` falls among the events of a file: `Ok(())` on a boundary, `Err(start)` inside
/// the event starting at `start`.
fn boundary(path: &Path, pos: u64) -> io::Result<Result<(), u64>> {
    if pos == 4 {
        return Ok(Ok(()));
    }
    let mut reader = EventReader::new(BufReader::new(File::open(path)?));
    let mut last_end = 4;
    while let Some(Ok(ev)) = reader.next_event() {
        let (start, end) = (ev.offset().0, ev.end().0);
        if end == pos {
            return Ok(Ok(()));
        }
        if end > pos {
            return Ok(Err(start));
        }
        last_end = end;
    }
    Ok(if pos == last_end {
        Ok(())
    } else {
        Err(last_end)
    })
}

impl SetDiagnosis {
    /// Whether every file is clean (rotated, stopped, or unclosed but complete).
    pub fn all_clean(&self) -> bool {
        self.files.iter().all(|f| f.diagnosis.status.is_clean())
    }

    /// Checks a replica's requested `(file, position)` (its `Master_Log_File` /
    /// `Read_Master_Log_Pos`, or `Relay_Master_Log_File` / `Exec_Master_Log_Pos`).
    pub fn check_replica_position(&self, file: &str, position: u64) -> io::Result<ReplicaCheck> {
        let mut check = ReplicaCheck {
            file: file.to_owned(),
            position,
            verdict: Verdict::UnknownFile,
            restart: None,
            valid_end: None,
            beyond_valid_end: 0,
            torn_bytes_on_primary: 0,
        };
        let Some(i) = self.files.iter().position(|f| f.name == file) else {
            return Ok(check);
        };
        let entry = &self.files[i];
        let d = &entry.diagnosis;
        check.valid_end = Some(d.valid_end);
        let next = self
            .files
            .get(i + 1)
            .map(|f| (f.name.clone(), LogPos::FIRST_EVENT.0))
            // No later file in the set: the one this file's Rotate names.
            .or_else(|| d.rotate_to.clone());
        if position > d.valid_end.0 {
            check.verdict = Verdict::Impossible;
            check.beyond_valid_end = position - d.valid_end.0;
            check.torn_bytes_on_primary = d.torn_tail.min(check.beyond_valid_end);
            check.restart = next;
            return Ok(check);
        }
        if position < 4 {
            check.verdict = Verdict::NotEventBoundary;
            check.restart = Some((file.to_owned(), 4));
            return Ok(check);
        }
        match boundary(&entry.path, position)? {
            Ok(()) => {
                check.verdict = Verdict::Valid;
                // At the end of a rotated file the replica continues in the next one.
                check.restart = if position == d.valid_end.0 && d.status == FileStatus::Rotated {
                    next.or(Some((file.to_owned(), position)))
                } else {
                    Some((file.to_owned(), position))
                };
            }
            Err(start) => {
                check.verdict = Verdict::NotEventBoundary;
                check.restart = Some((file.to_owned(), start));
            }
        }
        Ok(check)
    }
}
