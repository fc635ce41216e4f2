//! Index choice: one test per rule, the no-index reasons and prefix parts.

use super::*;
use crate::model::{Column, IndexColumn, TextKind};

fn int(name: &str) -> Column {
    Column::new(
        name,
        ColumnType::Integer {
            bytes: 4,
            unsigned: false,
        },
    )
}

fn varchar(name: &str) -> Column {
    Column::new(
        name,
        ColumnType::Text {
            kind: TextKind::Var,
            max_len: 64,
        },
    )
    .collation(Collation::new("utf8mb4_general_ci"))
}

fn table() -> Table {
    Table::new("d", "t")
        .column(int("id"))
        .column(int("a"))
        .column(int("b").nullable())
        .column(varchar("s"))
        .column(Column::new("j", ColumnType::Json))
}

fn chosen(choice: &KeyChoice) -> (&str, Rule, Vec<&str>) {
    let key = choice.key().expect("an index");
    (key.index.as_str(), key.rule, key.column_names().collect())
}

#[test]
fn requested_index_wins() {
    let t = table()
        .index(Index::primary(["id"]))
        .index(Index::non_unique("by_a", ["a"]));
    let c = choose_key(&t, Some("BY_A")).expect("choice");
    assert_eq!(chosen(&c), ("by_a", Rule::Requested, vec!["a"]));
    assert!(!c.key().expect("key").unique);
}

#[test]
fn requested_index_missing_or_unusable_is_an_error() {
    let t = table().index(Index::non_unique("by_j", ["j"]));
    let e = choose_key(&t, Some("nope")).expect_err("missing");
    assert_eq!(e.to_string(), "table d.t: no index named \"nope\"");
    let e = choose_key(&t, Some("by_j")).expect_err("json");
    assert!(e.to_string().contains("cannot bound chunks"), "{e}");
}

#[test]
fn primary_key_before_unique() {
    let t = table()
        .index(Index::unique("u_a", ["a"]))
        .index(Index::primary(["id", "a"]));
    let c = choose_key(&t, None).expect("choice");
    assert_eq!(chosen(&c), ("PRIMARY", Rule::Primary, vec!["id", "a"]));
    assert!(c.key().expect("key").unique);
}

#[test]
fn unique_not_null_with_fewest_columns() {
    let t = table()
        .index(Index::unique("u_nullable", ["b"]))
        .index(Index::unique("u_two", ["a", "s"]))
        .index(Index::unique("u_one", ["s"]));
    let c = choose_key(&t, None).expect("choice");
    assert_eq!(chosen(&c), ("u_one", Rule::UniqueNotNull, vec!["s"]));
}

#[test]
fn unique_with_nullable_column_counts_as_non_unique() {
    let t = table()
        .index(Index::unique("u_nullable", ["b"]).cardinality(10))
        .index(Index::non_unique("k_a", ["a"]).cardinality(5));
    let c = choose_key(&t, None).expect("choice");
    assert_eq!(chosen(&c), ("u_nullable", Rule::BestCardinality, vec!["b"]));
    assert!(!c.key().expect("key").unique);
}

#[test]
fn best_cardinality_then_more_columns_then_order() {
    let t = table()
        .index(Index::non_unique("k_a", ["a"]).cardinality(100))
        .index(Index::non_unique("k_s", ["s"]).cardinality(900))
        .index(Index::non_unique("k_as", ["a", "s"]).cardinality(900));
    let c = choose_key(&t, None).expect("choice");
    assert_eq!(chosen(&c), ("k_as", Rule::BestCardinality, vec!["a", "s"]));

    let t = table()
        .index(Index::non_unique("first", ["a"]))
        .index(Index::non_unique("second", ["s"]));
    let c = choose_key(&t, None).expect("choice");
    assert_eq!(chosen(&c).0, "first", "no estimates: declaration order");
}

