// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { IDisputeGame } from "src/dispute/interfaces/IDisputeGame.sol";
import { IPlayerRegistry } from "src/dispute/interfaces/IPlayerRegistry.sol";
import { IStepper } from "src/interfaces/IStepper.sol";
import { IPreimageOracle } from "src/interfaces/IPreimageOracle.sol";
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

/// @title DisputeGame
/// @notice The bisection dispute game over an Axon VM execution trace, modelled on Optimism's
///         `FaultDisputeGame` (docs/dispute.md has the rules and the reasons).
///
///         The root claim is the state hash after `2^MAX_GAME_DEPTH` steps of the program whose
///         initial state is `ABSOLUTE_PRESTATE`, reading the local data in the extra data (a
///         trace that halts earlier is padded with its final state: a step on a halted state is
///         a no-op). Players bisect the trace with `attack` and `defend` moves, each bonded,
///         until two adjacent claims sit at the maximum depth; `step` then runs the one
///         instruction between them in the on-chain VM and counters the side it proves wrong.
///         Each side has a chess clock of `MAX_CLOCK_DURATION`; a claim whose challenger's clock
///         ran out can be resolved, bottom-up and in chunks. Each resolved claim's bond goes to
///         its leftmost uncountered child's claimant, else to whoever stepped against it, else
///         back to its claimant; credit is withdrawn `WITHDRAWAL_DELAY` after resolution.
///
///         A game type may have a split depth (Optimism's `SPLIT_DEPTH`): claims down to it
///         commit to an application's units (the state after each operator of a model, each
///         block, each group of headers), the root to the commitment after `2^SPLIT_DEPTH`
///         units; each claim one level below it roots an execution subgame over the one unit
///         in dispute, whose claims are state hashes of the program run on that unit. The
///         game binds that run's inputs itself: the agreed and the disputed commitments and
///         the unit's number are read from the claims above and served as local data.
///
///         One deployment is the implementation of one game type; the factory makes EIP-1167
///         clones of it. A claim takes two fresh storage slots (the claim, and everything else
///         packed with the claimant as a registry id) so a move stays under 100k gas.
contract DisputeGame is IDisputeGame {
    /// @notice One claim in storage: two slots. Holding both sides' clocks makes a move read
    ///         only its parent: the mover's time is the parent's `parentDuration` plus the
    ///         time since the parent.
    /// @param claim The claimed state hash.
    /// @param playerId The claimant's registry id.
    /// @param parentIndex The index of the claim it answers (`ROOT_PARENT` for the root).
    /// @param position Where it sits in the game tree (a `Position`: below 2^63 at depth 62).
    /// @param duration The time its claimant's side had used when it was made (a `Duration`;
    ///        24 bits hold any clock the constructor accepts).
    /// @param parentDuration The time the other side had used then (its parent's `duration`;
    ///        32 bits fill the slot, so a move writes it without reading it first).
    /// @param timestamp When it was made.
    /// @param lastChild One plus the index of its newest child (0: no child).
    /// @param prevSibling One plus the index of the next older child of its parent (0: none).
    struct StoredClaim {
        Claim claim;
        uint32 playerId;
        uint24 parentIndex;
        uint64 position;
        uint24 duration;
        uint32 parentDuration;
        Timestamp timestamp;
        uint24 lastChild;
        uint24 prevSibling;
    }

    /// @notice The game's own state, in one slot.
    /// @param status The outcome so far.
    /// @param initialized Whether `initialize` has run.
    /// @param claimCount How many claims the game holds.
    /// @param createdAt When the game was created.
    /// @param resolvedAt When the game was resolved.
    struct Header {
        GameStatus status;
        bool initialized;
        uint32 claimCount;
        Timestamp createdAt;
        Timestamp resolvedAt;
    }

    /// @notice Where the resolution of one claim stands: one slot, written once when the claim
    ///         resolves in one call, once more per extra chunk otherwise.
    /// @param resolved Whether the claim's subgame is resolved.
    /// @param started Whether the walk over the children has begun.
    /// @param cursor One plus the index of the next child to look at (0: done).
    /// @param leftmostIndex The index of the leftmost uncountered child seen so far.
    /// @param leftmostPosition Its position (the maximum `uint64` while none was seen).
    struct ResolutionCheckpoint {
        bool resolved;
        bool started;
        uint32 cursor;
        uint32 leftmostIndex;
        Position leftmostPosition;
    }

    /// @notice The semantic version of the game.
    string public constant version = "1.0.0";

    /// @notice The parent index of the root claim.
    uint24 internal constant ROOT_PARENT = type(uint24).max;

    /// @notice The most claims a game holds: claim indices are 24 bits (`ROOT_PARENT` excluded),
    ///         which at 100k gas a claim is far more than any block range can carry.
    uint256 internal constant MAX_CLAIMS = type(uint24).max - 1;

    /// @notice The deepest supported game: positions stay below 2^63 (64-bit `Position`s), so
    ///         a split game can have 2^20 units above its split and 2^41 steps below.
    uint256 internal constant MAX_SUPPORTED_DEPTH = 62;

    /// @notice The leftmost position of a resolution that has seen no uncountered child: above
    ///         every real position (those are below 2^63).
    Position internal constant NO_POSITION = Position.wrap(type(uint64).max);

    /// @notice Bytes of one local-data entry of the extra data: `uint8 size ‖ bytes32 word`.
    uint256 internal constant LOCAL_ENTRY_BYTES = 33;

    /// @notice The fixed-point unit of `BOND_GROWTH`.
    uint256 internal constant WAD = 1e18;

    /// @notice The local context of every step of a game without a split: the game is the
    ///         caller that localizes keys, and it runs one program over one input.
    bytes32 internal constant NO_CONTEXT = bytes32(0);

    /// @notice The local data a split game adds after its extra data's entries, for an
    ///         execution subgame: the agreed commitment, the disputed one, and the number of
    ///         the disputed unit (see `addLocalData`).
    uint256 internal constant SPLIT_LOCAL_ENTRIES = 3;

    /// @notice The VM statuses an execution subgame's root may carry (`AxonABI`'s).
    uint8 internal constant STATUS_VALID = 0;
    uint8 internal constant STATUS_INVALID = 1;
    uint8 internal constant STATUS_PANIC = 2;

    /// @notice The game type this implementation plays.
    GameType internal immutable GAME_TYPE;
    /// @notice The state hash of the program before its first step.
    Claim internal immutable ABSOLUTE_PRESTATE;
    /// @notice The depth of the leaves: the root claims the state after `2^MAX_GAME_DEPTH`
    ///         steps.
    uint256 internal immutable MAX_GAME_DEPTH;
    /// @notice The depth of the last claims over units (0: no split, one execution trace).
    uint256 internal immutable SPLIT_DEPTH;
    /// @notice The time each side has on its clock.
    Duration internal immutable MAX_CLOCK_DURATION;
    /// @notice The time a mover is guaranteed for its next move.
    Duration internal immutable CLOCK_EXTENSION;
    /// @notice The time a mover is guaranteed when its next move is a step.
    Duration internal immutable LEAF_CLOCK_EXTENSION;
    /// @notice The one-step verifier.
    IStepper internal immutable VM;
    /// @notice The registry of player ids (the factory).
    IPlayerRegistry internal immutable REGISTRY;
    /// @notice The bond of the root claim, in wei.
    uint256 internal immutable BOND_BASE;
    /// @notice The factor (in WAD) by which the bond grows with each level of depth.
    uint256 internal immutable BOND_GROWTH;
    /// @notice The time between resolution and the first withdrawal of credit.
    Duration internal immutable WITHDRAWAL_DELAY;
    /// @notice How many local data the program reads (local indices 1 to this): a game's
    ///         extra data holds exactly one entry for each, so every local read of the trace
    ///         can be loaded on chain and one input has exactly one encoding.
    uint256 internal immutable LOCAL_ENTRIES;

    /// @notice The game's own state.
    Header internal header;
    /// @notice The root claim, for `rootClaim()` without a second slot read.
    Claim internal root;
    /// @notice The local data the program reads (see `addLocalData`).
    bytes internal localData;
    /// @notice The claims, by index.
    mapping(uint256 => StoredClaim) internal claims;
    /// @notice Who stepped against each leaf claim. A claim with children is countered by its
    ///         leftmost uncountered child, which its resolution checkpoint records.
    mapping(uint256 => address) internal steppers;
    /// @notice Where the resolution of each claim stands.
    mapping(uint256 => ResolutionCheckpoint) public resolutionCheckpoints;
    /// @notice The wei each account may withdraw once the game is resolved.
    mapping(address => uint256) public credit;

    /// @notice Emitted for every move: `claim` answers the claim at `parentIndex`.
    event Move(uint256 indexed parentIndex, Claim indexed claim, address indexed claimant);

    /// @notice Emitted when `stepper` counters the leaf claim at `claimIndex`.
    event Step(uint256 indexed claimIndex, address indexed stepper, bool isAttack);

    /// @notice Emitted when the subgame rooted at `claimIndex` is resolved.
    event ClaimResolved(uint256 indexed claimIndex, address indexed counteredBy, address payee);

    /// @notice Emitted when `recipient` withdraws its credit.
    event CreditClaimed(address indexed recipient, uint256 amount);

    /// @param _params The game type's parameters (`GameParams`).
    /// @param _vm The one-step verifier.
    /// @param _registry The player registry (the factory).
    constructor(GameParams memory _params, IStepper _vm, IPlayerRegistry _registry) {
        uint256 maxDepth = _params.maxGameDepth;
        if (maxDepth == 0 || maxDepth > MAX_SUPPORTED_DEPTH) revert InvalidMaxGameDepth(maxDepth);
        if (_params.splitDepth != 0 && _params.splitDepth + 2 > maxDepth) {
            revert InvalidSplitDepth(_params.splitDepth);
        }
        uint32 maxClock = Duration.unwrap(_params.maxClockDuration);
        if (maxClock > type(uint24).max) revert InvalidClockDuration();
        uint32 extension = Duration.unwrap(_params.clockExtension);
        uint32 leafExtension = Duration.unwrap(_params.leafClockExtension);
        if (extension == 0 || extension > leafExtension || leafExtension > maxClock / 2) {
            revert InvalidClockExtension();
        }
        // A step may read data the oracle loads only once it is final (inference results):
        // the side about to step must have time for a claim of that data to become final
        // (Optimism checks its clock extension against the oracle's challenge period alike).
        uint256 challengePeriod = _vm.oracle().challengePeriod();
        if (leafExtension < challengePeriod) {
            revert LeafClockExtensionTooShort(leafExtension, challengePeriod);
        }
        if (_params.bondBase == 0 || _params.bondGrowth < WAD) revert InvalidBondParameters();
        // The deepest bond must not overflow (this bounds both the growth and the base).
        _params.bondBase * _power(_params.bondGrowth, maxDepth);

        GAME_TYPE = _params.gameType;
        ABSOLUTE_PRESTATE = _params.absolutePrestate;
        MAX_GAME_DEPTH = maxDepth;
        SPLIT_DEPTH = _params.splitDepth;
        MAX_CLOCK_DURATION = _params.maxClockDuration;
        CLOCK_EXTENSION = _params.clockExtension;
        LEAF_CLOCK_EXTENSION = _params.leafClockExtension;
        VM = _vm;
        REGISTRY = _registry;
        BOND_BASE = _params.bondBase;
        BOND_GROWTH = _params.bondGrowth;
        WITHDRAWAL_DELAY = _params.withdrawalDelay;
        LOCAL_ENTRIES = _params.localEntries;
        // The implementation itself is never played.
        header.initialized = true;
    }

    ////////////////////////////////////////////////////////////////
    //                         Creation                           //
    ////////////////////////////////////////////////////////////////

    /// @inheritdoc IDisputeGame
    function initialize(
        Claim _rootClaim,
        bytes calldata _extraData,
        address _creator
    )
        external
        payable
    {
        if (header.initialized || msg.sender != address(REGISTRY)) revert AlreadyInitialized();
        // A split game's root is a unit commitment, which carries no VM status.
        uint8 rootStatus = uint8(uint256(Claim.unwrap(_rootClaim)) >> 248);
        if (SPLIT_DEPTH == 0 && rootStatus > 3) revert InvalidRootClaimStatus(rootStatus);
        _checkExtraData(_extraData);
        Position rootPosition = LibPosition.wrap(0, 0);
        uint256 bond = getRequiredBond(rootPosition);
        if (msg.value != bond) revert IncorrectBondAmount(bond, msg.value);

        header = Header({
            status: GameStatus.IN_PROGRESS,
            initialized: true,
            claimCount: 1,
            createdAt: Timestamp.wrap(uint32(block.timestamp)),
            resolvedAt: Timestamp.wrap(0)
        });
        root = _rootClaim;
        localData = _extraData;
        claims[0] = StoredClaim({
            claim: _rootClaim,
            playerId: REGISTRY.register(_creator),
            parentIndex: ROOT_PARENT,
            position: uint64(Position.unwrap(rootPosition)),
            duration: 0,
            parentDuration: 0,
            timestamp: Timestamp.wrap(uint32(block.timestamp)),
            lastChild: 0,
            prevSibling: 0
        });
        emit Move(type(uint32).max, _rootClaim, _creator);
    }

    ////////////////////////////////////////////////////////////////
    //                          Moves                             //
    ////////////////////////////////////////////////////////////////

    /// @notice Answers the claim at `_parentIndex` with `_claim`, bonded with `msg.value`.
    /// @param _disputed The claim at `_parentIndex`, as the mover saw it.
    /// @param _parentIndex The index of the claim answered.
    /// @param _claim The mover's claim: the state hash at the new position.
    /// @param _isAttack Whether the parent is wrong (attack) or right (defend).
    function move(
        Claim _disputed,
        uint256 _parentIndex,
        Claim _claim,
        bool _isAttack
    )
        public
        payable
    {
        Header memory h = header;
        if (h.status != GameStatus.IN_PROGRESS) revert GameNotInProgress();
        if (_parentIndex >= h.claimCount) revert InvalidClaimIndex(_parentIndex);
        StoredClaim storage parent = claims[_parentIndex];
        if (Claim.unwrap(parent.claim) != Claim.unwrap(_disputed)) {
            revert InvalidDisputedClaim(parent.claim, _disputed);
        }
        // A defence of the root would bisect up to a trace index past the end of the tree, which
        // no claim commits to.
        if (!_isAttack && _parentIndex == 0) revert CannotDefendRootClaim();
        Position nextPosition = _positionOf(parent).move(_isAttack);
        uint256 nextDepth = nextPosition.depth();
        if (nextDepth > MAX_GAME_DEPTH) revert GameDepthExceeded();
        if (SPLIT_DEPTH != 0) _checkSplitMove(parent, nextDepth, _claim, _isAttack);
        uint256 bond = getRequiredBond(nextPosition);
        if (msg.value != bond) revert IncorrectBondAmount(bond, msg.value);

        Duration nextDuration = _moverDuration(parent, nextDepth);
        uint32 index = h.claimCount;
        if (index >= MAX_CLAIMS) revert TooManyClaims();
        claims[index] = StoredClaim({
            claim: _claim,
            playerId: REGISTRY.register(msg.sender),
            parentIndex: uint24(_parentIndex),
            position: uint64(Position.unwrap(nextPosition)),
            duration: uint24(Duration.unwrap(nextDuration)),
            parentDuration: parent.duration,
            timestamp: Timestamp.wrap(uint32(block.timestamp)),
            lastChild: 0,
            prevSibling: parent.lastChild
        });
        parent.lastChild = uint24(index + 1);
        header.claimCount = index + 1;
        emit Move(_parentIndex, _claim, msg.sender);
    }

    /// @notice `move` with `_isAttack` true: the claim at `_parentIndex` is wrong.
    function attack(Claim _disputed, uint256 _parentIndex, Claim _claim) external payable {
        move(_disputed, _parentIndex, _claim, true);
    }

    /// @notice `move` with `_isAttack` false: the claim at `_parentIndex` is right.
    function defend(Claim _disputed, uint256 _parentIndex, Claim _claim) external payable {
        move(_disputed, _parentIndex, _claim, false);
    }

    /// @notice Counters the leaf claim at `_claimIndex` by running one VM step on chain.
    /// @dev An attack steps from the state before the claim (the absolute prestate at trace
    ///      index 0, else the ancestor claim one trace index to the left) and shows the claim
    ///      wrong; a defence steps from the claim to the ancestor one trace index to the right
    ///      and shows that ancestor's side wrong. Which side a step proves wrong follows from
    ///      whether the post-state claim was made by the claimant's side (an even depth
    ///      difference): a valid step proves the post-state's side right.
    /// @param _claimIndex The leaf claim to counter.
    /// @param _isAttack Whether to step into the claim (attack) or out of it (defend).
    /// @param _stateData The encoded pre-state (210 bytes).
    /// @param _proof The step's memory proofs.
    function step(
        uint256 _claimIndex,
        bool _isAttack,
        bytes calldata _stateData,
        bytes calldata _proof
    )
        external
    {
        Header memory h = header;
        if (h.status != GameStatus.IN_PROGRESS) revert GameNotInProgress();
        if (_claimIndex >= h.claimCount) revert InvalidClaimIndex(_claimIndex);
        StoredClaim storage leaf = claims[_claimIndex];
        if (_positionOf(leaf).depth() != MAX_GAME_DEPTH) revert NotALeafClaim();
        if (steppers[_claimIndex] != address(0)) revert DuplicateStep();
        if (
            Duration.unwrap(getChallengerDuration(_claimIndex))
                >= Duration.unwrap(MAX_CLOCK_DURATION)
        ) {
            revert ClockTimeExceeded();
        }

        _checkStepCounters(leaf, _isAttack, _stateData, _proof, localContext(_claimIndex));
        steppers[_claimIndex] = msg.sender;
        emit Step(_claimIndex, msg.sender, _isAttack);
    }

    /// @notice Loads local datum `_ident` into the oracle under this game's key and the local
    ///         context of the execution the claim at `_execLeafIdx` belongs to, for a step
    ///         that reads it. Idents 1 to `LOCAL_ENTRIES` are the extra data's entries. A split
    ///         game adds, for the execution subgame of `_execLeafIdx` (any claim below the
    ///         split): `LOCAL_ENTRIES + 1` the agreed commitment before the disputed unit (zero
    ///         before the first), `+ 2` the disputed commitment, `+ 3` the unit's number as 8
    ///         big-endian bytes. A game without a split ignores `_execLeafIdx`.
    /// @param _ident The local index (1 for the program input).
    /// @param _execLeafIdx A claim of the execution subgame whose step reads the datum.
    /// @param _partOffset The offset into the datum's stream the step reads.
    /// @return key_ The localized key.
    function addLocalData(
        uint256 _ident,
        uint256 _execLeafIdx,
        uint256 _partOffset
    )
        external
        returns (bytes32 key_)
    {
        Header memory h = header;
        if (h.status != GameStatus.IN_PROGRESS) revert GameNotInProgress();
        bytes32 context = NO_CONTEXT;
        uint256 size;
        bytes32 word;
        if (SPLIT_DEPTH == 0) {
            if (_ident == 0 || _ident > LOCAL_ENTRIES) revert InvalidLocalIdent(_ident);
        } else {
            if (_ident == 0 || _ident > LOCAL_ENTRIES + SPLIT_LOCAL_ENTRIES) {
                revert InvalidLocalIdent(_ident);
            }
            if (_execLeafIdx >= h.claimCount) revert InvalidClaimIndex(_execLeafIdx);
            (Claim starting, Position startingPos, Claim disputed, Position disputedPos) =
                unitsAtSplit(_execLeafIdx);
            context = _localContext(starting, startingPos, disputed, disputedPos);
            if (_ident == LOCAL_ENTRIES + 1) {
                (size, word) = (32, Claim.unwrap(starting));
            } else if (_ident == LOCAL_ENTRIES + 2) {
                (size, word) = (32, Claim.unwrap(disputed));
            } else if (_ident == LOCAL_ENTRIES + 3) {
                uint256 unit = disputedPos.traceIndex(uint8(SPLIT_DEPTH));
                (size, word) = (8, bytes32(unit << 192));
            }
        }
        if (_ident <= LOCAL_ENTRIES) (size, word) = _extraDataEntry(_ident);
        key_ = VM.oracle().loadLocalData(_ident, context, word, size, _partOffset);
    }

    /// @notice The size and word of extra-data entry `_ident - 1`, read from its (at most two)
    ///         storage slots rather than the whole extra data: entries are 33 bytes, so any
    ///         non-empty extra data is in Solidity's long `bytes` layout, its content from slot
    ///         `keccak256(localData.slot)` on.
    function _extraDataEntry(uint256 _ident) internal view returns (uint256 size_, bytes32 word_) {
        assembly {
            let start := mul(sub(_ident, 1), LOCAL_ENTRY_BYTES)
            let offset := mod(start, 32)
            mstore(0, localData.slot)
            let slot := add(keccak256(0, 32), div(start, 32))
            let first := sload(slot)
            let second := sload(add(slot, 1))
            size_ := byte(offset, first)
            word_ := or(shl(mul(8, add(offset, 1)), first), shr(mul(8, sub(31, offset)), second))
        }
    }

    ////////////////////////////////////////////////////////////////
    //                        Resolution                          //
    ////////////////////////////////////////////////////////////////

    /// @notice Resolves (part of) the subgame rooted at `_claimIndex`: looks at up to
    ///         `_numToResolve` more of its children (0: all), which must be resolved already.
    ///         When the last child is seen, the claim's bond is credited (see the contract
    ///         notice) and the subgame is resolved.
    function resolveClaim(uint256 _claimIndex, uint256 _numToResolve) external {
        Header memory h = header;
        if (h.status != GameStatus.IN_PROGRESS) revert GameNotInProgress();
        if (_claimIndex >= h.claimCount) revert InvalidClaimIndex(_claimIndex);
        if (
            Duration.unwrap(getChallengerDuration(_claimIndex))
                < Duration.unwrap(MAX_CLOCK_DURATION)
        ) {
            revert ClockNotExpired();
        }
        ResolutionCheckpoint memory checkpoint = resolutionCheckpoints[_claimIndex];
        if (checkpoint.resolved) revert ClaimAlreadyResolved();

        StoredClaim storage subgameRoot = claims[_claimIndex];
        if (!checkpoint.started) {
            checkpoint = ResolutionCheckpoint({
                resolved: false,
                started: true,
                cursor: subgameRoot.lastChild,
                leftmostIndex: 0,
                leftmostPosition: NO_POSITION
            });
        }
        uint256 budget = _numToResolve == 0 ? type(uint256).max : _numToResolve;
        while (checkpoint.cursor != 0 && budget != 0) {
            uint32 child = checkpoint.cursor - 1;
            ResolutionCheckpoint memory childCheckpoint = resolutionCheckpoints[child];
            if (!childCheckpoint.resolved) revert OutOfOrderResolution();
            StoredClaim storage childClaim = claims[child];
            // Children are walked newest first, so on a tie the older (smaller index) wins.
            if (
                !_countered(child, childCheckpoint)
                    && childClaim.position <= Position.unwrap(checkpoint.leftmostPosition)
            ) {
                checkpoint.leftmostPosition = _positionOf(childClaim);
                checkpoint.leftmostIndex = child;
            }
            checkpoint.cursor = childClaim.prevSibling;
            unchecked {
                --budget;
            }
        }
        if (checkpoint.cursor != 0) {
            resolutionCheckpoints[_claimIndex] = checkpoint;
            return;
        }

        checkpoint.resolved = true;
        address counteredBy = _counteredBy(_claimIndex, checkpoint);
        address payee =
            counteredBy == address(0) ? REGISTRY.playerAddress(subgameRoot.playerId) : counteredBy;
        credit[payee] += getRequiredBond(_positionOf(subgameRoot));
        resolutionCheckpoints[_claimIndex] = checkpoint;
        emit ClaimResolved(_claimIndex, counteredBy, payee);
    }

    /// @inheritdoc IDisputeGame
    function resolve() external returns (GameStatus status_) {
        if (header.status != GameStatus.IN_PROGRESS) revert GameNotInProgress();
        if (!resolutionCheckpoints[0].resolved) revert OutOfOrderResolution();
        status_ = _countered(0, resolutionCheckpoints[0])
            ? GameStatus.CHALLENGER_WINS
            : GameStatus.DEFENDER_WINS;
        header.status = status_;
        header.resolvedAt = Timestamp.wrap(uint32(block.timestamp));
        emit Resolved(status_);
    }

    /// @notice Pays `_recipient` its credit, once the withdrawal delay has passed.
    function claimCredit(address _recipient) external {
        Header memory h = header;
        if (h.status == GameStatus.IN_PROGRESS) revert GameNotInProgress();
        uint256 availableAt =
            uint256(Timestamp.unwrap(h.resolvedAt)) + Duration.unwrap(WITHDRAWAL_DELAY);
        if (block.timestamp < availableAt) revert WithdrawalDelayNotPassed(availableAt);
        uint256 amount = credit[_recipient];
        if (amount == 0) revert NoCreditToClaim();
        credit[_recipient] = 0;
        (bool ok,) = _recipient.call{ value: amount }("");
        if (!ok) revert BondTransferFailed();
        emit CreditClaimed(_recipient, amount);
    }

    ////////////////////////////////////////////////////////////////
    //                          Views                             //
    ////////////////////////////////////////////////////////////////

    /// @notice The bond a claim at `_position` requires: `BOND_BASE * BOND_GROWTH^depth`.
    function getRequiredBond(Position _position) public view returns (uint256) {
        return BOND_BASE * _power(BOND_GROWTH, _position.depth()) / WAD;
    }

    /// @notice The time the side countering the claim at `_claimIndex` has used: what its
    ///         side had used when the claim was made plus the time since (at most the maximum).
    function getChallengerDuration(uint256 _claimIndex) public view returns (Duration) {
        StoredClaim storage c = claims[_claimIndex];
        uint256 used = uint256(c.parentDuration) + (block.timestamp - Timestamp.unwrap(c.timestamp));
        uint32 max = Duration.unwrap(MAX_CLOCK_DURATION);
        return Duration.wrap(used > max ? max : uint32(used));
    }

    /// @notice The claim at `_index`.
    function claimData(uint256 _index) external view returns (ClaimData memory data_) {
        if (_index >= header.claimCount) revert InvalidClaimIndex(_index);
        StoredClaim storage c = claims[_index];
        data_ = ClaimData({
            parentIndex: c.parentIndex == ROOT_PARENT ? type(uint32).max : c.parentIndex,
            counteredBy: _counteredBy(_index, resolutionCheckpoints[_index]),
            claimant: REGISTRY.playerAddress(c.playerId),
            bond: getRequiredBond(_positionOf(c)),
            claim: c.claim,
            position: _positionOf(c),
            duration: Duration.wrap(c.duration),
            timestamp: c.timestamp
        });
    }

    /// @notice Whether the subgame rooted at claim `_index` is resolved.
    function resolvedSubgames(uint256 _index) external view returns (bool) {
        return resolutionCheckpoints[_index].resolved;
    }

    /// @notice How many claims the game holds.
    function claimDataLen() external view returns (uint256) {
        return header.claimCount;
    }

    /// @inheritdoc IDisputeGame
    function status() external view returns (GameStatus) {
        return header.status;
    }

    /// @inheritdoc IDisputeGame
    function createdAt() external view returns (Timestamp) {
        return header.createdAt;
    }

    /// @inheritdoc IDisputeGame
    function resolvedAt() external view returns (Timestamp) {
        return header.resolvedAt;
    }

    /// @inheritdoc IDisputeGame
    function rootClaim() external view returns (Claim) {
        return root;
    }

    /// @inheritdoc IDisputeGame
    function extraData() external view returns (bytes memory) {
        return localData;
    }

    /// @inheritdoc IDisputeGame
    function gameType() external view returns (GameType) {
        return GAME_TYPE;
    }

    /// @notice The program's initial state hash.
    function absolutePrestate() external view returns (Claim) {
        return ABSOLUTE_PRESTATE;
    }

    /// @notice The depth of the leaves.
    function maxGameDepth() external view returns (uint256) {
        return MAX_GAME_DEPTH;
    }

    /// @notice The depth of the last unit claims (0: the game has no split).
    function splitDepth() external view returns (uint256) {
        return SPLIT_DEPTH;
    }

    /// @notice The unit commitments the execution subgame of claim `_index` (any claim below
    ///         the split) is about, as Optimism's starting and disputed outputs: the agreed
    ///         commitment before the disputed unit and its position (zero for both before the
    ///         first unit), and the disputed commitment and its position. The disputed unit's
    ///         number is `disputedPos_`'s trace index at the split depth.
    /// @dev The claim at the split depth above `_index` is the disputed one if the subgame's
    ///      root attacked it, the agreed one if it defended it; the other end is the claim
    ///      committing to the unit before (after) it, an ancestor by the interval argument
    ///      (`_traceAncestor`).
    function unitsAtSplit(uint256 _index)
        public
        view
        returns (Claim starting_, Position startingPos_, Claim disputed_, Position disputedPos_)
    {
        if (_index >= header.claimCount) revert InvalidClaimIndex(_index);
        StoredClaim storage claim = claims[_index];
        Position execRoot = _positionOf(claim);
        if (execRoot.depth() <= SPLIT_DEPTH || SPLIT_DEPTH == 0) revert ClaimAboveSplit(_index);
        while (_positionOf(claim).depth() > SPLIT_DEPTH) {
            execRoot = _positionOf(claim);
            claim = claims[claim.parentIndex];
        }
        Position splitPos = _positionOf(claim);
        uint8 maxDepth = uint8(MAX_GAME_DEPTH);
        uint64 unitSpan = uint64(1 << (MAX_GAME_DEPTH - SPLIT_DEPTH));
        uint64 traceIndex = splitPos.traceIndex(maxDepth);
        if (Position.unwrap(execRoot) >> 1 == Position.unwrap(splitPos)) {
            (disputed_, disputedPos_) = (claim.claim, splitPos);
            if (splitPos.indexAtDepth() != 0) {
                StoredClaim storage starting = _traceAncestor(claim, traceIndex - unitSpan);
                (starting_, startingPos_) = (starting.claim, _positionOf(starting));
            }
        } else {
            StoredClaim storage disputed = _traceAncestor(claim, traceIndex + unitSpan);
            (starting_, startingPos_) = (claim.claim, splitPos);
            (disputed_, disputedPos_) = (disputed.claim, _positionOf(disputed));
        }
    }

    /// @notice The local context the steps of claim `_index` read local data under: zero in a
    ///         game without a split, else the hash of its subgame's `unitsAtSplit`, so that
    ///         each execution subgame has its own local data in the oracle.
    function localContext(uint256 _index) public view returns (bytes32) {
        if (SPLIT_DEPTH == 0) return NO_CONTEXT;
        (Claim starting, Position startingPos, Claim disputed, Position disputedPos) =
            unitsAtSplit(_index);
        return _localContext(starting, startingPos, disputed, disputedPos);
    }

    /// @notice The time on each side's clock.
    function maxClockDuration() external view returns (Duration) {
        return MAX_CLOCK_DURATION;
    }

    /// @notice The time a mover is guaranteed for its next move.
    function clockExtension() external view returns (Duration) {
        return CLOCK_EXTENSION;
    }

    /// @notice The time a mover is guaranteed when its next move is a step.
    function leafClockExtension() external view returns (Duration) {
        return LEAF_CLOCK_EXTENSION;
    }

    /// @notice The time between resolution and withdrawal.
    function withdrawalDelay() external view returns (Duration) {
        return WITHDRAWAL_DELAY;
    }

    /// @notice How many local data the program reads (entries of the extra data).
    function localEntries() external view returns (uint256) {
        return LOCAL_ENTRIES;
    }

    /// @notice The one-step verifier.
    function vm() external view returns (IStepper) {
        return VM;
    }

    /// @notice The player registry.
    function registry() external view returns (IPlayerRegistry) {
        return REGISTRY;
    }

    ////////////////////////////////////////////////////////////////
    //                        Internals                           //
    ////////////////////////////////////////////////////////////////

    /// @notice The time the mover's side has used with a move against `_parent` now, with the
    ///         clock extension applied: a side left with less than the extension for its next
    ///         move (a step, when the new claim is one level above the leaves) gets it.
    function _moverDuration(
        StoredClaim storage _parent,
        uint256 _nextDepth
    )
        internal
        view
        returns (Duration)
    {
        uint256 used = uint256(_parent.parentDuration)
            + (block.timestamp - Timestamp.unwrap(_parent.timestamp));
        uint256 max = Duration.unwrap(MAX_CLOCK_DURATION);
        if (used >= max) revert ClockTimeExceeded();
        // A side whose next action runs the VM gets the longer extension: a step (the new
        // claim is one level above the leaves), or an execution subgame's root (the new claim
        // is one level above the split: the opponent answers at the split, the mover below).
        bool runsNext =
            _nextDepth == MAX_GAME_DEPTH - 1 || (SPLIT_DEPTH != 0 && _nextDepth == SPLIT_DEPTH - 1);
        uint256 extension = Duration.unwrap(runsNext ? LEAF_CLOCK_EXTENSION : CLOCK_EXTENSION);
        if (used > max - extension) used = max - extension;
        return Duration.wrap(uint32(used));
    }

    /// @notice The rules a split adds to a move to `_nextDepth` against `_parent`: the root of
    ///         an execution subgame cannot be defended (for the reason the game's root cannot),
    ///         and it must carry the status its mover claims (as Optimism's
    ///         `_verifyExecBisectionRoot`): the run of the disputed unit fails (invalid or panic)
    ///         if the disputed commitment is the other side's, and succeeds (valid) if it is the
    ///         mover's own. An attack disputes the split claim itself, the other side's; a
    ///         defence disputes the claim committing to the next unit, whose depth alone says
    ///         which side made it (`LibPosition.traceAncestor`), so the check reads no more
    ///         storage than the parent.
    function _checkSplitMove(
        StoredClaim storage _parent,
        uint256 _nextDepth,
        Claim _claim,
        bool _isAttack
    )
        internal
        view
    {
        if (!_isAttack && _nextDepth == SPLIT_DEPTH + 2) revert CannotDefendRootClaim();
        if (_nextDepth != SPLIT_DEPTH + 1) return;
        uint8 vmStatus = uint8(uint256(Claim.unwrap(_claim)) >> 248);
        bool disputedIsOpponents = _isAttack
            || Position.wrap(Position.unwrap(_positionOf(_parent)) + 1).traceAncestor().depth() % 2
                == SPLIT_DEPTH % 2;
        bool ok = disputedIsOpponents
            ? vmStatus == STATUS_INVALID || vmStatus == STATUS_PANIC
            : vmStatus == STATUS_VALID;
        if (!ok) revert UnexpectedExecutionRoot(vmStatus);
    }

    /// @notice The local context of the execution subgame about `unitsAtSplit`'s values
    ///         (Optimism's: their ABI encoding's hash).
    function _localContext(
        Claim _starting,
        Position _startingPos,
        Claim _disputed,
        Position _disputedPos
    )
        internal
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(_starting, _startingPos, _disputed, _disputedPos));
    }

    /// @notice Runs the step against `_leaf`, reading local data under `_context`, and reverts
    ///         unless it counters the leaf.
    function _checkStepCounters(
        StoredClaim storage _leaf,
        bool _isAttack,
        bytes calldata _stateData,
        bytes calldata _proof,
        bytes32 _context
    )
        internal
    {
        (Claim preState, Claim postState, uint256 postDepth) = _stepStates(_leaf, _isAttack);
        {
            bytes32 stateHash = keccak256(_stateData);
            if (stateHash << 8 != Claim.unwrap(preState) << 8) {
                revert InvalidPrestate(Claim.unwrap(preState), stateHash);
            }
        }
        bool validStep = VM.step(_stateData, _proof, _context) == Claim.unwrap(postState);
        bool postByClaimant = (MAX_GAME_DEPTH - postDepth) % 2 == 0;
        if (postByClaimant == validStep) revert ValidStep();
    }

    /// @notice The pre- and post-state claims of a step against `_leaf`, and the depth of the
    ///         post-state claim.
    function _stepStates(
        StoredClaim storage _leaf,
        bool _isAttack
    )
        internal
        view
        returns (Claim preState_, Claim postState_, uint256 postDepth_)
    {
        uint8 maxDepth = uint8(MAX_GAME_DEPTH);
        uint64 traceIndex = _positionOf(_leaf).traceIndex(maxDepth);
        // Each execution (the whole trace, or one subgame's) starts from the absolute prestate:
        // at a multiple of `2^(MAX_GAME_DEPTH - SPLIT_DEPTH)` trace indices.
        uint64 executionStart = uint64((1 << (MAX_GAME_DEPTH - SPLIT_DEPTH)) - 1);
        if (_isAttack) {
            preState_ = traceIndex & executionStart == 0
                ? ABSOLUTE_PRESTATE
                : _traceAncestor(_leaf, traceIndex - 1).claim;
            postState_ = _leaf.claim;
            postDepth_ = maxDepth;
        } else {
            preState_ = _leaf.claim;
            StoredClaim storage post = _traceAncestor(_leaf, traceIndex + 1);
            postState_ = post.claim;
            postDepth_ = _positionOf(post).depth();
        }
    }

    /// @notice The nearest ancestor of `_claim` that commits to trace index `_traceIndex`.
    /// @dev Always found: a claim at depth `d` with trace index `t` that was made by moves
    ///      bisects the interval `(t - 2^(MAX_GAME_DEPTH - d), t + 2^(MAX_GAME_DEPTH - d)]`,
    ///      and both ends of that interval are ancestors of it (an attack keeps its parent's
    ///      lower end and has the parent as its upper one, a defence the reverse), except a
    ///      lower end of -1: the absolute prestate, which `_stepStates` takes itself. In a
    ///      split game the same holds within an execution subgame, whose lower end -1 is the
    ///      start of its execution, and a search from inside one never stops above it: unit
    ///      claims commit to trace indices `≡ -1 (mod 2^(MAX_GAME_DEPTH - SPLIT_DEPTH))`, the
    ///      subgame's claims to the first half of such a span.
    function _traceAncestor(
        StoredClaim storage _claim,
        uint64 _traceIndex
    )
        internal
        view
        returns (StoredClaim storage ancestor_)
    {
        uint8 maxDepth = uint8(MAX_GAME_DEPTH);
        ancestor_ = _claim;
        while (_positionOf(ancestor_).traceIndex(maxDepth) != _traceIndex) {
            ancestor_ = claims[ancestor_.parentIndex];
        }
    }

    /// @notice Whether claim `_index` (with resolution checkpoint `_checkpoint`) is countered:
    ///         stepped against, or resolved with an uncountered child.
    function _countered(
        uint256 _index,
        ResolutionCheckpoint memory _checkpoint
    )
        internal
        view
        returns (bool)
    {
        return steppers[_index] != address(0) || _hasUncounteredChild(_checkpoint);
    }

    /// @notice Whether a claim resolved with an uncountered child (which counters it).
    function _hasUncounteredChild(ResolutionCheckpoint memory _checkpoint)
        internal
        pure
        returns (bool)
    {
        return _checkpoint.resolved
            && Position.unwrap(_checkpoint.leftmostPosition) != Position.unwrap(NO_POSITION);
    }

    /// @notice Who countered claim `_index` (zero while it stands): the step caller, or the
    ///         claimant of the leftmost uncountered child once resolved.
    function _counteredBy(
        uint256 _index,
        ResolutionCheckpoint memory _checkpoint
    )
        internal
        view
        returns (address)
    {
        address stepper = steppers[_index];
        if (stepper != address(0)) return stepper;
        if (!_hasUncounteredChild(_checkpoint)) return address(0);
        return REGISTRY.playerAddress(claims[_checkpoint.leftmostIndex].playerId);
    }

    /// @notice Where `_claim` sits.
    function _positionOf(StoredClaim storage _claim) internal view returns (Position) {
        return Position.wrap(uint64(_claim.position));
    }

    /// @notice `_base^_exponent` in WAD fixed point, by squaring.
    function _power(uint256 _base, uint256 _exponent) internal pure returns (uint256 result_) {
        result_ = WAD;
        while (_exponent != 0) {
            if (_exponent & 1 == 1) result_ = result_ * _base / WAD;
            _exponent >>= 1;
            if (_exponent != 0) _base = _base * _base / WAD;
        }
    }

    /// @notice Reverts unless `_extraData` is canonical local data (see `InvalidExtraData`).
    function _checkExtraData(bytes calldata _extraData) internal view {
        if (_extraData.length != LOCAL_ENTRIES * LOCAL_ENTRY_BYTES) revert InvalidExtraData();
        for (uint256 offset = 0; offset < _extraData.length; offset += LOCAL_ENTRY_BYTES) {
            uint256 size = uint8(_extraData[offset]);
            if (size > 32) revert InvalidExtraData();
            uint256 word = uint256(bytes32(_extraData[offset + 1:offset + LOCAL_ENTRY_BYTES]));
            if (size < 32 && word << (8 * size) != 0) revert InvalidExtraData();
        }
    }
}
