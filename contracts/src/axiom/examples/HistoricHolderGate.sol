// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { StorageAttestations } from "src/axiom/StorageAttestations.sol";
import { BalanceNotAttested, BalanceTooLow } from "src/axiom/Errors.sol";

/// @title HistoricHolderGate
/// @notice An example consumer of storage attestations: admits the accounts that held at
///         least `MIN_BALANCE` of a token at a past snapshot block — an airdrop or a vote
///         weighted by a historic balance, without trusting whoever reports it. The balance
///         is the token's `mapping(address => uint256)` at storage slot `BALANCES_SLOT`, so
///         the holder's entry sits at `keccak256(abi.encode(holder, BALANCES_SLOT))`; anyone
///         may attest it (`StorageAttestations.attestSlots`), and anyone may then admit the
///         holder.
contract HistoricHolderGate {
    /// @notice Where attestations are read.
    StorageAttestations public immutable ATTESTATIONS;
    /// @notice The token.
    address public immutable TOKEN;
    /// @notice The storage slot of the token's balances mapping.
    uint256 public immutable BALANCES_SLOT;
    /// @notice The block whose balances count.
    uint32 public immutable SNAPSHOT_BLOCK;
    /// @notice The least balance admitted.
    uint256 public immutable MIN_BALANCE;

    /// @notice The attested snapshot balance of each admitted holder.
    mapping(address => uint256) public admitted;

    /// @notice Emitted when `holder` is admitted with its snapshot `balance`.
    event Admitted(address indexed holder, uint256 balance);

    constructor(
        StorageAttestations _attestations,
        address _token,
        uint256 _balancesSlot,
        uint32 _snapshotBlock,
        uint256 _minBalance
    ) {
        ATTESTATIONS = _attestations;
        TOKEN = _token;
        BALANCES_SLOT = _balancesSlot;
        SNAPSHOT_BLOCK = _snapshotBlock;
        MIN_BALANCE = _minBalance;
    }

    /// @notice Admits `_holder` if its balance at the snapshot, `_balance`, is attested and
    ///         at least the minimum.
    function admit(address _holder, uint256 _balance) external {
        bytes32 slot = keccak256(abi.encode(_holder, BALANCES_SLOT));
        bytes32 key = ATTESTATIONS.slotAttestationKey(SNAPSHOT_BLOCK, TOKEN, slot, _balance);
        if (!ATTESTATIONS.slotAttestations(key)) revert BalanceNotAttested(_holder, _balance);
        if (_balance < MIN_BALANCE) revert BalanceTooLow(_balance, MIN_BALANCE);
        admitted[_holder] = _balance;
        emit Admitted(_holder, _balance);
    }
}
