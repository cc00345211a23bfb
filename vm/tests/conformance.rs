//! The RV32IM conformance suite (`fixtures/conformance/`): every program's outcome matches
//! `expected.json`, and every step of every program agrees three ways.

mod common;

use std::collections::BTreeMap;

use axon_vm::abi::Fault;
use axon_vm::Halt;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Expected {
    status: String,
    exit_code: Option<u32>,
    fault: Option<String>,
    stdout: Option<String>,
    input: Option<String>,
}

fn fault_name(fault: Fault) -> String {
    format!("{fault:?}")
}

#[test]
fn every_conformance_program_meets_its_expectation_three_ways() {
    let dir = common::repo().join("fixtures/conformance");
    let expected: BTreeMap<String, Expected> =
        serde_json::from_slice(&std::fs::read(dir.join("expected.json")).expect("expected.json"))
            .expect("expected.json parses");
    assert!(expected.len() >= 100, "the suite has {} programs", expected.len());
    let mut faults_seen = std::collections::BTreeSet::new();
    for (name, want) in &expected {
        let elf = format!("fixtures/conformance/elf/{name}.elf");
        let program = common::program(&elf);
        let input = want
            .input
            .as_ref()
            .map(|p| std::fs::read(dir.join(p)).expect("input file"))
            .unwrap_or_default();
        let host = common::capturing_host(input.clone());
        let vm = common::three_way(&program, &host, 1_000_000);

        let mut run_host = common::capturing_host(input);
        let mut fast = axon_vm::Vm::new(&program).expect("load");
        fast.run(&mut run_host, 1_000_000).expect("run");
        match (want.status.as_str(), vm.cpu().halt) {
            ("exited", Halt::Exited(code)) => {
                assert_eq!(Some(code), want.exit_code, "{name}: exit code")
            }
            ("faulted", Halt::Faulted(fault)) => {
                assert_eq!(Some(fault_name(fault)), want.fault, "{name}: fault kind");
                faults_seen.insert(fault as u8);
                if let Some(site) = common::symbol(&elf, "fault_site") {
                    assert_eq!(vm.cpu().pc, site, "{name}: faults at fault_site");
                }
            }
            (status, halt) => panic!("{name}: expected {status}, got {halt:?}"),
        }
        if let Some(stdout) = &want.stdout {
            assert_eq!(&String::from_utf8_lossy(&run_host.stdout), stdout, "{name}: stdout");
        }
    }
    assert_eq!(faults_seen.len(), Fault::ALL.len(), "every fault kind is exercised");
}

#[test]
fn misaligned_jumps_do_not_link() {
    for name in ["fault_misaligned_fetch_jal", "fault_misaligned_fetch_jalr"] {
        let program = common::program(&format!("fixtures/conformance/elf/{name}.elf"));
        let mut vm = axon_vm::Vm::new(&program).expect("load");
        vm.run(&mut common::capturing_host(Vec::new()), 1_000_000).expect("run");
        assert!(matches!(vm.cpu().halt, Halt::Faulted(Fault::MisalignedFetch)), "{name}");
        assert_eq!(vm.cpu().regs[1], 0, "{name}: ra must not be written");
    }
}
