//! The drill-down: chunk checksums on both servers, splitting of differing chunks (by value into
//! up to 8 for a single-column integer key, at the middle key otherwise), row fetch of small
//! differing ranges (see the parent module's docs).

use chunker::sql::{qualified, quote_ident};
use chunker::{Table, Value};
use mysql::prelude::Queryable;
use mysql::Conn;

use super::fetch;
use super::range::{
    checksum_range, checksum_ranges, key_at, keys_at, predicate, Hashing, IntCutter, IntKey,
    IntRange, Range, RangeHash, Sum,
};
use crate::diff::{diff_keyed, diff_multiset, Difference};
use crate::error::Error;
use crate::key::{CompareKey, IdentityKey, Row};

/// Tuning of [`diff_table`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DrillOptions {
    /// Rows per first-level chunk (cut on the source's key; for an integer key, by value, about
    /// this many rows of the source).
    pub chunk_rows: u64,
    /// A differing range with at most this many rows on each side is fetched row by row.
    pub leaf_rows: u64,
    /// How ranges are checksummed.
    pub hash: RangeHash,
    /// The server family the checksum SQL is written for (`table-sync` reads it from the
    /// source's `VERSION()`).
    pub dialect: checksum::Dialect,
}

impl Default for DrillOptions {
    fn default() -> Self {
        DrillOptions {
            chunk_rows: 1000,
            leaf_rows: 16,
            hash: RangeHash::Strong,
            dialect: checksum::Dialect::MariaDb,
        }
    }
}

/// What a drill-down cost.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DrillStats {
    /// Range checksum statements run (both sides together).
    pub checksums: u64,
    /// Key queries run: chunk boundaries and split points of a key walk, or the `MIN`/`MAX`
    /// query per server of an integer key (whose ranges are cut by value, without key queries).
    pub splits: u64,
    /// Rows received from both servers together: checksum results, keys and fetched rows.
    pub rows_read: u64,
    /// Full rows fetched (both sides).
    pub rows_fetched: u64,
}

/// The differences of one table and what finding them cost.
#[derive(Clone, Debug, PartialEq)]
pub struct TableDiff {
    /// The table model (from the source).
    pub table: Table,
    /// The differences.
    pub differences: Vec<Difference>,
    /// The `WHERE` predicates of the ranges whose rows were compared because they differed
    /// (`None`: the whole table); [`recheck`] looks at these ranges only.
    pub differing_ranges: Vec<Option<String>>,
    /// The cost.
    pub stats: DrillStats,
}

/// What one server's thread of [`first_level`] receives from the other's.
enum Msg {
    /// Walk on from this lower bound (`None`: the start of the key); the next range gets this
    /// index.
    Walk(Option<Vec<Value>>, usize),
    /// A range the other server cut, to checksum.
    Range(usize, Range),
    /// The walk has reached the end of the key: this many ranges in all.
    Done(usize),
}

/// Chunks one server's thread cuts before handing the walk to the other.
const WALK_TURN: usize = 8;

/// What one server's thread of [`first_level`] did: the ranges it cut and the checksums it
/// computed, each with its range's index.
#[derive(Default)]
struct Side {
    cut: Vec<(usize, Range)>,
    sums: Vec<(usize, Sum)>,
}

