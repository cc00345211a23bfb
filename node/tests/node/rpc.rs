//! The `eth_` methods through alloy's provider: a transfer from signing to receipt, the
//! block and transaction views, and the errors geth gives (nonce too low, insufficient funds,
//! gas limit, unknown block, malformed JSON).

use alloy::consensus::Transaction as _;
use alloy::eips::BlockNumberOrTag;
use alloy::network::{EthereumWallet, NetworkTransactionBuilder, TransactionBuilder};
use alloy::primitives::{address, Address, U256};
use alloy::providers::Provider;
use alloy::rpc::types::TransactionRequest;
use alloy::signers::local::PrivateKeySigner;

use super::support::{data_dir, Node, KEYS};

const DEAD: Address = address!("0x000000000000000000000000000000000000dEaD");

fn message(result: Result<impl std::fmt::Debug, impl std::fmt::Display>) -> String {
    result.expect_err("the node refuses").to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_transfer_goes_from_signature_to_receipt_and_errors_are_geths() {
    let node = Node::start(&data_dir("rpc"));
    let alice = node.provider(KEYS[0]);
    let reader = node.reader();
    let alice_address: Address = KEYS[0].parse::<PrivateKeySigner>().unwrap().address();

    assert_eq!(reader.get_chain_id().await.unwrap(), 42069);
    let version: String = reader.raw_request("web3_clientVersion".into(), ()).await.unwrap();
    assert!(version.starts_with("axon-node/"), "{version}");

    let value = U256::from(10).pow(U256::from(18));
    let tx = TransactionRequest::default().with_to(DEAD).with_value(value);
    assert_eq!(alice.estimate_gas(tx.clone()).await.unwrap(), 21_000, "a transfer's exact gas");
    let pending = alice.send_transaction(tx).await.unwrap();
    let hash = *pending.tx_hash();
    let receipt = pending.get_receipt().await.unwrap();
    assert!(receipt.status());
    assert_eq!(receipt.gas_used, 21_000);
    assert_eq!(receipt.from, alice_address);
    assert_eq!(reader.get_balance(DEAD).await.unwrap(), value);
    assert_eq!(reader.get_transaction_count(alice_address).await.unwrap(), 1);

    let number = receipt.block_number.unwrap();
    let block = reader.get_block_by_number(number.into()).full().await.unwrap().unwrap();
    assert_eq!(Some(block.header.hash), receipt.block_hash);
    assert_eq!(block.header.hash, block.header.inner.hash_slow(), "the hash is the header's");
    assert_eq!(block.transactions.hashes().collect::<Vec<_>>(), vec![hash]);
    let by_hash = reader.get_block_by_hash(block.header.hash).await.unwrap().unwrap();
    assert_eq!(by_hash.header.number, number);
    let parent = reader.get_block_by_number((number - 1).into()).await.unwrap().unwrap();
    assert_eq!(block.header.parent_hash, parent.header.hash);
    assert!(block.header.timestamp > parent.header.timestamp);

    let seen = reader.get_transaction_by_hash(hash).await.unwrap().unwrap();
    assert_eq!(seen.inner.signer(), alice_address);
    assert_eq!(seen.block_number, Some(number));
    assert_eq!(seen.inner.value(), value);
    // The balance as of the block before the transfer.
    let before = reader.get_balance(DEAD).number(number - 1).await.unwrap();
    assert_eq!(before, U256::ZERO);

    let fees = reader.get_fee_history(4, BlockNumberOrTag::Latest, &[50.0]).await.unwrap();
    assert_eq!(fees.base_fee_per_gas.len(), fees.gas_used_ratio.len() + 1);
    assert!(reader.get_gas_price().await.unwrap() > 0);

    // Errors, with geth's messages.
    let replay = TransactionRequest::default().with_to(DEAD).with_value(value).with_nonce(0);
    assert!(message(alice.send_transaction(replay).await).contains("nonce too low"));
    let poor: PrivateKeySigner = PrivateKeySigner::random();
    let poor = alloy::providers::ProviderBuilder::new()
        .wallet(EthereumWallet::from(poor))
        .connect_http(node.url.parse().unwrap());
    let spend = TransactionRequest::default()
        .with_to(DEAD)
        .with_value(value)
        .with_gas_limit(21_000)
        .with_max_fee_per_gas(2_000_000_000)
        .with_max_priority_fee_per_gas(1);
    assert!(message(poor.send_transaction(spend).await).contains("insufficient funds"));
    let huge = TransactionRequest::default().with_to(DEAD).with_gas_limit(40_000_000);
    assert!(message(alice.send_transaction(huge).await).contains("exceeds block gas limit"));
    let future = reader.get_balance(DEAD).number(1_000_000).await;
    assert!(message(future).contains("header not found"));
    assert!(reader.get_block_by_number(1_000_000.into()).await.unwrap().is_none());
    assert!(reader.get_transaction_receipt(Default::default()).await.unwrap().is_none());
    let garbage = reader.send_raw_transaction(&[0x02, 0xc0]).await;
    assert!(message(garbage).contains("invalid transaction"));

    // Malformed JSON is a JSON-RPC parse error, not a dropped connection.
    let client = alloy::transports::http::reqwest::Client::new();
    let answer: serde_json::Value = client
        .post(&node.url)
        .header("content-type", "application/json")
        .body("{\"jsonrpc\":")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["error"]["code"], -32700, "{answer}");
    // The node is still there.
    assert_eq!(reader.get_chain_id().await.unwrap(), 42069);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_replacement_must_pay_more_and_a_gap_waits_for_its_nonce() {
    let node = Node::start(&data_dir("pool"));
    let bob_key: PrivateKeySigner = KEYS[1].parse().unwrap();
    let bob = bob_key.address();
    let wallet = EthereumWallet::from(bob_key);
    let reader = node.reader();
    let sign = |nonce: u64, fee: u128| {
        let wallet = wallet.clone();
        async move {
            let tx = TransactionRequest::default()
                .with_to(DEAD)
                .with_value(U256::from(nonce + 1))
                .with_nonce(nonce)
                .with_chain_id(42069)
                .with_gas_limit(21_000)
                .with_max_fee_per_gas(fee)
                .with_max_priority_fee_per_gas(fee / 1_000);
            let envelope = tx.build(&wallet).await.unwrap();
            alloy::eips::Encodable2718::encoded_2718(&envelope)
        }
    };
    // Nonce 1 first: it waits for nonce 0.
    let second =
        *reader.send_raw_transaction(&sign(1, 5_000_000_000).await).await.unwrap().tx_hash();
    let first = sign(0, 5_000_000_000).await;
    let cheap = sign(0, 5_100_000_000).await;
    let dearer = sign(0, 6_000_000_000).await;
    let _ = reader.send_raw_transaction(&first).await.unwrap();
    assert!(message(reader.send_raw_transaction(&first).await).contains("already known"));
    assert!(message(reader.send_raw_transaction(&cheap).await).contains("underpriced"));
    let replacement = *reader.send_raw_transaction(&dearer).await.unwrap().tx_hash();
    let pending: u64 = reader.get_transaction_count(bob).pending().await.unwrap();
    assert_eq!(pending, 2);

    let head = reader.get_block_number().await.unwrap();
    node.wait_past(head + 1).await;
    let included = reader.get_transaction_receipt(replacement).await.unwrap().unwrap();
    let after = reader.get_transaction_receipt(second).await.unwrap().unwrap();
    assert!(included.block_number <= after.block_number);
    assert_eq!(reader.get_transaction_count(bob).await.unwrap(), 2);
    let first_hash = alloy::primitives::keccak256(&first);
    assert!(reader.get_transaction_by_hash(first_hash).await.unwrap().is_none(), "replaced");
}
