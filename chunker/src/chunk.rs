//! Chunks: numbered key ranges that partition a table's key space.

use serde::{Deserialize, Serialize};

use crate::key::KeyColumn;
use crate::model::Table;
use crate::predicate::{compare_term, Op, Term};
use crate::value::Value;

/// One end of a chunk's key range.
///
/// Values are the key tuple in key order, as the boundary query read them (ENUM, SET and BIT
/// parts as their number, see [`KeyColumn::select_expr`]). A tuple shorter than the key bounds
/// its leading parts only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Bound {
    /// No bound: the range is open on this side (the first chunk's lower end, the last
    /// chunk's upper end), so keys beyond the walked rows, such as rows only the other server
    /// has, are still covered.
    Unbounded,
    /// The bound tuple belongs to the range.
    Inclusive(Vec<Value>),
    /// The bound tuple does not belong to the range.
    Exclusive(Vec<Value>),
}

impl Bound {
    /// The bound tuple, unless unbounded.
    pub fn values(&self) -> Option<&[Value]> {
        match self {
            Bound::Unbounded => None,
            Bound::Inclusive(v) | Bound::Exclusive(v) => Some(v),
        }
    }

    /// The lower bound of the range that starts right after a range with this upper bound:
    /// `< v` continues with `>= v`, `<= v` with `> v`; `None` after an unbounded end.
    pub fn continuation(&self) -> Option<Bound> {
        match self {
            Bound::Unbounded => None,
            Bound::Exclusive(v) => Some(Bound::Inclusive(v.clone())),
            Bound::Inclusive(v) => Some(Bound::Exclusive(v.clone())),
        }
    }

    fn as_lower(&self, key: &[KeyColumn]) -> Term {
        match self {
            Bound::Unbounded => Term::True,
            Bound::Inclusive(v) => compare_term(key, Op::Ge, v),
            Bound::Exclusive(v) => compare_term(key, Op::Gt, v),
        }
    }

    fn as_upper(&self, key: &[KeyColumn]) -> Term {
        match self {
            Bound::Unbounded => Term::True,
            Bound::Inclusive(v) => compare_term(key, Op::Le, v),
            Bound::Exclusive(v) => compare_term(key, Op::Lt, v),
        }
    }

    /// The predicate "key is at or above this lower bound" (`TRUE` when unbounded).
    pub fn lower_predicate(&self, key: &[KeyColumn]) -> (String, Vec<Value>) {
        self.as_lower(key).into_sql()
    }

    /// The predicate "key is at or below this upper bound" (`TRUE` when unbounded).
    pub fn upper_predicate(&self, key: &[KeyColumn]) -> (String, Vec<Value>) {
        self.as_upper(key).into_sql()
    }
}

/// The table a chunk belongs to, by name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TableRef {
    /// The database (schema).
    pub schema: String,
    /// The table.
    pub name: String,
}

impl From<&Table> for TableRef {
    fn from(t: &Table) -> TableRef {
        TableRef {
            schema: t.schema.clone(),
            name: t.name.clone(),
        }
    }
}

impl std::fmt::Display for TableRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.schema, self.name)
    }
}

/// Something about a chunk a report should mention.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ChunkWarning {
    /// The chunk holds a run of equal key values longer than the chunk size (a non-unique
    /// index): it was extended to the end of the run, so it holds at least `rows_at_least`
    /// rows and may be much larger than asked for.
    OversizedRun {
        /// A lower bound on the chunk's row count (the chunk size plus one).
        rows_at_least: u64,
    },
    /// The table has no usable index and is checksummed whole, in one statement.
    WholeTable {
        /// Why no index was used.
        reason: String,
    },
}

impl std::fmt::Display for ChunkWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChunkWarning::OversizedRun { rows_at_least } => write!(
                f,
                "oversized chunk: a run of equal key values of at least {rows_at_least} rows"
            ),
            ChunkWarning::WholeTable { reason } => write!(f, "whole table in one chunk: {reason}"),
        }
    }
}

/// One chunk: a numbered key range of one table.
///
/// The chunks of one walk partition the key space: the first is open below, the last open
/// above, and each chunk's lower bound is the [`Bound::continuation`] of the previous chunk's
/// upper bound, so every key tuple, whether or not a row with it exists on this server, is in
/// exactly one chunk.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Chunk {
    /// The table.
    pub table: TableRef,
    /// The chunk's number within the walk, from 0.
    pub number: u64,
    /// The walked index (`None` for a whole-table chunk).
    pub index: Option<String>,
    /// The lower end.
    pub lower: Bound,
    /// The upper end.
    pub upper: Bound,
    /// What a report should say about this chunk.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<ChunkWarning>,
}

impl Chunk {
    /// The chunk's `WHERE` condition over `key_columns` (those of the walked
    /// [`Key`](crate::Key)), with the binds in placeholder order: `TRUE` for an unbounded
    /// chunk, otherwise the lower and upper predicates joined with `AND`.
    ///
    /// ```
    /// use chunker::{Bound, Chunk, ColumnType, KeyColumn, TableRef, Value};
    /// let key = [KeyColumn {
    ///     name: "id".into(),
    ///     column_type: ColumnType::Integer { bytes: 8, unsigned: true },
    ///     nullable: false,
    ///     collation: None,
    ///     unsigned: false,
    /// }];
    /// let chunk = Chunk {
    ///     table: TableRef { schema: "d".into(), name: "t".into() },
    ///     number: 1,
    ///     index: Some("PRIMARY".into()),
    ///     lower: Bound::Inclusive(vec![Value::UInt(100)]),
    ///     upper: Bound::Exclusive(vec![Value::UInt(200)]),
    ///     warnings: vec![],
    /// };
    /// let (sql, binds) = chunk.predicate(&key);
    /// assert_eq!(sql, "((`id` >= ?)) AND ((`id` < ?))");
    /// assert_eq!(binds, [Value::UInt(100), Value::UInt(200)]);
    /// ```
    pub fn predicate(&self, key_columns: &[KeyColumn]) -> (String, Vec<Value>) {
        Term::and(vec![
            self.lower.as_lower(key_columns),
            self.upper.as_upper(key_columns),
        ])
        .into_sql()
    }

    /// Whether this is the last chunk of its walk (open above).
    pub fn is_last(&self) -> bool {
        self.upper == Bound::Unbounded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_serialize_by_value_and_resume_from_json() {
        let chunk = Chunk {
            table: TableRef {
                schema: "d".into(),
                name: "t".into(),
            },
            number: 4,
            index: Some("k".into()),
            lower: Bound::Inclusive(vec![Value::text("a'b"), Value::Null]),
            upper: Bound::Exclusive(vec![Value::Bytes(vec![0xff]), Value::Int(-1)]),
            warnings: vec![ChunkWarning::OversizedRun { rows_at_least: 11 }],
        };
        let json = serde_json::to_string(&chunk).expect("serialize");
        assert!(
            json.contains(r#""upper":{"Exclusive":[{"Bytes":"ff"},{"Int":-1}]}"#),
            "{json}"
        );
        let back: Chunk = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, chunk);
        assert_eq!(
            back.upper.continuation(),
            Some(Bound::Inclusive(vec![
                Value::Bytes(vec![0xff]),
                Value::Int(-1)
            ]))
        );
        assert_eq!(Bound::Unbounded.continuation(), None);
        assert!(!back.is_last());
    }
}
