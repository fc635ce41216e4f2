//! Finding drifted rows and repairing them: every table checksummed chunk by chunk with
//! `checksum`, the differing rows found and planned with `sync-plan`, the plan applied on the
//! replica, and the result verified twice (checksums again, and full table contents).

use mysql::prelude::Queryable;
use mysql::Conn;
use serde::Serialize;
use sync_plan::live::{self, DrillOptions};
use sync_plan::{plan_table, Difference, Direction, Plan, PlanOptions, Style};

use super::DrillError;

/// One table's chunk checksums.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableChecksum {
    /// `schema.table`.
    pub table: String,
    /// Chunks compared.
    pub chunks: u64,
    /// Chunks whose checksums differ.
    pub differing_chunks: usize,
}

/// One table's row differences (primary as the source of truth).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableRows {
    /// `schema.table`.
    pub table: String,
    /// Rows the replica lacks.
    pub missing_on_replica: usize,
    /// Rows only the replica has.
    pub only_on_replica: usize,
    /// Rows with the same key and other values.
    pub changed: usize,
    /// The rows only the replica has, and the replica's side of changed rows, as they are on
    /// the replica (the repair removes or overwrites them): kept here so nothing vanishes
    /// unreported.
    pub replica_rows_replaced: Vec<String>,
}

fn checksum_err(e: checksum::Error) -> DrillError {
    DrillError::step("checksumming", checksum::redact(&e.to_string()))
}

fn sync_err(e: sync_plan::Error) -> DrillError {
    DrillError::step("planning the repair", checksum::redact(&e.to_string()))
}

/// Checksums every table of `tables` on both servers, chunk by chunk.
pub fn checksum_tables(
    primary_url: &str,
    replica_url: &str,
    tables: &[(String, String)],
) -> Result<Vec<TableChecksum>, DrillError> {
    let (walk, _) = connect(primary_url, "primary")?;
    let (source, _) = connect(primary_url, "primary")?;
    let (target, _) = connect(replica_url, "replica")?;
    let (mut replica_model, _) = connect(replica_url, "replica")?;
    let mut cmp =
        checksum::live::Comparer::from_conns(walk, source, target).map_err(checksum_err)?;
    // No lag limit: the replica may be stopped (that is what the drill is about), and a
    // limit would wait for it forever. The load limit stays.
    let opts = checksum::live::CompareOptions {
        throttle: checksum::live::Throttle {
            max_lag: None,
            ..checksum::live::Throttle::default()
        },
        ..checksum::live::CompareOptions::default()
    };
    let mut checkpoint = checksum::Checkpoint::new(opts.algorithm);
    let mut out = Vec::new();
    for (db, name) in tables {
        let mut table = chunker::live::load_table(cmp.walk_conn(), db, name)
            .map_err(|e| DrillError::step("checksumming", format!("loading {db}.{name}: {e}")))?;
        // The chunks run on the replica too: a column it alone declares UNSIGNED needs the
        // UNSIGNED comparisons there (see chunker::Table::merge_unsigned).
        if let Ok(theirs) = chunker::live::load_table(&mut replica_model, db, name) {
            table.merge_unsigned(&theirs);
        }
        let result = cmp
            .compare_table(&table, &opts, &mut checkpoint, &mut |_| {})
            .map_err(checksum_err)?;
        out.push(TableChecksum {
            table: result.table,
            chunks: result.chunks,
            differing_chunks: result.differences.len(),
        });
    }
    Ok(out)
}

/// Connects to `url` and returns the connection with a label that carries no password.
pub fn connect(url: &str, side: &str) -> Result<(Conn, String), DrillError> {
    super::connect::connect(url, side).map_err(|e| DrillError::step("connecting", e))
}

fn show(v: &chunker::Value) -> String {
    use chunker::Value;
    match v {
        Value::Null => "NULL".to_string(),
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Double(d) => d.to_string(),
        Value::Bytes(b) => match std::str::from_utf8(b) {
            Ok(text) if !text.chars().any(char::is_control) => format!("{text:?}"),
            _ => format!(
                "0x{}",
                b.iter().map(|x| format!("{x:02x}")).collect::<String>()
            ),
        },
        other => format!("{other:?}"),
    }
}

/// `table key=value, ...` by the identity key (plus `version` when the table has one), or by
/// every column in a table without a key.
fn describe(table: &chunker::Table, row: &[chunker::Value]) -> String {
    let key = sync_plan::IdentityKey::choose(table);
    let cols: Vec<String> = table
        .columns
        .iter()
        .enumerate()
        .zip(row)
        .filter(|((i, c), _)| {
            key.as_ref()
                .is_none_or(|k| k.columns.contains(i) || c.name == "version")
        })
        .map(|((_, c), v)| format!("{}={}", c.name, show(v)))
        .collect();
    format!("{} {}", table.name, cols.join(" "))
}

