//! Errors of the sandbox: each names the plugin and, for a batch, where the
//! batch sits in the input.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// Where a batch sits: what it was read from, its index and its rows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BatchLocation {
    /// What the batch came from (a file, a partition), for the user.
    pub source: String,
    /// Index of the batch within the source.
    pub batch: usize,
    /// Index of the batch's first row within the source.
    pub first_row: u64,
    /// Number of rows.
    pub rows: usize,
}

impl fmt::Display for BatchLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "batch {} (rows {}..{})",
            self.batch,
            self.first_row,
            self.first_row + self.rows as u64
        )?;
        if !self.source.is_empty() {
            write!(f, " of {}", self.source)?;
        }
        Ok(())
    }
}

/// What went wrong with one batch.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum BatchProblem {
    /// The call ran past the batch time limit.
    Timeout { limit: Duration },
    /// The plugin tried to grow its memories and tables past the cap, and
    /// then trapped (`then`, most often because of it).
    MemoryCap {
        limit_bytes: u64,
        requested_bytes: u64,
        /// The growth refused was a table's.
        tables: bool,
        then: Box<BatchProblem>,
    },
    /// The plugin handed back more bytes in one call than `output_mib`.
    OutputTooLarge { limit_mib: u64 },
    /// The plugin trapped (a panic, an out-of-bounds access, ...). `stderr`
    /// is what it last wrote there or, without stderr, the warnings and
    /// errors it logged in the call (a kit's abort helper logs its text).
    Trap { message: String, stderr: String },
    /// The plugin reported a bad input value.
    InvalidInput {
        message: String,
        row: Option<u64>,
        column: Option<String>,
    },
    /// The plugin reported a failure.
    Failure(String),
    /// The plugin returned columns that break its contract.
    BadOutput(String),
    /// An input declared without nulls has one.
    NullInput { column: String, row: u64 },
}

impl fmt::Display for BatchProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BatchProblem::Timeout { limit } => write!(
                f,
                "timed out after {:.1} s (raise limits.timeout_secs if the plugin is just slow)",
                limit.as_secs_f64()
            ),
            BatchProblem::MemoryCap {
                limit_bytes,
                requested_bytes,
                tables,
                then,
            } => write!(
                f,
                "exceeded its memory cap of {} MiB ({}its memories and tables would have held {} MiB; \
                 raise limits.memory_mib if that is expected), then {then}",
                limit_bytes >> 20,
                if *tables { "growing a table: " } else { "" },
                requested_bytes.div_ceil(1 << 20)
            ),
            BatchProblem::OutputTooLarge { limit_mib } => write!(
                f,
                "handed back more than {limit_mib} MiB in one call (the columns of a batch or a \
                 log message; raise limits.output_mib, or pass fewer rows with --batch-rows)"
            ),
            BatchProblem::Trap { message, stderr } => {
                write!(f, "trapped: {message}")?;
                let stderr = stderr.trim();
                if !stderr.is_empty() {
                    write!(f, "\nthe plugin's last stderr, warnings or errors:\n{stderr}")?;
                }
                Ok(())
            }
            BatchProblem::InvalidInput {
                message,
                row,
                column,
            } => wasmprep_contract::describe_invalid_input(f, message, column.as_deref(), *row),
            BatchProblem::Failure(m) => write!(f, "failed: {m}"),
            BatchProblem::BadOutput(m) => write!(f, "returned an output that breaks its contract: {m}"),
            BatchProblem::NullInput { column, row } => write!(
                f,
                "column `{column}` has a null at row {row}, but the plugin declares it without nulls"
            ),
        }
    }
}

/// An error of the sandbox.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("cannot read plugin {}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("plugin {} is not a usable WebAssembly component: {message}", path.display())]
    Compile { path: PathBuf, message: String },
    #[error(
        "plugin {} is not the component the job pins: its sha256 is {actual}, the job's is {pinned} \
         (build the pinned one, or pin this one with `wasmprep lock`)",
        path.display()
    )]
    DigestMismatch {
        path: PathBuf,
        pinned: String,
        actual: String,
    },
    #[error(
        "plugin {plugin} imports what it was not granted: {}; grant it in the step's `grants` \
         if the plugin really needs it",
        imports.iter().map(|(i, g)| format!("`{i}` (needs the `{g}` grant)")).collect::<Vec<_>>().join(", ")
    )]
    ForbiddenImport {
        plugin: String,
        /// Each import not granted, with the grant it needs.
        imports: Vec<(String, &'static str)>,
    },
    #[error("plugin {plugin} imports `{import}`, which wasmprep does not provide")]
    UnknownImport { plugin: String, import: String },
    #[error("plugin {plugin} failed to start: {message}")]
    Instantiate { plugin: String, message: String },
    #[error("plugin {plugin} rejected its configuration: {message}")]
    Config { plugin: String, message: String },
    #[error("plugin {plugin} declares an invalid contract: {message}")]
    Contract { plugin: String, message: String },
    #[error("plugin {plugin} reads column `{column}`, which the input does not have (it has: {available})")]
    MissingColumn {
        plugin: String,
        column: String,
        available: String,
    },
    #[error("plugin {plugin} reads column `{column}` as {expected}, but the input's is {actual}")]
    ColumnType {
        plugin: String,
        column: String,
        expected: String,
        actual: String,
    },
    #[error("plugin {plugin}: this instance trapped on an earlier batch and runs no more; make a new one")]
    Trapped { plugin: String },
    #[error("plugin {plugin}, {at}: {problem}")]
    Batch {
        plugin: String,
        at: Box<BatchLocation>,
        problem: BatchProblem,
    },
    /// A fit function other than `update` failed (`empty`, `merge`,
    /// `finish`), or the plugin does not fit.
    #[error("plugin {plugin}, fit {call}: {problem}")]
    Fit {
        plugin: String,
        call: &'static str,
        problem: BatchProblem,
    },
}

/// `Result` with the sandbox [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
