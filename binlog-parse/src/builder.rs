//! [`LogBuilder`]: writes small, valid logs event by event, for tests, examples, fuzz seeds and
//! benches. Every field it writes is named below; tests build their inputs with it instead of
//! hex blobs.

use crate::events::varlen;
use crate::header::{EventFlags, EventHeader, EventType, ServerId, HEADER_LEN, MAGIC};

/// One UUID with its `(start, end_exclusive)` intervals, for [`LogBuilder::previous_gtids`].
pub type SidIntervals<'a> = ([u8; 16], &'a [(i64, i64)]);

/// Builds a log in memory: magic, a Format_description event, then whatever events are pushed,
/// each with a correct `end_log_pos` and (when the format has them) CRC32.
#[derive(Debug, Clone)]
pub struct LogBuilder {
    buf: Vec<u8>,
    crc: bool,
    server_id: u32,
    timestamp: u32,
}

/// Post-header lengths by type code (index = code - 1) for a MySQL 8.0-like FDE; 0 where unused.
fn mysql_post_headers(n: usize) -> Vec<u8> {
    let mut p = vec![0u8; n];
    let mut set = |t: EventType, len: u8| {
        if let Some(slot) = p.get_mut(usize::from(t.0) - 1) {
            *slot = len;
        }
    };
    set(EventType::START_V3, 56);
    set(EventType::QUERY, 13);
    set(EventType::ROTATE, 8);
    set(EventType::FORMAT_DESCRIPTION, (57 + n) as u8);
    set(EventType::TABLE_MAP, 8);
    for t in [23, 24, 25] {
        set(EventType(t), 8);
    }
    for t in [30, 31, 32, 39] {
        set(EventType(t), 10);
    }
    set(EventType::INCIDENT, 2);
    set(EventType::GTID, 42);
    set(EventType::ANONYMOUS_GTID, 42);
    p
}

impl LogBuilder {
    /// A log as MySQL 8.0.40 writes it with `binlog_checksum=CRC32`.
    pub fn mysql80() -> LogBuilder {
        LogBuilder::new("8.0.40", Some(1), mysql_post_headers(41))
    }

    /// A log as MySQL 5.5 writes it: no checksum block at all.
    pub fn mysql55() -> LogBuilder {
        LogBuilder::new("5.5.62-log", None, mysql_post_headers(27))
    }

    /// A log as MariaDB 10.11 writes it (CRC32), with its empty GTID_LIST after the FDE.
    pub fn mariadb() -> LogBuilder {
        let mut p = mysql_post_headers(171);
        let maria = [0u8, 4, 19, 4, 0, 13, 8, 8, 8, 10, 10, 10];
        p[159..171].copy_from_slice(&maria);
        p[usize::from(EventType::FORMAT_DESCRIPTION.0) - 1] = (57 + 171) as u8;
        LogBuilder::new("10.11.6-MariaDB-log", Some(1), p).gtid_list(&[])
    }

    /// A log with the given server version, checksum algorithm byte (`None`: no checksum
    /// block, as before 5.6.1) and post-header lengths.
    pub fn new(version: &str, alg: Option<u8>, post_headers: Vec<u8>) -> LogBuilder {
        let mut b = LogBuilder {
            buf: MAGIC.to_vec(),
            crc: false,
            server_id: 1,
            timestamp: 1_700_000_000,
        };
        let mut body = Vec::new();
        body.extend_from_slice(&4u16.to_le_bytes()); // binlog_version
        let mut padded = [0u8; 50]; // server_version, NUL padded
        let n = version.len().min(50);
        padded[..n].copy_from_slice(&version.as_bytes()[..n]);
        body.extend_from_slice(&padded);
        body.extend_from_slice(&b.timestamp.to_le_bytes()); // create_timestamp
        body.push(HEADER_LEN as u8); // common_header_len
        body.extend_from_slice(&post_headers);
        if let Some(alg) = alg {
            body.push(alg); // checksum_alg; the CRC follows (the FDE always has one then)
        }
        b.write(
            EventType::FORMAT_DESCRIPTION,
            EventFlags::BINLOG_IN_USE,
            &body,
            alg.is_some(),
        );
        b.crc = alg == Some(1);
        b
    }

    /// Sets the server id of the events pushed next.
    pub fn server_id(mut self, id: u32) -> LogBuilder {
        self.server_id = id;
        self
    }

    /// Appends one event with `body` (post-header and body, without CRC).
    pub fn event(mut self, t: EventType, body: &[u8]) -> LogBuilder {
        self.push(t, body);
        self
    }

    /// Appends one event in place.
    pub fn push(&mut self, t: EventType, body: &[u8]) {
        let crc = self.crc;
        self.write(t, 0, body, crc);
    }

