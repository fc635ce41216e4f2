//! The client-side engine: rows in, the server's checksum out.

use std::fmt;

use chunker::{Table, Value, ValueRef};
use md5::{Digest, Md5};

use crate::encode::{self, Encoded, Scratch};
use crate::error::{At, Error};
use crate::md5batch;
use crate::plan::{self, ColPlan, Enc};
use crate::{Algorithm, Dialect};

/// How the rows of one table are hashed under one algorithm and dialect: the server-side SQL
/// (see the `*_sql` methods) and the client-side encoder, built from the same per-column
/// decisions.
#[derive(Clone, Debug)]
pub struct RowPlan {
    table: String,
    pub(crate) schema: String,
    pub(crate) name: String,
    pub(crate) algorithm: Algorithm,
    pub(crate) dialect: Dialect,
    pub(crate) columns: Vec<ColPlan>,
    /// Whether a column's plan pads its text (`ZEROFILL`; not `strong`'s exact FLOAT/DOUBLE):
    /// the encoders check columns for it only then.
    pub(crate) zerofill: bool,
}

impl RowPlan {
    /// The plan for `table` (all its columns, in table order).
    pub fn new(table: &Table, algorithm: Algorithm, dialect: Dialect) -> RowPlan {
        let columns = plan::columns(table, algorithm, dialect);
        RowPlan {
            table: table.qualified_name(),
            schema: table.schema.clone(),
            name: table.name.clone(),
            algorithm,
            dialect,
            zerofill: columns.iter().any(|c| c.zerofill.is_some()),
            columns,
        }
    }

    /// The algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The dialect the SQL is written for.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// `schema.name`, unquoted.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// The column names in the order the client engine expects values.
    pub fn column_names(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|c| c.name.as_str())
    }

    /// The columns the client-side engine cannot reproduce, with the reason (empty for
    /// `strong`, which reproduces every type; `pt` refuses character columns in charsets other
    /// than the UTF-8 family, ASCII and latin1).
    pub fn client_unsupported(&self) -> Vec<(&str, &str)> {
        self.columns
            .iter()
            .filter_map(|c| match &c.enc {
                Enc::Unsupported => Some((c.name.as_str(), c.unsupported.as_str())),
                _ => None,
            })
            .collect()
    }

    pub(crate) fn at(&self, chunk: Option<u64>) -> At {
        At {
            table: self.table.clone(),
            chunk,
        }
    }

    /// Appends the exact bytes the server hashes for `row` (values in table column order).
    pub fn encode_row(&self, row: &[Value], out: &mut Vec<u8>) -> Result<(), Error> {
        self.encode(
            row.iter().map(Value::as_value_ref),
            out,
            &mut Scratch::default(),
            None,
        )
        .map_err(|e| *e)
    }

    // Inlined into the per-row loop, as it was before its four encoder instantiations made it
    // look too large to the inliner (callgrind: 20 instructions a row).
    #[inline(always)]
    fn encode<'v>(
        &self,
        row: impl ExactSizeIterator<Item = ValueRef<'v>>,
        out: &mut Vec<u8>,
        scratch: &mut Scratch,
        chunk: Option<u64>,
    ) -> Encoded {
        if row.len() != self.columns.len() {
            return Err(Box::new(Error::RowWidth {
                at: self.at(chunk),
                expected: self.columns.len(),
                found: row.len(),
            }));
        }
        let at = || self.at(chunk);
        // Tables without ZEROFILL columns (nearly all) get encoders without the padding check.
        let cols = &self.columns;
        match (self.algorithm, self.zerofill) {
            (Algorithm::Strong | Algorithm::Fast, false) => {
                encode::strong_row::<false>(cols, row, out, scratch, &at)
            }
            (Algorithm::Strong | Algorithm::Fast, true) => {
                encode::strong_row::<true>(cols, row, out, scratch, &at)
            }
            (Algorithm::Pt, false) => encode::pt_row::<false>(cols, row, out, scratch, &at),
            (Algorithm::Pt, true) => encode::pt_row::<true>(cols, row, out, scratch, &at),
        }
    }

    /// The per-row hash, equal to the value of [`RowPlan::row_hash_sql`] on the server.
    ///
    /// Strong: the first 8 bytes of the MD5 of the encoding, big-endian. pt and fast: its CRC32.
    pub fn hash_row(&self, row: &[Value]) -> Result<u64, Error> {
        let mut buf = Vec::new();
        self.encode_row(row, &mut buf)?;
        Ok(self.hash_bytes(&buf))
    }

    fn hash_bytes(&self, encoded: &[u8]) -> u64 {
        match self.algorithm {
            Algorithm::Strong => {
                let digest = Md5::digest(encoded);
                let mut first = [0u8; 8];
                first.copy_from_slice(&digest[..8]);
                u64::from_be_bytes(first)
            }
            Algorithm::Pt | Algorithm::Fast => u64::from(crc32fast::hash(encoded)),
        }
    }

    /// A hasher for one chunk (its number goes into error messages).
    pub fn hasher(&self, chunk: Option<u64>) -> ChunkHasher<'_> {
        ChunkHasher {
            plan: self,
            chunk,
            rows: 0,
            acc: 0,
            buf: Vec::with_capacity(256),
            batch: Vec::new(),
            ends: Vec::new(),
            scratch: Scratch::default(),
        }
    }
}

