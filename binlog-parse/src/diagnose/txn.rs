//! Transaction boundaries and the GTIDs of complete transactions, fed event by event.

use gtid::mariadb::{GtidPos, MariadbGtid};
use gtid::{Gno, Gtid, GtidSet, Interval, Tag, Tsid, Uuid};

use crate::error::Error;
use crate::event::EventRef;
use crate::events::{EventData, GtidEvent, PreviousGtids};
use crate::header::{EventType, LogPos};

/// What the file says about transactions and GTIDs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Transactions {
    /// Complete transactions (event groups ended by Xid, COMMIT, XA PREPARE, a DDL statement or
    /// an autocommitted statement).
    pub complete: u64,
    /// Groups that were opened and never ended, followed by another group (a server crash in
    /// the middle of writing, or a log spliced by hand).
    pub abandoned: u64,
    /// Where the group still open at the end of the file starts, if one is.
    pub open_at_end: Option<LogPos>,
    /// The end of the last event after which no transaction was open: the last safe point to
    /// truncate the file at or to restart from.
    pub safe_end: LogPos,
    /// MySQL: the Previous_gtids set at the start of the file.
    pub previous_gtids: GtidSet,
    /// MySQL: the GTIDs of the transactions complete in this file.
    pub gtids: GtidSet,
    /// MariaDB: the GTID_LIST position at the start of the file.
    pub gtid_list: GtidPos,
    /// MariaDB: the last complete GTID per domain in this file.
    pub mariadb_gtids: GtidPos,
    /// Bodies the typed views could not decode (framing and checksums were fine).
    pub decode_errors: u64,
    /// The first such failure.
    pub first_decode_error: Option<Error>,
}

impl Transactions {
    /// MySQL's `gtid_executed` as of the end of the file: Previous_gtids plus what the file
    /// completes.
    pub fn executed(&self) -> GtidSet {
        let mut all = self.previous_gtids.clone();
        for (tsid, iv) in self.gtids.iter_intervals() {
            all.insert_range(tsid, iv);
        }
        all
    }

