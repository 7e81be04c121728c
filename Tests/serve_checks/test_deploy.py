"""deploy/ validates against the Kubernetes schemas (kubernetes-validate); the ServiceMonitor is a CRD the schemas
do not hold, so its fields are checked by hand."""

from pathlib import Path

import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
KUBERNETES_VERSION = "1.30.0"


def documents():
    for path in sorted(DEPLOY.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            if document:
                yield path.name, document


def pod_spec(document):
    kind = document["kind"]
    if kind == "Deployment" or kind == "Job":
        return document["spec"]["template"]["spec"]
    if kind == "CronJob":
        return document["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return None


@pytest.mark.parametrize("name,document", list(documents()), ids=lambda v: v if isinstance(v, str) else v["kind"])
def test_manifest(name, document):
    if document["kind"] == "ServiceMonitor":
        assert document["apiVersion"] == "monitoring.coreos.com/v1"
        endpoint = document["spec"]["endpoints"][0]
        assert endpoint["port"] == "http" and endpoint["path"] == "/metrics"
        assert document["spec"]["selector"]["matchLabels"]
        return
    kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
    spec = pod_spec(document)
    if spec is None:
        return
    assert spec["securityContext"]["runAsNonRoot"] is True
    env_names = set()
    for container in spec["containers"]:
        context = container["securityContext"]
        assert context["readOnlyRootFilesystem"] is True
        assert context["allowPrivilegeEscalation"] is False
        assert container["resources"]["limits"]["memory"] and container["resources"]["limits"]["cpu"]
        env_names |= {variable["name"] for variable in container.get("env", [])}
    assert {"ALIBABA_CLOUD_ROLE_ARN", "ALIBABA_CLOUD_OIDC_PROVIDER_ARN", "ALIBABA_CLOUD_OIDC_TOKEN_FILE"} <= env_names


def test_every_kind_is_there():
    kinds = {document["kind"] for _, document in documents()}
    assert {"Deployment", "Service", "ServiceMonitor", "CronJob", "Job"} <= kinds
    jobs = [d for _, d in documents() if d["kind"] == "Job"]
    assert jobs[0]["spec"]["completionMode"] == "Indexed"
