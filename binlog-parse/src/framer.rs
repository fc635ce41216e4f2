//! [`Framer`]: the decoder driven over a byte slice (a whole file in memory or mapped).

use crate::decoder::{Decoder, DecoderOptions, Step};
use crate::error::Error;
use crate::event::EventRef;
use crate::header::LogPos;

/// Iterates over the events of a log held in memory. Yields `Err` at most once (a torn tail or
/// the first invalid event) and then stops; [`Framer::end`] tells how the input ended.
///
/// ```
/// use binlog_parse::{builder::LogBuilder, Framer};
///
/// let log = LogBuilder::mysql80().query("test", "BEGIN").xid(1).stop().finish();
/// let types: Vec<String> = Framer::new(&log)
///     .map(|e| e.map(|e| e.event_type().to_string()))
///     .collect::<Result<_, _>>()
///     .expect("a clean log");
/// assert_eq!(types, ["Format_desc", "Query", "Xid", "Stop"]);
/// ```
#[derive(Debug, Clone)]
pub struct Framer<'a> {
    input: &'a [u8],
    pos: usize,
    decoder: Decoder,
    end: Option<Result<(), Error>>,
}

impl<'a> Framer<'a> {
    /// Frames `input` (a whole file, from its magic) with default options.
    pub fn new(input: &'a [u8]) -> Framer<'a> {
        Framer::with_options(input, DecoderOptions::default())
    }

    /// Frames `input` with the given options.
    pub fn with_options(input: &'a [u8], options: DecoderOptions) -> Framer<'a> {
        Framer {
            input,
            pos: 0,
            decoder: Decoder::new(options),
            end: None,
        }
    }

    /// Continues with an existing decoder over `input`, which starts at the decoder's offset.
    pub fn resume(decoder: Decoder, input: &'a [u8]) -> Framer<'a> {
        Framer {
            input,
            pos: 0,
            decoder,
            end: None,
        }
    }

    /// The offset of the next event (the end of the last one yielded).
    pub fn offset(&self) -> LogPos {
        self.decoder.offset()
    }

    /// The decoder's state (checksum algorithm, offset).
    pub fn decoder(&self) -> &Decoder {
        &self.decoder
    }

    /// `None` while iterating; then `Ok(())` for a clean end on an event boundary, or the error
    /// that stopped the iteration.
    pub fn end(&self) -> Option<&Result<(), Error>> {
        self.end.as_ref()
    }
}

impl<'a> Iterator for Framer<'a> {
    type Item = Result<EventRef<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.end.is_some() {
            return None;
        }
        loop {
            let rest = &self.input[self.pos..];
            let step = self.decoder.decode(rest);
            self.pos += step.consumed();
            match step {
                Step::Magic => continue,
                Step::Event(event) => return Some(Ok(event)),
                Step::Encrypted(_) => {
                    self.end = Some(Ok(()));
                    return None;
                }
                Step::NeedMore(_) => {
                    let result = self.decoder.finish(rest);
                    self.end = Some(result.clone());
                    return result.err().map(Err);
                }
                Step::Failed(e) => {
                    self.end = Some(Err(e.clone()));
                    return Some(Err(e));
                }
            }
        }
    }
}
