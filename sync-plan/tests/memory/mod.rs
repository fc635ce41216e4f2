//! An in-memory stand-in for a server table: applies a plan's structured statements with the
//! server's semantics for what the tests generate (ASCII text under `_ci` collations, PAD SPACE),
//! enforcing every unique index, so a badly ordered plan fails here as it would on a server.
//!
//! Written independently of the crate's own compare keys, so it is an oracle, not a mirror.

use chunker::{Column, ColumnType, Table, Value};
use sync_plan::{ColumnValue, Row, Statement};

/// Equality as the server's `=` sees it for the values the tests generate.
pub fn server_eq(col: &Column, a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, _) | (_, Value::Null) => false,
        (Value::Bytes(x), Value::Bytes(y))
            if matches!(col.column_type, ColumnType::Text { .. }) =>
        {
            let ci = col
                .collation
                .as_ref()
                .is_some_and(|c| c.is_case_insensitive());
            let norm = |s: &[u8]| {
                let mut v: Vec<u8> = s.to_vec();
                while v.last() == Some(&b' ') {
                    v.pop();
                }
                if ci {
                    v.make_ascii_lowercase();
                }
                v
            };
            norm(x) == norm(y)
        }
        _ => exact_eq(a, b),
    }
}

/// `<=>` on exact values (bytes, bits).
pub fn exact_eq(a: &Value, b: &Value) -> bool {
    sync_plan::same_value(a, b)
}

/// Applies `statements` to `rows` in order; `Err` names the first statement the server would
/// reject or that matches no row when it must.
pub fn apply(table: &Table, rows: &mut Vec<Row>, statements: &[Statement]) -> Result<(), String> {
    for (n, s) in statements.iter().enumerate() {
        apply_one(table, rows, s).map_err(|e| format!("statement {n} {s:?}: {e}"))?;
    }
    Ok(())
}

fn pos(table: &Table, name: &str) -> Result<usize, String> {
    table
        .columns
        .iter()
        .position(|c| c.name == name)
        .ok_or_else(|| format!("no column {name}"))
}

fn matches(table: &Table, row: &Row, by: &[ColumnValue], exact: bool) -> Result<bool, String> {
    for cv in by {
        let i = pos(table, &cv.column)?;
        let ok = if exact {
            exact_eq(&row[i], &cv.value)
        } else {
            server_eq(&table.columns[i], &row[i], &cv.value)
        };
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}

fn build(table: &Table, values: &[ColumnValue]) -> Result<Row, String> {
    let mut row = vec![Value::Null; table.columns.len()];
    for cv in values {
        row[pos(table, &cv.column)?] = cv.value.clone();
    }
    Ok(row)
}

/// Positions of rows that collide with `row` on some unique index (NULLs never collide).
fn conflicts(table: &Table, rows: &[Row], row: &Row, skip: Option<usize>) -> Vec<usize> {
    let mut out = Vec::new();
    for (j, other) in rows.iter().enumerate() {
        if Some(j) == skip {
            continue;
        }
        let hit = table.indexes.iter().filter(|ix| ix.unique).any(|ix| {
            ix.columns.iter().all(|p| {
                let i = table
                    .columns
                    .iter()
                    .position(|c| c.name == p.name)
                    .unwrap_or(0);
                server_eq(&table.columns[i], &row[i], &other[i])
            })
        });
        if hit {
            out.push(j);
        }
    }
    out
}

fn apply_one(table: &Table, rows: &mut Vec<Row>, s: &Statement) -> Result<(), String> {
    match s {
        Statement::Delete { by, exact } => {
            let mut hits = Vec::new();
            for (j, r) in rows.iter().enumerate() {
                if matches(table, r, by, *exact)? {
                    hits.push(j);
                }
            }
            match hits.first() {
                None => return Err("DELETE matched no row".into()),
                Some(&j) => {
                    if !*exact && hits.len() > 1 {
                        return Err("a key DELETE matched several rows".into());
                    }
                    rows.remove(j);
                }
            }
        }
        Statement::Insert { values } => {
            let row = build(table, values)?;
            if !conflicts(table, rows, &row, None).is_empty() {
                return Err("duplicate key on INSERT".into());
            }
            rows.push(row);
        }
        Statement::Replace { values } => {
            let row = build(table, values)?;
            let mut hit = conflicts(table, rows, &row, None);
            hit.sort_unstable();
            for j in hit.into_iter().rev() {
                rows.remove(j);
            }
            rows.push(row);
        }
        Statement::Update { set, by } => {
            let mut hits = Vec::new();
            for (j, r) in rows.iter().enumerate() {
                if matches(table, r, by, false)? {
                    hits.push(j);
                }
            }
            let [j] = hits[..] else {
                return Err(format!("UPDATE matched {} rows", hits.len()));
            };
            let mut row = rows[j].clone();
            for cv in set {
                row[pos(table, &cv.column)?] = cv.value.clone();
            }
            if !conflicts(table, rows, &row, Some(j)).is_empty() {
                return Err("duplicate key on UPDATE".into());
            }
            rows[j] = row;
        }
    }
    Ok(())
}
