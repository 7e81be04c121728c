#!/usr/bin/env bash
# The whole test suite: warning-free build, format lint, every Swift test, then the checks that use software
# written by others (the official Alibaba Cloud SDK and Kubernetes client against the emulator, the SARIF schema,
# headless Chromium on the HTML report).
# Usage: scripts/test.sh        Needs: the Swift toolchain and python3; creates .venv from PyPI; installs
#                               Debian's chromium when it is missing and the script runs as root.
set -euo pipefail
cd "$(dirname "$0")/.."
# Tests never leave this machine: no credential chain of a test, a spawned binary or a Python check may contact
# the ECS metadata service (100.100.100.200); MetadataProbeGuardTests fails when this is not set.
export ACKGUARD_NO_METADATA_PROBE=1 ALIBABA_CLOUD_ECS_METADATA_DISABLED=true

echo "== build (must be warning-free)"
swift build --build-tests 2>&1 | tee .build-log.txt
# Dependency packages may warn about their own files; nothing of ours may warn.
if grep -E "warning:" .build-log.txt | grep -v "'swift-distributed-tracing': found 1 file(s) which are unhandled" \
    | grep -q .; then
    echo "build produced warnings:" >&2
    grep -E "warning:" .build-log.txt | grep -v "swift-distributed-tracing" >&2
    exit 1
fi
rm -f .build-log.txt

echo "== swift format lint --strict"
swift format lint --strict -r Package.swift Sources Tests

echo "== swift test"
swift test --skip-build 2>&1 | tee .test-log.txt
grep -qE "Test run with [0-9]+ tests? .*passed" .test-log.txt
rm -f .test-log.txt

echo "== install test (scripts/install.sh --debug into a temporary PREFIX; the binary runs with only HOME and PATH)"
scripts/test-install.sh

echo "== python checks (official SDK and Kubernetes client against the emulator, SARIF schema, HTML in Chromium)"
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r Tests/requirements.txt
if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "chromium is needed for the HTML report check: install Debian's chromium (or run as root)" >&2
        exit 1
    fi
fi
export ACKGUARD_EMULATOR="$PWD/.build/debug/ackguard-emulator"
.venv/bin/python -m pytest -q -p no:cacheprovider Tests/fidelity Tests/report_checks Tests/example_checks Tests/serve_checks
