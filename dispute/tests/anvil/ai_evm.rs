//! The AI-EVM on anvil: the demo disputes a block, and the `dispute` CLI runs an AI-EVM
//! block and disputes it.

use std::time::{Duration, Instant};

use axon_dispute::contracts::default_artifacts_dir;

use crate::support::{anvil, bisect, data_dir, lines_until, repo, run, KEYS};

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
