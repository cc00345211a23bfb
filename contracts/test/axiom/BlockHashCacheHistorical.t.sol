// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { AxiomTestBase } from "test/axiom/AxiomTestBase.sol";
import { Vm } from "test/lib/Test.sol";
import { IDisputeGame } from "src/dispute/interfaces/IDisputeGame.sol";
import { Claim } from "src/dispute/lib/Types.sol";
import { GameNotWon, UnknownGame } from "src/dispute/Errors.sol";
import { IBlockHashCache } from "src/axiom/interfaces/IBlockHashCache.sol";
import { BlockHashCache } from "src/axiom/BlockHashCache.sol";
import {
    InvalidEndHashProof,
    InvalidHistoricalGameType,
    InvalidHistoricalStart,
    NextGroupMismatch,
    OutputMismatch
} from "src/axiom/Errors.sol";

/// @title BlockHashCache_Historical_Test
/// @notice `updateHistorical`: 128 complete groups at once, proven by a won split-game claim
///         (`claimHistorical`). The groups are synthetic — each root built from its last block
///         hash and a random path, so `endHashProofs` are real — and the next group's entry is
///         planted as an earlier update would have left it; the game is won by clock (the
///         bisection over real headers is `dispute/tests/axiom_historical.rs`'s subject).
contract BlockHashCache_Historical_Test is AxiomTestBase {
    uint32 internal constant START = 1024 * 1000;
    uint32 internal constant NEXT_START = START + 128 * 1024;
    bytes32 internal constant NEXT_ROOT = keccak256("the next group's root");
    uint32 internal constant NEXT_NUM_FINAL = 500;

    bytes32[128] internal roots;
    bytes32[11][127] internal endHashProofs;
    bytes32[128] internal prevHashes;
    bytes32 internal endHash;
    bytes32 internal commitment;

    function setUp() public override {
        super.setUp();
        prevHashes[0] = keccak256("the block before the first group");
        for (uint256 i = 0; i < 128; i++) {
            bytes32 last = keccak256(abi.encode("last block hash", i));
            // The end hash ends in a zero byte, so that a game with a 31-byte input exists.
            if (i == 127) last &= ~bytes32(uint256(0xff));
            bytes32 node = last;
            bytes32[11] memory proof;
            for (uint256 level = 0; level < 10; level++) {
                proof[level] = keccak256(abi.encode("sibling", i, level));
                node = keccak256(abi.encodePacked(proof[level], node));
            }
            proof[10] = last;
            roots[i] = node;
            if (i < 127) {
                endHashProofs[i] = proof;
                prevHashes[i + 1] = last;
            } else {
                endHash = last;
            }
        }
        for (uint256 u = 0; u < 128; u++) {
            uint256 i = 127 - u;
            commitment = keccak256(
                abi.encode(
                    commitment, START + uint32(i) * 1024, prevHashes[i], roots[i], uint32(1024)
                )
            );
        }
        // The next group cached by an earlier update (`historicalRoots` is slot 0).
        bytes32 slot = keccak256(abi.encode(uint256(NEXT_START), uint256(0)));
        vm.store(
            address(cache), slot, keccak256(abi.encodePacked(endHash, NEXT_ROOT, NEXT_NUM_FINAL))
        );
    }

    function _claimAndWin(Claim _commitment) internal returns (IDisputeGame game_) {
        vm.prank(PROPOSER);
        game_ = cache.claimHistorical{ value: _bond() }(endHash, _commitment);
        _win(game_);
    }

    function _update(IDisputeGame _game, uint32 _start) internal {
        cache.updateHistorical(
            NEXT_ROOT,
            NEXT_NUM_FINAL,
            roots,
            endHashProofs,
            abi.encode(_game, _start, prevHashes[0])
        );
    }

    /// @notice A won claim caches all 128 groups; their blocks' witnesses then hold.
    function test_updateHistorical_succeeds() external {
        IDisputeGame game = _claimAndWin(Claim.wrap(commitment));
        bytes memory cd = abi.encodeCall(
            cache.updateHistorical,
            (
                NEXT_ROOT,
                NEXT_NUM_FINAL,
                roots,
                endHashProofs,
                abi.encode(game, START, prevHashes[0])
            )
        );
        _update(game, START);
        Vm.Gas memory g = vm.lastCallGas();
        emit log_named_uint("updateHistorical execution gas", g.gasTotalUsed);
        emit log_named_uint("updateHistorical tx gas", txGas(cd, g.gasTotalUsed));
        for (uint256 i = 0; i < 128; i++) {
            uint32 start = START + uint32(i) * 1024;
            assertEq(
                cache.historicalRoots(start),
                keccak256(abi.encodePacked(prevHashes[i], roots[i], uint32(1024)))
            );
            assertEq(cache.cachedNumFinal(start), 1024);
        }
        // Group 5's last block, by its path.
        IBlockHashCache.BlockHashWitness memory w;
        w.blockNumber = START + 5 * 1024 + 1023;
        w.claimedBlockHash = endHashProofs[5][10];
        w.prevHash = prevHashes[5];
        w.numFinal = 1024;
        for (uint256 level = 0; level < 10; level++) {
            w.merkleProof[level] = endHashProofs[5][level];
        }
        assertTrue(cache.isBlockHashValid(w));
    }

    /// @notice Another commitment than the groups' is refused, and so is an unwon game.
    function test_updateHistorical_otherCommitment_reverts() external {
        IDisputeGame game = _claimAndWin(Claim.wrap(keccak256("another chain")));
        vm.expectRevert(
            abi.encodeWithSelector(OutputMismatch.selector, keccak256("another chain"), commitment)
        );
        _update(game, START);
    }

    function test_updateHistorical_unresolvedGame_reverts() external {
        vm.prank(PROPOSER);
        IDisputeGame game = cache.claimHistorical{ value: _bond() }(endHash, Claim.wrap(commitment));
        vm.expectRevert(abi.encodeWithSelector(GameNotWon.selector, game));
        _update(game, START);
    }

    /// @notice A range that does not end before a cached group, a start off a group boundary,
    ///         and a wrong end-hash path are each refused.
    function test_updateHistorical_badRange_reverts() external {
        IDisputeGame game = _claimAndWin(Claim.wrap(commitment));
        vm.expectRevert(abi.encodeWithSelector(NextGroupMismatch.selector, NEXT_START + 1024));
        _update(game, START + 1024);
        vm.expectRevert(abi.encodeWithSelector(InvalidHistoricalStart.selector, START + 1));
        _update(game, START + 1);
        endHashProofs[3][4] = bytes32(uint256(1));
        vm.expectRevert(abi.encodeWithSelector(InvalidEndHashProof.selector, 3));
        _update(game, START);
    }

    /// @notice A game over another input than the 32-byte end hash — a canonical 31-byte
    ///         entry the game accepts, made at the factory, which no honest client plays — is
    ///         refused, won or not.
    function test_updateHistorical_nonCanonicalInput_reverts() external {
        bytes memory shortInput = abi.encodePacked(uint8(31), endHash);
        vm.prank(PROPOSER);
        IDisputeGame game =
            factory.create{ value: _bond() }(HISTORICAL_TYPE, Claim.wrap(commitment), shortInput);
        _win(game);
        vm.expectRevert(abi.encodeWithSelector(UnknownGame.selector, game));
        _update(game, START);
    }

    /// @notice The historical type must be another type than the header chain's, split at 7.
    function test_constructor_invalidHistoricalGameType_reverts() external {
        vm.expectRevert(abi.encodeWithSelector(InvalidHistoricalGameType.selector, HEADER_TYPE));
        new BlockHashCache(factory, HEADER_TYPE, HEADER_TYPE);
        vm.expectRevert(abi.encodeWithSelector(InvalidHistoricalGameType.selector, STORAGE_TYPE));
        new BlockHashCache(factory, HEADER_TYPE, STORAGE_TYPE);
    }

    /// @notice A game of the header-chain type is no historical claim.
    function test_updateHistorical_gameOfAnotherType_reverts() external {
        vm.prank(PROPOSER);
        IDisputeGame game = cache.claimRecent{ value: _bond() }(
            1500, Claim.wrap(_bytes32(".recent.run.stateHash"))
        );
        vm.expectRevert(abi.encodeWithSelector(UnknownGame.selector, game));
        _update(game, START);
    }
}
