//! Axiom V0's `updateHistorical` as a split-game claim (`docs/axiom.md`, "updateHistorical"),
//! on the embedded chain with the compiled contracts and the real verifier, over a synthetic
//! chain of 128 groups (131,072 headers of every fork's form): an honest update won by clock
//! caches all 128 groups; a claim with one forged group loses its dispute, which runs that
//! group's header chain in the VM and nothing else; and the `header-chain-unit` guest agrees
//! with its native twin.

use std::path::PathBuf;
use std::time::Duration;

use alloy::primitives::{keccak256, B256};
use axon_axiom::chain::walk_back_to_group_start;
use axon_axiom::group::{GroupClaim, GroupClaimAbi};
use axon_axiom::synthetic;
use axon_dispute::axiom::claims::{deploy_axiom, AxiomDeployment};
use axon_dispute::axiom::historical::{self, HistoricalUnits, GROUPS};
use axon_dispute::chain::{Address, Chain, EmbeddedChain, U256};
use axon_dispute::contracts::default_artifacts_dir;
use axon_dispute::deploy::{deploy, GameParams};
use axon_dispute::driver::{play, Seat};
use axon_dispute::game::{self, EventKind, GameStatus};
use axon_dispute::guest::load_guest;
use axon_dispute::lying::{Lie, LyingUnits};
use axon_dispute::split::{Subgame, UnitTrace, Units, VmUnitTrace};
use axon_dispute::{Error, GameTrace, Player, Position, Strategy};
use axon_vm::abi::VmStatus;
use axon_vm::{Program, Vm};

const FUNDS: u128 = 1_000_000_000_000_000_000_000;
/// Blocks of the next group, cached before the update (as `updateRecent` leaves a group).
const NEXT_FINAL: u64 = 500;

