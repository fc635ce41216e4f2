//! Client-side checksum throughput, in bytes of row data per second.
//!
//! "Row data" is what the binary protocol carries for the values: integers and doubles by
//! their width, DATETIME as 8 bytes, strings and DECIMAL text by their length. Two shapes: the
//! field notes' 8 mixed columns (about 100 bytes a row, where per-value encoding dominates) and
//! rows with a 1 KiB BLOB (where MD5 itself dominates). `md5_only` is the ceiling: MD5 of one
//! long buffer on one core. `strong_2_threads` hashes the rows on two threads.
//!
//! `mixed_8_columns_wire` hashes the same rows as the live engine meets them: binary-protocol
//! row packets back to back in one buffer, read in place by the direct row reader's decoder
//! (no owned values). Two threads is how a compare runs: one per server.

use std::hint::black_box;

use checksum::{Algorithm, Dialect, RowPlan};
use chunker::Value;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use md5::{Digest, Md5};

#[path = "shared/checksum_rows.rs"]
mod checksum_rows;
use checksum_rows::{
    binary_packets, blob_rows, blob_table, mixed_rows, mixed_table, packet_slices, MIXED_WIRE,
};

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
    let table = mixed_table();
    let (rows, bytes) = mixed_rows();
    let (buf, ends) = binary_packets(&rows, &MIXED_WIRE);
    let strong = RowPlan::new(&table, Algorithm::Strong, Dialect::MariaDb);
    // The packets of `ends`, from the `from`-th on.
    let wire_hash = |ends: &[usize], from: usize| {
        checksum::live::hash_binary_rows(
            &strong,
            &table,
            &MIXED_WIRE,
            packet_slices(&buf, ends).skip(from),
        )
    };
    let mut g = c.benchmark_group("checksum_client/mixed_8_columns_wire");
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("strong", |b| b.iter(|| black_box(wire_hash(&ends, 0))));
    g.bench_function("strong_2_threads", |b| {
        b.iter(|| {
            let half = ends.len() / 2;
            std::thread::scope(|s| {
                let other = s.spawn(|| wire_hash(&ends, half));
                let mine = wire_hash(&ends[..half], 0);
                black_box((mine.ok(), other.join().ok()))
            })
        })
    });
    g.finish();
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
