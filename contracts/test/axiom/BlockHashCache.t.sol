// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { AxiomTestBase } from "test/axiom/AxiomTestBase.sol";
import { DisputeGame } from "src/dispute/DisputeGame.sol";
import { IDisputeGame } from "src/dispute/interfaces/IDisputeGame.sol";
import { OutputProof } from "src/dispute/lib/LibGameOutput.sol";
import { Claim } from "src/dispute/lib/Types.sol";
import {
    ClaimNotValidStatus,
    FinalStateMismatch,
    GameAlreadyBonded,
    GameImplementationChanged,
    GameNotWon,
    InvalidCommitmentProof,
    ProgramDidNotSucceed,
    UnknownGame
} from "src/dispute/Errors.sol";
import { InvalidMemoryProof } from "src/riscv/Errors.sol";
import { BlockHashCache } from "src/axiom/BlockHashCache.sol";
import { IBlockHashCache } from "src/axiom/interfaces/IBlockHashCache.sol";
import {
    BlockHashUnavailable,
    IncompleteGroup,
    NextGroupMismatch,
    NotRecentlyAnchored,
    OutputMismatch,
    StaleUpdate
} from "src/axiom/Errors.sol";
import { RISCV } from "src/riscv/RISCV.sol";
import { PreimageOracle } from "src/PreimageOracle.sol";
import { IInferenceResults } from "src/interfaces/IInferenceResults.sol";
import { IPreimageOracle } from "src/interfaces/IPreimageOracle.sol";

