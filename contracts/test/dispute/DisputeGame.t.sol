// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { DisputeGameTestBase } from "test/dispute/DisputeGameTestBase.sol";
import { DisputeGame } from "src/dispute/DisputeGame.sol";
import { DisputeGameFactory } from "src/dispute/DisputeGameFactory.sol";
import { IDisputeGame } from "src/dispute/interfaces/IDisputeGame.sol";
import { IPlayerRegistry } from "src/dispute/interfaces/IPlayerRegistry.sol";
import { IStepper } from "src/interfaces/IStepper.sol";
import { LibPreimageKey } from "src/lib/LibPreimageKey.sol";
import {
    Claim,
    ClaimData,
    Duration,
    GameParams,
    GameStatus,
    GameType,
    Position,
    Timestamp
} from "src/dispute/lib/Types.sol";
import { LibPosition } from "src/dispute/lib/LibPosition.sol";
import "src/dispute/Errors.sol";

/// @title DisputeGame_Init_Test
/// @notice The constructor's parameter checks, `initialize` and the factory.
contract DisputeGame_Init_Test is DisputeGameTestBase {
    event DisputeGameCreated(
        address indexed disputeProxy, GameType indexed gameType, Claim indexed rootClaim
    );

    /// @notice The absolute prestate, read once (a call between `expectRevert` and the
    ///         deployment would take the expectation).
    Claim internal prestate;

    function setUp() public override {
        super.setUp();
        prestate = Claim.wrap(alphabet.stateAt(0));
    }

    /// @notice Deploys an implementation with the given parameters (others as in the base).
    function _deploy(
        uint256 _depth,
        uint32 _ext,
        uint32 _leafExt,
        uint32 _maxClock,
        uint256 _base,
        uint256 _growth
    )
        internal
        returns (DisputeGame)
    {
        return new DisputeGame(
            GameParams({
                gameType: GAME_TYPE,
                absolutePrestate: prestate,
                maxGameDepth: _depth,
                splitDepth: 0,
                maxClockDuration: Duration.wrap(_maxClock),
                clockExtension: Duration.wrap(_ext),
                leafClockExtension: Duration.wrap(_leafExt),
                bondBase: _base,
                bondGrowth: _growth,
                withdrawalDelay: WITHDRAWAL_DELAY,
                localEntries: 0
            }),
            IStepper(address(alphabet)),
            factory
        );
    }

    /// @notice An uninitialized EIP-1167 clone of `impl`, made outside the factory.
    function _rawClone() internal returns (DisputeGame clone_) {
        address target = address(impl);
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, 0x3d602d80600a3d3981f3363d3d373d3d3d363d73000000000000000000000000)
            mstore(add(ptr, 0x14), shl(0x60, target))
            mstore(
                add(ptr, 0x28),
                0x5af43d82803e903d91602b57fd5bf30000000000000000000000000000000000
            )
            clone_ := create(0, ptr, 0x37)
        }
    }

    /// @notice One canonical local-data entry.
    function _entry(uint8 _size, bytes32 _word) internal pure returns (bytes memory) {
        return abi.encodePacked(_size, _word);
    }

    /// @notice A depth of 0 or above 62 is rejected; 1 and 62 are accepted.
    function test_constructor_invalidMaxGameDepth_reverts() external {
        vm.expectRevert(abi.encodeWithSelector(InvalidMaxGameDepth.selector, 0));
        _deploy(0, 3 hours, 6 hours, 7 days, BOND_BASE, BOND_GROWTH);
        vm.expectRevert(abi.encodeWithSelector(InvalidMaxGameDepth.selector, 63));
        _deploy(63, 3 hours, 6 hours, 7 days, BOND_BASE, BOND_GROWTH);
        assertEq(_deploy(1, 3 hours, 6 hours, 7 days, BOND_BASE, BOND_GROWTH).maxGameDepth(), 1);
        assertEq(_deploy(62, 3 hours, 6 hours, 7 days, BOND_BASE, BOND_GROWTH).maxGameDepth(), 62);
    }

    /// @notice A zero extension, an extension above the leaf extension and a leaf extension
    ///         above half the clock are each rejected; the boundaries are accepted.
    function test_constructor_invalidClockExtension_reverts() external {
        vm.expectRevert(InvalidClockExtension.selector);
        _deploy(8, 0, 6 hours, 7 days, BOND_BASE, BOND_GROWTH);
        vm.expectRevert(InvalidClockExtension.selector);
        _deploy(8, 6 hours + 1, 6 hours, 7 days, BOND_BASE, BOND_GROWTH);
        vm.expectRevert(InvalidClockExtension.selector);
        _deploy(8, 3 hours, 3.5 days + 1, 7 days, BOND_BASE, BOND_GROWTH);
        DisputeGame ok = _deploy(8, 1 hours, 1 hours, 2 hours, BOND_BASE, BOND_GROWTH);
        assertEq(uint256(Duration.unwrap(ok.leafClockExtension())), 1 hours);
        ok = _deploy(8, 3.5 days, 3.5 days, 7 days, BOND_BASE, BOND_GROWTH);
        assertEq(uint256(Duration.unwrap(ok.clockExtension())), 3.5 days);
    }

    /// @notice A zero bond base, a growth below 1, and a growth or base whose deepest bond
    ///         overflows are each rejected; a growth of exactly 1 is accepted.
    function test_constructor_invalidBondParameters_reverts() external {
        vm.expectRevert(InvalidBondParameters.selector);
        _deploy(8, 3 hours, 6 hours, 7 days, 0, BOND_GROWTH);
        vm.expectRevert(InvalidBondParameters.selector);
        _deploy(8, 3 hours, 6 hours, 7 days, BOND_BASE, 1e18 - 1);
        vm.expectRevert(abi.encodeWithSignature("Panic(uint256)", 0x11));
        _deploy(55, 3 hours, 6 hours, 7 days, BOND_BASE, 1e40);
        // A base whose deepest bond overflows (the root's would not): moves at depth would
        // revert, leaving claims there uncounterable.
        vm.expectRevert(abi.encodeWithSignature("Panic(uint256)", 0x11));
        _deploy(8, 3 hours, 6 hours, 7 days, type(uint256).max / 2e18, BOND_GROWTH);
        DisputeGame big =
            _deploy(8, 3 hours, 6 hours, 7 days, type(uint256).max / 3e18, BOND_GROWTH);
        assertTrue(big.getRequiredBond(LibPosition.wrap(8, 0)) > 0, "the deepest bond is defined");
        DisputeGame flat = _deploy(8, 3 hours, 6 hours, 7 days, BOND_BASE, 1e18);
        assertEq(flat.getRequiredBond(LibPosition.wrap(8, 0)), BOND_BASE, "flat bond");
    }

    /// @notice The implementation itself cannot be initialized, by anyone.
    function test_initialize_implementation_reverts() external {
        vm.expectRevert(AlreadyInitialized.selector);
        impl.initialize(Claim.wrap(0), "", address(this));
        vm.prank(address(factory));
        vm.expectRevert(AlreadyInitialized.selector);
        impl.initialize(Claim.wrap(0), "", address(this));
    }

    /// @notice A fresh clone rejects any caller but the factory, and the factory's second call.
    function test_initialize_onlyFactoryOnce_reverts() external {
        DisputeGame clone = _rawClone();
        uint256 bond = impl.getRequiredBond(LibPosition.wrap(0, 0));
        vm.deal(address(this), 10 ether);
        vm.expectRevert(AlreadyInitialized.selector);
        clone.initialize{ value: bond }(Claim.wrap(0), "", address(this));
        vm.deal(address(factory), 10 ether);
        vm.prank(address(factory));
        clone.initialize{ value: bond }(Claim.wrap(bytes32(uint256(5))), "", PROPOSER);
        assertEq(Claim.unwrap(clone.rootClaim()), bytes32(uint256(5)));
        assertEq(uint256(clone.status()), uint256(GameStatus.IN_PROGRESS));
        vm.prank(address(factory));
        vm.expectRevert(AlreadyInitialized.selector);
        clone.initialize{ value: bond }(Claim.wrap(0), "", PROPOSER);
    }

    /// @notice A created game cannot be initialized again, by the factory or anyone.
    function test_initialize_twice_reverts() external {
        _create(Claim.wrap(bytes32(uint256(1))), "");
        vm.prank(address(factory));
        vm.expectRevert(AlreadyInitialized.selector);
        game.initialize(Claim.wrap(0), "", PROPOSER);
        vm.expectRevert(AlreadyInitialized.selector);
        game.initialize(Claim.wrap(0), "", PROPOSER);
    }

    /// @notice A root claim whose status byte is above 3 is rejected; status 3 is accepted.
    function test_initialize_rootStatus_reverts() external {
        uint256 bond = impl.getRequiredBond(LibPosition.wrap(0, 0));
        vm.deal(PROPOSER, 10 ether);
        vm.prank(PROPOSER);
        vm.expectRevert(abi.encodeWithSelector(InvalidRootClaimStatus.selector, 4));
        factory.create{ value: bond }(GAME_TYPE, Claim.wrap(bytes32(uint256(4) << 248)), "");
        vm.prank(PROPOSER);
        vm.expectRevert(abi.encodeWithSelector(InvalidRootClaimStatus.selector, 0xff));
        factory.create{ value: bond }(GAME_TYPE, Claim.wrap(bytes32(type(uint256).max)), "");
        _create(Claim.wrap(bytes32((uint256(3) << 248) | 1)), "");
        assertEq(uint256(uint8(uint256(Claim.unwrap(game.rootClaim())) >> 248)), 3);
    }

    /// @notice Extra data that is not exactly one entry per local datum (none, a stray byte,
    ///         a second entry), a size above 32, or non-zero bytes past the size is rejected.
    function test_initialize_invalidExtraData_reverts() external {
        _useLocalEntries(1);
        bytes32 word = bytes32(bytes4("axon"));
        bytes[] memory bad = new bytes[](8);
        bad[6] = "";
        bad[7] = abi.encodePacked(_entry(4, word), _entry(0, 0));
        bad[0] = new bytes(32);
        bad[1] = abi.encodePacked(_entry(4, word), uint8(0));
        bad[2] = _entry(33, word);
        bad[3] = _entry(4, word | bytes32(uint256(1) << 216));
        bad[4] = _entry(0, bytes32(uint256(1)));
        bad[5] = abi.encodePacked(_entry(4, word), _entry(3, word));
        uint256 bond = impl.getRequiredBond(LibPosition.wrap(0, 0));
        vm.deal(PROPOSER, 10 ether);
        for (uint256 i = 0; i < bad.length; i++) {
            vm.prank(PROPOSER);
            vm.expectRevert(InvalidExtraData.selector);
            factory.create{ value: bond }(GAME_TYPE, Claim.wrap(0), bad[i]);
        }
    }

    /// @notice Canonical extra data is accepted and kept: sizes 0, 4 and 32 for a program
    ///         reading three local data, nothing for one reading none.
    function test_initialize_extraData_succeeds() external {
        _useLocalEntries(3);
        bytes memory data = abi.encodePacked(
            _entry(0, 0), _entry(4, bytes32(bytes4("axon"))), _entry(32, bytes32(type(uint256).max))
        );
        _create(Claim.wrap(0), data);
        assertEq(game.extraData(), data);
        assertEq(game.localEntries(), 3);
        _useLocalEntries(0);
        _create(Claim.wrap(0), "");
        assertEq(game.extraData(), "");
    }

    /// @notice The root bond must be exact: less or more reverts with both amounts.
    function test_initialize_incorrectBond_reverts() external {
        uint256 bond = impl.getRequiredBond(LibPosition.wrap(0, 0));
        vm.deal(PROPOSER, 10 ether);
        vm.prank(PROPOSER);
        vm.expectRevert(abi.encodeWithSelector(IncorrectBondAmount.selector, bond, bond + 1));
        factory.create{ value: bond + 1 }(GAME_TYPE, Claim.wrap(0), "");
        vm.prank(PROPOSER);
        vm.expectRevert(abi.encodeWithSelector(IncorrectBondAmount.selector, bond, 0));
        factory.create(GAME_TYPE, Claim.wrap(0), "");
    }

    /// @notice A created game holds its root claim, creator, bond and parameters.
    function test_initialize_rootClaim_succeeds() external {
        Claim rootClaim = Claim.wrap(bytes32(uint256(0xabc)));
        _create(rootClaim, "");
        ClaimData memory c = game.claimData(0);
        assertEq(Claim.unwrap(c.claim), Claim.unwrap(rootClaim));
        assertEq(c.claimant, PROPOSER);
        assertEq(uint256(c.parentIndex), type(uint32).max);
        assertEq(uint256(Position.unwrap(c.position)), 1);
        assertEq(c.bond, BOND_BASE);
        assertEq(c.counteredBy, address(0));
        assertEq(uint256(Timestamp.unwrap(c.timestamp)), block.timestamp);
        assertEq(uint256(Timestamp.unwrap(game.createdAt())), block.timestamp);
        assertEq(address(game).balance, BOND_BASE);
        assertEq(game.claimDataLen(), 1);
        assertEq(uint256(GameType.unwrap(game.gameType())), uint256(GameType.unwrap(GAME_TYPE)));
        assertEq(Claim.unwrap(game.absolutePrestate()), alphabet.stateAt(0));
        assertEq(address(game.registry()), address(factory));
        assertEq(uint256(factory.playerId(PROPOSER)), 1, "the proposer is the first player");
    }

    /// @notice A game type without implementation cannot be created.
    function test_create_noImplementation_reverts() external {
        vm.expectRevert(abi.encodeWithSelector(NoImplementation.selector, uint32(99)));
        factory.create(GameType.wrap(99), Claim.wrap(0), "");
    }

    /// @notice A second game with the same type, root claim and extra data is rejected.
    function test_create_gameAlreadyExists_reverts() external {
        _useLocalEntries(1);
        bytes memory data = _entry(4, bytes32(bytes4("axon")));
        _create(Claim.wrap(bytes32(uint256(1))), data);
        bytes32 uuid = factory.getGameUUID(GAME_TYPE, Claim.wrap(bytes32(uint256(1))), data);
        assertEq(uuid, keccak256(abi.encode(GAME_TYPE, Claim.wrap(bytes32(uint256(1))), data)));
        vm.prank(PROPOSER);
        vm.expectRevert(abi.encodeWithSelector(GameAlreadyExists.selector, uuid));
        factory.create{ value: BOND_BASE }(GAME_TYPE, Claim.wrap(bytes32(uint256(1))), data);
    }

    /// @notice Different extra data makes a different game; the factory lists both in order.
    function test_create_listsGames_succeeds() external {
        _useLocalEntries(1);
        Claim rootClaim = Claim.wrap(bytes32(uint256(1)));
        bytes memory data = _entry(4, bytes32(bytes4("axon")));
        DisputeGame first = _create(rootClaim, _entry(4, bytes32(bytes4("axom"))));
        uint256 t0 = block.timestamp;
        vm.warp(t0 + 100);
        DisputeGame second = _create(rootClaim, data);
        assertTrue(address(first) != address(second), "two games");
        assertEq(factory.gameCount(), 2);
        (GameType gameType, Timestamp createdAt, IDisputeGame proxy) = factory.gameAtIndex(1);
        assertEq(address(proxy), address(second));
        assertEq(uint256(Timestamp.unwrap(createdAt)), t0 + 100);
        assertEq(uint256(GameType.unwrap(gameType)), uint256(GameType.unwrap(GAME_TYPE)));
        (,, proxy) = factory.gameAtIndex(0);
        assertEq(address(proxy), address(first));
        (proxy, createdAt) = factory.games(GAME_TYPE, rootClaim, _entry(4, bytes32(bytes4("axom"))));
        assertEq(address(proxy), address(first));
        assertEq(uint256(Timestamp.unwrap(createdAt)), t0);
        (proxy, createdAt) = factory.games(GAME_TYPE, rootClaim, data);
        assertEq(address(proxy), address(second));
        (proxy, createdAt) = factory.games(GAME_TYPE, Claim.wrap(bytes32(uint256(2))), data);
        assertEq(address(proxy), address(0));
        assertEq(uint256(Timestamp.unwrap(createdAt)), 0);
        assertEq(second.extraData(), data);
    }

    /// @notice `create` emits `DisputeGameCreated` with the new game, its type and root claim.
    function test_create_emitsEvent_succeeds() external {
        Claim rootClaim = Claim.wrap(bytes32(uint256(7)));
        address predicted = vm.computeCreateAddress(address(factory), vm.getNonce(address(factory)));
        vm.deal(PROPOSER, 1 ether);
        vm.prank(PROPOSER);
        vm.expectEmit(true, true, true, true, address(factory));
        emit DisputeGameCreated(predicted, GAME_TYPE, rootClaim);
        IDisputeGame created = factory.create{ value: BOND_BASE }(GAME_TYPE, rootClaim, "");
        assertEq(address(created), predicted);
    }

    /// @notice Only the owner sets implementations.
    function test_setImplementation_notOwner_reverts() external {
        vm.prank(PROPOSER);
        vm.expectRevert(NotOwner.selector);
        factory.setImplementation(GameType.wrap(1), IDisputeGame(address(impl)));
        factory.setImplementation(GameType.wrap(1), IDisputeGame(address(impl)));
        assertEq(address(factory.gameImpls(GameType.wrap(1))), address(impl));
    }

    /// @notice Registry ids are global, start at 1, and map back to their accounts.
    function test_register_ids_succeeds() external {
        assertEq(uint256(factory.register(PROPOSER)), 1);
        assertEq(uint256(factory.register(CHALLENGER)), 2);
        assertEq(uint256(factory.register(PROPOSER)), 1);
        assertEq(factory.playerAddress(2), CHALLENGER);
        assertEq(factory.playerAddress(0), address(0));
        assertEq(factory.playerAddress(3), address(0));
    }
}

