//! The diagnosis of one file: how it ends, where its valid part ends, what it holds.

use std::io::Read;

use crate::decoder::DecoderOptions;
use crate::diagnose::resync;
use crate::diagnose::txn::{Transactions, TxnTracker};
use crate::error::Error;
use crate::event::{EventRef, PositionCheck};
use crate::events::EventData;
use crate::fde::{ChecksumAlg, FormatDescription};
use crate::framer::Framer;
use crate::header::{EventFlags, EventType, LogPos};
use crate::reader::EventReader;

/// How a file ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FileStatus {
    /// Closed by a Rotate naming the next file.
    Rotated,
    /// Closed by a Stop (clean shutdown).
    Stopped,
    /// Every event complete but no Rotate or Stop at the end: still open, or the server crashed
    /// between two events.
    Unclosed,
    /// Ends with a partial event (or a zero-filled tail): a crash while writing.
    Torn,
    /// An invalid header or a checksum mismatch before the end, or trailing bytes that hold a
    /// whole header no server would have written there ([`Error::NotAnEvent`]: foreign data,
    /// not a crash-torn write).
    Corrupt,
    /// A MariaDB Start_encryption event: the rest is encrypted and was not examined.
    Encrypted,
    /// A v1 or v3 log (MySQL 3.23 / 4.x), recognised but not decoded.
    Unsupported,
}

impl FileStatus {
    /// The lowercase name used in reports (`rotated`, `stopped`, `unclosed`, `torn`, `corrupt`,
    /// `encrypted`, `unsupported`).
    pub const fn as_str(self) -> &'static str {
        match self {
            FileStatus::Rotated => "rotated",
            FileStatus::Stopped => "stopped",
            FileStatus::Unclosed => "unclosed",
            FileStatus::Torn => "torn",
            FileStatus::Corrupt => "corrupt",
            FileStatus::Encrypted => "encrypted",
            FileStatus::Unsupported => "unsupported",
        }
    }

    /// Whether the file needs no repair: rotated, stopped, or unclosed but complete.
    pub const fn is_clean(self) -> bool {
        matches!(
            self,
            FileStatus::Rotated
                | FileStatus::Stopped
                | FileStatus::Unclosed
                | FileStatus::Encrypted
        )
    }
}

/// `end_log_pos` findings. Informational: relay logs, pre-5.0 primaries and spliced files all
/// break continuity without being damaged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PositionFindings {
    /// Events whose `end_log_pos` is not what continuity predicts.
    pub discontinuities: u64,
    /// Of those, values smaller than predicted: positions relative to the transaction, as
    /// MySQL 5.0-era primaries wrote them inside transactions.
    pub relative: u64,
    /// The first discontinuity: (event offset, type, found, expected).
    pub first: Option<(LogPos, EventType, u32, u32)>,
}

/// Everything the diagnosis found in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDiagnosis {
    /// How the file ends.
    pub status: FileStatus,
    /// Bytes examined (the file's size).
    pub size: u64,
    /// Complete valid events up to `valid_end`.
    pub events: u64,
    /// Where the last complete valid event ends (4 with only the magic, 0 with less).
    pub valid_end: LogPos,
    /// Bytes after `valid_end` when the file is torn (or corrupt: up to the end of the file).
    pub torn_tail: u64,
    /// What stopped the walk (a truncation for a torn file; the first bad event for a corrupt
    /// one).
    pub error: Option<Error>,
    /// Where valid framing resumes after corruption, if it does.
    pub resync: Option<LogPos>,
    /// Valid events found from `resync` on.
    pub events_after_resync: u64,
    /// The first Format_description event's server version.
    pub server_version: Option<String>,
    /// The checksum algorithm of the first Format_description event.
    pub checksum: ChecksumAlg,
    /// The first FDE's in-use flag: set while open; still set after a crash.
    pub in_use: bool,
    /// A relay log (relay-log FDE flag, or a fake Rotate followed by the primary's events).
    pub relay_log: bool,
    /// The Rotate that closes the file: next file name and position.
    pub rotate_to: Option<(String, u64)>,
    /// The last valid event: offset and type.
    pub last_event: Option<(LogPos, EventType)>,
    /// `end_log_pos` findings.
    pub positions: PositionFindings,
    /// Transactions and GTIDs.
    pub transactions: Transactions,
    /// Where a Start_encryption event stopped the walk.
    pub encrypted_from: Option<LogPos>,
    /// Relay logs: the primary's file and position just after the last transaction complete in
    /// this file (what `Relay_Master_Log_File` / `Exec_Master_Log_Pos` would say had the replica
    /// applied it): where to re-fetch from when the relay log is torn or corrupt. The position
    /// is the 32-bit `end_log_pos`.
    pub primary_position: Option<(String, u64)>,
}

