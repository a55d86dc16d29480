//! Loading plugins and running their instances.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arrow::array::{Array, ArrayData, BooleanArray};
use arrow::buffer::{BooleanBuffer, Buffer};
use arrow::record_batch::RecordBatch;
use sha2::{Digest, Sha256};
use wasmtime::component::{Linker, ResourceTable};
use wasmtime::{Config, Engine, Store, Trap};
use wasmtime_wasi::{FsPerms, WasiCtxBuilder};

use super::bindings::wasmprep::plugin::types as wit;
use super::bindings::{Plugin as Bindings, PluginPre};
use super::cache::ModuleCache;
use super::contract::{PluginContract, StepPlan};
use super::convert::{adopt, lend};
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
}

impl PluginSettings {
    /// Configuration entries from a TOML table (a job step's `config`, a
    /// golden case's `[config]`): scalars as their text, arrays and tables
    /// as JSON.
    pub fn config_from_toml(table: &toml::Table) -> Vec<(String, String)> {
        table
            .iter()
            .map(|(k, v)| {
                let text = match v {
                    toml::Value::String(s) => s.clone(),
                    toml::Value::Integer(i) => i.to_string(),
                    toml::Value::Float(f) => f.to_string(),
                    toml::Value::Boolean(b) => b.to_string(),
                    toml::Value::Datetime(d) => d.to_string(),
                    other => serde_json::to_string(other).unwrap_or_default(),
                };
                (k.clone(), text)
            })
            .collect()
    }
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
        let digest = hex(&Sha256::digest(bytes));
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
struct Template {
    path: PathBuf,
    label: String,
    digest: String,
    imports: Vec<String>,
    pre: PluginPre<HostState>,
    settings: PluginSettings,
}

/// A configured instance, before it is handed to a worker.
struct Started {
    store: Store<HostState>,
    bindings: Bindings,
    contract: PluginContract,
}

impl Template {
    fn store(&self) -> Result<Store<HostState>> {
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

    /// Instantiates and configures one instance. `expected` is the contract
    /// of earlier instances, which a new one must repeat.
    fn start(&self, expected: Option<&PluginContract>) -> Result<Started> {
        let mut store = self.store()?;
        let mut guard = CallGuard::new(&mut store, &self.settings.limits);
        let bindings = self.pre.instantiate(guard.store()).map_err(|e| {
            let problem = guard.problem(e);
            Error::Instantiate {
                plugin: self.label.clone(),
                message: problem.to_string(),
            }
        })?;
        let config: Vec<(&str, &str)> = self
            .settings
            .config
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let answer = bindings
            .wasmprep_plugin_transform()
            .call_configure(guard.store(), &config)
            .map_err(|e| {
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
                    message: plugin_error_text(&e),
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

/// A plugin's error text, control characters escaped, at most
/// [`MAX_ERROR_TEXT`] bytes of it.
fn plugin_error_text(e: &wit::Error) -> String {
    let text = match e {
        wit::Error::InvalidConfig(m) => m,
        wit::Error::InvalidInput(ie) => &ie.message,
        wit::Error::Failure(m) => m,
    };
    bounded(text, MAX_ERROR_TEXT)
}

/// Arms the deadline and the memory watch for one call into the guest,
/// and turns a trap into a [`BatchProblem`].
struct CallGuard<'a> {
    store: &'a mut Store<HostState>,
    timeout: Duration,
    output_mib: u64,
}

impl<'a> CallGuard<'a> {
    fn new(store: &'a mut Store<HostState>, limits: &Limits) -> Self {
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

    fn store(&mut self) -> &mut Store<HostState> {
        self.store
    }

    /// Ends a call that returned: logs what the plugin printed.
    fn finish(self) {
        self.store.data_mut().log.end_call();
    }

    /// Ends a call that trapped: the trap that happened, with what the
    /// plugin last wrote on stderr (its panic message) and, if a growth was
    /// refused before, the memory cap it ran into.
    fn problem(&mut self, e: wasmtime::Error) -> BatchProblem {
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
    template: Template,
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
        let contract = &self.plugin.contract;
        if self.trapped {
            return Err(Error::Trapped {
                plugin: contract.name.clone(),
            });
        }
        let fail = |problem: BatchProblem| Error::Batch {
            plugin: contract.name.clone(),
            at: Box::new(at.clone()),
            problem,
        };
        let rows = batch.num_rows();
        let datas: Vec<ArrayData> = plan
            .inputs
            .iter()
            .map(|&i| batch.column(i).to_data())
            .collect();
        for (spec, data) in contract.inputs.iter().zip(&datas) {
            if !spec.nullable && data.null_count() > 0 {
                let row = (0..data.len()).find(|&r| data.is_null(r)).unwrap_or(0);
                return Err(fail(BatchProblem::NullInput {
                    column: spec.name.clone(),
                    row: at.first_row + row as u64,
                }));
            }
        }
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
                return Err(fail(problem));
            }
        };
        let output = answer.map_err(|e| {
            fail(match e {
                wit::Error::InvalidInput(ie) => BatchProblem::InvalidInput {
                    message: bounded(&ie.message, MAX_ERROR_TEXT),
                    row: ie.row.map(|r| at.first_row + u64::from(r)),
                    column: ie
                        .column
                        .map(|c| bounded(&c, super::contract::MAX_NAME_BYTES)),
                },
                other => BatchProblem::Failure(plugin_error_text(&other)),
            })
        })?;
        let bad = |m: String| fail(BatchProblem::BadOutput(m));
        if output.columns.len() != contract.outputs.len() {
            return Err(bad(format!(
                "{} columns returned, {} declared",
                output.columns.len(),
                contract.outputs.len()
            )));
        }
        let keep = selection(output.selection, contract.filters, rows).map_err(bad)?;
        let mut columns = batch.columns().to_vec();
        for ((column, spec), &place) in output
            .columns
            .into_iter()
            .zip(&contract.outputs)
            .zip(&plan.placement)
        {
            let array = adopt(column, &spec.data_type, rows).map_err(|m| {
                bad(format!(
                    "column `{}` ({}): {m}",
                    spec.name,
                    crate::schema::type_name(&spec.data_type)
                ))
            })?;
            if !spec.nullable {
                check_no_kept_nulls(&array, keep.as_ref()).map_err(|n| {
                    bad(format!(
                        "column `{}` has {n} nulls in rows it keeps but is declared without nulls",
                        spec.name
                    ))
                })?;
            }
            if place < columns.len() {
                columns[place] = array;
            } else {
                columns.push(array);
            }
        }
        // Filter before assembling: a non-nullable output may hold nulls in
        // the rows it drops.
        let rows_kept = match keep {
            Some(keep) if keep.true_count() < rows => {
                let filter = arrow::compute::FilterBuilder::new(&keep).optimize().build();
                for c in &mut columns {
                    *c = filter.filter(c).map_err(|e| bad(e.to_string()))?;
                }
                keep.true_count()
            }
            _ => rows,
        };
        let options = arrow::array::RecordBatchOptions::new().with_row_count(Some(rows_kept));
        RecordBatch::try_new_with_options(plan.output_schema.clone(), columns, &options)
            .map_err(|e| bad(e.to_string()))
    }
}

/// The rows a plugin keeps, from the selection it returned: exactly
/// `ceil(rows / 8)` bytes, present if and only if its contract filters.
fn selection(
    bits: Option<Vec<u8>>,
    filters: bool,
    rows: usize,
) -> std::result::Result<Option<BooleanArray>, String> {
    match (bits, filters) {
        (None, false) => Ok(None),
        (Some(bits), true) => {
            if bits.len() != rows.div_ceil(8) {
                return Err(format!(
                    "a selection of {} bytes for {rows} rows (it must be {} bytes)",
                    bits.len(),
                    rows.div_ceil(8)
                ));
            }
            let keep = BooleanBuffer::new(Buffer::from_vec(bits), 0, rows);
            Ok(Some(BooleanArray::new(keep, None)))
        }
        (None, true) => Err("the contract filters rows but no selection was returned".into()),
        (Some(_), false) => Err("a selection was returned but the contract does not filter".into()),
    }
}

/// Checks that `array` has no null in a row `keep` keeps (every row when
/// nothing is filtered): the WIT says dropped rows are never seen. Returns
/// the number of such nulls otherwise.
fn check_no_kept_nulls(
    array: &arrow::array::ArrayRef,
    keep: Option<&BooleanArray>,
) -> std::result::Result<(), usize> {
    let Some(nulls) = array.logical_nulls().filter(|n| n.null_count() > 0) else {
        return Ok(());
    };
    let kept_nulls = match keep {
        None => nulls.null_count(),
        Some(keep) => (0..array.len())
            .filter(|&i| nulls.is_null(i) && keep.value(i))
            .count(),
    };
    if kept_nulls == 0 {
        Ok(())
    } else {
        Err(kept_nulls)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_config_becomes_text_entries() {
        let table: toml::Table = toml::from_str(
            "resolution = 0.01\nname = \"x\"\nzones = [\"JFK\", \"LGA\"]\nlimits = { a = 1 }\nstrict = true\n",
        )
        .unwrap();
        let mut entries = PluginSettings::config_from_toml(&table);
        entries.sort();
        assert_eq!(
            entries,
            vec![
                ("limits".to_string(), "{\"a\":1}".to_string()),
                ("name".to_string(), "x".to_string()),
                ("resolution".to_string(), "0.01".to_string()),
                ("strict".to_string(), "true".to_string()),
                ("zones".to_string(), "[\"JFK\",\"LGA\"]".to_string()),
            ]
        );
    }
}
