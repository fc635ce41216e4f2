//! The server's text for integers, dates and times, reproduced byte for byte: `YYYY-MM-DD`,
//! `YYYY-MM-DD HH:MM:SS[.f]`, `[-]HH:MM:SS[.f]` with exactly the column's fractional digits,
//! `YEAR` as four digits (`0000` for the zero year). FLOAT and DOUBLE text is in `number`.

/// Appends a signed integer in decimal.
pub(crate) fn push_int(out: &mut Vec<u8>, v: i64) {
    if v < 0 {
        out.push(b'-');
    }
    push_uint(out, v.unsigned_abs());
}

/// `"00"`, `"01"`, ... `"99"`: two digits per division.
const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// The two ASCII digits of `v % 100`.
fn pair(v: u64) -> [u8; 2] {
    let i = (v % 100) as usize * 2;
    [PAIRS[i], PAIRS[i + 1]]
}

/// The two ASCII digits of `v % 100` as one little-endian `u16`.
#[inline(always)]
fn pair16(v: u64) -> u16 {
    u16::from_le_bytes(pair(v))
}

/// Appends an unsigned integer in decimal: eight digits at a time ([`digits8`]), leading
/// zeros of the first eight cut off.
pub(crate) fn push_uint(out: &mut Vec<u8>, v: u64) {
    const E8: u64 = 100_000_000;
    if v < 10_000 {
        // Two pairs from the table, leading zeros shifted out: a shorter chain than eight
        // digits in lanes, for the small numbers most columns hold.
        let word = u32::from(pair16(v / 100)) | u32::from(pair16(v)) << 16;
        let skip = u32::from(v < 10) + u32::from(v < 100) + u32::from(v < 1000);
        put_first(out, &(word >> (8 * skip)).to_le_bytes(), 4 - skip as usize);
    } else if v < E8 {
        push_digits8(out, v, false);
    } else if v < E8 * E8 {
        push_digits8(out, v / E8, false);
        push_digits8(out, v % E8, true);
    } else {
        push_digits8(out, v / (E8 * E8), false);
        push_digits8(out, v / E8 % E8, true);
        push_digits8(out, v % E8, true);
    }
}

/// Appends `v` (below 10^8) as eight digits when `all`, else without leading zeros (`0` for
/// zero).
#[inline(always)]
fn push_digits8(out: &mut Vec<u8>, v: u64, all: bool) {
    let d = digits8(v);
    // The first digit is the lowest byte: leading zeros are the low zero bytes.
    let skip = if all {
        0
    } else {
        (d.trailing_zeros() / 8).min(7)
    };
    let ascii = (d | 0x3030_3030_3030_3030) >> (8 * skip);
    put_first(out, &ascii.to_le_bytes(), 8 - skip as usize);
}

/// The eight decimal digits of `v` (below 10^8) as byte values 0-9, the most significant in
/// the lowest byte (so `to_le_bytes` gives them in writing order), computed in parallel
/// lanes of one `u64` with multiply-and-shift divisions exact for these ranges (`/100` as
/// `* 10486 >> 20` below 43,699; `/10` as `* 103 >> 10` below 179).
fn digits8(v: u64) -> u64 {
    // Two 32-bit lanes: the high and low four digits.
    let fours = (v / 10_000) | ((v % 10_000) << 32);
    // Four 16-bit lanes: two digits each.
    let hundreds = ((fours * 10_486) >> 20) & 0x0000_007F_0000_007F;
    let pairs = ((fours - 100 * hundreds) << 16) | hundreds;
    // Eight 8-bit lanes: one digit each.
    let tens = ((pairs * 103) >> 10) & 0x000F_000F_000F_000F;
    ((pairs - 10 * tens) << 8) | tens
}

/// Appends the first `used` bytes of `bytes`: one fixed-size copy (which the compiler turns
/// into a couple of register moves) and a cut, in place of a variable-length `memcpy` call.
#[inline]
pub(crate) fn put_first<const N: usize>(out: &mut Vec<u8>, bytes: &[u8; N], used: usize) {
    let len = out.len();
    out.extend_from_slice(bytes);
    out.truncate(len + used);
}

/// Appends `bytes` (at most 32 of them) with two overlapping fixed-size copies read where the
/// bytes lie (their first and last 16, 8 or 4 bytes; three single bytes below 4), in place
/// of a variable-length `memcpy` call; false, appending nothing, when longer or when `clean`
/// refuses one of the copies.
///
/// Nothing is first assembled on the stack: a wide load of bytes just written by narrower
/// stores cannot be forwarded from them and waits for them to reach the cache (perf on the
/// bench rows: half of the time of the block-based version of `encode::push_quoted`).
#[inline(always)]
pub(crate) fn push_short(
    out: &mut Vec<u8>,
    bytes: &[u8],
    clean: impl Copy + Fn(&[u8]) -> bool,
) -> bool {
    #[inline(always)]
    fn ends<const K: usize>(
        out: &mut Vec<u8>,
        bytes: &[u8],
        clean: impl Fn(&[u8]) -> bool,
    ) -> bool {
        let (Some(first), Some(last)) = (bytes.first_chunk::<K>(), bytes.last_chunk::<K>()) else {
            return false;
        };
        if !(clean(first) & clean(last)) {
            return false;
        }
        let start = out.len();
        out.extend_from_slice(first);
        out.truncate(start + bytes.len() - K);
        out.extend_from_slice(last);
        true
    }
    match bytes.len() {
        0 => true,
        n @ 1..=3 => {
            let three = [bytes[0], bytes[n / 2], bytes[n - 1]];
            if !clean(&three) {
                return false;
            }
            put_first(out, &three, n);
            true
        }
        4..=7 => ends::<4>(out, bytes, clean),
        8..=15 => ends::<8>(out, bytes, clean),
        16..=32 => ends::<16>(out, bytes, clean),
        _ => false,
    }
}

