//! Deploying the contracts a game needs — oracle, RISC-V verifier, factory and a game
//! implementation for one program — and creating games.

use std::path::Path;

use alloy_sol_types::SolValue;
use axon_vm::Hash;
use revm::primitives::{Address, U256};

use crate::chain::{send, view, what_is_at, Chain, Tx};
use crate::contracts::{creation_code, IDisputeGame, IDisputeGameFactory};
use crate::game::{depth, required_bond, Shape};
use crate::{Error, Position, Result};

/// The parameters of a game type: everything `DisputeGame`'s constructor takes but the
/// addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GameParams {
    /// The game type (the factory's key).
    pub game_type: u32,
    /// The program's initial state hash.
    pub absolute_prestate: Hash,
    /// The depth of the leaves: the game covers `2^max_depth` steps.
    pub max_depth: u8,
    /// The depth of the last unit claims (0: no split; see [`crate::split`]).
    pub split_depth: u8,
    /// Seconds on each side's clock.
    pub max_clock_duration: u32,
    /// Seconds a mover is guaranteed for its next move.
    pub clock_extension: u32,
    /// Seconds a mover is guaranteed when its next move is a step.
    pub leaf_clock_extension: u32,
    /// The root claim's bond, in wei.
    pub bond_base: U256,
    /// The per-level bond growth, in 1e18 fixed point.
    pub bond_growth: U256,
    /// Seconds between resolution and withdrawal.
    pub withdrawal_delay: u32,
    /// How many local data the program reads: the entries of every game's extra data.
    pub local_entries: u8,
}

impl GameParams {
    /// Optimism's production clock (3.5 days a side, 3 h extension, 6 h before a step), a
    /// 0.01 ether root bond growing 9% a level, a one-day withdrawal delay, one local datum
    /// (the program input) and no split.
    pub fn new(game_type: u32, absolute_prestate: Hash, max_depth: u8) -> Self {
        Self {
            game_type,
            absolute_prestate,
            max_depth,
            split_depth: 0,
            max_clock_duration: 302_400,
            clock_extension: 10_800,
            leaf_clock_extension: 21_600,
            bond_base: U256::from(10_000_000_000_000_000u64),
            bond_growth: U256::from(1_090_000_000_000_000_000u64),
            withdrawal_delay: 86_400,
            local_entries: 1,
        }
    }

    /// Gives each side `seconds` on its clock, shrinking the extensions to at most a quarter
    /// and a half of it.
    pub fn with_clock(&mut self, seconds: u32) {
        self.max_clock_duration = seconds;
        self.clock_extension = self.clock_extension.min(seconds / 4).max(1);
        self.leaf_clock_extension =
            self.leaf_clock_extension.min(seconds / 2).max(self.clock_extension);
    }
}

/// Where the contracts of a deployment live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Deployment {
    /// The preimage oracle.
    pub oracle: Address,
    /// The RISC-V one-step verifier.
    pub riscv: Address,
    /// The game factory (and player registry).
    pub factory: Address,
}

/// Deploys `file`'s `contract` from `artifacts` with ABI-encoded constructor `args`.
pub fn deploy_contract(
    chain: &mut dyn Chain,
    from: Address,
    artifacts: &Path,
    file: &str,
    contract: &str,
    args: Vec<u8>,
) -> Result<Address> {
    let mut data = creation_code(artifacts, file, contract)?;
    data.extend_from_slice(&args);
    let receipt = chain.send(Tx { from, to: None, value: U256::ZERO, data })?;
    receipt.created.ok_or_else(|| Error::NothingCreated(format!("deploying {contract}")))
}

/// Deploys the oracle, the verifier and a factory owned by `from`.
pub fn deploy(chain: &mut dyn Chain, from: Address, artifacts: &Path) -> Result<Deployment> {
    // An oracle without inference results: games of every program but the AI EVM's blocks,
    // which read results through an oracle of their own.
    let (oracle, riscv) = deploy_verifier(chain, from, artifacts, Address::ZERO)?;
    let factory = deploy_contract(
        chain,
        from,
        artifacts,
        "DisputeGameFactory.sol",
        "DisputeGameFactory",
        from.abi_encode(),
    )?;
    Ok(Deployment { oracle, riscv, factory })
}

/// Deploys a preimage oracle reading the inference results of `inference_results` (zero:
/// none) and the RISC-V verifier over it. Returns both addresses.
pub fn deploy_verifier(
    chain: &mut dyn Chain,
    from: Address,
    artifacts: &Path,
    inference_results: Address,
) -> Result<(Address, Address)> {
    let args = inference_results.abi_encode();
    let oracle =
        deploy_contract(chain, from, artifacts, "PreimageOracle.sol", "PreimageOracle", args)?;
    let riscv = deploy_contract(chain, from, artifacts, "RISCV.sol", "RISCV", oracle.abi_encode())?;
    Ok((oracle, riscv))
}

