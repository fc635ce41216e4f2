//! Reading a live server's executed transactions (feature `mysql`).
//!
//! Thin on purpose: two queries, and the decisions made in [`crate::dialect`].

use mysql::prelude::Queryable;

use crate::dialect::{Executed, Flavor};
use crate::error::Error;
use crate::uuid::Uuid;

/// The server's flavour, from `@@version`.
pub fn flavor<Q: Queryable>(conn: &mut Q) -> Result<Flavor, Error> {
    let version = text_value(conn, "SELECT @@version", "@@version")?;
    Ok(Flavor::from_version(&version))
}

/// The executed transactions: MySQL `@@global.gtid_executed`, MariaDB
/// `@@global.gtid_current_pos` (see [`Flavor::executed_query`]).
pub fn executed<Q: Queryable>(conn: &mut Q) -> Result<Executed, Error> {
    let fl = flavor(conn)?;
    executed_as(conn, fl)
}

/// Like [`executed`], for a flavour already known.
pub fn executed_as<Q: Queryable>(conn: &mut Q, fl: Flavor) -> Result<Executed, Error> {
    let name = match fl {
        Flavor::Mysql => "@@global.gtid_executed",
        Flavor::Mariadb => "@@global.gtid_current_pos",
    };
    let text = text_value(conn, fl.executed_query(), name)?;
    fl.parse_executed(&text).map_err(|e| Error::Server {
        variable: name,
        message: format!("cannot parse {text:?}: {e}"),
    })
}

/// MariaDB's `@@global.gtid_binlog_pos`: the last GTID per domain in this server's binary log
/// (what replicas of this server can fetch).
pub fn mariadb_binlog_pos<Q: Queryable>(conn: &mut Q) -> Result<crate::mariadb::GtidPos, Error> {
    let name = "@@global.gtid_binlog_pos";
    let text = text_value(conn, "SELECT @@global.gtid_binlog_pos", name)?;
    text.parse().map_err(|e| Error::Server {
        variable: name,
        message: format!("cannot parse {text:?}: {e}"),
    })
}

/// MySQL's `@@server_uuid` (`None` on MariaDB, which has no server UUID).
pub fn server_uuid<Q: Queryable>(conn: &mut Q) -> Result<Option<Uuid>, Error> {
    if flavor(conn)? == Flavor::Mariadb {
        return Ok(None);
    }
    let name = "@@server_uuid";
    let text = text_value(conn, "SELECT @@server_uuid", name)?;
    text.trim().parse().map(Some).map_err(|e| Error::Server {
        variable: name,
        message: format!("cannot parse {text:?}: {e}"),
    })
}

fn text_value<Q: Queryable>(conn: &mut Q, sql: &str, name: &'static str) -> Result<String, Error> {
    let v: Option<Option<String>> = conn.query_first(sql)?;
    v.flatten().ok_or_else(|| Error::Server {
        variable: name,
        message: "returned NULL or no row".into(),
    })
}
