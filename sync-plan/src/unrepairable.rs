//! Rows no statement can repair: the target column's type rounds the source's value, or cannot
//! hold it, so whatever the plan writes, the row still differs afterwards.
//!
//! A `FLOAT(M,D)`/`DOUBLE(M,D)` column can hold values that no write can put there: more
//! decimals than `D`, or a magnitude beyond what `M,D` allows (an in-place `ALTER ...
//! ALGORITHM=INSTANT` that gave the column its `(M,D)` keeps the old values, and so does
//! row-based replication from a plain column). The server rounds every write to `D` decimals
//! and refuses (strict `sql_mode`, as the plan's) or clamps one beyond the range; which values
//! that happens to, and what the column stores instead, is computed in Rust from the column
//! definition (`fixed.rs`, the server's `truncate_double`). Likewise an `UNSIGNED` `FLOAT`,
//! `DOUBLE` or `DECIMAL` column can hold a negative value (row-based replication from a signed
//! column applies it as it is), which every write refuses (strict) or stores as 0: the server
//! checks the sign before anything else (`truncate_double`, `Field_new_decimal::store_value`),
//! so [`stored_on_write`] does too, with [`chunker::predicate::negative_in_unsigned`].
//!
//! [`plan_table`](crate::plan_table) finds every row whose statement would write such a value
//! and reports it as an [`Unrepairable`] (table, key, column, the source's value, what the
//! target would store, and what the target has now). By default the row is left out of the
//! statements, so re-running the repair plans nothing for it and says why;
//! [`PlanOptions::include_unrepairable`](crate::PlanOptions) writes it anyway. An `UPDATE`
//! keeps the columns it can write; an `INSERT`, a `REPLACE` or a delete and insert writes the
//! whole row, so a row with such a value in any column is left out whole. Either way, a row the
//! target already holds as a write would store it (the rounded value a previous repair wrote)
//! gets no statement: writing it again changes nothing.

use chunker::predicate::negative_in_unsigned;
use chunker::sql::{qualified, quote_ident};
use chunker::{Column, ColumnType, KeyColumn, Table, Value};
use serde::{Deserialize, Serialize};

use crate::diff::same_value;
use crate::key::Row;
use crate::plan::ColumnValue;

/// What a column does with a value written to it that it cannot store as it is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Stored {
    /// Rounded to the column's `D` decimals: this value is stored instead.
    Rounded(Value),
    /// Beyond the column's range once rounded: the plan's strict `sql_mode` refuses the write
    /// (error 1264, out of range); other modes clamp it to `max` (with the value's sign).
    OutOfRange {
        /// The largest magnitude the column takes, as decimal text (`99999.99`).
        max: String,
    },
    /// Negative, in an `UNSIGNED` `FLOAT`, `DOUBLE` or `DECIMAL` column (which holds such a
    /// value only by row-based replication from a signed column): the plan's strict
    /// `sql_mode` refuses the write (error 1264, out of range); other modes store 0.
    NegativeInUnsigned,
}

/// One value of a row that a write cannot store as the source has it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Unwritable {
    /// The column.
    pub column: String,
    /// The source's value.
    pub source: Value,
    /// What a write does with it.
    pub stored: Stored,
    /// The target's value now; `None` when the target lacks the row.
    pub target: Option<Value>,
}

impl Unwritable {
    /// Whether the target already holds what a write stores, so writing changes nothing.
    pub fn settled(&self) -> bool {
        match (&self.stored, &self.target) {
            (Stored::Rounded(stored), Some(target)) => same_value(stored, target),
            _ => false,
        }
    }
}

/// What the plan does with an [`Unrepairable`] row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Fate {
    /// Left out of the statements (the default): the target keeps what it has.
    LeftOut,
    /// Written anyway ([`PlanOptions::include_unrepairable`](crate::PlanOptions)): the target
    /// stores what [`Unwritable::stored`] says, and the row still differs afterwards.
    Written,
    /// No statement: the target already holds the row as a write would store it.
    AlreadyStored,
}

/// A differing row that no statement can make equal to the source's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Unrepairable {
    /// The row: its identity key's values, or every column in a table compared as a multiset.
    pub row: Vec<ColumnValue>,
    /// How many copies of the row (more than 1 only in a table compared as a multiset).
    pub count: u64,
    /// The values a write cannot store as they are.
    pub values: Vec<Unwritable>,
    /// What the plan does with the row.
    pub fate: Fate,
}