/// One server's thread of [`first_level`]: walks the key when it holds the walk (cutting
/// [`WALK_TURN`] ranges, each sent to the other thread, then handing the walk over) and
/// otherwise checksums the ranges both threads cut, in the order they arrive.
#[allow(clippy::too_many_arguments)]
fn first_level_side(
    conn: &mut Conn,
    side: &'static str,
    table: &Table,
    key: &IdentityKey,
    step: u64,
    hash: Hashing,
    inbox: std::sync::mpsc::Receiver<Msg>,
    outbox: std::sync::mpsc::Sender<Msg>,
    walks_first: bool,
) -> Result<Side, Option<Error>> {
    // `None`: the other thread stopped (its own error says why).
    let stopped = || None;
    let mut out = Side::default();
    let mut queue = std::collections::VecDeque::new();
    let mut walk: Option<(Option<Vec<Value>>, usize)> = walks_first.then_some((None, 0));
    let mut total: Option<usize> = None;
    let take = |msg: Msg,
                queue: &mut std::collections::VecDeque<(usize, Range)>,
                walk: &mut Option<(Option<Vec<Value>>, usize)>,
                total: &mut Option<usize>| match msg {
        Msg::Walk(lower, i) => *walk = Some((lower, i)),
        Msg::Range(i, range) => queue.push_back((i, range)),
        Msg::Done(n) => *total = Some(n),
    };
    loop {
        while let Ok(msg) = inbox.try_recv() {
            take(msg, &mut queue, &mut walk, &mut total);
        }
        // The walk first: the other server's thread may be waiting for ranges.
        if let Some((mut lower, mut i)) = walk.take() {
            let mut ended = false;
            for _ in 0..WALK_TURN {
                let from = Range {
                    lower: lower.clone(),
                    upper: None,
                };
                let upper = key_at(conn, side, table, key, &from, step).map_err(Some)?;
                let range = Range {
                    lower,
                    upper: upper.clone(),
                };
                outbox
                    .send(Msg::Range(i, range.clone()))
                    .map_err(|_| stopped())?;
                queue.push_back((i, range.clone()));
                out.cut.push((i, range));
                i += 1;
                match upper {
                    Some(u) => lower = Some(u),
                    None => {
                        (lower, ended) = (None, true);
                        break;
                    }
                }
            }
            let msg = if ended {
                total = Some(i);
                Msg::Done(i)
            } else {
                Msg::Walk(lower, i)
            };
            outbox.send(msg).map_err(|_| stopped())?;
            continue;
        }
        if let Some((i, range)) = queue.pop_front() {
            let pred = predicate(table, key, &range).map_err(Some)?;
            let sum = checksum_range(conn, side, table, Some(key), pred.as_deref(), hash)
                .map_err(Some)?;
            out.sums.push((i, sum));
            continue;
        }
        if total.is_some_and(|n| out.sums.len() >= n) {
            return Ok(out);
        }
        // Nothing to do until the other thread sends something.
        let msg = inbox.recv().map_err(|_| stopped())?;
        take(msg, &mut queue, &mut walk, &mut total);
    }
}

/// The first-level chunks and both sides' checksums of them. The key is walked (`LIMIT 1
/// OFFSET step` from the last boundary) by both servers in turn, [`WALK_TURN`] chunks each
/// (boundaries from either server's keys partition the key space alike), so that neither
/// server's thread carries the whole walk on top of its checksums; each thread checksums every
/// chunk, its own and the other's, as soon as it has it. Returns the ranges in key order, the
/// source's and the target's checksums of them, and the number of key queries run.
fn first_level(
    source: &mut Conn,
    target: &mut Conn,
    table: &Table,
    key: &IdentityKey,
    step: u64,
    hash: Hashing,
) -> Result<(FirstLevel, u64), Error> {
    let ((src, tgt), keys) = std::thread::scope(|scope| {
        let (to_target, target_inbox) = std::sync::mpsc::channel::<Msg>();
        let (to_source, source_inbox) = std::sync::mpsc::channel::<Msg>();
        let on_target = scope.spawn(move || {
            first_level_side(
                target,
                "target",
                table,
                key,
                step,
                hash,
                target_inbox,
                to_source,
                false,
            )
        });
        let on_source = first_level_side(
            source,
            "source",
            table,
            key,
            step,
            hash,
            source_inbox,
            to_target,
            true,
        );
        let on_target = on_target
            .join()
            .unwrap_or_else(|_| Err(Some(panicked(table))));
        let (src, tgt) = match (on_source, on_target) {
            (Ok(s), Ok(t)) => (s, t),
            (Err(Some(e)), _) | (_, Err(Some(e))) => return Err(e),
            _ => {
                return Err(Error::Server {
                    table: table.qualified_name(),
                    side: "target",
                    message: "the first level's checksum threads stopped".to_string(),
                })
            }
        };
        let keys = (src.cut.len() + tgt.cut.len()) as u64;
        Ok(((src, tgt), keys))
    })?;
    let n = src.cut.len() + tgt.cut.len();
    let mut cut: Vec<(usize, Range)> = src.cut.into_iter().chain(tgt.cut).collect();
    cut.sort_by_key(|(i, _)| *i);
    let in_order = |v: &mut Vec<(usize, Sum)>| -> Option<Vec<Sum>> {
        v.sort_by_key(|(i, _)| *i);
        (v.len() == n && v.iter().enumerate().all(|(j, (i, _))| *i == j))
            .then(|| v.iter().map(|(_, s)| *s).collect())
    };
    let (mut src_sums, mut tgt_sums) = (src.sums, tgt.sums);
    let complete = cut.iter().enumerate().all(|(j, (i, _))| *i == j);
    match (complete, in_order(&mut src_sums), in_order(&mut tgt_sums)) {
        (true, Some(s), Some(t)) => Ok(((cut.into_iter().map(|(_, r)| r).collect(), s, t), keys)),
        _ => Err(Error::Server {
            table: table.qualified_name(),
            side: "target",
            message: "the first level's checksums do not cover every chunk once".to_string(),
        }),
    }
}

