// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { IDisputeGame } from "src/dispute/interfaces/IDisputeGame.sol";
import { Outputs } from "src/rollup/Outputs.sol";
import { LibMerkleTrie } from "src/rollup/lib/LibMerkleTrie.sol";
import {
    EmptyDeposit,
    InvalidOutputRootProof,
    InvalidWithdrawalProof,
    NoSuchDeposit,
    PortalMismatch,
    WithdrawalAlreadyFinalized,
    WithdrawalFailed
} from "src/rollup/Errors.sol";

/// @title Portal
/// @notice The AI rollup's ETH bridge on L1 (docs/rollup.md): it holds the ETH deposited to
///         the L2 and pays it back to withdrawals.
///
///         **Deposits.** `deposit(to)` queues a credit of `msg.value` to `to` on the L2. The
///         deposits are chained into an accumulator, `keccak256(previous ‖ to ‖ value ‖
///         timestamp)` (92 bytes), and every batch the `BatchInbox` takes names how many of
///         them its blocks have credited and the accumulator there. Derivation credits them,
///         the same for the node and the fraud proof; a deposit is never a transaction the
///         sequencer could leave out: the inbox refuses a batch that leaves out a deposit older
///         than `DEPOSIT_BOUND`, and once one is, anyone may force it in
///         (`BatchInbox.forceInclude`).
///
///         **Withdrawals.** An L2 withdrawal is recorded by the `L2ToL1MessagePasser`
///         predeploy under `keccak256(abi.encode(nonce, sender, target, value))`.
///         `finalizeWithdrawal` pays it on a proof against a finalized output (one whose game
///         was won, so whose dispute window is over): the output root's preimage, and a
///         storage proof of `sentMessages[hash]` in the message passer's storage root. Each
///         withdrawal is paid once.
contract Portal {
    /// @notice One deposit as stored: one storage slot and a half.
    /// @param accumulator The deposit accumulator after it.
    /// @param timestamp The L1 time it was made at.
    struct Deposit {
        bytes32 accumulator;
        uint64 timestamp;
    }

    /// @notice A withdrawal, as the L2's message passer hashes it.
    struct Withdrawal {
        uint256 nonce;
        address sender;
        address target;
        uint256 value;
    }

    /// @notice The preimage of a version-0 output root.
    struct OutputRootProof {
        bytes32 stateRoot;
        bytes32 messagePasserStorageRoot;
        bytes32 blockHash;
    }

    /// @notice The semantic version.
    string public constant version = "1.0.0";

    /// @notice The registry of outputs withdrawals are proven against.
    Outputs public immutable OUTPUTS;

    /// @notice Seconds after which a deposit must be in a batch: the inbox refuses a batch that
    ///         leaves it out, and anyone may force it in.
    uint64 public immutable DEPOSIT_BOUND;

    /// @notice The deposits, in order.
    Deposit[] internal deposits;

    /// @notice Whether each withdrawal hash was paid.
    mapping(bytes32 => bool) public finalizedWithdrawals;

    /// @notice Emitted for each deposit.
    event Deposited(
        uint256 indexed index,
        address indexed from,
        address indexed to,
        uint256 value,
        uint64 timestamp,
        bytes32 accumulator
    );

    /// @notice Emitted when a withdrawal is paid.
    event WithdrawalFinalized(
        bytes32 indexed withdrawalHash, address indexed target, uint256 value, IDisputeGame game
    );

    /// @param _outputs The output registry; its inbox must take deposits from this portal.
    /// @param _depositBound Seconds within which a deposit must be batched.
    constructor(Outputs _outputs, uint64 _depositBound) {
        address portal = address(_outputs.inbox().PORTAL());
        if (portal != address(this)) revert PortalMismatch(portal, address(this));
        OUTPUTS = _outputs;
        DEPOSIT_BOUND = _depositBound;
    }

    /// @notice A plain transfer deposits to its sender.
    receive() external payable {
        deposit(msg.sender);
    }

    /// @notice Deposits `msg.value` to `_to` on the L2.
    function deposit(address _to) public payable {
        if (msg.value == 0) revert EmptyDeposit();
        uint256 index = deposits.length;
        bytes32 previous = index == 0 ? bytes32(0) : deposits[index - 1].accumulator;
        uint64 timestamp = uint64(block.timestamp);
        bytes32 accumulator = keccak256(abi.encodePacked(previous, _to, msg.value, timestamp));
        deposits.push(Deposit({ accumulator: accumulator, timestamp: timestamp }));
        emit Deposited(index, msg.sender, _to, msg.value, timestamp, accumulator);
    }

    /// @notice How many deposits were made.
    function depositCount() external view returns (uint256) {
        return deposits.length;
    }

    /// @notice The deposit accumulator after the first `_count` deposits (zero for none).
    function depositAccumulator(uint256 _count) external view returns (bytes32) {
        if (_count > deposits.length) revert NoSuchDeposit(_count);
        return _count == 0 ? bytes32(0) : deposits[_count - 1].accumulator;
    }

    /// @notice When deposit `_index` must be in a batch; zero if it was not made.
    function depositDeadline(uint256 _index) public view returns (uint64) {
        if (_index >= deposits.length) return 0;
        return deposits[_index].timestamp + DEPOSIT_BOUND;
    }

    /// @notice Whether deposit `_index` exists and is past its deadline.
    function overdue(uint256 _index) external view returns (bool) {
        uint64 deadline = depositDeadline(_index);
        return deadline != 0 && deadline <= block.timestamp;
    }

    /// @notice Pays withdrawal `_withdrawal` to its target, proven against the finalized
    ///         output of `_game`.
    /// @param _outputRootProof The output root's preimage.
    /// @param _withdrawalProof The storage proof of `sentMessages[hash]` (slot
    ///        `keccak256(hash ‖ 0)`) under `_outputRootProof.messagePasserStorageRoot`, as
    ///        `eth_getProof` gives it.
    function finalizeWithdrawal(
        Withdrawal calldata _withdrawal,
        IDisputeGame _game,
        OutputRootProof calldata _outputRootProof,
        bytes[] calldata _withdrawalProof
    )
        external
    {
        bytes32 withdrawalHash = keccak256(
            abi.encode(_withdrawal.nonce, _withdrawal.sender, _withdrawal.target, _withdrawal.value)
        );
        if (finalizedWithdrawals[withdrawalHash]) {
            revert WithdrawalAlreadyFinalized(withdrawalHash);
        }
        (bytes32 outputRoot,) = OUTPUTS.finalizedOutput(_game);
        bytes32 proven = keccak256(
            abi.encode(
                bytes32(0),
                _outputRootProof.stateRoot,
                _outputRootProof.messagePasserStorageRoot,
                _outputRootProof.blockHash
            )
        );
        if (proven != outputRoot) revert InvalidOutputRootProof(outputRoot, proven);
        bytes32 slot = keccak256(abi.encode(withdrawalHash, uint256(0)));
        bytes32 sent = LibMerkleTrie.getStorageSlot(
            slot, _withdrawalProof, _outputRootProof.messagePasserStorageRoot
        );
        if (sent != bytes32(uint256(1))) revert InvalidWithdrawalProof(withdrawalHash);

        finalizedWithdrawals[withdrawalHash] = true;
        (bool paid,) = _withdrawal.target.call{ value: _withdrawal.value }("");
        if (!paid) revert WithdrawalFailed(withdrawalHash);
        emit WithdrawalFinalized(withdrawalHash, _withdrawal.target, _withdrawal.value, _game);
    }
}
