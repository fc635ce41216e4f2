//! The v4 common event header and the small newtypes it is made of.

use std::fmt;

/// Length of the v4 common header (`LOG_EVENT_HEADER_LEN`).
pub const HEADER_LEN: usize = 19;
/// The four bytes every binary and relay log starts with.
pub const MAGIC: [u8; 4] = [0xfe, b'b', b'i', b'n'];
/// Length of the CRC32 trailer of a checksummed event.
pub const CHECKSUM_LEN: usize = 4;
/// Default upper bound on `event_size`: 1 GiB, the largest `max_allowed_packet`.
pub const MAX_EVENT_SIZE: u32 = 1 << 30;

/// A byte offset in one log file, from the start of the file (the magic is at 0, the first
/// event at 4). 64 bits, although the header's `end_log_pos` field is 32 bits and wraps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct LogPos(pub u64);

impl LogPos {
    /// Where the first event of every v4 log starts.
    pub const FIRST_EVENT: LogPos = LogPos(4);

    /// The offset as a number.
    pub const fn get(self) -> u64 {
        self.0
    }

    /// The 32-bit value a server writes in `end_log_pos` for this offset (wraps past 4 GiB).
    pub const fn wrapped(self) -> u32 {
        self.0 as u32
    }
}

impl fmt::Display for LogPos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The `server_id` of the server that originally wrote an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ServerId(pub u32);

impl fmt::Display for ServerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The 16-bit flags field of the common header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct EventFlags(pub u16);

impl EventFlags {
    /// `LOG_EVENT_BINLOG_IN_USE_F`: on a Format_description event, the file was open (not closed
    /// cleanly) when this byte was last written. Not covered by the event's CRC.
    pub const BINLOG_IN_USE: u16 = 0x0001;
    /// `LOG_EVENT_THREAD_SPECIFIC_F`.
    pub const THREAD_SPECIFIC: u16 = 0x0004;
    /// `LOG_EVENT_SUPPRESS_USE_F`.
    pub const SUPPRESS_USE: u16 = 0x0008;
    /// `LOG_EVENT_ARTIFICIAL_F`: made up by a replica or a dump thread, not by the original writer.
    pub const ARTIFICIAL: u16 = 0x0020;
    /// `LOG_EVENT_RELAY_LOG_F`: written by a replica into its relay log.
    pub const RELAY_LOG: u16 = 0x0040;
    /// `LOG_EVENT_IGNORABLE_F`: an unknown event with this flag may be skipped.
    pub const IGNORABLE: u16 = 0x0080;

    /// Whether every bit of `mask` is set.
    pub const fn contains(self, mask: u16) -> bool {
        self.0 & mask == mask
    }
}

/// The one-byte event type code. Every value is accepted; [`EventType::known_name`] knows MySQL's
/// codes 0..=42 and MariaDB's 160..=171.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct EventType(pub u8);

