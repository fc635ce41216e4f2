//! Damage every fixture: every cut point, and every single-bit flip inside every checksummed
//! event. Nothing may panic; every cut is torn or complete at the right place; every flip is
//! caught at the damaged event.

mod common;

use binlog_parse::diagnose::Diagnoser;
use binlog_parse::{
    diagnose_bytes, Checksum, Decoder, DecoderOptions, EventType, FileStatus, Framer, Step,
};

/// Event (start, end) pairs of the valid part of a file.
fn boundaries(bytes: &[u8]) -> Vec<(u64, u64)> {
    Framer::new(bytes)
        .map_while(Result::ok)
        .map(|e| (e.offset().get(), e.end().get()))
        .collect()
}

/// Files whose every cut is also run through the whole `diagnose_bytes` (the rest go through
/// the same sans-I/O pieces, resumed from a snapshot at each event, to keep the test fast).
const FULL_DIAGNOSE_LIMIT: usize = 160 * 1024;

fn expect_cut(name: &str, cut: usize, d: &binlog_parse::FileDiagnosis, bounds: &[(u64, u64)]) {
    let cut = cut as u64;
    let last_boundary = bounds
        .iter()
        .map(|b| b.1)
        .filter(|&end| end <= cut)
        .max()
        .unwrap_or(if cut >= 4 { 4 } else { 0 });
    assert_eq!(
        d.valid_end.get(),
        last_boundary,
        "{name} cut at {cut}: {d:?}"
    );
    if cut < 4 {
        // Not even the magic: torn (an empty file included: created, never written).
        assert_eq!(d.status, FileStatus::Torn, "{name} cut at {cut}");
    } else if cut == last_boundary {
        assert!(
            d.status.is_clean(),
            "{name} cut at a boundary {cut} is complete: {:?}",
            d.status
        );
        assert_eq!(d.torn_tail, 0);
    } else {
        assert_eq!(
            d.status,
            FileStatus::Torn,
            "{name} cut at {cut}: {:?}",
            d.error
        );
        assert_eq!(d.torn_tail, cut - last_boundary, "{name} cut at {cut}");
    }
}

#[test]
fn every_cut_point_is_torn_or_complete_at_the_right_offset() {
    let Some(files) = common::fixtures() else {
        return;
    };
    let mut cuts = 0u64;
    for (name, bytes) in &files {
        let bounds = boundaries(bytes);
        if bytes.len() <= FULL_DIAGNOSE_LIMIT {
            for cut in 0..=bytes.len() {
                expect_cut(name, cut, &diagnose_bytes(&bytes[..cut]), &bounds);
                cuts += 1;
            }
            continue;
        }
        // Large files: snapshot decoder and diagnoser before each event, then cut inside it.
        for cut in 0..=4.min(bytes.len()) {
            expect_cut(name, cut, &diagnose_bytes(&bytes[..cut]), &bounds);
        }
        let mut decoder = Decoder::new(DecoderOptions::default());
        let mut diag = Diagnoser::new();
        assert!(matches!(decoder.decode(bytes), Step::Magic));
        diag.magic();
        for &(start, end) in &bounds {
            let (start, end) = (start as usize, end as usize);
            for cut in start + 1..=end {
                let mut dec = decoder.clone();
                let mut dg = diag.clone();
                let mut framer = Framer::resume(dec.clone(), &bytes[start..cut]);
                for ev in framer.by_ref().map_while(Result::ok) {
                    dg.event(&ev);
                }
                let d = dg.finish(framer.end().cloned().unwrap_or(Ok(())), cut as u64, false);
                expect_cut(name, cut, &d, &bounds);
                let _ = dec.decode(&bytes[start..cut]);
                cuts += 1;
            }
            match decoder.decode(&bytes[start..end]) {
                Step::Event(ev) => diag.event(&ev),
                other => panic!("{name}: {other:?}"),
            }
        }
    }
    println!("{cuts} cut points checked");
}

/// Flips every bit of every checksummed event; the one bit no CRC covers (the FDE's in-use
/// flag, bit 0 of header byte 17) is skipped on purpose.
#[test]
fn every_bit_flip_in_a_checksummed_event_is_detected() {
    let Some(files) = common::fixtures() else {
        return;
    };
    let mut flips = 0u64;
    for (name, bytes) in &files {
        let mut decoder = Decoder::new(DecoderOptions::default());
        assert!(
            matches!(decoder.decode(bytes), Step::Magic) || bytes.len() < 4,
            "{name}"
        );
        let mut at = 4usize;
        let mut copy = bytes.clone();
        loop {
            let before = decoder.clone();
            let (start, end, checked, is_fde) = match decoder.decode(&bytes[at..]) {
                Step::Event(ev) => {
                    let checked = matches!(ev.checksum(), Checksum::Verified(_));
                    (
                        at,
                        at + ev.raw().len(),
                        checked,
                        ev.event_type() == EventType::FORMAT_DESCRIPTION,
                    )
                }
                _ => break,
            };
            if checked {
                for byte in start..end {
                    for bit in 0..8 {
                        if is_fde && byte - start == 17 && bit == 0 {
                            continue;
                        }
                        copy[byte] ^= 1 << bit;
                        let first = Framer::resume(before.clone(), &copy[start..]).next();
                        match first {
                            Some(Err(e)) => assert_eq!(
                                e.offset().map(|o| o.get()),
                                Some(start as u64),
                                "{name}: {e}"
                            ),
                            other => {
                                panic!("{name}: flip of bit {bit} at {byte} undetected: {other:?}")
                            }
                        }
                        // The whole diagnosis (with its resync scan) for every flip of the
                        // small files, and a sample of the larger ones.
                        if bytes.len() <= 4096 || flips % 61 == 0 {
                            let d = diagnose_bytes(&copy);
                            assert!(
                                matches!(d.status, FileStatus::Torn | FileStatus::Corrupt),
                                "{name} {byte}/{bit}"
                            );
                            assert!(d.valid_end.get() <= start as u64);
                        }
                        copy[byte] ^= 1 << bit;
                        flips += 1;
                    }
                }
            }
            at = end;
        }
    }
    println!("{flips} bit flips detected");
    assert!(flips > 100_000 || common::fixtures().is_none());
}
