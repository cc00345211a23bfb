//! The profile's outputs: the report (text, JSON or CSV), folded stacks and the flamegraph.

use std::io::Write;
use std::path::Path;

use axon_vm::{StdHost, Vm};
use serde::Serialize;
use serde_json::json;

use super::Profile;
use crate::common::{stdout_error, Format, Result};

/// One function or operator.
#[derive(Debug, Serialize)]
struct Row<'a> {
    /// `function` or `operator`.
    kind: &'static str,
    name: &'a str,
    /// Times entered (functions: calls, tail calls and jumps in; operators: runs).
    calls: u64,
    /// Instructions executed in it, not in what it called.
    exclusive: u64,
    /// Instructions executed while it was on the stack.
    inclusive: u64,
}

/// The functions that executed instructions, most exclusive instructions first.
fn function_rows(profile: &Profile) -> Vec<Row<'_>> {
    let exclusive = profile.calls.exclusive();
    let inclusive = profile.calls.inclusive();
    let entries = profile.calls.entries();
    let mut rows: Vec<_> = (0..profile.code.len())
        .filter(|&f| inclusive[f] > 0)
        .map(|f| Row {
            kind: "function",
            name: profile.code.name(f as u32),
            calls: entries[f],
            exclusive: exclusive[f],
            inclusive: inclusive[f],
        })
        .collect();
    sort(&mut rows);
    rows
}

/// The operators the guest marked, most exclusive instructions first.
fn operator_rows(profile: &Profile) -> Vec<Row<'_>> {
    let mut rows: Vec<_> = profile
        .operators
        .counts()
        .iter()
        .map(|(name, counts)| Row {
            kind: "operator",
            name,
            calls: counts.calls,
            exclusive: counts.exclusive,
            inclusive: counts.inclusive,
        })
        .collect();
    sort(&mut rows);
    rows
}

fn sort(rows: &mut [Row<'_>]) {
    rows.sort_by(|a, b| b.exclusive.cmp(&a.exclusive).then_with(|| a.name.cmp(b.name)));
}

/// Writes the report on stdout (and, for text and CSV, how the run ended on stderr).
pub(super) fn write(
    profile: &Profile,
    vm: &mut Vm,
    host: &StdHost,
    format: Format,
    top: usize,
) -> Result<()> {
    let functions = function_rows(profile);
    let operators = operator_rows(profile);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match format {
        Format::Json => {
            let report = json!({
                "run": crate::run::summary(vm, host),
                "functions": functions,
                "operators": operators,
                "outside_operators": profile.operators.outside(),
            });
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out).map_err(stdout_error)?;
        }
        Format::Csv => {
            eprintln!("axon-vm: {}", crate::run::status_line(vm));
            let mut csv = csv::Writer::from_writer(out);
            for row in functions.iter().chain(&operators) {
                csv.serialize(row)?;
            }
            csv.flush().map_err(stdout_error)?;
            return Ok(());
        }
        Format::Text => {
            eprintln!("axon-vm: {}", crate::run::status_line(vm));
            let steps = vm.cpu().step;
            table(&mut out, "function", &functions, steps, top).map_err(stdout_error)?;
            if !operators.is_empty() {
                writeln!(out).map_err(stdout_error)?;
                table(&mut out, "operator", &operators, steps, top).map_err(stdout_error)?;
                let outside = profile.operators.outside();
                writeln!(out, "{outside:>12} {:>6}  outside any operator", percent(outside, steps))
                    .map_err(stdout_error)?;
            }
        }
    }
    out.flush().map_err(stdout_error)
}

/// A table of the `top` rows (all when 0), percentages of `steps`.
fn table(
    out: &mut impl Write,
    kind: &str,
    rows: &[Row<'_>],
    steps: u64,
    top: usize,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{:>12} {:>6} {:>12} {:>6} {:>10}  {kind}",
        "exclusive", "%", "inclusive", "%", "calls"
    )?;
    let shown = if top == 0 { rows.len() } else { top.min(rows.len()) };
    for row in &rows[..shown] {
        writeln!(
            out,
            "{:>12} {:>6} {:>12} {:>6} {:>10}  {}",
            row.exclusive,
            percent(row.exclusive, steps),
            row.inclusive,
            percent(row.inclusive, steps),
            row.calls,
            row.name
        )?;
    }
    if shown < rows.len() {
        writeln!(out, "{:>12} ({} more {kind}s: --top 0 shows all)", "…", rows.len() - shown)?;
    }
    Ok(())
}

fn percent(part: u64, whole: u64) -> String {
    format!("{:.2}", 100.0 * part as f64 / whole.max(1) as f64)
}

/// The call stacks as folded lines, `outer;…;inner count`; a `;` in a name (Rust array types)
/// becomes `,` so it cannot split a frame.
fn folded_lines(profile: &Profile) -> Vec<String> {
    profile
        .calls
        .folded()
        .map(|(stack, count)| {
            let frames: Vec<String> =
                stack.iter().map(|&f| profile.code.name(f).replace(';', ",")).collect();
            format!("{} {count}", frames.join(";"))
        })
        .collect()
}

/// Writes the folded stacks to `path`.
pub(super) fn write_folded(profile: &Profile, path: &Path) -> Result<()> {
    let mut text = folded_lines(profile).join("\n");
    text.push('\n');
    std::fs::write(path, text).map_err(|e| axon_vm::Error::io(path, e).into())
}

/// Writes a flamegraph SVG of the call stacks to `path`.
pub(super) fn write_flamegraph(profile: &Profile, title: &str, path: &Path) -> Result<()> {
    let lines = folded_lines(profile);
    let mut options = inferno::flamegraph::Options::default();
    options.title = title.to_string();
    options.count_name = "instructions".to_string();
    let file = std::fs::File::create(path).map_err(|e| axon_vm::Error::io(path, e))?;
    inferno::flamegraph::from_lines(
        &mut options,
        lines.iter().map(String::as_str),
        std::io::BufWriter::new(file),
    )
    .map_err(|e| axon_vm::Error::io(path, e).into())
}
