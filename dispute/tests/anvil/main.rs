//! Games on a real JSON-RPC node: anvil (npm `@foundry-rs/anvil`, installed by `make setup`)
//! on loopback. The library plays a game against each dishonest strategy over [`RpcChain`]
//! with anvil's time travel; one game is played by the `dispute` binary itself — `deploy`, `propose`, two `bisect`
//! processes in real time — with the honest challenger killed mid-game and restarted.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use axon_dispute::chain::{Chain, RpcChain};
use axon_dispute::contracts::default_artifacts_dir;
use axon_dispute::deploy::{create_game, deploy, register_game_type, GameParams};
use axon_dispute::driver::{play, Seat};
use axon_dispute::game::{self, EventKind, GameStatus};
use axon_dispute::lying::Lie;
use axon_dispute::setup::TraceSpec;
use axon_dispute::{Player, Position, Strategy, TraceProvider};

/// anvil's first seven development accounts (its well-known test mnemonic).
const KEYS: [&str; 7] = [
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
    "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
    "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
    "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
];

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A running anvil, killed on drop.
struct Anvil {
    child: Child,
    url: String,
}

impl Drop for Anvil {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts anvil on a free loopback port: mining a block per transaction, or every
/// `block_time` seconds like a real chain (time then passes between transactions, which is
/// what a player that waits for a deadline without moving time polls for).
fn anvil(block_time: Option<u32>) -> Anvil {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let tool = repo().join("contracts/tools/foundry");
    let mut command = Command::new(&tool);
    command.args(["anvil", "--host", "127.0.0.1", "--port", &port.to_string(), "--silent"]);
    command.args(["--hardfork", "prague"]);
    if let Some(seconds) = block_time {
        command.args(["--block-time", &seconds.to_string()]);
    }
    let child = command
        .stdout(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e} (run `make setup` to install anvil)", tool.display()));
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "anvil did not start on port {port}");
        std::thread::sleep(Duration::from_millis(100));
    }
    Anvil { child, url }
}

fn hello(depth: u8) -> TraceSpec {
    TraceSpec {
        program: repo().join("fixtures/programs/hello.elf"),
        input: b"axon".to_vec(),
        preimages: Default::default(),
        max_depth: depth,
        checkpoint_interval: 512,
        checkpoint_dir: None,
    }
}

/// A dishonest player in a library game: its strategy and the lie its trace tells.
type Role = (Strategy, Option<(u64, Lie)>);

/// A game the library plays on anvil: the proposer's role, the other dishonest players', and
/// the honest challenger last.
struct Scenario {
    name: &'static str,
    proposer: Role,
    others: Vec<Role>,
}

#[test]
fn the_library_beats_every_dishonest_strategy_on_anvil() {
    let node = anvil(None);
    let keys: Vec<String> = KEYS.iter().map(|k| k.to_string()).collect();
    let mut chain = RpcChain::connect(&node.url, &keys).expect("connect");
    assert!(chain.can_advance_time(), "anvil moves time");
    let accounts = chain.accounts().to_vec();
    let (deployer, challenger) = (accounts[0], accounts[1]);
    let artifacts = default_artifacts_dir();
    let spec = hello(12);
    let deployment = deploy(&mut chain, deployer, &artifacts).unwrap();
    let params = GameParams::new(1, spec.honest_trace().unwrap().absolute_prestate().unwrap(), 12);
    register_game_type(&mut chain, deployer, &artifacts, &deployment, &params).unwrap();
    let extra = spec.extra_data().unwrap();

    let solver = |from, lie| (Strategy::Solver, Some((from, lie)));
    let scenarios = [
        Scenario { name: "wrong final state", proposer: solver(3049, Lie::State), others: vec![] },
        Scenario { name: "one wrong step", proposer: solver(2000, Lie::State), others: vec![] },
        Scenario { name: "wrong status", proposer: solver(3049, Lie::Status), others: vec![] },
        Scenario {
            name: "idle proposer",
            proposer: (Strategy::Idle, Some((10, Lie::State))),
            others: vec![],
        },
        Scenario {
            name: "freeloader",
            proposer: solver(800, Lie::State),
            others: vec![(Strategy::Freeloader, None)],
        },
        Scenario {
            name: "several dishonest claimants",
            proposer: solver(1200, Lie::State),
            others: vec![
                solver(40, Lie::State),
                solver(2900, Lie::State),
                solver(3049, Lie::Status),
            ],
        },
    ];
    for scenario in scenarios {
        let proposer = accounts[2];
        let root = spec.trace(scenario.proposer.1).unwrap().claim_at(Position::ROOT).unwrap();
        let game = create_game(&mut chain, proposer, deployment.factory, 1, root, &extra).unwrap();
        let player = |who, (strategy, lie): Role| {
            Player::new(who, game, strategy, spec.trace(lie).unwrap(), extra.clone())
        };
        let mut seats = vec![Seat::new("proposer", player(proposer, scenario.proposer))];
        for (i, role) in scenario.others.iter().enumerate() {
            seats.push(Seat::new(format!("player {i}"), player(accounts[3 + i], *role)));
        }
        seats.push(Seat::new("challenger", player(challenger, (Strategy::Solver, None))));
        let mut max_move = 0;
        play(&mut chain, &mut seats, Duration::from_millis(100), |_, e| {
            if e.kind == EventKind::Move {
                max_move = max_move.max(e.gas);
            }
        })
        .unwrap_or_else(|e| panic!("{}: {e}", scenario.name));
        let state = game::read(&mut chain, game).unwrap();
        assert_eq!(state.status, GameStatus::ChallengerWins, "{}", scenario.name);
        for claim in state.claims.iter().filter(|c| c.claimant == challenger) {
            assert!(claim.countered_by.is_zero(), "{}: honest claim countered", scenario.name);
        }
        assert!(max_move <= 100_000, "{}: a move used {max_move} gas on anvil", scenario.name);
        assert!(chain.balance(game).unwrap().is_zero(), "{}: every bond paid out", scenario.name);
    }
}

