//! Client-side checksum throughput, in bytes of row data per second.
//!
//! "Row data" is what the binary protocol carries for the values: integers and doubles by
//! their width, DATETIME as 8 bytes, strings and DECIMAL text by their length. Two shapes: the
//! field notes' 8 mixed columns (about 100 bytes a row, where per-value encoding dominates) and
//! rows with a 1 KiB BLOB (where MD5 itself dominates). `md5_only` is the ceiling: MD5 of one
//! long buffer on one core. `strong_2_threads` hashes the rows on two threads.

use std::hint::black_box;

use checksum::{Algorithm, Dialect, RowPlan};
use chunker::{Collation, Column, ColumnType, Table, TextKind, Value};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use md5::{Digest, Md5};

const ROWS: usize = 20_000;

fn mixed_table() -> Table {
    let int = |n: &str, bytes| {
        Column::new(
            n,
            ColumnType::Integer {
                bytes,
                unsigned: false,
            },
        )
    };
    let text = |n: &str| {
        Column::new(
            n,
            ColumnType::Text {
                kind: TextKind::Var,
                max_len: 40,
            },
        )
        .collation(Collation::new("utf8mb4_general_ci"))
    };
    Table::new("bench", "mixed")
        .column(int("id", 4))
        .column(int("a", 4))
        .column(int("b", 8))
        .column(text("c"))
        .column(Column::new("d", ColumnType::Double { scale: None }))
        .column(Column::new("e", ColumnType::DateTime { fsp: 0 }))
        .column(Column::new(
            "f",
            ColumnType::Decimal {
                precision: 12,
                scale: 3,
            },
        ))
        .column(text("g"))
}

fn mixed_rows() -> (Vec<Vec<Value>>, u64) {
    let mut bytes = 0u64;
    let rows = (0..ROWS as i64)
        .map(|n| {
            let c = format!(
                "name-{n}-{:020x}",
                (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
            );
            let f = format!("{}.{:03}", n / 3, n % 1000);
            bytes += 4 + 4 + 8 + c.len() as u64 + 8 + 8 + f.len() as u64 + 5;
            vec![
                Value::Int(n),
                Value::Int(n * 7 % 1000),
                Value::Int(n * 123_457),
                Value::Bytes(c.into_bytes()),
                Value::Double(n as f64 / 7.0),
                Value::DateTime {
                    year: 2024,
                    month: 1,
                    day: 1 + (n % 28) as u8,
                    hour: (n % 24) as u8,
                    minute: (n % 60) as u8,
                    second: 7,
                    micros: 0,
                },
                Value::Bytes(f.into_bytes()),
                Value::text("xyzzy"),
            ]
        })
        .collect();
    (rows, bytes)
}

fn blob_table() -> Table {
    Table::new("bench", "blobs")
        .column(Column::new(
            "id",
            ColumnType::Integer {
                bytes: 8,
                unsigned: true,
            },
        ))
        .column(Column::new(
            "payload",
            ColumnType::Binary {
                kind: TextKind::Lob,
                max_len: 65_535,
            },
        ))
}

fn blob_rows() -> (Vec<Vec<Value>>, u64) {
    let rows: Vec<Vec<Value>> = (0..ROWS as u64 / 4)
        .map(|n| {
            vec![
                Value::UInt(n),
                Value::Bytes((0..1024).map(|i| (i as u64 * 31 + n) as u8).collect()),
            ]
        })
        .collect();
    let bytes = rows.len() as u64 * (8 + 1024);
    (rows, bytes)
}

fn hash_all(plan: &RowPlan, rows: &[Vec<Value>]) -> checksum::ChunkChecksum {
    let mut h = plan.hasher(None);
    for row in rows {
        let _ = h.push_row(row);
    }
    h.finish()
}

fn hash_two_threads(plan: &RowPlan, rows: &[Vec<Value>]) -> checksum::ChunkChecksum {
    let (left, right) = rows.split_at(rows.len() / 2);
    let part = |rows: &[Vec<Value>]| {
        let mut h = plan.hasher(None);
        for row in rows {
            let _ = h.push_row(row);
        }
        h
    };
    std::thread::scope(|s| {
        let other = s.spawn(|| part(right));
        let mut mine = part(left);
        if let Ok(theirs) = other.join() {
            mine.merge(&theirs);
        }
        mine.finish()
    })
}

fn bench(c: &mut Criterion) {
    for (name, table, (rows, bytes)) in [
        ("mixed_8_columns", mixed_table(), mixed_rows()),
        ("blob_1k", blob_table(), blob_rows()),
    ] {
        let mut g = c.benchmark_group(format!("checksum_client/{name}"));
        g.throughput(Throughput::Bytes(bytes));
        for algorithm in [Algorithm::Strong, Algorithm::Fast, Algorithm::Pt] {
            let plan = RowPlan::new(&table, algorithm, Dialect::MariaDb);
            g.bench_function(algorithm.name(), |b| {
                b.iter(|| black_box(hash_all(&plan, &rows)))
            });
        }
        let strong = RowPlan::new(&table, Algorithm::Strong, Dialect::MariaDb);
        g.bench_function("strong_2_threads", |b| {
            b.iter(|| black_box(hash_two_threads(&strong, &rows)))
        });
        g.finish();
    }
    let buf = vec![0x5au8; 1 << 20];
    let mut g = c.benchmark_group("checksum_client/md5_only");
    g.throughput(Throughput::Bytes(buf.len() as u64));
    g.bench_function("1MiB", |b| b.iter(|| black_box(Md5::digest(&buf))));
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(std::time::Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
