//! Which rows no statement can repair, what the plan does with them, and that re-planning
//! after the repair plans nothing.

use chunker::{Column, ColumnType, Index, Table, Value};
use proptest::prelude::*;

use super::*;
use crate::test_tables::{float2, int, with_id};
use crate::{diff_rows, plan_table, Direction, Plan, PlanOptions, Statement, Style, TablePlan};

/// `s.t (id INT PRIMARY KEY, f FLOAT(7,2), v INT)`.
fn keyed() -> Table {
    with_id("t")
        .column(float2("f").real_precision(7))
        .column(Column::new("v", int()))
        .index(Index::primary(["id"]))
}

fn row(id: i64, f: f32, v: i64) -> Row {
    vec![Value::Int(id), Value::Float(f), Value::Int(v)]
}

fn options(include: bool) -> PlanOptions {
    PlanOptions {
        include_unrepairable: include,
        ..PlanOptions::default()
    }
}

fn plan(table: &Table, source: &[Row], target: &[Row], options: PlanOptions) -> TablePlan {
    plan_table(table, &diff_rows(table, source, target).unwrap(), options).unwrap()
}

/// `(first key value, fate)` of each reported row.
fn reported(tp: &TablePlan) -> Vec<(Value, Fate)> {
    tp.unrepairable
        .iter()
        .map(|u| (u.row[0].value.clone(), u.fate))
        .collect()
}

fn sql(tp: &TablePlan) -> Vec<String> {
    tp.statements
        .iter()
        .map(|s| crate::statement_sql(tp, s).unwrap())
        .collect()
}

/// The source has rows 1-6; the target lacks 1, 2 and 6, has 3, 4 and 5 changed, and 7 extra.
fn keyed_sides() -> (Vec<Row>, Vec<Row>) {
    let source = vec![
        row(1, 0.125, 1),      // more decimals than D: rounded to 0.12
        row(2, 2.5, 2),        // repairable
        row(3, 5.4321, 3),     // rounded to 5.43; the target has 99
        row(4, 5.4321, 4),     // the target has 5.43 (what a write stores) and v = 40
        row(5, 1.5, 5),        // repairable change
        row(6, 123_456.79, 6), // beyond FLOAT(7,2)'s 99999.99: refused
    ];
    let target = vec![
        row(3, 99.0, 3),
        row(4, 5.43, 40),
        row(5, 1.25, 5),
        row(7, 0.5, 7),
    ];
    (source, target)
}

#[test]
fn keyed_rows_that_cannot_converge_are_reported_and_left_out() {
    let table = keyed();
    let (source, target) = keyed_sides();
    let tp = plan(&table, &source, &target, options(false));
    assert_eq!(
        sql(&tp),
        [
            "DELETE FROM `s`.`t` WHERE `id` = 7 LIMIT 1",
            "INSERT INTO `s`.`t` (`id`, `f`, `v`) VALUES (2, 2.5e0, 2)",
            "UPDATE `s`.`t` SET `v` = 4 WHERE `id` = 4 LIMIT 1",
            "UPDATE `s`.`t` SET `f` = 1.5e0 WHERE `id` = 5 LIMIT 1",
        ]
    );
    assert_eq!(
        reported(&tp),
        [
            (Value::Int(1), Fate::LeftOut),
            (Value::Int(3), Fate::LeftOut),
            (Value::Int(4), Fate::AlreadyStored),
            (Value::Int(6), Fate::LeftOut),
        ]
    );
    let lines: Vec<String> = tp.unrepairable.iter().map(|u| u.describe(&table)).collect();
    assert_eq!(
        lines,
        [
            "`s`.`t` row `id`=1: cannot be repaired by writing: the target column's type rounds \
             it: `f` 1.25e-1 is stored as 1.2e-1 by FLOAT(7,2), the target lacks the row; left \
             out of the statements",
            "`s`.`t` row `id`=3: cannot be repaired by writing: the target column's type rounds \
             it: `f` 5.4321e0 is stored as 5.43e0 by FLOAT(7,2), the target has 9.9e1; left out \
             of the statements",
            "`s`.`t` row `id`=4: cannot be repaired by writing: the target column's type rounds \
             it: `f` 5.4321e0 is stored as 5.43e0 by FLOAT(7,2), the target has 5.43e0; nothing \
             to write: the target already holds what a write stores",
            "`s`.`t` row `id`=6: cannot be repaired by writing: the target column's type cannot \
             hold it: `f` 1.2345679e5 is beyond FLOAT(7,2)'s range (at most 99999.99 in \
             magnitude), which the server refuses (error 1264), the target lacks the row; left \
             out of the statements",
        ]
    );
    // Nothing the statements write is rounded or refused, so the plan warns of nothing.
    let mut whole = Plan::new("src", "dst", Direction::OnTarget);
    whole.tables.push(tp);
    assert!(whole.warnings().is_empty(), "{:?}", whole.warnings());
    assert_eq!(whole.unrepairable_count(), 4);
    let script = whole.to_sql(500, false).unwrap();
    assert!(
        script.contains(&format!(
            "-- run this on the TARGET\n-- cannot repair: {}\n-- cannot repair: {}\n",
            lines[0], lines[1]
        )),
        "{script}"
    );
    let json = whole.to_json().unwrap();
    assert_eq!(Plan::from_json(&json).unwrap(), whole);
}

