//! MySQL's GTID semantics, as tests: the reference manual's examples for `GTID_SUBSET` and
//! `GTID_SUBTRACT`, the manual's stored functions (`GTID_IS_EQUAL`, ...), and vectors from
//! MySQL's own test suite (MTR result files and gunit tests, cited per test), plus the bugs other
//! libraries had.
//!
//! None of this ran against a MySQL server: expectations come from the manual, MySQL's test
//! files and its source, as cited.

#![allow(clippy::unwrap_used)]

use gtid::{Error, Gno, Gtid, GtidSet, Tag, Tsid, Uuid};

const U: &str = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
const UPPER: &str = "3E11FA47-71CA-11E1-9E33-C80AA9429562";
const A: &str = "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa";
const B: &str = "bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb";

fn set(s: &str) -> GtidSet {
    s.parse()
        .unwrap_or_else(|e| panic!("{s:?} should parse: {e}"))
}

fn err(s: &str) -> Error {
    match s.parse::<GtidSet>() {
        Ok(v) => panic!("{s:?} should not parse, got {v:?}"),
        Err(e) => e,
    }
}

/// MySQL's `GTID_SUBSET(a, b)`.
fn gtid_subset(a: &str, b: &str) -> bool {
    set(a).is_subset(&set(b))
}

/// MySQL's `GTID_SUBTRACT(a, b)`, as text.
fn gtid_subtract(a: &str, b: &str) -> String {
    set(a).difference(&set(b)).to_string()
}

// Reference manual, "Functions Used with Global Transaction Identifiers", GTID_SUBSET().
#[test]
fn manual_gtid_subset_examples() {
    assert!(gtid_subset(
        &format!("{UPPER}:23"),
        &format!("{UPPER}:21-57")
    ));
    assert!(gtid_subset(
        &format!("{UPPER}:23-25"),
        &format!("{UPPER}:21-57")
    ));
    assert!(!gtid_subset(
        &format!("{UPPER}:20-25"),
        &format!("{UPPER}:21-57")
    ));
}

// Reference manual, GTID_SUBTRACT(): note the lowercase output.
#[test]
fn manual_gtid_subtract_examples() {
    assert_eq!(
        gtid_subtract(&format!("{UPPER}:21-57"), &format!("{UPPER}:21")),
        format!("{U}:22-57")
    );
    assert_eq!(
        gtid_subtract(&format!("{UPPER}:21-57"), &format!("{UPPER}:20-25")),
        format!("{U}:26-57")
    );
    assert_eq!(
        gtid_subtract(&format!("{UPPER}:21-57"), &format!("{UPPER}:23-24")),
        format!("{U}:21-22:25-57")
    );
}

// The manual's stored functions built on GTID_SUBSET/GTID_SUBTRACT (also in
// mysql-test/include/gtid_utils.inc) agree with the native operations.
#[test]
fn manual_stored_functions_agree() {
    let cases = [
        (format!("{U}:1-10,{A}:5"), format!("{U}:5-20:30,{B}:1-3")),
        (format!("{U}:1-3:7-9"), format!("{U}:4-6")),
        (String::new(), format!("{A}:1")),
        (format!("{A}:t:1-4"), format!("{A}:1-4")),
    ];
    for (x, y) in &cases {
        let (a, b) = (set(x), set(y));
        // GTID_IS_EQUAL = SUBSET(a,b) AND SUBSET(b,a)
        assert_eq!(a == b, a.is_subset(&b) && b.is_subset(&a));
        // GTID_IS_DISJOINT(a,b) = SUBSET(a, SUBTRACT(a,b))
        assert_eq!(a.is_disjoint(&b), a.is_subset(&(&a - &b)));
        // GTID_INTERSECTION(a,b) = SUBTRACT(a, SUBTRACT(a,b))
        assert_eq!(&a & &b, &a - &(&a - &b));
        // GTID_UNION(a,b) = NORMALIZE(CONCAT(a, ',', b))
        assert_eq!(&a | &b, set(&format!("{x},{y}")));
        // GTID_SYMMETRIC_DIFFERENCE(a,b) = SUBTRACT(UNION(a,b), INTERSECTION(a,b))
        assert_eq!(&a ^ &b, &(&a | &b) - &(&a & &b));
        // GTID_NORMALIZE(x) = GTID_SUBTRACT(x, '')
        assert_eq!(gtid_subtract(x, ""), a.to_string());
    }
}

