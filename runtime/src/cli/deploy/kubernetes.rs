//! `wasmprep deploy kubernetes`: an MPIJob and the Dockerfile of its image.

use std::process::ExitCode;

use wasmprep::deploy::kubernetes::{self, Options, BASE_IMAGE};

use super::{print_bundle, Common, SourceArgs};

/// Write a Kubeflow MPI Operator job: the bundle (job + plugins, pinned),
/// mpijob.yaml (a launcher running mpirun over the worker pods) and the
/// Dockerfile of its image (this wasmprep, sshd, the bundle, the settings
/// Open MPI needs to run as root).
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Example:\n  wasmprep deploy kubernetes jobs/nyc-taxi/job.toml --out target/deploy/k8s \\\n    \
    --image registry.example.com/wasmprep-nyc-taxi:1 --workers 4 --slots-per-worker 8 \\\n    \
    --volume-claim nyctaxi --input /data/nyctaxi --output /data/nyctaxi-out"
)]
pub struct Args {
    #[command(flatten)]
    common: Common,
    /// The image the cluster pulls (default: wasmprep-<job>:<version>).
    #[arg(long)]
    image: Option<String>,
    /// Worker pods.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    workers: u32,
    /// Ranks per worker pod (each one core).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    slots_per_worker: u32,
    /// Memory limit of a worker pod.
    #[arg(long, default_value = "4Gi")]
    worker_memory: String,
    /// The persistent volume claim with the input and output.
    #[arg(long, default_value = "wasmprep-data")]
    volume_claim: String,
    /// Where the workers mount it.
    #[arg(long, default_value = "/data")]
    mount: String,
    /// The input inside the pods (default: <mount>/input).
    #[arg(long, value_name = "PATH")]
    input: Option<String>,
    /// The output inside the pods (default: <mount>/output).
    #[arg(long, value_name = "PATH")]
    output: Option<String>,
    /// The base of the image (Debian, whose Open MPI it builds against).
    #[arg(long, default_value = BASE_IMAGE)]
    base_image: String,
    #[command(flatten)]
    source: SourceArgs,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let options = Options {
        image: args.image,
        workers: args.workers,
        slots_per_worker: args.slots_per_worker,
        worker_memory: args.worker_memory,
        volume_claim: args.volume_claim,
        mount: args.mount,
        input: args.input,
        output: args.output,
        base_image: args.base_image,
        source: args.source.source(),
    };
    let d = kubernetes::generate(&args.common.job, &args.common.out, &options)?;
    println!("wrote {} (job `{}`):", d.dir.display(), d.bundle.name);
    print_bundle(&d.bundle);
    println!("build: docker build -t {} {}", d.image, d.dir.display());
    println!("then:  kubectl apply -f {}", d.mpijob.display());
    Ok(ExitCode::SUCCESS)
}
