//! The precompiles inside revm: [`AiPrecompiles`] is Ethereum's precompiles for the spec, the
//! costly ones answered by an [`Oracle`] ([`crate::precompiles`]; the others run as revm
//! runs them), plus `inference` at `0xa1`; a revm `PrecompileProvider`, so an EVM built with
//! it is the AI EVM.

use alloc::string::String;

use revm::context::Cfg;
use revm::context_interface::ContextTr;
use revm::handler::{precompile_output_to_interpreter_result, EthPrecompiles, PrecompileProvider};
use revm::interpreter::{CallInputs, InterpreterResult};
use revm::precompile::{PrecompileHalt, PrecompileOutput};
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address, AddressSet};

use crate::inference::{self, GasSchedule, ModelGas, Outcome, INFERENCE_ADDRESS};
use crate::oracle::Oracle;
use crate::precompiles::run_offloaded;

/// The precompile's address as revm's type.
pub const INFERENCE: Address = Address::new(INFERENCE_ADDRESS);

/// Ethereum's precompiles plus `inference`: models priced by `M`, results from `O`.
#[derive(Debug)]
pub struct AiPrecompiles<M, O> {
    eth: EthPrecompiles,
    addresses: AddressSet,
    /// The registered models' prices.
    pub models: M,
    /// Where inference results and the costly precompiles' answers come from.
    pub oracle: O,
    /// The gas schedule.
    pub schedule: GasSchedule,
}

impl<M, O> AiPrecompiles<M, O> {
    /// The precompiles of `spec` and `inference` over `models` and `oracle`, with the AI
    /// EVM's schedule.
    pub fn new(spec: SpecId, models: M, oracle: O) -> Self {
        let eth = EthPrecompiles::new(spec);
        let addresses = with_inference(eth.warm_addresses());
        Self { eth, addresses, models, oracle, schedule: GasSchedule::DEFAULT }
    }
}

fn with_inference(addresses: &AddressSet) -> AddressSet {
    let mut all = addresses.clone();
    all.insert(INFERENCE);
    all
}

impl<CTX: ContextTr, M: ModelGas, O: Oracle> PrecompileProvider<CTX> for AiPrecompiles<M, O> {
    type Output = InterpreterResult;

    fn set_spec(&mut self, spec: <CTX::Cfg as Cfg>::Spec) -> bool {
        let changed = <EthPrecompiles as PrecompileProvider<CTX>>::set_spec(&mut self.eth, spec);
        if changed {
            self.addresses = with_inference(self.eth.warm_addresses());
        }
        changed
    }

    fn run(
        &mut self,
        context: &mut CTX,
        inputs: &CallInputs,
    ) -> Result<Option<InterpreterResult>, String> {
        let address = inputs.bytecode_address;
        if address != INFERENCE && !self.eth.contains(&address) {
            return self.eth.run(context, inputs);
        }
        let calldata = inputs.input.as_bytes(context).to_vec();
        let (gas_limit, reservoir) = (inputs.gas_limit, inputs.reservoir);
        let output = if address == INFERENCE {
            let models = &self.models;
            match inference::run(&calldata, gas_limit, &self.schedule, models, &mut self.oracle) {
                Outcome::Returned { gas_used, output } => {
                    PrecompileOutput::new(gas_used, output.into(), reservoir)
                }
                Outcome::Reverted { gas_used, data } => {
                    PrecompileOutput::revert(gas_used, data.into(), reservoir)
                }
                Outcome::OutOfGas => PrecompileOutput::halt(PrecompileHalt::OutOfGas, reservoir),
                Outcome::Unavailable => {
                    return Err("no inference result for a request of the block".into())
                }
            }
        } else {
            match run_offloaded(&address, &calldata, gas_limit, &mut self.oracle) {
                Some(result) => PrecompileOutput::from_eth_result(result, reservoir),
                None => return self.eth.run(context, inputs),
            }
        };
        Ok(Some(precompile_output_to_interpreter_result(output, gas_limit)))
    }

    fn warm_addresses(&self) -> &AddressSet {
        &self.addresses
    }
}
