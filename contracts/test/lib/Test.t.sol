// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { Test } from "test/lib/Test.sol";

/// @notice Our test base itself: cheatcodes reach Forge, assertions fail by reverting, and
///         `bound` maps into range like forge-std's.
contract Test_Base_Test is Test {
    function assertEqExternal(uint256 _a, uint256 _b) external pure {
        assertEq(_a, _b, "values");
    }

    function assertTrueExternal(bool _c) external pure {
        assertTrue(_c, "cond");
    }

    function assertEqBytes32External(bytes32 _a, bytes32 _b) external pure {
        assertEq(_a, _b);
    }

    function test_cheatcodes_warp_succeeds() external {
        vm.warp(1_000_000);
        assertEq(block.timestamp, 1_000_000);
        assertTrue(bytes(vm.projectRoot()).length > 0, "projectRoot");
    }

    function test_assertEq_mismatch_reverts() external {
        vm.expectRevert(bytes("assertion failed: values: 1 != 2"));
        this.assertEqExternal(1, 2);
        this.assertEqExternal(3, 3);
    }

    function test_assertTrue_false_reverts() external {
        vm.expectRevert(bytes("assertion failed: cond"));
        this.assertTrueExternal(false);
    }

    function test_assertEqBytes32_mismatch_reverts() external {
        vm.expectRevert();
        this.assertEqBytes32External(bytes32(0), bytes32(uint256(1)));
    }

    function testFuzz_bound_inRange_succeeds(uint256 _x, uint256 _min, uint256 _max) external pure {
        if (_min > _max) (_min, _max) = (_max, _min);
        uint256 r = bound(_x, _min, _max);
        assertTrue(r >= _min && r <= _max, "in range");
        if (_x >= _min && _x <= _max) assertEq(r, _x, "identity inside the range");
    }

    function test_bound_edges_succeeds() external pure {
        assertEq(bound(0, 10, 20), 10);
        assertEq(bound(3, 10, 20), 13);
        assertEq(bound(type(uint256).max, 10, 20), 20);
        assertEq(bound(15, 10, 20), 15);
        assertEq(bound(5, 0, type(uint256).max), 5);
    }
}
