//! What a proposer and a challenger of Optimistic Axiom claims do with an Ethereum node (the
//! data) and a chain (where the contracts live; both may be the same node): run a claim's
//! guest on the node's data, propose it, apply it once it stands, and, for any game of the
//! contracts, rebuild its guest's input from the game alone — the anchor in its extra data,
//! or the storage claim or items the contract published — to play the honest trace against
//! it.

use alloy::primitives::{keccak256, Address, B256};
use alloy::rpc::types::Filter;
use alloy_consensus::Header;
use alloy_sol_types::{SolEvent, SolValue};
use axon_axiom::attest::StorageClaim;
use axon_axiom::group::GROUP_SIZE;
use axon_vm::{CheckpointStore, Halt, PreimageStore, Program, Vm, VmConfig};

use super::claims::past_uint32;
use super::claims::{
    block_hash_witness, AxiomDeployment, BlockHashWitness, GroupUpdate, IBlockHashCache,
    ISlotStatistics, IStorageAttestations, OutputWitness,
};
use super::{header_chain_store, Node};
use crate::chain::{view, Chain};
use crate::contracts::IDisputeGame;
use crate::guest::{finish_guest, hashed_input_store, load_guest};
use crate::{Error, Result, VmTraceProvider};

/// Steps between the checkpoints of a claim's trace: a whole group's run (34M steps) keeps
/// about 500.
const CHECKPOINT_INTERVAL: u64 = 1 << 16;

/// The three guests claims run.
pub struct Guests {
    /// The header-chain guest (block-hash updates).
    pub header_chain: Program,
    /// The storage-proof guest (attestations).
    pub storage_proof: Program,
    /// The slot-stats guest (statistics).
    pub slot_stats: Program,
    /// The header-chain-unit guest (the executions of `updateHistorical` claims).
    pub header_chain_unit: Program,
}

impl Guests {
    /// The guests in the ELF files `[header_chain, storage_proof, slot_stats,
    /// header_chain_unit]`.
    pub fn load(
        [header_chain, storage_proof, slot_stats, header_chain_unit]: [&std::path::Path; 4],
    ) -> Result<Self> {
        Ok(Self {
            header_chain: load_guest(header_chain)?,
            storage_proof: load_guest(storage_proof)?,
            slot_stats: load_guest(slot_stats)?,
            header_chain_unit: load_guest(header_chain_unit)?,
        })
    }

    /// The guest of a claim of `kind`.
    pub fn of(&self, kind: ClaimKind) -> &Program {
        match kind {
            ClaimKind::Update => &self.header_chain,
            ClaimKind::Attestation => &self.storage_proof,
            ClaimKind::Statistics => &self.slot_stats,
        }
    }
}

/// What a claim is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimKind {
    /// A block-hash cache update (the header-chain guest).
    Update,
    /// A storage attestation (the storage-proof guest).
    Attestation,
    /// Statistics of attested slots (the slot-stats guest).
    Statistics,
}

/// A guest run to its end, with what proves its output.
pub struct FinishedRun {
    /// Its final VM.
    pub vm: Vm,
    /// Its output.
    pub stdout: Vec<u8>,
    /// Its reason, when it failed.
    pub stderr: Vec<u8>,
    /// The final state and the proof of its output commitment.
    pub witness: OutputWitness,
}

impl FinishedRun {
    /// Runs `program` on `store` to its end.
    pub fn new(program: &Program, store: PreimageStore) -> Result<Self> {
        let (vm, host) = finish_guest(program, store)?;
        let witness = OutputWitness::of(&vm);
        Ok(Self { vm, stdout: host.stdout, stderr: host.stderr, witness })
    }

    /// The run, if it exited 0: only a successful run has an output to claim.
    pub fn succeeded(self) -> Result<Self> {
        match self.vm.cpu().halt {
            Halt::Exited(0) => Ok(self),
            halt => Err(Error::GuestFailed {
                halt,
                stderr: String::from_utf8_lossy(&self.stderr).trim().to_owned(),
            }),
        }
    }
}

/// A game's guest input, rebuilt from the game and the node.
pub struct GameInput {
    /// Which contract's claim the game decides.
    pub kind: ClaimKind,
    /// The guest's preimages.
    pub store: PreimageStore,
    /// The game's extra data.
    pub extra_data: Vec<u8>,
    /// The depth of the game.
    pub max_depth: u8,
    /// The game's root claim: the final state its proposer claims.
    pub root_claim: axon_vm::Hash,
    /// The game's outcome when it was read.
    pub status: crate::game::GameStatus,
}

impl GameInput {
    /// The honest trace of the game's guest.
    pub fn honest_trace(&self, guests: &Guests) -> Result<VmTraceProvider> {
        VmTraceProvider::new(
            guests.of(self.kind),
            self.store.clone(),
            self.max_depth,
            CHECKPOINT_INTERVAL,
            CheckpointStore::Memory,
            VmConfig::default(),
        )
    }
}

/// The header-chain guest's preimages for the run from `anchor`: the headers from its
/// group's first block, fetched by number and checked to end at `anchor`.
pub fn group_store(node: &Node, anchor: B256) -> Result<(u64, PreimageStore)> {
    let number = node.header_by_hash(anchor)?.number;
    let headers = node.group_headers(number)?;
    if headers.last().map(keccak256) != Some(anchor) {
        return Err(Error::BadInput {
            what: format!("block {number} of the node"),
            reason: format!("its hash is not {anchor}"),
        });
    }
    Ok((number, header_chain_store(&headers)?))
}

