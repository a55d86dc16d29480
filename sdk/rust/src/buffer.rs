//! Byte buffers that can be read as typed slices without copying.

/// Bytes received from the host or built by a builder.
///
/// Buffers arrive as `Vec<u8>` allocated by the canonical ABI. Arrow readers
/// need them aligned to their element type; allocators align every block we
/// see to 8 bytes or more, but nothing guarantees it, so a misaligned buffer
/// is copied once into 8-byte words when it arrives.
#[derive(Clone, Debug)]
pub struct Bytes(Repr);

#[derive(Clone, Debug)]
enum Repr {
    Plain(Vec<u8>),
    /// A copy into words for alignment; `usize` is the length in bytes.
    Words(Vec<u64>, usize),
}

/// Fixed-width values readable in place: the primitive numbers, and only
/// they (the trait is sealed).
///
/// # Safety
/// Every bit pattern of `size_of::<Self>()` bytes must be a valid value, and
/// the type has no padding (the builders write its bytes as they are). The
/// unsafe code of this crate relies on both, so no other crate may
/// implement it: its supertrait is private.
///
/// ```compile_fail
/// // A type with padding: another crate cannot make it `Pod`.
/// #[derive(Clone, Copy, Default)]
/// struct Padded(u8, u32);
/// unsafe impl wasmprep_sdk::Pod for Padded {}
/// ```
pub unsafe trait Pod: sealed::Sealed + Copy + Default + Send + Sync + 'static {}

pub(crate) mod sealed {
    /// Implemented only here: keeps [`super::Pod`] (and so
    /// [`crate::Native`]) to the primitive numbers.
    pub trait Sealed {}
}

macro_rules! pod {
    ($($t:ty),*) => { $(impl sealed::Sealed for $t {} unsafe impl Pod for $t {})* };
}
pod!(i8, i16, i32, i64, u8, u16, u32, u64, f32, f64);

impl Bytes {
    /// Wraps bytes, copying them only if they are not 8-byte aligned.
    pub fn new(bytes: Vec<u8>) -> Self {
        if bytes.as_ptr().align_offset(8) == 0 || bytes.is_empty() {
            return Bytes(Repr::Plain(bytes));
        }
        let len = bytes.len();
        let mut words = vec![0u64; len.div_ceil(8)];
        // SAFETY: `words` holds at least `len` bytes and u8 has no alignment.
        unsafe {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), words.as_mut_ptr().cast::<u8>(), len);
        }
        Bytes(Repr::Words(words, len))
    }

    pub fn len(&self) -> usize {
        match &self.0 {
            Repr::Plain(v) => v.len(),
            Repr::Words(_, len) => *len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Plain(v) => v,
            // SAFETY: the words hold `len` initialised bytes.
            Repr::Words(w, len) => unsafe { std::slice::from_raw_parts(w.as_ptr().cast(), *len) },
        }
    }

    /// The bytes as values of `T`; trailing bytes that do not fill a value
    /// are ignored.
    pub fn typed<T: Pod>(&self) -> &[T] {
        let bytes = self.as_bytes();
        let n = bytes.len() / std::mem::size_of::<T>();
        if n == 0 {
            return &[];
        }
        debug_assert_eq!(bytes.as_ptr().align_offset(std::mem::align_of::<T>()), 0);
        // SAFETY: `new` guarantees 8-byte alignment (enough for every Pod
        // type), the length is in bounds and `T: Pod` accepts any bits.
        unsafe { std::slice::from_raw_parts(bytes.as_ptr().cast::<T>(), n) }
    }

    /// The bytes, as a `Vec<u8>` for the host; free unless the buffer had to
    /// be realigned when it arrived.
    pub fn into_vec(self) -> Vec<u8> {
        match self.0 {
            Repr::Plain(v) => v,
            Repr::Words(..) => self.as_bytes().to_vec(),
        }
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(v: Vec<u8>) -> Self {
        Bytes::new(v)
    }
}

/// Reads bit `i` of an LSB-first bitmap.
#[inline(always)]
pub(crate) fn get_bit(bits: &[u8], i: usize) -> bool {
    bits[i >> 3] & (1 << (i & 7)) != 0
}

/// Number of set bits among the first `len` bits.
pub(crate) fn count_set_bits(bits: &[u8], len: usize) -> usize {
    let full = len / 8;
    let mut n: usize = bits[..full].iter().map(|b| b.count_ones() as usize).sum();
    if !len.is_multiple_of(8) {
        n += (bits[full] & ((1u8 << (len % 8)) - 1)).count_ones() as usize;
    }
    n
}

/// Packs `len` booleans from `f` into an LSB-first bitmap, 8 at a time.
pub(crate) fn pack_bits(len: usize, mut f: impl FnMut(usize) -> bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(len.div_ceil(8));
    let full = len / 8;
    for chunk in 0..full {
        let base = chunk * 8;
        let mut byte = 0u8;
        for bit in 0..8 {
            byte |= (f(base + bit) as u8) << bit;
        }
        out.push(byte);
    }
    if !len.is_multiple_of(8) {
        let base = full * 8;
        let mut byte = 0u8;
        for bit in 0..len % 8 {
            byte |= (f(base + bit) as u8) << bit;
        }
        out.push(byte);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misaligned_bytes_are_realigned_and_read_back() {
        let mut v = [0u8; 17];
        for (i, b) in v.iter_mut().enumerate() {
            *b = i as u8;
        }
        // A slice starting at byte 1 of an allocation is misaligned.
        let shifted: Vec<u8> = v[1..].to_vec();
        let b = Bytes::new(shifted.clone());
        assert_eq!(b.as_bytes(), &shifted[..]);
        assert_eq!(b.typed::<u32>()[0], u32::from_le_bytes([1, 2, 3, 4]));
        assert_eq!(b.into_vec(), shifted);
    }

    #[test]
    fn bits_pack_and_count() {
        let bits = pack_bits(11, |i| i % 3 == 0);
        assert_eq!(bits, vec![0b0100_1001, 0b0000_0010]);
        assert_eq!(count_set_bits(&bits, 11), 4);
        assert!(get_bit(&bits, 9));
        assert!(!get_bit(&bits, 10));
    }
}
