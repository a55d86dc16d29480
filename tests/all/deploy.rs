//! What clusters need to run the NYC-taxi job: the Azure ML job and
//! environment (loaded with azure-ai-ml from PyPI), the MPI Operator job and
//! the Slurm script, and the bundle Azure ML uploads.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::root;

/// Copies a directory tree.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A checkout with the Azure ML bundle built, as `make azureml-bundle`
/// leaves it: `target/azureml/` holds the job beside its plugins.
fn checkout_with_bundle(dir: &Path) -> PathBuf {
    copy_tree(&root().join("jobs/nyc-taxi"), &dir.join("jobs/nyc-taxi"));
    let bundle = dir.join("target/azureml");
    std::fs::create_dir_all(bundle.join("plugins")).unwrap();
    for plugin in [
        wasmprep_artifacts::TAXI_CLEAN,
        wasmprep_artifacts::TAXI_FEATURES,
    ] {
        let name = Path::new(plugin).file_name().unwrap();
        std::fs::copy(plugin, bundle.join("plugins").join(name)).unwrap();
    }
    let job = std::fs::read_to_string(root().join("jobs/nyc-taxi/job.toml")).unwrap();
    std::fs::write(
        bundle.join("job.toml"),
        job.replace("../../target/plugins/", "plugins/"),
    )
    .unwrap();
    bundle
}

#[test]
fn azure_ml_and_mpi_operator_specs_load_with_their_own_tools() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = checkout_with_bundle(dir.path());
    let python = root().join(".venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run `make deps`",
        python.display()
    );
    let out = Command::new(python)
        .arg(root().join("tests/python/check_deploy.py"))
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The seed's cluster: 4 nodes x 8 processes.
    assert_eq!(summary["azureml"]["ranks"], 32);
    assert_eq!(summary["mpijob"]["ranks"], 32);
    assert_eq!(
        Path::new(summary["azureml"]["code"].as_str().unwrap()),
        bundle
    );
}

#[test]
fn the_azure_ml_bundle_validates_on_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = checkout_with_bundle(dir.path());
    let data = dir.path().join("data");
    wasmprep::sample::write_taxi_csv(
        &data,
        &wasmprep::sample::TaxiSample {
            rows: 100,
            files: 1,
            ..Default::default()
        },
    )
    .unwrap();
    // As Azure ML runs it: from the bundle, with the mounted input.
    let out = Command::new(env!("CARGO_BIN_EXE_wasmprep"))
        .env("WASMPREP_CACHE_DIR", crate::cache_dir())
        .current_dir(&bundle)
        .args(["validate", "job.toml", "--input"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_slurm_script_is_valid_bash_that_launches_ranks_with_pmix() {
    let script = root().join("jobs/nyc-taxi/slurm/nyc-taxi.sbatch");
    let status = Command::new("bash")
        .arg("-n")
        .arg(&script)
        .status()
        .unwrap();
    assert!(status.success());
    let text = std::fs::read_to_string(&script).unwrap();
    assert!(text.contains("srun --mpi=pmix wasmprep run"));
    let directive = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("#SBATCH --{name}=")))
            .unwrap_or_else(|| panic!("no --{name}"))
            .to_string()
    };
    assert_eq!(directive("nodes"), "4");
    assert_eq!(directive("ntasks-per-node"), "8");
}
