//! The Format_description event: server version, checksum algorithm, post-header lengths.

use crate::error::Error;
use crate::header::{EventType, LogPos, CHECKSUM_LEN, HEADER_LEN};

/// Offset of `server_version` in the FDE body.
const VERSION_AT: usize = 2;
/// Width of the NUL-padded `server_version` field.
const VERSION_LEN: usize = 50;
/// binlog_version (2) + server_version (50) + create_timestamp (4) + common_header_len (1).
const FIXED_LEN: usize = 57;

/// The checksum algorithm a Format_description event announces for the events after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChecksumAlg {
    /// No checksum block at all: a server older than 5.6.1 (MariaDB 5.3.0).
    Absent,
    /// `binlog_checksum=NONE` (the FDE itself still carries a CRC32).
    Off,
    /// `binlog_checksum=CRC32`.
    Crc32,
    /// 255, `BINLOG_CHECKSUM_ALG_UNDEF`: treated like `Off` for the events that follow.
    Undefined,
}

impl ChecksumAlg {
    /// Whether events governed by this algorithm end in a 4-byte CRC32.
    pub const fn has_trailer(self) -> bool {
        matches!(self, ChecksumAlg::Crc32)
    }

    /// A short lowercase name (`none`, `off`, `crc32`, `undef`).
    pub const fn as_str(self) -> &'static str {
        match self {
            ChecksumAlg::Absent => "none",
            ChecksumAlg::Off => "off",
            ChecksumAlg::Crc32 => "crc32",
            ChecksumAlg::Undefined => "undef",
        }
    }
}

/// A server version as written in the FDE, split into its numeric prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct VersionSplit(pub u16, pub u16, pub u16);

/// Parses the leading `major.minor.patch` of a version string; missing parts are 0.
pub fn split_version(version: &[u8]) -> VersionSplit {
    let mut parts = [0u16; 3];
    let mut i = 0;
    for part in parts.iter_mut() {
        let start = i;
        while i < version.len() && version[i].is_ascii_digit() {
            *part = part
                .saturating_mul(10)
                .saturating_add(u16::from(version[i] - b'0'));
            i += 1;
        }
        if i == start || i >= version.len() || version[i] != b'.' {
            break;
        }
        i += 1;
    }
    VersionSplit(parts[0], parts[1], parts[2])
}

/// Whether a server of this version writes the checksum block (alg byte + CRC32) in its FDE:
/// MySQL from 5.6.1, MariaDB from 5.3.0.
pub fn has_checksum_block(version: &[u8]) -> bool {
    let split = split_version(version);
    let mariadb = version
        .windows(7)
        .any(|w| w.eq_ignore_ascii_case(b"mariadb"));
    if mariadb {
        split >= VersionSplit(5, 3, 0)
    } else {
        split >= VersionSplit(5, 6, 1)
    }
}

/// A decoded Format_description event (type 15), borrowing the event's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormatDescription<'a> {
    /// `binlog_version`, 4 for every file this crate decodes.
    pub binlog_version: u16,
    server_version: &'a [u8],
    /// When the file was created; non-zero only in the first file after server start-up.
    pub create_timestamp: u32,
    /// Length of the common header (19).
    pub common_header_len: u8,
    post_header_lens: &'a [u8],
    /// The algorithm of the events that follow.
    pub checksum_alg: ChecksumAlg,
}

