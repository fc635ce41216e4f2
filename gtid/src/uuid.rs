//! Server UUIDs, the source ids of MySQL GTIDs.

use std::fmt;
use std::str::FromStr;

use crate::error::Error;
use crate::text::Cursor;

/// A server UUID (MySQL `@@server_uuid`): 16 bytes, written `8-4-4-4-12` in hexadecimal.
///
/// Ordered by bytes, which is also the order of the lowercase text and the order MySQL prints a
/// GTID set in. Parsing accepts upper- and lowercase digits, but only the dashed 36-character
/// form, as MySQL does inside a GTID set; [`Display`](fmt::Display) prints lowercase.
///
/// ```
/// let u: gtid::Uuid = "3E11FA47-71CA-11E1-9E33-C80AA9429562".parse()?;
/// assert_eq!(u.to_string(), "3e11fa47-71ca-11e1-9e33-c80aa9429562");
/// assert_eq!(u.as_bytes()[0], 0x3e);
/// # Ok::<(), gtid::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Uuid([u8; 16]);

/// Length of the dashed text form.
pub(crate) const TEXT_LEN: usize = 36;

impl Uuid {
    /// The UUID with these bytes.
    pub const fn from_bytes(bytes: [u8; 16]) -> Uuid {
        Uuid(bytes)
    }

    /// The 16 bytes, in text order.
    pub const fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// Reads the 36-character dashed form at the cursor.
    pub(crate) fn parse_at(c: &mut Cursor<'_>) -> Result<Uuid, Error> {
        let mut bytes = [0u8; 16];
        let mut nibble = 0usize;
        for i in 0..TEXT_LEN {
            if matches!(i, 8 | 13 | 18 | 23) {
                if !c.eat(b'-') {
                    return Err(c.expected("'-' in uuid (8-4-4-4-12 hex digits)"));
                }
                continue;
            }
            let v = match c.peek() {
                Some(b @ b'0'..=b'9') => b - b'0',
                Some(b @ b'a'..=b'f') => b - b'a' + 10,
                Some(b @ b'A'..=b'F') => b - b'A' + 10,
                _ => {
                    return Err(c.expected(if i == 0 {
                        "a uuid (8-4-4-4-12 hex digits)"
                    } else {
                        "a hex digit in uuid"
                    }))
                }
            };
            c.bump();
            bytes[nibble / 2] |= if nibble % 2 == 0 { v << 4 } else { v };
            nibble += 1;
        }
        Ok(Uuid(bytes))
    }

    /// Writes the lowercase text into `out` (36 bytes).
    pub(crate) fn encode(&self, out: &mut [u8; TEXT_LEN]) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut o = 0;
        for (i, b) in self.0.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                out[o] = b'-';
                o += 1;
            }
            out[o] = HEX[usize::from(b >> 4)];
            out[o + 1] = HEX[usize::from(b & 0xf)];
            o += 2;
        }
    }
}

impl fmt::Display for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0u8; TEXT_LEN];
        self.encode(&mut buf);
        // The buffer holds ASCII only.
        f.write_str(std::str::from_utf8(&buf).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Uuid({self})")
    }
}

impl FromStr for Uuid {
    type Err = Error;

    /// Parses the dashed form, without surrounding whitespace.
    fn from_str(s: &str) -> Result<Uuid, Error> {
        let mut c = Cursor::new(s);
        let u = Uuid::parse_at(&mut c)?;
        if !c.at_end() {
            return Err(c.expected("end of input after uuid"));
        }
        Ok(u)
    }
}

impl From<[u8; 16]> for Uuid {
    fn from(bytes: [u8; 16]) -> Uuid {
        Uuid(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_case() {
        let u: Uuid = "3E11FA47-71CA-11E1-9E33-C80AA9429562".parse().unwrap();
        assert_eq!(u.to_string(), "3e11fa47-71ca-11e1-9e33-c80aa9429562");
        assert_eq!(u.to_string().parse::<Uuid>().unwrap(), u);
        assert_eq!(
            format!("{u:?}"),
            "Uuid(3e11fa47-71ca-11e1-9e33-c80aa9429562)"
        );
    }

    #[test]
    fn errors_name_the_position() {
        let e = "3e11fa47_71ca-11e1-9e33-c80aa9429562"
            .parse::<Uuid>()
            .unwrap_err();
        assert_eq!(e.position(), Some(8));
        let e = "3e11fa47-71ca-11e1-9e33-c80aa942956"
            .parse::<Uuid>()
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "expected a hex digit in uuid at character 35, found end of input"
        );
        let e = "3e11fa4771ca11e19e33c80aa9429562"
            .parse::<Uuid>()
            .unwrap_err();
        assert_eq!(e.position(), Some(8));
        assert!("3e11fa47-71ca-11e1-9e33-c80aa94295621"
            .parse::<Uuid>()
            .is_err());
        assert!("".parse::<Uuid>().is_err());
        assert!("é".parse::<Uuid>().is_err());
    }
}