fn dispute(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dispute"));
    command.args(args);
    command
}

/// Runs `dispute` to completion and returns its stdout; panics with its stderr on failure.
fn run(args: &[&str]) -> String {
    let out = dispute(args).output().unwrap();
    assert!(
        out.status.success(),
        "dispute {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Starts `dispute bisect`, sending each stdout line to the returned channel.
fn bisect(args: &[&str]) -> (Child, mpsc::Receiver<String>) {
    let mut child = dispute(args).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (child, rx)
}

/// Lines from `rx` until one satisfies `done`, within `limit`.
fn lines_until(
    rx: &mpsc::Receiver<String>,
    limit: Duration,
    done: impl Fn(&str) -> bool,
) -> Vec<String> {
    let deadline = Instant::now() + limit;
    let mut lines = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => {
                let stop = done(&line);
                lines.push(line);
                if stop {
                    return lines;
                }
            }
            Err(_) => panic!("gave up waiting; got {lines:#?}"),
        }
    }
}

fn data_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("axon-anvil-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn player_runs(dir: &Path, game: &str) -> u64 {
    let text = std::fs::read_to_string(dir.join(game).join("player.json")).unwrap();
    serde_json::from_str::<serde_json::Value>(&text).unwrap()["runs"].as_u64().unwrap()
}

#[test]
fn the_cli_challenger_survives_a_restart_and_wins_on_anvil() {
    let node = anvil(Some(1));
    let url = node.url.as_str();
    let deployment = run(&[
        "deploy",
        "--rpc-url",
        url,
        "--private-key",
        KEYS[0],
        "--max-depth",
        "12",
        "--max-clock-duration",
        "40",
        "--withdrawal-delay",
        "2",
    ]);
    let deployment: serde_json::Value = serde_json::from_str(&deployment).unwrap();
    let factory = deployment["factory"].as_str().unwrap().to_owned();
    let game = run(&[
        "propose",
        "--rpc-url",
        url,
        "--private-key",
        KEYS[1],
        "--max-depth",
        "12",
        "--factory",
        &factory,
        "--lie-from-step",
        "1700",
    ]);
    let game = game.trim().to_owned();

    let (liar_dir, honest_dir) = (data_dir("liar"), data_dir("honest"));
    let (liar_dir_s, honest_dir_s) = (liar_dir.to_str().unwrap(), honest_dir.to_str().unwrap());
    let common = ["--rpc-url", url, "--max-depth", "12", "--game", &game, "--poll-seconds", "1"];
    let liar_args: Vec<&str> = ["bisect"]
        .iter()
        .copied()
        .chain(common)
        .chain(["--private-key", KEYS[1], "--lie-from-step", "1700", "--data-dir", liar_dir_s])
        .collect();
    let honest_args: Vec<&str> = ["bisect"]
        .iter()
        .copied()
        .chain(common)
        .chain(["--private-key", KEYS[2], "--data-dir", honest_dir_s])
        .collect();
    let (mut liar, _liar_lines) = bisect(&liar_args);

    // The challenger makes two moves, then is killed without warning.
    let (mut honest, lines) = bisect(&honest_args);
    let moves = |l: &str| l.starts_with("attack") || l.starts_with("defend");
    lines_until(&lines, Duration::from_secs(60), |l| moves(l));
    lines_until(&lines, Duration::from_secs(60), |l| moves(l));
    honest.kill().unwrap();
    honest.wait().unwrap();

    // Restarted, it picks the game up from the chain and plays it to the end.
    let (mut honest, lines) = bisect(&honest_args);
    let rest =
        lines_until(&lines, Duration::from_secs(240), |l| l.starts_with(&format!("game {game}")));
    assert!(honest.wait().unwrap().success());
    let last = rest.last().unwrap();
    assert!(last.contains("challenger wins"), "{rest:#?}");
    assert!(rest.iter().any(|l| l.starts_with("step")), "the challenger stepped: {rest:#?}");
    assert!(rest.iter().any(|l| l.starts_with("withdraw")), "and withdrew: {rest:#?}");
    assert_eq!(player_runs(&honest_dir, &game), 2, "the record counts the restart");
    assert!(liar.wait().unwrap().success(), "the liar plays to the end too");

    let status = run(&["status", "--rpc-url", url, "--game", &game]);
    assert!(status.contains("challenger wins"), "{status}");
    let claims = run(&["list-claims", "--rpc-url", url, "--game", &game]);
    assert_eq!(claims.lines().count(), 1 + 13, "a header and one claim per level: {claims}");
    let _ = std::fs::remove_dir_all(liar_dir);
    let _ = std::fs::remove_dir_all(honest_dir);
}

