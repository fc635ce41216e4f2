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

use std::fmt;
use std::str::FromStr;

use crate::error::Error;
use crate::text::Cursor;

mod compare;

pub use compare::{DomainComparison, DomainOrdering, PosComparison};

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

    /// The GTIDs as a slice, sorted by domain.
    pub fn as_slice(&self) -> &[MariadbGtid] {
        &self.entries
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
        // Each entry with the byte offset it starts at (for a duplicate-domain error).
        let mut entries: Vec<(MariadbGtid, usize)> = Vec::new();
        loop {
            c.skip_separators();
            if c.at_end() {
                break;
            }
            let at = c.pos();
            let g = MariadbGtid::parse_at(&mut c)?;
            c.skip_space();
            if !(c.at_end() || c.peek() == Some(b',')) {
                return Err(c.expected("',' or end of input after gtid"));
            }
            entries.push((g, at));
        }
        // Stable: of two entries of one domain, the earlier in the text comes first.
        entries.sort_by_key(|(g, _)| g.domain_id);
        let duplicate = entries
            .windows(2)
            .filter(|w| w[0].0.domain_id == w[1].0.domain_id)
            .map(|w| (w[1].1, w[1].0.domain_id))
            .min();
        if let Some((at, domain_id)) = duplicate {
            return Err(Error::DuplicateDomain {
                domain_id,
                position: c.char_index(at),
            });
        }
        Ok(GtidPos {
            entries: entries.into_iter().map(|(g, _)| g).collect(),
        })
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
}
