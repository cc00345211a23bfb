// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { RollupTestBase } from "test/rollup/RollupTestBase.sol";
import { VmJsonArrays } from "test/rollup/LibMerkleTrie.t.sol";
import { IDisputeGame } from "src/dispute/interfaces/IDisputeGame.sol";
import { Portal } from "src/rollup/Portal.sol";
import {
    EmptyDeposit,
    InvalidOutputRootProof,
    InvalidWithdrawalProof,
    NoSuchDeposit,
    OutputNotFinalized,
    PortalMismatch,
    ProposalDiscarded,
    UnknownProposal,
    WithdrawalAlreadyFinalized
} from "src/rollup/Errors.sol";

/// @notice `Portal`: deposits chain into the accumulator the inbox binds into batches;
///         withdrawals are paid once, on a storage proof against a finalized output only. The
///         proofs are `fixtures/rollup/trie-proofs.json`'s "withdrawals" trie: the message
///         passer's storage after three withdrawals, built by a generator independent of the
///         Solidity verifier.
contract Portal_Test is RollupTestBase {
    string internal constant FIXTURE = "../fixtures/rollup/trie-proofs.json";
    address internal constant USER = address(0xD0D0);
    bytes32 internal constant STATE_ROOT = keccak256("state root");
    bytes32 internal constant BLOCK_HASH = keccak256("block hash");

    string internal json;
    string internal trie;
    bytes32 internal storageRoot;

    function setUp() public override {
        super.setUp();
        vm.deal(USER, 100 ether);
        json = vm.readFile(FIXTURE);
        for (uint256 t = 0;; t++) {
            trie = string.concat(".tries[", vm.toString(t), "]");
            string memory name = vm.parseJsonString(json, string.concat(trie, ".name"));
            if (keccak256(bytes(name)) == keccak256("withdrawals")) break;
        }
        storageRoot = vm.parseJsonBytes32(json, string.concat(trie, ".root"));
    }

    ////////////////////////////////////////////////////////////////
    //                          Deposits                          //
    ////////////////////////////////////////////////////////////////

    function test_deposit_chainsTheAccumulator_succeeds() public {
        bytes32 first = keccak256(
            abi.encodePacked(bytes32(0), address(0xABC), uint256(1 ether), uint64(block.timestamp))
        );
        vm.expectEmit(true, true, true, true, address(portal));
        emit Portal.Deposited(0, USER, address(0xABC), 1 ether, uint64(block.timestamp), first);
        vm.prank(USER);
        portal.deposit{ value: 1 ether }(address(0xABC));

        vm.warp(block.timestamp + 12);
        vm.prank(USER);
        (bool sent,) = address(portal).call{ value: 2 }("");
        assertTrue(sent);
        bytes32 second =
            keccak256(abi.encodePacked(first, USER, uint256(2), uint64(block.timestamp)));
        assertEq(portal.depositCount(), 2);
        assertEq(portal.depositAccumulator(0), bytes32(0));
        assertEq(portal.depositAccumulator(1), first);
        assertEq(portal.depositAccumulator(2), second);
        assertEq(uint256(portal.depositDeadline(1)), block.timestamp + DEPOSIT_BOUND);
        assertEq(uint256(portal.depositDeadline(2)), 0);
        assertEq(address(portal).balance, 1 ether + 2);
        vm.expectRevert(abi.encodeWithSelector(NoSuchDeposit.selector, uint256(3)));
        portal.depositAccumulator(3);
    }

    function test_deposit_nothing_reverts() public {
        vm.expectRevert(EmptyDeposit.selector);
        portal.deposit(USER);
    }

    function test_constructor_inboxOfAnotherPortal_reverts() public {
        address next = vm.computeCreateAddress(address(this), vm.getNonce(address(this)));
        vm.expectRevert(abi.encodeWithSelector(PortalMismatch.selector, address(portal), next));
        new Portal(outputs, DEPOSIT_BOUND);
    }

    ////////////////////////////////////////////////////////////////
    //                        Withdrawals                         //
    ////////////////////////////////////////////////////////////////

    function _withdrawal(uint256 _i) internal view returns (Portal.Withdrawal memory w_) {
        string memory key = string.concat(trie, ".withdrawals[", vm.toString(_i), "]");
        w_.nonce = vm.parseJsonUint(json, string.concat(key, ".nonce"));
        w_.sender = vm.parseJsonAddress(json, string.concat(key, ".sender"));
        w_.target = vm.parseJsonAddress(json, string.concat(key, ".target"));
        w_.value = vm.parseJsonUint(json, string.concat(key, ".value"));
    }

    /// @notice Case `_i`'s proof: cases 0 to 2 are the withdrawals, 3 one never sent.
    function _proof(uint256 _i) internal view returns (bytes[] memory) {
        string memory key = string.concat(trie, ".cases[", vm.toString(_i), "].proof");
        return VmJsonArrays(address(vm)).parseJsonBytesArray(json, key);
    }

    function _outputProof() internal view returns (Portal.OutputRootProof memory) {
        return Portal.OutputRootProof({
            stateRoot: STATE_ROOT, messagePasserStorageRoot: storageRoot, blockHash: BLOCK_HASH
        });
    }

    function _outputRoot() internal view returns (bytes32) {
        return keccak256(abi.encode(bytes32(0), STATE_ROOT, storageRoot, BLOCK_HASH));
    }

    /// @notice A finalized proposal of the fixture's output, and a portal holding the ETH.
    function _finalized() internal returns (IDisputeGame game_) {
        _post(1, 10);
        game_ = _propose(_outputRoot(), 6);
        _win(game_);
        outputs.finalize(game_);
        vm.prank(USER);
        portal.deposit{ value: 10 ether }(USER);
    }

    function test_finalizeWithdrawal_paysOnce_succeeds() public {
        IDisputeGame game = _finalized();
        Portal.Withdrawal memory w = _withdrawal(1);
        bytes32 hash = keccak256(abi.encode(w.nonce, w.sender, w.target, w.value));
        vm.expectEmit(true, true, true, true, address(portal));
        emit Portal.WithdrawalFinalized(hash, w.target, w.value, game);
        portal.finalizeWithdrawal(w, game, _outputProof(), _proof(1));
        assertEq(w.target.balance, w.value);
        assertTrue(portal.finalizedWithdrawals(hash));

        // Replaying it, by anyone, pays nothing.
        vm.expectRevert(abi.encodeWithSelector(WithdrawalAlreadyFinalized.selector, hash));
        vm.prank(w.sender);
        portal.finalizeWithdrawal(w, game, _outputProof(), _proof(1));
        // Another withdrawal of the same output is paid.
        Portal.Withdrawal memory other = _withdrawal(2);
        portal.finalizeWithdrawal(other, game, _outputProof(), _proof(2));
        assertEq(other.target.balance, other.value);
    }

    function test_finalizeWithdrawal_notSent_reverts() public {
        IDisputeGame game = _finalized();
        // Nonce 3 was never sent: the proof shows its slot empty.
        Portal.Withdrawal memory w = _withdrawal(2);
        w.nonce = 3;
        w.value = 1;
        bytes32 hash = keccak256(abi.encode(w.nonce, w.sender, w.target, w.value));
        vm.expectRevert(abi.encodeWithSelector(InvalidWithdrawalProof.selector, hash));
        portal.finalizeWithdrawal(w, game, _outputProof(), _proof(3));
    }

    function test_finalizeWithdrawal_wrongOutputPreimage_reverts() public {
        IDisputeGame game = _finalized();
        Portal.OutputRootProof memory forged = _outputProof();
        forged.stateRoot = keccak256("another state");
        bytes32 proven =
            keccak256(abi.encode(bytes32(0), forged.stateRoot, storageRoot, BLOCK_HASH));
        vm.expectRevert(
            abi.encodeWithSelector(InvalidOutputRootProof.selector, _outputRoot(), proven)
        );
        portal.finalizeWithdrawal(_withdrawal(0), game, forged, _proof(0));
    }

    function test_finalizeWithdrawal_outputNotFinal_reverts() public {
        _post(1, 10);
        IDisputeGame pending = _propose(_outputRoot(), 6);
        Portal.Withdrawal memory w = _withdrawal(0);
        vm.expectRevert(abi.encodeWithSelector(OutputNotFinalized.selector, address(pending)));
        portal.finalizeWithdrawal(w, pending, _outputProof(), _proof(0));

        // Resolved but not settled by `Outputs.finalize` yet: still not final.
        _win(pending);
        vm.expectRevert(abi.encodeWithSelector(OutputNotFinalized.selector, address(pending)));
        portal.finalizeWithdrawal(w, pending, _outputProof(), _proof(0));

        IDisputeGame discarded = _propose(_outputRoot(), 7);
        _lose(discarded);
        outputs.finalize(discarded);
        vm.expectRevert(abi.encodeWithSelector(ProposalDiscarded.selector, address(discarded)));
        portal.finalizeWithdrawal(w, discarded, _outputProof(), _proof(0));

        vm.expectRevert(abi.encodeWithSelector(UnknownProposal.selector, address(this)));
        portal.finalizeWithdrawal(w, IDisputeGame(address(this)), _outputProof(), _proof(0));
    }
}
