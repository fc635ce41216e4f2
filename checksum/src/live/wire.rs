//! The direct row reader: one more connection per server, used only to read the client
//! engine's rows.
//!
//! The driver (`mysql` crate) turns every binary-protocol row into an owned `Row`: a vector of
//! values and one allocation per string value, freed again once the row is hashed. On the
//! 1M-row bench that decoding took as many instructions as the hashing itself. This reader
//! speaks just enough of the client/server protocol to log in, set up the session, prepare
//! and execute a statement, and hand out each row as a borrowed view of the packet it came
//! in: the hasher reads the values in place ([`RowView::cells`]).
//!
//! It covers what a checksum session needs and nothing more: plain TCP or a Unix socket, the
//! `mysql_native_password` login and `caching_sha2_password`'s fast path, no compression.
//! Whatever it does not cover (TLS, another login plugin, a refused login) is not an error:
//! [`RowConn::open`] says why ([`Unsupported`]) and the caller keeps reading rows through
//! the driver, as before. The packet structures (greeting, login response, statement
//! packets, column definitions, error packets) are `mysql_common`'s, the crate the driver
//! itself is built on; only the framing and the binary row are read here.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use chunker::{Column as ModelColumn, ColumnType, ValueRef};
use mysql::Opts;
use mysql_protocol::constants::{CapabilityFlags, ColumnFlags, ColumnType as WireType};
use mysql_protocol::io::ParseBuf;
use mysql_protocol::packets::{
    AuthPlugin, AuthSwitchRequest, Column, ComStmtExecuteRequestBuilder, ErrPacket,
    HandshakePacket, HandshakeResponse, StmtPacket,
};
use mysql_protocol::proto::MySerialize;

/// The largest payload one packet carries; a payload this long continues in the next packet.
const MAX_PAYLOAD: usize = 0xFF_FFFF;

/// The read buffer's first size; it grows (by doubling, only when full of received bytes)
/// for a row longer than this.
const BUFFER: usize = 64 * 1024;

/// Prepared statements kept open per connection; the least recently used one is closed.
const STATEMENTS: usize = 8;

const COM_QUIT: u8 = 0x01;
const COM_QUERY: u8 = 0x03;
const COM_STMT_PREPARE: u8 = 0x16;
const COM_STMT_CLOSE: u8 = 0x19;

/// Why the direct reader is not used on a connection: a sentence for logs and reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported(pub String);

impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the direct row reader cannot be used: {}", self.0)
    }
}

impl std::error::Error for Unsupported {}

/// A failure of the direct reader once it is in use.
#[derive(Debug)]
pub(crate) enum WireError {
    /// The server's error packet (as the driver would report it).
    Server(mysql::MySqlError),
    /// The connection failed or closed.
    Io(io::Error),
    /// An answer this reader does not expect; the connection is not used again.
    Protocol(String),
}

impl From<io::Error> for WireError {
    fn from(e: io::Error) -> WireError {
        WireError::Io(e)
    }
}

impl std::fmt::Display for WireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WireError::Server(e) => write!(
                f,
                "{}",
                super::describe(&mysql::Error::MySqlError(e.clone()))
            ),
            WireError::Io(e) => write!(f, "connection lost while reading rows: {e}"),
            WireError::Protocol(what) => write!(f, "unexpected answer from the server: {what}"),
        }
    }
}

fn protocol(what: impl Into<String>) -> WireError {
    WireError::Protocol(what.into())
}

/// The socket: TCP, or a Unix socket when the URL names one.
enum Stream {
    Tcp(TcpStream),
    #[cfg(unix)]
    Unix(std::os::unix::net::UnixStream),
}

impl Stream {
    fn set_timeouts(&self, limit: Option<Duration>) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => {
                s.set_read_timeout(limit)?;
                s.set_write_timeout(limit)
            }
            #[cfg(unix)]
            Stream::Unix(s) => {
                s.set_read_timeout(limit)?;
                s.set_write_timeout(limit)
            }
        }
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.read(buf),
            #[cfg(unix)]
            Stream::Unix(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.write(buf),
            #[cfg(unix)]
            Stream::Unix(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.flush(),
            #[cfg(unix)]
            Stream::Unix(s) => s.flush(),
        }
    }
}

/// How a result column arrives: its protocol type and whether it is unsigned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Wire {
    kind: WireType,
    unsigned: bool,
}

impl Wire {
    /// A column of `kind`.
    pub(crate) fn new(kind: WireType, unsigned: bool) -> Wire {
        Wire { kind, unsigned }
    }

