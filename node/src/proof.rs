//! The data of an output proposal's fraud proof: everything the `rollup-block` guest reads to
//! re-derive one block (docs/rollup.md), gathered from the node's database as a preimage
//! store — the boot information and the split game's local data, the chain config, the
//! parent's output and headers, the inbox accumulator's entries back to the block's batch
//! and that batch's data, the deposit accumulator's entries back to the block's deposits,
//! and the block's run: the trie nodes and codes it read and the oracle's answers (no model:
//! inference results come from the opML game).
//!
//! The run is recorded exactly as the guest will perform it — the same derivation, the same
//! reads, the post-state's withdrawal storage root included — so the store holds every
//! preimage the guest asks for.
//!
//! [`RollupUnits`] is the honest side's view of a proposal's split game (the dispute
//! toolkit's `Units`): the output root after each block, and each block's fraud-proof data.

use alloy::primitives::B256;
use alloy_rlp::Encodable;
use alloy_sol_types::SolValue;
use axon_ai_evm::block::offloaded::Recording;
use axon_ai_evm::block::witness::Recorder;
use axon_ai_evm::block::{execute_with_state, Native, Offloaded, Preimages};
use axon_rollup::batch::decode_blob;
use axon_rollup::boot::RollupBoot;
use axon_rollup::chain::derive;
use axon_rollup::output::MESSAGE_PASSER;
use std::sync::Arc;

use axon_dispute::split::{Subgame, Units};
use axon_vm::abi::local;
use axon_vm::{Hash, PreimageStore};

use crate::error::{NodeError, Result};
use crate::node::{block_or_corrupt, head_at, output, Node};

/// The guest's whole store for unit `unit` of the proposal `boot`, with the split game's
/// `agreed` and `disputed` output roots: its local data and [`preimages`].
pub fn unit_preimages(
    node: &Node,
    boot: &RollupBoot,
    unit: u64,
    agreed: B256,
    disputed: B256,
) -> Result<PreimageStore> {
    let mut store = preimages(node, boot, unit, agreed)?;
    store.insert_local(local::INPUT, boot.hash().to_vec());
    store.insert_local(local::AGREED, agreed.to_vec());
    store.insert_local(local::DISPUTED, disputed.to_vec());
    store.insert_local(local::UNIT, unit.to_be_bytes().to_vec());
    Ok(store)
}

/// Everything but the local data the guest reads for unit `unit` of the proposal `boot`,
/// whose agreed output root is `agreed` (ignored for unit 0: the boot's starting output).
pub fn preimages(node: &Node, boot: &RollupBoot, unit: u64, agreed: B256) -> Result<PreimageStore> {
    recorded(node, boot, unit, agreed).map(|(store, _)| store)
}

/// The inference requests the block of unit `unit` of the proposal `boot` makes: the
/// results its proof reads from the `InferenceOracle`.
pub fn inference_requests(node: &Node, boot: &RollupBoot, unit: u64) -> Result<Vec<Vec<u8>>> {
    let number = boot.startingBlock + 1 + unit;
    if number > boot.proposalBlock {
        return Ok(Vec::new());
    }
    let agreed = if unit == 0 { boot.startingOutputRoot } else { node.output_root(number - 1)? };
    let (_, offloaded) = recorded(node, boot, unit, agreed)?;
    Ok(offloaded.requests().map(<[u8]>::to_vec).collect())
}

