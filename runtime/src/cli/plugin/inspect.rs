//! `wasmprep plugin inspect`: print a plugin's contract.

use std::path::PathBuf;
use std::process::ExitCode;

use wasmprep::sandbox::{ModuleCache, PluginSettings, Sandbox};

/// Print a plugin's contract: inputs, outputs, filter, version, imports.
#[derive(clap::Args, Debug)]
#[command(after_help = "Example:\n  wasmprep plugin inspect target/plugins/taxi-features.wasm")]
pub struct Args {
    /// The plugin component (.wasm).
    pub plugin: PathBuf,
}

pub fn run(args: Args, cache: ModuleCache) -> anyhow::Result<ExitCode> {
    let sandbox = Sandbox::new(cache)?;
    let plugin = sandbox.load(&args.plugin, PluginSettings::default())?;
    let c = plugin.contract();
    println!("{} {}", c.name, c.version);
    println!("imports: {}", plugin.imports().join(", "));
    Ok(ExitCode::SUCCESS)
}
