//! `wasmprep deploy`: what each cluster takes, read by its own tools. Azure
//! ML's job and environment load with azure-ai-ml (PyPI) and their bundle
//! runs from anywhere with the output of the original job; `--submit` runs
//! the Azure CLI's commands; the MPIJob reads as the operator's YAML; the
//! Slurm script runs for real on a one-node Slurm cluster started here
//! (Debian's slurmctld, slurmd and munge) with 2 tasks under `srun
//! --mpi=pmix`, writing what one process writes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use wasmprep::sample::{write_taxi_csv, TaxiSample};

use crate::{part_digests, root, taxi_job};

fn wasmprep() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wasmprep"));
    cmd.env("WASMPREP_CACHE_DIR", crate::cache_dir())
        .env("NO_COLOR", "1");
    cmd
}

fn ok(out: Output) -> Output {
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A small NYC-taxi sample in `dir/data`.
fn sample(dir: &Path, rows: u64) -> PathBuf {
    let data = dir.join("data");
    let sample = TaxiSample {
        rows,
        files: 2,
        ..Default::default()
    };
    write_taxi_csv(&data, &sample).unwrap();
    data
}

/// `check_deploy.py KIND DIR`: what the target's own loaders read.
fn load(kind: &str, dir: &Path) -> Result<Value, String> {
    let python = root().join(".venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run `make deps`",
        python.display()
    );
    let out = Command::new(python)
        .arg(root().join("tests/python/check_deploy.py"))
        .arg(kind)
        .arg(dir)
        .output()
        .unwrap();
    if out.status.success() {
        Ok(serde_json::from_slice(&out.stdout).unwrap())
    } else {
        Err(stderr(&out))
    }
}

/// Runs `job` (from `cwd`) on `data` into `out`, on one process.
fn run_job(cwd: &Path, job: &Path, data: &Path, out: &Path) {
    ok(crate::wasmprep_run(job, data, out)
        .current_dir(cwd)
        .output()
        .unwrap());
}

/// The second job: another plugin set (tip-ratio where the seed adds its
/// features).
fn tip_job(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    taxi_job(dir, |t| t.replace("taxi-features.wasm", "tip-ratio.wasm"))
}

fn plugin_names(summary: &Value) -> Vec<String> {
    let mut tags: Vec<String> = summary["tags"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| k.ends_with(".sha256"))
        .cloned()
        .collect();
    tags.sort();
    tags
}

#[test]
fn azure_ml_jobs_load_with_azure_ai_ml_and_their_bundles_run_anywhere() {
    let dir = tempfile::tempdir().unwrap();
    let data = sample(dir.path(), 400);
    let seed = {
        std::fs::create_dir_all(dir.path().join("seed")).unwrap();
        taxi_job(&dir.path().join("seed"), |t| t)
    };
    let tips = tip_job(&dir.path().join("tips"));
    let cases = [
        (
            &seed,
            "wasbs://datasets@azuremlexamples.blob.core.windows.net/nyctaxi/".to_string(),
            4,
            8,
        ),
        (&tips, data.display().to_string(), 2, 3),
    ];
    for (i, (job, input, instances, procs)) in cases.iter().enumerate() {
        let out = dir.path().join(format!("deploy-{i}"));
        ok(wasmprep()
            .args(["deploy", "azureml"])
            .arg(job)
            .arg("--out")
            .arg(&out)
            .args(["--instances", &instances.to_string()])
            .args(["--processes-per-instance", &procs.to_string()])
            .args(["--input", input, "--compute", "cpu-16"])
            .output()
            .unwrap());
        let s = load("azureml", &out).unwrap_or_else(|e| panic!("azure-ai-ml: {e}"));
        assert_eq!(s["type"], "command");
        assert_eq!(s["mpi"], true, "{s}");
        assert_eq!(s["instance_count"], *instances);
        assert_eq!(s["process_count_per_instance"], *procs);
        assert_eq!(s["compute"], "cpu-16");
        assert_eq!(s["input"]["path"], input.as_str());
        assert_eq!(s["input"]["type"], "uri_folder");
        assert_eq!(s["output"]["mode"], "rw_mount");
        assert_eq!(Path::new(s["code"].as_str().unwrap()), out.join("bundle"));
        assert!(Path::new(s["env"]["dockerfile"].as_str().unwrap()).is_file());
        let command = s["command"].as_str().unwrap();
        for needle in [
            "wasmprep run job.toml",
            "--input ${{inputs.input}}",
            "--output ${{outputs.output}}",
            "--resume",
        ] {
            assert!(command.contains(needle), "{command}");
        }
        check_environment(&s, &out);
        assert_eq!(plugin_names(&s), ["steps.0.sha256", "steps.4.sha256"]);
        check_bundle_runs_anywhere(dir.path(), &out, job, &data, i);
    }
}

/// The environment installs this very wasmprep, checked by its --version.
fn check_environment(s: &Value, out: &Path) {
    let version = wasmprep::version::tag();
    assert_eq!(s["env"]["name"], "wasmprep");
    assert_eq!(s["env"]["version"], version.as_str());
    assert_eq!(s["environment"], format!("wasmprep:{version}"));
    let dockerfile = std::fs::read_to_string(out.join("environment/Dockerfile")).unwrap();
    assert!(
        dockerfile.contains(&format!(
            "RUN test \"$(wasmprep --version)\" = \"wasmprep {}\"",
            wasmprep::version::LINE
        )),
        "{dockerfile}"
    );
    if let Some(rev) = wasmprep::version::REVISION {
        assert!(
            dockerfile.contains(&format!("checkout --detach {rev}")),
            "{dockerfile}"
        );
    }
    assert!(!dockerfile.contains("main"), "unpinned: {dockerfile}");
}

/// The bundle, moved elsewhere, runs with its own copies of the plugins and
/// writes what the original job writes; without it azure-ai-ml refuses the
/// job.
fn check_bundle_runs_anywhere(dir: &Path, out: &Path, job: &Path, data: &Path, i: usize) {
    let moved = dir.join(format!("moved-{i}"));
    std::fs::rename(out, &moved).unwrap();
    let original = dir.join(format!("original-out-{i}"));
    let bundled = dir.join(format!("bundled-out-{i}"));
    run_job(dir, job, data, &original);
    run_job(&moved.join("bundle"), Path::new("job.toml"), data, &bundled);
    assert_eq!(part_digests(&bundled), part_digests(&original));
    std::fs::remove_dir_all(moved.join("bundle")).unwrap();
    let refused = load("azureml", &moved).expect_err("a job without its code loads");
    assert!(refused.contains("bundle"), "{refused}");
}

#[test]
fn deploy_replaces_only_what_it_wrote_and_refuses_a_plugin_that_is_not_the_pinned_one() {
    let dir = tempfile::tempdir().unwrap();
    let job = taxi_job(dir.path(), |t| t);
    let deploy = |out: &Path, job: &Path| {
        wasmprep()
            .args(["deploy", "kubernetes"])
            .arg(job)
            .arg("--out")
            .arg(out)
            .output()
            .unwrap()
    };
    let theirs = dir.path().join("theirs");
    std::fs::create_dir(&theirs).unwrap();
    std::fs::write(theirs.join("notes.txt"), "mine").unwrap();
    let refused = deploy(&theirs, &job);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("was not written by `wasmprep deploy`"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(
        std::fs::read_to_string(theirs.join("notes.txt")).unwrap(),
        "mine"
    );

    let ours = dir.path().join("ours");
    ok(deploy(&ours, &job));
    std::fs::write(ours.join("stale.txt"), "old").unwrap();
    ok(deploy(&ours, &job));
    assert!(!ours.join("stale.txt").exists(), "regenerated as a whole");
    assert!(ours.join("bundle/plugins/taxi-clean.wasm").is_file());

    let wrong = "0".repeat(64);
    let pinned = taxi_job(dir.path(), |t| {
        t.replacen(
            "taxi-clean.wasm\"",
            &format!("taxi-clean.wasm\"\nsha256 = \"{wrong}\""),
            1,
        )
    });
    let refused = deploy(&dir.path().join("pinned"), &pinned);
    let text = stderr(&refused);
    assert!(!refused.status.success());
    assert!(text.contains("steps[0]") && text.contains(&wrong), "{text}");
    assert!(!dir.path().join("pinned").exists(), "nothing half-written");
}

/// A stand-in `az` that records its arguments; `environment show` answers
/// as told (the real CLI needs an Azure subscription, which tests lack).
fn fake_az(bin: &Path, environment_exists: bool) -> PathBuf {
    std::fs::create_dir_all(bin).unwrap();
    let log = bin.join("az.log");
    let script = format!(
        "#!/bin/sh\necho \"$(pwd) $*\" >> {}\ncase \"$*\" in\n  \"ml environment show\"*) exit {} ;;\nesac\n",
        log.display(),
        if environment_exists { 0 } else { 1 }
    );
    let az = bin.join("az");
    std::fs::write(&az, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&az, std::fs::Permissions::from_mode(0o755)).unwrap();
    log
}

#[test]
fn submit_runs_the_azure_cli_or_says_what_to_install() {
    let dir = tempfile::tempdir().unwrap();
    let job = taxi_job(dir.path(), |t| t);
    let submit = |out: &str, path: &Path| {
        wasmprep()
            .env("PATH", path)
            .args(["deploy", "azureml"])
            .arg(&job)
            .arg("--out")
            .arg(dir.path().join(out))
            .args(["--input", "azureml:nyctaxi:1", "--submit"])
            .args(["--resource-group", "rg", "--workspace-name", "ws"])
            .output()
            .unwrap()
    };
    let missing = submit("none", &dir.path().join("empty"));
    assert!(!missing.status.success());
    let text = stderr(&missing);
    assert!(
        text.contains("not on PATH") && text.contains("az extension add -n ml"),
        "{text}"
    );
    assert!(
        dir.path().join("none/README.md").is_file(),
        "the files are written"
    );

    for exists in [false, true] {
        let bin = dir.path().join(format!("bin-{exists}"));
        let log = fake_az(&bin, exists);
        let out = format!("az-{exists}");
        ok(submit(&out, &bin));
        let calls = std::fs::read_to_string(&log).unwrap();
        let deployment = dir.path().join(&out);
        let scope = "--resource-group rg --workspace-name ws";
        let version = wasmprep::version::tag();
        let mut expected = vec![format!(
            "{} ml environment show --name wasmprep --version {version} {scope}",
            deployment.display()
        )];
        if !exists {
            expected.push(format!(
                "{} ml environment create --file environment/environment.yml {scope}",
                deployment.display()
            ));
        }
        expected.push(format!(
            "{} ml job create --file job.yml {scope}",
            deployment.display()
        ));
        assert_eq!(calls.lines().collect::<Vec<_>>(), expected);
    }
}

#[test]
fn the_mpi_operator_job_runs_its_image_as_root_with_what_open_mpi_needs() {
    let dir = tempfile::tempdir().unwrap();
    let job = tip_job(dir.path());
    let out = dir.path().join("k8s");
    ok(wasmprep()
        .args(["deploy", "kubernetes"])
        .arg(&job)
        .arg("--out")
        .arg(&out)
        .args(["--image", "registry.example.com/tips:7", "--workers", "3"])
        .args(["--slots-per-worker", "4", "--volume-claim", "taxi"])
        .args(["--input", "/data/in", "--output", "/data/out"])
        .output()
        .unwrap());
    let s = load("kubernetes", &out).unwrap();
    assert_eq!(
        (s["api"].as_str(), s["kind"].as_str()),
        (Some("kubeflow.org/v2beta1"), Some("MPIJob"))
    );
    assert_eq!(
        (s["workers"].as_u64(), s["slots"].as_u64()),
        (Some(3), Some(4))
    );
    let command: Vec<&str> = s["launcher"]["command"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert_eq!(&command[..3], ["mpirun", "-n", "12"]);
    let run = command.iter().position(|w| *w == "wasmprep").unwrap();
    assert_eq!(
        &command[run..],
        [
            "wasmprep",
            "run",
            "/job/job.toml",
            "--input",
            "/data/in",
            "--output",
            "/data/out",
            "--resume"
        ]
    );
    for role in ["launcher", "worker"] {
        assert_eq!(s[role]["image"], "registry.example.com/tips:7");
        assert_eq!(s[role]["env"]["OMPI_ALLOW_RUN_AS_ROOT"], "1");
        assert_eq!(s[role]["env"]["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"], "1");
    }
    assert_eq!(s["worker"]["claim"], "taxi");
    let dockerfile = std::fs::read_to_string(out.join("Dockerfile")).unwrap();
    for needle in [
        "ENV OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1",
        "COPY bundle /job",
        "openssh-server",
        "libopenmpi-dev",
        "cargo build --release --locked -p wasmprep",
    ] {
        assert!(dockerfile.contains(needle), "{needle}: {dockerfile}");
    }
    let bundled = std::fs::read_to_string(out.join("bundle/job.toml")).unwrap();
    assert!(
        bundled.contains("plugin = \"plugins/tip-ratio.wasm\""),
        "{bundled}"
    );
}

#[cfg(feature = "mpi")]
mod slurm {
    //! A one-node Slurm cluster (tests/slurm/cluster.sh) and the generated
    //! script, submitted with sbatch from elsewhere.

    use super::*;

    /// The cluster, stopped when dropped (also when the test fails).
    struct Cluster {
        dir: PathBuf,
        conf: String,
    }

    impl Cluster {
        fn start(dir: &Path) -> Cluster {
            let script = root().join("tests/slurm/cluster.sh");
            let out = ok(Command::new("bash")
                .arg(&script)
                .arg("start")
                .arg(dir)
                .output()
                .unwrap());
            let exports = String::from_utf8(out.stdout).unwrap();
            let conf = exports
                .lines()
                .find_map(|l| l.strip_prefix("export SLURM_CONF="))
                .expect("cluster.sh prints SLURM_CONF")
                .trim_matches(|c| c == '"' || c == '\'')
                .to_string();
            Cluster {
                dir: dir.to_path_buf(),
                conf,
            }
        }
    }

    impl Drop for Cluster {
        fn drop(&mut self) {
            let script = root().join("tests/slurm/cluster.sh");
            let _ = Command::new("bash")
                .arg(script)
                .arg("stop")
                .arg(&self.dir)
                .output();
        }
    }

    #[test]
    fn the_generated_sbatch_script_runs_two_ranks_that_write_what_one_process_writes() {
        let _one_at_a_time = crate::exclusive();
        for tool in ["sbatch", "slurmctld", "slurmd", "munged"] {
            assert!(
                Command::new("which")
                    .arg(tool)
                    .output()
                    .unwrap()
                    .status
                    .success(),
                "{tool} is missing: run `make deps` (Debian's Slurm and munge)"
            );
        }
        let dir = tempfile::tempdir().unwrap();
        let data = sample(dir.path(), 3000);
        let job = taxi_job(dir.path(), |t| {
            t.replace("partition_mib = 64", "partition_mib = 0.05")
        });
        let deploy = dir.path().join("deploy");
        ok(wasmprep()
            .args(["deploy", "slurm"])
            .arg(&job)
            .arg("--out")
            .arg(&deploy)
            .args([
                "--nodes",
                "1",
                "--tasks-per-node",
                "2",
                "--time",
                "00:05:00",
            ])
            .arg("--input")
            .arg(&data)
            .arg("--output")
            .arg(dir.path().join("slurm-out"))
            .output()
            .unwrap());
        let cluster = Cluster::start(&dir.path().join("slurm"));
        // From another directory, as a user would: nothing is relative.
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        let submitted = ok(Command::new("sbatch")
            .current_dir(&elsewhere)
            .env("SLURM_CONF", &cluster.conf)
            .env("WASMPREP_CACHE_DIR", crate::cache_dir())
            .args(["--wait", "--parsable"])
            .arg(deploy.join("job.sbatch"))
            .output()
            .unwrap());
        let id = String::from_utf8(submitted.stdout)
            .unwrap()
            .trim()
            .to_string();
        let log =
            std::fs::read_to_string(deploy.join(format!("logs/{id}.log"))).unwrap_or_default();
        let report: Value = serde_json::from_str(
            &std::fs::read_to_string(deploy.join(format!("logs/report-{id}.json")))
                .unwrap_or_else(|e| panic!("no report ({e}); the job's log:\n{log}")),
        )
        .unwrap();
        let ranks = report["ranks"].as_array().unwrap();
        assert_eq!(ranks.len(), 2, "{log}");
        assert!(
            ranks.iter().all(|r| r["partitions"].as_u64() > Some(0)),
            "both ranks worked: {report}"
        );
        assert!(log.contains("PMIx"), "started by srun --mpi=pmix: {log}");
        let alone = dir.path().join("alone");
        run_job(dir.path(), &job, &data, &alone);
        let slurm = part_digests(&dir.path().join("slurm-out"));
        assert!(slurm.len() > 2, "several partitions");
        assert_eq!(slurm, part_digests(&alone));
    }
}