    /// Whether the value arrives as length-prefixed bytes.
    fn is_bytes(self) -> bool {
        !matches!(
            self.kind,
            WireType::MYSQL_TYPE_TINY
                | WireType::MYSQL_TYPE_SHORT
                | WireType::MYSQL_TYPE_YEAR
                | WireType::MYSQL_TYPE_LONG
                | WireType::MYSQL_TYPE_INT24
                | WireType::MYSQL_TYPE_LONGLONG
                | WireType::MYSQL_TYPE_FLOAT
                | WireType::MYSQL_TYPE_DOUBLE
                | WireType::MYSQL_TYPE_TIMESTAMP
                | WireType::MYSQL_TYPE_DATE
                | WireType::MYSQL_TYPE_NEWDATE
                | WireType::MYSQL_TYPE_DATETIME
                | WireType::MYSQL_TYPE_TIME
                | WireType::MYSQL_TYPE_NULL
        )
    }
}

struct Prepared {
    sql: String,
    id: u32,
    params: u16,
}

/// A logged-in connection that reads binary-protocol rows in place.
pub struct RowConn {
    stream: Stream,
    buf: Vec<u8>,
    /// First unread byte of `buf`.
    start: usize,
    /// End of the bytes read into `buf`.
    end: usize,
    /// A payload that spans several packets, put together.
    big: Vec<u8>,
    seq: u8,
    caps: CapabilityFlags,
    /// Open statements, the most recently used last.
    stmts: Vec<Prepared>,
    /// Set when an answer could not be read to its end: the connection is not used again.
    broken: bool,
}

impl std::fmt::Debug for RowConn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RowConn")
            .field("statements", &self.stmts.len())
            .field("broken", &self.broken)
            .finish_non_exhaustive()
    }
}

/// A binary-protocol row, borrowed from the packet it came in.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RowView<'a> {
    payload: &'a [u8],
    wires: &'a [Wire],
}

impl RowConn {
    /// Connects and logs in as `opts` say, giving up after `limit` without a greeting or a
    /// login, then runs `setup` (statements answered by OK, such as `SET SESSION ...`).
    /// Anything this reader does not cover is [`Unsupported`], with the reason.
    pub fn open(opts: &Opts, limit: Duration, setup: &[&str]) -> Result<RowConn, Unsupported> {
        if opts.get_ssl_opts().is_some() {
            return Err(Unsupported(
                "the URL asks for TLS, which the direct reader does not speak".into(),
            ));
        }
        if opts.get_compress().is_some() {
            return Err(Unsupported(
                "the URL asks for compression, which the direct reader does not speak".into(),
            ));
        }
        let stream = connect(opts, limit).map_err(|e| Unsupported(format!("connecting: {e}")))?;
        stream
            .set_timeouts(Some(limit))
            .map_err(|e| Unsupported(format!("connecting: {e}")))?;
        let mut conn = RowConn {
            stream,
            buf: vec![0; BUFFER],
            start: 0,
            end: 0,
            big: Vec::new(),
            seq: 0,
            caps: CapabilityFlags::empty(),
            stmts: Vec::new(),
            broken: false,
        };
        conn.login(opts)
            .map_err(|e| Unsupported(format!("logging in: {e}")))?;
        conn.stream
            .set_timeouts(opts.get_read_timeout().copied())
            .map_err(|e| Unsupported(format!("after the login: {e}")))?;
        for sql in setup {
            conn.query_drop(sql)
                .map_err(|e| Unsupported(format!("setting up the session ({sql}): {e}")))?;
        }
        Ok(conn)
    }

