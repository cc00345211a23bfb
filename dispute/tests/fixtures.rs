//! The committed game fixture (`fixtures/dispute/hello.json`, played by the Solidity game's
//! integration test) and Optimistic Axiom fixture (`fixtures/axiom/claims.json`, claimed and
//! applied by the Axiom contracts' tests) are exactly what the VM generates now.

#[path = "../examples/axiom-fixture/generate.rs"]
mod axiom;
#[path = "../examples/game-fixture/generate.rs"]
mod generate;

use std::path::PathBuf;

#[test]
fn committed_game_fixture_is_up_to_date() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let fresh =
        serde_json::to_string_pretty(&generate::hello(&repo).expect("generate")).unwrap() + "\n";
    let path = repo.join("fixtures/dispute/hello.json");
    let committed = std::fs::read_to_string(&path).expect("fixtures/dispute/hello.json");
    assert!(committed == fresh, "{} is stale: run `make fixtures`", path.display());
}

#[test]
fn committed_axiom_fixture_is_up_to_date() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let fresh =
        serde_json::to_string_pretty(&axiom::fixture(&repo).expect("generate")).unwrap() + "\n";
    let path = repo.join("fixtures/axiom/claims.json");
    let committed = std::fs::read_to_string(&path).expect("fixtures/axiom/claims.json");
    assert!(committed == fresh, "{} is stale: run `make fixtures`", path.display());
}
