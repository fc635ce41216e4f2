//! Replays the fuzz target's seed corpus (fuzz/corpus/gtid_parse/) as an ordinary test, with the
//! same checks as fuzz/fuzz_targets/gtid_parse.rs: no panic, error positions inside the input,
//! short error messages, and parse(format(x)) == x for whatever parses.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use gtid::mariadb::GtidPos;
use gtid::{Gtid, GtidSet};

fn check(text: &str) {
    let chars = text.chars().count();
    for parsed in [text.parse::<GtidSet>(), GtidSet::parse_lenient(text)] {
        match parsed {
            Ok(set) => {
                assert_eq!(set.to_string().parse::<GtidSet>().unwrap(), set);
                assert_eq!(set.to_compact_string().parse::<GtidSet>().unwrap(), set);
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
    if let Ok(g) = text.parse::<Gtid>() {
        assert_eq!(g.to_string().parse::<Gtid>().unwrap(), g);
    }
    match text.parse::<GtidPos>() {
        Ok(p) => assert_eq!(p.to_string().parse::<GtidPos>().unwrap(), p),
        Err(e) => {
            assert!(e.position().is_some_and(|p| p <= chars), "{e}");
            assert!(e.to_string().len() < 512, "{e}");
        }
    }
}

#[test]
fn seed_corpus_replays() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/gtid_parse");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        if let Ok(text) = std::str::from_utf8(&bytes) {
            check(text);
        }
        n += 1;
    }
    assert!(n >= 20, "only {n} seeds in {}", dir.display());
}

#[test]
fn hostile_inputs_stay_linear_and_small() {
    // The Vitess lesson: `uuid:` followed by a million colons must not preallocate.
    let u = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
    let colons = format!("{u}{}", ":".repeat(1_000_000));
    assert!(colons.parse::<GtidSet>().is_err());
    let many: String = (0..200_000u64)
        .rev()
        .map(|i| format!(":{}", 2 * i + 1))
        .collect();
    let s: GtidSet = format!("{u}{many}").parse().unwrap();
    assert_eq!(s.interval_count(), 200_000);
    let digits = format!("{u}:{}", "9".repeat(1_000_000));
    let e = digits.parse::<GtidSet>().unwrap_err();
    assert!(e.to_string().len() < 200, "{e}");
    let commas = ",".repeat(1_000_000);
    assert!(commas.parse::<GtidSet>().unwrap().is_empty());
}
