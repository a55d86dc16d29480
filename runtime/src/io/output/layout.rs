//! The names of what a run writes in its output directory:
//!
//! ```text
//! OUTPUT/
//!   part-00000.parquet ...       one per partition, complete or absent
//!   _rejected/part-00000.csv     quarantined rows, when there are any
//!   _commits/part-00000.json     per-partition commit records
//!   _fitted/steps-3.bin, .json   parameters a fit step learned (and their JSON view)
//!   _manifest.json               job digest, plugin digests, per-partition counts
//!   _SUCCESS                     written last
//! ```

pub const MANIFEST: &str = "_manifest.json";
pub const SUCCESS: &str = "_SUCCESS";
pub const COMMITS: &str = "_commits";
pub const REJECTED: &str = "_rejected";
pub const FITTED: &str = "_fitted";

/// The parameters fitted for step `index`, relative to the output
/// directory, and their JSON view.
pub fn fitted_files(index: usize) -> (String, String) {
    let stem = format!("{FITTED}/steps-{index}");
    (format!("{stem}.bin"), format!("{stem}.json"))
}

/// The stem every file of partition `id` shares: `part-00042`.
pub fn part_stem(id: usize) -> String {
    format!("part-{id:05}")
}

/// The part file of partition `id`, in the output directory.
pub fn part_file(id: usize) -> String {
    format!("{}.parquet", part_stem(id))
}

/// The commit record of partition `id`, under [`COMMITS`].
pub fn commit_file(id: usize) -> String {
    format!("{}.json", part_stem(id))
}

/// The quarantine file of partition `id` (extension `ext`), relative to the
/// output directory.
pub fn rejected_file(id: usize, ext: &str) -> String {
    format!("{REJECTED}/{}.{ext}", part_stem(id))
}

/// Whether `name` (an entry of the output directory) is one a run writes.
pub fn is_ours(name: &str) -> bool {
    (name.starts_with("part-") && name.ends_with(".parquet"))
        || name == MANIFEST
        || name == SUCCESS
        || name == COMMITS
        || name == REJECTED
        || name == FITTED
        || name.starts_with(".tmp-")
        || name.starts_with(".part-")
}
