//! The AI rollup's fraud-proof program (docs/rollup.md): one unit of an output proposal's
//! split game, the derivation of one L2 block.
//!
//! The program input (local key 1) is the keccak-256 of the proposal's `RollupBoot`, built
//! on L1 by the `Outputs` contract; the split game serves the agreed output root, the
//! disputed one and the unit's number `k` (local keys 2 to 4). Unit `k` is L2 block
//! `n = startingBlock + 1 + k`; the agreed output before unit 0 is the anchor's
//! (`startingOutputRoot`). The program:
//!
//! 1. leaves the output unchanged past the proposal's block (the game's padding);
//! 2. reads the agreed output's preimage — the parent's state root, withdrawal storage root
//!    and block hash — and the parent's header by its hash, then the headers before it for
//!    `BLOCKHASH` (up to 256 hashes), all by keccak key;
//! 3. finds block `n`'s batch by walking the `BatchInbox` accumulator back from the boot's,
//!    one 128-byte preimage per batch, and reads the batch's data from its blob, one field
//!    element per preimage (key type 5: on chain, opened with a KZG proof) — none for a
//!    forced batch;
//! 4. derives the block by `axon_rollup::chain::derive` — the node's very rule, the empty
//!    block for an invalid entry — crediting its deposits (found by walking the batch's
//!    deposit accumulator back, one 92-byte preimage per deposit) and running it statelessly
//!    over the oracle (trie nodes and code by keccak key, inference results and precompile
//!    answers by their key types);
//! 5. computes the block's output root and exits 0 iff it is the disputed one, 1 otherwise.
//!
//! Missing data is the host's fault, as in every fault-proof VM: a preimage the oracle lacks
//! stops the run before it can step. An agreed output or header that does not decode — which
//! no honest player agrees to — exits 1 with the reason on stderr.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use alloy_consensus::Header;
use alloy_primitives::B256;
use alloy_rlp::Decodable;
use alloy_sol_types::SolValue;
use axon_ai_evm::block::execute_with_state;
use axon_ai_evm_guest::Oracle;
use axon_rollup::batch::decode;
use axon_rollup::blob;
use axon_rollup::boot::{AccumulatorEntry, RollupBoot};
use axon_rollup::chain::{derive, seal, ChainConfig, Head, BLOCKHASH_WINDOW};
use axon_rollup::output::{Output, MESSAGE_PASSER};
use axon_runtime::oracle::{read_hashed_input, read_preimage, read_subgame, PreimageKey};
use axon_runtime::{entry, eprintln, exit};

entry!(main);

fn main() {
    match run() {
        Ok(matches) => exit(u32::from(!matches)),
        Err(reason) => {
            eprintln!("rollup-block: {reason}");
            exit(1);
        }
    }
}

fn keccak_preimage(hash: B256) -> Vec<u8> {
    read_preimage(&PreimageKey::keccak256(hash.0)).read_to_end()
}

/// The data of the batch whose blob is `blob_hash` (none for a forced batch's zero hash), if
/// the blob carries any.
fn batch_data(blob_hash: B256) -> Option<Vec<u8>> {
    if blob_hash == B256::ZERO {
        return None;
    }
    blob::decode(|index| {
        read_preimage(&PreimageKey(blob::element_key(blob_hash, index as u64))).read_to_end()
    })
    .ok()
}

/// Whether the unit's output root is the disputed one.
fn run() -> Result<bool, String> {
    let boot = read_hashed_input()
        .and_then(|bytes| RollupBoot::decode(&bytes))
        .ok_or("the program input must be the keccak-256 of a canonical ABI RollupBoot")?;
    let subgame = read_subgame().ok_or("the split game's local data are missing")?;
    let agreed =
        if subgame.unit == 0 { boot.startingOutputRoot } else { B256::from(subgame.agreed) };
    let disputed = B256::from(subgame.disputed);
    let number = boot
        .startingBlock
        .checked_add(1)
        .and_then(|n| n.checked_add(subgame.unit))
        .ok_or("the unit's block number overflows")?;
    if number > boot.proposalBlock {
        return Ok(agreed == disputed);
    }
    let config = ChainConfig::abi_decode(&keccak_preimage(boot.chainConfig))
        .map_err(|e| format!("chain config: {e}"))?;

    let parent = Output::decode(&keccak_preimage(agreed))
        .ok_or("the agreed output is not a version-0 output")?;
    let head = head(parent.block_hash, number)?;
    if head.header.state_root != parent.state_root {
        return Err("the agreed output's state root is not its block's".into());
    }

    let batch = batch_of(boot.inboxAccumulator, number)?;
    let blocks =
        batch_data(batch.blob_hash).and_then(|data| decode(&data).ok()).unwrap_or_default();
    let entry = usize::try_from(number - batch.first_block).ok().and_then(|i| blocks.get(i));
    let derived = derive(
        &config,
        &head,
        entry,
        &batch,
        |hash| Some(keccak_preimage(hash)),
        |input, credits| execute_with_state(input, credits, Oracle, Oracle),
    )
    .map_err(|e| format!("block {number}: {e}"))?;
    let (executed, mut state) = derived.run;
    let withdrawal_storage_root =
        state.storage_root_of(MESSAGE_PASSER).map_err(|e| format!("withdrawals: {e}"))?;
    let header = seal(&derived.input, head.hash, &executed, derived.deposits.end);
    let output = Output {
        state_root: header.state_root,
        withdrawal_storage_root,
        block_hash: header.hash_slow(),
    };
    Ok(output.root() == disputed)
}

/// The parent of block `number`, named `hash`, with the hashes `BLOCKHASH` sees after it.
fn head(hash: B256, number: u64) -> Result<Head, String> {
    let header = read_header(hash)?;
    if header.number + 1 != number {
        return Err(format!("the agreed output is of block {}, not {}", header.number, number - 1));
    }
    let mut ancestors = Vec::with_capacity(BLOCKHASH_WINDOW);
    ancestors.push(hash);
    let mut older = header.clone();
    while ancestors.len() < BLOCKHASH_WINDOW && older.number > 0 {
        ancestors.push(older.parent_hash);
        if ancestors.len() < BLOCKHASH_WINDOW && older.number > 1 {
            older = read_header(older.parent_hash)?;
        } else {
            break;
        }
    }
    Ok(Head { header, hash, ancestors })
}

fn read_header(hash: B256) -> Result<Header, String> {
    Header::decode(&mut keccak_preimage(hash).as_slice()).map_err(|e| format!("header {hash}: {e}"))
}

/// The batch holding block `number`, walking the accumulator back from `accumulator`.
fn batch_of(mut accumulator: B256, number: u64) -> Result<AccumulatorEntry, String> {
    loop {
        if accumulator == B256::ZERO {
            return Err(format!("no batch up to the boot's holds block {number}"));
        }
        let entry = AccumulatorEntry::decode(&keccak_preimage(accumulator))
            .ok_or("an accumulator preimage is not 128 bytes")?;
        if entry.first_block <= number && number <= entry.last_block {
            return Ok(entry);
        }
        accumulator = entry.previous;
    }
}
