// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { DisputeGameTestBase } from "test/dispute/DisputeGameTestBase.sol";
import { DisputeGame } from "src/dispute/DisputeGame.sol";
import {
    Claim,
    ClaimData,
    Duration,
    GameStatus,
    GameType,
    Position
} from "src/dispute/lib/Types.sol";
import { LibPosition } from "src/dispute/lib/LibPosition.sol";

/// @title DisputeActors
/// @notice Players that follow op-challenger's solver over their own trace: an actor counters
///         the root if it disagrees with it and every claim that answers one of its own claims
///         (once each, never its own): a claim it agrees with is defended, one it disagrees
///         with attacked, each with the actor's value at the new position; at the leaves it
///         steps instead (attack from the state at the leaf's trace index when it disagrees,
///         defend from the state one further when it agrees). An actor's trace is honest for
///         the states after at most `divergence` steps and wrong (its own wrong values) after;
///         `HONEST` never diverges. A dishonest actor's step attempt may only succeed
///         against another liar's leaf.
abstract contract DisputeActors is DisputeGameTestBase {
    /// @notice The divergence of the honest trace.
    uint256 internal constant HONEST = type(uint256).max;

    /// @notice One player.
    struct Actor {
        address addr;
        uint256 divergence;
    }

    Actor[] internal actors;
    /// @notice Whether an actor has answered a claim already.
    mapping(address => mapping(uint256 => bool)) internal replied;
    /// @notice The bonds each account paid into the game.
    mapping(address => uint256) internal bondsPaid;
    /// @notice All bonds paid into the game.
    uint256 internal totalBonds;
    /// @notice How many honest steps were made, and the pre-state step count of the last.
    uint256 internal steps;
    uint256 internal lastStep;

    /// @notice The game type and depth the actors play.
    GameType internal playType = GAME_TYPE;
    uint256 internal playDepth = MAX_DEPTH;

    /// @notice Adds a player with trace divergence `_divergence`.
    function _addActor(address _addr, uint256 _divergence) internal returns (uint256 id_) {
        id_ = actors.length;
        actors.push(Actor({ addr: _addr, divergence: _divergence }));
    }

    /// @notice The state hash after `_n` honest steps.
    function _honestState(uint256 _n) internal view virtual returns (Claim) {
        return Claim.wrap(alphabet.stateAt(_n));
    }

    /// @notice The pre-state witness of the step from the state after `_n` steps.
    function _witness(uint256 _n)
        internal
        virtual
        returns (bytes memory stateData_, bytes memory proof_)
    {
        return (_stateData(_n), "");
    }

    /// @notice The actor's claim at `_position`.
    function _value(uint256 _actor, Position _position) internal view returns (Claim) {
        Actor memory a = actors[_actor];
        uint256 n = _position.traceIndex(uint8(playDepth)) + 1;
        if (n <= a.divergence) return _honestState(n);
        return Claim.wrap(keccak256(abi.encode("wrong", a.addr, Position.unwrap(_position))) >> 8);
    }

    /// @notice Whether the actor counts claim `_index` as its own.
    function _isOwn(
        uint256 _actor,
        uint256 _index,
        ClaimData memory _c
    )
        internal
        view
        returns (bool)
    {
        if (_c.claimant == actors[_actor].addr) return true;
        return _index == 0 && Claim.unwrap(_c.claim) == Claim.unwrap(_value(_actor, _c.position));
    }

    /// @notice The actor proposes the root claim of a new game.
    function _propose(uint256 _actor, bytes memory _extraData) internal returns (DisputeGame) {
        address who = actors[_actor].addr;
        uint256 bond = BOND_BASE;
        Claim rootClaim = _value(_actor, LibPosition.wrap(0, 0));
        vm.deal(who, who.balance + bond);
        vm.prank(who);
        game = DisputeGame(
            payable(address(factory.create{ value: bond }(playType, rootClaim, _extraData)))
        );
        bondsPaid[who] += bond;
        totalBonds += bond;
        return game;
    }

    /// @notice Moves against `_parent` as `_who` and books the bond.
    function _bondedMove(address _who, uint256 _parent, Claim _claim, bool _isAttack) internal {
        ClaimData memory parent = game.claimData(_parent);
        uint256 bond = game.getRequiredBond(parent.position.move(_isAttack));
        vm.deal(_who, _who.balance + bond);
        vm.prank(_who);
        game.move{ value: bond }(parent.claim, _parent, _claim, _isAttack);
        bondsPaid[_who] += bond;
        totalBonds += bond;
    }

    /// @notice Called before an honest step from the state after `_n` steps against the leaf
    ///         at `_claimIndex`.
    function _beforeStep(uint256 _n, uint256 _claimIndex, bool _isAttack) internal virtual { }

    /// @notice One turn of the actor over the claims that exist now; returns its actions.
    function _act(uint256 _actor) internal returns (uint256 actions_) {
        Actor memory a = actors[_actor];
        uint256 len = game.claimDataLen();
        for (uint256 i = 0; i < len; i++) {
            if (replied[a.addr][i]) continue;
            ClaimData memory c = game.claimData(i);
            if (_isOwn(_actor, i, c)) continue;
            if (i != 0 && !_isOwn(_actor, c.parentIndex, game.claimData(c.parentIndex))) continue;
            replied[a.addr][i] = true;
            bool agree = Claim.unwrap(c.claim) == Claim.unwrap(_value(_actor, c.position));
            if (c.position.depth() < playDepth) {
                _bondedMove(a.addr, i, _value(_actor, c.position.move(!agree)), !agree);
                actions_++;
                continue;
            }
            if (c.counteredBy != address(0)) continue;
            uint256 n = c.position.traceIndex(uint8(playDepth)) + (agree ? 1 : 0);
            if (a.divergence == HONEST) {
                _beforeStep(n, i, !agree);
                (bytes memory stateData, bytes memory proof) = _witness(n);
                vm.prank(a.addr);
                game.step(i, !agree, stateData, proof);
                assertEq(game.claimData(i).counteredBy, a.addr, "stepped");
                steps++;
                lastStep = n;
                actions_++;
            } else {
                (bytes memory stateData, bytes memory proof) = (_stateData(n), bytes(""));
                vm.prank(a.addr);
                try game.step(i, !agree, stateData, proof) {
                    // A liar may beat another liar's leaf, never an honest one.
                    assertFalse(_isHonest(c.claimant), "a dishonest step beat an honest leaf");
                    actions_++;
                } catch { }
            }
        }
    }

    /// @notice Whether `_who` is an honest actor.
    function _isHonest(address _who) internal view returns (bool) {
        for (uint256 a = 0; a < actors.length; a++) {
            if (actors[a].addr == _who && actors[a].divergence == HONEST) return true;
        }
        return false;
    }

    /// @notice Lets every actor take turns, an hour each, until a round passes without action.
    function _playOut() internal {
        for (uint256 round = 0; round < 4 * playDepth; round++) {
            uint256 actions;
            for (uint256 a = 0; a < actors.length; a++) {
                actions += _act(a);
                vm.warp(block.timestamp + 1 hours);
            }
            if (actions == 0) return;
        }
        fail("the game did not end");
    }

    /// @notice Runs all clocks out and resolves every claim and the game.
    function _finish() internal returns (GameStatus status_) {
        vm.warp(block.timestamp + Duration.unwrap(MAX_CLOCK));
        assertEq(address(game).balance, totalBonds, "the game holds every bond");
        status_ = _resolveAll();
    }

    /// @notice Credit adds up to the bonds, honest actors get at least their bonds back, and
    ///         every account is paid its credit after the withdrawal delay.
    function _checkPayouts(address[] memory _who) internal {
        uint256 total;
        for (uint256 i = 0; i < _who.length; i++) {
            total += game.credit(_who[i]);
        }
        assertEq(total, totalBonds, "credit == bonds");
        for (uint256 a = 0; a < actors.length; a++) {
            if (actors[a].divergence == HONEST) {
                assertTrue(
                    game.credit(actors[a].addr) >= bondsPaid[actors[a].addr], "honest refunded"
                );
            }
        }
        vm.warp(block.timestamp + 1 days);
        for (uint256 i = 0; i < _who.length; i++) {
            uint256 owed = game.credit(_who[i]);
            if (owed == 0) continue;
            uint256 before = _who[i].balance;
            game.claimCredit(_who[i]);
            assertEq(_who[i].balance, before + owed, "paid");
        }
        assertEq(address(game).balance, 0, "all paid");
    }

    /// @notice Every actor's address, then `_extra`.
    function _accounts(address _extra) internal view returns (address[] memory all_) {
        all_ = new address[](actors.length + (_extra == address(0) ? 0 : 1));
        for (uint256 a = 0; a < actors.length; a++) {
            all_[a] = actors[a].addr;
        }
        if (_extra != address(0)) all_[actors.length] = _extra;
    }
}
