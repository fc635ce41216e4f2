//! Facts about a column's collation that decide how keys compare and pair up.
//!
//! The server is the authority on order: chunk walks use `ORDER BY` on the server, and row
//! pairing in `sync-plan` uses the server's own comparison. This type only names the collation
//! and answers the questions whose answers are fixed by its name.

use serde::{Deserialize, Serialize};

/// A collation, by its server name (`utf8mb4_general_ci`, `latin1_swedish_ci`, `binary`, ...).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Collation(String);

impl Collation {
    /// The collation named `name`; the name is kept as given, compared case-insensitively by the
    /// questions below (collation names are ASCII).
    pub fn new(name: impl Into<String>) -> Collation {
        Collation(name.into())
    }

    /// The collation's name.
    pub fn name(&self) -> &str {
        &self.0
    }

    /// The character set: the part before the first `_` (`utf8mb4_bin` is `utf8mb4`), or
    /// `binary` for the binary pseudo-collation.
    pub fn charset(&self) -> &str {
        self.0.split('_').next().unwrap_or(&self.0)
    }

    fn has_suffix_part(&self, part: &str) -> bool {
        self.0
            .split('_')
            .skip(1)
            .any(|p| p.eq_ignore_ascii_case(part))
    }

    /// Whether values compare by their bytes (`*_bin` collations and the `binary` charset). Note
    /// that `*_bin` collations other than `binary` still ignore trailing spaces when they are PAD
    /// SPACE (see [`Collation::pads_spaces`]).
    pub fn is_binary(&self) -> bool {
        self.0.eq_ignore_ascii_case("binary") || self.has_suffix_part("bin")
    }

    /// Whether `'a'` and `'A'` are the same value to the server (`*_ci` collations).
    pub fn is_case_insensitive(&self) -> bool {
        self.has_suffix_part("ci")
    }

    /// Whether trailing spaces are ignored in comparisons (`PAD SPACE`): true for every collation
    /// except MariaDB's `*_nopad_*` ones, MySQL 8's UCA 9.0.0 (`*_0900_*`) ones and `binary`.
    pub fn pads_spaces(&self) -> bool {
        !(self.0.eq_ignore_ascii_case("binary")
            || self.has_suffix_part("nopad")
            || self.has_suffix_part("0900"))
    }

    /// Whether two different byte strings can be equal under this collation, i.e. whether keys
    /// must be compared by the server (or by its weight strings) rather than byte by byte.
    pub fn folds_values(&self) -> bool {
        self.pads_spaces() || !self.is_binary()
    }
}

impl std::fmt::Display for Collation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Collation;

    #[test]
    fn facts_follow_the_name() {
        let ci = Collation::new("utf8mb4_general_ci");
        assert_eq!(ci.charset(), "utf8mb4");
        assert!(ci.is_case_insensitive() && !ci.is_binary() && ci.pads_spaces());

        let bin = Collation::new("latin1_bin");
        assert!(bin.is_binary() && !bin.is_case_insensitive() && bin.pads_spaces());
        assert!(bin.folds_values(), "PAD SPACE: 'a' = 'a ' even under _bin");

        let nopad = Collation::new("utf8mb4_nopad_bin");
        assert!(nopad.is_binary() && !nopad.pads_spaces() && !nopad.folds_values());

        let mysql8 = Collation::new("utf8mb4_0900_ai_ci");
        assert!(mysql8.is_case_insensitive() && !mysql8.pads_spaces());

        let binary = Collation::new("binary");
        assert_eq!(binary.charset(), "binary");
        assert!(binary.is_binary() && !binary.pads_spaces() && !binary.folds_values());
    }
}
