//! Hashes the checksum bench's rows a fixed number of times, for deterministic instruction
//! counts under callgrind (wall and CPU time on shared machines swing by a third):
//!
//! ```text
//! valgrind --tool=callgrind target/release/examples/hash_rows strong mixed 5
//! ```
//!
//! Arguments: algorithm (`strong`, `fast`, `pt`), row shape (`mixed`, `blob`, or `wire`: the
//! mixed rows as binary-protocol packets through the live reader's path), passes. Run it once
//! with 0 passes to subtract the cost of building the rows.

use checksum::{Algorithm, Dialect, RowPlan};

#[path = "../benches/shared/checksum_rows.rs"]
mod checksum_rows;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or_default();
    let algorithm = match arg(0) {
        "fast" => Algorithm::Fast,
        "pt" => Algorithm::Pt,
        _ => Algorithm::Strong,
    };
    let (table, (rows, bytes)) = match arg(1) {
        "blob" => (checksum_rows::blob_table(), checksum_rows::blob_rows()),
        _ => (checksum_rows::mixed_table(), checksum_rows::mixed_rows()),
    };
    let passes: usize = arg(2).parse().unwrap_or(1);
    let plan = RowPlan::new(&table, algorithm, Dialect::MariaDb);
    let mut last = None;
    if arg(1) == "wire" {
        let (buf, ends) = checksum_rows::binary_packets(&rows, &checksum_rows::MIXED_WIRE);
        for _ in 0..passes {
            let packets = checksum_rows::packet_slices(&buf, &ends);
            match checksum::live::hash_binary_rows(
                &plan,
                &table,
                &checksum_rows::MIXED_WIRE,
                packets,
            ) {
                Ok(sum) => last = Some(sum),
                Err(e) => {
                    eprintln!("hash_rows: {e}");
                    std::process::exit(2);
                }
            }
        }
    }
    for _ in 0..if arg(1) == "wire" { 0 } else { passes } {
        let mut h = plan.hasher(None);
        for row in &rows {
            if let Err(e) = h.push_row(row) {
                eprintln!("hash_rows: {e}");
                std::process::exit(2);
            }
        }
        last = Some(h.finish());
    }
    println!(
        "{} rows, {bytes} bytes of row data, {passes} passes: {}",
        rows.len(),
        last.map_or_else(|| "no pass".to_owned(), |c| c.to_string())
    );
}
