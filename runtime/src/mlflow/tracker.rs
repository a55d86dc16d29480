//! Rank 0's MLflow logger: an observer of the run's progress whose requests
//! go out on a thread of their own.

use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::client::Client;
use super::endpoint::Endpoint;
use super::run::{self, Metric, Run, Stored};
use super::Error;
use crate::exec::{Progress, ProgressObserver, RunStart};

/// How the tracker behaves; [`Settings::from_env`] reads the environment.
#[derive(Clone, Debug)]
pub struct Settings {
    pub endpoint: Endpoint,
    /// `MLFLOW_RUN_ID`: log to this run (Azure ML's job run) instead of
    /// creating one.
    pub run_id: Option<String>,
    pub experiment_id: Option<String>,
    pub experiment_name: Option<String>,
    /// The new run's name (the job's).
    pub run_name: String,
    /// Progress metrics at most this often (`WASMPREP_MLFLOW_EVERY_SECS`,
    /// 10 s), and only after a partition was committed.
    pub every: Duration,
    /// Each request's bound (`WASMPREP_MLFLOW_TIMEOUT_SECS`, 10 s).
    pub timeout: Duration,
}

impl Settings {
    /// The settings of a job named `job` from the environment: `Ok(None)`
    /// when no tracking server is named.
    pub fn from_env(job: &str) -> Result<Option<Settings>, Error> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let Some(endpoint) = Endpoint::from_env(var)? else {
            return Ok(None);
        };
        let seconds = |k: &str, default: f64| {
            let secs = var(k)
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(default);
            Duration::from_secs_f64(secs.clamp(0.0, 3600.0))
        };
        Ok(Some(Settings {
            endpoint,
            run_id: var("MLFLOW_RUN_ID"),
            experiment_id: var("MLFLOW_EXPERIMENT_ID"),
            experiment_name: var("MLFLOW_EXPERIMENT_NAME"),
            run_name: job.to_string(),
            every: seconds("WASMPREP_MLFLOW_EVERY_SECS", 10.0),
            timeout: seconds("WASMPREP_MLFLOW_TIMEOUT_SECS", 10.0).max(Duration::from_millis(100)),
        }))
    }
}

/// How the job ended, for the last batch.
#[derive(Debug, Default)]
pub struct Ending {
    pub ok: bool,
    /// The error, when it failed (a tag of the run).
    pub error: Option<String>,
    /// Final figures, logged at `step`.
    pub metrics: Vec<(String, f64)>,
    pub step: u64,
    /// Files to store as artifacts (`wasmprep/manifest.json`, ...).
    pub artifacts: Vec<(String, Vec<u8>)>,
}

enum Message {
    Params(Vec<(String, String)>),
    Metrics(Vec<Metric>),
    End(Ending),
}

/// Logs a run to MLflow; see the [module](super) for the guarantees.
#[derive(Debug)]
pub struct Tracker {
    to_worker: Mutex<Option<Sender<Message>>>,
    finished: Mutex<Receiver<()>>,
    every: Duration,
    /// When progress was last sent, and how many partitions were done then.
    last: Mutex<(Instant, usize)>,
    /// How long the end waits for the last requests.
    end_wait: Duration,
}

impl Tracker {
    /// Starts the tracker's thread (nothing is sent before the run starts).
    pub fn start(settings: Settings) -> Tracker {
        let (to_worker, messages) = channel();
        let (done, finished) = channel();
        let every = settings.every;
        let end_wait = settings.timeout * 3;
        std::thread::Builder::new()
            .name("mlflow".into())
            .spawn(move || {
                work(&settings, messages);
                let _ = done.send(());
            })
            .expect("starting the MLflow thread");
        Tracker {
            to_worker: Mutex::new(Some(to_worker)),
            finished: Mutex::new(finished),
            every,
            last: Mutex::new((Instant::now(), 0)),
            end_wait,
        }
    }

    fn send(&self, message: Message) {
        let sender = self.to_worker.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = sender.as_ref() {
            let _ = s.send(message);
        }
    }

    /// Sends the end of the run, then waits a bounded time for the thread
    /// to finish its requests (it is left behind if the server is slow).
    pub fn end(&self, ending: Ending) {
        self.send(Message::End(ending));
        self.to_worker
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        let finished = self.finished.lock().unwrap_or_else(|e| e.into_inner());
        if finished.recv_timeout(self.end_wait).is_err() {
            tracing::warn!(
                "MLflow: the tracking server did not answer within {:?}; the job's last figures may \
                 be missing from the run",
                self.end_wait
            );
        }
    }
}

