# Shared by the project's scripts: where things are, and the one-time machine set-up.
# Source it; do not run it.

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/wattcoin/target}"
NODE_BIN="$CARGO_TARGET_DIR/release/wattcoin-node"
GATEWAY_BIN="$CARGO_TARGET_DIR/release/wattcoin-gateway"

log() { printf '\033[1;34m[wattcoin]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[wattcoin] error:\033[0m %s\n' "$*" >&2; exit 1; }

# Debian packages the build needs, by the command that shows they are there.
ensure_system_packages() {
	local missing=()
	command -v protoc >/dev/null 2>&1 || missing+=(protobuf-compiler)
	command -v cc >/dev/null 2>&1 || missing+=(build-essential)
	command -v make >/dev/null 2>&1 || missing+=(make)
	command -v perl >/dev/null 2>&1 || missing+=(perl)
	command -v node >/dev/null 2>&1 || missing+=(nodejs)
	command -v npm >/dev/null 2>&1 || missing+=(npm)
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
		log "installing Debian packages: ${missing[*]}"
		DEBIAN_FRONTEND=noninteractive apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
	else
		die "missing packages: ${missing[*]}. Install them, e.g. 'sudo apt-get install ${missing[*]}'."
	fi
}

ensure_rust() {
	command -v cargo >/dev/null 2>&1 ||
		die "cargo not found: install Rust with rustup (https://rustup.rs); rust-toolchain.toml picks the version."
	# rustup reads rust-toolchain.toml and installs the pinned toolchain, wasm targets and rust-src.
	(cd "$REPO_ROOT" && rustup show active-toolchain >/dev/null 2>&1 || rustup toolchain install)
}

# Builds every crate (the node with the runtime's wasm, the gateway) and their tests unless
# up to date. Always the whole workspace with all targets, exactly what `cargo test` builds:
# cargo resolves features per selection, so any other selection would compile the shared
# dependencies a second time with other features.
build_all() {
	log "building the workspace (release; a cold build takes about 30 minutes on 2 cores)"
	(cd "$REPO_ROOT" && cargo build --release --locked --workspace --all-targets)
}

# Installs the e2e test client from the committed lockfile when it is not installed yet.
ensure_e2e_packages() {
	if [ ! -d "$REPO_ROOT/e2e/node_modules/@polkadot/api" ] ||
		[ "$REPO_ROOT/e2e/package-lock.json" -nt "$REPO_ROOT/e2e/node_modules/.package-lock.json" ]; then
		log "installing the e2e client packages (npm ci)"
		(cd "$REPO_ROOT/e2e" && npm ci --no-audit --no-fund)
	fi
}
