//! The compiled Solidity verifier on the dispute toolkit's embedded chain (revm, Prague rules).
//!
//! [`Verifier::deploy`] loads forge's build output (`contracts/out/`) and deploys
//! `PreimageOracle` and then `RISCV` with the oracle's address, from one externally owned
//! account: the "game", which both loads local data into the oracle and calls `step`, as a
//! dispute game does (local keys are localized with the caller). [`Verifier::load_part`] puts
//! the oracle into the state a challenger would before stepping a preimage read, through the
//! oracle's own load functions; [`Verifier::step`] calls `RISCV.step` and returns the
//! post-state hash and the execution gas (the transaction's gas less its intrinsic gas), or
//! the revert data. The ABI is the dispute toolkit's (`axon_dispute::contracts`).

use alloy_sol_types::{SolCall, SolValue};
use axon_dispute::chain::{Chain, EmbeddedChain, ExecutionResult, Tx};
use axon_dispute::contracts::{IPreimageOracle, IStepper};
use axon_dispute::deploy::deploy_contract;
use axon_dispute::oracle::{load_part as load_oracle_part, LocalScope};
use axon_vm::abi::PreimageKeyType;
use axon_vm::{Hash, PreimagePart, PreimageStore};
use revm::context_interface::cfg::gas::calculate_initial_tx_gas;
use revm::primitives::hardfork::SpecId;
use revm::primitives::{keccak256 as evm_keccak, Address, Bytes, U256};

pub use axon_dispute::contracts::describe_revert;

/// The account that deploys, loads local data and calls `step`: the dispute game.
pub const GAME: Address = Address::new([0x6a; 20]);

/// The oracle's storage slots (`forge inspect PreimageOracle storageLayout`), which
/// [`Verifier::inject_local`] writes; `injected_local_data_reads_back_like_loaded_data` checks
/// them through `readPreimage`.
const SLOT_LENGTHS: u64 = 0;
const SLOT_LENGTH_OK: u64 = 1;
const SLOT_PARTS: u64 = 2;
const SLOT_PART_OK: u64 = 3;

/// Bytes of local data the oracle's `loadLocalData` accepts per key (docs/spec.md, "On chain").
pub const MAX_LOCAL_DATA: usize = 32;

/// What a `step` call did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepResult {
    /// Returned a post-state hash, spending `gas` in execution.
    Post {
        /// The returned hash.
        hash: Hash,
        /// Execution gas: the transaction's gas less its intrinsic gas.
        gas: u64,
        /// The whole transaction's gas as a receipt records it (the EIP-7623 calldata floor
        /// applied).
        tx_gas: u64,
    },
    /// Reverted with this data.
    Reverted(Bytes),
}

/// `PreimageOracle` and `RISCV`, deployed in an in-memory revm.
pub struct Verifier {
    chain: EmbeddedChain,
    /// The oracle's address.
    pub oracle: Address,
    /// The verifier's address.
    pub riscv: Address,
}

/// A storage slot of `mapping(bytes32 => _)` at `slot`, for `key`.
fn mapping_slot(key: &[u8; 32], slot: U256) -> U256 {
    let mut preimage = [0u8; 64];
    preimage[..32].copy_from_slice(key);
    preimage[32..].copy_from_slice(&slot.to_be_bytes::<32>());
    U256::from_be_bytes(evm_keccak(preimage).0)
}

/// The localized form of local key `key` for `caller` and `context` (`LibPreimageKey`), by
/// the toolkit's own [`axon_dispute::oracle::localize`].
pub fn localize(key: &Hash, caller: Address, context: &Hash) -> Hash {
    axon_dispute::oracle::localize(key, &LocalScope { game: caller, leaf: 0, context: *context })
}

/// The stream `u64_be(len) ‖ data` the oracle serves for a preimage.
fn stream(data: &[u8]) -> Vec<u8> {
    let mut s = (data.len() as u64).to_be_bytes().to_vec();
    s.extend_from_slice(data);
    s
}

impl Verifier {
    /// Deploys the oracle and the verifier from forge's artifacts.
    ///
    /// # Panics
    /// If the artifacts are missing (naming `make -C contracts build`) or a deployment fails.
    pub fn deploy() -> Self {
        let mut chain = EmbeddedChain::new();
        let dir = crate::artifacts();
        let mut deploy = |file: &str, contract: &str, args: Vec<u8>| {
            deploy_contract(&mut chain, GAME, &dir, file, contract, args)
                .unwrap_or_else(|e| panic!("deploying {contract}: {e}"))
        };
        // No inference results: the steps replayed here read none.
        let oracle = deploy("PreimageOracle.sol", "PreimageOracle", Address::ZERO.abi_encode());
        let riscv = deploy(
            "RISCV.sol",
            "RISCV",
            U256::from_be_slice(oracle.as_slice()).to_be_bytes::<32>().to_vec(),
        );
        Self { chain, oracle, riscv }
    }

    /// A state-changing call from the game; panics unless it succeeds.
    fn send(&mut self, to: Address, call: impl SolCall) {
        let tx = Tx { from: GAME, to: Some(to), value: U256::ZERO, data: call.abi_encode() };
        if let Err(e) = self.chain.send(tx) {
            panic!("{} failed: {e}", call_name(&call));
        }
    }

    /// A call from the game whose state changes are dropped, and its intrinsic gas.
    fn call(&mut self, to: Address, data: Vec<u8>) -> (ExecutionResult, u64) {
        let intrinsic = calculate_initial_tx_gas(SpecId::PRAGUE, &data, false, 0, 0, 0, None)
            .initial_regular_gas;
        let tx = Tx { from: GAME, to: Some(to), value: U256::ZERO, data };
        (self.chain.simulate(tx).expect("the embedded chain executes"), intrinsic)
    }