/// @title BlockHashCache_Test
/// @notice Claims and updates of the block-hash cache with the header-chain guest's real runs
///         from the fixture: group 1024 up to block 1500 from a recent anchor, then group 0
///         from the `prevHash` that update cached; every way an update is refused; and
///         `isBlockHashValid` on real witnesses.
contract BlockHashCache_Test is AxiomTestBase {
    /// @notice A verifier other than the registered one: a game implementation over it is
    ///         another implementation of the game type.
    function _anotherVerifier() internal returns (RISCV) {
        return
            new RISCV(IPreimageOracle(address(new PreimageOracle(IInferenceResults(address(0))))));
    }

    event UpdateEvent(uint32 startBlockNumber, bytes32 prevHash, bytes32 root, uint32 numFinal);

    function _claimRecent() internal returns (IDisputeGame game_) {
        vm.prank(PROPOSER);
        game_ = cache.claimRecent{ value: _bond() }(
            1500, Claim.wrap(_bytes32(".recent.run.stateHash"))
        );
    }

    function _entry(BlockHashCache.GroupUpdate memory _u) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(_u.prevHash, _u.root, _u.numFinal));
    }

    function test_updateRecent_succeeds() external {
        IDisputeGame game = _claimRecent();
        assertTrue(cache.recentlyAnchored(game));
        assertEq(game.extraData(), abi.encodePacked(uint8(32), _bytes32(".recent.anchor")));
        _win(game);
        BlockHashCache.GroupUpdate memory update = _update(".recent.run");
        assertEq(uint256(update.start), 1024);
        assertEq(uint256(update.numFinal), 477);
        vm.expectEmit(true, true, true, true, address(cache));
        emit UpdateEvent(1024, update.prevHash, update.root, 477);
        cache.updateRecent(_outputProof(game, ".recent.run"), update);
        assertEq(cache.historicalRoots(1024), _entry(update));
    }

    function test_updateOld_succeeds() external {
        _cacheRecentGroup();
        BlockHashCache.GroupUpdate memory next = _update(".recent.run");
        bytes32 anchor = _bytes32(".old.anchor");
        assertEq(anchor, next.prevHash, "group 0 ends where group 1024 starts");
        vm.prank(PROPOSER);
        IDisputeGame game =
            cache.claimOld{ value: _bond() }(anchor, Claim.wrap(_bytes32(".old.run.stateHash")));
        _win(game);
        BlockHashCache.GroupUpdate memory update = _update(".old.run");
        assertEq(uint256(update.start), 0);
        assertEq(update.prevHash, bytes32(0), "genesis has no parent");
        cache.updateOld(next.root, next.numFinal, _outputProof(game, ".old.run"), update);
        assertEq(cache.historicalRoots(0), _entry(update));
    }

    /// @notice A won update applies once: replaying it, or an older one, cannot shrink an
    ///         entry.
    function test_updateRecent_replay_reverts() external {
        IDisputeGame game = _claimRecent();
        _win(game);
        OutputProof memory proof = _outputProof(game, ".recent.run");
        BlockHashCache.GroupUpdate memory update = _update(".recent.run");
        cache.updateRecent(proof, update);
        assertEq(uint256(cache.cachedNumFinal(1024)), 477);
        vm.expectRevert(
            abi.encodeWithSelector(StaleUpdate.selector, uint32(1024), uint32(477), uint32(477))
        );
        cache.updateRecent(proof, update);
    }

    /// @notice A game type pointed at another implementation after the cache was deployed
    ///         (the factory owner's power) makes games the cache does not accept: a won game
    ///         of the new implementation, created at the factory directly (a claim refuses to
    ///         create or adopt one), applies nothing.
    function test_updateOld_gameOfAnotherImplementation_reverts() external {
        _cacheRecentGroup();
        BlockHashCache.GroupUpdate memory next = _update(".recent.run");
        _register(_anotherVerifier(), HEADER_TYPE, ".recent.run.prestate");
        bytes memory extraData = cache.extraDataFor(_bytes32(".old.anchor"));
        uint256 bond = _bond();
        vm.prank(PROPOSER);
        IDisputeGame game = factory.create{ value: bond }(
            HEADER_TYPE, Claim.wrap(_bytes32(".old.run.stateHash")), extraData
        );
        _win(game);
        OutputProof memory proof = _outputProof(game, ".old.run");
        BlockHashCache.GroupUpdate memory update = _update(".old.run");
        vm.expectRevert(abi.encodeWithSelector(UnknownGame.selector, game));
        cache.updateOld(next.root, next.numFinal, proof, update);
    }

    /// @notice Once the game type points at another implementation, a claim that would create
    ///         a game reverts before the factory is called: no game, and the bond stays with
    ///         the claimant (the game could never be applied, so the bond would be lost).
    function test_claimRecent_gameImplementationChanged_reverts() external {
        _register(_anotherVerifier(), HEADER_TYPE, ".recent.run.prestate");
        IDisputeGame impl = factory.gameImpls(HEADER_TYPE);
        Claim finalState = Claim.wrap(_bytes32(".recent.run.stateHash"));
        bytes memory extraData = cache.extraDataFor(_bytes32(".recent.anchor"));
        uint256 bond = _bond();
        uint256 balance = PROPOSER.balance;
        uint256 games = factory.gameCount();
        vm.prank(PROPOSER);
        vm.expectRevert(
            abi.encodeWithSelector(GameImplementationChanged.selector, HEADER_TYPE, impl)
        );
        cache.claimRecent{ value: bond }(1500, finalState);
        assertEq(PROPOSER.balance, balance, "bond kept");
        assertEq(factory.gameCount(), games, "no game");
        (IDisputeGame game,) = factory.games(HEADER_TYPE, finalState, extraData);
        assertEq(address(game), address(0), "no game of the claim");
        // claimOld takes the same path.
        vm.prank(PROPOSER);
        vm.expectRevert(
            abi.encodeWithSelector(GameImplementationChanged.selector, HEADER_TYPE, impl)
        );
        cache.claimOld{ value: bond }(_bytes32(".recent.anchor"), finalState);
    }

    /// @notice Nor does a claim adopt an existing game of the new implementation.
    function test_claimRecent_existingGameOfAnotherImplementation_reverts() external {
        _register(_anotherVerifier(), HEADER_TYPE, ".recent.run.prestate");
        Claim finalState = Claim.wrap(_bytes32(".recent.run.stateHash"));
        bytes memory extraData = cache.extraDataFor(_bytes32(".recent.anchor"));
        uint256 bond = _bond();
        vm.prank(CHALLENGER);
        IDisputeGame created = factory.create{ value: bond }(HEADER_TYPE, finalState, extraData);
        vm.prank(PROPOSER);
        vm.expectRevert(abi.encodeWithSelector(UnknownGame.selector, created));
        cache.claimRecent(1500, finalState);
    }

    /// @notice A game of the deployment's implementation created before the type was pointed
    ///         elsewhere is still adopted and applied.
    function test_claimRecent_existingGameAfterImplementationChange_adopts() external {
        Claim finalState = Claim.wrap(_bytes32(".recent.run.stateHash"));
        bytes memory extraData = cache.extraDataFor(_bytes32(".recent.anchor"));
        uint256 bond = _bond();
        vm.prank(CHALLENGER);
        IDisputeGame created = factory.create{ value: bond }(HEADER_TYPE, finalState, extraData);
        _register(_anotherVerifier(), HEADER_TYPE, ".recent.run.prestate");
        vm.prank(PROPOSER);
        assertEq(address(cache.claimRecent(1500, finalState)), address(created));
        _win(created);
        cache.updateRecent(_outputProof(created, ".recent.run"), _update(".recent.run"));
        assertEq(cache.historicalRoots(1024), _entry(_update(".recent.run")));
    }

    function test_claimRecent_unavailableBlockhash_reverts() external {
        uint256 bond = _bond();
        Claim finalState = Claim.wrap(_bytes32(".recent.run.stateHash"));
        vm.prank(PROPOSER);
        vm.expectRevert(abi.encodeWithSelector(BlockHashUnavailable.selector, uint32(1200)));
        cache.claimRecent{ value: bond }(1200, finalState);
    }

    function test_claimRecent_unsuccessfulStatus_reverts() external {
        uint256 bond = _bond();
        bytes32 invalid = _bytes32(".recent.run.stateHash") << 8 >> 8 | bytes32(uint256(1) << 248);
        vm.prank(PROPOSER);
        vm.expectRevert(abi.encodeWithSelector(ClaimNotValidStatus.selector, uint8(1)));
        cache.claimRecent{ value: bond }(1500, Claim.wrap(invalid));
    }

    /// @notice A game created at the factory first is adopted, unbonded: nobody can block a
    ///         claim by creating its game.
    function test_claimRecent_existingGame_adopts() external {
        Claim finalState = Claim.wrap(_bytes32(".recent.run.stateHash"));
        bytes memory extraData = cache.extraDataFor(_bytes32(".recent.anchor"));
        uint256 bond = _bond();
        vm.prank(CHALLENGER);
        IDisputeGame created =
            factory.create{ value: bond }(cache.gameType(), finalState, extraData);
        vm.prank(PROPOSER);
        vm.expectRevert(abi.encodeWithSelector(GameAlreadyBonded.selector, created));
        cache.claimRecent{ value: bond }(1500, finalState);
        vm.prank(PROPOSER);
        assertEq(address(cache.claimRecent(1500, finalState)), address(created));
        _win(created);
        cache.updateRecent(_outputProof(created, ".recent.run"), _update(".recent.run"));
        assertEq(cache.historicalRoots(1024), _entry(_update(".recent.run")));
    }

    function test_updateRecent_unresolvedGame_reverts() external {
        IDisputeGame game = _claimRecent();
        OutputProof memory proof = _outputProof(game, ".recent.run");
        BlockHashCache.GroupUpdate memory update = _update(".recent.run");
        vm.expectRevert(abi.encodeWithSelector(GameNotWon.selector, game));
        cache.updateRecent(proof, update);
    }

    function test_updateRecent_counteredGame_reverts() external {
        IDisputeGame game = _claimRecent();
        _lose(game);
        OutputProof memory proof = _outputProof(game, ".recent.run");
        BlockHashCache.GroupUpdate memory update = _update(".recent.run");
        vm.expectRevert(abi.encodeWithSelector(GameNotWon.selector, game));
        cache.updateRecent(proof, update);
    }

    function test_updateRecent_otherOutput_reverts() external {
        IDisputeGame game = _claimRecent();
        _win(game);
        OutputProof memory proof = _outputProof(game, ".recent.run");
        BlockHashCache.GroupUpdate memory update = _update(".recent.run");
        bytes32 committed = keccak256(abi.encode(update));
        update.root = bytes32(uint256(update.root) ^ 1);
        bytes32 claimed = keccak256(abi.encode(update));
        vm.expectRevert(abi.encodeWithSelector(OutputMismatch.selector, committed, claimed));
        cache.updateRecent(proof, update);
    }

    function test_updateRecent_otherFinalState_reverts() external {
        IDisputeGame game = _claimRecent();
        _win(game);
        OutputProof memory proof = _outputProof(game, ".recent.run");
        proof.finalState[100] ^= 0x01; // a register
        bytes32 stateHash = keccak256(proof.finalState) << 8 >> 8;
        BlockHashCache.GroupUpdate memory update = _update(".recent.run");
        vm.expectRevert(
            abi.encodeWithSelector(FinalStateMismatch.selector, game.rootClaim(), stateHash)
        );
        cache.updateRecent(proof, update);
    }

    function test_updateRecent_wrongCommitmentProof_reverts() external {
        IDisputeGame game = _claimRecent();
        _win(game);
        OutputProof memory proof = _outputProof(game, ".recent.run");
        proof.commitmentProof[0] ^= 0x01; // the leaf
        BlockHashCache.GroupUpdate memory update = _update(".recent.run");
        vm.expectRevert(abi.encodeWithSelector(InvalidMemoryProof.selector, uint256(0)));
        cache.updateRecent(proof, update);

        proof = _outputProof(game, ".recent.run");
        proof.commitmentProof = bytes.concat(proof.commitmentProof, bytes1(0));
        vm.expectRevert(InvalidCommitmentProof.selector);
        cache.updateRecent(proof, update);
    }

    function test_updateRecent_oldClaim_reverts() external {
        vm.prank(PROPOSER);
        IDisputeGame game = cache.claimOld{ value: _bond() }(
            _bytes32(".recent.anchor"), Claim.wrap(_bytes32(".recent.run.stateHash"))
        );
        _win(game);
        OutputProof memory proof = _outputProof(game, ".recent.run");
        BlockHashCache.GroupUpdate memory update = _update(".recent.run");
        vm.expectRevert(abi.encodeWithSelector(NotRecentlyAnchored.selector, game));
        cache.updateRecent(proof, update);
    }

    /// @notice A won game of another program (here the storage-proof guest's type, with the
    ///         header-chain run's state) proves nothing about headers.
    function test_updateOld_otherGameType_reverts() external {
        _cacheRecentGroup();
        BlockHashCache.GroupUpdate memory next = _update(".recent.run");
        bytes memory extraData = cache.extraDataFor(_bytes32(".old.anchor"));
        uint256 bond = _bond();
        vm.prank(PROPOSER);
        IDisputeGame game = factory.create{ value: bond }(
            STORAGE_TYPE, Claim.wrap(_bytes32(".old.run.stateHash")), extraData
        );
        _win(game);
        OutputProof memory proof = _outputProof(game, ".old.run");
        BlockHashCache.GroupUpdate memory update = _update(".old.run");
        vm.expectRevert(abi.encodeWithSelector(UnknownGame.selector, game));
        cache.updateOld(next.root, next.numFinal, proof, update);
    }

    function test_updateOld_uncachedNextGroup_reverts() external {
        vm.prank(PROPOSER);
        IDisputeGame game = cache.claimOld{ value: _bond() }(
            _bytes32(".old.anchor"), Claim.wrap(_bytes32(".old.run.stateHash"))
        );
        _win(game);
        BlockHashCache.GroupUpdate memory next = _update(".recent.run");
        OutputProof memory proof = _outputProof(game, ".old.run");
        BlockHashCache.GroupUpdate memory update = _update(".old.run");
        vm.expectRevert(abi.encodeWithSelector(NextGroupMismatch.selector, uint32(1024)));
        cache.updateOld(next.root, next.numFinal, proof, update);
    }

    function test_updateOld_partialGroup_reverts() external {
        IDisputeGame game = _claimRecent();
        _win(game);
        OutputProof memory proof = _outputProof(game, ".recent.run");
        BlockHashCache.GroupUpdate memory update = _update(".recent.run");
        vm.expectRevert(abi.encodeWithSelector(IncompleteGroup.selector, uint32(477)));
        cache.updateOld(bytes32(0), 0, proof, update);
    }

    function test_isBlockHashValid_succeeds() external {
        IBlockHashCache.BlockHashWitness memory w = _witness(".witnesses[0]");
        assertFalse(cache.isBlockHashValid(w), "nothing cached yet");
        _cacheRecentGroup();
        assertTrue(cache.isBlockHashValid(w), "block 1100");
        assertTrue(cache.isBlockHashValid(_witness(".witnesses[1]")), "block 1500, the last");
    }

    function test_isBlockHashValid_wrongWitness_fails() external {
        _cacheRecentGroup();
        IBlockHashCache.BlockHashWitness memory w = _witness(".witnesses[0]");
        w.claimedBlockHash ^= bytes32(uint256(1));
        assertFalse(cache.isBlockHashValid(w), "another hash");
        w = _witness(".witnesses[0]");
        w.merkleProof[3] ^= bytes32(uint256(1));
        assertFalse(cache.isBlockHashValid(w), "another path");
        w = _witness(".witnesses[0]");
        w.blockNumber += 1;
        assertFalse(cache.isBlockHashValid(w), "another block");
        w = _witness(".witnesses[0]");
        w.numFinal = 1024;
        assertFalse(cache.isBlockHashValid(w), "another numFinal");
    }

    /// @notice Past `numFinal` a group's leaves are zero, so the one block past it with a
    ///         path to the root is one of hash zero, which V0 accepted: here neither a zero
    ///         hash nor a block past `numFinal` is valid.
    function test_isBlockHashValid_pastNumFinal_fails() external {
        _cacheRecentGroup();
        IBlockHashCache.BlockHashWitness memory w = _witness(".witnesses[1]");
        // Block 1501's leaf is zero and its path is block 1500's with the first sibling
        // swapped in: block 1500's hash.
        w.blockNumber = 1501;
        w.merkleProof[0] = w.claimedBlockHash;
        w.claimedBlockHash = bytes32(0);
        assertFalse(cache.isBlockHashValid(w), "a zero leaf past numFinal");
    }
}
