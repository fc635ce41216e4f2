//! MariaDB GTIDs (`domain-server-seq`) and GTID positions.
//!
//! MariaDB does not keep a set of executed transactions. Its `@@gtid_binlog_pos`,
//! `@@gtid_current_pos` and `@@gtid_slave_pos` are *positions*: for each replication domain, the
//! last GTID applied. Within a domain, sequence numbers grow (strictly, with
//! `gtid_strict_mode`), so "has this node applied everything that one has, in this domain" is a
//! comparison of sequence numbers.
//!
//! # Comparing positions
//!
//! [`GtidPos::compare`] looks at each domain present on either side; a domain missing on one
//! side counts as sequence number 0 there. For `left.compare(&right)`, per domain:
//!
//! | left vs right | [`DomainOrdering`] |
//! |---|---|
//! | `left.seq_no < right.seq_no` (or domain only on right) | `Behind` |
//! | same `seq_no`, same `server_id` | `Equal` |
//! | same `seq_no`, different `server_id` | `Diverged` |
//! | `left.seq_no > right.seq_no` (or domain only on left) | `Ahead` |
//!
//! The `server_id` matters only for equal sequence numbers: two servers that both logged
//! `seq_no` 100 in a domain with different server ids logged two different transactions, so
//! their histories forked. With different sequence numbers, differing server ids are normal (a
//! failover hands a domain to a new primary), and a position holds too little to tell a fork
//! from a failover: comparing binlog contents (or `@@gtid_binlog_state`, which keeps the last
//! GTID per domain *and* server) is then the only way to be sure. MariaDB itself ignores the
//! server id when it decides where a replica starts.

use std::cmp::Ordering;
use std::fmt;
use std::ops::RangeInclusive;
use std::str::FromStr;

use crate::error::Error;
use crate::text::Cursor;

/// One MariaDB GTID: `domain_id-server_id-seq_no`, e.g. `0-1-100`.
///
/// ```
/// let g: gtid::mariadb::MariadbGtid = "0-1-100".parse()?;
/// assert_eq!((g.domain_id, g.server_id, g.seq_no), (0, 1, 100));
/// assert_eq!(g.to_string(), "0-1-100");
/// # Ok::<(), gtid::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MariadbGtid {
    /// Replication domain (`gtid_domain_id`).
    pub domain_id: u32,
    /// Server that originally wrote the transaction (`server_id`).
    pub server_id: u32,
    /// Sequence number within the domain.
    pub seq_no: u64,
}

impl MariadbGtid {
    /// Reads `D-S-N` (plain decimal; whitespace around the dashes allowed) at the cursor.
    fn parse_at(c: &mut Cursor<'_>) -> Result<MariadbGtid, Error> {
        let domain_id = c.number("domain_id", 32)? as u32;
        c.skip_space();
        if !c.eat(b'-') {
            return Err(c.expected("'-' after domain id"));
        }
        c.skip_space();
        let server_id = c.number("server_id", 32)? as u32;
        c.skip_space();
        if !c.eat(b'-') {
            return Err(c.expected("'-' after server id"));
        }
        c.skip_space();
        let seq_no = c.number("seq_no", 64)?;
        Ok(MariadbGtid {
            domain_id,
            server_id,
            seq_no,
        })
    }
}

impl fmt::Display for MariadbGtid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}-{}", self.domain_id, self.server_id, self.seq_no)
    }
}

impl FromStr for MariadbGtid {
    type Err = Error;

    fn from_str(s: &str) -> Result<MariadbGtid, Error> {
        let mut c = Cursor::new(s);
        c.skip_space();
        let g = MariadbGtid::parse_at(&mut c)?;
        c.skip_space();
        if !c.at_end() {
            return Err(c.expected("end of input after gtid"));
        }
        Ok(g)
    }
}

/// A MariaDB GTID position: at most one GTID per domain, e.g. `0-1-100,1-2-7`.
///
/// Text: GTIDs separated by commas, whitespace allowed around every token, empty entries and
/// the empty string allowed (an empty position, as `@@gtid_slave_pos` on a fresh server).
/// Numbers are decimal (leading zeros are harmless here and accepted). A domain appearing twice
/// is an error, as on the server (error 1943). Printed sorted by domain, joined by `","`, as
/// MariaDB prints it.
///
/// ```
/// use gtid::mariadb::{DomainOrdering, GtidPos};
/// let primary: GtidPos = "0-1-105, 1-1-7".parse()?;
/// let replica: GtidPos = "1-1-7,0-1-100".parse()?;
/// let cmp = replica.compare(&primary);
/// assert_eq!(cmp.overall(), DomainOrdering::Behind);
/// assert_eq!(cmp.domains[0].missing_on_left(), Some(101..=105));
/// assert_eq!(replica.to_string(), "0-1-100,1-1-7");
/// # Ok::<(), gtid::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct GtidPos {
    /// Sorted by domain, one entry per domain.
    entries: Vec<MariadbGtid>,
}

impl GtidPos {
    /// The empty position.
    pub const fn new() -> GtidPos {
        GtidPos {
            entries: Vec::new(),
        }
    }

    /// Whether no domain has a GTID.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Number of domains.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The GTID of `domain_id`.
    pub fn get(&self, domain_id: u32) -> Option<&MariadbGtid> {
        self.find(domain_id).ok().map(|i| &self.entries[i])
    }

