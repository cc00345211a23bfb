//! Foundry against the L2, unchanged: `forge create` deploys `AIContract`, `cast send` calls
//! the digits model through it, and the `Inference` event read back over `eth_getLogs` carries
//! the model's logits; `cast call` with a wrong output size shows the engine's reason.

use alloy::primitives::{Address, B256};
use alloy::providers::Provider;
use alloy::rpc::types::Filter;
use alloy::sol_types::SolEvent;

use super::support::{data_dir, digits_sample, foundry, Node, KEYS};

alloy::sol! {
    event Inference(bytes32 model_address, bytes input_data, uint256 output_size, bytes output);
}

/// The digits model's address (fixtures/models/addresses.json).
const DIGITS: &str = "0x811da4f174aabaf56d9ab117627310813e6774ae301adba59ca8896bba9d298a";

fn run(tool: &str, args: &[&str]) -> std::process::Output {
    foundry(tool).args(args).output().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn forge_creates_ai_contract_and_cast_sends_an_inference() {
    let node = Node::start(&data_dir("foundry"));
    let url = node.url.as_str();
    let created = run(
        "forge",
        &[
            "create",
            "--rpc-url",
            url,
            "--private-key",
            KEYS[0],
            "src/ai/examples/AIContract.sol:AIContract",
            "--broadcast",
        ],
    );
    let stdout = String::from_utf8_lossy(&created.stdout);
    assert!(created.status.success(), "{stdout}{}", String::from_utf8_lossy(&created.stderr));
    let contract: Address = stdout
        .lines()
        .find_map(|l| l.strip_prefix("Deployed to: "))
        .unwrap_or_else(|| panic!("{stdout}"))
        .trim()
        .parse()
        .unwrap();

    let (pixels, logits) = digits_sample();
    let input = format!("0x{}", hex::encode(&pixels));
    let signature = "inference(bytes32,bytes,uint256)";
    let contract_arg = contract.to_string();
    let sent = run(
        "cast",
        &[
            "send",
            "--rpc-url",
            url,
            "--private-key",
            KEYS[0],
            &contract_arg,
            signature,
            DIGITS,
            &input,
            "10",
        ],
    );
    assert!(sent.status.success(), "{}", String::from_utf8_lossy(&sent.stderr));

    let reader = node.reader();
    let logs = reader.get_logs(&Filter::new().address(contract).from_block(0)).await.unwrap();
    assert_eq!(logs.len(), 1);
    let event = Inference::decode_log_data(logs[0].data()).unwrap();
    assert_eq!(event.model_address, DIGITS.parse::<B256>().unwrap());
    assert_eq!(event.output.as_ref(), logits.as_slice(), "the engine's logits, on chain");
    let receipt = reader.get_transaction_receipt(logs[0].transaction_hash.unwrap()).await.unwrap();
    assert!(receipt.unwrap().status());

    let refused =
        run("cast", &["call", "--rpc-url", url, &contract_arg, signature, DIGITS, &input, "11"]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("execution reverted"), "{stderr}");
}
