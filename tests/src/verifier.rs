//! The compiled Solidity verifier in an in-process EVM (revm, Prague rules).
//!
//! [`Chain::deploy`] loads forge's build output (`contracts/out/`), deploys `PreimageOracle`
//! and then `RISCV` with the oracle's address, from one externally owned account: the
//! "game", which both loads local data into the oracle and calls `step`, as a dispute game
//! does (local keys are localized with the caller). [`Chain::load_part`] puts the oracle
//! into the state a challenger would before stepping a preimage read, through the oracle's
//! own load functions; [`Chain::step`] calls `RISCV.step` and returns the post-state hash
//! and the execution gas (the transaction's gas less its intrinsic gas), or the revert data.

use alloy_sol_types::{sol, SolCall, SolError};
use axon_vm::abi::PreimageKeyType;
use axon_vm::memory::Memory;
use axon_vm::merkle::keccak256;
use axon_vm::{Hash, PreimagePart};
use revm::context::result::{ExecutionResult, Output};
use revm::context::{BlockEnv, CfgEnv, Context, Evm, Journal, TxEnv};
use revm::context_interface::cfg::gas::calculate_initial_tx_gas;
use revm::context_interface::ContextTr;
use revm::database::{CacheDB, EmptyDB};
use revm::handler::instructions::EthInstructions;
use revm::handler::{EthFrame, EthPrecompiles};
use revm::interpreter::interpreter::EthInterpreter;
use revm::primitives::hardfork::SpecId;
use revm::primitives::{keccak256 as evm_keccak, Address, Bytes, TxKind, U256};
use revm::{ExecuteCommitEvm, ExecuteEvm, MainBuilder, MainContext};

use crate::artifacts::creation_code;

sol! {
    function step(bytes stateData, bytes proof, bytes32 localContext)
        external view returns (bytes32 postState);
    function loadLocalData(
        uint256 ident, bytes32 localContext, bytes32 word, uint256 size, uint256 partOffset
    ) external returns (bytes32 key);
    function loadKeccak256PreimagePart(uint256 partOffset, bytes preimage) external;
    function loadBlobPart(bytes32 key, uint256 partOffset, bytes32 chunk, bytes proof) external;
    function readPreimage(bytes32 key, uint256 offset)
        external view returns (bytes32 dat, uint256 datLen);

    error InvalidStateLength(uint256 length);
    error InvalidMemoryProof(uint256 index);
    error InvalidProofLength(uint256 expected, uint256 actual);
    error InvalidCalldataLayout();
    error PartNotFound();
}

/// The account that deploys, loads local data and calls `step`: the dispute game.
pub(crate) const GAME: Address = Address::new([0x6a; 20]);

/// The oracle's storage slots (`forge inspect PreimageOracle storageLayout`), which
/// [`Chain::inject_local`] writes; `injected_local_data_reads_back_like_loaded_data` checks
/// them through `readPreimage`.
const SLOT_LENGTHS: u64 = 0;
const SLOT_LENGTH_OK: u64 = 1;
const SLOT_PARTS: u64 = 2;
const SLOT_PART_OK: u64 = 3;

/// Bytes of local data the oracle's `loadLocalData` accepts per key (docs/spec.md, "On chain").
pub(crate) const MAX_LOCAL_DATA: usize = 32;

type Db = CacheDB<EmptyDB>;
type Ctx = Context<BlockEnv, TxEnv, CfgEnv, Db, Journal<Db>, ()>;
type Machine = Evm<Ctx, (), EthInstructions<EthInterpreter, Ctx>, EthPrecompiles, EthFrame>;

/// What a `step` call did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StepResult {
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
pub(crate) struct Chain {
    evm: Machine,
    nonce: u64,
    /// The oracle's address.
    pub(crate) oracle: Address,
    /// The verifier's address.
    pub(crate) riscv: Address,
}

/// A storage slot of `mapping(bytes32 => _)` at `slot`, for `key`.
fn mapping_slot(key: &[u8; 32], slot: U256) -> U256 {
    let mut preimage = [0u8; 64];
    preimage[..32].copy_from_slice(key);
    preimage[32..].copy_from_slice(&slot.to_be_bytes::<32>());
    U256::from_be_bytes(evm_keccak(preimage).0)
}

