//! Optimistic Axiom on anvil: claims from a real node's headers and proofs, claims that
//! finalize or lose their dispute, and the `dispute axiom` commands.

use std::process::Command;
use std::time::{Duration, Instant};

use axon_dispute::chain::RpcChain;
use axon_dispute::contracts::default_artifacts_dir;
use axon_dispute::deploy::{deploy, GameParams};
use axon_dispute::driver::{play, Seat};
use axon_dispute::game::{self, EventKind, GameStatus};
use axon_dispute::guest;
use axon_dispute::lying::Lie;
use axon_dispute::{Player, Strategy, TraceProvider};

use crate::support::{anvil, data_dir, dispute, repo, run, KEYS};

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
        guest::run_guest(&elf("header-chain.elf"), axiom::header_chain_store(&headers).unwrap())
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
            guest::run_guest(&elf("storage-proof.elf"), axiom::storage_proof_store(&raw, &claim))
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
    use axon_dispute::axiom;
    use axon_dispute::axiom::claims::{
        block_hash_witness, deploy_axiom, extra_data, GroupUpdate, IHistoricHolderGate,
        OutputWitness,
    };
    use axon_dispute::chain::{send, view};
    use axon_dispute::deploy::deploy_contract;
    use axon_dispute::guest::{finish_guest, load_guest};
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
            axiom::historical::game_params(5, prestate(&guest("header-chain-unit.elf"))),
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
    use axon_dispute::axiom::Node;
    use axon_dispute::guest::{hashed_input_store, load_guest};

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