fn guest(name: &str) -> Program {
    load_guest(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/programs").join(name))
        .unwrap()
}

/// The synthetic chain from block 0: the update's 128 groups, then `NEXT_FINAL` blocks.
fn chain() -> Vec<Vec<u8>> {
    synthetic::chain(0, GROUPS as u64 * 1024 + NEXT_FINAL, B256::ZERO)
}

fn units(headers: &[Vec<u8>]) -> HistoricalUnits {
    let end_hash = keccak256(&headers[GROUPS * 1024 - 1]);
    HistoricalUnits::new(&headers[..GROUPS * 1024], end_hash).unwrap()
}

fn trace(headers: &[Vec<u8>]) -> VmUnitTrace {
    let (max, split) = (historical::MAX_DEPTH, historical::SPLIT_DEPTH);
    VmUnitTrace::new(Box::new(units(headers)), guest("header-chain-unit.elf"), max, split, 1 << 22)
        .unwrap()
}

/// The contracts, and the group after the update cached as an earlier update leaves it
/// (written into `historicalRoots`, slot 0, directly: the synthetic chain has no recent
/// block hashes for `updateRecent`).
fn arena(headers: &[Vec<u8>]) -> (EmbeddedChain, AxiomDeployment, GroupClaimAbi) {
    let mut chain = EmbeddedChain::new();
    let deployer = Address::repeat_byte(0xd0);
    chain.fund(deployer, U256::from(FUNDS));
    let artifacts = default_artifacts_dir();
    let dispute = deploy(&mut chain, deployer, &artifacts).unwrap();
    let prestate = |name: &str| Vm::new(&guest(name)).unwrap().state_hash();
    let params = [
        GameParams::new(2, prestate("header-chain.elf"), 32),
        GameParams::new(3, prestate("storage-proof.elf"), 32),
        GameParams::new(4, prestate("slot-stats.elf"), 32),
        historical::game_params(5, prestate("header-chain-unit.elf")),
    ];
    let contracts = deploy_axiom(&mut chain, deployer, &artifacts, dispute, params).unwrap();
    let tail: std::collections::HashMap<B256, &Vec<u8>> =
        headers[GROUPS * 1024..].iter().map(|h| (keccak256(h), h)).collect();
    let last = keccak256(headers.last().unwrap());
    let by_hash = |hash: &B256| tail[hash].clone();
    let next = GroupClaim::from_chain(&walk_back_to_group_start(last, by_hash).unwrap()).unwrap();
    let mut key = [0u8; 64];
    key[28..32].copy_from_slice(&next.start.to_be_bytes());
    let slot = U256::from_be_bytes(keccak256(key).0);
    chain.set_storage(contracts.cache, slot, U256::from_be_bytes(next.historical_root().0));
    let next = GroupClaimAbi {
        start: next.start,
        prevHash: next.prev_hash,
        root: next.root,
        numFinal: next.num_final,
    };
    (chain, contracts, next)
}

#[test]
fn an_honest_update_caches_128_groups() {
    let headers = chain();
    let units = units(&headers);
    let (mut chain, contracts, next) = arena(&headers);
    let proposer = Address::repeat_byte(0xb0);
    chain.fund(proposer, U256::from(FUNDS));
    let claimed = contracts
        .claim_historical(&mut chain, proposer, units.end_hash(), units.commitment())
        .unwrap();
    // Unchallenged, the claim stands once its clock has run out.
    chain.advance_time(302_401).unwrap();
    game::resolve_all(&mut chain, proposer, claimed.game).unwrap();
    let update = units.update();
    let receipt =
        contracts.update_historical(&mut chain, proposer, claimed.game, &update, &next).unwrap();
    for (i, root) in update.roots.iter().enumerate() {
        let start = i as u32 * 1024;
        let prev = if i == 0 { update.start_hash } else { update.end_hash_proofs[i - 1][10] };
        let entry = GroupClaim { start, prev_hash: prev, root: *root, num_final: 1024 };
        assert_eq!(contracts.historical_root(&mut chain, start).unwrap(), entry.historical_root());
    }
    eprintln!(
        "updateHistorical on 131,072 synthetic headers: claim {} gas, update {} gas",
        claimed.gas, receipt.gas_used
    );
    assert!(receipt.gas_used < 10_000_000, "{} gas", receipt.gas_used);
}

#[test]
fn a_claim_with_one_forged_group_loses_one_group_deep() {
    let headers = chain();
    let honest = trace(&headers);
    let (mut chain, contracts, next) = arena(&headers);
    let [proposer, challenger] = [0xb0, 0xc0].map(Address::repeat_byte);
    for who in [proposer, challenger] {
        chain.fund(who, U256::from(FUNDS));
    }
    // From unit 40 (group 87) on, the liar's groups differ, and it claims the disputed
    // group's run succeeded from its 100th step.
    let mut lying =
        LyingUnits::new(Box::new(trace(&headers)), 40, Lie::State, Some((100, Lie::Status)));
    let forged = lying.commitment_after(GROUPS as u64).unwrap();
    let end_hash = keccak256(&headers[GROUPS * 1024 - 1]);
    let game = contracts.claim_historical(&mut chain, proposer, end_hash, forged).unwrap().game;
    let extra = axon_dispute::axiom::claims::extra_data(end_hash);
    let mut seats = [
        Seat::new(
            "proposer",
            Player::new(
                proposer,
                game,
                Strategy::Solver,
                GameTrace::split(Box::new(lying)),
                extra.clone(),
            ),
        ),
        Seat::new(
            "challenger",
            Player::new(
                challenger,
                game,
                Strategy::Solver,
                GameTrace::split(Box::new(honest)),
                extra,
            ),
        ),
    ];
    let mut max_move = 0;
    play(&mut chain, &mut seats, Duration::ZERO, |_, event| {
        if event.kind == EventKind::Move {
            max_move = max_move.max(event.gas);
        }
    })
    .unwrap();
    let state = game::read(&mut chain, game).unwrap();
    assert_eq!(state.status, GameStatus::ChallengerWins);
    assert!(max_move <= 100_000, "a move used {max_move} gas");
    let steps = seats[1].player.steps_run();
    // One group's header chain (≈33.4M steps), not 128 of them.
    assert!(steps > 0 && steps < 40_000_000, "{steps} steps");
    eprintln!(
        "a forged group: challenger {steps} VM steps, {} gas; the most a move used {max_move}",
        seats[1].gas
    );
    let update = units(&headers).update();
    match contracts.update_historical(&mut chain, proposer, game, &update, &next) {
        Err(Error::Reverted(_)) => {}
        other => panic!("a lost claim updates nothing: {other:?}"),
    }
}

#[test]
fn the_guest_and_its_native_twin_agree_on_units() {
    let headers = chain();
    let mut native = units(&headers);
    let mut trace = trace(&headers);
    let position = Position::new(historical::SPLIT_DEPTH, 0).unwrap();
    // The first unit (from the end hash), one in the middle, the last (down to block 0).
    for unit in [0u64, 64, GROUPS as u64 - 1] {
        let agreed = native.commitment_after(unit).unwrap();
        let right = native.commitment_after(unit + 1).unwrap();
        let mut wrong = right;
        wrong[3] ^= 1;
        for (disputed, want) in [(right, VmStatus::Valid), (wrong, VmStatus::Invalid)] {
            let s = Subgame {
                agreed,
                agreed_position: None,
                disputed,
                disputed_position: position,
                unit,
            };
            let last = trace.execution(&s).unwrap().state_after(1 << 34).unwrap();
            assert_eq!(last[0], want as u8, "unit {unit}");
        }
    }
}
