//! Connecting to a server named by a URL, with timeouts, and the driver's errors in words:
//! the server's message and code, or a plain sentence, with what to check next. The password
//! is never printed (see [`crate::redact_url`]).

use std::time::Duration;

use mysql::{Conn, Opts, OptsBuilder};

use crate::error::{redact_url, Error};

/// How long a TCP connect may take before it is given up (unless the URL sets
/// `tcp_connect_timeout_ms`): a host that drops packets must not hang the tool.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long the server's greeting and the login may take once TCP is connected.
pub const GREETING_TIMEOUT: Duration = Duration::from_secs(10);

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

/// Why a TCP or socket connect failed (the driver's description, plain) and what to check.
fn could_not_connect(desc: &str, kind: std::io::ErrorKind) -> String {
    use std::io::ErrorKind;
    let hint = match kind {
        ErrorKind::ConnectionRefused => {
            "is the server running, and listening on that host and port?"
        }
        ErrorKind::TimedOut => "no answer: check the host, the port and any firewall",
        _ if desc.contains("lookup") => "check the host name",
        _ => "check the host and port",
    };
    format!("{}; {hint}", plain(desc))
}

/// The driver's error in words, with what to check next where that is knowable. Never holds
/// the password (the driver's messages do not carry it).
pub fn describe(e: &mysql::Error) -> String {
    use mysql::{DriverError, Error, UrlError};
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
            format!(
                "cannot connect to {addr}: {}",
                could_not_connect(desc, *kind)
            )
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

/// Parses `url` (as the `mysql` crate takes it), with [`CONNECT_TIMEOUT`] unless the URL sets
/// its own `tcp_connect_timeout_ms`. The error says what is wrong and what is expected.
pub fn parse_url(url: &str) -> Result<Opts, String> {
    let opts = Opts::from_url(url).map_err(|e| describe(&e.into()))?;
    if opts.get_tcp_connect_timeout().is_some() {
        return Ok(opts);
    }
    Ok(OptsBuilder::from_opts(opts)
        .tcp_connect_timeout(Some(CONNECT_TIMEOUT))
        .into())
}

/// Connects and logs in with `opts`, giving up after [`GREETING_TIMEOUT`] when the port
/// accepts TCP but no MySQL greeting or login follows. The error is a sentence ([`describe`]).
pub fn login(opts: Opts) -> Result<Conn, String> {
    login_within(opts, GREETING_TIMEOUT)
}

fn login_within(opts: Opts, limit: Duration) -> Result<Conn, String> {
    try_login(opts, limit).map_err(|failure| match failure {
        LoginFailure::Driver(e) => describe(&e),
        LoginFailure::Silent => silent(limit),
    })
}

/// Why a login did not happen: the driver's error, or nothing heard within the limit.
enum LoginFailure {
    Driver(mysql::Error),
    Silent,
}

fn silent(limit: Duration) -> String {
    format!(
        "connected, but no MySQL login within {} s: is a MySQL or MariaDB server \
         listening on that port (and not, say, a web server or a stuck proxy)?",
        limit.as_secs()
    )
}

fn try_login(opts: Opts, limit: Duration) -> Result<Conn, LoginFailure> {
    // The driver has no timeout for the greeting and login once TCP is up, and a read
    // timeout in the options would stay on every later (possibly long) query. So the login
    // runs on a thread of its own and is given up after `limit`: a port where something
    // accepts and then says nothing (a web server, a stuck proxy) must not hang the caller.
    // The abandoned thread ends when the peer closes the connection (or with the process).
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        // The receiver is gone only after a timeout, already reported.
        let _ = tx.send(Conn::new(opts));
    });
    match rx.recv_timeout(limit) {
        Ok(Ok(conn)) => Ok(conn),
        Ok(Err(e)) => Err(LoginFailure::Driver(e)),
        Err(_) => Err(LoginFailure::Silent),
    }
}

/// Connects to the server playing `server` (`source`, `target`, ...) at `url`: [`parse_url`]
/// then [`login`], so neither a dropped host nor a silent port hangs. The error is
/// [`Error::Connect`], naming the server and the URL without its password.
pub fn open(url: &str, server: &str) -> Result<Conn, Error> {
    open_within(url, server, GREETING_TIMEOUT)
}

fn open_within(url: &str, server: &str, limit: Duration) -> Result<Conn, Error> {
    let shown = redact_url(url);
    let message = match parse_url(url) {
        Err(message) => message,
        Ok(opts) => match try_login(opts, limit) {
            Ok(conn) => return Ok(conn),
            Err(LoginFailure::Driver(e)) => describe_for(&e, &shown),
            Err(LoginFailure::Silent) => silent(limit),
        },
    };
    Err(Error::Connect {
        server: server.to_string(),
        url: shown,
        message,
    })
}

