//! Choosing the index a table is walked by.
//!
//! The rules, in order (those of pt-table-checksum, with the gaps filled):
//!
//! 1. a requested index, if it exists and can be walked (otherwise an error: the caller asked
//!    for something specific);
//! 2. the primary key;
//! 3. the unique index with the fewest columns among those whose columns are all `NOT NULL`;
//! 4. the index with the best cardinality estimate among the rest (non-unique indexes, and
//!    unique ones with a nullable column, which may hold many NULLs); ties go to the index
//!    with more columns, then to declaration order;
//! 5. no usable index: [`Strategy::WholeTable`], one chunk checksummed in one statement, with
//!    the reason. Never a silent skip.
//!
//! An index is usable from its first key part up to the first part that cannot bound a chunk
//! exactly: a prefix part (`KEY (c(10))` orders rows by the prefix only) or a column whose type
//! is not chunkable ([`ColumnType::is_chunkable`]). A unique index cut short that way is no
//! longer unique; an index whose *first* part is unusable is skipped, and the reason is kept
//! in [`KeyChoice::skipped`].

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::model::{Column, ColumnType, Index, Table};
use crate::sql::quote_ident;
use crate::Collation;

/// The outcome of [`choose_key`]: how the table will be walked, and why other indexes were not.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeyChoice {
    /// The strategy.
    pub strategy: Strategy,
    /// Indexes that were not used, each with the reason (only the unusable ones, not those
    /// that merely lost to a better one).
    pub skipped: Vec<Skipped>,
}

impl KeyChoice {
    /// The key walked, unless the table is checksummed whole.
    pub fn key(&self) -> Option<&Key> {
        match &self.strategy {
            Strategy::Index(key) => Some(key),
            Strategy::WholeTable { .. } => None,
        }
    }
}

/// How a table is cut.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Strategy {
    /// Walk this index with keyset predicates.
    Index(Key),
    /// No index can be walked: the table is one chunk, checksummed in one statement.
    WholeTable {
        /// Why no index was used (lowercase, for reports).
        reason: String,
    },
}

/// An index that could not be used, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// The index name.
    pub index: String,
    /// Why (lowercase, for reports).
    pub reason: String,
}

/// Which rule picked the index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Rule {
    /// The caller asked for it.
    Requested,
    /// The primary key.
    Primary,
    /// A unique index over `NOT NULL` columns.
    UniqueNotNull,
    /// The best cardinality among the non-unique candidates.
    BestCardinality,
}

/// The walked key: an index and the leading key parts that bound chunks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Key {
    /// The index name (`PRIMARY` for the primary key), used in `FORCE INDEX`.
    pub index: String,
    /// The key parts used, in index order.
    pub columns: Vec<KeyColumn>,
    /// Whether the used parts are unique and NOT NULL (so no run of equal keys can occur).
    pub unique: bool,
    /// The rule that picked it.
    pub rule: Rule,
    /// Key parts of the index left out (prefix parts and everything after them, ...), with
    /// the reason; empty when the whole index is used.
    pub note: Option<String>,
}

impl Key {
    /// The key column names, in order.
    pub fn column_names(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|c| c.name.as_str())
    }
}

/// One key part of the walked key, with what predicates need to know about its column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyColumn {
    /// The column name.
    pub name: String,
    /// The column's type.
    pub column_type: ColumnType,
    /// Whether the column accepts NULL (NULL sorts first in MySQL and MariaDB).
    pub nullable: bool,
    /// The collation of a character column; comparisons use it on the server.
    pub collation: Option<Collation>,
    /// Whether a `FLOAT`, `DOUBLE` or `DECIMAL` column is declared `UNSIGNED`, which it can
    /// be while holding negative values (see [`Column::unsigned`](crate::Column#structfield.unsigned)):
    /// predicates then compare a negative bound without an index range the server would clamp.
    #[serde(default)]
    pub unsigned: bool,
}

impl From<&Column> for KeyColumn {
    /// The key part over `column` (its name, type, nullability, collation and `UNSIGNED`).
    fn from(column: &Column) -> KeyColumn {
        KeyColumn {
            name: column.name.clone(),
            column_type: column.column_type.clone(),
            nullable: column.nullable,
            collation: column.collation.clone(),
            unsigned: column.unsigned,
        }
    }
}

impl KeyColumn {
    /// The expression that reads this key part in boundary queries.
    ///
    /// `ENUM`, `SET` and `BIT` are read as `CAST(col AS UNSIGNED)`: the server orders them by
    /// their number (an ENUM by its index in the declaration, not by its label), and a number
    /// bound back into `col >= ?` compares numerically, in that same order. A label bound
    /// back would compare as a string, in another order. So boundary values of these columns
    /// are [`Value::UInt`](crate::Value::UInt), not labels.
    pub fn select_expr(&self) -> String {
        if self.reads_as_number() {
            format!("CAST({} AS UNSIGNED)", quote_ident(&self.name))
        } else {
            quote_ident(&self.name)
        }
    }