/// The storage-proof guest's preimages for `claim` (ABI-encoded, exactly the bytes the game's
/// input hashes): the claim, and the header of its block from the node.
pub fn attestation_store(node: &Node, claim: &[u8]) -> Result<PreimageStore> {
    let decoded = StorageClaim::decode(claim)
        .map_err(|source| Error::Axiom { what: "the published storage claim".into(), source })?;
    let header = node.header_by_hash(decoded.blockHash)?;
    let mut store = hashed_input_store(claim.to_vec());
    store.insert_keccak(alloy_rlp::encode(&header));
    Ok(store)
}

/// Rebuilds the input of `game`, a game of `contracts`' cache or attestations.
pub fn game_input(
    node: &Node,
    chain: &mut dyn Chain,
    contracts: &AxiomDeployment,
    game: Address,
) -> Result<GameInput> {
    let state = crate::game::read(chain, game)?;
    let game_type = view(chain, game, IDisputeGame::gameTypeCall {})?;
    let input = match state.extra_data.as_slice() {
        [32, word @ ..] if word.len() == 32 => B256::from_slice(word),
        _ => {
            return Err(Error::NotAClaim {
                game,
                reason: "it is not over one 32-byte input".into(),
            })
        }
    };
    let root = state
        .claims
        .first()
        .ok_or_else(|| Error::NoGame { address: game, reason: "it has no root claim" })?;
    if contracts.lookup_game(chain, game_type, root.value, input)? != game {
        return Err(Error::NotAClaim { game, reason: "it is not a game of the factory".into() });
    }
    let (kind, store) = if game_type == contracts.header_game_type {
        (ClaimKind::Update, group_store(node, input)?.1)
    } else if game_type == contracts.storage_game_type {
        let claim = published_input(
            node,
            contracts.attestations,
            game,
            input,
            |e: IStorageAttestations::AttestationClaimed| e.storageClaim,
        )?;
        (ClaimKind::Attestation, attestation_store(node, &claim)?)
    } else if game_type == contracts.stats_game_type {
        let items = published_input(
            node,
            contracts.statistics,
            game,
            input,
            |e: ISlotStatistics::StatisticsClaimed| e.items,
        )?;
        (ClaimKind::Statistics, hashed_input_store(items))
    } else {
        return Err(Error::NotAClaim {
            game,
            reason: format!("its type {game_type} is none of the Axiom claims'"),
        });
    };
    Ok(GameInput {
        kind,
        store,
        root_claim: root.value,
        extra_data: state.extra_data,
        max_depth: state.max_depth,
        status: state.status,
    })
}

/// The guest input `contract` published for `game` in its event `E` (whose first indexed
/// topic is the game; `bytes_of` takes the input from it), checked against the game's input.
fn published_input<E: SolEvent>(
    node: &Node,
    contract: Address,
    game: Address,
    input: B256,
    bytes_of: impl Fn(E) -> alloy::primitives::Bytes,
) -> Result<Vec<u8>> {
    let filter = Filter::new()
        .address(contract)
        .event_signature(E::SIGNATURE_HASH)
        .topic1(game.into_word())
        .from_block(0);
    let log = node.logs(&filter)?.into_iter().next().ok_or_else(|| Error::NotAClaim {
        game,
        reason: format!("{contract} published no {}", E::SIGNATURE),
    })?;
    let event = E::decode_log_data(log.data())
        .map_err(|source| Error::AbiDecode { what: E::SIGNATURE.into(), source })?;
    let bytes = bytes_of(event).to_vec();
    if keccak256(&bytes) != input {
        return Err(Error::NotAClaim {
            game,
            reason: format!("what {} published is not its input", E::SIGNATURE),
        });
    }
    Ok(bytes)
}

/// The cached entry of the group from `start`, as the `UpdateEvent` that wrote it states it
/// (`None` while the group is not cached).
pub fn cached_group(
    node: &Node,
    chain: &mut dyn Chain,
    contracts: &AxiomDeployment,
    start: u32,
) -> Result<Option<GroupUpdate>> {
    let entry = contracts.historical_root(chain, start)?;
    if entry.is_zero() {
        return Ok(None);
    }
    let filter = Filter::new()
        .address(contracts.cache)
        .event_signature(IBlockHashCache::UpdateEvent::SIGNATURE_HASH)
        .from_block(0);
    for log in node.logs(&filter)? {
        let e = IBlockHashCache::UpdateEvent::decode_log_data(log.data())
            .map_err(|source| Error::AbiDecode { what: "UpdateEvent".into(), source })?;
        let update = GroupUpdate {
            start: e.startBlockNumber,
            prevHash: e.prevHash,
            root: e.root,
            numFinal: e.numFinal,
        };
        if update.start == start
            && keccak256((update.prevHash, update.root, update.numFinal).abi_encode_packed())
                == entry
        {
            return Ok(Some(update));
        }
    }
    Ok(None)
}

/// The witness of block `number` against the cache, from the node's block hashes.
pub fn block_witness(
    node: &Node,
    chain: &mut dyn Chain,
    contracts: &AxiomDeployment,
    number: u64,
) -> Result<BlockHashWitness> {
    let start = number - number % GROUP_SIZE;
    let start32 = u32::try_from(start).map_err(|_| past_uint32(number))?;
    let group = cached_group(node, chain, contracts, start32)?.ok_or_else(|| Error::BadInput {
        what: format!("block {number}"),
        reason: format!("the cache holds no group from block {start}"),
    })?;
    let headers = node.headers(start..start + u64::from(group.numFinal))?;
    let hashes: Vec<B256> = headers.iter().map(Header::hash_slow).collect();
    block_hash_witness(&hashes, group.prevHash, number)
}

/// The header-chain guest's output of `run`.
pub fn group_output(run: &FinishedRun) -> Result<GroupUpdate> {
    GroupUpdate::abi_decode(&run.stdout).map_err(|source| Error::AbiDecode {
        what: "the header-chain guest's output".into(),
        source,
    })
}
