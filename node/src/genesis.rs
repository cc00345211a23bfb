//! The chain's configuration, read from a genesis file: its id, its block gas limit and first
//! base fee, the accounts it starts with, and the models `inference` can run with their
//! price.
//!
//! The format is geth's where geth has the field (`alloc` accounts are geth's, parsed by
//! `alloy-genesis`), plus `models`, which no Ethereum client has:
//!
//! ```json
//! {
//!   "chainId": 42069,
//!   "timestamp": "0x0",
//!   "gasLimit": "0x1c9c380",
//!   "baseFeePerGas": "0x3b9aca00",
//!   "feeRecipient": "0x4200000000000000000000000000000000000011",
//!   "alloc": { "0xf39f…2266": { "balance": "0x21e19e0c9bab2400000" } },
//!   "models": [ { "file": "digits.axml", "address": "0x811d…298a", "gas": 20000 } ]
//! }
//! ```
//!
//! A model is named on chain by its model-DA address (the blob key of its bytes, a Merkle
//! root over its chunks). Its bytes come from its `file`, relative to the genesis file (a
//! directory of model DA), or, given a model-DA endpoint ([`ModelSource::Endpoint`]), from
//! there by its `address` ([`crate::model_da`]); bytes that do not have the address the
//! genesis names are refused.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use alloy::consensus::{Header, EMPTY_OMMER_ROOT_HASH};
use alloy::primitives::{Address, B256, U256};
use axon_ai_evm::block::state::TrieState;
use axon_ai_evm::block::witness::{genesis, GenesisAccount, ModelFiles, NodeStore};
use axon_ai_evm::block::ModelEntry;
use axon_rollup::chain::ChainConfig;
use axon_rollup::output::{Output, MESSAGE_PASSER};
use axon_vm::preimage::blob_key;
use serde::Deserialize;

use crate::error::{NodeError, Result};

/// The genesis file, as written.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct GenesisFile {
    chain_id: u64,
    #[serde(default, with = "alloy::serde::quantity")]
    timestamp: u64,
    #[serde(default = "default_gas_limit", with = "alloy::serde::quantity")]
    gas_limit: u64,
    #[serde(default = "default_base_fee", with = "alloy::serde::quantity")]
    base_fee_per_gas: u64,
    #[serde(default)]
    fee_recipient: Address,
    alloc: BTreeMap<Address, alloy::genesis::GenesisAccount>,
    #[serde(default)]
    models: Vec<ModelFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelFile {
    /// Where the model is, relative to the genesis file (not read from an endpoint).
    #[serde(default)]
    file: Option<PathBuf>,
    /// The model-DA address the file must have: a file whose bytes name another model (a
    /// forged or damaged copy) is refused.
    #[serde(default)]
    address: Option<B256>,
    gas: u64,
}

const fn default_gas_limit() -> u64 {
    30_000_000
}

const fn default_base_fee() -> u64 {
    1_000_000_000
}

/// Where a node reads its chain's models from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelSource {
    /// The files the genesis names, relative to it.
    Directory,
    /// A model-DA endpoint (`http://host:port`), by the addresses the genesis names.
    Endpoint(String),
}

/// A chain's configuration and its genesis state.
#[derive(Debug, Clone)]
pub struct Genesis {
    /// What every block shares.
    pub config: ChainConfig,
    /// The models' files, by model-DA address.
    pub model_files: ModelFiles,
    /// Block 0.
    pub header: Header,
    /// Block 0's state: every trie node and code.
    pub state: NodeStore,
}

impl Genesis {
    /// Reads a genesis file and the model files it names.
    pub fn load(path: &Path) -> Result<Self> {
        Self::load_from(path, &ModelSource::Directory)
    }

    /// Reads a genesis file and its models from `models`. Blocking: call it outside an async
    /// runtime.
    pub fn load_from(path: &Path, models: &ModelSource) -> Result<Self> {
        let text = read(path)?;
        let file: GenesisFile = serde_json::from_slice(&text)
            .map_err(|e| NodeError::Genesis { path: path.to_owned(), reason: e.to_string() })?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let mut model_files = ModelFiles::default();
        let mut entries = Vec::with_capacity(file.models.len());
        for (index, model) in file.models.iter().enumerate() {
            let (address, bytes) = match (models, &model.file, model.address) {
                // `fetch` checked the bytes against the address.
                (ModelSource::Endpoint(url), _, Some(address)) => {
                    (address, crate::model_da::fetch(url, address)?)
                }
                (ModelSource::Endpoint(_), _, None) => {
                    return Err(NodeError::Genesis {
                        path: path.to_owned(),
                        reason: format!("model {index} has no address to fetch it by"),
                    })
                }
                (ModelSource::Directory, Some(file), _) => {
                    let path = dir.join(file);
                    let bytes = read(&path)?;
                    let address = B256::from(blob_key(&bytes));
                    if model.address.is_some_and(|expected| expected != address) {
                        return Err(NodeError::Genesis {
                            path,
                            reason: format!(
                                "the file is model {address}, not {}: a forged or damaged copy",
                                model.address.unwrap_or_default()
                            ),
                        });
                    }
                    (address, bytes)
                }
                (ModelSource::Directory, None, _) => {
                    return Err(NodeError::Genesis {
                        path: path.to_owned(),
                        reason: format!("model {index} has no file (or pass a model-DA endpoint)"),
                    })
                }
            };
            model_files.insert(address.0, bytes);
            entries.push(ModelEntry { modelAddress: address, gas: model.gas });
        }
        let accounts: BTreeMap<Address, GenesisAccount> =
            file.alloc.into_iter().map(|(address, a)| (address, account(a))).collect();
        let (state_root, state) = genesis(&accounts);
        let header = Header {
            ommers_hash: EMPTY_OMMER_ROOT_HASH,
            state_root,
            gas_limit: file.gas_limit,
            timestamp: file.timestamp,
            base_fee_per_gas: Some(file.base_fee_per_gas),
            ..Default::default()
        };
        Ok(Self {
            config: ChainConfig {
                chainId: file.chain_id,
                gasLimit: file.gas_limit,
                feeRecipient: file.fee_recipient,
                models: entries,
            },
            model_files,
            header,
            state,
        })
    }

    /// Block 0's output: the first anchor of output proposals.
    pub fn output(&self) -> Result<Output> {
        let mut state = TrieState::new(&self.state, self.header.state_root, 0, vec![]);
        Ok(Output {
            state_root: self.header.state_root,
            withdrawal_storage_root: state.storage_root_of(MESSAGE_PASSER)?,
            block_hash: self.hash(),
        })
    }

    /// Block 0's hash: the chain's name in the database.
    pub fn hash(&self) -> B256 {
        self.header.hash_slow()
    }
}

fn account(a: alloy::genesis::GenesisAccount) -> GenesisAccount {
    GenesisAccount {
        balance: a.balance,
        nonce: a.nonce.unwrap_or_default(),
        code: a.code.unwrap_or_default(),
        storage: a
            .storage
            .unwrap_or_default()
            .into_iter()
            .map(|(slot, value)| (U256::from_be_bytes(slot.0), U256::from_be_bytes(value.0)))
            .collect(),
    }
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|source| NodeError::Io { path: path.to_owned(), source })
}
