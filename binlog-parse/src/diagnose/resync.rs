//! Finding where valid framing resumes after a corrupt region.

use crate::fde::ChecksumAlg;
use crate::header::{EventFlags, EventHeader, EventType, CHECKSUM_LEN, HEADER_LEN};

/// Whether an event plausibly starts at `at` in `bytes`: a known type, a size that fits, and
/// either a matching CRC32 (checksummed logs) or an `end_log_pos` equal to its end and another
/// plausible header (or the end of the file) right after it.
pub(crate) fn plausible_at(
    bytes: &[u8],
    at: usize,
    alg: ChecksumAlg,
    max_size: u32,
    base: u64,
    budget: &mut u64,
) -> bool {
    let Some(h) = header_at(bytes, at, alg, max_size) else {
        return false;
    };
    let end = at + h.event_size as usize;
    if alg.has_trailer() {
        // Every candidate costs a CRC over its declared size: crafted input could make that
        // quadratic, so the scan has a budget.
        *budget = budget.saturating_sub(u64::from(h.event_size));
        if *budget == 0 {
            return false;
        }
        let raw = &bytes[at..end];
        let split = raw.len() - CHECKSUM_LEN;
        let mut stored = [0u8; 4];
        stored.copy_from_slice(&raw[split..]);
        let mut hasher = crc32fast::Hasher::new();
        hasher.update(&raw[..17]);
        let flags = if h.event_type == EventType::FORMAT_DESCRIPTION {
            raw[17] & !(EventFlags::BINLOG_IN_USE as u8)
        } else {
            raw[17]
        };
        hasher.update(&[flags]);
        hasher.update(&raw[18..split]);
        hasher.finalize() == u32::from_le_bytes(stored)
    } else {
        h.log_pos == (base + (at + h.event_size as usize) as u64) as u32
            && (end == bytes.len() || header_at(bytes, end, alg, max_size).is_some())
    }
}

fn header_at(bytes: &[u8], at: usize, alg: ChecksumAlg, max_size: u32) -> Option<EventHeader> {
    let h = EventHeader::from_prefix(bytes.get(at..)?)?;
    let min = (HEADER_LEN + if alg.has_trailer() { CHECKSUM_LEN } else { 0 }) as u32;
    let fits = h.event_size >= min
        && h.event_size <= max_size
        && (h.event_size as usize) <= bytes.len() - at
        && h.event_type.is_known()
        && h.event_type != EventType::UNKNOWN;
    fits.then_some(h)
}

/// The first offset after `from` where an event plausibly starts; `bytes` starts at file
/// offset `base`. Gives up (`None`) once it
/// has checksummed 16 times the input plus 1 MiB, so it always ends in linear time.
pub(crate) fn scan(
    bytes: &[u8],
    base: u64,
    from: usize,
    alg: ChecksumAlg,
    max_size: u32,
) -> Option<usize> {
    let mut budget = 16 * bytes.len() as u64 + (1 << 20);
    for at in from..bytes.len().saturating_sub(HEADER_LEN - 1) {
        if budget == 0 {
            return None;
        }
        if plausible_at(bytes, at, alg, max_size, base, &mut budget) {
            return Some(at);
        }
    }
    None
}