// MTR binlog_gtid_utils: GTID_COUNT('…:1-3:5-4,bbbb…:1:3,') = 5: the reversed interval is
// empty and the trailing comma fine. Strict parsing reports the reversed interval instead.
#[test]
fn mtr_reversed_interval_and_trailing_comma() {
    let text = format!("{A}:1-3:5-4,{B}:1:3,");
    assert_eq!(GtidSet::parse_lenient(&text).unwrap().count(), 5);
    let e = err(&text);
    assert_eq!(
        e.to_string(),
        "interval 5-4 at character 41 ends before it starts"
    );
    assert_eq!(
        GtidSet::parse_lenient(&format!("{A}:5-0")).unwrap(),
        GtidSet::new()
    );
}

// MTR: `…:1-9223372036854775807` is ER_MALFORMED_GTID_SET_SPECIFICATION, `…:1-9223372036854775806`
// is accepted (GNO_END = INT64_MAX is one past the largest GNO).
#[test]
fn mtr_gno_upper_bound() {
    let ok = set(&format!("{U}:1-9223372036854775806"));
    assert_eq!(ok.count(), 9223372036854775806);
    assert_eq!(ok.last(&Tsid::new(U.parse().unwrap())), Some(Gno::MAX));
    let e = err(&format!("{U}:1-9223372036854775807"));
    assert_eq!(
        e.to_string(),
        "gno 9223372036854775807 at character 39 is out of range 1..=9223372036854775806"
    );
    assert!(matches!(
        err(&format!("{U}:9223372036854775807")),
        Error::GnoOutOfRange { position: 37, .. }
    ));
    assert!(matches!(
        err(&format!("{U}:99999999999999999999999999")),
        Error::GnoOutOfRange { .. }
    ));
}

// MTR: `…:0` and `…:0-1` are malformed.
#[test]
fn mtr_gno_zero() {
    assert!(matches!(
        err(&format!("{U}:0")),
        Error::GnoOutOfRange { position: 37, .. }
    ));
    assert!(matches!(
        err(&format!("{U}:0-1")),
        Error::GnoOutOfRange { .. }
    ));
    assert!(GtidSet::parse_lenient(&format!("{U}:0")).is_err());
}

// gunit legacy_gtid_set-t.cc: tags switch the current TSID, whitespace around tags, a tag
// without intervals, several tags in a row.
#[test]
fn gunit_tagged_sets() {
    let s = set(&format!("{U}:1-2:tag_1:1-4:tag_2:1-2"));
    let u: Uuid = U.parse().unwrap();
    assert_eq!(s.count(), 8);
    assert!(s.contains(&Gtid::new(
        Tsid::tagged(u, Tag::new("tag_1").unwrap()),
        Gno::new(4).unwrap()
    )));
    assert!(!s.contains(&Gtid::new(Tsid::new(u), Gno::new(4).unwrap())));
    assert_eq!(s.to_string(), format!("{U}:1-2:tag_1:1-4:tag_2:1-2"));

    let spaced = set(&format!("{U}:tag_1 : 1-2 , {A}:TAG_1:3"));
    assert_eq!(spaced.to_string(), format!("{U}:tag_1:1-2,\n{A}:tag_1:3"));

    // A tag with no interval after it adds nothing on the server; only the lenient parser
    // accepts it (see `tag_without_interval`).
    assert!(GtidSet::parse_lenient(&format!("{U}:tag_1"))
        .unwrap()
        .is_empty());
    assert_eq!(
        GtidSet::parse_lenient(&format!("{U}:a:b:1"))
            .unwrap()
            .to_string(),
        format!("{U}:b:1")
    );
    // "…111111111111 " (a UUID, no intervals, trailing space) is a valid entry.
    assert!(set("11111111-1111-1111-1111-111111111111 ").is_empty());
}

