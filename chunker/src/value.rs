//! Column values as they come off the wire, independent of any client library.

use serde::{Deserialize, Serialize};

/// One column value, as the binary protocol delivers it.
///
/// The column's [`ColumnType`](crate::ColumnType) says how to read it: a `Bytes` value is
/// character data in the column's charset for text columns, the decimal text for `DECIMAL`, the
/// label(s) for `ENUM`/`SET`, the document text for `JSON`, big-endian bytes for `BIT`, and raw
/// bytes for binary strings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Value {
    /// SQL `NULL`.
    Null,
    /// A signed integer (also `YEAR`).
    Int(i64),
    /// An unsigned integer.
    UInt(u64),
    /// A `FLOAT`, exactly as stored.
    Float(f32),
    /// A `DOUBLE`, exactly as stored.
    Double(f64),
    /// Bytes (see the type's documentation for what they mean per column type).
    Bytes(#[serde(with = "hex_bytes")] Vec<u8>),
    /// A `DATE`.
    Date {
        /// Year, 0 to 9999.
        year: u16,
        /// Month, 0 to 12 (0 only in zero dates).
        month: u8,
        /// Day, 0 to 31 (0 only in zero dates).
        day: u8,
    },
    /// A `DATETIME` or `TIMESTAMP` (as shown in the session time zone).
    DateTime {
        /// Year, 0 to 9999.
        year: u16,
        /// Month, 0 to 12.
        month: u8,
        /// Day, 0 to 31.
        day: u8,
        /// Hour, 0 to 23.
        hour: u8,
        /// Minute, 0 to 59.
        minute: u8,
        /// Second, 0 to 59.
        second: u8,
        /// Microseconds, 0 to 999,999.
        micros: u32,
    },
    /// A `TIME` (a duration of up to 838:59:59).
    Time {
        /// Whether the value is negative.
        negative: bool,
        /// Hours, 0 to 838.
        hours: u32,
        /// Minutes, 0 to 59.
        minutes: u8,
        /// Seconds, 0 to 59.
        seconds: u8,
        /// Microseconds, 0 to 999,999.
        micros: u32,
    },
}

/// One column value, borrowed: [`Value`]'s shape with its bytes borrowed, so a driver can
/// hand on the values of a row it just decoded without building owned values first (e.g.
/// `checksum`'s `ChunkHasher::push_values`). [`Value::as_value_ref`] and
/// [`ValueRef::to_value`] convert.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum ValueRef<'a> {
    /// SQL `NULL`.
    Null,
    /// A signed integer (also `YEAR`).
    Int(i64),
    /// An unsigned integer.
    UInt(u64),
    /// A `FLOAT`, exactly as stored.
    Float(f32),
    /// A `DOUBLE`, exactly as stored.
    Double(f64),
    /// Bytes: character and binary strings, `DECIMAL` text, `BIT`, `JSON`, ...
    Bytes(&'a [u8]),
    /// A `DATE`.
    Date {
        /// Year.
        year: u16,
        /// Month.
        month: u8,
        /// Day.
        day: u8,
    },
    /// A `DATETIME` or `TIMESTAMP`.
    DateTime {
        /// Year.
        year: u16,
        /// Month.
        month: u8,
        /// Day.
        day: u8,
        /// Hour.
        hour: u8,
        /// Minute.
        minute: u8,
        /// Second.
        second: u8,
        /// Microseconds.
        micros: u32,
    },
    /// A `TIME`.
    Time {
        /// Whether the value is negative.
        negative: bool,
        /// Hours (up to 838).
        hours: u32,
        /// Minutes.
        minutes: u8,
        /// Seconds.
        seconds: u8,
        /// Microseconds.
        micros: u32,
    },
}

impl Value {
    /// This value, borrowed.
    #[inline]
    pub fn as_value_ref(&self) -> ValueRef<'_> {
        match *self {
            Value::Null => ValueRef::Null,
            Value::Int(i) => ValueRef::Int(i),
            Value::UInt(u) => ValueRef::UInt(u),
            Value::Float(f) => ValueRef::Float(f),
            Value::Double(d) => ValueRef::Double(d),
            Value::Bytes(ref b) => ValueRef::Bytes(b),
            Value::Date { year, month, day } => ValueRef::Date { year, month, day },
            Value::DateTime {
                year,
                month,
                day,
                hour,
                minute,
                second,
                micros,
            } => ValueRef::DateTime {
                year,
                month,
                day,
                hour,
                minute,
                second,
                micros,
            },
            Value::Time {
                negative,
                hours,
                minutes,
                seconds,
                micros,
            } => ValueRef::Time {
                negative,
                hours,
                minutes,
                seconds,
                micros,
            },
        }
    }
}

