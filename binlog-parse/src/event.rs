//! [`EventRef`]: one framed event, borrowed from the input.

use crate::error::Error;
use crate::events::EventData;
use crate::header::{EventHeader, EventType, LogPos, HEADER_LEN};

/// What was done with an event's CRC32 trailer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checksum {
    /// The event has no trailer (no checksum block, or `binlog_checksum=NONE`).
    None,
    /// The trailer matched the bytes (the only state a verifying decoder yields; a mismatch is
    /// an [`Error::ChecksumMismatch`]).
    Verified(u32),
    /// The trailer is present but verification was turned off.
    Unchecked(u32),
}

impl Checksum {
    /// `ok`, `none` or `unchecked` (a mismatch is reported as an error, spelled `mismatch`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Checksum::None => "none",
            Checksum::Verified(_) => "ok",
            Checksum::Unchecked(_) => "unchecked",
        }
    }
}

/// How the event's `end_log_pos` relates to what came before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PositionCheck {
    /// `end_log_pos` is where the event ends: its file offset plus size in a binary log, or the
    /// primary's position plus size in the primary-written part of a relay log (mod 2^32).
    Continuous,
    /// `end_log_pos` is 0: an artificial event (fake Rotate, some relay-log FDEs).
    Artificial,
    /// Not checked: a Format_description event inside a relay log, whose position belongs to
    /// the primary's file.
    Unchecked,
    /// `end_log_pos` is not what continuity predicts. A finding, not an error: MySQL 5.0-era
    /// primaries wrote positions relative to the transaction, and spliced files break it too.
    Discontinuous {
        /// What continuity predicted (mod 2^32).
        expected: u32,
    },
}

/// One complete event: its offset in the file, decoded header and bytes, borrowed from the
/// input. Cheap to copy; decode the body with [`EventRef::data`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventRef<'a> {
    pub(crate) offset: LogPos,
    pub(crate) header: EventHeader,
    pub(crate) raw: &'a [u8],
    pub(crate) trailer_len: u8,
    pub(crate) checksum: Checksum,
    pub(crate) position: PositionCheck,
    pub(crate) post_header_len: u8,
}

impl<'a> EventRef<'a> {
    /// Where the event starts in the file.
    pub fn offset(&self) -> LogPos {
        self.offset
    }

    /// Where the event ends (the next event's offset).
    pub fn end(&self) -> LogPos {
        LogPos(self.offset.0 + self.raw.len() as u64)
    }

    /// The decoded common header.
    pub fn header(&self) -> &EventHeader {
        &self.header
    }

    /// The type code.
    pub fn event_type(&self) -> EventType {
        self.header.event_type
    }

    /// The whole event: header, body and CRC trailer.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// Post-header and body, without the common header and without the CRC trailer.
    pub fn body(&self) -> &'a [u8] {
        &self.raw[HEADER_LEN..self.raw.len() - usize::from(self.trailer_len)]
    }

    /// What happened to the CRC32 trailer.
    pub fn checksum(&self) -> Checksum {
        self.checksum
    }

    /// How `end_log_pos` fits the positions before it.
    pub fn position_check(&self) -> PositionCheck {
        self.position
    }

    /// The post-header length the governing Format_description event gives this type (0 when
    /// it lists none).
    pub fn post_header_len(&self) -> u8 {
        self.post_header_len
    }

    /// Whether the event is an artificial Rotate (relay logs and replication streams): a Rotate
    /// with `end_log_pos` 0.
    pub fn is_fake_rotate(&self) -> bool {
        self.header.event_type == EventType::ROTATE && self.header.log_pos == 0
    }

    /// Decodes the body into a typed view (lazily: nothing is decoded before this call).
    /// Unknown types come back as [`EventData::Other`], never as an error.
    pub fn data(&self) -> Result<EventData<'a>, Error> {
        EventData::decode(self)
    }
}
