//! binlog-parse against mysql_common 0.38 and crc32fast on the same in-memory bytes.
//!
//! Two logs written by a real MariaDB 10.11 (made once with the harness and cached under
//! `target/bench-data/`): a large row-based log (>= 40 MB, big INSERT ... SELECT statements)
//! and a log of many small OLTP transactions. For each, in one run:
//!
//! - `binlog-parse/framer`: framing, CRC32 of every event, end_log_pos continuity and event
//!   classification (what mysql_common's iteration does, plus the checks it skips);
//! - `binlog-parse/diagnose`: the whole crash diagnosis (transactions, GTIDs, status);
//! - `mysql_common/BinlogFile`: its iterator over the same bytes (no CRC verification);
//! - `crc32fast/hash`: one CRC32 over the whole buffer;
//! - `crc32fast/per-event`: one CRC32 call per event, the ceiling for any parser that verifies
//!   each event (small events pay crc32fast's per-call cost).

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use examples::harness::{Server, ServerOptions};
use mysql_common::binlog::{consts::BinlogVersion, BinlogFile};

fn cache_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("bench-data")
}

/// Runs `fill` against a throwaway server, then keeps the binary log it wrote (the file before
/// the final FLUSH BINARY LOGS).
fn make_log(path: &Path, fill: impl FnOnce(&Server)) -> Vec<u8> {
    if let Ok(bytes) = std::fs::read(path) {
        return bytes;
    }
    let opts = ServerOptions {
        extra_args: vec![
            "--innodb-flush-log-at-trx-commit=0".into(),
            "--sync-binlog=0".into(),
        ],
        ..ServerOptions::default()
    };
    let server = Server::start(opts).expect("a throwaway MariaDB (apt-get install mariadb-server)");
    server.exec("FLUSH BINARY LOGS").expect("flush");
    fill(&server);
    let file = server
        .binlog_files()
        .expect("binlogs")
        .last()
        .cloned()
        .expect("a binlog");
    server.exec("FLUSH BINARY LOGS").expect("flush");
    let bytes = std::fs::read(&file).expect("read the binlog");
    std::fs::create_dir_all(path.parent().expect("parent")).expect("cache dir");
    std::fs::write(path, &bytes).expect("cache the binlog");
    bytes
}

fn rows_log() -> Vec<u8> {
    make_log(&cache_dir().join("mariadb-rows.binlog"), |s| {
        s.exec("CREATE TABLE test.r (id INT PRIMARY KEY, a INT, b VARCHAR(200), c DOUBLE)")
            .expect("create");
        for k in 0..3 {
            s.exec(&format!(
                "INSERT INTO test.r SELECT seq + {}, seq % 1000, REPEAT(CHAR(65 + seq % 26), 150), seq / 7 \
                 FROM test.seq_1_to_100000",
                k * 100_000
            ))
            .expect("insert");
        }
    })
}

fn oltp_log() -> Vec<u8> {
    make_log(&cache_dir().join("mariadb-oltp.binlog"), |s| {
        s.exec("CREATE TABLE test.o (id INT AUTO_INCREMENT PRIMARY KEY, account INT, amount DECIMAL(10,2), note VARCHAR(30))")
            .expect("create");
        for batch in 0..200 {
            let mut sql = String::new();
            for i in 0..50 {
                let n = batch * 50 + i;
                sql.push_str(&format!(
                    "START TRANSACTION; INSERT INTO test.o (account, amount, note) VALUES ({}, {n}.25, 'payment {n}'); \
                     UPDATE test.o SET amount = amount + 1 WHERE id = {}; COMMIT; ",
                    n % 97,
                    n / 2 + 1
                ));
            }
            s.exec(&sql).expect("transactions");
        }
    })
}

fn framer(bytes: &[u8]) -> u64 {
    let mut n = 0;
    for e in binlog_parse::Framer::new(bytes) {
        e.expect("valid");
        n += 1;
    }
    n
}

fn mysql_common_iter(bytes: &[u8]) -> u64 {
    let file = BinlogFile::new(BinlogVersion::Version4, bytes).expect("magic");
    let mut n = 0;
    for e in file {
        e.expect("valid");
        n += 1;
    }
    n
}

fn bench_log(c: &mut Criterion, label: &str, bytes: &[u8]) {
    assert_eq!(
        framer(bytes),
        mysql_common_iter(bytes),
        "both see the same events"
    );
    let d = binlog_parse::diagnose_bytes(bytes);
    eprintln!(
        "{label}: {} bytes, {} events, {} transactions, status {}",
        bytes.len(),
        d.events,
        d.transactions.complete,
        d.status.as_str()
    );
    let mut g = c.benchmark_group(label);
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    g.bench_function("binlog-parse/framer", |b| {
        b.iter(|| framer(std::hint::black_box(bytes)))
    });
    g.bench_function("binlog-parse/diagnose", |b| {
        b.iter(|| binlog_parse::diagnose_bytes(std::hint::black_box(bytes)).events)
    });
    g.bench_function("mysql_common/BinlogFile", |b| {
        b.iter(|| mysql_common_iter(std::hint::black_box(bytes)))
    });
    g.bench_function("crc32fast/hash", |b| {
        b.iter(|| crc32fast::hash(std::hint::black_box(bytes)))
    });
    // The ceiling for any parser that verifies per event: one crc32fast call per event.
    let events: Vec<(usize, usize)> = binlog_parse::Framer::new(bytes)
        .map_while(Result::ok)
        .map(|e| (e.offset().get() as usize, e.end().get() as usize - 4))
        .collect();
    g.bench_function("crc32fast/per-event", |b| {
        b.iter(|| {
            let bytes = std::hint::black_box(bytes);
            events.iter().fold(0u32, |acc, &(start, end)| {
                acc ^ crc32fast::hash(&bytes[start..end])
            })
        })
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    let rows = rows_log();
    assert!(
        rows.len() >= 40 << 20,
        "the row-based log is {} bytes",
        rows.len()
    );
    bench_log(c, "rows-40MB", &rows);
    bench_log(c, "oltp-small-transactions", &oltp_log());
}

criterion_group!(binlog, benches);
criterion_main!(binlog);
