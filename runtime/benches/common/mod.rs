//! What the benchmarks share.

/// A deterministic pseudo-random stream (xorshift), so every run measures
/// the same data.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A value in [0, 1) with 6 decimal digits.
    #[allow(dead_code)] // used by one benchmark of two
    pub fn unit(&mut self) -> f32 {
        (self.next() % 1_000_000) as f32 / 1_000_000.0
    }
}
