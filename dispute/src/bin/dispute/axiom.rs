//! `dispute axiom`: Optimistic Axiom claims — run their guests on a node's data (`group`,
//! `attest`), deploy the contracts, propose and apply updates and attestations, and challenge
//! a claim by playing its game honestly.

use std::path::PathBuf;
use std::time::Duration;

use alloy::primitives::{keccak256, Address};
use axon_axiom::header::BlockHeader;
use axon_dispute::axiom::claims::{deploy_axiom, past_uint32, AxiomDeployment};
use axon_dispute::axiom::client::{
    block_witness, cached_group, game_input, group_output, group_store, ClaimKind, FinishedRun,
    Guests,
};
use axon_dispute::axiom::historical;
use axon_dispute::axiom::{self, Node};
use axon_dispute::chain::RpcChain;
use axon_dispute::deploy::{deploy, GameParams};
use axon_dispute::driver::{play, Seat};
use axon_dispute::game;
use axon_dispute::{Error, Player, Result, Strategy};
use axon_vm::Vm;
use clap::{Args, Subcommand};

use crate::args::{artifacts_or_default, parse_address, program_or, sender, ChainArgs};

/// The Axiom contracts a command talks to, and where its data comes from.
#[derive(Args, Debug, Clone)]
pub(crate) struct ContractArgs {
    /// The block-hash cache.
    #[arg(long, value_parser = parse_address)]
    cache: Address,
    /// The storage attestations.
    #[arg(long, value_parser = parse_address)]
    attestations: Address,
    /// The slot statistics.
    #[arg(long, value_parser = parse_address)]
    statistics: Address,
    /// Another endpoint of the same chain to take the claims' data and the contracts' logs
    /// from, e.g. an archive node for old proofs (default: --rpc-url). The cache holds this
    /// chain's own block hashes, so the data cannot come from another chain.
    #[arg(long, env = "DISPUTE_DATA_RPC_URL")]
    data_rpc_url: Option<String>,
    #[command(flatten)]
    guests: GuestArgs,
}

/// The guests claims run.
#[derive(Args, Debug, Clone)]
pub(crate) struct GuestArgs {
    /// The header-chain guest [default: fixtures/programs/header-chain.elf].
    #[arg(long)]
    header_chain: Option<PathBuf>,
    /// The header-chain-unit guest of `updateHistorical` claims [default:
    /// fixtures/programs/header-chain-unit.elf].
    #[arg(long)]
    header_chain_unit: Option<PathBuf>,
    /// The storage-proof guest [default: fixtures/programs/storage-proof.elf].
    #[arg(long)]
    storage_proof: Option<PathBuf>,
    /// The slot-stats guest [default: fixtures/programs/slot-stats.elf].
    #[arg(long)]
    slot_stats: Option<PathBuf>,
}

impl GuestArgs {
    fn load(&self) -> Result<Guests> {
        Guests::load([
            &program_or(&self.header_chain, "header-chain.elf")?,
            &program_or(&self.storage_proof, "storage-proof.elf")?,
            &program_or(&self.slot_stats, "slot-stats.elf")?,
            &program_or(&self.header_chain_unit, "header-chain-unit.elf")?,
        ])
    }
}

/// What a command that proposes, applies or challenges works with.
struct Session {
    chain: RpcChain,
    from: Address,
    /// The data node.
    node: Node,
    /// The settlement chain, read-only (its head and block hashes).
    settlement: Node,
    contracts: AxiomDeployment,
    guests: Guests,
}

impl Session {
    fn open(chain: &ChainArgs, contracts: &ContractArgs) -> Result<Self> {
        let mut rpc = chain.connect()?;
        let from = sender(&rpc)?;
        let node = Node::connect(contracts.data_rpc_url.as_deref().unwrap_or(&chain.rpc_url))?;
        let settlement = Node::connect(&chain.rpc_url)?;
        let deployment = AxiomDeployment::at(
            &mut rpc,
            contracts.cache,
            contracts.attestations,
            contracts.statistics,
        )?;
        Ok(Self {
            chain: rpc,
            from,
            node,
            settlement,
            contracts: deployment,
            guests: contracts.guests.load()?,
        })
    }
}

