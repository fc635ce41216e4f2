//! The crate's one error type.

use std::fmt;

/// Everything that can go wrong in this crate.
///
/// Parse errors carry `position`: the index of the offending character in the input, counted
/// from 0 in Unicode scalar values (`str::chars`), so that it can be shown under the input with a
/// caret. For the ASCII texts servers print, this is also the byte offset. Values quoted in
/// messages are cut to a few dozen characters, so a hostile input cannot make an error large.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The text does not continue as the grammar requires.
    #[error("expected {expected} at character {position}, found {}", FoundDisplay(*.found))]
    Syntax {
        /// What the parser wanted, e.g. `"':' after uuid"`.
        expected: &'static str,
        /// The character found instead, `None` at the end of the input.
        found: Option<char>,
        /// Character index of `found` (or the input length at the end).
        position: usize,
    },
    /// A GNO written in the text is 0 or greater than [`Gno::MAX`](crate::Gno::MAX).
    #[error("gno {value} at character {position} is out of range 1..=9223372036854775806")]
    GnoOutOfRange {
        /// The digits as written (cut if very long).
        value: String,
        /// Character index of the first digit.
        position: usize,
    },
    /// A number written with a leading zero or a radix prefix (`010`, `0x10`).
    ///
    /// MySQL's legacy parser reads these as octal or hexadecimal, which nobody means in a GTID
    /// set; this crate accepts plain decimal only.
    #[error(
        "number {value:?} at character {position} is not plain decimal \
         (leading zeros and hex are rejected; MySQL would read them as octal or hex)"
    )]
    NotDecimal {
        /// The token as written (cut if very long).
        value: String,
        /// Character index of its first character.
        position: usize,
    },
    /// An interval `start-end` with `end < start`.
    ///
    /// MySQL silently drops such intervals; [`GtidSet::parse_lenient`](crate::GtidSet::parse_lenient)
    /// does the same, the strict parser reports it.
    #[error("interval {start}-{end} at character {position} ends before it starts")]
    ReversedInterval {
        /// The start as parsed.
        start: u64,
        /// The end as parsed.
        end: u64,
        /// Character index of the start.
        position: usize,
    },
    /// A tag in a GTID text longer than 32 characters.
    #[error("tag {tag:?} at character {position} is longer than 32 characters")]
    TagTooLong {
        /// The tag as written (cut if very long).
        tag: String,
        /// Character index of its first character.
        position: usize,
    },
    /// A tag in a GTID set text with no interval after it: `uuid:1-5:x`, `uuid:a:b:1`,
    /// `uuid:tag`.
    ///
    /// MySQL's documented syntax is `uuid:[tag:]interval[:interval]...`, so a tag names the
    /// intervals that follow it; one with none says nothing, and is most often text cut short
    /// or a mistyped interval. The server's parser (MySQL 8.4, `Gtid_set::add_gtid_text`)
    /// accepts it and adds nothing; [`GtidSet::parse_lenient`](crate::GtidSet::parse_lenient)
    /// does the same, the strict parser reports it.
    #[error(
        "tag {tag:?} at character {position} has no interval after it \
         (expected uuid:tag:N or uuid:tag:N-M)"
    )]
    TagWithoutInterval {
        /// The tag as written (cut if very long).
        tag: String,
        /// Character index of its first character.
        position: usize,
    },
    /// A string given to [`Tag::new`](crate::Tag::new) is not a valid tag.
    #[error("invalid tag {tag:?}: {reason}")]
    InvalidTag {
        /// The string as given (cut if very long).
        tag: String,
        /// What rule it breaks.
        reason: &'static str,
    },
    /// A number given to [`Gno::new`](crate::Gno::new) is 0 or above [`Gno::MAX`](crate::Gno::MAX).
    #[error("gno {value} is out of range 1..=9223372036854775806")]
    InvalidGno {
        /// The rejected value.
        value: u64,
    },
    /// Bounds given to [`Interval::from_half_open`](crate::Interval::from_half_open) do not make
    /// a non-empty interval within `1..=2^63-2`.
    #[error("interval [{start}, {end_exclusive}) is empty or outside 1..=9223372036854775806")]
    InvalidInterval {
        /// The start as given.
        start: u64,
        /// The exclusive end as given.
        end_exclusive: u64,
    },
    /// A number in a MariaDB GTID does not fit its field (domain and server ids are 32-bit,
    /// sequence numbers 64-bit).
    #[error("{field} {value} at character {position} does not fit in {bits} bits")]
    NumberTooLarge {
        /// `"domain_id"`, `"server_id"` or `"seq_no"`.
        field: &'static str,
        /// The digits as written (cut if very long).
        value: String,
        /// How many bits the field has.
        bits: u32,
        /// Character index of the first digit.
        position: usize,
    },
    /// A MariaDB GTID position names the same replication domain twice.
    #[error("domain {domain_id} at character {position} appears twice in the position")]
    DuplicateDomain {
        /// The repeated domain.
        domain_id: u32,
        /// Character index of its second occurrence.
        position: usize,
    },
    /// A server returned something this crate could not use (feature `mysql`).
    #[cfg(feature = "mysql")]
    #[error("server variable {variable}: {message}")]
    Server {
        /// The variable or query, e.g. `"@@global.gtid_executed"`.
        variable: &'static str,
        /// What was wrong, including the value.
        message: String,
    },
    /// The MySQL client failed (feature `mysql`). Kept as text so that [`Error`] stays
    /// `Clone` and `Eq` whatever the features.
    #[cfg(feature = "mysql")]
    #[error("mysql client: {0}")]
    Mysql(String),
}

#[cfg(feature = "mysql")]
impl From<mysql::Error> for Error {
    fn from(e: mysql::Error) -> Error {
        Error::Mysql(e.to_string())
    }
}

impl Error {
    /// The character position of a parse error, if this is one.
    pub fn position(&self) -> Option<usize> {
        match self {
            Error::Syntax { position, .. }
            | Error::GnoOutOfRange { position, .. }
            | Error::NotDecimal { position, .. }
            | Error::ReversedInterval { position, .. }
            | Error::TagTooLong { position, .. }
            | Error::TagWithoutInterval { position, .. }
            | Error::NumberTooLarge { position, .. }
            | Error::DuplicateDomain { position, .. } => Some(*position),
            _ => None,
        }
    }
}

struct FoundDisplay(Option<char>);

impl fmt::Display for FoundDisplay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(c) => write!(f, "{c:?}"),
            None => f.write_str("end of input"),
        }
    }
}

/// Longest excerpt of the input quoted in an error.
const EXCERPT: usize = 40;

/// An excerpt of `s` for an error message: at most [`EXCERPT`] characters, `…` when cut.
pub(crate) fn excerpt(s: &str) -> String {
    let mut out: String = s.chars().take(EXCERPT).collect();
    if s.chars().nth(EXCERPT).is_some() {
        out.push('…');
    }
    out
}
