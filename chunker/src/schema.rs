//! Reading `information_schema` text into the table model: pure functions, so they are
//! tested without a server. The `live` module (feature `mysql`) runs the queries.

use crate::model::{ColumnType, TextKind};

/// The column type from `information_schema.COLUMNS` fields, or why it cannot be read.
///
/// `data_type` is `DATA_TYPE` (`int`, `varchar`, ...), `column_type` is `COLUMN_TYPE`
/// (`int(10) unsigned`, `enum('a','b')`, ...); the numbers are `NUMERIC_PRECISION`,
/// `NUMERIC_SCALE`, `DATETIME_PRECISION` and `CHARACTER_MAXIMUM_LENGTH`. Types this crate does
/// not model (spatial types, MariaDB's `INET6` and `UUID`, MySQL's `VECTOR`, ...) become
/// [`ColumnType::Other`]. MariaDB's `JSON` is `LONGTEXT` here; the caller recognizes it by its
/// `json_valid` check constraint.
pub fn column_type(
    data_type: &str,
    column_type: &str,
    numeric_precision: Option<u64>,
    numeric_scale: Option<u64>,
    datetime_precision: Option<u64>,
    char_max_len: Option<u64>,
) -> Result<ColumnType, String> {
    let data_type = data_type.to_ascii_lowercase();
    let lower = column_type.to_ascii_lowercase();
    let unsigned = lower.contains("unsigned");
    let small = |v: Option<u64>, what: &str, max: u8| -> Result<u8, String> {
        let v = v.unwrap_or(0);
        u8::try_from(v)
            .ok()
            .filter(|v| *v <= max)
            .ok_or_else(|| format!("{what} {v} is out of range"))
    };
    let fsp = || small(datetime_precision, "fractional seconds precision", 6);
    let len = char_max_len.unwrap_or(0);
    let integer = |bytes| Ok(ColumnType::Integer { bytes, unsigned });
    match data_type.as_str() {
        "tinyint" => integer(1),
        "smallint" => integer(2),
        "mediumint" => integer(3),
        "int" | "integer" => integer(4),
        "bigint" => integer(8),
        "decimal" | "numeric" => Ok(ColumnType::Decimal {
            precision: small(numeric_precision, "decimal precision", 65)?,
            scale: small(numeric_scale, "decimal scale", 38)?,
        }),
        "float" => Ok(ColumnType::Float {
            scale: real_scale(&lower)?,
        }),
        "double" | "real" | "double precision" => Ok(ColumnType::Double {
            scale: real_scale(&lower)?,
        }),
        "bit" => Ok(ColumnType::Bit {
            bits: small(
                numeric_precision.or_else(|| paren_number(&lower)),
                "bit width",
                64,
            )?,
        }),
        "char" | "varchar" | "tinytext" | "text" | "mediumtext" | "longtext" => {
            Ok(ColumnType::Text {
                kind: text_kind(&data_type),
                max_len: len,
            })
        }
        "binary" | "varbinary" | "tinyblob" | "blob" | "mediumblob" | "longblob" => {
            Ok(ColumnType::Binary {
                kind: text_kind(&data_type),
                max_len: len,
            })
        }
        "date" => Ok(ColumnType::Date),
        "datetime" => Ok(ColumnType::DateTime { fsp: fsp()? }),
        "timestamp" => Ok(ColumnType::Timestamp { fsp: fsp()? }),
        "time" => Ok(ColumnType::Time { fsp: fsp()? }),
        "year" => Ok(ColumnType::Year),
        "enum" => Ok(ColumnType::Enum {
            variants: labels(column_type)?,
        }),
        "set" => Ok(ColumnType::Set {
            members: labels(column_type)?,
        }),
        "json" => Ok(ColumnType::Json),
        _ => Ok(ColumnType::Other {
            name: column_type.to_string(),
        }),
    }
}

