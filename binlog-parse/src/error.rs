//! The crate's one error type.

use crate::header::{EventType, LogPos};

/// Everything that can go wrong reading a log. Every variant that concerns an event carries
/// the file offset where the event starts and its type; messages are lowercase and name the bad
/// value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The first four bytes are not `fe 62 69 6e`.
    #[error("not a binary log: bad magic {found:02x?} at offset 0")]
    BadMagic {
        /// The bytes found.
        found: [u8; 4],
    },
    /// The file ends inside the four magic bytes.
    #[error("file ends inside the magic: {available} of 4 bytes present")]
    TruncatedMagic {
        /// Bytes present.
        available: usize,
    },
    /// A v1 (MySQL 3.23) or v3 (MySQL 4.x) log: recognised, not decoded.
    #[error("binary log format v{version} (start event v3 at offset 4) is not supported, only v4")]
    UnsupportedVersion {
        /// 1 or 3.
        version: u16,
    },
    /// The file ends inside a common header.
    #[error(
        "file ends inside an event header at offset {offset}: {available} of 19 bytes present"
    )]
    TruncatedHeader {
        /// Where the partial header starts.
        offset: LogPos,
        /// Bytes present.
        available: usize,
    },
    /// The file ends inside an event whose header is complete.
    #[error("file ends inside {event_type} event at offset {offset}: {available} of {size} bytes present")]
    TruncatedEvent {
        /// Where the partial event starts.
        offset: LogPos,
        /// Its type.
        event_type: EventType,
        /// Its declared size.
        size: u32,
        /// Bytes present.
        available: usize,
    },
    /// The file ends with bytes that hold a whole event header but cannot be the start of an
    /// event a server was writing when it crashed (a type the file's format description event
    /// does not list, or an `end_log_pos`
    /// that contradicts the header's own offset and size): foreign data or corruption, not a
    /// torn tail. See [`crate::Decoder::implausible_tail`].
    #[error("{available} bytes after the last valid event (at offset {offset}) do not look like a binary log event: foreign data or corruption, not a crash-torn write ({reason}: type {event_type}, declared size {size})")]
    NotAnEvent {
        /// Where the bytes start (the end of the last valid event).
        offset: LogPos,
        /// Bytes from there to the end of the input.
        available: usize,
        /// The type byte as read from the would-be header.
        event_type: EventType,
        /// The size the would-be header declares.
        size: u32,
        /// Why it is not an event.
        reason: &'static str,
    },
    /// `event_size` is smaller than a header (plus checksum) can be.
    #[error("invalid event size {size} for {event_type} event at offset {offset}: at least {min} required")]
    EventTooSmall {
        /// Event start.
        offset: LogPos,
        /// Its type.
        event_type: EventType,
        /// The declared size.
        size: u32,
        /// The smallest valid size here.
        min: u32,
    },
    /// `event_size` is above the configured limit (1 GiB by default).
    #[error("event size {size} of {event_type} event at offset {offset} exceeds the limit of {max} bytes")]
    EventTooLarge {
        /// Event start.
        offset: LogPos,
        /// Its type.
        event_type: EventType,
        /// The declared size.
        size: u32,
        /// The limit.
        max: u32,
    },
    /// The stored CRC32 does not match the event's bytes.
    #[error("checksum mismatch in {event_type} event at offset {offset} (size {size}): stored {expected:#010x}, computed {actual:#010x}")]
    ChecksumMismatch {
        /// Event start.
        offset: LogPos,
        /// Its type (as stored, possibly the corrupted byte).
        event_type: EventType,
        /// Its declared size.
        size: u32,
        /// The CRC stored in the event's last four bytes.
        expected: u32,
        /// The CRC computed over the rest.
        actual: u32,
    },
    /// A Format_description event that cannot be one.
    #[error("invalid format description event at offset {offset}: {reason} (value {value})")]
    InvalidFormatDescription {
        /// Event start.
        offset: LogPos,
        /// What is wrong.
        reason: &'static str,
        /// The offending value.
        value: u64,
    },
    /// A typed view needed more bytes than the body has.
    #[error("{event_type} event at offset {offset} too short: {field} needs {needed} bytes, {available} left")]
    ShortBody {
        /// Event start.
        offset: LogPos,
        /// Its type.
        event_type: EventType,
        /// The field being read.
        field: &'static str,
        /// Bytes the field needs.
        needed: u64,
        /// Bytes left in the body.
        available: u64,
    },
    /// A field holds a value the format does not allow.
    #[error("invalid {field} {value} in {event_type} event at offset {offset}")]
    InvalidField {
        /// Event start.
        offset: LogPos,
        /// Its type.
        event_type: EventType,
        /// The field.
        field: &'static str,
        /// The bad value.
        value: u64,
    },
    /// The file is encrypted from here on (MariaDB Start_encryption); not parsed past.
    #[error(
        "file is encrypted after the start_encryption event at offset {offset}; not parsed past it"
    )]
    Encrypted {
        /// Where the Start_encryption event starts.
        offset: LogPos,
    },
    /// A GTID the `gtid` crate rejects (e.g. an invalid tag or a GNO out of range).
    #[error("invalid gtid in {event_type} event at offset {offset}: {message}")]
    InvalidGtid {
        /// Event start.
        offset: LogPos,
        /// Its type.
        event_type: EventType,
        /// What the gtid crate said.
        message: String,
    },
    /// Reading the underlying file or stream failed.
    #[error("i/o error at offset {offset}: {message}")]
    Io {
        /// Bytes successfully read before the failure.
        offset: LogPos,
        /// The kind of the `std::io::Error`.
        kind: std::io::ErrorKind,
        /// Its message.
        message: String,
    },
}

impl Error {
    /// The file offset the error refers to, if it refers to one.
    pub fn offset(&self) -> Option<LogPos> {
        use Error::*;
        match self {
            BadMagic { .. } | TruncatedMagic { .. } => Some(LogPos(0)),
            UnsupportedVersion { .. } => Some(LogPos(4)),
            TruncatedHeader { offset, .. }
            | TruncatedEvent { offset, .. }
            | NotAnEvent { offset, .. }
            | EventTooSmall { offset, .. }
            | EventTooLarge { offset, .. }
            | ChecksumMismatch { offset, .. }
            | InvalidFormatDescription { offset, .. }
            | ShortBody { offset, .. }
            | InvalidField { offset, .. }
            | Encrypted { offset }
            | InvalidGtid { offset, .. }
            | Io { offset, .. } => Some(*offset),
        }
    }

    /// Whether the error only says the input ended early (a torn tail), as opposed to bytes
    /// that are present but wrong.
    pub fn is_truncation(&self) -> bool {
        matches!(
            self,
            Error::TruncatedMagic { .. }
                | Error::TruncatedHeader { .. }
                | Error::TruncatedEvent { .. }
        )
    }

    pub(crate) fn io(offset: u64, err: &std::io::Error) -> Error {
        Error::Io {
            offset: LogPos(offset),
            kind: err.kind(),
            message: err.to_string(),
        }
    }
}
