//! Statement text: a reviewable script with its session header.
//!
//! Names are always fully qualified (`` `db`.`t` ``, quoted by `chunker::sql`), so the script
//! needs no `USE` and runs the same from any default database. Values are rendered by [`crate::literal`].

use chunker::sql::{qualified, quote_ident};
use chunker::{Column, Table};

use crate::error::Error;
use crate::literal::{exact_match, guarded_compare, literal_in};
use crate::plan::{ColumnValue, Direction, Plan, Statement, TablePlan};
use crate::unrepairable::{stored_on_write, Stored};

/// The `sql_mode` a plan runs under: strict, so nothing is silently truncated;
/// `NO_AUTO_VALUE_ON_ZERO`, so a stored `0` in an AUTO_INCREMENT column is written as `0`; and
/// none of the zero-date modes, so stored zero dates can be written back.
pub const SESSION_SQL_MODE: &str = "NO_AUTO_VALUE_ON_ZERO,STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION";

/// How many statements the script groups in one transaction.
pub const DEFAULT_BATCH: usize = 500;

/// Text safe inside `/* ... */`: no comment terminator, no line breaks.
fn comment_safe(text: &str) -> String {
    text.replace("*/", "* /").replace(['\n', '\r'], " ")
}

/// The session statements a plan needs before its first row statement.
pub fn session_header(plan: &Plan) -> Vec<String> {
    let mut out = vec![
        format!("SET SESSION sql_mode = '{SESSION_SQL_MODE}'"),
        format!(
            "SET SESSION time_zone = '{}'",
            comment_safe(&plan.time_zone).replace('\'', "")
        ),
    ];
    if plan.direction == Direction::ViaReplication {
        out.push("SET SESSION binlog_format = 'STATEMENT'".to_string());
    }
    out
}

/// The trace comment a statement carries: source, target and table, never a password.
pub fn trace_comment(plan: &Plan, table: &Table) -> String {
    format!(
        "/* table-sync src:{} dst:{} tbl:{} */",
        comment_safe(&plan.source),
        comment_safe(&plan.target),
        comment_safe(&table.qualified_name())
    )
}

impl Plan {
    /// The whole plan as a script for the `mariadb`/`mysql` client: a header naming source,
    /// target and where to run it, the session settings, then the statements in transactions of
    /// at most `batch` statements.
    pub fn to_sql(&self, batch: usize, comments: bool) -> Result<String, Error> {
        let batch = batch.max(1);
        let mut out = String::new();
        out.push_str(&format!(
            "-- table-sync repair plan\n-- source of truth: {}\n-- target: {}\n",
            comment_safe(&self.source),
            comment_safe(&self.target)
        ));
        out.push_str(match self.direction {
            Direction::OnTarget => "-- run this on the TARGET\n",
            Direction::ViaReplication => {
                "-- run this on the SOURCE (the target's primary): the statements are no-ops there and reach the target through statement-based replication\n"
            }
        });
        for w in self.warnings() {
            out.push_str(&format!("-- warning: {}\n", comment_safe(&w)));
        }
        for line in self.unrepairable_lines() {
            out.push_str(&format!("-- cannot repair: {}\n", comment_safe(&line)));
        }
        for s in session_header(self) {
            out.push_str(&s);
            out.push_str(";\n");
        }
        for table in &self.tables {
            let comment = if comments {
                format!(" {}", trace_comment(self, &table.table))
            } else {
                String::new()
            };
            for group in table.statements.chunks(batch) {
                out.push_str("START TRANSACTION;\n");
                for s in group {
                    out.push_str(&statement_sql(table, s)?);
                    out.push_str(&comment);
                    out.push_str(";\n");
                }
                out.push_str("COMMIT;\n");
            }
        }
        Ok(out)
    }
}

impl Plan {
    /// What the plan's statements will do wrong, one line per table and kind (empty unless
    /// [`PlanOptions::include_unrepairable`](crate::PlanOptions) wrote rows no statement can
    /// repair, which by default are left out of the statements and listed by
    /// [`Plan::unrepairable_lines`]): values written to `FLOAT(M,D)`/`DOUBLE(M,D)` columns
    /// with more decimals than `D` (kept by an in-place `ALTER`, or by row-based replication
    /// from a plain column), which the server rounds on every write, so those rows still
    /// differ after the repair; values written to such columns beyond the range `M,D` allows,
    /// which the server refuses; and negative values written to `UNSIGNED`
    /// `FLOAT`/`DOUBLE`/`DECIMAL` columns (put there by row-based replication from a signed
    /// column), which the server refuses. A refused write stops the script. [`Plan::to_sql`]
    /// writes the warnings as `-- warning:` lines under its header, then the rows no statement
    /// can repair as `-- cannot repair:` lines.
    pub fn warnings(&self) -> Vec<String> {
        self.tables
            .iter()
            .flat_map(|tp| {
                [
                    rounded_writes(tp, self.direction),
                    out_of_range_writes(tp),
                    negative_unsigned_writes(tp),
                ]
            })
            .flatten()
            .collect()
    }
}

