//! The walker's steps one by one: query text, runs, the whole-table case, bad answers.

use super::{check_partition, choose_key, int_col, key_table, sorted, text_col, walk};
use crate::walker::{Action, Bound, Chunk, ChunkSize, Table, Value, Walker};
use crate::Selection;

#[test]
fn boundary_query_text_and_binds() {
    let table = key_table(vec![int_col("a"), text_col("b`")], true);
    let choice = choose_key(&table, None).expect("choice");
    let mut w = Walker::new(&table, &choice, ChunkSize::Rows(100)).expect("walker");
    let Action::Query(q) = w.next_action() else {
        panic!("query first")
    };
    assert_eq!(
        q.sql,
        "SELECT `a`, `b```, 1 FROM `d`.`t` FORCE INDEX (`PRIMARY`) ORDER BY `a`, `b``` LIMIT ?, 1"
    );
    assert_eq!(q.binds, [Value::UInt(100)]);
    assert_eq!(
        w.next_action(),
        Action::Query(q.clone()),
        "asked again: same query"
    );
    w.on_rows(vec![vec![Value::Int(5), Value::text("x"), Value::Int(1)]])
        .expect("rows");
    let Action::Chunk(c) = w.next_action() else {
        panic!("chunk")
    };
    assert_eq!((c.number, &c.lower), (0, &Bound::Unbounded));
    let Action::Query(q) = w.next_action() else {
        panic!("query")
    };
    assert_eq!(
        q.sql,
        "SELECT `a`, `b```, ((`a` > ?) OR (`a` = ? AND `b``` > ?)) FROM `d`.`t` \
         FORCE INDEX (`PRIMARY`) WHERE ((`a` > ?) OR (`a` = ? AND `b``` >= ?)) \
         ORDER BY `a`, `b``` LIMIT ?, 1"
    );
    assert_eq!(q.binds.len(), 7);
    assert_eq!(q.binds[6], Value::UInt(100));
}

#[test]
fn long_run_is_extended_and_reported() {
    let table = key_table(vec![text_col("s")], false);
    let choice = choose_key(&table, None).expect("choice");
    // 'a' and 'A' are one key to the model server: a run of 6 with different bytes.
    let mut rows: Vec<Vec<Value>> = ["a", "A", "a", "A", "a", "A", "b"]
        .iter()
        .map(|s| vec![Value::text(s)])
        .collect();
    rows.insert(0, vec![Value::text("0")]);
    let rows = sorted(rows);
    let chunks = walk(
        Walker::new(&table, &choice, ChunkSize::Rows(2)).expect("w"),
        &rows,
        &[1],
    );
    check_partition(&chunks, &rows, &[vec![Value::text("aa")]], 2);
    let warned: Vec<&Chunk> = chunks.iter().filter(|c| !c.warnings.is_empty()).collect();
    assert_eq!(warned.len(), 1, "{chunks:#?}");
    assert_eq!(
        warned[0].warnings[0].to_string(),
        "oversized chunk: a run of equal key values of at least 3 rows"
    );
    assert_eq!(warned[0].upper, Bound::Exclusive(vec![Value::text("b")]));
}

#[test]
fn whole_table_is_one_chunk_with_its_reason() {
    let table = Table::new("d", "t").column(int_col("a"));
    let choice = choose_key(&table, None).expect("choice");
    let mut w = Walker::new(&table, &choice, ChunkSize::DEFAULT).expect("walker");
    let Action::Chunk(c) = w.next_action() else {
        panic!("one chunk")
    };
    assert_eq!(c.index, None);
    assert_eq!(
        (c.lower.clone(), c.upper.clone()),
        (Bound::Unbounded, Bound::Unbounded)
    );
    assert_eq!(c.predicate(&[]).0, "TRUE");
    assert_eq!(
        c.warnings[0].to_string(),
        "whole table in one chunk: the table has no index"
    );
    assert_eq!(w.next_action(), Action::Done);
    assert_eq!(w.next_action(), Action::Done);
}

