//! Split games end to end, on the embedded chain with the compiled contracts and the real
//! RISC-V verifier, at the size: 2^20 units above the split (depth 20) and executions
//! of 2^40 steps below it (depth 61). The application is the unit chain
//! (`program/unit-chain`, `axon_dispute::split::chain`). Every dishonest strategy of
//! `games.rs` is played again across the split — a wrong state, a single wrong step, a wrong
//! status, an idle liar, a freeloader, several claimants, a restart — and lies placed exactly
//! at the split; the Rust twins of the guest and of `unitsAtSplit` are checked against the
//! VM and the contract.

use std::path::PathBuf;
use std::time::Duration;

use axon_dispute::chain::{view, Address, Chain, EmbeddedChain, U256};
use axon_dispute::contracts::{default_artifacts_dir, IDisputeGame};
use axon_dispute::deploy::{create_game, deploy, register_game_type, Deployment, GameParams};
use axon_dispute::driver::{play, Seat};
use axon_dispute::game::{self, encode_extra_data, EventKind, GameStatus, Shape};
use axon_dispute::guest::load_guest;
use axon_dispute::lying::{Lie, LyingUnits};
use axon_dispute::split::chain::UnitChain;
use axon_dispute::split::{subgame, Subgame, UnitTrace, VmUnitTrace};
use axon_dispute::{Error, GameTrace, Player, Position, Strategy};
use axon_vm::abi::VmStatus;

/// The size: 2^20 units, executions of 2^40 steps.
const FULL: Shape = Shape { max_depth: 61, split_depth: 20 };
/// Where several solvers with different traces all counter each other (the tree grows with
/// every pair of them): 2^9 units, executions of 2^16 steps (a unit takes 19,895).
const SMALL: Shape = Shape { max_depth: 26, split_depth: 9 };
/// Units of the chain: the rest of the 2^20 are padding.
const UNITS: u32 = 300;
const SEED: &[u8] = b"axon split";
/// Enough for every bond of a 61-level game (0.01 ether growing 9% a level: 1.9 ether at the leaves).
const FUNDS: u128 = 1_000_000_000_000_000_000_000;
const GAME_TYPE: u32 = 9;

fn program() -> axon_vm::Program {
    let elf = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/programs/unit-chain.elf");
    load_guest(&elf).expect("the unit-chain guest")
}

fn chain_units() -> UnitChain {
    UnitChain::new(UNITS, SEED).unwrap()
}

fn honest_units(shape: Shape) -> VmUnitTrace {
    let (max, split) = (shape.max_depth, shape.split_depth);
    VmUnitTrace::new(Box::new(chain_units()), program(), max, split, 1 << 12).unwrap()
}

fn extra_data() -> Vec<u8> {
    encode_extra_data(&[chain_units().input()]).unwrap()
}

/// A dishonest player's lie: about the units from `from_unit` on, and in every execution
/// from a step on (or not at all: a lie that stops at the split).
#[derive(Debug, Clone, Copy)]
struct SplitLie {
    from_unit: u64,
    lie: Lie,
    execution: Option<(u64, Lie)>,
}

fn units(shape: Shape, lie: Option<SplitLie>) -> Box<dyn UnitTrace> {
    let honest = Box::new(honest_units(shape));
    match lie {
        None => honest,
        Some(l) => Box::new(LyingUnits::new(honest, l.from_unit, l.lie, l.execution)),
    }
}

struct Arena {
    chain: EmbeddedChain,
    deployment: Deployment,
    shape: Shape,
}

fn arena() -> Arena {
    arena_of(FULL)
}

fn arena_of(shape: Shape) -> Arena {
    let mut chain = EmbeddedChain::new();
    let deployer = Address::repeat_byte(0xd0);
    chain.fund(deployer, U256::from(FUNDS));
    let artifacts = default_artifacts_dir();
    let deployment = deploy(&mut chain, deployer, &artifacts).expect("deploy");
    let prestate = honest_units(shape).absolute_prestate().unwrap();
    let mut params = GameParams::new(GAME_TYPE, prestate, shape.max_depth);
    params.split_depth = shape.split_depth;
    register_game_type(&mut chain, deployer, &artifacts, &deployment, &params).expect("register");
    Arena { chain, deployment, shape }
}

