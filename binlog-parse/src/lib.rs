//! TODO crate docs
#![deny(missing_docs)]

pub mod builder;
mod decoder;
pub mod diagnose;
mod error;
mod event;
pub mod events;
mod fde;
mod framer;
mod header;
mod reader;

pub use decoder::{Decoder, DecoderOptions, Step};
pub use diagnose::{
    diagnose_bytes, diagnose_reader, FileDiagnosis, FileStatus, LogSet, SetDiagnosis, Verdict,
};
pub use error::Error;
pub use event::{Checksum, EventRef, PositionCheck};
pub use events::EventData;
pub use fde::{has_checksum_block, split_version, ChecksumAlg, FormatDescription, VersionSplit};
pub use framer::Framer;
pub use header::{
    EventFlags, EventHeader, EventType, LogPos, ServerId, CHECKSUM_LEN, HEADER_LEN, MAGIC,
    MAX_EVENT_SIZE,
};
pub use reader::EventReader;
