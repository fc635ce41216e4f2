//! [`EventReader`]: the decoder driven over any `std::io::Read`, with one reusable buffer.

use std::io::{ErrorKind, Read};

use crate::decoder::{Decoder, DecoderOptions, Step};
use crate::error::Error;
use crate::event::EventRef;

/// Bytes asked of the reader per `read` call at least.
const READ_CHUNK: usize = 64 * 1024;

/// Streams events from a reader. Memory stays bounded by the largest event plus 64 KiB: the
/// buffer grows (by doubling, as bytes arrive) only towards a size an event header declared and
/// the decoder accepted (at most `max_event_size`), and is reused for every event.
///
/// Not an `Iterator` because each event borrows the buffer: call [`EventReader::next_event`].
///
/// ```
/// use binlog_parse::{builder::LogBuilder, EventReader};
///
/// let log = LogBuilder::mariadb().query("test", "CREATE TABLE t (a INT)").finish();
/// let mut reader = EventReader::new(&log[..]);
/// let mut n = 0;
/// while let Some(event) = reader.next_event() {
///     event.expect("valid");
///     n += 1;
/// }
/// assert_eq!(n, 3); // Format_desc, Gtid_list, Query
/// assert_eq!(reader.end(), Some(&Ok(())));
/// ```
#[derive(Debug)]
pub struct EventReader<R> {
    inner: R,
    decoder: Decoder,
    buf: Vec<u8>,
    start: usize,
    filled: usize,
    eof: bool,
    end: Option<Result<(), Error>>,
}

impl<R: Read> EventReader<R> {
    /// Streams `inner` from its first byte (the magic) with default options.
    pub fn new(inner: R) -> EventReader<R> {
        EventReader::with_options(inner, DecoderOptions::default())
    }

    /// Streams `inner` with the given options.
    pub fn with_options(inner: R, options: DecoderOptions) -> EventReader<R> {
        EventReader {
            inner,
            decoder: Decoder::new(options),
            buf: Vec::new(),
            start: 0,
            filled: 0,
            eof: false,
            end: None,
        }
    }

    /// Continues with an existing decoder (for instance one that has seen the file's
    /// Format_description event and was moved with [`Decoder::resume_at`]); `inner` must be
    /// positioned at the decoder's offset.
    pub fn resume(inner: R, decoder: Decoder) -> EventReader<R> {
        EventReader {
            inner,
            decoder,
            buf: Vec::new(),
            start: 0,
            filled: 0,
            eof: false,
            end: None,
        }
    }

    /// The decoder's state.
    pub fn decoder(&self) -> &Decoder {
        &self.decoder
    }

    /// The buffer's current capacity: what the reader holds in memory.
    pub fn buffer_capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// `None` while reading; then `Ok(())` for a clean end on an event boundary, or the error
    /// that stopped reading (a torn tail, an invalid event or an I/O error).
    pub fn end(&self) -> Option<&Result<(), Error>> {
        self.end.as_ref()
    }

    /// The next event, `Some(Err)` once on a torn tail or invalid event, then `None`.
    pub fn next_event(&mut self) -> Option<Result<EventRef<'_>, Error>> {
        if self.end.is_some() {
            return None;
        }
        loop {
            let need = self.decoder.needed(&self.buf[self.start..self.filled]);
            if self.filled - self.start < need && !self.eof {
                if let Err(e) = self.fill(need) {
                    self.end = Some(Err(e.clone()));
                    return Some(Err(e));
                }
                continue;
            }
            if self.decoder.expects_magic() {
                match self.decoder.decode(&self.buf[self.start..self.filled]) {
                    Step::Magic => {
                        self.start += 4;
                        continue;
                    }
                    Step::Failed(e) => {
                        self.end = Some(Err(e.clone()));
                        return Some(Err(e));
                    }
                    _ => {
                        let result = self.decoder.finish(&self.buf[self.start..self.filled]);
                        self.end = Some(result.clone());
                        return result.err().map(Err);
                    }
                }
            }
            break;
        }
        let rest = &self.buf[self.start..self.filled];
        match self.decoder.decode(rest) {
            Step::Event(event) => {
                self.start += event.raw().len();
                Some(Ok(event))
            }
            Step::Failed(e) => {
                self.end = Some(Err(e.clone()));
                Some(Err(e))
            }
            Step::Magic | Step::Encrypted(_) => {
                self.end = Some(Ok(()));
                None
            }
            Step::NeedMore(_) => {
                let result = self.decoder.finish(rest);
                self.end = Some(result.clone());
                result.err().map(Err)
            }
        }
    }

    /// Reads the rest of the input after reading stopped: returns the total size of the input
    /// and whether every byte after the decoder's offset is zero. Memory stays bounded.
    pub fn drain_tail(&mut self) -> (u64, bool) {
        let mut size = self.decoder.offset().0 + (self.filled - self.start) as u64;
        let mut zero = self.buf[self.start..self.filled].iter().all(|&b| b == 0);
        let mut chunk = [0u8; 8192];
        while !self.eof {
            match self.inner.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    size += n as u64;
                    zero &= chunk[..n].iter().all(|&b| b == 0);
                }
            }
        }
        self.eof = true;
        self.start = self.filled;
        (size, zero && size > self.decoder.offset().0)
    }

    /// Reads until `need` bytes are buffered past `start`, or end of input.
    fn fill(&mut self, need: usize) -> Result<(), Error> {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.filled, 0);
            self.filled -= self.start;
            self.start = 0;
        }
        // `need` comes from a header (at most max_event_size, but untrusted): the buffer grows
        // by doubling as bytes actually arrive, so a short input claiming a huge event never
        // makes it allocate more than twice what is there.
        while self.filled < need {
            if self.filled == self.buf.len() {
                let grown = (self.buf.len() * 2)
                    .max(READ_CHUNK)
                    .min(need.max(READ_CHUNK));
                self.buf.resize(grown, 0);
            }
            match self.inner.read(&mut self.buf[self.filled..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => self.filled += n,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(Error::io(self.decoder.offset().0 + self.filled as u64, &e)),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builder::LogBuilder;
    use crate::header::{EventHeader, EventType};

    #[test]
    fn a_huge_declared_size_does_not_allocate_it() {
        // A valid FDE, then a header claiming a 1 GiB Query with 30 bytes behind it.
        let mut log = LogBuilder::mysql80().finish();
        let mut header = EventHeader::from_prefix(&log[4..]).expect("fde header");
        header.event_type = EventType::QUERY;
        header.event_size = 1 << 30;
        // A plausible header (its end_log_pos agrees with its offset): a torn event.
        header.log_pos = (log.len() as u32).wrapping_add(1 << 30);
        log.extend_from_slice(&header.to_bytes());
        log.extend_from_slice(&[0; 30]);
        let mut reader = EventReader::new(&log[..]);
        while let Some(Ok(_)) = reader.next_event() {}
        assert!(
            matches!(reader.end(), Some(Err(Error::TruncatedEvent { size, .. })) if *size == 1 << 30)
        );
        assert!(
            reader.buffer_capacity() <= 2 * READ_CHUNK,
            "{}",
            reader.buffer_capacity()
        );
    }
}