/// The warning for `plan`'s writes of negative values to `UNSIGNED` FLOAT/DOUBLE/DECIMAL
/// columns (which only row-based replication from a signed column puts there): the server
/// refuses them in the plan's strict `sql_mode` (error 1264), so the script stops at the first.
fn negative_unsigned_writes(plan: &TablePlan) -> Option<String> {
    let (count, examples) = noted_writes(plan, |col, value| match stored_on_write(col, value)? {
        Stored::NegativeInUnsigned => Some(String::new()),
        Stored::Rounded(_) | Stored::OutOfRange { .. } => None,
    })?;
    Some(format!(
        "{}: {count} negative values are written to UNSIGNED FLOAT/DOUBLE/DECIMAL columns ({examples}), \
         which the server refuses (error 1264, out of range: only row-based replication from a \
         signed column puts such values there), so the script stops at the first of them; make \
         the column signed where the repair runs first",
        qualified(&plan.table),
    ))
}

/// The warning for `plan`'s writes beyond the range of their `FLOAT(M,D)`/`DOUBLE(M,D)`
/// columns, which the server refuses in the plan's strict `sql_mode` (error 1264).
fn out_of_range_writes(plan: &TablePlan) -> Option<String> {
    let (count, examples) = noted_writes(plan, |col, value| match stored_on_write(col, value)? {
        Stored::OutOfRange { max } => Some(format!(" beyond {max}")),
        Stored::Rounded(_) | Stored::NegativeInUnsigned => None,
    })?;
    Some(format!(
        "{}: {count} values written to FLOAT(M,D)/DOUBLE(M,D) columns are beyond the range the \
         column allows ({examples}), which the server refuses (error 1264, out of range), so \
         the script stops at the first of them",
        qualified(&plan.table),
    ))
}

/// The warning for `plan`'s writes that its `FLOAT(M,D)`/`DOUBLE(M,D)` columns round.
fn rounded_writes(plan: &TablePlan, direction: Direction) -> Option<String> {
    let (count, examples) = noted_writes(plan, |col, value| match stored_on_write(col, value)? {
        Stored::Rounded(stored) => {
            let lit = crate::literal::literal(col, &stored).unwrap_or_default();
            Some(format!(" as {lit}"))
        }
        Stored::OutOfRange { .. } | Stored::NegativeInUnsigned => None,
    })?;
    let via = match direction {
        Direction::OnTarget => "",
        Direction::ViaReplication => "; run on the source, the REPLACE rounds them there too",
    };
    Some(format!(
        "{}: {count} values written to FLOAT(M,D)/DOUBLE(M,D) columns have more decimals than \
         the column keeps and are stored rounded ({examples}), so those rows will still differ \
         after the repair{via}",
        qualified(&plan.table),
    ))
}

/// The values `plan`'s inserts, replaces and updates write that `note` picks (`Some(suffix)`,
/// shown after the column and its literal): how many, and the first three as
/// `` `col` literal suffix `` (then `, ...` if there are more). `None` when none is picked.
fn noted_writes(
    plan: &TablePlan,
    note: impl Fn(&Column, &chunker::Value) -> Option<String>,
) -> Option<(usize, String)> {
    let mut count = 0;
    let mut examples = Vec::new();
    for statement in &plan.statements {
        let written = match statement {
            Statement::Insert { values } | Statement::Replace { values } => values,
            Statement::Update { set, .. } => set,
            Statement::Delete { .. } => continue,
        };
        for cv in written {
            let Some(col) = plan.table.find_column(&cv.column) else {
                continue;
            };
            let Some(suffix) = note(col, &cv.value) else {
                continue;
            };
            count += 1;
            if examples.len() < 3 {
                let lit = crate::literal::literal(col, &cv.value).unwrap_or_default();
                examples.push(format!("{} {lit}{suffix}", quote_ident(&col.name)));
            }
        }
    }
    if count == 0 {
        return None;
    }
    let more = if count > examples.len() { ", ..." } else { "" };
    Some((count, format!("{}{more}", examples.join(", "))))
}

