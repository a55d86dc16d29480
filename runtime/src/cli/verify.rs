//! `wasmprep verify`: check a finished output against its manifest.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use super::EXIT_FAILURE;

/// Check an output directory: `_SUCCESS`, the manifest, and every part
/// file's size, sha256, footer row count and provenance against it, and
/// that every partition's rows balance (read = written + filtered +
/// rejected). Lists every problem found.
#[derive(clap::Args, Debug)]
#[command(after_help = "Example:\n  wasmprep verify out/taxi\n\n\
    Exit codes: 0 the output holds, 1 a problem was found (each is printed).")]
pub struct Args {
    /// The output directory of a run.
    pub output: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let report = wasmprep::io::verify::verify(&args.output)
        .with_context(|| format!("reading {}", args.output.display()))?;
    if report.ok() {
        println!(
            "ok: {} partition(s), {} rows; every part file matches the manifest",
            report.partitions, report.rows
        );
        return Ok(ExitCode::SUCCESS);
    }
    for problem in &report.problems {
        println!("{problem}");
    }
    println!(
        "{} problem(s) in {}",
        report.problems.len(),
        args.output.display()
    );
    Ok(ExitCode::from(EXIT_FAILURE))
}
