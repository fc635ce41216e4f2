//! Identifiers and statement text.

/// `name` as a backquoted identifier (a local stand-in for `chunker::sql::quote_ident`).
pub(crate) fn ident(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}