    /// MariaDB's position as of the end of the file: GTID_LIST updated with the file's groups.
    pub fn mariadb_position(&self) -> GtidPos {
        let mut pos = self.gtid_list.clone();
        for g in self.mariadb_gtids.iter() {
            pos.set(*g);
        }
        pos
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Id {
    None,
    Mysql,
    Mariadb(MariadbGtid),
}

#[derive(Debug, Clone)]
struct Group {
    start: LogPos,
    id: Id,
    mysql: Option<Gtid>,
    began: bool,
    standalone: bool,
}

/// Follows transaction groups through a file.
#[derive(Debug, Clone, Default)]
pub(crate) struct TxnTracker {
    out: Transactions,
    open: Option<Group>,
}

impl TxnTracker {
    pub(crate) fn event(&mut self, ev: &EventRef<'_>) {
        let t = ev.event_type();
        let relevant = matches!(
            t,
            EventType::QUERY
                | EventType::XID
                | EventType::XA_PREPARE
                | EventType::GTID
                | EventType::ANONYMOUS_GTID
                | EventType::GTID_TAGGED
                | EventType::PREVIOUS_GTIDS
                | EventType::MARIADB_GTID
                | EventType::GTID_LIST
                | EventType::TRANSACTION_PAYLOAD
        );
        if relevant {
            match ev.data() {
                Ok(data) => self.data(ev, data),
                Err(e) => self.decode_error(e),
            }
        }
        if self.open.is_none() {
            self.out.safe_end = ev.end();
        }
    }

    fn decode_error(&mut self, e: Error) {
        self.out.decode_errors += 1;
        if self.out.first_decode_error.is_none() {
            self.out.first_decode_error = Some(e);
        }
    }

    fn start(&mut self, start: LogPos, id: Id, mysql: Option<Gtid>, standalone: bool) {
        if self.open.take().is_some() {
            self.out.abandoned += 1;
        }
        self.open = Some(Group {
            start,
            id,
            mysql,
            began: false,
            standalone,
        });
    }

    fn complete(&mut self) {
        self.out.complete += 1;
        if let Some(group) = self.open.take() {
            if let Some(g) = group.mysql {
                self.out.gtids.insert(&g);
            }
            if let Id::Mariadb(g) = group.id {
                self.out.mariadb_gtids.set(g);
            }
        }
    }

    fn data(&mut self, ev: &EventRef<'_>, data: EventData<'_>) {
        match data {
            EventData::Gtid(g) => match mysql_gtid(ev, &g) {
                Ok(gtid) => {
                    let id = if gtid.is_some() { Id::Mysql } else { Id::None };
                    self.start(ev.offset(), id, gtid, false);
                }
                Err(e) => {
                    self.decode_error(e);
                    self.start(ev.offset(), Id::None, None, false);
                }
            },
            EventData::MariadbGtid(g) => {
                let id = MariadbGtid {
                    domain_id: g.domain_id,
                    server_id: g.server_id,
                    seq_no: g.seq_no,
                };
                self.start(ev.offset(), Id::Mariadb(id), None, g.is_standalone());
            }
            EventData::Query(q) => {
                if q.is_begin() {
                    match self.open.as_mut() {
                        Some(group) => group.began = true,
                        None => {
                            self.start(ev.offset(), Id::None, None, false);
                            if let Some(group) = self.open.as_mut() {
                                group.began = true;
                            }
                        }
                    }
                } else if q.is_commit() {
                    self.complete();
                } else {
                    match &self.open {
                        // A statement after a GTID without BEGIN (DDL, standalone) ends its group.
                        Some(group) if !group.began || group.standalone => self.complete(),
                        Some(_) => {}
                        // An autocommitted statement outside any group (pre-GTID logs).
                        None => self.out.complete += 1,
                    }
                }
            }
            // A compressed transaction holds its whole body, commit included.
            EventData::Xid(_) | EventData::TransactionPayload(_) => self.complete(),
            EventData::Other(_) if ev.event_type() == EventType::XA_PREPARE => self.complete(),
            EventData::PreviousGtids(p) => {
                if let Err(e) = add_previous(&mut self.out.previous_gtids, ev, &p) {
                    self.decode_error(e);
                }
            }
            EventData::GtidList(list) => {
                for (domain_id, server_id, seq_no) in list.entries() {
                    self.out.gtid_list.set(MariadbGtid {
                        domain_id,
                        server_id,
                        seq_no,
                    });
                }
            }
            _ => {}
        }
    }

    /// Whether a transaction group is open after the last event.
    pub(crate) fn is_open(&self) -> bool {
        self.open.is_some()
    }

    pub(crate) fn finish(mut self) -> Transactions {
        self.out.open_at_end = self.open.map(|g| g.start);
        self.out
    }
}

fn gtid_error(ev: &EventRef<'_>, message: String) -> Error {
    Error::InvalidGtid {
        offset: ev.offset(),
        event_type: ev.event_type(),
        message,
    }
}

/// The strongly typed GTID of a MySQL GTID event (`None` when anonymous).
pub fn mysql_gtid(ev: &EventRef<'_>, g: &GtidEvent<'_>) -> Result<Option<Gtid>, Error> {
    if g.is_anonymous() {
        return Ok(None);
    }
    let tsid = tsid(ev, g.sid, g.tag)?;
    let gno =
        u64::try_from(g.gno).map_err(|_| gtid_error(ev, format!("negative gno {}", g.gno)))?;
    let gno = Gno::new(gno).map_err(|e| gtid_error(ev, e.to_string()))?;
    Ok(Some(Gtid { tsid, gno }))
}

fn tsid(ev: &EventRef<'_>, uuid: [u8; 16], tag: Option<&str>) -> Result<Tsid, Error> {
    let tag = match tag {
        Some(t) => Some(Tag::new(t).map_err(|e| gtid_error(ev, e.to_string()))?),
        None => None,
    };
    Ok(Tsid {
        uuid: Uuid::from_bytes(uuid),
        tag,
    })
}

/// Adds a Previous_gtids event's set to `set`.
pub fn add_previous(
    set: &mut GtidSet,
    ev: &EventRef<'_>,
    p: &PreviousGtids<'_>,
) -> Result<(), Error> {
    for block in p.sids() {
        let block = block?;
        let tsid = tsid(ev, block.uuid, block.tag)?;
        for (start, end) in block.intervals() {
            // Stored half-open and signed: check both ends before any arithmetic on them.
            let interval = u64::try_from(start)
                .ok()
                .zip(u64::try_from(end).ok())
                .and_then(|(s, e)| Interval::from_half_open(s, e).ok())
                .ok_or_else(|| {
                    gtid_error(
                        ev,
                        format!(
                            "previous_gtids interval [{start}, {end}) of {tsid} is empty or \
                             outside 1..=9223372036854775806"
                        ),
                    )
                })?;
            set.insert_range(&tsid, interval);
        }
    }
    Ok(())
}
