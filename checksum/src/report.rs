//! What a compare run reports per differing chunk (pure data, serializable).

use chunker::{Bound, Chunk};
use serde::{Deserialize, Serialize};

use crate::engine::ChunkChecksum;
use crate::sql::serialize_boundary;

/// One chunk whose count or checksum differs between the two servers, as the seed's
/// mk-table-checksum report shows it: database, table, chunk, index, boundaries, and both
/// sides' count and checksum.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChunkDiff {
    /// The database.
    pub db: String,
    /// The table.
    pub table: String,
    /// The chunk number.
    pub chunk: u64,
    /// The walked index (`None` when the table is one whole chunk).
    pub index: Option<String>,
    /// The lower boundary in pt's serialized form (`None`: open below).
    pub lower: Option<String>,
    /// The upper boundary in pt's serialized form (`None`: open above).
    pub upper: Option<String>,
    /// Whether the lower boundary belongs to the chunk (`>=`) or not (`>`).
    pub lower_inclusive: bool,
    /// Whether the upper boundary belongs to the chunk (`<=`) or not (`<`).
    pub upper_inclusive: bool,
    /// The source's count and checksum.
    pub source: ChunkChecksum,
    /// The target's count and checksum.
    pub target: ChunkChecksum,
}

impl ChunkDiff {
    /// The diff of `chunk` between `source` and `target`.
    pub fn new(chunk: &Chunk, source: ChunkChecksum, target: ChunkChecksum) -> ChunkDiff {
        let (lower, lower_inclusive) = bound_text(&chunk.lower);
        let (upper, upper_inclusive) = bound_text(&chunk.upper);
        ChunkDiff {
            db: chunk.table.schema.clone(),
            table: chunk.table.name.clone(),
            chunk: chunk.number,
            index: chunk.index.clone(),
            lower,
            upper,
            lower_inclusive,
            upper_inclusive,
            source,
            target,
        }
    }

    /// Target rows minus source rows (mk-table-checksum's `CNT_DIFF` as the replica sees it).
    pub fn count_diff(&self) -> i128 {
        i128::from(self.target.rows) - i128::from(self.source.rows)
    }

    /// Whether the checksums differ (the counts may be equal).
    pub fn crc_differs(&self) -> bool {
        self.source.crc != self.target.crc
    }

    /// The range in words, over the key columns: `` `id` >= 5 AND `id` < 9 ``, `1=1` for a
    /// whole table (composite bounds are shown as tuples).
    pub fn range_text(&self, key_columns: &[&str]) -> String {
        let cols = match key_columns {
            [one] => format!("`{one}`"),
            many => format!(
                "({})",
                many.iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        };
        let mut parts = Vec::new();
        if let Some(l) = &self.lower {
            let op = if self.lower_inclusive { ">=" } else { ">" };
            parts.push(format!("{cols} {op} {l}"));
        }
        if let Some(u) = &self.upper {
            let op = if self.upper_inclusive { "<=" } else { "<" };
            parts.push(format!("{cols} {op} {u}"));
        }
        if parts.is_empty() {
            "1=1".to_string()
        } else {
            parts.join(" AND ")
        }
    }
}

fn bound_text(bound: &Bound) -> (Option<String>, bool) {
    match bound {
        Bound::Unbounded => (None, false),
        Bound::Inclusive(v) => (Some(serialize_boundary(v)), true),
        Bound::Exclusive(v) => (Some(serialize_boundary(v)), false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chunker::{TableRef, Value};

    #[test]
    fn range_text_like_the_seed() {
        let chunk = Chunk {
            table: TableRef {
                schema: "sales".into(),
                name: "accounting".into(),
            },
            number: 6,
            index: Some("PRIMARY".into()),
            lower: Bound::Inclusive(vec![Value::Int(1_694_287)]),
            upper: Bound::Exclusive(vec![Value::Int(1_976_668)]),
            warnings: vec![],
        };
        let sum = |rows, crc: &str| ChunkChecksum {
            rows,
            crc: crc.into(),
        };
        let d = ChunkDiff::new(&chunk, sum(10, "a"), sum(13, "b"));
        assert_eq!(d.count_diff(), 3);
        assert!(d.crc_differs());
        assert_eq!(
            d.range_text(&["account_id"]),
            "`account_id` >= 1694287 AND `account_id` < 1976668"
        );
    }
}