fn print_json(value: &serde_json::Value) -> Result<()> {
    println!("{value:#}");
    Ok(())
}

/// Runs an `axiom` command.
pub(crate) fn run(command: AxiomCommand) -> Result<()> {
    match command {
        AxiomCommand::Group { .. } | AxiomCommand::Attest { .. } => print_json(&report(command)?),
        AxiomCommand::Deploy(args) => deploy_cmd(args),
        AxiomCommand::ProposeUpdate(args) => propose_update(args),
        AxiomCommand::ApplyUpdate(args) => apply_update(args),
        AxiomCommand::ProposeAttestation(args) => propose_attestation(args),
        AxiomCommand::ApplyAttestation(args) => apply_attestation(args),
        AxiomCommand::Challenge(args) => challenge(args),
    }
}

/// Deploy an Axiom deployment and print its addresses.
fn deploy_cmd(args: DeployArgs) -> Result<()> {
    let DeployArgs { chain, game_types, max_depth, max_clock_duration, guests, artifacts } = args;
    let mut chain = chain.connect()?;
    let from = sender(&chain)?;
    let artifacts = artifacts_or_default(artifacts)?;
    // Everything read and checked before the first transaction.
    let guests = guests.load()?;
    let dispute = deploy(&mut chain, from, &artifacts)?;
    let params = |game_type: u32, program| -> Result<GameParams> {
        let prestate = Vm::new(program)?.state_hash();
        let mut params = GameParams::new(game_type, prestate, max_depth);
        if let Some(seconds) = max_clock_duration {
            params.with_clock(seconds);
        }
        Ok(params)
    };
    let header = params(game_types[0], &guests.header_chain)?;
    let storage = params(game_types[1], &guests.storage_proof)?;
    let stats = params(game_types[2], &guests.slot_stats)?;
    let prestate = Vm::new(&guests.header_chain_unit)?.state_hash();
    let mut historical = historical::game_params(game_types[3], prestate);
    if let Some(seconds) = max_clock_duration {
        historical.with_clock(seconds);
    }
    let game_params = [header, storage, stats, historical];
    let contracts = deploy_axiom(&mut chain, from, &artifacts, dispute, game_params)?;
    print_json(&serde_json::json!({
        "oracle": contracts.dispute.oracle,
        "riscv": contracts.dispute.riscv,
        "factory": contracts.dispute.factory,
        "cache": contracts.cache,
        "attestations": contracts.attestations,
        "statistics": contracts.statistics,
        "header_game_type": contracts.header_game_type,
        "storage_game_type": contracts.storage_game_type,
        "stats_game_type": contracts.stats_game_type,
        "historical_game_type": contracts.historical_game_type,
        "max_depth": max_depth,
    }))
}