    fn login(&mut self, opts: &Opts) -> Result<(), WireError> {
        let caps = self.caps;
        let (version, caps, nonce, plugin) = {
            let greeting = self.payload()?;
            if greeting.first() == Some(&0xFF) {
                return Err(error_of(caps, greeting));
            }
            let hs: HandshakePacket<'_> = ParseBuf(greeting)
                .parse(())
                .map_err(|e| protocol(format!("greeting: {e}")))?;
            if hs.protocol_version() != 10 {
                return Err(protocol(format!(
                    "protocol version {}",
                    hs.protocol_version()
                )));
            }
            let plugin = match hs.auth_plugin() {
                Some(AuthPlugin::CachingSha2Password) => AuthPlugin::CachingSha2Password,
                _ => AuthPlugin::MysqlNativePassword,
            };
            (
                hs.server_version_parsed().unwrap_or((0, 0, 0)),
                hs.capabilities(),
                hs.nonce(),
                plugin,
            )
        };
        let needed = CapabilityFlags::CLIENT_PROTOCOL_41
            | CapabilityFlags::CLIENT_SECURE_CONNECTION
            | CapabilityFlags::CLIENT_PLUGIN_AUTH;
        if !caps.contains(needed) {
            return Err(protocol(
                "the server lacks the 4.1 protocol or login plugins",
            ));
        }
        let wanted = needed
            | CapabilityFlags::CLIENT_LONG_PASSWORD
            | CapabilityFlags::CLIENT_TRANSACTIONS
            | CapabilityFlags::CLIENT_LONG_FLAG;
        let flags = wanted & caps;
        self.caps = flags;
        let data = plugin.gen_data(opts.get_pass(), &nonce);
        let db = opts.get_db_name().filter(|d| !d.is_empty());
        let response = HandshakeResponse::new(
            data.as_deref(),
            version,
            opts.get_user().map(str::as_bytes),
            db.map(str::as_bytes),
            Some(plugin.clone()),
            flags,
            None,
            MAX_PAYLOAD as u32,
        );
        let mut out = Vec::new();
        response.serialize(&mut out);
        self.send(&out)?;
        let caps = flags;
        let mut plugin = plugin;
        let mut switched = false;
        loop {
            let answer = self.payload()?;
            match answer.first() {
                Some(0x00) => return Ok(()),
                Some(0xFF) => return Err(error_of(caps, answer)),
                Some(0xFE) if !switched => {
                    let switch: AuthSwitchRequest<'_> = ParseBuf(answer)
                        .parse(())
                        .map_err(|e| protocol(format!("login plugin switch: {e}")))?;
                    plugin = match switch.auth_plugin() {
                        AuthPlugin::MysqlNativePassword => AuthPlugin::MysqlNativePassword,
                        AuthPlugin::CachingSha2Password => AuthPlugin::CachingSha2Password,
                        other => {
                            return Err(protocol(format!(
                                "the server asks for the {:?} login plugin",
                                String::from_utf8_lossy(other.as_bytes())
                            )))
                        }
                    };
                    let nonce = switch.plugin_data().to_vec();
                    let data = plugin.gen_data(opts.get_pass(), &nonce);
                    let mut out = Vec::new();
                    if let Some(data) = data {
                        data.serialize(&mut out);
                    }
                    self.send(&out)?;
                    switched = true;
                }
                Some(0x01) if plugin == AuthPlugin::CachingSha2Password => {
                    match answer.get(1) {
                        // Fast path: the server had the password's hash cached; OK follows.
                        Some(0x03) => {}
                        _ => {
                            return Err(protocol(
                                "caching_sha2_password asks for the full login, which needs \
                                 TLS or the server's RSA key",
                            ))
                        }
                    }
                }
                _ => return Err(protocol("an unexpected packet during the login")),
            }
        }
    }

    /// Whether the connection can still be used.
    pub(crate) fn usable(&self) -> bool {
        !self.broken
    }

    /// Runs `sql`, which answers OK (no rows).
    pub(crate) fn query_drop(&mut self, sql: &str) -> Result<(), WireError> {
        self.usable_or_err()?;
        let caps = self.caps;
        let mut out = Vec::with_capacity(sql.len() + 1);
        out.push(COM_QUERY);
        out.extend_from_slice(sql.as_bytes());
        self.command(&out)?;
        let answer = self.payload()?;
        match answer.first() {
            Some(0x00) => Ok(()),
            Some(0xFF) => Err(error_of(caps, answer)),
            _ => {
                self.broken = true;
                Err(protocol(format!("{sql:?} returned rows")))
            }
        }
    }

