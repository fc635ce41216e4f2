//! Connecting to the servers a user names on a command line: the URL checked with a message
//! that says what is wrong with it, connection failures explained with what to check next, and
//! the password never printed (not even when the URL does not parse).

use std::time::Duration;

use mysql::{Conn, Opts, OptsBuilder};

/// How long a TCP connect may take before it is given up (unless the URL sets
/// `tcp_connect_timeout_ms`): a host that drops packets must not hang the tool.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long the server's greeting and the login may take once TCP is connected.
pub const GREETING_TIMEOUT: Duration = Duration::from_secs(10);

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

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `text` lowercase-first, without an `(os error N)` suffix.
fn plain(text: &str) -> String {
    let text = match text.find(" (os error") {
        Some(i) => format!(
            "{}{}",
            &text[..i],
            &text[i..].split_once(')').map_or("", |(_, r)| r)
        ),
        None => text.to_string(),
    };
    lowercase_first(&text)
}

/// The driver's error in words, with what to check next where that is knowable. Never holds
/// the password (the driver's messages do not carry it).
pub fn describe(e: &mysql::Error) -> String {
    use mysql::{DriverError, Error, UrlError};
    use std::io::ErrorKind;
    match e {
        Error::UrlError(u) => match u {
            UrlError::ParseError(p) => format!(
                "not a valid URL ({p}); expected mysql://, then user:password, '@' and host:port \
                 (percent-encode '@', '/', ':' and spaces in the password)"
            ),
            UrlError::UnsupportedScheme(s) => {
                format!("the URL scheme is {s:?}; expected mysql://, then user:password, '@' and host:port")
            }
            UrlError::BadUrl => {
                "the URL names no host; expected mysql://, then user:password, '@' and host:port"
                    .to_string()
            }
            UrlError::UnknownParameter(p) => format!("unknown URL parameter {p:?}"),
            UrlError::InvalidValue(p, _) => format!("invalid value for URL parameter {p:?}"),
            other => lowercase_first(&other.to_string()),
        },
        Error::DriverError(DriverError::CouldNotConnect(Some((addr, desc, kind)))) => {
            let hint = match kind {
                ErrorKind::ConnectionRefused => {
                    "is the server running, and listening on that host and port?"
                }
                ErrorKind::TimedOut => "no answer: check the host, the port and any firewall",
                _ if desc.contains("lookup") => "check the host name",
                _ => "check the host and port",
            };
            format!("cannot connect to {addr}: {}; {hint}", plain(desc))
        }
        Error::DriverError(DriverError::ConnectTimeout) => format!(
            "no answer within {} s: check the host, the port and any firewall",
            CONNECT_TIMEOUT.as_secs()
        ),
        Error::DriverError(d) => lowercase_first(&d.to_string()),
        Error::MySqlError(m) => {
            let hint = match m.code {
                1045 => "; check the user name and password in the URL",
                1044 | 1142 | 1143 | 1227 => "; grant the user the privilege named above",
                1049 => "; check the database name",
                1146 => "; check the table name (--tables db.table)",
                _ => "",
            };
            format!("server error {} ({}): {}{hint}", m.code, m.state, m.message)
        }
        Error::IoError(io) => format!(
            "connection failed: {}; check the host and port (is a MySQL or MariaDB server \
             listening there?)",
            plain(&io.to_string())
        ),
        Error::CodecError(c) => format!(
            "connection failed: {}; check the host and port (is a MySQL or MariaDB server \
             listening there?)",
            plain(&c.to_string())
        ),
        other => lowercase_first(&other.to_string()),
    }
}

/// Parses `url` for the server playing `side` (`source`, `primary`, ...), with
/// [`CONNECT_TIMEOUT`] unless the URL sets its own.
pub fn parse(url: &str, side: &str) -> Result<Opts, String> {
    let opts = Opts::from_url(url)
        .map_err(|e| format!("{side} URL {}: {}", safe_url(url), describe(&e.into())))?;
    if opts.get_tcp_connect_timeout().is_some() {
        return Ok(opts);
    }
    Ok(OptsBuilder::from_opts(opts)
        .tcp_connect_timeout(Some(CONNECT_TIMEOUT))
        .into())
}

/// Connects to the server playing `side`; the connection and its [`label`]. The error names
/// the side and the URL (by [`safe_url`]) and says what to check.
pub fn connect(url: &str, side: &str) -> Result<(Conn, String), String> {
    let opts = parse(url, side)?;
    let name = label(&opts);
    // The driver has no timeout for the greeting and login once TCP is up, and a read
    // timeout in the options would stay on every later (possibly long) query. So the login
    // runs on a thread of its own and is given up after GREETING_TIMEOUT: a port where
    // something accepts and then says nothing (a web server, a stuck proxy) must not hang
    // the tool. The abandoned thread ends with the process.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        // The receiver is gone only after a timeout, already reported.
        let _ = tx.send(Conn::new(opts));
    });
    match rx.recv_timeout(GREETING_TIMEOUT) {
        Ok(Ok(conn)) => Ok((conn, name)),
        Ok(Err(e)) => Err(format!("{side} {}: {}", safe_url(url), describe(&e))),
        Err(_) => Err(format!(
            "{side} {}: connected, but no MySQL login within {} s: is a MySQL or MariaDB \
             server listening on that port (and not, say, a web server or a stuck proxy)?",
            safe_url(url),
            GREETING_TIMEOUT.as_secs()
        )),
    }
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
