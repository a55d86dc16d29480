//! The MPI transport (rsmpi). Only the main thread calls MPI
//! (`MPI_THREAD_FUNNELED`); worker threads talk to it through channels.

use mpi::collective::{CommunicatorCollectives, SystemOperation};
use mpi::point_to_point::{Destination, MatchedReceiveVec, Source};
use mpi::topology::{Communicator, SimpleCommunicator};
use mpi::traits::Root;

use super::{Error, Received, Tag, Transport};

pub struct MpiTransport {
    // Dropping the universe finalizes MPI, after the world is done with.
    world: SimpleCommunicator,
    _universe: mpi::environment::Universe,
    launcher: String,
}

impl MpiTransport {
    pub fn init(launcher: &str) -> Result<Self, String> {
        let (universe, _threading) = mpi::initialize_with_threading(mpi::Threading::Funneled)
            .ok_or_else(|| "MPI was already initialized".to_string())?;
        let world = universe.world();
        Ok(MpiTransport {
            world,
            _universe: universe,
            launcher: launcher.to_string(),
        })
    }

    fn received(
        msg: mpi::point_to_point::Message,
        status: mpi::point_to_point::Status,
    ) -> Received {
        let from = status.source_rank() as usize;
        let tag = Tag::from_i32(status.tag()).expect("only wasmprep's tags are sent");
        let (bytes, _) = (msg, status).matched_receive_vec::<u8>();
        Received { from, tag, bytes }
    }
}

impl Transport for MpiTransport {
    fn rank(&self) -> usize {
        self.world.rank() as usize
    }

    fn size(&self) -> usize {
        self.world.size() as usize
    }

    fn launcher(&self) -> &str {
        &self.launcher
    }

    fn send(&self, to: usize, tag: Tag, bytes: &[u8]) -> Result<(), Error> {
        let size = self.size();
        if to >= size {
            return Err(Error::NoSuchRank {
                from: self.rank(),
                to,
                tag,
                size,
            });
        }
        self.world
            .process_at_rank(to as i32)
            .send_with_tag(bytes, tag as i32);
        Ok(())
    }

    fn try_recv(&self) -> Option<Received> {
        let (msg, status) = self.world.any_process().immediate_matched_probe()?;
        Some(Self::received(msg, status))
    }

    fn recv(&self) -> Result<Received, Error> {
        if self.size() == 1 {
            return Err(Error::Alone { rank: 0 });
        }
        let (msg, status) = self.world.any_process().matched_probe();
        Ok(Self::received(msg, status))
    }

    fn broadcast(&self, root: usize, bytes: Vec<u8>) -> Vec<u8> {
        let root = self.world.process_at_rank(root as i32);
        let mut len = bytes.len() as u64;
        root.broadcast_into(&mut len);
        let mut buf = if self.rank() == root.rank() as usize {
            bytes
        } else {
            vec![0u8; len as usize]
        };
        root.broadcast_into(&mut buf[..]);
        buf
    }

    fn all_ok(&self, ok: bool) -> bool {
        let mine = i32::from(ok);
        let mut all = 0i32;
        self.world
            .all_reduce_into(&mine, &mut all, SystemOperation::min());
        all == 1
    }

    fn barrier(&self) {
        self.world.barrier();
    }
}
