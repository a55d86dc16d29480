//! Rank 0's side of the protocol. The coordinator hands partitions out one
//! at a time, largest first, to whichever rank has an idle worker (rank 0
//! included), gathers commits and the first failure, and stops every rank
//! when one fails. One small handler per message kind; [`lead`] is the thin
//! loop that feeds it from the transport and rank 0's own workers.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::messages::{decode, encode, lost, unreadable, Assign, Done, Failure, Final, Request};
use super::runner::{drain, Outcome, Runner};
use super::{RankStats, Received, Tag, Transport};
use crate::exec::progress::{Counter, ProgressObserver};
use crate::exec::Result;
use crate::io::output::PartitionCommit;

/// How long rank 0 waits for its workers before looking for messages
/// again. Partitions are queued one ahead, so the round trip to rank 0 is
/// hidden from the workers and a coarse period costs nothing.
pub const POLL: Duration = Duration::from_millis(1);

/// The order partitions are handed out: largest first (so a long one does
/// not start last), then by index; those in `committed` are left out.
pub fn largest_first(bytes: &[u64], committed: &[usize]) -> Vec<usize> {
    let mut todo: Vec<usize> = (0..bytes.len())
        .filter(|i| !committed.contains(i))
        .collect();
    todo.sort_by(|&a, &b| bytes[b].cmp(&bytes[a]).then(a.cmp(&b)));
    todo
}

/// What rank 0 gathered by the end of a job.
#[derive(Debug)]
pub struct Gathered {
    /// Partitions committed in this run, by any rank.
    pub commits: Vec<PartitionCommit>,
    /// The first failure, if any.
    pub failure: Option<Failure>,
    /// One per rank, by rank.
    pub stats: Vec<RankStats>,
    /// Every hand-out in order: `(rank, partition)`.
    pub grants: Vec<(usize, usize)>,
}

/// Rank 0's scheduler state.
pub struct Coordinator {
    ranks: usize,
    queue: VecDeque<usize>,
    /// Input bytes per partition, for progress.
    bytes: Vec<u64>,
    /// Shown when asked for (the job shows it, tests do not).
    progress: Option<(Counter, Arc<dyn ProgressObserver>)>,
    commits: Vec<PartitionCommit>,
    failure: Option<Failure>,
    /// What each other rank reported when it left.
    stats: BTreeMap<usize, RankStats>,
    own: RankStats,
    aborted: bool,
    grants: Vec<(usize, usize)>,
}

impl Coordinator {
    /// `todo` in hand-out order (see [`largest_first`]), over `ranks`
    /// ranks; rank 0 runs `threads` workers.
    pub fn new(ranks: usize, threads: usize, todo: Vec<usize>, bytes: Vec<u64>) -> Self {
        Coordinator {
            ranks,
            progress: None,
            queue: todo.into(),
            bytes,
            commits: Vec::new(),
            failure: None,
            stats: BTreeMap::new(),
            own: RankStats {
                rank: 0,
                threads,
                ..RankStats::default()
            },
            aborted: false,
            grants: Vec::new(),
        }
    }

    /// Tells `observer` of progress.
    pub fn with_progress(mut self, observer: Arc<dyn ProgressObserver>) -> Self {
        let total = self.queue.iter().map(|&i| self.bytes[i]).sum();
        self.progress = Some((Counter::new(self.queue.len(), total), observer));
        self
    }

    /// Tells the observer where the run stands.
    fn show_progress(&self) {
        if let Some((counter, observer)) = &self.progress {
            observer.update(&counter.now());
        }
    }

    /// Whether enough is left to queue one partition ahead per rank
    /// without leaving a rank idle while another sits on a partition.
    fn plenty_left(&self) -> bool {
        self.queue.len() > 2 * self.ranks
    }

    /// Up to `n` partitions for `rank`, unless the job is failing.
    fn hand_out(&mut self, rank: usize, n: usize) -> Vec<usize> {
        let mut partitions = Vec::new();
        while self.failure.is_none() && partitions.len() < n {
            let Some(i) = self.queue.pop_front() else {
                break;
            };
            self.grants.push((rank, i));
            partitions.push(i);
        }
        partitions
    }

