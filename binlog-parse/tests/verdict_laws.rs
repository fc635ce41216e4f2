//! Laws of the replica-position verdict, for random positions in a torn set of files: valid
//! exactly at event boundaries inside the valid part, impossible exactly beyond it, and every
//! restart point is itself a position the verdict calls valid (or the next file's start).

use binlog_parse::builder::LogBuilder;
use binlog_parse::{Framer, LogSet, SetDiagnosis, Verdict};
use proptest::prelude::*;

const UUID: [u8; 16] = [7; 16];

fn set() -> (std::path::PathBuf, SetDiagnosis, Vec<u64>, u64) {
    let dir =
        std::env::temp_dir().join(format!("binlog-parse-verdict-laws-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut b = LogBuilder::mysql80();
    for gno in 1..=6 {
        b = b
            .gtid(UUID, gno)
            .query("shop", "BEGIN")
            .table_map(9, "shop", "t")
            .write_rows(9, &[1, 2])
            .xid(gno as u64);
    }
    let full = b.finish();
    let torn = &full[..full.len() - 11];
    std::fs::write(dir.join("mysql-bin.000001"), torn).expect("write");
    std::fs::write(dir.join("mysql-bin.000002"), LogBuilder::mysql80().finish()).expect("write");
    let boundaries: Vec<u64> = std::iter::once(4)
        .chain(
            Framer::new(torn)
                .map_while(Result::ok)
                .map(|e| e.end().get()),
        )
        .collect();
    let diag = LogSet::open(&dir)
        .expect("opens")
        .diagnose()
        .expect("diagnoses");
    (dir, diag, boundaries, full.len() as u64)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn verdicts_follow_the_boundaries(pos in 0u64..1600) {
        let (dir, diag, boundaries, _) = set();
        let valid_end = *boundaries.last().expect("boundaries");
        let check = diag.check_replica_position("mysql-bin.000001", pos).expect("checks");
        let expected = if pos > valid_end {
            Verdict::Impossible
        } else if boundaries.contains(&pos) {
            Verdict::Valid
        } else {
            Verdict::NotEventBoundary
        };
        prop_assert_eq!(check.verdict, expected);
        match check.restart {
            Some((file, at)) if file == "mysql-bin.000001" => {
                prop_assert!(boundaries.contains(&at) && at <= pos.max(4));
            }
            Some((file, at)) => prop_assert_eq!((file.as_str(), at), ("mysql-bin.000002", 4)),
            None => prop_assert!(false, "always a restart point here"),
        }
        if expected == Verdict::Impossible {
            prop_assert_eq!(check.beyond_valid_end, pos - valid_end);
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}