/// [`preimages`], and the oracle's answers the block's run read.
fn recorded(
    node: &Node,
    boot: &RollupBoot,
    unit: u64,
    agreed: B256,
) -> Result<(PreimageStore, Offloaded)> {
    let mut store = PreimageStore::new();
    store.insert_keccak(boot.encode());
    let config = node.genesis().config.abi_encode();
    if alloy::primitives::keccak256(&config) != boot.chainConfig {
        return Err(NodeError::Proof(format!(
            "the boot's chain config is not this chain's ({})",
            boot.chainConfig
        )));
    }
    store.insert_keccak(config);
    let number = boot.startingBlock + 1 + unit;
    if number > boot.proposalBlock {
        return Ok((store, Offloaded::default()));
    }

    let snapshot = node.snapshot()?;
    let parent = block_or_corrupt(&snapshot, number - 1)?;
    let parent_output = output(&snapshot, &parent)?;
    let expected = if unit == 0 { boot.startingOutputRoot } else { agreed };
    if parent_output.root() != expected {
        return Err(NodeError::Proof(format!(
            "the agreed output {expected} is not block {}'s ({})",
            number - 1,
            parent_output.root()
        )));
    }
    store.insert_keccak(parent_output.encode().to_vec());
    for older in (number - 1).saturating_sub(255)..number {
        let mut rlp = Vec::new();
        block_or_corrupt(&snapshot, older)?.header.encode(&mut rlp);
        store.insert_keccak(rlp);
    }

    let records = snapshot.batches_back(boot.inboxAccumulator)?;
    let mut batch = None;
    for (i, record) in records.iter().enumerate() {
        let previous = records.get(i + 1).map_or(B256::ZERO, |r| r.accumulator);
        let entry = record.entry(previous);
        store.insert_keccak(entry.encode().to_vec());
        if record.first_block <= number && number <= record.last_block {
            batch = Some(entry);
            break;
        }
    }
    let batch = batch.ok_or_else(|| {
        NodeError::Proof(format!(
            "no batch up to accumulator {} holds block {number}",
            boot.inboxAccumulator
        ))
    })?;
    let record = records.iter().find(|r| r.first_block == batch.first_block).ok_or_else(|| {
        NodeError::Proof(format!("the batch of block {number} is not in the database"))
    })?;
    let blob = snapshot.batch_data(record)?.ok_or_else(|| {
        NodeError::Proof(format!("batch {}'s blob is not in the database", record.index))
    })?;
    let blocks = decode_blob(&blob).unwrap_or_default();
    if record.blob_hash != B256::ZERO && !store.insert_l1_blob(record.blob_hash.0, blob) {
        return Err(NodeError::Proof(format!("batch {}'s blob is not a blob", record.index)));
    }

    let head = head_at(&snapshot, number - 1)?;
    let recorder = Recorder::new(&snapshot);
    let mut oracle = Recording::new(Native::new(&node.genesis().model_files));
    let entry = usize::try_from(number - record.first_block).ok().and_then(|i| blocks.get(i));
    let derived = derive(
        &node.genesis().config,
        &head,
        entry,
        &batch,
        |hash| recorder.preimage(hash).map(Into::into),
        |input, credits| execute_with_state(input, credits, &recorder, &mut oracle),
    );
    let withdrawals = derived.map(|mut derived| derived.run.1.storage_root_of(MESSAGE_PASSER));
    snapshot.check()?;
    withdrawals.map_err(|e| NodeError::Execution(e.to_string()))?.map_err(NodeError::State)?;
    for (_, bytes) in recorder.witness().iter() {
        store.insert_keccak(bytes.to_vec());
    }
    let offloaded = oracle.into_offloaded();
    for (key, entry) in offloaded.iter() {
        store.insert(*key, entry.data.clone());
        store.insert_keccak(entry.source.clone());
    }
    Ok((store, offloaded))
}

/// A proposal's units as the honest side sees them: the output root after each block from
/// the proposal's starting block on, and each block's fraud-proof data.
#[derive(Debug)]
pub struct RollupUnits {
    node: Arc<Node>,
    boot: RollupBoot,
}

impl RollupUnits {
    /// The units of the proposal `boot` on `node`'s chain, which must have every block up to
    /// the proposal's (a validator that derived them).
    pub fn new(node: Arc<Node>, boot: RollupBoot) -> Result<Self> {
        if node.head().header.number < boot.proposalBlock
            || boot.proposalBlock <= boot.startingBlock
        {
            return Err(NodeError::Proof(format!(
                "cannot prove blocks {}..={} on a chain at block {}",
                boot.startingBlock + 1,
                boot.proposalBlock,
                node.head().header.number
            )));
        }
        Ok(Self { node, boot })
    }
}

fn dispute_error(e: NodeError) -> axon_dispute::Error {
    axon_dispute::Error::Chain(e.to_string())
}

impl Units for RollupUnits {
    fn count(&self) -> u64 {
        self.boot.proposalBlock - self.boot.startingBlock
    }

    /// Zero before the first unit (the game's convention: the guest then starts from the
    /// boot's starting output), then the output root after each block, the proposal's past
    /// its block.
    fn commitment_after(&mut self, units: u64) -> axon_dispute::Result<Hash> {
        if units == 0 {
            return Ok([0; 32]);
        }
        let number = self.boot.startingBlock + units.min(self.count());
        self.node.output_root(number).map(|root| root.0).map_err(dispute_error)
    }

    fn locals(&self) -> Vec<Vec<u8>> {
        vec![self.boot.hash().to_vec()]
    }

    fn preimages(&mut self, subgame: &Subgame) -> axon_dispute::Result<PreimageStore> {
        if subgame.unit > 0 {
            // The agreed output is the honest one after `unit` blocks, or one nobody can show.
            subgame.check_agreed(&self.commitment_after(subgame.unit)?)?;
        }
        preimages(&self.node, &self.boot, subgame.unit, B256::from(subgame.agreed))
            .map_err(dispute_error)
    }
}