/// Claim a block-hash group (`claimRecent` or `claimOld`).
fn propose_update(args: ProposeUpdateArgs) -> Result<()> {
    let ProposeUpdateArgs { chain, contracts, block, headers } = args;
    let mut s = Session::open(&chain, &contracts)?;
    let (block, anchor, store) = match (block, headers) {
        (_, Some(path)) => {
            let headers = axiom::read_headers(&path)?;
            let what = || path.display().to_string();
            let last = headers
                .last()
                .ok_or_else(|| Error::BadInput { what: what(), reason: "no headers".into() })?;
            let number = BlockHeader::decode(last, headers.len() - 1)
                .map_err(|source| Error::Axiom { what: what(), source })?
                .number();
            (number, keccak256(last), axiom::header_chain_store(&headers)?)
        }
        (Some(block), None) => {
            let anchor = s.node.header(block)?.hash_slow();
            (block, anchor, group_store(&s.node, anchor)?.1)
        }
        (None, None) => return Err(Error::Usage("give --block or --headers".into())),
    };
    let run = FinishedRun::new(&s.guests.header_chain, store)?.succeeded()?;
    let update = group_output(&run)?;
    // `blockhash` (on the settlement chain) covers the 256 blocks before the one the
    // claim lands in; older anchors must end a group whose successor is cached.
    let head = s.settlement.latest_number()?;
    let recent = block <= head && head - block < 256;
    let claimed = if recent {
        if s.settlement.header(block)?.hash_slow() != anchor {
            return Err(Error::BadInput {
                what: format!("block {block} of the settlement chain"),
                reason: format!("it is not the data's {anchor}"),
            });
        }
        let number = u32::try_from(block).map_err(|_| past_uint32(block))?;
        s.contracts.claim_recent(&mut s.chain, s.from, number, anchor, run.witness.state_hash)?
    } else {
        let next_start = update
            .start
            .checked_add(GROUP_SIZE32)
            .filter(|_| update.numFinal == GROUP_SIZE32)
            .ok_or_else(|| Error::BadInput {
                what: format!("block {block}"),
                reason: "it is neither among the chain's last 256 nor the last of its group".into(),
            })?;
        let next = cached_group(&s.node, &mut s.chain, &s.contracts, next_start)?;
        if next.is_none_or(|next| next.prevHash != anchor) {
            return Err(Error::BadInput {
                what: format!("block {block}"),
                reason: format!(
                    "the group from block {next_start} is not cached with {anchor} as its prevHash"
                ),
            });
        }
        s.contracts.claim_old(&mut s.chain, s.from, anchor, run.witness.state_hash)?
    };
    print_json(&serde_json::json!({
        "game": claimed.game,
        "claim": if recent { "claimRecent" } else { "claimOld" },
        "anchor": anchor,
        "final_state": axon_dispute::game::hex_hash(&run.witness.state_hash),
        "steps": run.vm.cpu().step,
        "update": format!("{update:?}"),
        "gas": claimed.gas,
    }))
}

/// Apply a won update game.
fn apply_update(args: ApplyArgs) -> Result<()> {
    let ApplyArgs { chain, contracts, game } = args;
    let mut s = Session::open(&chain, &contracts)?;
    let run = won_run(&mut s, game, ClaimKind::Update)?;
    let update = group_output(&run)?;
    let receipt = if s.contracts.recently_anchored(&mut s.chain, game)? {
        s.contracts.update_recent(&mut s.chain, s.from, game, &run.witness, &update)?
    } else {
        let uncached = |reason: String| Error::BadInput { what: format!("game {game}"), reason };
        let next_start = update
            .start
            .checked_add(GROUP_SIZE32)
            .ok_or_else(|| uncached(format!("no group after block {}", update.start)))?;
        let next = cached_group(&s.node, &mut s.chain, &s.contracts, next_start)?
            .ok_or_else(|| uncached(format!("the group from {next_start} is not cached")))?;
        s.contracts.update_old(&mut s.chain, s.from, game, &run.witness, &update, &next)?
    };
    print_json(&serde_json::json!({
        "historical_root_start": update.start,
        "historical_root": s.contracts.historical_root(&mut s.chain, update.start)?,
        "num_final": update.numFinal,
        "gas": receipt.gas_used,
    }))
}

/// Claim an account's slots at a block (`attestSlots`).
fn propose_attestation(args: ProposeAttestationArgs) -> Result<()> {
    let ProposeAttestationArgs { chain, contracts, block, address, slots, block_file, proof_file } =
        args;
    let mut s = Session::open(&chain, &contracts)?;
    let (raw_header, claim) = match (block, address, block_file, proof_file) {
        (_, _, Some(block), Some(proof)) => axiom::read_storage_claim(&block, &proof)?,
        (Some(block), Some(address), ..) => s.node.storage_claim(block, address, slots)?,
        _ => return Err(Error::Usage("give --block and --address, or the files".into())),
    };
    let header = BlockHeader::decode(&raw_header, 0)
        .map_err(|source| Error::Axiom { what: "the block's header".into(), source })?;
    let block = header.number();
    let address = claim.account;
    let witness = block_witness(&s.node, &mut s.chain, &s.contracts, block)?;
    let store = axiom::storage_proof_store(&raw_header, &claim);
    let run = FinishedRun::new(&s.guests.storage_proof, store)?.succeeded()?;
    let claimed =
        s.contracts.attest_slots(&mut s.chain, s.from, &witness, &claim, run.witness.state_hash)?;
    let values: Vec<_> =
        claim.slots.iter().map(|c| serde_json::json!({"slot": c.slot, "value": c.value})).collect();
    print_json(&serde_json::json!({
        "game": claimed.game,
        "block": block,
        "account": address,
        "slots": values,
        "final_state": axon_dispute::game::hex_hash(&run.witness.state_hash),
        "steps": run.vm.cpu().step,
        "gas": claimed.gas,
    }))
}

