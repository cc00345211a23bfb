//! Header chains: real mainnet headers, every fork's header form, and synthetic chains long
//! enough for whole V0 groups.

mod common;

use alloy_consensus::Header;
use alloy_primitives::{keccak256, B256};
use axon_axiom::chain::verify_chain;
use axon_axiom::header::BlockHeader;
use axon_axiom::synthetic::{chain as synthetic_chain, header_of, FORKS};
use axon_axiom::Error;

fn mainnet_headers() -> Option<Vec<Vec<u8>>> {
    let json = common::shared("mainnet-headers-15663128-15663134.json")?;
    let headers = json.as_array().expect("an array of hex headers");
    Some(headers.iter().map(|h| hex_bytes(h.as_str().expect("hex"))).collect())
}

fn hex_bytes(hex: &str) -> Vec<u8> {
    let hex = hex.strip_prefix("0x").unwrap_or(hex);
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect()
}

#[test]
fn mainnet_headers_chain_up_to_the_last_hash() {
    let Some(headers) = mainnet_headers() else { return };
    let anchor = keccak256(headers.last().expect("seven headers"));
    let chain = verify_chain(&headers, anchor).expect("a valid chain");
    let numbers: Vec<u64> = chain.iter().map(BlockHeader::number).collect();
    assert_eq!(numbers, (15_663_128..=15_663_134).collect::<Vec<_>>());
    assert!(chain.iter().all(|h| h.header.base_fee_per_gas.is_some()), "London-era headers");
}

#[test]
fn broken_mainnet_chains_are_rejected_with_the_reason() {
    let Some(headers) = mainnet_headers() else { return };
    let anchor = keccak256(headers.last().expect("seven headers"));

    let wrong_anchor = verify_chain(&headers, B256::repeat_byte(7));
    assert!(matches!(wrong_anchor, Err(Error::AnchorMismatch { .. })), "{wrong_anchor:?}");

    let mut gap = headers.clone();
    gap.remove(3);
    assert!(matches!(verify_chain(&gap, anchor), Err(Error::NotConsecutive { .. })));

    // Change one byte of a middle header's extraData area: its hash changes, so its child's
    // parentHash no longer matches.
    let mut tampered = headers.clone();
    let header = &mut tampered[2];
    let at = header.len() - 20;
    header[at] ^= 1;
    let broken = verify_chain(&tampered, anchor);
    assert!(matches!(broken, Err(Error::BrokenLink { number: 15_663_131, .. })), "{broken:?}");

    let mut truncated = headers.clone();
    truncated[1].truncate(100);
    assert!(matches!(verify_chain(&truncated, anchor), Err(Error::HeaderRlp { index: 1, .. })));

    let mut trailing = headers.clone();
    trailing[0].push(0);
    assert!(matches!(
        verify_chain(&trailing, anchor),
        Err(Error::TrailingBytes { index: 0, extra: 1 })
    ));
    assert_eq!(verify_chain::<Vec<u8>>(&[], anchor), Err(Error::EmptyChain));
}

#[test]
fn json_blocks_encode_to_their_hash_and_decode_back() {
    for name in ["mainnet-block-16329190.json", "mainnet-block-21925176.json"] {
        let Some(block) = common::shared(name) else { return };
        let header: Header = serde_json::from_value(block.clone()).expect("header fields");
        let hash: B256 = block["hash"].as_str().expect("hash").parse().expect("hex");
        assert_eq!(header.hash_slow(), hash, "{name}");
        let raw = alloy_rlp::encode(&header);
        let decoded = BlockHeader::decode(&raw, 0).expect("decodes");
        assert_eq!((decoded.hash, decoded.header), (hash, header), "{name}");
    }
}

#[test]
fn every_forks_header_form_decodes() {
    for fork in FORKS {
        let header = header_of(fork, 42, B256::repeat_byte(1));
        let raw = alloy_rlp::encode(&header);
        let decoded = BlockHeader::decode(&raw, 0).expect("decodes");
        assert_eq!(decoded.header, header, "{fork:?}");
        assert_eq!(decoded.hash, keccak256(&raw));
    }
}

#[test]
fn a_synthetic_chain_of_mixed_forms_verifies() {
    let headers = synthetic_chain(5000, 1100, B256::repeat_byte(0xaa));
    let anchor = keccak256(headers.last().expect("headers"));
    let chain = verify_chain(&headers, anchor).expect("valid");
    assert_eq!(chain.len(), 1100);
    assert_eq!(chain[0].header.parent_hash, B256::repeat_byte(0xaa));
}
