#!/usr/bin/env bash
# The fault soak over many seeds (not in CI: about 40 s a seed on 2 cores). Prints one line per seed and the
# failures at the end; exit 1 when any seed failed.
# Usage: scripts/soak-loop.sh [FIRST_SEED] [COUNT] [CLUSTERS]     (defaults: 1 50 150)
# Set ACKGUARD_SOAK_LOAD=1 to run a CPU hog beside it (what the full test suite does to the soak in CI);
# ACKGUARD_SOAK_SKIP_BUILD=1 uses the test binary as built.
set -euo pipefail
cd "$(dirname "$0")/.."
first=${1:-1}
count=${2:-50}
clusters=${3:-150}
export ACKGUARD_NO_METADATA_PROBE=1
[ "${ACKGUARD_SOAK_SKIP_BUILD:-0}" = "1" ] || swift build --build-tests >/dev/null
hog=""
if [ "${ACKGUARD_SOAK_LOAD:-0}" = "1" ]; then
    ( while :; do :; done ) &
    hog=$!
    trap 'kill "$hog" 2>/dev/null || true' EXIT
fi
failed=()
for seed in $(seq "$first" $((first + count - 1))); do
    log=$(mktemp)
    if ACKGUARD_SOAK_SEED=$seed ACKGUARD_SOAK_CLUSTERS=$clusters \
        swift test --skip-build --filter FaultSoakTests >"$log" 2>&1; then
        echo "seed $seed: pass $(grep -o 'soak: .*' "$log" | tr '\n' ' ')"
    else
        echo "seed $seed: FAIL"
        grep -E "recorded an issue|soak:" "$log" | head -20
        failed+=("$seed")
    fi
    rm -f "$log"
done
echo "${#failed[@]} of $count seeds failed${failed:+: ${failed[*]}}"
[ ${#failed[@]} -eq 0 ]
