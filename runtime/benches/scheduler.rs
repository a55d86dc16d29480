//! The rank protocol's scheduler on simulated ranks: how fast rank 0 hands
//! partitions out, and how long workers wait for them.
//!
//! 1. Rank 0 alone: one core reading requests (each reporting a commit),
//!    deciding and writing the replies, with no transport: the hand-outs
//!    per second rank 0 can sustain.
//! 2. 64, 256 and 1024 ranks as threads of this process over the
//!    in-process transport, partitions that take no time: the hand-out
//!    rate of the whole loop. Every rank shares this machine's cores with
//!    rank 0 (on a cluster each has its own), so this is a lower bound.
//! 3. The same ranks running partitions that take `WORK` each: the share
//!    of worker time spent waiting for a partition.
//!
//! `cargo bench -p wasmprep --bench scheduler [-- PARTITIONS_PER_RANK]`,
//! or `make bench-scheduler`.

use std::time::{Duration, Instant};

use wasmprep::io::output::PartitionCommit;
use wasmprep::ranks::messages::{decode, encode, Assign, Request};
use wasmprep::ranks::simulate::{simulate, Report, Simulation};
use wasmprep::ranks::{largest_first, Coordinator, Received, Tag};

/// Partition time in part 3.
const WORK: Duration = Duration::from_millis(200);
const RANKS: [usize; 3] = [64, 256, 1024];

fn main() {
    let per_rank: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(20);
    println!(
        "rank 0 alone: {:.0} hand-outs/s",
        coordinator_alone(200_000)
    );
    println!();
    hand_out_rates(per_rank);
    println!();
    idle_times();
}

/// Partitions that take no time: how fast the whole loop hands them out.
fn hand_out_rates(per_rank: usize) {
    println!("ranks  partitions  hand-outs/s  mean request ms");
    for ranks in RANKS {
        let sim = Simulation::new(ranks, ranks * per_rank);
        let report = simulate(&sim);
        check(&report, &sim);
        let rate = sim.bytes.len() as f64 / report.seconds;
        let request_ms = mean(&report, |s| s.mean_request_ms);
        println!(
            "{ranks:>5}  {:>10}  {rate:>11.0}  {request_ms:>15.2}",
            sim.bytes.len()
        );
    }
}

/// Partitions that take `WORK`: how long workers wait for the next.
fn idle_times() {
    println!("partitions of {WORK:?}, 4 per rank:");
    println!("ranks  seconds  ideal  idle share  mean wait/partition ms");
    for ranks in RANKS {
        let sim = Simulation {
            work: WORK,
            ..Simulation::new(ranks, ranks * 4)
        };
        let report = simulate(&sim);
        check(&report, &sim);
        let waited: f64 = report
            .gathered
            .stats
            .iter()
            .map(|s| s.mean_partition_wait_ms * s.partitions as f64 / 1e3)
            .sum();
        let idle =
            1.0 - (sim.bytes.len() as f64 * WORK.as_secs_f64()) / (ranks as f64 * report.seconds);
        let ideal = 4.0 * WORK.as_secs_f64();
        println!(
            "{ranks:>5}  {:>7.2}  {ideal:>5.2}  {:>9.1}%  {:>22.2}",
            report.seconds,
            idle * 100.0,
            waited * 1e3 / sim.bytes.len() as f64
        );
    }
}

/// Every partition committed, no failure.
fn check(report: &Report, sim: &Simulation) {
    assert_eq!(report.gathered.commits.len(), sim.bytes.len());
    assert!(report.results.iter().all(Result::is_ok));
}

/// The mean over worker ranks (1..) of a statistic.
fn mean(report: &Report, f: impl Fn(&wasmprep::ranks::RankStats) -> f64) -> f64 {
    let stats = &report.gathered.stats[1..];
    stats.iter().map(f).sum::<f64>() / stats.len().max(1) as f64
}

/// Hand-outs per second by rank 0's decisions and messages alone: `n`
/// requests, round robin over 1024 ranks, each reporting one commit and
/// asking for one partition.
fn coordinator_alone(n: usize) -> f64 {
    let ranks = 1024;
    let bytes = vec![1u64; n];
    let mut c = Coordinator::new(ranks, 1, largest_first(&bytes, &[]), bytes.clone());
    let requests: Vec<Vec<u8>> = (0..n)
        .map(|i| {
            encode(&Request {
                idle: 1,
                want: 1,
                commits: vec![PartitionCommit {
                    id: i,
                    rows_read: 100_000,
                    input: format!("x.csv bytes {i}..{}", i + 1),
                    file: format!("part-{i:05}.parquet"),
                    sha256: "0".repeat(64),
                    ..PartitionCommit::default()
                }],
                failure: None,
            })
        })
        .collect();
    let started = Instant::now();
    let mut handed = 0;
    for (i, bytes) in requests.into_iter().enumerate() {
        let msg = Received {
            from: 1 + i % (ranks - 1),
            tag: Tag::Request,
            bytes,
        };
        if let Some(reply) = c.on_message(msg) {
            let sent = encode(&reply);
            handed += decode::<Assign>(&sent, 0).map_or(0, |a| a.partitions.len());
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(handed, n);
    n as f64 / seconds
}