/// @title DisputeGame_Move_Test
/// @notice `move`, `attack` and `defend`: positions, stored data and every revert.
contract DisputeGame_Move_Test is DisputeGameTestBase {
    Claim internal constant ROOT = Claim.wrap(bytes32(uint256(0xdead)));

    function setUp() public override {
        super.setUp();
        _create(ROOT, "");
        vm.deal(CHALLENGER, 100 ether);
    }

    /// @notice An attack sits at 2p and a defence at 2(p + 1), with the claimant, bond, claim,
    ///         parent and timestamp stored; the bond is held by the game.
    function test_move_positions_succeeds() external {
        uint256 bond1 = game.getRequiredBond(Position.wrap(2));
        vm.prank(CHALLENGER);
        game.attack{ value: bond1 }(ROOT, 0, Claim.wrap(bytes32(uint256(1))));
        uint256 bond2 = game.getRequiredBond(Position.wrap(6));
        vm.deal(PROPOSER, 10 ether);
        vm.prank(PROPOSER);
        game.defend{ value: bond2 }(
            Claim.wrap(bytes32(uint256(1))), 1, Claim.wrap(bytes32(uint256(2)))
        );
        ClaimData memory c1 = game.claimData(1);
        ClaimData memory c2 = game.claimData(2);
        assertEq(uint256(Position.unwrap(c1.position)), 2);
        assertEq(uint256(Position.unwrap(c2.position)), 6);
        assertEq(c1.claimant, CHALLENGER);
        assertEq(c2.claimant, PROPOSER);
        assertEq(uint256(c2.parentIndex), 1);
        assertEq(c2.bond, bond2);
        assertEq(Claim.unwrap(c2.claim), bytes32(uint256(2)));
        assertEq(uint256(Timestamp.unwrap(c2.timestamp)), block.timestamp);
        assertEq(game.claimDataLen(), 3);
        assertEq(address(game).balance, BOND_BASE + bond1 + bond2);
    }

    /// @notice `claimData` names only existing claims.
    function test_claimData_invalidClaimIndex_reverts() external {
        vm.expectRevert(abi.encodeWithSelector(InvalidClaimIndex.selector, 1));
        game.claimData(1);
    }

    /// @notice No move on a resolved game.
    function test_move_gameNotInProgress_reverts() external {
        vm.warp(block.timestamp + 7 days);
        _resolveAll();
        uint256 bond = game.getRequiredBond(Position.wrap(2));
        vm.prank(CHALLENGER);
        vm.expectRevert(GameNotInProgress.selector);
        game.attack{ value: bond }(ROOT, 0, ROOT);
    }

    /// @notice A parent index past the last claim is rejected.
    function test_move_invalidClaimIndex_reverts() external {
        uint256 bond = game.getRequiredBond(Position.wrap(2));
        vm.prank(CHALLENGER);
        vm.expectRevert(abi.encodeWithSelector(InvalidClaimIndex.selector, 1));
        game.attack{ value: bond }(ROOT, 1, ROOT);
    }

    /// @notice The disputed claim must be the parent's claim.
    function test_move_invalidDisputedClaim_reverts() external {
        Claim other = Claim.wrap(bytes32(uint256(1)));
        uint256 bond = game.getRequiredBond(Position.wrap(2));
        vm.prank(CHALLENGER);
        vm.expectRevert(abi.encodeWithSelector(InvalidDisputedClaim.selector, ROOT, other));
        game.attack{ value: bond }(other, 0, ROOT);
    }

    /// @notice The root cannot be defended.
    function test_move_cannotDefendRootClaim_reverts() external {
        uint256 bond = game.getRequiredBond(Position.wrap(4));
        vm.prank(CHALLENGER);
        vm.expectRevert(CannotDefendRootClaim.selector);
        game.defend{ value: bond }(ROOT, 0, ROOT);
    }

    /// @notice No move below a leaf, attack or defence.
    function test_move_gameDepthExceeded_reverts() external {
        _playPath(0, 0);
        ClaimData memory leaf = game.claimData(MAX_DEPTH);
        assertEq(uint256(leaf.position.depth()), MAX_DEPTH);
        vm.prank(CHALLENGER);
        vm.expectRevert(GameDepthExceeded.selector);
        game.attack{ value: 100 ether }(leaf.claim, MAX_DEPTH, ROOT);
        vm.prank(CHALLENGER);
        vm.expectRevert(GameDepthExceeded.selector);
        game.defend{ value: 100 ether }(leaf.claim, MAX_DEPTH, ROOT);
    }

    /// @notice The bond must be exactly the new position's.
    function test_move_incorrectBondAmount_reverts() external {
        uint256 bond = game.getRequiredBond(Position.wrap(2));
        vm.prank(CHALLENGER);
        vm.expectRevert(abi.encodeWithSelector(IncorrectBondAmount.selector, bond, bond - 1));
        game.attack{ value: bond - 1 }(ROOT, 0, ROOT);
        vm.prank(CHALLENGER);
        vm.expectRevert(abi.encodeWithSelector(IncorrectBondAmount.selector, bond, BOND_BASE));
        game.attack{ value: BOND_BASE }(ROOT, 0, ROOT);
    }

    /// @notice A move is possible one second before the mover's clock runs out, not after.
    function test_move_clockTimeExceeded_reverts() external {
        uint256 bond = game.getRequiredBond(Position.wrap(2));
        uint256 t0 = block.timestamp;
        vm.warp(t0 + 7 days);
        vm.prank(CHALLENGER);
        vm.expectRevert(ClockTimeExceeded.selector);
        game.attack{ value: bond }(ROOT, 0, ROOT);
        vm.warp(t0 + 7 days - 1);
        vm.prank(CHALLENGER);
        game.attack{ value: bond }(ROOT, 0, ROOT);
    }
}

