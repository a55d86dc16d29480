//! `wasmprep plugin inspect`: print a plugin's contract.

use std::path::PathBuf;
use std::process::ExitCode;

use wasmprep::sandbox::{ColumnSpec, ModuleCache, PluginSettings, Sandbox};
use wasmprep::schema::type_name;

use super::ConfigArgs;

/// Print a plugin's contract (inputs, outputs, filter, version) and imports.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Example:\n  wasmprep plugin inspect target/plugins/taxi-features.wasm\n  \
    wasmprep plugin inspect my-plugin.wasm --config threshold=0.5"
)]
pub struct Args {
    /// The plugin component (.wasm).
    pub plugin: PathBuf,

    #[command(flatten)]
    pub config: ConfigArgs,
}

fn print_columns(title: &str, columns: &[ColumnSpec]) {
    println!("{title}:");
    if columns.is_empty() {
        println!("  (none)");
    }
    let width = columns.iter().map(|c| c.name.len()).max().unwrap_or(0);
    for c in columns {
        let nulls = if c.nullable { "nullable" } else { "not null" };
        println!(
            "  {:width$}  {:24} {nulls}",
            c.name,
            type_name(&c.data_type)
        );
    }
}

pub fn run(args: Args, cache: ModuleCache) -> anyhow::Result<ExitCode> {
    let sandbox = Sandbox::new(cache)?;
    let settings = PluginSettings {
        config: args.config.entries()?,
        ..PluginSettings::default()
    };
    let plugin = sandbox.load(&args.plugin, settings)?;
    let c = plugin.contract();
    println!("plugin:  {} {}", c.name, c.version);
    println!("file:    {}", args.plugin.display());
    println!("sha256:  {}", plugin.digest());
    println!("filters: {}", if c.filters { "yes" } else { "no" });
    print_columns("inputs", &c.inputs);
    print_columns("outputs", &c.outputs);
    println!("imports:");
    for import in plugin.imports() {
        println!("  {import}");
    }
    Ok(ExitCode::SUCCESS)
}