impl ProgressObserver for Tracker {
    fn start(&self, run: &RunStart<'_>) {
        self.send(Message::Params(params(run)));
    }

    fn update(&self, p: &Progress) {
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if p.done == last.1 || last.0.elapsed() < self.every {
            return;
        }
        *last = (Instant::now(), p.done);
        self.send(Message::Metrics(progress_metrics(p)));
    }
}

/// The run's parameters: what it computes and where it ran.
fn params(run: &RunStart<'_>) -> Vec<(String, String)> {
    let mut p = vec![
        ("job".to_string(), run.job.to_string()),
        ("job_digest".to_string(), run.job_digest.to_string()),
        ("ranks".to_string(), run.ranks.to_string()),
        ("threads".to_string(), run.threads.to_string()),
        ("launcher".to_string(), run.launcher.to_string()),
        (
            "partitions".to_string(),
            (run.partitions + run.resumed).to_string(),
        ),
        (
            "wasmprep_version".to_string(),
            crate::version::LINE.to_string(),
        ),
    ];
    for (i, plugin) in run.plugins.iter().enumerate() {
        p.push((
            format!("plugin.{i}.name"),
            format!("{} {}", plugin.name, plugin.version),
        ));
        p.push((format!("plugin.{i}.sha256"), plugin.sha256.clone()));
    }
    p
}

/// Progress as metrics, at the step of partitions done.
fn progress_metrics(p: &Progress) -> Vec<Metric> {
    let step = p.done as u64;
    let secs = p.elapsed.as_secs_f64().max(1e-9);
    [
        ("partitions_done", p.done as f64),
        ("rows_read", p.rows as f64),
        ("rows_filtered", p.rows_filtered as f64),
        ("rows_rejected", p.rows_rejected as f64),
        ("rows_written", p.rows_written as f64),
        ("mb_per_s", p.bytes as f64 / 1e6 / secs),
    ]
    .into_iter()
    .map(|(key, value)| Metric {
        key: key.to_string(),
        value,
        step,
    })
    .collect()
}

/// The thread: opens the run at the first message, then logs each; the
/// first failure is one warning, after which messages are dropped.
fn work(settings: &Settings, messages: Receiver<Message>) {
    let client = Client::new(settings.endpoint.clone(), settings.timeout);
    let mut run: Option<Run> = None;
    let mut failed = false;
    for message in messages {
        let end = matches!(message, Message::End(_));
        if !failed {
            if let Err(e) = handle(&client, settings, &mut run, message) {
                tracing::warn!(
                    "MLflow: not logging to {} ({e}); the job goes on without it",
                    settings.endpoint.base
                );
                failed = true;
            }
        }
        if end {
            break;
        }
    }
}

fn handle(
    client: &Client,
    s: &Settings,
    run: &mut Option<Run>,
    message: Message,
) -> Result<(), Error> {
    let run = match run {
        Some(run) => run,
        None => {
            let opened = run::open(
                client,
                s.run_id.as_deref(),
                s.experiment_id.as_deref(),
                s.experiment_name.as_deref(),
                &s.run_name,
            )?;
            run.insert(opened)
        }
    };
    match message {
        Message::Params(params) => run::log_batch(client, run, &[], &params, &[]),
        Message::Metrics(metrics) => run::log_batch(client, run, &metrics, &[], &[]),
        Message::End(ending) => finish(client, run, ending),
    }
}

fn finish(client: &Client, run: &Run, ending: Ending) -> Result<(), Error> {
    let metrics: Vec<Metric> = ending
        .metrics
        .iter()
        .map(|(key, value)| Metric {
            key: key.clone(),
            value: *value,
            step: ending.step,
        })
        .collect();
    let tags: Vec<(String, String)> = ending
        .error
        .iter()
        .map(|e| ("wasmprep.error".to_string(), e.chars().take(4000).collect()))
        .collect();
    run::log_batch(client, run, &metrics, &[], &tags)?;
    let mut stored = Vec::new();
    for (name, bytes) in &ending.artifacts {
        stored.push(run::store_artifact(client, run, name, bytes)?);
    }
    run::end(client, run, ending.ok)?;
    let local: Vec<String> = stored
        .iter()
        .filter_map(|s| match s {
            Stored::Local(p) => Some(p.display().to_string()),
            Stored::Server => None,
        })
        .collect();
    tracing::info!(
        run = run.id.as_str(),
        server = client.endpoint().base.as_str(),
        "Logged to MLflow."
    );
    if !local.is_empty() {
        tracing::debug!("MLflow artifacts written to {}", local.join(", "));
    }
    Ok(())
}
