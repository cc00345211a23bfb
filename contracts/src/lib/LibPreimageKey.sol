// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title LibPreimageKey
/// @notice Preimage key helpers shared by the stepper and the oracle (docs/spec.md, "Preimage
///         keys"). A key's first byte is its type: 1 local, 2 keccak-256, 0x81 Merkle-chunked
///         blob.
///
///         Local keys are per game, so on-chain they are *localized* before the oracle is asked,
///         as Optimism does: the VM's key `0x01 ‖ index` becomes
///
///             0x01 ‖ keccak256(key ‖ caller ‖ localContext)[1..32]
///
///         where `key` is the 32-byte local key (type byte included), `caller` the address (left
///         padded to 32 bytes) that loads the data into the oracle and that calls `step` — the
///         dispute game — and `localContext` the game's 32-byte context for the claim being
///         stepped. Binding the caller keeps anyone but the game from loading local data under
///         the game's keys.
library LibPreimageKey {
    /// @notice The type byte of `_key`.
    function keyType(bytes32 _key) internal pure returns (uint8) {
        return uint8(uint256(_key) >> 248);
    }

    /// @notice `_hash` with its first byte replaced by `_type`.
    function typed(bytes32 _hash, uint8 _type) internal pure returns (bytes32 key_) {
        assembly {
            key_ := or(shr(8, shl(8, _hash)), shl(248, _type))
        }
    }

    /// @notice The localized form of local key `_key` for `_caller` and `_localContext`.
    function localize(
        bytes32 _key,
        address _caller,
        bytes32 _localContext
    )
        internal
        pure
        returns (bytes32 localized_)
    {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, _key)
            mstore(add(ptr, 0x20), and(_caller, 0xffffffffffffffffffffffffffffffffffffffff))
            mstore(add(ptr, 0x40), _localContext)
            localized_ := or(shr(8, shl(8, keccak256(ptr, 0x60))), shl(248, 1))
        }
    }

    /// @notice The local key `0x01 ‖ 31-byte index` for local index `_index`.
    function localKey(uint256 _index) internal pure returns (bytes32) {
        return typed(bytes32(_index), 1);
    }
}
