//! EIP-4844 blob elements (key type 5) between the host, the guest's key and the compiled L1
//! `PreimageOracle` (run in revm with the point-evaluation precompile): an element the store
//! holds is loaded on chain by the dispute toolkit with its KZG opening and reads back the
//! same, under the key the rollup guest computes; a wrong element, an opening of another
//! element and an index past the blob are refused with their named errors.

use alloy_sol_types::SolValue;
use axon_dispute::blob::open;
use axon_dispute::chain::{send, view, EmbeddedChain};
use axon_dispute::contracts::IPreimageOracle;
use axon_dispute::deploy::deploy_contract;
use axon_dispute::oracle::{load_part, LocalScope};
use axon_tests::rng::Rng;
use axon_vm::preimage::{blob_element_key, PreimageSource};
use axon_vm::{PreimagePart, PreimageStore};
use revm::primitives::{Address, B256, U256};

/// A blob of batch data as the batcher posts it.
fn blob() -> Vec<u8> {
    let mut rng = Rng::new(4844);
    let data = rng.bytes(10_000);
    axon_rollup::blob::encode(&data).expect("fits a blob")
}

struct Oracle {
    chain: EmbeddedChain,
    from: Address,
    address: Address,
}

impl Oracle {
    fn deploy() -> Self {
        let mut chain = EmbeddedChain::new();
        let from = Address::repeat_byte(0x11);
        let dir = axon_tests::artifacts();
        let none = Address::ZERO.abi_encode();
        let address =
            deploy_contract(&mut chain, from, &dir, "PreimageOracle.sol", "PreimageOracle", none)
                .unwrap();
        Self { chain, from, address }
    }

    fn read(&mut self, key: [u8; 32], offset: u64) -> Vec<u8> {
        let call =
            IPreimageOracle::readPreimageCall { key: key.into(), offset: U256::from(offset) };
        let part = view(&mut self.chain, self.address, call).unwrap();
        part.dat[..part.datLen.to::<usize>()].to_vec()
    }

    fn load(&mut self, call: IPreimageOracle::loadBlobElementPartCall) -> String {
        match send(&mut self.chain, self.from, self.address, U256::ZERO, call) {
            Ok(_) => "loaded".into(),
            Err(e) => e.to_string(),
        }
    }
}

#[test]
fn blob_elements_load_on_chain_with_their_kzg_openings() {
    let blob = blob();
    let versioned_hash = axon_dispute::blob::versioned_hash(&blob).unwrap();
    let mut store = PreimageStore::new();
    assert!(store.insert_l1_blob(versioned_hash.0, blob.clone()));
    let mut oracle = Oracle::deploy();
    let scope = LocalScope { game: Address::ZERO, leaf: 0, context: [0; 32] };
    for index in [0u64, 1, 322, 4095] {
        let key = blob_element_key(&versioned_hash.0, index);
        assert_eq!(key, axon_rollup::blob::element_key(versioned_hash, index), "the guest's key");
        let element = store.preimage(&key).unwrap().to_vec();
        assert_eq!(element, blob[index as usize * 32..][..32]);
        for offset in [0, 32] {
            let part = PreimagePart::of(key, &element, offset);
            let sent =
                load_part(&mut oracle.chain, oracle.from, &scope, oracle.address, &part, &store)
                    .unwrap();
            assert_eq!(sent, 1, "element {index}, offset {offset}");
        }
        let stream = [oracle.read(key, 0), oracle.read(key, 32)].concat();
        assert_eq!(stream, [&32u64.to_be_bytes()[..], &element].concat(), "element {index}");
    }
}

#[test]
fn wrong_openings_are_refused() {
    let blob = blob();
    let versioned_hash = axon_dispute::blob::versioned_hash(&blob).unwrap();
    let mut oracle = Oracle::deploy();
    let call = |index: u64, opened: u64, element: Option<B256>| {
        let opening = open(&blob, opened).unwrap();
        IPreimageOracle::loadBlobElementPartCall {
            partOffset: U256::ZERO,
            versionedHash: versioned_hash,
            index,
            element: element.unwrap_or(opening.element),
            commitment: opening.commitment.into(),
            proof: opening.proof.into(),
        }
    };
    let mut wrong = open(&blob, 7).unwrap().element;
    wrong.0[31] ^= 1;
    assert!(oracle.load(call(7, 7, Some(wrong))).contains("InvalidBlobElementProof"));
    assert!(oracle.load(call(7, 8, None)).contains("InvalidBlobElementProof"));
    let mut other = call(7, 7, None);
    other.versionedHash.0[31] ^= 1;
    assert!(oracle.load(other).contains("InvalidBlobElementProof"), "another blob's hash");
    assert!(oracle.load(call(4096, 7, None)).contains("InvalidBlobElementIndex"));
    assert!(oracle.load(call(7, 7, None)).contains("loaded"));
}
