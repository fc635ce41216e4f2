//! How each column of a table enters the row hash, for each algorithm: one decision per column
//! that both the server-side SQL and the client-side encoder follow, so they cannot drift apart.

use chunker::sql::quote_ident;
use chunker::{Column, ColumnType, Table, TextKind};

use crate::charset::ToUtf8;
use crate::dialect::Dialect;
use crate::Algorithm;

/// How the client turns one column's value into the text the server hashes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Enc {
    /// Integers (and `YEAR` in pt): decimal.
    Int,
    /// `DECIMAL`: the text the binary protocol carries.
    DecimalText,
    /// `FLOAT`/`DOUBLE` as an exact double: shortest round-trip digits.
    Double,
    /// `FLOAT` in its column text form: 6 significant digits (pt only).
    Float6,
    /// `FLOAT(M,D)`/`DOUBLE(M,D)` in its column text form: exactly `D` decimals (pt only).
    Fixed(u8),
    /// `BIT` as the number it holds, in decimal (strong: `col + 0`).
    BitNumber,
    /// The value's bytes, unconverted.
    Raw,
    /// The value's bytes converted to utf8mb4 (pt's `convert(col using utf8mb4)`).
    Utf8(ToUtf8),
    /// `CRC32(col)` of the value's bytes, in decimal (pt, for BLOB/TEXT/BINARY).
    Crc32,
    /// `DATE`: `YYYY-MM-DD`.
    Date,
    /// `DATETIME(fsp)`.
    DateTime(u8),
    /// `UNIX_TIMESTAMP(col)` of a `TIMESTAMP(fsp)` read in UTC.
    Epoch(u8),
    /// `TIME(fsp)`.
    Time(u8),
    /// `YEAR`: four digits.
    Year,
    /// The client cannot reproduce this column ([`ColPlan::unsupported`] says why).
    Unsupported,
}

/// One column's part in the row hash.
#[derive(Clone, Debug)]
pub(crate) struct ColPlan {
    /// The column name (unquoted).
    pub(crate) name: String,
    /// The SQL expression whose text the server hashes (before `QUOTE`/`CONCAT_WS`).
    pub(crate) sql: String,
    /// How the client produces the same text.
    pub(crate) enc: Enc,
    /// Why the client cannot reproduce the column, with [`Enc::Unsupported`] (empty otherwise;
    /// kept out of `Enc` so that `Enc` stays a plain tag the encoder matches cheaply).
    pub(crate) unsupported: String,
    /// Whether the column accepts NULL.
    pub(crate) nullable: bool,
    /// The width to which the client pads the value's text with leading zeros, for a
    /// `ZEROFILL` column whose expression is the column's own padded text.
    pub(crate) zerofill: Option<u8>,
}

/// The strong algorithm's expression and encoding for one column.
pub(crate) fn strong_column(col: &Column, dialect: Dialect) -> ColPlan {
    let q = quote_ident(&col.name);
    let (sql, enc) = match &col.column_type {
        ColumnType::Integer { .. } => (q, Enc::Int),
        ColumnType::Decimal { .. } => (q, Enc::DecimalText),
        // Whatever `(M,D)` says: `CAST(... AS DOUBLE)` shows every stored bit.
        ColumnType::Float { .. } | ColumnType::Double { .. } => {
            (dialect.exact_double(&q), Enc::Double)
        }
        ColumnType::Bit { .. } => (format!("({q} + 0)"), Enc::BitNumber),
        ColumnType::Binary { .. } => (q, Enc::Raw),
        ColumnType::Date => (q, Enc::Date),
        ColumnType::DateTime { fsp } => (q, Enc::DateTime(*fsp)),
        ColumnType::Timestamp { fsp } => (format!("UNIX_TIMESTAMP({q})"), Enc::Epoch(*fsp)),
        ColumnType::Time { fsp } => (q, Enc::Time(*fsp)),
        ColumnType::Year => (q, Enc::Year),
        ColumnType::Text { .. }
        | ColumnType::Enum { .. }
        | ColumnType::Set { .. }
        | ColumnType::Json => (format!("CAST({q} AS BINARY)"), Enc::Raw),
        // Other types (INET6, UUID, spatial, ...) by the bytes the protocol sends for them,
        // which is what the server's string conversion of the column gives.
        _ => (q, Enc::Raw),
    };
    // `QUOTE(col)` of a ZEROFILL integer or DECIMAL is padded; the exact-double cast of FLOAT
    // and DOUBLE is not.
    let zerofill = match col.column_type {
        ColumnType::Integer { .. } | ColumnType::Decimal { .. } => col.zerofill,
        _ => None,
    };
    ColPlan {
        name: col.name.clone(),
        sql,
        enc,
        unsupported: String::new(),
        nullable: col.nullable,
        zerofill,
    }
}

