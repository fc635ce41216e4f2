//! The crate's one error type.

/// Where an error happened: the table (`schema.name`) and, when known, the chunk number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct At {
    /// The table, `schema.name`.
    pub table: String,
    /// The chunk number, when the error belongs to one chunk.
    pub chunk: Option<u64>,
}

impl std::fmt::Display for At {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.chunk {
            Some(n) => write!(f, "table {} chunk {n}", self.table),
            None => write!(f, "table {}", self.table),
        }
    }
}

/// Everything that can go wrong while checksumming. Each variant names the table and, where
/// there is one, the chunk.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A row handed to the client-side engine has the wrong number of values.
    #[error("{at}: row has {found} values but the table has {expected} columns")]
    RowWidth {
        /// Where.
        at: At,
        /// Number of columns in the table model.
        expected: usize,
        /// Number of values in the row.
        found: usize,
    },
    /// A value does not fit its column's declared type.
    #[error("{at}: column {column} ({expected}) got value {found}")]
    ValueType {
        /// Where.
        at: At,
        /// The column name.
        column: String,
        /// The kind of value the column type needs.
        expected: &'static str,
        /// The value received, abbreviated.
        found: String,
    },
    /// The chosen algorithm's client-side engine cannot reproduce the server's value for a
    /// column (the server-side SQL still works).
    #[error("{at}: client-side {algorithm} checksum cannot reproduce column {column}: {reason}")]
    Unsupported {
        /// Where.
        at: At,
        /// `strong` or `pt`.
        algorithm: &'static str,
        /// The column name.
        column: String,
        /// Why.
        reason: String,
    },
    /// The server returned something the crate cannot read (a checksum that is not hex, a
    /// count that is not a number).
    #[error("{at}: unexpected server result: {detail}")]
    BadResult {
        /// Where.
        at: At,
        /// What was wrong, with the value.
        detail: String,
    },
    /// A server statement failed. URLs in the message are redacted.
    #[error("{at}: {server}: {message}")]
    Server {
        /// Where.
        at: At,
        /// Which server (`source`, `target`, `primary`, `replica`), as the caller named it.
        server: String,
        /// The server's or driver's message.
        message: String,
    },
    /// A server could not be reached (the URL's password is redacted).
    #[error("cannot connect to the {server} at {url}: {message}")]
    Connect {
        /// Which server (`source`, `target`, ...).
        server: String,
        /// The URL, password replaced by `***`.
        url: String,
        /// The driver's message (redacted too).
        message: String,
    },
    /// A progress checkpoint could not be read or written.
    #[error("checkpoint file {path}: {message}")]
    Checkpoint {
        /// The checkpoint file.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// A table cannot be checksummed as asked (no usable key for chunking, inconsistent model).
    #[error("{at}: {reason}")]
    Table {
        /// Where.
        at: At,
        /// Why.
        reason: String,
    },
}

impl Error {
    /// The table and chunk the error belongs to (`None` for checkpoint file errors).
    pub fn at(&self) -> Option<&At> {
        match self {
            Error::RowWidth { at, .. }
            | Error::ValueType { at, .. }
            | Error::Unsupported { at, .. }
            | Error::BadResult { at, .. }
            | Error::Server { at, .. }
            | Error::Table { at, .. } => Some(at),
            Error::Checkpoint { .. } | Error::Connect { .. } => None,
        }
    }

    /// The same error attributed to chunk `chunk` (when it did not name one yet).
    #[must_use]
    pub fn in_chunk(mut self, chunk: u64) -> Error {
        if let Some(at) = self.at_mut() {
            at.chunk.get_or_insert(chunk);
        }
        self
    }

    fn at_mut(&mut self) -> Option<&mut At> {
        match self {
            Error::RowWidth { at, .. }
            | Error::ValueType { at, .. }
            | Error::Unsupported { at, .. }
            | Error::BadResult { at, .. }
            | Error::Server { at, .. }
            | Error::Table { at, .. } => Some(at),
            Error::Checkpoint { .. } | Error::Connect { .. } => None,
        }
    }
}

/// How many bytes of `url` are its scheme and `://` (0 when it has none: what precedes the
/// first `://` must be a scheme name, else that `://` is part of a password).
fn scheme_len(url: &str) -> usize {
    match url.find("://") {
        Some(i)
            if url.starts_with(|c: char| c.is_ascii_alphabetic())
                && url[..i]
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b)) =>
        {
            i + 3
        }
        _ => 0,
    }
}

