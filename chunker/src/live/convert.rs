//! Values between this crate's [`Value`] and the `mysql` crate's.

use crate::error::Error;
use crate::model::ColumnType;
use crate::value::{Value, ValueRef};

/// This crate's value as a `mysql` value to bind to a placeholder.
///
/// Dates and datetimes become `mysql::Value::Date` (sent as `DATETIME`), times
/// `mysql::Value::Time` (hours split into days and hours as the protocol wants).
pub fn to_mysql(value: &Value) -> mysql::Value {
    match value {
        Value::Null => mysql::Value::NULL,
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
            (hours % 24) as u8,
            *minutes,
            *seconds,
            *micros,
        ),
    }
}

/// A `mysql` value read for a column of type `column_type`.
///
/// Over the binary protocol (prepared statements) integers arrive as integers, `YEAR` as an
/// integer, `FLOAT`/`DOUBLE` as floats, `DATE`/`DATETIME`/`TIMESTAMP` as `Date`, `TIME` as
/// `Time`, and everything else (`DECIMAL`, strings, `ENUM`, `SET`, `JSON`, `BIT`) as bytes,
/// kept as [`Value::Bytes`]. Over the text protocol everything arrives as bytes; numbers,
/// dates and times are then parsed by the column type. Integers are normalized to
/// [`Value::UInt`] for `UNSIGNED` columns and [`Value::Int`] otherwise.
pub fn from_mysql(value: mysql::Value, column_type: &ColumnType) -> Result<Value, Error> {
    let bad = |v: &dyn std::fmt::Debug| Error::BadValue {
        value: format!("{v:?}"),
        column_type: format!("{column_type:?}"),
    };
    Ok(match value {
        mysql::Value::NULL => Value::Null,
        mysql::Value::Int(i) => match column_type {
            ColumnType::Integer { unsigned: true, .. } if i >= 0 => Value::UInt(i as u64),
            _ => Value::Int(i),
        },
        mysql::Value::UInt(u) => match column_type {
            ColumnType::Integer {
                unsigned: false, ..
            }
            | ColumnType::Year => Value::Int(i64::try_from(u).map_err(|_| bad(&u))?),
            _ => Value::UInt(u),
        },
        ref v @ (mysql::Value::Float(_) | mysql::Value::Double(_) | mysql::Value::Date(..)) => {
            from_mysql_ref(v, column_type)
                .map(|r| r.to_value())
                .ok_or_else(|| bad(v))?
        }
        mysql::Value::Time(negative, days, hours, minutes, seconds, micros) => Value::Time {
            negative,
            hours: days
                .checked_mul(24)
                .and_then(|h| h.checked_add(u32::from(hours)))
                .ok_or_else(|| bad(&(days, hours)))?,
            minutes,
            seconds,
            micros,
        },
        mysql::Value::Bytes(b) if text_type(column_type) => {
            let text = std::str::from_utf8(&b).map_err(|_| bad(&b))?;
            parse_text(text, column_type).ok_or_else(|| bad(&text))?
        }
        mysql::Value::Bytes(b) => Value::Bytes(b),
    })
}

/// `value` read for a column of `column_type`, borrowed, with the meaning [`from_mysql`] gives
/// it: a `FLOAT` sent as a double is narrowed back, a date is a `DATE` or a date and time by
/// the column's type, a `TIME`'s days count as hours (saturating; the server never sends more
/// than 34 days). `None` for bytes that are the text protocol's form of a number, date or time,
/// which [`from_mysql`] parses. Integers pass as they came, where [`from_mysql`] also moves
/// them to the column's signedness (and fails when an unsigned value does not fit).
pub fn from_mysql_ref<'a>(
    value: &'a mysql::Value,
    column_type: &ColumnType,
) -> Option<ValueRef<'a>> {
    Some(match *value {
        mysql::Value::NULL => ValueRef::Null,
        mysql::Value::Int(i) => ValueRef::Int(i),
        mysql::Value::UInt(u) => ValueRef::UInt(u),
        mysql::Value::Float(f) => ValueRef::Float(f),
        mysql::Value::Double(d) => match column_type {
            ColumnType::Float { .. } => ValueRef::Float(d as f32),
            _ => ValueRef::Double(d),
        },
        mysql::Value::Date(year, month, day, hour, minute, second, micros) => match column_type {
            ColumnType::Date => ValueRef::Date { year, month, day },
            _ => ValueRef::DateTime {
                year,
                month,
                day,
                hour,
                minute,
                second,
                micros,
            },
        },
        mysql::Value::Time(negative, days, hours, minutes, seconds, micros) => ValueRef::Time {
            negative,
            hours: days.saturating_mul(24).saturating_add(u32::from(hours)),
            minutes,
            seconds,
            micros,
        },
        mysql::Value::Bytes(ref b) if !text_type(column_type) => ValueRef::Bytes(b),
        mysql::Value::Bytes(_) => return None,
    })
}