#[test]
fn keyed_rows_that_cannot_converge_are_written_when_asked() {
    let table = keyed();
    let (source, target) = keyed_sides();
    let tp = plan(&table, &source, &target, options(true));
    assert_eq!(
        sql(&tp),
        [
            "DELETE FROM `s`.`t` WHERE `id` = 7 LIMIT 1",
            "INSERT INTO `s`.`t` (`id`, `f`, `v`) VALUES (1, 1.25e-1, 1)",
            "INSERT INTO `s`.`t` (`id`, `f`, `v`) VALUES (2, 2.5e0, 2)",
            "INSERT INTO `s`.`t` (`id`, `f`, `v`) VALUES (6, 1.2345679e5, 6)",
            "UPDATE `s`.`t` SET `f` = 5.4321e0 WHERE `id` = 3 LIMIT 1",
            // Writing 5.4321 again would store the 5.43 the target has: only `v`.
            "UPDATE `s`.`t` SET `v` = 4 WHERE `id` = 4 LIMIT 1",
            "UPDATE `s`.`t` SET `f` = 1.5e0 WHERE `id` = 5 LIMIT 1",
        ]
    );
    assert_eq!(
        reported(&tp),
        [
            (Value::Int(1), Fate::Written),
            (Value::Int(3), Fate::Written),
            (Value::Int(4), Fate::AlreadyStored),
            (Value::Int(6), Fate::Written),
        ]
    );
    let mut whole = Plan::new("src", "dst", Direction::OnTarget);
    whole.tables.push(tp);
    assert_eq!(
        whole.warnings(),
        [
            "`s`.`t`: 2 values written to FLOAT(M,D)/DOUBLE(M,D) columns have more decimals \
             than the column keeps and are stored rounded (`f` 1.25e-1 as 1.2e-1, `f` 5.4321e0 \
             as 5.43e0), so those rows will still differ after the repair",
            "`s`.`t`: 1 values written to FLOAT(M,D)/DOUBLE(M,D) columns are beyond the range \
             the column allows (`f` 1.2345679e5 beyond 99999.99), which the server refuses \
             (error 1264, out of range), so the script stops at the first of them",
        ]
    );

    // After those writes (the refused insert failing), a re-plan writes nothing but row 6.
    let after = vec![
        row(1, 0.12, 1),
        row(2, 2.5, 2),
        row(3, 5.43, 3),
        row(4, 5.43, 4),
        row(5, 1.5, 5),
    ];
    let again = plan(&table, &source, &after, options(false));
    assert!(again.statements.is_empty(), "{:?}", sql(&again));
    assert_eq!(
        reported(&again),
        [
            (Value::Int(1), Fate::AlreadyStored),
            (Value::Int(3), Fate::AlreadyStored),
            (Value::Int(4), Fate::AlreadyStored),
            (Value::Int(6), Fate::LeftOut),
        ]
    );
    let again = plan(&table, &source, &after, options(true));
    assert_eq!(
        sql(&again),
        ["INSERT INTO `s`.`t` (`id`, `f`, `v`) VALUES (6, 1.2345679e5, 6)"]
    );
}

