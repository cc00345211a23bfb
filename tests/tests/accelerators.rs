//! The precompile accelerators (key type 6) three ways, on valid and invalid inputs of every
//! offloaded Prague precompile:
//!
//! - the block proof's schedule and answers (`axon_ai_evm::precompiles::run_offloaded` over
//!   the native oracle) against revm's precompiles themselves, at every gas limit around the
//!   price: the same success, gas and output — and `identity`, `modexp` and calls priced
//!   above `MAX_OFFLOADED_GAS` left to revm in the VM;
//! - the compiled L1 `PreimageOracle` (run in revm, Prague) computing each answer with
//!   `loadPrecompilePreimagePart`: chunk for chunk the native oracle's data under the same
//!   key (the Foundry tests check the Solidity side against the precompiles on their own).

use alloy_sol_types::SolValue;
use axon_ai_evm::block::witness::ModelFiles;
use axon_ai_evm::block::Native;
use axon_ai_evm::oracle::{encode_answer, Oracle, PrecompileCall};
use axon_ai_evm::precompiles::{charge, run_offloaded, MAX_OFFLOADED_GAS};
use axon_dispute::chain::{send, view, EmbeddedChain};
use axon_dispute::contracts::IPreimageOracle;
use axon_dispute::deploy::deploy_contract;
use axon_tests::rng::Rng;
use revm::precompile::Precompiles;
use revm::primitives::{Address, U256};

fn word(n: u64) -> [u8; 32] {
    U256::from(n).to_be_bytes()
}

fn hex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

/// Valid calls of each offloaded precompile, and invalid ones of each kind of refusal.
fn vectors() -> Vec<(u8, Vec<u8>)> {
    let g1 = [word(1), word(2)].concat(); // bn254's generator
    let mut v = vec![
        // ecrecover: the Ethereum tests' signature, then a wrong v and a zero r.
        (1, hex("456e9aea5e197a1f1af7a3e85a3212fa4049a3ba34c2289b4c860fc0b0c64ef3000000000000000000000000000000000000000000000000000000000000001c9242685bf161793cc25603c231bc2f568eb630ea16aa137d2664ac80388256084f8ae3bd7535248d0bd448298cc2e2071e56992d0774dc340c368ae950852ada")),
        (1, [word(1), word(29), word(1), word(1)].concat()),
        (1, [word(1), word(27), word(0), word(1)].concat()),
        (1, vec![]),
        (2, vec![]),
        (2, b"abc".to_vec()),
        (3, b"abc".to_vec()),
        // modexp: 3^5 mod 7, a zero modulus length, a long exponent, header only, truncated.
        (5, [&word(1)[..], &word(1), &word(1), &[3, 5, 7]].concat()),
        (5, [word(0), word(0), word(0)].concat()),
        (5, [&word(2)[..], &word(40), &word(2), &[0xff; 44]].concat()),
        (5, [word(1), word(1), word(1)].concat()),
        (5, word(1).to_vec()),
        (6, [g1.clone(), g1.clone()].concat()),
        (6, [word(1), word(3), word(1), word(2)].concat()), // not on the curve
        (7, [g1.clone(), word(2).to_vec()].concat()),
        (8, vec![]),
        (8, vec![0; 192]), // points at infinity: the pairing holds
        (8, vec![0; 191]),
        (9, [&[0, 0, 0, 12][..], &[7; 208], &[1]].concat()),
        (9, [&[0, 0, 0, 1][..], &[7; 208], &[2]].concat()), // a bad final flag
        (9, vec![0; 212]),
        // KZG: c-kzg's correct proof 4_4, then the same with another y.
        (10, kzg(false)),
        (10, kzg(true)),
        (10, vec![0; 191]),
        (0x0b, vec![0; 256]),
        (0x0b, vec![1; 256]), // not a field element
        (0x0c, [vec![0; 128], word(5).to_vec()].concat()),
        (0x0c, vec![]),
        (0x0d, vec![0; 512]),
        (0x0e, [vec![0; 256], word(5).to_vec(), vec![0; 256], word(6).to_vec()].concat()),
        (0x0e, vec![0; 287]),
        (0x0f, vec![0; 384]),
        (0x0f, vec![]),
        (0x10, vec![0; 64]),
        (0x10, vec![0xff; 64]),
        (0x11, vec![0; 128]),
        (0x11, vec![0; 127]),
    ];
    let mut rng = Rng::new(0x5eed);
    for id in [1, 2, 3, 5, 6, 7, 8, 9, 10, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11] {
        for _ in 0..4 {
            let n = rng.below(400) as usize;
            v.push((id, rng.bytes(n)));
        }
    }
    v
}

