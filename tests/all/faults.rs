//! Faults: a run killed anywhere (SIGKILL, through the crash points of
//! `wasmprep::crash`) and resumed gives the bytes of a clean run, on 1, 2
//! and 3 ranks; a full disk fails cleanly and resumes once there is room.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use wasmprep::sample::{write_taxi_csv, TaxiSample};

use crate::job::stderr;
use crate::{manifest_identity, part_files};

/// Where a run is killed: 20 points of the data path, from an open output
/// to a written `_SUCCESS`, some on a later partition or batch.
const CRASH_POINTS: [&str; 20] = [
    "output-opened",
    "part-created",
    "part-created:3",
    "batch-written",
    "batch-written:4",
    "part-synced",
    "part-synced:3",
    "part-renamed",
    "part-renamed:4",
    "rejected-written",
    "rejected-written:2",
    "atomic-synced",
    "atomic-synced:3",
    "commit-written",
    "commit-written:2",
    "commit-written:4",
    "manifest-synced",
    "manifest-written",
    "success-synced",
    "success-written",
];

struct Case {
    _dir: tempfile::TempDir,
    job: PathBuf,
    data: PathBuf,
    reference: PathBuf,
}

/// The taxi job over 13 partitions with bad rows set aside, and a clean
/// run's output to compare with.
fn case() -> Case {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let sample = TaxiSample {
        rows: 24_000,
        files: 2,
        seed: 5,
        bad_rows_per_million: 3000,
    };
    write_taxi_csv(&data, &sample).unwrap();
    let job = crate::taxi_job(dir.path(), |t| {
        t.replace("partition_mib = 64", "partition_mib = 0.3")
            .replace("bad_rows = \"fail\"", "bad_rows = \"quarantine\"")
    });
    let reference = dir.path().join("reference");
    let run = run_once(1, &job, &data, &reference, &[], None);
    assert!(run.status.success(), "{}", stderr(&run));
    let parts = part_files(&reference).len();
    assert!(
        parts >= 12,
        "{parts} partitions: too few for every crash point"
    );
    Case {
        _dir: dir,
        job,
        data,
        reference,
    }
}

/// One run on `ranks` ranks (a plain process for one), killed at `crash`.
fn run_once(
    ranks: usize,
    job: &Path,
    data: &Path,
    out: &Path,
    extra: &[&str],
    crash: Option<&str>,
) -> Output {
    let mut args = vec![
        "run",
        job.to_str().unwrap(),
        "--input",
        data.to_str().unwrap(),
    ];
    args.extend(["--output", out.to_str().unwrap(), "--batch-rows", "700"]);
    args.extend(extra);
    let mut cmd = if ranks == 1 {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_wasmprep"));
        cmd.args(&args)
            .env("WASMPREP_CACHE_DIR", crate::cache_dir())
            .env("RUST_LOG", "warn");
        cmd
    } else {
        mpirun_command(ranks, &args)
    };
    cmd.env_remove(wasmprep::crash::VAR);
    if let Some(point) = crash {
        cmd.env(wasmprep::crash::VAR, point);
    }
    cmd.output().unwrap()
}

#[cfg(feature = "mpi")]
fn mpirun_command(ranks: usize, args: &[&str]) -> Command {
    let mut cmd = crate::mpi::mpirun(ranks, args);
    cmd.env("RUST_LOG", "warn")
        .env("OMPI_MCA_pml", "ob1")
        .env("OMPI_MCA_btl", "self,vader");
    cmd
}

#[cfg(not(feature = "mpi"))]
fn mpirun_command(_ranks: usize, _args: &[&str]) -> Command {
    unreachable!("multi-rank cases run only with MPI")
}