/// The localized form of local key `key` for `caller` and `context` (`LibPreimageKey`).
pub(crate) fn localize(key: &Hash, caller: Address, context: &Hash) -> Hash {
    let mut preimage = [0u8; 96];
    preimage[..32].copy_from_slice(key);
    preimage[44..64].copy_from_slice(caller.as_slice());
    preimage[64..].copy_from_slice(context);
    let mut out = keccak256(&preimage);
    out[0] = PreimageKeyType::Local as u8;
    out
}

/// The stream `u64_be(len) ‖ data` the oracle serves for a preimage.
fn stream(data: &[u8]) -> Vec<u8> {
    let mut s = (data.len() as u64).to_be_bytes().to_vec();
    s.extend_from_slice(data);
    s
}

/// Why the last transaction did not succeed, readable.
pub(crate) fn describe_revert(data: &[u8]) -> String {
    if let Ok(e) = InvalidMemoryProof::abi_decode(data) {
        return format!("InvalidMemoryProof({})", e.index);
    }
    if let Ok(e) = InvalidProofLength::abi_decode(data) {
        return format!("InvalidProofLength(expected {}, actual {})", e.expected, e.actual);
    }
    if let Ok(e) = InvalidStateLength::abi_decode(data) {
        return format!("InvalidStateLength({})", e.length);
    }
    if InvalidCalldataLayout::abi_decode(data).is_ok() {
        return "InvalidCalldataLayout()".into();
    }
    if PartNotFound::abi_decode(data).is_ok() {
        return "PartNotFound()".into();
    }
    format!("0x{}", hex::encode(data))
}

impl Chain {
    /// Deploys the oracle and the verifier from forge's artifacts.
    ///
    /// # Panics
    /// If the artifacts are missing (naming `make -C contracts build`) or a deployment fails.
    pub(crate) fn deploy() -> Self {
        let oracle_code = creation_code("PreimageOracle.sol", "PreimageOracle");
        let riscv_code = creation_code("RISCV.sol", "RISCV");
        let ctx: Ctx = Context::mainnet()
            .modify_cfg_chained(|cfg| cfg.set_spec_and_mainnet_gas_params(SpecId::PRAGUE))
            .with_db(CacheDB::new(EmptyDB::default()));
        let mut chain = Self {
            evm: ctx.build_mainnet(),
            nonce: 0,
            oracle: Address::ZERO,
            riscv: Address::ZERO,
        };
        chain.oracle = chain.create(oracle_code);
        let mut code = riscv_code.to_vec();
        code.extend_from_slice(&U256::from_be_slice(chain.oracle.as_slice()).to_be_bytes::<32>());
        chain.riscv = chain.create(code.into());
        chain
    }

    fn tx(&self, kind: TxKind, data: Bytes) -> TxEnv {
        TxEnv::builder()
            .caller(GAME)
            .kind(kind)
            .data(data)
            .nonce(self.nonce)
            .gas_limit(30_000_000)
            .gas_price(0)
            .build()
            .expect("a valid transaction")
    }

    fn create(&mut self, code: Bytes) -> Address {
        let tx = self.tx(TxKind::Create, code);
        let result = self.evm.transact_commit(tx).expect("deployment transaction");
        self.nonce += 1;
        match result {
            ExecutionResult::Success { output: Output::Create(_, Some(address)), .. } => address,
            other => panic!("deployment failed: {other:?}"),
        }
    }

    /// A state-changing call from the game; panics unless it succeeds.
    fn send(&mut self, to: Address, data: Vec<u8>, what: &str) {
        let tx = self.tx(TxKind::Call(to), data.into());
        let result = self.evm.transact_commit(tx).expect("transaction");
        self.nonce += 1;
        match result {
            ExecutionResult::Success { .. } => {}
            ExecutionResult::Revert { output, .. } => {
                panic!("{what} reverted: {}", describe_revert(&output))
            }
            other => panic!("{what} failed: {other:?}"),
        }
    }

    /// A call from the game whose state changes are dropped.
    fn call(&mut self, to: Address, data: Vec<u8>) -> (ExecutionResult, u64) {
        let intrinsic = calculate_initial_tx_gas(SpecId::PRAGUE, &data, false, 0, 0, 0, None)
            .initial_regular_gas;
        let tx = self.tx(TxKind::Call(to), data.into());
        let result = self.evm.transact(tx).expect("transaction").result;
        (result, intrinsic)
    }

