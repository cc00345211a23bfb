//! An L2 node on disk, so that the `dispute ai-evm` commands and the generic game commands
//! (`deploy`, `propose`, `bisect`, … with `--l2-node`/`--l2-block`) share one chain:
//!
//! ```text
//! DIR/node.json                 chain id, head (number, timestamp, state root), ancestors, models' gas
//! DIR/state.bin                 every trie node and code of the head's state
//! DIR/models/<address>          each registered model's file
//! DIR/blocks/<n>/input.bin      block n's BlockInput (ABI)
//! DIR/blocks/<n>/witness.bin    the trie nodes and codes its run read
//! DIR/blocks/<n>/calls.bin      the precompile calls it offloaded (address ‖ gas ‖ input)
//! DIR/blocks/<n>/requests.bin   the inference requests it offloaded
//! ```
//!
//! `.bin` preimage files are a sequence of `u32 big-endian length ‖ bytes` records; a store
//! keys each by its keccak-256 again when it reads them. A block's answers are not saved:
//! they are computed again from its calls and requests when it is read.

use std::path::{Path, PathBuf};

use alloy::primitives::{Address, Bytes, B256, U256};
use axon_ai_evm::block::witness::{GenesisAccount, NodeStore};
use axon_ai_evm::block::{BlockInput, Offloaded};
use axon_vm::PreimageStore;
use serde::{Deserialize, Serialize};

use super::{guest_store, Block, L2Node, Model};
use crate::setup::read;
use crate::{Error, Result};

/// `node.json`.
#[derive(Debug, Serialize, Deserialize)]
struct NodeFile {
    chain_id: u64,
    number: u64,
    timestamp: u64,
    state_root: B256,
    ancestors: Vec<B256>,
    models: Vec<ModelRecord>,
}

#[derive(Debug, Serialize, Deserialize)]
struct ModelRecord {
    address: B256,
    gas: u64,
}

/// An account of a genesis allocation file (`dispute ai-evm init --alloc`): a JSON object from
/// address to account, every field optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllocAccount {
    /// The balance in wei (hex or decimal string).
    #[serde(default)]
    pub balance: U256,
    /// The nonce.
    #[serde(default)]
    pub nonce: u64,
    /// The code (hex).
    #[serde(default)]
    pub code: Bytes,
    /// Storage slots (hex keys and values).
    #[serde(default)]
    pub storage: std::collections::BTreeMap<U256, U256>,
}

impl From<AllocAccount> for GenesisAccount {
    fn from(a: AllocAccount) -> Self {
        GenesisAccount { balance: a.balance, nonce: a.nonce, code: a.code, storage: a.storage }
    }
}

/// Parses a genesis allocation file's text.
pub fn parse_alloc(
    path: &Path,
    text: &[u8],
) -> Result<std::collections::BTreeMap<Address, GenesisAccount>> {
    let alloc: std::collections::BTreeMap<Address, AllocAccount> = serde_json::from_slice(text)
        .map_err(|e| Error::BadState { path: path.to_owned(), reason: e.to_string() })?;
    Ok(alloc.into_iter().map(|(address, account)| (address, account.into())).collect())
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Io { path: path.to_owned(), source }
}

fn bad(path: &Path, reason: impl Into<String>) -> Error {
    Error::BadState { path: path.to_owned(), reason: reason.into() }
}

fn write_preimages<'a>(
    path: &Path,
    preimages: impl Iterator<Item = &'a (impl AsRef<[u8]> + ?Sized + 'a)>,
) -> Result<()> {
    let mut out = Vec::new();
    for bytes in preimages {
        let bytes = bytes.as_ref();
        let len = u32::try_from(bytes.len()).map_err(|_| bad(path, "a preimage over 4 GiB"))?;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(bytes);
    }
    std::fs::write(path, out).map_err(io(path))
}

fn read_preimages(path: &Path) -> Result<NodeStore> {
    let bytes = read(path)?;
    let mut store = NodeStore::default();
    let mut rest = bytes.as_slice();
    while !rest.is_empty() {
        let (len, tail) = rest.split_at_checked(4).ok_or_else(|| bad(path, "truncated length"))?;
        let len = u32::from_be_bytes(len.try_into().expect("4 bytes")) as usize;
        let (preimage, tail) =
            tail.split_at_checked(len).ok_or_else(|| bad(path, "truncated preimage"))?;
        store.insert(preimage.to_vec());
        rest = tail;
    }
    Ok(store)
}

