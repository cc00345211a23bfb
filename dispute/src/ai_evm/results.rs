//! Inference results on L1: deploying the `InferenceOracle` and the block proof's own
//! preimage oracle over it, claiming results and finalizing won claims.
//!
//! The AI EVM's two fraud proofs are separate games, as the seed keeps them. An inference
//! result is claimed at the `InferenceOracle` as the `inference` guest's final state on the
//! request (an opML game of [`AiDeployment::opml_game_type`]); once its game stands, anyone
//! finalizes it with the state's [`OutputWitness`]. A block's games are of another type, whose
//! verifier reads an oracle that loads only finalized results (key type 7) — a block game
//! never runs a model. Its leaf clock extension must cover the opML game's clock
//! (`DisputeGame`'s clock rule).

use alloy::primitives::{Address, B256, U256};
use alloy_sol_types::{sol, SolValue};
use axon_ml::InferenceResult;
use axon_vm::Hash;

use crate::chain::{send, view, Chain};
use crate::contracts::RevertDecoder;
use crate::deploy::{
    deploy_contract, deploy_verifier, game_at, register_game_type, root_bond, Deployment,
    GameParams,
};
use crate::game::encode_extra_data;
use crate::output::OutputWitness;
use crate::Result;

sol! {
    #![sol(all_derives)]

    /// `contracts/src/ai/InferenceOracle.sol`.
    interface IInferenceOracle {
        struct OutputProof {
            address game;
            bytes finalState;
            bytes commitmentProof;
        }

        function claimResult(bytes32 request, bytes32 finalState) external payable returns (address game);
        function finalize(OutputProof proof, bytes result) external;
        function finalizedResult(bytes32 request) external view returns (bytes32);
        function requestId(bytes32 request) external pure returns (bytes32);
        function challengePeriod() external view returns (uint256);
        function extraDataFor(bytes32 input) external pure returns (bytes);

        event ResultClaimed(bytes32 indexed request, address indexed game, address indexed claimant);
        event ResultFinalized(bytes32 indexed request, bytes32 resultHash, address game);

        error ClaimNotResult(uint8 status);
        error ResultMismatch(uint8 status, bytes32 committed);
        error ConflictingResult(bytes32 request, bytes32 finalized, bytes32 given);
        error GameAlreadyBonded(address game);
        error UnknownGame(address game);
        error NoGameImplementation(uint32 gameType);
        error GameImplementationChanged(uint32 gameType, address implementation);
        error GameNotWon(address game);
        error FinalStateMismatch(bytes32 rootClaim, bytes32 stateHash);
        error ProgramDidNotSucceed(uint8 status);
        error InvalidCommitmentProof();
    }
}

/// The errors of the `InferenceOracle` (see [`crate::contracts::RevertDecoder`]).
pub const REVERTS: &[RevertDecoder] =
    &[RevertDecoder::of::<IInferenceOracle::IInferenceOracleErrors>()];

/// Where the AI EVM's contracts live: the inference results, and the block games' own
/// oracle and verifier (registered with the dispute deployment's factory).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AiDeployment {
    /// The `InferenceOracle`.
    pub inference_oracle: Address,
    /// The `inference` guest's game type, whose games settle results.
    pub opml_game_type: u32,
    /// The block games' oracle (reading the `InferenceOracle`), verifier and factory.
    pub blocks: Deployment,
}

/// Registers the `inference` guest's game type `opml` with `dispute`'s factory (owned by
/// `from`), deploys the `InferenceOracle` over it, and the preimage oracle and verifier that
/// block games read through it.
pub fn deploy_ai(
    chain: &mut dyn Chain,
    from: Address,
    artifacts: &std::path::Path,
    dispute: &Deployment,
    opml: &GameParams,
) -> Result<AiDeployment> {
    register_game_type(chain, from, artifacts, dispute, opml)?;
    let args = (dispute.factory, opml.game_type).abi_encode_params();
    let inference_oracle =
        deploy_contract(chain, from, artifacts, "InferenceOracle.sol", "InferenceOracle", args)?;
    let (oracle, riscv) = deploy_verifier(chain, from, artifacts, inference_oracle)?;
    let blocks = Deployment { oracle, riscv, factory: dispute.factory };
    Ok(AiDeployment { inference_oracle, opml_game_type: opml.game_type, blocks })
}

/// The extra data of the opML game over the request whose keccak-256 is `request`.
pub fn extra_data(request: &B256) -> Result<Vec<u8>> {
    encode_extra_data(&[request.as_slice()])
}

/// Claims, from `from` with the root bond, that the `inference` guest run on the request
/// whose keccak-256 is `request` ends in `final_state`. Returns the claim's game.
pub fn claim_result(
    chain: &mut dyn Chain,
    from: Address,
    ai: &AiDeployment,
    request: B256,
    final_state: Hash,
) -> Result<Address> {
    let (factory, game_type) = (ai.blocks.factory, ai.opml_game_type);
    let bond = root_bond(chain, factory, game_type)?;
    let call = IInferenceOracle::claimResultCall { request, finalState: final_state.into() };
    send(chain, from, ai.inference_oracle, bond, call)?;
    game_at(chain, factory, game_type, final_state, &extra_data(&request)?)
}

/// Finalizes `result`, the run `witness` proves from `game` (which must stand).
pub fn finalize_result(
    chain: &mut dyn Chain,
    from: Address,
    ai: &AiDeployment,
    game: Address,
    witness: &OutputWitness,
    result: &InferenceResult,
) -> Result<()> {
    let call = IInferenceOracle::finalizeCall {
        proof: witness.proof(game),
        result: result.encode().into(),
    };
    send(chain, from, ai.inference_oracle, U256::ZERO, call)?;
    Ok(())
}

/// The keccak-256 of the request's finalized result (zero while it has none).
pub fn finalized_result(chain: &mut dyn Chain, ai: &AiDeployment, request: B256) -> Result<B256> {
    let call = IInferenceOracle::finalizedResultCall { request };
    view(chain, ai.inference_oracle, call)
}
