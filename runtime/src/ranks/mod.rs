//! Ranks: who runs which partition. A job runs on one process (one rank)
//! or on many started by an MPI launcher (mpirun, `srun --mpi=pmix`, Azure
//! ML's MPI distribution, the Kubernetes MPI Operator). Rank 0 plans and
//! hands out partitions; every rank, rank 0 included, works.
//!
//! The transport is a narrow interface (tagged byte messages to and from
//! ranks, a broadcast): [`Single`] for one process, MPI when the `mpi`
//! feature is on and the process was started by a launcher, and
//! [`InProcess`] (threads of one process) for tests and benchmarks.
//!
//! Over it runs the rank protocol ([`messages`]): rank 0's
//! [`Coordinator`] and each other rank's [`Worker`], state machines fed by
//! thin loops ([`coordinator::lead`], [`worker::follow`]). What runs a
//! partition is behind [`Runner`]: the job's worker pool, or
//! [`Synthetic`] partitions that run in no time. [`run`] runs a job.

pub mod coordinator;
mod fit;
mod in_process;
pub mod messages;
#[cfg(feature = "mpi")]
mod mpi;
mod run;
pub mod runner;
pub mod simulate;
pub mod worker;

pub use coordinator::{largest_first, Coordinator, Gathered};
pub use in_process::{Doorbell, InProcess};
pub use messages::RankStats;
pub use run::run;
pub use runner::{Runner, Synthetic};
pub use worker::Worker;

/// A message that cannot be sent or received.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("rank {from} cannot send {tag:?} to rank {to}: the job has {size} rank(s)")]
    NoSuchRank {
        from: usize,
        to: usize,
        tag: Tag,
        size: usize,
    },
    #[error("rank {rank} waits for a message, but no other rank is left to send one")]
    Alone { rank: usize },
}

/// Kinds of message between ranks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum Tag {
    /// worker → 0: finished partitions, failures, and how many more it wants.
    Request = 1,
    /// 0 → worker: partitions to run, or stop.
    Assign = 2,
    /// worker → 0: no more work here; its statistics.
    Done = 3,
    /// 0 → worker: the job's outcome; the worker may exit.
    Final = 4,
    /// 0 → worker: a partition failed somewhere; stop between batches.
    Abort = 5,
    /// worker → 0: the states of the partitions it fitted.
    FitStates = 6,
}

impl Tag {
    pub fn from_i32(t: i32) -> Option<Tag> {
        Some(match t {
            1 => Tag::Request,
            2 => Tag::Assign,
            3 => Tag::Done,
            4 => Tag::Final,
            5 => Tag::Abort,
            6 => Tag::FitStates,
            _ => return None,
        })
    }
}

/// A message received.
#[derive(Clone, Debug)]
pub struct Received {
    pub from: usize,
    pub tag: Tag,
    pub bytes: Vec<u8>,
}

/// How ranks talk. Only the thread that created it calls it.
pub trait Transport {
    fn rank(&self) -> usize;
    fn size(&self) -> usize;
    /// What launched the ranks, for logs ("mpirun", "single process", ...).
    fn launcher(&self) -> &str;
    fn send(&self, to: usize, tag: Tag, bytes: &[u8]) -> Result<(), Error>;
    /// A message if one is waiting.
    fn try_recv(&self) -> Option<Received>;
    /// Waits for a message.
    fn recv(&self) -> Result<Received, Error>;
    /// Rank `root`'s bytes, on every rank.
    fn broadcast(&self, root: usize, bytes: Vec<u8>) -> Vec<u8>;
    /// Whether `ok` holds on every rank.
    fn all_ok(&self, ok: bool) -> bool;
    /// Waits until every rank gets here (so rank 0 reports before any rank
    /// exits: a launcher may kill the rest when one exits non-zero).
    fn barrier(&self);
}

/// One process: rank 0 of 1.
#[derive(Debug, Default)]
pub struct Single;

impl Transport for Single {
    fn rank(&self) -> usize {
        0
    }
    fn size(&self) -> usize {
        1
    }
    fn launcher(&self) -> &str {
        "single process"
    }
    fn send(&self, to: usize, tag: Tag, _bytes: &[u8]) -> Result<(), Error> {
        Err(Error::NoSuchRank {
            from: 0,
            to,
            tag,
            size: 1,
        })
    }
    fn try_recv(&self) -> Option<Received> {
        None
    }
    fn recv(&self) -> Result<Received, Error> {
        Err(Error::Alone { rank: 0 })
    }
    fn broadcast(&self, _root: usize, bytes: Vec<u8>) -> Vec<u8> {
        bytes
    }
    fn all_ok(&self, ok: bool) -> bool {
        ok
    }
    fn barrier(&self) {}
}

