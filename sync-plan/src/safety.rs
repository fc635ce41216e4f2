//! Direction safety: refuse to write on the wrong server before anything is written.
//!
//! The checks take facts about the two servers (gathered by the `mysql` feature from
//! `@@server_id`, `@@port`, `@@read_only` and `SHOW ALL SLAVES STATUS`, or given by hand) and decide
//! alone, so they are tested without servers:
//!
//! - **Wrong side**: the "source" replicates from the "target" (and not the other way round, as in
//!   a primary-primary pair). The user swapped them: a plan would make the primary match its
//!   replica, deleting rows the primary has (the seed's "DELETE instead of a REPLACE"). Refused.
//! - **Writing on a replica**: with [`Direction::OnTarget`], a target that is `read_only` or
//!   replicates from some server is refused unless explicitly allowed; the safe way is
//!   [`Direction::ViaReplication`] on its primary.
//! - **Through replication**: [`Direction::ViaReplication`] needs the target to replicate from
//!   the source.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::plan::Direction;

/// A replication source a server reads from (one row of `SHOW ALL SLAVES STATUS`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Upstream {
    /// `Master_Server_Id` (0 when the IO thread never connected).
    pub server_id: u32,
    /// `Master_Port`.
    pub port: u16,
    /// `Master_Host`.
    pub host: String,
}

/// What the safety checks need to know about one server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerFacts {
    /// A label for messages, without password (`h=127.0.0.1,P=3306`).
    pub label: String,
    /// `@@server_id`.
    pub server_id: u32,
    /// `@@port`.
    pub port: u16,
    /// `@@read_only`.
    pub read_only: bool,
    /// The servers it replicates from.
    pub upstreams: Vec<Upstream>,
}

impl ServerFacts {
    /// Whether this server replicates from `other` (same server id, or, when the id is unknown,
    /// the same port).
    pub fn replicates_from(&self, other: &ServerFacts) -> bool {
        self.upstreams
            .iter()
            .any(|u| u.port == other.port && (u.server_id == other.server_id || u.server_id == 0))
    }
}

/// Refuses unsafe directions (see the module docs); `Ok` when writing may go ahead.
pub fn check_direction(
    direction: Direction,
    source: &ServerFacts,
    target: &ServerFacts,
    allow_replica_write: bool,
) -> Result<(), Error> {
    if source.replicates_from(target) && !target.replicates_from(source) {
        return Err(Error::Unsafe {
            reason: format!(
                "wrong side: the source {} replicates from the target {}; source and target look swapped, and the plan would delete rows the primary has (swap --source and --target: the source is the side whose data is right)",
                source.label, target.label
            ),
        });
    }
    match direction {
        Direction::OnTarget => {
            let replica = !target.upstreams.is_empty();
            if (replica || target.read_only) && !allow_replica_write {
                return Err(Error::Unsafe {
                    reason: format!(
                        "the target {} is {}; repair it through its primary (--sync-to-master, the primary as --source), or, if writing there is really meant, --allow-replica-write (such writes are not replicated back: the target drifts from its own primary)",
                        target.label,
                        if replica { "a replica" } else { "read_only" }
                    ),
                });
            }
        }
        Direction::ViaReplication => {
            if !target.replicates_from(source) {
                return Err(Error::Unsafe {
                    reason: format!(
                        "the target {} does not replicate from the source {}, so statements run on the source would never reach it (give the target's primary as --source, or leave out --sync-to-master to write on the target itself)",
                        target.label, source.label
                    ),
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(label: &str, id: u32, port: u16, upstream: Option<(u32, u16)>) -> ServerFacts {
        ServerFacts {
            label: label.into(),
            server_id: id,
            port,
            read_only: false,
            upstreams: upstream
                .map(|(server_id, port)| Upstream {
                    server_id,
                    port,
                    host: "127.0.0.1".into(),
                })
                .into_iter()
                .collect(),
        }
    }

    #[test]
    fn swapped_sides_and_replica_writes_are_refused() {
        let primary = server("primary", 1, 3306, None);
        let replica = server("replica", 2, 3307, Some((1, 3306)));
        // Right way round.
        check_direction(Direction::ViaReplication, &primary, &replica, false).unwrap();
        let e = check_direction(Direction::OnTarget, &primary, &replica, false).unwrap_err();
        assert!(e.to_string().contains("a replica"), "{e}");
        check_direction(Direction::OnTarget, &primary, &replica, true).unwrap();
        // Swapped: refused whatever the flags.
        for dir in [Direction::OnTarget, Direction::ViaReplication] {
            let e = check_direction(dir, &replica, &primary, true).unwrap_err();
            assert!(e.to_string().contains("wrong side"), "{e}");
        }
        // Through replication to a server that is not a replica of the source.
        let other = server("other", 3, 3308, None);
        assert!(check_direction(Direction::ViaReplication, &primary, &other, false).is_err());
        check_direction(Direction::OnTarget, &primary, &other, false).unwrap();
        let mut ro = other.clone();
        ro.read_only = true;
        assert!(check_direction(Direction::OnTarget, &primary, &ro, false).is_err());
        // Primary-primary: each replicates from the other; the user's choice stands.
        let m1 = server("m1", 1, 3306, Some((2, 3307)));
        let m2 = server("m2", 2, 3307, Some((1, 3306)));
        check_direction(Direction::ViaReplication, &m1, &m2, false).unwrap();
    }
}
