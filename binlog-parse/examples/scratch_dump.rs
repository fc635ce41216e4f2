#![allow(missing_docs)]
use binlog_parse::*;
fn main() {
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).expect("read");
        let mut n = 0;
        let mut breaks = 0;
        let mut derr = 0;
        let mut f = Framer::new(&bytes);
        let verbose = std::env::var("V").is_ok();
        let mut last = None;
        for e in &mut f {
            match e {
                Ok(e) => {
                    n += 1;
                    last = Some(e.event_type());
                    if let PositionCheck::Discontinuous { .. } = e.position_check() {
                        breaks += 1;
                    }
                    let d = e.data();
                    if d.is_err() {
                        derr += 1;
                    }
                    if verbose {
                        println!(
                            "  {} {} size={} log_pos={} sid={} flags={:#x} {:?} {:?}\n     {:?}",
                            e.offset(),
                            e.event_type(),
                            e.raw().len(),
                            e.header().log_pos,
                            e.header().server_id,
                            e.header().flags.0,
                            e.checksum(),
                            e.position_check(),
                            d.map(|d| format!("{d:?}").chars().take(300).collect::<String>())
                        );
                    }
                }
                Err(e) => println!("  ERR {e}"),
            }
        }
        println!(
            "{path}: {n} events, last {:?}, breaks {breaks}, decode errors {derr}, end {:?}",
            last.map(|t| t.to_string()),
            f.end()
        );
    }
}
