#!/usr/bin/env bash
# Every test: the crates' unit and mock-runtime tests, the end-to-end tests that drive a real
# node through @polkadot/api, the forkless runtime upgrade of a live chain (docs/upgrades.md),
# the web app in a real browser, a short run of the ingestion load benchmark with a floor (docs/benchmarks.md), then the network tests: four validators on zombienet, stopped and restarted
# (zombienet/README.md). Exits non-zero on the first failure.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

stage() {
	local name="$1"; shift
	local start=$SECONDS
	log "stage '$name' started"
	"$@"
	log "stage '$name' took $((SECONDS - start)) s"
}

run_cargo_tests() {
	# Release, like the node build, so one set of compiled dependencies serves both.
	(cd "$REPO_ROOT" && cargo test --release --locked --workspace --no-fail-fast)
}

run_e2e_tests() {
	(cd "$REPO_ROOT/e2e" && node run-tests.mjs --skip upgrade)
}

# A live chain on the previous release's runtime upgraded to this one (e2e/tests/upgrade.test.mjs).
run_upgrade_test() {
	(cd "$REPO_ROOT/e2e" && node run-tests.mjs upgrade)
}

# A short run of the ingestion load benchmark (docs/benchmarks.md, "Load benchmark"): it fails
# if fewer readings per finalized block are accepted than the floor measured on this machine.
run_ingest_smoke() {
	"$REPO_ROOT/scripts/bench-ingest.sh" --meters 10000 --rate 1500 --minutes 1.5 --warmup 30 \
		--min-per-block 6300
}

# The web app in Debian's Chromium, driven by playwright-core, against a dev node and a
# gateway serving the built app (web/tests/browser.test.mjs); screenshots and logs in
# web/test-output/.
run_browser_tests() {
	build_web_app
	(cd "$REPO_ROOT/web" && npm test)
}

run_network_tests() {
	(cd "$REPO_ROOT/zombienet" && node run.mjs)
}

# The set-up comes first and checks everything (packages, the whole of rust-toolchain.toml,
# Node.js's version) before the first long compile, in seconds when all is present.
stage "set-up" bash -c "source '$REPO_ROOT/scripts/common.sh'; ensure_system_packages; ensure_rust; ensure_node; ensure_e2e_packages; ensure_chromium"
stage "build" build_all
stage "cargo tests" run_cargo_tests
stage "e2e tests" run_e2e_tests
stage "browser tests" run_browser_tests
stage "upgrade test" run_upgrade_test
stage "ingest benchmark smoke" run_ingest_smoke
stage "network tests" run_network_tests
log "all tests passed"
