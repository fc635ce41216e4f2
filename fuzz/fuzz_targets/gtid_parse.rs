//! Fuzzes the GTID text parsers: MySQL sets (strict and lenient), single GTIDs, MariaDB
//! positions. No input may panic; an error's position must lie within the input and its message
//! stay short (values are quoted cut); whatever parses must print to text that parses back to
//! the same value.
//!
//! Seeds: fuzz/corpus/gtid_parse/, replayed by gtid/tests/fuzz_corpus.rs.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let chars = text.chars().count();
    for parsed in [
        text.parse::<gtid::GtidSet>(),
        gtid::GtidSet::parse_lenient(text),
    ] {
        match parsed {
            Ok(set) => {
                assert_eq!(
                    set.to_string().parse::<gtid::GtidSet>().ok(),
                    Some(set.clone())
                );
                assert_eq!(
                    set.to_compact_string().parse::<gtid::GtidSet>().ok(),
                    Some(set.clone())
                );
                let copy = set.clone();
                assert_eq!(&set | &copy, set);
                assert!((&set - &copy).is_empty());
            }
            Err(e) => {
                assert!(e.position().is_some_and(|p| p <= chars), "{e}");
                assert!(e.to_string().len() < 512, "{e}");
            }
        }
    }
    if let Ok(g) = text.parse::<gtid::Gtid>() {
        assert_eq!(g.to_string().parse::<gtid::Gtid>().ok(), Some(g));
    }
    match text.parse::<gtid::mariadb::GtidPos>() {
        Ok(p) => assert_eq!(
            p.to_string().parse::<gtid::mariadb::GtidPos>().ok(),
            Some(p)
        ),
        Err(e) => {
            assert!(e.position().is_some_and(|p| p <= chars), "{e}");
            assert!(e.to_string().len() < 512, "{e}");
        }
    }
});
