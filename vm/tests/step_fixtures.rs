//! The committed step fixtures (`fixtures/steps/`, replayed by the Solidity tests) are exactly
//! what the VM generates now: a change in semantics cannot leave them stale.

#[path = "../examples/step-fixtures/generate.rs"]
mod generate;

mod common;

#[test]
fn committed_step_fixtures_are_up_to_date() {
    let repo = common::repo();
    let files = generate::all(&repo);
    let mut steps = 0;
    for (name, doc) in &files {
        let path = repo.join(format!("fixtures/steps/{name}.json"));
        let committed = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (run `make fixtures`)", path.display()));
        let fresh = serde_json::to_string_pretty(doc).expect("JSON") + "\n";
        assert!(committed == fresh, "{} is stale: run `make fixtures`", path.display());
        steps += doc["steps"].as_array().map_or(0, Vec::len);
    }
    let on_disk = std::fs::read_dir(repo.join("fixtures/steps")).expect("dir").count();
    assert_eq!(
        on_disk,
        files.len() + 1,
        "fixtures/steps holds exactly the generated files and its README"
    );
    assert!(steps > 1000, "{steps} fixture steps");
}
