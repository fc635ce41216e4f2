//! MySQL's `mysql::serialization` variable-length integers (used by the tagged GTID event and
//! the tagged Previous_gtids encoding).
//!
//! The number of trailing one bits in the first byte is the number of extra bytes (0..=7); the
//! value is the little-endian integer of all the bytes shifted right by that count plus one.
//! A first byte of `0xff` means eight full bytes follow. Signed values are zig-zag encoded.

use super::Cursor;
use crate::error::Error;

impl Cursor<'_> {
    /// An unsigned varlen integer.
    pub(crate) fn varlen(&mut self, field: &'static str) -> Result<u64, Error> {
        let first = self.u8(field)?;
        let extra = first.trailing_ones() as usize;
        if extra >= 8 {
            return self.u64(field);
        }
        let rest = self.uint(extra, field)?;
        // extra <= 7, so shifting `rest` by 8 never overflows; the top bits fall off on purpose.
        let all = (u128::from(rest) << 8) | u128::from(first);
        Ok((all >> (extra + 1)) as u64)
    }

    /// A signed (zig-zag) varlen integer.
    pub(crate) fn varlen_signed(&mut self, field: &'static str) -> Result<i64, Error> {
        let v = self.varlen(field)?;
        Ok(((v >> 1) as i64) ^ -((v & 1) as i64))
    }
}

/// Encodes `value` as an unsigned varlen (for the builder and tests).
pub fn encode(value: u64, out: &mut Vec<u8>) {
    let bits = 64 - value.leading_zeros() as usize;
    // With n extra bytes the value has 8*(n+1) - (n+1) = 7*(n+1) bits of room.
    let extra = (0..8).find(|n| bits <= 7 * (n + 1)).unwrap_or(8);
    if extra == 8 {
        out.push(0xff);
        out.extend_from_slice(&value.to_le_bytes());
        return;
    }
    let marker = (1u128 << extra) - 1;
    let all = (u128::from(value) << (extra + 1)) | marker;
    out.extend_from_slice(&all.to_le_bytes()[..extra + 1]);
}

/// Encodes a signed value zig-zag, then as varlen.
pub fn encode_signed(value: i64, out: &mut Vec<u8>) {
    encode(((value << 1) ^ (value >> 63)) as u64, out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::{EventType, LogPos};

    fn decode(bytes: &[u8]) -> u64 {
        Cursor::new(bytes, LogPos(0), EventType::GTID_TAGGED)
            .varlen("v")
            .expect("decodes")
    }

    #[test]
    fn one_byte_values_are_shifted_by_one() {
        assert_eq!(decode(&[0x02]), 1); // the format version of every tagged GTID event
        assert_eq!(decode(&[0x78]), 60);
    }

    #[test]
    fn round_trips_across_widths() {
        for v in [
            0,
            1,
            127,
            128,
            16_383,
            16_384,
            1 << 40,
            (1 << 56) - 1,
            1 << 56,
            u64::MAX,
        ] {
            let mut out = Vec::new();
            encode(v, &mut out);
            assert_eq!(decode(&out), v, "value {v} encoded as {out:02x?}");
        }
        for v in [0i64, -1, 1, i64::MIN, i64::MAX] {
            let mut out = Vec::new();
            encode_signed(v, &mut out);
            let got = Cursor::new(&out, LogPos(0), EventType::GTID_TAGGED)
                .varlen_signed("v")
                .expect("decodes");
            assert_eq!(got, v);
        }
    }
}
