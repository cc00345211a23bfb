//! The validator's part in inference results: the seed's opML proof, kept apart from the
//! block proof. To a block's proof an `inference` call's result is oracle data; on L1 the
//! rollup's output games load it from the `InferenceOracle`, which holds a result only once
//! an opML game — the `inference` guest run on the request — has made it final.
//!
//! - Every claim of a result for a request the chain made is played with the honest trace,
//!   as output proposals are: a wrong result is attacked down to one instruction of the
//!   `inference` guest, a true one defended. A claim of a request the chain never made is
//!   left alone: this node cannot run it.
//! - When an output game reaches the proof of a block that makes inference calls, the
//!   validator claims the true results the block reads, unless a true claim of each is
//!   pending, and finalizes them once their games stand — within the output game's leaf clock
//!   extension, which the deployment sized for an opML game's clock.
//!
//! A dishonest validator (`--dishonest`, for demonstrations and tests only) also claims a
//! wrong result for every request of the blocks it makes or derives, and defends it with a
//! trace that lies from the middle of the `inference` guest's run on: what a malicious
//! claimant does, and loses at the one step where its lie begins.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use alloy::eips::BlockNumberOrTag;
use alloy::primitives::{keccak256, Address, B256, U256};
use axon_dispute::ai_evm::results::{extra_data, IInferenceOracle};
use axon_dispute::chain::{send, view, RpcChain};
use axon_dispute::deploy::{game_at, root_bond};
use axon_dispute::game::{self, GameStatus};
use axon_dispute::guest::finish_guest;
use axon_dispute::lying::{Lie, LyingTrace};
use axon_dispute::output::OutputWitness;
use axon_dispute::{Player, Position, Strategy, TraceProvider, VmTraceProvider};
use axon_ml::{serve, InferenceResult, NoProbe};
use axon_vm::abi::local;
use axon_vm::{CheckpointStore, PreimageStore, Program, VmConfig};

use crate::deployment::INFERENCE_MAX_DEPTH;
use crate::error::{NodeError, Result};
use crate::games::GameEvent;
use crate::l1::{ResultClaim, L1};
use crate::node::Node;

/// Steps between checkpoints of an `inference` run.
const CHECKPOINT_INTERVAL: u64 = 1 << 16;
/// How many L1 blocks each scan reads again (a claim a reorganization moved is seen).
const RESCAN: u64 = 64;
/// The most L1 blocks one log query asks for.
const LOG_RANGE: u64 = 1_000;

/// The honest run of the `inference` guest on one request, under one of its names.
struct Honest {
    /// The guest's preimages.
    store: PreimageStore,
    /// How many steps the run takes.
    steps: u64,
    /// Its final state, and the proof of its output commitment.
    witness: OutputWitness,
    /// The result it commits to.
    result: InferenceResult,
}

/// A claim of a result the validator plays.
struct Tracked {
    /// The request's name the claim is under.
    name: B256,
    player: Player,
    /// Whether the claimed final state is the honest one.
    true_claim: bool,
    /// Whether its resolution has been acted on.
    settled: bool,
}

/// The validator's inference results on L1.
pub struct Results {
    node: std::sync::Arc<Node>,
    program: Program,
    account: Address,
    /// The next L1 block to scan for claims.
    cursor: u64,
    seen: HashSet<Address>,
    claims: BTreeMap<Address, Tracked>,
    honest: HashMap<B256, Honest>,
    /// Requests (by their hash) a block proof needs, and their bytes.
    needed: BTreeMap<B256, Vec<u8>>,
    /// Requests whose result is final.
    finalized: BTreeSet<B256>,
    /// Whether to claim wrong results (demonstrations and tests only).
    dishonest: bool,
}

impl std::fmt::Debug for Results {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Results").field("claims", &self.claims.len()).finish_non_exhaustive()
    }
}

