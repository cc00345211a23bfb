//! The fixture genesis (`fixtures/rollup/genesis.json`, written by `make_genesis.py`) holds the
//! message passer predeploy exactly as forge builds it, and withdrawals through it move the
//! output root's withdrawal storage root.

use alloy::network::TransactionBuilder;
use alloy::primitives::{keccak256, Address, B256, U256};
use alloy::providers::Provider;
use alloy::rpc::types::TransactionRequest;

use super::support::{data_dir, repo, Node, KEYS};

const PASSER: &str = "0x4200000000000000000000000000000000000016";

#[test]
fn the_fixture_genesis_holds_the_message_passer_as_built() {
    let read = |path: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(repo().join(path)).unwrap()).unwrap()
    };
    let genesis = read("fixtures/rollup/genesis.json");
    let artifact = read("contracts/out/L2ToL1MessagePasser.sol/L2ToL1MessagePasser.json");
    assert_eq!(
        genesis["alloc"][PASSER]["code"], artifact["deployedBytecode"]["object"],
        "run `python3 fixtures/rollup/make_genesis.py` after `make -C contracts build`"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_withdrawal_moves_the_output_roots_withdrawal_storage_root() {
    let node = Node::start(&data_dir("output"));
    let reader = node.reader();
    let output = |tag: String| {
        let reader = reader.clone();
        async move {
            let value: serde_json::Value =
                reader.raw_request("axon_outputAtBlock".into(), (tag,)).await.unwrap();
            value
        }
    };
    let before = output("latest".into()).await;
    let passer: Address = PASSER.parse().unwrap();
    let withdraw = TransactionRequest::default().with_to(passer).with_value(U256::from(7));
    let receipt = node
        .provider(KEYS[0])
        .send_transaction(withdraw)
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(receipt.status());
    let number = receipt.block_number.unwrap();
    let after = output(format!("{number:#x}")).await;
    assert_ne!(after["withdrawalStorageRoot"], before["withdrawalStorageRoot"]);
    let block = reader.get_block_by_number(number.into()).await.unwrap().unwrap();
    assert_eq!(after["blockRef"]["hash"], serde_json::json!(block.header.hash));
    assert_eq!(after["stateRoot"], serde_json::json!(block.header.state_root));
    // The root is keccak256(version ‖ state root ‖ withdrawal storage root ‖ block hash).
    let word = |key: &str| after[key].as_str().unwrap().parse::<B256>().unwrap();
    let mut preimage = [0u8; 128];
    preimage[32..64].copy_from_slice(word("stateRoot").as_slice());
    preimage[64..96].copy_from_slice(word("withdrawalStorageRoot").as_slice());
    preimage[96..].copy_from_slice(block.header.hash.as_slice());
    assert_eq!(word("outputRoot"), keccak256(preimage));
    assert_eq!(reader.get_balance(passer).await.unwrap(), U256::from(7));
}

#[test]
fn a_model_file_that_is_not_the_named_model_is_refused() {
    let dir = data_dir("forged-model");
    std::fs::create_dir_all(&dir).unwrap();
    let mut forged = std::fs::read(repo().join("fixtures/models/digits.axml")).unwrap();
    let last = forged.len() - 1;
    forged[last] ^= 1;
    std::fs::write(dir.join("digits.axml"), forged).unwrap();
    let mut genesis: serde_json::Value = serde_json::from_slice(
        &std::fs::read(repo().join("fixtures/rollup/genesis.json")).unwrap(),
    )
    .unwrap();
    genesis["models"] = serde_json::json!([{
        "file": "digits.axml",
        "address": "0x811da4f174aabaf56d9ab117627310813e6774ae301adba59ca8896bba9d298a",
        "gas": 20000
    }]);
    std::fs::write(dir.join("genesis.json"), serde_json::to_vec(&genesis).unwrap()).unwrap();
    let error = axon_node::Genesis::load(&dir.join("genesis.json")).unwrap_err().to_string();
    assert!(error.contains("forged or damaged"), "{error}");
}