    /// Executes `sql` as a prepared statement with `params` and calls `on_row` with every row
    /// and the columns' wire types. If `on_row` fails, the rest of the rows are read and
    /// dropped (the connection stays usable) and its error is returned.
    pub(crate) fn exec_rows<E>(
        &mut self,
        sql: &str,
        params: &[mysql::Value],
        on_row: &mut dyn FnMut(RowView<'_>) -> Result<(), E>,
    ) -> Result<Result<(), E>, WireError> {
        self.usable_or_err()?;
        let caps = self.caps;
        let (id, count) = self.prepare(sql)?;
        if usize::from(count) != params.len() {
            return Err(protocol(format!(
                "the statement takes {count} values, {} given",
                params.len()
            )));
        }
        let (request, long) = ComStmtExecuteRequestBuilder::new(id).build(params);
        if long {
            return Err(protocol("the bound values are longer than one packet"));
        }
        let mut out = Vec::new();
        request.serialize(&mut out);
        self.command(&out)?;
        let columns = {
            let head = self.payload()?;
            match head.first() {
                Some(0xFF) => return Err(error_of(caps, head)),
                Some(0x00) => return Ok(Ok(())),
                _ => {}
            }
            let mut p = ParseBuf(head);
            p.checked_eat_lenenc_int()
                .ok_or_else(|| protocol("a result without a column count"))?
        };
        // Not sized by the count: one entry per column definition actually received.
        let mut wires = Vec::new();
        for _ in 0..columns {
            let def = self.payload()?;
            let column: Column = match ParseBuf(def).parse(()) {
                Ok(c) => c,
                Err(e) => return Err(self.fail(format!("column definition: {e}"))),
            };
            wires.push(Wire::new(
                column.column_type(),
                column.flags().contains(ColumnFlags::UNSIGNED_FLAG),
            ));
        }
        self.expect_eof("after the column definitions")?;
        let mut outcome = Ok(());
        loop {
            let packet = self.payload()?;
            match packet.first() {
                Some(0x00) => {
                    if outcome.is_ok() {
                        outcome = on_row(RowView::new(packet, &wires));
                    }
                }
                Some(0xFE) => return Ok(outcome),
                Some(0xFF) => return Err(error_of(caps, packet)),
                _ => return Err(self.fail("a row that is not a binary row")),
            }
        }
    }

    /// The statement id and parameter count of `sql`, prepared now or earlier.
    fn prepare(&mut self, sql: &str) -> Result<(u32, u16), WireError> {
        let caps = self.caps;
        if let Some(i) = self.stmts.iter().position(|s| s.sql == sql) {
            let st = self.stmts.remove(i);
            let found = (st.id, st.params);
            self.stmts.push(st);
            return Ok(found);
        }
        if self.stmts.len() >= STATEMENTS {
            let old = self.stmts.remove(0);
            let mut out = vec![COM_STMT_CLOSE];
            out.extend_from_slice(&old.id.to_le_bytes());
            // No answer comes to a close.
            self.command(&out)?;
        }
        let mut out = Vec::with_capacity(sql.len() + 1);
        out.push(COM_STMT_PREPARE);
        out.extend_from_slice(sql.as_bytes());
        self.command(&out)?;
        let (id, columns, params) = {
            let answer = self.payload()?;
            if answer.first() == Some(&0xFF) {
                return Err(error_of(caps, answer));
            }
            let st: StmtPacket = match ParseBuf(answer).parse(()) {
                Ok(st) => st,
                Err(e) => return Err(self.fail(format!("statement: {e}"))),
            };
            (st.statement_id(), st.num_columns(), st.num_params())
        };
        for (count, what) in [(params, "parameter"), (columns, "column")] {
            for _ in 0..count {
                self.payload()?;
            }
            if count > 0 {
                self.expect_eof(&format!("after the {what} definitions"))?;
            }
        }
        self.stmts.push(Prepared {
            sql: sql.to_string(),
            id,
            params,
        });
        Ok((id, params))
    }

    fn expect_eof(&mut self, place: &str) -> Result<(), WireError> {
        let caps = self.caps;
        let packet = self.payload()?;
        match packet.first() {
            Some(0xFE) if packet.len() < 9 => Ok(()),
            Some(0xFF) => Err(error_of(caps, packet)),
            _ => Err(self.fail(format!("no end-of-columns marker {place}"))),
        }
    }

    fn usable_or_err(&self) -> Result<(), WireError> {
        if self.broken {
            return Err(protocol(
                "the direct reader's connection failed earlier and is not used again",
            ));
        }
        Ok(())
    }

    /// Marks the connection unusable and says why.
    fn fail(&mut self, what: impl Into<String>) -> WireError {
        self.broken = true;
        protocol(what)
    }
}

/// The server's error in `packet` (`caps`: the connection's capabilities).
fn error_of(caps: CapabilityFlags, packet: &[u8]) -> WireError {
    match ParseBuf(packet).parse::<ErrPacket<'_>>(caps) {
        Ok(ErrPacket::Error(e)) => WireError::Server(mysql::MySqlError {
            state: e
                .sql_state_ref()
                .map(|s| s.as_str().into_owned())
                .unwrap_or_default(),
            message: e.message_str().into_owned(),
            code: e.error_code(),
        }),
        _ => protocol("an unreadable error packet"),
    }
}

