//! MySQL's Gtid (33), Anonymous_gtid (34) and Gtid_tagged (42) events.

use super::Cursor;
use crate::error::Error;
use crate::header::EventType;

/// Which of the three GTID event types this was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GtidKind {
    /// 33: a transaction with a GTID.
    Gtid,
    /// 34: a transaction without one (`gtid_mode=OFF`).
    Anonymous,
    /// 42: a GTID that may carry a tag (MySQL 8.3+), in the `mysql::serialization` format.
    Tagged,
}

/// A MySQL GTID event. Fields that older servers do not write are `None`: a 5.6 body stops
/// after the GNO; 5.7 adds the logical clock; 8.0 the commit timestamps, transaction length and
/// server versions; later 8.x the commit group ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GtidEvent<'a> {
    /// Which type.
    pub kind: GtidKind,
    /// `gtid_flags` (bit 0: may have statement-based events).
    pub flags: u8,
    /// The source UUID bytes (all zero when anonymous).
    pub sid: [u8; 16],
    /// The transaction number (0 when anonymous).
    pub gno: i64,
    /// The tag (type 42 only; `None` when empty).
    pub tag: Option<&'a str>,
    /// Logical clock: last committed.
    pub last_committed: Option<i64>,
    /// Logical clock: sequence number.
    pub sequence_number: Option<i64>,
    /// Microseconds since the epoch, on the server that committed it here.
    pub immediate_commit_ts: Option<u64>,
    /// Microseconds since the epoch, on the original server.
    pub original_commit_ts: Option<u64>,
    /// Size of the whole transaction in the log, GTID event included.
    pub transaction_length: Option<u64>,
    /// Version of the server that committed it here (e.g. 80040).
    pub immediate_server_version: Option<u32>,
    /// Version of the original server.
    pub original_server_version: Option<u32>,
    /// Group replication's commit group ticket.
    pub commit_group_ticket: Option<u64>,
}

