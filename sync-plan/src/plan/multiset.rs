//! Planning a table compared as a multiset of rows (no identity key: keyless tables, and
//! tables whose unique keys have FLOAT/DOUBLE or prefix parts).

use std::collections::BTreeMap;

use chunker::Table;

use super::{cv, writable, ColumnValue, Statement};
use crate::diff::{exact_row_bytes, Difference};
use crate::error::Error;
use crate::key::Row;
use crate::unrepairable::{as_stored, unwritable, Fate, Stored, Unrepairable, Unwritable};

/// The statements for a table compared as a multiset (no identity key): an insert per missing
/// copy, a delete by every column per extra copy. A missing row a write cannot store as it is
/// pairs with an extra copy of the row as the target would store it (a previous repair wrote
/// it so): neither is touched, and the row is reported as already stored.
pub(super) fn plan(
    table: &Table,
    differences: &[Difference],
    include: bool,
    statements: &mut Vec<Statement>,
    unrepairable: &mut Vec<Unrepairable>,
) -> Result<(), Error> {
    let every = |row: &Row| -> Vec<ColumnValue> {
        table
            .columns
            .iter()
            .zip(row)
            .map(|(c, v)| cv(&c.name, v))
            .collect()
    };
    let mut extra: BTreeMap<Vec<u8>, u64> = BTreeMap::new();
    for d in differences {
        if let Difference::Extra { row, count } = d {
            *extra.entry(exact_row_bytes(row)).or_insert(0) += count;
        }
    }
    for d in differences {
        match d {
            Difference::Missing { row, count } => {
                let lost = unwritable(table, row, 0..table.columns.len(), None);
                let mut inserts = *count;
                if !lost.is_empty() {
                    let stored = as_stored(row, &lost);
                    let held = stored
                        .as_ref()
                        .and_then(|s| extra.get_mut(&exact_row_bytes(s)))
                        .map_or(0, |left| {
                            let paired = (*left).min(*count);
                            *left -= paired;
                            paired
                        });
                    if held > 0 {
                        let values = lost
                            .iter()
                            .map(|(_, u)| Unwritable {
                                target: match &u.stored {
                                    Stored::Rounded(v) => Some(v.clone()),
                                    Stored::OutOfRange { .. } | Stored::NegativeInUnsigned => None,
                                },
                                ..u.clone()
                            })
                            .collect();
                        unrepairable.push(Unrepairable {
                            row: every(row),
                            count: held,
                            values,
                            fate: Fate::AlreadyStored,
                        });
                    }
                    inserts = count - held;
                    if inserts > 0 {
                        unrepairable.push(Unrepairable {
                            row: every(row),
                            count: inserts,
                            values: lost.into_iter().map(|(_, u)| u).collect(),
                            fate: if include {
                                Fate::Written
                            } else {
                                Fate::LeftOut
                            },
                        });
                    }
                    if !include {
                        inserts = 0;
                    }
                }
                let values = writable(table, row);
                for _ in 0..inserts {
                    statements.push(Statement::Insert {
                        values: values.clone(),
                    });
                }
            }
            Difference::Extra { .. } => {}
            Difference::Changed { .. } => {
                return Err(Error::NeedsUniqueKey {
                    table: table.qualified_name(),
                    what: "a changed row (rather than a missing or extra one)",
                })
            }
        }
    }
    for d in differences {
        let Difference::Extra { row, .. } = d else {
            continue;
        };
        let by = every(row);
        for _ in 0..extra.remove(&exact_row_bytes(row)).unwrap_or(0) {
            statements.push(Statement::Delete {
                by: by.clone(),
                exact: true,
            });
        }
    }
    Ok(())
}