/// Builds a [`FileDiagnosis`] from events pushed one by one (sans-I/O: works the same for a
/// slice and a stream).
#[derive(Debug, Clone)]
pub struct Diagnoser {
    d: FileDiagnosis,
    txn: TxnTracker,
    seen_fde: bool,
    own_server: Option<u32>,
    primary_files: Vec<String>,
    safe_primary: Option<(usize, u64)>,
}

impl Default for Diagnoser {
    fn default() -> Self {
        Diagnoser::new()
    }
}

impl Diagnoser {
    /// An empty diagnosis.
    pub fn new() -> Diagnoser {
        Diagnoser {
            d: FileDiagnosis {
                status: FileStatus::Unclosed,
                size: 0,
                events: 0,
                valid_end: LogPos(0),
                torn_tail: 0,
                error: None,
                resync: None,
                events_after_resync: 0,
                server_version: None,
                checksum: ChecksumAlg::Absent,
                in_use: false,
                relay_log: false,
                rotate_to: None,
                last_event: None,
                positions: PositionFindings::default(),
                transactions: Transactions::default(),
                encrypted_from: None,
                primary_position: None,
            },
            txn: TxnTracker::default(),
            seen_fde: false,
            own_server: None,
            primary_files: Vec::new(),
            safe_primary: None,
        }
    }

    /// The magic was read: the valid part now ends at 4.
    pub fn magic(&mut self) {
        self.d.valid_end = LogPos::FIRST_EVENT;
    }

    /// One valid event.
    pub fn event(&mut self, ev: &EventRef<'_>) {
        let d = &mut self.d;
        d.events += 1;
        d.valid_end = ev.end();
        d.last_event = Some((ev.offset(), ev.event_type()));
        let h = ev.header();
        match ev.event_type() {
            EventType::FORMAT_DESCRIPTION if !self.seen_fde => {
                self.seen_fde = true;
                self.own_server = Some(h.server_id.0);
                if let Ok(fde) = FormatDescription::parse(ev.raw(), ev.offset()) {
                    d.server_version = Some(fde.server_version().to_owned());
                    d.checksum = fde.checksum_alg;
                }
                d.in_use = h.flags.contains(EventFlags::BINLOG_IN_USE);
                d.relay_log |= h.flags.contains(EventFlags::RELAY_LOG);
            }
            EventType::ROTATE => {
                d.relay_log |= ev.is_fake_rotate();
                let rotate = match ev.data() {
                    Ok(EventData::Rotate(r)) => Some((r.next_file_name().into_owned(), r.position)),
                    _ => None,
                };
                // In a relay log, a Rotate from the primary names the primary's file.
                let from_primary =
                    ev.is_fake_rotate() || (d.relay_log && self.own_server != Some(h.server_id.0));
                if let (true, Some((file, pos))) = (from_primary, &rotate) {
                    self.primary_files.push(file.clone());
                    if !self.txn.is_open() {
                        self.safe_primary = Some((self.primary_files.len() - 1, *pos));
                    }
                }
                // Kept only if this Rotate turns out to be the last event.
                d.rotate_to = rotate.filter(|_| !ev.is_fake_rotate());
            }
            EventType::START_ENCRYPTION => d.encrypted_from = Some(ev.offset()),
            _ => {}
        }
        if let PositionCheck::Discontinuous { expected } = ev.position_check() {
            d.positions.discontinuities += 1;
            if h.log_pos < expected {
                d.positions.relative += 1;
            }
            if d.positions.first.is_none() {
                d.positions.first = Some((ev.offset(), ev.event_type(), h.log_pos, expected));
            }
        }
        self.txn.event(ev);
        let from_primary = self.own_server != Some(h.server_id.0) && h.log_pos != 0;
        let positional = !matches!(
            ev.event_type(),
            EventType::ROTATE | EventType::FORMAT_DESCRIPTION
        );
        if d.relay_log
            && from_primary
            && positional
            && !self.primary_files.is_empty()
            && !self.txn.is_open()
        {
            self.safe_primary = Some((self.primary_files.len() - 1, u64::from(h.log_pos)));
        }
    }

