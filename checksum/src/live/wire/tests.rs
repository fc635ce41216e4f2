//! The direct reader's row decoding against `mysql_common`'s own (the driver's): the same
//! values for every column type, and a clear error, never a panic, on a malformed row.

use std::sync::Arc;

use mysql_protocol::constants::{ColumnFlags, ColumnType as WireType};
use mysql_protocol::io::ParseBuf;
use mysql_protocol::packets::Column;
use mysql_protocol::proto::Binary;
use mysql_protocol::row::RowDeserializer;
use mysql_protocol::value::ServerSide;
use proptest::prelude::*;

use super::{Cell, RowView, Wire};

/// The types a binary row can carry, with whether each is read unsigned.
const TYPES: [WireType; 23] = [
    WireType::MYSQL_TYPE_TINY,
    WireType::MYSQL_TYPE_SHORT,
    WireType::MYSQL_TYPE_YEAR,
    WireType::MYSQL_TYPE_LONG,
    WireType::MYSQL_TYPE_INT24,
    WireType::MYSQL_TYPE_LONGLONG,
    WireType::MYSQL_TYPE_FLOAT,
    WireType::MYSQL_TYPE_DOUBLE,
    WireType::MYSQL_TYPE_TIMESTAMP,
    WireType::MYSQL_TYPE_DATE,
    WireType::MYSQL_TYPE_DATETIME,
    WireType::MYSQL_TYPE_TIME,
    WireType::MYSQL_TYPE_STRING,
    WireType::MYSQL_TYPE_VAR_STRING,
    WireType::MYSQL_TYPE_BLOB,
    WireType::MYSQL_TYPE_LONG_BLOB,
    WireType::MYSQL_TYPE_SET,
    WireType::MYSQL_TYPE_ENUM,
    WireType::MYSQL_TYPE_NEWDECIMAL,
    WireType::MYSQL_TYPE_VARCHAR,
    WireType::MYSQL_TYPE_BIT,
    WireType::MYSQL_TYPE_GEOMETRY,
    WireType::MYSQL_TYPE_JSON,
];

/// The driver's reading of `payload` with columns `wires`, or its error.
fn driver(payload: &[u8], wires: &[Wire]) -> Result<Vec<mysql::Value>, String> {
    let columns: Arc<[Column]> = wires
        .iter()
        .map(|w| {
            let flags = if w.unsigned {
                ColumnFlags::UNSIGNED_FLAG
            } else {
                ColumnFlags::empty()
            };
            Column::new(w.kind).with_flags(flags)
        })
        .collect();
    ParseBuf(payload)
        .parse::<RowDeserializer<ServerSide, Binary>>(columns)
        .map(|r| r.into_inner().unwrap())
        .map_err(|e| e.to_string())
}

/// Ours: the cells as `mysql::Value`s, or the bad column and why.
fn direct(payload: &[u8], wires: &[Wire]) -> Result<Vec<mysql::Value>, super::BadRow> {
    let row = RowView::new(payload, wires);
    let mut bad = None;
    let values: Vec<mysql::Value> = row.cells(&mut bad).map(Cell::to_mysql).collect();
    match bad {
        Some(b) => Err(b),
        None => Ok(values),
    }
}

/// A length-encoded integer, as the server writes it.
fn lenenc(out: &mut Vec<u8>, n: usize) {
    match n {
        0..=250 => out.push(n as u8),
        251..=0xFFFF => {
            out.push(0xFC);
            out.extend_from_slice(&(n as u16).to_le_bytes());
        }
        0x1_0000..=0xFF_FFFF => {
            out.push(0xFD);
            out.extend_from_slice(&(n as u32).to_le_bytes()[..3]);
        }
        _ => {
            out.push(0xFE);
            out.extend_from_slice(&(n as u64).to_le_bytes());
        }
    }
}

/// A binary row of `values` (None: NULL), each a column's raw bytes as the server sends it.
fn row(values: &[Option<Vec<u8>>]) -> Vec<u8> {
    let mut out = vec![0u8];
    let mut bitmap = vec![0u8; (values.len() + 9) / 8];
    for (i, v) in values.iter().enumerate() {
        if v.is_none() {
            bitmap[(i + 2) / 8] |= 1 << ((i + 2) % 8);
        }
    }
    out.extend_from_slice(&bitmap);
    for v in values.iter().flatten() {
        out.extend_from_slice(v);
    }
    out
}

