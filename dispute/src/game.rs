//! A typed client of one deployed `DisputeGame`: a snapshot of its claims and clocks
//! ([`GameState`]) and the transactions a player sends.

use axon_vm::Hash;
use revm::primitives::{Address, U256};

use crate::chain::{send, view, what_is_at, Chain, Receipt};
use crate::contracts::IDisputeGame;
use crate::{Error, Position, Result};

/// The most children `resolveClaim` looks at per transaction.
const RESOLVE_CHUNK: usize = 256;

/// More claims than any game holds (`DisputeGame` stops at `MAX_CLAIMS`, 2^24 - 2): a contract
/// answering a larger count is not a game.
const MAX_CLAIMS: usize = 1 << 24;

/// A game depth as a contract returns it (`uint256`), or [`Error::BadInput`] past the
/// deepest tree supported.
pub fn depth(value: U256) -> Result<u8> {
    u8::try_from(value)
        .ok()
        .filter(|&d| d <= crate::position::MAX_SUPPORTED_DEPTH)
        .ok_or(Error::BadInput { what: "a game's max depth".into(), reason: format!("{value}") })
}

/// The kinds of thing a player does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// Registered with the player registry.
    Register,
    /// An attack or a defence.
    Move,
    /// A step at a leaf (with its oracle loads).
    Step,
    /// A move or step the game refused (no transaction landed).
    Refused,
    /// A claim's or the game's resolution.
    Resolve,
    /// A withdrawal of credit.
    Withdraw,
    /// Nothing to do until a clock runs out or a withdrawal opens (no transaction).
    Wait,
}

/// Something a player did, for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// What kind of thing it was.
    pub kind: EventKind,
    /// What was done, in words.
    pub what: String,
    /// The gas the transaction used (0 for what sent none).
    pub gas: u64,
    /// The depth of the claim a move made (`None` for anything else).
    pub depth: Option<u8>,
}

impl std::fmt::Display for Event {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.what)?;
        if self.gas > 0 {
            write!(f, " [{} gas]", self.gas)?;
        }
        Ok(())
    }
}

/// The game's outcome, as `GameStatus` in `contracts/src/dispute/lib/Types.sol`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum GameStatus {
    /// The root claim is not resolved.
    InProgress,
    /// The root claim was countered.
    ChallengerWins,
    /// The root claim stood.
    DefenderWins,
}

impl GameStatus {
    fn from_u8(value: u8) -> Result<Self> {
        match value {
            0 => Ok(Self::InProgress),
            1 => Ok(Self::ChallengerWins),
            2 => Ok(Self::DefenderWins),
            other => Err(Error::BadInput {
                what: "a game's status".into(),
                reason: format!("{other} is no GameStatus"),
            }),
        }
    }
}

impl std::fmt::Display for GameStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::InProgress => "in progress",
            Self::ChallengerWins => "challenger wins",
            Self::DefenderWins => "defender wins",
        })
    }
}

/// One claim of a game.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// Its index in the game.
    pub index: usize,
    /// The index of the claim it answers (`None` for the root).
    pub parent: Option<usize>,
    /// Who countered it (zero while it stands).
    pub countered_by: Address,
    /// Who made it.
    pub claimant: Address,
    /// Its bond, in wei.
    pub bond: U256,
    /// The claimed state hash.
    pub value: Hash,
    /// Where it sits.
    pub position: Position,
    /// The time its claimant's side had used when it was made.
    pub duration: u64,
    /// When it was made.
    pub timestamp: u64,
}

