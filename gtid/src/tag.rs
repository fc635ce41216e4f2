//! GTID tags (MySQL 8.3+).

use std::fmt;
use std::str::FromStr;

use crate::error::{excerpt, Error};
use crate::text::Cursor;

/// Longest tag MySQL accepts.
pub(crate) const MAX_LEN: usize = 32;

/// A GTID tag (MySQL 8.3+): `[a-z_][a-z0-9_]{0,31}`, stored lowercase.
///
/// MySQL folds tags to lowercase, so `Tag::new("Admin")` equals `Tag::new("admin")`. Tags are
/// ordered as strings, which is the order MySQL prints them in. A `Tag` is `Copy` and does not
/// allocate.
///
/// ```
/// let t = gtid::Tag::new("Batch_7")?;
/// assert_eq!(t.as_str(), "batch_7");
/// assert!(gtid::Tag::new("7up").is_err());
/// # Ok::<(), gtid::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tag {
    // Zero-padded; every tag byte is non-zero, so comparing the padded arrays compares the
    // strings, and the derived order is string order.
    bytes: [u8; MAX_LEN],
    len: u8,
}

impl Tag {
    /// Validates and lowercases `s`: first character an ASCII letter or `_`, then letters,
    /// digits or `_`, 1 to 32 characters. No surrounding whitespace.
    pub fn new(s: &str) -> Result<Tag, Error> {
        let invalid = |reason| Error::InvalidTag {
            tag: excerpt(s),
            reason,
        };
        let b = s.as_bytes();
        match b.first() {
            None => return Err(invalid("a tag has 1 to 32 characters")),
            Some(f) if !(f.is_ascii_alphabetic() || *f == b'_') => {
                return Err(invalid("a tag starts with a letter or '_'"))
            }
            Some(_) => {}
        }
        if !b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_') {
            return Err(invalid("a tag has only letters, digits and '_'"));
        }
        if b.len() > MAX_LEN {
            return Err(invalid("a tag has at most 32 characters"));
        }
        Ok(Tag::from_valid(b))
    }

    /// Builds a tag from bytes already checked against the grammar.
    fn from_valid(b: &[u8]) -> Tag {
        let mut bytes = [0u8; MAX_LEN];
        for (dst, src) in bytes.iter_mut().zip(b) {
            *dst = src.to_ascii_lowercase();
        }
        Tag {
            bytes,
            len: b.len().min(MAX_LEN) as u8,
        }
    }

    /// The tag, lowercase.
    pub fn as_str(&self) -> &str {
        // Only ASCII is ever stored.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("")
    }

    /// Reads a tag at the cursor, which is on a letter or `_`.
    pub(crate) fn parse_at(c: &mut Cursor<'_>) -> Result<Tag, Error> {
        let start = c.pos();
        while let Some(b) = c.peek() {
            if !(b.is_ascii_alphanumeric() || b == b'_') {
                break;
            }
            c.bump();
        }
        let len = c.pos() - start;
        if len > MAX_LEN {
            return Err(Error::TagTooLong {
                tag: c.excerpt_from(start),
                position: c.char_index(start),
            });
        }
        Ok(Tag::from_valid(c.slice_from(start).as_bytes()))
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tag({:?})", self.as_str())
    }
}

impl FromStr for Tag {
    type Err = Error;

    fn from_str(s: &str) -> Result<Tag, Error> {
        Tag::new(s)
    }
}

impl AsRef<str> for Tag {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Valid and invalid tags from MySQL's tag rules (libs/mysql/gtid/tag.cpp): letters, digits
    // and '_', not starting with a digit, at most 32 characters, folded to lowercase.
    #[test]
    fn mysql_tag_rules() {
        let max = "a2345678901234567890123456789012";
        assert_eq!(Tag::new(max).unwrap().as_str(), max);
        assert_eq!(Tag::new("aDmiN123").unwrap().as_str(), "admin123");
        assert_eq!(Tag::new("_aDmiN123").unwrap().as_str(), "_admin123");
        for bad in [
            "12345678901234567890123456789012",
            "0DmiN123",
            "a23456789012345678901234567890120",
            "aDmiN123.",
            "aDmiN1-23",
            "    aDmiN 123 ",
            "",
            "é",
        ] {
            assert!(Tag::new(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn order_is_string_order() {
        let a = Tag::new("a").unwrap();
        let a_ = Tag::new("a_").unwrap();
        let b = Tag::new("b").unwrap();
        assert!(a < a_ && a_ < b);
        assert_eq!(Tag::new("ABC").unwrap(), Tag::new("abc").unwrap());
    }
}
