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
    pub memory: InstanceLimiter,
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

/// Bytes a table element is counted as against the memory cap: what
/// wasmtime keeps per element (a pointer).
pub(crate) const TABLE_ELEMENT_BYTES: usize = 8;
/// Most core instances, memories and tables one plugin instance may make
/// (a component of many modules has several of each; a crafted one could
/// ask for thousands).
pub(crate) const MAX_CORE_INSTANCES: usize = 256;
pub(crate) const MAX_MEMORIES: usize = 32;
pub(crate) const MAX_TABLES: usize = 64;

/// What a refused growth asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Refusal {
    /// Bytes the instance would have held in all.
    pub requested: usize,
    /// A table's elements rather than a memory's bytes.
    pub table: bool,
}

/// Caps the growth of all linear memories and tables of an instance taken
/// together (tables at [`TABLE_ELEMENT_BYTES`] an element), and remembers a
/// refusal so that what follows can be reported with it.
pub(crate) struct InstanceLimiter {
    pub limit: usize,
    /// Bytes of memory and tables the instance holds.
    pub used: usize,
    pub refused: Option<Refusal>,
}

impl InstanceLimiter {
    pub fn new(limit: usize) -> Self {
        InstanceLimiter {
            limit,
            used: 0,
            refused: None,
        }
    }

    fn grow(&mut self, more: usize, table: bool) -> bool {
        let total = self.used.saturating_add(more);
        if total > self.limit {
            self.refused = Some(Refusal {
                requested: total,
                table,
            });
            return false;
        }
        self.used = total;
        true
    }
}

impl ResourceLimiter for InstanceLimiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(self.grow(desired.saturating_sub(current), false))
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let more = desired.saturating_sub(current);
        Ok(self.grow(more.saturating_mul(TABLE_ELEMENT_BYTES), true))
    }

    fn instances(&self) -> usize {
        MAX_CORE_INSTANCES
    }

    fn tables(&self) -> usize {
        MAX_TABLES
    }

    fn memories(&self) -> usize {
        MAX_MEMORIES
    }
}

/// What one log message costs against the budgets beyond its text: the
/// line the host prints around it. An empty message is not free.
pub(crate) const LOG_MESSAGE_OVERHEAD: usize = 64;

/// Where a plugin's messages go: `tracing`, under the plugin's name, within
/// the limits' caps: each message's length, the bytes (and so the messages)
/// of one call, and the bytes of the instance's whole life. Control
/// characters are escaped, so a message cannot forge a line of the host's.
pub(crate) struct PluginLog {
    pub plugin: String,
    message_cap: usize,
    call_budget: usize,
    life_budget: u64,
    used: usize,
    used_in_life: u64,
    dropped: usize,
    /// The warning and error messages of the current call (the latest
    /// `message_cap` bytes): what a plugin that writes no stderr said before
    /// it trapped (a kit's abort helper logs its text, then traps).
    alarms: String,
    /// What the plugin wrote on stdout and stderr during the current call.
    pub stdout: CapturedOutput,
    pub stderr: CapturedOutput,
}

impl PluginLog {
    pub fn new(plugin: &str, limits: &Limits) -> Self {
        PluginLog {
            plugin: super::text::bounded(plugin, super::contract::MAX_NAME_BYTES),
            message_cap: limits.log_message_bytes,
            call_budget: limits.log_bytes_per_call,
            life_budget: limits.log_bytes_total,
            used: 0,
            used_in_life: 0,
            dropped: 0,
            alarms: String::new(),
            stdout: CapturedOutput::new(limits.log_bytes_per_call),
            stderr: CapturedOutput::new(limits.log_bytes_per_call),
        }
    }

    fn emit(&mut self, level: LogLevel, message: &str) {
        let cost = message.len().min(self.message_cap) + LOG_MESSAGE_OVERHEAD;
        if self.used + cost > self.call_budget || self.used_in_life + cost as u64 > self.life_budget
        {
            self.dropped += 1;
            return;
        }
        self.used += cost;
        self.used_in_life += cost as u64;
        let text = super::text::bounded(message, self.message_cap);
        if matches!(level, LogLevel::Warn | LogLevel::Error) {
            self.remember_alarm(&text);
        }
        let plugin = self.plugin.as_str();
        match level {
            LogLevel::Trace => tracing::trace!(plugin, "{text}"),
            LogLevel::Debug => tracing::debug!(plugin, "{text}"),
            LogLevel::Info => tracing::info!(plugin, "{text}"),
            LogLevel::Warn => tracing::warn!(plugin, "{text}"),
            LogLevel::Error => tracing::error!(plugin, "{text}"),
        }
    }

