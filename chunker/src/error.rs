//! The crate's one error type.

use std::fmt;

/// Everything that can go wrong choosing a key, walking a table or talking to a server.
///
/// Each variant names the table (`schema.name`) and, where there is one, the chunk number, so a
/// message can be acted on without more context. Messages are lowercase and carry the bad value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The table has no column definitions (it does not exist, or the model is empty).
    #[error(
        "table {table}: no such table, or it has no columns (check the name as SHOW TABLES \
         gives it, and that the user may read it)"
    )]
    NoSuchTable {
        /// The table, `schema.name`.
        table: String,
    },
    /// A requested index does not exist.
    #[error("table {table}: no index named {index:?}")]
    NoSuchIndex {
        /// The table, `schema.name`.
        table: String,
        /// The requested index name.
        index: String,
    },
    /// A requested index exists but cannot be walked.
    #[error("table {table}: index {index:?} cannot be walked: {reason}")]
    UnusableIndex {
        /// The table, `schema.name`.
        table: String,
        /// The index name.
        index: String,
        /// Why (a prefix key part, a column type that cannot bound chunks, ...).
        reason: String,
    },
    /// A chunk size or selection that cannot be used.
    #[error("table {table}: invalid walk settings: {reason}")]
    InvalidSettings {
        /// The table, `schema.name`.
        table: String,
        /// What is wrong, with the bad value.
        reason: String,
    },
    /// Rows fed to the walker do not fit the query it asked for.
    #[error("table {table}, chunk {chunk}: bad answer to the boundary query: {reason}")]
    BadAnswer {
        /// The table, `schema.name`.
        table: String,
        /// The number of the chunk being cut.
        chunk: u64,
        /// What is wrong, with the bad value.
        reason: String,
    },
    /// The walk would not advance: the server returned a boundary equal to the current one.
    /// Reported instead of looping.
    #[error("table {table}, chunk {chunk}: walk made no progress at boundary {boundary}")]
    NoProgress {
        /// The table, `schema.name`.
        table: String,
        /// The number of the chunk being cut.
        chunk: u64,
        /// The boundary that repeated, as JSON-like text.
        boundary: String,
    },
    /// A column type from the server that this crate cannot read.
    #[error("table {table}: column {column:?}: cannot understand type {column_type:?}: {reason}")]
    BadColumnType {
        /// The table, `schema.name`.
        table: String,
        /// The column name.
        column: String,
        /// The type as the server spelled it.
        column_type: String,
        /// What is wrong.
        reason: String,
    },
    /// A wire value that does not fit the column type it was read for.
    #[error("cannot read {value} as {column_type}")]
    BadValue {
        /// The value as received (debug form).
        value: String,
        /// The column type it was read for (debug form).
        column_type: String,
    },
    /// An error from the server or the connection (`mysql` feature). Shown in words: the
    /// server's code, state and message (`server error 1146 (42S02): Table 'd.t' doesn't
    /// exist`), not the driver's `MySqlError { .. }` form.
    #[cfg(feature = "mysql")]
    #[error("table {table}{}: {}", ChunkSuffix(*.chunk), MysqlWords(.source))]
    Mysql {
        /// The table, `schema.name`.
        table: String,
        /// The chunk being cut or read, if any.
        chunk: Option<u64>,
        /// The client library's error.
        source: mysql::Error,
    },
}

/// Formats `, chunk N` when there is a chunk number, nothing otherwise.
#[allow(dead_code)] // used only by the `mysql` feature's variant
struct ChunkSuffix(Option<u64>);

impl fmt::Display for ChunkSuffix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(n) => write!(f, ", chunk {n}"),
            None => Ok(()),
        }
    }
}

/// A driver error in words, as `checksum::live::describe` gives it (this crate does not depend
/// on `checksum`): a server error as its code, state and message with what to check where that
/// is knowable, a connection failure as a sentence, never the driver's `MySqlError { .. }`,
/// `DriverError { .. }` or `IoError { .. }` wrappers.
#[cfg(feature = "mysql")]
struct MysqlWords<'a>(&'a mysql::Error);