    fn write(&mut self, t: EventType, flags: u16, body: &[u8], crc: bool) {
        let start = self.buf.len();
        let size = HEADER_LEN + body.len() + if crc { 4 } else { 0 };
        let header = EventHeader {
            timestamp: self.timestamp,
            event_type: t,
            server_id: ServerId(self.server_id),
            event_size: size as u32,
            log_pos: (start + size) as u32,
            flags: EventFlags(flags),
        };
        self.buf.extend_from_slice(&header.to_bytes());
        self.buf.extend_from_slice(body);
        if crc {
            let mut hashed = self.buf[start..].to_vec();
            hashed[17] &= !(EventFlags::BINLOG_IN_USE as u8);
            self.buf
                .extend_from_slice(&crc32fast::hash(&hashed).to_le_bytes());
        }
    }

    /// Query (2): thread id 1, exec time 0, no error, no status variables.
    pub fn query(self, schema: &str, statement: &str) -> LogBuilder {
        let mut body = Vec::new();
        body.extend_from_slice(&1u32.to_le_bytes()); // thread_id
        body.extend_from_slice(&0u32.to_le_bytes()); // exec_time
        body.push(schema.len() as u8); // schema length
        body.extend_from_slice(&0u16.to_le_bytes()); // error_code
        body.extend_from_slice(&0u16.to_le_bytes()); // status_vars length
        body.extend_from_slice(schema.as_bytes());
        body.push(0); // schema terminator
        body.extend_from_slice(statement.as_bytes());
        self.event(EventType::QUERY, &body)
    }

    /// Xid (16).
    pub fn xid(self, xid: u64) -> LogBuilder {
        self.event(EventType::XID, &xid.to_le_bytes())
    }

    /// Gtid (33) in the 8.0 layout (logical clock, timestamps, length, server version).
    pub fn gtid(self, uuid: [u8; 16], gno: i64) -> LogBuilder {
        let mut body = vec![1u8]; // flags: may have SBR
        body.extend_from_slice(&uuid);
        body.extend_from_slice(&gno.to_le_bytes());
        body.push(2); // logical clock typecode
        body.extend_from_slice(&(gno - 1).to_le_bytes()); // last_committed
        body.extend_from_slice(&gno.to_le_bytes()); // sequence_number
        body.extend_from_slice(&1_700_000_000_000_000u64.to_le_bytes()[..7]); // immediate_commit_ts
        body.push(200); // transaction_length (length-encoded, one byte)
        body.extend_from_slice(&80040u32.to_le_bytes()); // immediate_server_version
        self.event(EventType::GTID, &body)
    }

    /// Gtid_tagged (42) in the `mysql::serialization` format.
    pub fn gtid_tagged(self, uuid: [u8; 16], tag: &str, gno: i64) -> LogBuilder {
        let mut fields = Vec::new();
        varlen::encode(0, &mut fields); // field 0: flags
        varlen::encode(1, &mut fields);
        varlen::encode(1, &mut fields); // field 1: sid, each byte varlen
        for b in uuid {
            varlen::encode(u64::from(b), &mut fields);
        }
        varlen::encode(2, &mut fields); // field 2: gno, signed
        varlen::encode_signed(gno, &mut fields);
        varlen::encode(3, &mut fields); // field 3: tag, length + bytes
        varlen::encode(tag.len() as u64, &mut fields);
        fields.extend_from_slice(tag.as_bytes());
        let mut head = Vec::new();
        varlen::encode(1, &mut head); // format version
        let mut last = Vec::new();
        varlen::encode(11, &mut last); // last non-ignorable field id
                                       // The size covers the whole message; it is itself varlen, so find a fixed point.
        let mut size = head.len() + 1 + last.len() + fields.len();
        let mut size_bytes = Vec::new();
        loop {
            size_bytes.clear();
            varlen::encode(size as u64, &mut size_bytes);
            let total = head.len() + size_bytes.len() + last.len() + fields.len();
            if total == size {
                break;
            }
            size = total;
        }
        let body = [head, size_bytes, last, fields].concat();
        self.event(EventType::GTID_TAGGED, &body)
    }