impl ValueRef<'_> {
    /// Whether this is SQL `NULL`.
    #[inline]
    pub fn is_null(&self) -> bool {
        matches!(self, ValueRef::Null)
    }

    /// This value, owned (its bytes copied).
    pub fn to_value(&self) -> Value {
        match *self {
            ValueRef::Null => Value::Null,
            ValueRef::Int(i) => Value::Int(i),
            ValueRef::UInt(u) => Value::UInt(u),
            ValueRef::Float(f) => Value::Float(f),
            ValueRef::Double(d) => Value::Double(d),
            ValueRef::Bytes(b) => Value::Bytes(b.to_vec()),
            ValueRef::Date { year, month, day } => Value::Date { year, month, day },
            ValueRef::DateTime {
                year,
                month,
                day,
                hour,
                minute,
                second,
                micros,
            } => Value::DateTime {
                year,
                month,
                day,
                hour,
                minute,
                second,
                micros,
            },
            ValueRef::Time {
                negative,
                hours,
                minutes,
                seconds,
                micros,
            } => Value::Time {
                negative,
                hours,
                minutes,
                seconds,
                micros,
            },
        }
    }
}

impl Value {
    /// Whether this is SQL `NULL`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// A text value from a string (for building rows by hand).
    pub fn text(s: &str) -> Value {
        Value::Bytes(s.as_bytes().to_vec())
    }

    /// The text of a `Date`, `DateTime` or `Time` value as the server writes and reads it:
    /// `YYYY-MM-DD`, `YYYY-MM-DD hh:mm:ss[.ffffff]` and `[-]hh:mm:ss[.ffffff]` (hours at least
    /// two digits, more when needed: `838:59:59`). The six-digit fraction is written only when
    /// the microseconds are not zero, so the text reads back as the same value in a column of
    /// any fractional precision that can hold it. Fields are not range-checked; microseconds
    /// above 999,999 (which no server sends) are written modulo 1,000,000. `None` for every
    /// other variant.
    ///
    /// ```
    /// use chunker::Value;
    /// let dt = Value::DateTime { year: 2024, month: 2, day: 29, hour: 3, minute: 4, second: 5, micros: 6 };
    /// assert_eq!(dt.temporal_text().as_deref(), Some("2024-02-29 03:04:05.000006"));
    /// let t = Value::Time { negative: true, hours: 838, minutes: 59, seconds: 59, micros: 0 };
    /// assert_eq!(t.temporal_text().as_deref(), Some("-838:59:59"));
    /// assert_eq!(Value::Date { year: 1, month: 1, day: 1 }.temporal_text().as_deref(), Some("0001-01-01"));
    /// assert_eq!(Value::Int(1).temporal_text(), None);
    /// ```
    pub fn temporal_text(&self) -> Option<String> {
        let fraction = |micros: u32| {
            if micros == 0 {
                String::new()
            } else {
                format!(".{:06}", micros % 1_000_000)
            }
        };
        Some(match self {
            Value::Date { year, month, day } => format!("{year:04}-{month:02}-{day:02}"),
            Value::DateTime {
                year,
                month,
                day,
                hour,
                minute,
                second,
                micros,
            } => format!(
                "{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}{}",
                fraction(*micros)
            ),
            Value::Time {
                negative,
                hours,
                minutes,
                seconds,
                micros,
            } => format!(
                "{}{hours:02}:{minutes:02}:{seconds:02}{}",
                if *negative { "-" } else { "" },
                fraction(*micros)
            ),
            _ => return None,
        })
    }
}

/// Serde helper: byte strings as lowercase hex text, so boundaries and plans stay readable JSON.
mod hex_bytes {
    use serde::{de::Error as _, Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(bytes.len() * 2);
        for b in bytes {
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        }
        s.serialize_str(&out)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        let digit = |c: u8, at: usize| -> Result<u8, D::Error> {
            (c as char).to_digit(16).map(|v| v as u8).ok_or_else(|| {
                D::Error::custom(format!("invalid hex digit {:?} at {at}", c as char))
            })
        };
        let raw = text.as_bytes();
        if raw.len() % 2 != 0 {
            return Err(D::Error::custom(format!(
                "hex byte string has odd length {}",
                raw.len()
            )));
        }
        raw.chunks_exact(2)
            .enumerate()
            .map(|(i, pair)| Ok(digit(pair[0], 2 * i)? << 4 | digit(pair[1], 2 * i + 1)?))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Value;

    #[test]
    fn bytes_serialize_as_hex_and_round_trip() {
        let v = Value::Bytes(vec![0x00, 0xff, b'a']);
        let json = serde_json::to_string(&v).expect("serialize");
        assert_eq!(json, r#"{"Bytes":"00ff61"}"#);
        let back: Value = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, v);
        assert!(serde_json::from_str::<Value>(r#"{"Bytes":"0g"}"#).is_err());
        assert!(serde_json::from_str::<Value>(r#"{"Bytes":"abc"}"#).is_err());
    }
}
