//! Optimistic Axiom on chain: deploying the block-hash cache, the storage attestations and the
//! slot statistics (`contracts/src/axiom/`) over a dispute deployment, making claims, and
//! applying won ones.
//!
//! A claim is a dispute game over a guest whose root claim is the final state of a successful
//! run; once it stands, the contract takes the output that state commits to from an
//! [`OutputWitness`]: the 210-byte final state and the memory proof of its output-commitment
//! leaf. Who disputes a wrong claim plays its game like any other ([`crate::Player`]) over the
//! honest trace of the same guest on the same input.

use alloy::primitives::{keccak256, Address, FixedBytes, B256, U256};
use alloy_sol_types::{sol, SolCall, SolValue};
use axon_axiom::attest::StorageClaim;
use axon_axiom::group::GROUP_SIZE;
use axon_vm::Hash;

use crate::chain::{send, view, Chain, Receipt};
use crate::contracts::{IDisputeGameFactory, RevertDecoder};
use crate::deploy::{deploy_contract, game_at, register_game_type, Deployment, GameParams};

use crate::{Error, Result};

pub use crate::output::OutputWitness;
pub use axon_axiom::abi::{
    BlockHashWitness, GroupClaimAbi as GroupUpdate, IBlockHashCache, ISlotStatistics,
    IStorageAttestations, OutputProof, SlotStats, SlotValue, StorageAttestation,
};

sol! {
    #![sol(all_derives)]

    /// `contracts/src/axiom/examples/HistoricHolderGate.sol`.
    interface IHistoricHolderGate {
        function admit(address holder, uint256 balance) external;
        function admitted(address holder) external view returns (uint256);

        error BalanceNotAttested(address holder, uint256 balance);
        error BalanceTooLow(uint256 balance, uint256 minimum);
    }
}

/// The errors of the Optimistic Axiom contracts (see [`crate::contracts::RevertDecoder`]).
pub const REVERTS: &[RevertDecoder] = &[
    RevertDecoder::of::<IBlockHashCache::IBlockHashCacheErrors>(),
    RevertDecoder::of::<IStorageAttestations::IStorageAttestationsErrors>(),
    RevertDecoder::of::<ISlotStatistics::ISlotStatisticsErrors>(),
    RevertDecoder::of::<IHistoricHolderGate::IHistoricHolderGateErrors>(),
];

/// A block number the contracts cannot store (they keep `uint32`).
pub fn past_uint32(number: u64) -> Error {
    Error::BadInput { what: format!("block {number}"), reason: "past uint32".into() }
}

/// Where the Optimistic Axiom contracts of a deployment live, and their game types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AxiomDeployment {
    /// The dispute contracts (oracle, verifier, factory).
    pub dispute: Deployment,
    /// The block-hash cache.
    pub cache: Address,
    /// The storage attestations.
    pub attestations: Address,
    /// The slot statistics.
    pub statistics: Address,
    /// The header-chain guest's game type.
    pub header_game_type: u32,
    /// The storage-proof guest's game type.
    pub storage_game_type: u32,
    /// The slot-stats guest's game type.
    pub stats_game_type: u32,
    /// The split game type of `updateHistorical` claims.
    pub historical_game_type: u32,
}

/// Registers the game types — the header-chain, storage-proof and slot-stats guests', and
/// `updateHistorical` claims' ([`super::historical::game_params`]) — with `dispute`'s factory
/// (owned by `from`) and deploys the cache, the attestations and the statistics over them.
pub fn deploy_axiom(
    chain: &mut dyn Chain,
    from: Address,
    artifacts: &std::path::Path,
    dispute: Deployment,
    [header_game, storage_game, stats_game, historical_game]: [GameParams; 4],
) -> Result<AxiomDeployment> {
    for params in [&header_game, &storage_game, &stats_game, &historical_game] {
        register_game_type(chain, from, artifacts, &dispute, params)?;
    }
    let cache = deploy_contract(
        chain,
        from,
        artifacts,
        "BlockHashCache.sol",
        "BlockHashCache",
        (dispute.factory, header_game.game_type, historical_game.game_type).abi_encode_params(),
    )?;
    let attestations = deploy_contract(
        chain,
        from,
        artifacts,
        "StorageAttestations.sol",
        "StorageAttestations",
        (cache, dispute.factory, storage_game.game_type).abi_encode_params(),
    )?;
    let statistics = deploy_contract(
        chain,
        from,
        artifacts,
        "SlotStatistics.sol",
        "SlotStatistics",
        (attestations, dispute.factory, stats_game.game_type).abi_encode_params(),
    )?;
    Ok(AxiomDeployment {
        dispute,
        cache,
        attestations,
        statistics,
        header_game_type: header_game.game_type,
        storage_game_type: storage_game.game_type,
        stats_game_type: stats_game.game_type,
        historical_game_type: historical_game.game_type,
    })
}