/// The chunks of the first level with the source's and the target's checksums.
type FirstLevel<R = Range> = (Vec<R>, Vec<Sum>, Vec<Sum>);

fn panicked(table: &Table) -> Error {
    Error::Server {
        table: table.qualified_name(),
        side: "target",
        message: "the checksum thread panicked".to_string(),
    }
}

/// One range checksummed on both servers at once.
fn both(
    source: &mut Conn,
    target: &mut Conn,
    table: &Table,
    key: Option<&IdentityKey>,
    pred: Option<&str>,
    hash: Hashing,
) -> Result<(Sum, Sum), Error> {
    on_both(source, target, table, |c, side| {
        checksum_range(c, side, table, key, pred, hash)
    })
}

/// Finds the differences of `table` between `source` and `target`, moving little data (see
/// the module docs). Both connections should have been through [`super::prepare_session`].
pub fn diff_table(
    source: &mut Conn,
    target: &mut Conn,
    table: &Table,
    options: DrillOptions,
) -> Result<TableDiff, Error> {
    let mut stats = DrillStats::default();
    let hash = Hashing {
        hash: options.hash,
        dialect: options.dialect,
    };
    let Some(key) = IdentityKey::choose(table) else {
        let (s, t) = both(source, target, table, None, None, hash)?;
        stats.checksums += 2;
        stats.rows_read += 2;
        let mut out = TableDiff {
            table: table.clone(),
            differences: Vec::new(),
            differing_ranges: Vec::new(),
            stats,
        };
        if s != t {
            out.differences = compare_range(source, target, table, None, None, &mut out.stats)?;
            out.differing_ranges.push(None);
        }
        return Ok(out);
    };

    if let Some(ik) = IntKey::of(table, &key) {
        return diff_int(source, target, table, &key, ik, options, hash);
    }

    // First level: chunks cut on the source's key, checksummed on both servers at once.
    let ((ranges, src_sums, tgt_sums), keys) =
        first_level(source, target, table, &key, options.chunk_rows.max(2), hash)?;
    stats.splits += keys;
    // Every key query but the last (past the end of the key) returned a key.
    stats.rows_read += keys.saturating_sub(1);
    stats.checksums += 2 * ranges.len() as u64;
    stats.rows_read += 2 * ranges.len() as u64;

    // Bisection of differing chunks, all the ranges of one level at once; each entry carries
    // both sides' checksums.
    let mut level: Vec<(Range, Sum, Sum)> = ranges
        .into_iter()
        .zip(src_sums.into_iter().zip(tgt_sums))
        .filter(|(_, (s, t))| s != t)
        .map(|(r, (s, t))| (r, s, t))
        .collect();
    let mut leaves = Vec::new();
    while !level.is_empty() {
        // The middle key of each range's larger side, asked of each server in one statement.
        let mut splits = Vec::new();
        let (mut src_asks, mut tgt_asks) = (Vec::new(), Vec::new());
        for (range, s, t) in level.drain(..) {
            // At least one: a range of one row cut at offset 0 would not shrink.
            if s.rows.max(t.rows) <= options.leaf_rows.max(1) {
                leaves.push(range);
                continue;
            }
            let on_source = s.rows >= t.rows;
            let ask = (range.clone(), s.rows.max(t.rows) / 2);
            if on_source {
                src_asks.push(ask);
            } else {
                tgt_asks.push(ask);
            }
            splits.push((range, s, t, on_source));
        }
        if splits.is_empty() {
            break;
        }
        let (src_mids, tgt_mids) = on_both(source, target, table, |c, side| {
            let asks = if side == "source" {
                &src_asks
            } else {
                &tgt_asks
            };
            if asks.is_empty() {
                return Ok(Vec::new());
            }
            keys_at(c, side, table, &key, asks)
        })?;
        stats.splits += splits.len() as u64;
        let (mut src_mids, mut tgt_mids) = (src_mids.into_iter(), tgt_mids.into_iter());
        // Cut at the middle key; checksum the lower halves only.
        let mut halves = Vec::new();
        let mut low_preds = Vec::new();
        for (range, s, t, on_source) in splits {
            let mid = if on_source {
                src_mids.next()
            } else {
                tgt_mids.next()
            };
            let Some(Some(mid)) = mid else {
                // No key there (the data changed under the drill-down): compare the rows.
                leaves.push(range);
                continue;
            };
            stats.rows_read += 1;
            let low = Range {
                lower: range.lower,
                upper: Some(mid.clone()),
            };
            let high = Range {
                lower: Some(mid),
                upper: range.upper,
            };
            low_preds.push(predicate(table, &key, &low)?);
            halves.push((low, high, s, t));
        }
        if low_preds.is_empty() {
            continue;
        }
        let (src_lows, tgt_lows) = on_both(source, target, table, |c, side| {
            checksum_ranges(c, side, table, &key, &low_preds, hash)
        })?;
        stats.checksums += 2 * low_preds.len() as u64;
        stats.rows_read += 2 * low_preds.len() as u64;
        for ((low, high, s, t), (ls, lt)) in
            halves.into_iter().zip(src_lows.into_iter().zip(tgt_lows))
        {
            if ls != lt {
                level.push((low, ls, lt));
            }
            let (hs, ht) = (s.minus(ls), t.minus(lt));
            if hs != ht {
                level.push((high, hs, ht));
            }
        }
    }
    let preds = leaves
        .iter()
        .map(|r| predicate(table, &key, r))
        .collect::<Result<Vec<_>, Error>>()?;
    let differences = compare_leaves(source, target, table, &key, &preds, &mut stats)?;
    Ok(TableDiff {
        table: table.clone(),
        differences,
        differing_ranges: preds,
        stats,
    })
}

