//! Crash scenarios built with the builder: each status, the transaction tracker, GTIDs, and the
//! replica verdicts on a set of files written to a temporary directory.

use binlog_parse::builder::LogBuilder;
use binlog_parse::diagnose::ChainFinding;
use binlog_parse::{diagnose_bytes, Error, EventType, FileStatus, LogSet, Verdict};

const UUID: [u8; 16] = [
    0x3e, 0x11, 0xfa, 0x47, 0x71, 0xca, 0x11, 0xe1, 0x9e, 0x33, 0xc8, 0x0a, 0xa9, 0x42, 0x95, 0x62,
];

fn orders(mut b: LogBuilder, from: i64, to: i64) -> LogBuilder {
    for gno in from..=to {
        b = b
            .gtid(UUID, gno)
            .query("shop", "BEGIN")
            .table_map(70, "shop", "orders")
            .write_rows(70, &[gno as i32])
            .xid(gno as u64);
    }
    b
}

#[test]
fn statuses_follow_how_the_file_ends() {
    let base = orders(
        LogBuilder::mysql80().previous_gtids(&[(UUID, &[(1, 11)])]),
        11,
        13,
    );
    let rotated = diagnose_bytes(&base.clone().rotate("mysql-bin.000002").finish());
    assert_eq!(rotated.status, FileStatus::Rotated);
    assert_eq!(rotated.rotate_to, Some(("mysql-bin.000002".into(), 4)));
    assert!(!rotated.in_use);
    assert_eq!(
        diagnose_bytes(&base.clone().stop().finish()).status,
        FileStatus::Stopped
    );

    let open = base.finish();
    let d = diagnose_bytes(&open);
    assert_eq!((d.status, d.in_use), (FileStatus::Unclosed, true));
    assert_eq!(d.transactions.complete, 3);
    assert_eq!(
        d.transactions.executed().to_string(),
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-13"
    );
    assert_eq!(
        d.transactions.gtids.to_string(),
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:11-13"
    );

    // Torn: half of the last Xid survives.
    let torn = diagnose_bytes(&open[..open.len() - 10]);
    assert_eq!(torn.status, FileStatus::Torn);
    assert_eq!(torn.torn_tail, 31 - 10);
    assert_eq!(torn.valid_end.get(), open.len() as u64 - 31);
    // The transaction whose Xid was torn is open, and its GTID is not counted.
    assert!(torn.transactions.open_at_end.is_some());
    assert_eq!(
        torn.transactions.gtids.to_string(),
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:11-12"
    );
}

#[test]
fn a_zero_filled_tail_is_torn_and_garbage_is_corrupt_with_a_resync_point() {
    let log = orders(LogBuilder::mariadb(), 1, 3).finish();
    let mut zeros = log.clone();
    zeros.extend_from_slice(&[0; 4096]);
    let d = diagnose_bytes(&zeros);
    assert_eq!((d.status, d.torn_tail), (FileStatus::Torn, 4096));

    // Damage the second transaction's Query: corrupt, and framing resumes at the next event.
    let events: Vec<_> = binlog_parse::Framer::new(&log)
        .map_while(Result::ok)
        .map(|e| (e.offset().get(), e.event_type()))
        .collect();
    let (query_at, _) = events
        .iter()
        .filter(|(_, t)| *t == EventType::QUERY)
        .nth(1)
        .copied()
        .expect("two queries");
    let mut bad = log.clone();
    bad[query_at as usize + 25] ^= 0x40;
    let d = diagnose_bytes(&bad);
    assert_eq!(d.status, FileStatus::Corrupt);
    assert!(
        matches!(d.error, Some(Error::ChecksumMismatch { offset, .. }) if offset.get() == query_at)
    );
    assert_eq!(d.valid_end.get(), query_at);
    let next = events
        .iter()
        .find(|(at, _)| *at > query_at)
        .map(|(at, _)| *at);
    assert_eq!(d.resync.map(|p| p.get()), next);
    assert!(d.events_after_resync > 0);
}

