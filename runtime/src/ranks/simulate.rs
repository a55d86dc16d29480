//! Many ranks in one process: the protocol over [`InProcess`] transports,
//! one thread per rank, each rank running [`Synthetic`] partitions. Tests
//! check what the scheduler decided; the scheduler benchmark times it.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::coordinator::{self, largest_first, Coordinator, Gathered};
use super::runner::{Ledger, Synthetic};
use super::worker::{self, Worker};
use super::InProcess;
use crate::exec::{ProgressObserver, Result};

/// A job of made-up partitions over simulated ranks.
#[derive(Clone, Debug)]
pub struct Simulation {
    pub ranks: usize,
    /// Workers per rank.
    pub threads: usize,
    /// Input bytes per partition: the hand-out order is largest first.
    pub bytes: Vec<u64>,
    /// Partitions committed by an earlier run (a resume).
    pub committed: Vec<usize>,
    /// Partitions that fail.
    pub fail: Vec<usize>,
    /// How long each partition takes (wall time; zero in tests).
    pub work: Duration,
    /// Told of rank 0's progress.
    pub progress: Option<Arc<dyn ProgressObserver>>,
}

impl Simulation {
    /// `partitions` of equal size on `ranks` ranks of one worker.
    pub fn new(ranks: usize, partitions: usize) -> Self {
        Simulation {
            ranks,
            threads: 1,
            bytes: vec![1; partitions],
            committed: Vec::new(),
            fail: Vec::new(),
            work: Duration::ZERO,
            progress: None,
        }
    }
}

/// What a simulated job did.
#[derive(Debug)]
pub struct Report {
    /// What rank 0 gathered, with every hand-out in order.
    pub gathered: Gathered,
    /// Who ran which partition, in the order they finished.
    pub ran: Vec<(usize, usize)>,
    /// Each rank's result, by rank (rank 0's is its outcome message).
    pub results: Vec<Result<(), String>>,
    pub seconds: f64,
}

impl Report {
    /// Partitions each rank ran, in the order they finished.
    pub fn by_rank(&self, ranks: usize) -> Vec<Vec<usize>> {
        let mut by_rank = vec![Vec::new(); ranks];
        self.ran.iter().for_each(|&(r, p)| by_rank[r].push(p));
        by_rank
    }
}

/// Runs `sim`: rank 0 leads on the calling thread, every other rank
/// follows on a thread of its own.
pub fn simulate(sim: &Simulation) -> Report {
    let ledger: Ledger = Arc::new(Mutex::new(Vec::new()));
    let started = Instant::now();
    let mut group = InProcess::group(sim.ranks).into_iter();
    let lead_transport = group.next().expect("at least one rank");
    let (gathered, results) = std::thread::scope(|scope| {
        let followers: Vec<_> = group
            .map(|t| {
                let runner = runner(sim, &t, &ledger);
                scope.spawn(move || follow(&t, runner, sim.threads))
            })
            .collect();
        let gathered = lead(sim, &lead_transport, runner(sim, &lead_transport, &ledger));
        let mut results = vec![Ok(())];
        results.extend(followers.into_iter().map(|f| f.join().expect("no panic")));
        (gathered, results)
    });
    let ran = std::mem::take(&mut *ledger.lock().unwrap_or_else(|e| e.into_inner()));
    Report {
        gathered,
        ran,
        results,
        seconds: started.elapsed().as_secs_f64(),
    }
}

fn runner(sim: &Simulation, transport: &InProcess, ledger: &Ledger) -> Synthetic {
    let rank = super::Transport::rank(transport);
    Synthetic::new(rank, sim.threads, ledger.clone())
        .working(sim.work)
        .failing(sim.fail.clone())
        .waking_on(transport.doorbell())
}

fn lead(sim: &Simulation, transport: &InProcess, mut runner: Synthetic) -> Gathered {
    let todo = largest_first(&sim.bytes, &sim.committed);
    let mut coordinator = Coordinator::new(sim.ranks, sim.threads, todo, sim.bytes.clone());
    if let Some(observer) = &sim.progress {
        coordinator = coordinator.with_progress(observer.clone());
    }
    let gathered = coordinator::lead(transport, &mut runner, coordinator, Instant::now())
        .expect("in-process ranks stay connected");
    let error = gathered.failure.as_ref().map(|f| f.message.clone());
    coordinator::announce(transport, error).expect("in-process ranks stay connected");
    gathered
}