fn model_path(dir: &Path, address: B256) -> PathBuf {
    dir.join("models").join(format!("{address}"))
}

fn block_dir(dir: &Path, number: u64) -> PathBuf {
    dir.join("blocks").join(number.to_string())
}

impl L2Node {
    /// Writes the node to `dir` (created if need be).
    pub fn save(&self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir.join("models")).map_err(io(dir))?;
        for (address, file) in self.models.iter() {
            let path = model_path(dir, B256::from(*address));
            std::fs::write(&path, file).map_err(io(&path))?;
        }
        let node = NodeFile {
            chain_id: self.chain_id,
            number: self.number,
            timestamp: self.timestamp,
            state_root: self.state_root,
            ancestors: self.ancestors.clone(),
            models: self
                .registered
                .iter()
                .map(|m| ModelRecord { address: m.modelAddress, gas: m.gas })
                .collect(),
        };
        write_preimages(&dir.join("state.bin"), self.store.iter().map(|(_, bytes)| bytes))?;
        let path = dir.join("node.json");
        let text = serde_json::to_vec_pretty(&node).map_err(|e| bad(&path, e.to_string()))?;
        std::fs::write(&path, text).map_err(io(&path))
    }

    /// Reads the node `save` wrote to `dir`.
    pub fn open(dir: &Path) -> Result<Self> {
        let path = dir.join("node.json");
        let node: NodeFile =
            serde_json::from_slice(&read(&path)?).map_err(|e| bad(&path, e.to_string()))?;
        let models = node
            .models
            .iter()
            .map(|m| {
                let model = Model { file: read(&model_path(dir, m.address))?, gas: m.gas };
                if model.address() != m.address {
                    return Err(bad(&model_path(dir, m.address), "not the model at this address"));
                }
                Ok(model)
            })
            .collect::<Result<Vec<_>>>()?;
        let store = read_preimages(&dir.join("state.bin"))?;
        let mut opened = Self::genesis(node.chain_id, &Default::default(), &models);
        opened.store = store;
        opened.state_root = node.state_root;
        opened.number = node.number;
        opened.timestamp = node.timestamp;
        opened.ancestors = node.ancestors;
        Ok(opened)
    }

    /// Writes `block`'s input and witness under `dir/blocks/<number>/`.
    pub fn save_block(dir: &Path, block: &Block) -> Result<()> {
        let path = block_dir(dir, block.input.number);
        std::fs::create_dir_all(&path).map_err(io(&path))?;
        let input = path.join("input.bin");
        std::fs::write(&input, block.input.encode()).map_err(io(&input))?;
        write_preimages(&path.join("witness.bin"), block.recorded.witness.iter().map(|(_, b)| b))?;
        let offloaded = &block.recorded.offloaded;
        write_preimages(&path.join("calls.bin"), offloaded.calls())?;
        write_preimages(&path.join("requests.bin"), offloaded.requests())
    }

    /// Block `number`'s input (as saved in `dir`) and the guest's preimages for it: what
    /// a game over the block reads.
    pub fn block_store(&self, dir: &Path, number: u64) -> Result<(BlockInput, PreimageStore)> {
        let path = block_dir(dir, number).join("input.bin");
        let input =
            BlockInput::decode(&read(&path)?).ok_or_else(|| bad(&path, "not a BlockInput"))?;
        let block = block_dir(dir, number);
        let witness = read_preimages(&block.join("witness.bin"))?;
        let calls = read_preimages(&block.join("calls.bin"))?;
        let requests = read_preimages(&block.join("requests.bin"))?;
        let offloaded = Offloaded::recompute(
            calls.iter().map(|(_, call)| &call[..]),
            requests.iter().map(|(_, request)| &request[..]),
            self.native_oracle(),
        )
        .ok_or_else(|| bad(&block, "a saved call or request cannot be answered again"))?;
        let store = guest_store(&input, &witness, &offloaded);
        Ok((input, store))
    }
}