#[test]
fn mariadb_groups_end_with_xid_commit_or_a_standalone_statement() {
    let log = LogBuilder::mariadb()
        .gtid_list(&[(0, 1, 9)])
        .mariadb_gtid(0, 10, 1) // standalone: DDL
        .query("shop", "CREATE TABLE t (a INT)")
        .mariadb_gtid(0, 11, 0)
        .query("shop", "BEGIN")
        .query("shop", "INSERT INTO t VALUES (1)")
        .query("shop", "COMMIT")
        .mariadb_gtid(0, 12, 0)
        .query("shop", "BEGIN")
        .finish();
    let d = diagnose_bytes(&log);
    let t = &d.transactions;
    assert_eq!(t.complete, 2);
    assert!(t.open_at_end.is_some());
    assert_eq!(t.mariadb_position().get(0).map(|g| g.seq_no), Some(11));
}

#[test]
fn tagged_gtids_are_collected() {
    let log = LogBuilder::mysql80()
        .gtid_tagged(UUID, "blue", 5)
        .query("shop", "CREATE TABLE t (a INT)")
        .finish();
    let d = diagnose_bytes(&log);
    assert_eq!(
        d.transactions.gtids.to_string(),
        "3e11fa47-71ca-11e1-9e33-c80aa9429562:blue:5"
    );
}

#[test]
fn v3_logs_are_recognised_and_reported() {
    // A MySQL 4.x (v3) log: magic, then a Start_v3 event whose body starts with binlog_version 3.
    let mut body = 3u16.to_le_bytes().to_vec(); // binlog_version
    body.extend_from_slice(&[0; 50]); // server_version
    body.extend_from_slice(&0u32.to_le_bytes()); // created
    let log = LogBuilder::mysql55().finish();
    let mut v3 = log[..4].to_vec();
    let header = binlog_parse::EventHeader {
        timestamp: 0,
        event_type: EventType::START_V3,
        server_id: binlog_parse::ServerId(1),
        event_size: (19 + body.len()) as u32,
        log_pos: (4 + 19 + body.len()) as u32,
        flags: binlog_parse::EventFlags(0),
    };
    v3.extend_from_slice(&header.to_bytes());
    v3.extend_from_slice(&body);
    let d = diagnose_bytes(&v3);
    assert_eq!(d.status, FileStatus::Unsupported);
    assert_eq!(d.error, Some(Error::UnsupportedVersion { version: 3 }));
}

#[test]
fn v1_logs_with_their_13_byte_header_are_recognised_too() {
    // MySQL 3.23: magic, then a Start_v3 event with a 13-byte header (timestamp, type,
    // server_id, event_size; no end_log_pos, no flags) and binlog_version 1.
    let mut v1 = binlog_parse::MAGIC.to_vec();
    let size: u32 = 13 + 2 + 50 + 4;
    v1.extend_from_slice(&0u32.to_le_bytes()); // timestamp
    v1.push(EventType::START_V3.code()); // type
    v1.extend_from_slice(&1u32.to_le_bytes()); // server_id
    v1.extend_from_slice(&size.to_le_bytes()); // event_size
    v1.extend_from_slice(&1u16.to_le_bytes()); // binlog_version
    v1.extend_from_slice(&[0; 50]); // server_version
    v1.extend_from_slice(&0u32.to_le_bytes()); // created
    let d = diagnose_bytes(&v1);
    assert_eq!(d.status, FileStatus::Unsupported);
    assert_eq!(d.error, Some(Error::UnsupportedVersion { version: 1 }));
}