/// @title DisputeGame_Step_Test
/// @notice `step` against leaves with the AlphabetVM: attack and defence, the absolute
///         prestate, steps past the halt, and every revert.
contract DisputeGame_Step_Test is DisputeGameTestBase {
    address internal constant STEPPER = address(0x57E9);

    function setUp() public override {
        super.setUp();
        _create(_dishonest(Position.wrap(1)), "");
    }

    /// @notice An attack step against a wrong leaf at trace index 0 uses the absolute prestate
    ///         and counters the leaf.
    function test_step_attackAbsolutePrestate_succeeds() external {
        _playPath(0, 0);
        vm.prank(STEPPER);
        game.step(MAX_DEPTH, true, _stateData(0), "");
        assertEq(game.claimData(MAX_DEPTH).counteredBy, STEPPER);
    }

    /// @notice An attack step against a right leaf at trace index 0 is a valid step.
    function test_step_attackAbsolutePrestateValid_reverts() external {
        _playPath(0, type(uint256).max);
        vm.expectRevert(ValidStep.selector);
        game.step(MAX_DEPTH, true, _stateData(0), "");
    }

    /// @notice An attack step from the ancestor at trace index t - 1 counters a wrong leaf.
    function test_step_attack_succeeds() external {
        // Leaf at trace index 2 claims the state after 3 steps; the claims up to 2 are right.
        _playPath(2, 2);
        vm.prank(STEPPER);
        game.step(MAX_DEPTH, true, _stateData(2), "");
        assertEq(game.claimData(MAX_DEPTH).counteredBy, STEPPER);
    }

    /// @notice An attack step against a right leaf reverts `ValidStep`.
    function test_step_attackValid_reverts() external {
        _playPath(2, 3);
        vm.expectRevert(ValidStep.selector);
        game.step(MAX_DEPTH, true, _stateData(2), "");
    }

    /// @notice A defence step from a right leaf to a wrong ancestor of the leaf's side (trace
    ///         index 3 at depth 6) counters the leaf.
    function test_step_defend_succeeds() external {
        _playPath(2, 3);
        assertEq(uint256(game.claimData(6).position.traceIndex(uint8(MAX_DEPTH))), 3);
        vm.prank(STEPPER);
        game.step(MAX_DEPTH, false, _stateData(3), "");
        assertEq(game.claimData(MAX_DEPTH).counteredBy, STEPPER);
    }

    /// @notice A defence step that agrees with a right post-state of the leaf's side reverts.
    function test_step_defendValid_reverts() external {
        _playPath(2, type(uint256).max);
        vm.expectRevert(ValidStep.selector);
        game.step(MAX_DEPTH, false, _stateData(3), "");
    }

    /// @notice A defence step whose post-state was claimed by the other side (the leaf's
    ///         parent) and follows from the leaf counters the leaf: the leaf's side disputed
    ///         a claim its own state leads to.
    function test_step_defendOtherSide_succeeds() external {
        _playPath(0, type(uint256).max);
        vm.prank(STEPPER);
        game.step(MAX_DEPTH, false, _stateData(1), "");
        assertEq(game.claimData(MAX_DEPTH).counteredBy, STEPPER);
    }

    /// @notice A wrong leaf after the halt is countered by the no-op step of the halted state;
    ///         a right one (the padded final state) is not.
    function test_step_pastHalt_succeeds() external {
        uint256 t = 250;
        _playPath(t, type(uint256).max);
        vm.expectRevert(ValidStep.selector);
        game.step(MAX_DEPTH, true, _stateData(t), "");
        assertEq(Claim.unwrap(game.claimData(MAX_DEPTH).claim), alphabet.stateAt(HALT_STEP));

        // The same path with a leaf claiming the trace ran on past the halt.
        _create(Claim.wrap(bytes32(uint256(1))), "");
        (Position[] memory path, bool[] memory isAttack) = _pathTo(t);
        for (uint256 d = 1; d < MAX_DEPTH; d++) {
            _move(d % 2 == 1 ? CHALLENGER : PROPOSER, d - 1, _honest(path[d]), isAttack[d]);
        }
        _move(PROPOSER, MAX_DEPTH - 1, Claim.wrap(alphabet.stateHash(t + 1)), isAttack[MAX_DEPTH]);
        vm.prank(STEPPER);
        game.step(MAX_DEPTH, true, _stateData(t), "");
        assertEq(game.claimData(MAX_DEPTH).counteredBy, STEPPER);
    }

    /// @notice State data that does not hash to the pre-state claim is rejected.
    function test_step_invalidPrestate_reverts() external {
        _playPath(2, 2);
        bytes memory wrong = _stateData(5);
        vm.expectRevert(
            abi.encodeWithSelector(
                InvalidPrestate.selector, Claim.unwrap(game.claimData(7).claim), keccak256(wrong)
            )
        );
        game.step(MAX_DEPTH, true, wrong, "");
        // At trace index 0 the pre-state is the absolute prestate.
        _create(Claim.wrap(bytes32(uint256(1))), "");
        _playPath(0, 0);
        vm.expectRevert(
            abi.encodeWithSelector(InvalidPrestate.selector, alphabet.stateAt(0), keccak256(wrong))
        );
        game.step(MAX_DEPTH, true, wrong, "");
    }

    /// @notice Only leaves can be stepped, and only existing claims.
    function test_step_notALeafClaim_reverts() external {
        _playPath(0, 0);
        vm.expectRevert(NotALeafClaim.selector);
        game.step(0, true, _stateData(0), "");
        vm.expectRevert(NotALeafClaim.selector);
        game.step(MAX_DEPTH - 1, true, _stateData(0), "");
        vm.expectRevert(abi.encodeWithSelector(InvalidClaimIndex.selector, MAX_DEPTH + 1));
        game.step(MAX_DEPTH + 1, true, _stateData(0), "");
    }

    /// @notice A leaf is stepped once.
    function test_step_duplicateStep_reverts() external {
        _playPath(0, 0);
        game.step(MAX_DEPTH, true, _stateData(0), "");
        vm.expectRevert(DuplicateStep.selector);
        game.step(MAX_DEPTH, true, _stateData(0), "");
    }

    /// @notice A step is possible until the stepper's clock runs out, not after.
    function test_step_clockTimeExceeded_reverts() external {
        _playPath(0, 0);
        uint256 t0 = block.timestamp;
        vm.warp(t0 + 7 days);
        vm.expectRevert(ClockTimeExceeded.selector);
        game.step(MAX_DEPTH, true, _stateData(0), "");
        vm.warp(t0 + 7 days - 1);
        game.step(MAX_DEPTH, true, _stateData(0), "");
    }

    /// @notice No step on a resolved game.
    function test_step_gameNotInProgress_reverts() external {
        _playPath(0, 0);
        vm.warp(block.timestamp + 7 days);
        _resolveAll();
        vm.expectRevert(GameNotInProgress.selector);
        game.step(MAX_DEPTH, true, _stateData(0), "");
    }
}

