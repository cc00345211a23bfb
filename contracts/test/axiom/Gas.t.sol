// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { AxiomTestBase } from "test/axiom/AxiomTestBase.sol";
import { Vm } from "test/lib/Test.sol";
import { IDisputeGame } from "src/dispute/interfaces/IDisputeGame.sol";
import { OutputProof } from "src/dispute/lib/LibGameOutput.sol";
import { Claim } from "src/dispute/lib/Types.sol";
import { BlockHashCache } from "src/axiom/BlockHashCache.sol";
import { IBlockHashCache } from "src/axiom/interfaces/IBlockHashCache.sol";
import { StorageAttestations } from "src/axiom/StorageAttestations.sol";

/// @title Axiom_Gas_Test
/// @notice Gas of the Optimistic Axiom paths as a transaction pays it (metered execution plus
///         the intrinsic and calldata cost), on the fixture's real runs: a claim (the game's
///         creation with its bond), applying a won claim (the state, the output proof, the
///         output), and `isBlockHashValid`. A test runs in one transaction, so before the
///         measured call every contract it touches is cooled (`vm.cool`): it finds their
///         accounts and slots cold, as a transaction of its own would.
contract Axiom_Gas_Test is AxiomTestBase {
    /// @notice Meters the call `_call` to `_target` with `_value` from the proposer and logs
    ///         its transaction gas.
    function _measure(
        string memory _name,
        address _target,
        uint256 _value,
        bytes memory _call
    )
        internal
        returns (bytes memory out_)
    {
        // Every game and both implementations are called through; the factory is read last
        // here, so it is cooled after.
        for (uint256 i = 0; i < factory.gameCount(); i++) {
            (,, IDisputeGame game) = factory.gameAtIndex(i);
            vm.cool(address(game));
        }
        vm.cool(address(factory.gameImpls(HEADER_TYPE)));
        vm.cool(address(factory.gameImpls(STORAGE_TYPE)));
        vm.cool(address(cache));
        vm.cool(address(attestations));
        vm.cool(address(factory));
        vm.cool(_target);
        vm.prank(PROPOSER);
        vm.resumeGasMetering();
        (bool ok, bytes memory out) = _target.call{ value: _value }(_call);
        vm.pauseGasMetering();
        assertTrue(ok, _name);
        Vm.Gas memory g = vm.lastCallGas();
        emit log(_name);
        emit log_named_uint("  calldata bytes", _call.length);
        emit log_named_uint("  execution gas", g.gasTotalUsed);
        emit log_named_uint("  tx gas", txGas(_call, g.gasTotalUsed));
        out_ = out;
    }

    function _claimRecentCall() internal view returns (bytes memory) {
        return abi.encodeCall(
            BlockHashCache.claimRecent, (1500, Claim.wrap(_bytes32(".recent.run.stateHash")))
        );
    }

    function test_claimRecent_gas_succeeds() external {
        vm.pauseGasMetering();
        _measure("claimRecent", address(cache), _bond(), _claimRecentCall());
    }

    function test_updateRecent_gas_succeeds() external {
        vm.pauseGasMetering();
        vm.prank(PROPOSER);
        (bool ok, bytes memory out) = address(cache).call{ value: _bond() }(_claimRecentCall());
        assertTrue(ok);
        IDisputeGame game = abi.decode(out, (IDisputeGame));
        _win(game);
        OutputProof memory proof = _outputProof(game, ".recent.run");
        bytes memory call =
            abi.encodeCall(BlockHashCache.updateRecent, (proof, _update(".recent.run")));
        _measure("updateRecent", address(cache), 0, call);
    }

    function test_isBlockHashValid_gas_succeeds() external {
        vm.pauseGasMetering();
        _cacheRecentGroup();
        IBlockHashCache.BlockHashWitness memory w = _witness(".witnesses[0]");
        bytes memory call = abi.encodeCall(IBlockHashCache.isBlockHashValid, (w));
        bytes memory out = _measure("isBlockHashValid", address(cache), 0, call);
        assertTrue(abi.decode(out, (bool)));
    }

    function _attestCall() internal view returns (bytes memory) {
        return abi.encodeCall(
            StorageAttestations.attestSlots,
            (
                _witness(".storage.witness"),
                Claim.wrap(_bytes32(".storage.stateHash")),
                _bytes(".storage.storageClaim")
            )
        );
    }

    function test_attestSlots_gas_succeeds() external {
        vm.pauseGasMetering();
        _cacheRecentGroup();
        _measure("attestSlots (2 slots)", address(attestations), _bond(), _attestCall());
    }

    function test_finalizeAttestation_gas_succeeds() external {
        vm.pauseGasMetering();
        _cacheRecentGroup();
        vm.prank(PROPOSER);
        (bool ok, bytes memory out) = address(attestations).call{ value: _bond() }(_attestCall());
        assertTrue(ok);
        IDisputeGame game = abi.decode(out, (IDisputeGame));
        _win(game);
        StorageAttestations.StorageAttestation memory attestation =
            abi.decode(_bytes(".storage.output"), (StorageAttestations.StorageAttestation));
        bytes memory call = abi.encodeCall(
            StorageAttestations.finalizeAttestation, (_outputProof(game, ".storage"), attestation)
        );
        _measure("finalizeAttestation (2 slots)", address(attestations), 0, call);
    }
}
