//! A borrowed row value: what the client engine hashes, without copying a value's bytes.

use chunker::Value;

/// One column value, borrowed: the shape of [`chunker::Value`] with its bytes borrowed, so a
/// driver can hand the engine the values of a row it just decoded without building owned
/// values first ([`ChunkHasher::push_values`](crate::ChunkHasher::push_values)).
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
    /// A kind of [`chunker::Value`] this version does not know: hashing it is an error.
    Unknown,
}

impl ValueRef<'_> {
    /// Whether this is SQL `NULL`.
    pub fn is_null(&self) -> bool {
        matches!(self, ValueRef::Null)
    }
}

impl<'a> From<&'a Value> for ValueRef<'a> {
    fn from(v: &'a Value) -> ValueRef<'a> {
        match *v {
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
            _ => ValueRef::Unknown,
        }
    }
}
