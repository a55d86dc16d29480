//! `wasmprep sample`: generate sample data.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use wasmprep::sample::{write_taxi_csv, TaxiSample};

#[derive(Subcommand, Debug)]
pub enum SampleCommand {
    /// NYC yellow-taxi trips in the 2015 CSV schema (deterministic).
    #[command(
        after_help = "Example:\n  wasmprep sample taxi --rows 2000000 --files 4 --output data/taxi"
    )]
    Taxi(TaxiArgs),
}

#[derive(clap::Args, Debug)]
pub struct TaxiArgs {
    /// Directory to write the CSV files into.
    #[arg(long)]
    pub output: PathBuf,

    /// Trips in all.
    #[arg(long, default_value_t = 1_000_000)]
    pub rows: u64,

    /// Number of files (one per month of 2015).
    #[arg(long, default_value_t = 4)]
    pub files: usize,

    #[arg(long, default_value_t = 2015)]
    pub seed: u64,

    /// Malformed lines per million rows (to try bad_rows = "quarantine").
    #[arg(long, default_value_t = 0)]
    pub bad_rows_per_million: u32,
}

pub fn run(cmd: SampleCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        SampleCommand::Taxi(a) => {
            let sample = TaxiSample {
                rows: a.rows,
                files: a.files,
                seed: a.seed,
                bad_rows_per_million: a.bad_rows_per_million,
            };
            let files = write_taxi_csv(&a.output, &sample)?;
            let bytes: u64 = files
                .iter()
                .filter_map(|f| std::fs::metadata(f).ok())
                .map(|m| m.len())
                .sum();
            eprintln!(
                "{} rows in {} files, {:.1} MB -> {}",
                a.rows,
                files.len(),
                bytes as f64 / 1e6,
                a.output.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
