//! Row images applied as a replica's SQL thread applies them: a Table_map and a Write_rows
//! event, built with `binlog_parse::builder::LogBuilder` and run through a `BINLOG`
//! statement, for values no SQL write stores (MariaDB stores `+0` for every `-0` written
//! through SQL, but keeps a row image's `-0`).

use std::error::Error;

use mysql::prelude::Queryable;
use mysql::Conn;

/// One column of a Table_map event: its binary log type and metadata bytes.
pub type MapColumn = (u8, &'static [u8]);

/// `INT` (`MYSQL_TYPE_LONG`) in a Table_map.
pub const INT: MapColumn = (3, &[]);
/// `FLOAT` (metadata: its size).
pub const FLOAT: MapColumn = (4, &[4]);
/// `DOUBLE` (metadata: its size).
pub const DOUBLE: MapColumn = (5, &[8]);

/// Runs on `conn` the `BINLOG` statements that apply one Write_rows event inserting `rows`
/// (each a row image: a null bitmap byte, then the column values little-endian) into
/// `db.table` of `columns` (all nullable but the first): what a replica's SQL thread does with
/// a row image from its primary, here for values no SQL write on MariaDB stores. The events
/// are built with `binlog_parse::builder::LogBuilder` (a MariaDB 10.11 Format_description,
/// CRC32) and base64-encoded by the server.
pub fn apply(
    conn: &mut Conn,
    db: &str,
    table: &str,
    columns: &[MapColumn],
    rows: &[Vec<u8>],
) -> Result<(), Box<dyn Error>> {
    use binlog_parse::{builder::LogBuilder, EventType};
    const TABLE_ID: u64 = 4242;
    let n = u8::try_from(columns.len())?;
    let mut map = TABLE_ID.to_le_bytes()[..6].to_vec(); // table id
    map.extend_from_slice(&1u16.to_le_bytes()); // flags
    for name in [db, table] {
        map.push(u8::try_from(name.len())?);
        map.extend_from_slice(name.as_bytes());
        map.push(0);
    }
    map.push(n); // column count
    map.extend(columns.iter().map(|c| c.0)); // column types
    let metadata: Vec<u8> = columns.iter().flat_map(|c| c.1.iter().copied()).collect();
    map.push(u8::try_from(metadata.len())?);
    map.extend_from_slice(&metadata);
    let mut nullable = vec![0u8; columns.len().div_ceil(8)]; // every column but the first
    for i in 1..columns.len() {
        nullable[i / 8] |= 1 << (i % 8);
    }
    map.extend_from_slice(&nullable);
    let mut write = TABLE_ID.to_le_bytes()[..6].to_vec(); // table id
    write.extend_from_slice(&1u16.to_le_bytes()); // flags: statement end
    write.push(n); // column count
    write.extend(std::iter::repeat_n(0xff, columns.len().div_ceil(8))); // columns present
    for row in rows {
        write.extend_from_slice(row);
    }
    let log = LogBuilder::mariadb()
        .event(EventType::TABLE_MAP, &map)
        .event(EventType::WRITE_ROWS_V1, &write)
        .finish();
    // Magic, then events (the size at bytes 9-12 of each header): the Format_description
    // first, the builder's Gtid_list, the two above last.
    let mut events = Vec::new();
    let mut at = 4;
    while at < log.len() {
        let size = u32::from_le_bytes(log[at + 9..at + 13].try_into()?) as usize;
        events.push(&log[at..at + size]);
        at += size;
    }
    let [fde, _, table_map, write_rows] = events[..] else {
        return Err(format!("{} events built, 4 expected", events.len()).into());
    };
    for bytes in [fde.to_vec(), [table_map, write_rows].concat()] {
        let text: Option<String> = conn.exec_first("SELECT TO_BASE64(?)", (bytes,))?;
        conn.query_drop(format!("BINLOG '{}'", text.ok_or("no base64")?))?;
    }
    Ok(())
}
