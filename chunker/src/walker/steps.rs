//! The walker's steps: building its queries and cutting chunks from the answers.

use super::{Query, QueryKind, State, Walker};
use crate::chunk::{Bound, Chunk, ChunkWarning};
use crate::error::Error;
use crate::key::Key;
use crate::predicate::{compare, Op};
use crate::sql::ident_list;
use crate::value::Value;

impl Walker {
    /// `SELECT <key>, <key > L> FROM t FORCE INDEX (idx) [WHERE <key >= L>]
    /// ORDER BY <key> LIMIT ?, 1`.
    pub(super) fn boundary_query(&self, key: &Key) -> Query {
        let skip = self.sizer.current();
        let mut binds = Vec::new();
        let flag = match &self.lower {
            Bound::Inclusive(v) => {
                let (sql, b) = compare(&key.columns, Op::Gt, v);
                binds.extend(b);
                sql
            }
            Bound::Exclusive(_) | Bound::Unbounded => "1".to_string(),
        };
        let (lower_sql, lower_binds) = self.lower.lower_predicate(&key.columns);
        binds.extend(lower_binds);
        binds.push(Value::UInt(skip));
        let filter = if matches!(self.lower, Bound::Unbounded) {
            String::new()
        } else {
            format!(" WHERE {lower_sql}")
        };
        let sql = format!(
            "SELECT {}, {flag} FROM {}{filter} ORDER BY {} LIMIT ?, 1",
            select_list(key),
            self.from_clause,
            ident_list(key.column_names()),
        );
        Query {
            sql,
            binds,
            kind: QueryKind::Boundary {
                from: self.lower.clone(),
                skip,
            },
        }
    }

    /// `SELECT <key> FROM t FORCE INDEX (idx) WHERE <key > after> ORDER BY <key> LIMIT 1`.
    pub(super) fn next_distinct_query(&self, key: &Key, after: Vec<Value>) -> Query {
        let (pred, binds) = compare(&key.columns, Op::Gt, &after);
        let sql = format!(
            "SELECT {} FROM {} WHERE {pred} ORDER BY {} LIMIT 1",
            select_list(key),
            self.from_clause,
            ident_list(key.column_names()),
        );
        Query {
            sql,
            binds,
            kind: QueryKind::NextDistinct { after },
        }
    }

    /// A chunk from the current lower bound to `upper`, numbered, and advances the count.
    pub(super) fn make_chunk(&mut self, upper: Bound, warnings: Vec<ChunkWarning>) -> Chunk {
        let chunk = Chunk {
            table: self.table.clone(),
            number: self.number,
            index: self.key.as_ref().map(|k| k.index.clone()),
            lower: self.lower.clone(),
            upper,
            warnings,
        };
        self.number = self.number.saturating_add(1);
        chunk
    }

    /// The last chunk: from the current lower bound, open above.
    pub(super) fn finish_at(&mut self, warnings: Vec<ChunkWarning>) -> Result<(), Error> {
        let chunk = self.make_chunk(Bound::Unbounded, warnings);
        self.state = State::Ready { chunk, last: true };
        Ok(())
    }

    /// A chunk up to (not including) `boundary`, which becomes the next lower bound.
    pub(super) fn cut_at(
        &mut self,
        boundary: Vec<Value>,
        warnings: Vec<ChunkWarning>,
    ) -> Result<(), Error> {
        if self.lower.values() == Some(boundary.as_slice()) {
            return Err(Error::NoProgress {
                table: self.table.to_string(),
                chunk: self.number,
                boundary: format!("{boundary:?}"),
            });
        }
        let chunk = self.make_chunk(Bound::Exclusive(boundary.clone()), warnings);
        self.lower = Bound::Inclusive(boundary);
        self.state = State::Ready { chunk, last: false };
        Ok(())
    }

    /// Reads the progress flag: 1 / 0 as an integer, text or NULL (not progress).
    pub(super) fn flag(&self, value: &Value) -> Result<bool, Error> {
        match value {
            Value::Int(1) | Value::UInt(1) => Ok(true),
            Value::Int(0) | Value::UInt(0) | Value::Null => Ok(false),
            Value::Bytes(b) if b.as_slice() == b"1" => Ok(true),
            Value::Bytes(b) if b.as_slice() == b"0" => Ok(false),
            other => Err(self.bad_answer(&format!("progress flag {other:?} is not 0 or 1"))),
        }
    }

    pub(super) fn bad_answer(&self, reason: &str) -> Error {
        Error::BadAnswer {
            table: self.table.to_string(),
            chunk: self.number,
            reason: reason.to_string(),
        }
    }
}

fn select_list(key: &Key) -> String {
    key.columns
        .iter()
        .map(|c| c.select_expr())
        .collect::<Vec<_>>()
        .join(", ")
}