/// The request name `name` with its first byte cleared: the `InferenceOracle`'s id, which
/// every name of a request shares.
fn request_id(name: B256) -> B256 {
    let mut id = name;
    id.0[0] = 0;
    id
}

impl Results {
    /// The results of `node`'s chain, played from `account` with the `inference` guest
    /// `program`, scanning L1 from `from`; claiming wrong results too if `dishonest`.
    pub fn new(
        node: std::sync::Arc<Node>,
        program: Program,
        account: Address,
        from: u64,
        dishonest: bool,
    ) -> Self {
        Self {
            node,
            program,
            account,
            cursor: from,
            seen: HashSet::new(),
            claims: BTreeMap::new(),
            honest: HashMap::new(),
            needed: BTreeMap::new(),
            finalized: BTreeSet::new(),
            dishonest,
        }
    }

    /// Asks for the results of `requests` to be final: a block proof reads them.
    pub fn need(&mut self, requests: Vec<Vec<u8>>) {
        for request in requests {
            let hash = keccak256(&request);
            if !self.finalized.contains(&request_id(hash)) {
                self.needed.insert(hash, request);
            }
        }
    }

    /// One round: new claims, the results needed, a move in every claim's game and the
    /// finalization of every true claim that stands.
    pub fn round(
        &mut self,
        l1: &L1,
        chain: &mut RpcChain,
        report: &mut impl FnMut(&GameEvent),
    ) -> Result<()> {
        if self.dishonest {
            for request in self.node.take_requests() {
                self.lie(l1, chain, request, report)?;
            }
        }
        self.scan(l1, chain, report)?;
        self.claim_needed(l1, chain, report)?;
        self.play(l1, chain, report);
        Ok(())
    }

    /// Plays every claim L1 logged since the last round whose request the chain made.
    fn scan(
        &mut self,
        l1: &L1,
        chain: &mut RpcChain,
        report: &mut impl FnMut(&GameEvent),
    ) -> Result<()> {
        let Some(latest) = l1.head(BlockNumberOrTag::Latest)? else { return Ok(()) };
        let mut from = self.cursor.saturating_sub(RESCAN).max(l1.deployment().deploy_block);
        while from <= latest {
            let to = latest.min(from + LOG_RANGE - 1);
            for claim in l1.result_claims(from, to)? {
                if self.seen.contains(&claim.game) {
                    continue;
                }
                match self.adopt(chain, &claim) {
                    Ok(Some(what)) => report(&GameEvent::Inference { game: claim.game, what }),
                    Ok(None) => {}
                    Err(e) => {
                        let reason = e.to_string();
                        report(&GameEvent::Failed { game: claim.game, reason });
                        continue;
                    }
                }
                self.seen.insert(claim.game);
            }
            from = to + 1;
        }
        self.cursor = latest + 1;
        Ok(())
    }

    /// Starts playing `claim`; what it found, or nothing for a request the chain never made.
    fn adopt(&mut self, chain: &mut RpcChain, claim: &ResultClaim) -> Result<Option<String>> {
        let Some(request) = self.request_bytes(claim.request)? else {
            return Ok(Some("a claim of a request this chain never made: not played".into()));
        };
        let honest = self.honest(claim.request, &request)?;
        let (state, store) = (honest.witness.state_hash, honest.store.clone());
        let claimed = game::read(chain, claim.game)?.claims.first().map(|c| c.value);
        let true_claim = claimed == Some(state);
        let player = self.player(claim.game, claim.request, store)?;
        self.claims.insert(
            claim.game,
            Tracked { name: claim.request, player, true_claim, settled: false },
        );
        Ok(Some(if true_claim {
            format!("a true result of request {} claimed: defending it", claim.request)
        } else {
            format!("a wrong result of request {} claimed: challenging it", claim.request)
        }))
    }

