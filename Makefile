# Axon: the entry points people type. `make` (or `make help`) lists them.
#
# Two commands do all set-up on a fresh machine: `make demo` runs the main job, `make test`
# runs every test. Both install what they need first (idempotently): the rustup target for
# guest programs and the contracts' npm toolchain.

CARGO ?= cargo

.DEFAULT_GOAL := help

.PHONY: help
help: ## Show the targets.
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: setup
setup: ## Install what builds and tests need (rust-src for the guests, npm packages under contracts/).
	@$(MAKE) --no-print-directory -C program setup
	@rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
	@rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
	@$(MAKE) --no-print-directory -C contracts install

.PHONY: build
build: ## Build the host workspace (release).
	$(CARGO) build --release --workspace

.PHONY: programs
programs: setup ## Rebuild the guest programs into fixtures/programs/ (bit for bit reproducible).
	$(MAKE) -C program programs

.PHONY: conformance
conformance: ## Reassemble the conformance suite (needs Debian's gcc-riscv64-unknown-elf).
	$(MAKE) -C fixtures/conformance

.PHONY: step-fixtures
step-fixtures: ## Regenerate fixtures/steps/ (Rust step witnesses the Solidity tests replay).
	$(CARGO) run --release --locked -p axon-vm --example step-fixtures

.PHONY: game-fixture
game-fixture: ## Regenerate fixtures/dispute/ (a real trace the Solidity game test plays).
	$(CARGO) run --release --locked -p axon-dispute --example game-fixture

.PHONY: axiom-fixture
axiom-fixture: ## Regenerate fixtures/axiom/ (real Axiom guest runs the Solidity Axiom tests apply).
	$(CARGO) run --release --locked -p axon-dispute --example axiom-fixture

.PHONY: fixtures
fixtures: conformance programs step-fixtures game-fixture axiom-fixture ## Rebuild every committed fixture.

# The contracts build first: tests/tests/verifier.rs runs their build output (contracts/out/) in
# revm. The README's checked examples run last, on the binaries the workspace tests built.
.PHONY: test
test: setup ## Run every test: Rust workspace, guest reproducibility, lockfiles, contracts, README examples.
	tools/check-lockfiles
	$(MAKE) -C contracts build
	$(CARGO) test --workspace --locked
	$(MAKE) -C program check
	$(MAKE) -C contracts test
	tools/check-readme

.PHONY: bench
bench: ## Run the benchmarks (criterion), printing ratios against the baselines.
	$(CARGO) bench -p axon-tests --bench vm
	$(CARGO) bench -p axon-tests --bench inference
	$(CARGO) bench -p axon-tests --bench axiom
	$(CARGO) bench -p axon-tests --bench ai_evm
	$(CARGO) bench -p axon-tests --bench opml
	$(CARGO) bench -p axon-node --bench throughput

.PHONY: demo
demo: setup ## The AI rollup on a local anvil: steps 1 to 9 of the seed's workflow, ending with a dishonest validator slashed.
	$(MAKE) -C contracts build
	$(CARGO) build --release --locked -p axon-node --bin axon-node --bin rollup-demo
	target/release/rollup-demo

.PHONY: demo-disputes
demo-disputes: setup ## Whole disputes on an embedded chain (a guest, then the AI EVM's opML and block proofs): a dishonest proposer loses.
	$(MAKE) -C contracts build
	$(CARGO) build --release --locked -p axon-dispute --bin dispute
	@echo "== a dispute over hello.elf (input \"axon\") in a game of 2^40 steps =="
	target/release/dispute demo --max-depth 40
	@echo "== an AI-EVM block disputed over a forged inference, in a game of 2^40 steps =="
	target/release/dispute demo --ai-evm

.PHONY: lint
lint: setup ## rustfmt, clippy (warnings are errors), guest lint, solidity fmt.
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings
	$(MAKE) -C program lint
