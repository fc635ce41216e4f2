//! The repair plan: structured statements per table, in an order that never trips a unique key.

use chunker::{Table, Value};
use serde::{Deserialize, Serialize};

use crate::diff::{same_row, Difference};
use crate::error::Error;
use crate::key::{IdentityKey, Row};
use crate::unrepairable::{as_stored, unwritable, Fate, Unrepairable, Unwritable};

mod multiset;

/// Where the statements run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Direction {
    /// On the target itself.
    OnTarget,
    /// On the source, a replication primary of the target, so that the statements reach the target
    /// through replication (`--sync-to-master`). Every statement is a no-op on the source: the
    /// source's own rows are written back with `REPLACE`, and rows only the target has are deleted
    /// by a key the source does not have.
    ///
    /// Limits (as for pt-table-sync): the session needs `binlog_format=STATEMENT` (the script
    /// header sets it, which takes the `SUPER`/`BINLOG ADMIN` privilege), or the replica would
    /// receive the source's row images (no-ops) instead of the statements; every table needs a
    /// unique key (without one `REPLACE` is a plain `INSERT`, so such tables are refused); `REPLACE`
    /// is a delete and an insert on the source, so `ON DELETE` triggers and `ON DELETE CASCADE`
    /// foreign keys fire there; the source must not change the planned rows until the statements
    /// ran (a stale `DELETE` is caught by `live::check_deletes_against_source`); every other
    /// replica of the source receives the statements too.
    ViaReplication,
}

/// How missing and changed rows are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Style {
    /// `INSERT` missing rows, `UPDATE` only the changed columns of changed rows (a changed row
    /// whose change touches another unique key is deleted and inserted instead, so swapped
    /// unique values never collide).
    Minimal,
    /// `REPLACE` every missing or changed row with all its columns.
    Replace,
}

/// Options for [`plan_table`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanOptions {
    /// Where the statements will run.
    pub direction: Direction,
    /// How rows are written.
    pub style: Style,
    /// Whether rows no statement can repair (the target column's type rounds the source's
    /// value, or cannot hold it: see [`Unrepairable`]) are written anyway. `false` by default:
    /// they are left out of the statements and only reported, so a re-run plans nothing for
    /// them. Writing them stores what [`Stored`](crate::Stored) says, and the row still differs
    /// afterwards (a value beyond the column's range, or negative in an `UNSIGNED` column,
    /// stops the script: the server refuses it); with [`Direction::ViaReplication`] the
    /// `REPLACE` rounds the source's own row too.
    #[serde(default)]
    pub include_unrepairable: bool,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            direction: Direction::OnTarget,
            style: Style::Minimal,
            include_unrepairable: false,
        }
    }
}

/// A column and a value, by column name (so that JSON plans are reviewable).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColumnValue {
    /// The column name.
    pub column: String,
    /// The value.
    pub value: Value,
}

/// One structured statement of a plan. [`statement_sql`](crate::statement_sql) renders its text; tests and
/// other tools can interpret it directly.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Statement {
    /// Delete one row: by its identity key (`exact == false`, `=` on each key column), or, in a
    /// table without one, by every column compared byte- and bit-exactly and NULL-safely
    /// (`exact == true`). Always `LIMIT 1`.
    Delete {
        /// The row's values that select it.
        by: Vec<ColumnValue>,
        /// Whether `by` holds every column and compares exactly.
        exact: bool,
    },
    /// Insert a row (every non-generated column).
    Insert {
        /// The values.
        values: Vec<ColumnValue>,
    },
    /// Replace a row (every non-generated column).
    Replace {
        /// The values.
        values: Vec<ColumnValue>,
    },
    /// Set the changed columns of the row with the given identity key.
    Update {
        /// The new values of the changed, writable columns.
        set: Vec<ColumnValue>,
        /// The target row's identity key values.
        by: Vec<ColumnValue>,
    },
}

impl Statement {
    fn rank(&self) -> u8 {
        match self {
            Statement::Delete { .. } => 0,
            Statement::Replace { .. } => 1,
            Statement::Insert { .. } => 2,
            Statement::Update { .. } => 3,
        }
    }
}

/// The statements that repair one table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TablePlan {
    /// The table model the statements refer to.
    pub table: Table,
    /// The identity key rows were paired by (`None`: compared as a multiset).
    pub key: Option<IdentityKey>,
    /// Statements in execution order: deletes, replaces, inserts, updates.
    pub statements: Vec<Statement>,
    /// The differing rows no statement can repair (see [`Unrepairable`]), in the order of the
    /// differences, whether left out of [`TablePlan::statements`] or written anyway.
    #[serde(default)]
    pub unrepairable: Vec<Unrepairable>,
}

