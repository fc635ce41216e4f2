//! The set algebra's laws, checked against a naive model: a `BTreeSet` of individual
//! `(source, gno)` pairs. Small universes (3 UUIDs x 3 tags x GNOs up to 80) make overlaps,
//! adjacency and empty results common; a second group checks counting identities near the top
//! of the GNO range, where the model cannot enumerate.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use gtid::{Gno, Gtid, GtidSet, Tag, Tsid, Uuid};
use proptest::prelude::*;

type Model = BTreeSet<(Tsid, u64)>;

fn tsids() -> Vec<Tsid> {
    let uuids = [
        Uuid::from_bytes([0x11; 16]),
        Uuid::from_bytes([0xab; 16]),
        Uuid::from_bytes([0xf0; 16]),
    ];
    let mut v = Vec::new();
    for u in uuids {
        v.push(Tsid::new(u));
        v.push(Tsid::tagged(u, Tag::new("alpha").unwrap()));
        v.push(Tsid::tagged(u, Tag::new("b").unwrap()));
    }
    v
}

/// (source index, first, length) triples.
fn pieces() -> impl Strategy<Value = Vec<(usize, u64, u64)>> {
    prop::collection::vec((0usize..9, 1u64..80, 1u64..12), 0..12)
}

fn build(p: &[(usize, u64, u64)]) -> (GtidSet, Model) {
    let t = tsids();
    let mut s = GtidSet::new();
    let mut m = Model::new();
    for &(i, first, len) in p {
        let last = first + len - 1;
        s.insert_interval(&t[i], Gno::new(first).unwrap(), Gno::new(last).unwrap());
        for g in first..=last {
            m.insert((t[i], g));
        }
    }
    (s, m)
}

fn model_of(s: &GtidSet) -> Model {
    s.gtids().map(|g| (g.tsid, g.gno.get())).collect()
}

fn arb_set() -> impl Strategy<Value = (GtidSet, Model)> {
    pieces().prop_map(|p| build(&p))
}

