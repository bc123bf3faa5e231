#!/usr/bin/env bash
# The main job: build if needed, then run a one-validator development chain on this machine.
# Extra arguments go to wattcoin-node (e.g. --rpc-port 9955).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ensure_system_packages
ensure_rust
build_node

RPC_PORT=9944
for arg in "$@"; do case "$arg" in --rpc-port=*) RPC_PORT="${arg#*=}" ;; esac; done
log "starting a development chain (Alice validates; state is temporary and goes with Ctrl-C)"
log "polkadot.js apps: https://polkadot.js.org/apps/?rpc=ws://127.0.0.1:${RPC_PORT}"
exec "$NODE_BIN" --dev --tmp --rpc-port "$RPC_PORT" --rpc-cors all "$@"