/// @title DisputeGame_Clock_Test
/// @notice The chess clocks and their extensions.
contract DisputeGame_Clock_Test is DisputeGameTestBase {
    function setUp() public override {
        super.setUp();
        _create(_dishonest(Position.wrap(1)), "");
    }

    /// @notice Each side's used time adds up over its own moves only, like a chess clock.
    function test_getChallengerDuration_chessClock_succeeds() external {
        uint256 t0 = block.timestamp;
        vm.warp(t0 + 1 hours);
        assertEq(uint256(Duration.unwrap(game.getChallengerDuration(0))), 1 hours);
        _move(CHALLENGER, 0, _dishonest(Position.wrap(2)), true);
        vm.warp(t0 + 3 hours);
        _move(PROPOSER, 1, _dishonest(Position.wrap(4)), true);
        vm.warp(t0 + 6 hours);
        _move(CHALLENGER, 2, _dishonest(Position.wrap(8)), true);
        assertEq(uint256(Duration.unwrap(game.claimData(1).duration)), 1 hours, "challenger 1");
        assertEq(uint256(Duration.unwrap(game.claimData(2).duration)), 2 hours, "proposer 1");
        assertEq(uint256(Duration.unwrap(game.claimData(3).duration)), 4 hours, "challenger 2");
        vm.warp(t0 + 11 hours);
        // The proposer's clock: its 2 hours plus the 5 since the challenger's last move.
        assertEq(uint256(Duration.unwrap(game.getChallengerDuration(3))), 7 hours);
        // The challenger's clock on claim 2 ran only while it was the challenger's turn.
        assertEq(uint256(Duration.unwrap(game.getChallengerDuration(2))), 1 hours + 8 hours);
        vm.warp(t0 + 30 days);
        assertEq(uint256(Duration.unwrap(game.getChallengerDuration(3))), 7 days, "capped");
    }

    /// @notice A late mover's used time is cut back to leave it the extension for its next
    ///         move, and that time is exactly what it then has.
    function test_move_clockExtension_succeeds() external {
        uint256 t0 = block.timestamp;
        vm.warp(t0 + 7 days - 1 hours);
        _move(CHALLENGER, 0, _dishonest(Position.wrap(2)), true);
        assertEq(uint256(Duration.unwrap(game.claimData(1).duration)), 7 days - 3 hours);
        _move(PROPOSER, 1, _dishonest(Position.wrap(4)), true);
        uint256 t1 = block.timestamp;
        assertEq(uint256(Duration.unwrap(game.getChallengerDuration(2))), 7 days - 3 hours);
        vm.warp(t1 + 3 hours);
        ClaimData memory c2 = game.claimData(2);
        uint256 bond = game.getRequiredBond(Position.wrap(8));
        vm.deal(CHALLENGER, 10 ether);
        vm.prank(CHALLENGER);
        vm.expectRevert(ClockTimeExceeded.selector);
        game.attack{ value: bond }(c2.claim, 2, c2.claim);
        vm.warp(t1 + 3 hours - 1);
        vm.prank(CHALLENGER);
        game.attack{ value: bond }(c2.claim, 2, c2.claim);
        assertEq(uint256(Duration.unwrap(game.claimData(3).duration)), 7 days - 3 hours);
    }

    /// @notice A move to one level above the leaves gets the leaf extension: its mover has that
    ///         long to step.
    function test_move_leafClockExtension_succeeds() external {
        _playPathTo(MAX_DEPTH - 2);
        uint256 t0 = block.timestamp;
        vm.warp(t0 + 7 days - 1 hours);
        _move(
            CHALLENGER, MAX_DEPTH - 2, _dishonest(LibPosition.wrap(uint8(MAX_DEPTH - 1), 0)), true
        );
        assertEq(uint256(Duration.unwrap(game.claimData(MAX_DEPTH - 1).duration)), 7 days - 6 hours);
        _move(PROPOSER, MAX_DEPTH - 1, _dishonest(LibPosition.wrap(uint8(MAX_DEPTH), 0)), true);
        uint256 t1 = block.timestamp;
        vm.warp(t1 + 6 hours);
        vm.expectRevert(ClockTimeExceeded.selector);
        game.step(MAX_DEPTH, true, _stateData(0), "");
        vm.warp(t1 + 6 hours - 1);
        game.step(MAX_DEPTH, true, _stateData(0), "");
    }

    /// @notice The same late move one level higher gets only the normal extension.
    function test_move_normalExtensionAboveLeafParent_succeeds() external {
        _playPathTo(MAX_DEPTH - 3);
        vm.warp(block.timestamp + 7 days - 1 hours);
        _move(PROPOSER, MAX_DEPTH - 3, _dishonest(LibPosition.wrap(uint8(MAX_DEPTH - 2), 0)), true);
        assertEq(uint256(Duration.unwrap(game.claimData(MAX_DEPTH - 2).duration)), 7 days - 3 hours);
    }

    /// @notice Attacks down to depth `_depth`, all at once.
    function _playPathTo(uint256 _depth) internal {
        for (uint256 d = 1; d <= _depth; d++) {
            _move(
                d % 2 == 1 ? CHALLENGER : PROPOSER,
                d - 1,
                _dishonest(LibPosition.wrap(uint8(d), 0)),
                true
            );
        }
    }
}