/// A point-evaluation input: c-kzg's `verify_kzg_proof_case_correct_proof_4_4`, with `y`
/// changed if `wrong`.
fn kzg(wrong: bool) -> Vec<u8> {
    let commitment = hex("8f59a8d2a1a625a17f3fea0fe5eb8c896db3764f3185481bc22f91b4aaffcca25f26936857bc3a7c2539ea8ec3a952b7");
    // The versioned hash is sha256(commitment) with version byte 1: sha256 from the precompile.
    let sha256 = Precompiles::prague().get(&address(2)).unwrap();
    let mut versioned = sha256.execute(&commitment, 1_000, 0).unwrap().bytes.to_vec();
    versioned[0] = 1;
    let z = hex("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000000");
    let mut y = hex("1522a4a7f34e1ea350ae07c29c96c7e79655aa926122e95fe69fcbd932ca49e9");
    if wrong {
        y[31] ^= 1;
    }
    let proof = hex("a62ad71d14c5719385c0686f1871430475bf3a00f0aa3f7b8dd99a9abc2160744faf0070725e00b60ad9a026a15b1a8c");
    [versioned, z, y, commitment, proof].concat()
}

fn address(id: u8) -> Address {
    let mut a = [0u8; 20];
    a[19] = id;
    Address::new(a)
}

/// The precompiles the block proof offloads.
const OFFLOADED: [u8; 15] = [1, 2, 3, 6, 7, 8, 9, 10, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11];

#[test]
fn the_offloaded_schedule_and_answers_are_revms() {
    let files = ModelFiles::default();
    let (mut successes, mut failures) = (0, 0);
    let mut answered = std::collections::BTreeSet::new();
    for (id, input) in vectors() {
        let precompile = Precompiles::prague().get(&address(id)).unwrap();
        let offloaded = OFFLOADED.contains(&id);
        let price = charge(id, &input);
        let mut limits = vec![0, 1, 30_000_000];
        if let Some(price) = price {
            limits.extend([price.saturating_sub(1), price, price + 1]);
        }
        for limit in limits {
            let stock = precompile.execute(&input, limit, 0).unwrap();
            let what = format!("precompile {id:#04x} on {} bytes with gas {limit}", input.len());
            let Some(ours) = run_offloaded(&address(id), &input, limit, &mut Native::new(&files))
            else {
                assert!(!offloaded, "{what}: left to the VM");
                continue;
            };
            assert!(offloaded, "{what}: offloaded");
            assert_eq!(ours.is_ok(), stock.status.is_success(), "{what}: success");
            if let Ok(ours) = ours {
                assert_eq!(ours.gas_used, stock.gas_used, "{what}: gas");
                assert_eq!(ours.bytes, stock.bytes, "{what}: output");
                successes += 1;
                answered.insert(id);
            } else {
                failures += 1;
            }
        }
    }
    // Both kinds are covered well, and every offloaded precompile answers some input.
    assert!(successes > 60 && failures > 200, "{successes} successes, {failures} failures");
    assert_eq!(answered.len(), OFFLOADED.len(), "precompiles with an answer: {answered:?}");
}

/// A call priced above what one L1 transaction can give runs in the VM; below, it is
/// offloaded; either way too little gas is out of gas.
#[test]
fn a_call_priced_beyond_one_l1_transaction_runs_in_the_vm() {
    let files = ModelFiles::default();
    let blake2f = |rounds: u32| [&rounds.to_be_bytes()[..], &[7; 208], &[1]].concat();
    let over = blake2f(MAX_OFFLOADED_GAS as u32 + 1);
    let run =
        |input: &[u8], limit| run_offloaded(&address(9), input, limit, &mut Native::new(&files));
    assert!(run(&over, 30_000_000).is_none());
    assert!(matches!(run(&over, MAX_OFFLOADED_GAS), Some(Err(_))), "out of gas");
    assert!(matches!(run(&blake2f(MAX_OFFLOADED_GAS as u32), 30_000_000), Some(Ok(_))));
}

#[test]
fn the_l1_oracle_computes_the_native_answers() {
    let mut chain = EmbeddedChain::new();
    let from = Address::repeat_byte(0x11);
    let dir = axon_tests::artifacts();
    let no_results = Address::ZERO.abi_encode();
    let oracle =
        deploy_contract(&mut chain, from, &dir, "PreimageOracle.sol", "PreimageOracle", no_results)
            .unwrap();
    let files = ModelFiles::default();
    for (id, input) in vectors().into_iter().filter(|(id, _)| OFFLOADED.contains(id)) {
        let Some(gas) = charge(id, &input) else { continue };
        let call = PrecompileCall { address: address(id).0 .0, gas, input: &input };
        let data = encode_answer(Native::new(&files).precompile(&call).as_deref());
        let stream = [&(data.len() as u64).to_be_bytes()[..], &data].concat();
        let mut read = Vec::new();
        for offset in (0..stream.len()).step_by(32) {
            let load = IPreimageOracle::loadPrecompilePreimagePartCall {
                partOffset: U256::from(offset),
                precompile: address(id),
                requiredGas: gas,
                input: input.clone().into(),
            };
            send(&mut chain, from, oracle, U256::ZERO, load).unwrap();
            let part = IPreimageOracle::readPreimageCall {
                key: call.key().into(),
                offset: U256::from(offset),
            };
            let part = view(&mut chain, oracle, part).unwrap();
            read.extend_from_slice(&part.dat[..part.datLen.to::<usize>()]);
        }
        assert_eq!(read, stream, "precompile {id:#04x} on {} bytes", input.len());
    }
}
