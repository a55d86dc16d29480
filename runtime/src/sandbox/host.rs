//! The store's host state: WASI context, memory limiter, and the plugin's
//! log (its `host.log` calls and anything it prints on stdout/stderr).

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use wasmtime::component::ResourceTable;
use wasmtime::ResourceLimiter;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamResult};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use super::bindings::wasmprep::plugin::host::Host;
use super::bindings::wasmprep::plugin::types::{Host as TypesHost, LogLevel};
use super::policy::Limits;

/// State of one plugin instance's store.
pub(crate) struct HostState {
    pub wasi: WasiCtx,
    pub table: ResourceTable,
    pub memory: MemoryLimiter,
    pub log: PluginLog,
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// Caps linear memory growth and remembers the refusal, so a trap that
/// follows can be reported as "memory cap" rather than a bare trap.
pub(crate) struct MemoryLimiter {
    pub limit: usize,
    pub refused: Option<usize>,
}

impl ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.limit {
            self.refused = Some(desired);
            return Ok(false);
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 1_000_000)
    }
}

/// Where a plugin's messages go: `tracing`, under the plugin's name, within
/// the limits' caps.
pub(crate) struct PluginLog {
    pub plugin: String,
    message_cap: usize,
    call_budget: usize,
    used: usize,
    dropped: usize,
    /// What the plugin wrote on stdout and stderr during the current call.
    pub stdout: CapturedOutput,
    pub stderr: CapturedOutput,
}

impl PluginLog {
    pub fn new(plugin: &str, limits: &Limits) -> Self {
        PluginLog {
            plugin: plugin.to_string(),
            message_cap: limits.log_message_bytes,
            call_budget: limits.log_bytes_per_call,
            used: 0,
            dropped: 0,
            stdout: CapturedOutput::new(limits.log_bytes_per_call),
            stderr: CapturedOutput::new(limits.log_bytes_per_call),
        }
    }

    fn emit(&mut self, level: LogLevel, message: &str) {
        let mut end = message.len().min(self.message_cap);
        while !message.is_char_boundary(end) {
            end -= 1;
        }
        let text = &message[..end];
        if self.used + text.len() > self.call_budget {
            self.dropped += 1;
            return;
        }
        self.used += text.len();
        let truncated = if end < message.len() {
            " [truncated]"
        } else {
            ""
        };
        let plugin = self.plugin.as_str();
        match level {
            LogLevel::Trace => tracing::trace!(plugin, "{text}{truncated}"),
            LogLevel::Debug => tracing::debug!(plugin, "{text}{truncated}"),
            LogLevel::Info => tracing::info!(plugin, "{text}{truncated}"),
            LogLevel::Warn => tracing::warn!(plugin, "{text}{truncated}"),
            LogLevel::Error => tracing::error!(plugin, "{text}{truncated}"),
        }
    }

    /// Ends a call: logs what the plugin printed and how many messages were
    /// dropped, and resets the budget. Returns what it wrote on stderr.
    pub fn end_call(&mut self) -> String {
        let stdout = self.stdout.take();
        for line in stdout.lines().filter(|l| !l.trim().is_empty()) {
            self.emit(LogLevel::Info, line);
        }
        let stderr = self.stderr.take();
        for line in stderr.lines().filter(|l| !l.trim().is_empty()) {
            self.emit(LogLevel::Warn, line);
        }
        if self.dropped > 0 {
            tracing::warn!(
                plugin = self.plugin.as_str(),
                dropped = self.dropped,
                "Plugin logged more than its budget of {} bytes in one call; messages dropped.",
                self.call_budget
            );
        }
        self.used = 0;
        self.dropped = 0;
        stderr
    }
}

impl TypesHost for HostState {}

impl Host for HostState {
    fn log(&mut self, level: LogLevel, message: String) {
        self.log.emit(level, &message);
    }
}

/// A capped in-memory stdout or stderr. Writes past the cap are dropped
/// (never an error: a chatty plugin must not fail because of its prints).
#[derive(Clone)]
pub(crate) struct CapturedOutput {
    buffer: Arc<Mutex<Vec<u8>>>,
    cap: usize,
}

impl CapturedOutput {
    fn new(cap: usize) -> Self {
        CapturedOutput {
            buffer: Arc::default(),
            cap,
        }
    }

    fn append(&self, bytes: &[u8]) {
        let mut buffer = self.buffer.lock().unwrap_or_else(|e| e.into_inner());
        let room = self.cap.saturating_sub(buffer.len());
        buffer.extend_from_slice(&bytes[..bytes.len().min(room)]);
    }

    /// Takes what was written so far, as text.
    pub fn take(&self) -> String {
        let bytes = std::mem::take(&mut *self.buffer.lock().unwrap_or_else(|e| e.into_inner()));
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl IsTerminal for CapturedOutput {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for CapturedOutput {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }

    fn async_stream(&self) -> Box<dyn tokio::io::AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }
}

impl OutputStream for CapturedOutput {
    fn write(&mut self, bytes: Bytes) -> StreamResult<()> {
        self.append(&bytes);
        Ok(())
    }

    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }

    fn check_write(&mut self) -> StreamResult<usize> {
        Ok(64 * 1024)
    }
}

#[wasmtime_wasi::async_trait]
impl Pollable for CapturedOutput {
    async fn ready(&mut self) {}
}

impl tokio::io::AsyncWrite for CapturedOutput {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        self.append(buf);
        std::task::Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
}
