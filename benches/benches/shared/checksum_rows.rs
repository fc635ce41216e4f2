//! The rows the client-side checksum bench hashes (shared with the `hash_rows` example, which
//! runs the same work a fixed number of times for instruction counts under callgrind).

use chunker::{Collation, Column, ColumnType, Table, TextKind, Value};

pub const ROWS: usize = 20_000;

pub fn mixed_table() -> Table {
    let int = |n: &str, bytes| {
        Column::new(
            n,
            ColumnType::Integer {
                bytes,
                unsigned: false,
            },
        )
    };
    let text = |n: &str| {
        Column::new(
            n,
            ColumnType::Text {
                kind: TextKind::Var,
                max_len: 40,
            },
        )
        .collation(Collation::new("utf8mb4_general_ci"))
    };
    Table::new("bench", "mixed")
        .column(int("id", 4))
        .column(int("a", 4))
        .column(int("b", 8))
        .column(text("c"))
        .column(Column::new("d", ColumnType::Double { scale: None }))
        .column(Column::new("e", ColumnType::DateTime { fsp: 0 }))
        .column(Column::new(
            "f",
            ColumnType::Decimal {
                precision: 12,
                scale: 3,
            },
        ))
        .column(text("g"))
}

pub fn mixed_rows() -> (Vec<Vec<Value>>, u64) {
    let mut bytes = 0u64;
    let rows = (0..ROWS as i64)
        .map(|n| {
            let c = format!(
                "name-{n}-{:020x}",
                (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
            );
            let f = format!("{}.{:03}", n / 3, n % 1000);
            bytes += 4 + 4 + 8 + c.len() as u64 + 8 + 8 + f.len() as u64 + 5;
            vec![
                Value::Int(n),
                Value::Int(n * 7 % 1000),
                Value::Int(n * 123_457),
                Value::Bytes(c.into_bytes()),
                Value::Double(n as f64 / 7.0),
                Value::DateTime {
                    year: 2024,
                    month: 1,
                    day: 1 + (n % 28) as u8,
                    hour: (n % 24) as u8,
                    minute: (n % 60) as u8,
                    second: 7,
                    micros: 0,
                },
                Value::Bytes(f.into_bytes()),
                Value::text("xyzzy"),
            ]
        })
        .collect();
    (rows, bytes)
}

pub fn blob_table() -> Table {
    Table::new("bench", "blobs")
        .column(Column::new(
            "id",
            ColumnType::Integer {
                bytes: 8,
                unsigned: true,
            },
        ))
        .column(Column::new(
            "payload",
            ColumnType::Binary {
                kind: TextKind::Lob,
                max_len: 65_535,
            },
        ))
}

pub fn blob_rows() -> (Vec<Vec<Value>>, u64) {
    let rows: Vec<Vec<Value>> = (0..ROWS as u64 / 4)
        .map(|n| {
            vec![
                Value::UInt(n),
                Value::Bytes((0..1024).map(|i| (i as u64 * 31 + n) as u8).collect()),
            ]
        })
        .collect();
    let bytes = rows.len() as u64 * (8 + 1024);
    (rows, bytes)
}

/// The protocol column types (code, unsigned) of [`mixed_table`] in a binary result, as
/// MariaDB sends them: INT, INT, BIGINT, VARCHAR, DOUBLE, DATETIME, DECIMAL, VARCHAR.
pub const MIXED_WIRE: [(u8, bool); 8] = [
    (3, false),
    (3, false),
    (8, false),
    (253, false),
    (5, false),
    (12, false),
    (246, false),
    (253, false),
];

/// `rows` as binary-protocol row packets, back to back in one buffer (as a connection's read
/// buffer holds them), with where each ends: 0x00, the NULL bitmap (offset 2), then each value
/// (integers and doubles little-endian at their width, DATETIME with its length byte, bytes
/// length-prefixed).
pub fn binary_packets(rows: &[Vec<Value>], wire: &[(u8, bool)]) -> (Vec<u8>, Vec<usize>) {
    let mut buf = Vec::new();
    let mut ends = Vec::new();
    for row in rows {
        buf.push(0);
        let bitmap = buf.len();
        buf.resize(bitmap + (row.len() + 9) / 8, 0);
        for (i, (v, &(code, _))) in row.iter().zip(wire).enumerate() {
            match v {
                Value::Null => buf[bitmap + (i + 2) / 8] |= 1 << ((i + 2) % 8),
                Value::Int(n) => match code {
                    1 => buf.push(*n as u8),
                    2 => buf.extend_from_slice(&(*n as i16).to_le_bytes()),
                    3 => buf.extend_from_slice(&(*n as i32).to_le_bytes()),
                    _ => buf.extend_from_slice(&n.to_le_bytes()),
                },
                Value::UInt(n) => buf.extend_from_slice(&n.to_le_bytes()),
                Value::Double(d) => buf.extend_from_slice(&d.to_le_bytes()),
                Value::Float(f) => buf.extend_from_slice(&f.to_le_bytes()),
                Value::Bytes(b) => {
                    assert!(b.len() < 0xFB, "the bench writes one-byte lengths only");
                    buf.push(b.len() as u8);
                    buf.extend_from_slice(b);
                }
                Value::DateTime {
                    year,
                    month,
                    day,
                    hour,
                    minute,
                    second,
                    micros,
                } => {
                    let mut v = year.to_le_bytes().to_vec();
                    v.extend_from_slice(&[*month, *day, *hour, *minute, *second]);
                    if *micros != 0 {
                        v.extend_from_slice(&micros.to_le_bytes());
                    } else if (*hour, *minute, *second) == (0, 0, 0) {
                        v.truncate(4);
                    }
                    buf.push(v.len() as u8);
                    buf.extend_from_slice(&v);
                }
                other => panic!("the bench does not write {other:?}"),
            }
        }
        ends.push(buf.len());
    }
    (buf, ends)
}

/// The packets of [`binary_packets`] as slices.
pub fn packet_slices<'a>(buf: &'a [u8], ends: &'a [usize]) -> impl Iterator<Item = &'a [u8]> {
    std::iter::once(0)
        .chain(ends.iter().copied())
        .zip(ends)
        .map(|(start, &end)| &buf[start..end])
}
