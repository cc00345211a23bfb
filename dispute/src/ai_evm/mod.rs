//! The AI EVM's host side: an L2 node with its whole state, running blocks natively and
//! recording their witnesses, and the preimages that let the `ai-evm-block` guest run the
//! same block in the VM.
//!
//! The node keeps every trie node and code of its state in a `NodeStore`. Running a block
//! ([`L2Node::execute`]) reads that store through a recorder — the same `axon_ai_evm::block`
//! code the guest runs, natively — so the preimages it read are exactly those the guest will
//! ask the oracle for; it runs the models and the costly precompiles natively and records
//! their answers, which the guest reads instead. [`L2Node::vm_store`] turns them and the block
//! input into the guest's preimage store — no model file: the block proof never runs one; the
//! post-state root the VM commits to is then the node's, bit for bit (`dispute/tests/ai_evm.rs`).

pub mod demo;
pub mod files;
pub mod results;

use std::collections::BTreeMap;

use alloy::consensus::{SignableTransaction, TxEip1559, TxEnvelope};
use alloy::eips::Encodable2718;
use alloy::primitives::{keccak256, Address, Bytes, TxKind, B256, U256};
use alloy::signers::local::PrivateKeySigner;
use alloy::signers::SignerSync;
use axon_ai_evm::block::witness::{
    execute_recorded, genesis, GenesisAccount, InvalidBlock, ModelFiles, NodeStore, RecordedBlock,
};
use axon_ai_evm::block::{BlockInput, ModelEntry, Native, Offloaded};
use axon_vm::preimage::blob_key;
use axon_vm::PreimageStore;

use crate::guest::hashed_input_store;
use crate::{Error, Result};

/// The gas limit of the node's blocks.
pub const BLOCK_GAS_LIMIT: u64 = 30_000_000;
/// The base fee of the node's blocks (an L2 sequencer's fixed price, in wei).
pub const BASE_FEE: u64 = 1_000_000_000;
/// Seconds between blocks.
pub const BLOCK_TIME: u64 = 2;

/// A model the node's chain registers: its file and the gas one inference costs.
#[derive(Debug, Clone)]
pub struct Model {
    /// The model file (AXML or llama2.c).
    pub file: Vec<u8>,
    /// The gas one inference of it costs.
    pub gas: u64,
}

impl Model {
    /// The model's model-DA address: the blob key of its file.
    pub fn address(&self) -> B256 {
        B256::from(blob_key(&self.file))
    }
}

/// An AI-EVM chain's node: its head, its whole state and its registered models.
#[derive(Debug, Clone)]
pub struct L2Node {
    chain_id: u64,
    store: NodeStore,
    state_root: B256,
    number: u64,
    timestamp: u64,
    /// The hashes of the blocks so far, the newest first (at most 256).
    ancestors: Vec<B256>,
    registered: Vec<ModelEntry>,
    models: ModelFiles,
}

/// A block the node ran: its input and the native run's result and witness.
#[derive(Debug)]
pub struct Block {
    /// What the guest reads.
    pub input: BlockInput,
    /// The native run.
    pub recorded: RecordedBlock,
}

impl Block {
    /// The block's name: the keccak-256 of its input (which commits to its parent's state
    /// and ancestors).
    pub fn hash(&self) -> B256 {
        keccak256(self.input.encode())
    }
}

impl L2Node {
    /// A chain `chain_id` whose genesis state is `accounts` (block 0), with `models`.
    pub fn genesis(
        chain_id: u64,
        accounts: &BTreeMap<Address, GenesisAccount>,
        models: &[Model],
    ) -> Self {
        let (state_root, store) = genesis(accounts);
        let mut files = ModelFiles::default();
        let registered = models
            .iter()
            .map(|model| {
                files.insert(model.address().0, model.file.clone());
                ModelEntry { modelAddress: model.address(), gas: model.gas }
            })
            .collect();
        Self {
            chain_id,
            store,
            state_root,
            number: 0,
            timestamp: 0,
            ancestors: vec![keccak256(state_root)],
            registered,
            models: files,
        }
    }

    /// The chain id.
    pub fn chain_id(&self) -> u64 {
        self.chain_id
    }

    /// The head's state root.
    pub fn state_root(&self) -> B256 {
        self.state_root
    }

    /// The head's number.
    pub fn number(&self) -> u64 {
        self.number
    }

