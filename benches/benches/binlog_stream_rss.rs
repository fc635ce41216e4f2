//! Peak memory of the streaming reader on a 1 GB binary log: writes a valid 1 GiB log to a
//! temporary file (a MariaDB-like transaction repeated, each event with its own end_log_pos and
//! CRC32), streams it through `diagnose_reader`, and prints the process's peak RSS (`VmHWM`).
//! Not a criterion bench: one run, one number. `BINLOG_RSS_MB` changes the size.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::time::Instant;

use binlog_parse::builder::LogBuilder;
use binlog_parse::{EventHeader, Framer, MAGIC};

fn vm_hwm_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Writes a template event at `offset` with its own end_log_pos and CRC32; returns the end.
fn write_event(raw: &[u8], offset: u64, out: &mut impl Write) -> std::io::Result<u64> {
    let mut event = raw.to_vec();
    let mut h = EventHeader::from_prefix(&event).expect("template event");
    h.log_pos = (offset + event.len() as u64) as u32;
    event[..19].copy_from_slice(&h.to_bytes());
    let split = event.len() - 4;
    let crc = crc32fast::hash(&event[..split]); // no FDE here: no in-use bit to clear
    event[split..].copy_from_slice(&crc.to_le_bytes());
    out.write_all(&event)?;
    Ok(offset + event.len() as u64)
}

fn main() -> std::io::Result<()> {
    let target_mb: u64 = std::env::var("BINLOG_RSS_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    // A template: FDE and GTID_LIST, then one transaction whose events are repeated.
    let rows: Vec<i32> = (0..200).collect();
    let template = LogBuilder::mariadb()
        .mariadb_gtid(0, 1, 0)
        .query("shop", "BEGIN")
        .table_map(70, "shop", "orders")
        .write_rows(70, &rows)
        .xid(1)
        .finish();
    let events: Vec<Vec<u8>> = Framer::new(&template)
        .map_while(Result::ok)
        .map(|e| e.raw().to_vec())
        .collect();
    let (head, txn) = events.split_at(2);

    let path = std::env::temp_dir().join(format!("binlog-rss-{}.bin", std::process::id()));
    let started = Instant::now();
    let mut out = BufWriter::with_capacity(1 << 16, File::create(&path)?);
    out.write_all(&MAGIC)?;
    let mut offset = MAGIC.len() as u64;
    // FDE and GTID_LIST sit where the template put them: copied as they are.
    for e in head {
        out.write_all(e)?;
        offset += e.len() as u64;
    }
    while offset < target_mb << 20 {
        for e in txn {
            offset = write_event(e, offset, &mut out)?;
        }
    }
    out.flush()?;
    drop(out);
    let size = std::fs::metadata(&path)?.len();
    eprintln!(
        "wrote {} MiB in {:.1?}; peak RSS so far {} KiB",
        size >> 20,
        started.elapsed(),
        vm_hwm_kib()
    );

    let before = vm_hwm_kib();
    let started = Instant::now();
    let d = binlog_parse::diagnose_reader(BufReader::with_capacity(1 << 16, File::open(&path)?));
    let elapsed = started.elapsed();
    println!(
        "streamed {} MiB: {} events, {} transactions, status {} in {:.2?} ({:.0} MB/s); peak RSS {} KiB (before streaming {} KiB)",
        size >> 20,
        d.events,
        d.transactions.complete,
        d.status.as_str(),
        elapsed,
        size as f64 / elapsed.as_secs_f64() / 1e6,
        vm_hwm_kib(),
        before
    );
    std::fs::remove_file(&path)?;
    Ok(())
}
