//! One source of truth per ABI: the `sol!` mirrors of the contracts against forge's artifacts.
//!
//! Every function, event and error the Rust side declares must exist, with the same selector,
//! in the artifact of the contract it mirrors (a renamed parameter type or a dropped function
//! fails here, not on a live chain); and every error those contracts can revert with must be
//! named by [`describe_revert`] (none prints as raw hex).

use std::collections::BTreeSet;

use alloy_json_abi::JsonAbi;
use axon_dispute::ai_evm::demo::IDigitBounty;
use axon_dispute::ai_evm::results::IInferenceOracle;
use axon_dispute::axiom::claims::{
    IBlockHashCache, IHistoricHolderGate, ISlotStatistics, IStorageAttestations,
};
use axon_dispute::contracts::{
    default_artifacts_dir, describe_revert, IDisputeGame, IDisputeGameFactory, IPreimageOracle,
    IStepper,
};

/// A contract's ABI from forge's build output.
fn artifact_abi(file: &str, contract: &str) -> JsonAbi {
    let path = default_artifacts_dir().join(file).join(format!("{contract}.json"));
    let text = std::fs::read(&path).unwrap_or_else(|e| {
        panic!("{}: {e} (build the contracts first: `make -C contracts build`)", path.display())
    });
    let json: serde_json::Value = serde_json::from_slice(&text).expect("forge output is JSON");
    serde_json::from_value(json["abi"].clone()).expect("an ABI")
}

/// Selectors (4 bytes, or an event's 32) and the signatures they hash.
type Declared = Vec<(Vec<u8>, &'static str)>;

/// What one `sol!` interface declares.
struct Mirror {
    /// The Rust interface's name, for messages.
    name: &'static str,
    /// The artifact it mirrors: `contracts/out/<file>/<contract>.json`.
    file: &'static str,
    contract: &'static str,
    calls: Declared,
    errors: Declared,
    events: Declared,
}

/// Pairs the `SELECTORS` and `SIGNATURES` that `sol!` generates for an interface's calls,
/// errors or events (in the same order).
fn declared<S: AsRef<[u8]>>(selectors: &[S], signatures: &'static [&'static str]) -> Declared {
    assert_eq!(selectors.len(), signatures.len());
    selectors.iter().map(|s| s.as_ref().to_vec()).zip(signatures.iter().copied()).collect()
}

/// `declared` for the `sol!`-generated enum `$e`.
macro_rules! of {
    ($e:ty) => {
        declared(<$e>::SELECTORS, <$e>::SIGNATURES)
    };
}

fn mirrors() -> Vec<Mirror> {
    vec![
        Mirror {
            name: "IDisputeGame",
            file: "DisputeGame.sol",
            contract: "DisputeGame",
            calls: of!(IDisputeGame::IDisputeGameCalls),
            errors: of!(IDisputeGame::IDisputeGameErrors),
            events: Vec::new(),
        },
        Mirror {
            name: "IDisputeGameFactory",
            file: "DisputeGameFactory.sol",
            contract: "DisputeGameFactory",
            calls: of!(IDisputeGameFactory::IDisputeGameFactoryCalls),
            errors: of!(IDisputeGameFactory::IDisputeGameFactoryErrors),
            events: of!(IDisputeGameFactory::IDisputeGameFactoryEvents),
        },
        Mirror {
            name: "IPreimageOracle",
            file: "PreimageOracle.sol",
            contract: "PreimageOracle",
            calls: of!(IPreimageOracle::IPreimageOracleCalls),
            errors: of!(IPreimageOracle::IPreimageOracleErrors),
            events: Vec::new(),
        },
        Mirror {
            name: "IStepper",
            file: "RISCV.sol",
            contract: "RISCV",
            calls: of!(IStepper::IStepperCalls),
            errors: of!(IStepper::IStepperErrors),
            events: Vec::new(),
        },
        Mirror {
            name: "IInferenceOracle",
            file: "InferenceOracle.sol",
            contract: "InferenceOracle",
            calls: of!(IInferenceOracle::IInferenceOracleCalls),
            errors: of!(IInferenceOracle::IInferenceOracleErrors),
            events: of!(IInferenceOracle::IInferenceOracleEvents),
        },
        Mirror {
            name: "IBlockHashCache",
            file: "BlockHashCache.sol",
            contract: "BlockHashCache",
            calls: of!(IBlockHashCache::IBlockHashCacheCalls),
            errors: of!(IBlockHashCache::IBlockHashCacheErrors),
            events: of!(IBlockHashCache::IBlockHashCacheEvents),
        },
        Mirror {
            name: "IStorageAttestations",
            file: "StorageAttestations.sol",
            contract: "StorageAttestations",
            calls: of!(IStorageAttestations::IStorageAttestationsCalls),
            errors: of!(IStorageAttestations::IStorageAttestationsErrors),
            events: of!(IStorageAttestations::IStorageAttestationsEvents),
        },
        Mirror {
            name: "ISlotStatistics",
            file: "SlotStatistics.sol",
            contract: "SlotStatistics",
            calls: of!(ISlotStatistics::ISlotStatisticsCalls),
            errors: of!(ISlotStatistics::ISlotStatisticsErrors),
            events: of!(ISlotStatistics::ISlotStatisticsEvents),
        },
        Mirror {
            name: "IHistoricHolderGate",
            file: "HistoricHolderGate.sol",
            contract: "HistoricHolderGate",
            calls: of!(IHistoricHolderGate::IHistoricHolderGateCalls),
            errors: of!(IHistoricHolderGate::IHistoricHolderGateErrors),
            events: Vec::new(),
        },
    ]
}

