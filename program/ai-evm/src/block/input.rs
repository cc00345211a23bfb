//! The block's ABI: what the guest reads (the input, by its keccak hash) and what it commits
//! to (the output).

use alloy_primitives::keccak256;
use alloy_sol_types::SolValue;

alloy_sol_types::sol! {
    /// A model the chain has registered: its model-DA address and the gas one inference costs.
    #[derive(Debug, PartialEq, Eq)]
    struct ModelEntry {
        bytes32 modelAddress;
        uint64 gas;
    }

    /// One L2 block as the state transition reads it.
    #[derive(Debug, PartialEq, Eq)]
    struct BlockInput {
        /// The chain id transactions are signed for.
        uint64 chainId;
        /// The state root the block starts from (its parent's post-state).
        bytes32 parentStateRoot;
        /// The hashes of the previous blocks, the parent's first, for `BLOCKHASH`: at least
        /// `min(number, 256)` of them.
        bytes32[] ancestorHashes;
        uint64 number;
        uint64 timestamp;
        uint64 gasLimit;
        uint64 baseFee;
        address coinbase;
        bytes32 prevRandao;
        /// The models `inference` can run.
        ModelEntry[] models;
        /// The signed transactions, EIP-2718 encoded (legacy, EIP-2930 or EIP-1559).
        bytes[] transactions;
    }

    /// What a block did: the guest's output, committed to by its keccak-256.
    #[derive(Debug, PartialEq, Eq)]
    struct BlockOutput {
        /// The post-state root.
        bytes32 stateRoot;
        /// The root of the block's receipts trie, as Ethereum computes it (logs included).
        bytes32 receiptsRoot;
        /// The gas the block's transactions used.
        uint64 gasUsed;
    }
}

impl BlockInput {
    /// Decodes canonical ABI `bytes`, `None` for anything else (trailing bytes, dirty padding):
    /// one block has one encoding, so its hash names it.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        let input = Self::abi_decode(bytes).ok()?;
        (input.abi_encode() == bytes).then_some(input)
    }

    /// The ABI encoding.
    pub fn encode(&self) -> alloc::vec::Vec<u8> {
        self.abi_encode()
    }
}

impl BlockOutput {
    /// Decodes the ABI encoding (a guest's stdout).
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        Self::abi_decode(bytes).ok()
    }

    /// The ABI encoding.
    pub fn encode(&self) -> alloc::vec::Vec<u8> {
        self.abi_encode()
    }

    /// The guest's output commitment: the keccak-256 of [`Self::encode`].
    pub fn commitment(&self) -> [u8; 32] {
        keccak256(self.encode()).0
    }
}
