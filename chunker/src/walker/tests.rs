//! The walker against an in-memory server: chunks partition the key space.
//!
//! The model server keeps rows sorted by a comparator like the server's: NULL first, integers
//! numerically, text case-insensitively (as under a `_ci` collation, so `'a'` and `'A'` are
//! the same key with different bytes). It answers the walker's queries from their structured
//! form ([`QueryKind`]) and checks the chunks with the same comparator.

use std::cmp::Ordering;
use std::time::Duration;

use proptest::prelude::*;
use proptest::strategy::Strategy;

use super::{Action, Bound, Chunk, ChunkSize, QueryKind, Table, Value, Walker};
use crate::key::choose_key;
use crate::model::{Column, ColumnType, Index, TextKind};
use crate::{Collation, Selection};

fn cmp_value(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::Bytes(x), Value::Bytes(y)) => x.to_ascii_lowercase().cmp(&y.to_ascii_lowercase()),
        _ => panic!("model compares like with like: {a:?} {b:?}"),
    }
}

/// Compares a row's key with a bound tuple on the tuple's length (prefix bounds).
fn cmp_key(row: &[Value], bound: &[Value]) -> Ordering {
    row.iter()
        .zip(bound)
        .map(|(a, b)| cmp_value(a, b))
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

fn above(row: &[Value], lower: &Bound) -> bool {
    match lower {
        Bound::Unbounded => true,
        Bound::Inclusive(v) => cmp_key(row, v).is_ge(),
        Bound::Exclusive(v) => cmp_key(row, v).is_gt(),
    }
}

fn below(row: &[Value], upper: &Bound) -> bool {
    match upper {
        Bound::Unbounded => true,
        Bound::Inclusive(v) => cmp_key(row, v).is_le(),
        Bound::Exclusive(v) => cmp_key(row, v).is_lt(),
    }
}

fn contains(chunk: &Chunk, row: &[Value]) -> bool {
    above(row, &chunk.lower) && below(row, &chunk.upper)
}

/// Answers a walker query against `rows` (sorted by `cmp_key`).
fn answer(rows: &[Vec<Value>], kind: &QueryKind) -> Vec<Vec<Value>> {
    match kind {
        QueryKind::Boundary { from, skip } => {
            let skip = usize::try_from(*skip).unwrap_or(usize::MAX);
            rows.iter()
                .filter(|r| above(r, from))
                .nth(skip)
                .map(|r| {
                    let progressed = match from {
                        Bound::Inclusive(v) => cmp_key(r, v).is_gt(),
                        _ => true,
                    };
                    let mut out = r.clone();
                    out.push(Value::Int(i64::from(progressed)));
                    out
                })
                .into_iter()
                .collect()
        }
        QueryKind::NextDistinct { after } => rows
            .iter()
            .find(|r| cmp_key(r, after).is_gt())
            .cloned()
            .into_iter()
            .collect(),
    }
}

/// Runs `walker` to the end against `rows`, reporting `elapsed` (cycled) per chunk.
fn walk(mut walker: Walker, rows: &[Vec<Value>], elapsed: &[u64]) -> Vec<Chunk> {
    let mut chunks = Vec::new();
    // Every step raises the lower bound, so a walk takes at most 2 queries per row, plus the
    // end; anything beyond is a hang.
    let limit = 4 * rows.len() + 8;
    for step in 0.. {
        assert!(step < limit, "walk did not end after {limit} actions");
        match walker.next_action() {
            Action::Query(q) => walker.on_rows(answer(rows, &q.kind)).expect("answer"),
            Action::Chunk(c) => {
                let n = rows.iter().filter(|r| contains(&c, r)).count() as u64;
                let ms = elapsed.get(chunks.len() % elapsed.len().max(1)).copied();
                walker.on_chunk_done(n, Duration::from_millis(ms.unwrap_or(1)));
                chunks.push(c);
            }
            Action::Done => break,
        }
    }
    chunks
}

/// Runs a led walk to the end against `rows` (sorted, unique keys): each read takes the rows
/// from the lower bound on, processes all but the `limit`-th, and reports that one's key. The
/// rows processed per chunk are checked against the chunk's range.
fn led_walk(mut walker: Walker, rows: &[Vec<Value>], elapsed: &[u64]) -> Vec<Chunk> {
    let mut chunks = Vec::new();
    for step in 0.. {
        assert!(step <= rows.len() + 2, "led walk did not end");
        let Some(read) = walker.next_led_read().expect("led read") else {
            break;
        };
        let limit = usize::try_from(read.limit).expect("limit");
        let got: Vec<&Vec<Value>> = rows
            .iter()
            .filter(|r| above(r, &read.lower))
            .take(limit)
            .collect();
        let (processed, next) = if got.len() == limit {
            (&got[..limit - 1], Some(got[limit - 1].clone()))
        } else {
            (&got[..], None)
        };
        let chunk = walker.on_led_read(next).expect("cut");
        assert_eq!(chunk.number, read.number);
        let inside: Vec<&Vec<Value>> = rows.iter().filter(|r| contains(&chunk, r)).collect();
        assert_eq!(
            inside,
            processed.to_vec(),
            "chunk {} holds other rows",
            chunk.number
        );
        let ms = elapsed.get(chunks.len() % elapsed.len().max(1)).copied();
        walker.on_chunk_done(
            processed.len() as u64,
            Duration::from_millis(ms.unwrap_or(1)),
        );
        chunks.push(chunk);
    }
    chunks
}

fn key_table(columns: Vec<Column>, unique: bool) -> Table {
    let names: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
    let index = if unique {
        Index::primary(names)
    } else {
        Index::non_unique("k", names)
    };
    columns
        .into_iter()
        .fold(Table::new("d", "t"), Table::column)
        .index(index)
}

fn int_col(name: &str) -> Column {
    Column::new(
        name,
        ColumnType::Integer {
            bytes: 8,
            unsigned: false,
        },
    )
}

fn text_col(name: &str) -> Column {
    Column::new(
        name,
        ColumnType::Text {
            kind: TextKind::Var,
            max_len: 8,
        },
    )
    .collation(Collation::new("utf8mb4_general_ci"))
}

/// Checks the partition laws for a walk's chunks over `rows` and `strangers`.
fn check_partition(chunks: &[Chunk], rows: &[Vec<Value>], strangers: &[Vec<Value>], size: u64) {
    assert!(!chunks.is_empty());
    assert_eq!(chunks[0].lower, Bound::Unbounded, "first chunk open below");
    assert!(chunks[chunks.len() - 1].is_last(), "last chunk open above");
    for (i, pair) in chunks.windows(2).enumerate() {
        assert_eq!(pair[0].number, i as u64);
        assert_eq!(Some(pair[1].lower.clone()), pair[0].upper.continuation());
    }
    for row in rows.iter().chain(strangers) {
        let n = chunks.iter().filter(|c| contains(c, row)).count();
        assert_eq!(n, 1, "{row:?} is in {n} chunks");
    }
    for c in chunks {
        let n = rows.iter().filter(|r| contains(c, r)).count() as u64;
        if c.warnings.is_empty() {
            assert!(n <= size, "chunk {} holds {n} rows > {size}", c.number);
        }
    }
}

fn sorted(mut rows: Vec<Vec<Value>>) -> Vec<Vec<Value>> {
    rows.sort_by(|a, b| cmp_key(a, b));
    rows
}

fn value_strategy(text: bool, nullable: bool) -> BoxedStrategy<Value> {
    let base = if text {
        "[aAbB]{0,3}"
            .prop_map(|s| Value::Bytes(s.into_bytes()))
            .boxed()
    } else {
        (-20i64..20).prop_map(Value::Int).boxed()
    };
    if nullable {
        prop_oneof![1 => Just(Value::Null), 6 => base].boxed()
    } else {
        base
    }
}

/// Per key column: (text?, nullable?).
type Shape = Vec<(bool, bool)>;

/// (key shape, table rows, stranger rows: keys the "other server" has)
fn case() -> impl Strategy<Value = (Shape, Vec<Vec<Value>>, Vec<Vec<Value>>)> {
    prop::collection::vec((any::<bool>(), any::<bool>()), 1..4).prop_flat_map(|shape| {
        let row: Vec<BoxedStrategy<Value>> =
            shape.iter().map(|&(t, n)| value_strategy(t, n)).collect();
        let rows = prop::collection::vec(row.clone(), 0..120);
        let strangers = prop::collection::vec(row, 0..30);
        (Just(shape), rows, strangers)
    })
}

fn columns_for(shape: &[(bool, bool)]) -> Vec<Column> {
    shape
        .iter()
        .enumerate()
        .map(|(i, &(text, nullable))| {
            let name = format!("k{i}");
            let c = if text {
                text_col(&name)
            } else {
                int_col(&name)
            };
            if nullable {
                c.nullable()
            } else {
                c
            }
        })
        .collect()
}

proptest! {
    #[test]
    fn chunks_partition_the_key_space(
        (shape, rows, strangers) in case(),
        size in 1u64..12,
        dynamic in any::<bool>(),
        elapsed in prop::collection::vec(0u64..50, 1..6),
    ) {
        let table = key_table(columns_for(&shape), false);
        let choice = choose_key(&table, None).expect("choice");
        let mode = if dynamic {
            ChunkSize::TargetTime { target: Duration::from_millis(10), initial: size, min: 1, max: 16 }
        } else {
            ChunkSize::Rows(size)
        };
        let rows = sorted(rows);
        let chunks = walk(Walker::new(&table, &choice, mode).expect("walker"), &rows, &elapsed);
        let bound = if dynamic { 16 } else { size };
        check_partition(&chunks, &rows, &strangers, bound);
    }

    #[test]
    fn a_led_walk_cuts_the_chunks_a_query_walk_cuts(
        (shape, rows, strangers) in case(),
        size in 1u64..12,
        dynamic in any::<bool>(),
        elapsed in prop::collection::vec(0u64..50, 1..6),
    ) {
        // A unique NOT NULL key: NULLs become 0 / '' and duplicates (by the collation) go.
        let shape: Shape = shape.into_iter().map(|(t, _)| (t, false)).collect();
        let not_null = |r: Vec<Value>| -> Vec<Value> {
            r.into_iter()
                .zip(&shape)
                .map(|(v, &(text, _))| match v {
                    Value::Null if text => Value::Bytes(Vec::new()),
                    Value::Null => Value::Int(0),
                    v => v,
                })
                .collect()
        };
        let mut rows = sorted(rows.into_iter().map(not_null).collect());
        rows.dedup_by(|a, b| cmp_key(a, b).is_eq());
        let strangers: Vec<Vec<Value>> = strangers.into_iter().map(not_null).collect();
        let table = key_table(columns_for(&shape), true);
        let choice = choose_key(&table, None).expect("choice");
        let mode = if dynamic {
            ChunkSize::TargetTime { target: Duration::from_millis(10), initial: size, min: 1, max: 16 }
        } else {
            ChunkSize::Rows(size)
        };
        let led = Walker::new(&table, &choice, mode).expect("walker");
        prop_assert!(led.can_lead());
        let led = led_walk(led, &rows, &elapsed);
        let queried = walk(Walker::new(&table, &choice, mode).expect("walker"), &rows, &elapsed);
        prop_assert_eq!(&led, &queried);
        check_partition(&led, &rows, &strangers, if dynamic { 16 } else { size });
        // Resumed after any chunk, a led walk goes on with the same chunks.
        if led.len() > 1 {
            let resumed = Walker::resume_after(&table, &choice, ChunkSize::Rows(size), &led[0])
                .expect("resume");
            let fixed = led_walk(
                Walker::new(&table, &choice, ChunkSize::Rows(size)).expect("w"), &rows, &[1]);
            prop_assert_eq!(led_walk(resumed, &rows, &[1]), fixed[1..].to_vec());
        }
    }

    #[test]
    fn resume_after_any_chunk_gives_the_same_rest(
        (shape, rows, _s) in case(),
        size in 1u64..8,
        at in any::<prop::sample::Index>(),
    ) {
        let table = key_table(columns_for(&shape), false);
        let choice = choose_key(&table, None).expect("choice");
        let rows = sorted(rows);
        let all = walk(Walker::new(&table, &choice, ChunkSize::Rows(size)).expect("w"), &rows, &[1]);
        let i = at.index(all.len());
        let resumed = Walker::resume_after(&table, &choice, ChunkSize::Rows(size), &all[i]).expect("r");
        prop_assert_eq!(walk(resumed, &rows, &[1]), all[i + 1..].to_vec());
    }

    #[test]
    fn modulo_slices_cover_every_chunk_once(
        rows in prop::collection::vec(value_strategy(false, false).prop_map(|v| vec![v]), 0..80),
        modulo in 1u64..5,
    ) {
        let table = key_table(vec![int_col("k0")], false);
        let choice = choose_key(&table, None).expect("choice");
        let rows = sorted(rows);
        let all = walk(Walker::new(&table, &choice, ChunkSize::Rows(3)).expect("w"), &rows, &[1]);
        let mut seen = Vec::new();
        for offset in 0..modulo {
            let w = Walker::new(&table, &choice, ChunkSize::Rows(3)).expect("w")
                .with_selection(Selection { modulo, offset }).expect("selection");
            seen.extend(walk(w, &rows, &[1]));
        }
        seen.sort_by_key(|c| c.number);
        prop_assert_eq!(seen, all);
    }
}

mod cases;
