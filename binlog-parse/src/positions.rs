//! `end_log_pos` continuity: file offsets in a binary log, the primary's positions in the
//! primary-written part of a relay log.

use crate::event::PositionCheck;
use crate::header::{EventHeader, EventType};

/// Tracks `end_log_pos` continuity, in file offsets or, in a relay log after a Rotate, in the
/// primary's positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Positions {
    /// `Some(p)`: following the primary's file, whose next event is at `p`.
    pub(crate) primary: Option<u64>,
    /// The server id of the file's first FDE: in a relay log, the replica's own events (its
    /// final Rotate or Stop) carry relay-file positions.
    own_server: Option<u32>,
}

impl Positions {
    #[inline]
    pub(crate) fn check(
        &mut self,
        offset: u64,
        header: &EventHeader,
        body: &[u8],
    ) -> PositionCheck {
        let size = u64::from(header.event_size);
        let is_rotate = header.event_type == EventType::ROTATE;
        if self.own_server.is_none() && header.event_type == EventType::FORMAT_DESCRIPTION {
            self.own_server = Some(header.server_id.0);
        }
        let own = self.own_server == Some(header.server_id.0);
        let primary = self.primary.filter(|_| !own);
        let result = if header.log_pos == 0 {
            PositionCheck::Artificial
        } else if primary.is_some() && header.event_type == EventType::FORMAT_DESCRIPTION {
            if primary.is_some_and(|p| p <= 4) {
                self.primary = Some(u64::from(header.log_pos));
            }
            PositionCheck::Unchecked
        } else {
            let expected = primary.unwrap_or(offset).wrapping_add(size);
            let found = u64::from(header.log_pos);
            if primary.is_some() {
                // A forward jump (filtered events, a new connection) resets the count; a value
                // behind it (pre-5.0 primaries wrote transaction-relative positions) does not.
                self.primary = Some(if found > expected { found } else { expected });
            }
            if header.log_pos == expected as u32 {
                PositionCheck::Continuous
            } else {
                PositionCheck::Discontinuous {
                    expected: expected as u32,
                }
            }
        };
        // In a relay log (a fake Rotate starts the primary's part) every Rotate from the
        // primary says where the primary's next event is.
        // The replica's own Rotate (naming its next relay file) says nothing of the primary.
        let from_primary = !own || header.log_pos == 0;
        if is_rotate && from_primary && (header.log_pos == 0 || self.primary.is_some()) {
            if let Some(pos) = body.get(..8) {
                let mut le = [0u8; 8];
                le.copy_from_slice(pos);
                self.primary = Some(u64::from_le_bytes(le));
            }
        }
        result
    }
}