#[test]
fn rows_written_whole_are_left_out_whole() {
    // A REPLACE writes every column: a value equal on both sides that a write would round
    // (0.125 kept by an in-place ALTER) is rounded too, so the row is left out; an UPDATE of
    // the changed column alone is not.
    let table = keyed();
    let source = [row(1, 0.125, 1), row(2, 0.125, 2)];
    let target = [row(1, 0.125, 10), row(2, 0.125, 2)];
    let minimal = plan(&table, &source, &target, options(false));
    assert_eq!(
        sql(&minimal),
        ["UPDATE `s`.`t` SET `v` = 1 WHERE `id` = 1 LIMIT 1"]
    );
    assert!(minimal.unrepairable.is_empty());
    let replace = PlanOptions {
        style: Style::Replace,
        ..PlanOptions::default()
    };
    let tp = plan(&table, &source, &target, replace);
    assert!(tp.statements.is_empty(), "{:?}", sql(&tp));
    assert_eq!(reported(&tp), [(Value::Int(1), Fate::LeftOut)]);
    assert_eq!(
        tp.unrepairable[0].values[0].target,
        Some(Value::Float(0.125))
    );

    // A change to another unique key is a delete and an insert: both left out together.
    let unique = keyed().index(Index::unique("uq_v", ["v"]));
    let tp = plan(
        &unique,
        &[row(1, 0.125, 1)],
        &[row(1, 0.125, 9)],
        options(false),
    );
    assert!(tp.statements.is_empty(), "{:?}", sql(&tp));
    assert_eq!(reported(&tp), [(Value::Int(1), Fate::LeftOut)]);
    let tp = plan(
        &unique,
        &[row(1, 0.125, 1)],
        &[row(1, 0.125, 9)],
        options(true),
    );
    assert_eq!(
        sql(&tp),
        [
            "DELETE FROM `s`.`t` WHERE `id` = 1 LIMIT 1",
            "INSERT INTO `s`.`t` (`id`, `f`, `v`) VALUES (1, 1.25e-1, 1)",
        ]
    );
    // Once the target holds the rounded row, there is nothing to write, whatever the style.
    for options in [replace, options(true)] {
        let tp = plan(&unique, &[row(1, 0.125, 1)], &[row(1, 0.12, 1)], options);
        assert!(tp.statements.is_empty(), "{:?}", sql(&tp));
        assert_eq!(reported(&tp), [(Value::Int(1), Fate::AlreadyStored)]);
    }
}

/// `s.k (k FLOAT(7,2) PRIMARY KEY, v INT)`: no identity key (FLOAT), compared as a multiset.
fn float_keyed() -> Table {
    Table::new("s", "k")
        .column(float2("k").real_precision(7))
        .column(Column::new("v", int()))
        .index(Index::primary(["k"]))
}

fn krow(k: f32, v: i64) -> Row {
    vec![Value::Float(k), Value::Int(v)]
}

#[test]
fn multiset_rows_pair_with_their_stored_form() {
    let table = float_keyed();
    let source = [
        krow(5.4321, 2001),
        krow(7.1234, 2002),
        krow(1.5, 3),
        krow(2.25, 4),
    ];
    // 7.12 is what writing 7.1234 stores: already as close as a write gets.
    let target = [
        krow(5.4321, -2001),
        krow(1.5, 3),
        krow(0.13, 9),
        krow(7.12, 2002),
    ];
    let tp = plan(&table, &source, &target, options(false));
    let deletes = |tp: &TablePlan| {
        tp.statements
            .iter()
            .filter(|s| matches!(s, Statement::Delete { .. }))
            .count()
    };
    assert_eq!(
        sql(&tp)[2..],
        ["INSERT INTO `s`.`k` (`k`, `v`) VALUES (2.25e0, 4)"]
    );
    assert_eq!(deletes(&tp), 2);
    assert!(sql(&tp)[..2].iter().all(|s| !s.contains("= 7.12")));
    assert_eq!(
        reported(&tp),
        [
            (Value::Float(5.4321), Fate::LeftOut),
            (Value::Float(7.1234), Fate::AlreadyStored),
        ]
    );
    assert_eq!(
        tp.unrepairable[1].describe(&table),
        "`s`.`k` row `k`=7.1234e0, `v`=2002: cannot be repaired by writing: the target \
         column's type rounds it: `k` 7.1234e0 is stored as 7.12e0 by FLOAT(7,2), the target \
         has 7.12e0; nothing to write: the target already holds what a write stores"
    );
    let tp = plan(&table, &source, &target, options(true));
    assert_eq!(deletes(&tp), 2);
    assert_eq!(
        sql(&tp)[2..],
        [
            "INSERT INTO `s`.`k` (`k`, `v`) VALUES (2.25e0, 4)",
            "INSERT INTO `s`.`k` (`k`, `v`) VALUES (5.4321e0, 2001)",
        ]
    );

    // Copies: three of 0.125 on the source, one of its stored form 0.12 on the target.
    let keyless = Table::new("s", "n").column(float2("f").real_precision(7));
    let f = |x: f32| vec![Value::Float(x)];
    let tp = plan(
        &keyless,
        &[f(0.125), f(0.125), f(0.125), f(1.0)],
        &[f(0.12)],
        options(false),
    );
    assert_eq!(sql(&tp), ["INSERT INTO `s`.`n` (`f`) VALUES (1e0)"]);
    let counts: Vec<(u64, Fate)> = tp.unrepairable.iter().map(|u| (u.count, u.fate)).collect();
    assert_eq!(counts, [(1, Fate::AlreadyStored), (2, Fate::LeftOut)]);
    assert!(tp.unrepairable[1]
        .describe(&keyless)
        .contains("`f`=1.25e-1 (2 copies)"));
}

