//! Transaction numbers (GNOs) and intervals of them.

use std::fmt;
use std::str::FromStr;

use crate::error::Error;

/// A GTID's transaction number: `1..=2^63-2`.
///
/// MySQL's upper bound is `INT64_MAX - 1` (`9223372036854775806`): a set containing
/// `9223372036854775807` is rejected as malformed by the server, though the manual says `2^63-1`.
///
/// ```
/// assert_eq!(gtid::Gno::new(5)?.get(), 5);
/// assert!(gtid::Gno::new(0).is_err());
/// assert!(gtid::Gno::new(gtid::Gno::MAX.get() + 1).is_err());
/// # Ok::<(), gtid::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Gno(u64);

impl Gno {
    /// The smallest GNO, 1.
    pub const MIN: Gno = Gno(1);
    /// The largest GNO MySQL accepts, `2^63 - 2`.
    pub const MAX: Gno = Gno((1 << 63) - 2);

    /// A GNO, or [`Error::InvalidGno`] outside `1..=2^63-2`.
    pub const fn new(value: u64) -> Result<Gno, Error> {
        if value >= Gno::MIN.0 && value <= Gno::MAX.0 {
            Ok(Gno(value))
        } else {
            Err(Error::InvalidGno { value })
        }
    }

    /// The number.
    pub const fn get(self) -> u64 {
        self.0
    }

    /// The next GNO, `None` after [`Gno::MAX`].
    pub const fn next(self) -> Option<Gno> {
        if self.0 < Gno::MAX.0 {
            Some(Gno(self.0 + 1))
        } else {
            None
        }
    }
}

impl fmt::Display for Gno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for Gno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Gno({})", self.0)
    }
}

impl TryFrom<u64> for Gno {
    type Error = Error;

    fn try_from(value: u64) -> Result<Gno, Error> {
        Gno::new(value)
    }
}

impl From<Gno> for u64 {
    fn from(g: Gno) -> u64 {
        g.0
    }
}

impl FromStr for Gno {
    type Err = Error;

    /// Plain decimal, as inside a GTID set.
    fn from_str(s: &str) -> Result<Gno, Error> {
        let mut c = crate::text::Cursor::new(s);
        let g = crate::parse::gno_at(&mut c)?;
        if !c.at_end() {
            return Err(c.expected("end of input after gno"));
        }
        Ok(g)
    }
}

/// A non-empty run of consecutive GNOs, `first..=last`.
///
/// Stored half-open (`start..end`, as MySQL does internally), so adjacent intervals are those
/// where one's end is the other's start. Displayed as MySQL prints it: `7` or `1-5`.
///
/// ```
/// use gtid::{Gno, Interval};
/// let i = Interval::new(Gno::new(3)?, Gno::new(5)?).unwrap();
/// assert_eq!((i.first().get(), i.last().get(), i.len()), (3, 5, 3));
/// assert_eq!(i.to_string(), "3-5");
/// # Ok::<(), gtid::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Interval {
    /// First GNO.
    pub(crate) start: u64,
    /// One past the last GNO; `start < end <= Gno::MAX + 1`.
    pub(crate) end: u64,
}

impl Interval {
    /// `first..=last`, or `None` if `last < first`.
    pub const fn new(first: Gno, last: Gno) -> Option<Interval> {
        if last.0 < first.0 {
            None
        } else {
            Some(Interval {
                start: first.0,
                end: last.0 + 1,
            })
        }
    }

    /// The half-open `start..end_exclusive`, as MySQL stores intervals in binary logs
    /// (`Previous_gtids`) and on the wire. Errors unless `1 <= start < end_exclusive <= 2^63-1`.
    ///
    /// ```
    /// let i = gtid::Interval::from_half_open(1, 6)?;
    /// assert_eq!(i.to_string(), "1-5");
    /// assert!(gtid::Interval::from_half_open(5, 5).is_err());
    /// # Ok::<(), gtid::Error>(())
    /// ```
    pub const fn from_half_open(start: u64, end_exclusive: u64) -> Result<Interval, Error> {
        if start >= Gno::MIN.0 && start < end_exclusive && end_exclusive <= Gno::MAX.0 + 1 {
            Ok(Interval {
                start,
                end: end_exclusive,
            })
        } else {
            Err(Error::InvalidInterval {
                start,
                end_exclusive,
            })
        }
    }

