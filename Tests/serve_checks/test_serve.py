"""`ackguard serve --demo` end to end: the first stdout line names the URL, /metrics parses with the official
Prometheus parser and agrees with /api/scans, and the dashboard renders in headless Chromium.

ACKGUARD_BIN overrides the binary (default .build/debug/ackguard).
"""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[2]
BINARY = os.environ.get("ACKGUARD_BIN", str(ROOT / ".build" / "debug" / "ackguard"))


def fetch(url, timeout=30):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.read().decode("utf-8")


@pytest.fixture(scope="module")
def server():
    home = tempfile.mkdtemp(prefix="ackguard-serve-check")
    environment = dict(os.environ, HOME=home, ALIBABA_CLOUD_ECS_METADATA_DISABLED="true")
    process = subprocess.Popen(
        [BINARY, "serve", "--demo", "--every", "1h", "--no-history"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment, text=True,
    )
    try:
        line = process.stdout.readline().strip()
        assert line.startswith("listening on http://127.0.0.1:"), line
        url = line.removeprefix("listening on ")
        deadline = time.monotonic() + 120
        while True:
            try:
                if fetch(url + "/readyz")[0] == 200:
                    break
            except urllib.error.HTTPError as error:
                assert error.code == 503
            assert time.monotonic() < deadline, "the first scan did not finish in 120 s"
            time.sleep(0.25)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            assert process.wait(timeout=30) == 0
        finally:
            if process.poll() is None:
                process.kill()
            shutil.rmtree(home, ignore_errors=True)


def test_metrics_equal_the_latest_scan(server):
    status, text = fetch(server + "/metrics")
    assert status == 200
    families = {family.name: family for family in text_string_to_metric_families(text)}
    scans = json.loads(fetch(server + "/api/scans")[1])["scans"]
    latest = scans[0]
    report = json.loads(fetch(server + f"/api/scans/{latest['id']}")[1])

    findings = families["ackguard_finding_status"].samples
    assert len(findings) == len(report["findings"])
    by_status = {}
    for sample in findings:
        assert sample.value == 1
        assert set(sample.labels) == {"account", "region", "cluster_id", "cluster_name", "rule", "status", "reason"}
        by_status[sample.labels["status"]] = by_status.get(sample.labels["status"], 0) + 1
    counts = {sample.labels["status"]: sample.value for sample in families["ackguard_findings"].samples}
    for status in ("FAIL", "UNKNOWN", "PASS", "NOT_APPLICABLE"):
        assert counts[status] == latest["counts"][status] == by_status.get(status, 0), status
    assert latest["counts"]["FAIL"] > 0  # the demo fleet has failing clusters
    report_ids = sorted((f["clusterId"], f["rule"]) for f in report["findings"])
    metric_ids = sorted((s.labels["cluster_id"], s.labels["rule"]) for s in findings)
    assert report_ids == metric_ids
    assert families["ackguard_scan_incomplete"].samples[0].value == (1 if latest["incomplete"] else 0)
    assert families["ackguard_last_scan_timestamp_seconds"].samples[0].value > 0
    assert families["ackguard_scan_duration_seconds"].samples[0].value >= 0
    calls = families["ackguard_api_calls"].samples
    assert any(s.name == "ackguard_api_calls_total" and s.labels["outcome"] == "ok" and s.value > 0 for s in calls)


def test_dashboard_in_headless_chromium(server):
    names = ("chromium", "chromium-browser", "google-chrome")
    browser = next((shutil.which(name) for name in names if shutil.which(name)), None)
    # Never skipped: scripts/test.sh installs Debian's chromium when it is missing.
    assert browser, "headless Chromium is needed: apt-get install -y chromium"
    profile = tempfile.mkdtemp(prefix="ackguard-serve-chromium")
    try:
        result = subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--enable-logging=stderr", "--v=0", f"--user-data-dir={profile}", "--dump-dom", server + "/"],
            capture_output=True, text=True, timeout=120,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    dom = result.stdout
    latest = json.loads(fetch(server + "/api/scans")[1])["scans"][0]
    # The latest scan's HTML report (its count cards and findings table), the changes and the trend.
    assert f"<h2>Report of scan {latest['id']}</h2>" in dom
    assert f'id="count-FAIL">{int(latest["counts"]["FAIL"])}</span>' in dom
    assert 'id="findings-table"' in dom and 'id="details"' in dom
    assert 'id="changes"' in dom
    assert 'id="trend-FAIL"' in dom and 'id="trend-UNKNOWN"' in dom
    # Nothing to run and nothing refused by the Content-Security-Policy; no console error.
    assert "<script" not in dom
    assert "Uncaught" not in result.stderr
    assert "Refused to" not in result.stderr


EMULATOR = os.environ.get("ACKGUARD_EMULATOR", str(ROOT / ".build" / "debug" / "ackguard-emulator"))


def test_sigterm_during_a_scan_ends_cleanly(tmp_path):
    """SIGTERM while the first scan is in collection (every CS call of the emulator takes 1.5 s): exit 0 promptly,
    the scan logged as cancelled, and the history database consistent (the scan absent or recorded with notices)."""
    emulator = subprocess.Popen(
        [EMULATOR, "--port", "0", "--latency-ms", "1500"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        first = emulator.stdout.readline().strip()
        assert first.startswith("listening on http://127.0.0.1:"), first
        endpoint = first.removeprefix("listening on ")
        history = tmp_path / "history.sqlite"
        environment = dict(
            os.environ, HOME=str(tmp_path), ALIBABA_CLOUD_ECS_METADATA_DISABLED="true",
            ALIBABA_CLOUD_ACCESS_KEY_ID="ackguard-demo-key", ALIBABA_CLOUD_ACCESS_KEY_SECRET="ackguard-demo-secret",
        )
        serve = subprocess.Popen(
            [BINARY, "serve", "--endpoint", endpoint, "--every", "1h", "--history", str(history)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment, text=True,
        )
        try:
            line = serve.stdout.readline().strip()
            assert line.startswith("listening on http://127.0.0.1:"), line
            url = line.removeprefix("listening on ")
            time.sleep(4)  # DescribeRegions, then the listings: in collection
            with pytest.raises(urllib.error.HTTPError) as not_ready:
                fetch(url + "/readyz")
            assert not_ready.value.code == 503
            started = time.monotonic()
            serve.send_signal(signal.SIGTERM)
            assert serve.wait(timeout=20) == 0
            assert time.monotonic() - started < 10
            log = serve.stderr.read()
            assert "scan 1 cancelled by shutdown" in log, log
            assert "ackguard-demo-secret" not in log
        finally:
            if serve.poll() is None:
                serve.kill()
        if history.exists():
            with sqlite3.connect(history) as database:
                assert database.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                for scan_id, notices, counted in database.execute(
                    "SELECT id, notices, passCount + failCount + notApplicableCount + unknownCount + suppressedCount"
                    " FROM scan"
                ):
                    assert json.loads(notices), "a cancelled scan recorded without saying what it missed"
                    findings = database.execute("SELECT COUNT(*) FROM finding WHERE scanId = ?", (scan_id,))
                    assert findings.fetchone()[0] == counted
    finally:
        emulator.terminate()
        try:
            emulator.wait(timeout=10)
        except subprocess.TimeoutExpired:
            emulator.kill()
