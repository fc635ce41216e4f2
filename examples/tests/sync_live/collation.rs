//! The in-memory compare keys (`CompareKey::from_row`, used without a server) against the
//! server's own equality, for the collations and values the crate claims to know: printable
//! ASCII under `_ci`, `_cs` and `_bin` collations (PAD SPACE and NO PAD), and any bytes under the
//! binary ones. Every pair of values that the server's `=` joins must share a key, and no other.

use std::collections::BTreeSet;
use std::error::Error;

use chunker::{Collation, Column, ColumnType, Index, Table, TextKind, Value};
use mysql::prelude::Queryable;
use sync_plan::{CompareKey, IdentityKey};

use super::data::Rng;

const COLLATIONS: &[&str] = &[
    "utf8mb4_general_ci",
    "utf8mb4_unicode_ci",
    "utf8mb4_unicode_520_ci",
    "utf8mb4_bin",
    "utf8mb4_nopad_bin",
    "utf8mb4_general_nopad_ci",
    "latin1_swedish_ci",
    "latin1_general_ci",
    "latin1_general_cs",
    "latin1_bin",
];

fn words(rng: &mut Rng, n: usize) -> Vec<Vec<u8>> {
    // Printable ASCII with many near-collisions: case, trailing spaces, punctuation.
    const ALPHABET: &[u8] = b"aAbBzZ _-'\\%~`[]^@";
    let mut out = BTreeSet::new();
    while out.len() < n {
        let len = rng.below(4);
        let mut w: Vec<u8> = (0..len)
            .map(|_| ALPHABET[rng.below(ALPHABET.len() as u64) as usize])
            .collect();
        if rng.chance(20) {
            w.push(b' ');
        }
        out.insert(w);
    }
    out.into_iter().collect()
}

#[test]
fn rust_compare_keys_pair_exactly_as_the_server_does() -> Result<(), Box<dyn Error>> {
    let Some(server) = crate::common::server()? else {
        return Ok(());
    };
    let mut conn = server.conn()?;
    conn.query_drop("SET SESSION character_set_results = NULL")?;
    let mut rng = Rng(0xc0_11a7e);
    let values = words(&mut rng, 250);
    for (n, collation) in COLLATIONS.iter().enumerate() {
        let charset = collation.split('_').next().unwrap_or("utf8mb4");
        conn.query_drop(format!(
            "CREATE TABLE test.c{n} (id INT PRIMARY KEY, v VARCHAR(10) CHARACTER SET {charset} \
             COLLATE {collation})"
        ))?;
        let rows: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let hex: String = v.iter().map(|b| format!("{b:02x}")).collect();
                if v.is_empty() {
                    format!("({i}, '')")
                } else {
                    format!("({i}, X'{hex}')")
                }
            })
            .collect();
        conn.query_drop(format!("INSERT INTO test.c{n} VALUES {}", rows.join(", ")))?;
        let server_pairs: BTreeSet<(usize, usize)> = conn
            .query::<(usize, usize), _>(format!(
                "SELECT a.id, b.id FROM test.c{n} a JOIN test.c{n} b ON a.v = b.v"
            ))?
            .into_iter()
            .collect();
        let table = Table::new("test", format!("c{n}"))
            .column(
                Column::new(
                    "v",
                    ColumnType::Text {
                        kind: TextKind::Var,
                        max_len: 10,
                    },
                )
                .collation(Collation::new(*collation)),
            )
            .index(Index::primary(["v"]));
        let key = IdentityKey::choose(&table).ok_or("no key")?;
        let keys: Vec<CompareKey> = values
            .iter()
            .map(|v| CompareKey::from_row(&table, &key, &vec![Value::Bytes(v.clone())]))
            .collect::<Result<_, _>>()?;
        let mut rust_pairs = BTreeSet::new();
        for (i, a) in keys.iter().enumerate() {
            for (j, b) in keys.iter().enumerate() {
                if a == b {
                    rust_pairs.insert((i, j));
                }
            }
        }
        let show = |pairs: Vec<&(usize, usize)>| -> Vec<String> {
            pairs
                .iter()
                .take(5)
                .map(|(i, j)| {
                    format!(
                        "{:?} vs {:?}",
                        String::from_utf8_lossy(&values[*i]),
                        String::from_utf8_lossy(&values[*j])
                    )
                })
                .collect()
        };
        assert!(
            server_pairs == rust_pairs,
            "{collation}: server-only pairs {:?}, Rust-only pairs {:?}",
            show(server_pairs.difference(&rust_pairs).collect()),
            show(rust_pairs.difference(&server_pairs).collect())
        );
    }
    Ok(())
}
