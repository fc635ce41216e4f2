//! Property tests of the fast text writers against the plain versions they replaced: the
//! double formatter (zmij digits) against Rust's `{:e}` path, the pair-table integer, date and
//! time writers against a digit-at-a-time reference, and `QUOTE`'s run-copying escaper against
//! a byte-at-a-time one. Any difference in a single byte would change a checksum.

use proptest::prelude::*;

use crate::encode::push_quoted;
use crate::number::{push_double, push_double_fmt};
use crate::text::{
    push_clock, push_date, push_date_time, push_fraction, push_int, push_uint, push_year,
};

fn both_doubles(x: f64) -> (Vec<u8>, Vec<u8>) {
    let (mut new, mut old) = (Vec::new(), Vec::new());
    push_double(&mut new, x, &mut String::new());
    push_double_fmt(&mut old, x, &mut String::new());
    (new, old)
}

fn check_double(x: f64) {
    let (new, old) = both_doubles(x);
    assert_eq!(
        String::from_utf8_lossy(&new),
        String::from_utf8_lossy(&old),
        "{x:e} bits {:#x}",
        x.to_bits()
    );
}

/// xorshift64*: a fixed, reproducible stream of bit patterns.
fn bits(seed: u64) -> impl Iterator<Item = u64> {
    let mut s = seed;
    std::iter::from_fn(move || {
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        Some(s.wrapping_mul(0x2545_F491_4F6C_DD1D))
    })
}

/// How many cases a property gets: fewer in unoptimized builds, where formatting is slow.
const SCALE: u32 = if cfg!(debug_assertions) { 1 } else { 10 };

/// 300,000 patterns (30,000 unoptimized); set `CK_DOUBLE_SAMPLES` for a longer run.
#[test]
fn doubles_from_random_bits_match_the_fmt_path() {
    let n = std::env::var("CK_DOUBLE_SAMPLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30_000 * SCALE as usize);
    for b in bits(0x9E37_79B9_7F4A_7C15).take(n) {
        check_double(f64::from_bits(b));
        #[allow(clippy::cast_possible_truncation)]
        check_double(f64::from(f32::from_bits(b as u32)));
    }
}

#[test]
fn doubles_people_store_match_the_fmt_path() {
    let range = 2_000 * i64::from(SCALE);
    for n in -range..range {
        let x = n as f64;
        for v in [x, x / 7.0, x / 3.0, x / 100.0, x * 1e13, x * 1e-17, x * 0.1] {
            check_double(v);
        }
    }
    for e in -330..=310 {
        let p = format!("1e{e}").parse::<f64>().unwrap_or(1.0);
        for v in [p, p * 1.5, p * 9.999_999_999_999_999, -p, p / 3.0] {
            check_double(v);
        }
    }
    for v in [
        f64::MIN_POSITIVE,
        f64::MAX,
        f64::EPSILON,
        5e-324,
        1.5523870099580913e14,
    ] {
        check_double(v);
        check_double(-v);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000 * SCALE))]

    #[test]
    fn any_double_matches_the_fmt_path(b in any::<u64>()) {
        let (new, old) = both_doubles(f64::from_bits(b));
        prop_assert_eq!(new, old);
    }

    #[test]
    fn any_float_matches_the_fmt_path(b in any::<u32>()) {
        let (new, old) = both_doubles(f64::from(f32::from_bits(b)));
        prop_assert_eq!(new, old);
    }

    #[test]
    fn integers_match_the_reference(v in any::<i64>(), u in any::<u64>(), small in 0u64..100_000) {
        for (got, want) in [
            (text(|o| push_int(o, v)), v.to_string()),
            (text(|o| push_uint(o, u)), u.to_string()),
            (text(|o| push_uint(o, small)), small.to_string()),
            (text(|o| push_uint(o, u >> (u % 64))), (u >> (u % 64)).to_string()),
            (text(|o| push_int(o, v >> (u % 64))), (v >> (u % 64)).to_string()),
            (text(|o| push_year(o, small)), format!("{small:04}")),
        ] {
            prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn dates_and_times_match_the_reference(
        y in any::<u16>(), mo in any::<u8>(), d in any::<u8>(), h in any::<u32>(),
        us in any::<u32>(), fsp in 0u8..=8,
    ) {
        prop_assert_eq!(text(|o| push_date(o, y, mo, d)), format!("{y:04}-{mo:02}-{d:02}"));
        prop_assert_eq!(text(|o| push_date(o, y % 10_000, mo % 100, d % 32)),
            format!("{:04}-{:02}-{:02}", y % 10_000, mo % 100, d % 32));
        prop_assert_eq!(text(|o| push_clock(o, h, mo, d)), format!("{h:02}:{mo:02}:{d:02}"));
        prop_assert_eq!(text(|o| push_clock(o, h % 839, mo % 60, d % 60)),
            format!("{:02}:{:02}:{:02}", h % 839, mo % 60, d % 60));
        let six = format!("{:06}", us % 1_000_000);
        let want = if fsp == 0 { String::new() } else { format!(".{}", &six[..usize::from(fsp.min(6))]) };
        prop_assert_eq!(text(|o| push_fraction(o, us, fsp)), want.clone());
        // The one-write date and time against its parts, in range and out of it.
        #[allow(clippy::cast_possible_truncation)]
        let (hh, mi, s) = (h as u8, mo.wrapping_add(d), d.wrapping_mul(3));
        for (y, mo, d, hh, mi, s) in [(y, mo, d, hh, mi, s), (y % 10_000, mo % 13, d % 32, hh % 24, mi % 60, s % 60)] {
            prop_assert_eq!(
                text(|o| push_date_time(o, (y, mo, d), (hh, mi, s), us, fsp)),
                format!("{y:04}-{mo:02}-{d:02} {hh:02}:{mi:02}:{s:02}{want}")
            );
        }
    }

    #[test]
    fn quote_matches_byte_at_a_time(
        bytes in proptest::collection::vec(prop_oneof![any::<u8>(), Just(0u8), Just(b'\''), Just(b'\\'), Just(0x1a)], 0..300),
        clean in proptest::collection::vec(b'a'..=b'z', 0..100),
    ) {
        for input in [bytes.clone(), [clean.clone(), bytes.clone(), clean.clone()].concat()] {
            let mut got = b"prefix".to_vec();
            push_quoted(&mut got, &input);
            let mut want = b"prefix".to_vec();
            for &b in &input {
                match b {
                    b'\\' => want.extend_from_slice(b"\\\\"),
                    b'\'' => want.extend_from_slice(b"\\'"),
                    0 => want.extend_from_slice(b"\\0"),
                    0x1a => want.extend_from_slice(b"\\Z"),
                    _ => want.push(b),
                }
            }
            prop_assert_eq!(got, want);
        }
    }
}

/// What `f` appends, after a prefix that must stay as it was (the writers append fixed-size
/// blocks and cut them back).
fn text(f: impl FnOnce(&mut Vec<u8>)) -> String {
    let mut out = b"<prefix>".to_vec();
    f(&mut out);
    let Some(tail) = out.strip_prefix(b"<prefix>") else {
        return format!("prefix overwritten: {}", String::from_utf8_lossy(&out));
    };
    String::from_utf8_lossy(tail).into_owned()
}
