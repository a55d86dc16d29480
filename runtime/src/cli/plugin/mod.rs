//! `wasmprep plugin ...`: work with one plugin, outside any job.

mod inspect;

use std::process::ExitCode;

use clap::Subcommand;
use wasmprep::sandbox::ModuleCache;

#[derive(Subcommand, Debug)]
pub enum PluginCommand {
    Inspect(inspect::Args),
}

pub fn run(cmd: PluginCommand, cache: ModuleCache) -> anyhow::Result<ExitCode> {
    match cmd {
        PluginCommand::Inspect(args) => inspect::run(args, cache),
    }
}