/// A whole repair: which side is the truth, which is repaired, where the statements run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The source of truth, as a label without password (`h=127.0.0.1,P=3306`).
    pub source: String,
    /// The side being repaired, as a label without password.
    pub target: String,
    /// Where the statements run.
    pub direction: Direction,
    /// The session time zone the `TIMESTAMP` values are written in.
    pub time_zone: String,
    /// Per-table statements.
    pub tables: Vec<TablePlan>,
}

impl Plan {
    /// An empty plan between two labelled sides.
    pub fn new(source: impl Into<String>, target: impl Into<String>, direction: Direction) -> Plan {
        Plan {
            source: source.into(),
            target: target.into(),
            direction,
            time_zone: crate::SESSION_TIME_ZONE.to_string(),
            tables: Vec::new(),
        }
    }

    /// The number of statements over all tables.
    pub fn statement_count(&self) -> usize {
        self.tables.iter().map(|t| t.statements.len()).sum()
    }

    /// The number of rows (copies counted) no statement can repair, over all tables: the
    /// target still differs by them after the plan ran.
    pub fn unrepairable_count(&self) -> u64 {
        self.tables
            .iter()
            .flat_map(|t| &t.unrepairable)
            .map(|u| u.count)
            .sum()
    }

    /// One line per row no statement can repair ([`Unrepairable::describe`]), table by table.
    pub fn unrepairable_lines(&self) -> Vec<String> {
        self.tables
            .iter()
            .flat_map(|t| t.unrepairable.iter().map(|u| u.describe(&t.table)))
            .collect()
    }

    /// The plan as pretty JSON.
    pub fn to_json(&self) -> Result<String, Error> {
        serde_json::to_string_pretty(self).map_err(|e| Error::Json(e.to_string()))
    }

    /// A plan read back from [`Plan::to_json`] output.
    pub fn from_json(text: &str) -> Result<Plan, Error> {
        serde_json::from_str(text).map_err(|e| Error::Json(e.to_string()))
    }
}

/// Plans the statements that turn the target's rows into the source's, from the differences.
///
/// A row whose statement would write a value the target column's type rounds or cannot hold
/// is reported in [`TablePlan::unrepairable`] and, unless
/// [`PlanOptions::include_unrepairable`], left out of the statements (an `UPDATE` keeps the
/// columns it can write). A row the target already holds as a write would store it gets no
/// statement either way.
pub fn plan_table(
    table: &Table,
    differences: &[Difference],
    options: PlanOptions,
) -> Result<TablePlan, Error> {
    let key = IdentityKey::choose(table);
    let via = options.direction == Direction::ViaReplication;
    let replace = via || options.style == Style::Replace;
    let include = options.include_unrepairable;
    let every = 0..table.columns.len();
    let mut statements = Vec::new();
    let mut unrepairable = Vec::new();
    let writable = |row: &Row| writable(table, row);
    let Some(key) = key else {
        if via {
            return Err(Error::NeedsUniqueKey {
                table: table.qualified_name(),
                what: "repairing through replication",
            });
        }
        multiset::plan(
            table,
            differences,
            include,
            &mut statements,
            &mut unrepairable,
        )?;
        statements.sort_by_key(Statement::rank);
        return Ok(TablePlan {
            table: table.clone(),
            key: None,
            statements,
            unrepairable,
        });
    };
    let by_key = |row: &Row| -> Vec<ColumnValue> {
        key.columns
            .iter()
            .filter_map(|&i| Some(cv(&table.columns.get(i)?.name, row.get(i)?)))
            .collect()
    };
    let in_other_unique = |col: usize| -> bool {
        let Some(name) = table.columns.get(col).map(|c| &c.name) else {
            // A position past the last column (a hand-made difference): play safe.
            return true;
        };
        table.indexes.iter().any(|ix| {
            ix.unique
                && ix.name != key.index
                && ix.columns.iter().any(|p| p.name.eq_ignore_ascii_case(name))
        })
    };
    let fate = |settled: bool| match (settled, include) {
        (true, _) => Fate::AlreadyStored,
        (false, true) => Fate::Written,
        (false, false) => Fate::LeftOut,
    };
    let mut report = |row: &Row, lost: Vec<(usize, Unwritable)>, fate: Fate| {
        unrepairable.push(Unrepairable {
            row: by_key(row),
            count: 1,
            values: lost.into_iter().map(|(_, u)| u).collect(),
            fate,
        });
    };
    for d in differences {
        match d {
            Difference::Missing { row, .. } => {
                let lost = unwritable(table, row, every.clone(), None);
                if !lost.is_empty() {
                    report(row, lost, fate(false));
                    if !include {
                        continue;
                    }
                }
                let values = writable(row);
                statements.push(if replace {
                    Statement::Replace { values }
                } else {
                    Statement::Insert { values }
                });
            }
            Difference::Extra { row, .. } => statements.push(Statement::Delete {
                by: by_key(row),
                exact: false,
            }),
            Difference::Changed {
                source,
                target,
                columns,
            } if replace || columns.iter().any(|&c| in_other_unique(c)) => {
                // The whole row is written: every column's value counts.
                let lost = unwritable(table, source, every.clone(), Some(target));
                if !lost.is_empty() {
                    let settled =
                        as_stored(source, &lost).is_some_and(|stored| same_row(&stored, target));
                    report(source, lost, fate(settled));
                    if settled || !include {
                        continue;
                    }
                }
                if replace {
                    statements.push(Statement::Replace {
                        values: writable(source),
                    });
                } else {
                    statements.push(Statement::Delete {
                        by: by_key(target),
                        exact: false,
                    });
                    statements.push(Statement::Insert {
                        values: writable(source),
                    });
                }
            }
            Difference::Changed {
                source,
                target,
                columns,
            } => {
                let lost = unwritable(table, source, columns.iter().copied(), Some(target));
                // The columns a write cannot store are set only when asked to, and never
                // when the target already holds what the write stores.
                let skipped = |i: usize| {
                    lost.iter()
                        .find(|(at, _)| *at == i)
                        .is_some_and(|(_, u)| !include || u.settled())
                };
                let set: Vec<ColumnValue> = columns
                    .iter()
                    .filter(|&&i| !skipped(i))
                    .filter_map(|&i| Some((table.columns.get(i)?, source.get(i)?)))
                    .filter(|(c, _)| !c.generated)
                    .map(|(c, v)| cv(&c.name, v))
                    .collect();
                if !lost.is_empty() {
                    let settled = lost.iter().all(|(_, u)| u.settled());
                    report(source, lost, fate(settled));
                }
                if !set.is_empty() {
                    statements.push(Statement::Update {
                        set,
                        by: by_key(target),
                    });
                }
            }
        }
    }
    statements.sort_by_key(Statement::rank);
    Ok(TablePlan {
        table: table.clone(),
        key: Some(key),
        statements,
        unrepairable,
    })
}

