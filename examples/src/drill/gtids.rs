//! Missing writes both ways, with the `gtid` crate: what the replica holds that the primary's
//! binary log lost, and what the primary wrote after its restart that the replica lacks.

use gtid::dialect::{Executed, Findings};
use gtid::mariadb::{DomainOrdering, GtidPos};
use serde::Serialize;

use super::DrillError;

/// A range of sequence numbers in one domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SeqRange {
    /// The domain.
    pub domain: u32,
    /// The first sequence number.
    pub first: u64,
    /// The last sequence number.
    pub last: u64,
}

impl SeqRange {
    /// How many sequence numbers it holds.
    pub fn len(&self) -> u64 {
        self.last - self.first + 1
    }

    /// Always false: a range holds at least one number.
    pub fn is_empty(&self) -> bool {
        false
    }
}

impl std::fmt::Display for SeqRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "domain {} seq_no {}-{}",
            self.domain, self.first, self.last
        )
    }
}

/// The GTID comparison of the two nodes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GtidReport {
    /// Where the primary's surviving binary log ends (before the restart file).
    pub primary_before_restart: String,
    /// The primary's `@@gtid_binlog_pos` now.
    pub primary_now: String,
    /// What the replica received and applied (`@@gtid_slave_pos` once its relay log is drained).
    pub replica_received: String,
    /// Writes the replica holds that the primary's binary log lost.
    pub primary_lacks: Vec<SeqRange>,
    /// Writes the primary logged after its restart that the replica lacks.
    pub replica_lacks: Vec<SeqRange>,
    /// Sequence numbers that name two different transactions: one in the replica's lost tail,
    /// one the restarted primary wrote.
    pub reused: Vec<SeqRange>,
    /// What the `gtid` crate's missing-writes check says, primary as source.
    pub findings_primary_to_replica: String,
    /// The same, replica as source.
    pub findings_replica_to_primary: String,
}

fn parse(text: &str, what: &str) -> Result<GtidPos, DrillError> {
    text.parse()
        .map_err(|e| DrillError::step("comparing GTIDs", format!("{what} {text:?}: {e}")))
}

fn ranges(left: &GtidPos, right: &GtidPos) -> Vec<SeqRange> {
    left.compare(right)
        .domains
        .iter()
        .filter(|d| d.ordering == DomainOrdering::Behind)
        .filter_map(|d| {
            d.missing_on_left().map(|r| SeqRange {
                domain: d.domain_id,
                first: *r.start(),
                last: *r.end(),
            })
        })
        .collect()
}

fn findings(source: &GtidPos, target: &GtidPos) -> String {
    match Findings::new(
        &Executed::Mariadb(source.clone()),
        &Executed::Mariadb(target.clone()),
        &[],
    ) {
        Some(f) => {
            let text = f.to_string().replace('\n', "; ");
            match (f.is_safe(), text.is_empty()) {
                (true, true) => "safe: the same position".to_string(),
                (true, false) => format!("safe: {text}"),
                (false, _) => format!("writes missing: {text}"),
            }
        }
        None => "not comparable".to_string(),
    }
}

/// Compares the nodes. `before_restart`: the position at the end of the primary's torn file
/// (from `binlog-parse`); `restart_list`: the GTID list the restart file opens with.
pub fn compare(
    before_restart: &GtidPos,
    restart_list: &GtidPos,
    primary_now: &str,
    replica_received: &str,
) -> Result<GtidReport, DrillError> {
    let now = parse(primary_now, "the primary's @@gtid_binlog_pos")?;
    let replica = parse(replica_received, "the replica's @@gtid_slave_pos")?;
    let primary_lacks = ranges(before_restart, &replica);
    let replica_lacks = ranges(restart_list, &now);
    let mut reused = Vec::new();
    for lost in &primary_lacks {
        for new in replica_lacks.iter().filter(|n| n.domain == lost.domain) {
            let (first, last) = (lost.first.max(new.first), lost.last.min(new.last));
            if first <= last {
                reused.push(SeqRange {
                    domain: lost.domain,
                    first,
                    last,
                });
            }
        }
    }
    Ok(GtidReport {
        primary_before_restart: before_restart.to_string(),
        primary_now: now.to_string(),
        replica_received: replica.to_string(),
        primary_lacks,
        replica_lacks,
        reused,
        findings_primary_to_replica: findings(&now, &replica),
        findings_replica_to_primary: findings(&replica, &now),
    })
}

impl GtidReport {
    /// A few lines for people.
    pub fn explain(&self) -> Vec<String> {
        let mut out = vec![
            format!(
                "primary: binary log ended at {} before the restart, now at {}",
                self.primary_before_restart, self.primary_now
            ),
            format!(
                "replica: received and applied up to {}",
                self.replica_received
            ),
        ];
        for r in &self.primary_lacks {
            out.push(format!(
                "the primary lacks {r} ({} transactions): the replica received them, the primary's binary log lost them",
                r.len()
            ));
        }
        for r in &self.replica_lacks {
            out.push(format!(
                "the replica lacks {r} ({} transactions): written by the primary after its restart",
                r.len()
            ));
        }
        for r in &self.reused {
            out.push(format!(
                "{r} names two different transactions: the primary reused the numbers it lost; GTIDs alone cannot tell, the data comparison must"
            ));
        }
        out.push(format!(
            "gtid check, primary as source: {}",
            self.findings_primary_to_replica
        ));
        out.push(format!(
            "gtid check, replica as source: {}",
            self.findings_replica_to_primary
        ));
        out
    }
}

/// Whether `replica` (`@@gtid_slave_pos`) has reached `primary` (`@@gtid_binlog_pos`) in
/// every domain, with the same last GTID.
pub fn same_position(primary: &str, replica: &str) -> Result<bool, DrillError> {
    let (p, r) = (
        parse(primary, "the primary's position")?,
        parse(replica, "the replica's position")?,
    );
    Ok(p.compare(&r).overall() == DomainOrdering::Equal)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(s: &str) -> GtidPos {
        s.parse().expect("valid position")
    }

    #[test]
    fn lost_tail_new_writes_and_reused_numbers() {
        // The torn file ended at 105, the replica applied up to 109, the restarted primary
        // opened its next file at 105 and wrote up to 116.
        let r = compare(&pos("0-1-105"), &pos("0-1-105"), "0-1-116", "0-1-109").expect("ok");
        let range = |first, last| SeqRange {
            domain: 0,
            first,
            last,
        };
        assert_eq!(r.primary_lacks, [range(106, 109)]);
        assert_eq!(r.replica_lacks, [range(106, 116)]);
        assert_eq!(r.reused, [range(106, 109)]);
        assert_eq!(r.reused[0].len(), 4);
        // GTIDs alone call the replica merely behind: that is why the drill says so.
        assert!(r.findings_replica_to_primary.starts_with("safe"));
        assert!(r
            .explain()
            .iter()
            .any(|l| l.contains("two different transactions")));
    }

    #[test]
    fn nothing_lost_nothing_reused() {
        let r = compare(&pos("0-1-9"), &pos("0-1-9"), "0-1-9", "0-1-9").expect("ok");
        assert!(r.primary_lacks.is_empty() && r.replica_lacks.is_empty() && r.reused.is_empty());
        assert!(same_position("0-1-9", "0-1-9").expect("ok"));
        assert!(!same_position("0-1-9", "0-1-8").expect("ok"));
        assert!(compare(&pos("0-1-9"), &pos("0-1-9"), "zero", "0-1-9").is_err());
    }
}
