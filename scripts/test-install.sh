#!/usr/bin/env bash
# The install test: scripts/install.sh into a temporary PREFIX, then the installed binary runs with an empty
# environment but HOME and PATH and prints its version; completions and man pages are where the shells and man look.
# Usage: scripts/test-install.sh [--release]   (default: --debug, the build CI already has; --release checks the
#                                              static release build, which takes a long first build)
set -euo pipefail
cd "$(dirname "$0")/.."
mode=(--debug)
if [ "${1:-}" = "--release" ]; then mode=(); fi
prefix="$(mktemp -d)"
home="$(mktemp -d)"
trap 'rm -rf "$prefix" "$home"' EXIT

scripts/install.sh "${mode[@]}" "$prefix" 2>&1 | tail -n 2

fail() { echo "install test: $*" >&2; exit 1; }
version="$(env -i HOME="$home" PATH="$prefix/bin:/usr/bin:/bin" ackguard --version)" || fail "ackguard --version failed"
expected="$(sed -n 's/.*static let version = "\(.*\)".*/\1/p' Sources/ackguard/ACKGuard.swift)"
[ "$version" = "$expected" ] || fail "ackguard --version printed '$version', expected '$expected'"
env -i HOME="$home" PATH="$prefix/bin:/usr/bin:/bin" ackguard-emulator --help >/dev/null \
    || fail "ackguard-emulator --help failed"
grep -q "complete .*-F _ackguard ackguard" "$prefix/share/bash-completion/completions/ackguard" || fail "no bash completion"
grep -q "#compdef ackguard" "$prefix/share/zsh/site-functions/_ackguard" || fail "no zsh completion"
grep -q "complete -c 'ackguard'" "$prefix/share/fish/vendor_completions.d/ackguard.fish" || fail "no fish completion"
grep -q "^.Dt ACKGUARD 1" "$prefix/share/man/man1/ackguard.1" || fail "no man page"
for command in audit collect fix iac history diff; do
    [ -s "$prefix/share/man/man1/ackguard.$command.1" ] || fail "no man page for ackguard $command"
done
# The installed binary does the job with nothing but HOME and PATH: an offline audit of the saved example fleet.
set +e
env -i HOME="$home" PATH="$prefix/bin:/usr/bin:/bin" ackguard audit --from Examples/saved-fleet >/dev/null
code=$?
set -e
[ "$code" = 1 ] || fail "ackguard audit --from Examples/saved-fleet exited $code, expected 1 (FAILs)"
echo "install test: ackguard $version installed and runs with only HOME and PATH"