fn account(arena: &mut Arena, tag: u8) -> Address {
    let who = Address::repeat_byte(tag);
    arena.chain.fund(who, U256::from(FUNDS));
    who
}

/// Creates the game whose root is the (possibly lying) commitment after all 2^20 units.
fn propose(arena: &mut Arena, proposer: Address, lie: Option<SplitLie>) -> Address {
    let root = units(arena.shape, lie).commitment_after(1 << arena.shape.split_depth).unwrap();
    create_game(
        &mut arena.chain,
        proposer,
        arena.deployment.factory,
        GAME_TYPE,
        root,
        &extra_data(),
    )
    .expect("create")
}

fn player(
    arena: &Arena,
    account: Address,
    game: Address,
    strategy: Strategy,
    lie: Option<SplitLie>,
) -> Player {
    Player::new(account, game, strategy, GameTrace::split(units(arena.shape, lie)), extra_data())
}

/// How a game went: its outcome, the most gas a move and a step used, and the claims made
/// below the split.
struct Outcome {
    status: GameStatus,
    max_move: u64,
    max_step: u64,
    below_split: usize,
}

/// Plays to the end and checks that every claim is resolved, every bond paid out, and that
/// the Rust twin of `unitsAtSplit` agrees with the contract on every claim below the split.
fn finish(arena: &mut Arena, game: Address, seats: &mut [Seat]) -> Outcome {
    let (mut max_move, mut max_step) = (0, 0);
    play(&mut arena.chain, seats, Duration::ZERO, |_, event| match event.kind {
        EventKind::Move => max_move = max_move.max(event.gas),
        EventKind::Step => max_step = max_step.max(event.gas),
        _ => {}
    })
    .expect("the game plays to the end");
    let state = game::read(&mut arena.chain, game).unwrap();
    assert!(state.resolved.iter().all(|&r| r), "every claim is resolved");
    assert_eq!(arena.chain.balance(game).unwrap(), U256::ZERO, "every bond is paid out");
    let mut below_split = 0;
    for claim in state.claims.iter().filter(|c| c.position.depth() > state.split_depth) {
        below_split += 1;
        let ours = subgame(&state, claim.index, claim.position).unwrap();
        let index = U256::from(claim.index);
        let theirs =
            view(&mut arena.chain, game, IDisputeGame::unitsAtSplitCall { index }).unwrap();
        assert_eq!(ours.agreed, theirs.starting.0, "agreed commitment of claim {}", claim.index);
        assert_eq!(ours.agreed_position.map_or(0, Position::raw), theirs.startingPos);
        assert_eq!(ours.disputed, theirs.disputed.0);
        assert_eq!(ours.disputed_position.raw(), theirs.disputedPos);
        let context = view(&mut arena.chain, game, IDisputeGame::localContextCall { index });
        assert_eq!(ours.local_context(), context.unwrap().0, "context of claim {}", claim.index);
    }
    Outcome { status: state.status, max_move, max_step, below_split }
}

fn balance(arena: &mut Arena, who: Address) -> U256 {
    arena.chain.balance(who).unwrap()
}

/// The subgame over the first unit, as an attack on the first split claim makes it.
fn first_unit() -> Subgame {
    Subgame {
        agreed: [0; 32],
        agreed_position: None,
        disputed: chain_units_commitment(1),
        disputed_position: Position::new(FULL.split_depth, 0).unwrap(),
        unit: 0,
    }
}

