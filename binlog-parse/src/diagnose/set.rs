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
        // A regular file only, read up to its length at open: an index that is a device or
        // FIFO would be read without end.
        let (file, len) = open_regular(index)?;
        for line in BufReader::new(file.take(len)).lines() {
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
                // Its errors name the path.
                diagnosis: diagnose_path(path)?,
            });
        }
        let chain = chain_findings(&files);
        Ok(SetDiagnosis { files, chain })
    }
}

/// Opens `path` for the diagnosis: only a regular file (after following symbolic links), with
/// its length as the open handle reports it. A device, FIFO or socket is refused before it is
/// opened (opening a FIFO blocks; `/dev/zero` never ends); the handle is checked again after
/// opening, in case the path was replaced in between. Errors name the path.
pub(crate) fn open_regular(path: &Path) -> io::Result<(File, u64)> {
    let named = |e: io::Error| io::Error::new(e.kind(), format!("{}: {e}", path.display()));
    let refuse = || {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{}: not a regular file (a device, FIFO or socket): refusing to read it, a binary \
                 log is a regular file",
                path.display()
            ),
        )
    };
    if !std::fs::metadata(path).map_err(named)?.is_file() {
        return Err(refuse());
    }
    let file = File::open(path).map_err(named)?;
    let meta = file.metadata().map_err(named)?;
    if !meta.is_file() {
        return Err(refuse());
    }
    Ok((file, meta.len()))
}

/// Diagnoses one file: read whole up to 256 MiB (with a resync scan if corrupt), streamed above.
///
/// Only regular files are read: a device, FIFO or socket is refused with an
/// [`io::ErrorKind::InvalidInput`] error naming the path (use [`diagnose_reader`] for a
/// stream). At most the length the file had when it was opened is read: a file that grows
/// meanwhile (a server still writing it) is diagnosed up to that length, as if it had been
/// copied at that moment (what was appended later is not looked at; a partial event cut at
/// that length reads as torn). Every error names the path.
pub fn diagnose_path(path: &Path) -> io::Result<FileDiagnosis> {
    let named = |e: io::Error| io::Error::new(e.kind(), format!("{}: {e}", path.display()));
    let (file, len) = open_regular(path)?;
    diagnose_open(&file, len).map_err(named)
}

/// Diagnoses the first `len` bytes of an open file (whatever it holds beyond is not read).
fn diagnose_open(file: &File, len: u64) -> io::Result<FileDiagnosis> {
    if len <= READ_WHOLE_LIMIT {
        let mut bytes = Vec::with_capacity(len as usize);
        file.take(len).read_to_end(&mut bytes)?;
        Ok(diagnose_bytes(&bytes))
    } else {
        let mut d = diagnose_reader(BufReader::new(file.take(len)));
        if d.status == FileStatus::Corrupt && d.valid_end.get() >= 4 {
            resync_streamed(file, len, &mut d)?;
        }
        Ok(d)
    }
}

/// For a streamed file: reads the file's head (for its Format_description event) and a window
/// after the damage, never past `len`, and scans that window for a resync point. Memory: the
/// window, 64 MiB.
fn resync_streamed(mut file: &File, len: u64, d: &mut FileDiagnosis) -> io::Result<()> {
    file.seek(SeekFrom::Start(0))?;
    let mut head = Vec::new();
    file.take(RESYNC_WINDOW.min(len)).read_to_end(&mut head)?;
    let mut framer = Framer::new(&head);
    let fde_seen = framer.next().is_some_and(|e| e.is_ok());
    if !fde_seen {
        return Ok(());
    }
    let decoder = framer.decoder().clone();
    let base = d.valid_end.get() + 1;
    if base >= len {
        return Ok(());
    }
    file.seek(SeekFrom::Start(base))?;
    let mut window = Vec::new();
    file.take(RESYNC_WINDOW.min(len - base))
        .read_to_end(&mut window)?;
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
            // The names come from an index file or a directory: a suffix can be u64::MAX.
            if y > x.saturating_add(1) {
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
        let file = File::open(&path).expect("open");
        let mut streamed = diagnose_reader(BufReader::new(&file));
        assert_eq!(streamed.resync, None);
        resync_streamed(&file, log.len() as u64, &mut streamed).expect("resync");
        std::fs::remove_file(&path).expect("cleanup");
        assert_eq!(whole.status, FileStatus::Corrupt);
        assert!(whole.resync.is_some());
        assert_eq!(
            (streamed.resync, streamed.events_after_resync),
            (whole.resync, whole.events_after_resync)
        );
    }

    #[test]
    fn a_gap_in_file_numbers_is_found_even_after_the_largest_number() {
        let entry = |name: &str, next: &str| FileEntry {
            name: name.into(),
            path: PathBuf::from(name),
            diagnosis: diagnose_bytes(&LogBuilder::mysql80().rotate(next).finish()),
        };
        let gaps = |files: &[FileEntry]| {
            chain_findings(files)
                .into_iter()
                .filter(|f| matches!(f, ChainFinding::Gap { .. }))
                .count()
        };
        let max = format!("bin.{}", u64::MAX);
        assert_eq!(
            gaps(&[entry("bin.000001", "bin.000003"), entry("bin.000003", "")]),
            1
        );
        assert_eq!(
            gaps(&[entry("bin.000001", "bin.000002"), entry("bin.000002", "")]),
            0
        );
        // An index may list any names in any order: the largest suffix must not overflow.
        assert_eq!(
            gaps(&[entry(&max, "bin.000001"), entry("bin.000001", "")]),
            0
        );
    }

    #[test]
    fn a_device_is_refused_not_read_forever() {
        // /dev/zero reports length 0 and never ends: it must come back at once, named.
        for dev in ["/dev/zero", "/dev/null"] {
            let path = Path::new(dev);
            if !path.exists() {
                continue;
            }
            let e = diagnose_path(path).expect_err("a device is refused");
            assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
            assert!(
                e.to_string()
                    .starts_with(&format!("{dev}: not a regular file")),
                "{e}"
            );
            assert!(LogSet::open(path).and_then(|s| s.diagnose()).is_err());
        }
        // An index that is a device is refused the same way.
        let dir =
            std::env::temp_dir().join(format!("binlog-parse-devindex-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let index = dir.join("bin.index");
        let _ = std::fs::remove_file(&index);
        if std::os::unix::fs::symlink("/dev/zero", &index).is_ok() {
            let e = LogSet::open(&dir).expect_err("refused");
            assert!(e.to_string().contains("not a regular file"), "{e}");
        }
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }

    #[test]
    fn a_file_that_grows_is_diagnosed_up_to_its_length_at_open() {
        use std::io::Write;
        let log = LogBuilder::mysql80().query("shop", "BEGIN").xid(1).finish();
        let path = std::env::temp_dir().join(format!("binlog-parse-grow-{}", std::process::id()));
        std::fs::write(&path, &log[..log.len() - 5]).expect("write");
        let (file, len) = open_regular(&path).expect("open");
        // The server goes on writing after the diagnosis opened the file.
        let mut writer = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .expect("append");
        writer.write_all(&log[log.len() - 5..]).expect("append");
        writer.write_all(&[0x55; 1 << 16]).expect("append");
        let d = diagnose_open(&file, len).expect("diagnose");
        std::fs::remove_file(&path).expect("cleanup");
        // Exactly what a copy taken at open would show: the Xid cut 5 bytes short.
        assert_eq!(d, diagnose_bytes(&log[..log.len() - 5]));
        assert_eq!((d.status, d.size, d.torn_tail), (FileStatus::Torn, len, 26));
    }
}
