//! `wasmprep plugin test`: run a plugin's golden cases.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use wasmprep::golden::{discover, Outcome};
use wasmprep::sandbox::{self, ModuleCache, PluginSettings, Sandbox};

use crate::cli::EXIT_MISMATCH;

/// Run golden cases (input, optional case.toml, expected output or error)
/// in the production sandbox; print a diff and exit 2 on any mismatch (1 if
/// the plugin cannot be loaded at all).
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Example:\n  wasmprep plugin test target/plugins/taxi-clean.wasm plugins/taxi-clean/tests/cases\n\n\
    A case is a directory holding input.csv (typed CSV: a name:type header)\n\
    or input.parquet, an optional case.toml ([config] for the plugin,\n\
    float_tolerance), expected.csv (typed CSV) or error.txt (text the\n\
    error must contain), and optionally logs.txt (every message the plugin\n\
    logs, in order, as `level: message` lines). --bless records the current\n\
    output as expected.csv (and logs.txt, when there is one)."
)]
pub struct Args {
    /// The plugin component (.wasm).
    pub plugin: PathBuf,

    /// A directory of cases (or one case).
    pub cases: PathBuf,

    /// Write each case's output to its expected.csv instead of comparing.
    #[arg(long)]
    pub bless: bool,

    /// Differences shown per case.
    #[arg(long, default_value_t = 20)]
    pub max_diffs: usize,
}

pub fn run(args: Args, cache: ModuleCache) -> anyhow::Result<ExitCode> {
    let sandbox = Sandbox::new(cache)?;
    check_loads(&sandbox, &args.plugin)?;
    let cases = discover(&args.cases)?;
    if cases.is_empty() {
        anyhow::bail!(
            "no cases in {} (a case is a directory with input.csv or input.parquet)",
            args.cases.display()
        );
    }
    let mut failed = 0;
    for case in &cases {
        match case.run(&sandbox, &args.plugin, args.bless) {
            Ok(Outcome::Passed) => println!("ok       {}", case.name),
            Ok(Outcome::Blessed) => println!("blessed  {}", case.name),
            Ok(Outcome::Mismatch(diffs)) => {
                failed += 1;
                println!("FAILED   {}: {} difference(s)", case.name, diffs.len());
                for d in diffs.iter().take(args.max_diffs) {
                    println!("    {d}");
                }
                if diffs.len() > args.max_diffs {
                    println!("    ... {} more", diffs.len() - args.max_diffs);
                }
            }
            Ok(Outcome::WrongError { expected, got }) => {
                failed += 1;
                println!("FAILED   {}", case.name);
                match expected {
                    Some(e) => println!("    expected an error containing: {e}"),
                    None => println!("    expected an output"),
                }
                match got {
                    Some(g) => println!("    got error: {g}"),
                    None => println!("    got an output"),
                }
            }
            Ok(Outcome::WrongLogs { expected, got }) => {
                failed += 1;
                println!(
                    "FAILED   {}: the plugin's log differs from logs.txt",
                    case.name
                );
                print_lines("expected", &expected);
                print_lines("got", &got);
            }
            Err(e) => {
                failed += 1;
                println!("FAILED   {}: {e}", case.name);
            }
        }
    }
    println!("\n{} passed, {failed} failed", cases.len() - failed);
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_MISMATCH)
    })
}

fn print_lines(what: &str, lines: &[String]) {
    println!("    {what} ({} line(s)):", lines.len());
    for line in lines {
        println!("      {line}");
    }
}

/// A plugin that cannot be loaded at all (no file, not a component, an
/// import the sandbox refuses, a start that traps) is an error (exit 1), not
/// a mismatch of every case. One that only refuses an empty configuration
/// is loadable: its cases give it theirs.
fn check_loads(sandbox: &Sandbox, plugin: &Path) -> anyhow::Result<()> {
    match sandbox.load(plugin, PluginSettings::default()) {
        Ok(_) | Err(sandbox::Error::Config { .. } | sandbox::Error::Contract { .. }) => Ok(()),
        Err(e) => Err(e.into()),
    }
}
