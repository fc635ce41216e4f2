use chunker::{Collation, Column, ColumnType, TextKind, Value};
use proptest::prelude::*;

use super::*;
use crate::test_tables::{float2, int, with_id};

fn col(t: ColumnType) -> Column {
    Column::new("c", t)
}

fn text_col(collation: &str) -> Column {
    col(ColumnType::Text {
        kind: TextKind::Var,
        max_len: 100,
    })
    .collation(Collation::new(collation))
}

#[test]
fn every_type_has_its_literal() {
    let int = col(ColumnType::Integer {
        bytes: 8,
        unsigned: true,
    });
    assert_eq!(
        literal(&int, &Value::UInt(u64::MAX)).unwrap(),
        "18446744073709551615"
    );
    assert_eq!(literal(&int, &Value::Int(-5)).unwrap(), "-5");
    assert_eq!(literal(&int, &Value::Null).unwrap(), "NULL");
    let dec = col(ColumnType::Decimal {
        precision: 10,
        scale: 2,
    });
    assert_eq!(literal(&dec, &Value::text("-12.50")).unwrap(), "-12.50");
    assert!(literal(&dec, &Value::text("1; DROP")).is_err());
    assert!(literal(&dec, &Value::text("1e5")).is_err());
    assert!(literal(&dec, &Value::Double(1.5)).is_err());
    let d = col(ColumnType::Double { scale: None });
    assert_eq!(literal(&d, &Value::Double(-2.5)).unwrap(), "-2.5e0");
    assert!(literal(&d, &Value::Double(f64::NAN)).is_err());
    let bit = col(ColumnType::Bit { bits: 10 });
    assert_eq!(
        literal(&bit, &Value::Bytes(vec![2, 5])).unwrap(),
        "b'1000000101'"
    );
    assert_eq!(literal(&bit, &Value::Bytes(vec![0, 0])).unwrap(), "b'0'");
    assert_eq!(literal(&bit, &Value::UInt(3)).unwrap(), "b'11'");
    let bin = col(ColumnType::Binary {
        kind: TextKind::Var,
        max_len: 4,
    });
    assert_eq!(
        literal(&bin, &Value::Bytes(vec![0, 0xff])).unwrap(),
        "X'00ff'"
    );
    assert_eq!(literal(&bin, &Value::Bytes(vec![])).unwrap(), "''");
    let date = col(ColumnType::Date);
    let v = Value::Date {
        year: 2024,
        month: 2,
        day: 29,
    };
    assert_eq!(literal(&date, &v).unwrap(), "'2024-02-29'");
    let dt = col(ColumnType::Timestamp { fsp: 6 });
    let v = Value::DateTime {
        year: 1999,
        month: 12,
        day: 31,
        hour: 23,
        minute: 59,
        second: 59,
        micros: 1,
    };
    assert_eq!(literal(&dt, &v).unwrap(), "'1999-12-31 23:59:59.000001'");
    let time = col(ColumnType::Time { fsp: 6 });
    let v = Value::Time {
        negative: true,
        hours: 838,
        minutes: 59,
        seconds: 59,
        micros: 500_000,
    };
    assert_eq!(literal(&time, &v).unwrap(), "'-838:59:59.500000'");
    let year = col(ColumnType::Year);
    assert_eq!(literal(&year, &Value::Int(0)).unwrap(), "0");
    let json = col(ColumnType::Json);
    assert_eq!(
        literal(&json, &Value::text("{\"a\":\"'\"}")).unwrap(),
        "_utf8mb4 X'7b2261223a2227227d'"
    );
    let e = col(ColumnType::Enum {
        variants: vec!["x".into()],
    })
    .collation(Collation::new("latin1_swedish_ci"));
    assert_eq!(literal(&e, &Value::text("x")).unwrap(), "'x'");
}

#[test]
fn strings_never_depend_on_sql_mode() {
    let c = text_col("latin1_swedish_ci");
    // A backslash and a quote: both would need mode-dependent escaping, so hex is used.
    assert_eq!(
        literal(&c, &Value::text("a\\'b")).unwrap(),
        "_latin1 X'615c2762'"
    );
    assert_eq!(
        literal(&c, &Value::Bytes(vec![0xe9])).unwrap(),
        "_latin1 X'e9'"
    );
    assert_eq!(literal(&c, &Value::text("")).unwrap(), "''");
    assert_eq!(
        literal(&c, &Value::text("tab\t")).unwrap(),
        "_latin1 X'74616209'"
    );
    let b = text_col("binary");
    assert_eq!(literal(&b, &Value::text("\n")).unwrap(), "X'0a'");
}