/// The type word pt-table-checksum reads from `SHOW CREATE TABLE` for this column.
pub(crate) fn pt_type_word(column_type: &ColumnType, dialect: Dialect) -> String {
    let word = match column_type {
        ColumnType::Integer { bytes, .. } => match bytes {
            1 => "tinyint",
            2 => "smallint",
            3 => "mediumint",
            4 => "int",
            _ => "bigint",
        },
        ColumnType::Decimal { .. } => "decimal",
        // `float(7,2)` and `double(10,3)` too: pt keeps the letters of the type only.
        ColumnType::Float { .. } => "float",
        ColumnType::Double { .. } => "double",
        ColumnType::Bit { .. } => "bit",
        ColumnType::Text { kind, max_len } => match kind {
            TextKind::Fixed => "char",
            TextKind::Var => "varchar",
            TextKind::Lob => lob_word(*max_len, "text"),
        },
        ColumnType::Binary { kind, max_len } => match kind {
            TextKind::Fixed => "binary",
            TextKind::Var => "varbinary",
            TextKind::Lob => lob_word(*max_len, "blob"),
        },
        ColumnType::Date => "date",
        ColumnType::DateTime { .. } => "datetime",
        ColumnType::Timestamp { .. } => "timestamp",
        ColumnType::Time { .. } => "time",
        ColumnType::Year => "year",
        ColumnType::Enum { .. } => "enum",
        ColumnType::Set { .. } => "set",
        ColumnType::Json if dialect.json_is_longtext() => "longtext",
        ColumnType::Json => "json",
        ColumnType::Other { name } => {
            return name
                .trim_start()
                .chars()
                .take_while(char::is_ascii_alphabetic)
                .collect::<String>()
                .to_ascii_lowercase()
        }
        // A type added to the model later: hashed as a plain column.
        _ => "other",
    };
    word.to_string()
}