impl<'a> GtidEvent<'a> {
    fn empty(kind: GtidKind) -> GtidEvent<'a> {
        GtidEvent {
            kind,
            flags: 0,
            sid: [0; 16],
            gno: 0,
            tag: None,
            last_committed: None,
            sequence_number: None,
            immediate_commit_ts: None,
            original_commit_ts: None,
            transaction_length: None,
            immediate_server_version: None,
            original_server_version: None,
            commit_group_ticket: None,
        }
    }

    pub(crate) fn decode(c: Cursor<'a>) -> Result<GtidEvent<'a>, Error> {
        match c.event_type() {
            EventType::GTID_TAGGED => Self::decode_tagged(c),
            EventType::ANONYMOUS_GTID => Self::decode_untagged(c, GtidKind::Anonymous),
            _ => Self::decode_untagged(c, GtidKind::Gtid),
        }
    }

    fn decode_untagged(mut c: Cursor<'a>, kind: GtidKind) -> Result<GtidEvent<'a>, Error> {
        let mut g = GtidEvent::empty(kind);
        g.flags = c.u8("gtid flags")?;
        g.sid = c.array("gtid sid")?;
        g.gno = c.u64("gtid gno")? as i64;
        if c.remaining() == 0 {
            return Ok(g); // 5.6: 25-byte body
        }
        let typecode = c.u8("gtid logical clock typecode")?;
        if typecode != 2 {
            return Err(c.invalid("gtid logical clock typecode", u64::from(typecode)));
        }
        g.last_committed = Some(c.u64("gtid last_committed")? as i64);
        g.sequence_number = Some(c.u64("gtid sequence_number")? as i64);
        if c.remaining() == 0 {
            return Ok(g); // 5.7
        }
        let immediate = c.uint(7, "gtid immediate_commit_timestamp")?;
        let has_original = immediate & (1 << 55) != 0;
        g.immediate_commit_ts = Some(immediate & !(1 << 55));
        g.original_commit_ts = Some(if has_original {
            c.uint(7, "gtid original_commit_timestamp")?
        } else {
            immediate
        });
        if c.remaining() == 0 {
            return Ok(g);
        }
        g.transaction_length = Some(c.lenenc("gtid transaction_length")?);
        if c.remaining() == 0 {
            return Ok(g);
        }
        let immediate = c.u32("gtid immediate_server_version")?;
        let has_original = immediate & (1 << 31) != 0;
        g.immediate_server_version = Some(immediate & !(1 << 31));
        g.original_server_version = Some(if has_original {
            c.u32("gtid original_server_version")?
        } else {
            immediate & !(1 << 31)
        });
        if c.remaining() >= 8 {
            g.commit_group_ticket = Some(c.u64("gtid commit_group_ticket")?);
        }
        Ok(g)
    }

    fn decode_tagged(mut c: Cursor<'a>) -> Result<GtidEvent<'a>, Error> {
        let mut g = GtidEvent::empty(GtidKind::Tagged);
        let format = c.varlen("gtid serialization format")?;
        if format != 1 {
            return Err(c.invalid("gtid serialization format", format));
        }
        let size = c.varlen("gtid serialization size")?;
        let last_non_ignorable = c.varlen("gtid last non-ignorable field")?;
        // The declared size covers the whole message from its first byte.
        let consumed = c.consumed();
        if size < consumed as u64 || size - consumed as u64 > c.remaining() as u64 {
            return Err(c.invalid("gtid serialization size", size));
        }
        let mut fields = Cursor::new(
            c.bytes(size - consumed as u64, "gtid fields")?,
            c.offset(),
            c.event_type(),
        );
        while fields.remaining() > 0 {
            let id = fields.varlen("gtid field id")?;
            match id {
                0 => g.flags = fields.varlen("gtid flags")? as u8,
                1 => {
                    for byte in g.sid.iter_mut() {
                        *byte = fields.varlen("gtid sid")? as u8;
                    }
                }
                2 => g.gno = fields.varlen_signed("gtid gno")?,
                3 => {
                    let len = fields.varlen("gtid tag length")?;
                    if len > 32 {
                        return Err(fields.invalid("gtid tag length", len));
                    }
                    let tag = fields.bytes(len, "gtid tag")?;
                    let tag = std::str::from_utf8(tag)
                        .map_err(|_| fields.invalid("gtid tag byte", len))?;
                    g.tag = (!tag.is_empty()).then_some(tag);
                }
                4 => g.last_committed = Some(fields.varlen_signed("gtid last_committed")?),
                5 => g.sequence_number = Some(fields.varlen_signed("gtid sequence_number")?),
                6 => {
                    g.immediate_commit_ts = Some(fields.varlen("gtid immediate_commit_timestamp")?)
                }
                7 => g.original_commit_ts = Some(fields.varlen("gtid original_commit_timestamp")?),
                8 => g.transaction_length = Some(fields.varlen("gtid transaction_length")?),
                9 => {
                    g.immediate_server_version =
                        Some(fields.varlen("gtid immediate_server_version")? as u32)
                }
                10 => {
                    g.original_server_version =
                        Some(fields.varlen("gtid original_server_version")? as u32)
                }
                11 => g.commit_group_ticket = Some(fields.varlen("gtid commit_group_ticket")?),
                // An unknown field we may ignore: its encoding is unknown, so stop here.
                id if id > last_non_ignorable => break,
                id => return Err(fields.invalid("gtid field id", id)),
            }
        }
        if g.original_commit_ts.is_none() {
            g.original_commit_ts = g.immediate_commit_ts;
        }
        if g.original_server_version.is_none() {
            g.original_server_version = g.immediate_server_version;
        }
        Ok(g)
    }

    /// Whether this is an anonymous (GTID-less) transaction.
    pub fn is_anonymous(&self) -> bool {
        self.kind == GtidKind::Anonymous || (self.sid == [0; 16] && self.gno == 0)
    }
}
