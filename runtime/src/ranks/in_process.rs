//! Ranks as threads of one process, talking over channels: a real
//! transport (messages are bytes, as over MPI), so the protocol runs on
//! any number of simulated ranks without a launcher, in tests and benches.

use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Barrier, Condvar, Mutex};
use std::time::Instant;

use super::{Error, Received, Tag, Transport};

/// One rank of an in-process group; move each to its own thread.
pub struct InProcess {
    rank: usize,
    inbox: Receiver<Received>,
    peers: Vec<Sender<Received>>,
    /// Broadcasts and reductions, apart from tagged messages: every rank
    /// enters collectives in the same order, as with MPI.
    collective: Receiver<Vec<u8>>,
    collective_peers: Vec<Sender<Vec<u8>>>,
    barrier: Arc<Barrier>,
    bells: Vec<Doorbell>,
}

/// Rung whenever a message reaches a rank, so a simulated rank with
/// nothing to do can sleep until there is (a thousand ranks polling would
/// starve rank 0 of this machine's cores; on a cluster each has its own).
#[derive(Clone, Default)]
pub struct Doorbell(Arc<(Mutex<u64>, Condvar)>);

impl Doorbell {
    fn ring(&self) {
        let (rings, bell) = &*self.0;
        *rings.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        bell.notify_all();
    }

    /// Waits until it rings after `seen` rings, or until `until`.
    pub fn wait(&self, seen: &mut u64, until: Option<Instant>) {
        let (rings, bell) = &*self.0;
        let mut n = rings.lock().unwrap_or_else(|e| e.into_inner());
        while *n == *seen {
            n = match until {
                None => bell.wait(n).unwrap_or_else(|e| e.into_inner()),
                Some(u) => {
                    let Some(left) = u.checked_duration_since(Instant::now()) else {
                        break;
                    };
                    bell.wait_timeout(n, left)
                        .unwrap_or_else(|e| e.into_inner())
                        .0
                }
            };
        }
        *seen = *n;
    }
}

impl InProcess {
    /// `n` connected ranks, rank `i` at index `i`.
    pub fn group(n: usize) -> Vec<InProcess> {
        let (peers, inboxes): (Vec<_>, Vec<_>) = (0..n).map(|_| channel()).unzip();
        let (collective_peers, collectives): (Vec<_>, Vec<_>) = (0..n).map(|_| channel()).unzip();
        let barrier = Arc::new(Barrier::new(n));
        let bells: Vec<Doorbell> = (0..n).map(|_| Doorbell::default()).collect();
        inboxes
            .into_iter()
            .zip(collectives)
            .enumerate()
            .map(|(rank, (inbox, collective))| InProcess {
                rank,
                inbox,
                peers: peers.clone(),
                collective,
                collective_peers: collective_peers.clone(),
                barrier: barrier.clone(),
                bells: bells.clone(),
            })
            .collect()
    }

    fn no_rank(&self, to: usize, tag: Tag) -> Error {
        Error::NoSuchRank {
            from: self.rank,
            to,
            tag,
            size: self.size(),
        }
    }

    /// This rank's doorbell.
    pub fn doorbell(&self) -> Doorbell {
        self.bells[self.rank].clone()
    }

    fn alone(&self) -> Error {
        Error::Alone { rank: self.rank }
    }
}

impl Transport for InProcess {
    fn rank(&self) -> usize {
        self.rank
    }
    fn size(&self) -> usize {
        self.peers.len()
    }
    fn launcher(&self) -> &str {
        "in-process"
    }
    fn send(&self, to: usize, tag: Tag, bytes: &[u8]) -> Result<(), Error> {
        let peer = self.peers.get(to).ok_or_else(|| self.no_rank(to, tag))?;
        let msg = Received {
            from: self.rank,
            tag,
            bytes: bytes.to_vec(),
        };
        peer.send(msg).map_err(|_| self.no_rank(to, tag))?;
        self.bells[to].ring();
        Ok(())
    }
    fn try_recv(&self) -> Option<Received> {
        self.inbox.try_recv().ok()
    }
    fn recv(&self) -> Result<Received, Error> {
        self.inbox.recv().map_err(|_| self.alone())
    }
    fn broadcast(&self, root: usize, bytes: Vec<u8>) -> Vec<u8> {
        if self.rank != root {
            return self.collective.recv().unwrap_or_default();
        }
        for (r, peer) in self.collective_peers.iter().enumerate() {
            if r != root {
                let _ = peer.send(bytes.clone());
            }
        }
        bytes
    }
    fn all_ok(&self, ok: bool) -> bool {
        // Gather at rank 0, then broadcast its verdict.
        let mut all = ok;
        if self.rank == 0 {
            for _ in 1..self.size() {
                all &= self.collective.recv().is_ok_and(|b| b == [1]);
            }
        } else {
            let _ = self.collective_peers[0].send(vec![u8::from(ok)]);
        }
        self.broadcast(0, vec![u8::from(all)]) == [1]
    }
    fn barrier(&self) {
        self.barrier.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_collectives_reach_every_rank() {
        let group = InProcess::group(3);
        std::thread::scope(|s| {
            for t in group {
                s.spawn(move || {
                    let got = t.broadcast(
                        0,
                        if t.rank() == 0 {
                            b"plan".to_vec()
                        } else {
                            vec![]
                        },
                    );
                    assert_eq!(got, b"plan");
                    assert!(!t.all_ok(t.rank() != 2), "rank 2 is not ok");
                    assert!(t.all_ok(true));
                    let next = (t.rank() + 1) % 3;
                    t.send(next, Tag::Request, &[t.rank() as u8]).unwrap();
                    let msg = t.recv().unwrap();
                    assert_eq!(msg.from, (t.rank() + 2) % 3);
                    assert_eq!((msg.tag, msg.bytes), (Tag::Request, vec![msg.from as u8]));
                    t.barrier();
                });
            }
        });
    }

    #[test]
    fn sending_to_a_rank_that_is_not_there_is_an_error() {
        let group = InProcess::group(2);
        let err = group[1].send(2, Tag::Assign, b"x").unwrap_err();
        assert_eq!(
            err.to_string(),
            "rank 1 cannot send Assign to rank 2: the job has 2 rank(s)"
        );
    }
}