#[cfg(feature = "mysql")]
impl fmt::Display for MysqlWords<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use mysql::Error as E;
        match self.0 {
            E::MySqlError(m) => {
                let hint = match m.code {
                    1044 | 1142 | 1143 | 1227 => "; grant the user the privilege named above",
                    1049 => "; check the database name",
                    1146 => "; check the table name",
                    _ => "",
                };
                write!(
                    f,
                    "server error {} ({}): {}{hint}",
                    m.code, m.state, m.message
                )
            }
            E::IoError(io) => write!(f, "connection failed: {io}"),
            E::CodecError(c) => write!(f, "connection failed: {c}"),
            E::DriverError(d) => lowercase_first(f, &d.to_string()),
            E::UrlError(u) => lowercase_first(f, &u.to_string()),
            other => lowercase_first(f, &other.to_string()),
        }
    }
}

/// Writes `text` with its first character lowercase, as this crate's messages are.
#[cfg(feature = "mysql")]
fn lowercase_first(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    let mut chars = text.chars();
    if let Some(c) = chars.next() {
        for lower in c.to_lowercase() {
            fmt::Write::write_char(f, lower)?;
        }
    }
    f.write_str(chars.as_str())
}

#[cfg(test)]
mod tests {
    use super::Error;

    #[test]
    fn messages_name_table_chunk_and_value() {
        let e = Error::NoProgress {
            table: "shop.orders".into(),
            chunk: 7,
            boundary: "[\"a\"]".into(),
        };
        assert_eq!(
            e.to_string(),
            "table shop.orders, chunk 7: walk made no progress at boundary [\"a\"]"
        );
        let e = Error::NoSuchIndex {
            table: "d.t".into(),
            index: "k".into(),
        };
        assert_eq!(e.to_string(), "table d.t: no index named \"k\"");
    }

    // Shown directly (table-checksum printing a `live::load_table` error), a server error read
    // "table d.t: MySqlError { ERROR 1146 (42S02): ... }", the driver's debug-like form.
    #[cfg(feature = "mysql")]
    #[test]
    fn server_errors_are_code_state_and_message_in_words() {
        let server = |code: u16, state: &str, message: &str| {
            mysql::Error::MySqlError(mysql::MySqlError {
                state: state.into(),
                message: message.into(),
                code,
            })
        };
        let e = Error::Mysql {
            table: "d.t".into(),
            chunk: None,
            source: server(1146, "42S02", "Table 'd.t' doesn't exist"),
        };
        assert_eq!(
            e.to_string(),
            "table d.t: server error 1146 (42S02): Table 'd.t' doesn't exist; check the table name"
        );
        let e = Error::Mysql {
            table: "shop.orders".into(),
            chunk: Some(3),
            source: server(
                1142,
                "42000",
                "SELECT command denied to user 'ro'@'localhost' for table 'orders'",
            ),
        };
        assert_eq!(
            e.to_string(),
            "table shop.orders, chunk 3: server error 1142 (42000): SELECT command denied to \
             user 'ro'@'localhost' for table 'orders'; grant the user the privilege named above"
        );
        let e = Error::Mysql {
            table: "d.t".into(),
            chunk: Some(1),
            source: server(1317, "70100", "Query execution was interrupted"),
        };
        assert_eq!(
            e.to_string(),
            "table d.t, chunk 1: server error 1317 (70100): Query execution was interrupted"
        );
        // A dropped connection: a sentence, not `IoError { .. }` or `DriverError { .. }`.
        let e = Error::Mysql {
            table: "d.t".into(),
            chunk: None,
            source: mysql::Error::IoError(std::io::Error::new(
                std::io::ErrorKind::BrokenPipe,
                "server disconnected",
            )),
        };
        assert_eq!(
            e.to_string(),
            "table d.t: connection failed: server disconnected"
        );
        let e = Error::Mysql {
            table: "d.t".into(),
            chunk: None,
            source: mysql::Error::DriverError(mysql::DriverError::ConnectTimeout),
        };
        let text = e.to_string();
        assert!(text.starts_with("table d.t: "), "{text}");
        assert!(!text.contains("Error {"), "{text}");
        assert!(
            text["table d.t: ".len()..].starts_with(char::is_lowercase),
            "{text}"
        );
        // The driver's error stays the source, for callers that describe it themselves.
        assert!(std::error::Error::source(&e).is_some());
    }
}