    /// The placeholder a bound value of this key part is compared with: `?`, or
    /// `CAST(? AS DECIMAL(p,s))` for `DECIMAL` (a DECIMAL compared with a string is compared
    /// as a DOUBLE by the server, which is inexact past 15 digits; DECIMAL against DECIMAL is
    /// exact).
    pub fn placeholder(&self) -> String {
        match self.column_type {
            ColumnType::Decimal { precision, scale } => {
                format!("CAST(? AS DECIMAL({precision},{scale}))")
            }
            _ => "?".to_string(),
        }
    }

    /// Whether boundary values of this part are the column's number (`ENUM`, `SET`, `BIT`).
    pub fn reads_as_number(&self) -> bool {
        matches!(
            self.column_type,
            ColumnType::Enum { .. } | ColumnType::Set { .. } | ColumnType::Bit { .. }
        )
    }
}

/// Chooses the key `table` is walked by (see the module docs for the rules).
///
/// `requested` names an index (ASCII case-insensitive); an unknown or unusable requested index
/// is an error rather than a fallback, since the caller asked for it.
pub fn choose_key(table: &Table, requested: Option<&str>) -> Result<KeyChoice, Error> {
    if table.columns.is_empty() {
        return Err(Error::NoSuchTable {
            table: table.qualified_name(),
        });
    }
    if let Some(name) = requested {
        let index = table.find_index(name).ok_or_else(|| Error::NoSuchIndex {
            table: table.qualified_name(),
            index: name.to_string(),
        })?;
        let key =
            usable_key(table, index, Rule::Requested).map_err(|reason| Error::UnusableIndex {
                table: table.qualified_name(),
                index: index.name.clone(),
                reason,
            })?;
        return Ok(KeyChoice {
            strategy: Strategy::Index(key),
            skipped: Vec::new(),
        });
    }

    let mut skipped = Vec::new();
    let mut candidates: Vec<(&Index, Key)> = Vec::new();
    for index in &table.indexes {
        let rule = if index.primary {
            Rule::Primary
        } else {
            Rule::UniqueNotNull
        };
        match usable_key(table, index, rule) {
            Ok(key) => candidates.push((index, key)),
            Err(reason) => skipped.push(Skipped {
                index: index.name.clone(),
                reason,
            }),
        }
    }

    let done = |key: Key, skipped| {
        Ok(KeyChoice {
            strategy: Strategy::Index(key),
            skipped,
        })
    };
    if let Some(at) = candidates.iter().position(|(i, k)| i.primary && k.unique) {
        return done(candidates.swap_remove(at).1, skipped);
    }
    // Unique NOT NULL: fewest columns (the shortest key makes the cheapest predicates).
    if let Some(at) = candidates
        .iter()
        .enumerate()
        .filter(|(_, (_, k))| k.unique)
        .min_by_key(|(pos, (_, k))| (k.columns.len(), *pos))
        .map(|(pos, _)| pos)
    {
        let mut key = candidates.swap_remove(at).1;
        key.rule = Rule::UniqueNotNull;
        return done(key, skipped);
    }
    // Best cardinality; ties: more columns, then declaration order (max_by_key keeps the last
    // maximum, so compare on the reversed position).
    if let Some(at) = candidates
        .iter()
        .enumerate()
        .max_by_key(|(pos, (i, k))| {
            (
                i.cardinality.unwrap_or(0),
                k.columns.len(),
                std::cmp::Reverse(*pos),
            )
        })
        .map(|(pos, _)| pos)
    {
        let mut key = candidates.swap_remove(at).1;
        key.rule = Rule::BestCardinality;
        return done(key, skipped);
    }

    let reason = if table.indexes.is_empty() {
        "the table has no index".to_string()
    } else {
        let why: Vec<String> = skipped
            .iter()
            .map(|s| format!("{}: {}", s.index, s.reason))
            .collect();
        format!("no index can be walked ({})", why.join("; "))
    };
    Ok(KeyChoice {
        strategy: Strategy::WholeTable { reason },
        skipped,
    })
}

/// The usable leading part of `index` as a key, or why none of it is usable.
fn usable_key(table: &Table, index: &Index, rule: Rule) -> Result<Key, String> {
    let mut columns = Vec::new();
    let mut note = None;
    for part in &index.columns {
        let Some(column) = table.find_column(&part.name) else {
            return Err(format!(
                "names column {:?}, which the table does not have",
                part.name
            ));
        };
        let problem = if let Some(len) = part.prefix_len {
            Some(format!("key part {:?} is a prefix ({len})", part.name))
        } else if !column.column_type.is_chunkable() {
            Some(format!(
                "key part {:?} has type {:?}, which cannot bound chunks",
                part.name, column.column_type
            ))
        } else {
            None
        };
        if let Some(problem) = problem {
            if columns.is_empty() {
                return Err(problem);
            }
            note = Some(format!(
                "{problem}; walking the {} leading part(s)",
                columns.len()
            ));
            break;
        }
        columns.push(KeyColumn::from(column));
    }
    if columns.is_empty() {
        return Err("the index has no key parts".to_string());
    }
    let unique = index.unique && note.is_none() && columns.iter().all(|c| !c.nullable);
    Ok(Key {
        index: index.name.clone(),
        columns,
        unique,
        rule,
        note,
    })
}

#[cfg(test)]
mod tests;
