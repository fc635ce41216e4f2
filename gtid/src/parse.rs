//! The MySQL GTID set text parser.
//!
//! Grammar (whitespace, as MySQL's `my_isspace`, allowed before and after every token):
//!
//! ```text
//! set       := ","* (uuid_set (","+ uuid_set)*)? ","*
//! uuid_set  := UUID (":" element)*
//! element   := TAG | interval          -- a tag applies to the intervals after it
//!                                      -- strict: a TAG must be followed by ":" interval
//! interval  := GNO ("-" GNO)?
//! UUID      := 8-4-4-4-12 hex digits, any case
//! TAG       := [A-Za-z_][A-Za-z0-9_]{0,31}, folded to lowercase
//! GNO       := decimal digits without leading zero, 1..=2^63-2
//! ```
//!
//! One pass over the input; memory grows with the intervals actually read, never with a count
//! the input claims. Intervals arriving in order are merged as they come (`O(n)`); sources whose
//! intervals arrive out of order are sorted once at the end (`O(n log n)`).

use std::collections::BTreeMap;

use crate::error::Error;
use crate::gno::{Gno, Interval};
use crate::intervals;
use crate::set::GtidSet;
use crate::tag::Tag;
use crate::text::Cursor;
use crate::tsid::Tsid;
use crate::uuid::Uuid;

/// How to treat the legacy quirks MySQL accepts silently.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// `5-4`, `5-` and a tag with no interval after it (`uuid:1-5:x`) are errors.
    Strict,
    /// `5-4`, `5-0`, `5-` and a tag with no interval after it are accepted and contribute
    /// nothing, as in MySQL.
    Lenient,
}

/// Reads a GNO: plain decimal, `1..=2^63-2`.
pub(crate) fn gno_at(c: &mut Cursor<'_>) -> Result<Gno, Error> {
    let start = c.pos();
    let v = decimal_at(c, "a gno (decimal digits)")?;
    match v {
        Some(v) => Gno::new(v).map_err(|_| out_of_range(c, start)),
        None => Err(out_of_range(c, start)),
    }
}

/// Reads plain decimal digits; `None` if the value overflows u64.
fn decimal_at(c: &mut Cursor<'_>, expected: &'static str) -> Result<Option<u64>, Error> {
    let start = c.pos();
    if c.peek() == Some(b'0') && c.peek_at(1).is_some_and(|b| b.is_ascii_alphanumeric()) {
        return Err(Error::NotDecimal {
            value: c.word_at(start),
            position: c.char_index(start),
        });
    }
    c.digits(expected)
}

fn out_of_range(c: &Cursor<'_>, start: usize) -> Error {
    Error::GnoOutOfRange {
        value: c.excerpt_from(start),
        position: c.char_index(start),
    }
}

pub(crate) fn parse_set(text: &str, mode: Mode) -> Result<GtidSet, Error> {
    let mut c = Cursor::new(text);
    let mut b = Builder::default();
    loop {
        c.skip_separators();
        if c.at_end() {
            break;
        }
        let uuid = Uuid::parse_at(&mut c)?;
        b.switch(Tsid::new(uuid));
        let mut after = "':' or ',' after uuid";
        // Byte range of the last tag read, until an interval follows it.
        let mut bare_tag: Option<(usize, usize)> = None;
        c.skip_space();
        while c.eat(b':') {
            c.skip_space();
            match c.peek() {
                Some(x) if x.is_ascii_alphabetic() || x == b'_' => {
                    if let Some(tag) = bare_tag.filter(|_| mode == Mode::Strict) {
                        return Err(tag_without_interval(&c, tag));
                    }
                    let start = c.pos();
                    let tag = Tag::parse_at(&mut c)?;
                    b.switch(Tsid::tagged(uuid, tag));
                    bare_tag = Some((start, c.pos()));
                    after = "':' or ',' after tag";
                }
                Some(x) if x.is_ascii_digit() => {
                    if let Some(iv) = interval_at(&mut c, mode)? {
                        b.push(iv);
                    }
                    bare_tag = None;
                    after = "':' or ',' after interval";
                }
                _ => return Err(c.expected("a tag or a gno after ':'")),
            }
            c.skip_space();
        }
        if !(c.at_end() || c.peek() == Some(b',')) {
            return Err(c.expected(after));
        }
        if let Some(tag) = bare_tag.filter(|_| mode == Mode::Strict) {
            return Err(tag_without_interval(&c, tag));
        }
    }
    Ok(b.finish())
}

