//! Any bytes as a whole binary log: framing, CRC checks, diagnosis, streaming vs slice.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| binlog_parse::fuzzing::framer(data));
