//! Holding a server to the application's ledger: every acknowledged row present, with the
//! version its last acknowledged write left.

use std::collections::HashMap;

use mysql::prelude::Queryable;
use mysql::Conn;
use serde::Serialize;

use super::workload::{key_query, Ledger, TABLES};
use super::DrillError;

/// How one server stands against the ledger.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LedgerCheck {
    /// Rows checked (acknowledged, outcome known).
    pub checked: usize,
    /// Rows left out: a transaction touching them was in flight at the crash.
    pub uncertain: usize,
    /// Acknowledged rows the server does not have (`table key`).
    pub missing: Vec<String>,
    /// Rows the server has with another version than the last acknowledged one.
    pub wrong_version: Vec<String>,
    /// Rows the application deleted (acknowledged) that the server still has, or rows the
    /// ledger never heard of.
    pub unexpected: Vec<String>,
}

impl LedgerCheck {
    /// No acknowledged row missing or stale.
    pub fn nothing_lost(&self) -> bool {
        self.missing.is_empty() && self.wrong_version.is_empty()
    }
}

/// Reads `(key, version)` of every row of the drill's tables and compares them with `ledger`.
pub fn check(conn: &mut Conn, ledger: &Ledger) -> Result<LedgerCheck, DrillError> {
    let mut server: HashMap<(&'static str, String), u32> = HashMap::new();
    for table in TABLES {
        let sql = key_query(table);
        let rows: Vec<(String, u32)> = conn
            .query(&sql)
            .map_err(|e| DrillError::sql("checking committed rows", &sql, e))?;
        for (key, version) in rows {
            server.insert((table, key), version);
        }
    }
    let mut out = LedgerCheck::default();
    for ((table, key), entry) in &ledger.rows {
        let found = server.remove(&(*table, key.clone()));
        if !entry.certain {
            out.uncertain += 1;
            continue;
        }
        out.checked += 1;
        let name = format!("{table} {key}");
        match (entry.present, found) {
            (true, None) => out.missing.push(name),
            (true, Some(v)) if v != entry.version => {
                out.wrong_version.push(format!(
                    "{name} (version {v}, acknowledged {})",
                    entry.version
                ));
            }
            (false, Some(_)) => out.unexpected.push(name),
            _ => {}
        }
    }
    out.unexpected
        .extend(server.into_keys().map(|(t, k)| format!("{t} {k}")));
    for list in [
        &mut out.missing,
        &mut out.wrong_version,
        &mut out.unexpected,
    ] {
        list.sort();
    }
    Ok(out)
}

/// Marks the rows `check` found missing or stale as not committed: they did not survive in the
/// primary's storage, so the application's acknowledgement was all they ever had. Returns them.
pub fn forget_lost(ledger: &mut Ledger, check: &LedgerCheck) -> Vec<String> {
    let mut lost = Vec::new();
    for name in check.missing.iter().chain(&check.wrong_version) {
        let mut parts = name.splitn(2, ' ');
        let (Some(table), Some(key)) = (parts.next(), parts.next()) else {
            continue;
        };
        let key = key.split(" (").next().unwrap_or(key).to_string();
        if let Some(t) = TABLES.iter().find(|t| **t == table) {
            if let Some(e) = ledger.rows.get_mut(&(*t, key)) {
                e.certain = false;
                lost.push(name.clone());
            }
        }
    }
    lost
}
