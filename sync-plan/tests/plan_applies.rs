#![allow(clippy::unwrap_used)]
//! The law of a plan: applying plan(source, target) to target yields source, for random tables,
//! keys (single, composite, secondary unique with swapped values, case-insensitive text, none with
//! duplicates) and drift; and every plan renders to SQL.

mod memory;

use chunker::{Collation, Column, ColumnType, Index, Table, TextKind, Value};
use proptest::prelude::*;
use sync_plan::{diff_rows, plan_table, same_row, Direction, Plan, PlanOptions, Row, Style};

/// A tiny deterministic generator driven by proptest's seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

fn text(max_len: u64) -> ColumnType {
    ColumnType::Text {
        kind: TextKind::Var,
        max_len,
    }
}

fn int() -> ColumnType {
    ColumnType::Integer {
        bytes: 4,
        unsigned: false,
    }
}

/// The table shapes: 0 single int key, 1 composite (int, ci text), 2 int key + secondary unique
/// ci text, 3 ci VARCHAR key, 4 binary key, 5 no key.
fn shape(n: u64) -> Table {
    let ci = Collation::new("utf8mb4_general_ci");
    let base = Table::new("db", format!("t{n}"));
    let payload = |t: Table| {
        t.column(
            Column::new("note", text(8))
                .collation(ci.clone())
                .nullable(),
        )
        .column(Column::new("f", ColumnType::Float { scale: None }))
        .column(Column::new("d", ColumnType::Double { scale: None }).nullable())
        .column(Column::new(
            "b",
            ColumnType::Binary {
                kind: TextKind::Var,
                max_len: 4,
            },
        ))
    };
    match n {
        0 => payload(base.column(Column::new("id", int()))).index(Index::primary(["id"])),
        1 => payload(
            base.column(Column::new("a", int()))
                .column(Column::new("s", text(4)).collation(ci.clone())),
        )
        .index(Index::primary(["a", "s"])),
        2 => payload(
            base.column(Column::new("id", int()))
                .column(Column::new("u", text(4)).collation(ci.clone())),
        )
        .index(Index::primary(["id"]))
        .index(Index::unique("uq_u", ["u"])),
        3 => payload(base.column(Column::new("k", text(6)).collation(ci.clone())))
            .index(Index::primary(["k"])),
        4 => payload(base.column(Column::new(
            "k",
            ColumnType::Binary {
                kind: TextKind::Var,
                max_len: 3,
            },
        )))
        .index(Index::primary(["k"])),
        _ => payload(base.column(Column::new("x", int()).nullable())),
    }
}

fn word(rng: &mut Rng, max: u64) -> Vec<u8> {
    const ALPHABET: &[u8] = b"aAbB c'\\";
    let len = rng.below(max + 1);
    (0..len)
        .map(|_| ALPHABET[rng.below(ALPHABET.len() as u64) as usize])
        .collect()
}

fn value(rng: &mut Rng, col: &Column, keyless: bool) -> Value {
    if col.nullable && rng.chance(20) {
        return Value::Null;
    }
    // Keyless tables draw from a small domain, so duplicates are common.
    let small = keyless || rng.chance(30);
    match &col.column_type {
        ColumnType::Integer { .. } => Value::Int(rng.below(if small { 3 } else { 50 }) as i64 - 1),
        ColumnType::Float { .. } => Value::Float(if small {
            0.5
        } else {
            f32::from_bits(rng.next() as u32 & 0x7f7f_ffff)
        }),
        ColumnType::Double { .. } => Value::Double(if small {
            1.0
        } else {
            f64::from_bits(rng.next() & 0x7fef_ffff_ffff_ffff)
        }),
        ColumnType::Binary { max_len, .. } => Value::Bytes(
            (0..rng.below(max_len + 1))
                .map(|_| [0u8, 0x41, 0x61, 0xff][rng.below(4) as usize])
                .collect(),
        ),
        ColumnType::Text { max_len, .. } => {
            Value::Bytes(word(rng, if small { 1 } else { *max_len }))
        }
        _ => Value::Null,
    }
}

fn row(rng: &mut Rng, t: &Table) -> Row {
    let keyless = t.indexes.is_empty();
    t.columns.iter().map(|c| value(rng, c, keyless)).collect()
}

