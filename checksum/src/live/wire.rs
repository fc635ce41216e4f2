//! Values between the `mysql` crate and `chunker::Value`.
//!
//! (A local adapter: the chunker's own `live` conversions were not there yet when this was
//! written; the mapping is the obvious one and has no decisions in it.)

use chunker::{ColumnType, Value};

/// A wire value of a column of type `ty` as a [`Value`]. `DATE` columns give
/// [`Value::Date`]; every other date-and-time type gives [`Value::DateTime`].
pub fn from_mysql(v: mysql::Value, ty: &ColumnType) -> Value {
    match v {
        mysql::Value::NULL => Value::Null,
        mysql::Value::Bytes(b) => Value::Bytes(b),
        mysql::Value::Int(i) => Value::Int(i),
        mysql::Value::UInt(u) => Value::UInt(u),
        mysql::Value::Float(f) => Value::Float(f),
        mysql::Value::Double(d) => Value::Double(d),
        mysql::Value::Date(year, month, day, hour, minute, second, micros) => {
            if matches!(ty, ColumnType::Date) {
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
            hours: days.saturating_mul(24).saturating_add(u32::from(hours)),
            minutes,
            seconds,
            micros,
        },
    }
}

/// A [`Value`] as a wire value for a placeholder.
pub fn to_mysql(v: &Value) -> mysql::Value {
    match v {
        Value::Int(i) => mysql::Value::Int(*i),
        Value::UInt(u) => mysql::Value::UInt(*u),
        Value::Float(f) => mysql::Value::Float(*f),
        Value::Double(d) => mysql::Value::Double(*d),
        Value::Bytes(b) => mysql::Value::Bytes(b.clone()),
        Value::Date { year, month, day } => mysql::Value::Date(*year, *month, *day, 0, 0, 0, 0),
        Value::DateTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
            micros,
        } => mysql::Value::Date(*year, *month, *day, *hour, *minute, *second, *micros),
        Value::Time {
            negative,
            hours,
            minutes,
            seconds,
            micros,
        } => mysql::Value::Time(
            *negative,
            hours / 24,
            u8::try_from(hours % 24).unwrap_or(0),
            *minutes,
            *seconds,
            *micros,
        ),
        // `Null` and any variant added to the model later.
        _ => mysql::Value::NULL,
    }
}
