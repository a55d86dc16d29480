//! Loading plugins and running their instances.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arrow::record_batch::RecordBatch;
use sha2::{Digest, Sha256};
use wasmtime::component::{Linker, ResourceTable};
use wasmtime::{Config, Engine, Store, Trap};
use wasmtime_wasi::{FsPerms, WasiCtxBuilder};

use super::batch;
use super::bindings::{Plugin as Bindings, PluginPre};
use super::cache::ModuleCache;
use super::contract::{PluginContract, StepPlan};
use super::convert::lend;
use super::error::{BatchLocation, BatchProblem, Error, Result};
use super::host::{CapturedOutput, HostState, InstanceLimiter, PluginLog};
use super::policy::{grant_for_import, Grants, Limits};
use super::text::{bounded, tail, MAX_ERROR_TEXT};

/// How often the epoch advances: the granularity of batch timeouts.
const EPOCH_TICK: Duration = Duration::from_millis(10);

/// How a plugin is run: its configuration, limits and grants.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PluginSettings {
    /// Configuration entries, passed to `configure`.
    pub config: Vec<(String, String)>,
    pub limits: Limits,
    pub grants: Grants,
    /// The component's sha256 (lowercase hex) the job pins, if it does: a
    /// component with another is refused before any of its code is
    /// compiled or run.
    pub sha256: Option<String>,
    /// A fitting plugin's fitted parameters: instances are configured with
    /// them (`fit.configure-fitted`) instead of `transform.configure`.
    pub fitted: Option<Arc<[u8]>>,
}

impl PluginSettings {
    /// The configuration as the guest's `config` takes it.
    pub(super) fn config_pairs(&self) -> Vec<(&str, &str)> {
        self.config
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }
}

