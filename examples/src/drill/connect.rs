//! Connecting to the servers a user names on a command line: the URL checked with a message
//! that says what is wrong with it, connection failures explained with what to check next, and
//! the password never printed (not even when the URL does not parse).

use mysql::{Conn, Opts};

pub use checksum::live::{describe, CONNECT_TIMEOUT, GREETING_TIMEOUT};

/// `url` as it may be printed: the password (anything after the user name, up to the last `@`)
/// replaced by `***`, whether or not the URL parses.
///
/// ```
/// use examples::drill::connect::safe_url;
/// assert_eq!(safe_url("mysql://root:s3/cr et@db1:3306"), "mysql://root:***@db1:3306");
/// assert_eq!(safe_url("mysql://root@db1"), "mysql://root@db1");
/// ```
pub use checksum::redact_url as safe_url;

/// `h=host,P=port,u=user` (a pt-style DSN): a server's name in plans and messages, without
/// its password.
pub fn label(opts: &Opts) -> String {
    format!(
        "h={},P={},u={}",
        opts.get_ip_or_hostname(),
        opts.get_tcp_port(),
        opts.get_user().unwrap_or("")
    )
}

/// Parses `url` for the server playing `side` (`source`, `primary`, ...), with
/// [`CONNECT_TIMEOUT`] unless the URL sets its own.
pub fn parse(url: &str, side: &str) -> Result<Opts, String> {
    checksum::live::parse_url(url).map_err(|e| format!("{side} URL {}: {e}", safe_url(url)))
}

/// Connects to the server playing `side`; the connection and its [`label`]. The error names
/// the side and the URL (by [`safe_url`]) and says what to check; a port that accepts TCP
/// and never speaks is given up after [`GREETING_TIMEOUT`].
pub fn connect(url: &str, side: &str) -> Result<(Conn, String), String> {
    let opts = parse(url, side)?;
    let name = label(&opts);
    checksum::live::login(opts)
        .map(|conn| (conn, name))
        .map_err(|e| format!("{side} {}: {e}", safe_url(url)))
}

/// Refuses to compare a server with itself (the same URL pasted twice, or two names for one
/// server): that finds no difference and would read as "in sync". Servers are the same when
/// host name, port and data directory agree.
pub fn refuse_same_server(source: &mut Conn, target: &mut Conn) -> Result<(), String> {
    use mysql::prelude::Queryable;
    let sql = "SELECT @@hostname, @@port, @@datadir";
    let who = |conn: &mut Conn, side: &str| -> Result<Option<(String, u16, String)>, String> {
        conn.query_first(sql)
            .map_err(|e| format!("{side}: identifying the server: {}", describe(&e)))
    };
    let (s, t) = (who(source, "source")?, who(target, "target")?);
    match (s, t) {
        (Some(s), Some(t)) if s == t => Err(format!(
            "--source and --target are the same server ({} port {}, data directory {}): \
             comparing it with itself finds nothing; give the other server's URL",
            s.0, s.1, s.2
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hidden_even_in_urls_that_do_not_parse() {
        for (url, shown) in [
            ("mysql://root:s3cret@h:1", "mysql://root:***@h:1"),
            ("mysql://root:s3/cret@h:1", "mysql://root:***@h:1"),
            ("mysql://root:a@b@h", "mysql://root:***@h"),
            ("mysql://root:pw", "mysql://root:***"),
            ("root:pw@h", "root:***@h"),
            ("mysql://h:3306", "mysql://h:3306"),
            ("mysql://h:3306/db", "mysql://h:3306/db"),
        ] {
            assert_eq!(safe_url(url), shown, "{url}");
        }
    }

    #[test]
    fn bad_urls_say_what_is_expected_and_hide_the_password() {
        let e = parse("mysql://root:s3/cret@h:1", "source").expect_err("bad port");
        assert!(
            e.starts_with("source URL mysql://root:***@h:1: not a valid URL"),
            "{e}"
        );
        assert!(!e.contains("s3"), "{e}");
        let e = parse("postgres://u:pw@h", "target").expect_err("scheme");
        assert!(e.contains("expected mysql://"), "{e}");
        assert!(!e.contains("pw"), "{e}");
    }

    #[test]
    fn a_closed_port_is_explained() {
        let e = connect("mysql://root:pw@127.0.0.1:1", "target").expect_err("refused");
        assert!(
            e.starts_with("target mysql://root:***@127.0.0.1:1: cannot connect"),
            "{e}"
        );
        assert!(e.contains("is the server running"), "{e}");
        assert!(!e.contains("os error"), "{e}");
    }
}
