//! The drill's tables, the writes an application makes to them, and the ledger of every
//! acknowledged commit that the final check holds both servers to.
//!
//! Four tables cover what real schemas hold and what has tripped tools before: an integer key,
//! a composite key, a case-insensitive VARCHAR key, FLOAT/DOUBLE/DECIMAL, text and binary
//! columns, and a table with no key at all. Each keyed row carries a `version` that every
//! update bumps, so a lost update shows as well as a lost row.

use std::collections::HashMap;

use mysql::prelude::Queryable;
use mysql::{Conn, Value};

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

    fn f64(&mut self) -> f64 {
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
    rng: Rng,
    next_account: u64,
    next_order: u64,
    next_customer: u64,
    next_audit: u64,
    accounts: Vec<u64>,
    orders: Vec<u64>,
    customers: Vec<String>,
}

/// One write, ready to run: statements with parameters, and the rows it leaves.
struct Write {
    statements: Vec<(String, Vec<Value>)>,
    rows: Vec<((&'static str, String), Entry)>,
}

fn text(s: impl Into<String>) -> Value {
    Value::Bytes(s.into().into_bytes())
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

    fn next_write(&mut self, inserts_only: bool) -> Write {
        let dice = self.rng.below(100);
        match dice {
            _ if inserts_only => {
                let table = TABLES[self.rng.below(4) as usize];
                self.insert(table)
            }
            0..=24 => self.insert("accounts"),
            25..=44 if !self.accounts.is_empty() => self.update_account(),
            45..=49 if self.accounts.len() > 10 => self.delete_account(),
            50..=64 => self.insert("order_lines"),
            65..=74 if !self.orders.is_empty() => self.update_order(),
            75..=84 if !self.customers.is_empty() => self.update_customer(),
            85..=89 => self.insert("customers"),
            _ => self.insert("audit_log"),
        }
    }

    fn entry(version: u32, present: bool) -> Entry {
        Entry {
            version,
            present,
            certain: true,
        }
    }

    fn insert(&mut self, table: &str) -> Write {
        let r = &mut self.rng;
        match table {
            "accounts" => {
                let id = self.next_account;
                self.next_account += 1;
                self.accounts.push(id);
                let cents = r.below(10_000_000);
                let params = vec![
                    Value::from(id),
                    text(format!("owner {id} O'Brien-Ünal")),
                    text(format!("{}.{:02}", cents / 100, cents % 100)),
                    Value::from((r.f64() * 1000.0) as f32),
                    Value::from(r.f64() * 1e6 - 5e5),
                    text(format!("note {id}: crème brûlée, \"quoted\", tab\there")),
                ];
                Write {
                    statements: vec![(
                        "INSERT INTO drill.accounts VALUES (?, ?, ?, ?, ?, ?, 1)".into(),
                        params,
                    )],
                    rows: vec![(("accounts", id.to_string()), Ledger::entry(1, true))],
                }
            }
            "order_lines" => {
                let order = self.next_order;
                self.next_order += 1;
                self.orders.push(order);
                let mut w = Write {
                    statements: Vec::new(),
                    rows: Vec::new(),
                };
                for line in 1..=2u16 {
                    let params = vec![
                        Value::from(order),
                        Value::from(line),
                        text(format!("SKU-{:05}", r.below(100_000))),
                        Value::from(1 + r.below(20)),
                        text(format!("{}.{:02}", r.below(1000), r.below(100))),
                        Value::from((r.f64() * 50.0) as f32),
                    ];
                    w.statements.push((
                        "INSERT INTO drill.order_lines VALUES (?, ?, ?, ?, ?, ?, 1)".into(),
                        params,
                    ));
                    w.rows.push((
                        ("order_lines", format!("{order},{line}")),
                        Ledger::entry(1, true),
                    ));
                }
                w
            }
            "customers" => {
                let n = self.next_customer;
                self.next_customer += 1;
                let email = format!("user{n}@example.com");
                self.customers.push(email.clone());
                let avatar: Vec<u8> = (0..16).map(|_| r.below(256) as u8).collect();
                let params = vec![
                    text(email.clone()),
                    text(format!("Customer №{n}")),
                    Value::Bytes(avatar),
                    text("bio\nwith lines"),
                ];
                Write {
                    statements: vec![(
                        "INSERT INTO drill.customers VALUES (?, ?, ?, ?, 1)".into(),
                        params,
                    )],
                    rows: vec![(("customers", email), Ledger::entry(1, true))],
                }
            }
            _ => {
                let seq = self.next_audit;
                self.next_audit += 1;
                let payload: Vec<u8> = (0..8).map(|_| r.below(256) as u8).collect();
                let params = vec![
                    Value::from(seq),
                    text("event"),
                    Value::Bytes(payload),
                    Value::from(r.f64()),
                ];
                Write {
                    statements: vec![(
                        "INSERT INTO drill.audit_log VALUES (?, ?, ?, ?)".into(),
                        params,
                    )],
                    rows: vec![(("audit_log", seq.to_string()), Ledger::entry(1, true))],
                }
            }
        }
    }

    fn version(&self, table: &'static str, key: &str) -> u32 {
        self.rows
            .get(&(table, key.to_string()))
            .map_or(1, |e| e.version)
    }

    fn update_account(&mut self) -> Write {
        let id = self.accounts[self.rng.below(self.accounts.len() as u64) as usize];
        let v = self.version("accounts", &id.to_string()) + 1;
        let ratio = (self.rng.f64() * 10.0) as f32;
        Write {
            statements: vec![(
                "UPDATE drill.accounts SET balance = balance + 1.25, ratio = ?, version = ? WHERE id = ?".into(),
                vec![Value::from(ratio), Value::from(v), Value::from(id)],
            )],
            rows: vec![(("accounts", id.to_string()), Ledger::entry(v, true))],
        }
    }

    fn delete_account(&mut self) -> Write {
        let i = self.rng.below(self.accounts.len() as u64) as usize;
        let id = self.accounts.swap_remove(i);
        let v = self.version("accounts", &id.to_string());
        Write {
            statements: vec![(
                "DELETE FROM drill.accounts WHERE id = ?".into(),
                vec![Value::from(id)],
            )],
            rows: vec![(("accounts", id.to_string()), Ledger::entry(v, false))],
        }
    }

    fn update_order(&mut self) -> Write {
        let order = self.orders[self.rng.below(self.orders.len() as u64) as usize];
        let key = format!("{order},1");
        let v = self.version("order_lines", &key) + 1;
        Write {
            statements: vec![(
                "UPDATE drill.order_lines SET qty = qty + 1, version = ? WHERE order_id = ? AND line = 1".into(),
                vec![Value::from(v), Value::from(order)],
            )],
            rows: vec![(("order_lines", key), Ledger::entry(v, true))],
        }
    }

    fn update_customer(&mut self) -> Write {
        let email = self.customers[self.rng.below(self.customers.len() as u64) as usize].clone();
        let v = self.version("customers", &email) + 1;
        Write {
            statements: vec![(
                "UPDATE drill.customers SET name = LEFT(CONCAT(name, '+'), 60), version = ? WHERE email = ?".into(),
                vec![Value::from(v), text(email.clone())],
            )],
            rows: vec![(("customers", email), Ledger::entry(v, true))],
        }
    }
}
