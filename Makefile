# The two commands a newcomer needs; everything else is in scripts/.
.PHONY: local test bench soak fuzz lint clean-local

## Run the system locally end to end (moto + functions in the Lambda runtime emulator).
local:
	@scripts/local.sh

## Run every test (what CI runs).
test:
	@scripts/test.sh

## Benchmarks (figures in BENCHMARKS.md): criterion, the sync worker's and the reconcile's
## HubSpot calls, the Deeto tab's answer time, the receiver under load beside a Node.js one,
## cold starts and binary sizes; then the plots.
bench:
	@scripts/bench.sh

## The soak: 10,000 events and commands under HubSpot faults and a killed worker (SOAK_EVENTS,
## SOAK_KILLS, SOAK_SEED); fails if anything is lost or applied twice.
soak:
	@scripts/soak.sh

## Fuzz the webhook request, the card query and the Deeto command body (FUZZ_SECONDS each, default 60).
fuzz:
	@scripts/fuzz.sh

## Formatting and clippy as CI would see them.
lint:
	@. scripts/env.sh && cargo fmt --all --check && cargo fmt --manifest-path fuzz/Cargo.toml --check && cargo clippy --workspace --all-targets -- -D warnings

clean-local:
	@scripts/moto.sh stop; rm -rf .local
