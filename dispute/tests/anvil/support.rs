//! What the anvil tests of every feature share: anvil itself (started on a free port, killed
//! on drop), its development keys, the repository's paths and the `dispute` binary's runners.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// anvil's first seven development accounts (its well-known test mnemonic).
pub(crate) const KEYS: [&str; 7] = [
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
    "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
    "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
    "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
];

pub(crate) fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
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

/// Starts anvil on a free loopback port: mining a block per transaction, or every
/// `block_time` seconds like a real chain (time then passes between transactions, which is
/// what a player that waits for a deadline without moving time polls for).
pub(crate) fn anvil(block_time: Option<u32>) -> Anvil {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let tool = repo().join("contracts/tools/foundry");
    let mut command = Command::new(&tool);
    command.args(["anvil", "--host", "127.0.0.1", "--port", &port.to_string(), "--silent"]);
    command.args(["--hardfork", "prague"]);
    if let Some(seconds) = block_time {
        command.args(["--block-time", &seconds.to_string()]);
    }
    let child = command
        .stdout(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e} (run `make setup` to install anvil)", tool.display()));
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "anvil did not start on port {port}");
        std::thread::sleep(Duration::from_millis(100));
    }
    Anvil { child, url }
}

pub(crate) fn dispute(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dispute"));
    command.args(args);
    command
}

/// Runs `dispute` to completion and returns its stdout; panics with its stderr on failure.
pub(crate) fn run(args: &[&str]) -> String {
    let out = dispute(args).output().unwrap();
    assert!(
        out.status.success(),
        "dispute {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Starts `dispute bisect`, sending each stdout line to the returned channel.
pub(crate) fn bisect(args: &[&str]) -> (Child, mpsc::Receiver<String>) {
    let mut child = dispute(args).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (child, rx)
}

/// Lines from `rx` until one satisfies `done`, within `limit`.
pub(crate) fn lines_until(
    rx: &mpsc::Receiver<String>,
    limit: Duration,
    done: impl Fn(&str) -> bool,
) -> Vec<String> {
    let deadline = Instant::now() + limit;
    let mut lines = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => {
                let stop = done(&line);
                lines.push(line);
                if stop {
                    return lines;
                }
            }
            Err(_) => panic!("gave up waiting; got {lines:#?}"),
        }
    }
}

pub(crate) fn data_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("axon-anvil-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}