/// A messy but valid text for the pieces: random order is given by the pieces themselves;
/// uppercase UUIDs, spaces, repeated sources, stray commas, `N-N` for singles.
fn messy_text(p: &[(usize, u64, u64)], style: u8) -> String {
    let t = tsids();
    let mut out = String::from(if style & 1 == 1 { " ,," } else { "" });
    for &(i, first, len) in p {
        let tsid = t[i];
        let uuid = if style & 2 == 2 {
            tsid.uuid.to_string().to_uppercase()
        } else {
            tsid.uuid.to_string()
        };
        let tag = match tsid.tag {
            Some(tag) if style & 4 == 4 => format!(" : {} ", tag.as_str().to_uppercase()),
            Some(tag) => format!(":{tag}"),
            None => String::new(),
        };
        let last = first + len - 1;
        let iv = if len == 1 && style & 8 == 0 {
            format!("{first}")
        } else {
            format!("{first} - {last}")
        };
        out.push_str(&format!("{uuid}{tag}:{iv}"));
        out.push_str(if style & 16 == 16 { " ,\n" } else { "," });
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn operations_match_the_model((a, ma) in arb_set(), (b, mb) in arb_set()) {
        prop_assert_eq!(model_of(&a), ma.clone());
        prop_assert_eq!(model_of(&(&a | &b)), &ma | &mb);
        prop_assert_eq!(model_of(&(&a & &b)), &ma & &mb);
        prop_assert_eq!(model_of(&(&a - &b)), &ma - &mb);
        prop_assert_eq!(model_of(&(&a ^ &b)), &ma ^ &mb);
        prop_assert_eq!(a.is_subset(&b), ma.is_subset(&mb));
        prop_assert_eq!(a.is_disjoint(&b), ma.is_disjoint(&mb));
        prop_assert_eq!(a == b, ma == mb);
        prop_assert_eq!(a.count(), ma.len() as u128);
        for &(t, g) in ma.iter().chain(mb.iter()) {
            let gtid = Gtid::new(t, Gno::new(g).unwrap());
            prop_assert_eq!(a.contains(&gtid), ma.contains(&(t, g)));
        }
        for t in tsids() {
            let of_t: Vec<u64> = ma.iter().filter(|(k, _)| *k == t).map(|(_, g)| *g).collect();
            prop_assert_eq!(a.first(&t).map(Gno::get), of_t.first().copied());
            prop_assert_eq!(a.last(&t).map(Gno::get), of_t.last().copied());
        }
    }

    #[test]
    fn commutativity((a, _) in arb_set(), (b, _) in arb_set()) {
        prop_assert_eq!(&a | &b, &b | &a);
        prop_assert_eq!(&a & &b, &b & &a);
        prop_assert_eq!(&a ^ &b, &b ^ &a);
        prop_assert_eq!(a.is_disjoint(&b), b.is_disjoint(&a));
    }

    #[test]
    fn associativity((a, _) in arb_set(), (b, _) in arb_set(), (c, _) in arb_set()) {
        prop_assert_eq!(&(&a | &b) | &c, &a | &(&b | &c));
        prop_assert_eq!(&(&a & &b) & &c, &a & &(&b & &c));
        prop_assert_eq!(&(&a ^ &b) ^ &c, &a ^ &(&b ^ &c));
        // Distributivity, while at it.
        prop_assert_eq!(&a & &(&b | &c), &(&a & &b) | &(&a & &c));
        prop_assert_eq!(&a - &(&b | &c), &(&a - &b) - &c);
    }

    #[test]
    fn idempotence_and_absorption((a, _) in arb_set(), (b, _) in arb_set()) {
        prop_assert_eq!(&a | &a, a.clone());
        prop_assert_eq!(&a & &a, a.clone());
        prop_assert!((&a - &a).is_empty());
        prop_assert!((&a ^ &a).is_empty());
        prop_assert_eq!(&a | &(&a & &b), a.clone());
        prop_assert_eq!(&a & &(&a | &b), a.clone());
        prop_assert_eq!(&a | &GtidSet::new(), a.clone());
        prop_assert!((&a & &GtidSet::new()).is_empty());
    }

    #[test]
    fn difference_and_subset_laws((a, _) in arb_set(), (b, _) in arb_set()) {
        let d = &a - &b;
        prop_assert!(d.is_disjoint(&b));
        prop_assert!(d.is_subset(&a));
        prop_assert!(a.is_subset(&(&a | &b)));
        prop_assert!((&a & &b).is_subset(&a));
        prop_assert_eq!(a.is_subset(&b), d.is_empty());
        prop_assert_eq!(&(&a - &b) | &(&a & &b), a.clone());
        prop_assert_eq!(a.count() + b.count(), (&a | &b).count() + (&a & &b).count());
        let mut u = a.clone();
        u.union_with(&b);
        prop_assert_eq!(u, &a | &b);
        let mut s = a.clone();
        s.subtract(&b);
        prop_assert_eq!(s, d);
    }

    #[test]
    fn parse_of_format_is_identity((a, _) in arb_set()) {
        prop_assert_eq!(a.to_string().parse::<GtidSet>().unwrap(), a.clone());
        prop_assert_eq!(a.to_compact_string().parse::<GtidSet>().unwrap(), a.clone());
        prop_assert_eq!(GtidSet::parse_lenient(&a.to_string()).unwrap(), a.clone());
        prop_assert_eq!(format!("{:?}", a), format!("GtidSet({:#})", a));
    }

    #[test]
    fn messy_text_parses_to_the_model(p in pieces(), style in 0u8..32) {
        let (s, m) = build(&p);
        let text = messy_text(&p, style);
        let parsed: GtidSet = text.parse().unwrap();
        prop_assert_eq!(model_of(&parsed), m);
        prop_assert_eq!(parsed, s);
    }

    #[test]
    fn insert_and_remove_match_the_model((mut a, mut ma) in arb_set(), ops in prop::collection::vec((any::<bool>(), 0usize..9, 1u64..90), 0..40)) {
        let t = tsids();
        for (add, i, g) in ops {
            let gtid = Gtid::new(t[i], Gno::new(g).unwrap());
            if add {
                prop_assert_eq!(a.insert(&gtid), ma.insert((t[i], g)));
            } else {
                prop_assert_eq!(a.remove(&gtid), ma.remove(&(t[i], g)));
            }
        }
        prop_assert_eq!(model_of(&a), ma);
        // Canonical: rebuilding from the text gives the same value.
        prop_assert_eq!(a.to_string().parse::<GtidSet>().unwrap(), a);
    }

    // Near the top of the GNO range: identities that need no enumeration.
    #[test]
    fn big_numbers(p in prop::collection::vec((0usize..9, 0u64..1_000_000, 0u64..1_000_000), 0..10),
                   q in prop::collection::vec((0usize..9, 0u64..1_000_000, 0u64..1_000_000), 0..10)) {
        let t = tsids();
        let mk = |v: &[(usize, u64, u64)]| {
            let mut s = GtidSet::new();
            for &(i, off, len) in v {
                let last = Gno::MAX.get() - off;
                let first = last.saturating_sub(len).max(1);
                s.insert_interval(&t[i], Gno::new(first).unwrap(), Gno::new(last).unwrap());
            }
            s
        };
        let (a, b) = (mk(&p), mk(&q));
        prop_assert_eq!(a.count() + b.count(), (&a | &b).count() + (&a & &b).count());
        prop_assert_eq!((&a - &b).count() + (&a & &b).count(), a.count());
        prop_assert_eq!(a.to_string().parse::<GtidSet>().unwrap(), a.clone());
        prop_assert!((&a - &b).is_disjoint(&b));
    }
}
