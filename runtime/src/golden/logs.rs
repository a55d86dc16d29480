//! What a plugin logs during a golden case: every message it writes (with
//! the host's `log`, or on stdout and stderr), as `level: message` lines,
//! collected from the host's `tracing` events that carry the plugin's name.

use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// Runs `f` with every plugin log message of this thread collected, and
/// returns them with `f`'s result.
pub fn capture<T>(f: impl FnOnce() -> T) -> (T, Vec<String>) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let subscriber = tracing_subscriber::registry().with(Collector {
        lines: Arc::clone(&lines),
    });
    let result = tracing::subscriber::with_default(subscriber, f);
    let lines = std::mem::take(&mut *lines.lock().unwrap_or_else(|e| e.into_inner()));
    (result, lines)
}

/// The lines of a `logs.txt`: blank lines and surrounding spaces ignored.
pub fn expected(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

struct Collector {
    lines: Arc<Mutex<Vec<String>>>,
}

impl<S: Subscriber> Layer<S> for Collector {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        if fields.plugin.is_none() {
            return;
        }
        let line = format!(
            "{}: {}",
            level_name(*event.metadata().level()),
            fields.message
        );
        self.lines
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(line);
    }
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::TRACE => "trace",
        Level::DEBUG => "debug",
        Level::INFO => "info",
        Level::WARN => "warn",
        Level::ERROR => "error",
    }
}

#[derive(Default)]
struct Fields {
    plugin: Option<String>,
    message: String,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "plugin" => self.plugin = Some(value.to_string()),
            "message" => self.message = value.to_string(),
            _ => {}
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        match field.name() {
            "plugin" => self.plugin = Some(format!("{value:?}")),
            "message" => self.message = format!("{value:?}"),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_plugin_messages_only_with_their_level() {
        let ((), lines) = capture(|| {
            tracing::trace!(plugin = "p", "fine detail");
            tracing::info!("the host's own line");
            tracing::error!(plugin = "p", "bad {}", 42);
        });
        assert_eq!(lines, ["trace: fine detail", "error: bad 42"]);
    }

    #[test]
    fn expected_lines_ignore_blank_lines_and_edges() {
        assert_eq!(expected("\n info: a \n\nwarn: b\n"), ["info: a", "warn: b"]);
    }
}
