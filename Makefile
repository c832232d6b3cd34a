# The two commands a newcomer needs; everything else is in scripts/.
.PHONY: local test bench lint clean-local

## Run the system locally end to end (moto + functions in the Lambda runtime emulator).
local:
	@scripts/local.sh

## Run every test (what CI runs).
test:
	@scripts/test.sh

## Benchmarks: criterion (common), the daily reconcile of 100,000 records against the simulator,
## and the Deeto tab's answer time on moto.
bench:
	@. scripts/env.sh && cargo bench -p common && cargo bench -p integration-tests --bench reconcile_budget
	@. scripts/env.sh && scripts/moto.sh start && set -a && . .local/moto.env && set +a && \
	  cargo bench -p integration-tests --bench card_latency; rc=$$?; scripts/moto.sh stop; exit $$rc

## Formatting and clippy as CI would see them.
lint:
	@. scripts/env.sh && cargo fmt --all --check && cargo clippy --workspace --all-targets -- -D warnings

clean-local:
	@scripts/moto.sh stop; rm -rf .local
