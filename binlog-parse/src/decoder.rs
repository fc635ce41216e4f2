//! The sans-I/O core: [`Decoder`] turns bytes into events, one step at a time, and never reads
//! anything itself. [`crate::Framer`] drives it over a slice, [`crate::EventReader`] over any
//! `std::io::Read`.

use crate::error::Error;
use crate::event::{Checksum, EventRef};
use crate::fde::{ChecksumAlg, FormatDescription};
use crate::header::{
    EventFlags, EventHeader, EventType, LogPos, CHECKSUM_LEN, HEADER_LEN, MAGIC, MAX_EVENT_SIZE,
};
use crate::positions::Positions;

/// Options for a [`Decoder`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecoderOptions {
    /// Verify every CRC32 trailer (default `true`). Off, trailers are still stripped.
    pub verify_checksums: bool,
    /// Largest `event_size` accepted (default 1 GiB). Larger sizes are an error, checked before
    /// any buffer is sized from them.
    pub max_event_size: u32,
}

impl Default for DecoderOptions {
    fn default() -> Self {
        DecoderOptions {
            verify_checksums: true,
            max_event_size: MAX_EVENT_SIZE,
        }
    }
}

/// What one [`Decoder::decode`] call produced. The caller drops `consumed()` bytes from the front
/// of its input before the next call.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub enum Step<'a> {
    /// The 4-byte magic was checked; drop 4 bytes.
    Magic,
    /// A complete, verified event; drop `event.raw().len()` bytes.
    Event(EventRef<'a>),
    /// The input must hold at least this many bytes (counted from its start) before the next
    /// call can progress. At end of input, call [`Decoder::finish`] instead.
    NeedMore(usize),
    /// The bytes here are not a valid event. The decoder stays failed (every later call returns
    /// the same error) until [`Decoder::resume_at`].
    Failed(Error),
    /// A MariaDB Start_encryption event was reached earlier: what follows is encrypted and is
    /// not parsed. Nothing more will be produced.
    Encrypted(LogPos),
}

