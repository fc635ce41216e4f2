//! Previous_gtids intervals as stored (signed, half-open) turned into GTID sets: every bad
//! interval is an error naming the event, the stored values and the UUID, never a panic.

use binlog_parse::builder::LogBuilder;
use binlog_parse::diagnose::add_previous;
use binlog_parse::{diagnose_bytes, fuzzing, Error, EventData, EventType, FileStatus, Framer};
use gtid::GtidSet;

const UUID: [u8; 16] = [
    0x3e, 0x11, 0xfa, 0x47, 0x71, 0xca, 0x11, 0xe1, 0x9e, 0x33, 0xc8, 0x0a, 0xa9, 0x42, 0x95, 0x62,
];

/// The set a MySQL 8.0 log holding one Previous_gtids event with this body adds up to, or the
/// error, with the event's offset.
fn previous(log: &[u8]) -> (u64, Result<GtidSet, Error>) {
    let ev = Framer::new(log)
        .map_while(Result::ok)
        .find(|e| e.event_type() == EventType::PREVIOUS_GTIDS)
        .expect("framed");
    let Ok(EventData::PreviousGtids(p)) = ev.data() else {
        panic!("not decoded: {:?}", ev.data());
    };
    let mut set = GtidSet::default();
    (
        ev.offset().get(),
        add_previous(&mut set, &ev, &p).map(|()| set),
    )
}

fn invalid(offset: u64, message: &str) -> Error {
    Error::InvalidGtid {
        offset: binlog_parse::LogPos(offset),
        event_type: EventType::PREVIOUS_GTIDS,
        message: message.to_string(),
    }
}

/// Found by the `binlog_events` fuzz target (minimized; also in
/// `fuzz/corpus/binlog_events/previous_gtids_end_i64_min`): an interval ending at `i64::MIN`
/// made `end - 1` overflow, a panic wherever overflow checks are on (debug builds).
#[rustfmt::skip]
const END_I64_MIN: [u8; 65] = [
    35, // the fuzz target's first byte: the event type, Previous_gtids
    2, 0, 0, 0, 0, 0, 0, 0, // n_sids: 2 (only the first is reached)
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xeb, 0x1e, // uuid 00000000-0000-eb1e-
    0x9e, 0x33, 0xc8, 0x0a, 0xa9, 0x42, 0x95, 0x62, //      9e33-c80aa9429562
    2, 0, 0, 0, 0, 0, 0, 0, // n_intervals: 2
    0x00, 0x00, 0x00, 0x40, 0x30, 0x09, 0x00, 0x00, // start 0x0000_0930_4000_0000: valid
    0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, // end   0x4000_0000_0000_0009: valid
    0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x7a, // start 0x7a00_0000_0000_000b
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, // end   i64::MIN
];

#[test]
fn an_interval_ending_at_i64_min_is_an_error_not_an_overflow() {
    fuzzing::events(&END_I64_MIN);
    let log = LogBuilder::mysql80()
        .event(EventType::PREVIOUS_GTIDS, &END_I64_MIN[1..])
        .finish();
    let (offset, result) = previous(&log);
    assert_eq!(offset, 126); // magic (4) + the builder's format description event (122)
    let want = invalid(
        offset,
        "previous_gtids interval [8791026472627208203, -9223372036854775808) of \
         00000000-0000-eb1e-9e33-c80aa9429562 is empty or outside 1..=9223372036854775806",
    );
    assert_eq!(result, Err(want.clone()));
    // The diagnosis reports it as the file's first body it could not decode; framing is fine.
    let d = diagnose_bytes(&log);
    assert_eq!(d.status, FileStatus::Unclosed);
    assert_eq!(d.transactions.decode_errors, 1);
    assert_eq!(d.transactions.first_decode_error, Some(want));
}

#[test]
fn stored_intervals_are_checked_at_both_ends() {
    let u = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
    let ok = |intervals: &[(i64, i64)]| {
        let log = LogBuilder::mysql80()
            .previous_gtids(&[(UUID, intervals)])
            .finish();
        previous(&log).1.expect("valid").to_string()
    };
    // The widest interval MySQL allows: 1 to 2^63 - 2, stored end-exclusive as i64::MAX.
    assert_eq!(ok(&[(1, i64::MAX)]), format!("{u}:1-9223372036854775806"));
    assert_eq!(ok(&[(1, 6), (8, 9)]), format!("{u}:1-5:8"));
    for (start, end) in [
        (0, 5),               // GNO 0 does not exist
        (-3, 5),              // negative start
        (5, 5),               // empty
        (6, 5),               // reversed
        (1, i64::MIN),        // the fuzzer's find
        (i64::MIN, 1),        // and its mirror
        (i64::MAX, i64::MIN), // both at the edges
    ] {
        let log = LogBuilder::mysql80()
            .previous_gtids(&[(UUID, &[(1, 2), (start, end)])])
            .finish();
        let (offset, result) = previous(&log);
        let message = format!(
            "previous_gtids interval [{start}, {end}) of {u} is empty or outside \
             1..=9223372036854775806"
        );
        assert_eq!(result, Err(invalid(offset, &message)), "[{start}, {end})");
    }
}
