//! Allocator settings for batch processing.
//!
//! Every batch allocates and frees column buffers of hundreds of KiB. By
//! default glibc serves those with fresh `mmap`s and returns freed memory
//! at the top of the heap to the kernel, so each batch pays page faults to
//! zero its memory again (measured: a 64-bit column into the sandbox and back
//! cost 3.9 ns per value instead of 0.5). Serving them from the heap and
//! trimming only past 64 MiB of free memory keeps them warm, at no cost in
//! peak memory (the job's footprint is bounded by partitions anyway).

/// Applies the settings; call once, early, from the binary (or a bench).
pub fn tune() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes malloc's parameters; called before
    // threads are started.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 16 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 64 << 20);
    }
}
