//! Choosing an index and cutting a MySQL/MariaDB table into key ranges ("chunks").
//!
//! (Crate documentation is being written; see the module docs.)

mod chunk;
mod collation;
mod error;
mod key;
#[cfg(feature = "mysql")]
pub mod live;
mod model;
pub mod predicate;
pub mod schema;
mod size;
pub mod sql;
mod value;
mod walker;

pub use chunk::{Bound, Chunk, ChunkWarning, TableRef};
pub use collation::Collation;
pub use error::Error;
pub use key::{choose_key, Key, KeyChoice, KeyColumn, Rule, Skipped, Strategy};
pub use model::{Column, ColumnType, Index, IndexColumn, Table, TextKind};
pub use size::{ChunkSize, Selection};
pub use value::Value;
pub use walker::{Action, Query, QueryKind, Walker};
