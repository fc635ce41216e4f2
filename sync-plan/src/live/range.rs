//! Key ranges on the server: their predicates, their checksums and the key at an offset; and
//! for a single-column integer key, ranges cut and split by value ([`IntCutter`],
//! [`IntRange::split`]), checksummed several to a statement ([`checksum_ranges`]).
//!
//! Why not `chunker::Walker` for the key: the drill-down needs the key at an arbitrary offset
//! inside an arbitrary range, on either server (the middle of the larger side of a differing
//! range), not only the next boundary of one forward walk; the key is unique and NOT NULL by
//! construction ([`IdentityKey`]), so the walker's handling of runs of equal keys and NULLs
//! is not needed; and predicates carry their key values as literals (not `?` binds) because
//! [`super::TableDiff::differing_ranges`] keeps them as text for [`super::recheck`].

use chunker::sql::{force_index, ident_list, qualified, quote_ident};
use chunker::{Table, Value};
use mysql::prelude::Queryable;
use mysql::Conn;

use super::{from_mysql, ranges_label, server_in};
use crate::error::Error;
use crate::key::IdentityKey;
use crate::literal::{guarded_compare, literal_in};

/// How ranges are checksummed during the drill-down (each server hashes its own rows). Both are
/// `checksum` crate algorithms whose chunk checksum is a sum modulo 2^64, which the bisection
/// needs (the upper half's checksum is the parent's minus the lower half's).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum RangeHash {
    /// [`checksum::Algorithm::Strong`]: the sum of 64-bit MD5 row hashes over an unambiguous
    /// row text. The default.
    #[default]
    Strong,
    /// [`checksum::Algorithm::Fast`]: the same unambiguous row text (NULL, `''` and `'NULL'`
    /// differ; no `#` or quote inside a value can move a column boundary; FLOAT and DOUBLE
    /// exact) under CRC32, summed: cheaper on the server, weaker (a 32-bit row hash, and CRC's
    /// linearity lets specific crafted changes go unseen; see the `checksum` crate docs).
    Fast,
}

impl RangeHash {
    /// The `checksum` algorithm this range hash is.
    pub fn algorithm(self) -> checksum::Algorithm {
        match self {
            RangeHash::Strong => checksum::Algorithm::Strong,
            RangeHash::Fast => checksum::Algorithm::Fast,
        }
    }
}

/// The range hash and the server dialect its SQL is written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Hashing {
    pub(crate) hash: RangeHash,
    pub(crate) dialect: checksum::Dialect,
}

/// A key range: `lower` inclusive, `upper` exclusive, each a full key tuple or unbounded.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Range {
    pub(crate) lower: Option<Vec<Value>>,
    pub(crate) upper: Option<Vec<Value>>,
}

/// `COUNT(*)` and the hash aggregate of a range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Sum {
    pub(crate) rows: u64,
    pub(crate) hash: u64,
}

impl Sum {
    /// The checksum of the rows of `self` not in `part` (`part` a sub-range of `self`): both
    /// hashes are sums modulo 2^64.
    pub(crate) fn minus(self, part: Sum) -> Sum {
        Sum {
            rows: self.rows.saturating_sub(part.rows),
            hash: self.hash.wrapping_sub(part.hash),
        }
    }
}

/// The range bound as OR-of-ANDs over the key columns (usable by the range optimizer), literals
/// inline: `lower` gives `key >= values`, `upper` gives `key < values`.
fn bound(table: &Table, key: &IdentityKey, values: &[Value], upper: bool) -> Result<String, Error> {
    let mut ors = Vec::new();
    for last in 0..key.columns.len() {
        let mut ands = Vec::new();
        for (n, (&i, v)) in key.columns.iter().zip(values).enumerate().take(last + 1) {
            let col = &table.columns[i];
            let lit = literal_in(&table.qualified_name(), col, v)?;
            let op = match (n == last, upper, last + 1 == key.columns.len()) {
                (false, _, _) => "=",
                (true, false, true) => ">=",
                (true, false, false) => ">",
                (true, true, _) => "<",
            };
            // A negative DECIMAL in an UNSIGNED column: the server would clamp the constant.
            ands.push(
                guarded_compare(col, op, &lit, v)
                    .unwrap_or_else(|| format!("{} {op} {lit}", quote_ident(&col.name))),
            );
        }
        ors.push(format!("({})", ands.join(" AND ")));
    }
    Ok(format!("({})", ors.join(" OR ")))
}