/// Kills a run at every crash point, resumes it, and compares with the
/// clean run: part files, quarantine files and manifest (less timings).
fn kill_anywhere_then_resume(ranks: usize) {
    let case = case();
    let expected = (
        part_files(&case.reference),
        rejected(&case.reference),
        manifest_identity(&case.reference),
    );
    for point in CRASH_POINTS {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let killed = run_once(ranks, &case.job, &case.data, &out, &[], Some(point));
        assert!(
            !killed.status.success(),
            "{ranks} rank(s), {point}: not killed\n{}",
            stderr(&killed)
        );
        assert_eq!(
            out.join("_SUCCESS").exists(),
            point == "success-written",
            "{ranks} rank(s), {point}: _SUCCESS"
        );
        let resumed = run_once(ranks, &case.job, &case.data, &out, &["--resume"], None);
        assert!(
            resumed.status.success(),
            "{ranks} rank(s), {point}: {}",
            stderr(&resumed)
        );
        let got = (part_files(&out), rejected(&out), manifest_identity(&out));
        assert!(
            got == expected,
            "{ranks} rank(s), killed at {point}: output differs from a clean run"
        );
        assert_eq!(
            leftovers(&out),
            Vec::<String>::new(),
            "{ranks} rank(s), {point}"
        );
    }
}

/// The quarantine files of an output, by name, with their bytes.
fn rejected(out: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(out.join("_rejected"))
        .map(|d| {
            d.flatten()
                .map(|e| {
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        std::fs::read(e.path()).unwrap(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Temporary files left in an output or its subdirectories.
fn leftovers(out: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for dir in [
        out.to_path_buf(),
        out.join("_commits"),
        out.join("_rejected"),
    ] {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                found.push(name);
            }
        }
    }
    found
}

#[test]
fn killed_anywhere_on_one_rank_resume_gives_the_clean_bytes() {
    kill_anywhere_then_resume(1);
}

#[cfg(feature = "mpi")]
#[test]
fn killed_anywhere_on_two_and_three_ranks_resume_gives_the_clean_bytes() {
    let _one_at_a_time = crate::exclusive();
    kill_anywhere_then_resume(2);
    kill_anywhere_then_resume(3);
}

/// A small tmpfs mounted for the test's life (tests run as root, as CI does).
struct SmallDisk {
    path: PathBuf,
}

impl SmallDisk {
    fn mount(path: &Path, size: &str) -> SmallDisk {
        std::fs::create_dir_all(path).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(path)
            .status()
            .unwrap()
            .success();
        assert!(
            ok,
            "mounting a {size} tmpfs at {} (needs root)",
            path.display()
        );
        SmallDisk {
            path: path.to_path_buf(),
        }
    }

    fn grow(&self, size: &str) {
        let ok = Command::new("mount")
            .args(["-o", &format!("remount,size={size}")])
            .arg(&self.path)
            .status()
            .unwrap()
            .success();
        assert!(ok, "growing the tmpfs");
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.path).status();
    }
}

#[test]
fn a_full_disk_fails_cleanly_and_resumes_once_there_is_room() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let sample = TaxiSample {
        rows: 60_000,
        files: 2,
        seed: 9,
        bad_rows_per_million: 0,
    };
    write_taxi_csv(&data, &sample).unwrap();
    let job = crate::taxi_job(dir.path(), |t| {
        t.replace("partition_mib = 64", "partition_mib = 1")
    });
    let reference = dir.path().join("reference");
    let run = run_once(1, &job, &data, &reference, &[], None);
    assert!(run.status.success(), "{}", stderr(&run));
    let needed: usize = part_files(&reference).iter().map(|(_, b)| b.len()).sum();

    let disk = SmallDisk::mount(&dir.path().join("disk"), &format!("{}", needed / 2));
    let out = disk.path.join("out");
    let full = run_once(1, &job, &data, &out, &[], None);
    let message = stderr(&full);
    assert_eq!(full.status.code(), Some(1), "{message}");
    assert!(message.contains("No space left on device"), "{message}");
    assert!(
        message.contains(&out.display().to_string()),
        "names the output: {message}"
    );
    assert!(
        message.contains("partition "),
        "names the partition: {message}"
    );
    assert!(!out.join("_SUCCESS").exists());
    // Every part file in sight is a committed one; nothing half-written.
    let committed = std::fs::read_dir(out.join("_commits")).unwrap().count();
    assert_eq!(part_files(&out).len(), committed);
    assert_eq!(leftovers(&out), Vec::<String>::new());

    disk.grow(&format!("{}", needed * 4));
    let resumed = run_once(1, &job, &data, &out, &["--resume"], None);
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    assert!(part_files(&out) == part_files(&reference));
    assert_eq!(manifest_identity(&out), manifest_identity(&reference));
}
