//! The streaming reader and the slice framer agree, whatever the reader's read sizes, on clean,
//! cut and damaged logs.

use std::io::Read;

use binlog_parse::builder::LogBuilder;
use binlog_parse::{diagnose_bytes, diagnose_reader, Error, EventReader, Framer};
use proptest::prelude::*;

/// A reader that hands out its bytes in chunks of the given sizes (cycling), to exercise every
/// split point of headers and bodies.
struct Chunked<'a> {
    bytes: &'a [u8],
    sizes: Vec<usize>,
    next: usize,
}

impl Read for Chunked<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let want = self.sizes[self.next % self.sizes.len()].max(1);
        self.next += 1;
        let n = want.min(buf.len()).min(self.bytes.len());
        buf[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

type Seen = (Vec<(u64, u8, usize)>, Option<Result<(), Error>>);

fn via_slice(bytes: &[u8]) -> Seen {
    let mut framer = Framer::new(bytes);
    let events = framer
        .by_ref()
        .map_while(Result::ok)
        .map(|e| (e.offset().get(), e.event_type().code(), e.raw().len()))
        .collect();
    (events, framer.end().cloned())
}

fn via_stream(bytes: &[u8], sizes: Vec<usize>) -> Seen {
    let mut reader = EventReader::new(Chunked {
        bytes,
        sizes,
        next: 0,
    });
    let mut events = Vec::new();
    while let Some(Ok(e)) = reader.next_event() {
        events.push((e.offset().get(), e.event_type().code(), e.raw().len()));
    }
    (events, reader.end().cloned())
}

fn sample_log(n: usize, mariadb: bool) -> Vec<u8> {
    let mut b = if mariadb {
        LogBuilder::mariadb()
    } else {
        LogBuilder::mysql80()
    };
    for i in 0..n {
        b = if mariadb {
            b.mariadb_gtid(0, i as u64 + 1, 0)
        } else {
            b.gtid([7; 16], i as i64 + 1)
        };
        b = b
            .query("shop", "BEGIN")
            .table_map(70, "shop", "orders")
            .write_rows(70, &[i as i32; 3])
            .xid(i as u64);
    }
    b.rotate("mysql-bin.000002").finish()
}

proptest! {
    #[test]
    fn stream_and_slice_agree(
        n in 0usize..12,
        mariadb in any::<bool>(),
        sizes in proptest::collection::vec(1usize..300, 1..8),
        cut in any::<prop::sample::Index>(),
        flip in any::<Option<(prop::sample::Index, u8)>>(),
    ) {
        let mut log = sample_log(n, mariadb);
        if let Some((at, bit)) = flip {
            let i = at.index(log.len());
            log[i] ^= 1 << (bit % 8);
        }
        let cut = cut.index(log.len() + 1);
        let log = &log[..cut];
        prop_assert_eq!(via_slice(log), via_stream(log, sizes.clone()));
        let from_stream = diagnose_reader(Chunked { bytes: log, sizes, next: 0 });
        let mut from_slice = diagnose_bytes(log);
        // Only the slice diagnosis scans for a resync point.
        from_slice.resync = None;
        from_slice.events_after_resync = 0;
        prop_assert_eq!(from_slice, from_stream);
    }
}