impl<'a> FormatDescription<'a> {
    /// Decodes an FDE from the whole event (`raw` includes header and any CRC), checking its
    /// structure. The CRC itself is checked by the framer.
    pub fn parse(raw: &'a [u8], offset: LogPos) -> Result<FormatDescription<'a>, Error> {
        let bad = |reason, value: u64| Error::InvalidFormatDescription {
            offset,
            reason,
            value,
        };
        let body = raw.get(HEADER_LEN..).unwrap_or_default();
        if body.len() < FIXED_LEN {
            return Err(bad("body shorter than 57 bytes", body.len() as u64));
        }
        let binlog_version = u16::from_le_bytes([body[0], body[1]]);
        if binlog_version != 4 {
            return Err(bad("binlog_version is not 4", u64::from(binlog_version)));
        }
        let padded = &body[VERSION_AT..VERSION_AT + VERSION_LEN];
        let version_len = padded.iter().position(|&b| b == 0).unwrap_or(VERSION_LEN);
        let server_version = &padded[..version_len];
        if !server_version.first().is_some_and(u8::is_ascii_digit)
            || !server_version.iter().all(|b| b.is_ascii_graphic())
        {
            return Err(bad(
                "server_version is not a version string",
                version_len as u64,
            ));
        }
        let create_timestamp = u32::from_le_bytes([body[52], body[53], body[54], body[55]]);
        let common_header_len = body[56];
        if usize::from(common_header_len) != HEADER_LEN {
            return Err(bad(
                "common_header_len is not 19",
                u64::from(common_header_len),
            ));
        }
        let (post_header_lens, checksum_alg) = if has_checksum_block(server_version) {
            let block = CHECKSUM_LEN + 1;
            if body.len() < FIXED_LEN + block {
                return Err(bad("no room for the checksum block", body.len() as u64));
            }
            let alg = match body[body.len() - block] {
                0 => ChecksumAlg::Off,
                1 => ChecksumAlg::Crc32,
                255 => ChecksumAlg::Undefined,
                other => return Err(bad("unknown checksum algorithm", u64::from(other))),
            };
            (&body[FIXED_LEN..body.len() - block], alg)
        } else {
            (&body[FIXED_LEN..], ChecksumAlg::Absent)
        };
        // The FDE's own post-header length (index 14) must describe this very body: it is the
        // cross-check that catches a damaged version string deciding the checksum layout.
        if let Some(&own) = post_header_lens.get(usize::from(EventType::FORMAT_DESCRIPTION.0) - 1) {
            let expected = FIXED_LEN + post_header_lens.len();
            if usize::from(own) != expected && usize::from(own) != expected % 256 {
                return Err(bad(
                    "own post-header length disagrees with the body",
                    u64::from(own),
                ));
            }
        }
        Ok(FormatDescription {
            binlog_version,
            server_version,
            create_timestamp,
            common_header_len,
            post_header_lens,
            checksum_alg,
        })
    }

    /// The server version string, e.g. `8.0.40` or `10.11.6-MariaDB-log`.
    pub fn server_version(&self) -> &'a str {
        // parse() checked every byte is graphic ASCII.
        std::str::from_utf8(self.server_version).unwrap_or_default()
    }

    /// The numeric prefix of the server version.
    pub fn version_split(&self) -> VersionSplit {
        split_version(self.server_version)
    }

    /// Whether the writer was MariaDB.
    pub fn is_mariadb(&self) -> bool {
        self.server_version
            .windows(7)
            .any(|w| w.eq_ignore_ascii_case(b"mariadb"))
    }

    /// One byte per event type (index = type - 1): the post-header length of each type.
    pub fn post_header_lens(&self) -> &'a [u8] {
        self.post_header_lens
    }

    /// The post-header length of one type, if the FDE lists it.
    pub fn post_header_len(&self, event_type: EventType) -> Option<u8> {
        let index = usize::from(event_type.0).checked_sub(1)?;
        self.post_header_lens.get(index).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_split_like_the_server() {
        assert_eq!(split_version(b"5.6.24-debug-log"), VersionSplit(5, 6, 24));
        assert_eq!(
            split_version(b"10.5.15-MariaDB-1:10.5.15+maria~focal-log"),
            VersionSplit(10, 5, 15)
        );
        assert_eq!(split_version(b"8"), VersionSplit(8, 0, 0));
        assert_eq!(split_version(b""), VersionSplit(0, 0, 0));
    }

    #[test]
    fn checksum_split_is_5_6_1_or_mariadb_5_3_0() {
        assert!(!has_checksum_block(b"5.6.0"));
        assert!(has_checksum_block(b"5.6.1"));
        assert!(has_checksum_block(b"5.6.4-m7-debug-log"));
        assert!(!has_checksum_block(b"5.5.27-log"));
        assert!(has_checksum_block(b"5.5.30-MariaDB-log"));
        assert!(!has_checksum_block(b"5.2.10-MariaDB"));
    }
}