/// The zero-padded width of a `ZEROFILL` column's text (see
/// [`Column::zerofill`](crate::Column#structfield.zerofill)), from its modelled type and
/// `COLUMN_TYPE` (`int(4) unsigned zerofill`); `None` without `ZEROFILL` or for a type that
/// cannot have it. This is the server's field length, as MariaDB 10.11 pads: `INT(4)` 7 as
/// `0007`, `DECIMAL(8,2)` 1.5 as `000001.50`, `FLOAT(7,2)` 1.5 as `0001.50`, `FLOAT` 0.1 as
/// `0000000000.1`. MySQL 8.0.19 and later keep the display width of integers only with
/// `ZEROFILL`; without it the unsigned type's default width is used.
pub fn zerofill_width(column_type: &ColumnType, column_type_text: &str) -> Option<u8> {
    let lower = column_type_text.to_ascii_lowercase();
    if !lower.contains("zerofill") {
        return None;
    }
    // `M` of `int(M)`, `float(M,D)`.
    let declared = || {
        let start = lower.find('(')? + 1;
        let end = start + lower[start..].find([',', ')'])?;
        lower[start..end].trim().parse::<u8>().ok()
    };
    match column_type {
        ColumnType::Integer { bytes, .. } => declared().or(match bytes {
            1 => Some(3),
            2 => Some(5),
            3 => Some(8),
            4 => Some(10),
            _ => Some(20),
        }),
        ColumnType::Decimal { precision, scale } => precision.checked_add(u8::from(*scale > 0)),
        ColumnType::Float { scale: Some(_) } | ColumnType::Double { scale: Some(_) } => declared(),
        ColumnType::Float { scale: None } => Some(12),
        ColumnType::Double { scale: None } => Some(22),
        _ => None,
    }
}

/// Whether a `FLOAT`, `DOUBLE` or `DECIMAL` column is declared `UNSIGNED` (see
/// [`Column::unsigned`](crate::Column#structfield.unsigned)), from its modelled type and
/// `COLUMN_TYPE` (`float(7,2) unsigned`, `decimal(10,2) unsigned zerofill`: `ZEROFILL` implies
/// `UNSIGNED` and the servers spell both); `false` for every other type, integers included.
pub fn unsigned_real(column_type: &ColumnType, column_type_text: &str) -> bool {
    let lower = column_type_text.to_ascii_lowercase();
    matches!(
        column_type,
        ColumnType::Float { .. } | ColumnType::Double { .. } | ColumnType::Decimal { .. }
    ) && lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|word| word == "unsigned" || word == "zerofill")
}

/// `M` of a `FLOAT(M,D)` or `DOUBLE(M,D)` column (see
/// [`Column::real_precision`](crate::Column#structfield.real_precision)), from its modelled type
/// and `COLUMN_TYPE` (`float(7,2) unsigned`); `None` for every other type, plain `FLOAT`,
/// `FLOAT(p)` and `DOUBLE` included. `COLUMN_TYPE` is the authority, as for `D`.
pub fn real_precision(column_type: &ColumnType, column_type_text: &str) -> Option<u8> {
    column_type.real_scale()?;
    let start = column_type_text.find('(')? + 1;
    let end = start + column_type_text[start..].find(',')?;
    column_type_text[start..end].trim().parse().ok()
}

fn text_kind(data_type: &str) -> TextKind {
    match data_type {
        "char" | "binary" => TextKind::Fixed,
        "varchar" | "varbinary" => TextKind::Var,
        _ => TextKind::Lob,
    }
}

/// The number in `name(n)`, if any.
fn paren_number(column_type: &str) -> Option<u64> {
    let start = column_type.find('(')? + 1;
    let end = start + column_type[start..].find(')')?;
    column_type[start..end].trim().parse().ok()
}

