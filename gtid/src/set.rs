//! [`GtidSet`]: a set of MySQL GTIDs, kept canonical.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use crate::error::Error;
use crate::gno::{Gno, Interval};
use crate::intervals;
use crate::parse::{parse_set, Mode};
use crate::tsid::{Gtid, Tsid};
use crate::uuid::{Uuid, TEXT_LEN};

/// A set of MySQL GTIDs, as in `@@global.gtid_executed`.
///
/// Stored per source id ([`Tsid`]) as sorted, disjoint, non-adjacent intervals, with no empty
/// source, so there is exactly one representation per set and the derived `==` is set equality.
/// All binary operations are linear merges over both operands.
///
/// Text: [`FromStr`] follows MySQL's parser (see the [crate docs](crate#parsing-rules));
/// [`Display`](fmt::Display) prints MySQL's canonical form with `",\n"` between UUIDs, as
/// `@@gtid_executed` does, and the alternate form `{:#}` (or [`GtidSet::to_compact_string`])
/// uses `","`.
///
/// ```
/// use gtid::GtidSet;
/// let a: GtidSet = "3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5:11-18, 3e11fa47-71ca-11e1-9e33-c80aa9429562:6".parse()?;
/// let b: GtidSet = "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-20".parse()?;
/// assert_eq!(a.to_string(), "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-6:11-18");
/// assert!(a.is_subset(&b));
/// assert_eq!((&b - &a).to_string(), "3e11fa47-71ca-11e1-9e33-c80aa9429562:7-10:19-20");
/// assert_eq!(a.count(), 14);
/// # Ok::<(), gtid::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct GtidSet {
    map: BTreeMap<Tsid, Vec<Interval>>,
}

impl GtidSet {
    /// The empty set.
    pub const fn new() -> GtidSet {
        GtidSet {
            map: BTreeMap::new(),
        }
    }

    /// Builds from a map whose interval lists are canonical; drops empty lists.
    pub(crate) fn from_canonical_map(mut map: BTreeMap<Tsid, Vec<Interval>>) -> GtidSet {
        map.retain(|_, v| !v.is_empty());
        GtidSet { map }
    }

    /// Parses like [`FromStr`], but accepts the legacy forms MySQL silently treats as empty:
    /// a reversed interval (`5-4`, `5-0`), a dangling `-` (`5-`) and a tag with no interval
    /// after it (`uuid:1-5:x`, `uuid:tag`). They add nothing, exactly as on the server. Use this
    /// for text that MySQL itself accepted.
    ///
    /// ```
    /// let s = gtid::GtidSet::parse_lenient("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-3:5-4")?;
    /// assert_eq!(s.count(), 3);
    /// assert!("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-3:5-4".parse::<gtid::GtidSet>().is_err());
    /// # Ok::<(), gtid::Error>(())
    /// ```
    pub fn parse_lenient(text: &str) -> Result<GtidSet, Error> {
        parse_set(text, Mode::Lenient)
    }

    /// Whether the set has no GTID.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Number of GTIDs. A u128, since a set can hold more than `u64::MAX`.
    pub fn count(&self) -> u128 {
        self.map.values().map(|v| intervals::count(v)).sum()
    }

    /// Number of intervals, over all sources.
    pub fn interval_count(&self) -> usize {
        self.map.values().map(Vec::len).sum()
    }

    /// Whether `gtid` is in the set.
    pub fn contains(&self, gtid: &Gtid) -> bool {
        self.map
            .get(&gtid.tsid)
            .is_some_and(|v| intervals::contains(v, gtid.gno))
    }

    /// Adds one GTID; returns whether it was new. `O(1)` when `gtid` is at or after the last
    /// GNO of its source (the streaming case), otherwise a binary search and a splice.
    pub fn insert(&mut self, gtid: &Gtid) -> bool {
        self.insert_range(&gtid.tsid, Interval::single(gtid.gno))
    }

    /// Adds `start..=end_inclusive` for `tsid`; nothing if `end_inclusive < start`.
    pub fn insert_interval(&mut self, tsid: &Tsid, start: Gno, end_inclusive: Gno) {
        if let Some(iv) = Interval::new(start, end_inclusive) {
            self.insert_range(tsid, iv);
        }
    }

    /// Adds an interval for `tsid`; returns whether any GTID was new. Same cost as
    /// [`insert`](GtidSet::insert).
    pub fn insert_range(&mut self, tsid: &Tsid, iv: Interval) -> bool {
        match self.map.get_mut(tsid) {
            Some(v) => intervals::insert(v, iv),
            None => {
                self.map.insert(*tsid, vec![iv]);
                true
            }
        }
    }

    /// Removes one GTID; returns whether it was there.
    pub fn remove(&mut self, gtid: &Gtid) -> bool {
        self.remove_range(&gtid.tsid, Interval::single(gtid.gno))
    }

    /// Removes an interval of `tsid`'s GTIDs; returns whether any was there.
    pub fn remove_range(&mut self, tsid: &Tsid, iv: Interval) -> bool {
        let Some(v) = self.map.get_mut(tsid) else {
            return false;
        };
        let removed = intervals::remove(v, iv);
        if v.is_empty() {
            self.map.remove(tsid);
        }
        removed
    }