/// Deploys a game implementation with `params` over `deployment`'s verifier and registers
/// it with the factory (as its owner, `from`). Returns the implementation's address.
pub fn register_game_type(
    chain: &mut dyn Chain,
    from: Address,
    artifacts: &Path,
    deployment: &Deployment,
    params: &GameParams,
) -> Result<Address> {
    // `constructor(GameParams, IStepper, IPlayerRegistry)`: a struct of static fields encodes
    // in place, as a tuple.
    let game_params = (
        params.game_type,
        alloy_sol_types::private::FixedBytes::<32>::from(params.absolute_prestate),
        U256::from(params.max_depth),
        U256::from(params.split_depth),
        params.max_clock_duration,
        params.clock_extension,
        params.leaf_clock_extension,
        params.bond_base,
        params.bond_growth,
        params.withdrawal_delay,
        U256::from(params.local_entries),
    );
    let args = (game_params, deployment.riscv, deployment.factory).abi_encode_params();
    let implementation =
        deploy_contract(chain, from, artifacts, "DisputeGame.sol", "DisputeGame", args)?;
    let call =
        IDisputeGameFactory::setImplementationCall { gameType: params.game_type, implementation };
    send(chain, from, deployment.factory, U256::ZERO, call)?;
    Ok(implementation)
}

/// What a factory's game type is over: its implementation's program (absolute prestate) and
/// depth, read before anything is sent ([`game_type`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GameTypeInfo {
    /// The factory.
    pub factory: Address,
    /// The game type.
    pub game_type: u32,
    /// The implementation games of the type are clones of.
    pub implementation: Address,
    /// The program's initial state hash.
    pub absolute_prestate: Hash,
    /// The shape of its games' trees.
    pub shape: Shape,
}

impl GameTypeInfo {
    /// Checks that the type's games are over the program whose initial state hash is
    /// `prestate`, in a tree of `shape`: a game of another type could not be defended with
    /// this trace, and its bond would be lost.
    pub fn check(&self, prestate: &Hash, shape: Shape) -> Result<()> {
        let prestates = (&self.absolute_prestate, prestate);
        match crate::game::program_mismatch(prestates, (self.shape, shape)) {
            None => Ok(()),
            Some(reason) => Err(Error::WrongGameType {
                factory: self.factory,
                game_type: self.game_type,
                reason,
            }),
        }
    }
}

/// The implementation of the factory's `game_type`: [`Error::NoGameType`] if it has none, and
/// [`Error::BadInput`] naming what is at `factory` if that is not a game factory.
pub fn implementation(chain: &mut dyn Chain, factory: Address, game_type: u32) -> Result<Address> {
    let implementation =
        match view(chain, factory, IDisputeGameFactory::gameImplsCall { gameType: game_type }) {
            Err(Error::Reverted(_) | Error::AbiDecode { .. }) => {
                let reason = what_is_at(chain, factory, "a contract that is not a game factory")?;
                let what = format!("the factory {factory}");
                return Err(Error::BadInput { what, reason: reason.into() });
            }
            other => other?,
        };
    if implementation == Address::ZERO {
        return Err(Error::NoGameType { factory, game_type });
    }
    Ok(implementation)
}

/// Reads what game type `game_type` of the factory at `factory` is over.
pub fn game_type(chain: &mut dyn Chain, factory: Address, game_type: u32) -> Result<GameTypeInfo> {
    let implementation = implementation(chain, factory, game_type)?;
    let absolute_prestate = view(chain, implementation, IDisputeGame::absolutePrestateCall {})?.0;
    let max_depth = depth(view(chain, implementation, IDisputeGame::maxGameDepthCall {})?)?;
    let split_depth = depth(view(chain, implementation, IDisputeGame::splitDepthCall {})?)?;
    let shape = Shape { max_depth, split_depth };
    Ok(GameTypeInfo { factory, game_type, implementation, absolute_prestate, shape })
}

/// Creates a game of `game_type` claiming `root_claim` for the program reading `extra_data`,
/// proposed by `from`, who pays the root bond. Returns the game's address.
pub fn create_game(
    chain: &mut dyn Chain,
    from: Address,
    factory: Address,
    game_type: u32,
    root_claim: Hash,
    extra_data: &[u8],
) -> Result<Address> {
    let bond = root_bond(chain, factory, game_type)?;
    let call = IDisputeGameFactory::createCall {
        gameType: game_type,
        rootClaim: root_claim.into(),
        extraData: extra_data.to_vec().into(),
    };
    send(chain, from, factory, bond, call)?;
    game_at(chain, factory, game_type, root_claim, extra_data)
}

/// The root bond of the factory's `game_type`.
pub fn root_bond(chain: &mut dyn Chain, factory: Address, game_type: u32) -> Result<U256> {
    let implementation = implementation(chain, factory, game_type)?;
    required_bond(chain, implementation, Position::ROOT)
}

/// The factory's game of `game_type` claiming `root_claim` over `extra_data` (zero if none):
/// games are unique per (type, root claim, extra data), and the factory indexes them so.
pub fn game_at(
    chain: &mut dyn Chain,
    factory: Address,
    game_type: u32,
    root_claim: Hash,
    extra_data: &[u8],
) -> Result<Address> {
    let lookup = IDisputeGameFactory::gamesCall {
        gameType: game_type,
        rootClaim: root_claim.into(),
        extraData: extra_data.to_vec().into(),
    };
    Ok(view(chain, factory, lookup)?.proxy)
}