    fn commit(&mut self, c: PartitionCommit) {
        if let Some((counter, _)) = &mut self.progress {
            counter.add(&c, self.bytes[c.id]);
        }
        self.commits.push(c);
    }

    fn fail(&mut self, f: Failure) {
        self.failure.get_or_insert(f);
    }

    /// What became of one of rank 0's own partitions.
    pub fn on_outcome(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Committed(c) => {
                self.own.count(&c);
                self.commit(c);
            }
            Outcome::Failed { partition, message } => self.fail(Failure {
                rank: 0,
                partition: Some(partition),
                message,
            }),
            Outcome::Cancelled => {}
        }
    }

    /// A message from another rank; the reply to send it, if any.
    pub fn on_message(&mut self, msg: Received) -> Option<Assign> {
        match msg.tag {
            Tag::Request => match decode(&msg.bytes, msg.from) {
                Ok(request) => Some(self.on_request(msg.from, request)),
                Err(e) => {
                    self.fail(unreadable(msg.from, e));
                    Some(Assign {
                        partitions: Vec::new(),
                        stop: true,
                    })
                }
            },
            Tag::Done => {
                match decode(&msg.bytes, msg.from) {
                    Ok(done) => self.on_done(msg.from, done),
                    Err(e) => {
                        self.fail(unreadable(msg.from, e));
                        self.stats.insert(msg.from, RankStats::default());
                    }
                }
                None
            }
            other => {
                tracing::warn!(from = msg.from, tag = ?other, "Unexpected message.");
                None
            }
        }
    }

    /// A worker's commits and failure, and how much more it wants.
    pub fn on_request(&mut self, from: usize, request: Request) -> Assign {
        request.commits.into_iter().for_each(|c| self.commit(c));
        if let Some(f) = request.failure {
            self.fail(f);
        }
        // Queue ahead only while plenty is left, so no rank sits on a
        // partition another could start.
        let grant = if self.plenty_left() {
            request.want
        } else {
            request.idle
        };
        let partitions = self.hand_out(from, grant);
        Assign {
            partitions,
            stop: self.failure.is_some() || self.queue.is_empty(),
        }
    }

    /// A worker left: its last commits, failure and statistics.
    pub fn on_done(&mut self, from: usize, done: Done) {
        done.commits.into_iter().for_each(|c| self.commit(c));
        if let Some(f) = done.failure {
            self.fail(f);
        }
        self.stats.insert(from, done.stats);
    }

    /// True once, when the job has just begun failing: time to stop all.
    pub fn begin_abort(&mut self) -> bool {
        let now = self.failure.is_some() && !self.aborted;
        if now {
            self.aborted = true;
            self.queue.clear();
        }
        now
    }

    /// Queues partitions on rank 0's own workers.
    pub fn feed(&mut self, runner: &mut impl Runner) -> bool {
        let mut fed = false;
        loop {
            let room = if self.plenty_left() {
                runner.wants()
            } else {
                runner.idle()
            };
            let Some(&i) = self.hand_out(0, room.min(1)).first() else {
                return fed;
            };
            runner.submit(i);
            fed = true;
        }
    }

    /// Whether every partition is done (or the job failed), rank 0's
    /// workers are idle and every other rank has left.
    pub fn finished(&self, in_flight: usize) -> bool {
        (self.failure.is_some() || self.queue.is_empty())
            && in_flight == 0
            && self.stats.len() == self.ranks - 1
    }

    /// The end: what was gathered, with rank 0's own statistics.
    pub fn gathered(mut self, waited: Duration, started: Instant) -> Gathered {
        if let Some((_, observer)) = &self.progress {
            observer.finish();
        }
        self.own.mean_partition_wait_ms =
            waited.as_secs_f64() * 1e3 / self.own.partitions.max(1) as f64;
        self.own.wall_seconds = started.elapsed().as_secs_f64();
        self.stats.insert(0, self.own);
        Gathered {
            commits: self.commits,
            failure: self.failure,
            stats: self.stats.into_values().collect(),
            grants: self.grants,
        }
    }
}

