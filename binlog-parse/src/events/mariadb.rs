//! MariaDB's events: Annotate_rows (160), Binlog_checkpoint (161), GTID (162), GTID_LIST (163)
//! and Start_encryption (164).

use super::{lossy, Cursor};
use crate::error::Error;
use std::borrow::Cow;

/// Annotate_rows (160): the statement behind the following rows events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnnotateRows<'a> {
    /// The statement text.
    pub query: &'a [u8],
}

/// Binlog_checkpoint (161): the oldest file crash recovery still needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BinlogCheckpoint<'a> {
    /// The file name.
    pub file: &'a [u8],
}

impl<'a> BinlogCheckpoint<'a> {
    pub(crate) fn decode(mut c: Cursor<'a>) -> Result<BinlogCheckpoint<'a>, Error> {
        let len = c.u32("binlog_checkpoint name length")?;
        Ok(BinlogCheckpoint {
            file: c.bytes(u64::from(len), "binlog_checkpoint name")?,
        })
    }

    /// The file name, lossily as text.
    pub fn file_name(&self) -> Cow<'a, str> {
        lossy(self.file)
    }
}

/// MariaDB GTID (162): starts an event group `domain-server-seq`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MariadbGtidEvent<'a> {
    /// Sequence number.
    pub seq_no: u64,
    /// Replication domain.
    pub domain_id: u32,
    /// The header's server id.
    pub server_id: u32,
    /// `flags2`: 1 standalone, 2 group commit id, 4 transactional, 8 allow parallel, 16 waited,
    /// 32 DDL, 64 prepared XA, 128 completed XA.
    pub flags2: u8,
    /// The group commit id, when flag 2 is set.
    pub commit_id: Option<u64>,
    /// For XA: format id, gtrid and bqual bytes.
    pub xid: Option<(u32, &'a [u8], &'a [u8])>,
}

impl<'a> MariadbGtidEvent<'a> {
    /// `FL_STANDALONE`: a single statement without BEGIN/COMMIT.
    pub const STANDALONE: u8 = 1;
    /// `FL_GROUP_COMMIT_ID`.
    pub const GROUP_COMMIT_ID: u8 = 2;
    /// `FL_DDL`.
    pub const DDL: u8 = 32;
    /// `FL_PREPARED_XA`.
    pub const PREPARED_XA: u8 = 64;
    /// `FL_COMPLETED_XA`.
    pub const COMPLETED_XA: u8 = 128;

    pub(crate) fn decode(mut c: Cursor<'a>, server_id: u32) -> Result<MariadbGtidEvent<'a>, Error> {
        let seq_no = c.u64("gtid seq_no")?;
        let domain_id = c.u32("gtid domain_id")?;
        let flags2 = c.u8("gtid flags2")?;
        let mut g = MariadbGtidEvent {
            seq_no,
            domain_id,
            server_id,
            flags2,
            commit_id: None,
            xid: None,
        };
        if flags2 & Self::GROUP_COMMIT_ID != 0 {
            g.commit_id = Some(c.u64("gtid commit_id")?);
        } else if flags2 & (Self::PREPARED_XA | Self::COMPLETED_XA) != 0 {
            let format = c.u32("gtid xa format_id")?;
            let gtrid_len = c.u8("gtid xa gtrid length")?;
            let bqual_len = c.u8("gtid xa bqual length")?;
            let gtrid = c.bytes(u64::from(gtrid_len), "gtid xa gtrid")?;
            let bqual = c.bytes(u64::from(bqual_len), "gtid xa bqual")?;
            g.xid = Some((format, gtrid, bqual));
        }
        // Newer servers append flags_extra and optional fields: accepted, not decoded.
        Ok(g)
    }

    /// Whether the group is one statement with no COMMIT after it (DDL, non-transactional).
    pub fn is_standalone(&self) -> bool {
        self.flags2 & Self::STANDALONE != 0
    }
}

/// GTID_LIST (163): the GTID position (last seq per domain and server) at the file's start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GtidList<'a> {
    /// Number of entries (the low 28 bits of the count field).
    pub count: u32,
    /// The top 4 bits of the count field.
    pub flags: u8,
    entries: &'a [u8],
}

impl<'a> GtidList<'a> {
    pub(crate) fn decode(mut c: Cursor<'a>) -> Result<GtidList<'a>, Error> {
        let raw = c.u32("gtid_list count")?;
        let count = raw & 0x0fff_ffff;
        // Trailing padding is normal (an empty list has a 6-byte body).
        let entries = c.bytes(u64::from(count) * 16, "gtid_list entries")?;
        Ok(GtidList {
            count,
            flags: (raw >> 28) as u8,
            entries,
        })
    }

    /// The entries `(domain_id, server_id, seq_no)`.
    pub fn entries(&self) -> GtidListEntries<'a> {
        GtidListEntries {
            bytes: self.entries,
        }
    }
}

/// Iterator over `(domain_id, server_id, seq_no)` entries of a [`GtidList`].
#[derive(Debug, Clone)]
pub struct GtidListEntries<'a> {
    bytes: &'a [u8],
}

impl Iterator for GtidListEntries<'_> {
    type Item = (u32, u32, u64);

    fn next(&mut self) -> Option<Self::Item> {
        let (entry, rest) = self.bytes.split_first_chunk::<16>()?;
        self.bytes = rest;
        let u32_at =
            |i: usize| u32::from_le_bytes([entry[i], entry[i + 1], entry[i + 2], entry[i + 3]]);
        let mut seq = [0u8; 8];
        seq.copy_from_slice(&entry[8..]);
        Some((u32_at(0), u32_at(4), u64::from_le_bytes(seq)))
    }
}

/// Start_encryption (164): everything after this event is encrypted and not parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StartEncryption<'a> {
    /// Encryption scheme (1).
    pub scheme: u8,
    /// Key version.
    pub key_version: u32,
    /// Nonce.
    pub nonce: &'a [u8],
}

impl<'a> StartEncryption<'a> {
    pub(crate) fn decode(mut c: Cursor<'a>) -> Result<StartEncryption<'a>, Error> {
        let scheme = c.u8("start_encryption scheme")?;
        let key_version = c.u32("start_encryption key version")?;
        Ok(StartEncryption {
            scheme,
            key_version,
            nonce: c.rest(),
        })
    }
}