/// `host:port` or `user:password` in a URL without `@`: the part after the `:` is a password
/// unless it is a port number.
fn push_authority_without_at(out: &mut String, authority: &str) {
    match authority.split_once(':') {
        Some((host, port)) if !port.bytes().all(|b| b.is_ascii_digit()) => {
            out.push_str(host);
            out.push_str(":***");
        }
        _ => out.push_str(authority),
    }
}

/// `url` as it may be printed: the password replaced by `***`, whether or not the URL parses.
///
/// The credentials end at the URL's *last* `@` (a password may hold `@`, `/`, `:`, spaces,
/// quotes, percent escapes: all of it goes); the user name (up to the first `:`) and the host
/// are kept. Without any `@`, what follows a `:` is hidden unless it is a port number.
///
/// ```
/// use checksum::redact_url;
/// assert_eq!(redact_url("mysql://root:s3/cr et@db1:3306"), "mysql://root:***@db1:3306");
/// assert_eq!(redact_url("mysql://root:a@b@db1/x"), "mysql://root:***@db1/x");
/// assert_eq!(redact_url("mysql://root@db1"), "mysql://root@db1");
/// assert_eq!(redact_url("mysql://root:pw"), "mysql://root:***");
/// ```
pub fn redact_url(url: &str) -> String {
    let (scheme, rest) = url.split_at(scheme_len(url));
    match rest.rfind('@') {
        Some(at) => {
            let (userinfo, host) = rest.split_at(at);
            match userinfo.find(':') {
                Some(colon) => format!("{scheme}{}:***{host}", &userinfo[..colon]),
                None => url.to_string(),
            }
        }
        None => {
            let mut out = scheme.to_string();
            push_authority_without_at(&mut out, rest.split('/').next().unwrap_or(rest));
            if out.ends_with(":***") {
                out
            } else {
                url.to_string()
            }
        }
    }
}

/// The last `@` of `text` that can end a URL's credentials: not the one of a MySQL account
/// name quoted as `'user'@'host'` (as in "Access denied for user 'root'@'localhost'").
fn last_credentials_end(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    text.match_indices('@')
        .map(|(i, _)| i)
        .rev()
        .find(|&i| !(i > 0 && bytes[i - 1] == b'\'' && bytes.get(i + 1) == Some(&b'\'')))
}

