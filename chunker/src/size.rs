//! Chunk sizes: fixed in rows, or adjusted toward a target time per chunk.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// How many rows a chunk should hold.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ChunkSize {
    /// Always this many rows (at least 1). Required by [`Selection`].
    Rows(u64),
    /// Start at `initial` rows and adjust after each chunk so that a chunk takes about
    /// `target`, within `min..=max` rows. The estimate is pt-table-checksum's weighted moving
    /// average: after each chunk of `n` rows that took `t` seconds,
    /// `avg_n = 0.75 * avg_n + n`, `avg_t = 0.75 * avg_t + t`, and the next size is
    /// `avg_n / avg_t * target`, clamped.
    TargetTime {
        /// The time one chunk should take (pt's `--chunk-time`, default 0.5 s).
        target: Duration,
        /// The first chunk's size (pass [`Walker::rate`](crate::Walker::rate) of the previous
        /// table times `target` to carry the rate across tables, as pt does).
        initial: u64,
        /// The smallest size.
        min: u64,
        /// The largest size.
        max: u64,
    },
}

impl ChunkSize {
    /// pt-table-checksum's defaults: 0.5 s per chunk, starting at 1,000 rows, between 1 and
    /// 1,000,000 rows.
    pub const DEFAULT: ChunkSize = ChunkSize::TargetTime {
        target: Duration::from_millis(500),
        initial: 1000,
        min: 1,
        max: 1_000_000,
    };

    /// Why these settings cannot be used, if they cannot.
    pub(crate) fn problem(&self) -> Option<String> {
        match *self {
            ChunkSize::Rows(0) => Some("chunk size 0 rows".to_string()),
            ChunkSize::Rows(_) => None,
            ChunkSize::TargetTime {
                target,
                initial,
                min,
                max,
            } => {
                if target.is_zero() {
                    Some("target time 0".to_string())
                } else if min == 0 || min > max {
                    Some(format!("chunk size bounds {min}..={max}"))
                } else if initial == 0 {
                    Some("initial chunk size 0 rows".to_string())
                } else {
                    None
                }
            }
        }
    }
}

impl Default for ChunkSize {
    fn default() -> ChunkSize {
        ChunkSize::DEFAULT
    }
}

/// Which chunks a walk hands out, for continual checking: those whose number `n` has
/// `n % modulo == offset`. Tonight offset 0, tomorrow 1, ...: `modulo` nights check every
/// chunk once.
///
/// Chunk numbers mean the same key ranges from one run to the next only if the walk is the
/// same: so a selection requires [`ChunkSize::Rows`] (dynamic sizes depend on the server's
/// speed that night), and chunk `n` starts at the row `n * size` places from the start of the
/// index (plus the effect of runs of equal keys). Rows inserted or deleted before a boundary
/// shift the later boundaries by that many rows, so over a cycle a row near a boundary can be
/// checked twice or be missed once; rows in the middle of a chunk stay in the same slice.
/// A table without a usable index is one chunk, number 0, so it is checked on offset 0.
/// The walk still reads every boundary (index-only reads, far cheaper than checksums).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selection {
    /// How many slices (at least 1).
    pub modulo: u64,
    /// Which slice, below `modulo`.
    pub offset: u64,
}

impl Selection {
    /// Whether chunk `number` is in the slice.
    pub fn selects(&self, number: u64) -> bool {
        self.modulo != 0 && number % self.modulo == self.offset
    }
}

/// The running chunk size.
#[derive(Clone, Debug)]
pub(crate) struct Sizer {
    mode: ChunkSize,
    current: u64,
    avg_rows: f64,
    avg_secs: f64,
}

impl Sizer {
    pub(crate) fn new(mode: ChunkSize) -> Sizer {
        let current = match mode {
            ChunkSize::Rows(n) => n,
            ChunkSize::TargetTime {
                initial, min, max, ..
            } => initial.clamp(min, max.max(min)),
        };
        Sizer {
            mode,
            current: current.max(1),
            avg_rows: 0.0,
            avg_secs: 0.0,
        }
    }

    pub(crate) fn mode(&self) -> ChunkSize {
        self.mode
    }

    pub(crate) fn current(&self) -> u64 {
        self.current
    }

    /// Rows per second of the moving average, once any time was measured.
    pub(crate) fn rate(&self) -> Option<f64> {
        (self.avg_secs > 0.0).then(|| self.avg_rows / self.avg_secs)
    }

    pub(crate) fn record(&mut self, rows: u64, elapsed: Duration) {
        let ChunkSize::TargetTime {
            target, min, max, ..
        } = self.mode
        else {
            return;
        };
        self.avg_rows = 0.75 * self.avg_rows + rows as f64;
        self.avg_secs = 0.75 * self.avg_secs + elapsed.as_secs_f64();
        // No time measured yet (a clock that did not tick): keep the size.
        if let Some(rate) = self.rate() {
            let next = rate * target.as_secs_f64();
            // `as` saturates for floats (NaN becomes 0), so the clamp decides.
            self.current = (next as u64).clamp(min, max.max(min));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moving_average_toward_target() {
        let mut s = Sizer::new(ChunkSize::DEFAULT);
        assert_eq!(s.current(), 1000);
        s.record(1000, Duration::from_millis(100)); // 10,000 rows/s
        assert_eq!(s.current(), 5000);
        s.record(5000, Duration::from_secs(1)); // (750+5000)/(0.075+1) rows/s
        assert_eq!(s.current(), (5750.0 / 1.075 * 0.5) as u64);
        assert!(s.rate().is_some());
    }

    #[test]
    fn clamped_and_fixed() {
        let mut s = Sizer::new(ChunkSize::TargetTime {
            target: Duration::from_secs(1),
            initial: 50,
            min: 10,
            max: 100,
        });
        s.record(50, Duration::from_secs(100));
        assert_eq!(s.current(), 10);
        s.record(1_000_000, Duration::from_nanos(1));
        assert_eq!(s.current(), 100);
        let mut fixed = Sizer::new(ChunkSize::Rows(7));
        fixed.record(7, Duration::from_secs(9));
        assert_eq!(fixed.current(), 7);
        let mut zero = Sizer::new(ChunkSize::DEFAULT);
        zero.record(10, Duration::ZERO);
        assert_eq!(zero.current(), 1000, "no time measured: unchanged");
    }

    #[test]
    fn settings_are_checked() {
        assert!(ChunkSize::Rows(0).problem().is_some());
        assert!(ChunkSize::DEFAULT.problem().is_none());
        let bad = ChunkSize::TargetTime {
            target: Duration::from_secs(1),
            initial: 5,
            min: 9,
            max: 3,
        };
        assert_eq!(bad.problem().as_deref(), Some("chunk size bounds 9..=3"));
        let s = Selection {
            modulo: 3,
            offset: 1,
        };
        assert!(s.selects(4) && !s.selects(3));
    }
}
