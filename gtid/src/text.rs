//! A byte cursor shared by the MySQL and MariaDB text parsers.
//!
//! Every token the grammars know is ASCII, so the cursor walks bytes and only ever stops on a
//! character boundary. Error positions are turned into character indexes when an error is built
//! (once, so parsing stays linear).

use crate::error::{excerpt, Error};

/// MySQL's `my_isspace` in the C locale: space, `\t`, `\n`, `\v`, `\f`, `\r`.
pub(crate) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

pub(crate) struct Cursor<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Cursor {
            text,
            bytes: text.as_bytes(),
            pos: 0,
        }
    }

    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// The byte `n` places after the current one.
    pub(crate) fn peek_at(&self, n: usize) -> Option<u8> {
        self.bytes.get(self.pos + n).copied()
    }

    pub(crate) fn bump(&mut self) {
        self.pos += 1;
    }

    pub(crate) fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    pub(crate) fn skip_space(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            if !is_space(b) {
                break;
            }
            self.pos += 1;
        }
    }

    /// Skips whitespace and commas before a list entry, so that empty entries (`a,,b`, a
    /// leading or trailing `,`) are passed over.
    pub(crate) fn skip_separators(&mut self) {
        loop {
            self.skip_space();
            if !self.eat(b',') {
                break;
            }
        }
    }

    /// Consumes `b` if it is next.
    pub(crate) fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Character index of byte offset `byte`.
    pub(crate) fn char_index(&self, byte: usize) -> usize {
        let byte = byte.min(self.text.len());
        // Only called on character boundaries (every consumed byte is ASCII), but stay safe.
        match self.text.get(..byte) {
            Some(prefix) => prefix.chars().count(),
            None => byte,
        }
    }

    /// A syntax error at the current position.
    pub(crate) fn expected(&self, expected: &'static str) -> Error {
        self.expected_at(self.pos, expected)
    }

    pub(crate) fn expected_at(&self, byte: usize, expected: &'static str) -> Error {
        let found = self.text.get(byte..).and_then(|rest| rest.chars().next());
        Error::Syntax {
            expected,
            found,
            position: self.char_index(byte),
        }
    }

    /// The text from byte `start` up to the current position.
    pub(crate) fn slice_from(&self, start: usize) -> &'a str {
        self.text.get(start..self.pos).unwrap_or("")
    }

    /// The text from byte `start` up to the current position, cut for an error message.
    pub(crate) fn excerpt_from(&self, start: usize) -> String {
        excerpt(self.text.get(start..self.pos).unwrap_or(""))
    }

    /// The text between bytes `start` and `end`, cut for an error message.
    pub(crate) fn excerpt_between(&self, start: usize, end: usize) -> String {
        excerpt(self.text.get(start..end).unwrap_or(""))
    }

    /// The run of ASCII alphanumerics starting at `start`, cut for an error message.
    pub(crate) fn word_at(&self, start: usize) -> String {
        let end = self.bytes[start.min(self.bytes.len())..]
            .iter()
            .position(|b| !b.is_ascii_alphanumeric())
            .map_or(self.bytes.len(), |n| start + n);
        excerpt(self.text.get(start..end).unwrap_or(""))
    }

    /// Reads a run of decimal digits (at least one) as a u64.
    ///
    /// Returns the value, or `None` if it overflows u64 (the digits are consumed either way).
    /// Leading zeros are left to the caller to judge. Errors if there is no digit.
    pub(crate) fn digits(&mut self, expected: &'static str) -> Result<Option<u64>, Error> {
        let start = self.pos;
        let mut value: Option<u64> = Some(0);
        while let Some(&b) = self.bytes.get(self.pos) {
            if !b.is_ascii_digit() {
                break;
            }
            value = value
                .and_then(|v| v.checked_mul(10))
                .and_then(|v| v.checked_add(u64::from(b - b'0')));
            self.pos += 1;
        }
        if self.pos == start {
            return Err(self.expected(expected));
        }
        Ok(value)
    }

    /// Reads a decimal number and checks it fits in `bits` bits (for MariaDB fields).
    pub(crate) fn number(&mut self, field: &'static str, bits: u32) -> Result<u64, Error> {
        let start = self.pos;
        let value = self.digits(field_expectation(field))?;
        let max = if bits >= 64 {
            u64::MAX
        } else {
            (1u64 << bits) - 1
        };
        match value {
            Some(v) if v <= max => Ok(v),
            _ => Err(Error::NumberTooLarge {
                field,
                value: self.excerpt_from(start),
                bits,
                position: self.char_index(start),
            }),
        }
    }
}

fn field_expectation(field: &'static str) -> &'static str {
    match field {
        "domain_id" => "a domain id (decimal digits)",
        "server_id" => "a server id (decimal digits)",
        _ => "a sequence number (decimal digits)",
    }
}
