//! Linear merges over sorted, disjoint, non-adjacent interval slices.
//!
//! Every slice here is canonical: sorted by start, no two intervals overlapping or touching
//! (`a.end < b.start`). Every function keeps that invariant and runs in `O(len(a) + len(b))`.

use crate::gno::{Gno, Interval};

/// `a ∪ b` appended to `out` (which must be empty).
pub(crate) fn union_into(a: &[Interval], b: &[Interval], out: &mut Vec<Interval>) {
    out.reserve(a.len().max(b.len()));
    let (mut i, mut j) = (0, 0);
    // The interval being grown stays in registers; it is pushed when the next one leaves a gap.
    let mut cur = match (a.first(), b.first()) {
        (Some(x), Some(y)) if x.start <= y.start => {
            i = 1;
            *x
        }
        (_, Some(y)) => {
            j = 1;
            *y
        }
        (Some(x), None) => {
            i = 1;
            *x
        }
        (None, None) => return,
    };
    loop {
        let next = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x.start <= y.start => {
                i += 1;
                *x
            }
            (_, Some(y)) => {
                j += 1;
                *y
            }
            (Some(x), None) => {
                i += 1;
                *x
            }
            (None, None) => break,
        };
        if next.start <= cur.end {
            cur.end = cur.end.max(next.end);
        } else {
            out.push(cur);
            cur = next;
        }
    }
    out.push(cur);
}

/// `a − b` appended to `out`.
pub(crate) fn difference_into(a: &[Interval], b: &[Interval], out: &mut Vec<Interval>) {
    // The usual result size; splits beyond it grow the vector as needed.
    out.reserve(a.len());
    let mut j = 0;
    for &x in a {
        // Intervals of b wholly before x are also before every later interval of a.
        while j < b.len() && b[j].end <= x.start {
            j += 1;
        }
        let mut start = x.start;
        let mut k = j;
        while k < b.len() && b[k].start < x.end {
            if b[k].start > start {
                out.push(Interval {
                    start,
                    end: b[k].start,
                });
            }
            start = start.max(b[k].end);
            if start >= x.end {
                break;
            }
            k += 1;
        }
        if start < x.end {
            out.push(Interval { start, end: x.end });
        }
    }
}

/// `a ∩ b` appended to `out`.
pub(crate) fn intersection_into(a: &[Interval], b: &[Interval], out: &mut Vec<Interval>) {
    out.reserve(a.len().min(b.len()));
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let start = a[i].start.max(b[j].start);
        let end = a[i].end.min(b[j].end);
        if start < end {
            out.push(Interval { start, end });
        }
        // Advance whichever ends first, both when they end together (canonical inputs: neither
        // can then reach the other's next interval). Branch-free, as the order is data-driven.
        let (ea, eb) = (a[i].end, b[j].end);
        i += usize::from(ea <= eb);
        j += usize::from(eb <= ea);
    }
}

/// `(a − b) ∪ (b − a)` appended to `out`.
pub(crate) fn symmetric_difference_into(a: &[Interval], b: &[Interval], out: &mut Vec<Interval>) {
    let mut ab = Vec::new();
    let mut ba = Vec::new();
    difference_into(a, b, &mut ab);
    difference_into(b, a, &mut ba);
    union_into(&ab, &ba, out);
}

/// Whether every GNO of `a` is in `b`.
pub(crate) fn is_subset(a: &[Interval], b: &[Interval]) -> bool {
    let mut j = 0;
    for x in a {
        while j < b.len() && b[j].end <= x.start {
            j += 1;
        }
        // b is canonical, so x must fit inside the one interval of b that reaches past x.start.
        match b.get(j) {
            Some(y) if y.start <= x.start && x.end <= y.end => {}
            _ => return false,
        }
    }
    true
}

/// Whether `a` and `b` share no GNO.
pub(crate) fn is_disjoint(a: &[Interval], b: &[Interval]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i].start.max(b[j].start) < a[i].end.min(b[j].end) {
            return false;
        }
        if a[i].end < b[j].end {
            i += 1;
        } else {
            j += 1;
        }
    }
    true
}

/// Whether `g` is in `v`.
pub(crate) fn contains(v: &[Interval], g: Gno) -> bool {
    let g = g.get();
    // First interval ending after g; g is in the set iff that interval starts at or before g.
    let idx = v.partition_point(|iv| iv.end <= g);
    v.get(idx).is_some_and(|iv| iv.start <= g)
}

