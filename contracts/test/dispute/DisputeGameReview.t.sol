// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { DisputeGameTestBase } from "test/dispute/DisputeGameTestBase.sol";
import { DisputeGame } from "src/dispute/DisputeGame.sol";
import { IDisputeGame } from "src/dispute/interfaces/IDisputeGame.sol";
import { Claim, ClaimData, Duration, GameStatus, Position } from "src/dispute/lib/Types.sol";
import { LibPosition } from "src/dispute/lib/LibPosition.sol";
import "src/dispute/Errors.sol";

/// @title DisputeGame_Review_Test
/// @notice Security-review tests. The `test_review_*_fails` tests state the behaviour the
///         design doc promises and FAIL against the current contracts (each demonstrates a
///         finding); the `*_succeeds` ones are evidence for properties found sound.
contract DisputeGame_Review_Test is DisputeGameTestBase {
    address internal constant STEPPER = address(0x57E9);

    /// @notice Steps that succeeded in the random-tree test.
    uint256 internal stepsOk;

    /// @notice One canonical local-data entry.
    function _entry(uint8 _size, bytes32 _word) internal pure returns (bytes memory) {
        return abi.encodePacked(_size, _word);
    }

    ////////////////////////////////////////////////////////////////
    //            Regressions of the review's findings            //
    ////////////////////////////////////////////////////////////////

    /// @notice One input has one encoding: a trailing empty entry is not a second game over
    ///         the same input, since a game type fixes how many entries its extra data holds.
    function test_review_paddedInput_reverts() external {
        _useLocalEntries(1);
        bytes memory input = _entry(4, bytes32(bytes4("axon")));
        Claim root = Claim.wrap(bytes32(uint256(0x1234)));
        _create(root, input);
        uint256 bond = impl.getRequiredBond(LibPosition.wrap(0, 0));
        vm.prank(PROPOSER);
        vm.expectRevert(InvalidExtraData.selector);
        factory.create{ value: bond }(GAME_TYPE, root, abi.encodePacked(input, _entry(0, 0)));
    }

    /// @notice A game cannot leave out a local datum its program reads (the step reading it
    ///         could never be proven): extra data without the input is rejected.
    function test_review_missingLocalDatum_reverts() external {
        _useLocalEntries(1);
        uint256 bond = impl.getRequiredBond(LibPosition.wrap(0, 0));
        vm.deal(PROPOSER, bond);
        vm.prank(PROPOSER);
        vm.expectRevert(InvalidExtraData.selector);
        factory.create{ value: bond }(GAME_TYPE, Claim.wrap(bytes32(uint256(0x1234))), "");
    }

    ////////////////////////////////////////////////////////////////
    //                 Evidence for sound properties               //
    ////////////////////////////////////////////////////////////////

    /// @notice A random tree of moves (random parents, directions, honest or wrong values,
    ///         several claimants): every step attempt on every leaf, in both directions, either
    ///         succeeds or reverts with a game error (never runs out of gas in
    ///         `_traceAncestor`), a stepped leaf cannot be stepped again, and after resolution the
    ///         credit is exactly the bonds held and pays out to a zero balance.
    function testFuzz_review_randomTree_stepsAndConservation_succeeds(uint256 _seed) external {
        address[4] memory who = [PROPOSER, CHALLENGER, address(0xA11CE), address(0xB0B0)];
        bool honestRoot = _seed & 1 == 1;
        _useLocalEntries(1);
        _create(
            honestRoot ? _honest(Position.wrap(1)) : _dishonest(Position.wrap(1)),
            _entry(32, bytes32(_seed))
        );
        uint256 moves = 30 + (_seed >> 1) % 50;
        for (uint256 i = 0; i < moves; i++) {
            uint256 r = uint256(keccak256(abi.encode(_seed, i)));
            // Mostly extend the newest claim (deep paths reach the leaves), else any claim.
            uint256 len = game.claimDataLen();
            uint256 parent = (r >> 80) % 5 != 0 ? len - 1 : r % len;
            if (game.claimData(parent).position.depth() == MAX_DEPTH) parent = r % len;
            ClaimData memory p = game.claimData(parent);
            if (p.position.depth() == MAX_DEPTH) continue;
            bool isAttack = parent == 0 || (r >> 64) & 1 == 1;
            Position next = p.position.move(isAttack);
            Claim value = (r >> 65) % 3 == 0 ? _dishonest(next) : _honest(next);
            _move(who[(r >> 70) % 4], parent, value, isAttack);
        }
        uint256 n = game.claimDataLen();
        for (uint256 i = 0; i < n; i++) {
            ClaimData memory c = game.claimData(i);
            if (c.position.depth() != MAX_DEPTH) continue;
            uint256 t = c.position.traceIndex(uint8(MAX_DEPTH));
            _tryStep(i, true, _stateData(t));
            _tryStep(i, false, _stateData(t + 1));
        }
        uint256 held = address(game).balance;
        vm.warp(block.timestamp + uint256(Duration.unwrap(MAX_CLOCK)) + 1);
        _resolveAll();
        uint256 total = game.credit(STEPPER);
        for (uint256 k = 0; k < 4; k++) {
            total += game.credit(who[k]);
        }
        assertEq(total, held, "credit == bonds held");
        vm.warp(block.timestamp + 1 days);
        if (game.credit(STEPPER) != 0) game.claimCredit(STEPPER);
        for (uint256 k = 0; k < 4; k++) {
            if (game.credit(who[k]) != 0) game.claimCredit(who[k]);
        }
        assertEq(address(game).balance, 0, "nothing stuck");
    }

    /// @notice A pre-state claim that is the honest state with another status byte passes the
    ///         `InvalidPrestate` check (the top byte is ignored), but it cannot be used to counter
    ///         an honest leaf: the VM recomputes the status from the encoding.
    function test_review_statusVariantPrestate_cannotCounterHonestLeaf_succeeds() external {
        game = _create(_honest(Position.wrap(1)), "");
        (Position[] memory path, bool[] memory isAttack) = _pathTo(2);
        for (uint256 d = 1; d <= MAX_DEPTH; d++) {
            Claim value = _honest(path[d]);
            if (d == MAX_DEPTH - 1) {
                // Trace index 1: the honest body, status 0 instead of 3.
                value = Claim.wrap(Claim.unwrap(value) << 8 >> 8);
            }
            _move(d % 2 == 1 ? CHALLENGER : PROPOSER, d - 1, value, isAttack[d]);
        }
        assertEq(game.claimData(MAX_DEPTH - 1).position.traceIndex(uint8(MAX_DEPTH)), 1);
        // Attack step on the honest leaf from the variant: accepted as the pre-state, but valid.
        vm.expectRevert(ValidStep.selector);
        game.step(MAX_DEPTH, true, _stateData(2), "");
        // Defence step on the honest leaf against the root (same side): valid too.
        vm.expectRevert(ValidStep.selector);
        game.step(MAX_DEPTH, false, _stateData(3), "");
    }

    /// @notice The random-tree test does exercise successful steps (over a few seeds).
    function test_review_randomTree_stepsHappen_succeeds() external {
        for (uint256 s = 1; s <= 6; s++) {
            this.testFuzz_review_randomTree_stepsAndConservation_succeeds(s);
        }
        emit log_named_uint("  successful steps", stepsOk);
        assertTrue(stepsOk > 0, "some steps succeeded");
    }

    /// @notice Steps, catching game errors; a revert without data (out of gas) fails.
    function _tryStep(uint256 _index, bool _isAttack, bytes memory _data) internal {
        vm.prank(STEPPER);
        try game.step{ gas: 3_000_000 }(_index, _isAttack, _data, "") {
            stepsOk++;
            if (_isAttack) {
                // From the honest pre-state, an attack step only counters a wrong leaf.
                ClaimData memory leaf = game.claimData(_index);
                assertNotEq(
                    Claim.unwrap(leaf.claim),
                    Claim.unwrap(_honest(leaf.position)),
                    "an attack step countered an honest leaf"
                );
            }
            vm.prank(STEPPER);
            vm.expectRevert(DuplicateStep.selector);
            game.step(_index, _isAttack, _data, "");
        } catch (bytes memory reason) {
            assertTrue(reason.length >= 4, "a game error, not out of gas");
            bytes4 sel = bytes4(reason);
            assertTrue(
                sel == ValidStep.selector || sel == InvalidPrestate.selector
                    || sel == DuplicateStep.selector,
                "an expected step error"
            );
        }
    }
}