#[test]
fn double_columns_and_values_that_store_exactly_are_not_reported() {
    let table = with_id("d")
        .column(Column::new("d", ColumnType::Double { scale: Some(3) }).real_precision(10))
        .column(Column::new("p", ColumnType::Float { scale: None }))
        .index(Index::primary(["id"]));
    let r = |id, d, p| vec![Value::Int(id), Value::Double(d), Value::Float(p)];
    // Plain FLOAT keeps 0.1337; DOUBLE(10,3) keeps 9999999.999 and -0.5, not 7.12345 or 1e7.
    let source = [
        r(1, 7.12345, 0.1337),
        r(2, 9_999_999.999, 0.1337),
        r(3, -0.5, 0.1337),
        r(4, 10_000_000.0, 1.0),
    ];
    let tp = plan(&table, &source, &[], options(false));
    assert_eq!(tp.statements.len(), 2);
    assert_eq!(
        reported(&tp),
        [
            (Value::Int(1), Fate::LeftOut),
            (Value::Int(4), Fate::LeftOut)
        ]
    );
    assert_eq!(
        tp.unrepairable[0].values[0].stored,
        Stored::Rounded(Value::Double(7.123))
    );
    assert_eq!(
        tp.unrepairable[1].values[0].stored,
        Stored::OutOfRange {
            max: "9999999.999".into()
        }
    );
}

/// `s.u (id INT PRIMARY KEY, d DOUBLE UNSIGNED, e DECIMAL(10,2) UNSIGNED, v INT)`.
fn unsigned() -> Table {
    with_id("u")
        .column(Column::new("d", ColumnType::Double { scale: None }).unsigned())
        .column(
            Column::new(
                "e",
                ColumnType::Decimal {
                    precision: 10,
                    scale: 2,
                },
            )
            .unsigned(),
        )
        .column(Column::new("v", int()))
        .index(Index::primary(["id"]))
}

fn urow(id: i64, d: f64, e: &str, v: i64) -> Row {
    vec![
        Value::Int(id),
        Value::Double(d),
        Value::text(e),
        Value::Int(v),
    ]
}

/// The source has rows 1-5 (negatives from row-based replication); the target lacks 3 and 5,
/// has 1, 2 and 4 changed, and 7 extra.
fn unsigned_sides() -> (Vec<Row>, Vec<Row>) {
    let source = vec![
        urow(1, -1.5, "1.00", 1), // `d` negative: the target has 2.5
        urow(2, 2.0, "-3.25", 2), // `e` negative: the target has 3.25, and v = 20
        urow(3, -0.5, "3.00", 3), // `d` negative, missing on the target
        urow(4, -2.0, "4.00", 4), // `d` negative on both sides; v = 40 on the target
        urow(5, 0.5, "5.00", 5),  // repairable
    ];
    let target = vec![
        urow(1, 2.5, "1.00", 1),
        urow(2, 2.0, "3.25", 20),
        urow(4, -2.0, "4.00", 40),
        urow(7, 7.0, "7.00", 7),
    ];
    (source, target)
}

