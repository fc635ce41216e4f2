//! `--demo`: make a crashed primary's binary logs with a throwaway MariaDB server, then
//! diagnose them the way a DBA would after the crash.

use std::path::{Path, PathBuf};

use binlog_parse::Framer;
use examples::harness::{Server, ServerOptions};

use crate::report;

fn step(text: &str) {
    println!("==> {text}");
}

fn copy_logs(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    for entry in std::fs::read_dir(from).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with("mysql-bin.") {
            std::fs::copy(&path, to.join(&name)).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}

/// Runs the demo; `Ok(false)` because the diagnosed logs are (on purpose) not clean.
pub fn run() -> Result<bool, String> {
    let err = |e: examples::harness::HarnessError| e.to_string();
    step("starting a throwaway MariaDB primary (binary log on, row format)");
    let mut server = Server::start(ServerOptions::default()).map_err(err)?;
    server
        .exec("CREATE DATABASE IF NOT EXISTS demo")
        .map_err(err)?;
    server
        .exec("CREATE TABLE demo.orders (id INT AUTO_INCREMENT PRIMARY KEY, amount INT, note VARCHAR(64))")
        .map_err(err)?;
    step("writing 20 transactions, rotating the log (FLUSH BINARY LOGS), writing 30 more");
    for i in 0..50 {
        if i == 20 {
            server.exec("FLUSH BINARY LOGS").map_err(err)?;
        }
        server
            .exec(&format!(
                "INSERT INTO demo.orders (amount, note) VALUES ({i}, 'order {i}'), ({}, 'refund')",
                -i
            ))
            .map_err(err)?;
    }
    let files = server.binlog_files().map_err(err)?;
    let last = files
        .last()
        .cloned()
        .ok_or("the server wrote no binary log")?;
    let last_name = last
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let replica_pos = std::fs::metadata(&last).map_err(|e| e.to_string())?.len();
    println!("    a replica that kept up has read {last_name} up to position {replica_pos}");

    step("crashing the primary (SIGKILL) and losing the end of its last binary log");
    server.kill().map_err(err)?;
    let bytes = std::fs::read(&last).map_err(|e| e.to_string())?;
    let last_event = Framer::new(&bytes)
        .map_while(Result::ok)
        .last()
        .map(|e| (e.offset().get(), e.raw().len() as u64));
    let (start, size) = last_event.ok_or("the last binary log has no events")?;
    let cut = start + size / 2;
    std::fs::OpenOptions::new()
        .write(true)
        .open(&last)
        .and_then(|f| f.set_len(cut))
        .map_err(|e| e.to_string())?;
    println!(
        "    {last_name} cut at {cut}, inside its last event ({start}..{})",
        start + size
    );

    step("restarting the primary: it recovers and opens a new binary log");
    server.restart().map_err(err)?;
    let out: PathBuf =
        std::env::temp_dir().join(format!("binlog-inspect-demo-{}", std::process::id()));
    copy_logs(&server.binlog_dir(), &out)?;
    server.shutdown().map_err(err)?;
    println!("    copies of the logs kept in {}", out.display());

    step(&format!(
        "binlog-inspect --diagnose --replica-position {last_name}:{replica_pos} {}",
        out.display()
    ));
    let clean = report::diagnose(
        std::slice::from_ref(&out),
        Some(&(last_name.clone(), replica_pos)),
        false,
    )?;

    step("what a DBA does next");
    println!("    1. the replica stops with error 1236 (impossible position): its position is beyond what survived");
    println!("    2. point it at the restart position printed above (the next file, position 4)");
    println!(
        "    3. the transactions in the lost bytes exist only on the replica: compare the tables"
    );
    println!("       (table-checksum) and repair the differences (table-sync) before trusting either side");
    println!(
        "    re-run: cargo run -p examples --bin binlog-inspect -- --diagnose {}",
        out.display()
    );
    Ok(clean)
}
