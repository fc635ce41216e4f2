#![allow(missing_docs)]
fn main() {
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).expect("read");
        let d = binlog_parse::diagnose_bytes(&bytes);
        let name = path.rsplit('/').next().unwrap_or_default();
        println!("(\"{name}\", {}, {:?}, {}, {}, {}, crc={:?} inuse={} relay={} txn={} open={:?} gtids={} prev={} mdb={:?} derr={} {:?} pos={:?}",
          d.size, d.status, d.events, d.valid_end, d.torn_tail, d.checksum, d.in_use, d.relay_log, d.transactions.complete, d.transactions.open_at_end, d.transactions.gtids.count(), d.transactions.previous_gtids.count(), d.transactions.mariadb_position(), d.transactions.decode_errors, d.transactions.first_decode_error.as_ref().map(|e| e.to_string()), (d.positions.discontinuities, d.positions.relative));
    }
}