pub(crate) fn predicate(
    table: &Table,
    key: &IdentityKey,
    range: &Range,
) -> Result<Option<String>, Error> {
    let mut parts = Vec::new();
    if let Some(l) = &range.lower {
        parts.push(bound(table, key, l, false)?);
    }
    if let Some(u) = &range.upper {
        parts.push(bound(table, key, u, true)?);
    }
    Ok((!parts.is_empty()).then(|| parts.join(" AND ")))
}

/// The `SELECT` that checksums the rows matching `pred`: `checksum`'s chunk statement
/// (`cnt`, then `crc` as 16 hex digits).
fn checksum_sql(
    table: &Table,
    key: Option<&IdentityKey>,
    pred: Option<&str>,
    hashing: Hashing,
) -> String {
    let plan = checksum::RowPlan::new(table, hashing.hash.algorithm(), hashing.dialect);
    plan.chunk_sql(&checksum::Scope {
        index: key.map(|k| k.index.as_str()),
        predicate: pred,
    })
}

/// Checks one range on one server.
pub(crate) fn checksum_range(
    conn: &mut Conn,
    side: &'static str,
    table: &Table,
    key: Option<&IdentityKey>,
    pred: Option<&str>,
    hashing: Hashing,
) -> Result<Sum, Error> {
    let sql = checksum_sql(table, key, pred, hashing);
    let row: Option<(u64, String)> =
        conn.query_first(sql)
            .map_err(server_in(table, side, &[pred]))?;
    let (rows, text) = row.unwrap_or((0, String::new()));
    read_sum(rows, &text, table, side, &[pred])
}

/// A range's `(cnt, crc)` as the chunk statement returns them; an unreadable `crc` is an error
/// naming the ranges `labels`.
fn read_sum(
    rows: u64,
    text: &str,
    table: &Table,
    side: &'static str,
    labels: &[Option<&str>],
) -> Result<Sum, Error> {
    let text = text.trim();
    let hash = u64::from_str_radix(text, 16).map_err(|_| Error::Server {
        table: table.qualified_name(),
        side,
        message: format!("unreadable checksum {text:?} of {}", ranges_label(labels)),
    })?;
    Ok(Sum { rows, hash })
}

/// The key at `offset` rows into `range` (in key order), if the range has that many rows.
pub(crate) fn key_at(
    conn: &mut Conn,
    side: &'static str,
    table: &Table,
    key: &IdentityKey,
    range: &Range,
    offset: u64,
) -> Result<Option<Vec<Value>>, Error> {
    let mut keys = keys_at(conn, side, table, key, &[(range.clone(), offset)])?;
    Ok(keys.pop().flatten())
}