/// Record a won attestation game's attestation.
fn apply_attestation(args: ApplyArgs) -> Result<()> {
    let ApplyArgs { chain, contracts, game } = args;
    let mut s = Session::open(&chain, &contracts)?;
    let run = won_run(&mut s, game, ClaimKind::Attestation)?;
    let receipt =
        s.contracts.finalize_attestation(&mut s.chain, s.from, game, &run.witness, &run.stdout)?;
    print_json(&serde_json::json!({
        "attestation": format!("0x{}", hex::encode(&run.stdout)),
        "gas": receipt.gas_used,
    }))
}

/// Play a claim's game honestly to its end.
fn challenge(args: ChallengeArgs) -> Result<()> {
    let ChallengeArgs { chain, contracts, game, poll_seconds, warp } = args;
    let mut s = Session::open(&chain, &contracts)?;
    let input = game_input(&s.node, &mut s.chain, &s.contracts, game)?;
    let trace = input.honest_trace(&s.guests)?;
    let player = Player::new(s.from, game, Strategy::Solver, Box::new(trace), input.extra_data);
    let mut seats = [Seat::new(format!("{}", s.from), player)];
    eprintln!("playing {:?} game {game} as {}", input.kind, s.from);
    let mut chain = if warp { s.chain } else { s.chain.without_time_travel() };
    let poll = Duration::from_secs(poll_seconds);
    let summary = play(&mut chain, &mut seats, poll, |_, event| println!("{event}"))?;
    let state = game::read(&mut chain, game)?;
    println!("game {game}: {} ({} rounds)", state.status, summary.rounds);
    Ok(())
}

/// Blocks in a group, as the contracts' `uint32`.
const GROUP_SIZE32: u32 = axon_axiom::group::GROUP_SIZE as u32;

/// The re-run of the guest `game` (a claim of `kind`) decided, if the game was won.
fn won_run(s: &mut Session, game: Address, kind: ClaimKind) -> Result<FinishedRun> {
    let input = game_input(&s.node, &mut s.chain, &s.contracts, game)?;
    if input.kind != kind {
        return Err(Error::Usage(format!("game {game} decides a {:?} claim", input.kind)));
    }
    if input.status != game::GameStatus::DefenderWins {
        return Err(Error::Usage(format!("game {game} is {}: nothing to apply", input.status)));
    }
    let run = FinishedRun::new(s.guests.of(kind), input.store)?.succeeded()?;
    if run.witness.state_hash != input.root_claim {
        return Err(Error::NotAClaim {
            game,
            reason: "it claimed another final state than the guest's on this node's data".into(),
        });
    }
    Ok(run)
}