/// The rows of the ranges `preds` (disjoint) from both sides, compared:
/// [`LEAVES_PER_FETCH`] ranges to a statement, both servers at once.
fn compare_leaves(
    source: &mut Conn,
    target: &mut Conn,
    table: &Table,
    key: &IdentityKey,
    preds: &[Option<String>],
    stats: &mut DrillStats,
) -> Result<Vec<Difference>, Error> {
    let mut differences = Vec::new();
    for batch in preds.chunks(LEAVES_PER_FETCH) {
        let all = match batch
            .iter()
            .map(|p| p.as_deref())
            .collect::<Option<Vec<_>>>()
        {
            Some(ps) if ps.len() > 1 => Some(format!("({})", ps.join(") OR ("))),
            Some(ps) => ps.first().map(|p| p.to_string()),
            // An unbounded leaf: the whole table (a table of very few rows).
            None => None,
        };
        differences.extend(compare_range(
            source,
            target,
            table,
            Some(key),
            all.as_deref(),
            stats,
        )?);
    }
    Ok(differences)
}

/// The rows of one range from both sides, compared: by identity key (with the server's weight
/// strings) when there is one, as multisets otherwise.
fn compare_range(
    source: &mut Conn,
    target: &mut Conn,
    table: &Table,
    key: Option<&IdentityKey>,
    pred: Option<&str>,
    stats: &mut DrillStats,
) -> Result<Vec<Difference>, Error> {
    let (src, tgt) = on_both(source, target, table, |c, side| {
        fetch(c, side, table, key, pred)
    })?;
    stats.rows_fetched += (src.len() + tgt.len()) as u64;
    stats.rows_read += (src.len() + tgt.len()) as u64;
    match key {
        Some(key) => {
            let keyed = |rows: Vec<(Option<CompareKey>, Row)>| -> Vec<(CompareKey, Row)> {
                rows.into_iter()
                    .filter_map(|(k, r)| Some((k?, r)))
                    .collect()
            };
            diff_keyed(table, key, keyed(src), keyed(tgt))
        }
        None => {
            let rows = |v: Vec<(Option<CompareKey>, Row)>| -> Vec<Row> {
                v.into_iter().map(|(_, r)| r).collect()
            };
            diff_multiset(table, &rows(src), &rows(tgt))
        }
    }
}

