//! Breaks the plugin contract on demand, to test how the host reports it.
//! Written against the raw WIT bindings (no SDK), so nothing stops it from
//! returning malformed columns.
//!
//! Contract: reads `x` (int64), writes `y` (int64, or float64 with
//! `mode = "wrong-type"`), filters with `mode = "no-selection"`.
//! Configuration: `mode`, one of: ok, panic, loop, oom, wrong-length,
//! wrong-type, bad-utf8, no-selection, invalid-input, log-flood,
//! config-error, trap-once, panic-at (panics on a batch holding x = `at`),
//! slow (spins about `spin_ms` milliseconds per batch, then passes x on);
//! and attacks on the host's budgets: wide (20,000 output columns),
//! long-name (a 1 MiB plugin name), empty-logs (3 million empty messages),
//! forge-log (a message with a line break and a fake host line), huge-error
//! (a 20 MiB failure text), grow-then-panic (a refused allocation handled,
//! then a panic), noisy-panic (1 MiB on stderr, then a panic),
//! null-in-dropped (a null only in a dropped row of a non-nullable output),
//! long-selection (a selection bitmap longer than the rows), bad-zone (an
//! output timestamp in a zone that does not exist), alias-bomb (one large
//! buffer returned as many columns).

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
            "bad-zone" => (
                "y",
                DataType::Timestamp(TimestampType {
                    unit: TimeUnit::Millisecond,
                    timezone: Some("Not/AZone".into()),
                }),
            ),
            _ => ("y", DataType::Int64),
        };
        let mut outputs = vec![ColumnSpec {
            nullable: mode != "null-in-dropped",
            ..spec(name, data_type)
        }];
        match mode.as_str() {
            "wide" => outputs.extend((0..20_000).map(|i| spec(&format!("w{i}"), DataType::Int64))),
            "alias-bomb" => {
                outputs.extend((0..63).map(|i| spec(&format!("a{i}"), DataType::Int64)))
            }
            _ => {}
        }
        Ok(Contract {
            name: if mode == "long-name" {
                "p".repeat(1 << 20)
            } else {
                "misbehave".into()
            },
            version: "0.1.0".into(),
            inputs: vec![spec("x", DataType::Int64)],
            outputs,
            filters: matches!(
                mode.as_str(),
                "no-selection" | "null-in-dropped" | "long-selection"
            ),
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
            "empty-logs" => {
                for _ in 0..3_000_000 {
                    log(LogLevel::Info, "");
                }
            }
            "forge-log" => log(
                LogLevel::Info,
                "done\nrank=0 2026-01-01T00:00:00Z ERROR forged host line\r",
            ),
            "huge-error" => return Err(Error::Failure("e".repeat(20 << 20))),
            "grow-then-panic" => {
                let mut v: Vec<u8> = Vec::new();
                if v.try_reserve(1 << 30).is_ok() {
                    std::hint::black_box(&v);
                }
                panic!("misbehave: panicking after a refused allocation");
            }
            "noisy-panic" => {
                for i in 0..16_384 {
                    eprintln!("noise line {i:05} {}", "n".repeat(50));
                }
                panic!("misbehave: the panic after the noise");
            }
            "null-in-dropped" => {
                // Row 0 is null and dropped; every other row is kept.
                let mut validity = vec![0xffu8; n.div_ceil(8)];
                validity[0] &= !1;
                out.validity = Some(validity);
                out.null_count = 1;
                let mut keep = vec![0xffu8; n.div_ceil(8)];
                keep[0] &= !1;
                return Ok(BatchOutput {
                    columns: vec![out],
                    selection: Some(keep),
                });
            }
            "long-selection" => {
                return Ok(BatchOutput {
                    columns: vec![out],
                    selection: Some(vec![0xff; n.div_ceil(8) + 1]),
                })
            }
            "wide" | "alias-bomb" => {}
            other => return Err(Error::Failure(format!("unknown mode `{other}`"))),
        }
        let mut columns = vec![out];
        if mode() == "alias-bomb" {
            // 64 columns of one 4 MiB buffer: 256 MiB for the host to copy.
            let rows = 4 << 17;
            let big = Column {
                len: rows,
                null_count: 0,
                validity: None,
                offsets: None,
                values: vec![7u8; rows as usize * 8],
            };
            columns = (0..64).map(|_| big.clone()).collect();
        }
        Ok(BatchOutput {
            columns,
            selection: None,
        })
    }
}

export!(Misbehave);
