//! The fast algorithm: strong's unambiguous row text under CRC32, summed. What it tells apart
//! (the `#` and quote placements pt confuses, NULL against `''` and `'NULL'`, duplicate rows and
//! equal changes that XOR cancels) and the one blind spot it keeps on purpose, CRC linearity.

use checksum::{Algorithm, Dialect, RowPlan, Scope};
use chunker::{Collation, Column, ColumnType, Table, TextKind, Value};
use proptest::prelude::*;

fn varchar(name: &str) -> Column {
    Column::new(
        name,
        ColumnType::Text {
            kind: TextKind::Var,
            max_len: 40,
        },
    )
    .nullable()
    .collation(Collation::new("utf8mb4_bin"))
}

fn two_text() -> Table {
    Table::new("d", "t")
        .column(varchar("a"))
        .column(varchar("b"))
}

fn plan(algorithm: Algorithm) -> RowPlan {
    RowPlan::new(&two_text(), algorithm, Dialect::MariaDb)
}

fn hash(plan: &RowPlan, row: &[Value]) -> u64 {
    plan.hash_row(row).unwrap_or_else(|e| panic!("{e}"))
}

fn encode(plan: &RowPlan, row: &[Value]) -> Vec<u8> {
    let mut out = Vec::new();
    plan.encode_row(row, &mut out)
        .unwrap_or_else(|e| panic!("{e}"));
    out
}

#[test]
fn fast_sql_is_crc32_of_the_strong_row_text_summed() {
    let table = two_text().column(Column::new("f", ColumnType::Float { scale: None }));
    let fast = RowPlan::new(&table, Algorithm::Fast, Dialect::MariaDb);
    assert_eq!(
        fast.row_hash_sql(),
        "CRC32(CONCAT(QUOTE(CAST(`a` AS BINARY)), QUOTE(CAST(`b` AS BINARY)), \
         QUOTE(CAST(`f` AS DOUBLE))))"
    );
    assert_eq!(
        fast.chunk_sql(&Scope::default()),
        format!(
            "SELECT /*checksum chunk*/ COUNT(*) AS cnt, COALESCE(LPAD(LOWER(CONV(MOD(SUM({}), \
             18446744073709551616), 10, 16)), 16, '0'), '0000000000000000') AS crc FROM `d`.`t`",
            fast.row_hash_sql()
        )
    );
    let one = Table::new("d", "one").column(varchar("a"));
    let single = RowPlan::new(&one, Algorithm::Fast, Dialect::MariaDb);
    assert_eq!(single.row_hash_sql(), "CRC32(QUOTE(CAST(`a` AS BINARY)))");
    assert_eq!("fast".parse::<Algorithm>(), Ok(Algorithm::Fast));
    assert_eq!(Algorithm::Fast.to_string(), "fast");
}

#[test]
fn fast_tells_apart_rows_that_differ_only_by_where_a_separator_sits() {
    let (fast, pt) = (plan(Algorithm::Fast), plan(Algorithm::Pt));
    let t = Value::text;
    // pt's separator `#`, the quote fast's row text uses, the backslash it escapes with, and
    // NULL against the texts that look like it.
    let pairs = [
        ([t("a#b"), t("c")], [t("a"), t("b#c")]),
        ([t("a#"), t("b")], [t("a"), t("#b")]),
        ([t("a'"), t("b")], [t("a"), t("'b")]),
        ([t("a''"), t("")], [t("a"), t("''")]),
        ([t("a\\"), t("'b")], [t("a"), t("\\'b")]),
        ([t("a','b"), t("c")], [t("a"), t("b','c")]),
        ([Value::Null, t("x")], [t(""), t("x")]),
        ([Value::Null, t("x")], [t("NULL"), t("x")]),
        ([t("NULL"), Value::Null], [Value::Null, t("NULL")]),
    ];
    for (r1, r2) in &pairs {
        assert_ne!(encode(&fast, r1), encode(&fast, r2), "{r1:?} {r2:?}");
        assert_ne!(hash(&fast, r1), hash(&fast, r2), "{r1:?} {r2:?}");
    }
    assert_eq!(
        hash(&pt, &pairs[0].0),
        hash(&pt, &pairs[0].1),
        "pt's CONCAT_WS ambiguity, for contrast"
    );
    assert_eq!(encode(&fast, &pairs[0].0), b"'a#b''c'");
    assert_eq!(
        hash(&fast, &pairs[0].0),
        u64::from(crc32fast::hash(b"'a#b''c'"))
    );
}