impl RowConn {
    /// Sends `payload` as the first packet(s) of a new command.
    fn command(&mut self, payload: &[u8]) -> Result<(), WireError> {
        if self.start != self.end {
            self.broken = true;
            return Err(protocol("unread bytes before a new command"));
        }
        self.seq = 0;
        self.send(payload)
    }

    /// Sends `payload` in packets of at most [`MAX_PAYLOAD`] bytes (a payload filling its
    /// last packet is followed by an empty one).
    fn send(&mut self, payload: &[u8]) -> Result<(), WireError> {
        let mut out = Vec::with_capacity(payload.len() + 8);
        let mut rest = payload;
        loop {
            let n = rest.len().min(MAX_PAYLOAD);
            let len = u32::try_from(n).unwrap_or(0).to_le_bytes();
            out.extend_from_slice(&[len[0], len[1], len[2], self.seq]);
            out.extend_from_slice(&rest[..n]);
            self.seq = self.seq.wrapping_add(1);
            rest = &rest[n..];
            if n < MAX_PAYLOAD {
                break;
            }
        }
        let written = self
            .stream
            .write_all(&out)
            .and_then(|()| self.stream.flush());
        written.map_err(|e| {
            self.broken = true;
            WireError::Io(e)
        })
    }

    /// Makes at least `need` unread bytes available in `buf`.
    fn fill(&mut self, need: usize) -> Result<(), WireError> {
        if self.end - self.start >= need {
            return Ok(());
        }
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        while self.end < need {
            if self.end == self.buf.len() {
                // Full of received bytes: double. Never sized by a length the peer sent.
                let grown = self.buf.len().saturating_mul(2).max(BUFFER);
                self.buf.resize(grown, 0);
            }
            match self.stream.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.broken = true;
                    return Err(WireError::Io(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the server closed the connection",
                    )));
                }
                Ok(n) => self.end += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.broken = true;
                    return Err(WireError::Io(e));
                }
            }
        }
        Ok(())
    }

    /// The next packet's payload range in `buf` (the bytes stay until the next read).
    fn packet(&mut self) -> Result<(usize, usize), WireError> {
        self.fill(4)?;
        let h = &self.buf[self.start..self.start + 4];
        let len = usize::from(h[0]) | usize::from(h[1]) << 8 | usize::from(h[2]) << 16;
        if h[3] != self.seq {
            let found = h[3];
            return Err(self.fail(format!("packet number {found} where {} was due", self.seq)));
        }
        self.seq = self.seq.wrapping_add(1);
        self.fill(4 + len)?;
        let from = self.start + 4;
        self.start = from + len;
        Ok((from, len))
    }

    /// The next payload: one packet's, or several put together when it fills them.
    fn payload(&mut self) -> Result<&[u8], WireError> {
        let (from, len) = self.packet()?;
        if len < MAX_PAYLOAD {
            return Ok(&self.buf[from..from + len]);
        }
        let mut big = std::mem::take(&mut self.big);
        big.clear();
        big.extend_from_slice(&self.buf[from..from + len]);
        loop {
            let (from, len) = match self.packet() {
                Ok(p) => p,
                Err(e) => {
                    self.big = big;
                    return Err(e);
                }
            };
            big.extend_from_slice(&self.buf[from..from + len]);
            if len < MAX_PAYLOAD {
                break;
            }
        }
        self.big = big;
        Ok(&self.big)
    }
}

impl Drop for RowConn {
    /// Says goodbye (COM_QUIT), as the driver does: a connection that just closes counts in
    /// the server's `Aborted_clients` and, by default, logs an "Aborted connection" warning.
    fn drop(&mut self) {
        if self.broken {
            return;
        }
        // Never wait long on a goodbye; nothing is read back.
        let _ = self.stream.set_timeouts(Some(Duration::from_secs(1)));
        self.seq = 0;
        let _ = self.send(&[COM_QUIT]);
    }
}