#[test]
fn bad_answers_are_errors_not_loops() {
    let table = key_table(vec![int_col("a")], true);
    let choice = choose_key(&table, None).expect("choice");
    let mut w = Walker::new(&table, &choice, ChunkSize::Rows(2)).expect("walker");
    let e = w.on_rows(vec![]).expect_err("nothing asked");
    assert!(e.to_string().contains("no query is waiting"), "{e}");
    let _ = w.next_action();
    let e = w.on_rows(vec![vec![Value::Int(1)]]).expect_err("no flag");
    assert!(e.to_string().contains("expected 2 columns"), "{e}");
    let two = vec![vec![Value::Int(1), Value::Int(1)]; 2];
    assert!(w.on_rows(two).is_err());
    w.on_rows(vec![vec![Value::Int(4), Value::Int(1)]])
        .expect("ok");
    let _ = w.next_action();
    let _ = w.next_action();
    // The server claims progress but returns the same boundary.
    let e = w
        .on_rows(vec![vec![Value::Int(4), Value::Int(1)]])
        .expect_err("no progress");
    assert_eq!(
        e.to_string(),
        "table d.t, chunk 1: walk made no progress at boundary [Int(4)]"
    );
    let e = w
        .on_rows(vec![vec![Value::Int(9), Value::text("yes")]])
        .expect_err("flag");
    assert!(e.to_string().contains("progress flag"), "{e}");
}

#[test]
fn settings_are_validated() {
    let table = key_table(vec![int_col("a")], true);
    let choice = choose_key(&table, None).expect("choice");
    assert!(Walker::new(&table, &choice, ChunkSize::Rows(0)).is_err());
    let dynamic = Walker::new(&table, &choice, ChunkSize::DEFAULT).expect("w");
    let e = dynamic
        .with_selection(Selection {
            modulo: 4,
            offset: 1,
        })
        .expect_err("dynamic");
    assert!(e.to_string().contains("fixed chunk size"), "{e}");
    let fixed = Walker::new(&table, &choice, ChunkSize::Rows(5)).expect("w");
    assert!(fixed
        .with_selection(Selection {
            modulo: 4,
            offset: 4
        })
        .is_err());
}

#[test]
fn a_walk_on_a_non_unique_key_cannot_be_led() {
    let table = key_table(vec![int_col("k0")], false);
    let choice = choose_key(&table, None).expect("choice");
    let mut w = Walker::new(&table, &choice, ChunkSize::Rows(3)).expect("walker");
    assert!(!w.can_lead());
    let e = w.next_led_read().expect_err("not unique");
    assert!(e.to_string().contains("unique NOT NULL key"), "{e}");
}

#[test]
fn a_led_read_must_be_asked_for_and_fit_the_key() {
    let table = key_table(vec![int_col("k0")], true);
    let choice = choose_key(&table, None).expect("choice");
    let mut w = Walker::new(&table, &choice, ChunkSize::Rows(3)).expect("walker");
    assert!(w.on_led_read(None).is_err(), "answered before asked");
    let read = w.next_led_read().expect("read").expect("some");
    assert_eq!((read.number, read.limit), (0, 4));
    assert_eq!(read.lower, Bound::Unbounded);
    let e = w
        .on_led_read(Some(vec![Value::Int(1), Value::Int(2)]))
        .expect_err("two values for one key column");
    assert!(e.to_string().contains("expected 1 key columns"), "{e}");
    // The same boundary twice is no progress, an error rather than a loop.
    let read = w.next_led_read().expect("read").expect("some");
    assert_eq!(read.lower, Bound::Unbounded);
    let c = w.on_led_read(Some(vec![Value::Int(7)])).expect("cut");
    assert_eq!(c.upper, Bound::Exclusive(vec![Value::Int(7)]));
    let _ = w.next_led_read().expect("read");
    assert!(w.on_led_read(Some(vec![Value::Int(7)])).is_err());
}
