//! A replica's requested (file, position) checked against a set of files.

use std::io::{self, BufReader, Read};
use std::path::Path;

use crate::diagnose::file::FileStatus;
use crate::diagnose::set::SetDiagnosis;
use crate::header::LogPos;
use crate::reader::EventReader;

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

/// Where `pos` falls among the events of a file: `Ok(())` on a boundary, `Err(start)` inside
/// the event starting at `start`.
fn boundary(path: &Path, pos: u64, size: u64) -> io::Result<Result<(), u64>> {
    if pos == 4 {
        return Ok(Ok(()));
    }
    // The file as it was diagnosed: a regular file, read no further than its size then.
    let (file, len) = crate::diagnose::set::open_regular(path)?;
    let mut reader = EventReader::new(BufReader::new(file.take(len.min(size))));
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
            // Only a torn file's tail is a partial event; a corrupt one's is not an event.
            if d.status == FileStatus::Torn {
                check.torn_bytes_on_primary = d.torn_tail.min(check.beyond_valid_end);
            }
            check.restart = next;
            return Ok(check);
        }
        if position < 4 {
            check.verdict = Verdict::NotEventBoundary;
            check.restart = Some((file.to_owned(), 4));
            return Ok(check);
        }
        // Its errors name the path.
        let found = boundary(&entry.path, position, d.size)?;
        match found {
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
