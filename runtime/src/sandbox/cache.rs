//! Compiled components on disk, keyed by the plugin's digest and the
//! engine's compatibility hash: a Python component takes seconds to
//! compile, a cached one milliseconds to load.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use wasmtime::component::Component;
use wasmtime::Engine;

/// Where compiled components are kept; `None` compiles every time.
#[derive(Clone, Debug)]
pub struct ModuleCache {
    dir: Option<PathBuf>,
}

impl ModuleCache {
    /// The cache in `dir`.
    pub fn at(dir: impl Into<PathBuf>) -> Self {
        ModuleCache {
            dir: Some(dir.into()),
        }
    }

    /// No cache.
    pub fn disabled() -> Self {
        ModuleCache { dir: None }
    }

    /// `$WASMPREP_CACHE_DIR`, else `$XDG_CACHE_HOME/wasmprep`, else
    /// `~/.cache/wasmprep`; disabled when none can be found.
    pub fn from_env() -> Self {
        let dir = std::env::var_os("WASMPREP_CACHE_DIR")
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("XDG_CACHE_HOME").map(|d| PathBuf::from(d).join("wasmprep"))
            })
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/wasmprep")));
        ModuleCache { dir }
    }

    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    fn entry(&self, engine: &Engine, digest: &str) -> Option<PathBuf> {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut hasher);
        let engine_key = format!("{:016x}", hasher.finish());
        Some(
            self.dir
                .as_ref()?
                .join(engine_key)
                .join(format!("{digest}.cwasm")),
        )
    }

    /// The component for `bytes` (whose sha256 is `digest`), from the cache
    /// or compiled (and then cached). Cache trouble never fails a load: it
    /// is logged and the component compiled.
    pub fn load(&self, engine: &Engine, bytes: &[u8], digest: &str) -> wasmtime::Result<Component> {
        let Some(path) = self.entry(engine, digest) else {
            return Component::new(engine, bytes);
        };
        if let Err(why) = self.trusted(&path) {
            tracing::warn!(
                "Not using the plugin cache: {why}. A compiled plugin is native code run \
                 outside the sandbox, so only a cache no other user can write is used; \
                 compiling instead."
            );
            return Component::new(engine, bytes);
        }
        if path.is_file() {
            // SAFETY: `trusted` checked that no other user owns or can write
            // the cache directory, its engine directory or this entry, so
            // the file was written by this user's wasmprep through `store`
            // below, from `Engine::precompile_component` of the same engine
            // configuration (the directory name is its compatibility hash),
            // and renamed into place whole. (A test plants entries and
            // opens the directories to other users: they are refused.)
            match unsafe { Component::deserialize_file(engine, &path) } {
                Ok(component) => {
                    tracing::debug!(path = %path.display(), "Loaded compiled plugin from cache.");
                    return Ok(component);
                }
                Err(e) => {
                    tracing::warn!(path = %path.display(), "Ignoring unusable cache entry: {e:#}")
                }
            }
        }
        let compiled = engine.precompile_component(bytes)?;
        if let Err(e) = store(&path, &compiled) {
            tracing::warn!(path = %path.display(), "Cannot write the plugin cache: {e}");
        }
        // SAFETY: `compiled` was just produced by this engine.
        unsafe { Component::deserialize(engine, &compiled) }
    }
}

impl ModuleCache {
    /// Checks that the cache directory, the entry's directory and the entry
    /// (if it exists) are this user's (or root's) and writable by no one
    /// else; the directories are made if missing.
    fn trusted(&self, entry: &Path) -> Result<(), String> {
        let root = self.dir.as_deref().expect("an entry implies a directory");
        let engine_dir = entry.parent().expect("entries live in a directory");
        {
            use std::os::unix::fs::DirBuilderExt;
            // Private whatever the umask: a group-writable cache is refused.
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(engine_dir)
                .map_err(|e| format!("cannot create {}: {e}", engine_dir.display()))?;
        }
        let me = current_uid()?;
        for path in [root, engine_dir, entry] {
            match std::fs::symlink_metadata(path) {
                Ok(meta) => check_owner_and_mode(path, &meta, me)?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && path == entry => {}
                Err(e) => return Err(format!("cannot inspect {}: {e}", path.display())),
            }
        }
        Ok(())
    }
}

/// This process's user: the owner of `/proc/self`.
fn current_uid() -> Result<u32, String> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self")
        .map(|m| m.uid())
        .map_err(|e| format!("cannot tell which user this is (/proc/self: {e})"))
}

fn check_owner_and_mode(path: &Path, meta: &std::fs::Metadata, me: u32) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    if meta.file_type().is_symlink() {
        return Err(format!("{} is a symbolic link", path.display()));
    }
    if meta.uid() != me && meta.uid() != 0 {
        return Err(format!(
            "{} belongs to user {}, not to this user ({me})",
            path.display(),
            meta.uid()
        ));
    }
    if meta.mode() & 0o022 != 0 {
        return Err(format!(
            "{} can be written by other users (mode {:o})",
            path.display(),
            meta.mode() & 0o777
        ));
    }
    Ok(())
}

fn store(path: &Path, compiled: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().expect("cache entries live in a directory");
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut tmp, compiled)?;
    tmp.persist(path).map(drop).map_err(|e| e.error)
}