#[test]
fn the_demo_plays_on_anvil_too() {
    let node = anvil(None);
    let keys = KEYS[..3].join(",");
    let out = run(&["demo", "--rpc-url", &node.url, "--private-key", &keys, "--max-depth", "12"]);
    assert!(out.contains("outcome: challenger wins"), "{out}");
    assert!(out.contains("step out of claim") || out.contains("step into claim"), "{out}");
}

/// The AI-EVM demo on anvil: a block disputed over a forged inference, with the figures
/// `docs/ai-evm.md` quotes (rounds, gas, wall time).
#[test]
fn the_ai_evm_demo_disputes_a_block_on_anvil() {
    let node = anvil(None);
    let keys = KEYS[..3].join(",");
    let started = Instant::now();
    let out = run(&["demo", "--ai-evm", "--rpc-url", &node.url, "--private-key", &keys]);
    assert!(out.contains("outcome: challenger wins"), "{out}");
    assert!(out.contains("oracle load(s) first"), "{out}");
    let summary: Vec<&str> = out.lines().filter(|l| !l.starts_with("    ")).collect();
    eprintln!("{}\nwall time {:.1} s", summary.join("\n"), started.elapsed().as_secs_f64());
}

/// Optimistic Axiom's inputs from a real node: anvil's headers and `eth_getProof` responses
/// give the same claims in the VM guests as the host checks, and `dispute axiom` prints them.
#[test]
fn axiom_claims_from_a_real_node_match_the_host_checks() {
    use alloy::primitives::{keccak256, Address, B256};
    use axon_axiom::chain::verify_chain;
    use axon_axiom::group::GroupClaim;
    use axon_axiom::header::BlockHeader;
    use axon_dispute::axiom;
    use axon_vm::Halt;

    let anvil = anvil(None);
    let mined = Command::new(repo().join("contracts/tools/foundry"))
        .args(["cast", "rpc", "anvil_mine", "0x406", "--rpc-url", &anvil.url])
        .output()
        .expect("cast runs");
    assert!(mined.status.success(), "{}", String::from_utf8_lossy(&mined.stderr));
    let node = axiom::Node::connect(&anvil.url).expect("connects");
    let elf = |name: &str| repo().join("fixtures/programs").join(name);

    // Fetched 16 at a time, the headers come back in order: each the parent of the next.
    let started = Instant::now();
    let all = node.headers(0..=1029).expect("headers");
    eprintln!("1030 headers in {:.2} s", started.elapsed().as_secs_f64());
    assert!(all.iter().enumerate().all(|(n, h)| h.number == n as u64));
    assert!(all.windows(2).all(|w| w[1].parent_hash == w[0].hash_slow()));

    let headers = node.group_headers(1029).expect("headers");
    assert_eq!(headers.len(), 6, "blocks 1024..=1029");
    assert_eq!(headers[5], alloy_rlp::encode(&all[1029]));
    let anchor = keccak256(headers.last().expect("headers"));
    let chain = verify_chain(&headers, anchor).expect("anvil's headers chain");
    let claim = GroupClaim::from_chain(&chain).expect("a group prefix");
    let run =
        axiom::run_guest(&elf("header-chain.elf"), axiom::header_chain_store(&headers).unwrap())
            .expect("runs");
    assert_eq!(run.halt, Halt::Exited(0), "{}", String::from_utf8_lossy(&run.stderr));
    assert_eq!(run.stdout, claim.abi_encode());

    let funded: Address = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266".parse().unwrap();
    for address in [funded, Address::repeat_byte(0x42)] {
        let (raw, claim) = node.storage_claim(1029, address, vec![B256::ZERO]).expect("a proof");
        assert_eq!(claim.exists, address == funded);
        let header = BlockHeader::decode(&raw, 0).expect("decodes");
        let expected = claim.attest(&header).expect("the node's proof holds").encode();
        let run =
            axiom::run_guest(&elf("storage-proof.elf"), axiom::storage_proof_store(&raw, &claim))
                .expect("runs");
        assert_eq!(run.halt, Halt::Exited(0), "{}", String::from_utf8_lossy(&run.stderr));
        assert_eq!(run.stdout, expected, "{address}");
    }

    let out = Command::new(env!("CARGO_BIN_EXE_dispute"))
        .args(["axiom", "group", "--rpc-url", &anvil.url, "--block", "1029"])
        .output()
        .expect("dispute runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["status"], "valid");
    assert_eq!(report["output"], format!("0x{}", hex::encode(claim.abi_encode())));
}

alloy_sol_types::sol! {
    /// `contracts/src/axiom/examples/SnapshotToken.sol`.
    interface ISnapshotToken {
        function mint(address to, uint256 amount) external;
        function transfer(address to, uint256 amount) external returns (bool);
    }
}

/// Plays `seats` to the end on anvil: the rounds, and the most gas one move took and the
/// gas of the step, as text.
fn play_logged(chain: &mut RpcChain, seats: &mut [Seat]) -> (u64, String) {
    let (mut max_move, mut step) = (0, 0);
    let summary = play(chain, seats, Duration::from_millis(100), |_, e| match e.kind {
        EventKind::Move => max_move = max_move.max(e.gas),
        EventKind::Step => step = e.gas,
        _ => {}
    })
    .unwrap();
    (summary.rounds, format!("at most {max_move} gas a move, {step} gas the step"))
}

/// Optimistic Axiom end to end on anvil, which is both the chain the data comes from and the
/// chain the contracts live on: a correct block-hash update and a correct storage attestation
/// finalize after their challenge window and the consumer contract admits the holder they
/// prove; a forged update (a wrong root) and a forged attestation (a wrong slot value), each
/// with a well-formed final state and a valid output proof, are disputed by the honest
/// challenger and lose, and their outputs are refused.
#[test]
fn optimistic_axiom_claims_finalize_or_lose_their_dispute_on_anvil() {
    use alloy::primitives::{keccak256, B256, U256};
    use alloy_sol_types::SolValue;
    use axon_axiom::attest::{StorageAttestation, StorageClaim};
    use axon_dispute::axiom::claims::{
        block_hash_witness, deploy_axiom, extra_data, GroupUpdate, IHistoricHolderGate,
        OutputWitness,
    };
    use axon_dispute::axiom::{self, finish_guest, load_guest};
    use axon_dispute::chain::{send, view};
    use axon_dispute::deploy::deploy_contract;
    use axon_dispute::lying::LyingTrace;
    use axon_dispute::VmTraceProvider;
    use axon_vm::{CheckpointStore, PreimageStore, Program, Vm, VmConfig};

    const DEPTH: u8 = 32;
    let anvil = anvil(None);
    let keys: Vec<String> = KEYS.iter().map(|k| k.to_string()).collect();
    let mut chain = RpcChain::connect(&anvil.url, &keys).expect("connect");
    let node = axiom::Node::connect(&anvil.url).expect("connects");
    let accounts = chain.accounts().to_vec();
    let (deployer, proposer, liar, challenger, holder) =
        (accounts[0], accounts[1], accounts[2], accounts[3], accounts[4]);
    let artifacts = default_artifacts_dir();
    let guest = |name: &str| load_guest(&repo().join("fixtures/programs").join(name)).unwrap();
    let (headers_guest, storage_guest) = (guest("header-chain.elf"), guest("storage-proof.elf"));
    let prestate = |program: &Program| Vm::new(program).unwrap().state_hash();

    let dispute = deploy(&mut chain, deployer, &artifacts).unwrap();
    let contracts = deploy_axiom(
        &mut chain,
        deployer,
        &artifacts,
        dispute,
        [
            GameParams::new(2, prestate(&headers_guest), DEPTH),
            GameParams::new(3, prestate(&storage_guest), DEPTH),
            GameParams::new(4, prestate(&guest("slot-stats.elf")), DEPTH),
        ],
    )
    .unwrap();
    let token = deploy_contract(
        &mut chain,
        deployer,
        &artifacts,
        "SnapshotToken.sol",
        "SnapshotToken",
        vec![],
    )
    .unwrap();
    let minted = U256::from(1_000u64);
    send(
        &mut chain,
        deployer,
        token,
        U256::ZERO,
        ISnapshotToken::mintCall { to: holder, amount: minted },
    )
    .unwrap();
    let snapshot = node.latest_number().unwrap();
    let gate_args =
        (contracts.attestations, token, U256::ZERO, snapshot as u32, U256::from(500u64));
    let gate = deploy_contract(
        &mut chain,
        deployer,
        &artifacts,
        "HistoricHolderGate.sol",
        "HistoricHolderGate",
        gate_args.abi_encode_params(),
    )
    .unwrap();
    // After the snapshot the holder's balance changes: only the attested past one counts.
    send(
        &mut chain,
        holder,
        token,
        U256::ZERO,
        ISnapshotToken::transferCall { to: liar, amount: minted },
    )
    .unwrap();

    // The players of each claim's game: the claimant with its trace (honest, or lying from
    // the end of the run with its forged final state) and the honest challenger.
    let trace = |program: &Program, store: PreimageStore| {
        VmTraceProvider::new(
            program,
            store,
            DEPTH,
            1 << 14,
            CheckpointStore::Memory,
            VmConfig::default(),
        )
        .unwrap()
    };
    let seats_for = |game,
                     input: B256,
                     claimant,
                     claimant_trace: Box<dyn TraceProvider>,
                     honest| {
        vec![
            Seat::new(
                "claimant",
                Player::new(claimant, game, Strategy::Solver, claimant_trace, extra_data(input)),
            ),
            Seat::new(
                "challenger",
                Player::new(challenger, game, Strategy::Solver, honest, extra_data(input)),
            ),
        ]
    };
    let mut gas = Vec::new();

    // A block-hash update from the latest block, and a forged one with a wrong root.
    let anchor_number = node.latest_number().unwrap();
    let headers = node.group_headers(anchor_number).unwrap();
    let anchor = keccak256(headers.last().unwrap());
    let store = axiom::header_chain_store(&headers).unwrap();
    let (vm, host) = finish_guest(&headers_guest, store.clone()).unwrap();
    let honest = OutputWitness::of(&vm);
    let update = GroupUpdate::abi_decode(&host.stdout).unwrap();
    let mut wrong = update.clone();
    wrong.root = keccak256(b"not the group's root");
    let forged = OutputWitness::forged(&vm, &wrong.abi_encode()).unwrap();
    let block = anchor_number as u32;
    let ok =
        contracts.claim_recent(&mut chain, proposer, block, anchor, honest.state_hash).unwrap();
    let bad = contracts.claim_recent(&mut chain, liar, block, anchor, forged.state_hash).unwrap();
    gas.push(("claimRecent", ok.gas));
    let liar_trace =
        |store: PreimageStore, program: &Program, lie_from: u64, forged: &OutputWitness| {
            Box::new(LyingTrace::new(
                Box::new(trace(program, store)),
                lie_from,
                Lie::Forged(forged.state_hash),
            )) as Box<dyn TraceProvider>
        };
    let steps = vm.cpu().step;
    let mut seats = seats_for(
        ok.game,
        anchor,
        proposer,
        Box::new(trace(&headers_guest, store.clone())),
        Box::new(trace(&headers_guest, store.clone())),
    );
    seats.extend(seats_for(
        bad.game,
        anchor,
        liar,
        liar_trace(store.clone(), &headers_guest, steps, &forged),
        Box::new(trace(&headers_guest, store.clone())),
    ));
    let summary = play_logged(&mut chain, &mut seats);
    eprintln!("the forged update lost after {} rounds ({})", summary.0, summary.1);
    assert_eq!(game::read(&mut chain, ok.game).unwrap().status, GameStatus::DefenderWins);
    assert_eq!(game::read(&mut chain, bad.game).unwrap().status, GameStatus::ChallengerWins);
    let refused = contracts.update_recent(&mut chain, liar, bad.game, &forged, &wrong);
    assert!(refused.unwrap_err().to_string().contains("GameNotWon"));
    let applied = contracts.update_recent(&mut chain, proposer, ok.game, &honest, &update).unwrap();
    gas.push(("updateRecent", applied.gas_used));
    let expected = axon_axiom::group::GroupClaim {
        start: update.start,
        prev_hash: update.prevHash,
        root: update.root,
        num_final: update.numFinal,
    };
    assert_eq!(
        contracts.historical_root(&mut chain, update.start).unwrap(),
        expected.historical_root()
    );

    // The holder's balance at the snapshot, attested; and a forged attestation of more.
    let hashes: Vec<B256> = headers.iter().map(keccak256).collect();
    let witness = block_hash_witness(&hashes, update.prevHash, snapshot).unwrap();
    let is_valid = axon_dispute::axiom::claims::IBlockHashCache::isBlockHashValidCall {
        witness: witness.clone(),
    };
    assert!(view(&mut chain, contracts.cache, is_valid.clone()).unwrap());
    gas.push((
        "isBlockHashValid (as a transaction)",
        send(&mut chain, deployer, contracts.cache, U256::ZERO, is_valid).unwrap().gas_used,
    ));
    let slot = keccak256((holder, U256::ZERO).abi_encode());
    let (raw, claim) = node.storage_claim(snapshot, token, vec![slot]).unwrap();
    assert_eq!(claim.slots[0].value, minted);
    let store = axiom::storage_proof_store(&raw, &claim);
    let (vm, host) = finish_guest(&storage_guest, store.clone()).unwrap();
    let honest = OutputWitness::of(&vm);
    let attestation = host.stdout.clone();
    let mut lie: StorageClaim = claim.clone();
    lie.slots[0].value = U256::from(1_000_000u64);
    let lie_store = axiom::storage_proof_store(&raw, &lie);
    let (lie_vm, lie_host) = finish_guest(&storage_guest, lie_store.clone()).unwrap();
    assert_eq!(
        lie_vm.cpu().halt,
        axon_vm::Halt::Exited(1),
        "{}",
        String::from_utf8_lossy(&lie_host.stderr)
    );
    let mut lie_attestation = StorageAttestation::abi_decode(&attestation).unwrap();
    lie_attestation.slots[0].value = lie.slots[0].value;
    let lie_attestation = lie_attestation.abi_encode();
    let forged = OutputWitness::forged(&lie_vm, &lie_attestation).unwrap();
    let ok =
        contracts.attest_slots(&mut chain, proposer, &witness, &claim, honest.state_hash).unwrap();
    let bad = contracts.attest_slots(&mut chain, liar, &witness, &lie, forged.state_hash).unwrap();
    gas.push(("attestSlots (1 slot)", ok.gas));
    let input = |c: &StorageClaim| keccak256(c.abi_encode());
    let mut seats = seats_for(
        ok.game,
        input(&claim),
        proposer,
        Box::new(trace(&storage_guest, store.clone())),
        Box::new(trace(&storage_guest, store.clone())),
    );
    seats.extend(seats_for(
        bad.game,
        input(&lie),
        liar,
        liar_trace(lie_store.clone(), &storage_guest, lie_vm.cpu().step, &forged),
        Box::new(trace(&storage_guest, lie_store.clone())),
    ));
    let summary = play_logged(&mut chain, &mut seats);
    eprintln!("the forged attestation lost after {} rounds ({})", summary.0, summary.1);
    assert_eq!(game::read(&mut chain, bad.game).unwrap().status, GameStatus::ChallengerWins);
    let refused =
        contracts.finalize_attestation(&mut chain, liar, bad.game, &forged, &lie_attestation);
    assert!(refused.unwrap_err().to_string().contains("GameNotWon"));
    let finalized = contracts
        .finalize_attestation(&mut chain, proposer, ok.game, &honest, &attestation)
        .unwrap();
    gas.push(("finalizeAttestation (1 slot)", finalized.gas_used));

    // The consumer admits the holder on its attested snapshot balance, and nothing else.
    let admit = |chain: &mut RpcChain, balance: U256| {
        send(chain, deployer, gate, U256::ZERO, IHistoricHolderGate::admitCall { holder, balance })
    };
    let too_much = admit(&mut chain, lie.slots[0].value).unwrap_err();
    assert!(too_much.to_string().contains("BalanceNotAttested"), "{too_much}");
    gas.push(("HistoricHolderGate.admit", admit(&mut chain, minted).unwrap().gas_used));
    let admitted = view(&mut chain, gate, IHistoricHolderGate::admittedCall { holder }).unwrap();
    assert_eq!(admitted, minted);
    for (what, used) in gas {
        eprintln!("gas: {what}: {used}");
    }
}

/// The `dispute axiom` commands on anvil: deploy, propose an update and an attestation from
/// the node's data, challenge them (they stand) and a forged update (it loses), apply what
/// stood and refuse what lost; then challenge an honest and a forged statistics claim over
/// the attested slot.
#[test]
fn the_axiom_cli_proposes_challenges_and_applies_on_anvil() {
    use alloy::primitives::U256;
    use alloy::primitives::{keccak256, B256};
    use alloy_sol_types::SolValue;
    use axon_axiom::attest::StorageAttestation;
    use axon_axiom::compute::{AttestedSlot, SlotStats};
    use axon_dispute::axiom::claims::{AxiomDeployment, OutputWitness};
    use axon_dispute::axiom::client::{group_output, group_store, FinishedRun};
    use axon_dispute::axiom::{hashed_input_store, load_guest, Node};

    let anvil = anvil(None);
    let url = anvil.url.as_str();
    let json = |text: String| serde_json::from_str::<serde_json::Value>(&text).expect("JSON");
    let deployed = json(run(&["axiom", "deploy", "--rpc-url", url, "--private-key", KEYS[0]]));
    let address = |name: &str| deployed[name].as_str().unwrap().to_string();
    let (cache, attestations, statistics) =
        (address("cache"), address("attestations"), address("statistics"));
    let args = |command: &'static str, key: &'static str, rest: &[&str]| {
        let mut args: Vec<String> =
            ["axiom", command, "--rpc-url", url, "--private-key", key].map(String::from).to_vec();
        for (flag, value) in
            [("--cache", &cache), ("--attestations", &attestations), ("--statistics", &statistics)]
        {
            args.extend([flag.to_string(), value.clone()]);
        }
        args.extend(rest.iter().map(|a| a.to_string()));
        args
    };
    let with = |command, key, rest: &[&str]| {
        let args = args(command, key, rest);
        run(&args.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let node = Node::connect(url).unwrap();
    let block = node.latest_number().unwrap().to_string();

    let proposed = json(with("propose-update", KEYS[1], &["--block", &block]));
    assert_eq!(proposed["claim"], "claimRecent");
    let honest = proposed["game"].as_str().unwrap().to_string();

    // A liar claims the same group with a wrong root, through the library.
    let mut chain = RpcChain::connect(url, &[KEYS[2].to_string()]).unwrap();
    let contracts = AxiomDeployment::at(
        &mut chain,
        cache.parse().unwrap(),
        attestations.parse().unwrap(),
        statistics.parse().unwrap(),
    )
    .unwrap();
    let anchor = node.header(block.parse().unwrap()).unwrap().hash_slow();
    let guest = load_guest(&repo().join("fixtures/programs/header-chain.elf")).unwrap();
    let finished = FinishedRun::new(&guest, group_store(&node, anchor).unwrap().1).unwrap();
    let mut wrong = group_output(&finished).unwrap();
    wrong.root = keccak256(b"a wrong root");
    let forged = OutputWitness::forged(&finished.vm, &wrong.abi_encode()).unwrap();
    let liar = chain.accounts()[0];
    let number = block.parse().unwrap();
    let bad = contracts.claim_recent(&mut chain, liar, number, anchor, forged.state_hash).unwrap();
    let bad = bad.game.to_string();

    let out = with("challenge", KEYS[3], &["--game", &bad, "--warp"]);
    assert!(out.contains(&format!("{bad}: challenger wins")), "{out}");
    let out = with("challenge", KEYS[3], &["--game", &honest, "--warp"]);
    assert!(out.contains("defender wins"), "{out}");

    let refused_args = args("apply-update", KEYS[1], &["--game", &bad]);
    let refused =
        dispute(&refused_args.iter().map(String::as_str).collect::<Vec<_>>()).output().unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("challenger wins"));
    let applied = json(with("apply-update", KEYS[1], &["--game", &honest]));
    assert_ne!(applied["historical_root"], format!("{}", B256::ZERO));

    // The same from files: the group's headers, and saved eth_getBlockByNumber and
    // eth_getProof results for the attestation.
    let dir = data_dir("axiom-cli");
    std::fs::create_dir_all(&dir).unwrap();
    let earlier: u64 = block.parse::<u64>().unwrap() - 1;
    let headers: Vec<String> = node
        .group_headers(earlier)
        .unwrap()
        .iter()
        .map(|h| format!("0x{}", hex::encode(h)))
        .collect();
    let headers_file = dir.join("headers.json");
    std::fs::write(&headers_file, serde_json::to_string(&headers).unwrap()).unwrap();
    let from_file =
        json(with("propose-update", KEYS[1], &["--headers", headers_file.to_str().unwrap()]));
    assert_eq!(from_file["claim"], "claimRecent");
    assert_ne!(from_file["game"].as_str().unwrap(), honest);

    let funded = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
    let cast = |args: &[&str], file: &str| {
        let out = Command::new(repo().join("contracts/tools/foundry"))
            .arg("cast")
            .args(args)
            .args(["--rpc-url", url])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let path = dir.join(file);
        std::fs::write(&path, out.stdout).unwrap();
        path.to_str().unwrap().to_string()
    };
    let number = format!("{:#x}", block.parse::<u64>().unwrap());
    let block_file = cast(&["rpc", "eth_getBlockByNumber", &number, "false"], "block.json");
    let slots = format!("[\"{}\"]", B256::ZERO);
    let proof_file = cast(&["rpc", "eth_getProof", funded, &slots, &number], "proof.json");
    let proposed = json(with(
        "propose-attestation",
        KEYS[1],
        &["--block-file", &block_file, "--proof-file", &proof_file],
    ));
    assert_eq!(proposed["account"].as_str().unwrap().to_lowercase(), funded.to_lowercase());
    let game = proposed["game"].as_str().unwrap().to_string();
    let out = with("challenge", KEYS[3], &["--game", &game, "--warp"]);
    assert!(out.contains("defender wins"), "{out}");
    let applied = json(with("apply-attestation", KEYS[1], &["--game", &game]));
    assert!(applied["gas"].as_u64().unwrap() > 0);

    // Statistics over the attested slot, claimed honestly and forged (a wrong sum): the CLI
    // challenger rebuilds the items from the contract's event and lets only the first stand.
    let output: alloy::primitives::Bytes =
        applied["attestation"].as_str().unwrap().parse().unwrap();
    let attestation = StorageAttestation::abi_decode(&output).unwrap();
    let items = vec![AttestedSlot {
        blockNumber: attestation.blockNumber,
        account: attestation.account,
        slot: attestation.slots[0].slot,
        value: attestation.slots[0].value,
    }]
    .abi_encode();
    let stats_guest = load_guest(&repo().join("fixtures/programs/slot-stats.elf")).unwrap();
    let honest_stats = FinishedRun::new(&stats_guest, hashed_input_store(items.clone())).unwrap();
    let mut wrong_stats = SlotStats::abi_decode(&honest_stats.stdout).unwrap();
    wrong_stats.sum += U256::from(1u64);
    let forged = OutputWitness::forged(&honest_stats.vm, &wrong_stats.abi_encode()).unwrap();
    let ok = contracts
        .claim_statistics(&mut chain, liar, &items, honest_stats.witness.state_hash)
        .unwrap();
    let bad = contracts.claim_statistics(&mut chain, liar, &items, forged.state_hash).unwrap();
    let out = with("challenge", KEYS[3], &["--game", &bad.game.to_string(), "--warp"]);
    assert!(out.contains("challenger wins"), "{out}");
    let out = with("challenge", KEYS[3], &["--game", &ok.game.to_string(), "--warp"]);
    assert!(out.contains("defender wins"), "{out}");
    let wrong = contracts.finalize_statistics(
        &mut chain,
        liar,
        bad.game,
        &forged,
        &wrong_stats.abi_encode(),
    );
    assert!(wrong.unwrap_err().to_string().contains("GameNotWon"));
    contracts
        .finalize_statistics(&mut chain, liar, ok.game, &honest_stats.witness, &honest_stats.stdout)
        .unwrap();
    let expected = SlotStats::abi_decode(&honest_stats.stdout).unwrap();
    let stored = contracts.statistics(&mut chain, expected.attestationsHash).unwrap();
    assert_eq!(
        (stored.count, stored.sum, stored.min, stored.max),
        (expected.count, expected.sum, expected.min, expected.max)
    );
    assert_eq!(expected.count, U256::from(1u64));
}

/// `dispute ai-evm` and the generic game commands over an AI-EVM block: a node created from
/// a genesis file, two blocks run and saved, the second run in the VM, then a game over it
/// on anvil — a proposer lying from a step mid-block against the honest `bisect`, each a
/// process of its own.
#[test]
fn the_cli_runs_and_disputes_an_ai_evm_block_on_anvil() {
    use alloy::primitives::{TxKind, B256, U256};
    use alloy::sol_types::SolCall;
    use axon_dispute::ai_evm::Wallet;

    alloy::sol! { function inference(bytes32 model_address, bytes input_data, uint256 output_size) external; }
    let dir = data_dir("l2");
    let dir_s = dir.to_str().unwrap();
    let mut alice = Wallet::new(B256::repeat_byte(0xa1)).unwrap();
    let alloc = dir.with_extension("alloc.json");
    let funds =
        serde_json::json!({ alice.address().to_string(): { "balance": "0xde0b6b3a7640000" } });
    std::fs::write(&alloc, funds.to_string()).unwrap();
    let digits = repo().join("fixtures/models/digits.axml");
    let model = format!("{}:20000", digits.display());
    let init = run(&[
        "ai-evm",
        "init",
        "--dir",
        dir_s,
        "--alloc",
        alloc.to_str().unwrap(),
        "--model",
        &model,
    ]);
    let init: serde_json::Value = serde_json::from_str(&init).unwrap();
    let chain_id = init["chainId"].as_u64().unwrap();
    let address: B256 = init["models"][0]["address"].as_str().unwrap().parse().unwrap();

    let ai = alice.next_contract();
    let code = axon_dispute::contracts::creation_code(
        &default_artifacts_dir(),
        "AIContract.sol",
        "AIContract",
    )
    .unwrap();
    let deploy_tx = alice.sign(chain_id, TxKind::Create, U256::ZERO, code, 2_000_000).unwrap();
    let first = run(&["ai-evm", "block", "--dir", dir_s, "--tx", &deploy_tx.to_string()]);
    assert!(first.contains("\"success\": true"), "{first}");
    let call = inferenceCall {
        model_address: address,
        input_data: vec![0u8; 64].into(),
        output_size: U256::from(10),
    };
    let call_tx =
        alice.sign(chain_id, TxKind::Call(ai), U256::ZERO, call.abi_encode(), 1_000_000).unwrap();
    let second = run(&["ai-evm", "block", "--dir", dir_s, "--tx", &call_tx.to_string()]);
    let second: serde_json::Value = serde_json::from_str(&second).unwrap();
    assert_eq!(second["transactions"][0]["success"], true, "{second}");
    let in_vm = run(&["ai-evm", "run", "--dir", dir_s, "--block", "2"]);
    let in_vm: serde_json::Value = serde_json::from_str(&in_vm).unwrap();
    assert_eq!(in_vm["halt"], "Exited(0)", "{in_vm}");
    assert_eq!(in_vm["stateRoot"], second["stateRoot"], "the VM's post-state root is the node's");
    let steps = in_vm["steps"].as_u64().unwrap();

    // Real time, as in the other CLI game: a block a second and short clocks, so that the
    // game resolves within a minute or two of its last move.
    let node = anvil(Some(1));
    let url = node.url.as_str();
    let block = ["--l2-node", dir_s, "--l2-block", "2", "--max-depth", "36"];
    let with = |args: &[&str]| -> Vec<String> {
        args.iter().chain(&block).map(|s| s.to_string()).collect()
    };
    let deploy = ["deploy", "--rpc-url", url, "--private-key", KEYS[0]];
    let clocks = ["--max-clock-duration", "60", "--withdrawal-delay", "2"];
    let deployment = run(&with(&[&deploy[..], &clocks[..]].concat())
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>());
    let deployment: serde_json::Value = serde_json::from_str(&deployment).unwrap();
    assert_eq!(deployment["max_depth"], 36);
    let factory = deployment["factory"].as_str().unwrap().to_owned();
    let lie_from = (steps / 2).to_string();
    let lie = ["--lie-from-step", lie_from.as_str()];
    let propose = with(&[
        "propose",
        "--rpc-url",
        url,
        "--private-key",
        KEYS[1],
        "--factory",
        &factory,
        lie[0],
        lie[1],
    ]);
    let game = run(&propose.iter().map(String::as_str).collect::<Vec<_>>()).trim().to_owned();

    let (liar_dir, honest_dir) = (data_dir("l2-liar"), data_dir("l2-honest"));
    let common = ["bisect", "--rpc-url", url, "--game", &game, "--poll-seconds", "1"];
    let liar = with(
        &[
            &common[..],
            &["--private-key", KEYS[1], "--data-dir", liar_dir.to_str().unwrap(), lie[0], lie[1]],
        ]
        .concat(),
    );
    let honest = with(
        &[&common[..], &["--private-key", KEYS[2], "--data-dir", honest_dir.to_str().unwrap()]]
            .concat(),
    );
    let (mut liar, _liar_lines) = bisect(&liar.iter().map(String::as_str).collect::<Vec<_>>());
    let (mut honest, lines) = bisect(&honest.iter().map(String::as_str).collect::<Vec<_>>());
    let rest =
        lines_until(&lines, Duration::from_secs(300), |l| l.starts_with(&format!("game {game}")));
    assert!(honest.wait().unwrap().success());
    assert!(rest.last().unwrap().contains("challenger wins"), "{rest:#?}");
    assert!(rest.iter().any(|l| l.starts_with("step")), "the challenger stepped: {rest:#?}");
    assert!(liar.wait().unwrap().success(), "the liar plays to the end too");
    for dir in [dir, liar_dir, honest_dir] {
        let _ = std::fs::remove_dir_all(dir);
    }
    let _ = std::fs::remove_file(alloc);
}