fn lob_word(max_len: u64, base: &'static str) -> &'static str {
    match (max_len, base) {
        (0..=255, "text") => "tinytext",
        (0..=255, _) => "tinyblob",
        (256..=65_535, b) => b,
        (65_536..=16_777_215, "text") => "mediumtext",
        (65_536..=16_777_215, _) => "mediumblob",
        (_, "text") => "longtext",
        _ => "longblob",
    }
}

/// pt-table-checksum 3.2.1's expression and encoding for one column (`get_checksum_columns`
/// then the utf8mb4 conversion in `make_row_checksum`).
pub(crate) fn pt_column(col: &Column, dialect: Dialect) -> ColPlan {
    let q = quote_ident(&col.name);
    let word = pt_type_word(&col.column_type, dialect);
    let charset = col.collation.as_ref().map_or("utf8mb4", |c| c.charset());
    let (sql, enc) = if word == "timestamp" {
        let fsp = match col.column_type {
            ColumnType::Timestamp { fsp } => fsp,
            _ => 0,
        };
        (format!("UNIX_TIMESTAMP({q})"), Enc::Epoch(fsp))
    } else if ["blob", "text", "binary"].iter().any(|w| word.contains(w)) {
        (format!("CRC32({q})"), Enc::Crc32)
    } else if ["char", "varchar", "enum", "set", "json"].contains(&word.as_str()) {
        let enc = match ToUtf8::for_charset(charset) {
            Some(conv) => Enc::Utf8(conv),
            None => Enc::Unsupported,
        };
        (format!("convert({q} using utf8mb4)"), enc)
    } else {
        let enc = match &col.column_type {
            ColumnType::Integer { .. } => Enc::Int,
            ColumnType::Decimal { .. } => Enc::DecimalText,
            ColumnType::Float { scale: None } => Enc::Float6,
            ColumnType::Double { scale: None } => Enc::Double,
            ColumnType::Float { scale: Some(d) } | ColumnType::Double { scale: Some(d) } => {
                Enc::Fixed(*d)
            }
            ColumnType::Date => Enc::Date,
            ColumnType::DateTime { fsp } => Enc::DateTime(*fsp),
            ColumnType::Time { fsp } => Enc::Time(*fsp),
            ColumnType::Year => Enc::Year,
            // BIT in a string context is its bytes; other types by the text the protocol sends.
            _ => Enc::Raw,
        };
        (q, enc)
    };
    // pt hashes the column itself: a ZEROFILL number's text is padded.
    let zerofill = match col.column_type {
        ColumnType::Integer { .. }
        | ColumnType::Decimal { .. }
        | ColumnType::Float { .. }
        | ColumnType::Double { .. } => col.zerofill,
        _ => None,
    };
    let unsupported = if enc == Enc::Unsupported {
        format!("conversion from charset {charset} to utf8mb4")
    } else {
        String::new()
    };
    ColPlan {
        name: col.name.clone(),
        sql,
        enc,
        unsupported,
        nullable: col.nullable,
        zerofill,
    }
}

/// The row text of `Strong` and `Fast`: `CONCAT(QUOTE(e1), QUOTE(e2), ...)`.
fn quoted_row(columns: &[ColPlan]) -> String {
    let parts: Vec<String> = columns
        .iter()
        .map(|c| format!("QUOTE({})", c.sql))
        .collect();
    if parts.len() == 1 {
        parts.concat()
    } else {
        format!("CONCAT({})", parts.join(", "))
    }
}

/// The per-row hash expression (an unsigned integer) for `columns` under `algorithm`.
pub(crate) fn row_hash_sql(algorithm: Algorithm, columns: &[ColPlan]) -> String {
    match algorithm {
        Algorithm::Strong => format!(
            "CAST(CONV(LEFT(MD5({}), 16), 16, 10) AS UNSIGNED)",
            quoted_row(columns)
        ),
        Algorithm::Fast => format!("CRC32({})", quoted_row(columns)),
        Algorithm::Pt => {
            let mut parts: Vec<String> = columns.iter().map(|c| c.sql.clone()).collect();
            let nulls: Vec<String> = columns
                .iter()
                .filter(|c| c.nullable)
                .map(|c| format!("ISNULL({})", quote_ident(&c.name)))
                .collect();
            if !nulls.is_empty() {
                parts.push(format!("CONCAT({})", nulls.join(", ")));
            }
            if parts.len() == 1 {
                format!("CRC32({})", parts.concat())
            } else {
                format!("CRC32(CONCAT_WS('#', {}))", parts.join(", "))
            }
        }
    }
}

/// The plans of all of `table`'s columns, in table order.
pub(crate) fn columns(table: &Table, algorithm: Algorithm, dialect: Dialect) -> Vec<ColPlan> {
    table
        .columns
        .iter()
        .map(|c| match algorithm {
            Algorithm::Strong | Algorithm::Fast => strong_column(c, dialect),
            Algorithm::Pt => pt_column(c, dialect),
        })
        .collect()
}
