// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title SnapshotToken
/// @notice The smallest token `HistoricHolderGate` can read: balances in a
///         `mapping(address => uint256)` at storage slot 0 (as in OpenZeppelin's and most
///         ERC-20s' layouts, where the holder's entry is `keccak256(abi.encode(holder, 0))`),
///         minted by its owner and moved with `transfer`. The end-to-end test on anvil
///         attests a holder's entry at a past block.
contract SnapshotToken {
    /// @notice Each holder's balance (slot 0).
    mapping(address => uint256) public balanceOf;
    /// @notice Who may mint.
    address public immutable OWNER;

    /// @notice Emitted when `amount` moves from `from` (zero: minted) to `to`.
    event Transfer(address indexed from, address indexed to, uint256 amount);

    /// @notice Thrown when someone but the owner mints.
    error NotOwner();

    /// @notice Thrown when a transfer exceeds the sender's balance.
    error InsufficientBalance(uint256 balance, uint256 amount);

    constructor() {
        OWNER = msg.sender;
    }

    /// @notice Mints `_amount` to `_to` (the owner only).
    function mint(address _to, uint256 _amount) external {
        if (msg.sender != OWNER) revert NotOwner();
        balanceOf[_to] += _amount;
        emit Transfer(address(0), _to, _amount);
    }

    /// @notice Moves `_amount` of the caller's balance to `_to`.
    function transfer(address _to, uint256 _amount) external returns (bool) {
        uint256 balance = balanceOf[msg.sender];
        if (balance < _amount) revert InsufficientBalance(balance, _amount);
        balanceOf[msg.sender] = balance - _amount;
        balanceOf[_to] += _amount;
        emit Transfer(msg.sender, _to, _amount);
        return true;
    }
}