impl Step<'_> {
    /// How many bytes of the input this step used.
    pub fn consumed(&self) -> usize {
        match self {
            Step::Magic => MAGIC.len(),
            Step::Event(e) => e.raw().len(),
            _ => 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Phase {
    Magic,
    Events,
    Failed(Error),
    Encrypted(LogPos),
}

/// The state machine that frames and checks events. Feed it the bytes that follow what it has
/// consumed so far; it keeps the offset, the checksum algorithm of the last Format_description
/// event, the post-header lengths and the position tracker.
#[derive(Debug, Clone)]
pub struct Decoder {
    options: DecoderOptions,
    offset: u64,
    phase: Phase,
    alg: ChecksumAlg,
    post_header: [u8; 256],
    positions: Positions,
    fde_seen: u32,
    /// Event types the last Format_description event describes (its post-header array + 1).
    fde_types: u16,
    /// Every `end_log_pos` so far was an offset in this file (no discontinuity, no relay-log
    /// sign): a tail's header can then be checked against its own offset.
    positions_absolute: bool,
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder::new(DecoderOptions::default())
    }
}

impl Decoder {
    /// A decoder expecting the magic at offset 0.
    pub fn new(options: DecoderOptions) -> Decoder {
        Decoder {
            options,
            offset: 0,
            phase: Phase::Magic,
            alg: ChecksumAlg::Absent,
            post_header: [0; 256],
            positions: Positions::default(),
            fde_seen: 0,
            fde_types: 0,
            positions_absolute: true,
        }
    }

    /// The file offset of the next byte the decoder expects.
    pub fn offset(&self) -> LogPos {
        LogPos(self.offset)
    }

    /// The checksum algorithm in force (from the last Format_description event).
    pub fn checksum_alg(&self) -> ChecksumAlg {
        self.alg
    }

    /// Whether the next bytes must be the file magic (nothing decoded yet).
    pub fn expects_magic(&self) -> bool {
        self.phase == Phase::Magic
    }

    /// The options in use.
    pub fn options(&self) -> DecoderOptions {
        self.options
    }

    fn min_size(&self) -> u32 {
        (HEADER_LEN
            + if self.alg.has_trailer() {
                CHECKSUM_LEN
            } else {
                0
            }) as u32
    }

    /// How many bytes (from the start of `input`) the next [`Decoder::decode`] needs to
    /// progress. Pure: it never changes the decoder. Bounded by `max_event_size`.
    pub fn needed(&self, input: &[u8]) -> usize {
        match self.phase {
            Phase::Magic => MAGIC.len(),
            Phase::Events => match EventHeader::from_prefix(input) {
                None => HEADER_LEN,
                Some(h)
                    if h.event_size < self.min_size()
                        || h.event_size > self.options.max_event_size =>
                {
                    HEADER_LEN
                }
                Some(h) => h.event_size as usize,
            },
            Phase::Failed(_) | Phase::Encrypted(_) => 0,
        }
    }

    /// Takes one step over `input`, which must start at [`Decoder::offset`].
    #[inline]
    pub fn decode<'a>(&mut self, input: &'a [u8]) -> Step<'a> {
        match &self.phase {
            Phase::Failed(e) => return Step::Failed(e.clone()),
            Phase::Encrypted(at) => return Step::Encrypted(*at),
            Phase::Magic => return self.magic(input),
            Phase::Events => {}
        }
        match self.event(input) {
            Ok(Some(event)) => {
                self.offset += event.raw.len() as u64;
                Step::Event(event)
            }
            Ok(None) => Step::NeedMore(self.needed(input)),
            Err(e) => {
                self.phase = Phase::Failed(e.clone());
                Step::Failed(e)
            }
        }
    }

    fn magic<'a>(&mut self, input: &'a [u8]) -> Step<'a> {
        let n = input.len().min(MAGIC.len());
        if input[..n] != MAGIC[..n] {
            let mut found = [0u8; 4];
            found[..n].copy_from_slice(&input[..n]);
            let e = Error::BadMagic { found };
            self.phase = Phase::Failed(e.clone());
            return Step::Failed(e);
        }
        if n < MAGIC.len() {
            return Step::NeedMore(MAGIC.len());
        }
        self.offset = MAGIC.len() as u64;
        self.phase = Phase::Events;
        Step::Magic
    }

    /// Call at the end of the input with the bytes left over (those `decode` asked more for).
    /// `Ok` means the input ended cleanly on an event boundary; otherwise the error says what
    /// the tail is: a truncation error for a torn tail (a prefix of an event), or
    /// [`Error::NotAnEvent`] when the tail holds a whole header that no server would have
    /// written there (see [`Decoder::implausible_tail`]).
    pub fn finish(&self, rest: &[u8]) -> Result<(), Error> {
        match &self.phase {
            Phase::Failed(e) => Err(e.clone()),
            Phase::Encrypted(_) => Ok(()),
            Phase::Magic => Err(Error::TruncatedMagic {
                available: rest.len().min(3),
            }),
            Phase::Events => match EventHeader::from_prefix(rest) {
                _ if rest.is_empty() => Ok(()),
                None => Err(Error::TruncatedHeader {
                    offset: LogPos(self.offset),
                    available: rest.len(),
                }),
                Some(h) => match self.implausible_tail(&h) {
                    Some(reason) => Err(Error::NotAnEvent {
                        offset: LogPos(self.offset),
                        available: rest.len(),
                        event_type: h.event_type,
                        size: h.event_size,
                        reason,
                    }),
                    None => Err(Error::TruncatedEvent {
                        offset: LogPos(self.offset),
                        event_type: h.event_type,
                        size: h.event_size,
                        available: rest.len(),
                    }),
                },
            },
        }
    }

    /// Why a complete header at the end of the input, whose event the input does not hold
    /// whole, cannot be the start of an event the server was writing when it crashed (`None`
    /// when it can be: a torn tail).
    ///
    /// A crash leaves a prefix of a real event, and a real event's header always has a type
    /// the file's Format_description event lists (its post-header lengths cover every type
    /// the server writes; the first event is that Format_description event), never type 0;
    /// its size was already checked against the bounds by [`Decoder::decode`]. In a checksummed binary
    /// log (MySQL 5.6+, MariaDB 5.3+) whose `end_log_pos` values were all file offsets so far
    /// (not a relay log, no discontinuity), its `end_log_pos` is also its own offset plus its
    /// size. Bytes appended by something else (a text file, a copy gone wrong) fail these
    /// checks with near certainty. A tail shorter than a header cannot be judged and stays
    /// torn; so does a zero-filled tail (the diagnosis calls it torn: a crash can leave zeros).
    pub fn implausible_tail(&self, header: &EventHeader) -> Option<&'static str> {
        let t = header.event_type;
        if t == EventType::UNKNOWN {
            return Some("event type 0 is never written");
        }
        if self.fde_seen == 0 && t != EventType::FORMAT_DESCRIPTION && t != EventType::START_V3 {
            return Some("a binary log's first event is a format description event");
        }
        // Not the crate's own list of types: servers write types it does not know (Aurora
        // writes type 100, and its format description event lists it).
        if self.fde_seen > 0 && u16::from(t.0) >= self.fde_types {
            return Some("its event type is not one the file's format description event lists");
        }
        if self.fde_seen > 0
            && self.alg.has_trailer()
            && self.positions_absolute
            && header.log_pos != 0
            && header.log_pos != (self.offset.wrapping_add(u64::from(header.event_size))) as u32
        {
            return Some("its end_log_pos does not match its offset and size");
        }
        None
    }

    /// Restarts framing at `offset` after a failure (the diagnosis scans for a plausible event first), keeping the
    /// checksum algorithm and post-header lengths; position tracking starts afresh.
    pub fn resume_at(&mut self, offset: LogPos) {
        self.offset = offset.0;
        self.phase = Phase::Events;
        self.positions.primary = None;
        self.positions_absolute = false;
    }

    #[inline]
    fn event<'a>(&mut self, input: &'a [u8]) -> Result<Option<EventRef<'a>>, Error> {
        let Some(header) = EventHeader::from_prefix(input) else {
            return Ok(None);
        };
        let offset = LogPos(self.offset);
        let event_type = header.event_type;
        let size = header.event_size;
        if size < self.min_size() {
            return Err(Error::EventTooSmall {
                offset,
                event_type,
                size,
                min: self.min_size(),
            });
        }
        if size > self.options.max_event_size {
            return Err(Error::EventTooLarge {
                offset,
                event_type,
                size,
                max: self.options.max_event_size,
            });
        }
        let Some(raw) = input.get(..size as usize) else {
            return Ok(None);
        };
        if self.fde_seen == 0 && self.offset == 4 {
            if event_type == EventType::START_V3 {
                return Err(Error::UnsupportedVersion {
                    version: start_event_version(raw),
                });
            }
            if event_type != EventType::FORMAT_DESCRIPTION {
                return Err(Error::InvalidFormatDescription {
                    offset,
                    reason: "the first event is not a format description event; its type is",
                    value: u64::from(event_type.0),
                });
            }
        }
        let (trailer, checksum) = if event_type == EventType::FORMAT_DESCRIPTION {
            self.format_description(raw, offset)?
        } else if self.alg.has_trailer() {
            (CHECKSUM_LEN, self.verify(raw, offset, false)?)
        } else {
            (0, Checksum::None)
        };
        let body = &raw[HEADER_LEN..raw.len() - trailer];
        let position = self.positions.check(self.offset, &header, body);
        if !matches!(position, crate::event::PositionCheck::Continuous)
            || self.positions.primary.is_some()
            || header.flags.contains(EventFlags::RELAY_LOG)
        {
            self.positions_absolute = false;
        }
        if event_type == EventType::START_ENCRYPTION {
            self.phase = Phase::Encrypted(offset);
        }
        Ok(Some(EventRef {
            offset,
            header,
            raw,
            trailer_len: trailer as u8,
            checksum,
            position,
            post_header_len: self.post_header[usize::from(event_type.0)],
        }))
    }

    fn format_description(
        &mut self,
        raw: &[u8],
        offset: LogPos,
    ) -> Result<(usize, Checksum), Error> {
        // The version decides the layout; verify the CRC before trusting anything else.
        let peek_alg = FormatDescription::parse(raw, offset).map(|f| f.checksum_alg);
        let has_block = match &peek_alg {
            Ok(alg) => *alg != ChecksumAlg::Absent,
            Err(_) => {
                raw.len() >= HEADER_LEN + 2 + 50
                    && crate::fde::has_checksum_block(version_bytes(raw))
            }
        };
        let checksum = if has_block {
            self.verify(raw, offset, true)?
        } else {
            Checksum::None
        };
        let fde = FormatDescription::parse(raw, offset)?;
        self.alg = fde.checksum_alg;
        self.post_header = [0; 256];
        for (i, len) in fde.post_header_lens().iter().enumerate().take(255) {
            self.post_header[i + 1] = *len;
        }
        self.fde_seen += 1;
        self.fde_types = fde.post_header_lens().len() as u16 + 1;
        Ok((if has_block { CHECKSUM_LEN } else { 0 }, checksum))
    }

    fn verify(&self, raw: &[u8], offset: LogPos, is_fde: bool) -> Result<Checksum, Error> {
        let split = raw.len() - CHECKSUM_LEN;
        let mut stored = [0u8; 4];
        stored.copy_from_slice(&raw[split..]);
        let expected = u32::from_le_bytes(stored);
        if !self.options.verify_checksums {
            return Ok(Checksum::Unchecked(expected));
        }
        let actual = if is_fde {
            // The in-use flag is flipped in place when the file is closed: it is not covered.
            let mut hasher = crc32fast::Hasher::new();
            hasher.update(&raw[..17]);
            hasher.update(&[raw[17] & !(EventFlags::BINLOG_IN_USE as u8)]);
            hasher.update(&raw[18..split]);
            hasher.finalize()
        } else {
            crc32fast::hash(&raw[..split])
        };
        if actual == expected {
            Ok(Checksum::Verified(expected))
        } else {
            let header = EventHeader::from_prefix(raw);
            Err(Error::ChecksumMismatch {
                offset,
                event_type: header.map(|h| h.event_type).unwrap_or_default(),
                size: raw.len() as u32,
                expected,
                actual,
            })
        }
    }
}

fn version_bytes(raw: &[u8]) -> &[u8] {
    let field = &raw[HEADER_LEN + 2..HEADER_LEN + 52];
    &field[..field.iter().position(|&b| b == 0).unwrap_or(field.len())]
}

/// The `binlog_version` of a Start_v3 event: v1 logs have a 13-byte header, v3 a 19-byte one.
fn start_event_version(raw: &[u8]) -> u16 {
    let at = |i: usize| raw.get(i..i + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    match (at(13), at(HEADER_LEN)) {
        (Some(1), _) => 1,
        (_, Some(v)) if v == 3 || v == 1 => v,
        _ => 3,
    }
}
