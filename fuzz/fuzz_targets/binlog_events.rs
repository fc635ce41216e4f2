//! Any event body (first byte: the type code) in valid framing: the typed decoders.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| binlog_parse::fuzzing::events(data));
