//! One MLflow run: found (`MLFLOW_RUN_ID`, as Azure ML gives it) or created
//! in an experiment, logged to in batches, given artifacts, ended.

use std::path::PathBuf;

use serde_json::{json, Value};

use super::client::Client;
use super::Error;

/// A run being logged to.
#[derive(Clone, Debug)]
pub struct Run {
    pub id: String,
    pub artifact_uri: String,
    /// Created here, so ended here (a run that was given is its owner's).
    pub owned: bool,
}

/// One metric value.
#[derive(Clone, Debug, PartialEq)]
pub struct Metric {
    pub key: String,
    pub value: f64,
    pub step: u64,
}

/// What MLflow takes per `log-batch` call.
const MAX_METRICS: usize = 1000;
const MAX_PARAMS: usize = 100;

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// The run to log to: `run_id` if given, else a new run named `name` in the
/// experiment (`experiment_id`, else `experiment_name`, made if missing,
/// else MLflow's default experiment).
pub fn open(
    client: &Client,
    run_id: Option<&str>,
    experiment_id: Option<&str>,
    experiment_name: Option<&str>,
    name: &str,
) -> Result<Run, Error> {
    if let Some(id) = run_id {
        let got = client.get("runs/get", &[("run_id", id)])?;
        return Ok(Run {
            id: id.to_string(),
            artifact_uri: text(&got["run"]["info"]["artifact_uri"]),
            owned: false,
        });
    }
    let experiment = match (experiment_id, experiment_name) {
        (Some(id), _) => id.to_string(),
        (None, Some(name)) => experiment_named(client, name)?,
        (None, None) => "0".to_string(),
    };
    let tags = json!([
        {"key": "mlflow.runName", "value": name},
        {"key": "mlflow.source.name", "value": "wasmprep"},
        {"key": "mlflow.source.type", "value": "JOB"},
    ]);
    let body = json!({"experiment_id": experiment, "start_time": now_ms(), "run_name": name, "tags": tags});
    let created = client.post("runs/create", &body)?;
    let info = &created["run"]["info"];
    Ok(Run {
        id: text(&info["run_id"]),
        artifact_uri: text(&info["artifact_uri"]),
        owned: true,
    })
}

