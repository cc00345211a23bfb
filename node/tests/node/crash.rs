//! kill -9 of the sequencer at any moment: every transaction it acknowledged is, after a
//! restart, either in a block or still pending (and then included), and the chain resumes
//! from the head it had.

use std::time::{Duration, Instant};

use alloy::eips::Encodable2718;
use alloy::network::{EthereumWallet, NetworkTransactionBuilder, TransactionBuilder};
use alloy::primitives::{address, B256, U256};
use alloy::providers::Provider;
use alloy::rpc::types::TransactionRequest;
use alloy::signers::local::PrivateKeySigner;

use super::support::{data_dir, Node, KEYS};

#[tokio::test(flavor = "multi_thread")]
async fn kill_9_loses_no_acknowledged_transaction() {
    let dir = data_dir("crash");
    let key: PrivateKeySigner = KEYS[2].parse().unwrap();
    let sender = key.address();
    let wallet = EthereumWallet::from(key);
    let mut acknowledged: Vec<B256> = Vec::new();
    let mut head_seen = 0;
    // Kill after these many milliseconds of sending: inside and between block productions.
    for (round, millis) in [450u64, 1_300, 2_150].into_iter().enumerate() {
        let node = Node::start(&dir);
        let reader = node.reader();
        let head = reader.get_block_number().await.unwrap();
        assert!(head >= head_seen, "round {round}: head {head} went back from {head_seen}");
        for hash in &acknowledged {
            let tx = reader.get_transaction_by_hash(*hash).await.unwrap();
            assert!(
                tx.is_some(),
                "round {round}: acknowledged {hash} is neither included nor pending"
            );
        }
        let mut nonce = reader.get_transaction_count(sender).pending().await.unwrap();
        let deadline = Instant::now() + Duration::from_millis(millis);
        while Instant::now() < deadline {
            let tx = TransactionRequest::default()
                .with_to(address!("0x000000000000000000000000000000000000bEEF"))
                .with_value(U256::from(1))
                .with_nonce(nonce)
                .with_chain_id(42069)
                .with_gas_limit(21_000)
                .with_max_fee_per_gas(10_000_000_000)
                .with_max_priority_fee_per_gas(1_000_000);
            let raw = tx.build(&wallet).await.unwrap().encoded_2718();
            let hash = *reader.send_raw_transaction(&raw).await.unwrap().tx_hash();
            acknowledged.push(hash);
            nonce += 1;
        }
        head_seen = reader.get_block_number().await.unwrap();
        node.kill();
    }
    assert!(acknowledged.len() > 20, "only {} transactions sent", acknowledged.len());

    // The last restart includes whatever was still pending.
    let node = Node::start(&dir);
    let reader = node.reader();
    let deadline = Instant::now() + Duration::from_secs(30);
    for hash in &acknowledged {
        while reader.get_transaction_receipt(*hash).await.unwrap().is_none() {
            assert!(Instant::now() < deadline, "{hash} was never included");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    let count = reader.get_transaction_count(sender).await.unwrap();
    assert_eq!(count, acknowledged.len() as u64);
}
