//! The ABI of the contracts the toolkit talks to (`contracts/src/`), for `alloy-sol-types`,
//! and forge's build output they are deployed from.

use std::path::{Path, PathBuf};

use alloy_sol_types::{sol, SolInterface};

use crate::{Error, Result};

sol! {
    #![sol(all_derives)]

    /// One claim of a game (`ClaimData` in `contracts/src/dispute/lib/Types.sol`).
    struct ClaimData {
        uint32 parentIndex;
        address counteredBy;
        address claimant;
        uint256 bond;
        bytes32 claim;
        uint64 position;
        uint32 duration;
        uint32 timestamp;
    }

    /// `contracts/src/dispute/DisputeGame.sol`.
    interface IDisputeGame {
        function move(bytes32 disputed, uint256 parentIndex, bytes32 claim, bool isAttack) external payable;
        function step(uint256 claimIndex, bool isAttack, bytes stateData, bytes proof) external;
        function addLocalData(uint256 ident, uint256 execLeafIdx, uint256 partOffset) external returns (bytes32 key);
        function resolveClaim(uint256 claimIndex, uint256 numToResolve) external;
        function resolve() external returns (uint8 status);
        function claimCredit(address recipient) external;
        function getRequiredBond(uint64 position) external view returns (uint256);
        function getChallengerDuration(uint256 claimIndex) external view returns (uint32);
        function claimData(uint256 index) external view returns (ClaimData data);
        function claimDataLen() external view returns (uint256);
        function status() external view returns (uint8);
        function createdAt() external view returns (uint32);
        function resolvedAt() external view returns (uint32);
        function rootClaim() external view returns (bytes32);
        function extraData() external view returns (bytes);
        function gameType() external view returns (uint32);
        function absolutePrestate() external view returns (bytes32);
        function maxGameDepth() external view returns (uint256);
        function splitDepth() external view returns (uint256);
        function unitsAtSplit(uint256 index) external view returns (bytes32 starting, uint64 startingPos, bytes32 disputed, uint64 disputedPos);
        function localContext(uint256 index) external view returns (bytes32);
        function maxClockDuration() external view returns (uint32);
        function withdrawalDelay() external view returns (uint32);
        function vm() external view returns (address);
        function registry() external view returns (address);
        function resolvedSubgames(uint256 index) external view returns (bool);
        function credit(address account) external view returns (uint256);

        error InvalidMaxGameDepth(uint256 maxGameDepth);
        error InvalidSplitDepth(uint256 splitDepth);
        error InvalidClockDuration();
        error InvalidClockExtension();
        error LeafClockExtensionTooShort(uint256 leafClockExtension, uint256 challengePeriod);
        error InvalidBondParameters();
        error AlreadyInitialized();
        error InvalidRootClaimStatus(uint8 status);
        error InvalidExtraData();
        error GameNotInProgress();
        error InvalidClaimIndex(uint256 index);
        error InvalidDisputedClaim(bytes32 expected, bytes32 given);
        error CannotDefendRootClaim();
        error UnexpectedExecutionRoot(uint8 status);
        error ClaimAboveSplit(uint256 index);
        error GameDepthExceeded();
        error IncorrectBondAmount(uint256 required, uint256 given);
        error TooManyClaims();
        error ClockTimeExceeded();
        error NotALeafClaim();
        error InvalidPrestate(bytes32 expected, bytes32 given);
        error ValidStep();
        error DuplicateStep();
        error ClockNotExpired();
        error ClaimAlreadyResolved();
        error OutOfOrderResolution();
        error InvalidLocalIdent(uint256 ident);
        error WithdrawalDelayNotPassed(uint256 availableAt);
        error NoCreditToClaim();
        error BondTransferFailed();
    }

    /// `contracts/src/dispute/DisputeGameFactory.sol`.
    interface IDisputeGameFactory {
        function setImplementation(uint32 gameType, address implementation) external;
        function create(uint32 gameType, bytes32 rootClaim, bytes extraData) external payable returns (address proxy);
        function games(uint32 gameType, bytes32 rootClaim, bytes extraData) external view returns (address proxy, uint32 createdAt);
        function gameCount() external view returns (uint256);
        function gameAtIndex(uint256 index) external view returns (uint32 gameType, uint32 createdAt, address proxy);
        function gameImpls(uint32 gameType) external view returns (address);
        function register(address player) external returns (uint32 id);
        function playerId(address player) external view returns (uint32);

        event DisputeGameCreated(address indexed disputeProxy, uint32 indexed gameType, bytes32 indexed rootClaim);

        error NoImplementation(uint32 gameType);
        error GameAlreadyExists(bytes32 uuid);
        error NotOwner();
        error TooManyPlayers();
    }

    /// `contracts/src/PreimageOracle.sol`: what a challenger loads before a step.
    interface IPreimageOracle {
        function loadLocalData(uint256 ident, bytes32 localContext, bytes32 word, uint256 size, uint256 partOffset) external returns (bytes32 key);
        function loadKeccak256PreimagePart(uint256 partOffset, bytes preimage) external;
        function loadBlobPart(bytes32 key, uint256 partOffset, bytes32 chunk, bytes proof) external;
        function loadBlobElementPart(uint256 partOffset, bytes32 versionedHash, uint64 index, bytes32 element, bytes commitment, bytes proof) external;
        function loadPrecompilePreimagePart(uint256 partOffset, address precompile, uint64 requiredGas, bytes input) external;
        function loadInferenceResultPart(uint256 partOffset, bytes32 request, bytes result) external;
        function inferenceResults() external view returns (address);
        function challengePeriod() external view returns (uint256);
        function preimagePartOk(bytes32 key, uint256 chunkOffset) external view returns (bool);
        function readPreimage(bytes32 key, uint256 offset) external view returns (bytes32 dat, uint256 datLen);

        error PartNotFound();
        error PartOffsetOOB();
        error InvalidKeyType(uint8 keyType);
        error InvalidLocalDataSize();
        error InvalidBlobProof();
        error BlobLengthUnknown();
        error InvalidBlobLength();
        error InvalidProofLength(uint256 expected, uint256 actual);
        error InvalidProofMask(uint256 mask);
        error InvalidBlobElementIndex(uint64 index);
        error InvalidBlobElementProof();
        error InvalidPrecompile(address precompile);
        error NotEnoughGas(uint256 required, uint256 available);
        error NoInferenceResults();
        error InferenceResultNotFinal(bytes32 request);
        error InferenceResultMismatch(bytes32 request, bytes32 finalized, bytes32 given);
    }

    /// `contracts/src/riscv/RISCV.sol`.
    interface IStepper {
        function step(bytes stateData, bytes proof, bytes32 localContext) external view returns (bytes32 postState);
        function oracle() external view returns (address);

        error InvalidStateLength(uint256 length);
        error InvalidMemoryProof(uint256 index);
        error InvalidCalldataLayout();
        error InvalidProofLength(uint256 expected, uint256 actual);
        error InvalidProofMask(uint256 mask);
        error InvalidStateVersion(uint8 version);
        error InvalidHaltKind(uint8 haltKind);
        error NonZeroRunningHaltCode(uint32 haltCode);
        error UnknownFaultCode(uint32 haltCode);
    }
}

