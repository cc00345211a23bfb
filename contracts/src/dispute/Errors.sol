// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { Claim, GameType } from "src/dispute/lib/Types.sol";
import { IDisputeGame } from "src/dispute/interfaces/IDisputeGame.sol";

////////////////////////////////////////////////////////////////
//                   `DisputeGame` errors                     //
////////////////////////////////////////////////////////////////

/// @notice Thrown by the constructor when the maximum game depth is 0 or above 62.
error InvalidMaxGameDepth(uint256 maxGameDepth);

/// @notice Thrown by the constructor when a split depth is set (non-zero) but leaves no
///         execution subgame of at least one level below it (`splitDepth + 2 > maxGameDepth`).
error InvalidSplitDepth(uint256 splitDepth);

/// @notice Thrown by the constructor when the clock is longer than a claim's 24-bit duration
///         field holds (2^24 - 1 seconds, 194 days).
error InvalidClockDuration();

/// @notice Thrown by the constructor when the clock extensions are not
///         `0 < clockExtension <= leafClockExtension <= maxClockDuration / 2`.
error InvalidClockExtension();

/// @notice Thrown at deployment when the leaf clock extension is shorter than the oracle's
///         challenge period: a player about to step might not get the data it reads final in
///         time (an inference result claimed when the step comes).
error LeafClockExtensionTooShort(uint256 leafClockExtension, uint256 challengePeriod);

/// @notice Thrown by the constructor when a bond parameter is zero or the growth factor below 1.
error InvalidBondParameters();

/// @notice Thrown when `initialize` is called by anyone but the factory, or twice.
error AlreadyInitialized();

/// @notice Thrown when the root claim's status byte is no VM status (above 3).
error InvalidRootClaimStatus(uint8 status);

/// @notice Thrown when the extra data is not one canonical 33-byte local-data entry
///         (`uint8 size ‖ bytes32 word`, size at most 32, the word zero past size) for each
///         local datum the program reads.
error InvalidExtraData();

/// @notice Thrown when a move, step or resolution is made on a game that is already resolved.
error GameNotInProgress();

/// @notice Thrown when a claim index does not name a claim of the game.
error InvalidClaimIndex(uint256 index);

/// @notice Thrown when the claim a move disputes is not the claim at the parent index (the
///         parent index names another claim than the mover saw).
error InvalidDisputedClaim(Claim expected, Claim given);

/// @notice Thrown when a move would defend the root claim, or the root of an execution
///         subgame (the first claim below the split depth).
error CannotDefendRootClaim();

/// @notice Thrown when the root of an execution subgame (a move to the split depth plus one)
///         carries a status that does not match what its mover says of the disputed unit: an
///         invalid or panicked execution (1 or 2) against a commitment of the other side, a
///         valid one (0) for a commitment of its own side.
error UnexpectedExecutionRoot(uint8 status);

/// @notice Thrown when the split-depth data of a claim at or above the split depth is asked
///         for: only claims of an execution subgame have a disputed unit.
error ClaimAboveSplit(uint256 index);

/// @notice Thrown when a move would go below the maximum game depth.
error GameDepthExceeded();

/// @notice Thrown when a move's value is not the bond its position requires.
error IncorrectBondAmount(uint256 required, uint256 given);

/// @notice Thrown when a move would add a claim beyond the most a game holds (2^24 - 2).
error TooManyClaims();

/// @notice Thrown when the mover's side has no time left on its clock.
error ClockTimeExceeded();

/// @notice Thrown when `step` is called on a claim that is not at the maximum depth.
error NotALeafClaim();

/// @notice Thrown when the state data does not hash to the step's pre-state claim.
error InvalidPrestate(bytes32 expected, bytes32 given);

/// @notice Thrown when a step would not counter the claim: the VM agrees with its side.
error ValidStep();

/// @notice Thrown when a leaf claim was already countered by a step.
error DuplicateStep();

/// @notice Thrown when a claim is resolved before its challenger's clock has run out.
error ClockNotExpired();

/// @notice Thrown when a claim is resolved twice.
error ClaimAlreadyResolved();

/// @notice Thrown when a claim is resolved before all of its children, or the game before
///         its root claim.
error OutOfOrderResolution();

/// @notice Thrown when local data is asked for an index the extra data holds no entry for.
error InvalidLocalIdent(uint256 ident);

/// @notice Thrown when credit is claimed before the withdrawal delay has passed since the game
///         was resolved.
error WithdrawalDelayNotPassed(uint256 availableAt);

/// @notice Thrown when there is no credit to claim.
error NoCreditToClaim();

/// @notice Thrown when paying out credit fails.
error BondTransferFailed();

////////////////////////////////////////////////////////////////
//               `DisputeGameFactory` errors                  //
////////////////////////////////////////////////////////////////

/// @notice Thrown when a game type has no implementation.
error NoImplementation(GameType gameType);

/// @notice Thrown when a game for the same type, root claim and extra data already exists.
error GameAlreadyExists(bytes32 uuid);

/// @notice Thrown when a caller other than the owner changes the factory.
error NotOwner();

/// @notice Thrown when the 2^32 - 2 player ids are used up.
error TooManyPlayers();

////////////////////////////////////////////////////////////////
//                    `LibGameOutput` errors                  //
////////////////////////////////////////////////////////////////

/// @notice Thrown when an output is read from a game whose root claim has not (or not yet)
///         won.
error GameNotWon(IDisputeGame game);

/// @notice Thrown when the final state given does not hash to the game's root claim.
error FinalStateMismatch(bytes32 rootClaim, bytes32 stateHash);

/// @notice Thrown when the final state is not that of a program that exited 0 (its status).
error ProgramDidNotSucceed(uint8 status);

/// @notice Thrown when the commitment proof has bytes after its one memory proof.
error InvalidCommitmentProof();

////////////////////////////////////////////////////////////////
//                  `OptimisticClaims` errors                 //
////////////////////////////////////////////////////////////////

/// @notice Thrown when a claimed final state does not carry the status of a program that
///         exited 0: only successful runs produce an output to accept.
error ClaimNotValidStatus(uint8 status);

/// @notice Thrown when a claim is bonded although its game already exists (it is adopted,
///         and its bond was paid by whoever created it).
error GameAlreadyBonded(IDisputeGame game);

/// @notice Thrown when a game is not the factory's game of this contract's game type, as a
///         clone of the implementation the type had when the contract was deployed.
error UnknownGame(IDisputeGame game);

/// @notice Thrown at deployment when the game type has no implementation.
error NoGameImplementation(GameType gameType);

/// @notice Thrown when a claim would create a game while the factory's implementation of the
///         game type is no longer the one it had when the contract was deployed: that game's
///         output could never be accepted (`UnknownGame`), and its bond would be lost.
error GameImplementationChanged(GameType gameType, IDisputeGame implementation);
