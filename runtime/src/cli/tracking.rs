//! Rank 0's run tracking in MLflow, when `MLFLOW_TRACKING_URI` names a
//! server (see `wasmprep::mlflow`); a build without the `mlflow` feature
//! says it cannot.

use std::sync::Arc;

use wasmprep::exec;
use wasmprep::job::Job;

#[cfg(feature = "mlflow")]
pub use with_mlflow::{end, start};
#[cfg(not(feature = "mlflow"))]
pub use without_mlflow::{end, start};

#[cfg(feature = "mlflow")]
mod with_mlflow {
    use super::*;
    use wasmprep::mlflow::{Ending, Settings, Tracker};

    /// The tracker of `job`'s run, if the environment names a server.
    pub fn start(job: &Job) -> Option<Arc<Tracker>> {
        match Settings::from_env(&job.name) {
            Ok(Some(settings)) => {
                tracing::info!(
                    server = settings.endpoint.base.as_str(),
                    "Logging the run to MLflow."
                );
                Some(Arc::new(Tracker::start(settings)))
            }
            Ok(None) => None,
            Err(e) => {
                tracing::warn!("MLflow: {e}; the run is not logged");
                None
            }
        }
    }

    /// Logs how the run ended: its final figures and artifacts (the
    /// manifest and the report), or its error.
    pub fn end(
        tracker: &Tracker,
        outcome: &exec::Result<exec::Summary>,
        report: Option<serde_json::Value>,
    ) {
        let ending = match outcome {
            Ok(summary) => Ending {
                ok: true,
                error: None,
                metrics: final_metrics(summary),
                step: summary.totals.partitions as u64,
                artifacts: artifacts(summary, report),
            },
            Err(e) => Ending {
                error: Some(wasmprep::error::chain(e)),
                ..Ending::default()
            },
        };
        tracker.end(ending);
    }

    fn final_metrics(s: &exec::Summary) -> Vec<(String, f64)> {
        let t = &s.totals;
        let mut m: Vec<(String, f64)> = [
            ("seconds", s.seconds),
            ("mb_per_s", s.input_bytes as f64 / 1e6 / s.seconds.max(1e-9)),
            ("input_mb", s.input_bytes as f64 / 1e6),
            ("partitions", t.partitions as f64),
            ("partitions_resumed", s.resumed as f64),
            ("rows_read", t.rows_read as f64),
            ("rows_filtered", t.rows_filtered as f64),
            ("rows_rejected", t.rows_rejected as f64),
            ("rows_written", t.rows_written as f64),
            ("bytes_written", t.bytes_written as f64),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        for r in &s.ranks {
            m.push((format!("rank_{}_busy_pct", r.rank), 100.0 * r.busy()));
            m.push((format!("rank_{}_partitions", r.rank), r.partitions as f64));
        }
        m
    }

    fn artifacts(s: &exec::Summary, report: Option<serde_json::Value>) -> Vec<(String, Vec<u8>)> {
        let mut files = Vec::new();
        match std::fs::read(s.output.join("_manifest.json")) {
            Ok(bytes) => files.push(("wasmprep/manifest.json".to_string(), bytes)),
            Err(e) => tracing::warn!("MLflow: not logging the manifest: {e}"),
        }
        if let Some(report) = report {
            let bytes = serde_json::to_vec_pretty(&report).expect("reports serialize");
            files.push(("wasmprep/report.json".to_string(), bytes));
        }
        files
    }
}

#[cfg(not(feature = "mlflow"))]
mod without_mlflow {
    use super::*;

    /// Stands in for the tracker in a build without MLflow.
    #[derive(Debug)]
    pub struct NoTracker;

    impl exec::ProgressObserver for NoTracker {
        fn update(&self, _: &exec::Progress) {}
    }

    pub fn start(_job: &Job) -> Option<Arc<NoTracker>> {
        if std::env::var_os("MLFLOW_TRACKING_URI").is_some() {
            tracing::warn!("MLflow: this wasmprep is built without the `mlflow` feature; the run is not logged");
        }
        None
    }

    pub fn end(_: &NoTracker, _: &exec::Result<exec::Summary>, _: Option<serde_json::Value>) {}
}