#[test]
fn negatives_into_unsigned_columns_are_reported_and_left_out() {
    let table = unsigned();
    let (source, target) = unsigned_sides();
    let tp = plan(&table, &source, &target, options(false));
    // The UPDATE of row 2 still sets `v`; row 4's `d` is not written, so `v` alone is set.
    assert_eq!(
        sql(&tp),
        [
            "DELETE FROM `s`.`u` WHERE `id` = 7 LIMIT 1",
            "INSERT INTO `s`.`u` (`id`, `d`, `e`, `v`) VALUES (5, 5e-1, 5.00, 5)",
            "UPDATE `s`.`u` SET `v` = 2 WHERE `id` = 2 LIMIT 1",
            "UPDATE `s`.`u` SET `v` = 4 WHERE `id` = 4 LIMIT 1",
        ]
    );
    assert_eq!(
        reported(&tp),
        [
            (Value::Int(1), Fate::LeftOut),
            (Value::Int(2), Fate::LeftOut),
            (Value::Int(3), Fate::LeftOut),
        ]
    );
    assert!(tp
        .unrepairable
        .iter()
        .all(|u| u.values.len() == 1 && u.values[0].stored == Stored::NegativeInUnsigned));
    let lines: Vec<String> = tp.unrepairable.iter().map(|u| u.describe(&table)).collect();
    assert_eq!(
        lines,
        [
            "`s`.`u` row `id`=1: cannot be repaired by writing: the target column's type cannot \
             hold it: `d` -1.5e0 is negative in DOUBLE UNSIGNED, which the server refuses \
             (error 1264) under the plan's strict sql_mode and stores as 0 under others, the \
             target has 2.5e0; left out of the statements",
            "`s`.`u` row `id`=2: cannot be repaired by writing: the target column's type cannot \
             hold it: `e` -3.25 is negative in DECIMAL(10,2) UNSIGNED, which the server refuses \
             (error 1264) under the plan's strict sql_mode and stores as 0 under others, the \
             target has 3.25; left out of the statements",
            "`s`.`u` row `id`=3: cannot be repaired by writing: the target column's type cannot \
             hold it: `d` -5e-1 is negative in DOUBLE UNSIGNED, which the server refuses \
             (error 1264) under the plan's strict sql_mode and stores as 0 under others, the \
             target lacks the row; left out of the statements",
        ]
    );
    let mut whole = Plan::new("src", "dst", Direction::OnTarget);
    whole.tables.push(tp.clone());
    assert!(whole.warnings().is_empty(), "{:?}", whole.warnings());
    assert_eq!(whole.unrepairable_count(), 3);
    let script = whole.to_sql(500, false).unwrap();
    for line in &lines {
        assert!(
            script.contains(&format!("-- cannot repair: {line}\n")),
            "{script}"
        );
    }
    assert_eq!(Plan::from_json(&whole.to_json().unwrap()).unwrap(), whole);

    // After the repair, the same rows are reported and nothing is planned.
    let mut after = target.clone();
    apply(&table, &mut after, &tp.statements);
    let again = plan(&table, &source, &after, options(false));
    assert!(again.statements.is_empty(), "{:?}", sql(&again));
    assert_eq!(again.unrepairable, tp.unrepairable);

    // A REPLACE writes every column: row 4's `d` too, so the row is left out whole.
    let replace = PlanOptions {
        style: Style::Replace,
        ..PlanOptions::default()
    };
    let tp = plan(&table, &source, &target, replace);
    assert_eq!(
        sql(&tp),
        [
            "DELETE FROM `s`.`u` WHERE `id` = 7 LIMIT 1",
            "REPLACE INTO `s`.`u` (`id`, `d`, `e`, `v`) VALUES (5, 5e-1, 5.00, 5)",
        ]
    );
    assert_eq!(
        reported(&tp)
            .iter()
            .map(|(id, _)| id.clone())
            .collect::<Vec<_>>(),
        [1, 2, 3, 4].map(Value::Int)
    );
}