fn experiment_named(client: &Client, name: &str) -> Result<String, Error> {
    match client.get("experiments/get-by-name", &[("experiment_name", name)]) {
        Ok(found) => Ok(text(&found["experiment"]["experiment_id"])),
        Err(Error::Server { status: 404, .. }) => {
            let made = client.post("experiments/create", &json!({"name": name}))?;
            Ok(text(&made["experiment_id"]))
        }
        Err(e) => Err(e),
    }
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// Logs metrics, params and tags, as many calls as MLflow's limits need.
pub fn log_batch(
    client: &Client,
    run: &Run,
    metrics: &[Metric],
    params: &[(String, String)],
    tags: &[(String, String)],
) -> Result<(), Error> {
    let timestamp = now_ms();
    let pairs = |list: &[(String, String)]| -> Vec<Value> {
        list.iter()
            .map(|(k, v)| json!({"key": k, "value": v}))
            .collect()
    };
    let metric = |m: &Metric| json!({"key": m.key, "value": m.value, "timestamp": timestamp, "step": m.step});
    let calls = metrics
        .len()
        .div_ceil(MAX_METRICS)
        .max(params.len().div_ceil(MAX_PARAMS))
        .max(1);
    for i in 0..calls {
        let chunk = |len: usize, max: usize| (i * max).min(len)..((i + 1) * max).min(len);
        let body = json!({
            "run_id": run.id,
            "metrics": metrics[chunk(metrics.len(), MAX_METRICS)].iter().map(metric).collect::<Vec<_>>(),
            "params": pairs(&params[chunk(params.len(), MAX_PARAMS)]),
            "tags": if i == 0 { pairs(tags) } else { Vec::new() },
        });
        client.post("runs/log-batch", &body)?;
    }
    Ok(())
}

/// Ends a run this client created (`FINISHED` or `FAILED`).
pub fn end(client: &Client, run: &Run, ok: bool) -> Result<(), Error> {
    if !run.owned {
        return Ok(());
    }
    let status = if ok { "FINISHED" } else { "FAILED" };
    let body = json!({"run_id": run.id, "status": status, "end_time": now_ms()});
    client.post("runs/update", &body).map(|_| ())
}

/// Where an artifact went.
#[derive(Debug)]
pub enum Stored {
    /// Uploaded to the server (`mlflow-artifacts:`, proxied).
    Server,
    /// Written to a directory: a `file:` store, or the job's `outputs/`,
    /// which Azure ML uploads to the run's artifacts.
    Local(PathBuf),
}

/// Stores `bytes` as the artifact `name` (`wasmprep/manifest.json`) of the
/// run, wherever its artifact URI says.
pub fn store_artifact(
    client: &Client,
    run: &Run,
    name: &str,
    bytes: &[u8],
) -> Result<Stored, Error> {
    let uri = run.artifact_uri.as_str();
    if let Some(rest) = uri.strip_prefix("mlflow-artifacts:") {
        let path = strip_authority(rest).trim_matches('/');
        client.put(
            &format!("api/2.0/mlflow-artifacts/artifacts/{path}/{name}"),
            bytes,
        )?;
        return Ok(Stored::Server);
    }
    let dir = if let Some(rest) = uri.strip_prefix("file:") {
        PathBuf::from(strip_authority(rest))
    } else if uri.starts_with('/') {
        PathBuf::from(uri)
    } else if uri.starts_with("azureml:") {
        PathBuf::from("outputs")
    } else {
        return Err(Error::Artifacts(format!(
            "the run keeps its artifacts at {uri}, which wasmprep cannot write to"
        )));
    };
    let path = dir.join(name);
    let written = path
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(&path, bytes));
    written.map_err(|e| Error::Artifacts(format!("{}: {e}", path.display())))?;
    Ok(Stored::Local(path))
}

/// `//host/path` → `/path`; anything else as is.
fn strip_authority(rest: &str) -> &str {
    match rest.strip_prefix("//") {
        Some(after) => after.find('/').map_or("", |i| &after[i..]),
        None => rest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artifact_uris_lose_their_authority_only() {
        assert_eq!(
            strip_authority("//host:5000/1/abc/artifacts"),
            "/1/abc/artifacts"
        );
        assert_eq!(strip_authority("/1/abc/artifacts"), "/1/abc/artifacts");
        assert_eq!(strip_authority("//host"), "");
    }

    #[test]
    fn local_artifact_stores_are_written_and_unknown_ones_refused() {
        let dir = tempfile::tempdir().unwrap();
        let endpoint = super::super::Endpoint::from_env(|k| {
            (k == "MLFLOW_TRACKING_URI").then(|| "http://127.0.0.1:9".to_string())
        })
        .unwrap()
        .unwrap();
        let client = Client::new(endpoint, std::time::Duration::from_millis(200));
        let mut run = Run {
            id: "r".into(),
            artifact_uri: format!("file://{}", dir.path().display()),
            owned: true,
        };
        let stored = store_artifact(&client, &run, "wasmprep/m.json", b"{}").unwrap();
        assert!(matches!(stored, Stored::Local(p) if p == dir.path().join("wasmprep/m.json")));
        assert_eq!(
            std::fs::read(dir.path().join("wasmprep/m.json")).unwrap(),
            b"{}"
        );
        run.artifact_uri = "s3://bucket/runs/r".into();
        let refused = store_artifact(&client, &run, "x", b"").unwrap_err();
        assert!(
            refused.to_string().contains("s3://bucket/runs/r"),
            "{refused}"
        );
    }
}