    /// Removes every GTID of `uuid`, tagged or not (Vitess' `RemoveUUID`; used to ignore a
    /// primary's own writes when looking for errant transactions).
    pub fn remove_uuid(&mut self, uuid: &Uuid) {
        self.map.retain(|k, _| k.uuid != *uuid);
    }

    /// The intervals of one source id, sorted; empty if it has none.
    pub fn intervals(&self, tsid: &Tsid) -> &[Interval] {
        self.map.get(tsid).map_or(&[], Vec::as_slice)
    }

    /// The smallest GNO of `tsid`.
    pub fn first(&self, tsid: &Tsid) -> Option<Gno> {
        self.intervals(tsid).first().map(Interval::first)
    }

    /// The largest GNO of `tsid`.
    pub fn last(&self, tsid: &Tsid) -> Option<Gno> {
        self.intervals(tsid).last().map(Interval::last)
    }

    /// The source ids present, in order.
    pub fn tsids(&self) -> impl ExactSizeIterator<Item = &Tsid> + '_ {
        self.map.keys()
    }

    /// Each source id with its intervals, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&Tsid, &[Interval])> + '_ {
        self.map.iter().map(|(k, v)| (k, v.as_slice()))
    }

    /// Every interval with its source id, in order.
    pub fn iter_intervals(&self) -> impl Iterator<Item = (&Tsid, Interval)> + '_ {
        self.map
            .iter()
            .flat_map(|(k, v)| v.iter().map(move |iv| (k, *iv)))
    }

    /// Every GTID, in order. Beware: a set can hold up to 2^63 GTIDs per source.
    pub fn gtids(&self) -> impl Iterator<Item = Gtid> + '_ {
        self.iter_intervals()
            .flat_map(|(k, iv)| iv.iter().map(move |gno| Gtid::new(*k, gno)))
    }

    /// `self ∪ other`.
    pub fn union(&self, other: &GtidSet) -> GtidSet {
        merge(self, other, true, true, intervals::union_into)
    }

    /// `self ∩ other`.
    pub fn intersection(&self, other: &GtidSet) -> GtidSet {
        merge(self, other, false, false, intervals::intersection_into)
    }

    /// `self − other`: MySQL's `GTID_SUBTRACT(self, other)`.
    pub fn difference(&self, other: &GtidSet) -> GtidSet {
        merge(self, other, true, false, intervals::difference_into)
    }

    /// `(self − other) ∪ (other − self)`.
    pub fn symmetric_difference(&self, other: &GtidSet) -> GtidSet {
        merge(
            self,
            other,
            true,
            true,
            intervals::symmetric_difference_into,
        )
    }

    /// Adds every GTID of `other` to `self`.
    pub fn union_with(&mut self, other: &GtidSet) {
        for (k, b) in &other.map {
            match self.map.get_mut(k) {
                None => {
                    self.map.insert(*k, b.clone());
                }
                Some(a) => {
                    let mut out = Vec::new();
                    intervals::union_into(a, b, &mut out);
                    *a = out;
                }
            }
        }
    }

    /// Removes every GTID of `other` from `self`.
    pub fn subtract(&mut self, other: &GtidSet) {
        for (k, b) in &other.map {
            if let Some(a) = self.map.get_mut(k) {
                let mut out = Vec::new();
                intervals::difference_into(a, b, &mut out);
                if out.is_empty() {
                    self.map.remove(k);
                } else {
                    *a = out;
                }
            }
        }
    }

    /// Whether every GTID of `self` is in `other`: MySQL's `GTID_SUBSET(self, other)`.
    pub fn is_subset(&self, other: &GtidSet) -> bool {
        self.map
            .iter()
            .all(|(k, a)| other.map.get(k).is_some_and(|b| intervals::is_subset(a, b)))
    }

    /// Whether every GTID of `other` is in `self`.
    pub fn is_superset(&self, other: &GtidSet) -> bool {
        other.is_subset(self)
    }

    /// Whether the sets share no GTID.
    pub fn is_disjoint(&self, other: &GtidSet) -> bool {
        self.map.iter().all(|(k, a)| {
            other
                .map
                .get(k)
                .is_none_or(|b| intervals::is_disjoint(a, b))
        })
    }

    /// The canonical text with `","` between UUIDs (the `{:#}` form).
    pub fn to_compact_string(&self) -> String {
        format!("{self:#}")
    }
}