/// [`describe`] for a message that [`Error::Connect`] already starts with "cannot connect to
/// the SERVER at URL": a failed connect says what happened and what to check, without a
/// second "cannot connect to ADDR" (ADDR is named only when the URL does not show it, as for
/// a socket path).
fn describe_for(e: &mysql::Error, shown_url: &str) -> String {
    match e {
        mysql::Error::DriverError(mysql::DriverError::CouldNotConnect(Some((
            addr,
            desc,
            kind,
        )))) => {
            let reason = could_not_connect(desc, *kind);
            if shown_url.contains(addr.as_str()) {
                reason
            } else {
                format!("{addr}: {reason}")
            }
        }
        other => describe(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_port_that_accepts_and_never_speaks_is_given_up() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        // Accept, hold the connection without a word until the test is done.
        let held = std::thread::spawn(move || listener.accept().map(|(stream, _)| stream));
        let url = format!("mysql://root:s3%2Fcr%20et@127.0.0.1:{port}/db");
        let e = open_within(&url, "source", Duration::from_secs(2)).expect_err("silent port");
        let text = e.to_string();
        assert!(
            text.starts_with(&format!(
                "cannot connect to the source at mysql://root:***@127.0.0.1:{port}/db: \
                 connected, but no MySQL login within 2 s"
            )),
            "{text}"
        );
        assert!(!text.contains("s3") && !text.contains("cr"), "{text}");
        drop(held.join());
    }

    #[test]
    fn a_closed_port_and_a_bad_url_are_sentences() {
        let e = open("mysql://root:pw@127.0.0.1:1", "target").expect_err("refused");
        let text = e.to_string();
        // "cannot connect" once: the server's role and the URL, then what happened and what
        // to check (it used to repeat "cannot connect to 127.0.0.1:1" after the URL).
        assert_eq!(
            text,
            "cannot connect to the target at mysql://root:***@127.0.0.1:1: connection refused; \
             is the server running, and listening on that host and port?"
        );
        assert_eq!(text.matches("cannot connect").count(), 1, "{text}");
        assert!(
            !text.contains("os error") && !text.contains("DriverError"),
            "{text}"
        );
        let e = open("mysql://root:s3/cret@h:1", "source").expect_err("bad port");
        let text = e.to_string();
        assert!(text.contains(": not a valid URL ("), "{text}");
        assert!(
            !text.contains("ParseError") && !text.contains("s3"),
            "{text}"
        );
    }

    #[test]
    fn a_failed_connect_names_the_address_once() {
        let refused = |addr: &str| {
            mysql::Error::DriverError(mysql::DriverError::CouldNotConnect(Some((
                addr.to_string(),
                "Connection refused (os error 111)".to_string(),
                std::io::ErrorKind::ConnectionRefused,
            ))))
        };
        // On its own (the examples print it after their own "SIDE URL: "), it names the address.
        assert_eq!(
            describe(&refused("db1:3306")),
            "cannot connect to db1:3306: connection refused; is the server running, and \
             listening on that host and port?"
        );
        // After "cannot connect to the source at URL", the URL shows host and port already.
        let url = "mysql://root:***@db1:3306/shop";
        assert_eq!(
            describe_for(&refused("db1:3306"), url),
            "connection refused; is the server running, and listening on that host and port?"
        );
        // A socket path is not in the URL's host and port: it is named, still not "cannot
        // connect" a second time.
        let text = describe_for(&refused("/run/mysqld/mysqld.sock"), url);
        assert!(
            text.starts_with("/run/mysqld/mysqld.sock: connection refused;"),
            "{text}"
        );
        // Other failures read as `describe` says them.
        let denied = mysql::Error::MySqlError(mysql::MySqlError {
            state: "28000".into(),
            message: "Access denied for user 'root'@'localhost'".into(),
            code: 1045,
        });
        assert_eq!(describe_for(&denied, url), describe(&denied));
    }

    #[test]
    fn server_errors_are_message_and_code_with_advice() {
        let e = mysql::Error::MySqlError(mysql::MySqlError {
            state: "42S02".into(),
            message: "Table 'd.t' doesn't exist".into(),
            code: 1146,
        });
        let text = describe(&e);
        assert_eq!(
            text,
            "server error 1146 (42S02): Table 'd.t' doesn't exist; check the table name (--tables db.table)"
        );
        let text = describe(&mysql::Error::DriverError(
            mysql::DriverError::ConnectTimeout,
        ));
        assert!(text.starts_with("no answer within"), "{text}");
    }
}
