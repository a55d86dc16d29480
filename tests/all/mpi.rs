//! The real binary under the real mpirun (Open MPI), each run in its own
//! processes: identical output at any scale, a failure on one rank stops
//! all, a killed rank and `--resume`, a skewed input shared out. No
//! assertion depends on timing: that is measured by `make bench-mpi`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use wasmprep::sample::{write_taxi_csv, TaxiSample};

use crate::{manifest_identity, part_files, root};

/// `mpirun -n N wasmprep ARGS`, as root and oversubscribed if need be.
pub(crate) fn mpirun(n: usize, args: &[&str]) -> Command {
    let mut cmd = Command::new("mpirun");
    cmd.args([
        "--allow-run-as-root",
        "--oversubscribe",
        "-n",
        &n.to_string(),
    ])
    .arg(env!("CARGO_BIN_EXE_wasmprep"))
    .args(args)
    .env("WASMPREP_CACHE_DIR", crate::cache_dir())
    .env("NO_COLOR", "1")
    .env("RUST_LOG", "info")
    .env("OMPI_MCA_btl_vader_single_copy_mechanism", "none");
    cmd
}

/// Waits for `child`, failing the test (not hanging) if it outlives `limit`.
fn wait(mut child: Child, limit: Duration) -> Output {
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "still running after {limit:?}: a rank hangs\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub(crate) fn run(mut cmd: Command) -> Output {
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait(child, Duration::from_secs(300))
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `wasmprep run` without a launcher, on 2 threads.
fn run_alone(job: &str, data: &str, out: &Path) {
    let result = Command::new(env!("CARGO_BIN_EXE_wasmprep"))
        .env("WASMPREP_CACHE_DIR", crate::cache_dir())
        .args(["run", job, "--input", data, "--output"])
        .arg(out)
        .args(["--threads", "2"])
        .output()
        .unwrap();
    assert!(result.status.success(), "{}", stderr(&result));
}

#[test]
fn one_two_and_three_ranks_write_identical_output() {
    let _one_at_a_time = crate::exclusive();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    write_taxi_csv(
        &data,
        &TaxiSample {
            rows: 30_000,
            files: 3,
            seed: 11,
            bad_rows_per_million: 0,
        },
    )
    .unwrap();
    let job = crate::taxi_job(dir.path(), |t| {
        t.replace("partition_mib = 64", "partition_mib = 0.4")
    });
    let (job, data) = (job.to_str().unwrap(), data.to_str().unwrap());

    let single = dir.path().join("single");
    run_alone(job, data, &single);
    let reference = part_files(&single);
    assert!(reference.len() >= 6, "{} partitions", reference.len());

    for (ranks, threads) in [(1, "1"), (2, "1"), (3, "1"), (2, "2")] {
        let outdir = dir.path().join(format!("ranks-{ranks}-threads-{threads}"));
        let out = run(mpirun(
            ranks,
            &[
                "run",
                job,
                "--input",
                data,
                "--output",
                outdir.to_str().unwrap(),
                "--threads",
                threads,
            ],
        ));
        let err = stderr(&out);
        assert!(out.status.success(), "{ranks} ranks: {err}");
        assert!(
            err.contains("rank=0 "),
            "every line carries its rank: {err}"
        );
        if ranks > 1 {
            assert!(
                err.contains("ranks=") && err.contains("launcher=\"Open MPI\""),
                "{err}"
            );
            // The per-rank summary table: a line per rank.
            for r in 0..ranks {
                assert!(
                    err.lines()
                        .any(|l| l.trim_start().starts_with(&format!("{r} "))),
                    "rank {r} missing: {err}"
                );
            }
        }
        assert!(
            part_files(&outdir) == reference,
            "{ranks} ranks x {threads} threads: part files differ"
        );
        assert_eq!(
            manifest_identity(&outdir),
            manifest_identity(&single),
            "{ranks} ranks: manifests differ"
        );
    }
}

/// A CSV of `x` = 0..rows and a job through the misbehave plugin.
fn x_job(dir: &Path, rows: usize, config: &str, partition_mib: f64) -> (PathBuf, PathBuf) {
    let data = dir.join("x.csv");
    let mut text = String::from("x\n");
    for i in 0..rows {
        text.push_str(&format!("{i}\n"));
    }
    std::fs::write(&data, text).unwrap();
    let plugin = root().join("target/plugins/misbehave.wasm");
    let job = format!(
        r#"
name = "x"
[input]
format = "csv"
partition_mib = {partition_mib}
columns = [{{ name = "x", type = "int64" }}]
[[steps]]
plugin = "{}"
config = {{ {config} }}
[output]
"#,
        plugin.display()
    );
    let path = dir.join("x.toml");
    std::fs::write(&path, job).unwrap();
    (path, data)
}

#[test]
fn a_failure_on_one_rank_stops_every_rank_with_a_summary_on_rank_0() {
    let _one_at_a_time = crate::exclusive();
    let dir = tempfile::tempdir().unwrap();
    let (job, data) = x_job(
        dir.path(),
        200_000,
        r#"mode = "panic-at", at = 150000"#,
        0.05,
    );
    let out = dir.path().join("out");
    let result = run(mpirun(
        3,
        &[
            "run",
            job.to_str().unwrap(),
            "--input",
            data.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
            "--threads",
            "1",
        ],
    ));
    assert_ne!(result.status.code(), Some(0));
    let err = stderr(&result);
    assert!(err.contains("error: partition "), "{err}");
    assert!(err.contains("plugin misbehave"), "{err}");
    assert!(
        err.contains("misbehave: x = 150000 is in this batch"),
        "{err}"
    );
    assert!(err.contains(", on rank "), "{err}");
    assert_eq!(
        err.matches("error: ").count(),
        1,
        "only rank 0 reports: {err}"
    );
    assert!(!out.join("_SUCCESS").exists());
}

#[test]
fn a_rank_killed_mid_job_then_resume_gives_the_clean_result() {
    let _one_at_a_time = crate::exclusive();
    let dir = tempfile::tempdir().unwrap();
    let (job, data) = x_job(dir.path(), 400_000, r#"mode = "slow", spin_ms = 40"#, 0.1);
    let (job, data) = (job.to_str().unwrap(), data.to_str().unwrap());

    let clean = dir.path().join("clean");
    let out = run(mpirun(
        2,
        &[
            "run",
            job,
            "--input",
            data,
            "--output",
            clean.to_str().unwrap(),
        ],
    ));
    assert!(out.status.success(), "{}", stderr(&out));

    let out = dir.path().join("out");
    let args = [
        "run",
        job,
        "--input",
        data,
        "--output",
        out.to_str().unwrap(),
    ];
    // Rank 1 kills itself (SIGKILL, as the OOM killer would) as it commits
    // its second partition: a crash point, not a race against the job.
    let mut mpi = mpirun(2, &args);
    mpi.env(wasmprep::crash::VAR, "commit-written:2@1");
    let killed = run(mpi);
    assert!(!killed.status.success());
    assert!(!out.join("_SUCCESS").exists());
    assert!(out.join("_commits").is_dir(), "{}", stderr(&killed));

    let resumed = run(mpirun(2, &[&args[..], &["--resume"]].concat()));
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    assert!(
        part_files(&out) == part_files(&clean),
        "resumed output differs from a clean run"
    );
    assert_eq!(manifest_identity(&out), manifest_identity(&clean));
}

/// How the ranks share a skewed input is the scheduler's business, tested
/// on simulated ranks (`ranks::coordinator`'s `a_skewed_input_keeps_ranks_balanced`);
/// the time each rank spends is measured by `make bench-mpi`, not asserted
/// here. Under mpirun: every partition is run once, by one of the ranks.
#[test]
fn a_skewed_input_is_shared_out_partition_by_partition() {
    let _one_at_a_time = crate::exclusive();
    let dir = tempfile::tempdir().unwrap();
    // One large file and many small ones.
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let mut rows = 0;
    for (i, n) in std::iter::once(160_000)
        .chain(std::iter::repeat_n(4_000, 12))
        .enumerate()
    {
        let mut text = String::from("x\n");
        for v in rows..rows + n {
            text.push_str(&format!("{v}\n"));
        }
        rows += n;
        std::fs::write(data.join(format!("part-{i:02}.csv")), text).unwrap();
    }
    let (job, _) = x_job(dir.path(), 1, r#"mode = "slow", spin_ms = 1"#, 0.05);
    let out = dir.path().join("out");
    let report = dir.path().join("report.json");
    let result = run(mpirun(
        2,
        &[
            "run",
            job.to_str().unwrap(),
            "--input",
            data.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
            "--threads",
            "1",
            "--report",
            report.to_str().unwrap(),
        ],
    ));
    assert!(result.status.success(), "{}", stderr(&result));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let ranks = report["ranks"].as_array().unwrap();
    assert_eq!(ranks.len(), 2);
    let sum = |field: &str| -> u64 { ranks.iter().map(|r| r[field].as_u64().unwrap()).sum() };
    assert_eq!(sum("partitions") as usize, part_files(&out).len());
    assert_eq!(sum("rows"), rows as u64);
    // The job's totals beside the ranks' figures, as the manifest has them.
    let totals = &report["totals"];
    assert_eq!(totals["rows_read"].as_u64(), Some(rows as u64));
    assert_eq!(totals["rows_written"].as_u64(), Some(rows as u64));
    assert_eq!(
        totals["partitions"].as_u64(),
        Some(part_files(&out).len() as u64)
    );
    assert_eq!(totals, &crate::manifest(&out)["totals"]);
    assert_eq!(report["wasmprep_version"], env!("CARGO_PKG_VERSION"));
}
