//! Row-level differences between two copies of a table and the exact statements that repair one.
#![deny(missing_docs)]

mod error;
pub mod literal;
mod sql;

pub use error::Error;
pub use literal::literal;

/// The session time zone under which this crate reads and writes `TIMESTAMP` values.
pub const SESSION_TIME_ZONE: &str = "+00:00";
