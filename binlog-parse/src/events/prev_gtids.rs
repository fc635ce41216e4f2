//! Previous_gtids (35): the GTID set of every earlier file, untagged or tagged (8.4+).

use super::Cursor;
use crate::error::Error;

/// The smallest encoding of one SID block: UUID (16) + interval count (8).
const MIN_SID_BLOCK: u64 = 24;

/// Previous_gtids (35), decoded lazily: [`PreviousGtids::sids`] walks the blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PreviousGtids<'a> {
    /// Whether the set uses the tagged encoding (MySQL 8.4+).
    pub tagged: bool,
    /// Number of SID blocks (checked against the body's size).
    pub sid_count: u64,
    blocks: Cursor<'a>,
}

impl<'a> PreviousGtids<'a> {
    pub(crate) fn decode(mut c: Cursor<'a>) -> Result<PreviousGtids<'a>, Error> {
        let head: [u8; 8] = c.array("previous_gtids sid count")?;
        // Tagged: format byte (1), 48-bit count, format byte again. An untagged 64-bit count
        // never has its top byte set.
        let tagged = head[7] == 1 && head[0] == 1;
        let sid_count = if tagged {
            let mut le = [0u8; 8];
            le[..6].copy_from_slice(&head[1..7]);
            u64::from_le_bytes(le)
        } else {
            u64::from_le_bytes(head)
        };
        if sid_count.saturating_mul(MIN_SID_BLOCK) > c.remaining() as u64 {
            return Err(c.invalid("previous_gtids sid count", sid_count));
        }
        Ok(PreviousGtids {
            tagged,
            sid_count,
            blocks: c,
        })
    }

    /// The SID blocks, in file order. Each item is checked against the bytes present.
    pub fn sids(&self) -> SidBlocks<'a> {
        SidBlocks {
            left: self.sid_count,
            tagged: self.tagged,
            cursor: self.blocks,
        }
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.sid_count == 0
    }
}

/// One UUID (and tag) with its intervals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SidBlock<'a> {
    /// The source UUID.
    pub uuid: [u8; 16],
    /// The tag (`None` for untagged).
    pub tag: Option<&'a str>,
    intervals: &'a [u8],
}

impl<'a> SidBlock<'a> {
    /// `(start, end_exclusive)` pairs, as stored.
    pub fn intervals(&self) -> impl Iterator<Item = (i64, i64)> + 'a {
        self.intervals.chunks_exact(16).map(|pair| {
            let mut a = [0u8; 8];
            let mut b = [0u8; 8];
            a.copy_from_slice(&pair[..8]);
            b.copy_from_slice(&pair[8..]);
            (i64::from_le_bytes(a), i64::from_le_bytes(b))
        })
    }

    /// Number of intervals.
    pub fn interval_count(&self) -> usize {
        self.intervals.len() / 16
    }
}

/// Iterator over the SID blocks of a [`PreviousGtids`].
#[derive(Debug, Clone)]
pub struct SidBlocks<'a> {
    left: u64,
    tagged: bool,
    cursor: Cursor<'a>,
}

impl<'a> SidBlocks<'a> {
    fn block(&mut self) -> Result<SidBlock<'a>, Error> {
        let c = &mut self.cursor;
        let uuid = c.array("previous_gtids uuid")?;
        let tag = if self.tagged {
            let len = c.varlen("previous_gtids tag length")?;
            if len > 32 {
                return Err(c.invalid("previous_gtids tag length", len));
            }
            let bytes = c.bytes(len, "previous_gtids tag")?;
            let tag = std::str::from_utf8(bytes)
                .map_err(|_| c.invalid("previous_gtids tag byte", len))?;
            (!tag.is_empty()).then_some(tag)
        } else {
            None
        };
        let n = c.u64("previous_gtids interval count")?;
        if n.saturating_mul(16) > c.remaining() as u64 {
            return Err(c.invalid("previous_gtids interval count", n));
        }
        let intervals = c.bytes(n * 16, "previous_gtids intervals")?;
        Ok(SidBlock {
            uuid,
            tag,
            intervals,
        })
    }
}

impl<'a> Iterator for SidBlocks<'a> {
    type Item = Result<SidBlock<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let block = self.block();
        if block.is_err() {
            self.left = 0;
        }
        Some(block)
    }
}
