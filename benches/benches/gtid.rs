//! GTID set algebra: union, difference and subset of two sets of 1,000 sources x 1,000
//! intervals each; parsing and formatting throughput; and the same union against a naive model
//! (a `BTreeSet` of individual GTIDs) on a smaller size, for the ratio.
//!
//! Run: `cargo bench -p benches --bench gtid -- --quick`. Per-interval cost = time / 2,000,000
//! (the intervals of both operands).

use std::collections::BTreeSet;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use gtid::{Gno, GtidSet, Tsid, Uuid};

fn uuid(i: u32) -> Uuid {
    let mut b = [0u8; 16];
    b[..4].copy_from_slice(&i.to_be_bytes());
    b[4..8].copy_from_slice(&(i.wrapping_mul(2_654_435_761)).to_be_bytes());
    Uuid::from_bytes(b)
}

/// `sources` sources, each with `per` intervals `[10k + off, 10k + off + len)`.
fn build(sources: u32, per: u64, off: u64, len: u64) -> GtidSet {
    let mut s = GtidSet::new();
    for i in 0..sources {
        let t = Tsid::new(uuid(i));
        for k in 0..per {
            let first = 10 * k + off;
            if let (Ok(a), Ok(b)) = (Gno::new(first), Gno::new(first + len - 1)) {
                s.insert_interval(&t, a, b);
            }
        }
    }
    s
}

fn algebra(c: &mut Criterion) {
    // Overlapping but not nested: every merge step does real work.
    let a = build(1000, 1000, 1, 5);
    let b = build(1000, 1000, 4, 5);
    let sup = a.union(&b);
    assert_eq!(a.interval_count(), 1_000_000);
    let mut g = c.benchmark_group("gtid_1000x1000");
    g.sample_size(10);
    g.throughput(Throughput::Elements(2_000_000));
    g.bench_function("union", |bn| bn.iter(|| black_box(&a).union(black_box(&b))));
    g.bench_function("difference", |bn| {
        bn.iter(|| black_box(&a).difference(black_box(&b)))
    });
    g.bench_function("intersection", |bn| {
        bn.iter(|| black_box(&a).intersection(black_box(&b)))
    });
    g.bench_function("subset_true", |bn| {
        bn.iter(|| black_box(&a).is_subset(black_box(&sup)))
    });
    g.finish();
}

fn text(c: &mut Criterion) {
    let a = build(1000, 1000, 1, 5);
    let server_text = a.to_string();
    let mut g = c.benchmark_group("gtid_text");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(server_text.len() as u64));
    g.bench_function("parse", |bn| {
        bn.iter(|| black_box(&server_text).parse::<GtidSet>())
    });
    g.bench_function("format", |bn| bn.iter(|| black_box(&a).to_string()));
    g.finish();
}

type Model = BTreeSet<(Tsid, u64)>;

fn model_of(s: &GtidSet) -> Model {
    s.gtids().map(|g| (g.tsid, g.gno.get())).collect()
}

fn naive(c: &mut Criterion) {
    // 20 sources x 100 intervals of 5 GNOs: 10,000 GTIDs per set. The subset case is a true
    // one (a ⊆ a ∪ b), so neither side can stop early.
    let a = build(20, 100, 1, 5);
    let b = build(20, 100, 4, 5);
    let sup = a.union(&b);
    let (ma, mb, msup) = (model_of(&a), model_of(&b), model_of(&sup));
    let mut g = c.benchmark_group("gtid_vs_naive_20x100");
    g.sample_size(10);
    g.throughput(Throughput::Elements(4_000));
    g.bench_function("union_gtidset", |bn| {
        bn.iter(|| black_box(&a).union(black_box(&b)))
    });
    g.bench_function("union_naive_btreeset", |bn| {
        bn.iter(|| black_box(&ma) | black_box(&mb))
    });
    g.bench_function("difference_gtidset", |bn| {
        bn.iter(|| black_box(&a).difference(black_box(&b)))
    });
    g.bench_function("difference_naive_btreeset", |bn| {
        bn.iter(|| black_box(&ma) - black_box(&mb))
    });
    g.bench_function("subset_gtidset", |bn| {
        bn.iter(|| black_box(&a).is_subset(black_box(&sup)))
    });
    g.bench_function("subset_naive_btreeset", |bn| {
        bn.iter(|| black_box(&ma).is_subset(black_box(&msup)))
    });
    g.finish();
}

criterion_group!(benches, algebra, text, naive);
criterion_main!(benches);