/// Finds the rows the replica differs from the primary by and plans the statements that make
/// the replica match, to run on the replica itself (the drill's keyless table rules out
/// repairing through replication).
pub fn plan(
    primary_url: &str,
    replica_url: &str,
    tables: &[(String, String)],
) -> Result<(Plan, Vec<TableRows>), DrillError> {
    let (mut src, src_label) = connect(primary_url, "primary")?;
    let (mut tgt, tgt_label) = connect(replica_url, "replica")?;
    live::prepare_session(&mut src, "source").map_err(sync_err)?;
    live::prepare_session(&mut tgt, "target").map_err(sync_err)?;
    let mut plan = Plan::new(src_label, tgt_label, Direction::OnTarget);
    let mut rows = Vec::new();
    for (db, name) in tables {
        let table = live::load_table(&mut src, db, name, "source").map_err(sync_err)?;
        live::load_table(&mut tgt, db, name, "target").map_err(sync_err)?;
        let diff = live::diff_table(&mut src, &mut tgt, &table, DrillOptions::default())
            .map_err(sync_err)?;
        let mut t = TableRows {
            table: table.qualified_name(),
            missing_on_replica: 0,
            only_on_replica: 0,
            changed: 0,
            replica_rows_replaced: Vec::new(),
        };
        for d in &diff.differences {
            match d {
                Difference::Missing { count, .. } => t.missing_on_replica += *count as usize,
                Difference::Extra { row, count } => {
                    t.only_on_replica += *count as usize;
                    t.replica_rows_replaced.push(describe(&table, row));
                }
                Difference::Changed { target, .. } => {
                    t.changed += 1;
                    t.replica_rows_replaced.push(describe(&table, target));
                }
            }
        }
        rows.push(t);
        if !diff.differences.is_empty() {
            let options = PlanOptions {
                direction: Direction::OnTarget,
                style: Style::Minimal,
                ..PlanOptions::default()
            };
            plan.tables
                .push(plan_table(&table, &diff.differences, options).map_err(sync_err)?);
        }
    }
    Ok((plan, rows))
}

/// Applies `plan` on the replica, with `sql_log_bin=0` so that the repair does not enter the
/// replica's own binary log as transactions of its own. Returns the statements run.
pub fn apply(replica_url: &str, plan: &Plan) -> Result<u64, DrillError> {
    let (mut conn, _) = connect(replica_url, "replica")?;
    let sql = "SET SESSION sql_log_bin = 0";
    conn.query_drop(sql)
        .map_err(|e| DrillError::sql("applying the repair", sql, e))?;
    live::execute(&mut conn, plan, sync_plan::DEFAULT_BATCH).map_err(sync_err)
}

/// Every row of `db.name` in a form that compares exactly (binary protocol: FLOAT and DOUBLE
/// arrive as their bits), sorted, so that two tables compare as multisets.
fn all_rows(conn: &mut Conn, db: &str, name: &str) -> Result<Vec<String>, DrillError> {
    let sql = format!(
        "SELECT * FROM `{}`.`{}`",
        db.replace('`', "``"),
        name.replace('`', "``")
    );
    let rows: Vec<mysql::Row> = conn
        .exec(&sql, ())
        .map_err(|e| DrillError::sql("comparing table contents", &sql, e))?;
    let mut out: Vec<String> = rows
        .into_iter()
        .map(|r| format!("{:?}", r.unwrap()))
        .collect();
    out.sort_unstable();
    Ok(out)
}

/// Compares the full contents of every table; returns `(table, rows in one and not the other)`.
pub fn compare_contents(
    primary_url: &str,
    replica_url: &str,
    tables: &[(String, String)],
) -> Result<Vec<(String, usize)>, DrillError> {
    let (mut p, _) = connect(primary_url, "primary")?;
    let (mut r, _) = connect(replica_url, "replica")?;
    let mut out = Vec::new();
    for (db, name) in tables {
        let (a, b) = (all_rows(&mut p, db, name)?, all_rows(&mut r, db, name)?);
        let (mut i, mut j, mut differ) = (0, 0, 0);
        while i < a.len() || j < b.len() {
            match (a.get(i), b.get(j)) {
                (Some(x), Some(y)) if x == y => (i, j) = (i + 1, j + 1),
                (Some(x), Some(y)) if x < y => (i, differ) = (i + 1, differ + 1),
                (Some(_), None) => (i, differ) = (i + 1, differ + 1),
                _ => (j, differ) = (j + 1, differ + 1),
            }
        }
        out.push((format!("{db}.{name}"), differ));
    }
    Ok(out)
}