/// Accumulates the rows of one chunk into the value the server's chunk SQL returns.
///
/// ```
/// use checksum::{Algorithm, Dialect, RowPlan};
/// use chunker::{Column, ColumnType, Table, Value};
///
/// let table = Table::new("shop", "t")
///     .column(Column::new("id", ColumnType::Integer { bytes: 4, unsigned: false }));
/// let plan = RowPlan::new(&table, Algorithm::Strong, Dialect::MariaDb);
/// let mut h = plan.hasher(Some(1));
/// h.push_row(&[Value::Int(1)])?;
/// h.push_row(&[Value::Int(1)])?; // duplicates add up, they do not cancel
/// let sum = h.finish();
/// assert_eq!(sum.rows, 2);
/// assert_ne!(sum.crc, "0000000000000000");
/// # Ok::<(), checksum::Error>(())
/// ```
#[derive(Debug)]
pub struct ChunkHasher<'p> {
    plan: &'p RowPlan,
    chunk: Option<u64>,
    rows: u64,
    acc: u64,
    buf: Vec<u8>,
    /// Strong: the encodings of rows not hashed yet, back to back, hashed together
    /// ([`md5batch`]) once [`BATCH_ROWS`] rows or [`BATCH_BYTES`] bytes are waiting.
    batch: Vec<u8>,
    /// Where each waiting row's encoding ends in `batch`.
    ends: Vec<usize>,
    scratch: Scratch,
}

/// How many strong rows wait to be hashed together (multi-buffer MD5 wants many).
const BATCH_ROWS: usize = 64;

/// How many bytes of strong rows may wait (rows with big BLOBs are hashed sooner).
const BATCH_BYTES: usize = 256 * 1024;

impl ChunkHasher<'_> {
    /// Adds one row (values in table column order).
    pub fn push_row(&mut self, row: &[Value]) -> Result<(), Error> {
        self.push_values(row.iter().map(Value::as_value_ref))
    }

    /// Adds one row given as borrowed values in table column order, e.g. straight from a
    /// driver's decoded row with no owned copy. The same result as [`ChunkHasher::push_row`]
    /// with the owned values.
    pub fn push_values<'v>(
        &mut self,
        row: impl ExactSizeIterator<Item = ValueRef<'v>>,
    ) -> Result<(), Error> {
        let chunk = self.chunk;
        self.push_encoded(|plan, out, scratch| plan.encode(row, out, scratch, chunk))
            .map_err(|e| *e)
    }

    /// Adds the row `encode` appends to the buffer it is given (the exact bytes the server
    /// hashes); what it appended is dropped if it fails.
    #[inline(always)]
    pub(crate) fn push_encoded(
        &mut self,
        encode: impl FnOnce(&RowPlan, &mut Vec<u8>, &mut Scratch) -> Encoded,
    ) -> Encoded {
        if self.plan.algorithm == Algorithm::Strong {
            let start = self.batch.len();
            let result = encode(self.plan, &mut self.batch, &mut self.scratch);
            if result.is_err() {
                self.batch.truncate(start);
                return result;
            }
            self.ends.push(self.batch.len());
            self.rows += 1;
            if self.ends.len() >= BATCH_ROWS || self.batch.len() >= BATCH_BYTES {
                self.acc = self.acc.wrapping_add(self.waiting_sum());
                self.batch.clear();
                self.ends.clear();
            }
            return Ok(());
        }
        self.buf.clear();
        let mut buf = std::mem::take(&mut self.buf);
        let result = encode(self.plan, &mut buf, &mut self.scratch);
        if result.is_ok() {
            let h = self.plan.hash_bytes(&buf);
            self.fold(h);
        }
        self.buf = buf;
        result
    }

    /// The plan the rows are hashed under.
    #[cfg(feature = "mysql")]
    pub(crate) fn plan(&self) -> &RowPlan {
        self.plan
    }

    /// The chunk number given to [`RowPlan::hasher`].
    #[cfg(feature = "mysql")]
    pub(crate) fn chunk(&self) -> Option<u64> {
        self.chunk
    }

    /// The sum of the hashes of the strong rows waiting in the batch.
    fn waiting_sum(&self) -> u64 {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        md5batch::sum_first8(
            starts
                .zip(&self.ends)
                .map(|(start, &end)| self.batch.get(start..end).unwrap_or_default()),
        )
    }

    /// The accumulated value, rows still waiting in the batch included.
    fn total(&self) -> u64 {
        if self.ends.is_empty() {
            self.acc
        } else {
            self.acc.wrapping_add(self.waiting_sum())
        }
    }

    /// Adds a row hash computed elsewhere (e.g. on another thread with [`RowPlan::hash_row`]).
    pub fn push_hash(&mut self, hash: u64) {
        self.fold(hash);
    }

    /// Adds the rows another hasher of the same plan accumulated (one that hashed part of
    /// the chunk on another thread, say). Sums and XORs do not depend on order or grouping.
    pub fn merge(&mut self, other: &ChunkHasher<'_>) {
        self.rows += other.rows;
        self.acc = match self.plan.algorithm {
            Algorithm::Strong | Algorithm::Fast => self.acc.wrapping_add(other.total()),
            Algorithm::Pt => self.acc ^ other.acc,
        };
    }

    fn fold(&mut self, h: u64) {
        self.rows += 1;
        self.acc = match self.plan.algorithm {
            Algorithm::Strong | Algorithm::Fast => self.acc.wrapping_add(h),
            Algorithm::Pt => self.acc ^ h,
        };
    }

    /// The chunk's count and checksum, in the server's text form.
    pub fn finish(&self) -> ChunkChecksum {
        ChunkChecksum {
            rows: self.rows,
            crc: crc_text(self.plan.algorithm, self.total()),
        }
    }
}