/// Merges two sets source by source. `keep_a`/`keep_b`: whether a source present on one side
/// only is copied to the result.
fn merge(
    a: &GtidSet,
    b: &GtidSet,
    keep_a: bool,
    keep_b: bool,
    op: fn(&[Interval], &[Interval], &mut Vec<Interval>),
) -> GtidSet {
    let mut out: Vec<(Tsid, Vec<Interval>)> = Vec::new();
    let (mut ia, mut ib) = (a.map.iter(), b.map.iter());
    let (mut x, mut y) = (ia.next(), ib.next());
    loop {
        match (x, y) {
            (None, None) => break,
            (Some((ka, va)), Some((kb, vb))) if ka == kb => {
                let mut v = Vec::new();
                op(va, vb, &mut v);
                if !v.is_empty() {
                    out.push((*ka, v));
                }
                x = ia.next();
                y = ib.next();
            }
            (Some((ka, va)), Some((kb, _))) if ka < kb => {
                if keep_a {
                    out.push((*ka, va.clone()));
                }
                x = ia.next();
            }
            (Some((ka, va)), None) => {
                if keep_a {
                    out.push((*ka, va.clone()));
                }
                x = ia.next();
            }
            (_, Some((kb, vb))) => {
                if keep_b {
                    out.push((*kb, vb.clone()));
                }
                y = ib.next();
            }
        }
    }
    // `out` is sorted by key, so this is a bulk build.
    GtidSet {
        map: out.into_iter().collect(),
    }
}

impl FromStr for GtidSet {
    type Err = Error;

    /// Parses MySQL's text form (see the [crate docs](crate#parsing-rules)).
    fn from_str(s: &str) -> Result<GtidSet, Error> {
        parse_set(s, Mode::Strict)
    }
}

impl fmt::Display for GtidSet {
    /// MySQL's canonical text: `",\n"` between UUIDs, or `","` with `{:#}`. The empty set
    /// prints as the empty string.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sep = if f.alternate() { "," } else { ",\n" };
        // Build each piece in a stack buffer so the formatter sees few, large writes.
        let mut buf = [0u8; 512];
        let mut n = 0usize;
        let mut prev_uuid: Option<Uuid> = None;
        for (tsid, ivs) in &self.map {
            if prev_uuid != Some(tsid.uuid) {
                if prev_uuid.is_some() {
                    flush(f, &buf, &mut n)?;
                    f.write_str(sep)?;
                }
                let mut u = [0u8; TEXT_LEN];
                tsid.uuid.encode(&mut u);
                buf[n..n + TEXT_LEN].copy_from_slice(&u);
                n += TEXT_LEN;
                prev_uuid = Some(tsid.uuid);
            }
            if let Some(tag) = &tsid.tag {
                if n + 40 > buf.len() {
                    flush(f, &buf, &mut n)?;
                }
                buf[n] = b':';
                let t = tag.as_str().as_bytes();
                buf[n + 1..n + 1 + t.len()].copy_from_slice(t);
                n += 1 + t.len();
            }
            for iv in ivs {
                if n + 48 > buf.len() {
                    flush(f, &buf, &mut n)?;
                }
                buf[n] = b':';
                let mut tmp = [0u8; 40];
                let len = iv.encode(&mut tmp);
                buf[n + 1..n + 1 + len].copy_from_slice(&tmp[..len]);
                n += 1 + len;
            }
        }
        flush(f, &buf, &mut n)
    }
}

fn flush(f: &mut fmt::Formatter<'_>, buf: &[u8], n: &mut usize) -> fmt::Result {
    // Only ASCII is ever written to the buffer.
    let s = std::str::from_utf8(&buf[..*n]).map_err(|_| fmt::Error)?;
    *n = 0;
    f.write_str(s)
}

impl fmt::Debug for GtidSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GtidSet({self:#})")
    }
}

impl<'a> std::ops::BitOr<&'a GtidSet> for &GtidSet {
    type Output = GtidSet;
    /// Union.
    fn bitor(self, rhs: &'a GtidSet) -> GtidSet {
        self.union(rhs)
    }
}

impl<'a> std::ops::BitAnd<&'a GtidSet> for &GtidSet {
    type Output = GtidSet;
    /// Intersection.
    fn bitand(self, rhs: &'a GtidSet) -> GtidSet {
        self.intersection(rhs)
    }
}

impl<'a> std::ops::Sub<&'a GtidSet> for &GtidSet {
    type Output = GtidSet;
    /// Difference (`GTID_SUBTRACT`).
    fn sub(self, rhs: &'a GtidSet) -> GtidSet {
        self.difference(rhs)
    }
}

impl<'a> std::ops::BitXor<&'a GtidSet> for &GtidSet {
    type Output = GtidSet;
    /// Symmetric difference.
    fn bitxor(self, rhs: &'a GtidSet) -> GtidSet {
        self.symmetric_difference(rhs)
    }
}

impl Extend<Gtid> for GtidSet {
    fn extend<I: IntoIterator<Item = Gtid>>(&mut self, iter: I) {
        for g in iter {
            self.insert(&g);
        }
    }
}

impl FromIterator<Gtid> for GtidSet {
    fn from_iter<I: IntoIterator<Item = Gtid>>(iter: I) -> GtidSet {
        let mut s = GtidSet::new();
        s.extend(iter);
        s
    }
}

impl From<Gtid> for GtidSet {
    fn from(g: Gtid) -> GtidSet {
        let mut s = GtidSet::new();
        s.insert(&g);
        s
    }
}
