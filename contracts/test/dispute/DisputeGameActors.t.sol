// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { DisputeActors } from "test/dispute/DisputeActors.sol";
import { Claim, ClaimData, GameStatus, Position } from "src/dispute/lib/Types.sol";

/// @title DisputeGame_Actors_Test
/// @notice Whole games over the AlphabetVM trace between an honest actor and dishonest ones
///         whose traces diverge at a fuzzed step: the honest side wins every time, is refunded
///         at least its bonds, and the dishonest actors get nothing.
contract DisputeGame_Actors_Test is DisputeActors {
    address internal constant HONEST_ACTOR = address(0x1111);
    address internal constant LIAR = address(0x2222);
    address internal constant FREELOADER = address(0x3333);

    /// @notice A dishonest proposer loses to an honest challenger wherever its trace diverges.
    function testFuzz_play_dishonestProposer_succeeds(uint256 _divergence) external {
        uint256 divergence = bound(_divergence, 0, (1 << MAX_DEPTH) - 1);
        uint256 liar = _addActor(LIAR, divergence);
        _addActor(HONEST_ACTOR, HONEST);
        _propose(liar, "");
        _playOut();
        assertEq(steps, 1, "one step ends the bisection");
        assertEq(uint256(_finish()), uint256(GameStatus.CHALLENGER_WINS));
        assertEq(game.claimData(0).counteredBy, HONEST_ACTOR);
        assertEq(game.credit(LIAR), 0, "the liar loses every bond");
        _checkPayouts(_accounts(address(0)));
    }

    /// @notice A dishonest challenger of an honest root loses wherever its trace diverges.
    function testFuzz_play_dishonestChallenger_succeeds(uint256 _divergence) external {
        uint256 divergence = bound(_divergence, 0, (1 << MAX_DEPTH) - 1);
        uint256 honest = _addActor(HONEST_ACTOR, HONEST);
        _addActor(LIAR, divergence);
        _propose(honest, "");
        _playOut();
        assertTrue(game.claimDataLen() > 1, "the liar challenged");
        assertEq(uint256(_finish()), uint256(GameStatus.DEFENDER_WINS));
        assertEq(game.claimData(0).counteredBy, address(0));
        assertEq(game.credit(LIAR), 0, "the liar loses every bond");
        assertEq(game.credit(HONEST_ACTOR), totalBonds, "the honest actor takes all");
        _checkPayouts(_accounts(address(0)));
    }

    /// @notice An honest root nobody challenges wins on time and refunds its bond.
    function test_play_idleOpponent_succeeds() external {
        uint256 honest = _addActor(HONEST_ACTOR, HONEST);
        _propose(honest, "");
        _playOut();
        assertEq(game.claimDataLen(), 1);
        assertEq(uint256(_finish()), uint256(GameStatus.DEFENDER_WINS));
        assertEq(game.credit(HONEST_ACTOR), BOND_BASE);
        _checkPayouts(_accounts(address(0)));
    }

    /// @notice A dishonest root nobody challenges wins on time: the clock decides, not truth.
    function test_play_idleChallenger_succeeds() external {
        uint256 liar = _addActor(LIAR, 10);
        _propose(liar, "");
        _playOut();
        assertEq(uint256(_finish()), uint256(GameStatus.DEFENDER_WINS));
        assertEq(game.credit(LIAR), BOND_BASE);
    }

    /// @notice Wrong attacks by a third party against honest claims (the root, and a claim
    ///         deeper in the game) are countered by the honest actor, which takes their bonds.
    function testFuzz_play_freeloader_succeeds(uint256 _divergence) external {
        uint256 divergence = bound(_divergence, 0, (1 << MAX_DEPTH) - 1);
        uint256 honest = _addActor(HONEST_ACTOR, HONEST);
        uint256 liar = _addActor(LIAR, divergence);
        _propose(honest, "");
        _bondedMove(FREELOADER, 0, Claim.wrap(keccak256("free") >> 8), true);
        uint256 first = 1;
        // Let the liar and the honest actor play two turns, then freeload on an honest claim.
        _act(liar);
        _act(honest);
        uint256 target = _lastClaimOf(HONEST_ACTOR);
        assertTrue(target != 0, "an honest claim below the root");
        ClaimData memory t = game.claimData(target);
        _bondedMove(FREELOADER, target, Claim.wrap(keccak256("ride") >> 8), true);
        uint256 second = game.claimDataLen() - 1;
        assertTrue(
            Claim.unwrap(game.claimData(second).claim)
                != Claim.unwrap(_value(honest, t.position.move(true))),
            "the freeloader is wrong"
        );
        _playOut();
        assertEq(uint256(_finish()), uint256(GameStatus.DEFENDER_WINS));
        assertEq(game.claimData(first).counteredBy, HONEST_ACTOR);
        assertEq(game.claimData(second).counteredBy, HONEST_ACTOR);
        assertEq(game.credit(FREELOADER), 0, "the freeloader loses its bonds");
        assertEq(game.credit(LIAR), 0);
        assertEq(game.credit(HONEST_ACTOR), totalBonds);
        _checkPayouts(_accounts(FREELOADER));
    }

    /// @notice Three dishonest challengers with their own divergences at once all lose.
    function testFuzz_play_severalDishonest_succeeds(
        uint256 _d1,
        uint256 _d2,
        uint256 _d3
    )
        external
    {
        uint256 honest = _addActor(HONEST_ACTOR, HONEST);
        _addActor(address(0x2001), bound(_d1, 0, (1 << MAX_DEPTH) - 1));
        _addActor(address(0x2002), bound(_d2, 0, (1 << MAX_DEPTH) - 1));
        _addActor(address(0x2003), bound(_d3, 0, (1 << MAX_DEPTH) - 1));
        _propose(honest, "");
        _playOut();
        assertEq(uint256(_finish()), uint256(GameStatus.DEFENDER_WINS));
        for (uint256 a = 1; a < 4; a++) {
            assertEq(game.credit(actors[a].addr), 0, "every liar loses");
            assertTrue(bondsPaid[actors[a].addr] > 0, "every liar played");
        }
        assertEq(game.credit(HONEST_ACTOR), totalBonds);
        _checkPayouts(_accounts(address(0)));
    }

    /// @notice An honest challenger beats a dishonest proposer also when other liars attack
    ///         the proposer's claims with their own wrong traces.
    function testFuzz_play_dishonestProposerCrowd_succeeds(uint256 _d0, uint256 _d1) external {
        uint256 liar = _addActor(LIAR, bound(_d0, 0, (1 << MAX_DEPTH) - 1));
        _addActor(HONEST_ACTOR, HONEST);
        _addActor(address(0x2001), bound(_d1, 0, (1 << MAX_DEPTH) - 1));
        _propose(liar, "");
        _playOut();
        assertEq(uint256(_finish()), uint256(GameStatus.CHALLENGER_WINS));
        assertTrue(game.credit(HONEST_ACTOR) >= bondsPaid[HONEST_ACTOR], "honest refunded");
        _checkPayouts(_accounts(address(0)));
    }

    /// @notice The index of the newest claim of `_who`.
    function _lastClaimOf(address _who) internal view returns (uint256 index_) {
        for (uint256 i = 0; i < game.claimDataLen(); i++) {
            if (game.claimData(i).claimant == _who) index_ = i;
        }
    }
}
