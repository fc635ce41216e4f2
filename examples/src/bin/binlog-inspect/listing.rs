//! `binlog-inspect FILE...`: events as mysqlbinlog's headers show them, then each file's
//! diagnosis.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

use binlog_parse::diagnose::diagnose_path;
use binlog_parse::{Checksum, Error, EventData, EventHeader, EventReader, EventRef, HEADER_LEN};
use serde_json::{json, Value};

use crate::report::{describe_status, summary_json};

/// Lists every file; `Ok(true)` when all are clean.
pub fn list(paths: &[std::path::PathBuf], json: bool) -> Result<bool, String> {
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut clean = true;
    for path in paths {
        clean &= list_file(path, json, &mut out).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    out.flush().map_err(|e| e.to_string())?;
    Ok(clean)
}

fn list_file(path: &Path, json: bool, out: &mut impl Write) -> std::io::Result<bool> {
    let name = path.display().to_string();
    let mut reader = EventReader::new(BufReader::new(File::open(path)?));
    while let Some(item) = reader.next_event() {
        match item {
            Ok(ev) if json => writeln!(out, "{}", event_json(&name, &ev))?,
            Ok(ev) => write_event(out, &ev)?,
            Err(Error::ChecksumMismatch {
                offset,
                expected,
                actual,
                ..
            }) => {
                let header = header_at(path, offset.get())?;
                if json {
                    let mut v = header_json(&name, offset.get(), &header);
                    v["checksum"] = json!("mismatch");
                    v["checksum_expected"] = json!(expected);
                    v["checksum_actual"] = json!(actual);
                    writeln!(out, "{v}")?;
                } else {
                    writeln!(out, "# at {offset}")?;
                    writeln!(
                        out,
                        "{}  CRC32 mismatch: stored {expected:#010x}, computed {actual:#010x}",
                        header_line(&header)
                    )?;
                }
            }
            Err(_) => {}
        }
    }
    let d = diagnose_path(path)?;
    // After corruption, list what follows the resync point too.
    if let Some(at) = d.resync {
        let mut decoder = reader.decoder().clone();
        decoder.resume_at(at);
        let mut file = File::open(path)?;
        file.seek(SeekFrom::Start(at.get()))?;
        if !json {
            writeln!(out, "# resync: valid framing resumes at {at}")?;
        }
        let mut rest = EventReader::resume(BufReader::new(file), decoder);
        while let Some(Ok(ev)) = rest.next_event() {
            if json {
                let mut v = event_json(&name, &ev);
                v["after_resync"] = json!(true);
                writeln!(out, "{v}")?;
            } else {
                write_event(out, &ev)?;
            }
        }
    }
    if json {
        writeln!(
            out,
            "{}",
            json!({"file": name, "summary": summary_json(&d)})
        )?;
    } else {
        writeln!(out, "# diagnosis of {name}:")?;
        for line in describe_status(&d) {
            writeln!(out, "#   {line}")?;
        }
    }
    Ok(d.status.is_clean())
}

fn header_at(path: &Path, offset: u64) -> std::io::Result<EventHeader> {
    let mut f = File::open(path)?;
    f.seek(SeekFrom::Start(offset))?;
    let mut head = [0u8; HEADER_LEN];
    f.read_exact(&mut head)?;
    Ok(EventHeader::parse(&head))
}

fn header_json(file: &str, offset: u64, h: &EventHeader) -> Value {
    json!({
        "file": file,
        "offset": offset,
        "type_code": h.event_type.code(),
        "type": h.event_type.to_string(),
        "size": h.event_size,
        "end_log_pos": h.log_pos,
        "server_id": h.server_id.0,
        "timestamp": h.timestamp,
        "flags": h.flags.0,
    })
}

fn event_json(file: &str, ev: &EventRef<'_>) -> Value {
    let mut v = header_json(file, ev.offset().get(), ev.header());
    v["checksum"] = json!(match ev.checksum() {
        Checksum::Verified(_) => "ok",
        Checksum::None => "none",
        Checksum::Unchecked(_) => "unchecked",
    });
    v["description"] = json!(describe(ev));
    v
}

/// `yymmdd hh:mm:ss` in UTC, as mysqlbinlog prints (it uses local time).
fn timestamp(secs: u32) -> String {
    let days = i64::from(secs / 86_400);
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm, restated).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{:02}{month:02}{day:02} {:2}:{:02}:{:02}",
        year % 100,
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

fn header_line(h: &EventHeader) -> String {
    format!(
        "#{} server id {}  end_log_pos {}",
        timestamp(h.timestamp),
        h.server_id,
        h.log_pos
    )
}

fn write_event(out: &mut impl Write, ev: &EventRef<'_>) -> std::io::Result<()> {
    writeln!(out, "# at {}", ev.offset())?;
    let crc = match ev.checksum() {
        Checksum::Verified(c) | Checksum::Unchecked(c) => format!(" CRC32 {c:#010x}"),
        Checksum::None => String::new(),
    };
    writeln!(
        out,
        "{}{crc} \t{}\t{}",
        header_line(ev.header()),
        ev.event_type(),
        describe(ev)
    )
}

fn short(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 100 {
        format!("{}...", one_line.chars().take(100).collect::<String>())
    } else {
        one_line
    }
}

/// A one-line description of the body.
pub fn describe(ev: &EventRef<'_>) -> String {
    let data = match ev.data() {
        Ok(d) => d,
        Err(e) => return format!("(body not decodable: {e})"),
    };
    match data {
        EventData::FormatDescription(f) => {
            format!(
                "binlog v {}, server v {}, checksum {}",
                f.binlog_version,
                f.server_version(),
                f.checksum_alg.as_str()
            )
        }
        EventData::Rotate(r) => format!(
            "{}:{}{}",
            r.next_file_name(),
            r.position,
            if ev.is_fake_rotate() {
                " (artificial)"
            } else {
                ""
            }
        ),
        EventData::Stop => "server stopped".into(),
        EventData::Query(q) => format!(
            "thread_id={} exec_time={} error_code={} schema={:?} {}",
            q.thread_id,
            q.exec_time,
            q.error_code,
            q.schema_text(),
            short(&q.statement_text())
        ),
        EventData::Xid(x) => format!("COMMIT /* xid={} */", x.xid),
        EventData::Intvar(i) => format!(
            "{}={}",
            if i.kind == 1 {
                "LAST_INSERT_ID"
            } else {
                "INSERT_ID"
            },
            i.value
        ),
        EventData::Rand(r) => format!("rand_seed1={},rand_seed2={}", r.seed1, r.seed2),
        EventData::UserVar(u) => format!("@{}", String::from_utf8_lossy(u.name)),
        EventData::Gtid(g) => match binlog_parse::diagnose::mysql_gtid(ev, &g) {
            Ok(Some(gtid)) => format!("SET @@SESSION.GTID_NEXT= '{gtid}'"),
            Ok(None) => "SET @@SESSION.GTID_NEXT= 'ANONYMOUS'".into(),
            Err(e) => format!("(invalid gtid: {e})"),
        },
        EventData::PreviousGtids(p) => {
            let mut set = gtid::GtidSet::default();
            match binlog_parse::diagnose::add_previous(&mut set, ev, &p) {
                Ok(()) => format!("[{:#}]", set),
                Err(e) => format!("(invalid set: {e})"),
            }
        }
        EventData::TableMap(t) => format!("table_id: {} ({})", t.table_id, t.qualified_name()),
        EventData::Rows(r) => format!(
            "table_id: {} flags: {}",
            r.table_id,
            if r.is_statement_end() {
                "STMT_END_F"
            } else {
                ""
            }
        ),
        EventData::RowsQuery(q) => short(&String::from_utf8_lossy(q.query)),
        EventData::Incident(i) => {
            format!("incident {} {}", i.kind, String::from_utf8_lossy(i.message))
        }
        EventData::Heartbeat(h) => format!("heartbeat {}", String::from_utf8_lossy(h.log_ident)),
        EventData::TransactionPayload(p) => format!(
            "compression {} size {} uncompressed {}",
            p.compression_type, p.payload_size, p.uncompressed_size
        ),
        EventData::AnnotateRows(a) => short(&String::from_utf8_lossy(a.query)),
        EventData::BinlogCheckpoint(c) => format!("checkpoint {}", c.file_name()),
        EventData::MariadbGtid(g) => format!(
            "GTID {}-{}-{}{}",
            g.domain_id,
            g.server_id,
            g.seq_no,
            if g.is_standalone() { "" } else { " trans" }
        ),
        EventData::GtidList(l) => {
            let list: Vec<String> = l
                .entries()
                .map(|(d, s, q)| format!("{d}-{s}-{q}"))
                .collect();
            format!("[{}]", list.join(","))
        }
        EventData::StartEncryption(s) => format!(
            "scheme {} key version {} (the rest of the file is encrypted)",
            s.scheme, s.key_version
        ),
        EventData::Other(body) => format!("{} bytes", body.len()),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn timestamps_print_like_mysqlbinlog() {
        assert_eq!(super::timestamp(0), "700101  0:00:00");
        assert_eq!(super::timestamp(1_700_000_000), "231114 22:13:20");
    }
}
