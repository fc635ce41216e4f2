//! The five test tables (integer, composite, case-insensitive VARCHAR, binary and no key) on
//! two servers: the source's random rows and the target's random drift of them.

use std::error::Error;

use mysql::prelude::Queryable;
use mysql::Conn;

use super::data::{payload_value, Rng, PAYLOAD, PAYLOAD_DDL};

type TestResult = Result<(), Box<dyn Error>>;

/// The key shapes: name, key column DDL, key clause.
pub const SHAPES: &[(&str, &str, &str)] = &[
    ("k_int", "id INT NOT NULL", "PRIMARY KEY (id)"),
    (
        "k_comp",
        "a INT NOT NULL, s VARCHAR(12) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL",
        "PRIMARY KEY (a, s)",
    ),
    (
        "k_ci",
        "k VARCHAR(16) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL",
        "PRIMARY KEY (k)",
    ),
    ("k_bin", "k VARBINARY(16) NOT NULL", "PRIMARY KEY (k)"),
    ("k_none", "", ""),
];

/// Key literals for row `i` of a shape; `variant` gives a collation-equal spelling.
pub fn key_lits(shape: &str, i: u64, variant: bool) -> Vec<String> {
    let word = |base: &str| {
        let w = if variant {
            base.to_uppercase().replace('é', "É") + "  "
        } else {
            base.to_string()
        };
        format!(
            "_utf8mb4 X'{}'",
            w.bytes().map(|b| format!("{b:02x}")).collect::<String>()
        )
    };
    match shape {
        "k_int" => vec![i.to_string()],
        "k_comp" => vec![(i / 3).to_string(), word(&format!("s{}é", i % 3))],
        "k_ci" => vec![word(&format!("key{i}é"))],
        "k_bin" => {
            let mut b = (i as u16).to_be_bytes().to_vec();
            b.extend_from_slice(if i % 2 == 0 { &[0x00, 0x20][..] } else { b"a" });
            vec![format!(
                "X'{}'",
                b.iter().map(|x| format!("{x:02x}")).collect::<String>()
            )]
        }
        _ => Vec::new(),
    }
}

fn payload(rng: &mut Rng, small: bool) -> Vec<String> {
    PAYLOAD
        .iter()
        .map(|c| payload_value(rng, c, small))
        .collect()
}

/// Creates the five tables in `db` on both servers: the source's rows, and the target's as a
/// random drift of them.
pub fn seed(source: &mut Conn, target: &mut Conn, db: &str, seed: u64, rows: u64) -> TestResult {
    let mut rng = Rng(seed);
    for conn in [&mut *source, &mut *target] {
        conn.query_drop("SET SESSION time_zone = '+00:00'")?;
        conn.query_drop(format!("DROP DATABASE IF EXISTS `{db}`"))?;
        conn.query_drop(format!("CREATE DATABASE `{db}`"))?;
    }
    for (name, key_ddl, key_clause) in SHAPES {
        let cols = [*key_ddl, PAYLOAD_DDL, *key_clause]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        let ddl = format!("CREATE TABLE `{db}`.`{name}` ({cols}) ENGINE=InnoDB");
        source.query_drop(&ddl)?;
        target.query_drop(&ddl)?;
        let keyless = key_ddl.is_empty();
        let (mut src_rows, mut tgt_rows) = (Vec::new(), Vec::new());
        if keyless {
            // A small domain of distinct rows, each present 1-3 times; the target's counts drift.
            let domain: Vec<Vec<String>> = (0..6).map(|_| payload(&mut rng, true)).collect();
            for r in &domain {
                for _ in 0..1 + rng.below(3) {
                    src_rows.push(r.clone());
                }
                for _ in 0..rng.below(4) {
                    tgt_rows.push(r.clone());
                }
            }
            tgt_rows.push(payload(&mut rng, true));
        } else {
            for i in 0..rows {
                let row: Vec<String> = key_lits(name, i, false)
                    .into_iter()
                    .chain(payload(&mut rng, false))
                    .collect();
                src_rows.push(row.clone());
                match rng.below(100) {
                    0..=7 => continue,
                    8..=19 => {
                        let mut changed = row.clone();
                        let k = key_lits(name, i, false).len();
                        for _ in 0..1 + rng.below(3) {
                            let c = rng.below(PAYLOAD.len() as u64) as usize;
                            changed[k + c] = payload_value(&mut rng, PAYLOAD[c], false);
                        }
                        tgt_rows.push(changed);
                    }
                    20..=24 if name != &"k_int" && name != &"k_bin" => {
                        let mut v: Vec<String> = key_lits(name, i, true);
                        v.extend(row[v.len()..].iter().cloned());
                        tgt_rows.push(v);
                    }
                    _ => tgt_rows.push(row),
                }
            }
            for i in rows..rows + 6 {
                tgt_rows.push(
                    key_lits(name, i, false)
                        .into_iter()
                        .chain(payload(&mut rng, false))
                        .collect(),
                );
            }
        }
        for (conn, rows) in [(&mut *source, &src_rows), (&mut *target, &tgt_rows)] {
            for chunk in rows.chunks(50) {
                let values: Vec<String> = chunk
                    .iter()
                    .map(|r| format!("({})", r.join(", ")))
                    .collect();
                conn.query_drop(format!(
                    "INSERT INTO `{db}`.`{name}` VALUES {}",
                    values.join(", ")
                ))?;
            }
        }
    }
    Ok(())
}
