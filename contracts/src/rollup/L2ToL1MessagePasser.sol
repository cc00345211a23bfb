// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title L2ToL1MessagePasser
/// @notice The L2 predeploy (at `0x4200…0016`, in the genesis state) where a withdrawal to L1
///         starts (docs/rollup.md). It records the withdrawal's hash in its storage; every
///         output root commits to this contract's storage root, so that L1's bridge pays a
///         withdrawal on a storage proof of its hash against a finalized output. The ETH sent
///         stays here: it is the L2 side of what the bridge holds on L1.
///
///         The hash is `keccak256(abi.encode(nonce, sender, target, value))`, the nonce counting
///         every withdrawal, so that two withdrawals never share one.
contract L2ToL1MessagePasser {
    /// @notice The semantic version.
    string public constant version = "1.0.0";

    /// @notice Whether each withdrawal hash was sent (storage slot 0: the L1 bridge proves
    ///         `sentMessages[hash]` at `keccak256(hash ‖ 0)`).
    mapping(bytes32 => bool) public sentMessages;

    /// @notice The number of withdrawals so far: the next one's nonce.
    uint256 public messageNonce;

    /// @notice Emitted for each withdrawal.
    event MessagePassed(
        uint256 indexed nonce,
        address indexed sender,
        address indexed target,
        uint256 value,
        bytes32 withdrawalHash
    );

    /// @notice A plain transfer withdraws to its sender.
    receive() external payable {
        initiateWithdrawal(msg.sender);
    }

    /// @notice Withdraws `msg.value` to `_target` on L1.
    /// @param _target Who the bridge pays on L1.
    function initiateWithdrawal(address _target) public payable {
        uint256 nonce = messageNonce;
        bytes32 withdrawalHash = hashWithdrawal(nonce, msg.sender, _target, msg.value);
        sentMessages[withdrawalHash] = true;
        messageNonce = nonce + 1;
        emit MessagePassed(nonce, msg.sender, _target, msg.value, withdrawalHash);
    }

    /// @notice The hash a withdrawal is recorded and proven under.
    function hashWithdrawal(
        uint256 _nonce,
        address _sender,
        address _target,
        uint256 _value
    )
        public
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(_nonce, _sender, _target, _value));
    }
}