/// One statement's text, without trailing `;`.
pub fn statement_sql(plan: &TablePlan, statement: &Statement) -> Result<String, Error> {
    let table = &plan.table;
    let name = qualified(table);
    Ok(match statement {
        Statement::Delete { by, exact } => {
            format!(
                "DELETE FROM {name} WHERE {} LIMIT 1",
                row_match(table, by, *exact)?
            )
        }
        Statement::Insert { values } => insert("INSERT", &name, table, values)?,
        Statement::Replace { values } => insert("REPLACE", &name, table, values)?,
        Statement::Update { set, by } => {
            let sets = set
                .iter()
                .map(|cv| {
                    let col = column(table, cv)?;
                    Ok(format!(
                        "{} = {}",
                        quote_ident(&col.name),
                        literal_in(&table.qualified_name(), col, &cv.value)?
                    ))
                })
                .collect::<Result<Vec<_>, Error>>()?;
            let preds = by
                .iter()
                .map(|cv| key_match(table, column(table, cv)?, cv))
                .collect::<Result<Vec<_>, Error>>()?;
            format!(
                "UPDATE {name} SET {} WHERE {} LIMIT 1",
                sets.join(", "),
                preds.join(" AND ")
            )
        }
    })
}

/// The `WHERE` condition that selects the row `by` describes: `=` on identity-key columns, or
/// exact NULL-safe comparisons of every column (`exact`).
pub(crate) fn row_match(table: &Table, by: &[ColumnValue], exact: bool) -> Result<String, Error> {
    let preds = by
        .iter()
        .map(|cv| {
            let col = column(table, cv)?;
            if exact {
                exact_match(&table.qualified_name(), col, &cv.value)
            } else {
                key_match(table, col, cv)
            }
        })
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(preds.join(" AND "))
}

fn column<'t>(table: &'t Table, cv: &ColumnValue) -> Result<&'t Column, Error> {
    table.find_column(&cv.column).ok_or_else(|| Error::Model {
        table: table.qualified_name(),
        reason: format!(
            "the plan names column {:?} the table does not have",
            cv.column
        ),
    })
}

/// `col = literal` for an identity-key column (never FLOAT/DOUBLE, never NULL by construction).
fn key_match(table: &Table, col: &Column, cv: &ColumnValue) -> Result<String, Error> {
    if col.column_type.is_approximate() {
        return Err(Error::Model {
            table: table.qualified_name(),
            reason: format!("FLOAT/DOUBLE column {} used as a key", col.name),
        });
    }
    if cv.value.is_null() {
        return Ok(format!("{} IS NULL", quote_ident(&col.name)));
    }
    let lit = literal_in(&table.qualified_name(), col, &cv.value)?;
    Ok(guarded_compare(col, "=", &lit, &cv.value)
        .unwrap_or_else(|| format!("{} = {lit}", quote_ident(&col.name))))
}