/// `D` of `float(M,D)` / `double(M,D)` as `COLUMN_TYPE` spells them (`float(7,2) unsigned`),
/// `None` for plain `float` / `double`. `COLUMN_TYPE` is the authority: on MariaDB 10.11
/// `NUMERIC_SCALE` agrees (NULL for `FLOAT`, `FLOAT(10)`, `DOUBLE`, `REAL`; 2 for `FLOAT(7,2)`),
/// but it is the declared text that says whether the server prints a fixed number of decimals.
/// The servers accept `D` up to 30.
fn real_scale(column_type: &str) -> Result<Option<u8>, String> {
    let Some(open) = column_type.find('(') else {
        return Ok(None);
    };
    let close = open
        + column_type[open..]
            .find(')')
            .ok_or_else(|| format!("no closing parenthesis in {column_type:?}"))?;
    let Some((_, scale)) = column_type[open + 1..close].split_once(',') else {
        return Ok(None);
    };
    scale
        .trim()
        .parse::<u8>()
        .ok()
        .filter(|d| *d <= 30)
        .map(Some)
        .ok_or_else(|| {
            format!(
                "scale {:?} of {column_type:?} is out of range",
                scale.trim()
            )
        })
}

/// The labels of `enum('a','b')` / `set('a','b')` as `COLUMN_TYPE` spells them: each label
/// single-quoted, a quote inside doubled (`''`), and backslash escapes for `\\`, NUL (`\0`),
/// newline (`\n`) and carriage return (`\r`) as MariaDB writes them.
pub fn labels(column_type: &str) -> Result<Vec<String>, String> {
    let bad = |why: &str| format!("{why} in {column_type:?}");
    let open = column_type
        .find('(')
        .ok_or_else(|| bad("no opening parenthesis"))?;
    let body = column_type[open + 1..]
        .strip_suffix(')')
        .ok_or_else(|| bad("no closing parenthesis"))?;
    let mut out = Vec::new();
    let mut chars = body.chars().peekable();
    loop {
        match chars.next() {
            Some('\'') => {}
            None if out.is_empty() => return Ok(out),
            _ => return Err(bad("expected a quoted label")),
        }
        let mut label = String::new();
        loop {
            match chars.next() {
                None => return Err(bad("unterminated label")),
                Some('\'') if chars.peek() == Some(&'\'') => {
                    chars.next();
                    label.push('\'');
                }
                Some('\'') => break,
                Some('\\') => match chars.next() {
                    None => return Err(bad("unterminated label")),
                    Some('0') => label.push('\0'),
                    Some('n') => label.push('\n'),
                    Some('r') => label.push('\r'),
                    Some('t') => label.push('\t'),
                    Some('Z') => label.push('\u{1a}'),
                    Some(c) => label.push(c),
                },
                Some(c) => label.push(c),
            }
        }
        out.push(label);
        match chars.next() {
            Some(',') => {}
            None => return Ok(out),
            Some(c) => return Err(bad(&format!("unexpected {c:?} after a label"))),
        }
    }
}

