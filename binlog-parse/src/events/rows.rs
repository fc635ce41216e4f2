//! Table_map (19) and the headers of rows events.

use super::{lossy, Cursor};
use crate::error::Error;
use crate::header::EventType;
use std::borrow::Cow;

/// Table ids are 6 bytes, or 4 when the FDE gives a post-header length of 6 (early 5.1).
fn table_id(c: &mut Cursor<'_>, post_header_len: u8) -> Result<u64, Error> {
    let width = if post_header_len == 6 { 4 } else { 6 };
    c.uint(width, "table id")
}

/// Table_map (19): binds a table id to a schema and table for the rows events that follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableMap<'a> {
    /// The table id rows events refer to.
    pub table_id: u64,
    /// Flags.
    pub flags: u16,
    /// Schema name.
    pub schema: &'a [u8],
    /// Table name.
    pub table: &'a [u8],
    /// Number of columns.
    pub column_count: u64,
    /// Column types (one byte each), then metadata, null bits and optional metadata, undecoded.
    pub rest: &'a [u8],
}

impl<'a> TableMap<'a> {
    pub(crate) fn decode(mut c: Cursor<'a>, post_header_len: u8) -> Result<TableMap<'a>, Error> {
        let table_id = table_id(&mut c, post_header_len)?;
        let flags = c.u16("table_map flags")?;
        let len = c.u8("table_map schema length")?;
        let schema = c.bytes(u64::from(len), "table_map schema")?;
        c.u8("table_map schema terminator")?;
        let len = c.u8("table_map table length")?;
        let table = c.bytes(u64::from(len), "table_map table")?;
        c.u8("table_map table terminator")?;
        let column_count = c.lenenc("table_map column count")?;
        if column_count > c.remaining() as u64 {
            return Err(c.invalid("table_map column count", column_count));
        }
        Ok(TableMap {
            table_id,
            flags,
            schema,
            table,
            column_count,
            rest: c.rest(),
        })
    }

    /// `schema.table`, lossily as text.
    pub fn qualified_name(&self) -> Cow<'a, str> {
        Cow::Owned(format!("{}.{}", lossy(self.schema), lossy(self.table)))
    }
}

/// What a rows event does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowsKind {
    /// Write (insert) rows.
    Write,
    /// Update rows (before and after images).
    Update,
    /// Update rows with partial JSON (39).
    PartialUpdate,
    /// Delete rows.
    Delete,
}

impl RowsKind {
    /// The kind, version (0 = 5.1 pre-GA, 1, 2) and MariaDB compression of a rows type.
    pub fn of(t: EventType) -> Option<(RowsKind, u8, bool)> {
        use RowsKind::*;
        Some(match t.0 {
            20 => (Write, 0, false),
            21 => (Update, 0, false),
            22 => (Delete, 0, false),
            23 => (Write, 1, false),
            24 => (Update, 1, false),
            25 => (Delete, 1, false),
            30 => (Write, 2, false),
            31 => (Update, 2, false),
            32 => (Delete, 2, false),
            39 => (PartialUpdate, 2, false),
            166 => (Write, 1, true),
            167 => (Update, 1, true),
            168 => (Delete, 1, true),
            169 => (Write, 2, true),
            170 => (Update, 2, true),
            171 => (Delete, 2, true),
            _ => return None,
        })
    }
}

/// The header of a rows event; row images are not decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowsEvent<'a> {
    /// Write, update or delete.
    pub kind: RowsKind,
    /// 0 (5.1 pre-GA), 1 or 2.
    pub version: u8,
    /// MariaDB compressed rows (166-171).
    pub compressed: bool,
    /// The table id of the preceding Table_map.
    pub table_id: u64,
    /// Flags (bit 0: end of statement).
    pub flags: u16,
    /// v2 extra data (without its length field).
    pub extra: &'a [u8],
    /// Column count, bitmaps and row images, undecoded.
    pub rest: &'a [u8],
}

impl<'a> RowsEvent<'a> {
    pub(crate) fn decode(mut c: Cursor<'a>, post_header_len: u8) -> Result<RowsEvent<'a>, Error> {
        let Some((kind, version, compressed)) = RowsKind::of(c.event_type()) else {
            return Err(c.invalid("rows event type", u64::from(c.event_type().0)));
        };
        let table_id = table_id(&mut c, post_header_len)?;
        let flags = c.u16("rows flags")?;
        let extra = if version == 2 {
            let len = c.u16("rows extra length")?;
            let Some(extra_len) = len.checked_sub(2) else {
                return Err(c.invalid("rows extra length", u64::from(len)));
            };
            c.bytes(u64::from(extra_len), "rows extra data")?
        } else {
            &[]
        };
        Ok(RowsEvent {
            kind,
            version,
            compressed,
            table_id,
            flags,
            extra,
            rest: c.rest(),
        })
    }

    /// Whether this is the last rows event of its statement (`STMT_END_F`).
    pub fn is_statement_end(&self) -> bool {
        self.flags & 1 != 0
    }
}