fn insert(verb: &str, name: &str, table: &Table, values: &[ColumnValue]) -> Result<String, Error> {
    let mut cols = Vec::with_capacity(values.len());
    let mut lits = Vec::with_capacity(values.len());
    for cv in values {
        let col = column(table, cv)?;
        cols.push(quote_ident(&col.name));
        lits.push(literal_in(&table.qualified_name(), col, &cv.value)?);
    }
    Ok(format!(
        "{verb} INTO {name} ({}) VALUES ({})",
        cols.join(", "),
        lits.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use chunker::{Column, ColumnType, Index, Table, Value};

    use crate::test_tables::{float2, int, with_id};
    use crate::{diff_rows, plan_table, Direction, Plan, PlanOptions};

    /// Rows no statement can repair are written only when asked to.
    fn include() -> PlanOptions {
        PlanOptions {
            include_unrepairable: true,
            ..PlanOptions::default()
        }
    }

    #[test]
    fn rounded_fixed_decimal_writes_are_warned_of() {
        let table = with_id("t")
            .column(float2("k"))
            .index(Index::primary(["id", "k"]));
        let row = |id, k| vec![Value::Int(id), Value::Float(k)];
        // 0.125 and 5.4321 have more decimals than FLOAT(7,2) keeps; 2.5 does not.
        let source = [row(1, 0.125), row(2, 5.4321), row(3, 2.5)];
        let diffs = diff_rows(&table, &source, &[]).unwrap();
        let mut plan = Plan::new("src", "dst", Direction::OnTarget);
        plan.tables
            .push(plan_table(&table, &diffs, include()).unwrap());
        let warning = "`s`.`t`: 2 values written to FLOAT(M,D)/DOUBLE(M,D) columns have more \
             decimals than the column keeps and are stored rounded (`k` 1.25e-1 as 1.2e-1, `k` \
             5.4321e0 as 5.43e0), so those rows will still differ after the repair";
        assert_eq!(plan.warnings(), [warning]);
        let script = plan.to_sql(500, false).unwrap();
        assert!(
            script.contains(&format!(
                "-- run this on the TARGET\n-- warning: {warning}\n-- cannot repair: `s`.`t` \
                 row `id`=1, `k`=1.25e-1: cannot be repaired by writing: the target column's \
                 type rounds it: `k` 1.25e-1 is stored as 1.2e-1 by FLOAT(M,2), the target lacks \
                 the row; written anyway, so the row still differs afterwards\n-- cannot \
                 repair: "
            )),
            "{script}"
        );
        // Through replication the REPLACE runs on the source, and rounds it there too.
        let via = PlanOptions {
            direction: Direction::ViaReplication,
            ..include()
        };
        let keyed = with_id("r")
            .column(float2("k"))
            .index(Index::primary(["id"]));
        let mut through = Plan::new("src", "dst", Direction::ViaReplication);
        let rounded = diff_rows(&keyed, &[row(1, 0.125)], &[]).unwrap();
        through
            .tables
            .push(plan_table(&keyed, &rounded, via).unwrap());
        assert!(
            through.warnings()[0]
                .ends_with("; run on the source, the REPLACE rounds them there too"),
            "{:?}",
            through.warnings()
        );
        // By default the two rows are left out of the statements, and no write is warned of.
        plan.tables[0] = plan_table(&table, &diffs, PlanOptions::default()).unwrap();
        assert!(plan.warnings().is_empty());
        assert_eq!(plan.statement_count(), 1);
        assert_eq!(plan.unrepairable_count(), 2);

        // Negative values of an UNSIGNED DOUBLE column, refused by the server: by default
        // left out and listed, not warned of; written and warned of only when asked.
        let unsigned = Table::new("s", "u")
            .column(Column::new("d", ColumnType::Double { scale: None }).unsigned())
            .column(Column::new("id", int()))
            .index(Index::primary(["id"]));
        let urow = |d, id| vec![Value::Double(d), Value::Int(id)];
        let diffs = diff_rows(&unsigned, &[urow(-1.5, 1), urow(2.5, 2)], &[]).unwrap();
        let mut uplan = Plan::new("src", "dst", Direction::OnTarget);
        uplan
            .tables
            .push(plan_table(&unsigned, &diffs, PlanOptions::default()).unwrap());
        assert!(uplan.warnings().is_empty(), "{:?}", uplan.warnings());
        assert_eq!(uplan.statement_count(), 1);
        assert_eq!(
            uplan.unrepairable_lines(),
            [
                "`s`.`u` row `id`=1: cannot be repaired by writing: the target column's type \
                 cannot hold it: `d` -1.5e0 is negative in DOUBLE UNSIGNED, which the server \
                 refuses (error 1264) under the plan's strict sql_mode and stores as 0 under \
                 others, the target lacks the row; left out of the statements"
            ]
        );
        uplan.tables[0] = plan_table(&unsigned, &diffs, include()).unwrap();
        assert_eq!(uplan.statement_count(), 2);
        assert_eq!(
            uplan.warnings(),
            [
                "`s`.`u`: 1 negative values are written to UNSIGNED FLOAT/DOUBLE/DECIMAL columns \
              (`d` -1.5e0), which the server refuses (error 1264, out of range: only row-based \
              replication from a signed column puts such values there), so the script stops at \
              the first of them; make the column signed where the repair runs first"
            ]
        );

        // Values the column keeps: no warning, the script as before.
        let diffs = diff_rows(&table, &[row(3, 2.5)], &[]).unwrap();
        plan.tables[0] = plan_table(&table, &diffs, PlanOptions::default()).unwrap();
        assert!(plan.warnings().is_empty());
        assert!(!plan.to_sql(500, false).unwrap().contains("warning"));
    }
}
