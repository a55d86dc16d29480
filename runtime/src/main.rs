//! The `wasmprep` command line: parse, set up logging, run, report.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    wasmprep::alloc::tune();
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
