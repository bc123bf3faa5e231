#!/usr/bin/env bash
# The ingestion load benchmark (docs/benchmarks.md, "Load benchmark"): a dev node whose genesis
# registers N meters, a gateway simulating them at R readings per second, the node's off-chain
# worker relaying; a report from finalized blocks.
#
#   ./scripts/bench-ingest.sh --meters N --rate R --minutes M [--warmup S]
#                             [--min-per-block F] [--write-docs] [--json FILE]
#
# --write-docs replaces the table between the bench-ingest markers of docs/benchmarks.md;
# --min-per-block makes it exit non-zero when fewer readings per finalized block are accepted
# (the CI smoke run). KEEP_NODE_LOGS=1 keeps the node's and the gateway's logs.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ensure_node
ensure_npm_packages e2e
[ -x "$NODE_BIN" ] && [ -x "$GATEWAY_BIN" ] ||
	die "build first: cargo build --release --locked --workspace --all-targets (or ./scripts/test.sh)"
cd "$REPO_ROOT/e2e" && exec node bench/ingest.mjs "$@"