/// What a player needs to know of a game, read at one moment.
#[derive(Debug, Clone)]
pub struct GameState {
    /// The game's address.
    pub address: Address,
    /// The outcome so far.
    pub status: GameStatus,
    /// Every claim, by index.
    pub claims: Vec<Claim>,
    /// Which claims are resolved, by index.
    pub resolved: Vec<bool>,
    /// The program's initial state hash.
    pub absolute_prestate: Hash,
    /// The local data the program reads (33-byte entries).
    pub extra_data: Vec<u8>,
    /// The depth of the leaves.
    pub max_depth: u8,
    /// The depth of the last unit claims (0: no split; see [`crate::split`]).
    pub split_depth: u8,
    /// The time on each side's clock.
    pub max_clock_duration: u64,
    /// The time between resolution and withdrawal.
    pub withdrawal_delay: u64,
    /// When the game was resolved (0 while in progress).
    pub resolved_at: u64,
    /// The chain's time when this was read.
    pub now: u64,
}

impl GameState {
    /// The time the side countering claim `index` has used (at most the maximum), as
    /// `getChallengerDuration` computes it.
    pub fn challenger_duration(&self, index: usize) -> u64 {
        let claim = &self.claims[index];
        let parent = claim.parent.map_or(0, |p| self.claims[p].duration);
        (parent + self.now.saturating_sub(claim.timestamp)).min(self.max_clock_duration)
    }

    /// When the clock of the side countering claim `index` runs out.
    pub fn challenge_deadline(&self, index: usize) -> u64 {
        let claim = &self.claims[index];
        let parent = claim.parent.map_or(0, |p| self.claims[p].duration);
        claim.timestamp + self.max_clock_duration.saturating_sub(parent)
    }
}

/// Reads the whole state of the game at `game`; [`Error::NoGame`] if there is no contract
/// there, or one that does not answer as a game (a game has at least its root claim).
pub fn read(chain: &mut dyn Chain, game: Address) -> Result<GameState> {
    let count = match view(chain, game, IDisputeGame::claimDataLenCall {}) {
        Ok(count) => usize::try_from(count).ok().filter(|&n| n > 0 && n <= MAX_CLAIMS),
        Err(Error::Reverted(_) | Error::AbiDecode { .. }) => None,
        Err(e) => return Err(e),
    };
    let Some(count) = count else {
        let reason = what_is_at(chain, game, "a contract that is not a game")?;
        return Err(Error::NoGame { address: game, reason });
    };
    let mut claims = Vec::with_capacity(count);
    let mut resolved = Vec::with_capacity(count);
    for index in 0..count {
        let d = view(chain, game, IDisputeGame::claimDataCall { index: U256::from(index) })?;
        claims.push(Claim {
            index,
            parent: (d.parentIndex != u32::MAX).then_some(d.parentIndex as usize),
            countered_by: d.counteredBy,
            claimant: d.claimant,
            bond: d.bond,
            value: d.claim.0,
            position: Position::from_raw(d.position)?,
            duration: d.duration.into(),
            timestamp: d.timestamp.into(),
        });
        resolved.push(view(
            chain,
            game,
            IDisputeGame::resolvedSubgamesCall { index: U256::from(index) },
        )?);
    }
    let max_depth = depth(view(chain, game, IDisputeGame::maxGameDepthCall {})?)?;
    let split_depth = depth(view(chain, game, IDisputeGame::splitDepthCall {})?)?;
    Ok(GameState {
        address: game,
        status: GameStatus::from_u8(view(chain, game, IDisputeGame::statusCall {})?)?,
        claims,
        resolved,
        absolute_prestate: view(chain, game, IDisputeGame::absolutePrestateCall {})?.0,
        extra_data: view(chain, game, IDisputeGame::extraDataCall {})?.to_vec(),
        max_depth,
        split_depth,
        max_clock_duration: view(chain, game, IDisputeGame::maxClockDurationCall {})?.into(),
        withdrawal_delay: view(chain, game, IDisputeGame::withdrawalDelayCall {})?.into(),
        resolved_at: view(chain, game, IDisputeGame::resolvedAtCall {})?.into(),
        now: chain.timestamp()?,
    })
}

/// The bond a claim at `position` requires.
pub fn required_bond(chain: &mut dyn Chain, game: Address, position: Position) -> Result<U256> {
    view(chain, game, IDisputeGame::getRequiredBondCall { position: position.raw() })
}

