//! `wasmprep deploy azureml`: an Azure ML command job with MPI distribution.

use std::process::{Command, ExitCode};

use anyhow::{bail, Context};
use wasmprep::deploy::azureml::{self, Deployment, Options, BASE_IMAGE};

use super::{print_bundle, Common, SourceArgs};

/// Write an Azure ML job: the bundle (job + plugins, pinned), job.yml
/// (a command job with `distribution: type: mpi`) and its environment (a
/// Dockerfile that builds this wasmprep on Azure ML's Open MPI image).
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Example:\n  wasmprep deploy azureml jobs/nyc-taxi/job.toml --out target/deploy/azureml \\\n    \
    --compute cpu-cluster --instances 4 --processes-per-instance 8 \\\n    \
    --input wasbs://datasets@azuremlexamples.blob.core.windows.net/nyctaxi/ --submit"
)]
pub struct Args {
    #[command(flatten)]
    common: Common,
    /// The compute cluster.
    #[arg(long, default_value = "cpu-cluster")]
    compute: String,
    /// Nodes.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    instances: u32,
    /// MPI processes (ranks) per node.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    processes_per_instance: u32,
    /// The input: a URI (azureml://, wasbs://, abfss://, https://), a data
    /// asset (azureml:NAME:VERSION) or a local path to upload (default: the
    /// job's input.path).
    #[arg(long, value_name = "URI")]
    input: Option<String>,
    /// How the nodes see the input.
    #[arg(long, default_value = "ro_mount", value_parser = ["ro_mount", "download"])]
    input_mode: String,
    /// The output: a URI (default: the workspace's default datastore).
    #[arg(long, value_name = "URI")]
    output: Option<String>,
    /// The environment's name.
    #[arg(long, default_value = "wasmprep")]
    environment: String,
    /// The environment's version (default: this wasmprep's, e.g. 0.1.0-g59d6bfa919c7).
    #[arg(long)]
    environment_version: Option<String>,
    /// The experiment.
    #[arg(long, default_value = "wasmprep")]
    experiment: String,
    /// The environment's base image.
    #[arg(long, default_value = BASE_IMAGE)]
    base_image: String,
    #[command(flatten)]
    source: SourceArgs,
    /// Then submit it with the Azure CLI (`az ml`): the environment first,
    /// when that version is new.
    #[arg(long)]
    submit: bool,
    /// With --submit: the resource group (default: az's configured one).
    #[arg(long, requires = "submit")]
    resource_group: Option<String>,
    /// With --submit: the workspace (default: az's configured one).
    #[arg(long, requires = "submit")]
    workspace_name: Option<String>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let options = Options {
        compute: args.compute.clone(),
        instances: args.instances,
        processes_per_instance: args.processes_per_instance,
        input: args.input.clone(),
        input_mode: args.input_mode.clone(),
        output: args.output.clone(),
        environment: args.environment.clone(),
        environment_version: args.environment_version.clone(),
        experiment: args.experiment.clone(),
        base_image: args.base_image.clone(),
        source: args.source.source(),
    };
    let d = azureml::generate(&args.common.job, &args.common.out, &options)?;
    println!("wrote {} (job `{}`):", d.dir.display(), d.bundle.name);
    print_bundle(&d.bundle);
    println!(
        "  job.yml, environment {}:{}",
        d.environment, d.environment_version
    );
    if args.submit {
        submit(&d, &args)?;
    } else {
        println!(
            "submit: see {}/README.md, or run again with --submit",
            d.dir.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `az ml environment create` (when that version is new), then `az ml job
/// create`, in the deployment's directory.
fn submit(d: &Deployment, args: &Args) -> anyhow::Result<()> {
    let scope = scope(args);
    if which("az").is_none() {
        bail!(
            "--submit needs the Azure CLI (`az`), which is not on PATH: install it \
             (https://learn.microsoft.com/cli/azure/install-azure-cli), add its ml extension \
             (`az extension add -n ml`) and log in (`az login`); or submit by hand as {}/README.md \
             says (the files are written)",
            d.dir.display()
        );
    }
    let show = az(
        d,
        &[
            "ml",
            "environment",
            "show",
            "--name",
            &d.environment,
            "--version",
            &d.environment_version,
        ],
        &scope,
    )
    .stdout(std::process::Stdio::null())
    .stderr(std::process::Stdio::null())
    .status()
    .context("running az")?;
    if !show.success() {
        println!(
            "creating environment {}:{}",
            d.environment, d.environment_version
        );
        check(az(
            d,
            &[
                "ml",
                "environment",
                "create",
                "--file",
                "environment/environment.yml",
            ],
            &scope,
        ))?;
    }
    println!("submitting {}", d.job_yml.display());
    check(az(d, &["ml", "job", "create", "--file", "job.yml"], &scope))
}

fn scope(args: &Args) -> Vec<String> {
    let mut scope = Vec::new();
    if let Some(g) = &args.resource_group {
        scope.extend(["--resource-group".to_string(), g.clone()]);
    }
    if let Some(w) = &args.workspace_name {
        scope.extend(["--workspace-name".to_string(), w.clone()]);
    }
    scope
}

fn az(d: &Deployment, words: &[&str], scope: &[String]) -> Command {
    let mut cmd = Command::new("az");
    cmd.args(words).args(scope).current_dir(&d.dir);
    cmd
}

fn check(mut cmd: Command) -> anyhow::Result<()> {
    let status = cmd.status().context("running az")?;
    if !status.success() {
        bail!("{cmd:?} failed ({status})");
    }
    Ok(())
}

/// The program `name` on PATH, if any.
fn which(name: &str) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}