/// Optimistic Axiom commands.
#[derive(Subcommand, Debug)]
pub(crate) enum AxiomCommand {
    /// Run the header-chain guest on the headers of a block's 1024-block group, from a node
    /// (--rpc-url, --block) or a file (--headers), and print the V0 group claim (start,
    /// prevHash, root, numFinal) as JSON.
    Group {
        /// The Ethereum JSON-RPC endpoint (http).
        #[arg(
            long,
            env = "DISPUTE_RPC_URL",
            required_unless_present = "headers",
            requires = "block"
        )]
        rpc_url: Option<String>,
        /// The anchor block: the group runs from its group's first block to it.
        #[arg(long)]
        block: Option<u64>,
        /// A JSON array of hex raw headers, oldest first, from a group's first block to the
        /// anchor (instead of a node).
        #[arg(long, conflicts_with = "rpc_url")]
        headers: Option<PathBuf>,
        /// The header-chain guest [default: fixtures/programs/header-chain.elf].
        #[arg(long)]
        program: Option<PathBuf>,
    },
    /// Run the storage-proof guest on an account's and slots' proofs at a block, from a node
    /// (--rpc-url, --block, --address, --slot) or files (--block-file, --proof-file), and
    /// print the attestation as JSON.
    Attest {
        /// The Ethereum JSON-RPC endpoint (http).
        #[arg(long, env = "DISPUTE_RPC_URL", required_unless_present = "proof_file", requires_all = ["block", "address"])]
        rpc_url: Option<String>,
        /// The block.
        #[arg(long)]
        block: Option<u64>,
        /// The account.
        #[arg(long)]
        address: Option<Address>,
        /// A storage slot (repeatable).
        #[arg(long = "slot")]
        slots: Vec<alloy::primitives::B256>,
        /// An `eth_getBlockByNumber` result saved as JSON (instead of a node).
        #[arg(long, conflicts_with = "rpc_url", requires = "proof_file")]
        block_file: Option<PathBuf>,
        /// An `eth_getProof` result saved as JSON, for the block of --block-file.
        #[arg(long, conflicts_with = "rpc_url", requires = "block_file")]
        proof_file: Option<PathBuf>,
        /// The storage-proof guest [default: fixtures/programs/storage-proof.elf].
        #[arg(long)]
        program: Option<PathBuf>,
    },
    /// Deploy the oracle, the verifier, a factory with game types for the three guests, the
    /// block-hash cache, the storage attestations and the slot statistics; prints the
    /// addresses as JSON.
    Deploy(DeployArgs),
    /// Claim the block-hash group ending at --block (its group's first block to it): with
    /// `claimRecent` when the block is among the settlement chain's last 256, else with
    /// `claimOld` (the block must then end its group, and the next group be cached with its
    /// hash as prevHash). Prints the game.
    ProposeUpdate(ProposeUpdateArgs),
    /// Apply the update a won update game proves (`updateRecent` / `updateOld`).
    ApplyUpdate(ApplyArgs),
    /// Claim an account's slots at --block (whose group must be cached) with `attestSlots`,
    /// from the data node's `eth_getProof`. Prints the game.
    ProposeAttestation(ProposeAttestationArgs),
    /// Record the attestation a won attestation game proves (`finalizeAttestation`).
    ApplyAttestation(ApplyArgs),
    /// Play an update, attestation or statistics game honestly to its end: rebuild its
    /// guest's input from the game (its anchor, or the storage claim or items the contract
    /// published) and the data node, counter every wrong claim, step, resolve, withdraw.
    Challenge(ChallengeArgs),
}

/// The arguments of `dispute axiom deploy`.
#[derive(Args, Debug)]
pub(crate) struct DeployArgs {
    #[command(flatten)]
    chain: ChainArgs,
    /// The game types of the header-chain, storage-proof and slot-stats guests, and of
    /// `updateHistorical` claims (a split game over the header-chain-unit guest).
    #[arg(long, num_args = 4, value_names = ["HEADER", "STORAGE", "STATS", "HISTORICAL"], default_values_t = [2, 3, 4, 5])]
    game_types: Vec<u32>,
    /// The game depth: a claim's trace covers 2^depth steps (a whole group is 2^25).
    #[arg(long, default_value_t = 32)]
    max_depth: u8,
    /// Seconds on each side's clock: the challenge window (default: 3.5 days).
    #[arg(long, value_parser = clap::value_parser!(u32).range(4..))]
    max_clock_duration: Option<u32>,
    #[command(flatten)]
    guests: GuestArgs,
    /// Forge's build output [default: contracts/out of the repository].
    #[arg(long)]
    artifacts: Option<PathBuf>,
}