#[test]
fn exact_match_compares_bytes_and_bits() {
    let t = text_col("utf8mb4_general_ci");
    assert_eq!(
        exact_match("s.t", &t, &Value::text("a")).unwrap(),
        "CAST(`c` AS BINARY) <=> X'61'"
    );
    assert_eq!(exact_match("s.t", &t, &Value::Null).unwrap(), "`c` IS NULL");
    let f = col(ColumnType::Float { scale: None });
    assert_eq!(
        exact_match("s.t", &f, &Value::Float(0.1)).unwrap(),
        "`c` <=> 1.0000000149011612e-1"
    );
}

#[test]
fn exact_match_finds_fixed_decimal_values_through_a_widened_range() {
    // FLOAT(7,2) holding 0.135 (an in-place ALTER): the range for the index, then the float's
    // exact value compared as a double, which the server cannot round to 0.14.
    let f = col(ColumnType::Float { scale: Some(2) });
    assert_eq!(
        exact_match("s.t", &f, &Value::Float(0.135)).unwrap(),
        "`c` >= CAST('0.12' AS DECIMAL(65,2)) AND `c` <= CAST('0.16' AS DECIMAL(65,2)) \
         AND (`c` + 0e0) = 1.3500000536441803e-1"
    );
    let d = col(ColumnType::Double { scale: Some(3) });
    assert_eq!(
        exact_match("s.t", &d, &Value::Double(-10_000_000.5)).unwrap(),
        "`c` >= CAST('-10000000.502' AS DECIMAL(65,3)) \
         AND `c` <= CAST('-10000000.498' AS DECIMAL(65,3)) AND (`c` + 0e0) = -1.00000005e7"
    );
    // Beyond 1e34 the outward side is open; NULL and plain FLOAT/DOUBLE are unchanged.
    assert_eq!(
        exact_match("s.t", &f, &Value::Float(-1e36)).unwrap(),
        "`c` <= CAST('-10000000000000000000000000000000000' AS DECIMAL(65,2)) \
         AND (`c` + 0e0) = -9.999999616903162e35"
    );
    assert_eq!(exact_match("s.t", &f, &Value::Null).unwrap(), "`c` IS NULL");
    let plain = col(ColumnType::Double { scale: None });
    assert_eq!(
        exact_match("s.t", &plain, &Value::Double(0.135)).unwrap(),
        "`c` <=> 1.35e-1"
    );
    // A keyless delete joins the columns' matches with AND, key types as before.
    let table = with_id("t")
        .column(float2("k"))
        .index(chunker::Index::primary(["id", "k"]));
    let by = [("id", Value::Int(1)), ("k", Value::Float(0.125))].map(|(c, v)| crate::ColumnValue {
        column: c.into(),
        value: v,
    });
    let delete = crate::Statement::Delete {
        by: by.to_vec(),
        exact: true,
    };
    let plan = crate::TablePlan {
        table,
        key: None,
        statements: vec![],
        unrepairable: vec![],
    };
    assert_eq!(
        crate::statement_sql(&plan, &delete).unwrap(),
        "DELETE FROM `s`.`t` WHERE `id` <=> 1 AND `k` >= CAST('0.10' AS DECIMAL(65,2)) \
         AND `k` <= CAST('0.15' AS DECIMAL(65,2)) AND (`k` + 0e0) = 1.25e-1 LIMIT 1"
    );
}

