//! What the sequencer tests share: the `axon-node` process (on a free port, killed on drop)
//! and the genesis accounts' keys.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use alloy::network::EthereumWallet;
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::signers::local::PrivateKeySigner;

/// The keys of `fixtures/rollup/genesis.json`'s funded accounts (anvil's first three).
pub(crate) const KEYS: [&str; 3] = [
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
];

pub(crate) fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A fresh directory for a test's database.
pub(crate) fn data_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("axon-node-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A running `axon-node` (sequencer or validator), killed on drop.
pub(crate) struct Node {
    child: Child,
    pub(crate) url: String,
}

/// `axon-node ROLE` on `datadir` with the fixture genesis.
pub(crate) fn node_command(role: &str, datadir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_axon-node"));
    command
        .arg(role)
        .arg("--genesis")
        .arg(repo().join("fixtures/rollup/genesis.json"))
        .arg("--datadir")
        .arg(datadir)
        .args(["--rpc-addr", "127.0.0.1:0"]);
    command
}

impl Node {
    /// Starts `axon-node sequencer` on `datadir` with the fixture genesis, and waits until
    /// its JSON-RPC answers.
    pub(crate) fn start(datadir: &Path) -> Self {
        let mut command = node_command("sequencer", datadir);
        command.args(["--block-time", "1"]).stderr(Stdio::null());
        Self::spawn(command)
    }

    /// Starts `command` (an `axon-node` role), and waits until its JSON-RPC answers.
    pub(crate) fn spawn(mut command: Command) -> Self {
        let mut child = command.stdout(Stdio::piped()).spawn().expect("axon-node starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let url = line
            .trim()
            .strip_prefix("JSON-RPC on ")
            .unwrap_or_else(|| panic!("axon-node said {line:?}"))
            .to_owned();
        Self { child, url }
    }

    /// Kills the process at once (SIGKILL: no shutdown code runs).
    pub(crate) fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// A provider that signs with `key`.
    pub(crate) fn provider(&self, key: &str) -> DynProvider {
        let signer: PrivateKeySigner = key.parse().unwrap();
        ProviderBuilder::new()
            .wallet(EthereumWallet::from(signer))
            .connect_http(self.url.parse().unwrap())
            .erased()
    }

    /// A provider that does not sign.
    pub(crate) fn reader(&self) -> DynProvider {
        ProviderBuilder::new().connect_http(self.url.parse().unwrap()).erased()
    }

    /// Waits until the chain's head is past `number`.
    pub(crate) async fn wait_past(&self, number: u64) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.reader().get_block_number().await.unwrap() <= number {
            assert!(Instant::now() < deadline, "no block after {number}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A running anvil, killed on drop.
pub(crate) struct Anvil {
    child: Child,
    pub(crate) url: String,
}

impl Drop for Anvil {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts anvil on a free loopback port, with a finalized block per slot (fast finality)
/// and a block per transaction.
pub(crate) fn anvil() -> Anvil {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = foundry("anvil")
        .args(["--host", "127.0.0.1", "--port", &port.to_string(), "--silent"])
        .args(["--slots-in-an-epoch", "1"])
        .stdout(Stdio::null())
        .spawn()
        .expect("anvil starts (`make setup` installs it)");
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "anvil did not start on port {port}");
        std::thread::sleep(Duration::from_millis(100));
    }
    Anvil { child, url: format!("http://127.0.0.1:{port}") }
}

/// The Foundry tool `tool` (`forge`, `cast`) from `contracts/node_modules`.
pub(crate) fn foundry(tool: &str) -> Command {
    let mut command = Command::new(repo().join("contracts/tools/foundry"));
    command.arg(tool).current_dir(repo().join("contracts"));
    command
}

/// The digits model's first test sample: its pixels and the engine's logits for them, as
/// the bytes the `inference` precompile takes and gives.
pub(crate) fn digits_sample() -> (Vec<u8>, Vec<u8>) {
    let samples: serde_json::Value = serde_json::from_slice(
        &std::fs::read(repo().join("fixtures/models/digits-test.json")).unwrap(),
    )
    .unwrap();
    let bytes = |key: &str| -> Vec<u8> {
        let values = samples["samples"][0][key].as_array().unwrap();
        values.iter().map(|v| v.as_i64().unwrap() as i8 as u8).collect()
    };
    (bytes("input"), bytes("logits"))
}

/// A sequencer opened in-process on a fresh directory named `name`, with the fixture
/// genesis: the genesis, the directory and the node.
pub(crate) fn sequencer_in_process(name: &str) -> (axon_node::Genesis, PathBuf, axon_node::Node) {
    let genesis = axon_node::Genesis::load(&repo().join("fixtures/rollup/genesis.json")).unwrap();
    let dir = data_dir(name);
    std::fs::create_dir_all(&dir).unwrap();
    let role = axon_node::Role::Sequencer;
    let node = axon_node::Node::open(genesis.clone(), role, &dir.join("sequencer.redb")).unwrap();
    (genesis, dir, node)
}

/// The output root of block `number` of `node`.
pub(crate) fn output_root(node: &axon_node::Node, number: u64) -> alloy::primitives::B256 {
    node.output_root(number).unwrap()
}
