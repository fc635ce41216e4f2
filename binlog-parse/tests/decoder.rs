//! The sans-I/O decoder on hand-built inputs: sizes, checksums, unknown types, FDE variants,
//! positions past 4 GiB.

use binlog_parse::builder::LogBuilder;
use binlog_parse::{
    Checksum, Decoder, DecoderOptions, Error, EventData, EventHeader, EventType, Framer, LogPos,
    PositionCheck, Step,
};

/// The builder's log with the header of its last event replaced by `edit`'s result (the CRC is
/// not recomputed: callers edit fields the checks look at before the CRC).
fn with_last_header(log: &[u8], edit: impl Fn(&mut EventHeader)) -> Vec<u8> {
    let last = Framer::new(log)
        .map_while(Result::ok)
        .last()
        .expect("an event")
        .offset()
        .get() as usize;
    let mut out = log.to_vec();
    let mut h = EventHeader::from_prefix(&out[last..]).expect("header");
    edit(&mut h);
    out[last..last + 19].copy_from_slice(&h.to_bytes());
    out
}

#[test]
fn sizes_below_a_header_or_above_the_limit_are_errors_with_offset_and_type() {
    let log = LogBuilder::mysql80().xid(1).finish();
    let xid_at = log.len() as u64 - 31;
    let small = with_last_header(&log, |h| h.event_size = 22);
    let err = Framer::new(&small).find_map(Result::err).expect("an error");
    assert_eq!(
        err,
        Error::EventTooSmall {
            offset: LogPos(xid_at),
            event_type: EventType::XID,
            size: 22,
            min: 23
        }
    );
    assert_eq!(
        err.to_string(),
        format!("invalid event size 22 for Xid event at offset {xid_at}: at least 23 required")
    );

    let huge = with_last_header(&log, |h| h.event_size = u32::MAX);
    let err = Framer::new(&huge).find_map(Result::err).expect("an error");
    assert!(matches!(err, Error::EventTooLarge { size: u32::MAX, max, .. } if max == 1 << 30));
}

#[test]
fn unknown_types_come_back_raw_and_checked() {
    // Aurora writes type 100; any future type must frame and verify too.
    let log = LogBuilder::mysql80()
        .event(EventType(100), b"padding")
        .finish();
    let ev = Framer::new(&log)
        .map_while(Result::ok)
        .last()
        .expect("event");
    assert_eq!(ev.event_type().to_string(), "Unknown_100");
    assert!(matches!(ev.checksum(), Checksum::Verified(_)));
    assert_eq!(ev.data(), Ok(EventData::Other(b"padding")));
}

#[test]
fn an_fde_listing_more_types_than_known_is_accepted() {
    let mut post_headers = vec![0u8; 200];
    post_headers[14] = (57 + 200) as u8; // the FDE's own entry, as servers write it (mod 256)
    let log = LogBuilder::new("12.0.1", Some(1), post_headers)
        .xid(3)
        .finish();
    let events: Vec<_> = Framer::new(&log).collect::<Result<_, _>>().expect("valid");
    assert_eq!(events.len(), 2);
}

#[test]
fn a_wrong_magic_is_reported_with_its_bytes() {
    let err = Framer::new(b"\xfebix")
        .find_map(Result::err)
        .expect("an error");
    assert_eq!(err, Error::BadMagic { found: *b"\xfebix" });
    assert_eq!(
        Framer::new(b"\xfeb").find_map(Result::err),
        Some(Error::TruncatedMagic { available: 2 })
    );
}

#[test]
fn verification_can_be_turned_off_but_trailers_are_still_stripped() {
    let mut log = LogBuilder::mysql80().xid(1).finish();
    let last = log.len() - 1;
    log[last] ^= 0xff; // break the Xid's CRC
    let options = DecoderOptions {
        verify_checksums: false,
        ..DecoderOptions::default()
    };
    let ev = Framer::with_options(&log, options)
        .map_while(Result::ok)
        .last()
        .expect("event");
    assert!(matches!(ev.checksum(), Checksum::Unchecked(_)));
    assert_eq!(ev.body(), 1u64.to_le_bytes());
    assert!(matches!(
        Framer::new(&log).find_map(Result::err),
        Some(Error::ChecksumMismatch { .. })
    ));
}

#[test]
fn end_log_pos_wraps_past_4_gib() {
    let log = LogBuilder::mysql80().xid(1).finish();
    let fde_end = Framer::new(&log)
        .next()
        .expect("fde")
        .expect("valid")
        .end()
        .get() as usize;
    let mut decoder = Decoder::new(DecoderOptions::default());
    assert_eq!(decoder.decode(&log), Step::Magic);
    assert!(matches!(decoder.decode(&log[4..]), Step::Event(_)));
    // Pretend the Xid sits 10 bytes before 4 GiB: its end_log_pos is (offset + 31) mod 2^32.
    let at = (1u64 << 32) - 10;
    decoder.resume_at(LogPos(at));
    let mut xid = log[fde_end..].to_vec();
    let mut h = EventHeader::from_prefix(&xid).expect("header");
    h.log_pos = (at + 31) as u32;
    xid[..19].copy_from_slice(&h.to_bytes());
    let crc = crc32fast::hash(&xid[..27]);
    xid[27..].copy_from_slice(&crc.to_le_bytes());
    match decoder.decode(&xid) {
        Step::Event(ev) => {
            assert_eq!(ev.header().log_pos, 21);
            assert_eq!(ev.position_check(), PositionCheck::Continuous);
            assert_eq!(ev.end(), LogPos(at + 31));
        }
        other => panic!("{other:?}"),
    }
}