/// The credit `account` may withdraw from the game.
pub fn credit(chain: &mut dyn Chain, game: Address, account: Address) -> Result<U256> {
    view(chain, game, IDisputeGame::creditCall { account })
}

/// What [`withdraw`] found or did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Withdrawal {
    /// The credit was paid out.
    Paid(Event),
    /// The account has no credit in the game (never had, or was paid already).
    NoCredit,
    /// The game is not resolved yet: credit is only known once it is.
    NotResolved,
    /// The credit can be withdrawn from this chain time on.
    NotBefore(u64),
}

/// Withdraws `account`'s credit from the game of `state` once the delay after resolution has
/// passed (`dispute withdraw`, and a player at the end of its game). Anyone may claim the
/// credit for the account: a revert is fine if it is paid already, and an error otherwise (the
/// payment itself failed).
pub fn withdraw(chain: &mut dyn Chain, account: Address, state: &GameState) -> Result<Withdrawal> {
    if state.status == GameStatus::InProgress {
        return Ok(Withdrawal::NotResolved);
    }
    let credit = credit(chain, state.address, account)?;
    if credit.is_zero() {
        return Ok(Withdrawal::NoCredit);
    }
    let available = state.resolved_at + state.withdrawal_delay;
    if state.now < available {
        return Ok(Withdrawal::NotBefore(available));
    }
    let call = IDisputeGame::claimCreditCall { recipient: account };
    let receipt = match send(chain, account, state.address, U256::ZERO, call) {
        Err(Error::Reverted(_)) if self::credit(chain, state.address, account)?.is_zero() => {
            return Ok(Withdrawal::NoCredit);
        }
        other => other?,
    };
    Ok(Withdrawal::Paid(Event {
        kind: EventKind::Withdraw,
        what: format!("withdraw {credit} wei of credit"),
        gas: receipt.gas_used,
        depth: None,
    }))
}

/// The shape of a game tree: its depth, and the depth of its split (0: none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// The depth of the leaves.
    pub max_depth: u8,
    /// The depth of the last unit claims (0: no split).
    pub split_depth: u8,
}

impl std::fmt::Display for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "max depth {}", self.max_depth)?;
        if self.split_depth != 0 {
            write!(f, " split at {}", self.split_depth)?;
        }
        Ok(())
    }
}

/// Checks that the game of `state` is over the program whose initial state hash is
/// `prestate`, reading the local data `extra_data`, in a tree of `shape`: a player with
/// another trace would counter honest claims. The error names the field that differs.
pub fn check_fits(
    state: &GameState,
    prestate: &Hash,
    extra_data: &[u8],
    shape: Shape,
) -> Result<()> {
    let reason = if state.extra_data != extra_data {
        format!(
            "its local data (the input) is 0x{}, this input's is 0x{}",
            hex::encode(&state.extra_data),
            hex::encode(extra_data)
        )
    } else {
        let theirs = Shape { max_depth: state.max_depth, split_depth: state.split_depth };
        match program_mismatch((&state.absolute_prestate, prestate), (theirs, shape)) {
            Some(reason) => reason,
            None => return Ok(()),
        }
    };
    Err(Error::WrongGame { game: state.address, reason })
}

/// What differs, in words, between the program (absolute prestate) and shape of a game or
/// game type (`theirs`) and of a trace (`ours`); `None` if nothing does.
pub fn program_mismatch(prestates: (&Hash, &Hash), shapes: (Shape, Shape)) -> Option<String> {
    let ((theirs, ours), (their_shape, our_shape)) = (prestates, shapes);
    if theirs != ours {
        Some(format!(
            "its absolute prestate (the program) is {}, this program's is {}",
            hex_hash(theirs),
            hex_hash(ours)
        ))
    } else if their_shape != our_shape {
        Some(format!("its tree has {their_shape}, this trace's {our_shape}"))
    } else {
        None
    }
}

