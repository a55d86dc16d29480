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

#[cfg(test)]
mod tests {
    use super::hex;

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
