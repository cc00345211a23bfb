//! The precompile inside revm: [`AiPrecompiles`] is Ethereum's precompiles for the spec plus
//! `inference` at `0xa1`, a revm `PrecompileProvider`, so an EVM built with it is the AI EVM.

use alloc::string::String;

use revm::context::Cfg;
use revm::context_interface::ContextTr;
use revm::handler::{precompile_output_to_interpreter_result, EthPrecompiles, PrecompileProvider};
use revm::interpreter::{CallInputs, InterpreterResult};
use revm::precompile::{PrecompileHalt, PrecompileOutput};
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address, AddressSet};

use crate::inference::{self, GasSchedule, ModelSource, Outcome, INFERENCE_ADDRESS};

/// The precompile's address as revm's type.
pub const INFERENCE: Address = Address::new(INFERENCE_ADDRESS);

/// Ethereum's precompiles plus `inference`, finding models in `M`.
#[derive(Debug)]
pub struct AiPrecompiles<M> {
    eth: EthPrecompiles,
    addresses: AddressSet,
    /// Where models are found.
    pub models: M,
    /// The gas schedule.
    pub schedule: GasSchedule,
}

impl<M> AiPrecompiles<M> {
    /// The precompiles of `spec` and `inference` over `models`, with the AI EVM's schedule.
    pub fn new(spec: SpecId, models: M) -> Self {
        let eth = EthPrecompiles::new(spec);
        let addresses = with_inference(eth.warm_addresses());
        Self { eth, addresses, models, schedule: GasSchedule::DEFAULT }
    }
}

fn with_inference(addresses: &AddressSet) -> AddressSet {
    let mut all = addresses.clone();
    all.insert(INFERENCE);
    all
}

impl<CTX: ContextTr, M: ModelSource> PrecompileProvider<CTX> for AiPrecompiles<M> {
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
        if inputs.bytecode_address != INFERENCE {
            return self.eth.run(context, inputs);
        }
        let calldata = inputs.input.as_bytes(context);
        let output =
            match inference::run(&calldata, inputs.gas_limit, &self.schedule, &mut self.models) {
                Outcome::Returned { gas_used, output } => {
                    PrecompileOutput::new(gas_used, output.into(), inputs.reservoir)
                }
                Outcome::Reverted { gas_used, data } => {
                    PrecompileOutput::revert(gas_used, data.into(), inputs.reservoir)
                }
                Outcome::OutOfGas => {
                    PrecompileOutput::halt(PrecompileHalt::OutOfGas, inputs.reservoir)
                }
            };
        Ok(Some(precompile_output_to_interpreter_result(output, inputs.gas_limit)))
    }

    fn warm_addresses(&self) -> &AddressSet {
        &self.addresses
    }
}