impl Unrepairable {
    /// One line for the DBA naming table, key, column, the source's value, what the target
    /// would store and what the plan does: `` `fk`.`t` row `id`=7: cannot be repaired by
    /// writing: the target column's type rounds it: `f` 1.337e-1 is stored as 1.3e-1 by
    /// FLOAT(7,2), the target has 9.9e1; left out of the statements ``.
    pub fn describe(&self, table: &Table) -> String {
        let row = self
            .row
            .iter()
            .map(|cv| {
                format!(
                    "{}={}",
                    quote_ident(&cv.column),
                    shown(table, &cv.column, &cv.value)
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let copies = if self.count > 1 {
            format!(" ({} copies)", self.count)
        } else {
            String::new()
        };
        let values = self
            .values
            .iter()
            .map(|u| u.describe(table))
            .collect::<Vec<_>>()
            .join("; and ");
        let fate = match self.fate {
            Fate::LeftOut => "left out of the statements",
            Fate::Written => "written anyway, so the row still differs afterwards",
            Fate::AlreadyStored => "nothing to write: the target already holds what a write stores",
        };
        format!(
            "{} row {row}{copies}: cannot be repaired by writing: {values}; {fate}",
            qualified(table)
        )
    }
}

impl Unwritable {
    fn describe(&self, table: &Table) -> String {
        let column = table.find_column(&self.column);
        let type_name = column.map(type_name).unwrap_or_default();
        let name = quote_ident(&self.column);
        let source = shown(table, &self.column, &self.source);
        let target = match &self.target {
            Some(t) => format!(", the target has {}", shown(table, &self.column, t)),
            None => ", the target lacks the row".to_string(),
        };
        match &self.stored {
            Stored::Rounded(stored) => format!(
                "the target column's type rounds it: {name} {source} is stored as {} by \
                 {type_name}{target}",
                shown(table, &self.column, stored)
            ),
            Stored::OutOfRange { max } => format!(
                "the target column's type cannot hold it: {name} {source} is beyond \
                 {type_name}'s range (at most {max} in magnitude), which the server refuses \
                 (error 1264){target}"
            ),
            Stored::NegativeInUnsigned => format!(
                "the target column's type cannot hold it: {name} {source} is negative in \
                 {type_name}, which the server refuses (error 1264) under the plan's strict \
                 sql_mode and stores as 0 under others{target}"
            ),
        }
    }
}

/// `FLOAT(7,2)`, `DOUBLE(10,3)` (`M` when the model lacks it), `DOUBLE`, `DECIMAL(10,2)`,
/// with ` UNSIGNED` where the column is; the model's form of other types.
fn type_name(column: &Column) -> String {
    let unsigned = if column.unsigned { " UNSIGNED" } else { "" };
    let (name, scale) = match &column.column_type {
        ColumnType::Float { scale } => ("FLOAT", scale),
        ColumnType::Double { scale } => ("DOUBLE", scale),
        ColumnType::Decimal { precision, scale } => {
            return format!("DECIMAL({precision},{scale}){unsigned}")
        }
        other => return format!("{other:?}"),
    };
    let name = match (scale, column.real_precision) {
        (Some(d), Some(m)) => format!("{name}({m},{d})"),
        (Some(d), None) => format!("{name}(M,{d})"),
        (None, _) => name.to_string(),
    };
    format!("{name}{unsigned}")
}

/// A value as its literal for `column` (its debug form if it has none), cut to 60 characters.
fn shown(table: &Table, column: &str, value: &Value) -> String {
    let text = table
        .find_column(column)
        .and_then(|c| crate::literal::literal(c, value).ok())
        .unwrap_or_else(|| format!("{value:?}"));
    if text.chars().count() > 60 {
        format!("{}...", text.chars().take(60).collect::<String>())
    } else {
        text
    }
}

/// The values of `row` at `positions` (generated columns skipped: the server computes them)
/// that a write cannot store as they are, with the target's values where it has the row.
pub(crate) fn unwritable(
    table: &Table,
    row: &Row,
    positions: impl IntoIterator<Item = usize>,
    target: Option<&Row>,
) -> Vec<(usize, Unwritable)> {
    positions
        .into_iter()
        .filter_map(|i| {
            let column = table.columns.get(i).filter(|c| !c.generated)?;
            let source = row.get(i)?;
            let stored = stored_on_write(column, source)?;
            Some((
                i,
                Unwritable {
                    column: column.name.clone(),
                    source: source.clone(),
                    stored,
                    target: target.and_then(|t| t.get(i)).cloned(),
                },
            ))
        })
        .collect()
}

/// What `column` does with `value` written to it (as the plan's literal), when that is not to
/// store `value` as it is: a negative value of an `UNSIGNED` `FLOAT`, `DOUBLE` or `DECIMAL`
/// column is [`Stored::NegativeInUnsigned`], whatever its type would make of it otherwise
/// (the server checks the sign first); other values of `FLOAT(M,D)`/`DOUBLE(M,D)` columns are
/// rounded or beyond the range as `fixed.rs` computes. `None` for every other column and value.
pub(crate) fn stored_on_write(column: &Column, value: &Value) -> Option<Stored> {
    if column.unsigned && negative_in_unsigned(&KeyColumn::from(column), value) {
        return Some(Stored::NegativeInUnsigned);
    }
    crate::fixed::stored_on_write(column, value)
}

/// `row` as the target holds it once written; `None` when the server refuses a value.
pub(crate) fn as_stored(row: &Row, lost: &[(usize, Unwritable)]) -> Option<Row> {
    let mut stored = row.clone();
    for (i, u) in lost {
        let Stored::Rounded(v) = &u.stored else {
            return None;
        };
        *stored.get_mut(*i)? = v.clone();
    }
    Some(stored)
}

#[cfg(test)]
#[path = "unrepairable_tests.rs"]
mod tests;