    /// The bytes of the request named `name` (any of its 256 names) if the chain made it: the
    /// node keeps every request its blocks made under its keccak-256.
    fn request_bytes(&self, name: B256) -> Result<Option<Vec<u8>>> {
        if let Some(bytes) = self.needed.get(&name) {
            return Ok(Some(bytes.clone()));
        }
        let snapshot = self.node.snapshot()?;
        for first in 0..=u8::MAX {
            let mut hash = name;
            hash.0[0] = first;
            if let Some(bytes) = axon_ai_evm::block::Preimages::preimage(&snapshot, hash) {
                return Ok(Some(bytes.to_vec()));
            }
        }
        snapshot.check()?;
        Ok(None)
    }

    /// The honest run on `request` under `name`, computed once.
    fn honest(&mut self, name: B256, request: &[u8]) -> Result<&Honest> {
        if !self.honest.contains_key(&name) {
            let models = &self.node.genesis().model_files;
            let mut store = PreimageStore::new();
            store.insert_local(local::INPUT, name.to_vec());
            store.insert_keccak(request.to_vec());
            if let Some(model) = request.get(..32).and_then(|a| models.get(a.try_into().ok()?)) {
                store.insert_blob(model.clone());
            }
            let result = serve(request, |address| models.get(address).cloned(), &mut NoProbe)
                .ok_or_else(|| {
                    NodeError::Execution(format!("request {name}: its model is not this chain's"))
                })?;
            let (vm, _) = finish_guest(&self.program, store.clone())
                .map_err(|e| NodeError::Proof(e.to_string()))?;
            let witness = OutputWitness::of(&vm);
            let steps = vm.cpu().step;
            self.honest.insert(name, Honest { store, steps, witness, result });
        }
        Ok(&self.honest[&name])
    }

    /// The honest player of `game`, the claim of a result of the request named `name`.
    fn player(&self, game: Address, name: B256, store: PreimageStore) -> Result<Player> {
        let trace = self.trace(store)?;
        Ok(Player::new(self.account, game, Strategy::Solver, trace, extra_data(&name)?))
    }

    /// The honest trace of the `inference` guest over `store`.
    fn trace(&self, store: PreimageStore) -> Result<Box<dyn TraceProvider>> {
        let trace = VmTraceProvider::new(
            &self.program,
            store,
            INFERENCE_MAX_DEPTH,
            CHECKPOINT_INTERVAL,
            CheckpointStore::Memory,
            VmConfig::default(),
        )
        .map_err(|e| NodeError::Proof(e.to_string()))?;
        Ok(Box::new(trace))
    }

    /// Claims a wrong result of `request` and defends it with a trace that lies from the
    /// middle of the honest run on (`--dishonest` only).
    fn lie(
        &mut self,
        l1: &L1,
        chain: &mut RpcChain,
        request: Vec<u8>,
        report: &mut impl FnMut(&GameEvent),
    ) -> Result<()> {
        let name = keccak256(&request);
        let honest = self.honest(name, &request)?;
        let (store, from_step) = (honest.store.clone(), honest.steps / 2);
        let mut lying = LyingTrace::new(self.trace(store)?, from_step, Lie::State);
        let root = lying.claim_at(Position::ROOT)?;
        let deployment = *l1.deployment();
        let (factory, game_type) = (deployment.factory, deployment.inference_game_type);
        let bond = root_bond(chain, factory, game_type)?;
        let call = IInferenceOracle::claimResultCall { request: name, finalState: root.into() };
        match send(chain, self.account, deployment.inference_oracle, bond, call) {
            Ok(_) => {}
            // The same wrong result is claimed already (a restart): not twice.
            Err(axon_dispute::Error::Reverted(_)) => return Ok(()),
            Err(e) => return Err(e.into()),
        }
        let game = game_at(chain, factory, game_type, root, &extra_data(&name)?)?;
        let trace: Box<dyn TraceProvider> = Box::new(lying);
        let player = Player::new(self.account, game, Strategy::Solver, trace, extra_data(&name)?);
        self.seen.insert(game);
        self.claims.insert(game, Tracked { name, player, true_claim: false, settled: false });
        let what = format!("claimed a wrong result of request {name} (dishonest)");
        report(&GameEvent::Inference { game, what });
        Ok(())
    }

