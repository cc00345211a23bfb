//! The rollup's L1 deployment (`rollup.json`): which L1 and which contracts the node reads
//! and writes. `axon-node deploy` writes it; every role reads it.
//!
//! ```json
//! { "l1ChainId": 31337, "batchInbox": "0x5FbD…0aa3", "deployBlock": 1 }
//! ```

use std::path::Path;

use alloy::primitives::Address;
use serde::{Deserialize, Serialize};

use crate::error::{NodeError, Result};

/// Where the rollup lives on L1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Deployment {
    /// L1's chain id.
    pub l1_chain_id: u64,
    /// The `BatchInbox`.
    pub batch_inbox: Address,
    /// The L1 block the contracts were deployed in: derivation starts there.
    pub deploy_block: u64,
}

impl Deployment {
    /// Reads `path`.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read(path)
            .map_err(|source| NodeError::Io { path: path.to_owned(), source })?;
        serde_json::from_slice(&text)
            .map_err(|e| NodeError::Genesis { path: path.to_owned(), reason: e.to_string() })
    }

    /// Writes `path`.
    pub fn save(&self, path: &Path) -> Result<()> {
        let text = serde_json::to_vec_pretty(self).expect("a deployment serializes");
        std::fs::write(path, text).map_err(|source| NodeError::Io { path: path.to_owned(), source })
    }
}