/// The extra data of a claim's game: its 32-byte input as the one local datum.
pub fn extra_data(input: B256) -> Vec<u8> {
    let mut out = vec![32];
    out.extend_from_slice(input.as_slice());
    out
}

/// A claim made: its game and the gas the claim took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claimed {
    /// The game deciding it.
    pub game: Address,
    /// The claim transaction's gas.
    pub gas: u64,
}

impl AxiomDeployment {
    /// The deployment whose cache, attestations and statistics are at these addresses.
    pub fn at(
        chain: &mut dyn Chain,
        cache: Address,
        attestations: Address,
        statistics: Address,
    ) -> Result<Self> {
        let factory = view(chain, cache, IBlockHashCache::factoryCall {})?;
        let header_game_type = view(chain, cache, IBlockHashCache::gameTypeCall {})?;
        let storage_game_type = view(chain, attestations, IStorageAttestations::gameTypeCall {})?;
        let stats_game_type = view(chain, statistics, ISlotStatistics::gameTypeCall {})?;
        let historical_game_type = view(chain, cache, IBlockHashCache::historicalGameTypeCall {})?;
        let implementation = view(
            chain,
            factory,
            IDisputeGameFactory::gameImplsCall { gameType: header_game_type },
        )?;
        let riscv = view(chain, implementation, crate::contracts::IDisputeGame::vmCall {})?;
        let oracle = view(chain, riscv, crate::contracts::IStepper::oracleCall {})?;
        Ok(Self {
            dispute: Deployment { oracle, riscv, factory },
            cache,
            attestations,
            statistics,
            header_game_type,
            storage_game_type,
            stats_game_type,
            historical_game_type,
        })
    }

    /// The root bond of a game of `game_type`.
    fn root_bond(&self, chain: &mut dyn Chain, game_type: u32) -> Result<U256> {
        crate::deploy::root_bond(chain, self.dispute.factory, game_type)
    }

    /// The factory's game of `game_type` claiming `final_state` on `input` (zero if none).
    pub fn lookup_game(
        &self,
        chain: &mut dyn Chain,
        game_type: u32,
        final_state: Hash,
        input: B256,
    ) -> Result<Address> {
        game_at(chain, self.dispute.factory, game_type, final_state, &extra_data(input))
    }

    /// Sends the claim `call` to `contract`, which opens (or adopts) the game of `game_type`
    /// claiming `final_state` on `input`: bonded with the root bond, or unbonded when the
    /// game exists already (the contracts adopt it).
    fn claim<C: SolCall>(
        &self,
        chain: &mut dyn Chain,
        from: Address,
        contract: Address,
        (game_type, final_state, input): (u32, Hash, B256),
        call: C,
    ) -> Result<Claimed> {
        let exists = self.lookup_game(chain, game_type, final_state, input)? != Address::ZERO;
        let bond = if exists { U256::ZERO } else { self.root_bond(chain, game_type)? };
        let receipt = send(chain, from, contract, bond, call)?;
        let game = self.lookup_game(chain, game_type, final_state, input)?;
        if game == Address::ZERO {
            return Err(Error::NothingCreated("the claim".into()));
        }
        Ok(Claimed { game, gas: receipt.gas_used })
    }