    /// The walk ended: `end` is how (a clean end, or the error that stopped it); `size` is the
    /// number of bytes in the file. `tail_is_zero` says whether every byte after the valid part
    /// is zero (a crash on a filesystem that extended the file before writing it).
    pub fn finish(self, end: Result<(), Error>, size: u64, tail_is_zero: bool) -> FileDiagnosis {
        let mut d = self.d;
        d.size = size;
        d.status = match &end {
            Ok(()) if d.encrypted_from.is_some() => FileStatus::Encrypted,
            Ok(()) => match d.last_event {
                Some((_, EventType::STOP)) => FileStatus::Stopped,
                Some((_, EventType::ROTATE)) if d.rotate_to.is_some() => FileStatus::Rotated,
                _ => FileStatus::Unclosed,
            },
            Err(Error::UnsupportedVersion { .. }) => FileStatus::Unsupported,
            Err(e) if e.is_truncation() => FileStatus::Torn,
            Err(Error::BadMagic { .. }) => FileStatus::Corrupt,
            Err(_) if tail_is_zero => FileStatus::Torn,
            Err(_) => FileStatus::Corrupt,
        };
        if d.status != FileStatus::Rotated {
            d.rotate_to = None;
        }
        if matches!(d.status, FileStatus::Torn | FileStatus::Corrupt) {
            d.torn_tail = size.saturating_sub(d.valid_end.0);
        }
        d.error = end.err();
        d.primary_position = self
            .safe_primary
            .and_then(|(i, pos)| Some((self.primary_files.get(i)?.clone(), pos)));
        d.transactions = self.txn.finish();
        d
    }
}

/// Diagnoses a whole file held in memory, including where framing resumes after corruption.
pub fn diagnose_bytes(bytes: &[u8]) -> FileDiagnosis {
    diagnose_bytes_with(bytes, DecoderOptions::default())
}

/// [`diagnose_bytes`] with decoder options.
pub fn diagnose_bytes_with(bytes: &[u8], options: DecoderOptions) -> FileDiagnosis {
    let mut diag = Diagnoser::new();
    let mut framer = Framer::with_options(bytes, options);
    let mut magic_seen = false;
    for event in &mut framer {
        let Ok(ev) = event else { break };
        if !magic_seen {
            diag.magic();
            magic_seen = true;
        }
        diag.event(&ev);
    }
    if !magic_seen && bytes.len() >= 4 && bytes[..4] == crate::header::MAGIC {
        diag.magic();
    }
    let end = framer.end().cloned().unwrap_or(Ok(()));
    let valid_end = diag.d.valid_end.0 as usize;
    let tail_is_zero = bytes.len() > valid_end && bytes[valid_end..].iter().all(|&b| b == 0);
    let mut d = diag.finish(end, bytes.len() as u64, tail_is_zero);
    if d.status == FileStatus::Corrupt && d.valid_end.0 >= 4 {
        resync_into(&mut d, bytes, 0, valid_end + 1, framer.decoder().clone());
    }
    d
}

/// Looks for valid framing in `window` (which starts at file offset `base`) from index `from`
/// on, and records it in `d` with the number of valid events found from there. `decoder` is a
/// decoder that has seen the file's Format_description event.
pub(crate) fn resync_into(
    d: &mut FileDiagnosis,
    window: &[u8],
    base: u64,
    from: usize,
    mut decoder: crate::Decoder,
) {
    let max = decoder.options().max_event_size;
    if let Some(at) = resync::scan(window, base, from, decoder.checksum_alg(), max) {
        let offset = LogPos(base + at as u64);
        d.resync = Some(offset);
        decoder.resume_at(offset);
        d.events_after_resync = Framer::resume(decoder, &window[at..])
            .take_while(Result::is_ok)
            .count() as u64;
    }
}

