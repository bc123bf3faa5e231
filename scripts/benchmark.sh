#!/usr/bin/env bash
# Regenerates the weights of the Wattcoin pallets on this machine.
#
#   ./scripts/benchmark.sh                # all three pallets, 50 steps x 20 repeats
#   ./scripts/benchmark.sh pallet_meters  # one pallet
#   STEPS=10 REPEAT=5 ./scripts/benchmark.sh   # a quick look, not for committing
#
# It builds the node and its runtime with `--features runtime-benchmarks` (the only build that
# has the `benchmark` subcommand and compiles frame-benchmarking-cli), runs
# `wattcoin-node benchmark pallet`, and writes pallets/*/src/weights.rs through
# .maintain/frame-weight-template.hbs.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

STEPS="${STEPS:-50}"
REPEAT="${REPEAT:-20}"
PALLETS=("$@")
[ ${#PALLETS[@]} -gt 0 ] || PALLETS=(pallet_meters pallet_wattcoin pallet_prepaid)

ensure_system_packages
ensure_rust

# frame-benchmarking-cli brings frame-storage-access-test-runtime, whose build script builds a
# wasm runtime and looks its crate up in `cargo metadata` of this workspace, resolved without
# the runtime-benchmarks feature, so without it: the build fails ("Failed to find entry for
# package frame-storage-access-test-runtime"). Its wasm only serves `benchmark storage`, not
# `benchmark pallet`: skip it.
export SKIP_FRAME_STORAGE_ACCESS_TEST_RUNTIME_WASM_BUILD=1

# Its own target dir: building the node with runtime-benchmarks in the main one would
# rebuild half of it twice (now, and again for the next normal build).
export CARGO_TARGET_DIR="${BENCH_TARGET_DIR:-$HOME/.cache/wattcoin/bench-target}"
NODE_BIN="$CARGO_TARGET_DIR/release/wattcoin-node"
log "building the node and runtime with their benchmarks (--features runtime-benchmarks) in $CARGO_TARGET_DIR"
(cd "$REPO_ROOT" && cargo build --release --locked -p wattcoin-node --features runtime-benchmarks)
WASM="$(mktemp -d)/wattcoin_runtime_benchmarks.wasm"
cp "$CARGO_TARGET_DIR/release/wbuild/wattcoin-runtime/wattcoin_runtime.compact.compressed.wasm" "$WASM"

for pallet in "${PALLETS[@]}"; do
	crate_dir="$REPO_ROOT/pallets/${pallet#pallet_}"
	[ -d "$crate_dir" ] || die "no crate for $pallet at $crate_dir"
	log "benchmarking $pallet ($STEPS steps, $REPEAT repeats)"
	start=$SECONDS
	"$NODE_BIN" benchmark pallet \
		--runtime "$WASM" \
		--genesis-builder runtime \
		--genesis-builder-preset development \
		--pallet "$pallet" \
		--extrinsic '*' \
		--steps "$STEPS" \
		--repeat "$REPEAT" \
		--wasm-execution compiled \
		--heap-pages 4096 \
		--template "$REPO_ROOT/.maintain/frame-weight-template.hbs" \
		--output "$crate_dir/src/weights.rs"
	log "$pallet took $((SECONDS - start)) s"
done
log "weights written; the runtime must be rebuilt to use them"
