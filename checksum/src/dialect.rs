//! Every difference between MySQL and MariaDB that the checksum SQL depends on, in one place.
//!
//! | question | MariaDB (10.3+) | MySQL 8.0.17+ | MySQL 5.7 – 8.0.16 |
//! |---|---|---|---|
//! | exact double of a FLOAT/DOUBLE column, shortest round-trip text | `CAST(c AS DOUBLE)` | `CAST(c AS DOUBLE)` | `(c + 0e0)` |
//! | the type word pt-table-checksum sees for `JSON` | `longtext` (JSON is an alias) | `json` | `json` |
//! | GTIDs written / applied | `@@gtid_binlog_pos` / `@@gtid_slave_pos` | `@@gtid_executed` | `@@gtid_executed` |
//! | replica status | `SHOW SLAVE STATUS`, `Seconds_Behind_Master` | `SHOW REPLICA STATUS`, `Seconds_Behind_Source` (8.0.22+) | `SHOW SLAVE STATUS`, `Seconds_Behind_Master` |
//!
//! Only the MariaDB column is verified live (10.11); the MySQL columns follow MySQL's manual
//! (`CAST(... AS DOUBLE)` arrived in 8.0.17) and are not exercised by the test suite.

/// Which server family (and, for MySQL, which version) the SQL is written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Dialect {
    /// MariaDB 10.3 or later.
    #[default]
    MariaDb,
    /// Oracle MySQL (or Percona Server) of the given version.
    MySql {
        /// Major version (5, 8, 9).
        major: u16,
        /// Minor version.
        minor: u16,
        /// Patch version.
        patch: u16,
    },
}

impl Dialect {
    /// The dialect of a server from its `SELECT VERSION()` text (`10.11.19-MariaDB-0+deb12u1`,
    /// `8.0.36`, `5.7.44-log`). Unreadable numbers count as 0.
    ///
    /// ```
    /// use checksum::Dialect;
    /// assert_eq!(Dialect::from_version("10.11.19-MariaDB-0+deb12u1"), Dialect::MariaDb);
    /// assert_eq!(
    ///     Dialect::from_version("8.0.36-28"),
    ///     Dialect::MySql { major: 8, minor: 0, patch: 36 }
    /// );
    /// ```
    pub fn from_version(version: &str) -> Dialect {
        if version.to_ascii_lowercase().contains("mariadb") {
            return Dialect::MariaDb;
        }
        let mut parts = version
            .split(|c: char| !c.is_ascii_digit())
            .map(|p| p.parse::<u16>().unwrap_or(0));
        Dialect::MySql {
            major: parts.next().unwrap_or(0),
            minor: parts.next().unwrap_or(0),
            patch: parts.next().unwrap_or(0),
        }
    }

    /// SQL for the exact value of a FLOAT or DOUBLE expression as a DOUBLE, whose text form is
    /// the shortest digit string that reads back as the same double (so distinct stored values
    /// give distinct text, whatever `(M,D)` the column declares).
    pub(crate) fn exact_double(self, expr: &str) -> String {
        match self {
            Dialect::MySql {
                major,
                minor,
                patch,
            } if (major, minor, patch) < (8, 0, 17) => format!("({expr} + 0e0)"),
            _ => format!("CAST({expr} AS DOUBLE)"),
        }
    }

    /// Whether `SHOW CREATE TABLE` calls a JSON column `longtext` (MariaDB), which makes
    /// pt-table-checksum hash it with `CRC32(col)` instead of converting it to utf8mb4.
    pub(crate) fn json_is_longtext(self) -> bool {
        matches!(self, Dialect::MariaDb)
    }

    fn at_least(self, want: (u16, u16, u16)) -> bool {
        match self {
            Dialect::MariaDb => false,
            Dialect::MySql {
                major,
                minor,
                patch,
            } => (major, minor, patch) >= want,
        }
    }

    /// What the source has written and what a replica has applied, as GTID positions:
    /// (query on the source, query on the replica).
    #[cfg_attr(not(feature = "mysql"), allow(dead_code))]
    pub(crate) fn applied_gtids(self) -> (&'static str, &'static str) {
        match self {
            Dialect::MariaDb => ("SELECT @@gtid_binlog_pos", "SELECT @@gtid_slave_pos"),
            Dialect::MySql { .. } => ("SELECT @@gtid_executed", "SELECT @@gtid_executed"),
        }
    }

    /// The statement that shows replication status, and the column holding the lag in seconds.
    pub fn replica_status(self) -> (&'static str, &'static str) {
        if self.at_least((8, 0, 22)) {
            ("SHOW REPLICA STATUS", "Seconds_Behind_Source")
        } else {
            ("SHOW SLAVE STATUS", "Seconds_Behind_Master")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn double_cast_by_version() {
        assert_eq!(Dialect::MariaDb.exact_double("`f`"), "CAST(`f` AS DOUBLE)");
        let old = Dialect::from_version("5.7.44-log");
        assert_eq!(old.exact_double("`f`"), "(`f` + 0e0)");
        let new = Dialect::from_version("8.4.2");
        assert_eq!(new.exact_double("`f`"), "CAST(`f` AS DOUBLE)");
        assert!(!new.json_is_longtext());
        assert_eq!(new.replica_status().1, "Seconds_Behind_Source");
        assert_eq!(Dialect::MariaDb.replica_status().0, "SHOW SLAVE STATUS");
    }
}