/// The mirrors of contracts on the AI-EVM L2 (their reverts are the L2 node's to report, not
/// the toolkit's).
fn l2_mirrors() -> Vec<Mirror> {
    vec![Mirror {
        name: "IDigitBounty",
        file: "DigitBounty.sol",
        contract: "DigitBounty",
        calls: of!(IDigitBounty::IDigitBountyCalls),
        errors: Vec::new(),
        events: Vec::new(),
    }]
}

#[test]
fn every_mirrored_selector_is_in_the_contracts_artifact() {
    let mut drifted = Vec::new();
    for m in mirrors().into_iter().chain(l2_mirrors()) {
        let abi = artifact_abi(m.file, m.contract);
        let functions: BTreeSet<Vec<u8>> = abi.functions().map(|f| f.selector().to_vec()).collect();
        let errors: BTreeSet<Vec<u8>> = abi.errors().map(|e| e.selector().to_vec()).collect();
        let events: BTreeSet<Vec<u8>> = abi.events().map(|e| e.selector().to_vec()).collect();
        for (kind, declared, found) in [
            ("function", &m.calls, &functions),
            ("error", &m.errors, &errors),
            ("event", &m.events, &events),
        ] {
            for (selector, signature) in declared {
                if !found.contains(selector) {
                    drifted
                        .push(format!("{}: {kind} {signature} is not in {}", m.name, m.contract));
                }
            }
        }
    }
    assert!(
        drifted.is_empty(),
        "the Rust ABI has drifted from the contracts:\n{}",
        drifted.join("\n")
    );
}

#[test]
fn every_error_of_the_contracts_is_named() {
    let mut unnamed = Vec::new();
    for m in mirrors() {
        for error in artifact_abi(m.file, m.contract).errors() {
            let selector = error.selector().0;
            let known = axon_dispute::REVERT_DECODERS
                .iter()
                .flat_map(|decoders| decoders.iter())
                .any(|d| (d.knows)(selector));
            if !known {
                unnamed.push(format!("{}: {}", m.contract, error.signature()));
            }
        }
    }
    assert!(unnamed.is_empty(), "errors the toolkit prints as raw hex:\n{}", unnamed.join("\n"));
}

/// What the two tests above rely on: a known error reads by its name, an unknown one as hex.
#[test]
fn describe_revert_names_known_errors_and_shows_unknown_ones_as_hex() {
    use alloy_sol_types::SolError;
    let data = IStepper::UnknownFaultCode { haltCode: 7 }.abi_encode();
    assert!(describe_revert(&data).contains("UnknownFaultCode"), "{}", describe_revert(&data));
    assert_eq!(describe_revert(&[0xde, 0xad, 0xbe, 0xef]), "0xdeadbeef");
    assert_eq!(describe_revert(&[]), "no revert data");
}
