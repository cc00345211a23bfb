//! Multi-phase opML against the single-phase game it replaces (`docs/ml.md`, "Multi-phase
//! disputes"), on stories260K generating 128 tokens from BOS, in one run:
//!
//! | measured | single-phase | multi-phase |
//! |---|---|---|
//! | the game | a 2^33-step game over the `inference` guest's whole run | a split game: 2^20 units above (the run's 4,864 operators), 2^40 steps of the `inference-unit` guest below |
//! | VM steps a side | its whole trace | the executions of disputed units it ran |
//! | wall time, rounds, gas | the whole game on the embedded chain, both sides' transactions | the same |
//!
//! Each game has an honest proposer and a challenger lying from the middle of the run (in
//! the multi-phase game: from unit 2,432, defending it with a run it claims succeeded), so
//! the honest side's step ends it. Also timed: phase 1 (every unit natively) against phase 2
//! (one unit in the VM) per operator kind of the last position. Gas per move is reported
//! above and below the split. Needs `../shared/models/stories260K.bin` (shared test data):
//! without it the benchmark says so and measures nothing. Run with
//! `cargo bench -p axon-tests --bench opml` (or `make bench`).

use std::time::Instant;

use axon_dispute::guest::{hashed_input_store, load_guest};
use axon_dispute::lying::{Lie, Lies};
use axon_dispute::setup::{InferenceSpec, TraceSpec};
use axon_dispute::split::inference::InferenceUnits;
use axon_dispute::split::{Subgame, UnitTrace, Units, VmUnitTrace};
use axon_dispute::Position;
use axon_ml::model::Request;
use axon_tests::game::{play_embedded, Figures};
use axon_tests::repo;

const TOKENS: usize = 128;

fn main() {
    let Ok(model) = std::fs::read(repo().join("../shared/models/stories260K.bin")) else {
        println!("opml: skipped, ../shared/models/stories260K.bin is absent (shared test data)");
        return;
    };
    let output_size = 4 * TOKENS;

    // Phase 1: every unit natively.
    let started = Instant::now();
    let mut native = InferenceUnits::new(model.clone(), &[], output_size);
    let phase1 = started.elapsed();
    let units = native.units();

    // Phase 2: one unit in the VM, for each operator of the last position.
    let program = load_guest(&repo().join("fixtures/programs/inference-unit.elf")).unwrap();
    let runner = Box::new(InferenceUnits::new(model.clone(), &[], output_size));
    let mut trace = VmUnitTrace::new(runner, program, 61, 20, 1 << 20).unwrap();
    println!("phase 2, one unit of the last position in the VM (steps, wall):");
    let mut phase2_most = (0u64, 0f64);
    for unit in units - 38..units {
        let subgame = Subgame {
            agreed: native.commitment_after(unit).unwrap(),
            agreed_position: None,
            disputed: native.commitment_after(unit + 1).unwrap(),
            disputed_position: Position::new(20, 0).unwrap(),
            unit,
        };
        let started = Instant::now();
        let run = trace.execution(&subgame).unwrap();
        let wall = started.elapsed().as_secs_f64();
        println!("  unit {unit:>5}: {:>10} steps {:>8.3} s", run.steps_run(), wall);
        if run.steps_run() > phase2_most.0 {
            phase2_most = (run.steps_run(), wall);
        }
    }

    // The two games.
    let multi = TraceSpec::inference(
        repo().join("fixtures/programs/inference-unit.elf"),
        InferenceSpec { model: model.clone(), input: Vec::new(), output_size, split_depth: 20 },
        61,
        1 << 20,
    );
    let multi_lies =
        Lies { trace: Some((units / 2, Lie::State)), execution: Some((40, Lie::Status)) };
    let multi_figures = play_embedded(&multi, Lies::default(), multi_lies);

    let key = axon_vm::preimage::blob_key(&model);
    let request = Request { model: key, output_size, input: &[] }.encode();
    // The request by its hash (a game's local data are words), the model by its blob key.
    let mut preimages = hashed_input_store(request);
    preimages.insert_blob(model);
    let single = TraceSpec {
        program: repo().join("fixtures/programs/inference.elf"),
        input: native.request_hash().to_vec(),
        preimages,
        max_depth: 33,
        checkpoint_interval: 1 << 25,
        checkpoint_dir: None,
        inference: None,
    };
    let started = Instant::now();
    let steps = single.honest_trace().unwrap().final_step();
    println!("single-phase trace: {steps} steps, {:.1} s", started.elapsed().as_secs_f64());
    let single_lies = Lies { trace: Some((steps / 2, Lie::State)), execution: None };
    let single_figures = play_embedded(&single, Lies::default(), single_lies);

    println!();
    println!("stories260K, {TOKENS} tokens from BOS ({units} units); an honest proposer against a lying challenger");
    println!(
        "{:<14} {:>16} {:>16} {:>9} {:>7} {:>12} {:>18} {:>10}",
        "game",
        "VM steps (prop.)",
        "VM steps (chal.)",
        "wall s",
        "rounds",
        "gas, all tx",
        "max move gas",
        "step gas"
    );
    for (name, f) in [("single-phase", &single_figures), ("multi-phase", &multi_figures)] {
        print_row(name, f);
    }
    let ratio = single_figures.vm_steps[0] as f64 / multi_figures.vm_steps[0].max(1) as f64;
    println!("the honest side runs {ratio:.0}x fewer VM steps multi-phase (goal: at least 100x)");
    println!(
        "phase 1 (all {units} units natively): {:.3} s; phase 2 (the costliest unit in the VM): {} steps, {:.3} s",
        phase1.as_secs_f64(),
        phase2_most.0,
        phase2_most.1
    );
}

fn print_row(name: &str, f: &Figures) {
    let moves = if f.max_move[1] == 0 {
        format!("{}", f.max_move[0])
    } else {
        format!("{} / {}", f.max_move[0], f.max_move[1])
    };
    println!(
        "{name:<14} {:>16} {:>16} {:>9.1} {:>7} {:>12} {:>18} {:>10}",
        f.vm_steps[0],
        f.vm_steps[1],
        f.wall.as_secs_f64(),
        f.rounds,
        f.gas,
        moves,
        f.max_step
    );
}
