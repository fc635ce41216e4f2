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
        Ok(Err(e)) => Err(describe(&e)),
        Err(_) => Err(format!(
            "connected, but no MySQL login within {} s: is a MySQL or MariaDB server \
             listening on that port (and not, say, a web server or a stuck proxy)?",
            limit.as_secs()
        )),
    }
}

/// Connects to the server playing `server` (`source`, `target`, ...) at `url`: [`parse_url`]
/// then [`login`], so neither a dropped host nor a silent port hangs. The error is
/// [`Error::Connect`], naming the server and the URL without its password.
pub fn open(url: &str, server: &str) -> Result<Conn, Error> {
    open_within(url, server, GREETING_TIMEOUT)
}

fn open_within(url: &str, server: &str, limit: Duration) -> Result<Conn, Error> {
    parse_url(url)
        .and_then(|opts| login_within(opts, limit))
        .map_err(|message| Error::Connect {
            server: server.to_string(),
            url: redact_url(url),
            message,
        })
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
        assert!(
            text.starts_with("cannot connect to the target at mysql://root:***@127.0.0.1:1: cannot connect to 127.0.0.1:1: connection refused"),
            "{text}"
        );
        assert!(text.contains("is the server running"), "{text}");
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
