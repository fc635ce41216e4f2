//! Random tables and drift for the live sync tests, written as plain SQL (independent of the
//! crate under test), and an exact dump to compare two servers' rows.

use std::error::Error;

use mysql::prelude::Queryable;
use mysql::Conn;

pub use crate::common::Rng;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Bytes as a literal of `charset` (or a binary string when `charset` is empty).
fn bytes_lit(charset: &str, bytes: &[u8]) -> String {
    match (charset, bytes.is_empty()) {
        (_, true) => "''".to_string(),
        ("", false) => format!("X'{}'", hex(bytes)),
        (cs, false) => format!("_{cs} X'{}'", hex(bytes)),
    }
}

/// Text made of pieces that collations fold: case, accents, trailing spaces, quotes, emoji.
fn utf8_text(rng: &mut Rng, max: u64) -> Vec<u8> {
    const PIECES: &[&str] = &["a", "A", "é", "É", " ", "ß", "\\", "'", "😀", "z", "%"];
    let n = rng.below(max + 1);
    (0..n)
        .flat_map(|_| PIECES[rng.below(PIECES.len() as u64) as usize].bytes())
        .collect()
}

fn latin1_text(rng: &mut Rng, max: u64) -> Vec<u8> {
    const PIECES: &[u8] = b"aAzZ \\'\xe9\xc9\xdf";
    let n = rng.below(max + 1);
    let mut v: Vec<u8> = (0..n)
        .map(|_| PIECES[rng.below(PIECES.len() as u64) as usize])
        .collect();
    // CHAR drops trailing spaces on read; store what reads back.
    while v.last() == Some(&b' ') {
        v.pop();
    }
    v
}

/// The payload columns every test table has: every column type, all nullable.
pub const PAYLOAD_DDL: &str = "ti TINYINT, si SMALLINT UNSIGNED, mi MEDIUMINT, \
    bi BIGINT UNSIGNED, bs BIGINT, dc DECIMAL(20,6), f FLOAT, d DOUBLE, bt BIT(13), \
    c CHAR(6) CHARACTER SET latin1 COLLATE latin1_swedish_ci, \
    vc VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci, \
    vb VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin, \
    tx TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci, \
    bn BINARY(4), vbn VARBINARY(10), bl BLOB, dt DATE, dtm DATETIME(6), \
    ts TIMESTAMP(6) NULL DEFAULT NULL, tm TIME(6), yr YEAR, \
    en ENUM('a','b','c d'), st SET('x','y','z'), js JSON";

/// The payload column names, in order.
pub const PAYLOAD: &[&str] = &[
    "ti", "si", "mi", "bi", "bs", "dc", "f", "d", "bt", "c", "vc", "vb", "tx", "bn", "vbn", "bl",
    "dt", "dtm", "ts", "tm", "yr", "en", "st", "js",
];

/// A random literal for payload column `name`; `small` draws from a tiny domain (duplicates).
pub fn payload_value(rng: &mut Rng, name: &str, small: bool) -> String {
    if !small && rng.chance(8) {
        return "NULL".to_string();
    }
    let r = if small { rng.below(2) } else { rng.next() };
    match name {
        "ti" => format!("{}", (r % 256) as i64 - 128),
        "si" => format!("{}", r % 65536),
        "mi" => format!("{}", (r % 16_777_216) as i64 - 8_388_608),
        "bi" => format!("{r}"),
        "bs" => format!("{}", r as i64),
        "dc" => format!(
            "{}{}.{:06}",
            if r % 2 == 0 { "-" } else { "" },
            (r >> 8) % 10_000_000_000_000,
            r % 1_000_000
        ),
        "f" => {
            // Random finite floats, many with more than 6 significant digits (pt-table-sync's
            // weak spot), also in the keyless table's rows (duplicates are whole-row copies), so
            // that its exact-match DELETEs compare FLOATs.
            let bits = rng.next();
            let f = f32::from_bits((bits as u32) & 0x7f7f_ffff);
            let f = if bits % 3 == 0 { -f } else { f };
            format!("{:e}", f64::from(f))
        }
        "d" => {
            let bits = rng.next();
            let d = f64::from_bits(bits & 0x7fef_ffff_ffff_ffff);
            format!("{:e}", if bits % 3 == 0 { -d } else { d })
        }
        "bt" => format!("b'{:b}'", r % 8192),
        "c" => bytes_lit("latin1", &latin1_text(rng, if small { 1 } else { 6 })),
        "vc" | "vb" => bytes_lit("utf8mb4", &utf8_text(rng, if small { 1 } else { 6 })),
        "tx" => bytes_lit("utf8mb4", &utf8_text(rng, if small { 1 } else { 40 })),
        "bn" | "vbn" | "bl" => {
            let max = match name {
                "bn" => 4,
                "vbn" => 10,
                _ => 60,
            };
            let n = if small { r } else { rng.below(max + 1) };
            let bytes: Vec<u8> = (0..n)
                .map(|_| [0u8, 0x20, 0x41, 0x61, 0xff][rng.below(5) as usize])
                .collect();
            if name == "bn" {
                // BINARY pads with zero bytes: store what reads back.
                let mut b = bytes;
                b.resize(4, 0);
                bytes_lit("", &b)
            } else {
                bytes_lit("", &bytes)
            }
        }
        "dt" => format!(
            "'{:04}-{:02}-{:02}'",
            1000 + r % 9000,
            1 + r % 12,
            1 + r % 28
        ),
        "dtm" => format!(
            "'{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:06}'",
            1000 + r % 9000,
            1 + r % 12,
            1 + r % 28,
            r % 24,
            r % 60,
            (r >> 6) % 60,
            r % 1_000_000
        ),
        "ts" => format!(
            "'{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:06}'",
            1971 + r % 60,
            1 + r % 12,
            1 + r % 28,
            r % 24,
            r % 60,
            (r >> 6) % 60,
            r % 1_000_000
        ),
        "tm" => format!(
            "'{}{}:{:02}:{:02}.{:06}'",
            if r % 2 == 0 { "-" } else { "" },
            r % 838,
            (r >> 4) % 60,
            (r >> 10) % 60,
            r % 1_000_000
        ),
        "yr" => format!("{}", if r % 7 == 0 { 0 } else { 1901 + r % 255 }),
        "en" => ["'a'", "'b'", "'c d'"][(r % 3) as usize].to_string(),
        "st" => ["''", "'x'", "'y,z'", "'x,y,z'"][(r % 4) as usize].to_string(),
        "js" => {
            let s = utf8_text(rng, 5);
            let escaped: Vec<u8> = s
                .iter()
                .flat_map(|&b| {
                    if b == b'\\' {
                        vec![b'\\', b'\\']
                    } else {
                        vec![b]
                    }
                })
                .collect();
            let mut doc = format!("{{\"n\": {}, \"s\": \"", r % 1000).into_bytes();
            doc.extend_from_slice(&escaped);
            doc.extend_from_slice(b"\"}");
            bytes_lit("utf8mb4", &doc)
        }
        other => panic!("no generator for {other}"),
    }
}

