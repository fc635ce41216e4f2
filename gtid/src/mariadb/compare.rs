//! Comparing two MariaDB GTID positions domain by domain (rules in the [parent module](super)).

use std::cmp::Ordering;
use std::ops::RangeInclusive;

use super::{GtidPos, MariadbGtid};

impl GtidPos {
    /// Compares `self` (left) with `other` (right), domain by domain. See the
    /// [module docs](super#comparing-positions) for the rules.
    pub fn compare(&self, other: &GtidPos) -> PosComparison {
        let (left, right) = (self.as_slice(), other.as_slice());
        let mut domains = Vec::with_capacity(left.len().max(right.len()));
        let (mut i, mut j) = (0, 0);
        while i < left.len() || j < right.len() {
            let pair = match (left.get(i).copied(), right.get(j).copied()) {
                (Some(a), Some(b)) if a.domain_id == b.domain_id => {
                    i += 1;
                    j += 1;
                    (Some(a), Some(b))
                }
                (Some(a), Some(b)) if a.domain_id < b.domain_id => {
                    i += 1;
                    (Some(a), None)
                }
                (Some(a), None) => {
                    i += 1;
                    (Some(a), None)
                }
                (_, b) => {
                    j += 1;
                    (None, b)
                }
            };
            domains.push(DomainComparison::new(pair.0, pair.1));
        }
        PosComparison { domains }
    }
}

/// How the left position stands against the right one (in one domain, or overall).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DomainOrdering {
    /// Left has applied less than right: right has transactions left lacks.
    Behind,
    /// Same last GTID.
    Equal,
    /// Left has applied more than right: left has transactions right lacks.
    Ahead,
    /// The histories forked (same sequence number from two servers), or, overall, left is ahead
    /// in some domain and behind in another: neither contains the other.
    Diverged,
}

/// One domain of a [`PosComparison`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DomainComparison {
    /// The domain.
    pub domain_id: u32,
    /// Left's last GTID in the domain.
    pub left: Option<MariadbGtid>,
    /// Right's last GTID in the domain.
    pub right: Option<MariadbGtid>,
    /// Left against right.
    pub ordering: DomainOrdering,
}

impl DomainComparison {
    fn new(left: Option<MariadbGtid>, right: Option<MariadbGtid>) -> DomainComparison {
        let domain_id = left.or(right).map_or(0, |g| g.domain_id);
        let seq = |g: Option<MariadbGtid>| g.map_or(0, |g| g.seq_no);
        let ordering = match seq(left).cmp(&seq(right)) {
            Ordering::Less => DomainOrdering::Behind,
            Ordering::Greater => DomainOrdering::Ahead,
            Ordering::Equal => match (left, right) {
                (Some(a), Some(b)) if a.server_id != b.server_id => DomainOrdering::Diverged,
                _ => DomainOrdering::Equal,
            },
        };
        DomainComparison {
            domain_id,
            left,
            right,
            ordering,
        }
    }

    /// The sequence numbers right has and left lacks, when left is behind.
    pub fn missing_on_left(&self) -> Option<RangeInclusive<u64>> {
        self.gap(self.left, self.right, DomainOrdering::Behind)
    }

    /// The sequence numbers left has and right lacks, when left is ahead.
    pub fn missing_on_right(&self) -> Option<RangeInclusive<u64>> {
        self.gap(self.right, self.left, DomainOrdering::Ahead)
    }

    fn gap(
        &self,
        low: Option<MariadbGtid>,
        high: Option<MariadbGtid>,
        when: DomainOrdering,
    ) -> Option<RangeInclusive<u64>> {
        if self.ordering != when {
            return None;
        }
        let lo = low.map_or(0, |g| g.seq_no);
        let hi = high.map_or(0, |g| g.seq_no);
        Some(lo.checked_add(1)?..=hi)
    }
}

/// The result of [`GtidPos::compare`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PosComparison {
    /// Every domain present on either side, in domain order.
    pub domains: Vec<DomainComparison>,
}

impl PosComparison {
    /// One verdict for all domains: `Equal` if every domain is equal; `Behind` if every domain
    /// is behind or equal; `Ahead` likewise; otherwise `Diverged` (a forked domain, or behind in
    /// one domain and ahead in another).
    pub fn overall(&self) -> DomainOrdering {
        let has = |o| self.domains.iter().any(|d| d.ordering == o);
        if has(DomainOrdering::Diverged)
            || (has(DomainOrdering::Behind) && has(DomainOrdering::Ahead))
        {
            DomainOrdering::Diverged
        } else if has(DomainOrdering::Behind) {
            DomainOrdering::Behind
        } else if has(DomainOrdering::Ahead) {
            DomainOrdering::Ahead
        } else {
            DomainOrdering::Equal
        }
    }

    /// Whether right has everything left has: no domain where left is ahead or diverged.
    pub fn left_contained_in_right(&self) -> bool {
        self.domains
            .iter()
            .all(|d| matches!(d.ordering, DomainOrdering::Behind | DomainOrdering::Equal))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compare_per_domain() {
        let a: GtidPos = "0-1-100,1-1-5,2-1-9".parse().unwrap();
        let b: GtidPos = "0-1-100,1-1-7,2-3-9,3-1-1".parse().unwrap();
        let c = a.compare(&b);
        let o: Vec<_> = c.domains.iter().map(|d| d.ordering).collect();
        use DomainOrdering::*;
        assert_eq!(o, [Equal, Behind, Diverged, Behind]);
        assert_eq!(c.overall(), Diverged);
        assert_eq!(c.domains[1].missing_on_left(), Some(6..=7));
        assert_eq!(c.domains[3].missing_on_left(), Some(1..=1));
        assert_eq!(c.domains[1].missing_on_right(), None);
        assert!(!c.left_contained_in_right());

        let ahead = b.compare(&"0-1-100".parse().unwrap());
        assert_eq!(ahead.overall(), Ahead);
        assert_eq!(a.compare(&a).overall(), Equal);
        assert_eq!(GtidPos::new().compare(&GtidPos::new()).overall(), Equal);
        // A failover: the new primary continues the domain with its own server id.
        let old: GtidPos = "0-1-100".parse().unwrap();
        let new: GtidPos = "0-2-103".parse().unwrap();
        assert_eq!(old.compare(&new).overall(), Behind);
        assert!(old.compare(&new).left_contained_in_right());
    }
}
