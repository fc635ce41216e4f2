//! The missing-writes check: before pointing a node at a new source, does the source have all of
//! the node's writes?

use std::fmt;

use crate::set::GtidSet;
use crate::uuid::Uuid;

/// What two nodes' executed sets say about each other.
///
/// Named for the question asked after a failover: `source` is the node about to be repointed
/// (the old primary, "node 1" in the MySQL seed), `target` the node it would replicate from.
/// GTID auto-positioning only sends what the *replica* lacks, so writes that only the `source`
/// has are silently kept there and never reach the rest of the topology: those are
/// [`missing_on_target`](MissingWrites::missing_on_target), the seed's
/// `GTID_SUBTRACT(node1, node2)`.
///
/// ```
/// use gtid::{GtidSet, MissingWrites};
/// let node1: GtidSet = "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-6".parse()?;
/// let node2: GtidSet = "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-4".parse()?;
/// let r = MissingWrites::new(&node1, &node2);
/// assert!(!r.is_safe());
/// assert_eq!(r.missing_on_target.to_string(), "3e11fa47-71ca-11e1-9e33-c80aa9429562:5-6");
/// # Ok::<(), gtid::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct MissingWrites {
    /// GTIDs the source has and the target lacks (`GTID_SUBTRACT(source, target)`).
    pub missing_on_target: GtidSet,
    /// GTIDs the target has and the source lacks: what replication will bring to the source.
    pub missing_on_source: GtidSet,
}

impl MissingWrites {
    /// Compares two executed sets.
    pub fn new(source: &GtidSet, target: &GtidSet) -> MissingWrites {
        MissingWrites {
            missing_on_target: source - target,
            missing_on_source: target - source,
        }
    }

    /// Like [`new`](MissingWrites::new), but first drops every GTID of the given UUIDs from
    /// both sides.
    ///
    /// For errant-transaction checks (as Vitess and orchestrator do): compare a replica with
    /// its primary ignoring the primary's own UUID, because the replica polled a moment ago is
    /// always somewhat behind the primary's own writes; whatever remains on the replica only is
    /// errant.
    pub fn ignoring(source: &GtidSet, target: &GtidSet, ignore: &[Uuid]) -> MissingWrites {
        let (mut s, mut t) = (source.clone(), target.clone());
        for u in ignore {
            s.remove_uuid(u);
            t.remove_uuid(u);
        }
        MissingWrites::new(&s, &t)
    }

    /// Whether the source may replicate from the target without losing writes:
    /// `GTID_SUBSET(source, target)`.
    pub fn is_safe(&self) -> bool {
        self.missing_on_target.is_empty()
    }

    /// `GTID_SUBSET(target, source)`.
    pub fn target_is_subset(&self) -> bool {
        self.missing_on_source.is_empty()
    }

    /// Whether both executed the same transactions.
    pub fn is_equal(&self) -> bool {
        self.is_safe() && self.target_is_subset()
    }
}

impl fmt::Display for MissingWrites {
    /// A short human report, one line per finding.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_equal() {
            return f.write_str("source and target executed the same transactions");
        }
        if self.is_safe() {
            f.write_str("source is a subset of target: safe to replicate")?;
        } else {
            write!(
                f,
                "target is missing writes the source has: {:#}",
                self.missing_on_target
            )?;
        }
        if !self.target_is_subset() {
            write!(
                f,
                "\nsource lacks (replication will fetch): {:#}",
                self.missing_on_source
            )?;
        }
        Ok(())
    }
}