/// @title DisputeGame_Resolve_Test
/// @notice `resolveClaim`, `resolve`, the bond payouts and `claimCredit`.
contract DisputeGame_Resolve_Test is DisputeGameTestBase {
    address internal constant ALICE = address(0xA11CE);
    address internal constant BOB = address(0xB0B0);
    address internal constant CAROL = address(0xCA401);

    Claim internal constant ROOT = Claim.wrap(bytes32(uint256(0xdead)));

    function setUp() public override {
        super.setUp();
        _create(ROOT, "");
    }

    /// @notice No claim resolves before its challenger's clock runs out.
    function test_resolveClaim_clockNotExpired_reverts() external {
        vm.warp(block.timestamp + 7 days - 1);
        vm.expectRevert(ClockNotExpired.selector);
        game.resolveClaim(0, 0);
        vm.warp(block.timestamp + 1);
        game.resolveClaim(0, 0);
        assertTrue(game.resolvedSubgames(0), "resolved");
    }

    /// @notice A parent cannot be resolved before its children, nor the game before its root.
    function test_resolveClaim_outOfOrder_reverts() external {
        _move(ALICE, 0, Claim.wrap(0), true);
        vm.warp(block.timestamp + 7 days);
        vm.expectRevert(OutOfOrderResolution.selector);
        game.resolve();
        vm.expectRevert(OutOfOrderResolution.selector);
        game.resolveClaim(0, 0);
        game.resolveClaim(1, 0);
        vm.expectRevert(OutOfOrderResolution.selector);
        game.resolve();
        game.resolveClaim(0, 0);
        assertEq(uint256(game.resolve()), uint256(GameStatus.CHALLENGER_WINS));
    }

    /// @notice A resolved claim cannot be resolved again; a resolved game takes no resolution.
    function test_resolveClaim_alreadyResolved_reverts() external {
        vm.warp(block.timestamp + 7 days);
        game.resolveClaim(0, 0);
        vm.expectRevert(ClaimAlreadyResolved.selector);
        game.resolveClaim(0, 0);
        vm.expectRevert(abi.encodeWithSelector(InvalidClaimIndex.selector, 1));
        game.resolveClaim(1, 0);
        game.resolve();
        vm.expectRevert(GameNotInProgress.selector);
        game.resolveClaim(0, 0);
        vm.expectRevert(GameNotInProgress.selector);
        game.resolve();
    }

    /// @notice An unchallenged root refunds its claimant and the defender wins.
    function test_resolve_uncontested_succeeds() external {
        vm.warp(block.timestamp + 7 days);
        assertEq(uint256(_resolveAll()), uint256(GameStatus.DEFENDER_WINS));
        assertEq(uint256(game.status()), uint256(GameStatus.DEFENDER_WINS));
        assertEq(game.credit(PROPOSER), BOND_BASE);
        assertEq(uint256(Timestamp.unwrap(game.resolvedAt())), block.timestamp);
    }

    /// @notice The leftmost uncountered child takes the bond, the older one on a tie; a
    ///         countered child does not count; uncontested claims refund their claimants.
    function test_resolveClaim_leftmostUncountered_succeeds() external {
        _move(ALICE, 0, Claim.wrap(bytes32(uint256(1))), true); // 1: position 2
        _move(BOB, 0, Claim.wrap(bytes32(uint256(2))), true); // 2: position 2, newer
        _move(CAROL, 1, Claim.wrap(bytes32(uint256(3))), false); // 3: position 6
        _move(BOB, 1, Claim.wrap(bytes32(uint256(4))), true); // 4: position 4, newer but left
        _move(PROPOSER, 4, Claim.wrap(bytes32(uint256(5))), true); // 5: counters 4
        vm.warp(block.timestamp + 7 days);
        assertEq(uint256(_resolveAll()), uint256(GameStatus.CHALLENGER_WINS));
        // Claim 1's uncountered children: 3 (position 6); 4 is countered by 5.
        assertEq(game.claimData(4).counteredBy, PROPOSER);
        assertEq(game.claimData(1).counteredBy, CAROL);
        assertEq(game.claimData(0).counteredBy, BOB, "a countered child does not count");
        assertEq(game.credit(BOB), BOND_BASE + game.claimData(2).bond);
        assertEq(game.credit(CAROL), game.claimData(1).bond + game.claimData(3).bond);
        assertEq(game.credit(PROPOSER), game.claimData(4).bond + game.claimData(5).bond);
        assertEq(game.credit(ALICE), 0);
    }

    /// @notice Of two uncountered children at the same position, the older takes the bond.
    function test_resolveClaim_tieToOlder_succeeds() external {
        _move(ALICE, 0, Claim.wrap(bytes32(uint256(1))), true);
        _move(BOB, 0, Claim.wrap(bytes32(uint256(2))), true);
        vm.warp(block.timestamp + 7 days);
        _resolveAll();
        assertEq(game.claimData(0).counteredBy, ALICE);
        assertEq(game.credit(ALICE), BOND_BASE + game.claimData(1).bond);
        assertEq(game.credit(BOB), game.claimData(2).bond);
    }

    /// @notice Resolving one child per call gives the same outcome as all at once, and the
    ///         claim stays unresolved until its last child is seen.
    function test_resolveClaim_chunked_succeeds() external {
        DisputeGame[2] memory games;
        for (uint256 g = 0; g < 2; g++) {
            games[g] = _create(Claim.wrap(bytes32(g + 1)), "");
            _move(ALICE, 0, Claim.wrap(bytes32(uint256(1))), true);
            _move(BOB, 0, Claim.wrap(bytes32(uint256(2))), true);
            _move(CAROL, 0, Claim.wrap(bytes32(uint256(3))), true);
            _move(PROPOSER, 1, Claim.wrap(bytes32(uint256(4))), true);
        }
        vm.warp(block.timestamp + 7 days);
        for (uint256 g = 0; g < 2; g++) {
            for (uint256 i = 4; i > 0; i--) {
                games[g].resolveClaim(i, 0);
            }
        }
        games[0].resolveClaim(0, 0);
        for (uint256 k = 0; k < 2; k++) {
            games[1].resolveClaim(0, 1);
            assertFalse(games[1].resolvedSubgames(0), "not yet");
        }
        games[1].resolveClaim(0, 1);
        assertTrue(games[1].resolvedSubgames(0), "resolved after three chunks");
        vm.expectRevert(ClaimAlreadyResolved.selector);
        games[1].resolveClaim(0, 1);
        assertEq(uint256(games[0].resolve()), uint256(games[1].resolve()));
        assertEq(games[0].claimData(0).counteredBy, BOB);
        assertEq(games[1].claimData(0).counteredBy, BOB);
        address[4] memory who = [PROPOSER, ALICE, BOB, CAROL];
        for (uint256 i = 0; i < 4; i++) {
            assertEq(games[0].credit(who[i]), games[1].credit(who[i]), "same credit");
        }
    }

    /// @notice A chunk still checks that every child it looks at is resolved.
    function test_resolveClaim_chunkOutOfOrder_reverts() external {
        _move(ALICE, 0, Claim.wrap(bytes32(uint256(1))), true);
        _move(BOB, 0, Claim.wrap(bytes32(uint256(2))), true);
        vm.warp(block.timestamp + 7 days);
        game.resolveClaim(2, 0);
        game.resolveClaim(0, 1);
        vm.expectRevert(OutOfOrderResolution.selector);
        game.resolveClaim(0, 1);
        game.resolveClaim(1, 0);
        game.resolveClaim(0, 1);
        assertTrue(game.resolvedSubgames(0), "resolved");
    }

    /// @notice The step caller takes a stepped leaf's bond, and the step decides the game:
    ///         the leaf's parent then stands and counters its own parent, and so on up.
    function test_resolveClaim_stepperTakesLeafBond_succeeds() external {
        game = _create(_dishonest(Position.wrap(1)), "");
        _playPath(0, 0);
        vm.prank(CAROL);
        game.step(MAX_DEPTH, true, _stateData(0), "");
        vm.warp(block.timestamp + 7 days);
        assertEq(uint256(_resolveAll()), uint256(GameStatus.CHALLENGER_WINS));
        assertEq(game.credit(CAROL), game.claimData(MAX_DEPTH).bond);
        assertEq(game.claimData(MAX_DEPTH).counteredBy, CAROL);
        assertEq(game.claimData(MAX_DEPTH - 1).counteredBy, address(0));
        assertEq(game.claimData(MAX_DEPTH - 2).counteredBy, CHALLENGER);
        assertEq(game.claimData(0).counteredBy, CHALLENGER);
    }

    /// @notice Without the step the proposer's leaf stands and the defender wins.
    function test_resolve_defenderWinsLeafStands_succeeds() external {
        game = _create(_dishonest(Position.wrap(1)), "");
        _playPath(0, 0);
        vm.warp(block.timestamp + 7 days);
        assertEq(uint256(_resolveAll()), uint256(GameStatus.DEFENDER_WINS));
        assertEq(game.claimData(MAX_DEPTH - 1).counteredBy, PROPOSER);
        assertEq(game.claimData(0).counteredBy, address(0));
        assertEq(game.credit(CHALLENGER), 0);
    }

    /// @notice Credit is paid once, after the delay, exactly the bonds deposited.
    function test_claimCredit_pays_succeeds() external {
        _move(ALICE, 0, Claim.wrap(bytes32(uint256(1))), true);
        _move(PROPOSER, 1, Claim.wrap(bytes32(uint256(2))), true);
        _move(BOB, 2, Claim.wrap(bytes32(uint256(3))), false);
        uint256 deposited = address(game).balance;
        assertEq(
            deposited,
            BOND_BASE + game.claimData(1).bond + game.claimData(2).bond + game.claimData(3).bond
        );
        vm.expectRevert(GameNotInProgress.selector);
        game.claimCredit(PROPOSER);
        vm.warp(block.timestamp + 7 days);
        _resolveAll();
        address[3] memory who = [PROPOSER, ALICE, BOB];
        uint256 total;
        for (uint256 i = 0; i < 3; i++) {
            total += game.credit(who[i]);
        }
        assertEq(total, deposited, "credit == bonds");
        uint256 availableAt = block.timestamp + 1 days;
        vm.expectRevert(abi.encodeWithSelector(WithdrawalDelayNotPassed.selector, availableAt));
        game.claimCredit(PROPOSER);
        vm.warp(availableAt - 1);
        vm.expectRevert(abi.encodeWithSelector(WithdrawalDelayNotPassed.selector, availableAt));
        game.claimCredit(PROPOSER);
        vm.warp(availableAt);
        for (uint256 i = 0; i < 3; i++) {
            uint256 owed = game.credit(who[i]);
            uint256 before = who[i].balance;
            if (owed == 0) {
                vm.expectRevert(NoCreditToClaim.selector);
                game.claimCredit(who[i]);
                continue;
            }
            game.claimCredit(who[i]);
            assertEq(who[i].balance, before + owed, "paid");
            assertEq(game.credit(who[i]), 0);
            vm.expectRevert(NoCreditToClaim.selector);
            game.claimCredit(who[i]);
        }
        assertEq(address(game).balance, 0, "all paid out");
        vm.expectRevert(NoCreditToClaim.selector);
        game.claimCredit(CAROL);
    }
}