#[test]
fn negatives_into_unsigned_columns_are_written_when_asked() {
    let table = unsigned();
    let (source, target) = unsigned_sides();
    let tp = plan(&table, &source, &target, options(true));
    assert_eq!(
        sql(&tp),
        [
            "DELETE FROM `s`.`u` WHERE `id` = 7 LIMIT 1",
            "INSERT INTO `s`.`u` (`id`, `d`, `e`, `v`) VALUES (3, -5e-1, 3.00, 3)",
            "INSERT INTO `s`.`u` (`id`, `d`, `e`, `v`) VALUES (5, 5e-1, 5.00, 5)",
            "UPDATE `s`.`u` SET `d` = -1.5e0 WHERE `id` = 1 LIMIT 1",
            "UPDATE `s`.`u` SET `e` = -3.25, `v` = 2 WHERE `id` = 2 LIMIT 1",
            "UPDATE `s`.`u` SET `v` = 4 WHERE `id` = 4 LIMIT 1",
        ]
    );
    assert_eq!(
        reported(&tp),
        [
            (Value::Int(1), Fate::Written),
            (Value::Int(2), Fate::Written),
            (Value::Int(3), Fate::Written),
        ]
    );
    let mut whole = Plan::new("src", "dst", Direction::OnTarget);
    whole.tables.push(tp);
    assert_eq!(
        whole.warnings(),
        [
            "`s`.`u`: 3 negative values are written to UNSIGNED FLOAT/DOUBLE/DECIMAL columns \
             (`d` -5e-1, `d` -1.5e0, `e` -3.25), which the server refuses (error 1264, out of \
             range: only row-based replication from a signed column puts such values there), so \
             the script stops at the first of them; make the column signed where the repair runs \
             first"
        ]
    );
}

#[test]
fn negative_unsigned_keys_are_matched_and_never_written() {
    // `s.k (k DECIMAL(10,2) UNSIGNED PRIMARY KEY, v INT)`: rows are found by their negative
    // keys (`k <= 0` for the index, then the exact value), and only a write of one is refused.
    let table = Table::new("s", "k")
        .column(
            Column::new(
                "k",
                ColumnType::Decimal {
                    precision: 10,
                    scale: 2,
                },
            )
            .unsigned(),
        )
        .column(Column::new("v", int()))
        .index(Index::primary(["k"]));
    let r = |k: &str, v| vec![Value::text(k), Value::Int(v)];
    let source = [r("-2.75", 3), r("-1.50", 1), r("3.00", 4)];
    let target = [r("-4.00", 1), r("-1.50", 7)];
    let tp = plan(&table, &source, &target, options(false));
    assert_eq!(
        sql(&tp),
        [
            "DELETE FROM `s`.`k` WHERE `k` <= CAST('0.00' AS DECIMAL(65,2)) AND (`k` + 0) = \
             -4.00 LIMIT 1",
            "INSERT INTO `s`.`k` (`k`, `v`) VALUES (3.00, 4)",
            "UPDATE `s`.`k` SET `v` = 1 WHERE `k` <= CAST('0.00' AS DECIMAL(65,2)) AND (`k` + 0) \
             = -1.50 LIMIT 1",
        ]
    );
    assert_eq!(reported(&tp), [(Value::text("-2.75"), Fate::LeftOut)]);
    assert_eq!(
        tp.unrepairable[0].describe(&table),
        "`s`.`k` row `k`=-2.75: cannot be repaired by writing: the target column's type cannot \
         hold it: `k` -2.75 is negative in DECIMAL(10,2) UNSIGNED, which the server refuses \
         (error 1264) under the plan's strict sql_mode and stores as 0 under others, the target \
         lacks the row; left out of the statements"
    );
    // 0 is not negative: written as any other value.
    let tp = plan(&table, &[r("0.00", 1)], &[], options(false));
    assert!(tp.unrepairable.is_empty());

    // Keyed by an UNSIGNED DOUBLE: compared as a multiset. The extra copy is deleted by its
    // exact value; the missing one, negative, is left out.
    let multiset = Table::new("s", "m")
        .column(Column::new("d", ColumnType::Double { scale: None }).unsigned())
        .column(Column::new("v", int()))
        .index(Index::primary(["d"]));
    let m = |d, v| vec![Value::Double(d), Value::Int(v)];
    let tp = plan(
        &multiset,
        &[m(-1.5, 1), m(2.5, 2)],
        &[m(-1.5, 9)],
        options(false),
    );
    assert_eq!(
        sql(&tp),
        [
            "DELETE FROM `s`.`m` WHERE `d` <= CAST('0' AS DECIMAL(65,0)) AND (`d` + 0e0) = \
             -1.5e0 AND `v` <=> 9 LIMIT 1",
            "INSERT INTO `s`.`m` (`d`, `v`) VALUES (2.5e0, 2)",
        ]
    );
    assert_eq!(reported(&tp), [(Value::Double(-1.5), Fate::LeftOut)]);
}

