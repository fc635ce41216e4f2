//! The writes the drill's application makes: new rows, updates that bump a row's version,
//! deletes. Each is a [`Write`]: the statements with their parameters, and the ledger entries
//! it leaves if acknowledged.

use mysql::Value;

use super::workload::{Entry, Ledger, TABLES};

/// One write, ready to run: statements with parameters, and the rows it leaves.
pub(super) struct Write {
    pub(super) statements: Vec<(String, Vec<Value>)>,
    pub(super) rows: Vec<((&'static str, String), Entry)>,
}

fn text(s: impl Into<String>) -> Value {
    Value::Bytes(s.into().into_bytes())
}

impl Ledger {
    pub(super) fn next_write(&mut self, inserts_only: bool) -> Write {
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

    pub(super) fn insert(&mut self, table: &str) -> Write {
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
