// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { DisputeGame } from "src/dispute/DisputeGame.sol";
import { DisputeGameFactory } from "src/dispute/DisputeGameFactory.sol";
import { OptimisticClaims } from "src/dispute/OptimisticClaims.sol";
import { IDisputeGame } from "src/dispute/interfaces/IDisputeGame.sol";
import { Claim, GameStatus, GameType } from "src/dispute/lib/Types.sol";
import { BatchInbox } from "src/rollup/BatchInbox.sol";
import {
    NotASplitGame,
    OutputNotFinalized,
    ProposalNotAfterAnchor,
    ProposalDiscarded,
    ProposalNotResolved,
    ProposalTooFar,
    UnknownProposal
} from "src/rollup/Errors.sol";

/// @title Outputs
/// @notice Output proposals of the AI rollup and its anchor registry (docs/rollup.md): steps 4
///         to 9 of the seed's workflow. A proposal claims the output root
///         `keccak256(version ‖ state root ‖ withdrawal storage root ‖ block hash)` of an L2
///         block; it is a bonded split dispute game of the `rollup-block` guest's type: above
///         the split, output roots after each L2 block from the anchor on; below, one block's
///         derivation in the VM. Anyone may propose and anyone may challenge.
///
///         The game's input comes from L1 alone, never from the proposer: it is the keccak-256
///         of the `RollupBoot` built here from the chain's config (fixed at deployment), the
///         anchor (the last finalized valid output and its block), the inbox's accumulator of
///         the first batch holding the proposed block, and that block's number. A proposal
///         past the anchor's reach (`2^SPLIT_DEPTH` blocks) or of a block no batch holds yet
///         reverts.
///
///         A proposal whose game the proposer wins (undisputed after the game's clock, or by
///         winning the bisection) is final once `finalize`d: its output becomes the anchor if
///         it is newer, and the bridge may prove withdrawals against it. A proposal that loses
///         is discarded: the game already paid its bond to the challengers, nothing ever
///         starts from it (every proposal starts from the anchor, which only finalized outputs
///         become), and `finalize` records it as such.
contract Outputs is OptimisticClaims {
    /// @notice An output the registry holds.
    /// @param outputRoot The output root.
    /// @param l2Block Its L2 block.
    struct Anchor {
        bytes32 outputRoot;
        uint64 l2Block;
    }

    /// @notice A proposal's fate.
    enum Fate {
        UNKNOWN,
        PROPOSED,
        FINALIZED,
        DISCARDED
    }

    /// @notice A proposal.
    /// @param l2Block The proposed block.
    /// @param fate Where it stands.
    struct Proposal {
        uint64 l2Block;
        Fate fate;
    }

    /// @notice The semantic version.
    string public constant version = "1.0.0";

    /// @notice The inbox whose batches are the chain.
    BatchInbox internal immutable INBOX;

    /// @notice The keccak-256 of the chain's ABI-encoded config (`axon_rollup::chain`).
    bytes32 internal immutable CHAIN_CONFIG;

    /// @notice The most blocks a proposal may reach past the anchor: the game's units.
    uint64 internal immutable MAX_BLOCKS;

    /// @notice The last finalized valid output.
    Anchor public anchor;

    /// @notice The proposals, by game.
    mapping(IDisputeGame => Proposal) public proposals;

    /// @notice Emitted for each proposal: `boot` is the `RollupBoot` its game runs on.
    event OutputProposed(
        bytes32 indexed outputRoot,
        uint64 indexed l2Block,
        IDisputeGame indexed game,
        address proposer,
        bytes boot
    );

    /// @notice Emitted when a won proposal is finalized.
    event OutputFinalized(IDisputeGame indexed game, bytes32 outputRoot, uint64 l2Block);

    /// @notice Emitted when a lost proposal is discarded.
    event OutputDiscarded(IDisputeGame indexed game, bytes32 outputRoot, uint64 l2Block);

    /// @param _factory The factory games are created at.
    /// @param _gameType The `rollup-block` guest's split game type there.
    /// @param _inbox The chain's batch inbox.
    /// @param _chainConfig The keccak-256 of the chain's ABI-encoded config.
    /// @param _genesisOutputRoot The output root of L2 block 0: the first anchor.
    constructor(
        DisputeGameFactory _factory,
        GameType _gameType,
        BatchInbox _inbox,
        bytes32 _chainConfig,
        bytes32 _genesisOutputRoot
    )
        OptimisticClaims(_factory, _gameType)
    {
        uint256 split = DisputeGame(payable(address(_factory.gameImpls(_gameType)))).splitDepth();
        if (split == 0) revert NotASplitGame();
        INBOX = _inbox;
        CHAIN_CONFIG = _chainConfig;
        MAX_BLOCKS = uint64(1 << split);
        anchor = Anchor({ outputRoot: _genesisOutputRoot, l2Block: 0 });
    }

    /// @notice The `RollupBoot` a proposal of `_l2Block` made now runs on (ABI-encoded): the
    ///         chain config, the anchor, the accumulator of the first batch holding the block,
    ///         the block.
    function bootFor(uint64 _l2Block) public view returns (bytes memory boot_) {
        Anchor memory a = anchor;
        if (_l2Block <= a.l2Block) revert ProposalNotAfterAnchor(_l2Block, a.l2Block);
        if (_l2Block - a.l2Block > MAX_BLOCKS) {
            revert ProposalTooFar(_l2Block, a.l2Block + MAX_BLOCKS);
        }
        (, bytes32 accumulator) = INBOX.batchCovering(_l2Block);
        boot_ = abi.encode(CHAIN_CONFIG, a.outputRoot, a.l2Block, accumulator, _l2Block);
    }

    /// @notice Proposes `_outputRoot` as L2 block `_l2Block`'s, bonded with `msg.value` (the
    ///         game's root bond; zero when adopting the existing game of the same claim).
    function propose(
        bytes32 _outputRoot,
        uint64 _l2Block
    )
        external
        payable
        returns (IDisputeGame game_)
    {
        bytes memory boot = bootFor(_l2Block);
        game_ = _claimOf(GAME_TYPE, GAME_CODEHASH, Claim.wrap(_outputRoot), keccak256(boot));
        Proposal storage p = proposals[game_];
        if (p.fate == Fate.UNKNOWN) {
            p.l2Block = _l2Block;
            p.fate = Fate.PROPOSED;
        }
        emit OutputProposed(_outputRoot, _l2Block, game_, msg.sender, boot);
    }

    /// @notice Settles the proposal of `_game` once its game is resolved: a won one is final
    ///         (and the anchor if newer), a lost one discarded. Settling again does nothing.
    function finalize(IDisputeGame _game) external {
        Proposal storage p = proposals[_game];
        if (p.fate == Fate.UNKNOWN) revert UnknownProposal(address(_game));
        if (p.fate != Fate.PROPOSED) return;
        GameStatus status = _game.status();
        if (status == GameStatus.IN_PROGRESS) revert ProposalNotResolved(address(_game));
        bytes32 root = Claim.unwrap(_game.rootClaim());
        if (status == GameStatus.CHALLENGER_WINS) {
            p.fate = Fate.DISCARDED;
            emit OutputDiscarded(_game, root, p.l2Block);
            return;
        }
        p.fate = Fate.FINALIZED;
        if (p.l2Block > anchor.l2Block) anchor = Anchor({ outputRoot: root, l2Block: p.l2Block });
        emit OutputFinalized(_game, root, p.l2Block);
    }

    /// @notice The output of the finalized proposal `_game`: what the bridge proves
    ///         withdrawals against. Reverts for a game that is no proposal, a proposal not
    ///         finalized yet and a discarded one, each with its error.
    function finalizedOutput(IDisputeGame _game)
        external
        view
        returns (bytes32 outputRoot_, uint64 l2Block_)
    {
        Proposal memory p = proposals[_game];
        if (p.fate == Fate.UNKNOWN) revert UnknownProposal(address(_game));
        if (p.fate == Fate.DISCARDED) revert ProposalDiscarded(address(_game));
        if (p.fate != Fate.FINALIZED) revert OutputNotFinalized(address(_game));
        return (Claim.unwrap(_game.rootClaim()), p.l2Block);
    }

    /// @notice The keccak-256 of the chain's config.
    function chainConfig() external view returns (bytes32) {
        return CHAIN_CONFIG;
    }

    /// @notice The inbox.
    function inbox() external view returns (BatchInbox) {
        return INBOX;
    }
}