/// `s.z (id INT PRIMARY KEY, f FLOAT, d DOUBLE, fm FLOAT(7,2), dm DOUBLE(10,3), v INT)`.
fn zeros() -> Table {
    with_id("z")
        .column(Column::new("f", ColumnType::Float { scale: None }))
        .column(Column::new("d", ColumnType::Double { scale: None }))
        .column(float2("fm").real_precision(7))
        .column(Column::new("dm", ColumnType::Double { scale: Some(3) }).real_precision(10))
        .column(Column::new("v", int()))
        .index(Index::primary(["id"]))
}

/// A source's `-0` (which only a row image puts in a MariaDB column) against the target's `+0`
/// is no difference, in any FLOAT or DOUBLE column, and a write of it is no loss: a row that
/// differs otherwise is written with `-0e0` and nothing is reported, not even in `FLOAT(7,2)`
/// and `DOUBLE(10,3)`, whose rounding turns it into `+0`. Once MariaDB has stored `+0` for it,
/// a second plan is empty. (Compared by bits, rows 1 and 4 were updated on every run, and the
/// `-0` of the `FLOAT(7,2)` and `DOUBLE(10,3)` reported as rounded and left out.)
#[test]
fn negative_zero_is_written_as_it_is_and_never_reported() {
    let table = zeros();
    let z = |id, x: f64, v| {
        let f = x as f32;
        let r = [
            Value::Float(f),
            Value::Double(x),
            Value::Float(f),
            Value::Double(x),
        ];
        let mut row = vec![Value::Int(id)];
        row.extend(r);
        row.push(Value::Int(v));
        row
    };
    let source = [z(1, -0.0, 1), z(2, -0.0, 2), z(3, -0.0, 3), z(4, 0.0, 4)];
    let target = [z(1, 0.0, 1), z(2, 5.0, 20), z(4, -0.0, 4)];
    for include in [false, true] {
        let tp = plan(&table, &source, &target, options(include));
        assert_eq!(reported(&tp), []);
        assert_eq!(
            sql(&tp),
            [
                "INSERT INTO `s`.`z` (`id`, `f`, `d`, `fm`, `dm`, `v`) VALUES (3, -0e0, -0e0, \
                 -0e0, -0e0, 3)",
                "UPDATE `s`.`z` SET `f` = -0e0, `d` = -0e0, `fm` = -0e0, `dm` = -0e0, `v` = 2 \
                 WHERE `id` = 2 LIMIT 1",
            ]
        );
        let mut after = target.to_vec();
        apply(&table, &mut after, &tp.statements);
        let stored = after.iter().find(|r| r[0] == Value::Int(3)).unwrap();
        assert!(matches!(stored[1], Value::Float(f) if f.is_sign_positive()));
        let again = plan(&table, &source, &after, options(include));
        assert_eq!(again.statements, [], "{again:?}");
        assert_eq!(reported(&again), []);
    }
}

/// Applies `statements` to `rows` (keyed by `id`, column 0) as MariaDB stores them: each
/// written value through the column's rounding, and `+0` for a written `-0`; a statement
/// writing a value the server refuses (beyond the range, negative in an `UNSIGNED` column)
/// fails and changes nothing.
fn apply(table: &Table, rows: &mut Vec<Row>, statements: &[Statement]) {
    let pos = |name: &str| table.columns.iter().position(|c| c.name == name);
    // `x + 0.0` is `+0` for `-0` (IEEE 754), `x` otherwise.
    let positive_zero = |v: Value| match v {
        Value::Float(f) => Value::Float(f + 0.0),
        Value::Double(d) => Value::Double(d + 0.0),
        v => v,
    };
    let store = |cv: &crate::ColumnValue| -> Option<(usize, Value)> {
        let i = pos(&cv.column)?;
        match stored_on_write(&table.columns[i], &cv.value) {
            None => Some((i, positive_zero(cv.value.clone()))),
            Some(Stored::Rounded(v)) => Some((i, positive_zero(v))),
            Some(Stored::OutOfRange { .. } | Stored::NegativeInUnsigned) => None,
        }
    };
    let id = |by: &[crate::ColumnValue]| by.first().map(|cv| cv.value.clone());
    for s in statements {
        match s {
            Statement::Delete { by, .. } => rows.retain(|r| Some(&r[0]) != id(by).as_ref()),
            Statement::Insert { values } | Statement::Replace { values } => {
                let Some(stored) = values.iter().map(store).collect::<Option<Vec<_>>>() else {
                    continue;
                };
                let mut new = vec![Value::Null; table.columns.len()];
                for (i, v) in stored {
                    new[i] = v;
                }
                rows.retain(|r| r[0] != new[0]);
                rows.push(new);
            }
            Statement::Update { set, by } => {
                let Some(stored) = set.iter().map(store).collect::<Option<Vec<_>>>() else {
                    continue;
                };
                for r in rows.iter_mut().filter(|r| Some(&r[0]) == id(by).as_ref()) {
                    for (i, v) in &stored {
                        r[*i] = v.clone();
                    }
                }
            }
        }
    }
}