/// A random well-formed value of `kind` in binary-row form.
fn value_of(kind: WireType) -> BoxedStrategy<Vec<u8>> {
    let fixed = |n: usize| proptest::collection::vec(any::<u8>(), n).boxed();
    match kind {
        WireType::MYSQL_TYPE_TINY => fixed(1),
        WireType::MYSQL_TYPE_SHORT | WireType::MYSQL_TYPE_YEAR => fixed(2),
        WireType::MYSQL_TYPE_LONG | WireType::MYSQL_TYPE_INT24 | WireType::MYSQL_TYPE_FLOAT => {
            fixed(4)
        }
        WireType::MYSQL_TYPE_LONGLONG | WireType::MYSQL_TYPE_DOUBLE => fixed(8),
        WireType::MYSQL_TYPE_TIMESTAMP
        | WireType::MYSQL_TYPE_DATE
        | WireType::MYSQL_TYPE_DATETIME => prop_oneof![Just(0usize), Just(4), Just(7), Just(11)]
            .prop_flat_map(|n| proptest::collection::vec(any::<u8>(), n))
            .prop_map(|b| {
                let mut out = vec![b.len() as u8];
                out.extend(b);
                out
            })
            .boxed(),
        WireType::MYSQL_TYPE_TIME => prop_oneof![Just(0usize), Just(8), Just(12)]
            .prop_flat_map(|n| proptest::collection::vec(any::<u8>(), n))
            .prop_map(|mut b| {
                if let Some(sign) = b.first_mut() {
                    *sign &= 1;
                }
                let mut out = vec![b.len() as u8];
                out.extend(b);
                out
            })
            .boxed(),
        _ => prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..40),
            proptest::collection::vec(any::<u8>(), 240..300),
        ]
        .prop_map(|b| {
            let mut out = Vec::new();
            lenenc(&mut out, b.len());
            out.extend(b);
            out
        })
        .boxed(),
    }
}

fn column() -> impl Strategy<Value = (Wire, Option<Vec<u8>>)> {
    (0..TYPES.len(), any::<bool>(), any::<bool>()).prop_flat_map(|(t, unsigned, null)| {
        let wire = Wire::new(TYPES[t], unsigned);
        if null {
            Just((wire, None)).boxed()
        } else {
            value_of(TYPES[t])
                .prop_map(move |v| (wire, Some(v)))
                .boxed()
        }
    })
}