/// The keys at `offset` rows into each `(range, offset)` (in key order), several to a statement
/// (a `UNION ALL` of `ORDER BY key LIMIT 1 OFFSET n` queries); `None` where a range has fewer
/// rows.
pub(crate) fn keys_at(
    conn: &mut Conn,
    side: &'static str,
    table: &Table,
    key: &IdentityKey,
    asks: &[(Range, u64)],
) -> Result<Vec<Option<Vec<Value>>>, Error> {
    let cols = ident_list(key.columns.iter().map(|&i| table.columns[i].name.as_str()));
    let from = format!("{} {}", qualified(table), force_index(&key.index));
    let mut out = Vec::with_capacity(asks.len());
    for batch in asks.chunks(RANGES_PER_STATEMENT) {
        let mut parts = Vec::with_capacity(batch.len());
        let mut preds = Vec::with_capacity(batch.len());
        for (i, (range, offset)) in batch.iter().enumerate() {
            let mut part = format!("(SELECT /*sync-plan key*/ {i} AS part, {cols} FROM {from}");
            let pred = predicate(table, key, range)?;
            if let Some(p) = &pred {
                part.push_str(&format!(" WHERE {p}"));
            }
            preds.push(pred);
            part.push_str(&format!(" ORDER BY {cols} LIMIT 1 OFFSET {offset})"));
            parts.push(part);
        }
        // Text protocol: one round trip; key values are never FLOAT/DOUBLE, so text is exact.
        let labels: Vec<Option<&str>> = preds.iter().map(|p| p.as_deref()).collect();
        let rows: Vec<mysql::Row> = conn
            .query(parts.join(" UNION ALL "))
            .map_err(server_in(table, side, &labels))?;
        let mut keys: Vec<Option<Vec<Value>>> = vec![None; batch.len()];
        for row in rows {
            let mut values = row.unwrap().into_iter();
            let part = match values.next() {
                Some(mysql::Value::Int(n)) => usize::try_from(n).ok(),
                Some(mysql::Value::UInt(n)) => usize::try_from(n).ok(),
                Some(mysql::Value::Bytes(b)) => {
                    std::str::from_utf8(&b).ok().and_then(|t| t.parse().ok())
                }
                _ => None,
            };
            let values = key
                .columns
                .iter()
                .zip(values)
                .map(|(&i, v)| from_mysql(table, &table.columns[i], v))
                .collect::<Result<Vec<_>, Error>>()?;
            if let Some(slot) = part.and_then(|p| keys.get_mut(p)) {
                *slot = Some(values);
            }
        }
        out.extend(keys);
    }
    Ok(out)
}

/// A single-column integer identity key, whose ranges are cut by value arithmetic instead of by
/// walking the key. Values are handled as `i128`, which holds every `BIGINT` and every
/// `BIGINT UNSIGNED` without overflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct IntKey {
    /// The key column's position in the table.
    pub(crate) column: usize,
    unsigned: bool,
}

impl IntKey {
    /// The integer view of `key`, if it is one `TINYINT` ... `BIGINT` column (signed or not).
    pub(crate) fn of(table: &Table, key: &IdentityKey) -> Option<IntKey> {
        let [column] = key.columns[..] else {
            return None;
        };
        match table.columns.get(column)?.column_type {
            chunker::ColumnType::Integer { unsigned, .. } => Some(IntKey { column, unsigned }),
            _ => None,
        }
    }

    /// The column value of `n` (`n` within the column's range: it always comes from the data or
    /// from between two values of the data).
    pub(crate) fn value(self, n: i128) -> Result<Value, String> {
        if self.unsigned {
            u64::try_from(n).map(Value::UInt).map_err(|e| e.to_string())
        } else {
            i64::try_from(n).map(Value::Int).map_err(|e| e.to_string())
        }
    }

    /// The integer of a key value read from the server.
    pub(crate) fn int(self, v: &Value) -> Option<i128> {
        match v {
            Value::Int(n) => Some(i128::from(*n)),
            Value::UInt(n) => Some(i128::from(*n)),
            _ => None,
        }
    }
}

/// A range of an integer key: `lower` inclusive, `upper` exclusive, each unbounded when `None`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct IntRange {
    pub(crate) lower: Option<i128>,
    pub(crate) upper: Option<i128>,
}

impl IntRange {
    /// The key values this range can hold, given that every key of both sides lies in
    /// `domain` (inclusive): `None` when none.
    pub(crate) fn span(self, domain: (i128, i128)) -> Option<(i128, i128)> {
        let lo = self.lower.map_or(domain.0, |l| l.max(domain.0));
        let hi = self.upper.map_or(domain.1, |u| (u - 1).min(domain.1));
        (lo <= hi).then_some((lo, hi))
    }

