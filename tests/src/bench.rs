//! What the benchmarks share: criterion's estimates of this run, and the VM-against-native
//! summary line.

use crate::repo;

/// Criterion's median estimate, in ns, of `group/bench` in this run.
pub fn estimate_ns(group: &str, bench: &str) -> Option<f64> {
    let path = repo().join("target/criterion").join(group).join(bench).join("new/estimates.json");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    json["median"]["point_estimate"].as_f64()
}

/// Prints the summary line of a group benched as `vm` and `native`, for a guest run of
/// `steps` steps.
pub fn print_vm_vs_native(group: &str, steps: u64) {
    let vm = estimate_ns(group, "vm").unwrap_or(f64::NAN);
    let native = estimate_ns(group, "native").unwrap_or(f64::NAN);
    println!(
        "{group:<15} {steps:>11} steps   VM {:>10.3} ms ({:5.1} MIPS)   native {:>9.3} ms   VM/native {:6.1}x",
        vm / 1e6,
        steps as f64 / vm * 1e3,
        native / 1e6,
        vm / native
    );
}
