//! GTID sets for MySQL (including 8.3+ tagged GTIDs) and GTID positions for MariaDB.
//!
//! (Full crate documentation is written in a later step.)

mod error;
mod gno;
mod intervals;
pub mod mariadb;
mod parse;
mod set;
mod tag;
mod text;
mod tsid;
mod uuid;

pub use crate::error::Error;
pub use crate::gno::{Gno, Interval};
pub use crate::set::GtidSet;
pub use crate::tag::Tag;
pub use crate::tsid::{Gtid, Tsid};
pub use crate::uuid::Uuid;