// A tag with no interval after it: `uuid:1-5:x` is the tag `x` naming nothing. The manual's
// syntax is `uuid:[tag:]interval[:interval]...`; the server's parser (MySQL 8.4,
// sql/rpl_gtid_set.cc `Gtid_set::add_gtid_text`: after ':' it reads a tag if one is there and
// only switches the current TSID, then accepts ',' or the end) takes it and adds nothing, and
// gunit legacy_gtid_set-t.cc `GtidSetParsingTestFormat` lists such texts as valid. The lenient
// parser does the same; the strict parser names the tag and where it is, since such text is
// most often cut short or has a mistyped interval.
#[test]
fn tag_without_interval() {
    let cases: &[(&str, &str, usize)] = &[
        (":1-5:x", "x", 41),
        (":1-5:x ", "x", 41),
        (":1-5:Tag_1,", "Tag_1", 41),
        (":tag_1", "tag_1", 37),
        (":a:b:1", "a", 37),
        (":1:a : b:2", "a", 39),
    ];
    for (suffix, tag, position) in cases {
        let text = format!("{U}{suffix}");
        let e = err(&text);
        assert_eq!(
            e,
            Error::TagWithoutInterval {
                tag: tag.to_string(),
                position: *position,
            },
            "{text:?}"
        );
        assert_eq!(e.position(), Some(*position));
        assert_eq!(
            e.to_string(),
            format!(
                "tag {tag:?} at character {position} has no interval after it \
                 (expected uuid:tag:N or uuid:tag:N-M)"
            )
        );
    }
    // Later in a longer set, after a comma: the position is still the tag's.
    assert_eq!(err(&format!("{A}:1,{U}:2:x,{B}:3")).position(), Some(78));
    // A tag followed by an interval is fine wherever it is.
    assert_eq!(
        set(&format!("{U}:1-5:x:7")).to_string(),
        format!("{U}:1-5:x:7")
    );
    // Lenient, as MySQL: the tag adds nothing.
    assert_eq!(
        GtidSet::parse_lenient(&format!("{U}:1-5:x")).unwrap(),
        set(&format!("{U}:1-5"))
    );
    assert_eq!(
        GtidSet::parse_lenient(&format!("{U}:1-5:x, {A}:tag_1")).unwrap(),
        set(&format!("{U}:1-5"))
    );
    // Still errors in both modes: what follows the tag is not ':', ',' or the end.
    assert!(GtidSet::parse_lenient(&format!("{U}:1-5:x-1")).is_err());
    assert!(GtidSet::parse_lenient(&format!("{U}:1-5:x;")).is_err());
}

