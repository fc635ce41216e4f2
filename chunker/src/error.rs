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
    /// An error from the server or the connection (`mysql` feature).
    #[cfg(feature = "mysql")]
    #[error("table {table}{}: {source}", ChunkSuffix(*.chunk))]
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
}
