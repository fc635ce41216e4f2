//! The SQL text of chunk checksums, row reads and the pt-compatible results table.
//!
//! Identifiers are quoted by `chunker::sql`; values are never inlined: the chunk predicate keeps
//! its `?` placeholders and the caller binds the values the chunker produced.

use chunker::sql::{force_index, quote_ident};
use chunker::Value;

use crate::engine::RowPlan;
use crate::text;
use crate::Algorithm;

/// Which rows of the table a statement reads: an index to force and a `WHERE` predicate with
/// `?` placeholders (both optional: a whole-table checksum has neither).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Scope<'a> {
    /// The index to force (`FORCE INDEX`), normally the one the chunk boundaries walk.
    pub index: Option<&'a str>,
    /// The chunk predicate, e.g. `` (`id` >= ?) AND (`id` < ?) ``.
    pub predicate: Option<&'a str>,
}

impl Scope<'_> {
    fn tail_sql(&self, plan: &RowPlan) -> String {
        let mut sql = format!(
            " FROM {}.{}",
            quote_ident(&plan.schema),
            quote_ident(&plan.name)
        );
        if let Some(index) = self.index {
            sql.push(' ');
            sql.push_str(&force_index(index));
        }
        if let Some(predicate) = self.predicate {
            sql.push_str(" WHERE ");
            sql.push_str(predicate);
        }
        sql
    }
}

/// 2^64, for reducing the strong algorithm's `SUM` (a DECIMAL) to 64 bits on the server.
const TWO_TO_64: &str = "18446744073709551616";

impl RowPlan {
    /// The per-row hash as an SQL expression yielding a `BIGINT UNSIGNED`; equal, row by row,
    /// to [`RowPlan::hash_row`]. For `sync-plan`'s row-level drill-down.
    pub fn row_hash_sql(&self) -> String {
        crate::plan::row_hash_sql(self.algorithm, &self.columns)
    }

    /// The chunk aggregate expression, whose value is [`ChunkChecksum::crc`](crate::ChunkChecksum).
    ///
    /// pt: `COALESCE(LOWER(CONV(BIT_XOR(CAST(<row> AS UNSIGNED)), 10, 16)), 0)`, exactly as
    /// pt-table-checksum writes it. Strong and fast: the `SUM` of the row hashes (a DECIMAL, so
    /// it cannot overflow) reduced modulo 2^64 and written as 16 hex digits.
    pub fn crc_sql(&self) -> String {
        let row = self.row_hash_sql();
        match self.algorithm {
            Algorithm::Pt => {
                format!("COALESCE(LOWER(CONV(BIT_XOR(CAST({row} AS UNSIGNED)), 10, 16)), 0)")
            }
            Algorithm::Strong | Algorithm::Fast => format!(
                "COALESCE(LPAD(LOWER(CONV(MOD(SUM({row}), {TWO_TO_64}), 10, 16)), 16, '0'), \
                 '0000000000000000')"
            ),
        }
    }

    /// The chunk checksum statement: `SELECT COUNT(*) AS cnt, <crc> AS crc FROM ... WHERE ...`.
    pub fn chunk_sql(&self, scope: &Scope<'_>) -> String {
        format!(
            "SELECT /*checksum chunk*/ COUNT(*) AS cnt, {} AS crc{}",
            self.crc_sql(),
            scope.tail_sql(self)
        )
    }

    /// The statement that reads the chunk's rows for the client-side engine: every column in
    /// table order, no `ORDER BY` (the aggregate does not depend on row order).
    pub fn rows_sql(&self, scope: &Scope<'_>) -> String {
        let cols: Vec<String> = self.columns.iter().map(|c| quote_ident(&c.name)).collect();
        format!(
            "SELECT /*checksum rows*/ {}{}",
            cols.join(", "),
            scope.tail_sql(self)
        )
    }

