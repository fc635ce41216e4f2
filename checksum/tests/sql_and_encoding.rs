//! The SQL text of both algorithms and the client-side row encoding, without a server.

use checksum::{Algorithm, Dialect, RowPlan, Scope};
use chunker::{Collation, Column, ColumnType, Table, TextKind, Value};
use proptest::prelude::*;

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
            max_len: 20,
        },
    )
    .collation(Collation::new("utf8mb4_general_ci"))
}

#[test]
fn pt_sql_is_pt_table_checksums_text() {
    // pt's own --explain fixture (t/pt-table-checksum/samples/char-chunk-ascii-explain.txt).
    let table = Table::new("test", "ascii")
        .column(int("i"))
        .column(varchar("c"));
    let plan = RowPlan::new(&table, Algorithm::Pt, Dialect::MariaDb);
    assert_eq!(
        plan.crc_sql(),
        "COALESCE(LOWER(CONV(BIT_XOR(CAST(CRC32(CONCAT_WS('#', `i`, convert(`c` using utf8mb4))) \
         AS UNSIGNED)), 10, 16)), 0)"
    );
    let scope = Scope {
        index: Some("c"),
        predicate: Some("((`c` >= ?)) AND ((`c` <= ?))"),
    };
    assert_eq!(
        plan.replicate_sql("`percona`.`checksums`", &scope),
        format!(
            "REPLACE INTO `percona`.`checksums` (db, tbl, chunk, chunk_index, lower_boundary, \
             upper_boundary, this_cnt, this_crc) SELECT ?, ?, ?, ?, ?, ?, COUNT(*) AS cnt, {} AS crc \
             FROM `test`.`ascii` FORCE INDEX (`c`) WHERE ((`c` >= ?)) AND ((`c` <= ?))",
            plan.crc_sql()
        )
    );
}

#[test]
fn pt_per_type_expressions_and_null_bitmap() {
    let table = Table::new("d", "t")
        .column(int("id"))
        .column(Column::new("ts", ColumnType::Timestamp { fsp: 6 }).nullable())
        .column(Column::new(
            "b",
            ColumnType::Binary {
                kind: TextKind::Lob,
                max_len: 65_535,
            },
        ))
        .column(Column::new("j", ColumnType::Json).nullable())
        .column(Column::new(
            "e",
            ColumnType::Enum {
                variants: vec!["x".into()],
            },
        ));
    let maria = RowPlan::new(&table, Algorithm::Pt, Dialect::MariaDb);
    assert_eq!(
        maria.row_hash_sql(),
        "CRC32(CONCAT_WS('#', `id`, UNIX_TIMESTAMP(`ts`), CRC32(`b`), CRC32(`j`), \
         convert(`e` using utf8mb4), CONCAT(ISNULL(`ts`), ISNULL(`j`))))"
    );
    // On MySQL JSON is its own type, which pt converts instead of CRC32-ing.
    let mysql = RowPlan::new(&table, Algorithm::Pt, Dialect::from_version("8.0.36"));
    assert!(mysql.row_hash_sql().contains("convert(`j` using utf8mb4)"));
    // One NOT NULL column: no CONCAT_WS at all.
    let single = Table::new("d", "one").column(Column::new(
        "b",
        ColumnType::Binary {
            kind: TextKind::Var,
            max_len: 8,
        },
    ));
    let plan = RowPlan::new(&single, Algorithm::Pt, Dialect::MariaDb);
    assert_eq!(plan.row_hash_sql(), "CRC32(CRC32(`b`))");
}

#[test]
fn strong_sql_quotes_every_column() {
    let table = Table::new("d", "t")
        .column(int("id"))
        .column(Column::new("f", ColumnType::Float { scale: None }).nullable())
        .column(Column::new("bits", ColumnType::Bit { bits: 3 }))
        .column(varchar("v").nullable())
        .column(Column::new("ts", ColumnType::Timestamp { fsp: 0 }));
    let plan = RowPlan::new(&table, Algorithm::Strong, Dialect::MariaDb);
    assert_eq!(
        plan.row_hash_sql(),
        "CAST(CONV(LEFT(MD5(CONCAT(QUOTE(`id`), QUOTE(CAST(`f` AS DOUBLE)), QUOTE((`bits` + 0)), \
         QUOTE(CAST(`v` AS BINARY)), QUOTE(UNIX_TIMESTAMP(`ts`)))), 16), 16, 10) AS UNSIGNED)"
    );
    assert_eq!(
        plan.crc_sql(),
        format!(
            "COALESCE(LPAD(LOWER(CONV(MOD(SUM({}), 18446744073709551616), 10, 16)), 16, '0'), \
             '0000000000000000')",
            plan.row_hash_sql()
        )
    );
    let old = RowPlan::new(&table, Algorithm::Strong, Dialect::from_version("5.7.44"));
    assert!(old.row_hash_sql().contains("QUOTE((`f` + 0e0))"));
    assert_eq!(
        plan.rows_sql(&Scope::default()),
        "SELECT /*checksum rows*/ `id`, `f`, `bits`, `v`, `ts` FROM `d`.`t`"
    );
}