#[test]
fn sums_do_not_cancel_what_xor_cancels() {
    let (fast, pt) = (plan(Algorithm::Fast), plan(Algorithm::Pt));
    let t = Value::text;
    let chunk = |p: &RowPlan, rows: &[[Value; 2]]| {
        let mut h = p.hasher(None);
        for r in rows {
            h.push_row(r).unwrap_or_else(|e| panic!("{e}"));
        }
        h.finish()
    };
    // The same change to two rows of equal length: XOR of CRC32s cancels it, the sum does not.
    let before = [[t("1"), t("x")], [t("2"), t("x")]];
    let after = [[t("1"), t("y")], [t("2"), t("y")]];
    assert_eq!(chunk(&pt, &before).crc, chunk(&pt, &after).crc);
    assert_ne!(chunk(&fast, &before).crc, chunk(&fast, &after).crc);
    // Duplicate rows add up instead of vanishing.
    let dup = chunk(&fast, &[[t("a"), t("b")], [t("a"), t("b")]]);
    assert_eq!(dup.rows, 2);
    assert_ne!(dup.crc, "0000000000000000");
    assert_eq!(chunk(&pt, &[[t("a"), t("b")], [t("a"), t("b")]]).crc, "0");
}

/// The blind spot fast keeps: CRC32 is affine over GF(2), so for two row texts of equal length
/// the hash difference depends only on their XOR. Among the 40 single-bit flips of 5 bytes of a
/// value some subset has CRC differences that XOR to zero (40 vectors in 32 dimensions); flipping
/// those bits gives a different row with the same fast hash (strong tells them apart).
#[test]
fn crc_linearity_is_a_documented_blind_spot() {
    let (fast, strong) = (plan(Algorithm::Fast), plan(Algorithm::Strong));
    let base = b"mmmmmmmmmm".to_vec();
    let row = |v: &[u8]| [Value::Bytes(v.to_vec()), Value::text("z")];
    let h0 = crc32fast::hash(&encode(&fast, &row(&base)));
    // Gaussian elimination over GF(2): each vector is (CRC difference, set of flipped bits).
    let mut basis: Vec<(u32, u64)> = Vec::new();
    let mut flips = None;
    for bit in 0..40u32 {
        let mut v = base.clone();
        v[2 + (bit / 8) as usize] ^= 1 << (bit % 8);
        let mut d = (crc32fast::hash(&encode(&fast, &row(&v))) ^ h0, 1u64 << bit);
        for &(bd, bs) in &basis {
            if d.0 ^ bd < d.0 {
                d = (d.0 ^ bd, d.1 ^ bs);
            }
        }
        if d.0 == 0 {
            flips = Some(d.1);
            break;
        }
        basis.push(d);
        basis.sort_unstable_by_key(|b| std::cmp::Reverse(b.0));
    }
    let flips = flips.unwrap_or_else(|| panic!("no dependency among 40 CRC differences"));
    let mut other = base.clone();
    for bit in 0..40u32 {
        if flips >> bit & 1 == 1 {
            other[2 + (bit / 8) as usize] ^= 1 << (bit % 8);
        }
    }
    assert_ne!(other, base);
    let (r1, r2) = (row(&base), row(&other));
    assert_eq!(
        encode(&fast, &r1).len(),
        encode(&fast, &r2).len(),
        "no byte QUOTE escapes was produced: {other:?}"
    );
    assert_eq!(hash(&fast, &r1), hash(&fast, &r2), "the same fast hash");
    assert_ne!(
        hash(&strong, &r1),
        hash(&strong, &r2),
        "strong tells them apart"
    );
}

proptest! {
    /// The fast row hash is CRC32 of exactly the strong row text, and a chunk is their sum.
    #[test]
    fn fast_hash_is_crc32_of_strong_text(
        rows in proptest::collection::vec(
            (proptest::option::of(".{0,6}"), proptest::option::of("[#'\\\\a]{0,4}")), 0..6)
    ) {
        let (fast, strong) = (plan(Algorithm::Fast), plan(Algorithm::Strong));
        let v = |x: &Option<String>| x.as_deref().map_or(Value::Null, Value::text);
        let mut h = fast.hasher(None);
        let mut sum = 0u64;
        for (a, b) in &rows {
            let r = [v(a), v(b)];
            let text = encode(&strong, &r);
            prop_assert_eq!(encode(&fast, &r), text.clone());
            let crc = u64::from(crc32fast::hash(&text));
            prop_assert_eq!(hash(&fast, &r), crc);
            sum = sum.wrapping_add(crc);
            h.push_row(&r).unwrap_or_else(|e| panic!("{e}"));
        }
        let done = h.finish();
        prop_assert_eq!(done.rows, rows.len() as u64);
        prop_assert_eq!(done.crc, format!("{sum:016x}"));
    }
}