// gunit legacy_gtid_set-t.cc `GtidSetParsingTestFormat`: the texts MySQL accepts, several with a
// tag that has no interval, and the sets they make, through the lenient parser.
#[test]
fn gunit_parsing_test_format_lenient() {
    const U1: &str = "11111111-1111-1111-1111-111111111111";
    const U2: &str = "11111111-1111-1111-1111-111111111112";
    let expected = [
        format!("{U1}:tag_1:1-2"),
        format!("{U1}:1-2,{U2}:tag_1:1-2"),
        format!("{U1}:1-2,{U2}:tag_1:1-4:tag_2:1-2"),
    ];
    let valid: [(String, usize); 7] = [
        (format!("{U1}:tag_1 : 1-2 , {U1}, {U1}:tag_1 "), 0),
        (format!("{U2}:tag_1 : 1-2 , {U1}:1-2, {U2}:tag_1 "), 1),
        (
            format!("{U2}:tag_1 : 1-2 : 3-4 : tag_2: 1-2 , {U1}:1-2, {U2}:tag_1  ,,, "),
            2,
        ),
        (format!("{U1}:tag_1 : 2 ,, {U1}:tag_1:1, {U1}:tag_1 "), 0),
        (format!("{U2}:tag_1 : 1-2 , {U1}:1-2, {U1} "), 1),
        (
            format!("{U2}:tag_1 : 1 : 2 : 3 : 4 : tag_2: 1-2 , {U1}:1-2, {U2}:tag_1  ,,, "),
            2,
        ),
        (
            format!("{U1}:1-2,{U2}:tag_1:1-4:tag_2:1-2, {U2}:tag_1  ,,, "),
            2,
        ),
    ];
    for (text, i) in &valid {
        let parsed = GtidSet::parse_lenient(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(parsed, set(&expected[*i]), "{text:?}");
        // Strict takes the one text without a bare tag and names the bare tag in the others.
        match text.parse::<GtidSet>() {
            Ok(s) => assert_eq!(s, parsed, "{text:?}"),
            Err(e) => assert!(
                matches!(e, Error::TagWithoutInterval { ref tag, .. } if tag == "tag_1"),
                "{text:?}: {e}"
            ),
        }
    }
    assert!(valid[4].0.parse::<GtidSet>().is_ok());
}

// gunit gtid_tag-t.cc, through the set parser: a 33-character tag, a tag with '-' or '.'.
#[test]
fn gunit_bad_tags_in_sets() {
    let long = "a23456789012345678901234567890120";
    assert_eq!(
        err(&format!("{U}:{long}:1")).to_string(),
        format!("tag \"{long}\" at character 37 is longer than 32 characters")
    );
    assert!(err(&format!("{U}:aDmiN123.:1")).position() == Some(45));
    assert!(err(&format!("{U}:aDmiN1-23:1")).position().is_some());
}

// Output layout (sql/rpl_gtid_set.cc to_string; Percona's binlog server prints the same): the
// UUID once, untagged intervals first, tags in order.
#[test]
fn canonical_layout_with_tags() {
    let s = set(&format!(
        "{U}:beta:125:121-123, {U}:alpha:115,{U}:105:101-103,{U}:alpha:111-113"
    ));
    assert_eq!(
        s.to_string(),
        format!("{U}:101-103:105:alpha:111-113:115:beta:121-123:125")
    );
}

// sql/rpl_gtid_set.cc: whitespace is skipped around every token; empty input, whitespace only
// and commas only are the empty set.
#[test]
fn whitespace_commas_and_empty() {
    let s = set(&format!(" {UPPER} : 1 - 5 , {A}:3 \n"));
    assert_eq!(s.to_string(), format!("{U}:1-5,\n{A}:3"));
    assert_eq!(s.to_compact_string(), format!("{U}:1-5,{A}:3"));
    assert_eq!(format!("{s:#}"), format!("{U}:1-5,{A}:3"));
    for empty in ["", "   ", ",", ",,,", " , \t,\r\n ", "\u{b}\u{c}"] {
        assert!(set(empty).is_empty(), "{empty:?}");
        assert_eq!(set(empty).to_string(), "");
    }
    assert_eq!(set(&format!(",,{A}:1,,{B}:2,")).count(), 2);
}

// Repeated UUIDs merge (vitess#11890 kept only the last one); overlapping, adjacent and
// out-of-order intervals merge (Vitess and others kept `1-5:6-10`).
#[test]
fn repeated_uuids_and_merging() {
    let s = set(&format!("{U}:100-200,{A}:1,{U}:300-400"));
    assert_eq!(s.to_string(), format!("{U}:100-200:300-400,\n{A}:1"));
    assert_eq!(
        set(&format!("{U}:1-5:6-10")).to_string(),
        format!("{U}:1-10")
    );
    assert_eq!(
        set(&format!("{U}:7:1-3:2-5:9")).to_string(),
        format!("{U}:1-5:7:9")
    );
    assert_eq!(set(&format!("{U}:5-5")).to_string(), format!("{U}:5"));
    assert_eq!(set(&format!("{U}:1-5:6-10")), set(&format!("{U}:1-10")));
}

// alibaba/canal#5619: a union truncated a contained interval.
#[test]
fn union_keeps_the_larger_end() {
    assert_eq!(
        (&set(&format!("{U}:1-100")) | &set(&format!("{U}:3"))).to_string(),
        format!("{U}:1-100")
    );
    assert_eq!(
        (&set(&format!("{U}:1-25536412")) | &set(&format!("{U}:1-20304074"))).to_string(),
        format!("{U}:1-25536412")
    );
}

// transferwise/pipelinewise#1362: an intersection dropped the singleton case.
#[test]
fn intersection_keeps_singletons() {
    assert_eq!(
        (&set(&format!("{U}:10")) & &set(&format!("{U}:1-10"))).to_string(),
        format!("{U}:10")
    );
}

// Item_func_gtid_subtract::resolve_type: the worst growth is "UUID:1-100 minus UUID:9".
#[test]
fn subtract_splits() {
    assert_eq!(
        gtid_subtract(&format!("{U}:1-100"), &format!("{U}:9")),
        format!("{U}:1-8:10-100")
    );
}

// The legacy parser's odd cases, and this crate's choices (see the crate docs' table).
#[test]
fn legacy_quirks_and_choices() {
    let cases: &[(&str, &str)] = &[
        (":", "expected a tag or a gno after ':' at character 37, found end of input"),
        ("::1", "expected a tag or a gno after ':' at character 37, found ':'"),
        (":1-", "expected a gno after '-' at character 39, found end of input"),
        (":1-2-3", "expected ':' or ',' after interval at character 40, found '-'"),
        (":-5", "expected a tag or a gno after ':' at character 37, found '-'"),
        (":+5", "expected a tag or a gno after ':' at character 37, found '+'"),
        (
            ":010",
            "number \"010\" at character 37 is not plain decimal (leading zeros and hex are rejected; MySQL would read them as octal or hex)",
        ),
        (
            ":0x10",
            "number \"0x10\" at character 37 is not plain decimal (leading zeros and hex are rejected; MySQL would read them as octal or hex)",
        ),
        (":1-05", "number \"05\" at character 39 is not plain decimal (leading zeros and hex are rejected; MySQL would read them as octal or hex)"),
        (":5:x-1", "expected ':' or ',' after tag at character 40, found '-'"),
        (":1abc", "expected ':' or ',' after interval at character 38, found 'a'"),
        ("x", "expected ':' or ',' after uuid at character 36, found 'x'"),
        (":1;", "expected ':' or ',' after interval at character 38, found ';'"),
    ];
    for (suffix, msg) in cases {
        assert_eq!(err(&format!("{U}{suffix}")).to_string(), *msg, "{suffix}");
    }
    // `1-` is empty in MySQL; lenient mode agrees.
    assert!(GtidSet::parse_lenient(&format!("{U}:1-"))
        .unwrap()
        .is_empty());
    assert_eq!(
        GtidSet::parse_lenient(&format!("{U}:1-:7"))
            .unwrap()
            .count(),
        1
    );
    // A plain zero-led number that is not a GNO is still out of range, not "not decimal".
    assert!(matches!(
        err(&format!("{U}:0")),
        Error::GnoOutOfRange { .. }
    ));
}

#[test]
fn uuid_errors_in_sets() {
    assert_eq!(
        err("3e11fa47-71ca-11e1-9e33-c80aa942956").to_string(),
        "expected a hex digit in uuid at character 35, found end of input"
    );
    assert_eq!(
        err("3e11fa4771ca11e19e33c80aa9429562:1").to_string(),
        "expected '-' in uuid (8-4-4-4-12 hex digits) at character 8, found '7'"
    );
    assert_eq!(
        err("{3e11fa47-71ca-11e1-9e33-c80aa9429562}:1").to_string(),
        "expected a uuid (8-4-4-4-12 hex digits) at character 0, found '{'"
    );
    assert_eq!(err(&format!("{A}:1,g")).position(), Some(39));
}

// Positions count characters, not bytes, so they line up under non-ASCII input.
#[test]
fn positions_are_characters() {
    let e = err(&format!("{A}:1,ééé"));
    assert_eq!(e.position(), Some(39));
    let e = err(&format!("{A}:tag_é:1"));
    assert_eq!(
        e.to_string(),
        format!("expected ':' or ',' after tag at character 41, found 'é'")
    );
}

#[test]
fn count_beyond_u64() {
    let s = set(&format!(
        "{U}:1-9223372036854775806,{A}:1-9223372036854775806,{B}:1-9223372036854775806"
    ));
    assert_eq!(s.count(), 3 * 9223372036854775806u128);
    assert!(s.count() > u128::from(u64::MAX));
}

#[test]
fn first_last_iteration_and_edits() {
    let u: Uuid = U.parse().unwrap();
    let t = Tsid::new(u);
    let mut s = set(&format!("{U}:3-5:9"));
    assert_eq!(s.first(&t).map(Gno::get), Some(3));
    assert_eq!(s.last(&t).map(Gno::get), Some(9));
    assert_eq!(s.first(&Tsid::new(A.parse().unwrap())), None);
    let text: Vec<String> = s
        .iter_intervals()
        .map(|(k, iv)| format!("{k}:{iv}"))
        .collect();
    assert_eq!(text, [format!("{U}:3-5"), format!("{U}:9")]);
    assert_eq!(s.gtids().count(), 4);
    assert_eq!(s.interval_count(), 2);

    let g = |n| Gtid::new(t, Gno::new(n).unwrap());
    assert!(s.insert(&g(10))); // appends to 9: merged
    assert!(!s.insert(&g(4)));
    assert!(s.insert(&g(1)));
    assert_eq!(s.to_string(), format!("{U}:1:3-5:9-10"));
    s.insert_interval(&t, Gno::new(2).unwrap(), Gno::new(8).unwrap());
    assert_eq!(s.to_string(), format!("{U}:1-10"));
    s.insert_interval(&t, Gno::new(20).unwrap(), Gno::new(19).unwrap()); // empty: no-op
    assert_eq!(s.count(), 10);
    assert!(s.remove(&g(5)));
    assert!(!s.remove(&g(5)));
    assert_eq!(s.to_string(), format!("{U}:1-4:6-10"));
    s.remove_uuid(&u);
    assert!(s.is_empty());
    assert_eq!(s, GtidSet::new());

    let collected: GtidSet = (1..=5).map(g).collect();
    assert_eq!(collected.to_string(), format!("{U}:1-5"));
    assert_eq!(GtidSet::from(g(7)).to_string(), format!("{U}:7"));
}

#[test]
fn in_place_operations_match() {
    let a = set(&format!("{U}:1-10:20-30,{A}:1-5"));
    let b = set(&format!("{U}:5-25,{B}:1"));
    let mut u = a.clone();
    u.union_with(&b);
    assert_eq!(u, &a | &b);
    let mut d = a.clone();
    d.subtract(&b);
    assert_eq!(d, &a - &b);
    let mut gone = a.clone();
    gone.subtract(&a);
    assert!(gone.is_empty());
}

#[test]
fn single_gtid_text() {
    let g: Gtid = format!(" {UPPER} : 23 ").parse().unwrap();
    assert_eq!(g.to_string(), format!("{U}:23"));
    let g: Gtid = format!("{U}:Tag:23").parse().unwrap();
    assert_eq!(g.to_string(), format!("{U}:tag:23"));
    assert!(U.parse::<Gtid>().is_err());
    assert!(format!("{U}:1-2").parse::<Gtid>().is_err());
    assert!(format!("{U}:0").parse::<Gtid>().is_err());
    assert_eq!(
        format!("{U}:t").parse::<Tsid>().unwrap().to_string(),
        format!("{U}:t")
    );
    assert!(format!("{U}:1").parse::<Tsid>().is_err());
}