fn two_text() -> Table {
    Table::new("d", "t")
        .column(varchar("a").nullable())
        .column(varchar("b").nullable())
}

fn encode(plan: &RowPlan, row: &[Value]) -> Vec<u8> {
    let mut out = Vec::new();
    plan.encode_row(row, &mut out)
        .unwrap_or_else(|e| panic!("{e}"));
    out
}

#[test]
fn strong_encoding_separates_what_pt_confuses() {
    let t = two_text();
    let strong = RowPlan::new(&t, Algorithm::Strong, Dialect::MariaDb);
    let pt = RowPlan::new(&t, Algorithm::Pt, Dialect::MariaDb);
    let r1 = [Value::text("a#b"), Value::text("c")];
    let r2 = [Value::text("a"), Value::text("b#c")];
    assert_eq!(
        encode(&pt, &r1),
        encode(&pt, &r2),
        "pt's CONCAT_WS ambiguity"
    );
    assert_ne!(encode(&strong, &r1), encode(&strong, &r2));
    assert_eq!(encode(&strong, &r1), b"'a#b''c'");
    let nulls = [Value::Null, Value::text("NULL")];
    assert_eq!(encode(&strong, &nulls), b"NULL'NULL'");
    assert_eq!(encode(&pt, &nulls), b"NULL#10");
}

#[test]
fn zerofill_sql_is_unchanged_and_the_client_pads() {
    // Widths and padded texts as MariaDB 10.11 prints INT(4), DECIMAL(8,2), FLOAT(7,2) and
    // DOUBLE ZEROFILL (`0042`, `000001.50`, `0001.50`, `00000000000000000002.5`).
    let table = Table::new("d", "t")
        .column(
            Column::new(
                "i",
                ColumnType::Integer {
                    bytes: 4,
                    unsigned: true,
                },
            )
            .zerofill(4),
        )
        .column(
            Column::new(
                "d",
                ColumnType::Decimal {
                    precision: 8,
                    scale: 2,
                },
            )
            .zerofill(9)
            .nullable(),
        )
        .column(Column::new("f", ColumnType::Float { scale: Some(2) }).zerofill(7))
        .column(Column::new("g", ColumnType::Double { scale: None }).zerofill(22));
    let strong = RowPlan::new(&table, Algorithm::Strong, Dialect::MariaDb);
    let pt = RowPlan::new(&table, Algorithm::Pt, Dialect::MariaDb);
    assert_eq!(
        strong.row_hash_sql(),
        "CAST(CONV(LEFT(MD5(CONCAT(QUOTE(`i`), QUOTE(`d`), QUOTE(CAST(`f` AS DOUBLE)), \
         QUOTE(CAST(`g` AS DOUBLE)))), 16), 16, 10) AS UNSIGNED)"
    );
    assert_eq!(
        pt.row_hash_sql(),
        "CRC32(CONCAT_WS('#', `i`, `d`, `f`, `g`, CONCAT(ISNULL(`d`))))"
    );
    // DECIMAL text as the binary protocol sends it (MariaDB pads it), and unpadded.
    for d in ["1.50", "000001.50"] {
        let row = [
            Value::UInt(42),
            Value::Bytes(d.into()),
            Value::Float(1.5),
            Value::Double(2.5),
        ];
        assert_eq!(encode(&strong, &row), b"'0042''000001.50''1.5''2.5'");
        assert_eq!(
            encode(&pt, &row),
            b"0042#000001.50#0001.50#00000000000000000002.5#0"
        );
    }
    let wide = [
        Value::UInt(12345),
        Value::Null,
        Value::Float(12345.67),
        Value::Double(1e300),
    ];
    assert_eq!(
        encode(&strong, &wide),
        b"'12345'NULL'12345.669921875''1e300'"
    );
    assert_eq!(
        encode(&pt, &wide),
        b"12345#12345.67#000000000000000001e300#1"
    );
}

