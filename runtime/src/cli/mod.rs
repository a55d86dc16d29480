//! Commands, one file each.

mod deploy;
mod lock;
mod plan;
mod plugin;
mod progress;
mod run;
mod sample;
mod tracking;
mod validate;
mod verify;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit code of a command that failed.
pub const EXIT_FAILURE: u8 = 1;
/// Exit code of `plugin test` when a case does not match.
pub const EXIT_MISMATCH: u8 = 2;

/// Prepare data at cluster scale with sandboxed WebAssembly plugins.
#[derive(Parser, Debug)]
#[command(name = "wasmprep", version = wasmprep::version::LINE, propagate_version = true)]
#[command(
    after_help = "Exit codes: 0 success, 1 error, 2 a plugin test case did not match.\n\
Logging: RUST_LOG=debug (or -v) for more detail."
)]
pub struct Cli {
    /// More logging (-v debug, -vv trace). RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Directory for compiled plugins (default: $WASMPREP_CACHE_DIR,
    /// $XDG_CACHE_HOME/wasmprep or ~/.cache/wasmprep).
    #[arg(long, global = true, value_name = "DIR")]
    pub cache_dir: Option<std::path::PathBuf>,

    /// Compile plugins every time instead of using the cache.
    #[arg(long, global = true)]
    pub no_cache: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run a job.
    Run(run::Args),
    /// Check a job (spec, input, every plugin contract) without processing data.
    Validate(validate::Args),
    /// Print the partitions of a job's input.
    Plan(plan::Args),
    /// Check a finished output against its manifest.
    Verify(verify::Args),
    /// Pin a job's plugins: write each one's sha256 into the job file.
    Lock(lock::Args),
    /// Generate what a cluster takes to run a job (Azure ML, Slurm, Kubernetes).
    #[command(subcommand)]
    Deploy(deploy::DeployCommand),
    /// Inspect, run and test plugins.
    #[command(subcommand)]
    Plugin(plugin::PluginCommand),
    /// Generate sample data.
    #[command(subcommand)]
    Sample(sample::SampleCommand),
}

/// A parser of counts that must be at least 1 (`--batch-rows 0` would read
/// nothing and say so quietly).
pub fn at_least_one() -> clap::builder::RangedU64ValueParser<usize> {
    clap::builder::RangedU64ValueParser::<usize>::new().range(1..)
}

/// Prefixes every log line with the process's rank.
struct RankFormat {
    rank: usize,
    inner: tracing_subscriber::fmt::format::Format,
}

impl<S, N> tracing_subscriber::fmt::FormatEvent<S, N> for RankFormat
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    N: for<'a> tracing_subscriber::fmt::FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &tracing_subscriber::fmt::FmtContext<'_, S, N>,
        mut writer: tracing_subscriber::fmt::format::Writer<'_>,
        event: &tracing::Event<'_>,
    ) -> std::fmt::Result {
        write!(writer, "rank={} ", self.rank)?;
        self.inner.format_event(ctx, writer, event)
    }
}

pub fn init_logging(cli: &Cli) {
    use std::io::IsTerminal;
    use tracing_subscriber::EnvFilter;
    let default = match cli.verbose {
        0 => "info",
        1 => "debug",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let ansi = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .event_format(RankFormat {
            rank: wasmprep::ranks::rank_from_env(),
            inner: tracing_subscriber::fmt::format()
                .with_target(false)
                .with_ansi(ansi),
        })
        .init();
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let cache = if cli.no_cache {
        wasmprep::sandbox::ModuleCache::disabled()
    } else if let Some(dir) = &cli.cache_dir {
        wasmprep::sandbox::ModuleCache::at(dir)
    } else {
        wasmprep::sandbox::ModuleCache::from_env()
    };
    match cli.command {
        Command::Run(args) => run::run(args, cache),
        Command::Validate(args) => validate::run(args, cache),
        Command::Lock(args) => lock::run(args),
        Command::Deploy(cmd) => deploy::run(cmd),
        Command::Plan(args) => plan::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Plugin(cmd) => plugin::run(cmd, cache),
        Command::Sample(cmd) => sample::run(cmd),
    }
}