/// One dumped row: each value's exact binary-protocol form, as text.
pub type DumpRow = Vec<String>;

/// Every row of `db.t`, each as its exact binary-protocol values, sorted: equal dumps mean equal
/// tables (byte for byte, bit for bit), whatever the collations. Also the column names.
pub fn dump(
    conn: &mut Conn,
    db: &str,
    table: &str,
) -> Result<(Vec<String>, Vec<DumpRow>), Box<dyn Error>> {
    let rows: Vec<mysql::Row> = conn.exec(format!("SELECT * FROM `{db}`.`{table}`"), ())?;
    let names: Vec<String> = match rows.first() {
        Some(r) => r
            .columns_ref()
            .iter()
            .map(|c| c.name_str().to_string())
            .collect(),
        None => Vec::new(),
    };
    let mut out: Vec<DumpRow> = rows
        .into_iter()
        .map(|r| r.unwrap().iter().map(|v| format!("{v:?}")).collect())
        .collect();
    out.sort();
    Ok((names, out))
}

/// The rows in one dump and not the other (multiset difference both ways).
pub fn dump_difference(a: &[DumpRow], b: &[DumpRow]) -> (Vec<DumpRow>, Vec<DumpRow>) {
    let mut only_b = b.to_vec();
    let mut only_a = Vec::new();
    for r in a {
        match only_b.iter().position(|x| x == r) {
            Some(p) => {
                only_b.swap_remove(p);
            }
            None => only_a.push(r.clone()),
        }
    }
    (only_a, only_b)
}

/// For rows left different, which columns differ: rows are paired by their first `key_len`
/// values compared case- and trailing-space-insensitively (as the test's collations do);
/// unpaired rows count as `(missing)` / `(extra)`.
pub fn columns_left_different(
    names: &[String],
    key_len: usize,
    only_source: &[DumpRow],
    only_target: &[DumpRow],
) -> std::collections::BTreeMap<String, usize> {
    let fold = |r: &DumpRow| -> Vec<String> {
        r.iter()
            .take(key_len)
            .map(|v| v.to_lowercase().replace("20)", ")"))
            .collect()
    };
    let mut out = std::collections::BTreeMap::new();
    let mut targets: Vec<&DumpRow> = only_target.iter().collect();
    for s in only_source {
        let pos = if key_len == 0 {
            None
        } else {
            targets.iter().position(|t| fold(t) == fold(s))
        };
        match pos {
            Some(p) => {
                let t = targets.swap_remove(p);
                for (i, (a, b)) in s.iter().zip(t.iter()).enumerate() {
                    if a != b {
                        let name = names.get(i).cloned().unwrap_or_else(|| format!("#{i}"));
                        *out.entry(name).or_insert(0) += 1;
                    }
                }
            }
            None => *out.entry("(missing row)".to_string()).or_insert(0) += 1,
        }
    }
    if !targets.is_empty() {
        out.insert("(extra row)".to_string(), targets.len());
    }
    out
}