/// Diagnoses a file by streaming it (memory bounded by the largest event). Corrupt files get
/// no resync offset this way (a stream cannot go back); [`diagnose_bytes`] and
/// [`crate::diagnose::diagnose_path`] (which re-reads a window after the damage) do.
pub fn diagnose_reader<R: Read>(reader: R) -> FileDiagnosis {
    let mut diag = Diagnoser::new();
    let mut events = EventReader::new(reader);
    while let Some(event) = events.next_event() {
        let Ok(ev) = event else { break };
        diag.event(&ev);
    }
    if events.decoder().offset().0 >= 4 && diag.d.valid_end.0 < 4 {
        diag.magic();
    }
    let end = events.end().cloned().unwrap_or(Ok(()));
    let (size, tail_is_zero) = events.drain_tail();
    diag.finish(end, size, tail_is_zero)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builder::LogBuilder;
    use crate::header::{EventHeader, HEADER_LEN};

    fn logs() -> Vec<(&'static str, Vec<u8>)> {
        let txn = |b: LogBuilder| b.query("shop", "BEGIN").query("shop", "INSERT").xid(9);
        vec![
            ("mysql80", txn(LogBuilder::mysql80()).finish()),
            ("mysql55", txn(LogBuilder::mysql55()).finish()),
            ("mariadb", txn(LogBuilder::mariadb()).finish()),
        ]
    }

    /// Both the slice and the streamed diagnosis of `log + tail`.
    fn both(log: &[u8], tail: &[u8]) -> [FileDiagnosis; 2] {
        let mut bytes = log.to_vec();
        bytes.extend_from_slice(tail);
        [diagnose_bytes(&bytes), diagnose_reader(&bytes[..])]
    }

    fn assert_foreign(name: &str, log: &[u8], tail: &[u8]) {
        for d in both(log, tail) {
            assert_eq!(d.status, FileStatus::Corrupt, "{name} + {tail:02x?}: {d:?}");
            assert_eq!(d.valid_end.get(), log.len() as u64, "{name}");
            assert_eq!(d.torn_tail, tail.len() as u64, "{name}");
            let e = d.error.expect("an error");
            assert!(
                matches!(
                    e,
                    Error::NotAnEvent { .. }
                        | Error::EventTooLarge { .. }
                        | Error::EventTooSmall { .. }
                ),
                "{name} + {tail:02x?}: {e}"
            );
        }
    }

    #[test]
    fn text_appended_to_a_log_is_not_a_torn_event() {
        // The review's case: a line of /etc/passwd claims a 976 MB event of type 111.
        let passwd = b"daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n";
        // A known type byte (' ' is 32, Delete_rows_v2) and a size below 1 GiB: caught by
        // its end_log_pos in checksummed logs, by the format description's types in 5.5.
        let dated = b"2026 11-21 21:05:29 replication note: all good\n";
        for (name, log) in logs() {
            assert_foreign(name, &log, passwd);
            if name != "mysql55" {
                assert_foreign(name, &log, dated);
            }
            let [d, _] = both(&log, passwd);
            let text = d.error.expect("error").to_string();
            assert!(
                text.starts_with("48 bytes after the last valid event")
                    && text.contains("do not look like a binary log event: foreign data or corruption, not a crash-torn write"),
                "{text}"
            );
        }
    }

    #[test]
    fn random_bytes_appended_to_a_log_are_not_a_torn_event() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for (name, log) in logs() {
            let checksummed = name != "mysql55";
            let (mut foreign, mut judged) = (0, 0);
            for _ in 0..2000 {
                let len = HEADER_LEN + (next() % 200) as usize;
                let tail: Vec<u8> = (0..len).map(|_| next() as u8).collect();
                let [d, s] = both(&log, &tail);
                assert_eq!((d.status, d.valid_end), (s.status, s.valid_end), "{name}");
                assert_eq!(d.valid_end.get(), log.len() as u64, "{name}");
                judged += 1;
                if d.status == FileStatus::Corrupt {
                    foreign += 1;
                } else {
                    assert_eq!(d.status, FileStatus::Torn, "{name}");
                    let h = EventHeader::from_prefix(&tail).expect("header");
                    // Only a header no check can refute may read as torn.
                    assert!(h.event_type.is_known() && !checksummed, "{name}: {h:?}");
                }
            }
            // Without checksums only the type and size can be judged.
            let floor = if checksummed { judged } else { judged * 3 / 4 };
            assert!(foreign >= floor, "{name}: {foreign} of {judged}");
        }
    }

    #[test]
    fn short_zero_and_real_tails_stay_torn() {
        for (name, log) in logs() {
            // Fewer bytes than a header: cannot be judged.
            for n in 1..HEADER_LEN {
                for d in both(&log, &b"daemon:x:1:1:daemon:/usr"[..n]) {
                    assert_eq!(d.status, FileStatus::Torn, "{name} +{n}");
                }
            }
            // Zeros: a crash on a filesystem that extended the file first.
            for d in both(&log, &[0; 100]) {
                assert_eq!(d.status, FileStatus::Torn, "{name}");
                assert_eq!(d.torn_tail, 100);
            }
            // A prefix of a real next event.
            let mut b = match name {
                "mysql80" => LogBuilder::mysql80(),
                "mysql55" => LogBuilder::mysql55(),
                _ => LogBuilder::mariadb(),
            };
            b = b.query("shop", "BEGIN").query("shop", "INSERT").xid(9);
            let full = b.query("shop", "COMMIT /* a longer statement */").finish();
            assert_eq!(&full[..log.len()], &log[..]);
            for cut in log.len() + HEADER_LEN..full.len() {
                let [d, s] = both(&full[..cut], &[]);
                assert_eq!(
                    d.status,
                    FileStatus::Torn,
                    "{name} cut at {cut}: {:?}",
                    d.error
                );
                assert_eq!(s.status, FileStatus::Torn, "{name} cut at {cut}");
                assert_eq!(d.valid_end.get(), log.len() as u64);
            }
        }
    }
}