/// The step at which every execution of the unit chain halts (one keccak and the oracle
/// reads: the same code path for every unit before the padding).
fn execution_steps() -> u64 {
    let mut trace = honest_units(FULL).execution(&first_unit()).unwrap();
    let last = trace.state_after(1 << 40).unwrap();
    // The first step count whose state is the final one.
    let (mut low, mut high) = (0u64, 1u64 << 40);
    while low + 1 < high {
        let mid = (low + high) / 2;
        if trace.state_after(mid).unwrap() == last {
            high = mid;
        } else {
            low = mid;
        }
    }
    high
}

fn chain_units_commitment(units: u64) -> [u8; 32] {
    use axon_dispute::split::Units;
    chain_units().commitment_after(units).unwrap()
}

/// A dishonest proposer against the honest challenger: the challenger wins, gains, and every
/// move stays within 100k gas.
fn challenger_beats(lie: SplitLie) -> Outcome {
    let mut arena = arena();
    let (proposer, challenger) = (account(&mut arena, 0xb0), account(&mut arena, 0xc0));
    let game = propose(&mut arena, proposer, Some(lie));
    let mut seats = [
        Seat::new("proposer", player(&arena, proposer, game, Strategy::Solver, Some(lie))),
        Seat::new("challenger", player(&arena, challenger, game, Strategy::Solver, None)),
    ];
    let outcome = finish(&mut arena, game, &mut seats);
    assert_eq!(outcome.status, GameStatus::ChallengerWins, "lie {lie:?}");
    assert!(balance(&mut arena, challenger) > U256::from(FUNDS), "the challenger gains");
    assert!(balance(&mut arena, proposer) < U256::from(FUNDS), "the proposer loses");
    assert!(outcome.max_move <= 100_000, "a move used {} gas", outcome.max_move);
    outcome
}

#[test]
fn the_guest_and_its_native_twin_agree_on_every_unit() {
    let mut units = honest_units(FULL);
    let position = Position::new(FULL.split_depth, 0).unwrap();
    // Every unit of the chain, and the first two of the padding.
    for unit in 0..u64::from(UNITS) + 2 {
        let right = chain_units_commitment(unit + 1);
        let mut wrong = right;
        wrong[31] ^= 1;
        for (disputed, want) in [(right, VmStatus::Valid), (wrong, VmStatus::Invalid)] {
            let agreed = chain_units_commitment(unit);
            let s = Subgame {
                agreed,
                agreed_position: None,
                disputed,
                disputed_position: position,
                unit,
            };
            let mut trace = units.execution(&s).unwrap();
            let last = trace.state_after(1 << 40).unwrap();
            assert_eq!(last[0], want as u8, "unit {unit}: the run's status");
        }
    }
}

#[test]
fn lies_about_units_lose_across_the_split() {
    let steps = execution_steps();
    for lie in [
        // A wrong commitment, defended in the execution by a wrong state from its first step.
        SplitLie { from_unit: 117, lie: Lie::State, execution: Some((1, Lie::State)) },
        // A single wrong step in the middle of the disputed unit's run.
        SplitLie { from_unit: 1, lie: Lie::State, execution: Some((steps / 2, Lie::State)) },
        // The run's last step claims the other status.
        SplitLie {
            from_unit: UNITS.into(),
            lie: Lie::State,
            execution: Some((steps, Lie::Status)),
        },
    ] {
        let outcome = challenger_beats(lie);
        assert!(outcome.below_split > 0, "{lie:?} went below the split");
    }
}

#[test]
fn lies_exactly_at_the_split_lose() {
    // The liar cannot carry its lie into an execution: the VM shows the disputed unit's run
    // fails, and it has no claim to make there. The first unit (from the zero commitment),
    // one in the middle, the last one, and the padding after it.
    for from_unit in [1, 150, UNITS.into(), u64::from(UNITS) + 1] {
        let outcome = challenger_beats(SplitLie { from_unit, lie: Lie::State, execution: None });
        assert!(outcome.below_split > 0, "the challenger's execution root is on chain");
    }
}