/// Inserts `iv`, keeping `v` canonical. Returns whether anything was added.
///
/// Appending at or after the last interval (the common, streaming case) is O(1); anywhere else
/// it is a binary search plus a splice.
pub(crate) fn insert(v: &mut Vec<Interval>, iv: Interval) -> bool {
    if let Some(last) = v.last_mut() {
        if iv.start >= last.start {
            if iv.start > last.end {
                v.push(iv);
                return true;
            }
            if iv.end > last.end {
                last.end = iv.end;
                return true;
            }
            return false;
        }
    } else {
        v.push(iv);
        return true;
    }
    // First interval that overlaps or touches iv, and the first one after all those.
    let lo = v.partition_point(|x| x.end < iv.start);
    let hi = v.partition_point(|x| x.start <= iv.end);
    if lo < hi && v[lo].start <= iv.start && iv.end <= v[lo].end {
        return false; // already covered by one interval
    }
    let mut merged = iv;
    if lo < hi {
        merged.start = merged.start.min(v[lo].start);
        merged.end = merged.end.max(v[hi - 1].end);
    }
    v.splice(lo..hi, std::iter::once(merged));
    true
}

/// Removes `iv`'s GNOs from `v`. Returns whether anything was removed.
pub(crate) fn remove(v: &mut Vec<Interval>, iv: Interval) -> bool {
    let lo = v.partition_point(|x| x.end <= iv.start);
    let hi = v.partition_point(|x| x.start < iv.end);
    if lo >= hi {
        return false;
    }
    let first = v[lo];
    let last = v[hi - 1];
    let mut keep = Vec::with_capacity(2);
    if first.start < iv.start {
        keep.push(Interval {
            start: first.start,
            end: iv.start,
        });
    }
    if last.end > iv.end {
        keep.push(Interval {
            start: iv.end,
            end: last.end,
        });
    }
    v.splice(lo..hi, keep);
    true
}

/// Sorts and merges any list of intervals into canonical form, in place. `O(n log n)`.
pub(crate) fn normalize(v: &mut Vec<Interval>) {
    v.sort_unstable_by_key(|iv| iv.start);
    let mut w = 0usize;
    for r in 0..v.len() {
        let iv = v[r];
        if w > 0 && iv.start <= v[w - 1].end {
            if iv.end > v[w - 1].end {
                v[w - 1].end = iv.end;
            }
        } else {
            v[w] = iv;
            w += 1;
        }
    }
    v.truncate(w);
}

/// Number of GNOs in `v`. Cannot overflow: a u128 holds far more than 2^63 intervals of 2^63.
pub(crate) fn count(v: &[Interval]) -> u128 {
    v.iter().map(|iv| u128::from(iv.end - iv.start)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(first: u64, last: u64) -> Interval {
        Interval {
            start: first,
            end: last + 1,
        }
    }

    #[test]
    fn insert_merges_everywhere() {
        let mut v = Vec::new();
        assert!(insert(&mut v, iv(10, 12)));
        assert!(insert(&mut v, iv(13, 13))); // adjacent append
        assert_eq!(v, [iv(10, 13)]);
        assert!(insert(&mut v, iv(1, 2)));
        assert!(insert(&mut v, iv(5, 6)));
        assert!(!insert(&mut v, iv(5, 5)));
        assert!(insert(&mut v, iv(3, 4))); // bridges 1-2 and 5-6
        assert_eq!(v, [iv(1, 6), iv(10, 13)]);
        assert!(insert(&mut v, iv(2, 11)));
        assert_eq!(v, [iv(1, 13)]);
    }

    #[test]
    fn union_edges() {
        let mut out = Vec::new();
        union_into(&[], &[], &mut out);
        assert!(out.is_empty());
        union_into(&[iv(1, 2)], &[], &mut out);
        assert_eq!(out, [iv(1, 2)]);
        out.clear();
        union_into(&[], &[iv(1, 2), iv(4, 4)], &mut out);
        assert_eq!(out, [iv(1, 2), iv(4, 4)]);
        out.clear();
        union_into(&[iv(1, 2), iv(8, 9)], &[iv(3, 3), iv(5, 20)], &mut out);
        assert_eq!(out, [iv(1, 3), iv(5, 20)]);
    }

    #[test]
    fn remove_splits() {
        let mut v = vec![iv(1, 100)];
        assert!(remove(&mut v, iv(9, 9)));
        assert_eq!(v, [iv(1, 8), iv(10, 100)]);
        assert!(!remove(&mut v, iv(9, 9)));
        assert!(remove(&mut v, iv(1, 100)));
        assert!(v.is_empty());
    }

    #[test]
    fn difference_edges() {
        let mut out = Vec::new();
        difference_into(&[iv(1, 10), iv(20, 30)], &[iv(5, 25)], &mut out);
        assert_eq!(out, [iv(1, 4), iv(26, 30)]);
        out.clear();
        difference_into(&[iv(1, 10)], &[iv(1, 1), iv(3, 3), iv(10, 12)], &mut out);
        assert_eq!(out, [iv(2, 2), iv(4, 9)]);
    }

    #[test]
    fn normalize_merges_adjacent_and_overlapping() {
        let mut v = vec![iv(7, 9), iv(1, 3), iv(4, 4), iv(2, 5), iv(11, 11)];
        normalize(&mut v);
        assert_eq!(v, [iv(1, 5), iv(7, 9), iv(11, 11)]);
    }
}
