//! Typed views of event bodies, decoded lazily by [`crate::EventRef::data`].
//!
//! Every view borrows the event's bytes. Counts and lengths read from the body are checked
//! against the bytes actually present before anything is sliced or iterated; nothing allocates.

mod control;
mod mariadb;
mod mysql_gtid;
mod prev_gtids;
mod query;
mod rows;
pub(crate) mod varlen;

pub use control::{Heartbeat, Incident, Intvar, Rand, Rotate, RowsQuery, TransactionPayload, Xid};
pub use mariadb::{
    AnnotateRows, BinlogCheckpoint, GtidList, GtidListEntries, MariadbGtidEvent, StartEncryption,
};
pub use mysql_gtid::{GtidEvent, GtidKind};
pub use prev_gtids::{PreviousGtids, SidBlock, SidBlocks};
pub use query::{Query, UserVar};
pub use rows::{RowsEvent, RowsKind, TableMap};

use crate::error::Error;
use crate::event::EventRef;
use crate::fde::FormatDescription;
use crate::header::{EventType, LogPos};

/// A decoded event body. `#[non_exhaustive]`: more types may get views later; anything without
/// one is [`EventData::Other`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventData<'a> {
    /// 15.
    FormatDescription(FormatDescription<'a>),
    /// 4.
    Rotate(Rotate<'a>),
    /// 3 (no body).
    Stop,
    /// 2.
    Query(Query<'a>),
    /// 16.
    Xid(Xid),
    /// 5.
    Intvar(Intvar),
    /// 13.
    Rand(Rand),
    /// 14.
    UserVar(UserVar<'a>),
    /// 33, 34 and 42.
    Gtid(GtidEvent<'a>),
    /// 35.
    PreviousGtids(PreviousGtids<'a>),
    /// 19.
    TableMap(TableMap<'a>),
    /// 20-25, 30-32, 39 and MariaDB 166-171: the header of a rows event.
    Rows(RowsEvent<'a>),
    /// 29.
    RowsQuery(RowsQuery<'a>),
    /// 26.
    Incident(Incident<'a>),
    /// 27.
    Heartbeat(Heartbeat<'a>),
    /// 40: the header; the compressed events inside are not decoded.
    TransactionPayload(TransactionPayload<'a>),
    /// 160.
    AnnotateRows(AnnotateRows<'a>),
    /// 161.
    BinlogCheckpoint(BinlogCheckpoint<'a>),
    /// 162.
    MariadbGtid(MariadbGtidEvent<'a>),
    /// 163.
    GtidList(GtidList<'a>),
    /// 164: reported; the rest of the file is not parsed.
    StartEncryption(StartEncryption<'a>),
    /// Any other type: the body (without header and checksum), undecoded.
    Other(&'a [u8]),
}

impl<'a> EventData<'a> {
    pub(crate) fn decode(event: &EventRef<'a>) -> Result<EventData<'a>, Error> {
        let t = event.event_type();
        let body = event.body();
        let c = Cursor::new(body, event.offset(), t);
        Ok(match t {
            EventType::FORMAT_DESCRIPTION => {
                EventData::FormatDescription(FormatDescription::parse(event.raw(), event.offset())?)
            }
            EventType::ROTATE => EventData::Rotate(Rotate::decode(c)?),
            EventType::STOP => EventData::Stop,
            EventType::QUERY => EventData::Query(Query::decode(c, event.post_header_len())?),
            EventType::XID => EventData::Xid(Xid::decode(c)?),
            EventType::INTVAR => EventData::Intvar(Intvar::decode(c)?),
            EventType::RAND => EventData::Rand(Rand::decode(c)?),
            EventType::USER_VAR => EventData::UserVar(UserVar::decode(c)?),
            EventType::GTID | EventType::ANONYMOUS_GTID | EventType::GTID_TAGGED => {
                EventData::Gtid(GtidEvent::decode(c)?)
            }
            EventType::PREVIOUS_GTIDS => EventData::PreviousGtids(PreviousGtids::decode(c)?),
            EventType::TABLE_MAP => {
                EventData::TableMap(TableMap::decode(c, event.post_header_len())?)
            }
            t if RowsKind::of(t).is_some() => {
                EventData::Rows(RowsEvent::decode(c, event.post_header_len())?)
            }
            EventType::ROWS_QUERY => EventData::RowsQuery(RowsQuery::decode(c)?),
            EventType::INCIDENT => EventData::Incident(Incident::decode(c)?),
            EventType::HEARTBEAT => EventData::Heartbeat(Heartbeat { log_ident: body }),
            EventType::TRANSACTION_PAYLOAD => {
                EventData::TransactionPayload(TransactionPayload::decode(c)?)
            }
            EventType::ANNOTATE_ROWS => EventData::AnnotateRows(AnnotateRows { query: body }),
            EventType::BINLOG_CHECKPOINT => {
                EventData::BinlogCheckpoint(BinlogCheckpoint::decode(c)?)
            }
            EventType::MARIADB_GTID => {
                EventData::MariadbGtid(MariadbGtidEvent::decode(c, event.header().server_id.0)?)
            }
            EventType::GTID_LIST => EventData::GtidList(GtidList::decode(c)?),
            EventType::START_ENCRYPTION => EventData::StartEncryption(StartEncryption::decode(c)?),
            _ => EventData::Other(body),
        })
    }
}

/// A bounds-checked reader over an event body; every failure names the field, the event's
/// offset and type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
    offset: LogPos,
    event_type: EventType,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(buf: &'a [u8], offset: LogPos, event_type: EventType) -> Cursor<'a> {
        Cursor {
            buf,
            pos: 0,
            offset,
            event_type,
        }
    }

    pub(crate) fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub(crate) fn short(&self, field: &'static str, needed: u64) -> Error {
        Error::ShortBody {
            offset: self.offset,
            event_type: self.event_type,
            field,
            needed,
            available: self.remaining() as u64,
        }
    }

    pub(crate) fn invalid(&self, field: &'static str, value: u64) -> Error {
        Error::InvalidField {
            offset: self.offset,
            event_type: self.event_type,
            field,
            value,
        }
    }

    pub(crate) fn offset(&self) -> LogPos {
        self.offset
    }

    pub(crate) fn event_type(&self) -> EventType {
        self.event_type
    }

    pub(crate) fn bytes(&mut self, n: u64, field: &'static str) -> Result<&'a [u8], Error> {
        if n > self.remaining() as u64 {
            return Err(self.short(field, n));
        }
        let out = &self.buf[self.pos..self.pos + n as usize];
        self.pos += n as usize;
        Ok(out)
    }

    pub(crate) fn array<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N], Error> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.bytes(N as u64, field)?);
        Ok(out)
    }

    pub(crate) fn u8(&mut self, field: &'static str) -> Result<u8, Error> {
        Ok(self.array::<1>(field)?[0])
    }

    pub(crate) fn u16(&mut self, field: &'static str) -> Result<u16, Error> {
        Ok(u16::from_le_bytes(self.array(field)?))
    }

    pub(crate) fn u32(&mut self, field: &'static str) -> Result<u32, Error> {
        Ok(u32::from_le_bytes(self.array(field)?))
    }

    pub(crate) fn u64(&mut self, field: &'static str) -> Result<u64, Error> {
        Ok(u64::from_le_bytes(self.array(field)?))
    }

    /// A little-endian unsigned integer of `n` (<= 8) bytes.
    pub(crate) fn uint(&mut self, n: usize, field: &'static str) -> Result<u64, Error> {
        let bytes = self.bytes(n as u64, field)?;
        Ok(bytes
            .iter()
            .rev()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
    }

    /// MySQL's length-encoded integer (`net_field_length`).
    pub(crate) fn lenenc(&mut self, field: &'static str) -> Result<u64, Error> {
        match self.u8(field)? {
            n @ 0..=250 => Ok(u64::from(n)),
            252 => self.uint(2, field),
            253 => self.uint(3, field),
            254 => self.u64(field),
            other => Err(self.invalid(field, u64::from(other))),
        }
    }

    pub(crate) fn consumed(&self) -> usize {
        self.pos
    }

    pub(crate) fn rest(&mut self) -> &'a [u8] {
        let out = &self.buf[self.pos..];
        self.pos = self.buf.len();
        out
    }
}

/// Text fields are bytes in the connection's character set; this shows them lossily.
pub(crate) fn lossy(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}
