//! The crate's one error type.

/// Where an error happened: the table (`schema.name`) and, when known, the chunk number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct At {
    /// The table, `schema.name`.
    pub table: String,
    /// The chunk number, when the error belongs to one chunk.
    pub chunk: Option<u64>,
}

impl std::fmt::Display for At {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.chunk {
            Some(n) => write!(f, "table {} chunk {n}", self.table),
            None => write!(f, "table {}", self.table),
        }
    }
}

/// Everything that can go wrong while checksumming. Each variant names the table and, where
/// there is one, the chunk.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A row handed to the client-side engine has the wrong number of values.
    #[error("{at}: row has {found} values but the table has {expected} columns")]
    RowWidth {
        /// Where.
        at: At,
        /// Number of columns in the table model.
        expected: usize,
        /// Number of values in the row.
        found: usize,
    },
    /// A value does not fit its column's declared type.
    #[error("{at}: column {column} ({expected}) got value {found}")]
    ValueType {
        /// Where.
        at: At,
        /// The column name.
        column: String,
        /// The kind of value the column type needs.
        expected: &'static str,
        /// The value received, abbreviated.
        found: String,
    },
    /// The chosen algorithm's client-side engine cannot reproduce the server's value for a
    /// column (the server-side SQL still works).
    #[error("{at}: client-side {algorithm} checksum cannot reproduce column {column}: {reason}")]
    Unsupported {
        /// Where.
        at: At,
        /// `strong` or `pt`.
        algorithm: &'static str,
        /// The column name.
        column: String,
        /// Why.
        reason: String,
    },
    /// The server returned something the crate cannot read (a checksum that is not hex, a
    /// count that is not a number).
    #[error("{at}: unexpected server result: {detail}")]
    BadResult {
        /// Where.
        at: At,
        /// What was wrong, with the value.
        detail: String,
    },
    /// A server statement failed. URLs in the message are redacted.
    #[error("{at}: {server}: {message}")]
    Server {
        /// Where.
        at: At,
        /// Which server (`source`, `target`, `primary`, `replica`), as the caller named it.
        server: String,
        /// The server's or driver's message.
        message: String,
    },
    /// A server could not be reached (the URL's password is redacted).
    #[error("cannot connect to the {server} at {url}: {message}")]
    Connect {
        /// Which server (`source`, `target`, ...).
        server: String,
        /// The URL, password replaced by `***`.
        url: String,
        /// The driver's message (redacted too).
        message: String,
    },
    /// A progress checkpoint could not be read or written.
    #[error("checkpoint {path}: {message}")]
    Checkpoint {
        /// The checkpoint file.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// A table cannot be checksummed as asked (no usable key for chunking, inconsistent model).
    #[error("{at}: {reason}")]
    Table {
        /// Where.
        at: At,
        /// Why.
        reason: String,
    },
}

impl Error {
    /// The table and chunk the error belongs to (`None` for checkpoint file errors).
    pub fn at(&self) -> Option<&At> {
        match self {
            Error::RowWidth { at, .. }
            | Error::ValueType { at, .. }
            | Error::Unsupported { at, .. }
            | Error::BadResult { at, .. }
            | Error::Server { at, .. }
            | Error::Table { at, .. } => Some(at),
            Error::Checkpoint { .. } | Error::Connect { .. } => None,
        }
    }

    /// The same error attributed to chunk `chunk` (when it did not name one yet).
    #[must_use]
    pub fn in_chunk(mut self, chunk: u64) -> Error {
        if let Some(at) = self.at_mut() {
            at.chunk.get_or_insert(chunk);
        }
        self
    }

    fn at_mut(&mut self) -> Option<&mut At> {
        match self {
            Error::RowWidth { at, .. }
            | Error::ValueType { at, .. }
            | Error::Unsupported { at, .. }
            | Error::BadResult { at, .. }
            | Error::Server { at, .. }
            | Error::Table { at, .. } => Some(at),
            Error::Checkpoint { .. } | Error::Connect { .. } => None,
        }
    }
}

/// Replaces the password of every `scheme://user:password@host` URL in `text` with `***`.
///
/// ```
/// assert_eq!(
///     checksum::redact("cannot reach mysql://root:s3cret@127.0.0.1:3306/db"),
///     "cannot reach mysql://root:***@127.0.0.1:3306/db"
/// );
/// ```
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        let (head, tail) = rest.split_at(i + 3);
        out.push_str(head);
        // The authority ends at the first '/', whitespace or quote; credentials end at its last '@'.
        let end = tail
            .find(|c: char| c == '/' || c.is_whitespace() || c == '\'' || c == '"')
            .unwrap_or(tail.len());
        let authority = &tail[..end];
        match (authority.rfind('@'), authority.find(':')) {
            (Some(at), Some(colon)) if colon < at => {
                out.push_str(&authority[..colon]);
                out.push_str(":***");
                out.push_str(&authority[at..]);
            }
            _ => out.push_str(authority),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_table_and_chunk() {
        let e = Error::BadResult {
            at: At {
                table: "db.t".into(),
                chunk: None,
            },
            detail: "crc 'zz' is not hex".into(),
        }
        .in_chunk(7);
        assert_eq!(
            e.to_string(),
            "table db.t chunk 7: unexpected server result: crc 'zz' is not hex"
        );
    }

    #[test]
    fn redaction_keeps_user_and_host() {
        assert_eq!(redact("no url here"), "no url here");
        assert_eq!(
            redact("a mysql://u:p@h:1/x and mysql://v:q@@h2 'mysql://w@h3'"),
            "a mysql://u:***@h:1/x and mysql://v:***@h2 'mysql://w@h3'"
        );
        assert_eq!(redact("mysql://u:p:q@h"), "mysql://u:***@h");
    }
}
