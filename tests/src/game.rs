//! A whole game on the embedded chain, with what it cost each side: the figures the
//! multi-phase opML test and benchmark compare (`tests/tests/opml.rs`, `benches/opml.rs`).

use std::time::{Duration, Instant};

use axon_dispute::chain::{Address, EmbeddedChain, U256};
use axon_dispute::deploy::{create_game, deploy, register_game_type, GameParams};
use axon_dispute::driver::{play, Seat};
use axon_dispute::game::{self, EventKind, GameStatus};
use axon_dispute::guest::load_guest;
use axon_dispute::lying::Lies;
use axon_dispute::setup::TraceSpec;
use axon_dispute::{Player, Strategy};

use crate::artifacts;

/// What a game cost.
#[derive(Debug, Clone, Copy)]
pub struct Figures {
    /// The outcome.
    pub status: GameStatus,
    /// Rounds in which someone sent a transaction.
    pub rounds: u64,
    /// The VM steps the proposer's and the challenger's traces ran.
    pub vm_steps: [u64; 2],
    /// Gas of every transaction of both sides (registrations, moves, steps, oracle loads,
    /// resolutions, withdrawals).
    pub gas: u64,
    /// The most gas a move used, above the split and below it (one value without a split).
    pub max_move: [u64; 2],
    /// The most gas a step used, with its oracle loads counted apart.
    pub max_step: u64,
    /// Wall time: tracing, playing, resolving.
    pub wall: Duration,
}

/// Plays the game of `spec` on a fresh embedded chain: a proposer telling `proposer` lies
/// against a challenger telling `challenger` lies (each honest with [`Lies::default`]).
///
/// # Panics
/// If the contracts are not built or the game does not play to its end.
pub fn play_embedded(spec: &TraceSpec, proposer: Lies, challenger: Lies) -> Figures {
    let started = Instant::now();
    let mut chain = EmbeddedChain::new();
    let [deployer, proposer_account, challenger_account] =
        [0xd0, 0xb0, 0xc0].map(Address::repeat_byte);
    for who in [deployer, proposer_account, challenger_account] {
        chain.fund(who, U256::from(10u128.pow(24)));
    }
    let deployment = deploy(&mut chain, deployer, &artifacts()).expect("deploy");
    let shape = spec.shape();
    let prestate =
        axon_vm::Vm::new(&load_guest(&spec.program).expect("guest")).expect("load").state_hash();
    let mut params = GameParams::new(1, prestate, shape.max_depth);
    params.split_depth = shape.split_depth;
    register_game_type(&mut chain, deployer, &artifacts(), &deployment, &params).expect("register");
    let extra = spec.extra_data().expect("extra data");
    // The proposer's trace claims the root, then plays: phase 1 runs once a side.
    let mut proposer_trace = spec.game_trace(proposer).expect("trace");
    let root = proposer_trace.root().expect("root");
    let game = create_game(&mut chain, proposer_account, deployment.factory, 1, root, &extra)
        .expect("create");
    let challenger_trace = spec.game_trace(challenger).expect("trace");
    let player = |who, trace| Player::new(who, game, Strategy::Solver, trace, extra.clone());
    let mut seats = [
        Seat::new("proposer", player(proposer_account, proposer_trace)),
        Seat::new("challenger", player(challenger_account, challenger_trace)),
    ];
    let (mut max_move, mut max_step) = ([0u64; 2], 0);
    let split = shape.split_depth;
    let summary = play(&mut chain, &mut seats, Duration::ZERO, |_, event| match event.kind {
        EventKind::Move => {
            let below = split != 0 && event.depth.is_some_and(|d| d > split);
            max_move[usize::from(below)] = max_move[usize::from(below)].max(event.gas);
        }
        EventKind::Step => max_step = max_step.max(event.gas),
        _ => {}
    })
    .expect("the game plays to its end");
    let state = game::read(&mut chain, game).expect("read");
    Figures {
        status: state.status,
        rounds: summary.rounds,
        vm_steps: [seats[0].player.steps_run(), seats[1].player.steps_run()],
        gas: seats.iter().map(|s| s.gas).sum(),
        max_move,
        max_step,
        wall: started.elapsed(),
    }
}