/// The tag at bytes `start..end` has no interval after it (`uuid:1-5:x`, `uuid:a:b:1`,
/// `uuid:tag`).
fn tag_without_interval(c: &Cursor<'_>, (start, end): (usize, usize)) -> Error {
    Error::TagWithoutInterval {
        tag: c.excerpt_between(start, end),
        position: c.char_index(start),
    }
}

/// Reads `N` or `N-M`. `None` for an interval that is empty under lenient rules.
fn interval_at(c: &mut Cursor<'_>, mode: Mode) -> Result<Option<Interval>, Error> {
    let start_pos = c.pos();
    let first = gno_at(c)?;
    c.skip_space();
    if !c.eat(b'-') {
        return Ok(Some(Interval::single(first)));
    }
    c.skip_space();
    if mode == Mode::Lenient && !c.peek().is_some_and(|b| b.is_ascii_digit()) {
        // MySQL reads the missing end as 0, and an end below the start as an empty interval.
        return Ok(None);
    }
    let end_pos = c.pos();
    let end = decimal_at(c, "a gno after '-'")?;
    let end = match end {
        Some(e) if e <= Gno::MAX.get() => e,
        _ => return Err(out_of_range(c, end_pos)),
    };
    if end < first.get() {
        return match mode {
            Mode::Lenient => Ok(None),
            Mode::Strict => Err(Error::ReversedInterval {
                start: first.get(),
                end,
                position: c.char_index(start_pos),
            }),
        };
    }
    Ok(Some(Interval {
        start: first.get(),
        end: end + 1,
    }))
}

#[derive(Default)]
struct Pending {
    ivs: Vec<Interval>,
    /// Whether `ivs` is still canonical (everything so far came in order).
    unsorted: bool,
}

/// Collects intervals per source; the current source is kept out of the map so that a run of
/// intervals costs no map lookups.
#[derive(Default)]
struct Builder {
    map: BTreeMap<Tsid, Pending>,
    key: Option<Tsid>,
    cur: Pending,
}

impl Builder {
    fn switch(&mut self, key: Tsid) {
        if self.key == Some(key) {
            return;
        }
        self.flush();
        self.key = Some(key);
        if let Some(p) = self.map.remove(&key) {
            self.cur = p;
        }
    }

    fn push(&mut self, iv: Interval) {
        let p = &mut self.cur;
        if !p.unsorted {
            if let Some(last) = p.ivs.last_mut() {
                if iv.start >= last.start {
                    if iv.start <= last.end {
                        last.end = last.end.max(iv.end);
                    } else {
                        p.ivs.push(iv);
                    }
                    return;
                }
                p.unsorted = true;
            }
        }
        p.ivs.push(iv);
    }

    fn flush(&mut self) {
        let cur = std::mem::take(&mut self.cur);
        if let Some(key) = self.key.take() {
            if !cur.ivs.is_empty() {
                self.map.insert(key, cur);
            }
        }
    }

    fn finish(mut self) -> GtidSet {
        self.flush();
        let map = self
            .map
            .into_iter()
            .map(|(k, mut p)| {
                if p.unsorted {
                    intervals::normalize(&mut p.ivs);
                }
                (k, p.ivs)
            })
            .collect();
        GtidSet::from_canonical_map(map)
    }
}