#[test]
fn an_honest_proposer_beats_a_lying_challenger_and_an_idle_liar_loses() {
    let mut arena = arena();
    let (proposer, challenger) = (account(&mut arena, 0xb0), account(&mut arena, 0xc0));
    let game = propose(&mut arena, proposer, None);
    // The liar claims the disputed unit ran valid (a status lie from step 5 of the run on).
    let lie = SplitLie { from_unit: 42, lie: Lie::State, execution: Some((5, Lie::Status)) };
    let mut seats = [
        Seat::new("proposer", player(&arena, proposer, game, Strategy::Solver, None)),
        Seat::new("challenger", player(&arena, challenger, game, Strategy::Solver, Some(lie))),
    ];
    let outcome = finish(&mut arena, game, &mut seats);
    assert_eq!(outcome.status, GameStatus::DefenderWins);
    // The liar makes the leaves (odd depth): the honest proposer's step ends it.
    assert!(outcome.max_step > 0 && outcome.below_split > 0);
    assert!(balance(&mut arena, proposer) > U256::from(FUNDS), "the proposer gains");

    let mut arena = self::arena();
    let (proposer, challenger) = (account(&mut arena, 0xb0), account(&mut arena, 0xc0));
    let game = propose(&mut arena, proposer, Some(lie));
    let mut seats = [
        Seat::new("proposer", player(&arena, proposer, game, Strategy::Idle, Some(lie))),
        Seat::new("challenger", player(&arena, challenger, game, Strategy::Solver, None)),
    ];
    assert_eq!(finish(&mut arena, game, &mut seats).status, GameStatus::ChallengerWins);
}

/// The first step of a unit's run that reads local datum `ident` (the run reads its inputs at
/// the same steps for every unit of the chain).
fn first_read_of(ident: u32) -> u64 {
    let mut trace = honest_units(FULL).execution(&first_unit()).unwrap();
    let key = axon_vm::preimage::local_key(ident);
    (0..execution_steps())
        .find(|&step| trace.step_witness(step).unwrap().preimage.is_some_and(|p| p.key == key))
        .expect("the run reads it")
}

#[test]
fn steps_that_read_the_split_data_load_it_through_the_game() {
    // The agreed commitment, the disputed one and the unit's number: local data 2, 3 and 4.
    for ident in [2, 3, 4] {
        let step = first_read_of(ident);
        let mut arena = arena();
        let (proposer, challenger) = (account(&mut arena, 0xb0), account(&mut arena, 0xc0));
        let game = propose(&mut arena, proposer, None);
        // The lying challenger's run goes wrong right after the read: the honest proposer's
        // step is that read.
        let lie =
            SplitLie { from_unit: 77, lie: Lie::State, execution: Some((step + 1, Lie::Status)) };
        let mut seats = [
            Seat::new("proposer", player(&arena, proposer, game, Strategy::Solver, None)),
            Seat::new("challenger", player(&arena, challenger, game, Strategy::Solver, Some(lie))),
        ];
        let mut loaded = false;
        play(&mut arena.chain, &mut seats, Duration::ZERO, |seat, event| {
            loaded |= event.kind == EventKind::Step
                && seat.name == "proposer"
                && event.what.contains(&format!("from trace step {step} (1 oracle load(s) first)"));
        })
        .unwrap();
        let state = game::read(&mut arena.chain, game).unwrap();
        assert_eq!(state.status, GameStatus::DefenderWins, "ident {ident}");
        assert!(loaded, "the proposer's step loaded local datum {ident} through the game");
    }
}