/// Appends bytes that need no escaping: fixed-size copies when short ([`push_short`]), one
/// `memcpy` otherwise.
#[inline(always)]
pub(crate) fn push_plain(out: &mut Vec<u8>, bytes: &[u8]) {
    if !push_short(out, bytes, |_| true) {
        out.extend_from_slice(bytes);
    }
}

/// Appends `v` in decimal, zero-padded to at least `width` digits (at most 20).
///
/// The digits are written two at a time, right-aligned, into the first half of a 40-byte
/// buffer; the 20 bytes from the first digit on are appended with [`put_first`] (a fixed-size
/// copy) and cut to the digits.
fn push_padded(out: &mut Vec<u8>, mut v: u64, width: usize) {
    let mut buf = [b'0'; 40];
    let mut at = 20;
    while v >= 100 {
        at -= 2;
        let [a, b] = pair(v);
        buf[at] = a;
        buf[at + 1] = b;
        v /= 100;
    }
    if v >= 10 {
        at -= 2;
        let [a, b] = pair(v);
        buf[at] = a;
        buf[at + 1] = b;
    } else {
        at -= 1;
        buf[at] = b'0' + v as u8;
    }
    let at = at.min(20 - width.min(20));
    let window: &[u8; 20] = buf[at..at + 20].try_into().unwrap_or(&[b'0'; 20]);
    put_first(out, window, 20 - at);
}

/// Appends `v` (below 100) as exactly two digits; larger values as [`push_padded`] would.
fn push2(out: &mut Vec<u8>, v: u64) {
    if v < 100 {
        out.extend_from_slice(&pair(v));
    } else {
        push_padded(out, v, 2);
    }
}

/// `.ffffff`: the point and six digits of `micros` (below one second).
fn fraction7(micros: u32) -> [u8; 7] {
    let v = u64::from(micros % 1_000_000);
    let [a, b] = pair(v / 10_000);
    let [c, d] = pair(v / 100);
    let [e, f] = pair(v);
    [b'.', a, b, c, d, e, f]
}

/// How many bytes of [`fraction7`] a column with `fsp` fractional digits shows.
fn fraction_len(fsp: u8) -> usize {
    if fsp == 0 {
        0
    } else {
        1 + usize::from(fsp.min(6))
    }
}

/// Appends `.ffffff` cut to `fsp` digits (nothing when `fsp` is 0).
pub(crate) fn push_fraction(out: &mut Vec<u8>, micros: u32, fsp: u8) {
    put_first(out, &fraction7(micros), fraction_len(fsp));
}

/// Appends `YYYY-MM-DD HH:MM:SS[.f]` with `fsp` fractional digits: one write of 26 bytes and
/// a cut when every field fits its digits (the common case).
pub(crate) fn push_date_time(
    out: &mut Vec<u8>,
    (year, month, day): (u16, u8, u8),
    (hour, minute, second): (u8, u8, u8),
    micros: u32,
    fsp: u8,
) {
    if year > 9999 || month > 99 || day > 99 || hour > 99 || minute > 99 || second > 99 {
        push_date(out, year, month, day);
        out.push(b' ');
        push_clock(out, u32::from(hour), minute, second);
        push_fraction(out, micros, fsp);
        return;
    }
    // Built in three words (`YYYY-MM-`, `DD HH:MM`, `:SS.ffff`) plus the last two fraction
    // digits, each appended straight from a register: a byte array assembled on the stack
    // and copied whole would be read back before its byte stores could be forwarded.
    let y = u64::from(year);
    let w0 = u64::from(pair16(y / 100))
        | u64::from(pair16(y)) << 16
        | u64::from(b'-') << 32
        | u64::from(pair16(u64::from(month))) << 40
        | u64::from(b'-') << 56;
    let w1 = u64::from(pair16(u64::from(day)))
        | u64::from(b' ') << 16
        | u64::from(pair16(u64::from(hour))) << 24
        | u64::from(b':') << 40
        | u64::from(pair16(u64::from(minute))) << 48;
    let mut w2 = u64::from(b':') | u64::from(pair16(u64::from(second))) << 8;
    let start = out.len();
    out.extend_from_slice(&w0.to_le_bytes());
    out.extend_from_slice(&w1.to_le_bytes());
    if fsp == 0 {
        put_first(out, &w2.to_le_bytes(), 3);
        return;
    }
    let f = u64::from(micros % 1_000_000);
    w2 |= u64::from(b'.') << 24
        | u64::from(pair16(f / 10_000)) << 32
        | u64::from(pair16(f / 100)) << 48;
    out.extend_from_slice(&w2.to_le_bytes());
    out.extend_from_slice(&pair16(f).to_le_bytes());
    out.truncate(start + 19 + fraction_len(fsp));
}

