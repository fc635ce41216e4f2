//! Table models the unit tests share: the `id INT` column and `FLOAT(M,2)` columns most of
//! them start from.

use chunker::{Column, ColumnType, Table};

/// `INT`: signed, 4 bytes.
pub(crate) fn int() -> ColumnType {
    ColumnType::Integer {
        bytes: 4,
        unsigned: false,
    }
}

/// `s.<name> (id INT)`, for a test to add its other columns and its keys to.
pub(crate) fn with_id(name: &str) -> Table {
    Table::new("s", name).column(Column::new("id", int()))
}

/// A `FLOAT(M,2)` column (`M` unknown to the model until `.real_precision(m)`).
pub(crate) fn float2(name: &str) -> Column {
    Column::new(name, ColumnType::Float { scale: Some(2) })
}