fn follow(transport: &InProcess, mut runner: Synthetic, threads: usize) -> Result<(), String> {
    let rank = super::Transport::rank(transport);
    let outcome = worker::follow(
        transport,
        &mut runner,
        Worker::new(rank, threads),
        Instant::now(),
    )
    .and_then(|_| worker::wait_final(transport));
    outcome.map(|_| ()).map_err(|e| crate::error::chain(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sizes that are not in id order, with ties.
    fn skewed(n: usize) -> Vec<u64> {
        (0..n as u64).map(|i| (i * 7919) % 13 + 1).collect()
    }

    /// Remembers what it was told.
    #[derive(Debug, Default)]
    struct Seen {
        last: Mutex<Option<crate::exec::Progress>>,
        updates: Mutex<usize>,
        finished: Mutex<usize>,
    }

    impl ProgressObserver for Seen {
        fn update(&self, progress: &crate::exec::Progress) {
            let mut last = self.last.lock().unwrap();
            if let Some(before) = *last {
                assert!(progress.done >= before.done && progress.bytes >= before.bytes);
            }
            *last = Some(*progress);
            *self.updates.lock().unwrap() += 1;
        }

        fn finish(&self) {
            *self.finished.lock().unwrap() += 1;
        }
    }

    #[test]
    fn progress_leaves_as_events_that_count_every_partition_to_run() {
        let seen = Arc::new(Seen::default());
        let bytes = skewed(60);
        let committed = vec![0, 7, 9];
        let sim = Simulation {
            bytes: bytes.clone(),
            committed: committed.clone(),
            progress: Some(seen.clone()),
            ..Simulation::new(3, 0)
        };
        simulate(&sim);
        let last = seen.last.lock().unwrap().expect("told at least once");
        let todo_bytes: u64 = (0..60)
            .filter(|i| !committed.contains(i))
            .map(|i| bytes[i])
            .sum();
        assert_eq!((last.partitions, last.done), (57, 57));
        assert_eq!((last.total_bytes, last.bytes), (todo_bytes, todo_bytes));
        assert!(*seen.updates.lock().unwrap() >= 1);
        assert_eq!(*seen.finished.lock().unwrap(), 1);
    }

    #[test]
    fn every_partition_runs_once_on_one_to_eight_ranks() {
        for ranks in 1..=8 {
            for threads in [1, 3] {
                let sim = Simulation {
                    threads,
                    bytes: skewed(200),
                    ..Simulation::new(ranks, 0)
                };
                let report = simulate(&sim);
                let mut ran: Vec<usize> = report.ran.iter().map(|&(_, p)| p).collect();
                ran.sort();
                assert_eq!(ran, (0..200).collect::<Vec<_>>(), "{ranks} ranks");
                assert!(report.results.iter().all(Result::is_ok), "{ranks} ranks");
                let g = &report.gathered;
                assert!(g.failure.is_none());
                assert_eq!(g.commits.len(), 200);
                assert_eq!(g.stats.len(), ranks);
                let counted: usize = g.stats.iter().map(|s| s.partitions).sum();
                assert_eq!(counted, 200, "each rank counts what it ran");
                for (r, mine) in report.by_rank(ranks).iter().enumerate() {
                    assert_eq!(g.stats[r].partitions, mine.len(), "rank {r}");
                }
            }
        }
    }

    #[test]
    fn hand_outs_follow_largest_first_on_any_number_of_ranks() {
        for ranks in [1, 2, 5, 8] {
            let sim = Simulation {
                bytes: skewed(120),
                ..Simulation::new(ranks, 0)
            };
            let report = simulate(&sim);
            let handed: Vec<usize> = report.gathered.grants.iter().map(|g| g.1).collect();
            assert_eq!(handed, largest_first(&sim.bytes, &[]), "{ranks} ranks");
            let ranks_given: Vec<usize> = report.gathered.grants.iter().map(|g| g.0).collect();
            let ran: Vec<(usize, usize)> = report.ran.clone();
            for (r, p) in ran {
                assert!(
                    report.gathered.grants.contains(&(r, p)),
                    "rank {r} ran partition {p}, which was handed to another ({ranks_given:?})"
                );
            }
        }
    }

    #[test]
    fn a_failure_on_one_rank_stops_every_rank() {
        for ranks in [2, 3, 8] {
            let sim = Simulation {
                fail: vec![5],
                ..Simulation::new(ranks, 400)
            };
            let report = simulate(&sim);
            let failure = report.gathered.failure.clone().expect("the job failed");
            assert_eq!(failure.partition, Some(5));
            let ran_it = report.ran.iter().find(|&&(_, p)| p == 5).unwrap().0;
            assert_eq!(
                failure.rank, ran_it,
                "the failure names the rank that ran it"
            );
            for (rank, result) in report.results.iter().enumerate().skip(1) {
                let err = result.as_ref().expect_err("every rank fails");
                assert!(
                    err.contains("synthetic failure of partition 5"),
                    "rank {rank}: {err}"
                );
            }
            let mut ran: Vec<usize> = report.ran.iter().map(|&(_, p)| p).collect();
            ran.sort();
            ran.dedup();
            assert_eq!(ran.len(), report.ran.len(), "no partition ran twice");
        }
    }

    #[test]
    fn a_resume_skips_committed_partitions() {
        let committed: Vec<usize> = (0..100).filter(|i| i % 3 == 0).collect();
        for ranks in [1, 4] {
            let sim = Simulation {
                committed: committed.clone(),
                bytes: skewed(100),
                ..Simulation::new(ranks, 0)
            };
            let report = simulate(&sim);
            let mut ran: Vec<usize> = report.ran.iter().map(|&(_, p)| p).collect();
            ran.sort();
            let todo: Vec<usize> = (0..100).filter(|i| i % 3 != 0).collect();
            assert_eq!(ran, todo, "{ranks} ranks");
            assert_eq!(report.gathered.commits.len(), todo.len());
        }
    }

    #[test]
    fn every_rank_leaves_together_when_there_is_nothing_to_do() {
        let sim = Simulation {
            committed: (0..10).collect(),
            ..Simulation::new(4, 10)
        };
        let report = simulate(&sim);
        assert!(report.ran.is_empty());
        assert!(report.results.iter().all(Result::is_ok));
        assert_eq!(report.gathered.stats.len(), 4);
    }
}