/// The arguments of `dispute axiom propose-update`.
#[derive(Args, Debug)]
pub(crate) struct ProposeUpdateArgs {
    #[command(flatten)]
    chain: ChainArgs,
    #[command(flatten)]
    contracts: ContractArgs,
    /// The anchor block, its group's headers fetched from the data node.
    #[arg(long, required_unless_present = "headers")]
    block: Option<u64>,
    /// A JSON array of hex raw headers, oldest first, from a group's first block to the
    /// anchor (instead of fetching them).
    #[arg(long, conflicts_with = "block")]
    headers: Option<PathBuf>,
}

/// The arguments of `dispute axiom apply-update` and `apply-attestation`.
#[derive(Args, Debug)]
pub(crate) struct ApplyArgs {
    #[command(flatten)]
    chain: ChainArgs,
    #[command(flatten)]
    contracts: ContractArgs,
    /// The game.
    #[arg(long, value_parser = parse_address)]
    game: Address,
}

/// The arguments of `dispute axiom propose-attestation`.
#[derive(Args, Debug)]
pub(crate) struct ProposeAttestationArgs {
    #[command(flatten)]
    chain: ChainArgs,
    #[command(flatten)]
    contracts: ContractArgs,
    /// The block (with --address and --slot: the proofs from the data node's
    /// `eth_getProof`).
    #[arg(long, required_unless_present = "proof_file", requires = "address")]
    block: Option<u64>,
    /// The account.
    #[arg(long, value_parser = parse_address)]
    address: Option<Address>,
    /// A storage slot (repeatable).
    #[arg(long = "slot")]
    slots: Vec<alloy::primitives::B256>,
    /// An `eth_getBlockByNumber` result saved as JSON (instead of the node's).
    #[arg(long, conflicts_with = "block", requires = "proof_file")]
    block_file: Option<PathBuf>,
    /// An `eth_getProof` result saved as JSON, for the block of --block-file.
    #[arg(long, conflicts_with = "block", requires = "block_file")]
    proof_file: Option<PathBuf>,
}

/// The arguments of `dispute axiom challenge`.
#[derive(Args, Debug)]
pub(crate) struct ChallengeArgs {
    #[command(flatten)]
    chain: ChainArgs,
    #[command(flatten)]
    contracts: ContractArgs,
    /// The game.
    #[arg(long, value_parser = parse_address)]
    game: Address,
    /// Seconds between polls while waiting on a chain whose time cannot be moved.
    #[arg(long, default_value_t = 12)]
    poll_seconds: u64,
    /// Move the chain's time to the next deadline instead of waiting (anvil).
    #[arg(long)]
    warp: bool,
}

/// Runs an `axiom` command's guest on its data (from a node or files) and reports the result.
fn report(command: AxiomCommand) -> Result<serde_json::Value> {
    match command {
        AxiomCommand::Group { headers: Some(path), program, .. } => {
            let program = program_or(&program, "header-chain.elf")?;
            axiom::group_report_from_headers(&axiom::read_headers(&path)?, &program)
        }
        AxiomCommand::Group { rpc_url: Some(url), block: Some(block), program, .. } => {
            let program = program_or(&program, "header-chain.elf")?;
            axiom::group_report(&axiom::Node::connect(&url)?, block, &program)
        }
        AxiomCommand::Attest {
            block_file: Some(block), proof_file: Some(proof), program, ..
        } => {
            let (raw_header, claim) = axiom::read_storage_claim(&block, &proof)?;
            let program = program_or(&program, "storage-proof.elf")?;
            axiom::attest_report_from_claim(&raw_header, &claim, &program)
        }
        AxiomCommand::Attest {
            rpc_url: Some(url),
            block: Some(block),
            address: Some(address),
            slots,
            program,
            ..
        } => {
            let program = program_or(&program, "storage-proof.elf")?;
            axiom::attest_report(&axiom::Node::connect(&url)?, block, address, slots, &program)
        }
        // clap's `requires` rules make every other combination a usage error; the other
        // commands are not reports.
        _ => Err(Error::Usage("give a node (--rpc-url with the block) or the data files".into())),
    }
}
