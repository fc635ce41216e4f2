//! Crash diagnosis: for one file ([`diagnose_bytes`], [`diagnose_reader`]) and for a set of
//! files with a replica's position ([`LogSet`]).

mod file;
mod replica;
mod resync;
mod set;
mod txn;

pub use file::{
    diagnose_bytes, diagnose_bytes_with, diagnose_reader, Diagnoser, FileDiagnosis, FileStatus,
    PositionFindings,
};
pub use replica::{ReplicaCheck, Verdict};
pub use set::{diagnose_path, ChainFinding, FileEntry, LogSet, SetDiagnosis};
pub use txn::{add_previous, mysql_gtid, Transactions};