fn connect(opts: &Opts, limit: Duration) -> io::Result<Stream> {
    #[cfg(unix)]
    if let Some(path) = opts.get_socket() {
        return std::os::unix::net::UnixStream::connect(path).map(Stream::Unix);
    }
    let timeout = opts
        .get_tcp_connect_timeout()
        .unwrap_or(super::CONNECT_TIMEOUT)
        .min(limit.max(super::CONNECT_TIMEOUT));
    let host = opts.get_ip_or_hostname();
    let mut last = io::Error::new(io::ErrorKind::NotFound, format!("{host} has no address"));
    for addr in (host.as_ref(), opts.get_tcp_port()).to_socket_addrs()? {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(s) => {
                s.set_nodelay(true)?;
                return Ok(Stream::Tcp(s));
            }
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// One value of a binary row, as the driver would decode it (`mysql::Value`), borrowed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Cell<'a> {
    Null,
    Int(i64),
    UInt(u64),
    Float(f32),
    Double(f64),
    Bytes(&'a [u8]),
    /// Year, month, day, hour, minute, second, microseconds.
    Date(u16, u8, u8, u8, u8, u8, u32),
    /// Negative, days, hours, minutes, seconds, microseconds.
    Time(bool, u32, u8, u8, u8, u32),
}

impl<'a> Cell<'a> {
    /// The value the driver's `mysql::Value` would be (for the few owned conversions).
    pub(crate) fn to_mysql(self) -> mysql::Value {
        match self {
            Cell::Null => mysql::Value::NULL,
            Cell::Int(i) => mysql::Value::Int(i),
            Cell::UInt(u) => mysql::Value::UInt(u),
            Cell::Float(f) => mysql::Value::Float(f),
            Cell::Double(d) => mysql::Value::Double(d),
            Cell::Bytes(b) => mysql::Value::Bytes(b.to_vec()),
            Cell::Date(y, mo, d, h, mi, s, us) => mysql::Value::Date(y, mo, d, h, mi, s, us),
            Cell::Time(neg, d, h, mi, s, us) => mysql::Value::Time(neg, d, h, mi, s, us),
        }
    }

    /// As `chunker::live::from_mysql_ref` reads the same `mysql::Value` for a column of
    /// `column_type`, for rows without a text form ([`RowView::has_text_form`]): bytes are
    /// taken as they are.
    #[inline(always)]
    pub(crate) fn to_ref(self, column_type: &ColumnType) -> ValueRef<'a> {
        match self {
            Cell::Null => ValueRef::Null,
            Cell::Int(i) => ValueRef::Int(i),
            Cell::UInt(u) => ValueRef::UInt(u),
            Cell::Float(f) => ValueRef::Float(f),
            Cell::Double(d) => match column_type {
                ColumnType::Float { .. } => ValueRef::Float(d as f32),
                _ => ValueRef::Double(d),
            },
            Cell::Date(year, month, day, hour, minute, second, micros) => match column_type {
                ColumnType::Date => ValueRef::Date { year, month, day },
                _ => ValueRef::DateTime {
                    year,
                    month,
                    day,
                    hour,
                    minute,
                    second,
                    micros,
                },
            },
            Cell::Time(negative, days, hours, minutes, seconds, micros) => ValueRef::Time {
                negative,
                hours: days.saturating_mul(24).saturating_add(u32::from(hours)),
                minutes,
                seconds,
                micros,
            },
            Cell::Bytes(b) => ValueRef::Bytes(b),
        }
    }
}

/// Why a binary row could not be read: the column and what was wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BadRow {
    /// Zero-based column index.
    pub column: usize,
    /// What was wrong.
    pub what: String,
}

impl<'a> RowView<'a> {
    /// A row of `payload` (a binary row packet, first byte 0x00) with columns `wires`.
    pub(crate) fn new(payload: &'a [u8], wires: &'a [Wire]) -> RowView<'a> {
        RowView { payload, wires }
    }

    /// How each column arrives.
    pub(crate) fn wires(&self) -> &[Wire] {
        self.wires
    }

    /// The number of columns.
    pub(crate) fn width(&self) -> usize {
        self.wires.len()
    }

    /// Whether some column arrives as bytes where its model type (`columns`, same order) is
    /// a number, date or time (a text form, which `chunker::live::from_mysql_ref` does not
    /// borrow): such rows are read through owned values ([`Cell::to_mysql`]). The same for
    /// every row of a result.
    pub(crate) fn has_text_form(&self, columns: &[ModelColumn]) -> bool {
        let empty = mysql::Value::Bytes(Vec::new());
        self.wires
            .iter()
            .zip(columns)
            .any(|(w, c)| w.is_bytes() && chunker::live::is_text_form(&empty, &c.column_type))
    }

    /// The row's values in order. A malformed row yields [`Cell::Null`] from the bad column
    /// on and records why in `bad` (the caller then discards what it computed).
    pub(crate) fn cells<'b>(&self, bad: &'b mut Option<BadRow>) -> Cells<'a, 'b> {
        let bitmap_len = (self.wires.len() + 9) / 8;
        let (bitmap, rest) = match self
            .payload
            .get(1..)
            .map(|p| p.split_at_checked(bitmap_len))
        {
            Some(Some(split)) => split,
            _ => {
                *bad = Some(BadRow {
                    column: 0,
                    what: "the row is shorter than its NULL bitmap".into(),
                });
                (&[][..], &[][..])
            }
        };
        Cells {
            bitmap,
            rest,
            wires: self.wires,
            at: 0,
            bad,
        }
    }
}

