//! Entry points of the fuzz targets (`fuzz/fuzz_targets/binlog_*.rs`), also run over their seed
//! corpus by an ordinary test. Not part of the supported API.

use std::io::Read;

use crate::builder::LogBuilder;
use crate::diagnose::{
    add_previous, diagnose_bytes, diagnose_bytes_with, diagnose_reader, mysql_gtid,
};
use crate::events::EventData;
use crate::header::EventType;
use crate::{DecoderOptions, EventReader, Framer};

/// Reads in chunks of one size.
struct Chunked<'a> {
    bytes: &'a [u8],
    size: usize,
}

impl Read for Chunked<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.size.min(buf.len()).min(self.bytes.len());
        buf[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

/// Frames `data` with `options` and decodes every event's typed view, walking the lazy parts.
/// A view that fails must name the event it failed in.
fn decode_everything(data: &[u8], options: DecoderOptions) {
    for ev in Framer::with_options(data, options).map_while(Result::ok) {
        match ev.data() {
            Ok(EventData::Gtid(g)) => {
                let _ = mysql_gtid(&ev, &g);
            }
            Ok(EventData::PreviousGtids(p)) => {
                let _ = add_previous(&mut gtid::GtidSet::default(), &ev, &p);
                for block in p.sids().map_while(Result::ok) {
                    assert_eq!(block.intervals().count(), block.interval_count());
                }
            }
            Ok(EventData::GtidList(l)) => {
                let _ = l.entries().count();
            }
            Ok(EventData::Query(q)) => {
                let _ = (q.is_begin(), q.is_commit(), q.statement_text().len());
            }
            Ok(_) => {}
            Err(e) => {
                assert_eq!(e.offset(), Some(ev.offset()), "{e}");
                let _ = e.to_string();
            }
        }
    }
}

/// A whole file: framing, diagnosis and the typed views must not panic, and the slice and the
/// streaming reader must agree.
pub fn framer(data: &[u8]) {
    let d = diagnose_bytes(data);
    assert!(d.valid_end.get() <= data.len() as u64);
    let size = data
        .get(data.len() / 2)
        .map_or(1, |b| usize::from(*b) % 97 + 1);
    let mut framer = Framer::new(data);
    let from_slice: Vec<_> = framer
        .by_ref()
        .map_while(Result::ok)
        .map(|e| (e.offset(), e.raw().len()))
        .collect();
    let mut reader = EventReader::new(Chunked { bytes: data, size });
    let mut from_stream = Vec::new();
    while let Some(Ok(e)) = reader.next_event() {
        from_stream.push((e.offset(), e.raw().len()));
    }
    assert_eq!(from_slice, from_stream);
    assert_eq!(framer.end(), reader.end());
    let streamed = diagnose_reader(Chunked { bytes: data, size });
    assert_eq!(
        (streamed.status, streamed.valid_end),
        (d.status, d.valid_end)
    );
    decode_everything(data, DecoderOptions::default());
    // Mutations almost always break a CRC32, which stops the checked walk at the first changed
    // event: without the checks, the events after it reach the typed views and the diagnosis.
    let unchecked = DecoderOptions {
        verify_checksums: false,
        ..DecoderOptions::default()
    };
    let d = diagnose_bytes_with(data, unchecked);
    assert!(d.valid_end.get() <= data.len() as u64);
    decode_everything(data, unchecked);
}

/// One event body of any type (first byte) wrapped in valid framing by the builder, for
/// MySQL 8.0, MariaDB and pre-checksum layouts: the typed views and the diagnosis must not
/// panic.
pub fn events(data: &[u8]) {
    let Some((&code, body)) = data.split_first() else {
        return;
    };
    for builder in [
        LogBuilder::mysql80(),
        LogBuilder::mariadb(),
        LogBuilder::mysql55(),
    ] {
        let log = builder.event(EventType(code), body).finish();
        decode_everything(&log, DecoderOptions::default());
        // The diagnosis tracks transactions and GTIDs over the same views.
        let _ = diagnose_bytes(&log);
    }
}