    /// Claims the true result of every needed request that is not final and has no true
    /// claim pending.
    fn claim_needed(
        &mut self,
        l1: &L1,
        chain: &mut RpcChain,
        report: &mut impl FnMut(&GameEvent),
    ) -> Result<()> {
        let deployment = *l1.deployment();
        for (name, request) in std::mem::take(&mut self.needed) {
            let id = request_id(name);
            let call = IInferenceOracle::finalizedResultCall { request: name };
            if view(chain, deployment.inference_oracle, call)? != B256::ZERO {
                self.finalized.insert(id);
                continue;
            }
            let pending = self
                .claims
                .values()
                .any(|c| request_id(c.name) == id && c.true_claim && !c.settled);
            if !pending {
                let state = self.honest(name, &request)?.witness.state_hash;
                let (factory, game_type) = (deployment.factory, deployment.inference_game_type);
                let bond = root_bond(chain, factory, game_type)?;
                let call =
                    IInferenceOracle::claimResultCall { request: name, finalState: state.into() };
                send(chain, self.account, deployment.inference_oracle, bond, call)?;
                let game = game_at(chain, factory, game_type, state, &extra_data(&name)?)?;
                let store = self.honest[&name].store.clone();
                let player = self.player(game, name, store)?;
                self.seen.insert(game);
                self.claims
                    .insert(game, Tracked { name, player, true_claim: true, settled: false });
                let what =
                    format!("claimed the true result of request {name}, which a block proof reads");
                report(&GameEvent::Inference { game, what });
            }
            self.needed.insert(name, request);
        }
        Ok(())
    }

    /// A move in every claim's game; a true claim whose game stands is finalized. A game that
    /// fails is reported and tried again next round.
    fn play(&mut self, l1: &L1, chain: &mut RpcChain, report: &mut impl FnMut(&GameEvent)) {
        let oracle = l1.deployment().inference_oracle;
        let mut done = Vec::new();
        for (game, tracked) in &mut self.claims {
            let mut step = || -> Result<bool> {
                let progress = tracked.player.tick(chain)?;
                if let axon_dispute::Progress::Acted(events) = &progress {
                    for event in events {
                        report(&GameEvent::Inference { game: *game, what: event.what.clone() });
                    }
                }
                let status = game::read(chain, *game)?.status;
                if !tracked.settled && status != GameStatus::InProgress {
                    tracked.settled = true;
                    let id = request_id(tracked.name);
                    let call = IInferenceOracle::finalizedResultCall { request: tracked.name };
                    let open = view(chain, oracle, call)? == B256::ZERO;
                    if status == GameStatus::DefenderWins && tracked.true_claim && open {
                        let honest = &self.honest[&tracked.name];
                        let call = IInferenceOracle::finalizeCall {
                            proof: honest.witness.proof(*game),
                            result: honest.result.encode().into(),
                        };
                        send(chain, self.account, oracle, U256::ZERO, call)?;
                        let what = format!("finalized the true result of request {}", tracked.name);
                        report(&GameEvent::Inference { game: *game, what });
                    }
                    if status == GameStatus::DefenderWins && tracked.true_claim {
                        self.finalized.insert(id);
                    }
                    let what = format!("the claim's game ended: {status}");
                    report(&GameEvent::Inference { game: *game, what });
                }
                Ok(tracked.settled && matches!(progress, axon_dispute::Progress::Done))
            };
            match step() {
                Ok(true) => done.push(*game),
                Ok(false) => {}
                Err(e) => report(&GameEvent::Failed { game: *game, reason: e.to_string() }),
            }
        }
        for game in done {
            self.claims.remove(&game);
        }
    }
}
