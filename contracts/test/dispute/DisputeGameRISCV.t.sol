// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { DisputeActors } from "test/dispute/DisputeActors.sol";
import { DisputeGame } from "src/dispute/DisputeGame.sol";
import { IDisputeGame } from "src/dispute/interfaces/IDisputeGame.sol";
import { IStepper } from "src/interfaces/IStepper.sol";
import { IPreimageOracle } from "src/interfaces/IPreimageOracle.sol";
import { RISCV } from "src/riscv/RISCV.sol";
import { LibPreimageKey } from "src/lib/LibPreimageKey.sol";
import { Claim, GameParams, GameStatus, GameType, Position } from "src/dispute/lib/Types.sol";
import { LibPosition } from "src/dispute/lib/LibPosition.sol";
import { ValidStep } from "src/dispute/Errors.sol";
import { PartNotFound } from "src/riscv/Errors.sol";

/// @title DisputeGame_RISCV_Test
/// @notice Whole games with the real verifier over the Rust VM's trace of `hello`
///         (../fixtures/dispute/hello.json: the honest state hash after every step, and step
///         witnesses at step 0, at the input read and at the last step): an honest challenger
///         bisects a dishonest proposer's trace down to the diverging step and wins by running
///         it on chain, loading the program input from the game's extra data when the step
///         reads it.
contract DisputeGame_RISCV_Test is DisputeActors {
    string internal constant FIXTURE = "../fixtures/dispute/hello.json";
    GameType internal constant RISCV_TYPE = GameType.wrap(8);

    address internal constant HONEST_ACTOR = address(0x1111);
    address internal constant LIAR = address(0x2222);

    string internal json;
    bytes32[] internal hashes;
    bytes internal input;
    uint256 internal readStep;
    RISCV internal riscv;
    /// @notice Whether the read step is first tried without the local data loaded.
    bool internal checkMissingPart;
    bool internal missingPartChecked;

    function setUp() public override {
        super.setUp();
        json = vm.readFile(FIXTURE);
        hashes = abi.decode(vm.parseJson(json, ".hashes"), (bytes32[]));
        input = vm.parseJsonBytes(json, ".input");
        readStep = vm.parseJsonUint(json, ".read_step");
        playDepth = vm.parseJsonUint(json, ".max_depth");
        assertEq(hashes.length, (1 << playDepth) + 1, "a hash per step");
        riscv = new RISCV(IPreimageOracle(address(oracle)));
        DisputeGame riscvImpl = new DisputeGame(
            GameParams({
                gameType: RISCV_TYPE,
                absolutePrestate: Claim.wrap(hashes[0]),
                maxGameDepth: playDepth,
                splitDepth: 0,
                maxClockDuration: MAX_CLOCK,
                clockExtension: EXTENSION,
                leafClockExtension: LEAF_EXTENSION,
                bondBase: BOND_BASE,
                bondGrowth: BOND_GROWTH,
                withdrawalDelay: WITHDRAWAL_DELAY,
                localEntries: 1
            }),
            IStepper(address(riscv)),
            factory
        );
        factory.setImplementation(RISCV_TYPE, IDisputeGame(address(riscvImpl)));
        playType = RISCV_TYPE;
    }

    /// @inheritdoc DisputeActors
    function _honestState(uint256 _n) internal view override returns (Claim) {
        return Claim.wrap(hashes[_n]);
    }

    /// @notice The JSON path of the witness of the step from the state after `_n` steps.
    function _witnessAt(uint256 _n) internal view returns (string memory path_) {
        for (uint256 i = 0;; i++) {
            path_ = string.concat(".witnesses[", vm.toString(i), "]");
            if (!vm.keyExistsJson(json, path_)) break;
            if (vm.parseJsonUint(json, string.concat(path_, ".step")) == _n) return path_;
        }
        fail(string.concat("no witness for step ", vm.toString(_n)));
    }

    /// @inheritdoc DisputeActors
    function _witness(uint256 _n)
        internal
        view
        override
        returns (bytes memory stateData_, bytes memory proof_)
    {
        string memory path = _witnessAt(_n);
        stateData_ = vm.parseJsonBytes(json, string.concat(path, ".state"));
        proof_ = vm.parseJsonBytes(json, string.concat(path, ".proof"));
        assertEq(
            keccak256(stateData_) << 8, hashes[_n] << 8, "the witness is the state after n steps"
        );
    }

    /// @notice Loads the local datum the step reads, if any, through the game; with
    ///         `checkMissingPart` it first shows that the step cannot run without it.
    function _beforeStep(uint256 _n, uint256 _claimIndex, bool _isAttack) internal override {
        string memory path = string.concat(_witnessAt(_n), ".preimage");
        if (!vm.keyExistsJson(json, string.concat(path, ".key"))) return;
        if (checkMissingPart) {
            (bytes memory stateData, bytes memory proof) = _witness(_n);
            vm.expectRevert(PartNotFound.selector);
            game.step(_claimIndex, _isAttack, stateData, proof);
            checkMissingPart = false;
            missingPartChecked = true;
        }
        bytes32 key = vm.parseJsonBytes32(json, string.concat(path, ".key"));
        uint256 offset = vm.parseJsonUint(json, string.concat(path, ".offset"));
        assertEq(uint256(LibPreimageKey.keyType(key)), 1, "a local key");
        uint256 ident = uint256(key) & ((1 << 248) - 1);
        bytes32 localized = game.addLocalData(ident, 0, offset);
        assertEq(
            localized, LibPreimageKey.localize(LibPreimageKey.localKey(ident), address(game), 0)
        );
    }

    /// @notice The game's extra data: the input as the one local-data entry.
    function _extraData() internal view returns (bytes memory) {
        return abi.encodePacked(uint8(input.length), bytes32(input));
    }

    /// @notice Plays a dishonest proposer diverging after `_divergence` steps against the
    ///         honest challenger and checks the challenger wins with one step from `_step`.
    function _playDivergence(uint256 _divergence, uint256 _step) internal {
        uint256 liar = _addActor(LIAR, _divergence);
        _addActor(HONEST_ACTOR, HONEST);
        _propose(liar, _extraData());
        assertEq(game.extraData(), _extraData());
        _playOut();
        assertEq(steps, 1, "one step");
        assertEq(lastStep, _step, "the diverging step");
        assertEq(uint256(_finish()), uint256(GameStatus.CHALLENGER_WINS));
        assertEq(game.credit(LIAR), 0);
        _checkPayouts(_accounts(address(0)));
    }

    /// @notice A trace wrong after the input read loses to the read step, which takes the
    ///         input from the oracle after `addLocalData` (and cannot run before it).
    function test_step_readStep_succeeds() external {
        checkMissingPart = true;
        _playDivergence(readStep, readStep);
        assertTrue(missingPartChecked, "the step read the input");
        bytes32 key = LibPreimageKey.localize(LibPreimageKey.localKey(1), address(game), 0);
        assertTrue(oracle.preimagePartOk(key, 0), "the input was loaded");
        (bytes32 dat, uint256 len) = oracle.readPreimage(key, 8);
        assertEq(len, input.length);
        assertEq(dat, bytes32(input));
    }

    /// @notice A trace wrong from the first step loses to a step from the absolute prestate.
    function test_step_firstStep_succeeds() external {
        _playDivergence(0, 0);
    }

    /// @notice A trace wrong only in its final state loses to the last step (a defence step
    ///         whose post-state is the root claim).
    function test_step_lastStep_succeeds() external {
        uint256 last = (1 << playDepth) - 1;
        _playDivergence(last, last);
    }

    /// @notice The honest witness of step 0 against an honest first leaf is a valid step.
    function test_step_honestLeaf_reverts() external {
        uint256 honest = _addActor(HONEST_ACTOR, HONEST);
        _propose(honest, _extraData());
        for (uint256 d = 1; d <= playDepth; d++) {
            Claim value = _value(honest, LibPosition.wrap(uint8(d), 0));
            _bondedMove(d % 2 == 1 ? LIAR : HONEST_ACTOR, d - 1, value, true);
        }
        assertEq(Claim.unwrap(game.claimData(playDepth).claim), hashes[1]);
        (bytes memory stateData, bytes memory proof) = _witness(0);
        vm.expectRevert(ValidStep.selector);
        game.step(playDepth, true, stateData, proof);
    }
}