    /// Previous_gtids (35), untagged: `(uuid, [(start, end_exclusive)])` blocks.
    pub fn previous_gtids(self, sets: &[SidIntervals<'_>]) -> LogBuilder {
        let mut body = (sets.len() as u64).to_le_bytes().to_vec(); // n_sids
        for (uuid, intervals) in sets {
            body.extend_from_slice(uuid);
            body.extend_from_slice(&(intervals.len() as u64).to_le_bytes()); // n_intervals
            for (start, end) in intervals.iter() {
                body.extend_from_slice(&start.to_le_bytes());
                body.extend_from_slice(&end.to_le_bytes());
            }
        }
        self.event(EventType::PREVIOUS_GTIDS, &body)
    }

    /// MariaDB GTID (162): seq_no, domain_id, flags2, then 6 zero bytes.
    pub fn mariadb_gtid(self, domain_id: u32, seq_no: u64, flags2: u8) -> LogBuilder {
        let mut body = seq_no.to_le_bytes().to_vec();
        body.extend_from_slice(&domain_id.to_le_bytes());
        body.push(flags2);
        body.extend_from_slice(&[0; 6]);
        self.event(EventType::MARIADB_GTID, &body)
    }

    /// MariaDB GTID_LIST (163): `(domain_id, server_id, seq_no)` entries (an empty list gets the
    /// two padding bytes real servers write).
    pub fn gtid_list(self, entries: &[(u32, u32, u64)]) -> LogBuilder {
        let mut body = (entries.len() as u32).to_le_bytes().to_vec();
        for (domain, server, seq) in entries {
            body.extend_from_slice(&domain.to_le_bytes());
            body.extend_from_slice(&server.to_le_bytes());
            body.extend_from_slice(&seq.to_le_bytes());
        }
        if entries.is_empty() {
            body.extend_from_slice(&[0, 0]);
        }
        self.event(EventType::GTID_LIST, &body)
    }

    /// Table_map (19) for a table of one INT column.
    pub fn table_map(self, table_id: u64, schema: &str, table: &str) -> LogBuilder {
        let mut body = table_id.to_le_bytes()[..6].to_vec(); // table id, 6 bytes
        body.extend_from_slice(&1u16.to_le_bytes()); // flags
        body.push(schema.len() as u8);
        body.extend_from_slice(schema.as_bytes());
        body.push(0);
        body.push(table.len() as u8);
        body.extend_from_slice(table.as_bytes());
        body.push(0);
        body.push(1); // column count
        body.push(3); // column type LONG
        body.push(0); // metadata length
        body.push(1); // null bitmap
        self.event(EventType::TABLE_MAP, &body)
    }

    /// Write_rows v1 (23) with `rows` one-INT-column rows.
    pub fn write_rows(self, table_id: u64, rows: &[i32]) -> LogBuilder {
        let mut body = table_id.to_le_bytes()[..6].to_vec(); // table id
        body.extend_from_slice(&1u16.to_le_bytes()); // flags: statement end
        body.push(1); // column count
        body.push(0xff); // columns present bitmap
        for r in rows {
            body.push(0); // null bitmap
            body.extend_from_slice(&r.to_le_bytes());
        }
        self.event(EventType::WRITE_ROWS_V1, &body)
    }

    /// Rotate (4) to `next_file` at 4; clears the FDE's in-use flag, as a clean close does.
    pub fn rotate(mut self, next_file: &str) -> LogBuilder {
        let mut body = 4u64.to_le_bytes().to_vec();
        body.extend_from_slice(next_file.as_bytes());
        self.push(EventType::ROTATE, &body);
        self.close()
    }

    /// Stop (3); clears the FDE's in-use flag.
    pub fn stop(mut self) -> LogBuilder {
        self.push(EventType::STOP, &[]);
        self.close()
    }

    /// Clears the FDE's in-use flag (covered by no CRC, so nothing else changes).
    pub fn close(mut self) -> LogBuilder {
        self.buf[MAGIC.len() + 17] &= !(EventFlags::BINLOG_IN_USE as u8);
        self
    }

    /// Rewrites the header of the event at `offset` in a finished log and, when `crc` is set,
    /// recomputes its CRC32 (the in-use bit of a Format_description event excluded, as servers
    /// do). For tests that need headers the builder does not write (fake Rotates, other server
    /// ids).
    pub fn rewrite_header(
        log: &mut [u8],
        offset: usize,
        crc: bool,
        edit: impl FnOnce(&mut EventHeader),
    ) {
        let Some(mut header) = log.get(offset..).and_then(EventHeader::from_prefix) else {
            return;
        };
        edit(&mut header);
        log[offset..offset + HEADER_LEN].copy_from_slice(&header.to_bytes());
        let end = offset + header.event_size as usize;
        if crc && end <= log.len() && end >= offset + HEADER_LEN + 4 {
            let mut hashed = log[offset..end - 4].to_vec();
            if header.event_type == EventType::FORMAT_DESCRIPTION {
                hashed[17] &= !(EventFlags::BINLOG_IN_USE as u8);
            }
            let sum = crc32fast::hash(&hashed);
            log[end - 4..end].copy_from_slice(&sum.to_le_bytes());
        }
    }

    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// Whether nothing was written (never: the magic and FDE are always there).
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// The log.
    pub fn finish(self) -> Vec<u8> {
        self.buf
    }
}
