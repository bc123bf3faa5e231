#!/usr/bin/env bash
# The database weights of this machine (docs/benchmarks.md, "Database weights"): starts a chain
# whose genesis registers N meters (100,000 unless --meters says otherwise), stops it, and
# measures every key of its ParityDB database with `wattcoin-node benchmark storage`, which
# writes runtime/src/weights/paritydb_weights.rs. The runtime must be rebuilt to use them.
#
#   ./scripts/bench-storage.sh [--meters N] [--keys-limit K]
#
# Needs the release node (cargo build --release --locked -p wattcoin-node) and builds the
# benchmarking node (--features runtime-benchmarks) in its own target dir, as
# scripts/benchmark.sh does.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ensure_node
ensure_npm_packages e2e
[ -x "$NODE_BIN" ] || die "build first: cargo build --release --locked -p wattcoin-node"
BENCH_TARGET_DIR="${BENCH_TARGET_DIR:-$HOME/.cache/wattcoin/bench-target}"
log "building the benchmarking node (--features runtime-benchmarks) in $BENCH_TARGET_DIR"
(cd "$REPO_ROOT" && CARGO_TARGET_DIR="$BENCH_TARGET_DIR" \
	SKIP_FRAME_STORAGE_ACCESS_TEST_RUNTIME_WASM_BUILD=1 \
	cargo build --release --locked -p wattcoin-node --features runtime-benchmarks)
cd "$REPO_ROOT/e2e"
WATTCOIN_NODE="$NODE_BIN" WATTCOIN_BENCH_NODE="$BENCH_TARGET_DIR/release/wattcoin-node" \
	exec node bench/storage.mjs --weight-path "$REPO_ROOT/runtime/src/weights" "$@"
