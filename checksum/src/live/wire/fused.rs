//! The strong (and fast) encoding straight from a binary row: each column's bytes decoded and
//! written as the text the server hashes in one step, chosen once per result ([`Op`]).
//!
//! The general path decodes each value into a [`Cell`], converts it to a
//! [`ValueRef`](chunker::ValueRef) for the column's type, then dispatches on (value,
//! encoding): three branches on kinds already known when the result's columns arrived, and a
//! value built in memory only to be read back. Here the columns whose text follows from their
//! bytes alone (integers, DOUBLE, FLOAT, DATETIME, character and binary strings, DECIMAL
//! text) get an [`Op`] that reads and writes directly with the same writers; every other
//! column takes the general path for that column only ([`Op::Cell`]), so both produce the
//! same bytes by construction of the writers, and `fused_matches_cells` checks it.

use chunker::{Column as ModelColumn, ColumnType};

use super::{lenenc, read_cell, take, take_slice, Bad, BadRow, RowView, Wire, WireType};
use crate::encode::{push_quoted, strong_value, Encoded, Scratch};
use crate::error::{At, Error};
use crate::plan::{ColPlan, Enc};
use crate::{number, text};

/// How one column of a result is read and written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    /// A signed integer of 1, 2, 4 or 8 bytes, in decimal.
    I8,
    /// See [`Op::I8`].
    I16,
    /// See [`Op::I8`].
    I32,
    /// See [`Op::I8`].
    I64,
    /// An unsigned integer of 1, 2, 4 or 8 bytes, in decimal.
    U8,
    /// See [`Op::U8`].
    U16,
    /// See [`Op::U8`].
    U32,
    /// See [`Op::U8`].
    U64,
    /// A DOUBLE of a DOUBLE column, shortest round-trip digits.
    Double,
    /// A FLOAT, as the double it widens to.
    Float,
    /// A date and time (`DATETIME(fsp)` text; a bare date is midnight).
    DateTime(u8),
    /// Length-prefixed bytes, `QUOTE`-escaped.
    Quoted,
    /// Length-prefixed DECIMAL text: nothing to escape.
    Plain,
    /// Anything else: decoded, converted and encoded value by value, as the general path.
    Cell(Wire),
}

impl Op {
    /// The op for a column arriving as `wire`, modelled as `column`, encoded as `enc` by the
    /// strong (or fast) plan without `ZEROFILL` padding.
    pub(crate) fn of(wire: Wire, column: &ModelColumn, enc: Enc) -> Op {
        let float_column = matches!(column.column_type, ColumnType::Float { .. });
        let date_time_column = matches!(column.column_type, ColumnType::DateTime { .. });
        match (enc, wire.kind, wire.unsigned) {
            (Enc::Int, WireType::MYSQL_TYPE_TINY, false) => Op::I8,
            (Enc::Int, WireType::MYSQL_TYPE_SHORT, false) => Op::I16,
            (Enc::Int, WireType::MYSQL_TYPE_LONG | WireType::MYSQL_TYPE_INT24, false) => Op::I32,
            (Enc::Int, WireType::MYSQL_TYPE_LONGLONG, false) => Op::I64,
            (Enc::Int, WireType::MYSQL_TYPE_TINY, true) => Op::U8,
            (Enc::Int, WireType::MYSQL_TYPE_SHORT, true) => Op::U16,
            (Enc::Int, WireType::MYSQL_TYPE_LONG | WireType::MYSQL_TYPE_INT24, true) => Op::U32,
            (Enc::Int, WireType::MYSQL_TYPE_LONGLONG, true) => Op::U64,
            // A DOUBLE arriving for a FLOAT column is narrowed first: the general path.
            (Enc::Double, WireType::MYSQL_TYPE_DOUBLE, _) if !float_column => Op::Double,
            (Enc::Double, WireType::MYSQL_TYPE_FLOAT, _) => Op::Float,
            (
                Enc::DateTime(fsp),
                WireType::MYSQL_TYPE_DATETIME
                | WireType::MYSQL_TYPE_TIMESTAMP
                | WireType::MYSQL_TYPE_DATE
                | WireType::MYSQL_TYPE_NEWDATE,
                _,
            ) if date_time_column => Op::DateTime(fsp),
            (Enc::Raw, _, _) if wire.is_bytes() => Op::Quoted,
            (Enc::DecimalText, _, _) if wire.is_bytes() => Op::Plain,
            _ => Op::Cell(wire),
        }
    }
}

/// The ops of a result whose columns arrive as `wires`, modelled as `columns`, planned as
/// `cols` (all in the same order).
pub(crate) fn ops(wires: &[Wire], columns: &[ModelColumn], cols: &[ColPlan]) -> Vec<Op> {
    wires
        .iter()
        .zip(columns)
        .zip(cols)
        .map(|((&w, column), col)| Op::of(w, column, col.enc))
        .collect()
}

/// Appends `v`, quoted, with `write` (digits and the like: nothing to escape).
#[inline(always)]
fn quoted<T>(out: &mut Vec<u8>, v: T, write: impl FnOnce(&mut Vec<u8>, T)) {
    out.push(b'\'');
    write(out, v);
    out.push(b'\'');
}