/// @title DisputeGame_ReviewLocalData_Test
/// @notice `addLocalData` reads only the entry it loads: with 1,000 entries (33 kB of extra
///         data) each entry, first, middle and last, costs about the same and comes back right.
contract DisputeGame_ReviewLocalData_Test is DisputeGameTestBase {
    uint256 internal constant ENTRIES = 1000;

    function setUp() public override {
        super.setUp();
        _useLocalEntries(ENTRIES);
        bytes memory data;
        for (uint256 i = 0; i < ENTRIES; i++) {
            data = abi.encodePacked(data, uint8(i % 33), _word(i));
        }
        _create(Claim.wrap(bytes32(uint256(0x1234))), data);
    }

    /// @notice Entry `_i`'s word: `_i` repeated, cut to the entry's size `_i % 33`.
    function _word(uint256 _i) internal pure returns (bytes32) {
        uint256 size = _i % 33;
        bytes32 full = bytes32(uint256(keccak256(abi.encode(_i))));
        return size == 0 ? bytes32(0) : full & ~bytes32(type(uint256).max >> (8 * size));
    }

    function test_review_addLocalData_readsOneEntry_succeeds() external {
        uint256[4] memory idents = [uint256(1), 2, 500, ENTRIES];
        for (uint256 k = 0; k < idents.length; k++) {
            uint256 i = idents[k] - 1;
            uint256 before = gasleft();
            bytes32 key = game.addLocalData(idents[k], 0, 0);
            uint256 used = before - gasleft();
            emit log_named_uint("  addLocalData gas with 1000 entries", used);
            assertLe(used, 150_000, "one entry's slots, not the whole extra data");
            (bytes32 dat, uint256 len) = oracle.readPreimage(key, 0);
            uint256 size = i % 33;
            uint256 expectLen = size + 8 < 32 ? size + 8 : 32;
            assertEq(len, expectLen, "the stream's first part");
            bytes32 expected = bytes32(uint256(size) << 192) | (_word(i) >> 64);
            assertEq(dat, expected & ~bytes32(type(uint256).max >> (8 * expectLen)), "the data");
        }
    }
}
