// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { DisputeGameTestBase } from "test/dispute/DisputeGameTestBase.sol";
import { AlphabetVM } from "test/mocks/AlphabetVM.sol";
import { Vm } from "test/lib/Test.sol";
import { DisputeGame } from "src/dispute/DisputeGame.sol";
import { IDisputeGame } from "src/dispute/interfaces/IDisputeGame.sol";
import { IPreimageOracle } from "src/interfaces/IPreimageOracle.sol";
import { IStepper } from "src/interfaces/IStepper.sol";
import { LibPreimageKey } from "src/lib/LibPreimageKey.sol";
import {
    Claim,
    ClaimData,
    Duration,
    GameParams,
    GameStatus,
    Position
} from "src/dispute/lib/Types.sol";
import { LibPosition } from "src/dispute/lib/LibPosition.sol";
import "src/dispute/Errors.sol";

/// @title ContextCheckingVM
/// @notice The alphabet trace, refusing any step whose local context is not the one the test
///         expects: shows which context a game hands its verifier.
contract ContextCheckingVM is AlphabetVM {
    bytes32 public expectedContext;

    constructor(uint256 _haltStep, IPreimageOracle _oracle) AlphabetVM(_haltStep, _oracle) { }

    function expectContext(bytes32 _context) external {
        expectedContext = _context;
    }

    function step(
        bytes calldata _stateData,
        bytes calldata _proof,
        bytes32 _localContext
    )
        public
        view
        override
        returns (bytes32)
    {
        require(_localContext == expectedContext, "wrong local context");
        return super.step(_stateData, _proof, _localContext);
    }
}

