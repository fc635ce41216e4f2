//! Local adapters until `chunker`'s live module lands: the table model from
//! `information_schema`, and wire values to [`chunker::Value`].

use chunker::{Collation, Column, ColumnType, Index, IndexColumn, Table, TextKind, Value};
use mysql::prelude::Queryable;
use mysql::Conn;

use crate::error::Error;

fn server_err(table: &str, side: &'static str, e: mysql::Error) -> Error {
    Error::Server {
        table: table.to_string(),
        side,
        message: e.to_string(),
    }
}

type ColumnRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<u64>,
    Option<u64>,
    Option<u64>,
    Option<u64>,
    String,
);

/// The table model of `schema.name` from `information_schema` (columns, collations, generated
/// columns, every index with its prefix lengths).
pub fn load_table(
    conn: &mut Conn,
    schema: &str,
    name: &str,
    side: &'static str,
) -> Result<Table, Error> {
    let qualified = format!("{schema}.{name}");
    let err = |e| server_err(&qualified, side, e);
    let cols: Vec<ColumnRow> = conn
        .exec(
            "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, COLLATION_NAME, \
             NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION, CHARACTER_MAXIMUM_LENGTH, \
             EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? \
             ORDER BY ORDINAL_POSITION",
            (schema, name),
        )
        .map_err(err)?;
    if cols.is_empty() {
        return Err(Error::Model {
            table: qualified,
            reason: format!("no such table on the {side}"),
        });
    }
    let mut table = Table::new(schema, name);
    for (col, data_type, column_type, nullable, collation, prec, scale, dtp, max_len, extra) in cols
    {
        let fsp = dtp.unwrap_or(0).min(6) as u8;
        let len = max_len.unwrap_or(0);
        let unsigned = column_type.contains("unsigned");
        let int = |bytes| ColumnType::Integer { bytes, unsigned };
        let text_kind = |fixed: &str, var: &str| match data_type.as_str() {
            t if t == fixed => TextKind::Fixed,
            t if t == var => TextKind::Var,
            _ => TextKind::Lob,
        };
        let ty = match data_type.as_str() {
            "tinyint" => int(1),
            "smallint" => int(2),
            "mediumint" => int(3),
            "int" => int(4),
            "bigint" => int(8),
            "decimal" => ColumnType::Decimal {
                precision: prec.unwrap_or(10).min(65) as u8,
                scale: scale.unwrap_or(0).min(38) as u8,
            },
            "float" => ColumnType::Float,
            "double" => ColumnType::Double,
            "bit" => ColumnType::Bit {
                bits: prec.unwrap_or(1).min(64) as u8,
            },
            "char" | "varchar" | "tinytext" | "text" | "mediumtext" | "longtext" => {
                ColumnType::Text {
                    kind: text_kind("char", "varchar"),
                    max_len: len,
                }
            }
            "binary" | "varbinary" | "tinyblob" | "blob" | "mediumblob" | "longblob" => {
                ColumnType::Binary {
                    kind: text_kind("binary", "varbinary"),
                    max_len: len,
                }
            }
            "date" => ColumnType::Date,
            "datetime" => ColumnType::DateTime { fsp },
            "timestamp" => ColumnType::Timestamp { fsp },
            "time" => ColumnType::Time { fsp },
            "year" => ColumnType::Year,
            "enum" => ColumnType::Enum {
                variants: labels(&column_type),
            },
            "set" => ColumnType::Set {
                members: labels(&column_type),
            },
            "json" => ColumnType::Json,
            _ => ColumnType::Other { name: column_type },
        };
        let mut c = Column::new(col, ty);
        c.nullable = nullable == "YES";
        c.collation = collation.map(Collation::new);
        c.generated = extra.contains("GENERATED");
        table = table.column(c);
    }
    let parts: Vec<(String, u8, String, Option<u32>)> = conn
        .exec(
            "SELECT INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART FROM information_schema.STATISTICS \
             WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY INDEX_NAME = 'PRIMARY' DESC, \
             INDEX_NAME, SEQ_IN_INDEX",
            (schema, name),
        )
        .map_err(err)?;
    for (index, non_unique, column, sub_part) in parts {
        if table.indexes.last().map(|i| &i.name) != Some(&index) {
            let mut ix = Index::non_unique(index.clone(), Vec::<String>::new());
            ix.unique = non_unique == 0;
            ix.primary = index == "PRIMARY";
            table = table.index(ix);
        }
        if let Some(ix) = table.indexes.last_mut() {
            ix.columns.push(IndexColumn {
                name: column,
                prefix_len: sub_part,
            });
        }
    }
    Ok(table)
}

/// `enum('a','b''c')` → `["a", "b'c"]`.
fn labels(column_type: &str) -> Vec<String> {
    let inner = column_type
        .split_once('(')
        .and_then(|(_, rest)| rest.strip_suffix(')'))
        .unwrap_or("");
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = inner.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (false, '\'') => quoted = true,
            (true, '\'') if chars.peek() == Some(&'\'') => {
                chars.next();
                cur.push('\'');
            }
            (true, '\'') => {
                quoted = false;
                out.push(std::mem::take(&mut cur));
            }
            (true, c) => cur.push(c),
            _ => {}
        }
    }
    out
}

/// A binary-protocol value as a [`Value`] for `column`.
pub fn from_mysql(column: &Column, value: mysql::Value) -> Value {
    match value {
        mysql::Value::NULL => Value::Null,
        mysql::Value::Int(i) => Value::Int(i),
        mysql::Value::UInt(u) => Value::UInt(u),
        mysql::Value::Float(f) => Value::Float(f),
        mysql::Value::Double(d) => Value::Double(d),
        mysql::Value::Bytes(b) => Value::Bytes(b),
        mysql::Value::Date(year, month, day, hour, minute, second, micros) => {
            if matches!(column.column_type, ColumnType::Date) {
                Value::Date { year, month, day }
            } else {
                Value::DateTime {
                    year,
                    month,
                    day,
                    hour,
                    minute,
                    second,
                    micros,
                }
            }
        }
        mysql::Value::Time(negative, days, hours, minutes, seconds, micros) => Value::Time {
            negative,
            hours: days * 24 + u32::from(hours),
            minutes,
            seconds,
            micros,
        },
    }
}