/// @title DisputeGame_Bond_Test
/// @notice `getRequiredBond` grows by `BOND_GROWTH` per level.
contract DisputeGame_Bond_Test is DisputeGameTestBase {
    /// @notice At depth 8 the bonds are exactly `BOND_BASE * 1.1^d` and the index at a depth
    ///         does not matter.
    function test_getRequiredBond_exact_succeeds() external view {
        uint256 expected = BOND_BASE;
        for (uint256 d = 0; d <= MAX_DEPTH; d++) {
            assertEq(impl.getRequiredBond(LibPosition.wrap(uint8(d), 0)), expected, "bond");
            if (d > 0) {
                assertEq(
                    impl.getRequiredBond(LibPosition.wrap(uint8(d), uint64((1 << d) - 1))), expected
                );
            }
            expected = expected * 11 / 10;
        }
    }

    /// @notice Up to depth 55 the bond tracks `BOND_BASE * 1.1^d` within 1e-12 and grows.
    function test_getRequiredBond_deep_succeeds() external {
        DisputeGame deep = _newImpl(IStepper(address(alphabet)), 55);
        uint256 expected = BOND_BASE * 1e18;
        uint256 previous;
        for (uint256 d = 0; d <= 55; d++) {
            uint256 bond = deep.getRequiredBond(LibPosition.wrap(uint8(d), 0));
            uint256 ref = expected / 1e18;
            uint256 diff = bond > ref ? bond - ref : ref - bond;
            assertLe(diff, ref / 1e12, "within rounding");
            if (d > 0) assertTrue(bond > previous, "monotone");
            previous = bond;
            expected = expected * 11 / 10;
        }
    }
}