    /// Claims that the header-chain guest run from the hash `anchor` of recent block
    /// `block_number` ends in `final_state`, bonded by `from`.
    pub fn claim_recent(
        &self,
        chain: &mut dyn Chain,
        from: Address,
        block_number: u32,
        anchor: B256,
        final_state: Hash,
    ) -> Result<Claimed> {
        let call = IBlockHashCache::claimRecentCall {
            blockNumber: block_number,
            finalState: final_state.into(),
        };
        self.claim(chain, from, self.cache, (self.header_game_type, final_state, anchor), call)
    }

    /// Applies the update a won `claim_recent` game proves.
    pub fn update_recent(
        &self,
        chain: &mut dyn Chain,
        from: Address,
        game: Address,
        witness: &OutputWitness,
        update: &GroupUpdate,
    ) -> Result<Receipt> {
        let call = IBlockHashCache::updateRecentCall {
            proof: witness.proof(game),
            update: update.clone(),
        };
        send(chain, from, self.cache, U256::ZERO, call)
    }

    /// Claims that the header-chain guest run from `anchor`, the last block hash of a group
    /// older than the cached one after it, ends in `final_state`, bonded by `from`.
    pub fn claim_old(
        &self,
        chain: &mut dyn Chain,
        from: Address,
        anchor: B256,
        final_state: Hash,
    ) -> Result<Claimed> {
        let call = IBlockHashCache::claimOldCall { anchor, finalState: final_state.into() };
        self.claim(chain, from, self.cache, (self.header_game_type, final_state, anchor), call)
    }

    /// Applies the update a won `claim_old` game proves, before the cached group `next`.
    pub fn update_old(
        &self,
        chain: &mut dyn Chain,
        from: Address,
        game: Address,
        witness: &OutputWitness,
        update: &GroupUpdate,
        next: &GroupUpdate,
    ) -> Result<Receipt> {
        let call = IBlockHashCache::updateOldCall {
            nextRoot: next.root,
            nextNumFinal: next.numFinal,
            proof: witness.proof(game),
            update: update.clone(),
        };
        send(chain, from, self.cache, U256::ZERO, call)
    }

    /// Claims that the 128 groups before the block whose hash is `end_hash` chain to
    /// `commitment` (`updateHistorical`'s split-game claim), bonded by `from`.
    pub fn claim_historical(
        &self,
        chain: &mut dyn Chain,
        from: Address,
        end_hash: B256,
        commitment: Hash,
    ) -> Result<Claimed> {
        let call = IBlockHashCache::claimHistoricalCall {
            endHash: end_hash,
            commitment: commitment.into(),
        };
        let key = (self.historical_game_type, commitment, end_hash);
        self.claim(chain, from, self.cache, key, call)
    }

    /// Caches the 128 groups of `update` once the claim `game` is won, before the cached
    /// group `next`.
    pub fn update_historical(
        &self,
        chain: &mut dyn Chain,
        from: Address,
        game: Address,
        update: &super::historical::HistoricalUpdate,
        next: &GroupUpdate,
    ) -> Result<Receipt> {
        use alloy_sol_types::SolValue;
        let call = IBlockHashCache::updateHistoricalCall {
            nextRoot: next.root,
            nextNumFinal: next.numFinal,
            roots: update.roots,
            endHashProofs: update.end_hash_proofs,
            proofData: (game, update.start, update.start_hash).abi_encode_params().into(),
        };
        send(chain, from, self.cache, U256::ZERO, call)
    }

    /// Whether `game` was claimed through `claimRecent`.
    pub fn recently_anchored(&self, chain: &mut dyn Chain, game: Address) -> Result<bool> {
        view(chain, self.cache, IBlockHashCache::recentlyAnchoredCall { game })
    }

    /// `historicalRoots[start]`.
    pub fn historical_root(&self, chain: &mut dyn Chain, start: u32) -> Result<B256> {
        view(chain, self.cache, IBlockHashCache::historicalRootsCall { startBlockNumber: start })
    }

