// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { Test } from "test/lib/Test.sol";
import { L2ToL1MessagePasser } from "src/rollup/L2ToL1MessagePasser.sol";

/// @notice `L2ToL1MessagePasser`: each withdrawal is recorded under its hash, at the storage
///         slot the L1 bridge proves, with a fresh nonce.
contract L2ToL1MessagePasser_Test is Test {
    event MessagePassed(
        uint256 indexed nonce,
        address indexed sender,
        address indexed target,
        uint256 value,
        bytes32 withdrawalHash
    );

    L2ToL1MessagePasser internal passer;

    function setUp() public {
        passer = new L2ToL1MessagePasser();
    }

    function testFuzz_initiateWithdrawal_recordsItsHash_succeeds(
        address _sender,
        address _target,
        uint96 _value
    )
        public
    {
        vm.deal(_sender, uint256(_value) * 2);
        vm.prank(_sender);
        passer.initiateWithdrawal{ value: _value }(_target);
        bytes32 first = keccak256(abi.encode(uint256(0), _sender, _target, uint256(_value)));
        assertTrue(passer.sentMessages(first));
        // The slot the bridge proves: `sentMessages[hash]` in slot 0.
        assertEq(
            vm.load(address(passer), keccak256(abi.encode(first, uint256(0)))), bytes32(uint256(1))
        );

        vm.expectEmit(true, true, true, true, address(passer));
        bytes32 second = keccak256(abi.encode(uint256(1), _sender, _target, uint256(_value)));
        emit MessagePassed(1, _sender, _target, _value, second);
        vm.prank(_sender);
        passer.initiateWithdrawal{ value: _value }(_target);
        assertEq(passer.messageNonce(), 2);
        assertTrue(first != second);
        assertEq(address(passer).balance, uint256(_value) * 2);
    }

    function test_receive_withdrawsToTheSender_succeeds() public {
        address alice = address(0xA11CE);
        vm.deal(alice, 1 ether);
        vm.prank(alice);
        (bool ok,) = address(passer).call{ value: 1 ether }("");
        assertTrue(ok);
        assertTrue(passer.sentMessages(passer.hashWithdrawal(0, alice, alice, 1 ether)));
    }
}