fn same(a: &[mysql::Value], b: &[mysql::Value]) -> bool {
    // Compared as their debug text: a NaN float reads back as itself bit for bit, which `==`
    // would call different.
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| match (x, y) {
            (mysql::Value::Float(p), mysql::Value::Float(q)) => p.to_bits() == q.to_bits(),
            (mysql::Value::Double(p), mysql::Value::Double(q)) => p.to_bits() == q.to_bits(),
            _ => x == y,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn well_formed_rows_read_as_the_driver_reads_them(
        cols in proptest::collection::vec(column(), 0..20)
    ) {
        let wires: Vec<Wire> = cols.iter().map(|(w, _)| *w).collect();
        let values: Vec<Option<Vec<u8>>> = cols.into_iter().map(|(_, v)| v).collect();
        let payload = row(&values);
        let theirs = driver(&payload, &wires).expect("the driver reads a well-formed row");
        let ours = direct(&payload, &wires).expect("so do we");
        prop_assert!(same(&ours, &theirs), "{ours:?} vs {theirs:?}");
    }

    #[test]
    fn cut_or_damaged_rows_are_errors_never_panics(
        cols in proptest::collection::vec(column(), 1..12),
        cut in any::<prop::sample::Index>(),
        flip in any::<Option<(prop::sample::Index, u8)>>(),
    ) {
        let wires: Vec<Wire> = cols.iter().map(|(w, _)| *w).collect();
        let values: Vec<Option<Vec<u8>>> = cols.into_iter().map(|(_, v)| v).collect();
        let mut payload = row(&values);
        if let Some((at, byte)) = flip {
            let i = at.index(payload.len());
            payload[i] = byte;
        }
        payload.truncate(cut.index(payload.len() + 1));
        // Whatever we read without complaint, the driver reads the same way.
        if let Ok(ours) = direct(&payload, &wires) {
            let theirs = driver(&payload, &wires);
            prop_assert!(
                theirs.as_ref().is_ok_and(|t| same(&ours, t)),
                "{ours:?} vs {theirs:?}"
            );
        }
    }
}

#[test]
fn each_kind_reads_its_values() {
    let wires = [
        Wire::new(WireType::MYSQL_TYPE_TINY, false),
        Wire::new(WireType::MYSQL_TYPE_TINY, true),
        Wire::new(WireType::MYSQL_TYPE_LONGLONG, true),
        Wire::new(WireType::MYSQL_TYPE_LONGLONG, true),
        Wire::new(WireType::MYSQL_TYPE_DOUBLE, false),
        Wire::new(WireType::MYSQL_TYPE_DATETIME, false),
        Wire::new(WireType::MYSQL_TYPE_TIME, false),
        Wire::new(WireType::MYSQL_TYPE_VARCHAR, false),
        Wire::new(WireType::MYSQL_TYPE_BLOB, false),
    ];
    let payload = row(&[
        Some(vec![0xFF]),
        Some(vec![0xFF]),
        Some(u64::MAX.to_le_bytes().to_vec()),
        Some(7u64.to_le_bytes().to_vec()),
        Some((-0.5f64).to_le_bytes().to_vec()),
        Some(vec![
            11, 0xE9, 0x07, 12, 31, 23, 59, 58, 0x40, 0x42, 0x0F, 0,
        ]),
        Some(vec![8, 1, 2, 0, 0, 0, 3, 4, 5]),
        None,
        Some(vec![3, b'a', 0, b'b']),
    ]);
    let cells = direct(&payload, &wires).expect("well formed");
    use mysql::Value::*;
    assert_eq!(
        cells,
        vec![
            Int(-1),
            Int(255),
            UInt(u64::MAX),
            Int(7),
            Double(-0.5),
            Date(2025, 12, 31, 23, 59, 58, 1_000_000),
            Time(true, 2, 3, 4, 5, 0),
            NULL,
            Bytes(b"a\0b".to_vec()),
        ]
    );
    assert_eq!(driver(&payload, &wires).expect("driver"), cells);
}

#[test]
fn a_short_row_names_the_column() {
    let wires = [
        Wire::new(WireType::MYSQL_TYPE_LONG, false),
        Wire::new(WireType::MYSQL_TYPE_VARCHAR, false),
    ];
    let mut payload = row(&[Some(vec![1, 0, 0, 0]), Some(vec![5, b'a', b'b'])]);
    let e = direct(&payload, &wires).expect_err("the string is cut");
    assert_eq!(e.column, 1);
    assert_eq!(e.what, "5 bytes expected, 2 left");
    payload.truncate(1);
    let e = direct(&payload, &wires).expect_err("no bitmap");
    assert_eq!(e.column, 0);
    assert!(e.what.contains("NULL bitmap"), "{}", e.what);
    // A NULL marker where a length is due: the driver reads it as an empty string.
    let payload = row(&[Some(vec![1, 0, 0, 0]), Some(vec![0xFB])]);
    let e = direct(&payload, &wires).expect_err("0xFB is no length");
    assert_eq!(
        (e.column, e.what.as_str()),
        (1, "0xFB where a length is due")
    );
}

#[test]
fn an_unknown_type_is_an_error_where_the_driver_would_panic() {
    let wires = [Wire::new(WireType::MYSQL_TYPE_TYPED_ARRAY, false)];
    let payload = row(&[Some(vec![0])]);
    let e = direct(&payload, &wires).expect_err("unknown");
    assert!(e.what.contains("does not know"), "{}", e.what);
}

mod fused {
    //! The fused strong encoder ([`super::super::Op`]) against the general path (cells
    //! converted to values, then `encode::strong_row`): the same bytes for every row, the same
    //! error for every value the encoder refuses, the same bad column for every damaged row.

    use chunker::{Collation, Column as ModelColumn, ColumnType, Table, TextKind};
    use proptest::prelude::*;

    use super::super::{ops, Op, RowView, Wire};
    use super::{row, value_of, WireType};
    use crate::encode::{strong_row, Scratch};
    use crate::{Algorithm, Dialect, RowPlan};

    /// A model column type and the protocol types a server may send for it (the first is what
    /// MariaDB sends; the others are legal in the protocol and must not go wrong).
    fn model_and_wires() -> Vec<(ColumnType, Vec<WireType>)> {
        use WireType as W;
        let ints = vec![
            W::MYSQL_TYPE_TINY,
            W::MYSQL_TYPE_SHORT,
            W::MYSQL_TYPE_INT24,
            W::MYSQL_TYPE_LONG,
            W::MYSQL_TYPE_LONGLONG,
        ];
        let bytes = vec![
            W::MYSQL_TYPE_VAR_STRING,
            W::MYSQL_TYPE_STRING,
            W::MYSQL_TYPE_BLOB,
            W::MYSQL_TYPE_VARCHAR,
        ];
        let dates = vec![
            W::MYSQL_TYPE_DATETIME,
            W::MYSQL_TYPE_TIMESTAMP,
            W::MYSQL_TYPE_DATE,
        ];
        let mut out = Vec::new();
        for b in [1u8, 2, 3, 4, 8] {
            for unsigned in [false, true] {
                out.push((ColumnType::Integer { bytes: b, unsigned }, ints.clone()));
            }
        }
        let floats = vec![W::MYSQL_TYPE_FLOAT, W::MYSQL_TYPE_DOUBLE];
        out.push((ColumnType::Float { scale: None }, floats.clone()));
        out.push((ColumnType::Float { scale: Some(2) }, floats.clone()));
        out.push((ColumnType::Double { scale: None }, floats.clone()));
        out.push((ColumnType::Double { scale: Some(3) }, floats));
        out.push((
            ColumnType::Decimal {
                precision: 12,
                scale: 3,
            },
            vec![W::MYSQL_TYPE_NEWDECIMAL, W::MYSQL_TYPE_DECIMAL],
        ));
        out.push((ColumnType::Bit { bits: 12 }, vec![W::MYSQL_TYPE_BIT]));
        for kind in [TextKind::Fixed, TextKind::Var, TextKind::Lob] {
            let max_len = 300;
            out.push((ColumnType::Text { kind, max_len }, bytes.clone()));
            out.push((ColumnType::Binary { kind, max_len }, bytes.clone()));
        }
        out.push((ColumnType::Date, dates.clone()));
        for fsp in [0u8, 3, 6] {
            out.push((ColumnType::DateTime { fsp }, dates.clone()));
            out.push((ColumnType::Timestamp { fsp }, dates.clone()));
            out.push((ColumnType::Time { fsp }, vec![W::MYSQL_TYPE_TIME]));
        }
        out.push((
            ColumnType::Year,
            vec![W::MYSQL_TYPE_YEAR, W::MYSQL_TYPE_SHORT],
        ));
        out.push((
            ColumnType::Enum {
                variants: vec!["a".into(), "b".into()],
            },
            vec![W::MYSQL_TYPE_STRING, W::MYSQL_TYPE_ENUM],
        ));
        out.push((
            ColumnType::Set {
                members: vec!["a".into(), "b".into()],
            },
            vec![W::MYSQL_TYPE_STRING, W::MYSQL_TYPE_SET],
        ));
        out.push((
            ColumnType::Json,
            vec![W::MYSQL_TYPE_BLOB, W::MYSQL_TYPE_JSON],
        ));
        out
    }

    /// A column: model type, how it arrives, its value (None: NULL) in binary-row form.
    fn column() -> impl Strategy<Value = (ColumnType, Wire, Option<Vec<u8>>)> {
        let all = model_and_wires();
        (
            0..all.len(),
            any::<prop::sample::Index>(),
            any::<bool>(),
            0..5u8,
        )
            .prop_flat_map(move |(m, w, unsigned, null)| {
                let (model, wires) = all[m].clone();
                let kind = wires[w.index(wires.len())];
                let wire = Wire::new(kind, unsigned);
                if null == 0 {
                    Just((model, wire, None)).boxed()
                } else {
                    value_of(kind)
                        .prop_map(move |v| (model.clone(), wire, Some(v)))
                        .boxed()
                }
            })
    }

    /// What an encoder made of a row: its bytes, or the bad column and why, or the error.
    #[derive(Debug, PartialEq)]
    enum Outcome {
        Bytes(Vec<u8>),
        Bad(usize, String),
        Error(String),
    }

    fn both(models: &[ColumnType], wires: &[Wire], payload: &[u8]) -> (Outcome, Outcome) {
        let mut table = Table::new("d", "t");
        for (i, m) in models.iter().enumerate() {
            let c = ModelColumn::new(format!("c{i}"), m.clone()).nullable();
            let c = if matches!(m, ColumnType::Text { .. } | ColumnType::Enum { .. }) {
                c.collation(Collation::new("utf8mb4_general_ci"))
            } else {
                c
            };
            table = table.column(c);
        }
        let plan = RowPlan::new(&table, Algorithm::Strong, Dialect::MariaDb);
        let view = RowView::new(payload, wires);
        let at = || plan.at(Some(1));
        let outcome =
            |r: crate::encode::Encoded, bad: Option<super::super::BadRow>, out| match (r, bad) {
                (_, Some(b)) => Outcome::Bad(b.column, b.what),
                (Err(e), None) => Outcome::Error(e.to_string()),
                (Ok(()), None) => Outcome::Bytes(out),
            };
        let (mut out, mut bad) = (Vec::new(), None);
        let r = strong_row::<false>(
            &plan.columns,
            view.cells(&mut bad)
                .zip(&table.columns)
                .map(|(c, m)| c.to_ref(&m.column_type)),
            &mut out,
            &mut Scratch::default(),
            &at,
        );
        let general = outcome(r, bad, out);
        let ops = ops(wires, &table.columns, &plan.columns);
        let (mut out, mut bad) = (Vec::new(), None);
        let r = view.strong_encode(
            &ops,
            (&plan.columns, &table.columns),
            &mut out,
            &mut Scratch::default(),
            (&at, &mut bad),
        );
        (general, outcome(r, bad, out))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn fused_matches_cells(
            cols in proptest::collection::vec(column(), 1..20),
            damage in any::<Option<(prop::sample::Index, Option<(prop::sample::Index, u8)>)>>(),
        ) {
            let models: Vec<ColumnType> = cols.iter().map(|(m, _, _)| m.clone()).collect();
            let wires: Vec<Wire> = cols.iter().map(|(_, w, _)| *w).collect();
            let values: Vec<Option<Vec<u8>>> = cols.into_iter().map(|(_, _, v)| v).collect();
            let mut payload = row(&values);
            if let Some((cut, flip)) = damage {
                if let Some((at, byte)) = flip {
                    let i = at.index(payload.len());
                    payload[i] = byte;
                }
                payload.truncate(cut.index(payload.len() + 1));
            }
            let (general, fused) = both(&models, &wires, &payload);
            prop_assert_eq!(general, fused);
        }
    }

    #[test]
    fn mariadb_wire_types_take_the_fused_ops() {
        // The kinds MariaDB sends for the common columns get their own op, not the general
        // path: if this fails, the fused path silently stopped being used.
        let col = |t: ColumnType| ModelColumn::new("c", t);
        let table = Table::new("d", "t")
            .column(col(ColumnType::Integer {
                bytes: 4,
                unsigned: false,
            }))
            .column(col(ColumnType::Integer {
                bytes: 8,
                unsigned: true,
            }))
            .column(col(ColumnType::Double { scale: None }))
            .column(col(ColumnType::Float { scale: None }))
            .column(col(ColumnType::DateTime { fsp: 6 }))
            .column(col(ColumnType::Text {
                kind: TextKind::Var,
                max_len: 10,
            }))
            .column(col(ColumnType::Decimal {
                precision: 5,
                scale: 2,
            }))
            .column(col(ColumnType::Time { fsp: 0 }));
        let wires = [
            Wire::new(WireType::MYSQL_TYPE_LONG, false),
            Wire::new(WireType::MYSQL_TYPE_LONGLONG, true),
            Wire::new(WireType::MYSQL_TYPE_DOUBLE, false),
            Wire::new(WireType::MYSQL_TYPE_FLOAT, false),
            Wire::new(WireType::MYSQL_TYPE_DATETIME, false),
            Wire::new(WireType::MYSQL_TYPE_VAR_STRING, false),
            Wire::new(WireType::MYSQL_TYPE_NEWDECIMAL, false),
            Wire::new(WireType::MYSQL_TYPE_TIME, false),
        ];
        let plan = RowPlan::new(&table, Algorithm::Strong, Dialect::MariaDb);
        let ops = ops(&wires[..], &table.columns, &plan.columns);
        assert_eq!(
            ops,
            [
                Op::I32,
                Op::U64,
                Op::Double,
                Op::Float,
                Op::DateTime(6),
                Op::Quoted,
                Op::Plain,
                Op::Cell(wires[7]),
            ]
        );
    }
}