    /// The half-open bounds `(start, end_exclusive)`.
    pub const fn to_half_open(&self) -> (u64, u64) {
        (self.start, self.end)
    }

    /// The single GNO `g`.
    pub const fn single(g: Gno) -> Interval {
        Interval {
            start: g.0,
            end: g.0 + 1,
        }
    }

    /// The first GNO.
    pub const fn first(&self) -> Gno {
        Gno(self.start)
    }

    /// The last GNO.
    pub const fn last(&self) -> Gno {
        Gno(self.end - 1)
    }

    /// How many GNOs (at least 1).
    #[allow(clippy::len_without_is_empty)] // an Interval is never empty
    pub const fn len(&self) -> u64 {
        self.end - self.start
    }

    /// Whether `g` is in the interval.
    pub const fn contains(&self, g: Gno) -> bool {
        self.start <= g.0 && g.0 < self.end
    }

    /// The GNOs, in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = Gno> + use<> {
        (self.start..self.end).map(Gno)
    }

    /// Writes `N` or `N-M` into `out`, returning the length used.
    pub(crate) fn encode(&self, out: &mut [u8; 40]) -> usize {
        let mut n = write_u64(self.start, out, 0);
        if self.end - self.start > 1 {
            out[n] = b'-';
            n = write_u64(self.end - 1, out, n + 1);
        }
        n
    }
}

/// Writes `v` in decimal at `out[at..]`, returning the end offset. `out` has room for 20 digits.
fn write_u64(mut v: u64, out: &mut [u8; 40], at: usize) -> usize {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let digits = &tmp[i..];
    out[at..at + digits.len()].copy_from_slice(digits);
    at + digits.len()
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0u8; 40];
        let n = self.encode(&mut buf);
        f.write_str(std::str::from_utf8(&buf[..n]).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Interval({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gno_bounds() {
        assert!(Gno::new(0).is_err());
        assert_eq!(Gno::new(9223372036854775806).unwrap(), Gno::MAX);
        assert!(Gno::new(9223372036854775807).is_err());
        assert_eq!(
            Gno::new(0).unwrap_err().to_string(),
            "gno 0 is out of range 1..=9223372036854775806"
        );
        assert_eq!(Gno::MAX.next(), None);
        assert_eq!("42".parse::<Gno>().unwrap().get(), 42);
        assert!("042".parse::<Gno>().is_err());
        assert!("4 2".parse::<Gno>().is_err());
    }

    #[test]
    fn interval_display() {
        let max = Interval::new(Gno::MIN, Gno::MAX).unwrap();
        assert_eq!(max.to_string(), "1-9223372036854775806");
        assert_eq!(
            Interval::single(Gno::MAX).to_string(),
            "9223372036854775806"
        );
        assert_eq!(max.len(), Gno::MAX.get());
        assert!(Interval::new(Gno::MAX, Gno::MIN).is_none());
    }

    #[test]
    fn half_open_bounds() {
        let top = Interval::from_half_open(1, Gno::MAX.get() + 1).unwrap();
        assert_eq!(top.last(), Gno::MAX);
        assert_eq!(top.to_half_open(), (1, Gno::MAX.get() + 1));
        assert!(Interval::from_half_open(1, Gno::MAX.get() + 2).is_err());
        assert!(Interval::from_half_open(0, 3).is_err());
        assert_eq!(
            Interval::from_half_open(7, 3).unwrap_err().to_string(),
            "interval [7, 3) is empty or outside 1..=9223372036854775806"
        );
    }
}