/// The extra data of a game whose program reads `locals` (local index 1, 2, … in order):
/// one `uint8 size ‖ bytes32 word` entry each.
pub fn encode_extra_data(locals: &[&[u8]]) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(33 * locals.len());
    for (i, data) in locals.iter().enumerate() {
        if data.len() > 32 {
            return Err(Error::LocalDataTooLarge { ident: i as u32 + 1, len: data.len() });
        }
        let mut word = [0u8; 32];
        word[..data.len()].copy_from_slice(data);
        out.push(data.len() as u8);
        out.extend_from_slice(&word);
    }
    Ok(out)
}

/// The ABI encoding of a claim hash, for logs and messages.
pub fn hex_hash(hash: &Hash) -> String {
    format!("0x{}", hex::encode(hash))
}

/// Resolves, from `from`, every claim of `state` that can be (children first, in chunks of
/// children) and then the game once its root is; returns what it did and, if some claim's
/// clock is still running, when the next one runs out.
pub fn resolve_ready(
    chain: &mut dyn Chain,
    from: Address,
    state: &GameState,
) -> Result<(Vec<Event>, Option<u64>)> {
    let mut events = Vec::new();
    if state.status != GameStatus::InProgress {
        return Ok((events, None));
    }
    let mut resolved = state.resolved.clone();
    // Per claim: its children, and those of them not resolved yet.
    let mut children = vec![0usize; state.claims.len()];
    let mut unresolved = vec![0usize; state.claims.len()];
    for claim in &state.claims {
        if let Some(parent) = claim.parent {
            children[parent] += 1;
            unresolved[parent] += usize::from(!resolved[claim.index]);
        }
    }
    let mut next_deadline = None::<u64>;
    // Children have higher indices than their parents: one pass from the end resolves bottom-up.
    for claim in state.claims.iter().rev() {
        if resolved[claim.index] {
            continue;
        }
        if state.challenger_duration(claim.index) < state.max_clock_duration {
            let at = state.challenge_deadline(claim.index);
            next_deadline = Some(next_deadline.map_or(at, |n| n.min(at)));
            continue;
        }
        if unresolved[claim.index] != 0 {
            continue;
        }
        for _ in 0..children[claim.index].div_ceil(RESOLVE_CHUNK).max(1) {
            let call = IDisputeGame::resolveClaimCall {
                claimIndex: U256::from(claim.index),
                numToResolve: U256::from(RESOLVE_CHUNK),
            };
            match raced(send(chain, from, state.address, U256::ZERO, call))? {
                Some(receipt) => events.push(Event {
                    kind: EventKind::Resolve,
                    what: format!("resolve claim {}", claim.index),
                    gas: receipt.gas_used,
                    depth: None,
                }),
                None => break,
            }
        }
        resolved[claim.index] = true;
        if let Some(parent) = claim.parent {
            unresolved[parent] -= 1;
        }
    }
    if resolved[0] {
        let call = IDisputeGame::resolveCall {};
        if let Some(receipt) = raced(send(chain, from, state.address, U256::ZERO, call))? {
            events.push(Event {
                kind: EventKind::Resolve,
                what: "resolve the game".into(),
                gas: receipt.gas_used,
                depth: None,
            });
        }
    }
    Ok((events, next_deadline))
}

/// A resolution transaction's receipt, or `None` if it reverted: anyone may resolve, so
/// another player got there first (the next read of the game shows it).
fn raced(result: Result<Receipt>) -> Result<Option<Receipt>> {
    match result {
        Ok(receipt) => Ok(Some(receipt)),
        Err(Error::Reverted(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// [`resolve_ready`] on the game at `game` as it is now (`dispute resolve`).
pub fn resolve_all(chain: &mut dyn Chain, from: Address, game: Address) -> Result<Vec<Event>> {
    let state = read(chain, game)?;
    Ok(resolve_ready(chain, from, &state)?.0)
}