    /// The GTIDs, sorted by domain.
    pub fn iter(&self) -> std::slice::Iter<'_, MariadbGtid> {
        self.entries.iter()
    }

    /// Sets the GTID of `gtid.domain_id`, as applying that transaction does; returns the
    /// previous one.
    pub fn set(&mut self, gtid: MariadbGtid) -> Option<MariadbGtid> {
        match self.find(gtid.domain_id) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i], gtid)),
            Err(i) => {
                self.entries.insert(i, gtid);
                None
            }
        }
    }

    /// Removes the GTID of `domain_id`.
    pub fn remove(&mut self, domain_id: u32) -> Option<MariadbGtid> {
        self.find(domain_id).ok().map(|i| self.entries.remove(i))
    }

    fn find(&self, domain_id: u32) -> Result<usize, usize> {
        self.entries
            .binary_search_by_key(&domain_id, |g| g.domain_id)
    }

    /// Compares `self` (left) with `other` (right), domain by domain. See the
    /// [module docs](self#comparing-positions) for the rules.
    pub fn compare(&self, other: &GtidPos) -> PosComparison {
        let mut domains = Vec::with_capacity(self.len().max(other.len()));
        let (mut i, mut j) = (0, 0);
        while i < self.entries.len() || j < other.entries.len() {
            let l = self.entries.get(i).copied();
            let r = other.entries.get(j).copied();
            let (left, right) = match (l, r) {
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
            domains.push(DomainComparison::new(left, right));
        }
        PosComparison { domains }
    }
}

impl fmt::Display for GtidPos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, g) in self.entries.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{g}")?;
        }
        Ok(())
    }
}

impl FromStr for GtidPos {
    type Err = Error;

    fn from_str(s: &str) -> Result<GtidPos, Error> {
        let mut c = Cursor::new(s);
        let mut entries: Vec<MariadbGtid> = Vec::new();
        let mut sorted = true;
        loop {
            loop {
                c.skip_space();
                if !c.eat(b',') {
                    break;
                }
            }
            if c.at_end() {
                break;
            }
            let at = c.pos();
            let g = MariadbGtid::parse_at(&mut c)?;
            c.skip_space();
            if !(c.at_end() || c.peek() == Some(b',')) {
                return Err(c.expected("',' or end of input after gtid"));
            }
            if let Some(last) = entries.last() {
                if g.domain_id == last.domain_id {
                    return Err(Error::DuplicateDomain {
                        domain_id: g.domain_id,
                        position: c.char_index(at),
                    });
                }
                sorted &= g.domain_id > last.domain_id;
            }
            entries.push(g);
        }
        if !sorted {
            entries.sort_by_key(|g| g.domain_id);
            if let Some(w) = entries
                .windows(2)
                .find(|w| w[0].domain_id == w[1].domain_id)
            {
                // Report the later occurrence in the text.
                let domain_id = w[0].domain_id;
                return Err(duplicate_in_text(s, domain_id));
            }
        }
        Ok(GtidPos { entries })
    }
}

/// Finds the second occurrence of `domain_id` in an already parsed text (error path only).
fn duplicate_in_text(s: &str, domain_id: u32) -> Error {
    let mut c = Cursor::new(s);
    let mut seen = false;
    let mut position = 0;
    loop {
        loop {
            c.skip_space();
            if !c.eat(b',') {
                break;
            }
        }
        let at = c.pos();
        match MariadbGtid::parse_at(&mut c) {
            Ok(g) if g.domain_id == domain_id => {
                if seen {
                    position = c.char_index(at);
                    break;
                }
                seen = true;
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
    Error::DuplicateDomain {
        domain_id,
        position,
    }
}

impl FromIterator<MariadbGtid> for GtidPos {
    /// Later GTIDs of a domain replace earlier ones.
    fn from_iter<I: IntoIterator<Item = MariadbGtid>>(iter: I) -> GtidPos {
        let mut p = GtidPos::new();
        for g in iter {
            p.set(g);
        }
        p
    }
}

impl<'a> IntoIterator for &'a GtidPos {
    type Item = &'a MariadbGtid;
    type IntoIter = std::slice::Iter<'a, MariadbGtid>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter()
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
    fn parse_and_print() {
        let p: GtidPos = " 1-2-7 ,, 0-1-100, ".parse().unwrap();
        assert_eq!(p.to_string(), "0-1-100,1-2-7");
        assert_eq!(p.get(1).unwrap().server_id, 2);
        assert!("".parse::<GtidPos>().unwrap().is_empty());
        assert_eq!("0 - 1 - 100".parse::<MariadbGtid>().unwrap().seq_no, 100);
        assert_eq!(
            "4294967295-4294967295-18446744073709551615"
                .parse::<MariadbGtid>()
                .unwrap()
                .to_string(),
            "4294967295-4294967295-18446744073709551615"
        );
    }

    #[test]
    fn errors() {
        let e = "0-1-100,0-2-5".parse::<GtidPos>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "domain 0 at character 8 appears twice in the position"
        );
        let e = "1-1-1,0-1-100,1-2-5".parse::<GtidPos>().unwrap_err();
        assert_eq!(e.position(), Some(14));
        let e = "4294967296-1-1".parse::<GtidPos>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "domain_id 4294967296 at character 0 does not fit in 32 bits"
        );
        let e = "0-1".parse::<GtidPos>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "expected '-' after server id at character 3, found end of input"
        );
        assert!("0-1-1 0-1-2".parse::<GtidPos>().is_err());
        assert!("0-1-x".parse::<GtidPos>().is_err());
        assert!("-1-1".parse::<GtidPos>().is_err());
    }

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
