"""The CI recipes in Examples/ci/ are valid YAML with the fields GitHub Actions and GitLab CI expect (issue 18):
they run `ackguard iac` and `ackguard audit`, get credentials from OIDC (never a stored key), upload SARIF to code
scanning (GitHub) or keep it as an artifact (GitLab), and keep the scan history. The `ackguard` command lines in
them are also parsed by the real binary (`--help` appended), so an option the tool does not have fails here."""

import json
import os
import pathlib
import re
import shlex
import subprocess

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
CI = ROOT / "Examples" / "ci"
BINARY = pathlib.Path(os.environ.get("ACKGUARD_BINARY", ROOT / ".build" / "debug" / "ackguard"))

STORED_KEY = re.compile(r"ACCESS_KEY|AccessKey|secrets\.", re.IGNORECASE)


def load(name):
    text = (CI / name).read_text()
    return text, yaml.safe_load(text)


def scripts_of_github(workflow):
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if "run" in step:
                yield step["run"]


def scripts_of_gitlab(pipeline):
    for name, job in pipeline.items():
        if isinstance(job, dict):
            for key in ("before_script", "script"):
                for line in job.get(key, []):
                    yield line


def ackguard_commands(scripts):
    """Each `ackguard ...` command in the scripts, as words, up to a shell operator."""
    for script in scripts:
        for line in script.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            for index, word in enumerate(words):
                if word == "ackguard":
                    command = []
                    for rest in words[index + 1 :]:
                        if rest in ("||", "&&", "|", ";", ">"):
                            break
                        command.append(rest)
                    yield command


def test_github_actions_workflow():
    text, workflow = load("github-actions.yml")
    # PyYAML reads the key `on` as the boolean True (YAML 1.1); GitHub reads it as "on".
    triggers = workflow.get("on", workflow.get(True))
    assert triggers and "schedule" in triggers and "pull_request" in triggers
    assert workflow["permissions"]["id-token"] == "write"
    assert workflow["permissions"]["security-events"] == "write"
    assert set(workflow["jobs"]) >= {"iac", "audit"}
    for name, job in workflow["jobs"].items():
        assert "runs-on" in job, name
        assert job["steps"], name
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), (name, step)
    uses = [step["uses"] for job in workflow["jobs"].values() for step in job["steps"] if "uses" in step]
    assert sum(u.startswith("github/codeql-action/upload-sarif@") for u in uses) == 2
    assert any(u.startswith("actions/upload-artifact@") for u in uses)
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if step.get("uses", "").startswith("github/codeql-action/upload-sarif@"):
                assert step["with"]["sarif_file"].endswith(".sarif")
                assert step.get("if") == "always()"
    audit_env = workflow["jobs"]["audit"]["env"]
    for variable in ("ALIBABA_CLOUD_ROLE_ARN", "ALIBABA_CLOUD_OIDC_PROVIDER_ARN", "ALIBABA_CLOUD_OIDC_TOKEN_FILE"):
        assert variable in audit_env
    assert not STORED_KEY.search(text), "the workflow must not use stored access keys"
    commands = [c[0] for c in ackguard_commands(scripts_of_github(workflow)) if c]
    assert {"iac", "audit"} <= set(commands)


def test_gitlab_ci_job():
    text, pipeline = load("gitlab-ci.yml")
    stages = pipeline["stages"]
    jobs = {name: job for name, job in pipeline.items() if isinstance(job, dict) and not name.startswith(".")}
    assert set(jobs) >= {"ackguard-iac", "ackguard-audit"}
    template = pipeline[".ackguard"]
    for name, job in jobs.items():
        merged = {**template, **job} if job.get("extends") == ".ackguard" else job
        assert merged["stage"] in stages, name
        assert isinstance(merged["script"], list) and merged["script"], name
        assert merged["image"], name
        assert merged["artifacts"]["when"] == "always", name
        assert any(path.endswith(".sarif") for path in merged["artifacts"]["paths"]), name
    audit = jobs["ackguard-audit"]
    assert audit["id_tokens"]["ALIBABA_CLOUD_OIDC_TOKEN"]["aud"] == "sts.aliyuncs.com"
    assert "ALIBABA_CLOUD_OIDC_TOKEN_FILE" in audit["variables"]
    assert any("history" in path for path in audit["cache"]["paths"])
    assert jobs["ackguard-iac"]["artifacts"]["reports"]["junit"].endswith(".xml")
    assert not STORED_KEY.search(text), "the job must not use stored access keys"
    commands = [c[0] for c in ackguard_commands(scripts_of_gitlab(pipeline)) if c]
    assert {"iac", "audit"} <= set(commands)


@pytest.mark.parametrize("name", ["github-actions.yml", "gitlab-ci.yml"])
def test_commands_parse(name, tmp_path):
    if not BINARY.exists():
        pytest.skip(f"{BINARY} is not built")
    _, document = load(name)
    scripts = scripts_of_github(document) if "jobs" in document else scripts_of_gitlab(document)
    for command in ackguard_commands(scripts):
        if not command or command[0].startswith("-"):
            continue
        # Variables stand for paths: any word will do for parsing.
        words = [re.sub(r"\$\{?\w+\}?", "x", word) for word in command]
        result = subprocess.run(
            [str(BINARY), *words, "--help"], capture_output=True, text=True, cwd=tmp_path, timeout=60,
            env={"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path)})
        assert result.returncode == 0, (command, result.stderr)


def test_iac_example_matches_the_readme():
    """Examples/iac/ holds what the README's `iac` example shows: prod fails on NetworkPolicy "false", legacy on
    Flannel, Payments passes; `--var network_policy=true` makes prod pass."""
    if not BINARY.exists():
        pytest.skip(f"{BINARY} is not built")

    def run(*extra):
        result = subprocess.run(
            [str(BINARY), "iac", "Examples/iac/", "-f", "json", *extra], capture_output=True, text=True, cwd=ROOT,
            timeout=60)
        findings = json.loads(result.stdout)["findings"]
        return result.returncode, {f["clusterId"]: (f["status"], f["reason"]) for f in findings}
    code, findings = run()
    assert code == 1
    assert findings == {
        "alicloud_cs_managed_kubernetes.prod": ("FAIL", "addon-policy-disabled"),
        "alicloud_cs_kubernetes.legacy": ("FAIL", "plugin-flannel"),
        "Payments": ("PASS", "addon-policy-enabled"),
    }
    _, findings = run("--var", "network_policy=true")
    assert findings["alicloud_cs_managed_kubernetes.prod"] == ("PASS", "addon-policy-enabled")