/// The values of a [`RowView`], in column order.
pub(crate) struct Cells<'a, 'b> {
    bitmap: &'a [u8],
    rest: &'a [u8],
    wires: &'a [Wire],
    at: usize,
    bad: &'b mut Option<BadRow>,
}

impl<'a> Iterator for Cells<'a, '_> {
    type Item = Cell<'a>;

    #[inline]
    fn next(&mut self) -> Option<Cell<'a>> {
        let wire = *self.wires.get(self.at)?;
        let at = self.at;
        self.at += 1;
        if self.bad.is_some() {
            return Some(Cell::Null);
        }
        let bit = at + 2;
        let null = self
            .bitmap
            .get(bit / 8)
            .is_some_and(|b| b & (1 << (bit % 8)) != 0);
        if null {
            return Some(Cell::Null);
        }
        match read_cell(wire, &mut self.rest) {
            Ok(cell) => Some(cell),
            Err(what) => {
                *self.bad = Some(BadRow {
                    column: at,
                    what: what.to_string(),
                });
                Some(Cell::Null)
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.wires.len() - self.at.min(self.wires.len());
        (left, Some(left))
    }
}

impl ExactSizeIterator for Cells<'_, '_> {}

/// What is wrong with a value (kept small: the text is made only for an error).
#[derive(Clone, Copy, Debug)]
enum Bad {
    /// `need` bytes expected, `left` left.
    Short { need: u64, left: usize },
    /// A NULL or error marker where a length is due.
    Marker(u8),
    /// A column type no binary row carries.
    Unknown(WireType),
}

impl std::fmt::Display for Bad {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Bad::Short { need, left } => write!(f, "{need} bytes expected, {left} left"),
            Bad::Marker(b) => write!(f, "0x{b:02X} where a length is due"),
            Bad::Unknown(t) => write!(f, "column type {t:?}, which this reader does not know"),
        }
    }
}

#[inline(always)]
fn take<const N: usize>(rest: &mut &[u8]) -> Result<[u8; N], Bad> {
    match rest.split_first_chunk::<N>() {
        Some((head, tail)) => {
            *rest = tail;
            Ok(*head)
        }
        None => Err(Bad::Short {
            need: N as u64,
            left: rest.len(),
        }),
    }
}

#[inline(always)]
fn take_slice<'a>(rest: &mut &'a [u8], n: u64) -> Result<&'a [u8], Bad> {
    let split = usize::try_from(n)
        .ok()
        .and_then(|n| rest.split_at_checked(n));
    match split {
        Some((head, tail)) => {
            *rest = tail;
            Ok(head)
        }
        None => Err(Bad::Short {
            need: n,
            left: rest.len(),
        }),
    }
}

/// A length-encoded integer.
#[inline(always)]
fn lenenc(rest: &mut &[u8]) -> Result<u64, Bad> {
    let [first] = take::<1>(rest)?;
    Ok(match first {
        0..=0xFA => u64::from(first),
        0xFC => u64::from(u16::from_le_bytes(take::<2>(rest)?)),
        0xFD => {
            let [a, b, c] = take::<3>(rest)?;
            u64::from(u32::from_le_bytes([a, b, c, 0]))
        }
        0xFE => u64::from_le_bytes(take::<8>(rest)?),
        0xFB | 0xFF => return Err(Bad::Marker(first)),
    })
}

/// Year, month, day, hour, minute, second, microseconds.
type DateParts = (u16, u8, u8, u8, u8, u8, u32);

/// A date and time value (length byte, then 0, 4, 7 or 11 bytes) from the front of `rest`:
/// year, month, day, hour, minute, second, microseconds (zero where not sent).
#[inline(always)]
fn read_date_parts(rest: &mut &[u8]) -> Result<DateParts, Bad> {
    let [len] = take::<1>(rest)?;
    let mut b = take_slice(rest, u64::from(len))?;
    let (mut date, mut time, mut micros) = ([0u8; 4], [0u8; 3], 0u32);
    if len >= 4 {
        date = take::<4>(&mut b)?;
    }
    if len >= 7 {
        time = take::<3>(&mut b)?;
    }
    if len == 11 {
        micros = u32::from_le_bytes(take::<4>(&mut b)?);
    }
    Ok((
        u16::from_le_bytes([date[0], date[1]]),
        date[2],
        date[3],
        time[0],
        time[1],
        time[2],
        micros,
    ))
}