    fn remember_alarm(&mut self, text: &str) {
        self.alarms.push_str(text);
        self.alarms.push('\n');
        if self.alarms.len() > 2 * self.message_cap {
            let mut cut = self.alarms.len() - self.message_cap;
            while !self.alarms.is_char_boundary(cut) {
                cut += 1;
            }
            self.alarms.drain(..cut);
        }
    }

    /// Ends a call: logs what the plugin printed and how many messages were
    /// dropped, and resets the call's budget. Returns what the plugin said
    /// about trouble: what it wrote on stderr (its head and tail) or, when it
    /// wrote nothing there, the warning and error messages it logged.
    pub fn end_call(&mut self) -> String {
        let stdout = self.stdout.take();
        for line in stdout.lines().filter(|l| !l.trim().is_empty()) {
            self.emit(LogLevel::Info, line);
        }
        let stderr = self.stderr.take();
        for line in stderr.lines().filter(|l| !l.trim().is_empty()) {
            self.emit(LogLevel::Warn, line);
        }
        let alarms = std::mem::take(&mut self.alarms);
        if self.dropped > 0 {
            tracing::warn!(
                plugin = self.plugin.as_str(),
                dropped = self.dropped,
                "Plugin logged past its budget ({} bytes a call, {} in all; {} bytes counted a message); messages dropped.",
                self.call_budget,
                self.life_budget,
                LOG_MESSAGE_OVERHEAD
            );
        }
        self.used = 0;
        self.dropped = 0;
        if stderr.trim().is_empty() {
            alarms
        } else {
            stderr
        }
    }
}

impl TypesHost for HostState {}

impl Host for HostState {
    fn log(&mut self, level: LogLevel, message: String) {
        self.log.emit(level, &message);
    }
}

/// A capped in-memory stdout or stderr: the first half of the cap and the
/// last half are kept (a panic message comes last, after any noise), the
/// middle is counted. Writes never fail: a chatty plugin must not fail
/// because of its prints.
#[derive(Clone)]
pub(crate) struct CapturedOutput {
    inner: Arc<Mutex<Captured>>,
    half: usize,
}

#[derive(Default)]
struct Captured {
    head: Vec<u8>,
    /// The latest bytes past the head; trimmed to `half` now and then.
    tail: Vec<u8>,
    /// Bytes dropped between head and tail.
    cut: usize,
}

impl CapturedOutput {
    fn new(cap: usize) -> Self {
        CapturedOutput {
            inner: Arc::default(),
            half: (cap / 2).max(1),
        }
    }

    fn append(&self, mut bytes: &[u8]) {
        let mut c = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let room = self.half.saturating_sub(c.head.len());
        let (head, rest) = bytes.split_at(bytes.len().min(room));
        c.head.extend_from_slice(head);
        bytes = rest;
        if bytes.len() > self.half {
            c.cut += c.tail.len() + bytes.len() - self.half;
            c.tail.clear();
            bytes = &bytes[bytes.len() - self.half..];
        }
        c.tail.extend_from_slice(bytes);
        if c.tail.len() > 2 * self.half {
            let drop = c.tail.len() - self.half;
            c.cut += drop;
            c.tail.drain(..drop);
        }
    }

    /// Takes what was written so far, as text (the cut said where it is).
    pub fn take(&self) -> String {
        let mut c = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let c = std::mem::take(&mut *c);
        let (head, mut tail, mut cut) = (c.head, c.tail, c.cut);
        if tail.len() > self.half {
            cut += tail.len() - self.half;
            tail.drain(..tail.len() - self.half);
        }
        let mut text = String::from_utf8_lossy(&head).into_owned();
        if cut > 0 {
            text.push_str(&format!("\n[{cut} bytes cut]\n"));
        }
        text.push_str(&String::from_utf8_lossy(&tail));
        text
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
