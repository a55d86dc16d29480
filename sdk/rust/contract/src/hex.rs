//! Lowercase hexadecimal text of bytes: how digests (sha256 of a plugin or
//! a part file) and binary values are written wherever text is wanted.

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Two lowercase hex digits per byte, most significant first.
///
/// ```
/// assert_eq!(wasmprep_contract::hex(&[0x00, 0x7f, 0xab, 0xff]), "007fabff");
/// ```
#[inline]
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// The bytes of hex text (either case, two digits per byte); None when
/// the text has an odd length or a character that is not a hex digit.
///
/// ```
/// assert_eq!(wasmprep_contract::unhex("007fABff"), Some(vec![0x00, 0x7f, 0xab, 0xff]));
/// assert_eq!(wasmprep_contract::unhex("abc"), None);
/// ```
pub fn unhex(text: &str) -> Option<Vec<u8>> {
    let digit = |c: u8| char::from(c).to_digit(16).map(|d| d as u8);
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    bytes
        .chunks_exact(2)
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{hex, unhex};

    #[test]
    fn unhex_inverts_hex_and_refuses_what_is_not_hex() {
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(unhex(&hex(&all)), Some(all));
        assert_eq!(unhex(""), Some(vec![]));
        for bad in ["0", "0g", "zz", "+1", "é0"] {
            assert_eq!(unhex(bad), None, "{bad}");
        }
    }

    #[test]
    fn empty_is_empty() {
        assert_eq!(hex(&[]), "");
    }

    #[test]
    fn every_byte_matches_the_formatter() {
        let all: Vec<u8> = (0..=255).collect();
        let expected: String = all.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex(&all), expected);
    }
}
