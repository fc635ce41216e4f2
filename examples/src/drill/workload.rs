//! The drill's tables, the ledger of every acknowledged commit, and the check that holds a
//! server to it: every acknowledged row present, with the version its last acknowledged
//! write left. The writes themselves are in `writes.rs`.
//!
//! Four tables cover what real schemas hold and what has tripped tools before: an integer key,
//! a composite key, a case-insensitive VARCHAR key, FLOAT/DOUBLE/DECIMAL, text and binary
//! columns, and a table with no key at all. Each keyed row carries a `version` that every
//! update bumps, so a lost update shows as well as a lost row.

use std::collections::HashMap;

use mysql::prelude::Queryable;
use mysql::Conn;

use serde::Serialize;

use super::DrillError;

/// The schema the drill works in.
pub const SCHEMA: &str = "drill";

/// The drill's tables, in the order they are checked.
pub const TABLES: [&str; 4] = ["accounts", "order_lines", "customers", "audit_log"];

/// `CREATE` statements for the drill's schema.
const DDL: &[&str] = &[
    "CREATE DATABASE drill CHARACTER SET utf8mb4",
    "CREATE TABLE drill.accounts (id BIGINT NOT NULL PRIMARY KEY, owner VARCHAR(40) NOT NULL, \
     balance DECIMAL(14,2) NOT NULL, ratio FLOAT, score DOUBLE, note TEXT, version INT NOT NULL)",
    "CREATE TABLE drill.order_lines (order_id INT NOT NULL, line SMALLINT NOT NULL, \
     sku VARCHAR(20) NOT NULL, qty INT NOT NULL, price DECIMAL(10,2) NOT NULL, weight FLOAT, \
     version INT NOT NULL, PRIMARY KEY (order_id, line))",
    "CREATE TABLE drill.customers (email VARCHAR(64) NOT NULL PRIMARY KEY, name VARCHAR(60), \
     avatar VARBINARY(32), bio TEXT, version INT NOT NULL) \
     DEFAULT CHARSET utf8mb4 COLLATE utf8mb4_general_ci",
    "CREATE TABLE drill.audit_log (seq BIGINT NOT NULL, kind VARCHAR(16) NOT NULL, \
     payload BLOB, amount DOUBLE)",
];

/// The query that lists `(key, version)` of every row of a table, as the ledger spells keys.
pub fn key_query(table: &str) -> String {
    let (key, version) = match table {
        "accounts" => ("CAST(id AS CHAR)", "version"),
        "order_lines" => ("CONCAT(order_id, ',', line)", "version"),
        "customers" => ("email", "version"),
        _ => ("CAST(seq AS CHAR)", "1"),
    };
    format!("SELECT {key}, {version} FROM {SCHEMA}.{table}")
}

/// SplitMix64: small, seedable, and good enough to pick writes and crash points.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5EED_D811_0C0F_FEE5)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }

    /// A number in `0.0..1.0`.
    pub fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// What the ledger knows about one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// The version the last acknowledged write left (1 for `audit_log`).
    pub version: u32,
    /// Whether the row exists after that write (false: deleted).
    pub present: bool,
    /// False when a transaction touching the row was in flight at the crash: its outcome is
    /// unknown, so the row is left out of the check.
    pub certain: bool,
}

/// One acknowledged transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    /// Its MariaDB GTID sequence number (`@@last_gtid`), when it could be read.
    pub seq_no: Option<u64>,
    /// `table key` of every row it wrote.
    pub rows: Vec<(&'static str, String)>,
}

/// Every row the application was told it committed, and how to make more writes.
#[derive(Debug, Clone)]
pub struct Ledger {
    /// `(table, key)` to what the last acknowledged write left.
    pub rows: HashMap<(&'static str, String), Entry>,
    /// Acknowledged transactions since [`Ledger::start_log`], oldest first.
    pub log: Vec<Commit>,
    /// Transactions whose outcome is unknown (in flight when the server died).
    pub uncertain: u64,
    pub(super) rng: Rng,
    pub(super) next_account: u64,
    pub(super) next_order: u64,
    pub(super) next_customer: u64,
    pub(super) next_audit: u64,
    pub(super) accounts: Vec<u64>,
    pub(super) orders: Vec<u64>,
    pub(super) customers: Vec<String>,
}

impl Ledger {
    /// An empty ledger whose writes follow `seed`.
    pub fn new(seed: u64) -> Ledger {
        Ledger {
            rows: HashMap::new(),
            log: Vec::new(),
            uncertain: 0,
            rng: Rng::new(seed),
            next_account: 1,
            next_order: 1,
            next_customer: 1,
            next_audit: 1,
            accounts: Vec::new(),
            orders: Vec::new(),
            customers: Vec::new(),
        }
    }

