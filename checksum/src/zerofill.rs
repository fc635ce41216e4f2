//! `ZEROFILL`: the server pads a number column's text with leading zeros to the column's
//! display width (MariaDB's `Field_num::prepend_zeros`); the client pads the text it rebuilds
//! from the wire value the same way.

/// Pads the text written to `out` since `start` with leading zeros to `width` bytes; text
/// already as wide, or wider, is left as it is (the server never cuts a value). Padding is
/// idempotent, so text the protocol already sent padded (MariaDB sends `DECIMAL ZEROFILL`
/// values padded even in the binary protocol) is unchanged.
pub(crate) fn pad(out: &mut Vec<u8>, start: usize, width: u8) {
    let len = out.len().saturating_sub(start);
    let width = usize::from(width);
    if len < width {
        out.splice(start..start, std::iter::repeat_n(b'0', width - len));
    }
}

#[cfg(test)]
mod tests {
    use super::pad;

    fn padded(text: &str, width: u8) -> String {
        let mut out = b"x#".to_vec();
        out.extend_from_slice(text.as_bytes());
        pad(&mut out, 2, width);
        String::from_utf8(out).expect("ascii")
    }

    #[test]
    fn pads_as_mariadb_10_11_prints() {
        // (bare text, width, the column's text as MariaDB 10.11 printed it), observed with
        // `SELECT CONCAT_WS('|', ...)` on the types named.
        let observed = [
            ("7", 3, "007"),                    // TINYINT(3) ZEROFILL
            ("255", 3, "255"),                  // TINYINT(3) ZEROFILL
            ("42", 10, "0000000042"),           // INT ZEROFILL = INT(10)
            ("0", 10, "0000000000"),            // INT ZEROFILL
            ("7", 4, "0007"),                   // INT(4) ZEROFILL
            ("12345", 4, "12345"),              // INT(4) ZEROFILL: wider, not cut
            ("4294967295", 4, "4294967295"),    // INT(4) ZEROFILL
            ("3", 1, "3"),                      // INT(1) ZEROFILL
            ("42", 20, "00000000000000000042"), // BIGINT(20) ZEROFILL
            ("18446744073709551615", 20, "18446744073709551615"),
            ("1.50", 9, "000001.50"), // DECIMAL(8,2) ZEROFILL: point counts
            ("123456.78", 9, "123456.78"), // DECIMAL(8,2) ZEROFILL
            ("000001.50", 9, "000001.50"), // already padded by the protocol
            ("7", 5, "00007"),        // DECIMAL(5,0) ZEROFILL
            ("1.50", 7, "0001.50"),   // FLOAT(7,2) ZEROFILL
            ("12345.67", 7, "12345.67"), // FLOAT(7,2) ZEROFILL, wider
            ("0.1", 12, "0000000000.1"), // FLOAT ZEROFILL
            ("123457000", 12, "000123457000"), // FLOAT ZEROFILL 123456789
            ("9.99995e-41", 12, "09.99995e-41"), // FLOAT ZEROFILL 1e-40
            ("3.4e38", 12, "0000003.4e38"), // FLOAT ZEROFILL
            ("5e-324", 22, "00000000000000005e-324"), // DOUBLE ZEROFILL
            ("1e300", 22, "000000000000000001e300"), // DOUBLE ZEROFILL
            ("1234567890123456.8", 22, "00001234567890123456.8"),
            ("2.500", 10, "000002.500"), // DOUBLE(10,3) ZEROFILL
        ];
        for (bare, width, want) in observed {
            assert_eq!(
                padded(bare, width),
                format!("x#{want}"),
                "{bare} to {width}"
            );
        }
    }
}
