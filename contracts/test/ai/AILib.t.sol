// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { Test } from "test/lib/Test.sol";
import { InferenceReplay, ShortInference, SilentFailure } from "test/ai/InferenceReplay.sol";
import { AILib } from "src/ai/AILib.sol";
import { AIContract } from "src/ai/examples/AIContract.sol";
import { DigitBounty } from "src/ai/examples/DigitBounty.sol";

/// @notice `AILib.argmaxInt8` as a contract, for the tests.
contract ArgmaxHarness {
    function argmax(bytes memory _logits) external pure returns (uint256) {
        return AILib.argmaxInt8(_logits);
    }
}

/// @title AILib_Test
/// @notice `AILib`, the paper's `AIContract` and the `DigitBounty` example against the
///         precompile's stand-in (`InferenceReplay` at `0xa1`) replaying Axon's ML engine on
///         the digits model: the first 40 test samples of `fixtures/models/digits-test.json`,
///         under the model's address from `fixtures/models/addresses.json`.
contract AILib_Test is Test {
    event Inference(bytes32 model_address, bytes input_data, uint256 output_size, bytes output);

    address internal constant PRECOMPILE = address(0xa1);
    uint256 internal constant SAMPLES = 40;

    string internal samples;
    bytes32 internal digits;
    AIContract internal ai;

    function setUp() public {
        samples = vm.readFile("../fixtures/models/digits-test.json");
        digits = vm.parseJsonBytes32(
            vm.readFile("../fixtures/models/addresses.json"), ".['digits.axml']"
        );
        vm.etch(PRECOMPILE, address(new InferenceReplay()).code);
        InferenceReplay replay = InferenceReplay(payable(PRECOMPILE));
        replay.register(digits, 10);
        for (uint256 i = 0; i < SAMPLES; i++) {
            replay.record(digits, _input(i), _logits(i));
        }
        ai = new AIContract();
    }

    function _int8s(string memory _key) internal view returns (bytes memory out_) {
        int256[] memory values = abi.decode(vm.parseJson(samples, _key), (int256[]));
        out_ = new bytes(values.length);
        for (uint256 i = 0; i < values.length; i++) {
            out_[i] = bytes1(uint8(int8(values[i])));
        }
    }

    function _input(uint256 _i) internal view returns (bytes memory) {
        return _int8s(string.concat(".samples[", vm.toString(_i), "].input"));
    }

    function _logits(uint256 _i) internal view returns (bytes memory) {
        return _int8s(string.concat(".samples[", vm.toString(_i), "].logits"));
    }

    function _label(uint256 _i) internal view returns (uint256) {
        return vm.parseJsonUint(samples, string.concat(".samples[", vm.toString(_i), "].label"));
    }

    function test_inference_returnsTheEngineOutput_succeeds() external {
        for (uint256 i = 0; i < 5; i++) {
            vm.expectEmit(true, true, true, true, address(ai));
            emit Inference(digits, _input(i), 10, _logits(i));
            ai.inference(digits, _input(i), 10);
        }
    }

    function test_inference_failedInference_revertsWithTheReason() external {
        bytes memory input = _input(0);
        vm.expectRevert(
            abi.encodeWithSelector(AILib.InferenceFailed.selector, "output size mismatch")
        );
        ai.inference(digits, input, 11);
        vm.expectRevert(abi.encodeWithSelector(AILib.InferenceFailed.selector, "unknown model"));
        ai.inference(bytes32(uint256(digits) ^ 1), input, 10);
    }

    function test_inference_noPrecompile_reverts() external {
        vm.etch(PRECOMPILE, "");
        bytes memory input = _input(0);
        vm.expectRevert(AILib.InferenceUnavailable.selector);
        ai.inference(digits, input, 10);
    }

    function test_inference_answerOfAnotherLength_reverts() external {
        vm.etch(PRECOMPILE, address(new ShortInference()).code);
        bytes memory input = _input(0);
        vm.expectRevert(abi.encodeWithSelector(AILib.InferenceOutputMismatch.selector, 10, 5));
        ai.inference(digits, input, 10);
    }

    function test_inference_silentFailure_reverts() external {
        vm.etch(PRECOMPILE, address(new SilentFailure()).code);
        bytes memory input = _input(0);
        vm.expectRevert(AILib.InferenceOutOfGas.selector);
        ai.inference(digits, input, 10);
    }

    function test_argmaxInt8_noLogits_reverts() external {
        ArgmaxHarness harness = new ArgmaxHarness();
        vm.expectRevert(AILib.NoLogits.selector);
        harness.argmax("");
    }

    function test_argmaxInt8_firstLargest_succeeds() external {
        ArgmaxHarness harness = new ArgmaxHarness();
        assertEq(harness.argmax(hex"80"), 0);
        assertEq(harness.argmax(hex"80ff7f7f00"), 2, "the first of two 127s");
        assertEq(harness.argmax(hex"fffe80"), 0, "all negative");
        assertEq(harness.argmax(_logits(0)), _label(0));
    }

    /// @notice The bounty pays for an image the model reads as its digit, once per image and
    ///         per account, and refuses the others.
    function test_digitBounty_paysForTheDigit_succeeds() external {
        ArgmaxHarness harness = new ArgmaxHarness();
        DigitBounty bounty = new DigitBounty{ value: 1 ether }(digits, 7, 0.1 ether);
        uint256 paidFor;
        address first;
        for (uint256 i = 0; i < SAMPLES; i++) {
            uint256 classified = harness.argmax(_logits(i));
            address solver = address(uint160(0x5000 + i));
            bytes memory image = _input(i);
            if (classified != 7) {
                vm.prank(solver);
                vm.expectRevert(
                    abi.encodeWithSelector(DigitBounty.NotTheDigit.selector, classified, 7)
                );
                bounty.claim(image);
                continue;
            }
            if (first != address(0)) {
                // The first paid solver comes back with a new image: paid already.
                vm.prank(first);
                vm.expectRevert(abi.encodeWithSelector(DigitBounty.AlreadyPaid.selector, first));
                bounty.claim(image);
            }
            vm.prank(solver);
            bounty.claim(image);
            assertEq(solver.balance, 0.1 ether);
            paidFor++;
            if (first == address(0)) first = solver;
            vm.prank(address(0x6000));
            vm.expectRevert(
                abi.encodeWithSelector(DigitBounty.ImageAlreadyClaimed.selector, keccak256(image))
            );
            bounty.claim(image);
        }
        assertTrue(paidFor > 1, "some test images are 7s");
        assertEq(address(bounty).balance, 1 ether - paidFor * 0.1 ether);
    }
}