/// @title DisputeGame_Split_Test
/// @notice A split game: 2^4 units above the split, executions of 2^3 steps below (the
///         alphabet trace halting after 5 steps, so an execution ends valid). Claim values
///         above the split are arbitrary unit commitments; the paths are written out by
///         position, the proposer at even depths and the challenger at odd ones.
contract DisputeGame_Split_Test is DisputeGameTestBase {
    uint256 internal constant SPLIT = 4;
    uint256 internal constant EXEC_HALT = 5;
    bytes32 internal constant INPUT = bytes32(bytes4("axon"));

    ContextCheckingVM internal execVm;

    function setUp() public override {
        super.setUp();
        execVm = new ContextCheckingVM(EXEC_HALT, oracle);
        splitDepth = SPLIT;
        localEntries = 1;
        impl = _newImpl(IStepper(address(execVm)), MAX_DEPTH);
        factory.setImplementation(GAME_TYPE, IDisputeGame(address(impl)));
        _create(_unit(16), abi.encodePacked(uint8(4), INPUT));
    }

    /// @notice A unit commitment (any word: a split game's root carries no status).
    function _unit(uint256 _n) internal pure returns (Claim) {
        return Claim.wrap(keccak256(abi.encode("unit", _n)));
    }

    /// @notice `_unit` with a status byte, for an execution subgame's root.
    function _withStatus(uint8 _status, uint256 _n) internal pure returns (Claim) {
        return
            Claim.wrap(bytes32((uint256(_status) << 248) | (uint256(Claim.unwrap(_unit(_n))) >> 8)));
    }

    /// @notice The alphabet state hash after `_n` steps, as the execution's claims.
    function _exec(uint256 _n) internal view returns (Claim) {
        return Claim.wrap(execVm.stateAt(_n));
    }

    /// @notice Who moves to `_depth`: the challenger at odd depths, the proposer at even.
    function _mover(uint256 _depth) internal pure returns (address) {
        return _depth % 2 == 1 ? CHALLENGER : PROPOSER;
    }

    /// @notice Root, then attacks down to the split: positions 2, 4, 8 and 16 (claims 1-4;
    ///         claim 4 commits to unit 0).
    function _attackToSplit() internal {
        for (uint256 d = 1; d <= SPLIT; d++) {
            _move(_mover(d), d - 1, _unit(100 + d), true);
        }
    }

    /// @notice A root claim with any status byte is accepted: it is a unit commitment.
    function test_initialize_anyRootWord_succeeds() external view {
        assertEq(Claim.unwrap(game.rootClaim()), Claim.unwrap(_unit(16)));
        assertEq(game.splitDepth(), SPLIT);
    }

    /// @notice A split depth that leaves no execution level is rejected; the deepest split
    ///         and no split are accepted. A clock past 24 bits is rejected.
    function test_constructor_invalidSplitDepth_reverts() external {
        GameParams memory params = GameParams({
            gameType: GAME_TYPE,
            absolutePrestate: Claim.wrap(0),
            maxGameDepth: MAX_DEPTH,
            splitDepth: MAX_DEPTH - 1,
            maxClockDuration: MAX_CLOCK,
            clockExtension: EXTENSION,
            leafClockExtension: LEAF_EXTENSION,
            bondBase: BOND_BASE,
            bondGrowth: BOND_GROWTH,
            withdrawalDelay: WITHDRAWAL_DELAY,
            localEntries: 1
        });
        IStepper stepper = IStepper(address(execVm));
        vm.expectRevert(abi.encodeWithSelector(InvalidSplitDepth.selector, MAX_DEPTH - 1));
        new DisputeGame(params, stepper, factory);
        params.splitDepth = MAX_DEPTH - 2;
        assertEq(new DisputeGame(params, stepper, factory).splitDepth(), MAX_DEPTH - 2);
        params.splitDepth = 0;
        assertEq(new DisputeGame(params, stepper, factory).splitDepth(), 0);

        // The issue's figures: 2^20 units above the split, 2^40 steps below.
        params.maxGameDepth = 61;
        params.splitDepth = 20;
        params.maxClockDuration = Duration.wrap(1 << 24);
        vm.expectRevert(InvalidClockDuration.selector);
        new DisputeGame(params, stepper, factory);
        params.maxClockDuration = Duration.wrap((1 << 24) - 1);
        DisputeGame deep = new DisputeGame(params, stepper, factory);
        assertEq(deep.maxGameDepth(), 61);
    }

    /// @notice An attack on a split claim disputes that claim, the other side's: its execution
    ///         root must say the unit's run fails (invalid or panic), never valid or
    ///         unfinished. The first unit starts from the zero commitment.
    function test_move_attackAtSplit_needsFailedExecution() external {
        _attackToSplit();
        for (uint8 status = 0; status < 4; status += 3) {
            ClaimData memory parent = game.claimData(4);
            uint256 bond = game.getRequiredBond(parent.position.move(true));
            vm.deal(CHALLENGER, 10 ether);
            vm.prank(CHALLENGER);
            vm.expectRevert(abi.encodeWithSelector(UnexpectedExecutionRoot.selector, status));
            game.move{ value: bond }(parent.claim, 4, _withStatus(status, 1), true);
        }
        _move(CHALLENGER, 4, _withStatus(1, 1), true);
        _move(CHALLENGER, 4, _withStatus(2, 2), true);
        (Claim starting, Position startingPos, Claim disputed, Position disputedPos) =
            game.unitsAtSplit(5);
        assertEq(Claim.unwrap(starting), bytes32(0), "no commitment before unit 0");
        assertEq(Position.unwrap(startingPos), 0);
        assertEq(Claim.unwrap(disputed), Claim.unwrap(_unit(104)));
        assertEq(Position.unwrap(disputedPos), 16);
    }

    /// @notice A defence of a split claim disputes the claim committing to the next unit: a
    ///         claim of the mover's own side must be shown valid, one of the other side's
    ///         failed. The agreed commitment is the defended claim.
    function test_move_defendAtSplit_statusFollowsDisputedSide() external {
        _attackToSplit();
        // Defending position 16 disputes position 17's trace index: claim 3 at position 8
        // (depth 3), the challenger's own.
        ClaimData memory parent = game.claimData(4);
        uint256 bond = game.getRequiredBond(parent.position.move(false));
        vm.deal(CHALLENGER, 10 ether);
        vm.prank(CHALLENGER);
        vm.expectRevert(abi.encodeWithSelector(UnexpectedExecutionRoot.selector, 1));
        game.move{ value: bond }(parent.claim, 4, _withStatus(1, 1), false);
        _move(CHALLENGER, 4, _exec(8), false);
        (Claim starting, Position startingPos, Claim disputed, Position disputedPos) =
            game.unitsAtSplit(5);
        assertEq(Claim.unwrap(starting), Claim.unwrap(_unit(104)));
        assertEq(Position.unwrap(startingPos), 16);
        assertEq(Claim.unwrap(disputed), Claim.unwrap(_unit(103)));
        assertEq(Position.unwrap(disputedPos), 8);

        // Position 18 (a defence of position 8, the proposer's): defending it disputes
        // position 19's trace index, claim 2 at position 4, the proposer's: a failed run.
        _move(PROPOSER, 3, _unit(200), false);
        assertEq(Position.unwrap(game.claimData(6).position), 18);
        Claim valid = _exec(8);
        vm.prank(CHALLENGER);
        vm.expectRevert(abi.encodeWithSelector(UnexpectedExecutionRoot.selector, 0));
        game.move{ value: bond }(_unit(200), 6, valid, false);
        _move(CHALLENGER, 6, _withStatus(2, 9), false);
        (starting, startingPos, disputed, disputedPos) = game.unitsAtSplit(7);
        assertEq(Claim.unwrap(starting), Claim.unwrap(_unit(200)));
        assertEq(Position.unwrap(startingPos), 18);
        assertEq(Claim.unwrap(disputed), Claim.unwrap(_unit(102)));
        assertEq(Position.unwrap(disputedPos), 4);

        // An attack on position 18 disputes unit 2, from the commitment to unit 1: claim 3.
        _move(CHALLENGER, 6, _withStatus(1, 10), true);
        (starting, startingPos, disputed, disputedPos) = game.unitsAtSplit(8);
        assertEq(Claim.unwrap(starting), Claim.unwrap(_unit(103)));
        assertEq(Position.unwrap(startingPos), 8);
        assertEq(Claim.unwrap(disputed), Claim.unwrap(_unit(200)));
        assertEq(Position.unwrap(disputedPos), 18);
    }

    /// @notice Claims at or above the split have no subgame; an execution root cannot be
    ///         defended (its interval would end past the execution).
    function test_split_boundaries_revert() external {
        _attackToSplit();
        vm.expectRevert(abi.encodeWithSelector(ClaimAboveSplit.selector, 4));
        game.unitsAtSplit(4);
        vm.expectRevert(abi.encodeWithSelector(ClaimAboveSplit.selector, 0));
        game.localContext(0);
        _move(CHALLENGER, 4, _withStatus(1, 1), true);
        ClaimData memory parent = game.claimData(5);
        uint256 bond = game.getRequiredBond(parent.position.move(false));
        vm.deal(PROPOSER, 10 ether);
        Claim claim = _exec(3);
        vm.prank(PROPOSER);
        vm.expectRevert(CannotDefendRootClaim.selector);
        game.move{ value: bond }(parent.claim, 5, claim, false);
        _move(PROPOSER, 5, _exec(4), true);
    }

    /// @notice `addLocalData` serves the extra data and the subgame's three split entries
    ///         under the subgame's context, and nothing past them.
    function test_addLocalData_splitEntries_succeeds() external {
        _attackToSplit();
        _move(PROPOSER, 3, _unit(200), false); // claim 5 at position 18: unit 2
        _move(CHALLENGER, 5, _withStatus(1, 10), true); // claim 6: disputes unit 2
        bytes32 context = keccak256(abi.encode(_unit(103), uint64(8), _unit(200), uint64(18)));
        assertEq(game.localContext(6), context);

        bytes32[4] memory expected =
            [INPUT, Claim.unwrap(_unit(103)), Claim.unwrap(_unit(200)), bytes32(uint256(2) << 192)];
        uint256[4] memory sizes = [uint256(4), 32, 32, 8];
        for (uint256 ident = 1; ident <= 4; ident++) {
            bytes32 key = game.addLocalData(ident, 6, 0);
            assertEq(
                key, LibPreimageKey.localize(LibPreimageKey.localKey(ident), address(game), context)
            );
            // A read returns the rest of its 32-byte chunk: the datum's first 24 bytes.
            (bytes32 dat, uint256 len) = oracle.readPreimage(key, 8);
            assertEq(len, sizes[ident - 1] < 24 ? sizes[ident - 1] : 24);
            assertEq(dat, expected[ident - 1] >> 64 << 64);
        }
        vm.expectRevert(abi.encodeWithSelector(InvalidLocalIdent.selector, 5));
        game.addLocalData(5, 6, 0);
        vm.expectRevert(abi.encodeWithSelector(ClaimAboveSplit.selector, 5));
        game.addLocalData(1, 5, 0);
        vm.expectRevert(abi.encodeWithSelector(InvalidClaimIndex.selector, 7));
        game.addLocalData(1, 7, 0);
    }

    /// @notice Steps in a subgame: the first step of the execution starts from the absolute
    ///         prestate, a later one from the subgame's own claim, and both hand the verifier
    ///         the subgame's local context.
    function test_step_inSubgame_succeeds() external {
        _attackToSplit();
        // Claim 5 at position 34: the challenger defends unit 0 and claims unit 1's run valid.
        _move(CHALLENGER, 4, _exec(8), false);
        // The proposer disputes it with a trace wrong from step 1 on: leaf 272 (relative
        // index 0) claims a wrong state after 1 step.
        _move(PROPOSER, 5, _dishonest(Position.wrap(68)), true); // 6: position 68
        _move(CHALLENGER, 6, _exec(2), true); // 7: position 136
        _move(PROPOSER, 7, _dishonest(Position.wrap(272)), true); // 8: leaf 272
        _move(PROPOSER, 7, _exec(3), false); // 9: leaf 274 (a right claim, wrong side)
        assertEq(Position.unwrap(game.claimData(8).position), 272);
        assertEq(Position.unwrap(game.claimData(9).position), 274);

        execVm.expectContext(game.localContext(8));
        assertTrue(game.localContext(8) != bytes32(0));
        vm.prank(CHALLENGER);
        game.step(8, true, _stateData(0), "");
        assertEq(game.claimData(8).counteredBy, CHALLENGER);

        // Leaf 274 (index 2 of the execution) is right: the step into it from claim 7 (after
        // 2 steps, the subgame's own claim, not the prestate) is valid and counters nothing.
        vm.prank(CHALLENGER);
        vm.expectRevert(ValidStep.selector);
        game.step(9, true, _stateData(2), "");
    }

    /// @notice The side that moves one level above the split gets the longer extension: its
    ///         next action is an execution root, which needs the unit run in the VM.
    function test_move_aboveSplit_getsLeafExtension() external {
        _move(CHALLENGER, 0, _unit(1), true);
        _move(PROPOSER, 1, _unit(2), true);
        vm.warp(block.timestamp + Duration.unwrap(MAX_CLOCK) - 1);
        _move(CHALLENGER, 2, _unit(3), true);
        assertEq(
            Duration.unwrap(game.claimData(3).duration),
            Duration.unwrap(MAX_CLOCK) - Duration.unwrap(LEAF_EXTENSION)
        );
        vm.warp(block.timestamp + Duration.unwrap(MAX_CLOCK) - 1);
        _move(PROPOSER, 3, _unit(4), true);
        assertEq(
            Duration.unwrap(game.claimData(4).duration),
            Duration.unwrap(MAX_CLOCK) - Duration.unwrap(EXTENSION)
        );
    }
}