/// Whether a check constraint clause is MariaDB's JSON alias check on `column`:
/// `json_valid(`column`)`.
pub fn is_json_check(clause: &str, column: &str) -> bool {
    let compact: String = clause.chars().filter(|c| !c.is_whitespace()).collect();
    let expected = format!("json_valid({})", crate::sql::quote_ident(column));
    compact.eq_ignore_ascii_case(&expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_with_quotes_backslashes_and_commas() {
        // As MariaDB 10.11 spells ENUM('a','it''s','back\\slash','comma,x','"dq"').
        let ct = r#"enum('a','it''s','back\\slash','comma,x','"dq"')"#;
        let got = labels(ct).expect("labels");
        assert_eq!(got, ["a", "it's", "back\\slash", "comma,x", "\"dq\""]);
        assert_eq!(
            labels("enum('a\\0b','c\td','n\\nl')").expect("escapes"),
            ["a\0b", "c\td", "n\nl"]
        );
        assert_eq!(labels("set('')").expect("empty label"), [""]);
        assert_eq!(labels("enum()").expect("none"), Vec::<String>::new());
        for bad in ["enum('a'", "enum('a)", "enum(a)", "enum('a' 'b')", "enum"] {
            assert!(labels(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn types_from_information_schema() {
        let t = |dt, ct, p, s, d, l| column_type(dt, ct, p, s, d, l).expect(ct);
        assert_eq!(
            t("int", "int(10) unsigned", Some(10), Some(0), None, None),
            ColumnType::Integer {
                bytes: 4,
                unsigned: true
            }
        );
        assert_eq!(
            t("decimal", "decimal(30,4)", Some(30), Some(4), None, None),
            ColumnType::Decimal {
                precision: 30,
                scale: 4
            }
        );
        assert_eq!(
            t("bit", "bit(5)", Some(5), None, None, None),
            ColumnType::Bit { bits: 5 }
        );
        assert_eq!(
            t("bit", "bit(7)", None, None, None, None),
            ColumnType::Bit { bits: 7 }
        );
        assert_eq!(
            t("time", "time(3)", None, None, Some(3), None),
            ColumnType::Time { fsp: 3 }
        );
        assert_eq!(
            t("varbinary", "varbinary(16)", None, None, None, Some(16)),
            ColumnType::Binary {
                kind: TextKind::Var,
                max_len: 16
            }
        );
        assert_eq!(
            t(
                "longtext",
                "longtext",
                None,
                None,
                None,
                Some(4_294_967_295)
            ),
            ColumnType::Text {
                kind: TextKind::Lob,
                max_len: 4_294_967_295
            }
        );
        assert_eq!(
            t("inet6", "inet6", None, None, None, None),
            ColumnType::Other {
                name: "inet6".into()
            }
        );
        // FLOAT/DOUBLE as MariaDB 10.11 reports them (DATA_TYPE, COLUMN_TYPE, NUMERIC_PRECISION,
        // NUMERIC_SCALE): the scale only with (M,D); FLOAT(30) is a DOUBLE.
        let real = [
            (
                "float",
                "float",
                12,
                None,
                ColumnType::Float { scale: None },
            ),
            (
                "float",
                "float(7,2)",
                7,
                Some(2),
                ColumnType::Float { scale: Some(2) },
            ),
            (
                "float",
                "float(10,4) unsigned",
                10,
                Some(4),
                ColumnType::Float { scale: Some(4) },
            ),
            (
                "float",
                "float(5,0)",
                5,
                Some(0),
                ColumnType::Float { scale: Some(0) },
            ),
            (
                "double",
                "double",
                22,
                None,
                ColumnType::Double { scale: None },
            ),
            (
                "double",
                "double(10,3)",
                10,
                Some(3),
                ColumnType::Double { scale: Some(3) },
            ),
            (
                "double",
                "double(255,30)",
                255,
                Some(30),
                ColumnType::Double { scale: Some(30) },
            ),
        ];
        for (dt, ct, p, s, want) in real {
            assert_eq!(t(dt, ct, Some(p), s, None, None), want, "{ct}");
        }
        assert_eq!(
            t(
                "double",
                "DOUBLE(20,10) UNSIGNED",
                Some(20),
                Some(10),
                None,
                None
            ),
            ColumnType::Double { scale: Some(10) }
        );
        for bad in ["double(40,31)", "float(7,x)", "float(7,2"] {
            assert!(
                column_type("float", bad, None, None, None, None).is_err(),
                "{bad}"
            );
        }
        assert!(column_type("datetime", "datetime(9)", None, None, Some(9), None).is_err());
        assert!(column_type("decimal", "decimal", Some(300), Some(0), None, None).is_err());
    }

    #[test]
    fn zerofill_widths() {
        // COLUMN_TYPE as MariaDB 10.11 spells it, and the width it pads to (observed: `int(4)`
        // 7 is `0007`, `decimal(8,2)` 1.5 is `000001.50`, `float` 0.1 is `0000000000.1`,
        // `double` 0.1 is `00000000000000000000.1`, `double(255,30)` 1.5 is 255 characters).
        // (DATA_TYPE, COLUMN_TYPE, NUMERIC_PRECISION, NUMERIC_SCALE, width)
        let cases = [
            (
                "tinyint",
                "tinyint(3) unsigned zerofill",
                3,
                Some(0),
                Some(3),
            ),
            ("int", "int(10) unsigned zerofill", 10, Some(0), Some(10)),
            ("int", "int(4) unsigned zerofill", 10, Some(0), Some(4)),
            ("int", "int unsigned zerofill", 10, Some(0), Some(10)),
            (
                "bigint",
                "bigint(20) unsigned zerofill",
                20,
                Some(0),
                Some(20),
            ),
            (
                "decimal",
                "decimal(8,2) unsigned zerofill",
                8,
                Some(2),
                Some(9),
            ),
            (
                "decimal",
                "decimal(5,0) unsigned zerofill",
                5,
                Some(0),
                Some(5),
            ),
            (
                "decimal",
                "decimal(65,30) unsigned zerofill",
                65,
                Some(30),
                Some(66),
            ),
            ("float", "float(7,2) unsigned zerofill", 7, Some(2), Some(7)),
            ("float", "float unsigned zerofill", 12, None, Some(12)),
            ("double", "double unsigned zerofill", 22, None, Some(22)),
            (
                "double",
                "double(255,30) unsigned zerofill",
                255,
                Some(30),
                Some(255),
            ),
            ("int", "int(10) unsigned", 10, Some(0), None),
            ("decimal", "decimal(8,2)", 8, Some(2), None),
        ];
        for (dt, ct, p, s, want) in cases {
            let ty = column_type(dt, ct, Some(p), s, None, None).expect(ct);
            assert_eq!(zerofill_width(&ty, ct), want, "{ct}");
        }
    }

    #[test]
    fn unsigned_reals() {
        // (DATA_TYPE, COLUMN_TYPE as MariaDB 10.11 spells it, NUMERIC_PRECISION, NUMERIC_SCALE,
        // unsigned)
        let cases = [
            ("float", "float unsigned", 12, None, true),
            ("float", "float(7,2) unsigned", 7, Some(2), true),
            ("float", "float(7,2) unsigned zerofill", 7, Some(2), true),
            ("double", "double unsigned", 22, None, true),
            ("double", "double(10,3) unsigned", 10, Some(3), true),
            ("decimal", "decimal(10,2) unsigned", 10, Some(2), true),
            (
                "decimal",
                "decimal(8,2) unsigned zerofill",
                8,
                Some(2),
                true,
            ),
            ("float", "float", 12, None, false),
            ("double", "double(10,3)", 10, Some(3), false),
            ("decimal", "decimal(10,2)", 10, Some(2), false),
            // Integers carry it in their type.
            ("int", "int(10) unsigned", 10, Some(0), false),
        ];
        for (dt, ct, p, s, want) in cases {
            let ty = column_type(dt, ct, Some(p), s, None, None).expect(ct);
            assert_eq!(unsigned_real(&ty, ct), want, "{ct}");
            assert_eq!(unsigned_real(&ty, &ct.to_ascii_uppercase()), want, "{ct}");
        }
    }

    #[test]
    fn real_precisions() {
        // (DATA_TYPE, COLUMN_TYPE as MariaDB 10.11 spells it, NUMERIC_SCALE, M)
        let cases = [
            ("float", "float(7,2)", Some(2), Some(7)),
            ("float", "float(10,4) unsigned zerofill", Some(4), Some(10)),
            ("double", "double(255,30)", Some(30), Some(255)),
            ("double", "double( 10 , 3 )", Some(3), Some(10)),
            ("float", "float", None, None),
            ("double", "double", None, None),
            ("decimal", "decimal(10,2)", Some(2), None),
            ("int", "int(10) unsigned", Some(0), None),
        ];
        for (dt, ct, s, want) in cases {
            let ty = column_type(dt, ct, Some(10), s, None, None).expect(ct);
            assert_eq!(real_precision(&ty, ct), want, "{ct}");
            assert_eq!(real_precision(&ty, &ct.to_ascii_uppercase()), want, "{ct}");
        }
    }

    #[test]
    fn json_check_clause() {
        assert!(is_json_check("json_valid(`j`)", "j"));
        assert!(is_json_check("JSON_VALID( `my``col` )", "my`col"));
        assert!(!is_json_check("json_valid(`j`) and 1", "j"));
        assert!(!is_json_check("json_valid(`k`)", "j"));
    }
}
