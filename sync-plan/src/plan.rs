//! The repair plan: structured statements per table, in an order that never trips a unique key.

use chunker::{Table, Value};
use serde::{Deserialize, Serialize};

use crate::diff::Difference;
use crate::error::Error;
use crate::key::{IdentityKey, Row};

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
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            direction: Direction::OnTarget,
            style: Style::Minimal,
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
pub fn plan_table(
    table: &Table,
    differences: &[Difference],
    options: PlanOptions,
) -> Result<TablePlan, Error> {
    let key = IdentityKey::choose(table);
    let via = options.direction == Direction::ViaReplication;
    let replace = via || options.style == Style::Replace;
    let mut statements = Vec::new();
    let writable = |row: &Row| -> Vec<ColumnValue> {
        table
            .columns
            .iter()
            .zip(row)
            .filter(|(c, _)| !c.generated)
            .map(|(c, v)| cv(&c.name, v))
            .collect()
    };
    let Some(key) = key else {
        if via {
            return Err(Error::NeedsUniqueKey {
                table: table.qualified_name(),
                what: "repairing through replication",
            });
        }
        for d in differences {
            match d {
                Difference::Missing { row, count } => {
                    let values = writable(row);
                    for _ in 0..*count {
                        statements.push(Statement::Insert {
                            values: values.clone(),
                        });
                    }
                }
                Difference::Extra { row, count } => {
                    let by: Vec<ColumnValue> = table
                        .columns
                        .iter()
                        .zip(row)
                        .map(|(c, v)| cv(&c.name, v))
                        .collect();
                    for _ in 0..*count {
                        statements.push(Statement::Delete {
                            by: by.clone(),
                            exact: true,
                        });
                    }
                }
                Difference::Changed { .. } => {
                    return Err(Error::NeedsUniqueKey {
                        table: table.qualified_name(),
                        what: "a changed row (rather than a missing or extra one)",
                    })
                }
            }
        }
        statements.sort_by_key(Statement::rank);
        return Ok(TablePlan {
            table: table.clone(),
            key: None,
            statements,
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
    for d in differences {
        match d {
            Difference::Missing { row, .. } if replace => statements.push(Statement::Replace {
                values: writable(row),
            }),
            Difference::Missing { row, .. } => statements.push(Statement::Insert {
                values: writable(row),
            }),
            Difference::Extra { row, .. } => statements.push(Statement::Delete {
                by: by_key(row),
                exact: false,
            }),
            Difference::Changed { source, .. } if replace => {
                statements.push(Statement::Replace {
                    values: writable(source),
                });
            }
            Difference::Changed {
                source,
                target,
                columns,
            } => {
                if columns.iter().any(|&c| in_other_unique(c)) {
                    statements.push(Statement::Delete {
                        by: by_key(target),
                        exact: false,
                    });
                    statements.push(Statement::Insert {
                        values: writable(source),
                    });
                    continue;
                }
                let set: Vec<ColumnValue> = columns
                    .iter()
                    .filter_map(|&i| Some((table.columns.get(i)?, source.get(i)?)))
                    .filter(|(c, _)| !c.generated)
                    .map(|(c, v)| cv(&c.name, v))
                    .collect();
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
    })
}

fn cv(column: &str, value: &Value) -> ColumnValue {
    ColumnValue {
        column: column.to_string(),
        value: value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chunker::{Column, ColumnType, Index};

    fn int() -> ColumnType {
        ColumnType::Integer {
            bytes: 4,
            unsigned: false,
        }
    }

    #[test]
    fn generated_columns_are_never_written() {
        let t = Table::new("s", "t")
            .column(Column::new("id", int()))
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
        let t = Table::new("s", "t")
            .column(Column::new("id", int()))
            .column(Column::new("v", int()))
            .index(Index::primary(["id"]));
        let row = |id, v| vec![Value::Int(id), Value::Int(v)];
        let diffs = crate::diff_rows(&t, &[row(1, 1), row(2, 2)], &[row(1, 5), row(3, 3)]).unwrap();
        let via = PlanOptions {
            direction: Direction::ViaReplication,
            style: Style::Minimal,
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