macro_rules! event_types {
    ($($(#[$doc:meta])* $name:ident = $code:literal, $text:literal;)*) => {
        impl EventType {
            $($(#[$doc])* pub const $name: EventType = EventType($code);)*

            /// The name mysqlbinlog-style listings use, or `None` for a code this crate does
            /// not know (such events are still framed, checked and returned raw).
            pub const fn known_name(self) -> Option<&'static str> {
                match self.0 {
                    $($code => Some($text),)*
                    _ => None,
                }
            }
        }
    };
}

event_types! {
    /// 0, never written.
    UNKNOWN = 0, "Unknown";
    /// 1, the first event of a v1 or v3 log (MySQL 3.23 and 4.x).
    START_V3 = 1, "Start_v3";
    /// 2, a statement (also BEGIN, COMMIT and DDL).
    QUERY = 2, "Query";
    /// 3, the server stopped cleanly; last event of the file.
    STOP = 3, "Stop";
    /// 4, names the next file; last event of a rotated file (or a relay log's fake rotate).
    ROTATE = 4, "Rotate";
    /// 5, `LAST_INSERT_ID` / `INSERT_ID` for the next statement.
    INTVAR = 5, "Intvar";
    /// 6, pre-5.0 LOAD DATA.
    LOAD = 6, "Load";
    /// 7, never written.
    SLAVE = 7, "Slave";
    /// 8, pre-5.0 LOAD DATA.
    CREATE_FILE = 8, "Create_file";
    /// 9, LOAD DATA file block.
    APPEND_BLOCK = 9, "Append_block";
    /// 10, pre-5.0 LOAD DATA.
    EXEC_LOAD = 10, "Exec_load";
    /// 11, LOAD DATA file removed.
    DELETE_FILE = 11, "Delete_file";
    /// 12, pre-5.0 LOAD DATA.
    NEW_LOAD = 12, "New_load";
    /// 13, `RAND()` seeds for the next statement.
    RAND = 13, "Rand";
    /// 14, a user variable used by the next statement.
    USER_VAR = 14, "User_var";
    /// 15, Format_description: version, checksum algorithm, post-header lengths.
    FORMAT_DESCRIPTION = 15, "Format_desc";
    /// 16, commit of an XA-capable (InnoDB) transaction.
    XID = 16, "Xid";
    /// 17, LOAD DATA first block.
    BEGIN_LOAD_QUERY = 17, "Begin_load_query";
    /// 18, LOAD DATA statement.
    EXECUTE_LOAD_QUERY = 18, "Execute_load_query";
    /// 19, maps a table id to a table for the rows events that follow.
    TABLE_MAP = 19, "Table_map";
    /// 20, 5.1 pre-GA write rows.
    PRE_GA_WRITE_ROWS = 20, "Write_rows_v0";
    /// 21, 5.1 pre-GA update rows.
    PRE_GA_UPDATE_ROWS = 21, "Update_rows_v0";
    /// 22, 5.1 pre-GA delete rows.
    PRE_GA_DELETE_ROWS = 22, "Delete_rows_v0";
    /// 23, write rows v1.
    WRITE_ROWS_V1 = 23, "Write_rows_v1";
    /// 24, update rows v1.
    UPDATE_ROWS_V1 = 24, "Update_rows_v1";
    /// 25, delete rows v1.
    DELETE_ROWS_V1 = 25, "Delete_rows_v1";
    /// 26, something happened the log cannot represent (e.g. lost events).
    INCIDENT = 26, "Incident";
    /// 27, sent by a primary to an idle replica; stored in relay logs by some versions.
    HEARTBEAT = 27, "Heartbeat";
    /// 28, ignorable.
    IGNORABLE = 28, "Ignorable";
    /// 29, the statement that produced the following rows events.
    ROWS_QUERY = 29, "Rows_query";
    /// 30, write rows v2.
    WRITE_ROWS = 30, "Write_rows";
    /// 31, update rows v2.
    UPDATE_ROWS = 31, "Update_rows";
    /// 32, delete rows v2.
    DELETE_ROWS = 32, "Delete_rows";
    /// 33, the GTID of the transaction that follows.
    GTID = 33, "Gtid";
    /// 34, a transaction without GTID.
    ANONYMOUS_GTID = 34, "Anonymous_gtid";
    /// 35, the GTIDs of every earlier file.
    PREVIOUS_GTIDS = 35, "Previous_gtids";
    /// 36, group replication.
    TRANSACTION_CONTEXT = 36, "Transaction_context";
    /// 37, group replication.
    VIEW_CHANGE = 37, "View_change";
    /// 38, XA PREPARE.
    XA_PREPARE = 38, "XA_prepare";
    /// 39, partial JSON update rows.
    PARTIAL_UPDATE_ROWS = 39, "Update_rows_partial";
    /// 40, a compressed transaction.
    TRANSACTION_PAYLOAD = 40, "Transaction_payload";
    /// 41, heartbeat v2.
    HEARTBEAT_V2 = 41, "Heartbeat_v2";
    /// 42, a GTID with a tag (MySQL 8.3+).
    GTID_TAGGED = 42, "Gtid_tagged";
    /// 160, MariaDB: the statement behind the following rows events.
    ANNOTATE_ROWS = 160, "Annotate_rows";
    /// 161, MariaDB: the oldest file still needed for crash recovery.
    BINLOG_CHECKPOINT = 161, "Binlog_checkpoint";
    /// 162, MariaDB GTID (domain, server, sequence) starting an event group.
    MARIADB_GTID = 162, "Mariadb_gtid";
    /// 163, MariaDB: the GTID position at the start of the file.
    GTID_LIST = 163, "Gtid_list";
    /// 164, MariaDB: the rest of the file is encrypted.
    START_ENCRYPTION = 164, "Start_encryption";
    /// 165, MariaDB compressed query.
    QUERY_COMPRESSED = 165, "Query_compressed";
    /// 166, MariaDB compressed write rows v1.
    WRITE_ROWS_COMPRESSED_V1 = 166, "Write_rows_compressed_v1";
    /// 167, MariaDB compressed update rows v1.
    UPDATE_ROWS_COMPRESSED_V1 = 167, "Update_rows_compressed_v1";
    /// 168, MariaDB compressed delete rows v1.
    DELETE_ROWS_COMPRESSED_V1 = 168, "Delete_rows_compressed_v1";
    /// 169, MariaDB compressed write rows v2.
    WRITE_ROWS_COMPRESSED = 169, "Write_rows_compressed";
    /// 170, MariaDB compressed update rows v2.
    UPDATE_ROWS_COMPRESSED = 170, "Update_rows_compressed";
    /// 171, MariaDB compressed delete rows v2.
    DELETE_ROWS_COMPRESSED = 171, "Delete_rows_compressed";
}

impl EventType {
    /// The type code.
    pub const fn code(self) -> u8 {
        self.0
    }

    /// Whether this crate knows the type's name.
    pub const fn is_known(self) -> bool {
        self.known_name().is_some()
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.known_name() {
            Some(name) => f.write_str(name),
            None => write!(f, "Unknown_{}", self.0),
        }
    }
}

/// The 19-byte v4 common header, every field decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventHeader {
    /// Seconds since the epoch when the statement began.
    pub timestamp: u32,
    /// The type code.
    pub event_type: EventType,
    /// The server that wrote the event originally.
    pub server_id: ServerId,
    /// Size of the whole event: header, body and checksum.
    pub event_size: u32,
    /// `end_log_pos`: where the next event starts in the originating server's binary log
    /// (mod 2^32). 0 for artificial events.
    pub log_pos: u32,
    /// Header flags.
    pub flags: EventFlags,
}

impl EventHeader {
    /// Decodes the 19 header bytes.
    pub fn parse(bytes: &[u8; HEADER_LEN]) -> EventHeader {
        let u32_at =
            |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
        EventHeader {
            timestamp: u32_at(0),
            event_type: EventType(bytes[4]),
            server_id: ServerId(u32_at(5)),
            event_size: u32_at(9),
            log_pos: u32_at(13),
            flags: EventFlags(u16::from_le_bytes([bytes[17], bytes[18]])),
        }
    }

    /// Decodes a header from the start of `bytes`, if 19 bytes are there.
    pub fn from_prefix(bytes: &[u8]) -> Option<EventHeader> {
        let head: &[u8; HEADER_LEN] = bytes.get(..HEADER_LEN)?.try_into().ok()?;
        Some(EventHeader::parse(head))
    }

    /// Encodes the header (used by the builder and by tests).
    pub fn to_bytes(&self) -> [u8; HEADER_LEN] {
        let mut out = [0u8; HEADER_LEN];
        out[0..4].copy_from_slice(&self.timestamp.to_le_bytes());
        out[4] = self.event_type.0;
        out[5..9].copy_from_slice(&self.server_id.0.to_le_bytes());
        out[9..13].copy_from_slice(&self.event_size.to_le_bytes());
        out[13..17].copy_from_slice(&self.log_pos.to_le_bytes());
        out[17..19].copy_from_slice(&self.flags.0.to_le_bytes());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trips() {
        let h = EventHeader {
            timestamp: 1_700_000_000,
            event_type: EventType::XID,
            server_id: ServerId(7),
            event_size: 31,
            log_pos: 4_294_967_295,
            flags: EventFlags(EventFlags::ARTIFICIAL),
        };
        assert_eq!(EventHeader::parse(&h.to_bytes()), h);
    }

    #[test]
    fn names_cover_both_flavours_and_unknown_codes() {
        assert_eq!(EventType::GTID_TAGGED.to_string(), "Gtid_tagged");
        assert_eq!(EventType::GTID_LIST.to_string(), "Gtid_list");
        assert_eq!(EventType(100).to_string(), "Unknown_100");
        assert!(!EventType(172).is_known());
    }

    #[test]
    fn log_pos_wraps_like_the_server() {
        assert_eq!(LogPos((1 << 32) + 10).wrapped(), 10);
    }
}
