//! Every real fixture in `../shared/testdata/binlogs`: framed to its real end, checksums
//! verified, and diagnosed exactly as the table below says. The table was written by reading
//! each file's events (and cross-checked with PROVENANCE.md's independent scan).

mod common;

use binlog_parse::{diagnose_bytes, Checksum, ChecksumAlg, FileStatus, Framer};
use FileStatus::*;

struct Expect {
    name: &'static str,
    status: FileStatus,
    events: u64,
    valid_end: u64,
    checksum: ChecksumAlg,
    in_use: bool,
}

const fn e(
    name: &'static str,
    status: FileStatus,
    events: u64,
    valid_end: u64,
    checksum: ChecksumAlg,
    in_use: bool,
) -> Expect {
    Expect {
        name,
        status,
        events,
        valid_end,
        checksum,
        in_use,
    }
}

const NONE: ChecksumAlg = ChecksumAlg::Absent;
const OFF: ChecksumAlg = ChecksumAlg::Off;
const CRC: ChecksumAlg = ChecksumAlg::Crc32;

#[rustfmt::skip]
const EXPECTED: &[Expect] = &[
    e("bin-log.000001", Unclosed, 14, 1039, CRC, true),                  // Percona 5.7, copied while open
    e("binlog-invisible-columns.000001", Stopped, 22, 1810, CRC, false),
    e("binlog_56_gtid_reserved_word.000001", Stopped, 20, 1422, CRC, false), // 5.6 25-byte GTID bodies
    e("binlog_savepoint.000001", Unclosed, 12, 1014, NONE, false),       // relay-style, ends in Xid
    e("binlog_transaction.000001", Rotated, 20, 1670, NONE, false),      // 5.0
    e("binlog_transaction_previous_GTID_no_tag.000001", Rotated, 3, 241, CRC, false),
    e("binlog_transaction_with_GTID.000001", Stopped, 11, 789, CRC, false),
    e("binlog_transaction_with_GTID_TAG.000001", Rotated, 8, 585, CRC, false), // 9.6 tagged
    e("binlog_transaction_with_anonymous_GTID.000001", Rotated, 9, 638, CRC, false),
    e("binlog_truncated_event.000001", Torn, 0, 4, NONE, false),         // magic + 10 header bytes
    e("binlog_truncated_prev_gtid_event.000001", Torn, 1, 120, CRC, true), // FDE + 9 header bytes
    e("bug11747887-bin.000003", Stopped, 9, 729, OFF, false),            // alg OFF, FDE still CRC'd
    e("bug16266.000001", Stopped, 6, 532, NONE, false),
    e("bug27213339-bin.000001", Stopped, 95, 11125, CRC, false),
    e("bug32407.001", Rotated, 7, 516, CRC, false),
    e("bug33029-slave-relay-bin.000001", Stopped, 43, 3933, NONE, false), // 5.0 relay log
    e("bug40482-bin.000001", Rotated, 3, 172, NONE, false),              // Incident
    e("corrupt-relay-bin.000624", Rotated, 874, 91418, NONE, false),     // framing intact; see below
    e("json-opaque.binlog", Unclosed, 25, 1635, CRC, true),
    e("json.binlog.000001", Unclosed, 36, 4011, CRC, true),
    e("mariadb-bin.000001", Unclosed, 13, 1074, CRC, true),              // MariaDB 10.5
    e("master-bin.000001", Stopped, 3, 177, CRC, false),
    e("minimal_row_metadata.000001", Rotated, 8, 495, CRC, false),
    e("mysql-bin.aurora-padding", Unclosed, 5, 1294, CRC, false),        // Aurora type 100, raw
    e("mysql-bin.checksum-crc32", Rotated, 303, 27984, CRC, false),
    e("mysql-bin.checksum-none", Stopped, 191, 37643, OFF, false),
    e("mysql-bin.compressed", Rotated, 5, 771, CRC, false),              // Transaction_payload
    e("mysql-bin.sakila", Unclosed, 1462, 1445714, NONE, true),          // 5.5, in use
    e("mysql-enum-string-set.000001", Unclosed, 21, 3331, CRC, true),
    e("mysql_type_bit.000001", Unclosed, 11, 1001, CRC, true),
    e("rpl_atomic_ddl_rollback_full.000001", Stopped, 11, 930, CRC, false),
    e("rpl_atomic_ddl_rollback_table.000001", Stopped, 7, 524, CRC, false),
    e("rpl_atomic_ddl_rollback_view.000001", Stopped, 7, 583, CRC, false),
    e("rpl_cross_version_default_utf8mb4_collation.000001", Stopped, 19, 1663, CRC, false),
    e("rpl_unfiltered_hidden_gcol.000001", Stopped, 15, 1076, CRC, false), // 8.0 relay log
    e("slave-relay-bin.000001", Unclosed, 6, 493, CRC, true),
    e("time_issue.000001", Rotated, 8, 472, CRC, false),
    e("transaction_compression.000001", Rotated, 5, 475, CRC, false),
    e("update-full-row.binlog", Rotated, 10, 614, NONE, false),
    e("update-partial-row.binlog", Rotated, 10, 606, NONE, false),
    e("vector.binlog", Stopped, 38, 3466, CRC, false),
    e("ver_5_1-wl2325_r.001", Stopped, 11, 705, NONE, false),            // Xid of size 38
    e("ver_5_1-wl2325_s.001", Stopped, 15, 149796, NONE, false),
    e("ver_5_1_23.001", Stopped, 24, 150402, NONE, false),
    e("ver_trunk_row_v2.001", Rotated, 40, 151722, OFF, false),
    e("write-full-row.binlog", Rotated, 9, 571, NONE, false),
    e("write-partial-row.binlog", Rotated, 10, 596, NONE, false),
];

