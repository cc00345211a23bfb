// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { DisputeGameTestBase } from "test/dispute/DisputeGameTestBase.sol";
import { Vm } from "test/lib/Test.sol";
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