/// Replaces the password of every `scheme://user:password@host` URL in `text` (a message) with
/// `***`.
///
/// A password may hold any character, `@`, `/`, spaces and `://` included, so in running text
/// a URL's credentials are taken to end at the last `@` of the rest of the text (other than
/// a quoted `'user'@'host'`): with several URLs, or an e-mail address after a URL, more is
/// hidden than the password, never less. Prefer [`redact_url`] on a URL alone before
/// embedding it in a message. A URL with no `@` after it (`mysql://user:password`, no host)
/// has what follows its `:` hidden up to the next `/`, space or quote unless it is a port.
///
/// ```
/// assert_eq!(
///     checksum::redact("cannot reach mysql://root:s3/c ret@127.0.0.1:3306/db: refused"),
///     "cannot reach mysql://root:***@127.0.0.1:3306/db: refused"
/// );
/// ```
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        let (head, tail) = rest.split_at(i + 3);
        out.push_str(head);
        match last_credentials_end(tail) {
            Some(at) => {
                // A `:` before the `@` starts a password; without one there is none (and no
                // URL either: its `://` would hold a `:`).
                let userinfo = &tail[..at];
                match userinfo.find(':') {
                    Some(colon) => {
                        out.push_str(&userinfo[..colon]);
                        out.push_str(":***");
                    }
                    None => out.push_str(userinfo),
                }
                rest = &tail[at..];
            }
            None => {
                let end = tail
                    .find(|c: char| c == '/' || c.is_whitespace() || c == '\'' || c == '"')
                    .unwrap_or(tail.len());
                // Punctuation after the URL is the sentence's ("mysql://u:***: not valid").
                let authority = tail[..end].trim_end_matches([':', ',', ';', '.', ')']);
                push_authority_without_at(&mut out, authority);
                rest = &tail[authority.len()..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_table_and_chunk() {
        let e = Error::BadResult {
            at: At {
                table: "db.t".into(),
                chunk: None,
            },
            detail: "crc 'zz' is not hex".into(),
        }
        .in_chunk(7);
        assert_eq!(
            e.to_string(),
            "table db.t chunk 7: unexpected server result: crc 'zz' is not hex"
        );
    }

    #[test]
    fn redaction_keeps_user_and_host() {
        assert_eq!(redact("no url here"), "no url here");
        assert_eq!(redact("mysql://u:p:q@h"), "mysql://u:***@h");
        assert_eq!(
            redact("at mysql://u:p@h:1/x, twice"),
            "at mysql://u:***@h:1/x, twice"
        );
        // Several URLs: everything up to the last '@' goes (the first password could hold
        // " and mysql://v:q@").
        assert_eq!(
            redact("a mysql://u:p@h:1/x and mysql://v:q@@h2 'mysql://w@h3'"),
            "a mysql://u:***@h3'"
        );
        // A server's 'user'@'host' after the URL is not taken for its credentials' end.
        assert_eq!(
            redact("mysql://root:a'b@h:1: Access denied for user 'root'@'10.0.0.1'"),
            "mysql://root:***@h:1: Access denied for user 'root'@'10.0.0.1'"
        );
        // Already redacted: unchanged.
        for text in [
            "source mysql://root:***@h:1: server error 1045 (28000): Access denied for user \
             'root'@'localhost' (using password: YES)",
            "source URL mysql://root:***: not a valid URL (invalid port number)",
            "see mysql://h:3306/db and https://mariadb.com/kb/",
        ] {
            assert_eq!(redact(text), text);
        }
    }

    #[test]
    fn urls_without_a_host_or_a_scheme() {
        for (url, shown) in [
            ("mysql://root:s3cret@h:1", "mysql://root:***@h:1"),
            ("mysql://root:s3/cret@h:1", "mysql://root:***@h:1"),
            ("mysql://root:a@b@h", "mysql://root:***@h"),
            ("mysql://root:a://b@h", "mysql://root:***@h"),
            ("mysql://:pw@h", "mysql://:***@h"),
            ("mysql://root:pw", "mysql://root:***"),
            ("mysql://root:pw/x y", "mysql://root:***"),
            ("root:pw@h", "root:***@h"),
            ("root:a://b@h", "root:***@h"),
            ("mysql://h:3306", "mysql://h:3306"),
            ("mysql://h:3306/db", "mysql://h:3306/db"),
            ("mysql://root@h", "mysql://root@h"),
        ] {
            assert_eq!(redact_url(url), shown, "{url}");
        }
        assert_eq!(redact("bad: mysql://root:pw"), "bad: mysql://root:***");
        assert_eq!(
            redact("mysql://root:pw: no host"),
            "mysql://root:***: no host"
        );
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        /// Passwords of any printable characters, often the ones URLs and messages use.
        fn password() -> impl Strategy<Value = String> {
            prop_oneof![
                "[ -~]{1,24}",
                "[@/:?#% '\"a-z]{1,24}",
                "([a-z]{0,3}(@|://|'@'|@h:1|/| |%40)){1,6}",
                "\\PC{1,16}",
            ]
        }

        fn percent_encoded(text: &str) -> String {
            text.bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect()
        }

        /// `shown` holds no 4+ character piece of `password` that `expected` lacks.
        fn check_hidden(password: &str, shown: &str, expected: &str) {
            let chars: Vec<char> = password.chars().collect();
            for i in 0..chars.len() {
                for j in i + 4..=chars.len() {
                    let piece: String = chars[i..j].iter().collect();
                    assert!(
                        expected.contains(&piece) || !shown.contains(&piece),
                        "{piece:?} of {password:?} in {shown:?}"
                    );
                }
            }
            assert!(expected.contains(password) || !shown.contains(password));
        }

        fn messages(url: &str) -> Vec<String> {
            vec![
                url.to_string(),
                format!("cannot connect to the source at {url}: connection refused"),
                format!(
                    "source {url}: server error 1045 (28000): Access denied for user \
                     'user'@'10.0.0.7' (using password: YES)"
                ),
                format!("bad URL '{url}' given"),
                format!(
                    "bad URL \"{url}\"; expected mysql://, then user:password, '@' and host:port"
                ),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(if cfg!(debug_assertions) { 500 } else { 5_000 }))]

            #[test]
            fn no_part_of_a_password_is_printed(pw in password(), encode in any::<bool>()) {
                let pw = if encode { percent_encoded(&pw) } else { pw };
                let url = format!("mysql://user:{pw}@db1.example:3306/shop");
                let expected_url = "mysql://user:***@db1.example:3306/shop";
                prop_assert_eq!(redact_url(&url), expected_url);
                for (message, expected) in messages(&url).iter().zip(messages(expected_url)) {
                    let shown = redact(message);
                    check_hidden(&pw, &shown, &expected);
                    prop_assert_eq!(&shown, &expected);
                }
            }
        }
    }
}