/// The launcher that started this process, from its environment, if any:
/// Open MPI's mpirun and Azure ML set `OMPI_COMM_WORLD_*`, PMIx launchers
/// (`srun --mpi=pmix`, mpirun) set `PMIX_RANK`, MPICH and Intel MPI set
/// `PMI_RANK`, Slurm sets `SLURM_PROCID` with `SLURM_NTASKS`.
pub fn launcher_from_env() -> Option<&'static str> {
    let has = |v: &str| std::env::var_os(v).is_some();
    if has("OMPI_COMM_WORLD_SIZE") {
        Some("Open MPI")
    } else if has("PMIX_RANK") {
        Some("PMIx")
    } else if has("PMI_RANK") || has("PMI_SIZE") {
        Some("PMI")
    } else if has("SLURM_PROCID") && std::env::var("SLURM_NTASKS").is_ok_and(|n| n != "1") {
        Some("Slurm")
    } else {
        None
    }
}

/// Processes of this job on this machine, when the launcher says.
pub fn local_size_from_env() -> Option<usize> {
    [
        "OMPI_COMM_WORLD_LOCAL_SIZE",
        "MPI_LOCALNRANKS",
        "SLURM_NTASKS_PER_NODE",
    ]
    .iter()
    .find_map(|v| {
        std::env::var(v)
            .ok()?
            .split(['(', ','])
            .next()?
            .trim()
            .parse()
            .ok()
    })
}

/// Worker threads for this rank: the cores it may use. When the launcher
/// did not pin ranks to cores (every rank sees every core), the cores are
/// shared among the ranks on this machine.
pub fn default_threads() -> usize {
    let available = std::thread::available_parallelism().map_or(1, |n| n.get());
    let local = local_size_from_env().unwrap_or(1).max(1);
    let pinned = online_cpus().is_some_and(|online| available < online);
    if launcher_from_env().is_some() && !pinned && local > 1 {
        (available / local).max(1)
    } else {
        available
    }
}

/// CPUs the machine has online (`/sys/devices/system/cpu/online`, e.g.
/// `0-7` or `0,2-3`).
fn online_cpus() -> Option<usize> {
    let text = std::fs::read_to_string("/sys/devices/system/cpu/online").ok()?;
    let mut n = 0;
    for part in text.trim().split(',') {
        n += match part.split_once('-') {
            Some((a, b)) => b.parse::<usize>().ok()? - a.parse::<usize>().ok()? + 1,
            None => 1,
        };
    }
    Some(n)
}

/// This process's rank as the launcher set it, before MPI starts (for
/// logging); 0 without a launcher.
pub fn rank_from_env() -> usize {
    [
        "OMPI_COMM_WORLD_RANK",
        "PMIX_RANK",
        "PMI_RANK",
        "SLURM_PROCID",
    ]
    .iter()
    .find_map(|v| std::env::var(v).ok()?.parse().ok())
    .unwrap_or(0)
}

/// The transport for this process: MPI when a launcher started it (and the
/// `mpi` feature is built in), else a single rank.
pub fn connect() -> Result<Box<dyn Transport>, String> {
    match launcher_from_env() {
        None => Ok(Box::new(Single)),
        #[cfg(feature = "mpi")]
        Some(launcher) => {
            mpi::MpiTransport::init(launcher).map(|t| Box::new(t) as Box<dyn Transport>)
        }
        #[cfg(not(feature = "mpi"))]
        Some(launcher) => Err(format!(
            "started by an MPI launcher ({launcher}), but this wasmprep was built without MPI \
             (`--no-default-features`); rebuild with the default features, or run it directly"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_single_process_refuses_to_send_or_receive_without_panicking() {
        let err = Single.send(1, Tag::Request, b"").unwrap_err();
        assert!(
            matches!(err, Error::NoSuchRank { to: 1, size: 1, .. }),
            "{err}"
        );
        let err = Single.recv().unwrap_err();
        assert!(matches!(err, Error::Alone { rank: 0 }), "{err}");
        assert_eq!(Single.broadcast(0, b"x".to_vec()), b"x");
        assert!(Single.try_recv().is_none());
    }
}
