//! A player's record on disk, `<data-dir>/<game>/player.json`, beside its checkpoints: which
//! game, account, program and input it plays, and how often it was started. A restarted
//! `dispute bisect` checks that it is asked to play the same game with the same program —
//! carrying on a game over another program would counter honest claims — and resumes from
//! the chain, which holds every move made.

use std::path::{Path, PathBuf};

use axon_vm::merkle::keccak256;
use revm::primitives::Address;
use serde::{Deserialize, Serialize};

use crate::setup::{read, TraceSpec};
use crate::{Error, Result};

/// The record (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlayerRecord {
    /// The game.
    pub game: Address,
    /// The account playing it.
    pub account: Address,
    /// keccak-256 of the program ELF, hex.
    pub program_hash: String,
    /// The program input, hex.
    pub input: String,
    /// The game depth.
    pub max_depth: u8,
    /// How many times a player was started on this record (this run included).
    pub runs: u64,
}

impl PlayerRecord {
    /// Reads the record in `dir` and checks it matches, or creates it; counts this run.
    pub fn open_or_create(
        dir: &Path,
        game: Address,
        account: Address,
        spec: &TraceSpec,
    ) -> Result<Self> {
        let path = dir.join("player.json");
        let fresh = Self {
            game,
            account,
            program_hash: hex::encode(keccak256(&read(&spec.program)?)),
            input: hex::encode(&spec.input),
            max_depth: spec.max_depth,
            runs: 1,
        };
        let record = match std::fs::read(&path) {
            Ok(bytes) => {
                let old: Self = serde_json::from_slice(&bytes)
                    .map_err(|e| Error::BadState { path: path.clone(), reason: e.to_string() })?;
                if let Some(field) = old.differs_from(&fresh) {
                    return Err(Error::BadState {
                        path,
                        reason: format!(
                            "it records another {field} than this command's; use another \
                             --data-dir or remove it"
                        ),
                    });
                }
                Self { runs: old.runs + 1, ..old }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => fresh,
            Err(source) => return Err(Error::Io { path, source }),
        };
        record.write(&path)?;
        Ok(record)
    }

    /// The first field in which `self` records another game than `other` (`runs` aside).
    fn differs_from(&self, other: &Self) -> Option<String> {
        if self.game != other.game {
            Some(format!("game ({})", self.game))
        } else if self.account != other.account {
            Some(format!("account ({})", self.account))
        } else if self.program_hash != other.program_hash {
            Some(format!("program (keccak 0x{})", self.program_hash))
        } else if self.input != other.input {
            Some(format!("input (0x{})", self.input))
        } else if self.max_depth != other.max_depth {
            Some(format!("max depth ({})", self.max_depth))
        } else {
            None
        }
    }

    fn write(&self, path: &Path) -> Result<()> {
        let io = |source| Error::Io { path: PathBuf::from(path), source };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        // Written to a temporary file and renamed, so a kill mid-write leaves the old record.
        let tmp = path.with_extension("json.tmp");
        let text = serde_json::to_string_pretty(self).expect("a record serializes");
        std::fs::write(&tmp, text).map_err(io)?;
        std::fs::rename(&tmp, path).map_err(io)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(input: &[u8]) -> TraceSpec {
        TraceSpec {
            program: PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../fixtures/programs/hello.elf"),
            input: input.to_vec(),
            preimages: Default::default(),
            max_depth: 12,
            checkpoint_interval: 1024,
            checkpoint_dir: None,
            inference: None,
        }
    }

    #[test]
    fn a_record_counts_runs_and_refuses_another_input() {
        let dir = std::env::temp_dir().join(format!("axon-record-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let (game, account) = (Address::repeat_byte(1), Address::repeat_byte(2));
        assert_eq!(
            PlayerRecord::open_or_create(&dir, game, account, &spec(b"axon")).unwrap().runs,
            1
        );
        assert_eq!(
            PlayerRecord::open_or_create(&dir, game, account, &spec(b"axon")).unwrap().runs,
            2
        );
        let other = PlayerRecord::open_or_create(&dir, game, account, &spec(b"other"));
        assert!(
            matches!(&other, Err(Error::BadState { reason, .. }) if reason.contains("input (0x61786f6e)")),
            "{other:?}"
        );
        let other =
            PlayerRecord::open_or_create(&dir, game, Address::repeat_byte(3), &spec(b"axon"));
        assert!(matches!(other, Err(Error::BadState { .. })), "{other:?}");
        std::fs::write(dir.join("player.json"), "{ not json").unwrap();
        let broken = PlayerRecord::open_or_create(&dir, game, account, &spec(b"axon"));
        assert!(matches!(broken, Err(Error::BadState { .. })), "{broken:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