/// Checks again only the ranges an earlier [`diff_table`] found different (after a repair): a
/// checksum of each on both servers (several to a statement when the table has a key), and a
/// row comparison where they still differ. Cheap where a whole new [`diff_table`] would read
/// every chunk again.
pub fn recheck(
    source: &mut Conn,
    target: &mut Conn,
    earlier: &TableDiff,
    options: DrillOptions,
) -> Result<TableDiff, Error> {
    let table = &earlier.table;
    let hash = Hashing {
        hash: options.hash,
        dialect: options.dialect,
    };
    let key = IdentityKey::choose(table);
    let mut out = TableDiff {
        table: table.clone(),
        differences: Vec::new(),
        differing_ranges: Vec::new(),
        stats: DrillStats::default(),
    };
    let Some(key) = key else {
        for pred in &earlier.differing_ranges {
            let (s, t) = both(source, target, table, None, pred.as_deref(), hash)?;
            out.stats.checksums += 2;
            out.stats.rows_read += 2;
            if s != t {
                let found =
                    compare_range(source, target, table, None, pred.as_deref(), &mut out.stats)?;
                out.differences.extend(found);
                out.differing_ranges.push(pred.clone());
            }
        }
        return Ok(out);
    };
    // Keyed: every range checksummed in a few statements per server, the rows of those that
    // still differ fetched together.
    let preds = &earlier.differing_ranges;
    let (src, tgt) = on_both(source, target, table, |c, side| {
        checksum_ranges(c, side, table, &key, preds, hash)
    })?;
    out.stats.checksums += 2 * preds.len() as u64;
    out.stats.rows_read += 2 * preds.len() as u64;
    out.differing_ranges = preds
        .iter()
        .zip(src.iter().zip(&tgt))
        .filter(|(_, (s, t))| s != t)
        .map(|(p, _)| p.clone())
        .collect();
    out.differences = compare_leaves(
        source,
        target,
        table,
        &key,
        &out.differing_ranges,
        &mut out.stats,
    )?;
    Ok(out)
}