    /// The range split into at most `parts` sub-ranges of (nearly) equal value width over
    /// `span` (see [`IntRange::span`]). The sub-ranges partition `self` exactly: the first keeps
    /// `self.lower`, the last `self.upper`, each ends where the next begins. A span of one
    /// value gives `self` alone.
    pub(crate) fn split(self, span: (i128, i128), parts: u64) -> Vec<IntRange> {
        let (lo, hi) = span;
        let width = hi - lo + 1;
        let parts = i128::from(parts.max(1)).min(width.max(1));
        let mut out = Vec::new();
        let mut lower = self.lower;
        for j in 1..parts {
            // lo < cut <= hi, strictly increasing in j (width / parts >= 1).
            let cut = lo + width * j / parts;
            out.push(IntRange {
                lower,
                upper: Some(cut),
            });
            lower = Some(cut);
        }
        out.push(IntRange {
            lower,
            upper: self.upper,
        });
        out
    }

    /// As a [`Range`] of key values.
    pub(crate) fn range(self, table: &Table, ik: IntKey) -> Result<Range, Error> {
        let value = |n: i128| {
            ik.value(n).map(|v| vec![v]).map_err(|e| Error::Model {
                table: table.qualified_name(),
                reason: format!("key value {n} out of the key column's range: {e}"),
            })
        };
        Ok(Range {
            lower: self.lower.map(value).transpose()?,
            upper: self.upper.map(value).transpose()?,
        })
    }
}

/// The first-level cut of an integer key: ranges of about `chunk_rows` rows from the bottom of
/// the key domain to its top, the first open below and the last open above (rows only on the
/// target, beyond either end, fall in them), handed out in batches (one checksum statement per
/// batch and server).
///
/// The width starts at `chunk_rows` values (a dense key) and follows the row counts observed:
/// `width * chunk_rows / mean count` over the last batch, at most four times wider per batch
/// (a batch of empty ranges quadruples it), never narrower than one value. With a unique key a
/// range of `width` values holds at most `width` rows, so the width never falls below
/// `chunk_rows`. A batch holds one range until the counts settle near `chunk_rows` (a mean
/// between half and twice that), then [`FIRST_LEVEL_BATCH`]; so the cut ends after at most
/// about `rows / chunk_rows` plus `log4(domain width)` ranges.
#[derive(Clone, Debug)]
pub(crate) struct IntCutter {
    chunk_rows: i128,
    width: i128,
    batch: usize,
    /// The next range's lower bound (`None` before the first).
    next: Option<i128>,
    domain: (i128, i128),
    done: bool,
}

/// First-level ranges per batch once the width has settled.
pub(crate) const FIRST_LEVEL_BATCH: usize = 8;

impl IntCutter {
    /// A cutter over `domain` (the smallest and largest key of both sides, inclusive).
    pub(crate) fn new(domain: (i128, i128), chunk_rows: u64) -> IntCutter {
        let chunk_rows = i128::from(chunk_rows.max(1));
        IntCutter {
            chunk_rows,
            width: chunk_rows,
            batch: 1,
            next: None,
            domain,
            done: false,
        }
    }

    /// The next batch of ranges, empty once the domain is covered.
    pub(crate) fn next_batch(&mut self) -> Vec<IntRange> {
        let mut out = Vec::with_capacity(self.batch);
        while out.len() < self.batch && !self.done {
            let start = self.next.unwrap_or(self.domain.0);
            let end = start.saturating_add(self.width);
            if end > self.domain.1 {
                self.done = true;
                out.push(IntRange {
                    lower: self.next,
                    upper: None,
                });
            } else {
                out.push(IntRange {
                    lower: self.next,
                    upper: Some(end),
                });
                self.next = Some(end);
            }
        }
        out
    }

    /// Adapts the width and the batch size to the row counts of the batch last returned.
    pub(crate) fn observe(&mut self, rows: &[u64]) {
        let total: i128 = rows.iter().map(|&r| i128::from(r)).sum();
        let ranges = i128::try_from(rows.len()).unwrap_or(i128::MAX).max(1);
        let max = self.width.saturating_mul(4);
        let wanted = if total == 0 {
            max
        } else {
            self.width
                .saturating_mul(self.chunk_rows)
                .saturating_mul(ranges)
                / total
        };
        // Never wider than the whole domain (keeps the arithmetic far from i128's limits).
        let span = self.domain.1 - self.domain.0 + 1;
        self.width = wanted.min(max).min(span.max(1)).max(1);
        let settled =
            2 * total >= self.chunk_rows * ranges && total <= 2 * self.chunk_rows * ranges;
        self.batch = if settled { FIRST_LEVEL_BATCH } else { 1 };
    }
}

