//! `wasmprep plugin ...`: work with one plugin, outside any job.

mod build;
mod inspect;
mod new;
mod run;
mod test;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use wasmprep::sandbox::ModuleCache;

#[derive(Subcommand, Debug)]
pub enum PluginCommand {
    New(new::Args),
    Build(build::Args),
    Inspect(inspect::Args),
    Run(run::Args),
    Test(test::Args),
}

pub fn run(cmd: PluginCommand, cache: ModuleCache) -> anyhow::Result<ExitCode> {
    match cmd {
        PluginCommand::New(args) => new::run(args),
        PluginCommand::Build(args) => build::run(args),
        PluginCommand::Inspect(args) => inspect::run(args, cache),
        PluginCommand::Run(args) => run::run(args, cache),
        PluginCommand::Test(args) => test::run(args, cache),
    }
}

/// A plugin's configuration on the command line.
#[derive(clap::Args, Debug, Default)]
pub struct ConfigArgs {
    /// A configuration entry, KEY=VALUE (repeatable).
    #[arg(long = "config", value_name = "KEY=VALUE")]
    pub entries: Vec<String>,

    /// A TOML file of configuration entries (scalars, or arrays and tables
    /// passed as JSON).
    #[arg(long, value_name = "FILE")]
    pub config_file: Option<PathBuf>,
}

impl ConfigArgs {
    pub fn entries(&self) -> anyhow::Result<Vec<(String, String)>> {
        let mut out = Vec::new();
        if let Some(path) = &self.config_file {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            let table: toml::Table =
                toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
            out.extend(wasmprep::job::spec::plugin_config(&table));
        }
        for e in &self.entries {
            let (k, v) = e
                .split_once('=')
                .with_context(|| format!("--config {e:?} is not KEY=VALUE"))?;
            out.retain(|(key, _)| key != k);
            out.push((k.trim().to_string(), v.to_string()));
        }
        Ok(out)
    }
}