/// One non-NULL value of type `wire` from the front of `rest`, decoded as `mysql_common`
/// decodes binary values (small unsigned integers as `Int`, `BIGINT UNSIGNED` as `Int`
/// when it fits).
#[inline(always)]
fn read_cell<'a>(wire: Wire, rest: &mut &'a [u8]) -> Result<Cell<'a>, Bad> {
    let u = wire.unsigned;
    Ok(match wire.kind {
        WireType::MYSQL_TYPE_TINY => {
            let [b] = take::<1>(rest)?;
            Cell::Int(if u { i64::from(b) } else { i64::from(b as i8) })
        }
        WireType::MYSQL_TYPE_SHORT | WireType::MYSQL_TYPE_YEAR => {
            let b = take::<2>(rest)?;
            Cell::Int(if u {
                i64::from(u16::from_le_bytes(b))
            } else {
                i64::from(i16::from_le_bytes(b))
            })
        }
        WireType::MYSQL_TYPE_LONG | WireType::MYSQL_TYPE_INT24 => {
            let b = take::<4>(rest)?;
            Cell::Int(if u {
                i64::from(u32::from_le_bytes(b))
            } else {
                i64::from(i32::from_le_bytes(b))
            })
        }
        WireType::MYSQL_TYPE_LONGLONG => {
            let b = take::<8>(rest)?;
            if u {
                let v = u64::from_le_bytes(b);
                i64::try_from(v).map_or(Cell::UInt(v), Cell::Int)
            } else {
                Cell::Int(i64::from_le_bytes(b))
            }
        }
        WireType::MYSQL_TYPE_FLOAT => Cell::Float(f32::from_le_bytes(take::<4>(rest)?)),
        WireType::MYSQL_TYPE_DOUBLE => Cell::Double(f64::from_le_bytes(take::<8>(rest)?)),
        WireType::MYSQL_TYPE_TIMESTAMP
        | WireType::MYSQL_TYPE_DATE
        | WireType::MYSQL_TYPE_NEWDATE
        | WireType::MYSQL_TYPE_DATETIME => {
            let (y, mo, d, h, mi, s, us) = read_date_parts(rest)?;
            Cell::Date(y, mo, d, h, mi, s, us)
        }
        WireType::MYSQL_TYPE_TIME => {
            let [len] = take::<1>(rest)?;
            let mut b = take_slice(rest, u64::from(len))?;
            let (mut neg, mut days, mut hms, mut micros) = (false, 0u32, [0u8; 3], 0u32);
            if len >= 8 {
                let [sign] = take::<1>(&mut b)?;
                neg = sign == 1;
                days = u32::from_le_bytes(take::<4>(&mut b)?);
                hms = take::<3>(&mut b)?;
            }
            if len == 12 {
                micros = u32::from_le_bytes(take::<4>(&mut b)?);
            }
            Cell::Time(neg, days, hms[0], hms[1], hms[2], micros)
        }
        WireType::MYSQL_TYPE_NULL => Cell::Null,
        WireType::MYSQL_TYPE_STRING
        | WireType::MYSQL_TYPE_VAR_STRING
        | WireType::MYSQL_TYPE_BLOB
        | WireType::MYSQL_TYPE_TINY_BLOB
        | WireType::MYSQL_TYPE_MEDIUM_BLOB
        | WireType::MYSQL_TYPE_LONG_BLOB
        | WireType::MYSQL_TYPE_SET
        | WireType::MYSQL_TYPE_ENUM
        | WireType::MYSQL_TYPE_DECIMAL
        | WireType::MYSQL_TYPE_VARCHAR
        | WireType::MYSQL_TYPE_BIT
        | WireType::MYSQL_TYPE_NEWDECIMAL
        | WireType::MYSQL_TYPE_GEOMETRY
        | WireType::MYSQL_TYPE_VECTOR
        | WireType::MYSQL_TYPE_JSON => {
            let len = lenenc(rest)?;
            Cell::Bytes(take_slice(rest, len)?)
        }
        other => return Err(Bad::Unknown(other)),
    })
}

mod fused;
pub(crate) use fused::{ops, Op};

#[cfg(test)]
mod tests;
