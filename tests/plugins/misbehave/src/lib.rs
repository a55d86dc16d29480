//! Breaks the plugin contract on demand, to test how the host reports it.
//! Written against the raw WIT bindings (no SDK), so nothing stops it from
//! returning malformed columns.
//!
//! Contract: reads `x` (int64), writes `y` (int64, or float64 with
//! `mode = "wrong-type"`), filters with `mode = "no-selection"`.
//! Configuration: `mode`, one of: ok, panic, loop, oom, wrong-length,
//! wrong-type, bad-utf8, no-selection, invalid-input, log-flood,
//! config-error, trap-once, panic-at (panics on a batch holding x = `at`),
//! slow (spins about `spin_ms` milliseconds per batch, then passes x on).

wit_bindgen::generate!({
    path: "../../../sdk/wit",
    world: "plugin",
});

use exports::wasmprep::plugin::transform::Guest;
use wasmprep::plugin::host::log;
use wasmprep::plugin::types::*;

struct Misbehave;

static MODE: std::sync::Mutex<String> = std::sync::Mutex::new(String::new());
static AT: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(-1);
static SPIN_MS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn mode() -> String {
    MODE.lock().unwrap().clone()
}

fn spec(name: &str, data_type: DataType) -> ColumnSpec {
    ColumnSpec {
        name: name.into(),
        data_type,
        nullable: true,
    }
}

impl Guest for Misbehave {
    fn configure(config: Config) -> Result<Contract, Error> {
        let mode = config
            .iter()
            .find(|(k, _)| k == "mode")
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| "ok".into());
        if mode == "config-error" {
            return Err(Error::InvalidConfig(
                "mode config-error refuses every configuration".into(),
            ));
        }
        *MODE.lock().unwrap() = mode.clone();
        let number = |key: &str| {
            config
                .iter()
                .find(|(k, _)| k == key)
                .and_then(|(_, v)| v.parse::<i64>().ok())
        };
        AT.store(
            number("at").unwrap_or(-1),
            std::sync::atomic::Ordering::SeqCst,
        );
        SPIN_MS.store(
            number("spin_ms").unwrap_or(50) as u64,
            std::sync::atomic::Ordering::SeqCst,
        );
        let (name, data_type) = match mode.as_str() {
            "wrong-type" => ("y", DataType::Float64),
            "bad-utf8" => ("y", DataType::Utf8),
            _ => ("y", DataType::Int64),
        };
        Ok(Contract {
            name: "misbehave".into(),
            version: "0.1.0".into(),
            inputs: vec![spec("x", DataType::Int64)],
            outputs: vec![spec(name, data_type)],
            filters: mode == "no-selection",
        })
    }

    fn process(columns: Vec<Column>) -> Result<BatchOutput, Error> {
        let x = columns
            .into_iter()
            .next()
            .ok_or_else(|| Error::Failure("no input".into()))?;
        let n = x.len as usize;
        let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let column = |len: u32, values: Vec<u8>| Column {
            len,
            null_count: 0,
            validity: None,
            offsets: None,
            values,
        };
        let mut out = column(n as u32, x.values.clone());
        match mode().as_str() {
            "ok" => {}
            "panic" => panic!("misbehave: panicking on purpose in batch of {n} rows"),
            "trap-once" if call == 0 => panic!("misbehave: trapping on the first batch only"),
            "trap-once" => {}
            "loop" => {
                let mut i: u64 = 0;
                loop {
                    i = std::hint::black_box(i.wrapping_add(1));
                }
            }
            "oom" => {
                let mut hoard: Vec<Vec<u8>> = Vec::new();
                loop {
                    hoard.push(vec![1u8; 16 << 20]);
                    std::hint::black_box(&hoard);
                }
            }
            "wrong-length" => {
                out = column(
                    n.saturating_sub(1) as u32,
                    x.values[..n.saturating_sub(1) * 8].to_vec(),
                )
            }
            // Declared float64, but 4 bytes per row.
            "wrong-type" => out = column(n as u32, vec![0u8; n * 4]),
            "bad-utf8" => {
                out = column(n as u32, vec![0xff; n]);
                out.offsets = Some((0..=n as i32).flat_map(|i| i.to_le_bytes()).collect());
            }
            "no-selection" => {}
            "panic-at" => {
                let at = AT.load(std::sync::atomic::Ordering::SeqCst);
                let hit = x
                    .values
                    .chunks_exact(8)
                    .any(|v| i64::from_le_bytes(v.try_into().unwrap()) == at);
                if hit {
                    panic!("misbehave: x = {at} is in this batch");
                }
            }
            "slow" => {
                // No clock without a grant: spin a calibrated number of steps.
                let steps = SPIN_MS.load(std::sync::atomic::Ordering::SeqCst) * 400_000;
                let mut acc: u64 = 0;
                for i in 0..steps {
                    acc = std::hint::black_box(acc.wrapping_mul(31).wrapping_add(i));
                }
                std::hint::black_box(acc);
            }
            "invalid-input" => {
                return Err(Error::InvalidInput(InputError {
                    message: "x must be even".into(),
                    row: Some(2),
                    column: Some("x".into()),
                }))
            }
            "log-flood" => {
                for i in 0..10_000 {
                    log(LogLevel::Info, &format!("message {i}: {}", "x".repeat(100)));
                }
                println!("printed on stdout");
                eprintln!("printed on stderr");
            }
            other => return Err(Error::Failure(format!("unknown mode `{other}`"))),
        }
        Ok(BatchOutput {
            columns: vec![out],
            selection: None,
        })
    }
}

export!(Misbehave);
