"""Renders the golden HTML report in headless Chromium (Debian package `chromium`) and checks that it rendered.

UPDATE_SCREENSHOT=1 also copies the screenshot to docs/report-screenshot.png.
"""

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import png

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "Tests" / "ReportsTests" / "Golden" / "report.html"
SCREENSHOT = ROOT / "docs" / "report-screenshot.png"
WINDOW = (1280, 1600)

# Colours the page gives the statuses (HTMLReportRenderer.palette).
FAIL_RED = (0xC6, 0x28, 0x28)
PASS_GREEN = (0x2E, 0x7D, 0x32)
SUPPRESSED_PURPLE = (0x5E, 0x35, 0xB1)


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise AssertionError("headless Chromium is required: apt-get install -y chromium")


def run_chromium(*arguments, cwd):
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--no-first-run",
        f"--user-data-dir={cwd}/profile",
        *arguments,
    ]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=180, check=False)


def test_chromium_renders_the_report_and_it_is_not_blank():
    with tempfile.TemporaryDirectory() as directory:
        output = Path(directory) / "report.png"
        result = run_chromium(
            f"--screenshot={output}", f"--window-size={WINDOW[0]},{WINDOW[1]}", REPORT.as_uri(), cwd=directory
        )
        assert output.exists(), f"no screenshot written: {result.stderr[-2000:]}"
        width, height, counts = png.colour_counts(output)
        assert (width, height) == WINDOW
        total = width * height
        background = max(counts.values())
        assert background < 0.97 * total, "the page is (almost) one colour"
        assert len(counts) > 50, f"only {len(counts)} colours: nothing rendered"
        # The summary cards, chart and badges paint these exact colours.
        for colour, name in ((FAIL_RED, "FAIL red"), (PASS_GREEN, "PASS green"), (SUPPRESSED_PURPLE, "purple")):
            assert counts.get(colour, 0) > 200, f"{name} {colour} is missing from the screenshot"
        if os.environ.get("UPDATE_SCREENSHOT") == "1":
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(output, SCREENSHOT)


def test_the_rendered_page_has_the_title_counts_and_working_sort_script():
    with tempfile.TemporaryDirectory() as directory:
        result = run_chromium("--dump-dom", REPORT.as_uri(), cwd=directory)
        dom = result.stdout
        assert "<title>ackguard report: 3 FAIL, 2 UNKNOWN, 1 PASS, 1 NOT_APPLICABLE, 1 suppressed</title>" in dom
        assert '<span class="count" id="count-FAIL">3</span>' in dom
        assert '<span class="count" id="count-UNKNOWN">2</span>' in dom
        # The script ran in the browser: it turned every header of the findings table into a sort button.
        header = re.search(r'<table id="findings-table">\s*<thead>(.*?)</thead>', dom, re.S).group(1)
        assert header.count('<button type="button">') == 6, header