/// The digest of a component: sha256 of its bytes, lowercase hex (what a
/// job's `sha256` pins, what the manifest records).
pub fn component_digest(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// One wasmtime engine and linker shared by every plugin of a process, and
/// the cache of compiled components.
pub struct Sandbox {
    engine: Engine,
    linker: Linker<HostState>,
    cache: ModuleCache,
}

impl Sandbox {
    pub fn new(cache: ModuleCache) -> Result<Self> {
        let mut config = Config::new();
        config.wasm_component_model(true);
        config.epoch_interruption(true);
        let engine = Engine::new(&config).map_err(|e| Error::Instantiate {
            plugin: "(engine)".into(),
            message: format!("{e:#}"),
        })?;
        let mut linker = Linker::new(&engine);
        let link = |r: wasmtime::Result<()>| {
            r.map_err(|e| Error::Instantiate {
                plugin: "(linker)".into(),
                message: format!("{e:#}"),
            })
        };
        link(wasmtime_wasi::p2::add_to_linker_sync(&mut linker))?;
        link(Bindings::add_to_linker::<
            HostState,
            wasmtime::component::HasSelf<HostState>,
        >(&mut linker, |s| s))?;
        let weak = engine.weak();
        std::thread::Builder::new()
            .name("wasmprep-epoch".into())
            .spawn(move || {
                while let Some(engine) = weak.upgrade() {
                    engine.increment_epoch();
                    drop(engine);
                    std::thread::sleep(EPOCH_TICK);
                }
            })
            .expect("spawning the epoch thread");
        Ok(Sandbox {
            engine,
            linker,
            cache,
        })
    }

    /// Loads the component at `path`: compiles it (or loads it from the
    /// cache), checks its imports against the grants, instantiates it once
    /// and asks for its contract.
    pub fn load(&self, path: &Path, settings: PluginSettings) -> Result<Arc<Plugin>> {
        let bytes = std::fs::read(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        self.load_bytes(path, &bytes, settings)
    }

    /// Like [`Sandbox::load`], from bytes already read; `path` names them.
    pub fn load_bytes(
        &self,
        path: &Path,
        bytes: &[u8],
        settings: PluginSettings,
    ) -> Result<Arc<Plugin>> {
        let digest = component_digest(bytes);
        if let Some(pinned) = settings.sha256.as_ref().filter(|p| **p != digest) {
            return Err(Error::DigestMismatch {
                path: path.to_path_buf(),
                pinned: pinned.clone(),
                actual: digest,
            });
        }
        let label = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        let component =
            self.cache
                .load(&self.engine, bytes, &digest)
                .map_err(|e| Error::Compile {
                    path: path.to_path_buf(),
                    message: format!("{e:#}"),
                })?;
        let imports: Vec<String> = component
            .component_type()
            .imports(&self.engine)
            .map(|(name, _)| name.to_string())
            .collect();
        let mut forbidden = Vec::new();
        for import in &imports {
            match grant_for_import(import) {
                Ok(None) => {}
                Ok(Some(grant)) if settings.grants.allows(grant) => {}
                Ok(Some(grant)) => forbidden.push((import.clone(), grant)),
                Err(()) => {
                    return Err(Error::UnknownImport {
                        plugin: label,
                        import: import.clone(),
                    })
                }
            }
        }
        if !forbidden.is_empty() {
            return Err(Error::ForbiddenImport {
                plugin: label,
                imports: forbidden,
            });
        }
        let pre = self
            .linker
            .instantiate_pre(&component)
            .and_then(PluginPre::new)
            .map_err(|e| Error::Instantiate {
                plugin: label.clone(),
                message: format!("{e:#}"),
            })?;
        let mut template = Template {
            path: path.to_path_buf(),
            label,
            digest,
            imports,
            pre,
            settings,
        };
        let mut first = template.start(None)?;
        // From here on, logs and errors name the plugin as its contract does.
        template.label = first.contract.name.clone();
        first.store.data_mut().log.plugin = first.contract.name.clone();
        Ok(Arc::new(Plugin {
            contract: first.contract.clone(),
            template,
            spare: Mutex::new(Some(first)),
        }))
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }
}

use wasmprep_contract::hex;

/// What every instance of a plugin is made from.
pub(super) struct Template {
    path: PathBuf,
    pub(super) label: String,
    digest: String,
    imports: Vec<String>,
    pre: PluginPre<HostState>,
    pub(super) settings: PluginSettings,
}

/// A configured instance, before it is handed to a worker.
struct Started {
    store: Store<HostState>,
    bindings: Bindings,
    contract: PluginContract,
}

/// An instance before it is configured.
pub(super) struct Fresh {
    pub(super) store: Store<HostState>,
    pub(super) instance: wasmtime::component::Instance,
}

impl Template {
    pub(super) fn store(&self) -> Result<Store<HostState>> {
        let limits = &self.settings.limits;
        let log = PluginLog::new(&self.label, limits);
        let wasi = self.wasi(&log.stdout, &log.stderr)?;
        let state = HostState {
            wasi,
            table: ResourceTable::new(),
            memory: InstanceLimiter::new(
                usize::try_from(limits.memory_bytes()).unwrap_or(usize::MAX),
            ),
            log,
        };
        let mut store = Store::new(self.pre.engine(), state);
        store.limiter(|s| &mut s.memory);
        store.epoch_deadline_trap();
        store.set_hostcall_fuel(limits.output_bytes());
        Ok(store)
    }

    fn wasi(
        &self,
        stdout: &CapturedOutput,
        stderr: &CapturedOutput,
    ) -> Result<wasmtime_wasi::WasiCtx> {
        let grants: &Grants = &self.settings.grants;
        let mut b = WasiCtxBuilder::new();
        b.stdout(stdout.clone()).stderr(stderr.clone());
        for name in &grants.env {
            if let Ok(value) = std::env::var(name) {
                b.env(name, value);
            }
        }
        for dir in &grants.dirs {
            let perms = if dir.writable {
                FsPerms::ReadWrite
            } else {
                FsPerms::ReadOnly
            };
            b.preopened_dir(&dir.host, &dir.guest, perms)
                .map_err(|e| Error::Instantiate {
                    plugin: self.label.clone(),
                    message: format!("cannot grant directory {}: {e:#}", dir.host.display()),
                })?;
        }
        if grants.network {
            b.inherit_network().allow_ip_name_lookup(true);
        }
        Ok(b.build())
    }

    /// Instantiates one instance, without calling it.
    pub(super) fn instantiate(&self) -> Result<Fresh> {
        let mut store = self.store()?;
        let mut guard = CallGuard::new(&mut store, &self.settings.limits);
        let instance = self
            .pre
            .instance_pre()
            .instantiate(guard.store())
            .map_err(|e| {
                let problem = guard.problem(e);
                Error::Instantiate {
                    plugin: self.label.clone(),
                    message: problem.to_string(),
                }
            })?;
        guard.finish();
        Ok(Fresh { store, instance })
    }

    /// Instantiates and configures one instance (with the fitted
    /// parameters, if any). `expected` is the contract of earlier
    /// instances, which a new one must repeat.
    fn start(&self, expected: Option<&PluginContract>) -> Result<Started> {
        let Fresh {
            mut store,
            instance,
        } = self.instantiate()?;
        let bindings = Bindings::new(&mut store, &instance).map_err(|e| Error::Instantiate {
            plugin: self.label.clone(),
            message: format!("{e:#}"),
        })?;
        let config = self.settings.config_pairs();
        let mut guard = CallGuard::new(&mut store, &self.settings.limits);
        let answer = match &self.settings.fitted {
            None => bindings
                .wasmprep_plugin_transform()
                .call_configure(guard.store(), &config),
            Some(parameters) => {
                super::fit::configure_fitted(guard.store(), &instance, &config, parameters)
            }
        };
        let answer = answer.map_err(|e| {
            let problem = guard.problem(e);
            Error::Instantiate {
                plugin: self.label.clone(),
                message: format!("configure {problem}"),
            }
        })?;
        guard.finish();
        let contract = match answer {
            Ok(c) => PluginContract::from_wit(&c)?,
            Err(e) => {
                return Err(Error::Config {
                    plugin: self.label.clone(),
                    message: batch::plugin_error_text(&e),
                })
            }
        };
        if let Some(expected) = expected {
            if expected != &contract {
                return Err(Error::Contract {
                    plugin: self.label.clone(),
                    message: "a new instance declared a different contract than the first".into(),
                });
            }
        }
        Ok(Started {
            store,
            bindings,
            contract,
        })
    }
}

/// Arms the deadline and the memory watch for one call into the guest,
/// and turns a trap into a [`BatchProblem`].
pub(super) struct CallGuard<'a> {
    store: &'a mut Store<HostState>,
    timeout: Duration,
    output_mib: u64,
}

impl<'a> CallGuard<'a> {
    pub(super) fn new(store: &'a mut Store<HostState>, limits: &Limits) -> Self {
        let timeout = limits.timeout();
        let ticks = timeout.as_nanos().div_ceil(EPOCH_TICK.as_nanos()).max(1) as u64 + 1;
        store.set_epoch_deadline(ticks);
        store.data_mut().memory.refused = None;
        CallGuard {
            store,
            timeout,
            output_mib: limits.output_mib,
        }
    }

    pub(super) fn store(&mut self) -> &mut Store<HostState> {
        self.store
    }

    /// Ends a call that returned: logs what the plugin printed.
    pub(super) fn finish(self) {
        self.store.data_mut().log.end_call();
    }

    /// Ends a call that trapped: the trap that happened, with what the
    /// plugin last wrote on stderr (its panic message) and, if a growth was
    /// refused before, the memory cap it ran into.
    pub(super) fn problem(&mut self, e: wasmtime::Error) -> BatchProblem {
        let stderr = tail(&self.store.data_mut().log.end_call(), MAX_ERROR_TEXT);
        if e.downcast_ref::<Trap>() == Some(&Trap::Interrupt) {
            return BatchProblem::Timeout {
                limit: self.timeout,
            };
        }
        let message = match e.downcast_ref::<Trap>() {
            Some(trap) => trap.to_string(),
            None => format!("{e:#}"),
        };
        if message.contains("fuel allocated for hostcalls has been exhausted") {
            return BatchProblem::OutputTooLarge {
                limit_mib: self.output_mib,
            };
        }
        let trap = BatchProblem::Trap {
            message: bounded(&message, MAX_ERROR_TEXT),
            stderr,
        };
        match self.store.data().memory.refused {
            Some(refusal) => BatchProblem::MemoryCap {
                limit_bytes: self.store.data().memory.limit as u64,
                requested_bytes: refusal.requested as u64,
                tables: refusal.table,
                then: Box::new(trap),
            },
            None => trap,
        }
    }
}

/// A loaded plugin: compiled, linked, its contract known. Shared by every
/// worker thread; each makes its own [`PluginInstance`].
pub struct Plugin {
    pub(super) template: Template,
    contract: PluginContract,
    /// The instance made at load time, handed to the first worker.
    spare: Mutex<Option<Started>>,
}

impl Plugin {
    pub fn contract(&self) -> &PluginContract {
        &self.contract
    }

    /// sha256 of the component's bytes, in hex.
    pub fn digest(&self) -> &str {
        &self.template.digest
    }

    pub fn path(&self) -> &Path {
        &self.template.path
    }

    /// The component's imports (interface names).
    pub fn imports(&self) -> &[String] {
        &self.template.imports
    }

    pub fn settings(&self) -> &PluginSettings {
        &self.template.settings
    }

    /// An instance for one worker thread.
    pub fn instantiate(self: &Arc<Self>) -> Result<PluginInstance> {
        let spare = self.spare.lock().unwrap_or_else(|e| e.into_inner()).take();
        let started = match spare {
            Some(s) => s,
            None => self.template.start(Some(&self.contract))?,
        };
        Ok(PluginInstance {
            plugin: Arc::clone(self),
            store: started.store,
            bindings: started.bindings,
            trapped: false,
        })
    }
}

/// One instance of a plugin, reused batch after batch by one worker. After
/// a trap it refuses every further batch (a trapped instance's state is not
/// to be trusted); whoever wants to go on makes a new one.
pub struct PluginInstance {
    plugin: Arc<Plugin>,
    store: Store<HostState>,
    bindings: Bindings,
    trapped: bool,
}

impl PluginInstance {
    pub fn plugin(&self) -> &Arc<Plugin> {
        &self.plugin
    }

    /// Runs the plugin on `batch`, whose schema `plan` was bound to, and
    /// assembles the output batch: the input's columns, the plugin's outputs
    /// added or in place of the columns they replace, rows filtered by its
    /// selection.
    pub fn process(
        &mut self,
        plan: &StepPlan,
        batch: &RecordBatch,
        at: &BatchLocation,
    ) -> Result<RecordBatch> {
        if self.trapped {
            return Err(Error::Trapped {
                plugin: self.plugin.contract.name.clone(),
            });
        }
        self.run(plan, batch, at).map_err(|problem| Error::Batch {
            plugin: self.plugin.contract.name.clone(),
            at: Box::new(at.clone()),
            problem,
        })
    }

    /// Lends the batch's declared inputs, calls the guest, and assembles
    /// what it returned.
    fn run(
        &mut self,
        plan: &StepPlan,
        batch: &RecordBatch,
        at: &BatchLocation,
    ) -> std::result::Result<RecordBatch, BatchProblem> {
        let contract = &self.plugin.contract;
        let datas = batch::inputs(contract, plan, batch, at.first_row)?;
        let lent: Vec<_> = datas.iter().map(lend).collect();
        let params: Vec<_> = lent.iter().map(|l| l.param()).collect();
        let mut guard = CallGuard::new(&mut self.store, &self.plugin.template.settings.limits);
        let answer = match self
            .bindings
            .wasmprep_plugin_transform()
            .call_process(guard.store(), &params)
        {
            Ok(answer) => {
                guard.finish();
                answer
            }
            Err(e) => {
                let problem = guard.problem(e);
                self.trapped = true;
                return Err(problem);
            }
        };
        let output = answer.map_err(|e| batch::plugin_problem(e, at.first_row))?;
        batch::assemble(contract, plan, batch, output)
    }
}
