#!/usr/bin/env bash
# The main job, a live demo: builds if needed, then runs a one-validator development chain and
# a meter gateway simulating 20 households. Readings flow from the gateway to the chain through
# the node's off-chain worker; credit falls; meter 1000 (Alice's, 1 WATT of credit, a heavy
# load) runs out and is disconnected within minutes. The gateway also serves the web app
# (web/, built here with npm). Ctrl-C stops both.
#
# Environment: RPC_PORT (9944), GATEWAY_PORT (8080), METERS (20), INTERVAL (6 s).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

RPC_PORT="${RPC_PORT:-9944}"
GATEWAY_PORT="${GATEWAY_PORT:-8080}"
METERS="${METERS:-20}"
INTERVAL="${INTERVAL:-6}"

ensure_system_packages
ensure_rust
ensure_node
build_all
build_web_app

state="$(mktemp -d -t wattcoin-dev-XXXXXX)"
pids=()
stop_all() {
	trap - INT TERM EXIT
	log "stopping"
	for pid in "${pids[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$state"
}
trap stop_all INT TERM EXIT

log "starting the development chain (Alice validates; state in $state, removed on exit)"
# The node's log is shown and kept; its tee ignores Ctrl-C so the node can log its shutdown.
"$NODE_BIN" --dev --base-path "$state/node" --rpc-port "$RPC_PORT" --rpc-cors all \
	--meter-gateway "http://127.0.0.1:${GATEWAY_PORT}" "$@" \
	2> >(trap '' INT TERM; exec tee "$state/node.log" >&2) &
pids+=($!)

log "starting the meter gateway: $METERS simulated meters, a reading each every ${INTERVAL} s"
"$GATEWAY_BIN" --listen "127.0.0.1:${GATEWAY_PORT}" --db "$state/gateway.sqlite" \
	--node-rpc "http://127.0.0.1:${RPC_PORT}" --simulate "$METERS" --interval "$INTERVAL" \
	--heavy-meter 1000 --heavy-factor 200 --web "$REPO_ROOT/web/dist" 2> "$state/gateway.log" &
pids+=($!)

cat >&2 <<TXT

  web app:           http://127.0.0.1:${GATEWAY_PORT}/?rpc=ws://127.0.0.1:${RPC_PORT}
                     (households: #/household, pick Alice for meter 1000; operators: #/operator as Alice)
  polkadot.js apps:  https://polkadot.js.org/apps/?rpc=ws://127.0.0.1:${RPC_PORT}
  gateway:           http://127.0.0.1:${GATEWAY_PORT}/healthz   (log: $state/gateway.log)

  What to look at in apps:
  - Network > Explorer: a meters.ingestReadings transaction in most blocks, with
    meters.ReadingsIngested and prepaid.SupplyChanged events.
  - Developer > Runtime calls > prepaidApi > meterStatus(1000): credit falling, then
    supply Disconnected.
  - Developer > Extrinsics > prepaid > topUp(1000, amount) as Bob: the meter reconnects
    (a prepaid.SupplyChanged event, Disconnected -> Connected).
  Ctrl-C stops the chain and the gateway.

TXT
wait -n "${pids[@]}"
log "a process exited; see the logs above"