/// How to name the revert data of one contract interface: the errors it declares.
///
/// The core contracts' decoders are [`CORE_REVERTS`]; each application module exposes its
/// own, and the crate root lists them all in [`crate::REVERT_DECODERS`], which
/// [`describe_revert`] consults (so this module names no application).
#[derive(Debug, Clone, Copy)]
pub struct RevertDecoder {
    /// Whether `selector` is one of the interface's errors.
    pub knows: fn([u8; 4]) -> bool,
    /// The error `data` encodes, readable, or `None` if it is not one of the interface's.
    pub describe: fn(&[u8]) -> Option<String>,
}

impl RevertDecoder {
    /// The decoder of the errors enum `E` that `sol!` generates for an interface.
    pub const fn of<E: SolInterface + std::fmt::Debug>() -> Self {
        Self { knows: E::valid_selector, describe: describe_as::<E> }
    }
}

fn describe_as<E: SolInterface + std::fmt::Debug>(data: &[u8]) -> Option<String> {
    E::abi_decode(data).ok().map(|e| format!("{e:?}"))
}

/// The errors of the dispute game, its factory, the preimage oracle and the verifier.
pub const CORE_REVERTS: &[RevertDecoder] = &[
    RevertDecoder::of::<IDisputeGame::IDisputeGameErrors>(),
    RevertDecoder::of::<IDisputeGameFactory::IDisputeGameFactoryErrors>(),
    RevertDecoder::of::<IPreimageOracle::IPreimageOracleErrors>(),
    RevertDecoder::of::<IStepper::IStepperErrors>(),
];

/// A readable name for revert data of any of the contracts (`0x…` when unknown).
pub fn describe_revert(data: &[u8]) -> String {
    if let Some(named) =
        crate::REVERT_DECODERS.iter().flat_map(|d| d.iter()).find_map(|d| (d.describe)(data))
    {
        return named;
    }
    if data.is_empty() {
        return "no revert data".into();
    }
    format!("0x{}", hex::encode(data))
}

/// Where forge writes its build output when run in `contracts/` of this repository.
pub fn default_artifacts_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../contracts/out")
}

/// The creation bytecode of `contract` (defined in `file`) from forge's build output `dir`.
pub fn creation_code(dir: &Path, file: &str, contract: &str) -> Result<Vec<u8>> {
    let path = dir.join(file).join(format!("{contract}.json"));
    let bad = |reason: String| Error::Artifact { path: path.clone(), reason };
    let text = std::fs::read(&path)
        .map_err(|e| bad(format!("{e} (build the contracts first: `make -C contracts build`)")))?;
    let json: serde_json::Value =
        serde_json::from_slice(&text).map_err(|e| bad(format!("not forge output: {e}")))?;
    let object =
        json["bytecode"]["object"].as_str().ok_or_else(|| bad("no bytecode.object".into()))?;
    let code = hex::decode(object.trim_start_matches("0x"))
        .map_err(|e| bad(format!("bytecode.object: {e}")))?;
    if code.is_empty() {
        return Err(bad("empty bytecode".into()));
    }
    Ok(code)
}
