// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { Test } from "test/lib/Test.sol";
import { LibKeccak } from "src/riscv/lib/LibKeccak.sol";

/// @notice `LibKeccak.permuteBlock` against FIPS 202's permutation of the zero state and against
///         the EVM's own KECCAK256: one sponge block (a message under 136 bytes, padded) put
///         through the permutation must give the opcode's hash. The Rust VM's side is compared
///         step by step in `tests/tests/verifier.rs`.
contract LibKeccak_Test is Test {
    /// @notice The zero state's permutation (FIPS 202's known answer), and bytes 200..255 kept.
    function test_permuteBlock_zeroState_succeeds() external pure {
        bytes32[8] memory block_;
        block_[6] = bytes32(uint256(0xabcdef));
        block_[7] = keccak256("the 56 bytes after the state");
        LibKeccak.permuteBlock(block_);
        // Lane 0 = 0xf1258f7940e1dde7 and lane 24 = 0xeaf1ff7b5ceca249, little-endian in memory.
        assertEq(uint256(block_[0]) >> 192, 0xe7dde140798f25f1);
        assertEq(uint256(block_[6]) >> 192, 0x49a2ec5c7bfff1ea);
        assertEq(uint256(block_[6]) & ((1 << 192) - 1), 0xabcdef);
        assertEq(block_[7], keccak256("the 56 bytes after the state"));
    }

    /// @notice keccak256 of any message shorter than the rate, as one padded block and one
    ///         permutation, equals the KECCAK256 opcode.
    function testFuzz_permuteBlock_spongeMatchesOpcode_succeeds(bytes memory _message)
        external
        pure
    {
        if (_message.length > 135) assembly { mstore(_message, 135) }
        bytes memory padded = new bytes(256);
        for (uint256 i = 0; i < _message.length; i++) {
            padded[i] = _message[i];
        }
        padded[_message.length] = bytes1(uint8(padded[_message.length]) ^ 0x01);
        padded[135] = bytes1(uint8(padded[135]) ^ 0x80);
        bytes32[8] memory block_;
        for (uint256 j = 0; j < 8; j++) {
            bytes32 word;
            assembly {
                word := mload(add(add(padded, 32), shl(5, j)))
            }
            block_[j] = word;
        }
        LibKeccak.permuteBlock(block_);
        assertEq(block_[0], keccak256(_message));
    }
}