/// The text the server's chunk SQL returns for an accumulated value: strong and fast, 16
/// lowercase hex digits; pt, lowercase hex without leading zeros (`0` for an empty chunk).
pub(crate) fn crc_text(algorithm: Algorithm, acc: u64) -> String {
    match algorithm {
        Algorithm::Strong | Algorithm::Fast => format!("{acc:016x}"),
        Algorithm::Pt => format!("{acc:x}"),
    }
}

/// One chunk's row count and checksum, as the server's chunk SQL returns them (`cnt`, `crc`)
/// and as the client engine computes them.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct ChunkChecksum {
    /// `COUNT(*)`.
    pub rows: u64,
    /// The checksum text (`this_crc` in `percona.checksums`).
    pub crc: String,
}

impl fmt::Display for ChunkChecksum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} rows, crc {}", self.rows, self.crc)
    }
}

#[cfg(test)]
mod tests {
    use super::{BATCH_BYTES, BATCH_ROWS};
    use crate::{Algorithm, Dialect, RowPlan};
    use chunker::{Column, ColumnType, Table, TextKind, Value};

    /// Batching (rows hashed together once enough wait, big rows sooner) gives the sum of the
    /// rows' own hashes, whatever the count and sizes, at any point `finish` is asked, and
    /// across `merge`.
    #[test]
    fn batched_strong_rows_sum_as_single_rows() {
        let table = Table::new("d", "t")
            .column(Column::new(
                "id",
                ColumnType::Integer {
                    bytes: 8,
                    unsigned: false,
                },
            ))
            .column(Column::new(
                "b",
                ColumnType::Binary {
                    kind: TextKind::Lob,
                    max_len: u64::from(u32::MAX),
                },
            ));
        let plan = RowPlan::new(&table, Algorithm::Strong, Dialect::MariaDb);
        let row = |i: i64| {
            // Mostly short rows, now and then one bigger than the whole batch budget.
            let len = if i % 97 == 5 {
                BATCH_BYTES + 3
            } else {
                (i as usize * 7) % 300
            };
            vec![
                Value::Int(i),
                Value::Bytes((0..len).map(|j| (j as i64 ^ i) as u8).collect()),
            ]
        };
        let mut batched = plan.hasher(Some(0));
        let mut other = plan.hasher(Some(0));
        let mut expected = 0u64;
        let n = 3 * BATCH_ROWS as i64 + 17;
        for i in 0..n {
            let r = row(i);
            expected = expected.wrapping_add(plan.hash_row(&r).expect("hash"));
            if i % 5 == 0 {
                other.push_row(&r).expect("push");
            } else {
                batched.push_row(&r).expect("push");
            }
            if i % 50 == 0 {
                let mut both = plan.hasher(Some(0));
                both.merge(&batched);
                both.merge(&other);
                assert_eq!(
                    both.finish().crc,
                    format!("{expected:016x}"),
                    "after row {i}"
                );
            }
        }
        batched.merge(&other);
        let sum = batched.finish();
        assert_eq!((sum.rows, sum.crc), (n as u64, format!("{expected:016x}")));
    }
}