    /// Claims that the storage-proof guest run on `claim` (about the block `block` proves)
    /// ends in `final_state`, bonded by `from`.
    pub fn attest_slots(
        &self,
        chain: &mut dyn Chain,
        from: Address,
        block: &BlockHashWitness,
        claim: &StorageClaim,
        final_state: Hash,
    ) -> Result<Claimed> {
        let bytes = claim.abi_encode();
        let input = keccak256(&bytes);
        let call = IStorageAttestations::attestSlotsCall {
            blockData: block.clone(),
            finalState: final_state.into(),
            storageClaim: bytes.into(),
        };
        let game = (self.storage_game_type, final_state, input);
        self.claim(chain, from, self.attestations, game, call)
    }

    /// Records the attestation a won `attest_slots` game proves: `attestation` is the guest's
    /// output (ABI-encoded `StorageAttestation`).
    pub fn finalize_attestation(
        &self,
        chain: &mut dyn Chain,
        from: Address,
        game: Address,
        witness: &OutputWitness,
        attestation: &[u8],
    ) -> Result<Receipt> {
        let attestation = StorageAttestation::abi_decode(attestation)
            .map_err(|source| Error::AbiDecode { what: "a StorageAttestation".into(), source })?;
        let call = IStorageAttestations::finalizeAttestationCall {
            proof: witness.proof(game),
            attestation,
        };
        send(chain, from, self.attestations, U256::ZERO, call)
    }

    /// Claims that the slot-stats guest run on `items` (an ABI-encoded `AttestedSlot[]`, each
    /// attested) ends in `final_state`, bonded by `from`.
    pub fn claim_statistics(
        &self,
        chain: &mut dyn Chain,
        from: Address,
        items: &[u8],
        final_state: Hash,
    ) -> Result<Claimed> {
        let call = ISlotStatistics::claimStatisticsCall {
            finalState: final_state.into(),
            items: items.to_vec().into(),
        };
        let game = (self.stats_game_type, final_state, keccak256(items));
        self.claim(chain, from, self.statistics, game, call)
    }

    /// Records the statistics a won `claim_statistics` game proves: `stats` is the guest's
    /// output (ABI-encoded `SlotStats`).
    pub fn finalize_statistics(
        &self,
        chain: &mut dyn Chain,
        from: Address,
        game: Address,
        witness: &OutputWitness,
        stats: &[u8],
    ) -> Result<Receipt> {
        let stats = SlotStats::abi_decode(stats)
            .map_err(|source| Error::AbiDecode { what: "a SlotStats".into(), source })?;
        let call = ISlotStatistics::finalizeStatisticsCall { proof: witness.proof(game), stats };
        send(chain, from, self.statistics, U256::ZERO, call)
    }

    /// The finalized statistics of the attested values behind `attestations_hash`.
    pub fn statistics(&self, chain: &mut dyn Chain, attestations_hash: B256) -> Result<SlotStats> {
        let call = ISlotStatistics::statisticsCall { attestationsHash: attestations_hash };
        view(chain, self.statistics, call)
    }

    /// Whether V0's key `key` is attested.
    pub fn slot_attested(&self, chain: &mut dyn Chain, key: B256) -> Result<bool> {
        view(chain, self.attestations, IStorageAttestations::slotAttestationsCall { key })
    }
}

/// The witness of block `number` in the group whose block hashes from its first block on are
/// `hashes` (the group's `numFinal` is their count) and whose first block's parent is
/// `prev_hash`.
pub fn block_hash_witness(
    hashes: &[B256],
    prev_hash: B256,
    number: u64,
) -> Result<BlockHashWitness> {
    if hashes.len() as u64 > GROUP_SIZE {
        return Err(Error::BadInput {
            what: format!("{} block hashes", hashes.len()),
            reason: "a group has at most 1024".into(),
        });
    }
    let side = (number % GROUP_SIZE) as usize;
    let hash = *hashes.get(side).ok_or_else(|| Error::BadInput {
        what: format!("block {number}"),
        reason: "it is not among the group's hashes".into(),
    })?;
    let block_number = u32::try_from(number).map_err(|_| past_uint32(number))?;
    let proof = axon_axiom::group::proof(hashes, side);
    Ok(BlockHashWitness {
        blockNumber: block_number,
        claimedBlockHash: hash,
        prevHash: prev_hash,
        numFinal: hashes.len() as u32,
        merkleProof: proof.map(|h| FixedBytes::<32>::from(h.0)),
    })
}
