//! Replays the fuzz targets' seed corpus (`fuzz/corpus/binlog_framer`, `binlog_events`) as an
//! ordinary test. The seeds are made by the builder: `REGENERATE_FUZZ_CORPUS=1 cargo test -p
//! binlog-parse --test fuzz_corpus` rewrites them (no fixture is ever copied there).

use std::path::{Path, PathBuf};

use binlog_parse::builder::LogBuilder;
use binlog_parse::{fuzzing, EventType};

fn corpus(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target)
}

const UUID: [u8; 16] = [
    0x3e, 0x11, 0xfa, 0x47, 0x71, 0xca, 0x11, 0xe1, 0x9e, 0x33, 0xc8, 0x0a, 0xa9, 0x42, 0x95, 0x62,
];

fn framer_seeds() -> Vec<(&'static str, Vec<u8>)> {
    let mysql = LogBuilder::mysql80()
        .previous_gtids(&[(UUID, &[(1, 5)])])
        .gtid(UUID, 5)
        .query("shop", "BEGIN")
        .table_map(70, "shop", "orders")
        .write_rows(70, &[1, 2])
        .xid(9);
    let maria = LogBuilder::mariadb()
        .gtid_list(&[(0, 1, 4)])
        .mariadb_gtid(0, 5, 1)
        .query("shop", "CREATE TABLE t (a INT)");
    let rotated = mysql.clone().rotate("mysql-bin.000002").finish();
    let mut torn = rotated.clone();
    torn.truncate(torn.len() - 9);
    let mut flipped = rotated.clone();
    flipped[200] ^= 0x10;
    vec![
        ("mysql80_rotated", rotated),
        ("mysql80_torn", torn),
        ("mysql80_flipped", flipped),
        (
            "mysql80_tagged",
            LogBuilder::mysql80()
                .gtid_tagged(UUID, "blue", 7)
                .query("shop", "DROP TABLE t")
                .stop()
                .finish(),
        ),
        ("mariadb_open", maria.finish()),
        (
            "mysql55_stopped",
            LogBuilder::mysql55()
                .query("", "BEGIN")
                .xid(1)
                .stop()
                .finish(),
        ),
        ("magic_only", binlog_parse::MAGIC.to_vec()),
    ]
}

fn events_seeds() -> Vec<(&'static str, Vec<u8>)> {
    // Each seed: the type code, then a body taken from a builder-made event.
    let body = |log: Vec<u8>, t: EventType| -> Vec<u8> {
        let ev = binlog_parse::Framer::new(&log)
            .map_while(Result::ok)
            .find(|e| e.event_type() == t)
            .expect("event present")
            .body()
            .to_vec();
        [vec![t.code()], ev].concat()
    };
    let m = LogBuilder::mysql80;
    vec![
        ("gtid", body(m().gtid(UUID, 3).finish(), EventType::GTID)),
        (
            "gtid_tagged",
            body(
                m().gtid_tagged(UUID, "blue", 3).finish(),
                EventType::GTID_TAGGED,
            ),
        ),
        (
            "previous_gtids",
            body(
                m().previous_gtids(&[(UUID, &[(1, 9), (11, 12)])]).finish(),
                EventType::PREVIOUS_GTIDS,
            ),
        ),
        (
            "query",
            body(m().query("shop", "COMMIT").finish(), EventType::QUERY),
        ),
        (
            "table_map",
            body(
                m().table_map(70, "shop", "orders").finish(),
                EventType::TABLE_MAP,
            ),
        ),
        (
            "rows",
            body(
                m().write_rows(70, &[1, 2, 3]).finish(),
                EventType::WRITE_ROWS_V1,
            ),
        ),
        (
            "rotate",
            body(m().rotate("mysql-bin.000002").finish(), EventType::ROTATE),
        ),
        (
            "mariadb_gtid",
            body(
                LogBuilder::mariadb().mariadb_gtid(2, 40, 2).finish(),
                EventType::MARIADB_GTID,
            ),
        ),
        (
            "gtid_list",
            body(
                LogBuilder::mariadb()
                    .gtid_list(&[(0, 1, 4), (1, 2, 8)])
                    .finish(),
                EventType::GTID_LIST,
            ),
        ),
        ("empty_xid", vec![EventType::XID.code()]),
    ]
}

fn replay(target: &str, run: fn(&[u8]), seeds: Vec<(&'static str, Vec<u8>)>) {
    let dir = corpus(target);
    if std::env::var_os("REGENERATE_FUZZ_CORPUS").is_some() {
        std::fs::create_dir_all(&dir).expect("corpus dir");
        for (name, bytes) in &seeds {
            std::fs::write(dir.join(name), bytes).expect("write seed");
        }
    }
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("skipped: {} is absent", dir.display());
        return;
    };
    let mut n = 0;
    for entry in entries.filter_map(Result::ok) {
        run(&std::fs::read(entry.path()).expect("seed readable"));
        n += 1;
    }
    assert!(n >= seeds.len(), "{target}: {n} seeds");
    // The generated seeds themselves, whether or not the corpus is checked out.
    for (_, bytes) in &seeds {
        run(bytes);
    }
}

#[test]
fn framer_corpus_replays() {
    replay("binlog_framer", fuzzing::framer, framer_seeds());
}

#[test]
fn events_corpus_replays() {
    replay("binlog_events", fuzzing::events, events_seeds());
}