    /// Creates the schema and loads about `rows` rows per keyed table, in batches.
    pub fn load(&mut self, conn: &mut Conn, rows: u64) -> Result<(), DrillError> {
        for ddl in DDL {
            conn.query_drop(ddl)
                .map_err(|e| DrillError::sql("creating the drill's tables", ddl, e))?;
        }
        let batches = [
            ("accounts", rows),
            ("order_lines", rows / 2),
            ("customers", rows / 2),
            ("audit_log", rows / 4),
        ];
        for (table, n) in batches {
            let mut left = n;
            while left > 0 {
                let take = left.min(100);
                left -= take;
                let mut tx = conn
                    .start_transaction(mysql::TxOpts::default())
                    .map_err(|e| DrillError::sql("loading", "START TRANSACTION", e))?;
                let mut done = Vec::new();
                for _ in 0..take {
                    let w = self.insert(table);
                    for (sql, params) in &w.statements {
                        tx.exec_drop(sql, params.clone())
                            .map_err(|e| DrillError::sql("loading", sql, e))?;
                    }
                    done.push(w);
                }
                tx.commit()
                    .map_err(|e| DrillError::sql("loading", "COMMIT", e))?;
                for w in done {
                    self.rows.extend(w.rows);
                }
            }
        }
        Ok(())
    }

    /// Forgets the transaction log (the ledger of rows stays): later commits are logged.
    pub fn start_log(&mut self) {
        self.log.clear();
    }

    /// Runs one application transaction. `Ok(true)`: acknowledged; `Ok(false)`: the server
    /// failed it (the rows it touched become uncertain). `inserts_only` keeps to new rows, as an
    /// application does after a failover when it must not conflict with what a replica holds.
    pub fn transaction(&mut self, conn: &mut Conn, inserts_only: bool) -> bool {
        let w = self.next_write(inserts_only);
        let mut run = || -> Result<(), mysql::Error> {
            conn.query_drop("BEGIN")?;
            for (sql, params) in &w.statements {
                conn.exec_drop(sql, params.clone())?;
            }
            conn.query_drop("COMMIT")
        };
        if run().is_err() {
            self.uncertain += 1;
            for (key, mut entry) in w.rows {
                entry.certain = false;
                self.rows.insert(key, entry);
            }
            return false;
        }
        let seq_no = conn
            .query_first::<String, _>("SELECT @@last_gtid")
            .ok()
            .flatten()
            .and_then(|g| g.rsplit('-').next().and_then(|s| s.parse().ok()));
        self.log.push(Commit {
            seq_no,
            rows: w.rows.iter().map(|(k, _)| k.clone()).collect(),
        });
        self.rows.extend(w.rows);
        true
    }
}

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

/// Marks the rows `check` found missing, stale or resurrected (an acknowledged delete that did
/// not survive) as not committed: the primary's storage lost those writes, so the application's
/// acknowledgement was all they ever had. Returns them.
pub fn forget_lost(ledger: &mut Ledger, check: &LedgerCheck) -> Vec<String> {
    let mut lost = Vec::new();
    let all = check
        .missing
        .iter()
        .chain(&check.wrong_version)
        .chain(&check.unexpected);
    for name in all {
        let mut parts = name.splitn(2, ' ');
        let (Some(table), Some(key)) = (parts.next(), parts.next()) else {
            continue;
        };
        let key = key.split(" (").next().unwrap_or(key).to_string();
        if let Some(t) = TABLES.iter().find(|t| **t == table) {
            if let Some(e) = ledger.rows.get_mut(&(*t, key)) {
                e.certain = false;
                if e.present {
                    lost.push(name.clone());
                } else {
                    lost.push(format!("{name} (its deletion was lost)"));
                }
            }
        }
    }
    lost
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_deterministic_and_bounded() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
            let x = a.below(10);
            assert!(x < 10);
            assert_eq!(x, b.below(10));
            assert!((0.0..1.0).contains(&a.f64()));
            b.f64();
        }
        assert_eq!(a.below(0), 0);
        assert_ne!(Rng::new(1).next_u64(), Rng::new(2).next_u64());
    }

    #[test]
    fn lost_rows_leave_the_check() {
        let mut ledger = Ledger::new(1);
        let entry = |version, present| Entry {
            version,
            present,
            certain: true,
        };
        ledger.rows.insert(("accounts", "1".into()), entry(2, true));
        ledger
            .rows
            .insert(("accounts", "2".into()), entry(1, false));
        let check = LedgerCheck {
            checked: 2,
            missing: vec!["accounts 1".into()],
            unexpected: vec!["accounts 2".into(), "accounts 99".into()],
            ..LedgerCheck::default()
        };
        let lost = forget_lost(&mut ledger, &check);
        assert_eq!(lost, ["accounts 1", "accounts 2 (its deletion was lost)"]);
        assert!(ledger.rows.values().all(|e| !e.certain));
    }
}