#[test]
fn wrong_rows_are_errors_that_name_table_and_column() {
    let plan = RowPlan::new(&two_text(), Algorithm::Strong, Dialect::MariaDb);
    let e = plan.hash_row(&[Value::Null]).err().map(|e| e.to_string());
    assert_eq!(
        e.as_deref(),
        Some("table d.t: row has 1 values but the table has 2 columns")
    );
    let mut h = plan.hasher(Some(4));
    let e = h
        .push_row(&[Value::Int(1), Value::Null])
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        e.as_deref(),
        Some("table d.t chunk 4: column a (bytes) got value Int(1)")
    );
    assert_eq!(h.finish().rows, 0, "a refused row is not counted");
}

fn any_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<i64>().prop_map(Value::Int),
        any::<u64>().prop_map(Value::UInt),
        any::<f32>().prop_map(Value::Float),
        any::<f64>().prop_map(Value::Double),
        proptest::collection::vec(any::<u8>(), 0..12).prop_map(Value::Bytes),
        (any::<u16>(), any::<u8>(), any::<u8>()).prop_map(|(year, month, day)| Value::Date {
            year,
            month,
            day
        }),
        (
            any::<bool>(),
            any::<u32>(),
            any::<u8>(),
            any::<u8>(),
            any::<u32>()
        )
            .prop_map(|(negative, hours, minutes, seconds, micros)| Value::Time {
                negative,
                hours,
                minutes,
                seconds,
                micros
            }),
    ]
}

fn every_type() -> Table {
    let types = [
        ColumnType::Integer {
            bytes: 8,
            unsigned: true,
        },
        ColumnType::Decimal {
            precision: 10,
            scale: 2,
        },
        ColumnType::Float { scale: None },
        ColumnType::Double { scale: None },
        ColumnType::Bit { bits: 64 },
        ColumnType::Text {
            kind: TextKind::Fixed,
            max_len: 4,
        },
        ColumnType::Binary {
            kind: TextKind::Lob,
            max_len: 10,
        },
        ColumnType::Date,
        ColumnType::DateTime { fsp: 6 },
        ColumnType::Timestamp { fsp: 3 },
        ColumnType::Time { fsp: 2 },
        ColumnType::Year,
        ColumnType::Set { members: vec![] },
        ColumnType::Json,
    ];
    types
        .into_iter()
        .enumerate()
        .fold(Table::new("d", "all"), |t, (i, ty)| {
            t.column(
                Column::new(format!("c{i}"), ty)
                    .nullable()
                    .collation(Collation::new("latin1_bin")),
            )
        })
}

proptest! {
    /// Different rows of nullable strings never encode alike under strong.
    #[test]
    fn strong_encoding_is_injective(
        a in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..6)),
        b in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..6)),
        c in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..6)),
        d in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..6)),
    ) {
        let plan = RowPlan::new(&two_text(), Algorithm::Strong, Dialect::MariaDb);
        let v = |x: &Option<Vec<u8>>| x.clone().map_or(Value::Null, Value::Bytes);
        let (r1, r2) = ([v(&a), v(&b)], [v(&c), v(&d)]);
        prop_assert_eq!(encode(&plan, &r1) == encode(&plan, &r2), r1 == r2);
    }

    /// Any values in any column type: an error or a hash, never a panic; and a chunk's
    /// checksum does not depend on row order.
    #[test]
    fn any_input_is_handled(rows in proptest::collection::vec(proptest::collection::vec(any_value(), 14), 1..5)) {
        let table = every_type();
        for algorithm in [Algorithm::Strong, Algorithm::Pt, Algorithm::Fast] {
            let plan = RowPlan::new(&table, algorithm, Dialect::MariaDb);
            let (mut fwd, mut back) = (plan.hasher(None), plan.hasher(None));
            for row in &rows {
                let _ = fwd.push_row(row);
            }
            for row in rows.iter().rev() {
                let _ = back.push_row(row);
            }
            prop_assert_eq!(fwd.finish(), back.finish());
        }
    }
}