#[test]
fn every_fixture_is_diagnosed_as_expected() {
    let Some(files) = common::fixtures() else {
        return;
    };
    assert_eq!(files.len(), EXPECTED.len(), "the table names every fixture");
    let mut checked = 0;
    for (name, bytes) in &files {
        let want = EXPECTED
            .iter()
            .find(|x| x.name == name)
            .unwrap_or_else(|| panic!("{name} missing from the table"));
        let d = diagnose_bytes(bytes);
        assert_eq!(d.status, want.status, "{name}: {d:?}");
        assert_eq!(d.events, want.events, "{name}");
        assert_eq!(d.valid_end.get(), want.valid_end, "{name}");
        assert_eq!(d.checksum, want.checksum, "{name}");
        assert_eq!(d.in_use, want.in_use, "{name}");
        assert_eq!(d.torn_tail, d.size - d.valid_end.get(), "{name}");
        // Every event's body decodes or is returned raw; only the one known-bad Query fails.
        let mut verified = 0;
        let mut decode_failures = 0;
        for ev in Framer::new(bytes).take_while(Result::is_ok).flatten() {
            if matches!(ev.checksum(), Checksum::Verified(_)) {
                verified += 1;
            }
            if ev.data().is_err() {
                decode_failures += 1;
            }
        }
        if want.checksum == CRC {
            assert_eq!(verified, want.events, "{name}: every CRC verified");
        }
        let expected_failures = u64::from(name == "corrupt-relay-bin.000624");
        assert_eq!(decode_failures, expected_failures, "{name}");
        checked += 1;
    }
    println!("{checked} fixtures diagnosed");
}

#[test]
fn fixture_details_worth_pinning() {
    let Some(files) = common::fixtures() else {
        return;
    };
    let get =
        |n: &str| diagnose_bytes(&files.iter().find(|(name, _)| name == n).expect("present").1);

    let torn = get("binlog_truncated_prev_gtid_event.000001");
    assert_eq!((torn.valid_end.get(), torn.torn_tail), (120, 9));

    // The 5.0 relay log: a Query whose status-vars length runs past its body (framing intact,
    // no checksum to catch it) and positions relative to the transaction inside transactions.
    let relay = get("corrupt-relay-bin.000624");
    assert!(relay.relay_log);
    assert_eq!(relay.transactions.decode_errors, 1);
    assert_eq!(relay.positions.discontinuities, relay.positions.relative);
    assert!(relay.positions.relative > 300);

    let tagged = get("binlog_transaction_with_GTID_TAG.000001");
    let executed = tagged.transactions.executed().to_string();
    assert!(executed.contains(":mytag:"), "{executed}");

    let maria = get("mariadb-bin.000001");
    let pos = maria.transactions.mariadb_position();
    assert_eq!(pos.get(0).map(|g| (g.server_id, g.seq_no)), Some((1, 2)));

    let rotated = get("mysql-bin.checksum-crc32");
    assert!(rotated.rotate_to.is_some());
    // Relay logs: where the primary's last complete transaction ends (the Xid / COMMIT's
    // end_log_pos, in the file the last fake Rotate named).
    for (name, primary) in [
        (
            "rpl_unfiltered_hidden_gcol.000001",
            ("master-bin.000001", 837),
        ),
        (
            "bug33029-slave-relay-bin.000001",
            ("master-bin.000001", 3776),
        ),
        ("binlog_savepoint.000001", ("master-bin.000003", 868)),
    ] {
        let d = get(name);
        assert_eq!(
            d.primary_position,
            Some((primary.0.to_owned(), primary.1)),
            "{name}"
        );
        assert!(d.relay_log, "{name}");
        assert_eq!(
            d.positions.discontinuities, 0,
            "{name}: relay positions follow the primary's file"
        );
    }
}