/// Keeps only rows that respect every unique index, as a server would.
fn dedupe(t: &Table, rows: Vec<Row>) -> Vec<Row> {
    let mut out: Vec<Row> = Vec::new();
    for r in rows {
        let clash = out.iter().any(|o| {
            t.indexes.iter().filter(|i| i.unique).any(|ix| {
                ix.columns.iter().all(|p| {
                    let i = t.columns.iter().position(|c| c.name == p.name).unwrap_or(0);
                    memory::server_eq(&t.columns[i], &r[i], &o[i])
                })
            })
        });
        if !clash {
            out.push(r);
        }
    }
    out
}

/// A collation-equal variant of a text value: other case, or a trailing space.
fn variant(v: &Value) -> Value {
    match v {
        Value::Bytes(b) if b.iter().any(u8::is_ascii_alphabetic) => {
            let mut b = b.clone();
            for c in b.iter_mut() {
                if c.is_ascii_lowercase() {
                    *c = c.to_ascii_uppercase();
                } else {
                    *c = c.to_ascii_lowercase();
                }
            }
            Value::Bytes(b)
        }
        Value::Bytes(b) if b.last() != Some(&b' ') => {
            let mut b = b.clone();
            b.push(b' ');
            Value::Bytes(b)
        }
        other => other.clone(),
    }
}

fn drift(rng: &mut Rng, t: &Table, source: &[Row]) -> Vec<Row> {
    let mut target = Vec::new();
    for r in source {
        let mut r = r.clone();
        match rng.below(10) {
            0 => continue,
            1 => {
                let i = rng.below(r.len() as u64) as usize;
                r[i] = value(rng, &t.columns[i], t.indexes.is_empty());
            }
            2 => {
                for v in r.iter_mut() {
                    *v = variant(v);
                }
            }
            3 if t.indexes.is_empty() => target.push(r.clone()),
            _ => {}
        }
        target.push(r);
    }
    // Swap the secondary unique values of two rows (shape 2).
    if let Some(u) = t.columns.iter().position(|c| c.name == "u") {
        if target.len() >= 2 && rng.chance(70) {
            let (a, b) = (0, target.len() - 1);
            let tmp = target[a][u].clone();
            target[a][u] = target[b][u].clone();
            target[b][u] = tmp;
        }
    }
    for _ in 0..rng.below(4) {
        target.push(row(rng, t));
    }
    dedupe(t, target)
}

fn same_multiset(a: &[Row], b: &[Row]) -> bool {
    let mut left: Vec<&Row> = b.iter().collect();
    a.len() == b.len()
        && a.iter()
            .all(|r| match left.iter().position(|o| same_row(r, o)) {
                Some(p) => {
                    left.swap_remove(p);
                    true
                }
                None => false,
            })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn applying_the_plan_to_the_target_yields_the_source(
        seed in 1u64..u64::MAX,
        which in 0u64..6,
        style in 0u8..3,
    ) {
        let mut rng = Rng(seed);
        let t = shape(which);
        let n = rng.below(14);
        let source = dedupe(&t, (0..n).map(|_| row(&mut rng, &t)).collect());
        let mut target = drift(&mut rng, &t, &source);
        let options = match style {
            0 => PlanOptions::default(),
            1 => PlanOptions { style: Style::Replace, ..PlanOptions::default() },
            _ => PlanOptions { direction: Direction::ViaReplication, ..PlanOptions::default() },
        };
        let differences = diff_rows(&t, &source, &target).unwrap();
        let table_plan = match plan_table(&t, &differences, options) {
            Err(sync_plan::Error::NeedsUniqueKey { .. }) if t.indexes.is_empty() && style == 2 => {
                return Ok(());
            }
            other => other.unwrap(),
        };
        let mut plan = Plan::new("src", "dst", options.direction);
        plan.tables.push(table_plan.clone());
        let script = plan.to_sql(7, true).unwrap();
        let rendered = script.lines().filter(|l| l.contains("/* table-sync src:src dst:dst tbl:db.")).count();
        prop_assert_eq!(rendered, table_plan.statements.len());
        let json = plan.to_json().unwrap();
        prop_assert_eq!(sync_plan::Plan::from_json(&json).unwrap(), plan);
        memory::apply(&t, &mut target, &table_plan.statements).map_err(TestCaseError::fail)?;
        prop_assert!(same_multiset(&source, &target), "source {:?}\ntarget after {:?}", source, target);
        // Idempotence: a second diff finds nothing.
        prop_assert!(diff_rows(&t, &source, &target).unwrap().is_empty());
    }
}