    /// pt-table-checksum's replicate statement: `REPLACE INTO <results> (db, tbl, chunk,
    /// chunk_index, lower_boundary, upper_boundary, this_cnt, this_crc) SELECT ?, ?, ?, ?, ?, ?,
    /// COUNT(*), <crc> FROM ... WHERE ...`. The six leading placeholders come before the
    /// predicate's. Run under `binlog_format=STATEMENT` so that replicas compute their own.
    /// `results` is the quoted results table, e.g. `` `percona`.`checksums` ``.
    pub fn replicate_sql(&self, results: &str, scope: &Scope<'_>) -> String {
        format!(
            "REPLACE INTO {results} (db, tbl, chunk, chunk_index, lower_boundary, upper_boundary, \
             this_cnt, this_crc) SELECT ?, ?, ?, ?, ?, ?, COUNT(*) AS cnt, {} AS crc{}",
            self.crc_sql(),
            scope.tail_sql(self)
        )
    }
}

/// The results table, column for column as pt-table-checksum 3.2.1 creates it.
/// `results` is the quoted table name.
pub fn results_table_ddl(results: &str) -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS {results} (\
         db CHAR(64) NOT NULL, tbl CHAR(64) NOT NULL, chunk INT NOT NULL, \
         chunk_time FLOAT NULL, chunk_index VARCHAR(200) NULL, \
         lower_boundary TEXT NULL, upper_boundary TEXT NULL, \
         this_crc CHAR(40) NOT NULL, this_cnt INT NOT NULL, \
         master_crc CHAR(40) NULL, master_cnt INT NULL, \
         ts TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, \
         PRIMARY KEY (db, tbl, chunk), INDEX ts_db_tbl (ts, db, tbl)) \
         ENGINE=InnoDB DEFAULT CHARSET=utf8"
    )
}

/// The replica-side query for chunks whose own count or checksum differ from the primary's
/// (pt's `find_replication_differences`), limited to one table: binds `db`, `tbl`.
pub fn replica_differences_sql(results: &str) -> String {
    format!(
        "SELECT chunk, chunk_index, lower_boundary, upper_boundary, this_cnt, master_cnt, \
         this_crc, master_crc FROM {results} WHERE db = ? AND tbl = ? AND \
         (master_cnt <> this_cnt OR master_crc <> this_crc \
         OR ISNULL(master_crc) <> ISNULL(this_crc)) ORDER BY chunk"
    )
}

/// A value as text for reports and the results table's boundary columns: numbers in decimal,
/// dates as the server writes them, byte strings as text when they are UTF-8 and as `0x...`
/// hex otherwise, NULL as `NULL`.
pub fn value_text(v: &Value) -> String {
    let mut out = Vec::new();
    match v {
        Value::Null => out.extend_from_slice(b"NULL"),
        Value::Int(i) => text::push_int(&mut out, *i),
        Value::UInt(u) => text::push_uint(&mut out, *u),
        Value::Float(f) => out.extend_from_slice(f.to_string().as_bytes()),
        Value::Double(d) => out.extend_from_slice(d.to_string().as_bytes()),
        Value::Bytes(b) => match std::str::from_utf8(b) {
            Ok(s) => out.extend_from_slice(s.as_bytes()),
            Err(_) => {
                out.extend_from_slice(b"0x");
                for byte in b {
                    out.extend_from_slice(format!("{byte:02x}").as_bytes());
                }
            }
        },
        Value::Date { .. } | Value::DateTime { .. } | Value::Time { .. } => {
            out.extend_from_slice(v.temporal_text().unwrap_or_default().as_bytes());
        }
        other => out.extend_from_slice(format!("{other:?}").as_bytes()),
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A boundary tuple in pt's `Quoter::serialize_list` form: values joined by `,`, commas inside
/// a value escaped as `\,`, a literal `\N` as `\\N`, NULL as `\N`.
///
/// ```
/// use chunker::Value;
/// let bound = [Value::Int(5), Value::text("a,b"), Value::Null];
/// assert_eq!(checksum::serialize_boundary(&bound), r"5,a\,b,\N");
/// ```
pub fn serialize_boundary(values: &[Value]) -> String {
    values
        .iter()
        .map(|v| match v {
            Value::Null => "\\N".to_string(),
            v => value_text(v).replace(',', "\\,").replace("\\N", "\\\\N"),
        })
        .collect::<Vec<_>>()
        .join(",")
}