impl RowView<'_> {
    /// Appends the strong encoding of the row (as `encode::strong_row` of its values) to
    /// `out`, column `i` read and written as `ops[i]` (the plan's columns `cols` and the
    /// model's `columns` in the same order, as many as the row has).
    ///
    /// A malformed row stops at the bad column and says why in `bad` (the caller discards
    /// what was appended and reports it); an encoding error is returned.
    pub(crate) fn strong_encode(
        &self,
        ops: &[Op],
        (cols, columns): (&[ColPlan], &[ModelColumn]),
        out: &mut Vec<u8>,
        s: &mut Scratch,
        (at, bad): (&dyn Fn() -> At, &mut Option<BadRow>),
    ) -> Encoded {
        let bitmap_len = (self.wires.len() + 9) / 8;
        let Some((bitmap, mut rest)) = self
            .payload
            .get(1..)
            .and_then(|p| p.split_at_checked(bitmap_len))
        else {
            *bad = Some(BadRow {
                column: 0,
                what: "the row is shorter than its NULL bitmap".into(),
            });
            return Ok(());
        };
        let n = ops.len().min(cols.len()).min(columns.len());
        let (ops, cols, columns) = (&ops[..n], &cols[..n], &columns[..n]);
        let mut ctx = Ctx {
            bitmap,
            rest: &mut rest,
            out,
            s,
            at,
        };
        let mut fault = None;
        for i in 0..n {
            if let Err(f) = ctx.column(i, ops, cols, columns) {
                fault = Some((i, f));
                break;
            }
        }
        match fault {
            None => Ok(()),
            Some((i, Fault::Bad(what))) => {
                *bad = Some(BadRow {
                    column: i,
                    what: what.to_string(),
                });
                Ok(())
            }
            Some((_, Fault::Encode(e))) => Err(e),
        }
    }
}

/// What writing one column needs.
struct Ctx<'r, 'b, 'o> {
    /// The row's NULL bitmap (offset 2).
    bitmap: &'r [u8],
    /// The row's bytes not read yet.
    rest: &'b mut &'r [u8],
    out: &'o mut Vec<u8>,
    s: &'o mut Scratch,
    at: &'o dyn Fn() -> At,
}

impl Ctx<'_, '_, '_> {
    /// Appends column `i`'s text: `NULL` from the bitmap, or its value read as `ops[i]`.
    #[inline(always)]
    fn column(
        &mut self,
        i: usize,
        ops: &[Op],
        cols: &[ColPlan],
        columns: &[ModelColumn],
    ) -> Result<(), Fault> {
        let bit = i + 2;
        if self
            .bitmap
            .get(bit / 8)
            .is_some_and(|b| b & (1 << (bit % 8)) != 0)
        {
            self.out.extend_from_slice(b"NULL");
            return Ok(());
        }
        match (ops.get(i), cols.get(i), columns.get(i)) {
            (Some(&op), Some(col), Some(column)) => {
                write_op(op, (col, column), self.rest, self.out, self.s, self.at)
            }
            _ => Ok(()),
        }
    }
}

/// Why a column could not be written: its bytes, or its value for the encoder.
enum Fault {
    Bad(Bad),
    Encode(Box<Error>),
}

impl From<Bad> for Fault {
    fn from(b: Bad) -> Fault {
        Fault::Bad(b)
    }
}

/// Reads one non-NULL value from the front of `rest` and appends its strong text.
#[inline(always)]
fn write_op(
    op: Op,
    (col, column): (&ColPlan, &ModelColumn),
    rest: &mut &[u8],
    out: &mut Vec<u8>,
    s: &mut Scratch,
    at: &dyn Fn() -> At,
) -> Result<(), Fault> {
    match op {
        Op::I8 => quoted(out, i64::from(take::<1>(rest)?[0] as i8), text::push_int),
        Op::I16 => quoted(out, i16::from_le_bytes(take(rest)?).into(), text::push_int),
        Op::I32 => quoted(out, i32::from_le_bytes(take(rest)?).into(), text::push_int),
        Op::I64 => quoted(out, i64::from_le_bytes(take(rest)?), text::push_int),
        Op::U8 => quoted(out, take::<1>(rest)?[0].into(), text::push_uint),
        Op::U16 => quoted(out, u16::from_le_bytes(take(rest)?).into(), text::push_uint),
        Op::U32 => quoted(out, u32::from_le_bytes(take(rest)?).into(), text::push_uint),
        Op::U64 => quoted(out, u64::from_le_bytes(take(rest)?), text::push_uint),
        Op::Double => {
            let d = f64::from_le_bytes(take(rest)?);
            quoted(out, d, |out, d| number::push_double(out, d, &mut s.fmt));
        }
        Op::Float => {
            let f = f32::from_le_bytes(take(rest)?);
            quoted(out, f64::from(f), |out, d| {
                number::push_double(out, d, &mut s.fmt);
            });
        }
        Op::DateTime(fsp) => {
            let (y, mo, d, h, mi, sec, us) = super::read_date_parts(rest)?;
            quoted(out, (), |out, ()| {
                text::push_date_time(out, (y, mo, d), (h, mi, sec), us, fsp);
            });
        }
        Op::Quoted => {
            let len = lenenc(rest)?;
            quoted(out, take_slice(rest, len)?, push_quoted);
        }
        Op::Plain => {
            let len = lenenc(rest)?;
            quoted(out, take_slice(rest, len)?, text::push_plain);
        }
        Op::Cell(wire) => {
            let v = read_cell(wire, rest)?.to_ref(&column.column_type);
            strong_value::<false>(col, v, out, s, at).map_err(Fault::Encode)?;
        }
    }
    Ok(())
}
