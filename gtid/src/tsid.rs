//! Source ids (UUID plus optional tag) and single GTIDs.

use std::fmt;
use std::str::FromStr;

use crate::error::Error;
use crate::gno::Gno;
use crate::tag::Tag;
use crate::text::Cursor;
use crate::uuid::Uuid;

/// A transaction source id: a server UUID and, since MySQL 8.3, an optional tag.
///
/// `uuid:1` and `uuid:tag:1` are different GTIDs: each `(uuid, tag)` pair numbers its
/// transactions on its own. The order (UUID, then no tag before any tag, then tags as strings)
/// is the order MySQL prints a set in.
///
/// ```
/// let t: gtid::Tsid = "3E11FA47-71CA-11E1-9E33-C80AA9429562:Batch".parse()?;
/// assert_eq!(t.to_string(), "3e11fa47-71ca-11e1-9e33-c80aa9429562:batch");
/// # Ok::<(), gtid::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tsid {
    /// The server UUID.
    pub uuid: Uuid,
    /// The tag, if any.
    pub tag: Option<Tag>,
}

impl Tsid {
    /// An untagged source id.
    pub const fn new(uuid: Uuid) -> Tsid {
        Tsid { uuid, tag: None }
    }

    /// A tagged source id.
    pub const fn tagged(uuid: Uuid, tag: Tag) -> Tsid {
        Tsid {
            uuid,
            tag: Some(tag),
        }
    }
}

impl From<Uuid> for Tsid {
    fn from(uuid: Uuid) -> Tsid {
        Tsid::new(uuid)
    }
}

impl fmt::Display for Tsid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.tag {
            None => write!(f, "{}", self.uuid),
            Some(t) => write!(f, "{}:{}", self.uuid, t),
        }
    }
}

impl fmt::Debug for Tsid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tsid({self})")
    }
}

impl FromStr for Tsid {
    type Err = Error;

    /// `uuid` or `uuid:tag`, whitespace allowed around tokens.
    fn from_str(s: &str) -> Result<Tsid, Error> {
        let mut c = Cursor::new(s);
        c.skip_space();
        let uuid = Uuid::parse_at(&mut c)?;
        c.skip_space();
        let mut tsid = Tsid::new(uuid);
        if c.eat(b':') {
            c.skip_space();
            if !matches!(c.peek(), Some(b) if b.is_ascii_alphabetic() || b == b'_') {
                return Err(c.expected("a tag after ':'"));
            }
            tsid.tag = Some(Tag::parse_at(&mut c)?);
            c.skip_space();
        }
        if !c.at_end() {
            return Err(c.expected(if tsid.tag.is_some() {
                "end of input after tag"
            } else {
                "':' or end of input after uuid"
            }));
        }
        Ok(tsid)
    }
}

/// One global transaction id: `uuid:gno` or `uuid:tag:gno`.
///
/// ```
/// let g: gtid::Gtid = "3e11fa47-71ca-11e1-9e33-c80aa9429562:tag_1:23".parse()?;
/// assert_eq!(g.gno.get(), 23);
/// assert_eq!(g.to_string(), "3e11fa47-71ca-11e1-9e33-c80aa9429562:tag_1:23");
/// # Ok::<(), gtid::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Gtid {
    /// The source id.
    pub tsid: Tsid,
    /// The transaction number.
    pub gno: Gno,
}

impl Gtid {
    /// A GTID.
    pub const fn new(tsid: Tsid, gno: Gno) -> Gtid {
        Gtid { tsid, gno }
    }
}

impl fmt::Display for Gtid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.tsid, self.gno)
    }
}

impl fmt::Debug for Gtid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Gtid({self})")
    }
}

impl FromStr for Gtid {
    type Err = Error;

    /// `uuid:gno` or `uuid:tag:gno`, whitespace allowed around tokens.
    fn from_str(s: &str) -> Result<Gtid, Error> {
        let mut c = Cursor::new(s);
        c.skip_space();
        let uuid = Uuid::parse_at(&mut c)?;
        c.skip_space();
        if !c.eat(b':') {
            return Err(c.expected("':' after uuid"));
        }
        c.skip_space();
        let mut tsid = Tsid::new(uuid);
        if matches!(c.peek(), Some(b) if b.is_ascii_alphabetic() || b == b'_') {
            tsid.tag = Some(Tag::parse_at(&mut c)?);
            c.skip_space();
            if !c.eat(b':') {
                return Err(c.expected("':' after tag"));
            }
            c.skip_space();
        }
        let gno = crate::parse::gno_at(&mut c)?;
        c.skip_space();
        if !c.at_end() {
            return Err(c.expected("end of input after gno"));
        }
        Ok(Gtid { tsid, gno })
    }
}