/// `f` on both servers at once (the target's side on a scoped thread).
fn on_both<T: Send>(
    source: &mut Conn,
    target: &mut Conn,
    table: &Table,
    f: impl Fn(&mut Conn, &'static str) -> Result<T, Error> + Sync,
) -> Result<(T, T), Error> {
    std::thread::scope(|scope| {
        let f = &f;
        let t = scope.spawn(move || f(target, "target"));
        let s = f(source, "source");
        let t = t.join().unwrap_or_else(|_| Err(panicked(table)));
        Ok((s?, t?))
    })
}

/// The smallest and largest key of one server (`None`: the table is empty there).
fn int_bounds(
    conn: &mut Conn,
    side: &'static str,
    table: &Table,
    ik: IntKey,
) -> Result<Option<(i128, i128)>, Error> {
    let col = &table.columns[ik.column];
    let name = quote_ident(&col.name);
    let sql = format!(
        "SELECT /*sync-plan key*/ MIN({name}), MAX({name}) FROM {}",
        qualified(table)
    );
    let row: Option<(mysql::Value, mysql::Value)> =
        conn.query_first(sql).map_err(super::server(table, side))?;
    let Some((min, max)) = row else {
        return Ok(None);
    };
    let (min, max) = (
        super::from_mysql(table, col, min)?,
        super::from_mysql(table, col, max)?,
    );
    match (ik.int(&min), ik.int(&max)) {
        (Some(lo), Some(hi)) => Ok(Some((lo, hi))),
        _ if min.is_null() && max.is_null() => Ok(None),
        _ => Err(Error::Server {
            table: table.qualified_name(),
            side,
            message: format!(
                "the key {} came back as {min:?} and {max:?}, not integers",
                col.name
            ),
        }),
    }
}

/// The first level of an integer key: ranges cut by [`IntCutter`] on the source's row counts,
/// a batch at a time, checksummed on both servers at once (the target's thread checksums each
/// batch as the source's thread cuts it; one statement per batch and server).
fn int_first_level(
    source: &mut Conn,
    target: &mut Conn,
    table: &Table,
    key: &IdentityKey,
    ik: IntKey,
    mut cutter: IntCutter,
    hash: Hashing,
) -> Result<FirstLevel<IntRange>, Error> {
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::channel::<Vec<Option<String>>>();
        let on_target = scope.spawn(move || -> Result<Vec<Sum>, Error> {
            let mut sums = Vec::new();
            for preds in rx {
                sums.extend(checksum_ranges(target, "target", table, key, &preds, hash)?);
            }
            Ok(sums)
        });
        let mut walk = || -> Result<(Vec<IntRange>, Vec<Sum>), Error> {
            let (mut ranges, mut sums) = (Vec::new(), Vec::new());
            loop {
                let batch = cutter.next_batch();
                if batch.is_empty() {
                    break;
                }
                let preds = batch
                    .iter()
                    .map(|r| predicate(table, key, &r.range(table, ik)?))
                    .collect::<Result<Vec<_>, Error>>()?;
                if tx.send(preds.clone()).is_err() {
                    // The target's thread stopped: its error is reported below.
                    break;
                }
                let got = checksum_ranges(source, "source", table, key, &preds, hash)?;
                cutter.observe(&got.iter().map(|s| s.rows).collect::<Vec<_>>());
                sums.extend(got);
                ranges.extend(batch);
            }
            Ok((ranges, sums))
        };
        let walked = walk();
        drop(tx);
        let on_target = on_target.join().unwrap_or_else(|_| Err(panicked(table)));
        let (ranges, src_sums) = walked?;
        let tgt_sums = on_target?;
        if tgt_sums.len() != ranges.len() {
            return Err(Error::Server {
                table: table.qualified_name(),
                side: "target",
                message: "the target's checksums stopped early".to_string(),
            });
        }
        Ok((ranges, src_sums, tgt_sums))
    })
}

/// Most sub-ranges a differing integer range is split into at once.
const MAX_FANOUT: u64 = 8;

/// Leaf ranges fetched per statement.
const LEAVES_PER_FETCH: usize = 64;