/// `YYYY-MM-DD` of a date whose fields fit their digits.
fn date10(year: u16, month: u8, day: u8) -> [u8; 10] {
    let y = u64::from(year);
    let [y1, y2] = pair(y / 100);
    let [y3, y4] = pair(y);
    let [m1, m2] = pair(u64::from(month));
    let [d1, d2] = pair(u64::from(day));
    [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2]
}

/// `HH:MM:SS` of a time whose fields fit two digits each.
fn clock8(hours: u8, minutes: u8, seconds: u8) -> [u8; 8] {
    let [h1, h2] = pair(u64::from(hours));
    let [m1, m2] = pair(u64::from(minutes));
    let [s1, s2] = pair(u64::from(seconds));
    [h1, h2, b':', m1, m2, b':', s1, s2]
}

/// Appends `YYYY-MM-DD`.
pub(crate) fn push_date(out: &mut Vec<u8>, year: u16, month: u8, day: u8) {
    if year > 9999 || month > 99 || day > 99 {
        push_padded(out, u64::from(year), 4);
        out.push(b'-');
        push2(out, u64::from(month));
        out.push(b'-');
        push2(out, u64::from(day));
        return;
    }
    out.extend_from_slice(&date10(year, month, day));
}

/// Appends `HH:MM:SS` (hours at least two digits, as `TIME` shows them).
pub(crate) fn push_clock(out: &mut Vec<u8>, hours: u32, minutes: u8, seconds: u8) {
    if hours > 99 || minutes > 99 || seconds > 99 {
        push_padded(out, u64::from(hours), 2);
        out.push(b':');
        push2(out, u64::from(minutes));
        out.push(b':');
        push2(out, u64::from(seconds));
        return;
    }
    #[allow(clippy::cast_possible_truncation)] // below 100, checked above
    out.extend_from_slice(&clock8(hours as u8, minutes, seconds));
}

/// Appends a `YEAR` value: four digits.
pub(crate) fn push_year(out: &mut Vec<u8>, year: u64) {
    push_padded(out, year, 4);
}

/// Seconds since 1970-01-01 00:00:00 UTC of a proleptic Gregorian date and time, or `None`
/// for the zero date (which `UNIX_TIMESTAMP` maps to 0).
pub(crate) fn unix_seconds(
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
) -> Option<i64> {
    if month == 0 || day == 0 {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm, restated).
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every four-digit group in both lanes of [`digits8`], and every digit count (the
    /// values either side of each power of ten) through [`push_uint`] and [`push_int`].
    #[test]
    fn integers_at_every_lane_value_and_length() {
        let text = |v: u64| {
            let mut out = Vec::new();
            push_uint(&mut out, v);
            String::from_utf8(out).unwrap_or_default()
        };
        for x in 0..10_000u64 {
            for v in [x * 10_000 + x, x * 10_000 + (9_999 - x), x, x * 10_000] {
                assert_eq!(text(v), v.to_string());
                let mut all = Vec::new();
                push_digits8(&mut all, v, true);
                assert_eq!(all, format!("{v:08}").into_bytes());
            }
        }
        let mut p = 1u64;
        loop {
            for v in [p - 1, p, p + 1, p.saturating_mul(9), u64::MAX] {
                assert_eq!(text(v), v.to_string());
                let i = v as i64;
                let mut out = Vec::new();
                push_int(&mut out, i);
                assert_eq!(out, i.to_string().into_bytes());
            }
            match p.checked_mul(10) {
                Some(next) => p = next,
                None => break,
            }
        }
    }

    #[test]
    fn dates_times_and_epochs() {
        let mut out = Vec::new();
        push_date(&mut out, 2024, 1, 2);
        out.push(b' ');
        push_clock(&mut out, 3, 4, 5);
        push_fraction(&mut out, 123_456, 3);
        assert_eq!(out, b"2024-01-02 03:04:05.123");
        out.clear();
        push_clock(&mut out, 838, 59, 59);
        push_fraction(&mut out, 500_000, 6);
        assert_eq!(out, b"838:59:59.500000");
        out.clear();
        push_year(&mut out, 0);
        assert_eq!(out, b"0000");
        assert_eq!(unix_seconds(2024, 1, 2, 3, 4, 5), Some(1_704_164_645));
        assert_eq!(unix_seconds(1970, 1, 1, 0, 0, 1), Some(1));
        assert_eq!(unix_seconds(0, 0, 0, 0, 0, 0), None);
        out.clear();
        push_int(&mut out, i64::MIN);
        assert_eq!(out, b"-9223372036854775808");
        out.clear();
        push_uint(&mut out, 0);
        push_uint(&mut out, u64::MAX);
        assert_eq!(out, b"018446744073709551615");
    }
}
