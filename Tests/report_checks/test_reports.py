"""Checks on the committed golden reports that need no Swift build: SARIF against the official schema, HTML text."""

import copy
import json
import re
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "Tests" / "ReportsTests" / "Golden"
SCHEMA = ROOT / "Tests" / "schemas" / "sarif-schema-2.1.0.json"

SARIF_FILES = sorted(GOLDEN.glob("*.sarif"))


def validator():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def test_the_schema_is_the_oasis_sarif_2_1_0_schema():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    assert schema["properties"]["version"]["enum"] == ["2.1.0"]
    assert schema["definitions"]["result"]["required"] == ["message"]


def test_format_checks_are_live():
    # jsonschema checks "date-time" and "uri" only with rfc3339-validator and rfc3986-validator installed.
    checkers = validator().format_checker.checkers
    assert {"date-time", "uri"} <= set(checkers), "pip install rfc3339-validator rfc3986-validator"


def test_there_are_sarif_golden_files():
    names = {path.name for path in SARIF_FILES}
    assert {"report.sarif", "iac.sarif", "empty.sarif"} <= names


@pytest.mark.parametrize("path", SARIF_FILES, ids=lambda path: path.name)
def test_sarif_golden_file_is_valid_sarif_2_1_0(path):
    document = json.loads(path.read_text(encoding="utf-8"))
    errors = sorted(validator().iter_errors(document), key=lambda error: list(error.absolute_path))
    assert not errors, "\n".join(f"{list(error.absolute_path)}: {error.message}" for error in errors)


@pytest.mark.parametrize(
    "mutation",
    [
        lambda log: log.pop("version"),
        lambda log: log["runs"][0]["results"][0].pop("message"),
        lambda log: log["runs"][0]["results"][0].update(level="fatal"),
        lambda log: log["runs"][0]["results"][0].update(unexpected=True),
        lambda log: log["runs"][0]["results"][0]["locations"][0]["logicalLocations"][0].update(index="x"),
        lambda log: log["runs"][0]["invocations"][0].update(startTimeUtc="yesterday"),
        lambda log: log.update({"$schema": "not a uri"}),
    ],
)
def test_the_validator_rejects_broken_sarif(mutation):
    document = json.loads((GOLDEN / "report.sarif").read_text(encoding="utf-8"))
    broken = copy.deepcopy(document)
    mutation(broken)
    assert list(validator().iter_errors(broken)), "the schema should reject this document"


def test_sarif_has_one_result_per_fail_and_unknown():
    log = json.loads((GOLDEN / "report.sarif").read_text(encoding="utf-8"))
    run = log["runs"][0]
    statuses = [result["properties"]["status"] for result in run["results"]]
    assert statuses.count("FAIL") == 4 and statuses.count("UNKNOWN") == 2 and len(statuses) == 6
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert "AlibabaCloud-ACK-007" in rules["ack-network-policy-support"]["properties"]["compliance"]
    assert "CIS-Alibaba-2.0-7.7" in rules["ack-network-policy-support"]["properties"]["compliance"]
    names = {
        location["logicalLocations"][0]["fullyQualifiedName"]
        for result in run["results"]
        for location in result["locations"]
    }
    assert "cluster/cn-hangzhou/c4f1a2b3" in names


def test_html_golden_has_title_and_counts():
    html = (GOLDEN / "report.html").read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", html).group(1)
    assert title == "ackguard report: 3 FAIL, 2 UNKNOWN, 1 PASS, 1 NOT_APPLICABLE, 1 suppressed"
    for status, count in {"FAIL": 3, "UNKNOWN": 2, "PASS": 1, "NOT_APPLICABLE": 1, "SUPPRESSED": 1}.items():
        assert f'<span class="count" id="count-{status}">{count}</span>' in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), "no external assets"