#[test]
fn freeloaders_and_several_liars_lose_across_the_split() {
    let mut arena = arena_of(SMALL);
    let proposer = account(&mut arena, 0xb0);
    let challenger = account(&mut arena, 0xc0);
    let freeloader = account(&mut arena, 0xf0);
    let proposer_lie =
        SplitLie { from_unit: 200, lie: Lie::State, execution: Some((3, Lie::State)) };
    let liars = [
        (account(&mut arena, 0xa1), SplitLie { from_unit: 7, lie: Lie::State, execution: None }),
        (
            account(&mut arena, 0xa2),
            SplitLie { from_unit: 250, lie: Lie::Status, execution: Some((1, Lie::Status)) },
        ),
    ];
    let game = propose(&mut arena, proposer, Some(proposer_lie));
    let mut seats = vec![Seat::new(
        "proposer",
        player(&arena, proposer, game, Strategy::Solver, Some(proposer_lie)),
    )];
    for (i, (who, lie)) in liars.iter().enumerate() {
        seats.push(Seat::new(
            format!("liar {i}"),
            player(&arena, *who, game, Strategy::Solver, Some(*lie)),
        ));
    }
    seats.push(Seat::new(
        "freeloader",
        player(&arena, freeloader, game, Strategy::Freeloader, None),
    ));
    seats.push(Seat::new("challenger", player(&arena, challenger, game, Strategy::Solver, None)));
    let outcome = finish(&mut arena, game, &mut seats);
    assert_eq!(outcome.status, GameStatus::ChallengerWins);
    let claims = game::read(&mut arena.chain, game).unwrap().claims;
    for claim in claims.iter().filter(|c| c.claimant == challenger) {
        assert_eq!(claim.countered_by, Address::ZERO, "honest claim {} countered", claim.index);
    }
    // A liar may earn from another liar's wrong claims; together the dishonest lose.
    let mut dishonest = balance(&mut arena, proposer) + balance(&mut arena, freeloader);
    for (who, _) in liars {
        dishonest += balance(&mut arena, who);
    }
    assert!(dishonest < U256::from(4 * FUNDS), "the dishonest side loses");
    assert!(balance(&mut arena, freeloader) < U256::from(FUNDS), "the freeloader loses");
    assert!(balance(&mut arena, challenger) >= U256::from(FUNDS), "the challenger loses nothing");
    assert!(outcome.max_move <= 100_000, "a move used {} gas", outcome.max_move);
}

#[test]
fn a_restarted_challenger_carries_on_below_the_split() {
    let mut arena = arena();
    let lie = SplitLie { from_unit: 60, lie: Lie::State, execution: Some((9, Lie::State)) };
    let (proposer, challenger) = (account(&mut arena, 0xb0), account(&mut arena, 0xc0));
    let game = propose(&mut arena, proposer, Some(lie));
    let mut liar = player(&arena, proposer, game, Strategy::Solver, Some(lie));
    let mut first = player(&arena, challenger, game, Strategy::Solver, None);
    // Past the split (20 levels, a move a side per round), then a new player.
    for _ in 0..14 {
        first.tick(&mut arena.chain).unwrap();
        liar.tick(&mut arena.chain).unwrap();
    }
    let state = game::read(&mut arena.chain, game).unwrap();
    assert!(state.claims.iter().any(|c| c.position.depth() > FULL.split_depth), "below the split");
    drop(first);
    let again = player(&arena, challenger, game, Strategy::Solver, None);
    let mut seats = [Seat::new("proposer", liar), Seat::new("challenger", again)];
    assert_eq!(finish(&mut arena, game, &mut seats).status, GameStatus::ChallengerWins);
}

#[test]
fn a_player_refuses_a_split_game_of_another_shape() {
    let mut arena = arena();
    let (proposer, challenger) = (account(&mut arena, 0xb0), account(&mut arena, 0xc0));
    let game = propose(&mut arena, proposer, None);
    let other = VmUnitTrace::new(Box::new(chain_units()), program(), FULL.max_depth, 21, 1 << 12);
    let mut p = Player::new(
        challenger,
        game,
        Strategy::Solver,
        GameTrace::split(Box::new(other.unwrap())),
        extra_data(),
    );
    match p.tick(&mut arena.chain) {
        Err(Error::WrongGame { reason, .. }) => {
            assert!(reason.contains("split at 20") && reason.contains("split at 21"), "{reason}")
        }
        other => panic!("expected WrongGame, got {other:?}"),
    }
}