#[test]
fn negative_values_of_unsigned_columns_are_matched_below_zero_exactly() {
    // MariaDB clamps the constant of `k <=> -1.5e0` / `k = -1.50` to 0 before an index lookup
    // on an UNSIGNED column: the row is found through `k <= 0` and the exact comparison.
    let f = col(ColumnType::Float { scale: None }).unsigned();
    assert_eq!(
        exact_match("t", &f, &Value::Float(-1.5)).unwrap(),
        "`c` <= CAST('0' AS DECIMAL(65,0)) AND (`c` + 0e0) = -1.5e0"
    );
    assert_eq!(
        exact_match("t", &f, &Value::Float(1.5)).unwrap(),
        "`c` <=> 1.5e0"
    );
    let dec = |unsigned| {
        let c = col(ColumnType::Decimal {
            precision: 10,
            scale: 2,
        });
        if unsigned {
            c.unsigned()
        } else {
            c
        }
    };
    assert_eq!(
        exact_match("t", &dec(true), &Value::text("-1.50")).unwrap(),
        "`c` <= CAST('0.00' AS DECIMAL(65,2)) AND (`c` + 0) = -1.50"
    );
    assert_eq!(
        exact_match("t", &dec(false), &Value::text("-1.50")).unwrap(),
        "`c` <=> -1.50"
    );
    // As an identity key: the update and delete by key.
    let table = chunker::Table::new("s", "t")
        .column(dec(true))
        .column(Column::new("v", int()))
        .index(chunker::Index::primary(["c"]));
    let cv = |c: &str, v| crate::ColumnValue {
        column: c.into(),
        value: v,
    };
    let plan = crate::TablePlan {
        table,
        key: None,
        statements: vec![],
        unrepairable: vec![],
    };
    let delete = crate::Statement::Delete {
        by: vec![cv("c", Value::text("-1.50"))],
        exact: false,
    };
    assert_eq!(
        crate::statement_sql(&plan, &delete).unwrap(),
        "DELETE FROM `s`.`t` WHERE `c` <= CAST('0.00' AS DECIMAL(65,2)) AND (`c` + 0) = -1.50 \
         LIMIT 1"
    );
    let update = crate::Statement::Update {
        set: vec![cv("v", Value::Int(7))],
        by: vec![cv("c", Value::text("1.50"))],
    };
    assert_eq!(
        crate::statement_sql(&plan, &update).unwrap(),
        "UPDATE `s`.`t` SET `v` = 7 WHERE `c` = 1.50 LIMIT 1"
    );
}

#[test]
fn float_extremes_stay_within_the_server_range() {
    let f = col(ColumnType::Float { scale: None });
    // The shortest text of f32::MAX (3.4028235e38) is above FLT_MAX as a DOUBLE: the server
    // rejects it as out of range, so the exact widened value is written instead.
    assert_eq!(
        literal(&f, &Value::Float(f32::MAX)).unwrap(),
        "3.4028234663852886e38"
    );
    assert_eq!(
        literal(&f, &Value::Float(f32::MIN)).unwrap(),
        "-3.4028234663852886e38"
    );
    assert_eq!(
        literal(&f, &Value::Float(f32::from_bits(1))).unwrap(),
        "1e-45"
    );
    assert_eq!(literal(&f, &Value::Float(773.7831)).unwrap(), "7.737831e2");
}