    /// `RISCV.step(state, proof, local_context)` as a transaction from the game.
    pub fn step(&mut self, state: &[u8], proof: &[u8], local_context: &Hash) -> StepResult {
        let data = IStepper::stepCall {
            stateData: state.to_vec().into(),
            proof: proof.to_vec().into(),
            localContext: (*local_context).into(),
        }
        .abi_encode();
        match self.call(self.riscv, data) {
            (ExecutionResult::Success { output, gas, .. }, intrinsic) => {
                let bytes = output.into_data();
                let hash: Hash = bytes.as_ref().try_into().unwrap_or_else(|_| {
                    panic!("step returned {} bytes, not a bytes32", bytes.len())
                });
                StepResult::Post {
                    hash,
                    gas: gas.total_gas_spent() - intrinsic,
                    tx_gas: gas.tx_gas_used(),
                }
            }
            (ExecutionResult::Revert { output, .. }, _) => StepResult::Reverted(output),
            (other, _) => panic!("step halted: {other:?}"),
        }
    }

    /// The oracle's `readPreimage(key, offset)`, or `None` if it reverts.
    pub fn read_preimage(&mut self, key: &Hash, offset: u32) -> Option<([u8; 32], u64)> {
        let data =
            IPreimageOracle::readPreimageCall { key: (*key).into(), offset: U256::from(offset) }
                .abi_encode();
        match self.call(self.oracle, data).0 {
            ExecutionResult::Success { output, .. } => {
                let ret = IPreimageOracle::readPreimageCall::abi_decode_returns(output.data())
                    .expect("returns");
                Some((ret.dat.0, ret.datLen.to::<u64>()))
            }
            _ => None,
        }
    }

    /// Loads what the oracle needs to answer `part` (a read of `data` at `part.offset` under
    /// the VM key `part.key`), the way a challenger does. Keccak-256 preimages and blob chunks
    /// go through the dispute toolkit's own loader (`axon_dispute::oracle::load_part`, what a
    /// player sends before a step); local data, which a player has its game copy from the
    /// game's extra data, is loaded here with `loadLocalData` straight from the "game" account
    /// (there is no game contract in this harness).
    ///
    /// # Panics
    /// For local data over [`MAX_LOCAL_DATA`] bytes (see [`Verifier::inject_local`]), a key of
    /// unknown type, or a load the oracle refuses.
    pub fn load_part(&mut self, part: &PreimagePart, data: &[u8], local_context: &Hash) {
        if part.key[0] != PreimageKeyType::Local as u8 {
            let mut store = PreimageStore::new();
            store.insert(part.key, data.to_vec());
            // The scope only localizes local keys.
            let scope = LocalScope { game: Address::ZERO, leaf: 0, context: [0; 32] };
            load_oracle_part(&mut self.chain, GAME, &scope, self.oracle, part, &store)
                .unwrap_or_else(|e| panic!("loading key {:#04x}: {e}", part.key[0]));
            return;
        }
        assert!(data.len() <= MAX_LOCAL_DATA, "local datum of {} bytes", data.len());
        let offset = u64::from(part.offset);
        // A read past the end of the stream needs only the length: the first chunk.
        let part_offset = if offset < data.len() as u64 + 8 { offset } else { 0 };
        let mut word = [0u8; 32];
        word[..data.len()].copy_from_slice(data);
        let call = IPreimageOracle::loadLocalDataCall {
            ident: U256::from_be_bytes(part.key),
            localContext: (*local_context).into(),
            word: word.into(),
            size: U256::from(data.len()),
            partOffset: U256::from(part_offset),
        };
        self.send(self.oracle, call);
    }

    /// Writes local datum `data` (of any length) for VM key `key` straight into the oracle's
    /// storage, localized for the game and `local_context`, exactly as `loadLocalData` would
    /// store it were it not limited to [`MAX_LOCAL_DATA`] bytes: every 32-byte chunk of the
    /// stream, its flag, the length and its flag. `readPreimage` then answers it like any
    /// loaded preimage. Returns the localized key.
    pub fn inject_local(&mut self, key: &Hash, data: &[u8], local_context: &Hash) -> Hash {
        let localized = localize(key, GAME, local_context);
        let s = stream(data);
        let oracle = self.oracle;
        let chain = &mut self.chain;
        let mut put = |slot: U256, value: U256| chain.set_storage(oracle, slot, value);
        let one = U256::from(1);
        put(mapping_slot(&localized, U256::from(SLOT_LENGTHS)), U256::from(data.len()));
        put(mapping_slot(&localized, U256::from(SLOT_LENGTH_OK)), one);
        let parts = mapping_slot(&localized, U256::from(SLOT_PARTS));
        let part_ok = mapping_slot(&localized, U256::from(SLOT_PART_OK));
        for (index, chunk) in s.chunks(32).enumerate() {
            let at: [u8; 32] = U256::from(32 * index).to_be_bytes();
            let mut word = [0u8; 32];
            word[..chunk.len()].copy_from_slice(chunk);
            put(mapping_slot(&at, parts), U256::from_be_bytes(word));
            put(mapping_slot(&at, part_ok), one);
        }
        localized
    }
}

/// The Solidity signature of `call`, for messages.
fn call_name<C: SolCall>(_: &C) -> &'static str {
    C::SIGNATURE
}