/// The `SELECT` that checksums several ranges in one statement: a `UNION ALL` of `checksum`'s
/// chunk aggregate, one per predicate, each row tagged with its predicate's position.
fn checksums_sql(
    table: &Table,
    key: &IdentityKey,
    preds: &[Option<String>],
    hashing: Hashing,
) -> String {
    let plan = checksum::RowPlan::new(table, hashing.hash.algorithm(), hashing.dialect);
    let crc = plan.crc_sql();
    let from = format!("{} {}", qualified(table), force_index(&key.index));
    let parts: Vec<String> = preds
        .iter()
        .enumerate()
        .map(|(i, pred)| {
            let mut part = format!(
                "(SELECT /*sync-plan chunks*/ {i} AS part, COUNT(*) AS cnt, {crc} AS crc FROM {from}"
            );
            if let Some(p) = pred {
                part.push_str(" WHERE ");
                part.push_str(p);
            }
            part.push(')');
            part
        })
        .collect();
    parts.join(" UNION ALL ")
}

/// Ranges per [`checksum_ranges`] statement.
const RANGES_PER_STATEMENT: usize = 64;

/// Checks several ranges on one server, [`RANGES_PER_STATEMENT`] to a statement; the sums in
/// the order of `preds`.
pub(crate) fn checksum_ranges(
    conn: &mut Conn,
    side: &'static str,
    table: &Table,
    key: &IdentityKey,
    preds: &[Option<String>],
    hashing: Hashing,
) -> Result<Vec<Sum>, Error> {
    let mut out = Vec::with_capacity(preds.len());
    for batch in preds.chunks(RANGES_PER_STATEMENT) {
        let sql = checksums_sql(table, key, batch, hashing);
        let labels: Vec<Option<&str>> = batch.iter().map(|p| p.as_deref()).collect();
        let rows: Vec<(u64, u64, String)> =
            conn.query(sql).map_err(server_in(table, side, &labels))?;
        let mut sums: Vec<Option<Sum>> = vec![None; batch.len()];
        for (part, rows, text) in rows {
            let part = usize::try_from(part).ok();
            let label = part.and_then(|p| labels.get(p)).map(std::slice::from_ref);
            let sum = read_sum(rows, &text, table, side, label.unwrap_or(&labels))?;
            if let Some(slot) = part.and_then(|p| sums.get_mut(p)) {
                *slot = Some(sum);
            }
        }
        for (sum, pred) in sums.into_iter().zip(batch) {
            out.push(sum.ok_or_else(|| Error::Server {
                table: table.qualified_name(),
                side,
                message: format!(
                    "no checksum came back for {}",
                    ranges_label(&[pred.as_deref()])
                ),
            })?);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const I64: (i128, i128) = (i64::MIN as i128, i64::MAX as i128);
    const U64: (i128, i128) = (0, u64::MAX as i128);

    fn key(unsigned: bool) -> IntKey {
        IntKey {
            column: 0,
            unsigned,
        }
    }

    /// Asserts that `ranges` partition the whole key space (first open below, last open
    /// above, each ending where the next begins) and that every bound is a value of the column.
    fn assert_partition(ranges: &[IntRange], ik: IntKey) {
        assert!(!ranges.is_empty());
        assert_eq!(ranges[0].lower, None);
        assert_eq!(ranges[ranges.len() - 1].upper, None);
        for w in ranges.windows(2) {
            assert_eq!(w[0].upper, w[1].lower);
            let (Some(a), Some(b)) = (w[0].lower.or(Some(i128::MIN)), w[0].upper) else {
                panic!("an inner range open above: {ranges:?}");
            };
            assert!(a < b, "empty or reversed range in {ranges:?}");
        }
        for r in ranges {
            for b in [r.lower, r.upper].into_iter().flatten() {
                ik.value(b).unwrap();
            }
        }
    }

    /// Which of `ranges` hold `k` (must be exactly one).
    fn holder(ranges: &[IntRange], k: i128) -> usize {
        let holding: Vec<usize> = (0..ranges.len())
            .filter(|&i| {
                ranges[i].lower.is_none_or(|l| l <= k) && ranges[i].upper.is_none_or(|u| k < u)
            })
            .collect();
        assert_eq!(holding.len(), 1, "key {k} in ranges {holding:?}");
        holding[0]
    }

    /// The first level over `source` (sorted, unique) within `domain`, as the drill-down cuts
    /// it: counts observed from the source's keys.
    fn first_level(source: &[i128], domain: (i128, i128), chunk_rows: u64) -> Vec<IntRange> {
        let mut cutter = IntCutter::new(domain, chunk_rows);
        let mut out = Vec::new();
        loop {
            let batch = cutter.next_batch();
            if batch.is_empty() {
                break;
            }
            assert!(batch.len() <= FIRST_LEVEL_BATCH);
            let rows: Vec<u64> = batch
                .iter()
                .map(|r| {
                    source
                        .iter()
                        .filter(|&&k| {
                            r.lower.is_none_or(|l| l <= k) && r.upper.is_none_or(|u| k < u)
                        })
                        .count() as u64
                })
                .collect();
            cutter.observe(&rows);
            out.extend(batch);
            assert!(out.len() < 100_000, "the cut does not end");
        }
        out
    }

    /// Key sets: dense runs at both ends of the type, sparse values anywhere, the extremes.
    fn keys(bounds: (i128, i128)) -> impl Strategy<Value = Vec<i128>> {
        let (min, max) = bounds;
        let anywhere = (0u64..=u64::MAX).prop_map(move |x| {
            // Map the whole u64 range onto [min, max].
            let scaled = u128::from(x) * (max - min) as u128 / u128::from(u64::MAX);
            min + scaled as i128
        });
        let near_min = (0i128..3000).prop_map(move |d| min + d);
        let near_max = (0i128..3000).prop_map(move |d| max - d);
        let middle = (-3000i128..3000).prop_map(move |d| (min + max) / 2 + d);
        prop::collection::vec(
            prop_oneof![anywhere, near_min, near_max, middle, Just(min), Just(max)],
            1..1500,
        )
        .prop_map(|mut v| {
            v.sort_unstable();
            v.dedup();
            v
        })
    }

    /// Signed or unsigned, and a key set of that type.
    fn typed_keys() -> impl Strategy<Value = (bool, Vec<i128>)> {
        any::<bool>()
            .prop_flat_map(|unsigned| (Just(unsigned), keys(if unsigned { U64 } else { I64 })))
    }

    fn split_fully(range: IntRange, keys: &[i128], domain: (i128, i128), leaf: usize) -> usize {
        let rows = keys
            .iter()
            .filter(|&&k| range.lower.is_none_or(|l| l <= k) && range.upper.is_none_or(|u| k < u))
            .count();
        let Some(span) = range.span(domain) else {
            return 0;
        };
        if rows <= leaf || span.0 == span.1 {
            return 0;
        }
        let parts = range.split(span, 8);
        assert!(parts.len() >= 2, "a splittable range was not split");
        1 + parts
            .into_iter()
            .map(|p| split_fully(p, keys, domain, leaf))
            .max()
            .unwrap_or(0)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(
            if cfg!(debug_assertions) { 64 } else { 600 }
        ))]

        /// The first level partitions the key space of signed and unsigned keys, dense,
        /// sparse or at the type's extremes; rows only on the target, beyond the source's
        /// smallest or largest key, fall in exactly one range too.
        #[test]
        fn first_level_partitions((unsigned, all) in typed_keys(), chunk_rows in 2u64..300) {
            // Every third key is on the target only.
            let source: Vec<i128> = all.iter().copied().step_by(3).collect();
            let domain = (all[0], all[all.len() - 1]);
            let ranges = first_level(&source, domain, chunk_rows);
            assert_partition(&ranges, key(unsigned));
            for &k in &all {
                holder(&ranges, k);
            }
            // About rows / chunk_rows ranges, plus a logarithmic number across empty stretches.
            let bound = 2 * all.len() / chunk_rows as usize + 40 * (all.len().min(64) + 1) + 8;
            prop_assert!(ranges.len() <= bound, "{} ranges for {} keys", ranges.len(), all.len());
        }

        /// Splitting a range partitions it exactly, at any place in the key space, and a
        /// range holding more than `leaf` keys always ends up split down to leaves.
        #[test]
        fn splits_partition(
            unsigned in any::<bool>(),
            a in any::<u64>(),
            b in any::<u64>(),
            open_low in any::<bool>(),
            open_high in any::<bool>(),
            parts in 1u64..20,
        ) {
            let (min, max) = if unsigned { U64 } else { I64 };
            let to = |x: u64| if unsigned { i128::from(x) } else { i128::from(x as i64) };
            let (lo, hi) = (to(a).min(to(b)), to(a).max(to(b)));
            let range = IntRange {
                lower: (!open_low).then_some(lo),
                upper: (!open_high && hi > lo).then_some(hi),
            };
            let domain = (min, max);
            let Some(span) = range.span(domain) else {
                return Ok(());
            };
            let subs = range.split(span, parts);
            prop_assert!(!subs.is_empty() && subs.len() as u64 <= parts.max(1));
            prop_assert_eq!(subs[0].lower, range.lower);
            prop_assert_eq!(subs[subs.len() - 1].upper, range.upper);
            for w in subs.windows(2) {
                let cut = w[0].upper.unwrap();
                prop_assert_eq!(Some(cut), w[1].lower);
                prop_assert!(span.0 < cut && cut <= span.1);
                key(unsigned).value(cut).unwrap();
            }
            for s in &subs {
                prop_assert!(s.span(domain).is_some(), "an empty sub-range {s:?}");
            }
            if span.1 > span.0 {
                prop_assert_eq!(
                    subs.len() as i128,
                    i128::from(parts.max(1)).min(span.1 - span.0 + 1)
                );
            }
        }

        /// Bisection ends: every range holding more than `leaf` keys is split until its
        /// parts hold at most `leaf` keys or one key value.
        #[test]
        fn bisection_ends((unsigned, all) in typed_keys(), leaf in 1usize..20) {
            let _ = unsigned;
            let domain = (all[0], all[all.len() - 1]);
            // log8 of a 2^64 span, plus slack.
            prop_assert!(split_fully(IntRange::default(), &all, domain, leaf) <= 24);
        }
    }

    #[test]
    fn errors_name_the_ranges() {
        use super::super::ranges_label;
        assert_eq!(ranges_label(&[None]), "the whole table");
        assert_eq!(
            ranges_label(&[Some("`id` < 5")]),
            "the range WHERE `id` < 5"
        );
        assert_eq!(
            ranges_label(&[Some("`id` < 5"), Some("x"), Some("`id` >= 9")]),
            "3 ranges, WHERE `id` < 5 to WHERE `id` >= 9"
        );
    }

    #[test]
    fn extremes() {
        for (bounds, unsigned) in [(I64, false), (U64, true)] {
            let ik = key(unsigned);
            // The two extreme keys alone, and the whole type as the domain.
            let ranges = first_level(&[bounds.0, bounds.1], bounds, 1000);
            assert_partition(&ranges, ik);
            assert_ne!(holder(&ranges, bounds.0), holder(&ranges, bounds.1));
            // A one-value span is not split.
            let r = IntRange {
                lower: Some(bounds.1),
                upper: None,
            };
            assert_eq!(r.split((bounds.1, bounds.1), 8), vec![r]);
            assert!(ik.value(bounds.1 + 1).is_err() && ik.value(bounds.0 - 1).is_err());
        }
        // Dense keys: width stays chunk_rows.
        let keys: Vec<i128> = (1..=10_000).collect();
        let ranges = first_level(&keys, (1, 10_000), 1000);
        assert_eq!(ranges.len(), 10);
    }
}
