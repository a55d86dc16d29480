//! The `wasmprep` command line: parse, set up logging, run, report.

mod cli;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc keeps freed memory for reuse: batches allocate and free large
/// column buffers continuously, and glibc's malloc returns them to the
/// kernel each time (a page fault per 4 KiB on the next batch).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    cli::init_logging(&args);
    match cli::run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(cli::EXIT_FAILURE)
        }
    }
}
