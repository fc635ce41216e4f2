//! One chunk on both servers at once, and whether anything was written meanwhile.
//!
//! Each side runs on its own thread and reads its server's InnoDB write counters
//! (`Innodb_rows_inserted + _updated + _deleted`, global) right before and right after its
//! checksum. When the target replicates, it must also have applied everything the source has
//! written (its GTID position covers the source's, checked again whenever the source's counter
//! moved). A chunk that differs while both servers were quiet and the target was caught up is
//! drift: it needs no recheck. Otherwise it is rechecked once the walk is over. Writes to
//! non-InnoDB tables, and transactions still open on the source, are not seen, so a write in
//! flight there can be reported as drift without a recheck; a difference is never hidden.

use std::time::Duration;

use chunker::{Chunk, Key, Table};
use mysql::prelude::Queryable;
use mysql::Conn;

use super::{checksum_chunk_on, server_err, ChunkRef, Engine, RowConn};
use crate::engine::{ChunkChecksum, RowPlan};
use crate::error::Error;
use crate::Dialect;

/// The two sides' values for one chunk.
#[derive(Debug)]
pub(crate) struct PairResult {
    pub(crate) source: ChunkChecksum,
    pub(crate) target: ChunkChecksum,
    /// The longer of the two checksum times.
    pub(crate) elapsed: Duration,
    /// Whether no write could have been in flight (see the module docs).
    pub(crate) quiet: bool,
}

/// What is known about the target having applied the source's writes.
#[derive(Debug, Default)]
pub(crate) struct SourceWrites {
    /// Whether the target replicates (from anywhere): `None` until asked.
    target_replicates: Option<bool>,
    /// The source's write counter at the last time the target was seen caught up with it.
    caught_up_at: Option<u64>,
}

impl SourceWrites {
    pub(crate) fn new() -> SourceWrites {
        SourceWrites::default()
    }

    /// Before a chunk: whether a replica target has applied every write the source counted
    /// so far (always true when the target is not a replica).
    pub(super) fn target_caught_up(
        &mut self,
        source: &mut Conn,
        target: &mut Conn,
        dialects: (Dialect, Dialect),
        plan: &RowPlan,
        chunk: u64,
    ) -> Result<Option<u64>, Error> {
        let now = write_counter(source, plan, chunk, "source")?;
        let replicates = match self.target_replicates {
            Some(r) => r,
            None => {
                let row: Option<mysql::Row> = target
                    .query_first(dialects.1.replica_status().0)
                    .map_err(|e| server_err(plan.at(Some(chunk)), "target", e))?;
                *self.target_replicates.insert(row.is_some())
            }
        };
        if !replicates {
            return Ok(Some(now));
        }
        if self.caught_up_at != Some(now) {
            let (sql_s, sql_t) = dialects.0.applied_gtids();
            let at = |e| server_err(plan.at(Some(chunk)), "source", e);
            let s: Option<String> = source.query_first(sql_s).map_err(at)?;
            let t: Option<String> = target
                .query_first(sql_t)
                .map_err(|e| server_err(plan.at(Some(chunk)), "target", e))?;
            let caught = gtids_cover(&t.unwrap_or_default(), &s.unwrap_or_default());
            self.caught_up_at = caught.then_some(now);
        }
        Ok(self.caught_up_at.filter(|c| *c == now))
    }
}

/// Whether the position list `have` (`domain-server-seq,...` for MariaDB, or a MySQL GTID set
/// compared as text) covers `want`: for MariaDB, per domain, `have`'s sequence number is at
/// least `want`'s; otherwise the two texts must be equal.
fn gtids_cover(have: &str, want: &str) -> bool {
    let parse = |s: &str| -> Option<Vec<(u64, u64)>> {
        s.split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| {
                let mut it = p.split('-');
                let domain = it.next()?.parse().ok()?;
                let _server = it.next()?;
                let seq = it.next()?.parse().ok()?;
                Some((domain, seq))
            })
            .collect()
    };
    match (parse(have), parse(want)) {
        (Some(h), Some(w)) => w
            .iter()
            .all(|(d, seq)| h.iter().any(|(hd, hs)| hd == d && hs >= seq)),
        _ => have.trim() == want.trim(),
    }
}

pub(super) fn write_counter(
    conn: &mut Conn,
    plan: &RowPlan,
    chunk: u64,
    server: &str,
) -> Result<u64, Error> {
    let rows: Vec<(String, u64)> = conn
        .query(
            "SHOW GLOBAL STATUS WHERE Variable_name IN \
             ('Innodb_rows_inserted', 'Innodb_rows_updated', 'Innodb_rows_deleted')",
        )
        .map_err(|e| server_err(plan.at(Some(chunk)), server, e))?;
    Ok(rows.iter().fold(0u64, |acc, (_, v)| acc.wrapping_add(*v)))
}

pub(super) type Side = Result<(ChunkChecksum, Duration, u64, u64), Error>;

pub(super) fn one_side(
    conn: &mut Conn,
    rows: Option<&mut RowConn>,
    server: &str,
    engine: Engine,
    c: ChunkRef<'_>,
    table: &Table,
) -> Side {
    let before = write_counter(conn, c.plan, c.chunk.number, server)?;
    let (sum, elapsed) = checksum_chunk_on(conn, rows, server, engine, c, table)?;
    let after = write_counter(conn, c.plan, c.chunk.number, server)?;
    Ok((sum, elapsed, before, after))
}

/// Checksums `chunk` on both servers at once (the target on a second thread).
#[allow(clippy::too_many_arguments)]
pub(crate) fn both(
    source: &mut Conn,
    target: &mut Conn,
    rows: (Option<&mut RowConn>, Option<&mut RowConn>),
    engine: Engine,
    plans: (&RowPlan, &RowPlan),
    chunk: &Chunk,
    key: Option<&Key>,
    table: &Table,
    writes: &mut SourceWrites,
    dialects: (Dialect, Dialect),
) -> Result<PairResult, Error> {
    let s_ref = ChunkRef {
        plan: plans.0,
        chunk,
        key,
    };
    let t_ref = ChunkRef {
        plan: plans.1,
        chunk,
        key,
    };
    let caught_up = writes.target_caught_up(source, target, dialects, plans.0, chunk.number)?;
    let (s, t) = std::thread::scope(|scope| {
        let (s_rows, t_rows) = rows;
        let handle = scope.spawn(move || one_side(target, t_rows, "target", engine, t_ref, table));
        let s = one_side(source, s_rows, "source", engine, s_ref, table);
        let t = handle.join().unwrap_or_else(|_| {
            Err(Error::Table {
                at: plans.1.at(Some(chunk.number)),
                reason: "the target's checksum thread panicked".into(),
            })
        });
        (s, t)
    });
    let ((s, ds, s0, s1), (t, dt, t0, t1)) = (s?, t?);
    Ok(PairResult {
        source: s,
        target: t,
        elapsed: ds.max(dt),
        quiet: s0 == s1 && t0 == t1 && caught_up == Some(s0),
    })
}

#[cfg(test)]
mod tests {
    use super::gtids_cover;

    #[test]
    fn gtid_positions_cover_per_domain() {
        assert!(gtids_cover("0-1-10", "0-1-10"));
        assert!(gtids_cover("0-2-11,1-1-5", "0-1-10"));
        assert!(!gtids_cover("0-1-9", "0-1-10"));
        assert!(!gtids_cover("0-1-10", "0-1-10,1-1-1"));
        assert!(gtids_cover("", ""));
        assert!(gtids_cover("uuid:1-5", "uuid:1-5") && !gtids_cover("uuid:1-4", "uuid:1-5"));
    }
}