fn arb_f() -> impl Strategy<Value = f32> {
    prop_oneof![
        // What the column stores: at most 2 decimals, within the range.
        (-9_999_999i32..=9_999_999).prop_map(|c| (f64::from(c) / 100.0) as f32),
        // Kept by an in-place ALTER: more decimals, or beyond the range.
        (-1_000_000i32..=1_000_000).prop_map(|c| c as f32 / 1024.0),
        (-2e5f32..2e5f32),
        // Either zero: a row image can carry -0, a write stores +0.
        Just(-0.0f32),
        Just(0.0f32),
    ]
}

fn arb_rows() -> impl Strategy<Value = Vec<Row>> {
    prop::collection::btree_map(0i64..12, (arb_f(), 0i64..3), 0..10)
        .prop_map(|m| m.into_iter().map(|(id, (f, v))| row(id, f, v)).collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// By default no statement writes a value the column cannot store; after the repair a
    /// second plan is empty, and the rows still differing are exactly the reported ones. Asked
    /// to write them, the second plan writes only values the server refuses. With `f`
    /// `UNSIGNED` (negatives put there by row-based replication), the same.
    #[test]
    fn a_repair_then_a_replan_plans_nothing(
        source in arb_rows(),
        target in arb_rows(),
        include in any::<bool>(),
        replace in any::<bool>(),
        unsigned in any::<bool>(),
    ) {
        let mut table = keyed();
        table.columns[1].unsigned = unsigned;
        let options = PlanOptions {
            include_unrepairable: include,
            style: if replace { Style::Replace } else { Style::Minimal },
            ..PlanOptions::default()
        };
        let first = plan(&table, &source, &target, options);
        let written = first.statements.iter().flat_map(|s| match s {
            Statement::Insert { values } | Statement::Replace { values } => values.clone(),
            Statement::Update { set, .. } => set.clone(),
            Statement::Delete { .. } => Vec::new(),
        });
        let lossy = written
            .filter(|cv| cv.column == "f")
            .filter(|cv| stored_on_write(&table.columns[1], &cv.value).is_some())
            .count();
        if !include {
            prop_assert_eq!(lossy, 0);
        }
        let mut after = target.clone();
        apply(&table, &mut after, &first.statements);
        let again = plan(&table, &source, &after, options);
        for s in &again.statements {
            let written = match s {
                Statement::Insert { values } | Statement::Replace { values } => values,
                Statement::Update { set, .. } => set,
                Statement::Delete { .. } => {
                    prop_assert!(false, "{:?}", s);
                    continue;
                }
            };
            prop_assert!(include, "{:?}", s);
            prop_assert!(written.iter().any(|cv| matches!(
                stored_on_write(&table.columns[1], &cv.value),
                Some(Stored::OutOfRange { .. } | Stored::NegativeInUnsigned)
            )), "{:?}", s);
        }
        // Every row that still differs is reported, and no other.
        let differing: Vec<Value> = diff_rows(&table, &source, &after)
            .unwrap()
            .iter()
            .map(|d| match d {
                crate::Difference::Missing { row, .. } | crate::Difference::Extra { row, .. } => row[0].clone(),
                crate::Difference::Changed { source, .. } => source[0].clone(),
            })
            .collect();
        let reported: Vec<Value> = again.unrepairable.iter().map(|u| u.row[0].value.clone()).collect();
        prop_assert_eq!(differing, reported);
    }
}
