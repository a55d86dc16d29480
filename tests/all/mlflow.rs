//! Runs logged to a real MLflow tracking server (`mlflow server` from PyPI,
//! in `.venv-mlflow`, started here on localhost), read back through its
//! REST API: parameters, metric histories and artifacts of a job on 2 MPI
//! ranks; a run given by `MLFLOW_RUN_ID` (as Azure ML gives one) left to its
//! owner; a failed job marked so; and a server that is down or never
//! answers costing one warning and nothing else.

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use wasmprep::sample::{write_taxi_csv, TaxiSample};

use crate::mpi::{mpirun, run};
use crate::{manifest, part_digests, root, taxi_job};

/// An `mlflow server` on a free port, killed when dropped.
struct Server {
    child: Child,
    base: String,
    agent: ureq::Agent,
}

impl Server {
    fn start(dir: &Path) -> Server {
        let mlflow = root().join(".venv-mlflow/bin/mlflow");
        assert!(
            mlflow.exists(),
            "{} is missing: run `make deps`",
            mlflow.display()
        );
        let port = free_port();
        // In a process group of its own: its workers are killed with it.
        let child = Command::new(mlflow)
            .process_group(0)
            .args([
                "server",
                "--host",
                "127.0.0.1",
                "--port",
                &port.to_string(),
                "--workers",
                "1",
            ])
            .arg("--backend-store-uri")
            .arg(format!("sqlite:///{}", dir.join("mlflow.db").display()))
            .arg("--artifacts-destination")
            .arg(dir.join("artifacts"))
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("server.log")).unwrap())
            .spawn()
            .unwrap();
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        let server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            agent,
        };
        let started = Instant::now();
        while server
            .agent
            .get(format!("{}/health", server.base))
            .call()
            .is_err()
        {
            let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
            assert!(
                started.elapsed() < Duration::from_secs(90),
                "mlflow server did not start:\n{log}"
            );
            std::thread::sleep(Duration::from_millis(250));
        }
        server
    }

    fn get(&self, call: &str, query: &[(&str, &str)]) -> Value {
        let mut request = self
            .agent
            .get(format!("{}/api/2.0/mlflow/{call}", self.base));
        for (k, v) in query {
            request = request.query(*k, *v);
        }
        let mut response = request.call().unwrap();
        let text = response.body_mut().read_to_string().unwrap();
        assert_eq!(response.status(), 200, "{call}: {text}");
        serde_json::from_str(&text).unwrap()
    }

    fn post(&self, call: &str, body: Value) -> Value {
        let mut response = self
            .agent
            .post(format!("{}/api/2.0/mlflow/{call}", self.base))
            .content_type("application/json")
            .send(body.to_string())
            .unwrap();
        let text = response.body_mut().read_to_string().unwrap();
        assert_eq!(response.status(), 200, "{call}: {text}");
        serde_json::from_str(&text).unwrap()
    }

    fn artifact(&self, run: &Value, path: &str) -> Vec<u8> {
        let uri = run["info"]["artifact_uri"].as_str().unwrap();
        let under = uri.strip_prefix("mlflow-artifacts:/").unwrap();
        let url = format!(
            "{}/api/2.0/mlflow-artifacts/artifacts/{under}/{path}",
            self.base
        );
        let mut response = self.agent.get(url).call().unwrap();
        assert_eq!(response.status(), 200, "{path}");
        response.body_mut().read_to_vec().unwrap()
    }

    /// The runs of the experiment called `name`.
    fn runs(&self, name: &str) -> Vec<Value> {
        let experiment = self.get("experiments/get-by-name", &[("experiment_name", name)]);
        let id = experiment["experiment"]["experiment_id"].clone();
        let found = self.post("runs/search", json!({"experiment_ids": [id]}));
        found["runs"].as_array().cloned().unwrap_or_default()
    }

    fn history(&self, run: &str, key: &str) -> Vec<(u64, f64)> {
        let h = self.get(
            "metrics/get-history",
            &[("run_id", run), ("metric_key", key)],
        );
        h["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| (m["step"].as_u64().unwrap(), m["value"].as_f64().unwrap()))
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn params(run: &Value) -> serde_json::Map<String, Value> {
    run["data"]["params"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["key"].as_str().unwrap().to_string(), p["value"].clone()))
        .collect()
}

fn metric(run: &Value, key: &str) -> f64 {
    run["data"]["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["key"] == key)
        .unwrap_or_else(|| panic!("no metric {key}"))["value"]
        .as_f64()
        .unwrap()
}

/// A taxi sample and the job over it, in small partitions.
fn job_and_data(dir: &Path) -> (PathBuf, PathBuf) {
    let data = dir.join("data");
    let sample = TaxiSample {
        rows: 6000,
        files: 2,
        ..Default::default()
    };
    write_taxi_csv(&data, &sample).unwrap();
    let job = taxi_job(dir, |t| {
        t.replace("partition_mib = 64", "partition_mib = 0.2")
    });
    (job, data)
}

/// `wasmprep run` on 2 MPI ranks with `env`.
fn run_logged(job: &Path, data: &Path, out: &Path, env: &[(&str, &str)]) -> Output {
    let mut cmd = mpirun(
        2,
        &[
            "run",
            job.to_str().unwrap(),
            "--input",
            data.to_str().unwrap(),
        ],
    );
    cmd.arg("--output").arg(out);
    for (k, v) in env {
        cmd.env(k, v);
    }
    run(cmd)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_job_on_two_ranks_logs_params_metric_histories_and_artifacts_from_rank_0() {
    let _one_at_a_time = crate::exclusive();
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let (job, data) = job_and_data(dir.path());
    let out = dir.path().join("out");
    let env = [
        ("MLFLOW_TRACKING_URI", server.base.as_str()),
        ("MLFLOW_EXPERIMENT_NAME", "taxi"),
        ("WASMPREP_MLFLOW_EVERY_SECS", "0"),
    ];
    let result = run_logged(&job, &data, &out, &env);
    assert!(result.status.success(), "{}", stderr(&result));
    assert!(!stderr(&result).contains("WARN"), "{}", stderr(&result));

    let runs = server.runs("taxi");
    assert_eq!(runs.len(), 1, "one run, from rank 0: {runs:?}");
    let id = runs[0]["info"]["run_id"].as_str().unwrap().to_string();
    let run = &server.get("runs/get", &[("run_id", &id)])["run"];
    assert_eq!(run["info"]["status"], "FINISHED");
    let m = manifest(&out);
    let p = params(run);
    assert_eq!(p["job"], "nyc-taxi");
    assert_eq!(p["job_digest"], m["job_digest"]);
    assert_eq!(p["ranks"], "2");
    assert_eq!(p["wasmprep_version"], wasmprep::version::LINE);
    assert_eq!(p["plugin.0.name"], "taxi-clean 0.1.0");
    assert_eq!(p["plugin.1.sha256"], m["plugins"][1]["sha256"]);

    let totals = &m["totals"];
    let partitions = totals["partitions"].as_u64().unwrap();
    assert!(partitions >= 4, "{partitions} partitions");
    let done = server.history(&id, "partitions_done");
    assert!(done.len() >= 2, "progress while running: {done:?}");
    assert!(
        done.windows(2)
            .all(|w| w[0].0 <= w[1].0 && w[0].1 <= w[1].1),
        "{done:?}"
    );
    let read = server.history(&id, "rows_read");
    assert_eq!(
        read.last().unwrap().1,
        totals["rows_read"].as_f64().unwrap()
    );
    assert_eq!(
        metric(run, "rows_written"),
        totals["rows_written"].as_f64().unwrap()
    );
    assert_eq!(
        metric(run, "rows_filtered"),
        totals["rows_filtered"].as_f64().unwrap()
    );
    assert_eq!(metric(run, "partitions"), partitions as f64);
    for rank in 0..2 {
        let busy = metric(run, &format!("rank_{rank}_busy_pct"));
        assert!((0.0..=100.0).contains(&busy), "{busy}");
    }
    let logged = server.artifact(run, "wasmprep/manifest.json");
    assert_eq!(logged, std::fs::read(out.join("_manifest.json")).unwrap());
    let report: Value =
        serde_json::from_slice(&server.artifact(run, "wasmprep/report.json")).unwrap();
    assert_eq!(report["totals"], *totals);
    assert_eq!(report["ranks"].as_array().unwrap().len(), 2);
}

#[test]
fn a_given_run_is_logged_to_and_left_open_and_a_failed_job_is_marked_failed() {
    let _one_at_a_time = crate::exclusive();
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let (job, data) = job_and_data(dir.path());
    // As Azure ML does: the run exists, the job is told its id.
    let given = server.post(
        "runs/create",
        json!({"experiment_id": "0", "run_name": "azureml-job"}),
    );
    let id = given["run"]["info"]["run_id"].as_str().unwrap().to_string();
    let env = [
        ("MLFLOW_TRACKING_URI", server.base.as_str()),
        ("MLFLOW_RUN_ID", id.as_str()),
    ];
    let result = run_logged(&job, &data, &dir.path().join("out"), &env);
    assert!(result.status.success(), "{}", stderr(&result));
    let run = &server.get("runs/get", &[("run_id", &id)])["run"];
    assert_eq!(run["info"]["status"], "RUNNING", "its owner ends it");
    assert_eq!(params(run)["job"], "nyc-taxi");
    assert!(metric(run, "rows_written") > 0.0);

    // A row that does not parse stops the job: the run says so.
    std::fs::write(data.join("zz-bad.csv"), bad_csv(&data)).unwrap();
    let env = [
        ("MLFLOW_TRACKING_URI", server.base.as_str()),
        ("MLFLOW_EXPERIMENT_NAME", "failing"),
    ];
    let result = run_logged(&job, &data, &dir.path().join("out-bad"), &env);
    assert!(!result.status.success());
    let runs = server.runs("failing");
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0]["info"]["status"], "FAILED");
    let tags = runs[0]["data"]["tags"].as_array().unwrap();
    let error = tags
        .iter()
        .find(|t| t["key"] == "wasmprep.error")
        .expect("the error tag");
    assert!(
        error["value"].as_str().unwrap().contains("zz-bad.csv"),
        "{error}"
    );
}

/// A copy of the sample's first file with a text where VendorID's integer goes.
fn bad_csv(data: &Path) -> String {
    let first = std::fs::read_dir(data)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .min()
        .unwrap();
    let text = std::fs::read_to_string(first).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let row = lines.next().unwrap();
    let (_, rest) = row.split_once(',').unwrap();
    format!("{header}\n{row}\nnot-a-number,{rest}\n")
}

#[test]
fn a_server_that_is_down_or_never_answers_costs_one_warning_and_nothing_else() {
    let _one_at_a_time = crate::exclusive();
    let dir = tempfile::tempdir().unwrap();
    let (job, data) = job_and_data(dir.path());
    let plain = dir.path().join("plain");
    let result = run_logged(&job, &data, &plain, &[]);
    assert!(result.status.success(), "{}", stderr(&result));

    // Accepts connections and never answers.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_uri = format!("http://{}", silent.local_addr().unwrap());
    let down_uri = format!("http://127.0.0.1:{}", free_port());
    for (name, uri) in [
        ("down", down_uri),
        ("silent", silent_uri),
        ("file", "file:///tmp/mlruns".into()),
    ] {
        let out = dir.path().join(name);
        let env = [
            ("MLFLOW_TRACKING_URI", uri.as_str()),
            ("WASMPREP_MLFLOW_TIMEOUT_SECS", "1"),
            ("WASMPREP_MLFLOW_EVERY_SECS", "0"),
        ];
        let result = run_logged(&job, &data, &out, &env);
        let err = stderr(&result);
        assert!(result.status.success(), "{name}: {err}");
        let warnings = err
            .lines()
            .filter(|l| l.contains("WARN") && l.contains("MLflow"))
            .count();
        assert_eq!(warnings, 1, "{name}: {err}");
        assert_eq!(part_digests(&out), part_digests(&plain), "{name}");
    }
    drop(silent);
}
