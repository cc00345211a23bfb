// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { DisputeGameTestBase } from "test/dispute/DisputeGameTestBase.sol";
import { Vm } from "test/lib/Test.sol";
import { IDisputeGame } from "src/dispute/interfaces/IDisputeGame.sol";
import { IStepper } from "src/interfaces/IStepper.sol";
import { Claim, ClaimData, Position } from "src/dispute/lib/Types.sol";

/// @title DisputeGame_MoveGas_Test
/// @notice Gas of one move as a transaction would pay it: the game is set up in `setUp` so that
///         the move finds its slots and accounts cold, and the logged transaction gas adds the
///         intrinsic 21000 and the calldata cost (Prague, EIP-7623) to the metered execution.
contract DisputeGame_MoveGas_Test is DisputeGameTestBase {
    /// @notice The claim the measured moves answer, and the bonds of the answers: read in
    ///         `setUp`, since reading them in the test would warm the game's slots.
    Claim internal parentClaim;
    uint256 internal attackBond;
    uint256 internal defendBond;

    function setUp() public override {
        super.setUp();
        _create(Claim.wrap(bytes32(uint256(1))), "");
        // A path down to depth 3, each side already registered.
        _move(CHALLENGER, 0, _dishonest(Position.wrap(2)), true);
        _move(PROPOSER, 1, _dishonest(Position.wrap(4)), true);
        _move(CHALLENGER, 2, _dishonest(Position.wrap(8)), true);
        ClaimData memory parent = game.claimData(3);
        parentClaim = parent.claim;
        attackBond = game.getRequiredBond(parent.position.move(true));
        defendBond = game.getRequiredBond(parent.position.move(false));
        vm.deal(PROPOSER, 10 ether);
    }

    /// @notice Meters one move against claim `_parent` and logs its transaction gas.
    function _measureMove(uint256 _parent, bool _isAttack) internal returns (uint256 txGas_) {
        vm.pauseGasMetering();
        uint256 bond = _isAttack ? attackBond : defendBond;
        Claim claim = Claim.wrap(keccak256("a claim"));
        bytes memory cd = abi.encodeCall(game.move, (parentClaim, _parent, claim, _isAttack));
        vm.prank(PROPOSER);
        vm.resumeGasMetering();
        game.move{ value: bond }(parentClaim, _parent, claim, _isAttack);
        vm.pauseGasMetering();
        Vm.Gas memory g = vm.lastCallGas();
        txGas_ = txGas(cd, g.gasTotalUsed);
        emit log_named_uint("  execution gas", g.gasTotalUsed);
        emit log_named_uint("  tx gas", txGas_);
        assertLe(txGas_, 100_000, "a move costs at most 100k gas");
    }

    function test_move_gasAttack_succeeds() external {
        _measureMove(3, true);
    }

    function test_move_gasDefend_succeeds() external {
        _measureMove(3, false);
    }
}

/// @title DisputeGame_SplitMoveGas_Test
/// @notice Gas of the moves a split game adds, at the issue's size (2^20 units above the
///         split, 2^40 steps below: depth 61, split 20), each with its slots and accounts cold:
///         the root of an execution subgame (its status check reads no storage) and a move
///         to a leaf, 61 levels down.
contract DisputeGame_SplitMoveGas_Test is DisputeGameTestBase {
    uint256 internal constant DEEP = 61;
    uint256 internal constant SPLIT = 20;

    /// @notice Per measured move: the parent index, its claim, the bond, the new claim.
    uint256[2] internal parents;
    Claim[2] internal parentClaims;
    uint256[2] internal bonds;
    Claim[2] internal newClaims;

    function setUp() public override {
        super.setUp();
        splitDepth = SPLIT;
        impl = _newImpl(IStepper(address(alphabet)), DEEP);
        factory.setImplementation(GAME_TYPE, IDisputeGame(address(impl)));
        _create(Claim.wrap(keccak256("units")), "");
        // Attacks down to the split (claim SPLIT at depth SPLIT, the proposer's).
        for (uint256 d = 1; d <= SPLIT; d++) {
            _move(d % 2 == 1 ? CHALLENGER : PROPOSER, d - 1, _dishonest(Position.wrap(0)), true);
        }
        // The first measured move: the challenger defends the split claim with a valid
        // execution root (the disputed claim, at depth 19, is its own).
        _prepare(0, SPLIT, Claim.wrap(0), false);
        // A second subgame, from an attack, down to one level above the leaves; the measured
        // move makes a leaf.
        _move(CHALLENGER, SPLIT, Claim.wrap(bytes32(uint256(1) << 248)), true);
        uint256 last = SPLIT + 1;
        for (uint256 d = SPLIT + 2; d < DEEP; d++) {
            _move(d % 2 == 1 ? CHALLENGER : PROPOSER, last, _dishonest(Position.wrap(0)), true);
            last = game.claimDataLen() - 1;
        }
        _prepare(1, last, _dishonest(Position.wrap(1)), true);
        vm.deal(CHALLENGER, 1000 ether);
        vm.deal(PROPOSER, 1000 ether);
    }

    function _prepare(uint256 _k, uint256 _parent, Claim _claim, bool _isAttack) internal {
        ClaimData memory parent = game.claimData(_parent);
        parents[_k] = _parent;
        parentClaims[_k] = parent.claim;
        bonds[_k] = game.getRequiredBond(parent.position.move(_isAttack));
        newClaims[_k] = _claim;
    }

    /// @notice Meters move `_k` as `_who` and logs its transaction gas.
    function _measure(uint256 _k, address _who, bool _isAttack) internal {
        vm.pauseGasMetering();
        bytes memory cd =
            abi.encodeCall(game.move, (parentClaims[_k], parents[_k], newClaims[_k], _isAttack));
        (Claim disputed, uint256 parent, Claim claim, uint256 bond) =
            (parentClaims[_k], parents[_k], newClaims[_k], bonds[_k]);
        vm.prank(_who);
        vm.resumeGasMetering();
        game.move{ value: bond }(disputed, parent, claim, _isAttack);
        vm.pauseGasMetering();
        Vm.Gas memory g = vm.lastCallGas();
        uint256 total = txGas(cd, g.gasTotalUsed);
        emit log_named_uint("  execution gas", g.gasTotalUsed);
        emit log_named_uint("  tx gas", total);
        assertLe(total, 100_000, "a move costs at most 100k gas");
    }

    function test_move_gasExecutionRoot_succeeds() external {
        _measure(0, CHALLENGER, false);
    }

    function test_move_gasToLeaf_succeeds() external {
        _measure(1, CHALLENGER, true);
        // The leaf keeps its 62-bit position (a narrower field would cut it).
        Position parent = game.claimData(parents[1]).position;
        Position leaf = game.claimData(game.claimDataLen() - 1).position;
        assertEq(Position.unwrap(leaf), Position.unwrap(parent) << 1);
        assertEq(uint256(leaf.depth()), DEEP);
    }
}