/// Whether `value` is the text protocol's form of a number, date or time for a column of
/// `column_type`: the one case [`from_mysql_ref`] cannot borrow (it returns `None`), which a
/// caller can test first, cheaply.
#[inline]
pub fn is_text_form(value: &mysql::Value, column_type: &ColumnType) -> bool {
    matches!(value, mysql::Value::Bytes(_)) && text_type(column_type)
}

/// Whether bytes read for a column of this type are a text form to parse (a number, date or
/// time over the text protocol) rather than the value itself.
#[inline]
fn text_type(column_type: &ColumnType) -> bool {
    matches!(
        column_type,
        ColumnType::Integer { .. }
            | ColumnType::Year
            | ColumnType::Float { .. }
            | ColumnType::Double { .. }
            | ColumnType::Date
            | ColumnType::DateTime { .. }
            | ColumnType::Timestamp { .. }
            | ColumnType::Time { .. }
    )
}

/// Parses the text protocol's form of a number, date or time.
fn parse_text(text: &str, column_type: &ColumnType) -> Option<Value> {
    match column_type {
        ColumnType::Integer { unsigned: true, .. } => text.parse().ok().map(Value::UInt),
        ColumnType::Integer { .. } | ColumnType::Year => text.parse().ok().map(Value::Int),
        ColumnType::Float { .. } => text.parse().ok().map(Value::Float),
        ColumnType::Double { .. } => text.parse().ok().map(Value::Double),
        ColumnType::Date => {
            let (year, month, day) = parse_date(text)?;
            Some(Value::Date { year, month, day })
        }
        ColumnType::DateTime { .. } | ColumnType::Timestamp { .. } => {
            let (date, time) = text.split_once(' ').unwrap_or((text, "00:00:00"));
            let (year, month, day) = parse_date(date)?;
            let (false, h, minute, second, micros) = parse_time(time)? else {
                return None;
            };
            Some(Value::DateTime {
                year,
                month,
                day,
                hour: u8::try_from(h).ok()?,
                minute,
                second,
                micros,
            })
        }
        ColumnType::Time { .. } => {
            let (negative, hours, minutes, seconds, micros) = parse_time(text)?;
            Some(Value::Time {
                negative,
                hours,
                minutes,
                seconds,
                micros,
            })
        }
        _ => None,
    }
}

fn parse_date(text: &str) -> Option<(u16, u8, u8)> {
    let mut it = text.splitn(3, '-');
    Some((
        it.next()?.parse().ok()?,
        it.next()?.parse().ok()?,
        it.next()?.parse().ok()?,
    ))
}

/// `[-]H+:MM:SS[.f{1,6}]` as (negative, hours, minutes, seconds, microseconds).
fn parse_time(text: &str) -> Option<(bool, u32, u8, u8, u32)> {
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (hms, frac) = text.split_once('.').unwrap_or((text, ""));
    let mut it = hms.splitn(3, ':');
    let hours = it.next()?.parse().ok()?;
    let minutes = it.next()?.parse().ok()?;
    let seconds = it.next()?.parse().ok()?;
    if frac.len() > 6 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let micros = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<6}").parse().ok()?
    };
    Some((negative, hours, minutes, seconds, micros))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_text_protocol() {
        let values = [
            Value::Null,
            Value::Int(-5),
            Value::UInt(u64::MAX),
            Value::Bytes(vec![0, 0xff]),
            Value::Date {
                year: 2024,
                month: 2,
                day: 29,
            },
            Value::Time {
                negative: true,
                hours: 838,
                minutes: 59,
                seconds: 59,
                micros: 5,
            },
        ];
        let types = [
            ColumnType::Year,
            ColumnType::Integer {
                bytes: 1,
                unsigned: false,
            },
            ColumnType::Integer {
                bytes: 8,
                unsigned: true,
            },
            ColumnType::Bit { bits: 16 },
            ColumnType::Date,
            ColumnType::Time { fsp: 6 },
        ];
        for (v, t) in values.iter().zip(&types) {
            assert_eq!(&from_mysql(to_mysql(v), t).expect("round trip"), v);
        }
        let dt = ColumnType::DateTime { fsp: 6 };
        let text = mysql::Value::Bytes(b"2024-01-02 03:04:05.5".to_vec());
        assert_eq!(
            from_mysql(text, &dt).expect("datetime"),
            Value::DateTime {
                year: 2024,
                month: 1,
                day: 2,
                hour: 3,
                minute: 4,
                second: 5,
                micros: 500_000
            }
        );
        let e = from_mysql(mysql::Value::Bytes(b"x1".to_vec()), &types[1]).expect_err("bad");
        assert_eq!(
            e.to_string(),
            "cannot read \"x1\" as Integer { bytes: 1, unsigned: false }"
        );
    }
}
