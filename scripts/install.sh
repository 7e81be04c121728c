#!/usr/bin/env bash
# Builds ackguard and installs it, with shell completions and a man page.
#
# Usage: scripts/install.sh [--debug] [PREFIX]      PREFIX defaults to /usr/local
#
#   PREFIX/bin/ackguard, PREFIX/bin/ackguard-emulator
#   PREFIX/share/bash-completion/completions/ackguard
#   PREFIX/share/zsh/site-functions/_ackguard
#   PREFIX/share/fish/vendor_completions.d/ackguard.fish
#   PREFIX/share/man/man1/ackguard.1 (and ackguard.<command>.1 for each command)
#
# The default is a release build with the Swift standard library linked statically (--static-swift-stdlib), so the
# binaries run on machines without a Swift toolchain (they still need glibc, libsqlite3 and libcurl's usual
# companions of the distribution). --debug installs the debug build instead: much faster to build, used by the
# install test in scripts/test.sh. Needs: a Swift >= 6.2 toolchain and libsqlite3-dev. ACKGUARD_SCRATCH_PATH moves
# the build folder (default .build).
#
# The man page comes from argument-parser's generate-manual tool (built from the swift-argument-parser checkout,
# offline), which reads `ackguard --experimental-dump-help`: it documents exactly the options the binary has.
set -euo pipefail
cd "$(dirname "$0")/.."

configuration=release
if [ "${1:-}" = "--debug" ]; then
    configuration=debug
    shift
fi
prefix="${1:-/usr/local}"
if [ $# -gt 1 ] || [[ "$prefix" == -* ]]; then
    echo "usage: scripts/install.sh [--debug] [PREFIX]" >&2
    exit 64
fi
scratch=(--scratch-path "${ACKGUARD_SCRATCH_PATH:-.build}")
flags=(-c "$configuration" "${scratch[@]}")
if [ "$configuration" = release ]; then
    flags+=(--static-swift-stdlib)
fi

echo "== swift build ${flags[*]} (a first release build takes a while on few cores)" >&2
swift build "${flags[@]}" --product ackguard
swift build "${flags[@]}" --product ackguard-emulator
# The manual generator is a development tool: a debug build is enough and quick.
swift build "${scratch[@]}" --product generate-manual
bin="$(swift build "${flags[@]}" --show-bin-path)"
tools="$(swift build "${scratch[@]}" --show-bin-path)"

install -d "$prefix/bin" "$prefix/share/bash-completion/completions" "$prefix/share/zsh/site-functions" \
    "$prefix/share/fish/vendor_completions.d" "$prefix/share/man/man1"
install -m 0755 "$bin/ackguard" "$bin/ackguard-emulator" "$prefix/bin/"

ackguard="$prefix/bin/ackguard"
"$ackguard" --generate-completion-script bash >"$prefix/share/bash-completion/completions/ackguard"
"$ackguard" --generate-completion-script zsh >"$prefix/share/zsh/site-functions/_ackguard"
"$ackguard" --generate-completion-script fish >"$prefix/share/fish/vendor_completions.d/ackguard.fish"
"$tools/generate-manual" "$ackguard" --multi-page --output-directory "$prefix/share/man/man1" >/dev/null

echo "installed $("$ackguard" --version) ($configuration) into $prefix:" >&2
echo "  $prefix/bin/ackguard, $prefix/bin/ackguard-emulator, completions (bash, zsh, fish), man ackguard" >&2
