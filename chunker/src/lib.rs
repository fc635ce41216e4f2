//! Choosing an index and cutting a MySQL/MariaDB table into key ranges ("chunks").
//!
//! (Crate documentation is being written; see the module docs.)

mod collation;
mod model;
mod value;

pub use collation::Collation;
pub use model::{Column, ColumnType, Index, IndexColumn, Table, TextKind};
pub use value::Value;