/// The values of `row`'s writable (non-generated) columns.
pub(crate) fn writable(table: &Table, row: &Row) -> Vec<ColumnValue> {
    table
        .columns
        .iter()
        .zip(row)
        .filter(|(c, _)| !c.generated)
        .map(|(c, v)| cv(&c.name, v))
        .collect()
}

pub(crate) fn cv(column: &str, value: &Value) -> ColumnValue {
    ColumnValue {
        column: column.to_string(),
        value: value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_tables::{int, with_id};
    use chunker::{Column, Index};

    #[test]
    fn generated_columns_are_never_written() {
        let t = with_id("t")
            .column(Column::new("v", int()))
            .column(Column::new("g", int()).generated())
            .index(Index::primary(["id"]));
        let row = |id, v| vec![Value::Int(id), Value::Int(v), Value::Int(v * 2)];
        let diffs = crate::diff_rows(&t, &[row(1, 1), row(2, 2)], &[row(1, 5)]).unwrap();
        for style in [Style::Minimal, Style::Replace] {
            let p = plan_table(
                &t,
                &diffs,
                PlanOptions {
                    style,
                    ..PlanOptions::default()
                },
            )
            .unwrap();
            for s in &p.statements {
                let written = match s {
                    Statement::Insert { values } | Statement::Replace { values } => values,
                    Statement::Update { set, .. } => set,
                    Statement::Delete { .. } => continue,
                };
                assert!(written.iter().all(|cv| cv.column != "g"), "{s:?}");
            }
        }
    }

    #[test]
    fn through_replication_only_replaces_and_deletes_by_key() {
        let t = with_id("t")
            .column(Column::new("v", int()))
            .index(Index::primary(["id"]));
        let row = |id, v| vec![Value::Int(id), Value::Int(v)];
        let diffs = crate::diff_rows(&t, &[row(1, 1), row(2, 2)], &[row(1, 5), row(3, 3)]).unwrap();
        let via = PlanOptions {
            direction: Direction::ViaReplication,
            ..PlanOptions::default()
        };
        let p = plan_table(&t, &diffs, via).unwrap();
        assert!(matches!(
            p.statements[0],
            Statement::Delete { exact: false, .. }
        ));
        assert!(p.statements[1..]
            .iter()
            .all(|s| matches!(s, Statement::Replace { .. })));
        let keyless = Table::new("s", "k").column(Column::new("v", int()));
        let diffs = crate::diff_rows(&keyless, &[vec![Value::Int(1)]], &[]).unwrap();
        assert!(matches!(
            plan_table(&keyless, &diffs, via),
            Err(Error::NeedsUniqueKey { .. })
        ));
    }
}
