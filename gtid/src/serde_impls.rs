//! Serde support (feature `serde`): every type serializes as its text, sets in the compact
//! `","` form; deserializing accepts anything the [`FromStr`] impls accept.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};

use crate::mariadb::{GtidPos, MariadbGtid};
use crate::{Gno, Gtid, GtidSet, Tag, Tsid, Uuid};

struct FromStrVisitor<T>(&'static str, PhantomData<T>);

impl<T> Visitor<'_> for FromStrVisitor<T>
where
    T: FromStr,
    T::Err: fmt::Display,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        v.parse().map_err(E::custom)
    }
}

macro_rules! text_serde {
    ($t:ty, $what:literal, $fmt:literal) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(&format_args!($fmt, self))
            }
        }

        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_str(FromStrVisitor($what, PhantomData))
            }
        }
    };
}

text_serde!(Uuid, "a uuid string", "{}");
text_serde!(Tag, "a gtid tag string", "{}");
text_serde!(Tsid, "a uuid[:tag] string", "{}");
text_serde!(Gtid, "a gtid string", "{}");
text_serde!(GtidSet, "a gtid set string", "{:#}");
text_serde!(MariadbGtid, "a mariadb gtid string", "{}");
text_serde!(GtidPos, "a mariadb gtid position string", "{}");

impl Serialize for Gno {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(self.get())
    }
}

impl<'de> Deserialize<'de> for Gno {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = u64::deserialize(d)?;
        Gno::new(v).map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_as_compact_text() {
        let s: GtidSet =
            "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5,\n4e11fa47-71ca-11e1-9e33-c80aa9429562:t:7"
                .parse()
                .unwrap();
        let j = serde_json::to_string(&s).unwrap();
        assert_eq!(
            j,
            "\"3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5,4e11fa47-71ca-11e1-9e33-c80aa9429562:t:7\""
        );
        assert_eq!(serde_json::from_str::<GtidSet>(&j).unwrap(), s);
        // Escaped text (the server's ",\n" form) cannot be borrowed; it still deserializes.
        let with_newline = "\"3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5,\\n4e11fa47-71ca-11e1-9e33-c80aa9429562:t:7\"";
        assert_eq!(serde_json::from_str::<GtidSet>(with_newline).unwrap(), s);
        let e = serde_json::from_str::<GtidSet>("\"x\"").unwrap_err();
        assert!(e.to_string().contains("at character 0"), "{e}");
        assert_eq!(serde_json::to_string(&Gno::new(5).unwrap()).unwrap(), "5");
        assert!(serde_json::from_str::<Gno>("0").is_err());
        let p: GtidPos = serde_json::from_str("\"0-1-5,1-1-2\"").unwrap();
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"0-1-5,1-1-2\"");
    }
}
