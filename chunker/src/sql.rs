//! SQL text building blocks: identifiers are quoted here, values never are.
//!
//! Every identifier that reaches SQL text goes through [`quote_ident`]: backticks, with any
//! backtick inside the name doubled. Backtick quoting is accepted by MySQL and MariaDB under every
//! `sql_mode`, `ANSI_QUOTES` included (that mode adds `"` as a second identifier quote; it does
//! not take the backtick away), and no other character needs escaping inside backticks, so
//! `NO_BACKSLASH_ESCAPES` and the connection charset change nothing.
//!
//! Values are never inlined into the statements this crate writes: they are `?` placeholders
//! bound through the prepared-statement protocol, so no escaping rule, charset or `sql_mode`
//! can change what a value means. (Printed repair scripts, which must carry literals, are the
//! business of the `sync-plan` crate.)

use crate::model::Table;

/// Quotes one identifier (database, table, column or index name) with backticks.
///
/// Backticks inside the name are doubled; every other character, quotes, backslashes and
/// non-ASCII letters included, is kept as is.
///
/// ```
/// use chunker::sql::quote_ident;
/// assert_eq!(quote_ident("order"), "`order`");
/// assert_eq!(quote_ident("we`ird"), "`we``ird`");
/// assert_eq!(quote_ident(r#"a"b'c\d"#), r#"`a"b'c\d`"#);
/// ```
pub fn quote_ident(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    out.push('`');
    for c in name.chars() {
        if c == '`' {
            out.push('`');
        }
        out.push(c);
    }
    out.push('`');
    out
}

/// The table's qualified, quoted name: `` `schema`.`name` ``.
///
/// ```
/// use chunker::{sql::qualified, Table};
/// assert_eq!(qualified(&Table::new("shop", "my`orders")), "`shop`.`my``orders`");
/// ```
pub fn qualified(table: &Table) -> String {
    format!(
        "{}.{}",
        quote_ident(&table.schema),
        quote_ident(&table.name)
    )
}

/// An index hint naming `index`: `` FORCE INDEX (`index`) ``. Chunk walks and chunk checksums
/// force the walked index so that the server reads the range it was asked for, not a full scan.
///
/// ```
/// assert_eq!(chunker::sql::force_index("PRIMARY"), "FORCE INDEX (`PRIMARY`)");
/// ```
pub fn force_index(index: &str) -> String {
    format!("FORCE INDEX ({})", quote_ident(index))
}

/// A comma-separated list of quoted identifiers: `` `a`, `b` ``.
///
/// ```
/// assert_eq!(chunker::sql::ident_list(["a", "b`"]), "`a`, `b```");
/// ```
pub fn ident_list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for (i, name) in names.into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&quote_ident(name));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads a backtick-quoted identifier back the way the server's lexer does: the text
    /// between the outer backticks, with each doubled backtick standing for one.
    fn unquote(quoted: &str) -> Option<String> {
        let inner = quoted.strip_prefix('`')?.strip_suffix('`')?;
        let mut out = String::new();
        let mut chars = inner.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '`' {
                // A lone backtick would have ended the identifier early.
                if chars.next() != Some('`') {
                    return None;
                }
            }
            out.push(c);
        }
        Some(out)
    }

    #[test]
    fn hostile_identifiers_round_trip() {
        let hostile = [
            "",
            "`",
            "``",
            "a`b",
            "`; DROP TABLE t; --",
            "\"double\"",
            "'single'",
            "back\\slash\\",
            "naïve_表_🦀",
            "with space",
            "dot.in.name",
            "ends with `",
        ];
        for name in hostile {
            let quoted = quote_ident(name);
            assert_eq!(unquote(&quoted).as_deref(), Some(name), "{quoted}");
        }
    }

    #[test]
    fn quoting_is_exact() {
        assert_eq!(quote_ident("a`b"), "`a``b`");
        assert_eq!(quote_ident("`"), "````");
        assert_eq!(quote_ident("\"x\""), "`\"x\"`");
        assert_eq!(quote_ident("表"), "`表`");
    }

    #[test]
    fn qualified_quotes_both_parts() {
        let t = Table::new("d`b", "t.x");
        assert_eq!(qualified(&t), "`d``b`.`t.x`");
    }

    #[test]
    fn lists_and_hints() {
        assert_eq!(ident_list(Vec::<&str>::new()), "");
        assert_eq!(ident_list(["a"]), "`a`");
        assert_eq!(force_index("k`1"), "FORCE INDEX (`k``1`)");
    }

    #[test]
    fn proptest_any_name_round_trips() {
        use proptest::prelude::*;
        proptest!(|(name in "\\PC*")| {
            prop_assert_eq!(unquote(&quote_ident(&name)), Some(name));
        });
    }
}