#[test]
fn errors_name_the_column() {
    let f = col(ColumnType::Float { scale: None });
    let e = literal_in("db.t", &f, &Value::Float(f32::INFINITY)).unwrap_err();
    assert!(e.to_string().contains("db.t") && e.to_string().contains("column c"));
    assert!(literal(&f, &Value::Double(1.0)).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    /// The FLOAT literal, parsed as the server does (correctly rounded DOUBLE, then narrowed),
    /// gives back the same bits.
    #[test]
    fn float_literal_round_trips(bits in any::<u32>()) {
        let f = f32::from_bits(bits);
        prop_assume!(f.is_finite());
        let text = float_literal(f).unwrap();
        let back = text.parse::<f64>().unwrap() as f32;
        prop_assert_eq!(back.to_bits(), f.to_bits());
    }

    /// The stronger claim the FLOAT rule relies on only as a check: the shortest f32 text itself
    /// survives DOUBLE parsing and narrowing (no double-rounding failure was ever found), except
    /// at the very top of the range, where the server's range check refuses it.
    #[test]
    fn shortest_f32_text_survives_double_parse(bits in any::<u32>()) {
        let f = f32::from_bits(bits);
        prop_assume!(f.is_finite() && f.abs() < 3.4e38);
        let text = format!("{f:e}");
        prop_assert!(short_survives_double_parse(f, &text));
    }

    /// The widened form used in WHERE is exact: it parses to the float's own value as a double.
    #[test]
    fn widened_float_is_exact(bits in any::<u32>()) {
        let f = f32::from_bits(bits);
        prop_assume!(f.is_finite());
        let d = widened_f32(f).unwrap().parse::<f64>().unwrap();
        prop_assert_eq!(d.to_bits(), f64::from(f).to_bits());
    }

    /// The DOUBLE literal round-trips bit for bit.
    #[test]
    fn double_literal_round_trips(bits in any::<u64>()) {
        let d = f64::from_bits(bits);
        prop_assume!(d.is_finite());
        let back = double_literal(d).unwrap().parse::<f64>().unwrap();
        prop_assert_eq!(back.to_bits(), d.to_bits());
    }

    /// Any bytes give a literal made of safe characters only: no quote inside the quoted part,
    /// no backslash anywhere.
    #[test]
    fn text_literals_are_mode_independent(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
        let lit = literal(&text_col("utf8mb4_bin"), &Value::Bytes(bytes)).unwrap();
        prop_assert!(!lit.contains('\\'));
        let inner = lit.strip_prefix("_utf8mb4 X").unwrap_or(&lit);
        prop_assert!(inner.starts_with('\'') && inner.ends_with('\''));
        prop_assert!(!inner[1..inner.len() - 1].contains('\''));
    }
}

fn any_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<i64>().prop_map(Value::Int),
        any::<u64>().prop_map(Value::UInt),
        any::<u32>().prop_map(|b| Value::Float(f32::from_bits(b))),
        any::<u64>().prop_map(|b| Value::Double(f64::from_bits(b))),
        proptest::collection::vec(any::<u8>(), 0..12).prop_map(Value::Bytes),
        (any::<u16>(), any::<u8>(), any::<u8>()).prop_map(|(year, month, day)| Value::Date {
            year,
            month,
            day
        }),
        (any::<u16>(), any::<u8>(), any::<u32>()).prop_map(|(year, hour, micros)| {
            Value::DateTime {
                year,
                month: 1,
                day: 1,
                hour,
                minute: 0,
                second: 0,
                micros,
            }
        }),
        (any::<bool>(), any::<u32>(), any::<u32>()).prop_map(|(negative, hours, micros)| {
            Value::Time {
                negative,
                hours,
                minutes: 0,
                seconds: 0,
                micros,
            }
        }),
    ]
}

fn any_type() -> impl Strategy<Value = ColumnType> {
    prop_oneof![
        Just(ColumnType::Integer {
            bytes: 8,
            unsigned: false
        }),
        Just(ColumnType::Decimal {
            precision: 10,
            scale: 2
        }),
        Just(ColumnType::Float { scale: None }),
        Just(ColumnType::Double { scale: None }),
        Just(ColumnType::Bit { bits: 64 }),
        Just(ColumnType::Text {
            kind: TextKind::Var,
            max_len: 10
        }),
        Just(ColumnType::Binary {
            kind: TextKind::Lob,
            max_len: 10
        }),
        Just(ColumnType::Date),
        Just(ColumnType::DateTime { fsp: 6 }),
        Just(ColumnType::Timestamp { fsp: 0 }),
        Just(ColumnType::Time { fsp: 6 }),
        Just(ColumnType::Year),
        Just(ColumnType::Json),
        Just(ColumnType::Other {
            name: "inet6".into()
        }),
    ]
}

proptest! {
    /// Any value for any column type gives a literal or an error naming the column, never a
    /// panic; and a literal never contains a backslash or an unbalanced quote.
    #[test]
    fn literals_never_panic(t in any_type(), v in any_value(), ci in any::<bool>()) {
        let mut c = col(t);
        if ci {
            c = c.collation(Collation::new("latin1_swedish_ci"));
        }
        match literal(&c, &v) {
            Ok(lit) => {
                prop_assert!(!lit.contains('\\'), "{}", lit);
                prop_assert_eq!(lit.matches('\'').count() % 2, 0, "{}", lit);
            }
            Err(e) => prop_assert!(e.to_string().contains("column c"), "{}", e),
        }
        let _ = exact_match("db.t", &c, &v);
    }
}