    /// `RISCV.step(state, proof, local_context)` as a transaction from the game.
    pub(crate) fn step(&mut self, state: &[u8], proof: &[u8], local_context: &Hash) -> StepResult {
        let data = stepCall {
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
    pub(crate) fn read_preimage(&mut self, key: &Hash, offset: u32) -> Option<([u8; 32], u64)> {
        let data = readPreimageCall { key: (*key).into(), offset: U256::from(offset) }.abi_encode();
        match self.call(self.oracle, data).0 {
            ExecutionResult::Success { output, .. } => {
                let ret = readPreimageCall::abi_decode_returns(output.data()).expect("returns");
                Some((ret.dat.0, ret.datLen.to::<u64>()))
            }
            _ => None,
        }
    }

    /// Loads what the oracle needs to answer `part` (a read of `data` at `part.offset` under
    /// the VM key `part.key`), the way a challenger does: local data through `loadLocalData`
    /// from the game, keccak-256 preimages through `loadKeccak256PreimagePart`, blob chunks
    /// through `loadBlobPart` with their memory proofs (the first chunk first: it carries the
    /// length). A read past the end of the stream needs only the length: the first chunk.
    ///
    /// # Panics
    /// For local data over [`MAX_LOCAL_DATA`] bytes (see [`Chain::inject_local`]) and a key of
    /// unknown type.
    pub(crate) fn load_part(&mut self, part: &PreimagePart, data: &[u8], local_context: &Hash) {
        let stream_len = data.len() as u64 + 8;
        let offset = u64::from(part.offset);
        let in_stream = offset < stream_len;
        let part_offset = if in_stream { offset } else { 0 };
        match part.key[0] {
            t if t == PreimageKeyType::Local as u8 => {
                assert!(data.len() <= MAX_LOCAL_DATA, "local datum of {} bytes", data.len());
                let mut word = [0u8; 32];
                word[..data.len()].copy_from_slice(data);
                let call = loadLocalDataCall {
                    ident: U256::from_be_bytes(part.key),
                    localContext: (*local_context).into(),
                    word: word.into(),
                    size: U256::from(data.len()),
                    partOffset: U256::from(part_offset),
                };
                self.send(self.oracle, call.abi_encode(), "loadLocalData");
            }
            t if t == PreimageKeyType::Keccak256 as u8 => {
                let call = loadKeccak256PreimagePartCall {
                    partOffset: U256::from(part_offset),
                    preimage: data.to_vec().into(),
                };
                self.send(self.oracle, call.abi_encode(), "loadKeccak256PreimagePart");
            }
            t if t == PreimageKeyType::Blob as u8 => {
                let s = stream(data);
                let mut tree = Memory::default();
                tree.store_bytes(0, &s).expect("a blob fits memory");
                let chunk = part_offset & !31;
                let mut chunks = vec![0];
                if chunk != 0 {
                    chunks.push(chunk);
                }
                for at in chunks {
                    let proof = tree.proof(at as u32);
                    let call = loadBlobPartCall {
                        key: part.key.into(),
                        partOffset: U256::from(at),
                        chunk: proof.leaf.into(),
                        proof: proof.to_bytes().into(),
                    };
                    self.send(self.oracle, call.abi_encode(), "loadBlobPart");
                }
            }
            t => panic!("no oracle load for key type {t:#04x}"),
        }
    }

    /// Writes local datum `data` (of any length) for VM key `key` straight into the oracle's
    /// storage, localized for the game and `local_context`, exactly as `loadLocalData` would
    /// store it were it not limited to [`MAX_LOCAL_DATA`] bytes: every 32-byte chunk of the
    /// stream, its flag, the length and its flag. `readPreimage` then answers it like any
    /// loaded preimage. Returns the localized key.
    pub(crate) fn inject_local(&mut self, key: &Hash, data: &[u8], local_context: &Hash) -> Hash {
        let localized = localize(key, GAME, local_context);
        let s = stream(data);
        let oracle = self.oracle;
        let db = self.evm.ctx.db_mut();
        let mut put = |slot: U256, value: U256| {
            db.insert_account_storage(oracle, slot, value).expect("in-memory storage");
        };
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