/// Rank 0's loop: its own workers' outcomes, other ranks' messages, until
/// every rank has left.
pub fn lead(
    transport: &dyn Transport,
    runner: &mut impl Runner,
    mut coordinator: Coordinator,
    started: Instant,
) -> Result<Gathered> {
    loop {
        let mut busy = drain(runner, |outcome, _| coordinator.on_outcome(outcome));
        while let Some(msg) = transport.try_recv() {
            busy = true;
            let from = msg.from;
            if let Some(reply) = coordinator.on_message(msg) {
                transport
                    .send(from, Tag::Assign, &encode(&reply))
                    .map_err(lost)?;
            }
        }
        if coordinator.begin_abort() {
            runner.abort();
            for r in 1..transport.size() {
                transport.send(r, Tag::Abort, &[]).map_err(lost)?;
            }
        }
        busy |= coordinator.feed(runner);
        coordinator.show_progress();
        if coordinator.finished(runner.in_flight()) {
            return Ok(coordinator.gathered(runner.waited(), started));
        }
        if !busy {
            runner.park(POLL);
        }
    }
}

/// Tells every other rank the job's outcome; they may then exit.
pub fn announce(transport: &dyn Transport, error: Option<String>) -> Result<()> {
    let message = encode(&Final { error });
    for r in 1..transport.size() {
        transport.send(r, Tag::Final, &message).map_err(lost)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    use super::*;

    fn request(idle: usize, want: usize) -> Request {
        Request {
            idle,
            want,
            commits: Vec::new(),
            failure: None,
        }
    }

    fn commit(id: usize) -> PartitionCommit {
        PartitionCommit {
            id,
            ..PartitionCommit::default()
        }
    }

    #[test]
    fn partitions_go_largest_first_and_committed_ones_are_skipped() {
        let bytes = [5, 9, 1, 9, 7];
        assert_eq!(largest_first(&bytes, &[]), vec![1, 3, 4, 0, 2]);
        assert_eq!(largest_first(&bytes, &[3, 0]), vec![1, 4, 2]);
    }

    #[test]
    fn a_rank_gets_one_queued_ahead_only_while_plenty_is_left() {
        // 3 ranks: "plenty" is more than 6 left.
        let mut c = Coordinator::new(3, 1, (0..9).collect(), vec![1; 9]);
        let a = c.on_request(1, request(1, 2));
        assert_eq!(
            a,
            Assign {
                partitions: vec![0, 1],
                stop: false
            }
        );
        // 7 left: still plenty.
        let a = c.on_request(2, request(1, 2));
        assert_eq!(a.partitions, vec![2, 3]);
        // 5 left: one per idle worker, none ahead.
        let a = c.on_request(1, request(1, 2));
        assert_eq!(a.partitions, vec![4]);
        let a = c.on_request(2, request(0, 1));
        assert_eq!(
            a,
            Assign {
                partitions: vec![],
                stop: false
            }
        );
        let a = c.on_request(1, request(3, 4));
        assert_eq!(
            a,
            Assign {
                partitions: vec![5, 6, 7],
                stop: false
            }
        );
        let a = c.on_request(2, request(1, 2));
        assert_eq!(
            a,
            Assign {
                partitions: vec![8],
                stop: true
            }
        );
        let handed: Vec<usize> = c.grants.iter().map(|g| g.0).collect();
        assert_eq!(handed, [1, 1, 2, 2, 1, 1, 1, 1, 2]);
    }

    #[test]
    fn a_failure_reported_by_one_rank_stops_every_rank() {
        let mut c = Coordinator::new(3, 1, (0..20).collect(), vec![1; 20]);
        c.on_request(1, request(1, 2));
        c.on_request(2, request(1, 2));
        let failure = Failure {
            rank: 2,
            partition: Some(3),
            message: "boom".into(),
        };
        let mut failing = request(0, 0);
        failing.failure = Some(failure.clone());
        failing.commits = vec![commit(2)];
        assert_eq!(
            c.on_request(2, failing),
            Assign {
                partitions: vec![],
                stop: true
            }
        );
        assert!(c.begin_abort(), "rank 0 tells every rank to stop");
        assert!(!c.begin_abort(), "once");
        // Whoever asks next gets nothing, and rank 0 takes nothing.
        assert_eq!(
            c.on_request(1, request(1, 2)),
            Assign {
                partitions: vec![],
                stop: true
            }
        );
        let mut none = crate::ranks::Synthetic::new(0, 2, Default::default());
        assert!(!c.feed(&mut none));
        assert!(!c.finished(0), "ranks 1 and 2 have not left");
        for r in [1, 2] {
            c.on_done(
                r,
                Done {
                    commits: vec![],
                    failure: None,
                    stats: RankStats::default(),
                },
            );
        }
        assert!(c.finished(0));
        let g = c.gathered(Duration::ZERO, Instant::now());
        assert_eq!(
            g.failure,
            Some(failure),
            "the first failure is the one reported"
        );
        assert_eq!(g.grants.len(), 4);
        assert_eq!(g.stats.len(), 3);
    }

    #[test]
    fn an_unreadable_request_fails_the_job_and_stops_the_rank() {
        let mut c = Coordinator::new(2, 1, (0..5).collect(), vec![1; 5]);
        let reply = c.on_message(Received {
            from: 1,
            tag: Tag::Request,
            bytes: b"{not json".to_vec(),
        });
        assert_eq!(
            reply,
            Some(Assign {
                partitions: vec![],
                stop: true
            })
        );
        assert!(c.begin_abort());
    }

    /// Drives the coordinator as `workers` ranks (1..=workers, one worker
    /// each; rank 0 idle) would, in virtual time: a partition takes its
    /// size, a rank asks whenever its worker is free or could queue one
    /// ahead. Returns when each rank finished and the sizes it ran.
    fn virtual_job(workers: usize, bytes: &[u64]) -> Vec<(u64, Vec<u64>)> {
        let mut c = Coordinator::new(workers + 1, 1, largest_first(bytes, &[]), bytes.to_vec());
        let mut queued: Vec<VecDeque<usize>> = vec![VecDeque::new(); workers + 1];
        let mut ran = vec![(0, Vec::new()); workers + 1];
        let mut ends = BinaryHeap::new();
        let mut stopping = vec![false; workers + 1];
        let ask = |c: &mut Coordinator, r: usize, q: &mut VecDeque<usize>, stop: &mut bool| {
            if *stop || q.len() >= 2 {
                return;
            }
            let a = c.on_request(r, request(1 - q.len().min(1), 2 - q.len()));
            q.extend(a.partitions);
            *stop = a.stop;
        };
        for r in 1..=workers {
            ask(&mut c, r, &mut queued[r], &mut stopping[r]);
            if let Some(&p) = queued[r].front() {
                ends.push(Reverse((bytes[p], r)));
            }
        }
        while let Some(Reverse((t, r))) = ends.pop() {
            let p = queued[r].pop_front().expect("running");
            ran[r].0 = t;
            ran[r].1.push(bytes[p]);
            ask(&mut c, r, &mut queued[r], &mut stopping[r]);
            if let Some(&next) = queued[r].front() {
                ends.push(Reverse((t + bytes[next], r)));
            }
        }
        ran.remove(0);
        ran
    }

    #[test]
    fn a_skewed_input_keeps_ranks_balanced() {
        // One partition of 40 and sixty of 1, on 3 ranks: the large one
        // goes first, the small ones flow to whoever is free.
        let bytes: Vec<u64> = std::iter::repeat_n(1, 30)
            .chain([40])
            .chain(std::iter::repeat_n(1, 30))
            .collect();
        let ranks = virtual_job(3, &bytes);
        let big = ranks.iter().position(|(_, sizes)| sizes[0] == 40).unwrap();
        assert_eq!(
            ranks[big].1,
            [40, 1],
            "only the one queued ahead waits behind it"
        );
        let others: Vec<&(u64, Vec<u64>)> = ranks
            .iter()
            .enumerate()
            .filter(|&(r, _)| r != big)
            .map(|(_, x)| x)
            .collect();
        let (a, b) = (others[0].1.len(), others[1].1.len());
        assert_eq!(a + b, 59);
        assert!(a.abs_diff(b) <= 1, "{a} and {b} partitions");
        let makespan = ranks.iter().map(|(t, _)| *t).max().unwrap();
        assert_eq!(
            makespan, 41,
            "the job lasts as long as its largest partition, plus one"
        );
    }
}
