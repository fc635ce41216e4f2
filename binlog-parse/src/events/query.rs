//! Query (2) and User_var (14).

use super::{lossy, Cursor};
use crate::error::Error;
use std::borrow::Cow;

/// Query (2): a statement, including BEGIN, COMMIT and DDL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Query<'a> {
    /// The connection's thread id.
    pub thread_id: u32,
    /// Seconds the statement took on the primary.
    pub exec_time: u32,
    /// The error code the statement ended with on the primary (0 = none).
    pub error_code: u16,
    /// The raw status variables block.
    pub status_vars: &'a [u8],
    /// The default schema.
    pub schema: &'a [u8],
    /// The statement.
    pub statement: &'a [u8],
}

impl<'a> Query<'a> {
    /// `post_header_len` is the FDE's entry for Query: 13 (with status variables) in v4.
    pub(crate) fn decode(mut c: Cursor<'a>, post_header_len: u8) -> Result<Query<'a>, Error> {
        let thread_id = c.u32("query thread_id")?;
        let exec_time = c.u32("query exec_time")?;
        let schema_len = c.u8("query schema length")?;
        let error_code = c.u16("query error_code")?;
        let status_vars = if post_header_len == 0 || post_header_len >= 13 {
            let len = c.u16("query status_vars length")?;
            c.bytes(u64::from(len), "query status_vars")?
        } else {
            &[]
        };
        if post_header_len > 13 {
            c.bytes(u64::from(post_header_len - 13), "query post-header")?;
        }
        let schema = c.bytes(u64::from(schema_len), "query schema")?;
        let nul = c.u8("query schema terminator")?;
        if nul != 0 {
            return Err(c.invalid("query schema terminator", u64::from(nul)));
        }
        Ok(Query {
            thread_id,
            exec_time,
            error_code,
            status_vars,
            schema,
            statement: c.rest(),
        })
    }

    /// The statement, lossily as text.
    pub fn statement_text(&self) -> Cow<'a, str> {
        lossy(self.statement)
    }

    /// The schema, lossily as text.
    pub fn schema_text(&self) -> Cow<'a, str> {
        lossy(self.schema)
    }

    /// Whether the statement opens a transaction (`BEGIN`, `START TRANSACTION`, `XA START`).
    pub fn is_begin(&self) -> bool {
        let s = trim(self.statement);
        s.eq_ignore_ascii_case(b"BEGIN")
            || starts_with_ci(s, b"START TRANSACTION")
            || starts_with_ci(s, b"XA START")
    }

    /// Whether the statement ends a transaction: `COMMIT`, `ROLLBACK` (not `ROLLBACK TO`), or
    /// `XA COMMIT` / `XA ROLLBACK` / `XA PREPARE` (the end of an XA group in the log).
    pub fn is_commit(&self) -> bool {
        let s = trim(self.statement);
        s.eq_ignore_ascii_case(b"COMMIT")
            || s.eq_ignore_ascii_case(b"ROLLBACK")
            || starts_with_ci(s, b"XA COMMIT")
            || starts_with_ci(s, b"XA ROLLBACK")
            || starts_with_ci(s, b"XA PREPARE")
    }
}

fn trim(s: &[u8]) -> &[u8] {
    let start = s
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|b| !b.is_ascii_whitespace() && *b != b';')
        .map_or(start, |i| i + 1);
    &s[start..end.max(start)]
}

fn starts_with_ci(s: &[u8], prefix: &[u8]) -> bool {
    s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// User_var (14): a user variable the next statement uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserVar<'a> {
    /// Variable name (without `@`).
    pub name: &'a [u8],
    /// `None` for NULL; else (value type, charset number, value bytes).
    pub value: Option<(u8, u32, &'a [u8])>,
}

impl<'a> UserVar<'a> {
    pub(crate) fn decode(mut c: Cursor<'a>) -> Result<UserVar<'a>, Error> {
        let name_len = c.u32("user_var name length")?;
        let name = c.bytes(u64::from(name_len), "user_var name")?;
        let is_null = c.u8("user_var is_null")?;
        if is_null != 0 {
            return Ok(UserVar { name, value: None });
        }
        let kind = c.u8("user_var type")?;
        let charset = c.u32("user_var charset")?;
        let len = c.u32("user_var value length")?;
        let value = c.bytes(u64::from(len), "user_var value")?;
        Ok(UserVar {
            name,
            value: Some((kind, charset, value)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_and_begin_are_recognised_loosely() {
        let q = |s: &'static [u8]| Query {
            thread_id: 0,
            exec_time: 0,
            error_code: 0,
            status_vars: &[],
            schema: &[],
            statement: s,
        };
        assert!(q(b"BEGIN").is_begin());
        assert!(q(b" commit ").is_commit());
        assert!(q(b"XA COMMIT X'31',X'',1").is_commit());
        assert!(!q(b"ROLLBACK TO SAVEPOINT a").is_commit());
        assert!(!q(b"COMMITTED").is_commit());
    }
}