/// @title DisputeGame_LocalData_Test
/// @notice `addLocalData` loads the extra data's entries into the oracle.
contract DisputeGame_LocalData_Test is DisputeGameTestBase {
    bytes32 internal constant WORD = bytes32(uint256(keccak256("a full word")));

    function setUp() public override {
        super.setUp();
        _useLocalEntries(2);
        _create(Claim.wrap(0), abi.encodePacked(uint8(4), bytes32(bytes4("axon")), uint8(32), WORD));
    }

    /// @notice Ident 0 and idents past the entries are rejected.
    function test_addLocalData_invalidLocalIdent_reverts() external {
        vm.expectRevert(abi.encodeWithSelector(InvalidLocalIdent.selector, 0));
        game.addLocalData(0, 0, 0);
        vm.expectRevert(abi.encodeWithSelector(InvalidLocalIdent.selector, 3));
        game.addLocalData(3, 0, 0);
    }

    /// @notice The oracle holds `u64_be(size) ‖ data` under the game's localized key.
    function test_addLocalData_loadsOracle_succeeds() external {
        bytes32 key = game.addLocalData(1, 0, 0);
        assertEq(
            key, LibPreimageKey.localize(LibPreimageKey.localKey(1), address(game), bytes32(0))
        );
        (bytes32 dat, uint256 len) = oracle.readPreimage(key, 0);
        assertEq(len, 12);
        assertEq(dat, bytes32(abi.encodePacked(uint64(4), bytes4("axon"))));
        (dat, len) = oracle.readPreimage(key, 8);
        assertEq(len, 4);
        assertEq(dat, bytes32(bytes4("axon")));

        bytes32 key2 = game.addLocalData(2, 0, 32);
        assertTrue(key2 != key, "another key");
        (dat, len) = oracle.readPreimage(key2, 32);
        assertEq(len, 8);
        assertEq(dat, bytes32(uint256(WORD) << 192));
        game.addLocalData(2, 0, 0);
        (dat, len) = oracle.readPreimage(key2, 8);
        assertEq(len, 24);
        assertEq(dat, bytes32(uint256(WORD) >> 64 << 64));
    }

    /// @notice A resolved game loads nothing.
    function test_addLocalData_gameNotInProgress_reverts() external {
        vm.warp(block.timestamp + 7 days);
        _resolveAll();
        vm.expectRevert(GameNotInProgress.selector);
        game.addLocalData(1, 0, 0);
    }
}