#[test]
fn prefix_parts_cut_the_key_short() {
    let mut idx = Index::unique("u", ["a", "s", "id"]);
    idx.columns[1] = IndexColumn {
        name: "s".into(),
        prefix_len: Some(10),
    };
    let t = table().index(idx);
    let c = choose_key(&t, None).expect("choice");
    let key = c.key().expect("key");
    assert_eq!(key.column_names().collect::<Vec<_>>(), ["a"]);
    assert!(!key.unique, "cut short: no longer unique");
    assert_eq!(key.rule, Rule::BestCardinality);
    assert!(key.note.as_deref().unwrap_or("").contains("prefix (10)"));
}

#[test]
fn leading_prefix_part_skips_the_index() {
    let mut idx = Index::non_unique("k_s", ["s"]);
    idx.columns[0].prefix_len = Some(4);
    let t = table().index(idx).index(Index::non_unique("k_j", ["j"]));
    let c = choose_key(&t, None).expect("choice");
    let Strategy::WholeTable { reason } = &c.strategy else {
        panic!("expected whole table, got {c:?}");
    };
    assert!(
        reason.contains("k_s: key part \"s\" is a prefix (4)"),
        "{reason}"
    );
    assert!(
        reason.contains("k_j: key part \"j\" has type Json"),
        "{reason}"
    );
    assert_eq!(c.skipped.len(), 2);
}

#[test]
fn no_index_gets_an_explicit_strategy() {
    let c = choose_key(&table(), None).expect("choice");
    assert_eq!(
        c.strategy,
        Strategy::WholeTable {
            reason: "the table has no index".into()
        }
    );
    assert!(c.key().is_none());
}

#[test]
fn index_naming_a_missing_column_is_skipped() {
    let t = table()
        .index(Index::primary(["ghost"]))
        .index(Index::non_unique("k_a", ["a"]));
    let c = choose_key(&t, None).expect("choice");
    assert_eq!(chosen(&c).0, "k_a");
    assert_eq!(c.skipped[0].index, "PRIMARY");
    assert!(c.skipped[0].reason.contains("\"ghost\""));
}

#[test]
fn empty_table_model_is_an_error() {
    let e = choose_key(&Table::new("d", "t"), None).expect_err("empty");
    assert!(e.to_string().contains("no such table"));
}

#[test]
fn every_real_key_type_is_chunkable() {
    let types = [
        ColumnType::Integer {
            bytes: 8,
            unsigned: true,
        },
        ColumnType::Decimal {
            precision: 30,
            scale: 4,
        },
        ColumnType::Binary {
            kind: TextKind::Fixed,
            max_len: 16,
        },
        ColumnType::Date,
        ColumnType::DateTime { fsp: 6 },
        ColumnType::Timestamp { fsp: 3 },
        ColumnType::Time { fsp: 0 },
        ColumnType::Year,
        ColumnType::Enum {
            variants: vec!["x".into(), "y".into()],
        },
    ];
    for ty in types {
        let t = Table::new("d", "t")
            .column(Column::new("k", ty.clone()))
            .index(Index::primary(["k"]));
        let c = choose_key(&t, None).expect("choice");
        assert_eq!(chosen(&c).1, Rule::Primary, "{ty:?}");
    }
}

#[test]
fn expressions_for_numbered_and_decimal_parts() {
    let k = |ty| KeyColumn {
        name: "c`".into(),
        column_type: ty,
        nullable: false,
        collation: None,
        unsigned: false,
    };
    let e = k(ColumnType::Enum {
        variants: vec!["a".into()],
    });
    assert_eq!(e.select_expr(), "CAST(`c``` AS UNSIGNED)");
    assert_eq!(e.placeholder(), "?");
    let d = k(ColumnType::Decimal {
        precision: 65,
        scale: 30,
    });
    assert_eq!(d.select_expr(), "`c```");
    assert_eq!(d.placeholder(), "CAST(? AS DECIMAL(65,30))");
}