    /// The next block's input, with `transactions` (EIP-2718 bytes).
    pub fn next_input(&self, transactions: Vec<Bytes>) -> BlockInput {
        let number = self.number + 1;
        BlockInput {
            chainId: self.chain_id,
            parentStateRoot: self.state_root,
            ancestorHashes: self.ancestors.clone(),
            number,
            timestamp: self.timestamp + BLOCK_TIME,
            gasLimit: BLOCK_GAS_LIMIT,
            baseFee: BASE_FEE,
            coinbase: Address::ZERO,
            prevRandao: keccak256(number.to_be_bytes()),
            models: self.registered.clone(),
            transactions,
        }
    }

    /// Runs `input` on the node's state, natively, recording its witness (also of an
    /// invalid block: [`guest_store`] with it lets the guest reach the same error).
    pub fn execute(&self, input: BlockInput) -> Result<Block, InvalidBlock> {
        let recorded = execute_recorded(&input, &[], &self.store, &self.models)?;
        Ok(Block { input, recorded })
    }

    /// Makes `block` (run on this node's head) the head.
    pub fn apply(&mut self, block: &Block) -> Result<()> {
        if block.input.parentStateRoot != self.state_root || block.input.number != self.number + 1 {
            return Err(Error::BadInput {
                what: format!("block {}", block.input.number),
                reason: format!(
                    "it does not extend the head (block {}, state {})",
                    self.number, self.state_root
                ),
            });
        }
        for (_, bytes) in block.recorded.new_nodes.iter() {
            self.store.insert(bytes.clone());
        }
        self.state_root = block.recorded.executed.output.stateRoot;
        self.number = block.input.number;
        self.timestamp = block.input.timestamp;
        self.ancestors.insert(0, block.hash());
        self.ancestors.truncate(256);
        Ok(())
    }

    /// The registered models' files.
    pub fn models(&self) -> &ModelFiles {
        &self.models
    }

    /// The node's whole state: every trie node and code.
    pub fn store(&self) -> &NodeStore {
        &self.store
    }

    /// The guest's preimages for `block`: the input by hash, the witness by keccak key and
    /// the oracle's answers by theirs — nothing of the state it did not read, no model.
    pub fn vm_store(&self, block: &Block) -> PreimageStore {
        guest_store(&block.input, &block.recorded.witness, &block.recorded.offloaded)
    }

    /// The oracle computed by this node: its models run by the engine, revm's precompiles.
    pub fn native_oracle(&self) -> Native<'_> {
        Native::new(&self.models)
    }
}

/// The guest's preimages for `input` with the trie nodes and codes of `nodes` and the
/// answers of `offloaded`: each answer under its key, and the call or request behind it under
/// the keccak key of the same hash, where the L1 loader finds it (`oracle::source_key`).
pub fn guest_store(input: &BlockInput, nodes: &NodeStore, offloaded: &Offloaded) -> PreimageStore {
    let mut store = hashed_input_store(input.encode());
    for (_, bytes) in nodes.iter() {
        store.insert_keccak(bytes.to_vec());
    }
    for (key, entry) in offloaded.iter() {
        store.insert(*key, entry.data.clone());
        store.insert_keccak(entry.source.clone());
    }
    store
}

/// An externally owned account that signs EIP-1559 transactions, counting its nonce.
#[derive(Debug, Clone)]
pub struct Wallet {
    signer: PrivateKeySigner,
    nonce: u64,
}

impl Wallet {
    /// The account of the secret key `secret`, at nonce 0.
    pub fn new(secret: B256) -> Result<Self> {
        let signer = PrivateKeySigner::from_bytes(&secret).map_err(|e| Error::BadInput {
            what: "a wallet's secret key".into(),
            reason: e.to_string(),
        })?;
        Ok(Self { signer, nonce: 0 })
    }

    /// Its address.
    pub fn address(&self) -> Address {
        self.signer.address()
    }

    /// Signs a transaction to `to` (or a creation) on chain `chain_id` and counts it.
    pub fn sign(
        &mut self,
        chain_id: u64,
        to: TxKind,
        value: U256,
        input: Vec<u8>,
        gas_limit: u64,
    ) -> Result<Bytes> {
        let tx = TxEip1559 {
            chain_id,
            nonce: self.nonce,
            gas_limit,
            max_fee_per_gas: u128::from(BASE_FEE) * 2,
            max_priority_fee_per_gas: 1_000_000,
            to,
            value,
            access_list: Default::default(),
            input: input.into(),
        };
        let signature = self.signer.sign_hash_sync(&tx.signature_hash()).map_err(|e| {
            Error::BadInput { what: "a transaction to sign".into(), reason: e.to_string() }
        })?;
        self.nonce += 1;
        Ok(TxEnvelope::from(tx.into_signed(signature)).encoded_2718().into())
    }

    /// The address its next creation deploys to.
    pub fn next_contract(&self) -> Address {
        self.address().create(self.nonce)
    }
}
