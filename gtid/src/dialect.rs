//! MySQL and MariaDB side by side: the one place where the two flavours differ.
//!
//! MySQL keeps an executed *set* of GTIDs (`@@global.gtid_executed`); MariaDB keeps a
//! *position*, the last GTID per domain (`@@global.gtid_current_pos`, `@@global.gtid_binlog_pos`).
//! This module names the flavour, the variables to read, how to parse them, and how to run the
//! missing-writes check for either. It does no I/O; the optional `live` module (feature
//! `mysql`) runs the queries.

use std::fmt;

use crate::error::Error;
use crate::mariadb::{DomainOrdering, GtidPos, PosComparison};
use crate::report::MissingWrites;
use crate::set::GtidSet;
use crate::uuid::Uuid;

/// Which server family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Flavor {
    /// Oracle MySQL or Percona Server: GTID sets.
    Mysql,
    /// MariaDB: per-domain GTID positions.
    Mariadb,
}

impl Flavor {
    /// The flavour of a server from its `@@version` (MariaDB's contains `MariaDB`, e.g.
    /// `10.11.6-MariaDB-0+deb12u1-log`).
    pub fn from_version(version: &str) -> Flavor {
        if version.to_ascii_lowercase().contains("mariadb") {
            Flavor::Mariadb
        } else {
            Flavor::Mysql
        }
    }

    /// The query returning the executed transactions as one text value.
    ///
    /// MariaDB: `@@global.gtid_current_pos`, the last GTID per domain this server has applied,
    /// whether it wrote it itself (binlog) or replicated it (`gtid_slave_pos`).
    pub fn executed_query(self) -> &'static str {
        match self {
            Flavor::Mysql => "SELECT @@global.gtid_executed",
            Flavor::Mariadb => "SELECT @@global.gtid_current_pos",
        }
    }

    /// Parses the value [`executed_query`](Flavor::executed_query) returned. A MySQL text the
    /// server produced is read with [`GtidSet::parse_lenient`], like the server reads it.
    pub fn parse_executed(self, text: &str) -> Result<Executed, Error> {
        Ok(match self {
            Flavor::Mysql => Executed::Mysql(GtidSet::parse_lenient(text)?),
            Flavor::Mariadb => Executed::Mariadb(text.parse()?),
        })
    }
}

impl fmt::Display for Flavor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Flavor::Mysql => "MySQL",
            Flavor::Mariadb => "MariaDB",
        })
    }
}

/// What a server has executed, in its flavour's terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Executed {
    /// MySQL `@@gtid_executed`.
    Mysql(GtidSet),
    /// MariaDB `@@gtid_current_pos`.
    Mariadb(GtidPos),
}

impl Executed {
    /// The flavour.
    pub fn flavor(&self) -> Flavor {
        match self {
            Executed::Mysql(_) => Flavor::Mysql,
            Executed::Mariadb(_) => Flavor::Mariadb,
        }
    }
}

impl fmt::Display for Executed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Executed::Mysql(s) => fmt::Display::fmt(s, f),
            Executed::Mariadb(p) => fmt::Display::fmt(p, f),
        }
    }
}

/// The missing-writes check for either flavour: see [`MissingWrites`] for MySQL and
/// [`GtidPos::compare`] for MariaDB.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Findings {
    /// Two MySQL servers.
    Mysql(MissingWrites),
    /// Two MariaDB servers: `source.compare(&target)`.
    Mariadb(PosComparison),
}

impl Findings {
    /// Compares the source's executed transactions with the target's; `None` when the two
    /// servers are of different flavours (their GTIDs cannot be compared).
    ///
    /// `ignore`: MySQL UUIDs whose GTIDs are left out on both sides (a primary's own, to find
    /// errant transactions). MariaDB positions have no UUIDs; it is not used there.
    pub fn new(source: &Executed, target: &Executed, ignore: &[Uuid]) -> Option<Findings> {
        match (source, target) {
            (Executed::Mysql(s), Executed::Mysql(t)) => {
                Some(Findings::Mysql(MissingWrites::ignoring(s, t, ignore)))
            }
            (Executed::Mariadb(s), Executed::Mariadb(t)) => Some(Findings::Mariadb(s.compare(t))),
            _ => None,
        }
    }

    /// Whether the source may replicate from the target without losing writes.
    pub fn is_safe(&self) -> bool {
        match self {
            Findings::Mysql(m) => m.is_safe(),
            Findings::Mariadb(c) => c.left_contained_in_right(),
        }
    }
}

impl fmt::Display for Findings {
    /// A report for people: what the target lacks (MySQL: the GTIDs; MariaDB: per domain, the
    /// sequence numbers, or the fork).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Findings::Mysql(m) => fmt::Display::fmt(m, f),
            Findings::Mariadb(c) => {
                let mut first = true;
                for d in &c.domains {
                    let line = match d.ordering {
                        DomainOrdering::Equal => continue,
                        DomainOrdering::Behind => match d.missing_on_left() {
                            Some(r) => format!(
                                "domain {}: source lacks seq_no {}-{} (replication will fetch)",
                                d.domain_id,
                                r.start(),
                                r.end()
                            ),
                            None => continue,
                        },
                        DomainOrdering::Ahead => match (d.missing_on_right(), d.left) {
                            (Some(r), Some(l)) => format!(
                                "domain {}: target is missing writes: seq_no {}-{} (source at {l}, target at {})",
                                d.domain_id,
                                r.start(),
                                r.end(),
                                d.right.map_or_else(|| "nothing".to_string(), |g| g.to_string()),
                            ),
                            _ => continue,
                        },
                        DomainOrdering::Diverged => format!(
                            "domain {}: diverged: source at {}, target at {} (same seq_no, different server)",
                            d.domain_id,
                            d.left.map_or_else(String::new, |g| g.to_string()),
                            d.right.map_or_else(String::new, |g| g.to_string()),
                        ),
                    };
                    if !first {
                        f.write_str("\n")?;
                    }
                    first = false;
                    f.write_str(&line)?;
                }
                if first {
                    f.write_str("source and target are at the same position")?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flavour_from_version() {
        assert_eq!(
            Flavor::from_version("10.11.6-MariaDB-0+deb12u1-log"),
            Flavor::Mariadb
        );
        assert_eq!(Flavor::from_version("8.4.3"), Flavor::Mysql);
        assert_eq!(Flavor::from_version("8.0.36-28"), Flavor::Mysql);
    }

    #[test]
    fn mariadb_findings() {
        let s = Flavor::Mariadb.parse_executed("0-1-12,1-1-3").unwrap();
        let t = Flavor::Mariadb.parse_executed("0-1-10,1-1-3").unwrap();
        let f = Findings::new(&s, &t, &[]).unwrap();
        assert!(!f.is_safe());
        assert_eq!(
            f.to_string(),
            "domain 0: target is missing writes: seq_no 11-12 (source at 0-1-12, target at 0-1-10)"
        );
        let f = Findings::new(&t, &s, &[]).unwrap();
        assert!(f.is_safe());
        let m = Flavor::Mysql.parse_executed("").unwrap();
        assert!(Findings::new(&s, &m, &[]).is_none());
    }
}
