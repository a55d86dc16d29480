//! Offsets of text and binary columns as the boundary carries them:
//! little-endian `i32` (utf8, binary) or `i64` (large_utf8, large_binary).
//! A column sliced out of a larger one has offsets that do not start at 0;
//! they are rebased before they cross.

/// Offset `i` of `raw`, offsets `width` (4 or 8) bytes wide. The offsets
/// come from a valid Arrow array, so they are not negative.
#[inline]
pub fn read_offset(raw: &[u8], width: usize, i: usize) -> usize {
    let b = &raw[i * width..(i + 1) * width];
    if width == 4 {
        i32::from_le_bytes(b.try_into().expect("4 bytes")) as usize
    } else {
        i64::from_le_bytes(b.try_into().expect("8 bytes")) as usize
    }
}

/// The first `len + 1` offsets of `raw`, less the first one: the offsets
/// of the same values copied out from the first one on.
pub fn rebased(raw: &[u8], width: usize, len: usize) -> Vec<u8> {
    let start = read_offset(raw, width, 0);
    let mut out = Vec::with_capacity((len + 1) * width);
    for i in 0..=len {
        let o = read_offset(raw, width, i) - start;
        if width == 4 {
            out.extend_from_slice(&(o as i32).to_le_bytes());
        } else {
            out.extend_from_slice(&(o as i64).to_le_bytes());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn le32(v: &[i32]) -> Vec<u8> {
        v.iter().flat_map(|o| o.to_le_bytes()).collect()
    }

    #[test]
    fn offsets_of_a_slice_start_at_zero() {
        let raw = le32(&[5, 7, 7, 12]);
        assert_eq!(read_offset(&raw, 4, 3), 12);
        assert_eq!(rebased(&raw, 4, 3), le32(&[0, 2, 2, 7]));
        let wide: Vec<u8> = [3i64, 4, 10].iter().flat_map(|o| o.to_le_bytes()).collect();
        let expected: Vec<u8> = [0i64, 1].iter().flat_map(|o| o.to_le_bytes()).collect();
        assert_eq!(rebased(&wide, 8, 1), expected);
    }
}
