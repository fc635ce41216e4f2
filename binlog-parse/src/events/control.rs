//! Small fixed-layout events: Rotate, Xid, Intvar, Rand, Rows_query, Incident, Heartbeat and
//! the Transaction_payload header.

use super::{lossy, Cursor};
use crate::error::Error;
use std::borrow::Cow;

/// Rotate (4): the name of the next file and the position to continue at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rotate<'a> {
    /// Position in the next file (4 for a real rotate; the start position for a fake one).
    pub position: u64,
    /// The next file's name, as bytes (no NUL; the CRC is not part of it).
    pub next_file: &'a [u8],
}

impl<'a> Rotate<'a> {
    pub(crate) fn decode(mut c: Cursor<'a>) -> Result<Rotate<'a>, Error> {
        let position = c.u64("rotate position")?;
        Ok(Rotate {
            position,
            next_file: c.rest(),
        })
    }

    /// The next file's name, lossily as text.
    pub fn next_file_name(&self) -> Cow<'a, str> {
        lossy(self.next_file)
    }
}

/// Xid (16): the commit of a transaction in a transactional engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Xid {
    /// The transaction id. Extra bytes after it (seen in a 5.2 fixture) are ignored.
    pub xid: u64,
}

impl Xid {
    pub(crate) fn decode(mut c: Cursor<'_>) -> Result<Xid, Error> {
        Ok(Xid { xid: c.u64("xid")? })
    }
}

/// Intvar (5): `LAST_INSERT_ID` (1) or `INSERT_ID` (2) for the next statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Intvar {
    /// 1 = LAST_INSERT_ID, 2 = INSERT_ID.
    pub kind: u8,
    /// The value.
    pub value: u64,
}

impl Intvar {
    pub(crate) fn decode(mut c: Cursor<'_>) -> Result<Intvar, Error> {
        Ok(Intvar {
            kind: c.u8("intvar type")?,
            value: c.u64("intvar value")?,
        })
    }
}

/// Rand (13): the two seeds of `RAND()` for the next statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rand {
    /// First seed.
    pub seed1: u64,
    /// Second seed.
    pub seed2: u64,
}

impl Rand {
    pub(crate) fn decode(mut c: Cursor<'_>) -> Result<Rand, Error> {
        Ok(Rand {
            seed1: c.u64("rand seed1")?,
            seed2: c.u64("rand seed2")?,
        })
    }
}

/// Rows_query (29): the statement behind the following rows events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowsQuery<'a> {
    /// The statement text (the leading length byte is truncated at 255 by the server and is
    /// not used).
    pub query: &'a [u8],
}

impl<'a> RowsQuery<'a> {
    pub(crate) fn decode(mut c: Cursor<'a>) -> Result<RowsQuery<'a>, Error> {
        c.u8("rows_query length")?;
        Ok(RowsQuery { query: c.rest() })
    }
}

/// Incident (26): the primary lost events it cannot represent (e.g. `LOST_EVENTS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Incident<'a> {
    /// 1 = LOST_EVENTS.
    pub kind: u16,
    /// The message.
    pub message: &'a [u8],
}

impl<'a> Incident<'a> {
    pub(crate) fn decode(mut c: Cursor<'a>) -> Result<Incident<'a>, Error> {
        let kind = c.u16("incident type")?;
        if c.remaining() == 0 {
            return Ok(Incident { kind, message: &[] });
        }
        let len = c.u8("incident message length")?;
        Ok(Incident {
            kind,
            message: c.bytes(u64::from(len), "incident message")?,
        })
    }
}

/// Heartbeat (27): the primary's current file name (its position is the header's log_pos).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Heartbeat<'a> {
    /// The primary's current binary log name.
    pub log_ident: &'a [u8],
}

/// Transaction_payload (40, MySQL 8.0.20+): the header of a compressed transaction. The inner
/// events (uncompressed, without CRCs) are not decoded here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransactionPayload<'a> {
    /// Compressed size, as declared.
    pub payload_size: u64,
    /// 0 = ZSTD, 255 = NONE.
    pub compression_type: u64,
    /// Size once decompressed, as declared.
    pub uncompressed_size: u64,
    /// The compressed bytes.
    pub payload: &'a [u8],
}

impl<'a> TransactionPayload<'a> {
    pub(crate) fn decode(mut c: Cursor<'a>) -> Result<TransactionPayload<'a>, Error> {
        let mut out = TransactionPayload {
            payload_size: 0,
            compression_type: 0,
            uncompressed_size: 0,
            payload: &[],
        };
        // Fields are (type, length, value), each length-encoded, until type 0.
        loop {
            let field = c.lenenc("payload field type")?;
            if field == 0 {
                break;
            }
            let len = c.lenenc("payload field length")?;
            let mut value = Cursor::new(
                c.bytes(len, "payload field value")?,
                c.offset(),
                c.event_type(),
            );
            let v = value.lenenc("payload field value")?;
            match field {
                1 => out.payload_size = v,
                2 => out.compression_type = v,
                3 => out.uncompressed_size = v,
                _ => {}
            }
        }
        out.payload = c.rest();
        if out.payload_size != out.payload.len() as u64 {
            return Err(c.invalid("payload size", out.payload_size));
        }
        Ok(out)
    }
}