#[test]
fn replica_positions_get_verdicts_and_restart_points() {
    let dir = std::env::temp_dir().join(format!("binlog-parse-scenarios-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let first = orders(LogBuilder::mysql80(), 1, 5)
        .rotate("mysql-bin.000002")
        .finish();
    let second = orders(LogBuilder::mysql80(), 6, 9).finish();
    let torn_len = second.len() - 7;
    std::fs::write(dir.join("mysql-bin.000001"), &first).expect("write");
    std::fs::write(dir.join("mysql-bin.000002"), &second[..torn_len]).expect("write");
    std::fs::write(dir.join("mysql-bin.000003"), LogBuilder::mysql80().finish()).expect("write");
    std::fs::write(
        dir.join("mysql-bin.index"),
        "./mysql-bin.000001\n./mysql-bin.000002\n./mysql-bin.000003\n",
    )
    .expect("write");

    let set = LogSet::open(&dir)
        .expect("opens")
        .diagnose()
        .expect("diagnoses");
    let statuses: Vec<_> = set.files.iter().map(|f| f.diagnosis.status).collect();
    assert_eq!(
        statuses,
        [FileStatus::Rotated, FileStatus::Torn, FileStatus::Unclosed]
    );
    assert!(set.chain.iter().any(
        |f| matches!(f, ChainFinding::EndedWithoutRotate { file, .. } if file == "mysql-bin.000002")
    ));

    // The 1236 case: the replica had read the whole second file before the crash.
    let c = set
        .check_replica_position("mysql-bin.000002", second.len() as u64)
        .expect("checks");
    assert_eq!(c.verdict, Verdict::Impossible);
    assert_eq!(c.restart, Some(("mysql-bin.000003".into(), 4)));
    assert_eq!(c.beyond_valid_end, 31);
    assert_eq!(c.torn_bytes_on_primary, 31 - 7);

    let valid_end = set.files[1].diagnosis.valid_end.get();
    let c = set
        .check_replica_position("mysql-bin.000002", valid_end)
        .expect("checks");
    assert_eq!(
        (c.verdict, c.restart),
        (Verdict::Valid, Some(("mysql-bin.000002".into(), valid_end)))
    );
    let c = set
        .check_replica_position("mysql-bin.000002", valid_end - 3)
        .expect("checks");
    assert_eq!(c.verdict, Verdict::NotEventBoundary);
    let enclosing = binlog_parse::Framer::new(&second)
        .map_while(Result::ok)
        .find(|e| e.end().get() == valid_end);
    assert_eq!(
        enclosing.map(|e| e.event_type()),
        Some(EventType::WRITE_ROWS_V1)
    );
    assert_eq!(c.restart.map(|r| r.1), enclosing.map(|e| e.offset().get()));
    let c = set
        .check_replica_position("mysql-bin.000001", first.len() as u64)
        .expect("checks");
    assert_eq!(
        (c.verdict, c.restart),
        (Verdict::Valid, Some(("mysql-bin.000002".into(), 4)))
    );
    let c = set
        .check_replica_position("mysql-bin.000009", 4)
        .expect("checks");
    assert_eq!((c.verdict, c.restart), (Verdict::UnknownFile, None));
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

#[test]
fn gtid_state_going_backwards_between_files_is_a_chain_finding() {
    let dir = std::env::temp_dir().join(format!("binlog-parse-gtid-chain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    // MariaDB: file 1 completes 0-1-5; file 2 (written after a crash) lists 0-1-3.
    let first = LogBuilder::mariadb()
        .gtid_list(&[(0, 1, 4)])
        .mariadb_gtid(0, 5, 1)
        .query("shop", "CREATE TABLE a (x INT)")
        .finish();
    let second = LogBuilder::mariadb().gtid_list(&[(0, 1, 3)]).finish();
    std::fs::write(dir.join("maria-bin.000001"), &first).expect("write");
    std::fs::write(dir.join("maria-bin.000002"), &second).expect("write");
    // MySQL: file 1 completes :11; file 2's Previous_gtids stops at :10.
    let one = orders(
        LogBuilder::mysql80().previous_gtids(&[(UUID, &[(1, 11)])]),
        11,
        11,
    )
    .finish();
    let two = LogBuilder::mysql80()
        .previous_gtids(&[(UUID, &[(1, 11)])])
        .finish();
    std::fs::write(dir.join("mysql-bin.000001"), &one).expect("write");
    std::fs::write(dir.join("mysql-bin.000002"), &two).expect("write");

    let set = LogSet::open(&dir)
        .expect("opens")
        .diagnose()
        .expect("diagnoses");
    assert!(
        set.chain.iter().any(|f| matches!(
            f,
            ChainFinding::GtidPositionRegressed {
                domain_id: 0,
                last_seq: 5,
                listed_seq: 3,
                ..
            }
        )),
        "{:?}",
        set.chain
    );
    assert!(set.chain.iter().any(|f| matches!(f,
        ChainFinding::GtidsMissingFromNext { missing, .. } if missing == "3e11fa47-71ca-11e1-9e33-c80aa9429562:11")), "{:?}", set.chain);
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

#[test]
fn a_relay_logs_second_fde_changes_the_checksum_algorithm() {
    // The replica (server 2) writes its relay log with CRC32: its FDE, then a fake Rotate
    // (end_log_pos 0) naming the primary's file. The primary is a 5.5 server: its FDE and
    // events have no checksum, and carry the primary's own positions.
    let mut rotate_body = 4u64.to_le_bytes().to_vec();
    rotate_body.extend_from_slice(b"master-bin.000001");
    let mut relay = LogBuilder::mysql80()
        .event(EventType::ROTATE, &rotate_body)
        .finish();
    let fde_len = binlog_parse::Framer::new(&relay)
        .next()
        .expect("fde")
        .expect("valid")
        .raw()
        .len();
    LogBuilder::rewrite_header(&mut relay, 4, true, |h| {
        h.server_id = binlog_parse::ServerId(2)
    });
    LogBuilder::rewrite_header(&mut relay, 4 + fde_len, true, |h| {
        h.log_pos = 0;
        h.flags = binlog_parse::EventFlags(binlog_parse::EventFlags::ARTIFICIAL);
    });
    let primary = LogBuilder::mysql55()
        .server_id(1)
        .query("shop", "BEGIN")
        .query("shop", "INSERT INTO t VALUES (1)")
        .xid(5)
        .finish();
    relay.extend_from_slice(&primary[4..]);

    let events: Vec<_> = binlog_parse::Framer::new(&relay)
        .collect::<Result<_, _>>()
        .expect("every event valid");
    let checksums: Vec<bool> = events
        .iter()
        .map(|e| matches!(e.checksum(), binlog_parse::Checksum::Verified(_)))
        .collect();
    assert_eq!(checksums, [true, true, false, false, false, false]);
    let d = diagnose_bytes(&relay);
    assert!(d.relay_log);
    assert_eq!(d.positions.discontinuities, 0, "{:?}", d.positions);
    assert_eq!(d.transactions.complete, 1);
    assert_eq!(
        d.primary_position,
        Some(("master-bin.000001".into(), primary.len() as u64))
    );
}

/// A replica position beyond a file that ends with foreign bytes (text appended): impossible,
/// but none of those bytes is a torn event the primary still has.
#[test]
fn a_foreign_tail_is_not_counted_as_torn_bytes_on_the_primary() {
    let dir = std::env::temp_dir().join(format!("binlog-parse-foreign-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let log = orders(LogBuilder::mysql80(), 1, 3).finish();
    let mut padded = log.clone();
    padded.extend_from_slice(b"daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n");
    std::fs::write(dir.join("mysql-bin.000001"), &padded).expect("write");
    std::fs::write(dir.join("mysql-bin.000002"), LogBuilder::mysql80().finish()).expect("write");
    let set = LogSet::open(&dir)
        .expect("opens")
        .diagnose()
        .expect("diagnoses");
    std::fs::remove_dir_all(&dir).expect("cleanup");
    let d = &set.files[0].diagnosis;
    assert_eq!(d.status, FileStatus::Corrupt);
    assert!(
        matches!(d.error, Some(Error::NotAnEvent { .. })),
        "{:?}",
        d.error
    );
    assert_eq!((d.valid_end.get(), d.torn_tail), (log.len() as u64, 48));
    let c = set
        .check_replica_position("mysql-bin.000001", padded.len() as u64)
        .expect("checks");
    assert_eq!(c.verdict, Verdict::Impossible);
    assert_eq!(c.beyond_valid_end, 48);
    assert_eq!(c.torn_bytes_on_primary, 0);
    assert_eq!(c.restart, Some(("mysql-bin.000002".into(), 4)));
}
