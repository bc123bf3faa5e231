# Shared by the project's scripts: where things are, and the one-time machine set-up.
# Source it; do not run it.

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/wattcoin/target}"
NODE_BIN="$CARGO_TARGET_DIR/release/wattcoin-node"
GATEWAY_BIN="$CARGO_TARGET_DIR/release/wattcoin-gateway"

log() { printf '\033[1;34m[wattcoin]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[wattcoin] error:\033[0m %s\n' "$*" >&2; exit 1; }

# Installs Debian packages when root on Debian/Ubuntu; otherwise stops with one message that
# names them all. $1 says what they are for.
install_packages() {
	local why="$1"; shift
	[ $# -eq 0 ] && return 0
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
		log "installing Debian packages for $why: $*"
		DEBIAN_FRONTEND=noninteractive apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null ||
			die "apt-get could not install: $*"
	else
		die "missing for $why: $*. Install them (Debian/Ubuntu: 'sudo apt-get install $*') and run this again."
	fi
}

# What the Rust build needs from the system, by the command that shows it is there.
ensure_system_packages() {
	local missing=()
	command -v protoc >/dev/null 2>&1 || missing+=(protobuf-compiler)
	command -v cc >/dev/null 2>&1 || missing+=(gcc)
	command -v c++ >/dev/null 2>&1 || missing+=(g++)
	command -v make >/dev/null 2>&1 || missing+=(make)
	command -v perl >/dev/null 2>&1 || missing+=(perl)
	command -v curl >/dev/null 2>&1 || missing+=(curl)
	command -v rustup >/dev/null 2>&1 || missing+=(rustup)
	install_packages "the Rust build" "${missing[@]}"
	command -v rustup >/dev/null 2>&1 ||
		die "rustup not found: install it (https://rustup.rs); rust-toolchain.toml picks the version."
}

# A list from rust-toolchain.toml: `toolchain_list targets` prints one target a line.
toolchain_list() {
	sed -n "s/^$1[[:space:]]*=[[:space:]]*\[\(.*\)\]/\1/p" "$REPO_ROOT/rust-toolchain.toml" |
		tr ',' '\n' | tr -d ' "\t' | grep -v '^$' || true
}

# Installs exactly what rust-toolchain.toml names (toolchain, targets, components), whether or not
# the toolchain is already there, then checks it. Seconds when everything is present.
ensure_rust() {
	local channel kind missing
	channel="$(toolchain_channel)"
	if ! rustup run "$channel" rustc --version >/dev/null 2>&1; then
		log "installing the Rust toolchain $channel (rust-toolchain.toml)"
		rustup toolchain install "$channel" --profile minimal || die "rustup could not install $channel"
	fi
	for kind in target component; do
		missing="$(toolchain_missing "$channel" "$kind")"
		[ -z "$missing" ] && continue
		log "adding Rust ${kind}s to $channel: $missing"
		# shellcheck disable=SC2086 # one word per target or component
		rustup "$kind" add --toolchain "$channel" $missing || die "rustup could not add the ${kind}s $missing"
	done
	check_rust "$channel"
}

# The toolchain rust-toolchain.toml pins.
toolchain_channel() {
	local channel
	channel="$(sed -n 's/^channel[[:space:]]*=[[:space:]]*"\(.*\)"/\1/p' "$REPO_ROOT/rust-toolchain.toml")"
	[ -n "$channel" ] || die "rust-toolchain.toml names no channel"
	echo "$channel"
}

# The targets (`toolchain_missing CHANNEL target`) or components (`... component`) that
# rust-toolchain.toml names and rustup does not list as installed, on one line.
toolchain_missing() {
	local channel="$1" kind="$2" installed item missing=()
	installed="$(rustup "$kind" list --installed --toolchain "$channel")" || return 0
	for item in $(toolchain_list "${kind}s"); do
		# Components are listed with the host's triple (`clippy-x86_64-...`), rust-src without.
		grep -q "^$item\(-\|$\)" <<<"$installed" || missing+=("$item")
	done
	echo "${missing[*]}"
}

# Fails loudly when a target or component of rust-toolchain.toml is not installed.
check_rust() {
	local channel="$1" targets components
	targets="$(toolchain_missing "$channel" target)"
	components="$(toolchain_missing "$channel" component)"
	[ -z "$targets$components" ] ||
		die "Rust $channel lacks what rust-toolchain.toml names: targets [$targets] components [$components]"
	log "Rust $channel with $(toolchain_list targets | tr '\n' ' ')and $(toolchain_list components | tr '\n' ' ')is ready"
}

# Node.js and npm for the web app (built for the demo) and the end-to-end tests: a major
# version from 18 on.
E2E_NODE_MIN_MAJOR=18
ensure_node() {
	local missing=() major
	command -v node >/dev/null 2>&1 || missing+=(nodejs)
	command -v npm >/dev/null 2>&1 || missing+=(npm)
	install_packages "the web app and the end-to-end tests" "${missing[@]}"
	major="$(node -p 'process.versions.node.split(".")[0]')"
	[ "$major" -ge "$E2E_NODE_MIN_MAJOR" ] ||
		die "the web app and the end-to-end tests need Node.js $E2E_NODE_MIN_MAJOR or newer; found $(node --version)"
	log "Node.js $(node --version) (the web app and the e2e tests need $E2E_NODE_MIN_MAJOR or newer)"
}

# Builds every crate (the node with the runtime's wasm, the gateway) and their tests unless
# up to date. Always the whole workspace with all targets, exactly what `cargo test` builds:
# cargo resolves features per selection, so any other selection would compile the shared
# dependencies a second time with other features.
build_all() {
	log "building the workspace (release; a cold build took 29 minutes on 2 cores, see docs/build.md)"
	# --timings: \$CARGO_TARGET_DIR/cargo-timings/ keeps an HTML report of what each crate cost
	# and what waited on what, the first thing to read when a build gets slower.
	(cd "$REPO_ROOT" && cargo build --release --locked --workspace --all-targets --timings)
}

# Installs the npm packages of `dir` (e2e, zombienet) from its committed lockfile when they
# are not installed yet or the lockfile is newer.
ensure_npm_packages() {
	local dir="$1"
	if [ ! -f "$REPO_ROOT/$dir/node_modules/.package-lock.json" ] ||
		[ "$REPO_ROOT/$dir/package-lock.json" -nt "$REPO_ROOT/$dir/node_modules/.package-lock.json" ]; then
		log "installing the $dir packages (npm ci)"
		(cd "$REPO_ROOT/$dir" && npm ci --no-audit --no-fund)
	fi
}

# The e2e test client (@polkadot/api), zombienet (the network tests) and the web app's
# packages (its build, and playwright-core for its browser tests).
ensure_e2e_packages() {
	ensure_npm_packages e2e
	ensure_npm_packages zombienet
	ensure_npm_packages web
}

# Debian's Chromium, for the web app's browser tests (playwright-core drives it; it downloads
# no browser of its own). $CHROMIUM names another one.
ensure_chromium() {
	local chromium="${CHROMIUM:-/usr/bin/chromium}"
	[ -x "$chromium" ] || install_packages "the browser tests" chromium
	[ -x "$chromium" ] || die "Chromium not found at $chromium (set CHROMIUM to another one)"
	log "$("$chromium" --version 2>/dev/null || echo "Chromium at $chromium") for the browser tests"
}

# The web app (web/): its packages from the committed lockfile, then `npm run build` (type
# check and bundle into web/dist/) when web/dist is missing or older than a source.
build_web_app() {
	ensure_npm_packages web
	local built="$REPO_ROOT/web/dist/index.html"
	if [ ! -f "$built" ] || [ -n "$(find "$REPO_ROOT/web/src" "$REPO_ROOT/web/index.html" \
		"$REPO_ROOT/web/package-lock.json" "$REPO_ROOT/web/vite.config.ts" -newer "$built" -print -quit)" ]; then
		log "building the web app (web/: npm run build)"
		(cd "$REPO_ROOT/web" && npm run build)
	fi
}