/// [`diff_table`] for a single-column integer key: no key walk. The key's smallest and largest
/// values on both servers bound the domain; the first level is cut by value
/// ([`IntCutter`]); a differing range is split by value into up to [`MAX_FANOUT`] sub-ranges of
/// equal width, all the differing ranges of one level at once: one statement per server
/// checksums every sub-range but the last of each (whose checksum is the parent's minus its
/// siblings'). A range is fetched once it holds at most `leaf_rows` rows on each side or a
/// single key value; all such ranges are fetched together, one statement per server.
fn diff_int(
    source: &mut Conn,
    target: &mut Conn,
    table: &Table,
    key: &IdentityKey,
    ik: IntKey,
    options: DrillOptions,
    hash: Hashing,
) -> Result<TableDiff, Error> {
    let mut stats = DrillStats::default();
    let (sb, tb) = on_both(source, target, table, |c, side| {
        int_bounds(c, side, table, ik)
    })?;
    stats.splits += 2;
    stats.rows_read += 2;
    let domain = match (sb, tb) {
        (Some(s), Some(t)) => (s.0.min(t.0), s.1.max(t.1)),
        (Some(d), None) | (None, Some(d)) => d,
        (None, None) => {
            return Ok(TableDiff {
                table: table.clone(),
                differences: Vec::new(),
                differing_ranges: Vec::new(),
                stats,
            })
        }
    };

    let cutter = IntCutter::new(domain, options.chunk_rows.max(2));
    let (ranges, src_sums, tgt_sums) =
        int_first_level(source, target, table, key, ik, cutter, hash)?;
    stats.checksums += 2 * ranges.len() as u64;
    stats.rows_read += 2 * ranges.len() as u64;

    let mut level: Vec<(IntRange, Sum, Sum)> = ranges
        .into_iter()
        .zip(src_sums.into_iter().zip(tgt_sums))
        .filter(|(_, (s, t))| s != t)
        .map(|(r, (s, t))| (r, s, t))
        .collect();
    let mut leaves: Vec<IntRange> = Vec::new();
    while !level.is_empty() {
        // Each differing range: a leaf, or its sub-ranges (all but the last are checksummed).
        let mut splits: Vec<(Vec<IntRange>, Sum, Sum)> = Vec::new();
        for (range, s, t) in level.drain(..) {
            let rows = s.rows.max(t.rows);
            let span = range.span(domain);
            match span {
                Some(span) if rows > options.leaf_rows && span.0 < span.1 => {
                    let parts = rows.div_ceil(options.leaf_rows.max(1)).clamp(2, MAX_FANOUT);
                    splits.push((range.split(span, parts), s, t));
                }
                _ => leaves.push(range),
            }
        }
        let mut preds = Vec::new();
        for (subs, _, _) in &splits {
            for sub in &subs[..subs.len() - 1] {
                preds.push(predicate(table, key, &sub.range(table, ik)?)?);
            }
        }
        if preds.is_empty() {
            break;
        }
        let (src, tgt) = on_both(source, target, table, |c, side| {
            checksum_ranges(c, side, table, key, &preds, hash)
        })?;
        stats.checksums += 2 * preds.len() as u64;
        // Empty sub-ranges return a row too: COUNT(*) is 0 and the sum 0.
        stats.rows_read += 2 * preds.len() as u64;
        let (mut src, mut tgt) = (src.into_iter(), tgt.into_iter());
        for (subs, mut s_rest, mut t_rest) in splits {
            let last = subs.len() - 1;
            for (i, sub) in subs.into_iter().enumerate() {
                let (s, t) = if i == last {
                    (s_rest, t_rest)
                } else {
                    let (Some(s), Some(t)) = (src.next(), tgt.next()) else {
                        return Err(Error::Server {
                            table: table.qualified_name(),
                            side: "source",
                            message: "fewer sub-range checksums than sub-ranges".to_string(),
                        });
                    };
                    s_rest = s_rest.minus(s);
                    t_rest = t_rest.minus(t);
                    (s, t)
                };
                if s != t {
                    level.push((sub, s, t));
                }
            }
        }
    }

    let preds = leaves
        .iter()
        .map(|leaf| predicate(table, key, &leaf.range(table, ik)?))
        .collect::<Result<Vec<_>, Error>>()?;
    let differences = compare_leaves(source, target, table, key, &preds, &mut stats)?;
    Ok(TableDiff {
        table: table.clone(),
        differences,
        differing_ranges: preds,
        stats,
    })
}
