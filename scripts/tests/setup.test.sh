#!/usr/bin/env bash
# Tests of the set-up in scripts/common.sh against a stand-in `rustup` that keeps its toolchains,
# targets and components in a temporary directory: proves that a half-installed toolchain (the
# pinned version present, its wasm targets or rust-src missing) is completed, and that the
# set-up fails loudly when rustup leaves a target out. Touches nothing of the user's.
#
#   bash scripts/tests/setup.test.sh
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
passed=0
failed=0

# A stand-in rustup on PATH. State: $FAKE_RUSTUP/toolchains (one name a line), and
# $FAKE_RUSTUP/<toolchain>.targets / .components. FAKE_RUSTUP_BROKEN=1 makes `target add` a no-op.
make_fake_rustup() {
	local dir="$1"
	mkdir -p "$dir/bin"
	cat > "$dir/bin/rustup" <<'FAKE'
#!/usr/bin/env bash
state="$FAKE_RUSTUP"
echo "rustup $*" >> "$state/calls"
has() { grep -qx "$1" "$state/toolchains" 2>/dev/null; }
case "$1 $2" in
"run "*) has "$2" && exit 0; echo "toolchain '$2' is not installed" >&2; exit 1 ;;
"toolchain install")
	echo "$3" >> "$state/toolchains"
	echo x86_64-unknown-linux-gnu > "$state/$3.targets"
	printf 'cargo-x86_64-unknown-linux-gnu\nrustc-x86_64-unknown-linux-gnu\n' > "$state/$3.components"
	;;
"target list") has "$5" || exit 1; cat "$state/$5.targets" ;;
"component list") has "$5" || exit 1; cat "$state/$5.components" ;;
"target add")
	[ "${FAKE_RUSTUP_BROKEN:-0}" = 1 ] && exit 0
	tc="$4"; shift 4; for t in "$@"; do echo "$t" >> "$state/$tc.targets"; done ;;
"component add")
	tc="$4"; shift 4; for c in "$@"; do echo "$c-x86_64-unknown-linux-gnu" >> "$state/$tc.components"; done ;;
*) echo "fake rustup: unexpected call: $*" >&2; exit 3 ;;
esac
FAKE
	chmod +x "$dir/bin/rustup"
}

# Runs ensure_rust in a subshell with the stand-in first on PATH. Prints its log to $1/log.
run_setup() {
	local dir="$1"
	(
		export FAKE_RUSTUP="$dir" PATH="$dir/bin:$PATH"
		source "$repo/scripts/common.sh"
		ensure_rust
	) > "$dir/log" 2>&1
}

check() {
	local name="$1"; shift
	if "$@"; then
		passed=$((passed + 1)); echo "ok - $name"
	else
		failed=$((failed + 1)); echo "not ok - $name"
		[ -f "$dir/log" ] && sed 's/^/#   /' "$dir/log"
	fi
}

channel="$(sed -n 's/^channel[[:space:]]*=[[:space:]]*"\(.*\)"/\1/p' "$repo/rust-toolchain.toml")"
wanted_targets="$(sed -n 's/^targets[[:space:]]*=[[:space:]]*\[\(.*\)\]/\1/p' "$repo/rust-toolchain.toml" | tr -d ' "' | tr ',' ' ')"
[ -n "$channel" ] && [ -n "$wanted_targets" ] || { echo "rust-toolchain.toml: no channel or targets"; exit 1; }

all_targets_installed() {
	local t
	for t in $wanted_targets; do grep -qx "$t" "$dir/$channel.targets" || return 1; done
}
rust_src_installed() { grep -q '^rust-src' "$dir/$channel.components"; }

# 1. The pinned toolchain is there with only the host target: the lesson of the 36-minute failure.
dir="$(mktemp -d)"; make_fake_rustup "$dir"
echo "$channel" > "$dir/toolchains"
echo x86_64-unknown-linux-gnu > "$dir/$channel.targets"
printf 'cargo-x86_64-unknown-linux-gnu\nrustfmt-x86_64-unknown-linux-gnu\nclippy-x86_64-unknown-linux-gnu\n' > "$dir/$channel.components"
check "half-installed toolchain: set-up succeeds" run_setup "$dir"
check "half-installed toolchain: every target of rust-toolchain.toml added" all_targets_installed
check "half-installed toolchain: rust-src added" rust_src_installed
check "half-installed toolchain: not reinstalled" bash -c "! grep -q 'toolchain install' '$dir/calls'"
rm -rf "$dir"

# 2. No toolchain at all.
dir="$(mktemp -d)"; make_fake_rustup "$dir"
check "no toolchain: set-up succeeds" run_setup "$dir"
check "no toolchain: $channel installed" grep -qx "$channel" "$dir/toolchains"
check "no toolchain: every target added" all_targets_installed
rm -rf "$dir"

# 3. Everything present: nothing is installed, and it takes seconds.
dir="$(mktemp -d)"; make_fake_rustup "$dir"
echo "$channel" > "$dir/toolchains"
{ echo x86_64-unknown-linux-gnu; for t in $wanted_targets; do echo "$t"; done; } > "$dir/$channel.targets"
printf 'rustfmt-x86_64-unknown-linux-gnu\nclippy-x86_64-unknown-linux-gnu\nrust-src\n' > "$dir/$channel.components"
start=$SECONDS
check "complete toolchain: set-up succeeds" run_setup "$dir"
check "complete toolchain: nothing added" bash -c "! grep -q ' add \| install' '$dir/calls'"
check "complete toolchain: under 5 s" test $((SECONDS - start)) -lt 5
rm -rf "$dir"

# 4. rustup claims success but leaves a target out: the set-up must fail, not go on to compile.
dir="$(mktemp -d)"; make_fake_rustup "$dir"
echo "$channel" > "$dir/toolchains"
echo x86_64-unknown-linux-gnu > "$dir/$channel.targets"
printf 'rustfmt-x86_64-unknown-linux-gnu\nclippy-x86_64-unknown-linux-gnu\nrust-src\n' > "$dir/$channel.components"
export FAKE_RUSTUP_BROKEN=1
setup_fails() { ! run_setup "$1"; }
check "a target left out: set-up fails" setup_fails "$dir"
check "a target left out: the error names it" grep -q "lacks .*targets \[wasm32" "$dir/log"
unset FAKE_RUSTUP_BROKEN
rm -rf "$dir"

echo "setup: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
