//! The one error type of this crate.

/// Everything that can go wrong while comparing rows, planning a repair, rendering it or (with the
/// `mysql` feature) running it. Each variant names the table (`schema.name`) and, where there is
/// one, the key of the row concerned, rendered as `col=value, ...`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value cannot be written as an exact SQL literal for its column (NaN or infinite floats,
    /// a DECIMAL text that is not a number, a value of the wrong kind for the column type).
    #[error("table {table}: column {column}: no exact literal for {value}: {reason}")]
    Literal {
        /// `schema.name`.
        table: String,
        /// The column name.
        column: String,
        /// The offending value, debug-formatted.
        value: String,
        /// Why it cannot be written.
        reason: &'static str,
    },
    /// A row does not have one value per column of the table.
    #[error("table {table}: row has {found} values, the table has {expected} columns")]
    RowShape {
        /// `schema.name`.
        table: String,
        /// Columns in the table model.
        expected: usize,
        /// Values in the row.
        found: usize,
    },
    /// Two rows of one side have the same identity key: the sides disagree about the key's
    /// collation, or the model names a key the table does not enforce.
    #[error("table {table}: two {side} rows share the key {key}")]
    DuplicateKey {
        /// `schema.name`.
        table: String,
        /// `source` or `target`.
        side: &'static str,
        /// The key, `col=value, ...`.
        key: String,
    },
    /// Keys of this collation cannot be compared in Rust with certainty; the server's weight
    /// strings are needed (the `mysql` feature fetches them).
    #[error("table {table}: key column {column} with collation {collation}: value {value} needs the server's weight string to compare")]
    NeedsServerCollation {
        /// `schema.name`.
        table: String,
        /// The key column.
        column: String,
        /// Its collation.
        collation: String,
        /// The value, debug-formatted.
        value: String,
    },
    /// The requested plan needs a unique key the table does not have (REPLACE through the
    /// primary with `--sync-to-master` acts like a plain INSERT without one).
    #[error("table {table}: {what} needs a primary or NOT NULL unique key without FLOAT/DOUBLE or prefix parts")]
    NeedsUniqueKey {
        /// `schema.name`.
        table: String,
        /// What needed it.
        what: &'static str,
    },
    /// The table model is inconsistent (an index names a missing column, ...).
    #[error("table {table}: inconsistent table model: {reason}")]
    Model {
        /// `schema.name`.
        table: String,
        /// What is wrong.
        reason: String,
    },
    /// The direction of the repair is unsafe: writing on a replica, or source and target swapped.
    #[error("refusing to plan or apply this repair: {reason}")]
    Unsafe {
        /// Which safeguard tripped and why, naming both sides (never a password).
        reason: String,
    },
    /// A server query failed (`mysql` feature).
    #[error("table {table} on the {side}: {message}")]
    Server {
        /// `schema.name`, or empty for server-wide queries.
        table: String,
        /// `source` or `target`.
        side: &'static str,
        /// The driver's message.
        message: String,
    },
    /// Serializing or reading a JSON plan failed.
    #[error("json plan: {0}")]
    Json(String),
}

impl Error {
    pub(crate) fn literal(
        table: &str,
        column: &str,
        value: &chunker::Value,
        reason: &'static str,
    ) -> Error {
        Error::Literal {
            table: table.to_string(),
            column: column.to_string(),
            value: format!("{value:?}"),
            reason,
        }
    }
}
